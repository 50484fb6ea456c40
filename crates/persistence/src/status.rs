//! The raw material of status figures: per-employee plan states, and the activities and
//! goals of current plans counted by the database per unit and professional group.

use std::collections::HashMap;

use devplan_domain::{EmployeeId, UnitId};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Query, SelectStatement};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use crate::entities::{employee, plan, plan_activity_fact, plan_goal_fact, plan_member};
use crate::units::CHUNK;
use crate::{Store, StoreError};

/// An active employee of the units asked about, with where they count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusPerson {
    /// Who.
    pub id: EmployeeId,
    /// Their name, for the named lists managers and HR may ask for.
    pub name: String,
    /// Their unit.
    pub unit: UnitId,
    /// Their professional group.
    pub professional_group: Option<String>,
    /// They are a member of an agreed plan.
    pub agreed_plan: bool,
    /// They are a member of a plan in draft.
    pub draft_plan: bool,
}

/// A count made by the database for one unit and professional group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupedCount {
    /// The unit.
    pub unit: UnitId,
    /// The professional group.
    pub professional_group: Option<String>,
    /// What is counted: an activity kind, a goal verdict (`none` when not evaluated), or
    /// `applied` for goals applied in daily work.
    pub key: String,
    /// How many.
    pub count: u64,
    /// How many distinct people.
    pub people: u64,
}

/// `employees ⋈ plan_members ⋈ plans` of current plans, for active employees of `units`.
fn current_plans_of(units: &[Uuid]) -> SelectStatement {
    Query::select()
        .column((employee::Entity, employee::Column::UnitId))
        .column((employee::Entity, employee::Column::ProfessionalGroup))
        .from(employee::Entity)
        .inner_join(
            plan_member::Entity,
            Expr::col((plan_member::Entity, plan_member::Column::EmployeeId))
                .equals((employee::Entity, employee::Column::Id)),
        )
        .inner_join(
            plan::Entity,
            Expr::col((plan::Entity, plan::Column::Id))
                .equals((plan_member::Entity, plan_member::Column::PlanId)),
        )
        .and_where(Expr::col((employee::Entity, employee::Column::Active)).eq(true))
        .and_where(
            Expr::col((employee::Entity, employee::Column::UnitId)).is_in(units.iter().copied()),
        )
        .and_where(Expr::col((plan::Entity, plan::Column::Status)).is_in(["agreed", "draft"]))
        .to_owned()
}

/// Counts `counted`, and the distinct people behind it, per unit, group and `key` (a
/// column; none: one count per unit and group, labelled `label`).
async fn grouped(
    conn: &impl ConnectionTrait,
    mut stmt: SelectStatement,
    key: Option<Expr>,
    label: &str,
    counted: Expr,
) -> Result<Vec<GroupedCount>, StoreError> {
    stmt.expr_as(Func::count(counted), Alias::new("n"))
        .expr_as(
            Func::count_distinct(Expr::col((employee::Entity, employee::Column::Id))),
            Alias::new("p"),
        )
        .group_by_col((employee::Entity, employee::Column::UnitId))
        .group_by_col((employee::Entity, employee::Column::ProfessionalGroup));
    if let Some(key) = &key {
        stmt.expr_as(key.clone(), Alias::new("k"))
            .add_group_by([key.clone()]);
    }
    let rows = conn.query_all(&stmt).await?;
    rows.into_iter()
        .map(|r| {
            let (unit, group, n, p): (Uuid, Option<String>, i64, i64) =
                r.try_get_many_by_index()?;
            let key: Option<String> = if key.is_some() {
                r.try_get_by_index(4)?
            } else {
                Some(label.to_owned())
            };
            Ok(GroupedCount {
                unit: UnitId::from_uuid(unit),
                professional_group: group,
                key: key.unwrap_or_else(|| "none".to_owned()),
                count: u64::try_from(n).unwrap_or(0),
                people: u64::try_from(p).unwrap_or(0),
            })
        })
        .collect()
}

