//! Follow-ups of plans, absences, development interviews and calendar feeds.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use devplan_domain::followup::{
    Absence, AbsenceDates, AbsenceFacts, AbsenceKind, FollowUpKind, FollowUpRecord, Interview,
    InterviewFormat, InterviewPart, Participant, ParticipantStatus, PlanFacts, StoredFollowUp,
};
use devplan_domain::plan::{Plan, PlanError};
use devplan_domain::records::Meta;
use devplan_domain::text::{ExternalId, LongText};
use devplan_domain::{
    AbsenceId, EmployeeId, FollowUpId, InterviewId, PlanId, Violation, Violations,
};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, TransactionTrait,
};
use uuid::Uuid;

use crate::employees::{EmployeeScope, parse_stored};
use crate::entities::{
    absence, calendar_feed, development_interview, employee, follow_up, interview_participant,
    plan, plan_member, plan_version,
};
use crate::units::CHUNK;
use crate::version::{check_version, ensure_updated, lock_row};
use crate::{Page, PageRequest, Store, StoreError, SyncReport};

fn json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(StoreError::corrupt)
}

fn to_follow_up(m: follow_up::Model) -> Result<StoredFollowUp, StoreError> {
    Ok(StoredFollowUp {
        id: FollowUpId::from_uuid(m.id),
        plan_id: PlanId::from_uuid(m.plan_id),
        record: FollowUpRecord {
            kind: FollowUpKind::parse(&m.kind)
                .ok_or_else(|| StoreError::corrupt(format!("follow-up kind {}", m.kind)))?,
            held_on: m.held_on,
            participants: serde_json::from_str(&m.participants).map_err(StoreError::corrupt)?,
            notes: parse_stored(m.notes.as_deref(), LongText::parse)?,
            progress: serde_json::from_str(&m.progress).map_err(StoreError::corrupt)?,
            outcome: serde_json::from_value(serde_json::Value::String(m.outcome))
                .map_err(StoreError::corrupt)?,
        },
        recorded_by: EmployeeId::from_uuid(m.recorded_by),
        recorded_at: m.created_at,
    })
}

fn to_absence(m: absence::Model) -> Result<Absence, StoreError> {
    Ok(Absence {
        id: AbsenceId::from_uuid(m.id),
        external_id: parse_stored(m.external_id.as_deref(), ExternalId::parse)?,
        employee_id: EmployeeId::from_uuid(m.employee_id),
        kind: AbsenceKind::parse(&m.kind)
            .ok_or_else(|| StoreError::corrupt(format!("absence kind {}", m.kind)))?,
        dates: AbsenceDates::new(m.starts_on, m.ends_on).map_err(StoreError::corrupt)?,
        meta: Meta {
            version: m.version,
            created_at: m.created_at,
            updated_at: m.updated_at,
        },
    })
}

async fn to_interviews(
    conn: &impl ConnectionTrait,
    rows: Vec<development_interview::Model>,
) -> Result<Vec<Interview>, StoreError> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut parts: HashMap<Uuid, Vec<Participant>> = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        for p in interview_participant::Entity::find()
            .filter(interview_participant::Column::InterviewId.is_in(chunk.iter().copied()))
            .order_by_asc(interview_participant::Column::EmployeeId)
            .all(conn)
            .await?
        {
            parts.entry(p.interview_id).or_default().push(Participant {
                employee: EmployeeId::from_uuid(p.employee_id),
                status: ParticipantStatus::parse(&p.status).ok_or_else(|| {
                    StoreError::corrupt(format!("participant status {}", p.status))
                })?,
                wants_individual: p.wants_individual,
            });
        }
    }
    rows.into_iter()
        .map(|m| {
            Ok(Interview {
                id: InterviewId::from_uuid(m.id),
                external_id: parse_stored(m.external_id.as_deref(), ExternalId::parse)?,
                year: m.year,
                format: InterviewFormat::parse(&m.format)
                    .ok_or_else(|| StoreError::corrupt(format!("interview format {}", m.format)))?,
                offered_on: m.offered_on,
                held_on: m.held_on,
                plan_id: m.plan_id.map(PlanId::from_uuid),
                participants: parts.remove(&m.id).unwrap_or_default(),
                meta: Meta {
                    version: m.version,
                    created_at: m.created_at,
                    updated_at: m.updated_at,
                },
            })
        })
        .collect()
}

