//! The status projection: the domain's [`person_status`] of every employee touched by a
//! write, rewritten in that write's transaction; and its rebuild for data that predates it.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use devplan_domain::followup::{
    AbsenceFacts, FollowUpKind, InterviewFormat, InterviewPart, ParticipantStatus, PlanFacts,
};
use devplan_domain::status::{CurrentPlan, PersonStatus, interview_coverage, person_status};
use devplan_domain::{AbsenceId, EmployeeId, PlanId};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, Statement, TransactionTrait,
};
use uuid::Uuid;

use crate::entities::{
    absence, development_interview, employee, follow_up, interview_participant, plan, plan_member,
    plan_version, projection, status_annual_clock, status_annual_held, status_employee,
    status_interview, status_special,
};
use crate::{Store, StoreError};

/// The name and rules version of the status projection: the version lives beside the rules it
/// versions ([`devplan_domain::status::RULES_VERSION`]); a new one rebuilds the stored rows on
/// the next start.
const STATUS: (&str, i32) = ("status", devplan_domain::status::RULES_VERSION);

/// How many employees one statement of a refresh or rebuild covers.
const BATCH: usize = 1_000;

/// How many employees a refresh locks one by one; a larger one (a bulk sync, a settings
/// change, a rebuild batch) takes the projection as a whole instead, because PostgreSQL's lock
/// table holds only a few thousand locks across all sessions.
const ONE_BY_ONE: usize = 64;

/// Serialises refreshes of the same employees across concurrent transactions (PostgreSQL;
/// SQLite has a single writer). Taken before the facts are read, so the second of two
/// writers reads what the first committed and neither overwrites the other's projection.
/// Small refreshes share a projection-wide lock and take one lock per employee; a large one
/// takes the projection-wide lock alone, waiting for the small ones in flight.
async fn lock_employees(conn: &impl ConnectionTrait, ids: &[Uuid]) -> Result<(), StoreError> {
    if conn.get_database_backend() != DatabaseBackend::Postgres || ids.is_empty() {
        return Ok(());
    }
    // The two-key form keeps the projection-wide lock apart from the per-employee keys.
    const WHOLE: &str = "pg_advisory_xact_lock{}(1685482608, 0)";
    if ids.len() > ONE_BY_ONE {
        conn.execute_unprepared(&format!("SELECT {}", WHOLE.replace("{}", "")))
            .await?;
        return Ok(());
    }
    conn.execute_unprepared(&format!("SELECT {}", WHOLE.replace("{}", "_shared")))
        .await?;
    let mut keys: Vec<i64> = ids
        .iter()
        .map(|id| {
            let b = id.as_bytes();
            i64::from_be_bytes([b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]])
        })
        .collect();
    keys.sort_unstable();
    keys.dedup();
    conn.execute_raw(Statement::from_sql_and_values(
        DatabaseBackend::Postgres,
        "SELECT count(pg_advisory_xact_lock(k)) FROM (SELECT unnest($1::bigint[]) AS k ORDER BY 1) s",
        [keys.into()],
    ))
    .await?;
    Ok(())
}

/// `employees` once each, in order, with each one's projection lock taken (none if empty).
async fn locked(conn: &impl ConnectionTrait, employees: &[Uuid]) -> Result<Vec<Uuid>, StoreError> {
    let mut ids = employees.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if !ids.is_empty() {
        lock_employees(conn, &ids).await?;
    }
    Ok(ids)
}

/// Rewrites the status projection of `employees` from their stored plans, follow-ups,
/// absences and interviews, within the caller's transaction.
pub(crate) async fn refresh_status(
    conn: &impl ConnectionTrait,
    employees: &[Uuid],
) -> Result<(), StoreError> {
    let ids = locked(conn, employees).await?;
    if ids.is_empty() {
        return Ok(());
    }
    let (settings, _) = crate::settings::fetch(conn).await?;
    for chunk in ids.chunks(BATCH) {
        let facts = load_facts(conn, chunk).await?;
        let statuses: Vec<(Uuid, PersonStatus)> = chunk
            .iter()
            .map(|id| {
                let f = facts.get(id);
                let status = person_status(
                    f.map_or(&[][..], |f| &f.plans),
                    f.map_or(&[][..], |f| &f.absences),
                    f.map_or(&BTreeMap::new(), |f| &f.interviews),
                    &settings,
                );
                (*id, status)
            })
            .collect();
        write_statuses(conn, chunk, &statuses).await?;
        write_contents(conn, chunk).await?;
    }
    Ok(())
}

