//! Development plans: the aggregate is loaded, changed by a pure domain function and written
//! back in one transaction, guarded by its revision; an agreed version is frozen on the way.

use devplan_domain::{FieldCode, ProblemCode};
use std::collections::HashMap;

use devplan_domain::plan::{AgreedVersion, Closure, Plan, PlanKind, PlanStatus, Signature};
use devplan_domain::{EmployeeId, PlanId, UnitId, Violation, Violations};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, TransactionTrait,
};
use uuid::Uuid;

use crate::entities::{
    employee, plan, plan_activity_fact, plan_goal_fact, plan_member, plan_version,
};
use crate::events::NewEvent;
use crate::version::ensure_updated;
use crate::{Page, PageRequest, Store, StoreError};

/// Which plans a caller may list.
#[derive(Debug, Clone)]
pub struct PlanScope {
    /// Plans with a member working in one of these units (a manager's reach).
    pub units: Vec<UnitId>,
    /// Plans these people are members of (oneself).
    pub members: Vec<EmployeeId>,
}

/// Filters of the plan list.
#[derive(Debug, Clone, Default)]
pub struct PlanFilter {
    /// Only plans this employee is a member of.
    pub employee: Option<EmployeeId>,
    /// Only plans in this state.
    pub status: Option<PlanStatus>,
}

fn kind_str(kind: PlanKind) -> &'static str {
    match kind {
        PlanKind::Individual => "individual",
        PlanKind::Group => "group",
    }
}

fn json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(StoreError::corrupt)
}

fn parse_json<T: serde::de::DeserializeOwned>(raw: &str) -> Result<T, StoreError> {
    serde_json::from_str(raw).map_err(StoreError::corrupt)
}

async fn members_of(
    conn: &impl ConnectionTrait,
    plans: &[Uuid],
) -> Result<Vec<(Uuid, Uuid)>, StoreError> {
    Ok(plan_member::Entity::find()
        .select_only()
        .column(plan_member::Column::PlanId)
        .column(plan_member::Column::EmployeeId)
        .filter(plan_member::Column::PlanId.is_in(plans.iter().copied()))
        .into_tuple()
        .all(conn)
        .await?)
}

async fn to_plans(
    conn: &impl ConnectionTrait,
    rows: Vec<plan::Model>,
) -> Result<Vec<Plan>, StoreError> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let links = members_of(conn, &ids).await?;
    rows.into_iter()
        .map(|m| {
            let mut members: Vec<EmployeeId> = links
                .iter()
                .filter(|(p, _)| *p == m.id)
                .map(|(_, e)| EmployeeId::from_uuid(*e))
                .collect();
            members.sort();
            Ok(Plan {
                id: PlanId::from_uuid(m.id),
                kind: match m.kind.as_str() {
                    "individual" => PlanKind::Individual,
                    "group" => PlanKind::Group,
                    other => return Err(StoreError::corrupt(format!("plan kind {other}"))),
                },
                members,
                status: PlanStatus::parse(&m.status)
                    .ok_or_else(|| StoreError::corrupt(format!("plan status {}", m.status)))?,
                version: u32::try_from(m.version).map_err(StoreError::corrupt)?,
                agreed_version: m
                    .agreed_version
                    .map(u32::try_from)
                    .transpose()
                    .map_err(StoreError::corrupt)?,
                revision: m.revision,
                content_revision: m.content_revision,
                content: parse_json(&m.content)?,
                signatures: parse_json::<Vec<Signature>>(&m.signatures)?,
                closure: m
                    .closure
                    .as_deref()
                    .map(parse_json::<Closure>)
                    .transpose()?,
                created_by: EmployeeId::from_uuid(m.created_by),
                created_at: m.created_at,
                updated_at: m.updated_at,
            })
        })
        .collect()
}

async fn fetch(conn: &impl ConnectionTrait, id: PlanId) -> Result<Plan, StoreError> {
    fetch_with(conn, id, false).await
}