async fn fetch_interview(
    conn: &impl ConnectionTrait,
    id: InterviewId,
) -> Result<Interview, StoreError> {
    let row = development_interview::Entity::find_by_id(id.uuid())
        .one(conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    to_interviews(conn, vec![row])
        .await?
        .pop()
        .ok_or(StoreError::NotFound)
}

/// Refuses references to employees that do not exist, each located by `field`.
async fn check_employees(
    conn: &impl ConnectionTrait,
    refs: &[(String, EmployeeId)],
) -> Result<(), StoreError> {
    let found: Vec<Uuid> = employee::Entity::find()
        .select_only()
        .column(employee::Column::Id)
        .filter(employee::Column::Id.is_in(refs.iter().map(|(_, e)| e.uuid())))
        .into_tuple()
        .all(conn)
        .await?;
    let mut v = Violations::new();
    for (field, e) in refs {
        if !found.contains(&e.uuid()) {
            v.push(Violation::new(
                field.clone(),
                "unknown_employee",
                "no such employee",
            ));
        }
    }
    if v.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Invalid(v))
    }
}

async fn write_participants(
    txn: &DatabaseTransaction,
    interview: Uuid,
    participants: &[Participant],
) -> Result<(), StoreError> {
    interview_participant::Entity::delete_many()
        .filter(interview_participant::Column::InterviewId.eq(interview))
        .exec(txn)
        .await?;
    if participants.is_empty() {
        return Ok(());
    }
    interview_participant::Entity::insert_many(participants.iter().map(|p| {
        interview_participant::ActiveModel {
            interview_id: Set(interview),
            employee_id: Set(p.employee.uuid()),
            status: Set(p.status.as_str().to_owned()),
            wants_individual: Set(p.wants_individual),
        }
    }))
    .exec_without_returning(txn)
    .await?;
    Ok(())
}

/// An interview's columns.
fn interview_model(i: &Interview) -> development_interview::ActiveModel {
    development_interview::ActiveModel {
        id: Set(i.id.uuid()),
        external_id: Set(i.external_id.as_ref().map(|e| e.as_str().to_owned())),
        year: Set(i.year),
        format: Set(i.format.as_str().to_owned()),
        offered_on: Set(i.offered_on),
        held_on: Set(i.held_on),
        plan_id: Set(i.plan_id.map(PlanId::uuid)),
        version: Set(i.meta.version),
        created_at: Set(i.meta.created_at),
        updated_at: Set(i.meta.updated_at),
    }
}

impl Store {
    /// Records a follow-up of a plan and applies its outcome to the plan, in one transaction.
    pub async fn record_follow_up(
        &self,
        plan_id: PlanId,
        record: FollowUpRecord,
        by: EmployeeId,
        now: DateTime<Utc>,
    ) -> Result<(Plan, StoredFollowUp), StoreError> {
        let reason = LongText::parse(
            "reason",
            &format!("Closed at the follow-up held {}", record.held_on),
        )
        .map_err(StoreError::corrupt)?;
        let outcome = record.outcome;
        let progress_goals: Vec<_> = record.progress.iter().map(|p| p.goal_id).collect();
        let txn = self.db.begin().await?;
        let (plan, ()) = crate::plans::change_plan_in(&txn, plan_id, None, |p| {
            let mut v = Violations::new();
            for (i, g) in progress_goals.iter().enumerate() {
                if !p.content.goals.iter().any(|x| x.id == *g) {
                    v.push(Violation::new(
                        format!("progress[{i}].goal_id"),
                        "unknown_goal",
                        "not a goal of this plan",
                    ));
                }
            }
            if !v.is_empty() {
                return Err(PlanError::Invalid(v));
            }
            p.follow_up(outcome, reason, by, now)
        })
        .await?;
        let id = FollowUpId::generate();
        follow_up::Entity::insert(follow_up::ActiveModel {
            id: Set(id.uuid()),
            plan_id: Set(plan_id.uuid()),
            kind: Set(record.kind.as_str().to_owned()),
            held_on: Set(record.held_on),
            participants: Set(json(&record.participants)?),
            notes: Set(record.notes.as_ref().map(|n| n.as_str().to_owned())),
            progress: Set(json(&record.progress)?),
            outcome: Set(json(&record.outcome)?.trim_matches('"').to_owned()),
            recorded_by: Set(by.uuid()),
            created_at: Set(now),
        })
        .exec_without_returning(&txn)
        .await?;
        let members: Vec<Uuid> = plan.members.iter().map(|m| m.uuid()).collect();
        crate::projection::refresh_status(&txn, &members).await?;
        txn.commit().await?;
        let stored = StoredFollowUp {
            id,
            plan_id,
            record,
            recorded_by: by,
            recorded_at: now,
        };
        Ok((plan, stored))
    }