/// Rewrites the per-employee counts of the goals and activities of `employees`' current
/// plans, within the caller's transaction (after the plans' goal and activity rows).
pub(crate) async fn refresh_contents(
    conn: &impl ConnectionTrait,
    employees: &[Uuid],
) -> Result<(), StoreError> {
    let mut ids = employees.to_vec();
    ids.sort_unstable();
    ids.dedup();
    lock_employees(conn, &ids).await?;
    for chunk in ids.chunks(BATCH) {
        write_contents(conn, chunk).await?;
    }
    Ok(())
}

/// The counts are plain aggregates of the plans' goal and activity rows, so the database
/// computes them: current plans (agreed or draft) only, one row per employee and key.
async fn write_contents(conn: &impl ConnectionTrait, ids: &[Uuid]) -> Result<(), StoreError> {
    let names: Vec<String> = (0..ids.len()).map(|i| format!(":e{i}")).collect();
    let list = names.join(", ");
    let params: Vec<(String, sea_orm::Value)> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (format!("e{i}"), (*id).into()))
        .collect();
    let backend = conn.get_database_backend();
    let delete = format!("DELETE FROM status_contents WHERE employee_id IN ({list})");
    conn.execute_raw(crate::status::bind(backend, &delete, &params))
        .await?;
    let from = |facts: &str| {
        format!(
            "FROM plan_members m JOIN plans p ON p.id = m.plan_id \
             JOIN {facts} ON f.plan_id = m.plan_id \
             WHERE m.employee_id IN ({list}) AND p.status IN ('agreed', 'draft')"
        )
    };
    let (activities, goals) = (from("plan_activity_facts f"), from("plan_goal_facts f"));
    let insert = format!(
        "INSERT INTO status_contents (employee_id, key, n)
SELECT k.employee_id, k.key, CAST(COUNT(*) AS INTEGER) FROM (
    SELECT m.employee_id, 'activity:' || f.kind AS key {activities}
    UNION ALL
    SELECT m.employee_id, 'verdict:' || COALESCE(f.verdict, 'none') AS key {goals}
    UNION ALL
    SELECT m.employee_id, 'applied' AS key {goals} AND f.applied
) k
GROUP BY k.employee_id, k.key"
    );
    conn.execute_raw(crate::status::bind(backend, &insert, &params))
        .await?;
    Ok(())
}