/// Reads a plan; with `lock`, locks its row until the transaction ends, so that concurrent
/// writers of one plan take turns and each applies its change to the latest state.
async fn fetch_with(
    conn: &impl ConnectionTrait,
    id: PlanId,
    lock: bool,
) -> Result<Plan, StoreError> {
    let mut find = plan::Entity::find_by_id(id.uuid());
    if lock {
        find = find.lock_exclusive();
    }
    let row = find.one(conn).await?.ok_or(StoreError::NotFound)?;
    to_plans(conn, vec![row])
        .await?
        .pop()
        .ok_or(StoreError::NotFound)
}

/// The wire name of a serde enum value (`professional`, `job_rotation`, …).
fn wire<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    Ok(json(value)?.trim_matches('"').to_owned())
}

/// Rewrites the reporting rows of the plans' goals and activities from their content.
async fn write_facts(conn: &impl ConnectionTrait, plans: &[&Plan]) -> Result<(), StoreError> {
    let ids: Vec<Uuid> = plans.iter().map(|p| p.id.uuid()).collect();
    plan_goal_fact::Entity::delete_many()
        .filter(plan_goal_fact::Column::PlanId.is_in(ids.iter().copied()))
        .exec(conn)
        .await?;
    plan_activity_fact::Entity::delete_many()
        .filter(plan_activity_fact::Column::PlanId.is_in(ids.iter().copied()))
        .exec(conn)
        .await?;
    let mut goals = Vec::new();
    let mut activities = Vec::new();
    for plan in plans {
        for g in &plan.content.goals {
            goals.push(plan_goal_fact::ActiveModel {
                plan_id: Set(plan.id.uuid()),
                goal_id: Set(g.id.uuid()),
                competence_kind: Set(wire(&g.competence_kind)?),
                verdict: Set(g.evaluation.verdict.as_ref().map(wire).transpose()?),
                applied: Set(g.evaluation.applied_in_daily_work),
            });
        }
        for a in &plan.content.activities {
            activities.push(plan_activity_fact::ActiveModel {
                plan_id: Set(plan.id.uuid()),
                activity_id: Set(a.id.uuid()),
                kind: Set(wire(&a.kind)?),
                status: Set(wire(&a.status)?),
            });
        }
    }
    // Rows per statement stay well under the databases' bound-parameter limits.
    crate::bulk::insert(conn, goals).await?;
    crate::bulk::insert(conn, activities).await?;
    Ok(())
}

/// Whether `plan` is its member's current individual plan: the database allows one.
fn is_current_individual(plan: &Plan) -> bool {
    plan.kind == PlanKind::Individual
        && matches!(plan.status, PlanStatus::Draft | PlanStatus::Agreed)
}

