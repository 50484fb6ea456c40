//! Follow-ups of plans, and the facts the work list is computed from.

use chrono::{DateTime, Utc};
use devplan_domain::followup::{
    AbsenceFacts, FollowUpKind, FollowUpRecord, PlanFacts, StoredFollowUp,
};
use devplan_domain::plan::{Party, Plan};
use devplan_domain::text::LongText;
use devplan_domain::{EmployeeId, FollowUpId, PlanId, UnitId};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    TransactionTrait,
};
use uuid::Uuid;

use crate::absences::to_absence;
use crate::employees::{EmployeeScope, parse_stored};
use crate::entities::{absence, employee, follow_up, plan, plan_member, plan_version};
use crate::units::CHUNK;
use crate::{Store, StoreError};

pub(crate) fn json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(StoreError::corrupt)
}

/// A follow-up as the change feed carries it: when and with what outcome, never its notes,
/// participants or progress (plan content, which HR never reads).
fn follow_up_data(f: &StoredFollowUp) -> Result<serde_json::Value, StoreError> {
    Ok(serde_json::json!({
        "id": f.id.uuid(),
        "plan_id": f.plan_id.uuid(),
        "kind": f.record.kind.as_str(),
        "held_on": f.record.held_on,
        "outcome": serde_json::to_value(f.record.outcome).map_err(StoreError::corrupt)?,
        "recorded_by": f.recorded_by.uuid(),
        "recorded_at": f.recorded_at,
    }))
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

impl Store {
    /// Records a follow-up of a plan and applies it to the plan, in one transaction on the
    /// plan's write path: `gate` decides the caller's part from the locked plan.
    pub async fn record_follow_up(
        &self,
        plan_id: PlanId,
        gate: impl FnOnce(&Plan, &[UnitId]) -> Option<(Party, EmployeeId)>,
        record: FollowUpRecord,
        now: DateTime<Utc>,
    ) -> Result<(Plan, Party, StoredFollowUp), StoreError> {
        let txn = self.db.begin().await?;
        let mut changes = Vec::new();
        let (plan, (party, by), ()) = crate::plans::change_plan_as_in(
            &txn,
            plan_id,
            None,
            gate,
            |p, (party, by)| record.apply_to(p, *party, *by, now),
            &mut changes,
        )
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
        let stored = StoredFollowUp {
            id,
            plan_id,
            record,
            recorded_by: by,
            recorded_at: now,
        };
        changes.push(
            crate::events::NewEvent::new("follow_up.recorded", id.uuid(), follow_up_data(&stored)?)
                .version(1)
                .of_plan(plan_id.uuid()),
        );
        crate::events::record(&txn, now, changes).await?;
        txn.commit().await?;
        Ok((plan, party, stored))
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
            let versions: Vec<(Uuid, DateTime<Utc>)> = plan_version::Entity::find()
                .select_only()
                .column(plan_version::Column::PlanId)
                .column(plan_version::Column::AgreedAt)
                .filter(plan_version::Column::PlanId.is_in(plan_ids.clone()))
                .into_tuple()
                .all(&self.db)
                .await?;
            let mut agreed: std::collections::BTreeMap<Uuid, Vec<chrono::NaiveDate>> =
                Default::default();
            for (plan_id, at) in versions {
                agreed
                    .entry(plan_id)
                    .or_default()
                    .push(devplan_domain::clock::local_date(at));
            }
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
            for (plan_id, days) in agreed {
                if plans.iter().any(|p| p.plan_id.uuid() == plan_id) {
                    continue;
                }
                let Some((agreed_on, earlier_agreements)) =
                    crate::projection::agreement_days(&days)
                else {
                    continue;
                };
                plans.push(PlanFacts {
                    plan_id: PlanId::from_uuid(plan_id),
                    members: members
                        .iter()
                        .filter(|(p, e)| *p == plan_id && ids.contains(e))
                        .map(|(_, e)| EmployeeId::from_uuid(*e))
                        .collect(),
                    agreed_on,
                    earlier_agreements,
                    follow_ups: held
                        .iter()
                        .filter(|(p, _, _)| *p == plan_id)
                        .filter_map(|(_, k, on)| FollowUpKind::parse(k).map(|k| (k, *on)))
                        .collect(),
                });
            }
            let theirs = absence::Entity::find()
                .filter(absence::Column::EmployeeId.is_in(ids.clone()))
                .all(&self.db)
                .await?;
            let specials = if theirs.is_empty() {
                Default::default()
            } else {
                crate::projection::specials_held(&self.db, &ids).await?
            };
            for a in theirs {
                let a = to_absence(a)?;
                absences.push(AbsenceFacts {
                    absence_id: a.id,
                    employee: a.employee_id,
                    specials_held: specials
                        .get(&a.employee_id.uuid())
                        .cloned()
                        .unwrap_or_default(),
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
}