/// Each of `ids`' parts in development interviews, by year: one statement.
async fn interview_parts(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, BTreeMap<i32, Vec<InterviewPart>>>, StoreError> {
    let mut out: HashMap<Uuid, BTreeMap<i32, Vec<InterviewPart>>> = HashMap::new();
    let parts: Vec<(Uuid, i32, String, String, bool)> = interview_participant::Entity::find()
        .select_only()
        .column(interview_participant::Column::EmployeeId)
        .column_as(
            Expr::col((
                development_interview::Entity,
                development_interview::Column::Year,
            )),
            "year",
        )
        .column_as(
            Expr::col((
                development_interview::Entity,
                development_interview::Column::Format,
            )),
            "format",
        )
        .column(interview_participant::Column::Status)
        .column(interview_participant::Column::WantsIndividual)
        .join(
            sea_orm::JoinType::InnerJoin,
            interview_participant::Entity::belongs_to(development_interview::Entity)
                .from(interview_participant::Column::InterviewId)
                .to(development_interview::Column::Id)
                .into(),
        )
        .filter(interview_participant::Column::EmployeeId.is_in(ids.iter().copied()))
        .into_tuple()
        .all(conn)
        .await?;
    for (employee, year, format, status, wants_individual) in parts {
        out.entry(employee)
            .or_default()
            .entry(year)
            .or_default()
            .push(InterviewPart {
                format: InterviewFormat::parse(&format)
                    .ok_or_else(|| StoreError::corrupt(format!("interview format {format}")))?,
                status: ParticipantStatus::parse(&status)
                    .ok_or_else(|| StoreError::corrupt(format!("participant status {status}")))?,
                wants_individual,
            });
    }
    Ok(out)
}

/// Rewrites only the interview part of the status projection of `employees`, within the
/// caller's transaction: what an interview's write changes, and all it changes (the other
/// parts rest on plans, follow-ups and absences). A sync of 50,000 interviews then reads and
/// writes one table per batch instead of six.
pub(crate) async fn refresh_interviews(
    conn: &impl ConnectionTrait,
    employees: &[Uuid],
) -> Result<(), StoreError> {
    let ids = locked(conn, employees).await?;
    for chunk in ids.chunks(crate::units::rows_per_statement(3)) {
        let parts = interview_parts(conn, chunk).await?;
        status_interview::Entity::delete_many()
            .filter(status_interview::Column::EmployeeId.is_in(chunk.iter().copied()))
            .exec(conn)
            .await?;
        let rows: Vec<status_interview::ActiveModel> = parts
            .iter()
            .flat_map(|(id, years)| {
                interview_coverage(years).into_iter().map(|(year, c)| {
                    status_interview::ActiveModel {
                        employee_id: Set(*id),
                        year: Set(year),
                        coverage: Set(c.as_str().to_owned()),
                    }
                })
            })
            .collect();
        crate::bulk::insert(conn, rows).await?;
    }
    Ok(())
}

/// One employee's stored facts.
#[derive(Default)]
struct Facts {
    plans: Vec<CurrentPlan>,
    absences: Vec<AbsenceFacts>,
    interviews: BTreeMap<i32, Vec<InterviewPart>>,
}

/// The latest of a plan's agreement days, and the earlier ones, oldest first.
pub(crate) fn agreement_days(days: &[NaiveDate]) -> Option<(NaiveDate, Vec<NaiveDate>)> {
    let mut days = days.to_vec();
    days.sort();
    let latest = days.pop()?;
    Some((latest, days))
}

/// The days a special follow-up was held with each of `ids`, on any of their plans (current,
/// superseded or closed): one statement.
pub(crate) async fn specials_held(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<NaiveDate>>, StoreError> {
    let rows: Vec<(Uuid, NaiveDate)> = follow_up::Entity::find()
        .select_only()
        .column_as(
            Expr::col((plan_member::Entity, plan_member::Column::EmployeeId)),
            "employee_id",
        )
        .column(follow_up::Column::HeldOn)
        .join(
            sea_orm::JoinType::InnerJoin,
            follow_up::Entity::belongs_to(plan_member::Entity)
                .from(follow_up::Column::PlanId)
                .to(plan_member::Column::PlanId)
                .into(),
        )
        .filter(follow_up::Column::Kind.eq(FollowUpKind::Special.as_str()))
        .filter(plan_member::Column::EmployeeId.is_in(ids.iter().copied()))
        .into_tuple()
        .all(conn)
        .await?;
    let mut out: HashMap<Uuid, Vec<NaiveDate>> = HashMap::new();
    for (employee, on) in rows {
        out.entry(employee).or_default().push(on);
    }
    Ok(out)
}

async fn load_facts(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Facts>, StoreError> {
    let mut out: HashMap<Uuid, Facts> = HashMap::new();
    let memberships: Vec<(Uuid, Uuid, String)> = plan_member::Entity::find()
        .select_only()
        .column(plan_member::Column::EmployeeId)
        .column(plan_member::Column::PlanId)
        .column_as(Expr::col((plan::Entity, plan::Column::Status)), "status")
        .join(
            sea_orm::JoinType::InnerJoin,
            plan_member::Entity::belongs_to(plan::Entity)
                .from(plan_member::Column::PlanId)
                .to(plan::Column::Id)
                .into(),
        )
        .filter(plan_member::Column::EmployeeId.is_in(ids.iter().copied()))
        .filter(plan::Column::Status.is_in(["agreed", "draft"]))
        .into_tuple()
        .all(conn)
        .await?;
    let mut plan_ids: Vec<Uuid> = memberships.iter().map(|m| m.1).collect();
    plan_ids.sort_unstable();
    plan_ids.dedup();
    let mut agreed_on: HashMap<Uuid, Vec<NaiveDate>> = HashMap::new();
    let mut held: HashMap<Uuid, Vec<(FollowUpKind, NaiveDate)>> = HashMap::new();
    if !plan_ids.is_empty() {
        let agreed: Vec<(Uuid, DateTime<Utc>)> = plan_version::Entity::find()
            .select_only()
            .column(plan_version::Column::PlanId)
            .column(plan_version::Column::AgreedAt)
            .filter(plan_version::Column::PlanId.is_in(plan_ids.iter().copied()))
            .into_tuple()
            .all(conn)
            .await?;
        for (p, at) in agreed {
            agreed_on
                .entry(p)
                .or_default()
                .push(devplan_domain::clock::local_date(at));
        }
        let rows: Vec<(Uuid, String, NaiveDate)> = follow_up::Entity::find()
            .select_only()
            .column(follow_up::Column::PlanId)
            .column(follow_up::Column::Kind)
            .column(follow_up::Column::HeldOn)
            .filter(follow_up::Column::PlanId.is_in(plan_ids.iter().copied()))
            .into_tuple()
            .all(conn)
            .await?;
        for (p, kind, on) in rows {
            let kind = FollowUpKind::parse(&kind)
                .ok_or_else(|| StoreError::corrupt(format!("follow-up kind {kind}")))?;
            held.entry(p).or_default().push((kind, on));
        }
    }
    for (employee, plan_id, status) in memberships {
        let facts = agreed_on
            .get(&plan_id)
            .and_then(|days| agreement_days(days))
            .map(|(latest, earlier)| PlanFacts {
                plan_id: PlanId::from_uuid(plan_id),
                members: vec![EmployeeId::from_uuid(employee)],
                agreed_on: latest,
                earlier_agreements: earlier,
                follow_ups: held.get(&plan_id).cloned().unwrap_or_default(),
            });
        out.entry(employee).or_default().plans.push(CurrentPlan {
            agreed: status == "agreed",
            facts,
        });
    }
    let absences: Vec<(Uuid, Uuid, NaiveDate, Option<NaiveDate>)> = absence::Entity::find()
        .select_only()
        .column(absence::Column::Id)
        .column(absence::Column::EmployeeId)
        .column(absence::Column::StartsOn)
        .column(absence::Column::EndsOn)
        .filter(absence::Column::EmployeeId.is_in(ids.iter().copied()))
        .into_tuple()
        .all(conn)
        .await?;
    let specials = if absences.is_empty() {
        HashMap::new()
    } else {
        specials_held(conn, ids).await?
    };
    for (id, employee, starts_on, ends_on) in absences {
        out.entry(employee)
            .or_default()
            .absences
            .push(AbsenceFacts {
                absence_id: AbsenceId::from_uuid(id),
                employee: EmployeeId::from_uuid(employee),
                dates: devplan_domain::followup::AbsenceDates::new(starts_on, ends_on)
                    .map_err(StoreError::corrupt)?,
                specials_held: specials.get(&employee).cloned().unwrap_or_default(),
            });
    }
    for (employee, parts) in interview_parts(conn, ids).await? {
        out.entry(employee).or_default().interviews = parts;
    }
    Ok(out)
}

async fn write_statuses(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
    statuses: &[(Uuid, PersonStatus)],
) -> Result<(), StoreError> {
    status_employee::Entity::delete_many()
        .filter(status_employee::Column::EmployeeId.is_in(ids.iter().copied()))
        .exec(conn)
        .await?;
    status_annual_held::Entity::delete_many()
        .filter(status_annual_held::Column::EmployeeId.is_in(ids.iter().copied()))
        .exec(conn)
        .await?;
    status_annual_clock::Entity::delete_many()
        .filter(status_annual_clock::Column::EmployeeId.is_in(ids.iter().copied()))
        .exec(conn)
        .await?;
    status_special::Entity::delete_many()
        .filter(status_special::Column::EmployeeId.is_in(ids.iter().copied()))
        .exec(conn)
        .await?;
    status_interview::Entity::delete_many()
        .filter(status_interview::Column::EmployeeId.is_in(ids.iter().copied()))
        .exec(conn)
        .await?;
    let mut people = Vec::new();
    let mut annual = Vec::new();
    let mut clocks = Vec::new();
    let mut specials = Vec::new();
    let mut interviews = Vec::new();
    for (id, s) in statuses {
        // An employee without plans, absences or interviews needs no row: the queries read
        // a missing row as "nothing".
        if *s == PersonStatus::default() {
            continue;
        }
        people.push(status_employee::ActiveModel {
            employee_id: Set(*id),
            agreed_plan: Set(s.agreed_plan),
            draft_plan: Set(s.draft_plan),
            annual_next_due: Set(s.annual_next_due),
        });
        annual.extend(s.annual_held.iter().enumerate().map(|(seq, h)| {
            status_annual_held::ActiveModel {
                employee_id: Set(*id),
                seq: Set(i32::try_from(seq).unwrap_or(i32::MAX)),
                held_on: Set(h.held_on),
                in_time: Set(h.in_time),
            }
        }));
        clocks.extend(
            s.annual_clocks
                .iter()
                .flatten()
                .enumerate()
                .map(|(seq, c)| status_annual_clock::ActiveModel {
                    employee_id: Set(*id),
                    seq: Set(i32::try_from(seq).unwrap_or(i32::MAX)),
                    starts_on: Set(c.starts_on),
                    ends_before: Set(c.ends_before),
                    due_on: Set(c.due_on),
                }),
        );
        specials.extend(s.specials.iter().map(|x| status_special::ActiveModel {
            employee_id: Set(*id),
            absence_id: Set(x.absence_id.uuid()),
            due_on: Set(x.due_on),
            held_on: Set(x.held_on),
        }));
        interviews.extend(
            s.interviews
                .iter()
                .map(|(year, c)| status_interview::ActiveModel {
                    employee_id: Set(*id),
                    year: Set(*year),
                    coverage: Set(c.as_str().to_owned()),
                }),
        );
    }
    // Rows per statement stay well under the databases' bound-parameter limits.
    crate::bulk::insert(conn, people).await?;
    crate::bulk::insert(conn, annual).await?;
    crate::bulk::insert(conn, clocks).await?;
    crate::bulk::insert(conn, specials).await?;
    crate::bulk::insert(conn, interviews).await?;
    Ok(())
}

impl Store {
    /// Rebuilds the status projection of every employee, one batch per transaction, so it
    /// can run beside live traffic (each batch takes the same locks as a write). Returns how many employees it covered.
    pub async fn rebuild_status_projection(&self) -> Result<u64, StoreError> {
        // Data loaded around the service may have left the statistics describing empty
        // tables; every batch below would then be planned as a scan of everything.
        self.analyze_after_growth(
            u64::MAX,
            &[
                "employees",
                "plans",
                "plan_members",
                "plan_versions",
                "follow_ups",
                "absences",
                "development_interviews",
                "interview_participants",
                "plan_goal_facts",
                "plan_activity_facts",
            ],
        )
        .await?;
        let mut after: Option<Uuid> = None;
        let mut done = 0u64;
        loop {
            let mut q = employee::Entity::find()
                .select_only()
                .column(employee::Column::Id)
                .order_by_asc(employee::Column::Id)
                .limit(BATCH as u64);
            if let Some(a) = after {
                q = q.filter(employee::Column::Id.gt(a));
            }
            let ids: Vec<Uuid> = q.into_tuple().all(&self.db).await?;
            let Some(last) = ids.last().copied() else {
                break;
            };
            let txn = self.db.begin().await?;
            refresh_status(&txn, &ids).await?;
            txn.commit().await?;
            done += ids.len() as u64;
            after = Some(last);
        }
        if self.db.get_database_backend() == DatabaseBackend::Postgres {
            self.db
                .execute_unprepared(
                    "ANALYZE status_employees, status_annual_held, status_annual_clock, status_specials, \
                     status_interviews, status_contents",
                )
                .await?;
        }
        let txn = self.db.begin().await?;
        projection::Entity::delete_many()
            .filter(projection::Column::Name.eq(STATUS.0))
            .exec(&txn)
            .await?;
        projection::Entity::insert(projection::ActiveModel {
            name: Set(STATUS.0.to_owned()),
            version: Set(STATUS.1),
        })
        .exec_without_returning(&txn)
        .await?;
        txn.commit().await?;
        Ok(done)
    }

    /// Rebuilds the projections whose rules are newer than their rows; true when it did.
    pub async fn ensure_projections(&self) -> Result<bool, StoreError> {
        let built = projection::Entity::find_by_id(STATUS.0.to_owned())
            .one(&self.db)
            .await?
            .map(|p| p.version);
        if built == Some(STATUS.1) {
            return Ok(false);
        }
        self.rebuild_status_projection().await?;
        Ok(true)
    }
}