/// Writes the changed aggregate if its stored revision is still the one `before` was read
/// at, freezing a newly agreed version and keeping the projections current; returns the
/// change for the feed, to be recorded last in the transaction.
async fn write(
    txn: &DatabaseTransaction,
    before: &Plan,
    plan: &Plan,
) -> Result<NewEvent, StoreError> {
    let read_revision = before.revision;
    let updated = plan::Entity::update_many()
        .col_expr(plan::Column::Status, Expr::value(plan.status.as_str()))
        .col_expr(plan::Column::Version, Expr::value(plan.version as i32))
        .col_expr(
            plan::Column::AgreedVersion,
            Expr::value(plan.agreed_version.map(|v| v as i32)),
        )
        .col_expr(plan::Column::Revision, Expr::value(plan.revision))
        .col_expr(
            plan::Column::ContentRevision,
            Expr::value(plan.content_revision),
        )
        .col_expr(plan::Column::Content, Expr::value(json(&plan.content)?))
        .col_expr(
            plan::Column::Signatures,
            Expr::value(json(&plan.signatures)?),
        )
        .col_expr(
            plan::Column::Closure,
            Expr::value(plan.closure.as_ref().map(json).transpose()?),
        )
        .col_expr(plan::Column::UpdatedAt, Expr::value(plan.updated_at))
        .filter(plan::Column::Id.eq(plan.id.uuid()))
        .filter(plan::Column::Revision.eq(read_revision))
        .exec(txn)
        .await?;
    ensure_updated(&updated)?;
    if before.status != plan.status {
        plan_member::Entity::update_many()
            .col_expr(
                plan_member::Column::CurrentIndividual,
                Expr::value(is_current_individual(plan)),
            )
            .filter(plan_member::Column::PlanId.eq(plan.id.uuid()))
            .exec(txn)
            .await?;
    }
    // A signature or a status change leaves the goals and activities as they were.
    if before.content != plan.content {
        write_facts(txn, &[plan]).await?;
    }
    let mut agreed_now = false;
    if let Some(v) = plan.frozen_version() {
        let frozen = plan_version::Entity::find_by_id((plan.id.uuid(), v.version as i32))
            .one(txn)
            .await?;
        if frozen.is_none() {
            agreed_now = true;
            plan_version::Entity::insert(plan_version::ActiveModel {
                plan_id: Set(plan.id.uuid()),
                version: Set(v.version as i32),
                content: Set(json(&v.content)?),
                content_hash: Set(v.content_hash),
                signatures: Set(json(&v.signatures)?),
                agreed_at: Set(v.agreed_at),
            })
            .exec_without_returning(txn)
            .await?;
        }
    }
    // Only the status and the agreement feed the status projection, which reads the frozen
    // versions (each agreed one restarts the annual clock, also a version agreed while an
    // earlier one stays in force); follow-ups refresh it themselves.
    let members: Vec<Uuid> = plan.members.iter().map(|m| m.uuid()).collect();
    if before.status != plan.status || before.version != plan.version || agreed_now {
        crate::projection::refresh_status(txn, &members).await?;
    } else if before.content != plan.content {
        crate::projection::refresh_contents(txn, &members).await?;
    }
    Ok(NewEvent::plan(Some(before), plan))
}

/// Applies `change` to the plan within the caller's transaction.
pub(crate) async fn change_plan_in<T>(
    txn: &DatabaseTransaction,
    id: PlanId,
    expected_revision: Option<i64>,
    change: impl FnOnce(&mut Plan) -> Result<T, devplan_domain::plan::PlanError>,
    changes: &mut Vec<NewEvent>,
) -> Result<(Plan, T), StoreError> {
    let before = fetch_with(txn, id, true).await?;
    crate::version::check_version(before.revision, expected_revision)?;
    let mut plan = before.clone();
    let outcome = change(&mut plan)?;
    if plan.revision != before.revision {
        changes.push(write(txn, &before, &plan).await?);
    }
    Ok((plan, outcome))
}

/// The one write path of a plan, inside `txn`: the plan is loaded and locked once, `gate`
/// decides from it and its members' units in what capacity the caller takes part (none: 404,
/// exactly as absent), `expected_revision` (from `If-Match`) must be the stored one, and
/// `change` is applied and written, projections only when the content changed.
pub(crate) async fn change_plan_as_in<P, T>(
    txn: &DatabaseTransaction,
    id: PlanId,
    expected_revision: Option<i64>,
    gate: impl FnOnce(&Plan, &[UnitId]) -> Option<P>,
    change: impl FnOnce(&mut Plan, &P) -> Result<T, devplan_domain::plan::PlanError>,
    changes: &mut Vec<NewEvent>,
) -> Result<(Plan, P, T), StoreError> {
    let before = fetch_with(txn, id, true).await?;
    let units = crate::reach::units_of_in(txn, &before.members).await?;
    let party = gate(&before, &units).ok_or(StoreError::NotFound)?;
    crate::version::check_version(before.revision, expected_revision)?;
    let mut plan = before.clone();
    let outcome = change(&mut plan, &party)?;
    if plan.revision != before.revision {
        changes.push(write(txn, &before, &plan).await?);
    }
    Ok((plan, party, outcome))
}

