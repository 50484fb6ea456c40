//! Development interviews (MUS) with their participants: recorded, changed, synced, and the parts coverage is computed from.

use devplan_domain::FieldCode;
use std::collections::HashMap;

use devplan_domain::followup::{
    Interview, InterviewFields, InterviewFormat, InterviewPart, Participant, ParticipantStatus,
};
use devplan_domain::records::Meta;
use devplan_domain::text::ExternalId;
use devplan_domain::{EmployeeId, GuideVersionId, InterviewId, PlanId, Violation, Violations};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, TransactionTrait,
};
use uuid::Uuid;

use crate::employees::{EmployeeScope, parse_stored};
use crate::entities::{development_interview, employee, interview_participant};
use crate::units::{CHUNK, rows_per_statement};
use crate::version::{check_version, ensure_updated, lock_row};
use crate::{Page, PageRequest, Store, StoreError, SyncReport};

async fn to_interviews(
    conn: &impl ConnectionTrait,
    rows: Vec<development_interview::Model>,
) -> Result<Vec<Interview>, StoreError> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut parts: HashMap<Uuid, Vec<Participant>> = HashMap::new();
    for chunk in ids.chunks(rows_per_statement(1)) {
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
            Interview::new(InterviewFields {
                id: InterviewId::from_uuid(m.id),
                external_id: parse_stored(m.external_id.as_deref(), ExternalId::parse)?,
                year: m.year,
                format: InterviewFormat::parse(&m.format)
                    .ok_or_else(|| StoreError::corrupt(format!("interview format {}", m.format)))?,
                offered_on: m.offered_on,
                held_on: m.held_on,
                scheduled_on: m.scheduled_on,
                plan_id: m.plan_id.map(PlanId::from_uuid),
                guide_version: m.guide_version_id.map(GuideVersionId::from_uuid),
                participants: parts.remove(&m.id).unwrap_or_default(),
                meta: Meta {
                    version: m.version,
                    created_at: m.created_at,
                    updated_at: m.updated_at,
                },
            })
            .map_err(|v| StoreError::corrupt(format!("interview {}: {v:?}", m.id)))
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
pub(crate) async fn check_employees(
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
                FieldCode::UnknownEmployee,
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

/// An interview's event for the change feed. Its reach follows its first participant.
fn interview_change(event_type: &'static str, i: &InterviewFields) -> crate::events::NewEvent {
    let change = crate::events::NewEvent::new(
        event_type,
        i.id.uuid(),
        serde_json::json!({
            "id": i.id.uuid(),
            "external_id": i.external_id.as_ref().map(|x| x.as_str()),
            "year": i.year,
            "format": i.format.as_str(),
            "offered_on": i.offered_on,
            "held_on": i.held_on,
            "scheduled_on": i.scheduled_on,
            "plan_id": i.plan_id.map(PlanId::uuid),
            "guide_version_id": i.guide_version.map(GuideVersionId::uuid),
            "participants": i.participants.iter().map(|p| serde_json::json!({
                "employee_id": p.employee.uuid(),
                "status": p.status.as_str(),
                "wants_individual": p.wants_individual,
            })).collect::<Vec<_>>(),
            "version": i.meta.version,
            "updated_at": i.meta.updated_at,
        }),
    )
    .version(i.meta.version);
    match i.participants.first() {
        Some(p) => change.about(p.employee.uuid()),
        None => change,
    }
}

/// An interview's columns.
fn interview_model(i: &InterviewFields) -> development_interview::ActiveModel {
    development_interview::ActiveModel {
        id: Set(i.id.uuid()),
        external_id: Set(i.external_id.as_ref().map(|e| e.as_str().to_owned())),
        year: Set(i.year),
        format: Set(i.format.as_str().to_owned()),
        offered_on: Set(i.offered_on),
        held_on: Set(i.held_on),
        scheduled_on: Set(i.scheduled_on),
        plan_id: Set(i.plan_id.map(PlanId::uuid)),
        guide_version_id: Set(i.guide_version.map(GuideVersionId::uuid)),
        version: Set(i.meta.version),
        created_at: Set(i.meta.created_at),
        updated_at: Set(i.meta.updated_at),
    }
}

impl Store {
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
        let mut interview = interview.into_fields();
        let offered = interview.meta.created_at;
        crate::guides::choose_guides(&txn, std::slice::from_mut(&mut interview), offered).await?;
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
        crate::projection::refresh_interviews(&txn, &people).await?;
        let stored = fetch_interview(&txn, interview.id).await?;
        crate::events::record(
            &txn,
            stored.meta.updated_at,
            vec![interview_change("interview.created", &stored)],
        )
        .await?;
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
                development_interview::Column::ScheduledOn,
                Expr::value(next.scheduled_on),
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
        ensure_updated(&updated)?;
        if current.participants != next.participants {
            write_participants(&txn, next.id.uuid(), &next.participants).await?;
        }
        let people: Vec<Uuid> = current
            .participants
            .iter()
            .chain(&next.participants)
            .map(|p| p.employee.uuid())
            .collect();
        crate::projection::refresh_interviews(&txn, &people).await?;
        let stored = fetch_interview(&txn, next.id).await?;
        crate::events::record(
            &txn,
            stored.meta.updated_at,
            vec![interview_change("interview.updated", &stored)],
        )
        .await?;
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
        rows: Vec<(InterviewFields, Vec<ExternalId>)>,
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
        for chunk in wanted.chunks(rows_per_statement(1)) {
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
                    FieldCode::DuplicateRow,
                    format!("the same external_id is sent in rows[{first}]"),
                ));
            }
            for (j, e) in externals.iter().enumerate() {
                match people.get(e.as_str()) {
                    Some(id) => interview.participants[j].employee = EmployeeId::from_uuid(*id),
                    None => v.push(Violation::new(
                        format!("rows[{i}].participants[{j}].employee_external_id"),
                        FieldCode::UnknownEmployee,
                        "no employee has this external_id",
                    )),
                }
            }
            match Interview::new(interview) {
                Ok(checked) => resolved.push((key, checked.into_fields())),
                Err(problems) => v.extend_within(&format!("rows[{i}]"), problems),
            }
        }
        if !v.is_empty() {
            return Err(StoreError::Invalid(v));
        }
        let mut existing: HashMap<String, Interview> = HashMap::new();
        for chunk in resolved.chunks(rows_per_statement(1)) {
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
        let mut created = Vec::new();
        let mut changes = Vec::new();
        let now = self.now();
        for (key, mut next) in resolved {
            next.participants.sort_by_key(|p| p.employee);
            match existing.get(&key) {
                None => {
                    report.created += 1;
                    touched.extend(next.participants.iter().map(|p| p.employee.uuid()));
                    created.push(next);
                }
                Some(current) => {
                    next.id = current.id;
                    next.meta = current.meta;
                    // The guide it was offered with is kept for good.
                    next.guide_version = current.guide_version;
                    if **current == next {
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
                            development_interview::Column::ScheduledOn,
                            Expr::value(next.scheduled_on),
                        )
                        .col_expr(
                            development_interview::Column::Version,
                            Expr::value(current.meta.version + 1),
                        )
                        .col_expr(development_interview::Column::UpdatedAt, Expr::value(now))
                        .filter(development_interview::Column::Id.eq(current.id.uuid()))
                        .filter(development_interview::Column::Version.eq(current.meta.version))
                        .exec(&txn)
                        .await?;
                    ensure_updated(&updated)?;
                    if current.participants != next.participants {
                        write_participants(&txn, current.id.uuid(), &next.participants).await?;
                    }
                    next.meta.version = current.meta.version + 1;
                    next.meta.updated_at = now;
                    changes.push(interview_change("interview.updated", &next));
                }
            }
        }
        crate::guides::choose_guides(&txn, &mut created, now).await?;
        // Models are built one statement's worth at a time, so a large sync never holds
        // them all.
        crate::bulk::insert(&txn, created.iter().map(interview_model)).await?;
        let parts = created.iter().flat_map(|i| {
            i.participants
                .iter()
                .map(|p| interview_participant::ActiveModel {
                    interview_id: Set(i.id.uuid()),
                    employee_id: Set(p.employee.uuid()),
                    status: Set(p.status.as_str().to_owned()),
                    wants_individual: Set(p.wants_individual),
                })
        });
        crate::bulk::insert(&txn, parts).await?;
        crate::projection::refresh_interviews(&txn, &touched).await?;
        // The new interviews' events are made as they are written: 50,000 events' data at
        // once took three times the memory of the interviews themselves.
        let changes = changes
            .into_iter()
            .chain(
                created
                    .iter()
                    .map(|i| interview_change("interview.created", i)),
            )
            .chain(std::iter::once(crate::events::NewEvent::sync(
                "interviews",
                &report,
            )));
        crate::events::record(&txn, now, changes).await?;
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
}