    /// A plan's follow-ups, oldest first.
    pub async fn list_follow_ups(
        &self,
        plan_id: PlanId,
    ) -> Result<Vec<StoredFollowUp>, StoreError> {
        follow_up::Entity::find()
            .filter(follow_up::Column::PlanId.eq(plan_id.uuid()))
            .order_by_asc(follow_up::Column::HeldOn)
            .order_by_asc(follow_up::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_follow_up)
            .collect()
    }

    /// What the work list needs for `employees`: their plans that have been agreed (with the
    /// day the latest version was agreed and every follow-up), and their absences.
    pub async fn follow_up_facts(
        &self,
        employees: &[EmployeeId],
    ) -> Result<(Vec<PlanFacts>, Vec<AbsenceFacts>), StoreError> {
        let mut plans: Vec<PlanFacts> = Vec::new();
        let mut absences = Vec::new();
        for chunk in employees.chunks(CHUNK) {
            let ids: Vec<Uuid> = chunk.iter().map(|e| e.uuid()).collect();
            let plan_ids: Vec<Uuid> = plan::Entity::find()
                .select_only()
                .column(plan::Column::Id)
                .filter(plan::Column::Status.is_in(["agreed", "draft"]))
                .filter(
                    plan::Column::Id.in_subquery(
                        Query::select()
                            .column(plan_member::Column::PlanId)
                            .from(plan_member::Entity)
                            .and_where(plan_member::Column::EmployeeId.is_in(ids.clone()))
                            .to_owned(),
                    ),
                )
                .into_tuple()
                .all(&self.db)
                .await?;
            let agreed: Vec<(Uuid, DateTime<Utc>)> = plan_version::Entity::find()
                .select_only()
                .column(plan_version::Column::PlanId)
                .column_as(plan_version::Column::AgreedAt.max(), "agreed_at")
                .filter(plan_version::Column::PlanId.is_in(plan_ids.clone()))
                .group_by(plan_version::Column::PlanId)
                .into_tuple()
                .all(&self.db)
                .await?;
            let members: Vec<(Uuid, Uuid)> = plan_member::Entity::find()
                .select_only()
                .column(plan_member::Column::PlanId)
                .column(plan_member::Column::EmployeeId)
                .filter(plan_member::Column::PlanId.is_in(plan_ids.clone()))
                .into_tuple()
                .all(&self.db)
                .await?;
            let held: Vec<(Uuid, String, chrono::NaiveDate)> = follow_up::Entity::find()
                .select_only()
                .column(follow_up::Column::PlanId)
                .column(follow_up::Column::Kind)
                .column(follow_up::Column::HeldOn)
                .filter(follow_up::Column::PlanId.is_in(plan_ids.clone()))
                .into_tuple()
                .all(&self.db)
                .await?;
            for (plan_id, agreed_at) in agreed {
                if plans.iter().any(|p| p.plan_id.uuid() == plan_id) {
                    continue;
                }
                plans.push(PlanFacts {
                    plan_id: PlanId::from_uuid(plan_id),
                    members: members
                        .iter()
                        .filter(|(p, e)| *p == plan_id && ids.contains(e))
                        .map(|(_, e)| EmployeeId::from_uuid(*e))
                        .collect(),
                    agreed_on: agreed_at.date_naive(),
                    follow_ups: held
                        .iter()
                        .filter(|(p, _, _)| *p == plan_id)
                        .filter_map(|(_, k, on)| FollowUpKind::parse(k).map(|k| (k, *on)))
                        .collect(),
                });
            }
            for a in absence::Entity::find()
                .filter(absence::Column::EmployeeId.is_in(ids.clone()))
                .all(&self.db)
                .await?
            {
                let a = to_absence(a)?;
                absences.push(AbsenceFacts {
                    absence_id: a.id,
                    employee: a.employee_id,
                    dates: a.dates,
                });
            }
        }
        Ok((plans, absences))
    }