/// A concurrent `create_plan` for the same employee got there first: the current plan we
/// were superseding changed under us (`superseding`), or the database refused a second
/// current individual plan.
fn concurrent_plan(err: StoreError, superseding: bool) -> StoreError {
    let raced = match &err {
        StoreError::Conflict {
            code: ProblemCode::ConcurrentWrite,
            ..
        } => superseding,
        StoreError::Conflict {
            code: ProblemCode::Duplicate,
            ..
        } => true,
        _ => false,
    };
    if raced {
        StoreError::Conflict {
            code: ProblemCode::ConcurrentPlan,
            message: "another plan for this employee was created at the same moment; \
                      read the employee's plans and try again"
                .to_owned(),
        }
    } else {
        err
    }
}

/// Moves the memberships of employees who moved (`(employee, new unit)`) with them, in the
/// transaction that moves them: one statement on PostgreSQL, one per person on SQLite.
pub(crate) async fn follow_moves(
    conn: &impl ConnectionTrait,
    moves: &[(Uuid, Uuid)],
) -> Result<(), StoreError> {
    if moves.is_empty() {
        return Ok(());
    }
    if conn.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        let (people, units): (Vec<Uuid>, Vec<Uuid>) = moves.iter().copied().unzip();
        conn.execute_raw(sea_orm::Statement::from_sql_and_values(
            sea_orm::DatabaseBackend::Postgres,
            "UPDATE plan_members m SET unit_id = v.unit_id \
             FROM unnest($1::uuid[], $2::uuid[]) AS v(employee_id, unit_id) \
             WHERE m.employee_id = v.employee_id AND m.unit_id <> v.unit_id",
            [people.into(), units.into()],
        ))
        .await?;
        return Ok(());
    }
    for (person, unit) in moves {
        plan_member::Entity::update_many()
            .col_expr(plan_member::Column::UnitId, Expr::value(*unit))
            .filter(plan_member::Column::EmployeeId.eq(*person))
            .exec(conn)
            .await?;
    }
    Ok(())
}

/// The ids of a page of the plan list on PostgreSQL (the first `limit + 1` after the cursor,
/// in id order): for each unit in the scope, one index range of its members' plans cut at
/// the page size, then the reader's own memberships. The cost grows with the number of units
/// in reach, not of people: one probe per person cost 17 ms for an area of 1,262 at national
/// size.
async fn page_ids(
    conn: &impl ConnectionTrait,
    scope: &PlanScope,
    filter: &PlanFilter,
    page: PageRequest,
) -> Result<Vec<Uuid>, StoreError> {
    // One text per combination of filters, the scope as arrays: prepared once per connection.
    let mut values: Vec<sea_orm::Value> = vec![
        page.after.unwrap_or(Uuid::nil()).into(),
        i64::try_from(page.limit + 1).unwrap_or(i64::MAX).into(),
        scope
            .units
            .iter()
            .map(|u| u.uuid())
            .collect::<Vec<Uuid>>()
            .into(),
        scope
            .members
            .iter()
            .map(|m| m.uuid())
            .collect::<Vec<Uuid>>()
            .into(),
    ];
    let status = match filter.status {
        Some(st) => {
            values.push(st.as_str().into());
            format!(
                " JOIN plans p ON p.id = m.plan_id AND p.status = ${}",
                values.len()
            )
        }
        None => String::new(),
    };
    // Inside each branch, before its limit: a filter after it could leave a page short.
    let only = match filter.employee {
        Some(e) => {
            values.push(e.uuid().into());
            format!(
                " AND m.plan_id IN (SELECT plan_id FROM plan_members WHERE employee_id = ${})",
                values.len()
            )
        }
        None => String::new(),
    };
    // Per unit in reach, its members' first plans after the cursor in id order, read off the
    // index `(unit_id, plan_id)` and cut at the page size (distinct first: a group plan
    // with several members in the unit counts once); merged with the listed members' plans.
    let sql = format!(
        "SELECT DISTINCT x.plan_id FROM ( \
           SELECT y.plan_id FROM unnest($3::uuid[]) AS u(id) CROSS JOIN LATERAL ( \
             SELECT DISTINCT m.plan_id FROM plan_members m{status} \
             WHERE m.unit_id = u.id AND m.plan_id > $1{only} ORDER BY m.plan_id LIMIT $2) y \
           UNION ALL \
           SELECT m.plan_id FROM plan_members m{status} \
           WHERE m.employee_id = ANY($4::uuid[]) AND m.plan_id > $1{only}) x \
         ORDER BY 1 LIMIT $2"
    );
    let rows = conn
        .query_all_raw(sea_orm::Statement::from_sql_and_values(
            sea_orm::DatabaseBackend::Postgres,
            sql,
            values,
        ))
        .await?;
    rows.into_iter()
        .map(|r| r.try_get_by_index::<Uuid>(0).map_err(StoreError::from))
        .collect()
}