impl Store {
    /// The active employees of `units` with the state of their plans.
    pub async fn status_people(&self, units: &[UnitId]) -> Result<Vec<StatusPerson>, StoreError> {
        let ids: Vec<Uuid> = units.iter().map(|u| u.uuid()).collect();
        let mut people = Vec::new();
        for chunk in ids.chunks(CHUNK) {
            let rows: Vec<(Uuid, String, Uuid, Option<String>)> = employee::Entity::find()
                .select_only()
                .column(employee::Column::Id)
                .column(employee::Column::Name)
                .column(employee::Column::UnitId)
                .column(employee::Column::ProfessionalGroup)
                .filter(employee::Column::Active.eq(true))
                .filter(employee::Column::UnitId.is_in(chunk.iter().copied()))
                .into_tuple()
                .all(&self.db)
                .await?;
            people.extend(rows);
        }
        let mut states: HashMap<Uuid, (bool, bool)> = HashMap::new();
        let person_ids: Vec<Uuid> = people.iter().map(|p| p.0).collect();
        for chunk in person_ids.chunks(CHUNK) {
            let rows: Vec<(Uuid, String)> = plan_member::Entity::find()
                .select_only()
                .column(plan_member::Column::EmployeeId)
                .column_as(Expr::col((plan::Entity, plan::Column::Status)), "status")
                .join(
                    sea_orm::JoinType::InnerJoin,
                    plan_member::Entity::belongs_to(plan::Entity)
                        .from(plan_member::Column::PlanId)
                        .to(plan::Column::Id)
                        .into(),
                )
                .filter(plan_member::Column::EmployeeId.is_in(chunk.iter().copied()))
                .filter(plan::Column::Status.is_in(["agreed", "draft"]))
                .into_tuple()
                .all(&self.db)
                .await?;
            for (e, status) in rows {
                let s = states.entry(e).or_default();
                match status.as_str() {
                    "agreed" => s.0 = true,
                    _ => s.1 = true,
                }
            }
        }
        let mut out: Vec<StatusPerson> = people
            .into_iter()
            .map(|(id, name, unit, group)| {
                let (agreed_plan, draft_plan) = states.get(&id).copied().unwrap_or_default();
                StatusPerson {
                    id: EmployeeId::from_uuid(id),
                    name,
                    unit: UnitId::from_uuid(unit),
                    professional_group: group,
                    agreed_plan,
                    draft_plan,
                }
            })
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
        Ok(out)
    }

    /// Activities of current plans by kind, counted by the database per unit and group.
    pub async fn activity_counts(&self, units: &[UnitId]) -> Result<Vec<GroupedCount>, StoreError> {
        let ids: Vec<Uuid> = units.iter().map(|u| u.uuid()).collect();
        let mut stmt = current_plans_of(&ids);
        stmt.inner_join(
            plan_activity_fact::Entity,
            Expr::col((
                plan_activity_fact::Entity,
                plan_activity_fact::Column::PlanId,
            ))
            .equals((plan::Entity, plan::Column::Id)),
        );
        grouped(
            &self.db,
            stmt,
            Some(Expr::col((
                plan_activity_fact::Entity,
                plan_activity_fact::Column::Kind,
            ))),
            "",
            Expr::col((
                plan_activity_fact::Entity,
                plan_activity_fact::Column::ActivityId,
            )),
        )
        .await
    }

    /// Goals of current plans by verdict, and those applied in daily work (key `applied`),
    /// counted by the database per unit and group.
    pub async fn goal_counts(&self, units: &[UnitId]) -> Result<Vec<GroupedCount>, StoreError> {
        let ids: Vec<Uuid> = units.iter().map(|u| u.uuid()).collect();
        let join = |stmt: &mut SelectStatement| {
            stmt.inner_join(
                plan_goal_fact::Entity,
                Expr::col((plan_goal_fact::Entity, plan_goal_fact::Column::PlanId))
                    .equals((plan::Entity, plan::Column::Id)),
            );
        };
        let mut by_verdict = current_plans_of(&ids);
        join(&mut by_verdict);
        let mut counts = grouped(
            &self.db,
            by_verdict,
            Some(Expr::col((
                plan_goal_fact::Entity,
                plan_goal_fact::Column::Verdict,
            ))),
            "",
            Expr::col((plan_goal_fact::Entity, plan_goal_fact::Column::GoalId)),
        )
        .await?;
        let mut applied = current_plans_of(&ids);
        join(&mut applied);
        applied.and_where(
            Expr::col((plan_goal_fact::Entity, plan_goal_fact::Column::Applied)).eq(true),
        );
        let applied = grouped(
            &self.db,
            applied,
            None,
            "applied",
            Expr::col((plan_goal_fact::Entity, plan_goal_fact::Column::GoalId)),
        )
        .await?;
        counts.extend(applied);
        Ok(counts)
    }
}