    /// The active employees in `scope`, with their names, for the work list and coverage.
    pub async fn employees_in(
        &self,
        scope: &EmployeeScope,
    ) -> Result<Vec<(EmployeeId, String, devplan_domain::UnitId)>, StoreError> {
        let rows: Vec<(Uuid, String, Uuid)> = employee::Entity::find()
            .select_only()
            .column(employee::Column::Id)
            .column(employee::Column::Name)
            .column(employee::Column::UnitId)
            .filter(scope.condition())
            .filter(employee::Column::Active.eq(true))
            .order_by_asc(employee::Column::Name)
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|(id, name, unit)| {
                (
                    EmployeeId::from_uuid(id),
                    name,
                    devplan_domain::UnitId::from_uuid(unit),
                )
            })
            .collect())
    }

    /// Absences of the employees in `scope`, optionally of one employee, in id order.
    pub async fn list_absences(
        &self,
        scope: &EmployeeScope,
        employee: Option<EmployeeId>,
        page: PageRequest,
    ) -> Result<Page<Absence>, StoreError> {
        let mut query = absence::Entity::find()
            .filter(
                absence::Column::EmployeeId.in_subquery(
                    Query::select()
                        .column(employee::Column::Id)
                        .from(employee::Entity)
                        .cond_where(scope.condition())
                        .to_owned(),
                ),
            )
            .order_by_asc(absence::Column::Id);
        if let Some(e) = employee {
            query = query.filter(absence::Column::EmployeeId.eq(e.uuid()));
        }
        if let Some(after) = page.after {
            query = query.filter(absence::Column::Id.gt(after));
        }
        let rows = query.limit(page.limit + 1).all(&self.db).await?;
        Page::from_overfetch(rows, page.limit, |m| m.id).try_map(to_absence)
    }

    /// One absence.
    pub async fn get_absence(&self, id: AbsenceId) -> Result<Absence, StoreError> {
        absence::Entity::find_by_id(id.uuid())
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound)
            .and_then(to_absence)
    }

    /// Records an absence.
    pub async fn create_absence(
        &self,
        external_id: Option<ExternalId>,
        employee: EmployeeId,
        kind: AbsenceKind,
        dates: AbsenceDates,
    ) -> Result<Absence, StoreError> {
        let txn = self.db.begin().await?;
        check_employees(&txn, &[("employee_id".to_owned(), employee)]).await?;
        let id = AbsenceId::generate();
        let meta = Meta::first(self.now());
        absence::Entity::insert(absence::ActiveModel {
            id: Set(id.uuid()),
            external_id: Set(external_id.map(ExternalId::into_string)),
            employee_id: Set(employee.uuid()),
            kind: Set(kind.as_str().to_owned()),
            starts_on: Set(dates.starts_on()),
            ends_on: Set(dates.ends_on()),
            version: Set(meta.version),
            created_at: Set(meta.created_at),
            updated_at: Set(meta.updated_at),
        })
        .exec_without_returning(&txn)
        .await
        .map_err(|e| StoreError::from_write(e, "external_id"))?;
        crate::projection::refresh_status(&txn, &[employee.uuid()]).await?;
        let stored = absence::Entity::find_by_id(id.uuid())
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound)
            .and_then(to_absence)?;
        txn.commit().await?;
        Ok(stored)
    }

    /// Replaces an absence's kind and dates, refusing a stale `expected_version`.
    pub async fn replace_absence(
        &self,
        id: AbsenceId,
        expected_version: Option<i64>,
        kind: AbsenceKind,
        dates: AbsenceDates,
    ) -> Result<Absence, StoreError> {
        let txn = self.db.begin().await?;
        lock_row::<absence::Entity>(&txn, id.uuid()).await?;
        let current = absence::Entity::find_by_id(id.uuid())
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound)
            .and_then(to_absence)?;
        check_version(current.meta.version, expected_version)?;
        if current.kind == kind && current.dates == dates {
            return Ok(current);
        }
        let updated = absence::Entity::update_many()
            .col_expr(absence::Column::Kind, Expr::value(kind.as_str()))
            .col_expr(absence::Column::StartsOn, Expr::value(dates.starts_on()))
            .col_expr(absence::Column::EndsOn, Expr::value(dates.ends_on()))
            .col_expr(
                absence::Column::Version,
                Expr::value(current.meta.version + 1),
            )
            .col_expr(absence::Column::UpdatedAt, Expr::value(self.now()))
            .filter(absence::Column::Id.eq(id.uuid()))
            .filter(absence::Column::Version.eq(current.meta.version))
            .exec(&txn)
            .await?;
        ensure_updated(&updated, current.meta.version)?;
        crate::projection::refresh_status(&txn, &[current.employee_id.uuid()]).await?;
        let stored = absence::Entity::find_by_id(id.uuid())
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound)
            .and_then(to_absence)?;
        txn.commit().await?;
        Ok(stored)
    }

    /// Upserts absences by external id; employees by their external ids. All-or-nothing.
    pub async fn sync_absences(
        &self,
        rows: Vec<(ExternalId, ExternalId, AbsenceKind, AbsenceDates)>,
    ) -> Result<SyncReport, StoreError> {
        let txn = self.db.begin().await?;
        crate::sync::serialise_syncs(&txn).await?;
        let mut v = Violations::new();
        let mut seen = HashMap::new();
        let mut people: HashMap<String, Uuid> = HashMap::new();
        let wanted: Vec<&str> = rows.iter().map(|r| r.1.as_str()).collect();
        for chunk in wanted.chunks(CHUNK) {
            let found: Vec<(Uuid, Option<String>)> = employee::Entity::find()
                .select_only()
                .column(employee::Column::Id)
                .column(employee::Column::ExternalId)
                .filter(employee::Column::ExternalId.is_in(chunk.iter().copied()))
                .into_tuple()
                .all(&txn)
                .await?;
            people.extend(found.into_iter().filter_map(|(id, e)| e.map(|e| (e, id))));
        }
        for (i, (ext, emp, _, _)) in rows.iter().enumerate() {
            if let Some(first) = seen.insert(ext.as_str(), i) {
                v.push(Violation::new(
                    format!("rows[{i}].external_id"),
                    "duplicate_row",
                    format!("the same external_id is sent in rows[{first}]"),
                ));
            }
            if !people.contains_key(emp.as_str()) {
                v.push(Violation::new(
                    format!("rows[{i}].employee_external_id"),
                    "unknown_employee",
                    "no employee has this external_id",
                ));
            }
        }
        if !v.is_empty() {
            return Err(StoreError::Invalid(v));
        }
        let mut existing: HashMap<String, Absence> = HashMap::new();
        for chunk in rows.chunks(CHUNK) {
            for m in absence::Entity::find()
                .filter(
                    absence::Column::ExternalId
                        .is_in(chunk.iter().map(|r| r.0.as_str().to_owned())),
                )
                .all(&txn)
                .await?
            {
                let a = to_absence(m)?;
                if let Some(e) = &a.external_id {
                    existing.insert(e.as_str().to_owned(), a);
                }
            }
        }
        let now = self.now();
        let mut report = SyncReport::default();
        let mut inserts = Vec::new();
        let mut touched: Vec<Uuid> = Vec::new();
        for (ext, emp, kind, dates) in &rows {
            let employee = people[emp.as_str()];
            match existing.get(ext.as_str()) {
                None => {
                    report.created += 1;
                    touched.push(employee);
                    inserts.push(absence::ActiveModel {
                        id: Set(AbsenceId::generate().uuid()),
                        external_id: Set(Some(ext.as_str().to_owned())),
                        employee_id: Set(employee),
                        kind: Set(kind.as_str().to_owned()),
                        starts_on: Set(dates.starts_on()),
                        ends_on: Set(dates.ends_on()),
                        version: Set(1),
                        created_at: Set(now),
                        updated_at: Set(now),
                    });
                }
                Some(a)
                    if a.employee_id.uuid() == employee && a.kind == *kind && a.dates == *dates =>
                {
                    report.unchanged += 1
                }
                Some(a) => {
                    report.updated += 1;
                    touched.extend([employee, a.employee_id.uuid()]);
                    let updated = absence::Entity::update_many()
                        .col_expr(absence::Column::EmployeeId, Expr::value(employee))
                        .col_expr(absence::Column::Kind, Expr::value(kind.as_str()))
                        .col_expr(absence::Column::StartsOn, Expr::value(dates.starts_on()))
                        .col_expr(absence::Column::EndsOn, Expr::value(dates.ends_on()))
                        .col_expr(absence::Column::Version, Expr::value(a.meta.version + 1))
                        .col_expr(absence::Column::UpdatedAt, Expr::value(now))
                        .filter(absence::Column::Id.eq(a.id.uuid()))
                        .filter(absence::Column::Version.eq(a.meta.version))
                        .exec(&txn)
                        .await?;
                    ensure_updated(&updated, a.meta.version)?;
                }
            }
        }
        for chunk in inserts.chunks(CHUNK) {
            absence::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(&txn)
                .await?;
        }
        crate::projection::refresh_status(&txn, &touched).await?;
        txn.commit().await?;
        self.analyze_after_growth(report.created, &["absences", "status_specials"])
            .await?;
        Ok(report)
    }

    /// Records an interview with its participants.
    pub async fn create_interview(&self, interview: Interview) -> Result<Interview, StoreError> {
        let txn = self.db.begin().await?;
        let refs: Vec<(String, EmployeeId)> = interview
            .participants
            .iter()
            .enumerate()
            .map(|(i, p)| (format!("participants[{i}].employee_id"), p.employee))
            .collect();
        check_employees(&txn, &refs).await?;
        development_interview::Entity::insert(interview_model(&interview))
            .exec_without_returning(&txn)
            .await
            .map_err(|e| StoreError::from_write(e, "external_id"))?;
        write_participants(&txn, interview.id.uuid(), &interview.participants).await?;
        let people: Vec<Uuid> = interview
            .participants
            .iter()
            .map(|p| p.employee.uuid())
            .collect();
        crate::projection::refresh_status(&txn, &people).await?;
        let stored = fetch_interview(&txn, interview.id).await?;
        txn.commit().await?;
        Ok(stored)
    }

    /// One interview.
    pub async fn get_interview(&self, id: InterviewId) -> Result<Interview, StoreError> {
        fetch_interview(&self.db, id).await
    }

    /// Replaces an interview's dates, plan and participants, refusing a stale `expected_version`.
    pub async fn replace_interview(
        &self,
        next: Interview,
        expected_version: i64,
    ) -> Result<Interview, StoreError> {
        let txn = self.db.begin().await?;
        lock_row::<development_interview::Entity>(&txn, next.id.uuid()).await?;
        let current = fetch_interview(&txn, next.id).await?;
        check_version(current.meta.version, Some(expected_version))?;
        if current == next {
            return Ok(current);
        }
        let refs: Vec<(String, EmployeeId)> = next
            .participants
            .iter()
            .enumerate()
            .map(|(i, p)| (format!("participants[{i}].employee_id"), p.employee))
            .collect();
        check_employees(&txn, &refs).await?;
        let updated = development_interview::Entity::update_many()
            .col_expr(
                development_interview::Column::Format,
                Expr::value(next.format.as_str()),
            )
            .col_expr(development_interview::Column::Year, Expr::value(next.year))
            .col_expr(
                development_interview::Column::OfferedOn,
                Expr::value(next.offered_on),
            )
            .col_expr(
                development_interview::Column::HeldOn,
                Expr::value(next.held_on),
            )
            .col_expr(
                development_interview::Column::PlanId,
                Expr::value(next.plan_id.map(PlanId::uuid)),
            )
            .col_expr(
                development_interview::Column::Version,
                Expr::value(expected_version + 1),
            )
            .col_expr(
                development_interview::Column::UpdatedAt,
                Expr::value(self.now()),
            )
            .filter(development_interview::Column::Id.eq(next.id.uuid()))
            .filter(development_interview::Column::Version.eq(expected_version))
            .exec(&txn)
            .await?;
        ensure_updated(&updated, expected_version)?;
        if current.participants != next.participants {
            write_participants(&txn, next.id.uuid(), &next.participants).await?;
        }
        let people: Vec<Uuid> = current
            .participants
            .iter()
            .chain(&next.participants)
            .map(|p| p.employee.uuid())
            .collect();
        crate::projection::refresh_status(&txn, &people).await?;
        let stored = fetch_interview(&txn, next.id).await?;
        txn.commit().await?;
        Ok(stored)
    }

    /// Interviews of `year` with a participant in `scope`, optionally of one employee.
    pub async fn list_interviews(
        &self,
        scope: &EmployeeScope,
        year: Option<i32>,
        employee: Option<EmployeeId>,
        page: PageRequest,
    ) -> Result<Page<Interview>, StoreError> {
        let mut participants = Query::select()
            .column((
                interview_participant::Entity,
                interview_participant::Column::InterviewId,
            ))
            .from(interview_participant::Entity)
            .and_where(
                Expr::col((
                    interview_participant::Entity,
                    interview_participant::Column::EmployeeId,
                ))
                .in_subquery(
                    Query::select()
                        .column(employee::Column::Id)
                        .from(employee::Entity)
                        .cond_where(scope.condition())
                        .to_owned(),
                ),
            )
            .to_owned();
        if let Some(e) = employee {
            participants.and_where(
                Expr::col((
                    interview_participant::Entity,
                    interview_participant::Column::EmployeeId,
                ))
                .eq(e.uuid()),
            );
        }
        let mut query = development_interview::Entity::find()
            .filter(development_interview::Column::Id.in_subquery(participants))
            .order_by_asc(development_interview::Column::Id);
        if let Some(y) = year {
            query = query.filter(development_interview::Column::Year.eq(y));
        }
        if let Some(after) = page.after {
            query = query.filter(development_interview::Column::Id.gt(after));
        }
        let rows = query.limit(page.limit + 1).all(&self.db).await?;
        let page = Page::from_overfetch(rows, page.limit, |m| m.id);
        Ok(Page {
            items: to_interviews(&self.db, page.items).await?,
            next_after: page.next_after,
        })
    }

    /// Each employee's parts in the interviews of `year`.
    pub async fn interview_parts(
        &self,
        employees: &[EmployeeId],
        year: i32,
    ) -> Result<HashMap<EmployeeId, Vec<InterviewPart>>, StoreError> {
        let mut out: HashMap<EmployeeId, Vec<InterviewPart>> = HashMap::new();
        for chunk in employees.chunks(CHUNK) {
            let rows: Vec<(Uuid, String, bool, String)> = interview_participant::Entity::find()
                .select_only()
                .column(interview_participant::Column::EmployeeId)
                .column(interview_participant::Column::Status)
                .column(interview_participant::Column::WantsIndividual)
                .column_as(
                    Expr::col((
                        development_interview::Entity,
                        development_interview::Column::Format,
                    )),
                    "format",
                )
                .join(
                    sea_orm::JoinType::InnerJoin,
                    interview_participant::Entity::belongs_to(development_interview::Entity)
                        .from(interview_participant::Column::InterviewId)
                        .to(development_interview::Column::Id)
                        .into(),
                )
                .filter(development_interview::Column::Year.eq(year))
                .filter(
                    interview_participant::Column::EmployeeId.is_in(chunk.iter().map(|e| e.uuid())),
                )
                .into_tuple()
                .all(&self.db)
                .await?;
            for (e, status, wants_individual, format) in rows {
                out.entry(EmployeeId::from_uuid(e))
                    .or_default()
                    .push(InterviewPart {
                        format: InterviewFormat::parse(&format).ok_or_else(|| {
                            StoreError::corrupt(format!("interview format {format}"))
                        })?,
                        status: ParticipantStatus::parse(&status).ok_or_else(|| {
                            StoreError::corrupt(format!("participant status {status}"))
                        })?,
                        wants_individual,
                    });
            }
        }
        Ok(out)
    }

    /// Upserts interviews by external id, with participants by their employees' external ids:
    /// all-or-nothing, idempotent. Each row is `(interview, participant external ids)`; the
    /// interview's participants are resolved from the latter.
    pub async fn sync_interviews(
        &self,
        rows: Vec<(Interview, Vec<ExternalId>)>,
    ) -> Result<SyncReport, StoreError> {
        let txn = self.db.begin().await?;
        crate::sync::serialise_syncs(&txn).await?;
        let mut v = Violations::new();
        let mut seen = HashMap::new();
        let wanted: Vec<String> = rows
            .iter()
            .flat_map(|(_, p)| p.iter().map(|e| e.as_str().to_owned()))
            .collect();
        let mut people: HashMap<String, Uuid> = HashMap::new();
        for chunk in wanted.chunks(CHUNK) {
            let found: Vec<(Uuid, Option<String>)> = employee::Entity::find()
                .select_only()
                .column(employee::Column::Id)
                .column(employee::Column::ExternalId)
                .filter(employee::Column::ExternalId.is_in(chunk.iter().cloned()))
                .into_tuple()
                .all(&txn)
                .await?;
            people.extend(found.into_iter().filter_map(|(id, e)| e.map(|e| (e, id))));
        }
        let mut resolved = Vec::with_capacity(rows.len());
        for (i, (mut interview, externals)) in rows.into_iter().enumerate() {
            let key = interview
                .external_id
                .as_ref()
                .map(|e| e.as_str().to_owned())
                .unwrap_or_default();
            if let Some(first) = seen.insert(key.clone(), i) {
                v.push(Violation::new(
                    format!("rows[{i}].external_id"),
                    "duplicate_row",
                    format!("the same external_id is sent in rows[{first}]"),
                ));
            }
            for (j, e) in externals.iter().enumerate() {
                match people.get(e.as_str()) {
                    Some(id) => interview.participants[j].employee = EmployeeId::from_uuid(*id),
                    None => v.push(Violation::new(
                        format!("rows[{i}].participants[{j}].employee_external_id"),
                        "unknown_employee",
                        "no employee has this external_id",
                    )),
                }
            }
            resolved.push((key, interview));
        }
        if !v.is_empty() {
            return Err(StoreError::Invalid(v));
        }
        let mut existing: HashMap<String, Interview> = HashMap::new();
        for chunk in resolved.chunks(CHUNK) {
            let models = development_interview::Entity::find()
                .filter(
                    development_interview::Column::ExternalId
                        .is_in(chunk.iter().map(|(k, _)| k.clone())),
                )
                .all(&txn)
                .await?;
            for i in to_interviews(&txn, models).await? {
                if let Some(e) = &i.external_id {
                    existing.insert(e.as_str().to_owned(), i);
                }
            }
        }
        let mut report = SyncReport::default();
        let mut touched: Vec<Uuid> = Vec::new();
        let mut new_interviews = Vec::new();
        let mut new_parts = Vec::new();
        for (key, mut next) in resolved {
            next.participants.sort_by_key(|p| p.employee);
            match existing.get(&key) {
                None => {
                    report.created += 1;
                    touched.extend(next.participants.iter().map(|p| p.employee.uuid()));
                    new_parts.extend(next.participants.iter().map(|p| {
                        interview_participant::ActiveModel {
                            interview_id: Set(next.id.uuid()),
                            employee_id: Set(p.employee.uuid()),
                            status: Set(p.status.as_str().to_owned()),
                            wants_individual: Set(p.wants_individual),
                        }
                    }));
                    new_interviews.push(interview_model(&next));
                }
                Some(current) => {
                    next.id = current.id;
                    next.meta = current.meta;
                    if *current == next {
                        report.unchanged += 1;
                        continue;
                    }
                    report.updated += 1;
                    touched.extend(
                        current
                            .participants
                            .iter()
                            .chain(&next.participants)
                            .map(|p| p.employee.uuid()),
                    );
                    let updated = development_interview::Entity::update_many()
                        .col_expr(
                            development_interview::Column::Format,
                            Expr::value(next.format.as_str()),
                        )
                        .col_expr(development_interview::Column::Year, Expr::value(next.year))
                        .col_expr(
                            development_interview::Column::OfferedOn,
                            Expr::value(next.offered_on),
                        )
                        .col_expr(
                            development_interview::Column::HeldOn,
                            Expr::value(next.held_on),
                        )
                        .col_expr(
                            development_interview::Column::Version,
                            Expr::value(current.meta.version + 1),
                        )
                        .col_expr(
                            development_interview::Column::UpdatedAt,
                            Expr::value(self.now()),
                        )
                        .filter(development_interview::Column::Id.eq(current.id.uuid()))
                        .filter(development_interview::Column::Version.eq(current.meta.version))
                        .exec(&txn)
                        .await?;
                    ensure_updated(&updated, current.meta.version)?;
                    if current.participants != next.participants {
                        write_participants(&txn, current.id.uuid(), &next.participants).await?;
                    }
                }
            }
        }
        // New interviews go in batches; rows per statement stay under the databases'
        // bound-parameter limits.
        for chunk in new_interviews.chunks(CHUNK) {
            development_interview::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(&txn)
                .await?;
        }
        for chunk in new_parts.chunks(CHUNK) {
            interview_participant::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(&txn)
                .await?;
        }
        crate::projection::refresh_status(&txn, &touched).await?;
        txn.commit().await?;
        self.analyze_after_growth(
            report.created,
            &[
                "development_interviews",
                "interview_participants",
                "status_interviews",
            ],
        )
        .await?;
        Ok(report)
    }

    /// Stores the hash of a manager's new calendar feed token, replacing any earlier one.
    pub async fn set_calendar_token(
        &self,
        manager: EmployeeId,
        token_hash: String,
    ) -> Result<(), StoreError> {
        let txn = self.db.begin().await?;
        calendar_feed::Entity::delete_many()
            .filter(calendar_feed::Column::ManagerId.eq(manager.uuid()))
            .exec(&txn)
            .await?;
        calendar_feed::Entity::insert(calendar_feed::ActiveModel {
            manager_id: Set(manager.uuid()),
            token_hash: Set(token_hash),
            created_at: Set(self.now()),
        })
        .exec_without_returning(&txn)
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// The manager whose calendar feed token hashes to `token_hash`.
    pub async fn calendar_owner(&self, token_hash: &str) -> Result<EmployeeId, StoreError> {
        calendar_feed::Entity::find()
            .filter(calendar_feed::Column::TokenHash.eq(token_hash))
            .one(&self.db)
            .await?
            .map(|f| EmployeeId::from_uuid(f.manager_id))
            .ok_or(StoreError::NotFound)
    }
}