impl Store {
    /// Stores a new plan. A new individual plan supersedes the member's current one, which
    /// stays readable.
    pub async fn create_plan(&self, new: Plan) -> Result<Plan, StoreError> {
        let txn = self.db.begin().await?;
        let mut members = employee::Entity::find()
            .select_only()
            .column(employee::Column::Id)
            .column(employee::Column::UnitId)
            .filter(employee::Column::Id.is_in(new.members.iter().map(|m| m.uuid())))
            .filter(employee::Column::Active.eq(true));
        // The members' units are copied onto the memberships: a move committed meanwhile
        // waits for this plan, then moves its memberships too.
        if txn.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            members = members.lock_shared();
        }
        let unit_of: HashMap<Uuid, Uuid> = members
            .into_tuple::<(Uuid, Uuid)>()
            .all(&txn)
            .await?
            .into_iter()
            .collect();
        let mut v = Violations::new();
        let mut memberships = Vec::with_capacity(new.members.len());
        for (i, m) in new.members.iter().enumerate() {
            match unit_of.get(&m.uuid()) {
                Some(unit) => memberships.push((m.uuid(), *unit)),
                None => {
                    let field = match new.kind {
                        PlanKind::Individual => "employee_id".to_owned(),
                        PlanKind::Group => format!("member_ids[{i}]"),
                    };
                    v.push(Violation::new(
                        field,
                        FieldCode::UnknownEmployee,
                        "no such active employee",
                    ));
                }
            }
        }
        if !v.is_empty() {
            return Err(StoreError::Invalid(v));
        }
        let mut changes = Vec::new();
        if new.kind == PlanKind::Individual {
            let current = plan::Entity::find()
                .filter(plan::Column::Kind.eq("individual"))
                .filter(plan::Column::Status.is_in(["draft", "agreed"]))
                .filter(
                    plan::Column::Id.in_subquery(
                        Query::select()
                            .column(plan_member::Column::PlanId)
                            .from(plan_member::Entity)
                            .and_where(
                                plan_member::Column::EmployeeId
                                    .is_in(new.members.iter().map(|m| m.uuid())),
                            )
                            .to_owned(),
                    ),
                )
                .all(&txn)
                .await?;
            for old in to_plans(&txn, current).await? {
                let mut superseded = old.clone();
                superseded.supersede(new.created_at);
                changes.push(
                    write(&txn, &old, &superseded)
                        .await
                        .map_err(|e| concurrent_plan(e, true))?,
                );
            }
        }
        plan::Entity::insert(plan::ActiveModel {
            id: Set(new.id.uuid()),
            kind: Set(kind_str(new.kind).to_owned()),
            status: Set(new.status.as_str().to_owned()),
            version: Set(new.version as i32),
            agreed_version: Set(new.agreed_version.map(|v| v as i32)),
            revision: Set(new.revision),
            content_revision: Set(new.content_revision),
            content: Set(json(&new.content)?),
            signatures: Set(json(&new.signatures)?),
            closure: Set(None),
            created_by: Set(new.created_by.uuid()),
            created_at: Set(new.created_at),
            updated_at: Set(new.updated_at),
        })
        .exec_without_returning(&txn)
        .await?;
        plan_member::Entity::insert_many(memberships.into_iter().map(|(member, unit)| {
            plan_member::ActiveModel {
                plan_id: Set(new.id.uuid()),
                employee_id: Set(member),
                current_individual: Set(is_current_individual(&new)),
                unit_id: Set(unit),
            }
        }))
        .exec_without_returning(&txn)
        .await
        .map_err(|e| concurrent_plan(e.into(), false))?;
        write_facts(&txn, &[&new]).await?;
        let members: Vec<Uuid> = new.members.iter().map(|m| m.uuid()).collect();
        crate::projection::refresh_status(&txn, &members).await?;
        let plan = fetch(&txn, new.id).await?;
        changes.push(NewEvent::plan(None, &plan));
        crate::events::record(&txn, self.now(), changes).await?;
        txn.commit().await?;
        Ok(plan)
    }

    /// One plan.
    pub async fn get_plan(&self, id: PlanId) -> Result<Plan, StoreError> {
        fetch(&self.db, id).await
    }

    /// Applies `change` to the plan in one transaction. `expected_revision` (from `If-Match`)
    /// must be the stored one when given; a concurrent writer makes the write fail rather than
    /// be lost.
    pub async fn change_plan<T>(
        &self,
        id: PlanId,
        expected_revision: Option<i64>,
        change: impl FnOnce(&mut Plan) -> Result<T, devplan_domain::plan::PlanError>,
    ) -> Result<(Plan, T), StoreError> {
        let txn = self.db.begin().await?;
        let mut changes = Vec::new();
        let out = change_plan_in(&txn, id, expected_revision, change, &mut changes).await?;
        crate::events::record(&txn, self.now(), changes).await?;
        txn.commit().await?;
        Ok(out)
    }

    /// The one write path of a plan (see [`change_plan_as_in`]), in a transaction of its own.
    pub async fn change_plan_as<P, T>(
        &self,
        id: PlanId,
        expected_revision: Option<i64>,
        gate: impl FnOnce(&Plan, &[UnitId]) -> Option<P>,
        change: impl FnOnce(&mut Plan, &P) -> Result<T, devplan_domain::plan::PlanError>,
    ) -> Result<(Plan, P, T), StoreError> {
        let txn = self.db.begin().await?;
        let mut changes = Vec::new();
        let out =
            change_plan_as_in(&txn, id, expected_revision, gate, change, &mut changes).await?;
        crate::events::record(&txn, self.now(), changes).await?;
        txn.commit().await?;
        Ok(out)
    }

    /// Rebuilds the goal and activity reporting rows of every plan from its stored content,
    /// a batch of plans per transaction; for data loaded around the service (restores, the
    /// benchmark). Returns how many plans it covered.
    pub async fn rebuild_plan_facts(&self) -> Result<u64, StoreError> {
        self.analyze_after_growth(u64::MAX, &["plans", "plan_members"])
            .await?;
        let mut after: Option<Uuid> = None;
        let mut done = 0u64;
        loop {
            let mut q = plan::Entity::find()
                .order_by_asc(plan::Column::Id)
                .limit(500);
            if let Some(a) = after {
                q = q.filter(plan::Column::Id.gt(a));
            }
            let rows = q.all(&self.db).await?;
            let Some(last) = rows.last().map(|r| r.id) else {
                break;
            };
            let txn = self.db.begin().await?;
            let plans = to_plans(&txn, rows).await?;
            write_facts(&txn, &plans.iter().collect::<Vec<_>>()).await?;
            txn.commit().await?;
            done += plans.len() as u64;
            after = Some(last);
        }
        self.analyze_after_growth(done, &["plan_goal_facts", "plan_activity_facts"])
            .await?;
        Ok(done)
    }

    /// Plans in `scope` (none: all), filtered, in id order.
    pub async fn list_plans(
        &self,
        scope: &PlanScope,
        filter: &PlanFilter,
        page: PageRequest,
    ) -> Result<Page<Plan>, StoreError> {
        if self.db.get_database_backend() == sea_orm::DatabaseBackend::Postgres
            && !scope.units.is_empty()
        {
            let ids = page_ids(&self.db, scope, filter, page).await?;
            let rows = plan::Entity::find()
                .filter(plan::Column::Id.is_in(ids))
                .order_by_asc(plan::Column::Id)
                .all(&self.db)
                .await?;
            let page = Page::from_overfetch(rows, page.limit, |m| m.id);
            return Ok(Page {
                items: to_plans(&self.db, page.items).await?,
                next_after: page.next_after,
            });
        }
        // Two index lookups joined by UNION: an OR across the two tables would make the
        // database scan every employee and plan member.
        let by_unit = Query::select()
            .column(plan_member::Column::PlanId)
            .from(plan_member::Entity)
            .and_where(plan_member::Column::UnitId.is_in(scope.units.iter().map(|u| u.uuid())))
            .to_owned();
        let by_member = Query::select()
            .column(plan_member::Column::PlanId)
            .from(plan_member::Entity)
            .and_where(
                plan_member::Column::EmployeeId.is_in(scope.members.iter().map(|m| m.uuid())),
            )
            .to_owned();
        let in_scope = match (scope.units.is_empty(), scope.members.is_empty()) {
            (false, true) => by_unit,
            (true, _) => by_member,
            (false, false) => {
                let mut both = by_unit;
                both.union(sea_orm::sea_query::UnionType::Distinct, by_member);
                both
            }
        };
        let mut query = plan::Entity::find()
            .filter(plan::Column::Id.in_subquery(in_scope))
            .order_by_asc(plan::Column::Id);
        if let Some(e) = filter.employee {
            query = query.filter(
                plan::Column::Id.in_subquery(
                    Query::select()
                        .column(plan_member::Column::PlanId)
                        .from(plan_member::Entity)
                        .and_where(plan_member::Column::EmployeeId.eq(e.uuid()))
                        .to_owned(),
                ),
            );
        }
        if let Some(s) = filter.status {
            query = query.filter(plan::Column::Status.eq(s.as_str()));
        }
        if let Some(after) = page.after {
            query = query.filter(plan::Column::Id.gt(after));
        }
        let rows = query.limit(page.limit + 1).all(&self.db).await?;
        let page = Page::from_overfetch(rows, page.limit, |m| m.id);
        Ok(Page {
            items: to_plans(&self.db, page.items).await?,
            next_after: page.next_after,
        })
    }

    /// Every agreed version of a plan, oldest first.
    pub async fn plan_versions(&self, id: PlanId) -> Result<Vec<AgreedVersion>, StoreError> {
        plan_version::Entity::find()
            .filter(plan_version::Column::PlanId.eq(id.uuid()))
            .order_by_asc(plan_version::Column::Version)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| {
                Ok(AgreedVersion {
                    version: u32::try_from(m.version).map_err(StoreError::corrupt)?,
                    content: parse_json(&m.content)?,
                    content_hash: m.content_hash,
                    signatures: parse_json(&m.signatures)?,
                    agreed_at: m.agreed_at,
                })
            })
            .collect()
    }
}
