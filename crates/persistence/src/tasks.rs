//! The facts behind what waits for a person (`GET /me/tasks`): one statement per kind of task
//! and role, whatever the size of the caller's reach, so a manager of 5,000 people costs the
//! statements of a manager of 50. The domain's `tasks` module decides each task.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use devplan_domain::plan::{Party, PlanStatus, Signature};
use devplan_domain::review::ReviewState;
use devplan_domain::tasks::{
    Task, TaskKind, TaskObject, feedback_due, owes_review_notes, signature_task, year_start,
};
use devplan_domain::{EmployeeId, UnitId};
use sea_orm::{QueryResult, Value};
use uuid::Uuid;

use crate::status::{in_list, select};
use crate::{Store, StoreError};

/// Whose tasks, in which roles.
#[derive(Debug, Clone)]
pub struct TaskReach {
    /// The person.
    pub me: EmployeeId,
    /// They act as employee (their own plans and interviews).
    pub as_employee: bool,
    /// The units they act as manager of, sub-units included (empty: not a manager).
    pub managed: Vec<UnitId>,
    /// The units they represent (empty: not a representative).
    pub represented: Vec<UnitId>,
    /// They act as committee member.
    pub as_committee_member: bool,
}

/// An interview offered: when, when recorded, and its participants.
type Offer = (Option<NaiveDate>, DateTime<Utc>, Vec<Uuid>);

fn day(at: DateTime<Utc>) -> NaiveDate {
    devplan_domain::clock::local_date(at)
}

impl Store {
    /// What waits for the person of `reach` today, follow-ups looked for `window_days` ahead.
    pub async fn tasks(
        &self,
        reach: &TaskReach,
        today: NaiveDate,
        window_days: u32,
    ) -> Result<Vec<Task>, StoreError> {
        let me = reach.me.uuid();
        let managed: Vec<Uuid> = reach.managed.iter().map(|u| u.uuid()).collect();
        let (units, unit_params) = in_list("u", &managed);
        let mut base: Vec<(String, Value)> = vec![("me".into(), Value::from(me))];
        base.extend(unit_params);
        let mut tasks = Vec::new();
        if reach.as_employee || !managed.is_empty() {
            tasks.extend(self.signature_tasks(reach, &units, &base, today).await?);
            tasks.extend(self.interview_tasks(reach, &units, &base, today).await?);
        }
        if !managed.is_empty() {
            tasks.extend(
                self.follow_up_tasks(&units, &base, today, window_days)
                    .await?,
            );
        }
        if !reach.represented.is_empty() {
            tasks.extend(self.review_tasks(reach, today).await?);
        }
        if reach.as_committee_member {
            tasks.extend(self.feedback_tasks(me, today).await?);
        }
        Ok(devplan_domain::tasks::sorted(tasks))
    }

    async fn signature_tasks(
        &self,
        reach: &TaskReach,
        units: &str,
        base: &[(String, Value)],
        today: NaiveDate,
    ) -> Result<Vec<Task>, StoreError> {
        let mine = if reach.as_employee {
            "m2.employee_id = :me OR "
        } else {
            ""
        };
        let rows = select(
            &self.db,
            &format!(
                "SELECT p.id, p.kind, p.status, p.version, p.agreed_version, p.signatures, \
                 p.updated_at, m.employee_id, m.unit_id \
                 FROM plans p JOIN plan_members m ON m.plan_id = p.id \
                 WHERE (p.status = 'draft' OR (p.status = 'agreed' AND p.agreed_version < p.version)) \
                 AND p.id IN (SELECT m2.plan_id FROM plan_members m2 \
                              WHERE {mine}m2.unit_id IN {units})"
            ),
            base,
        )
        .await?;
        // The plans I signed before: an edit since dropped my signature.
        let signed_before: BTreeSet<Uuid> = select(
            &self.db,
            "SELECT DISTINCT object_id FROM audit_log WHERE actor_employee_id = :me \
             AND action = 'write' AND detail = 'plan.signed'",
            &base[..1],
        )
        .await?
        .into_iter()
        .map(|r| r.try_get_by_index::<Uuid>(0))
        .collect::<Result<_, _>>()?;
        struct Found {
            status: PlanStatus,
            pending: bool,
            individual: bool,
            signatures: Vec<Signature>,
            updated_at: DateTime<Utc>,
            members: Vec<(Uuid, Uuid)>,
        }
        let mut plans: BTreeMap<Uuid, Found> = BTreeMap::new();
        for r in rows {
            let id: Uuid = r.try_get_by_index(0)?;
            let member = (
                r.try_get_by_index::<Uuid>(7)?,
                r.try_get_by_index::<Uuid>(8)?,
            );
            if let Some(found) = plans.get_mut(&id) {
                found.members.push(member);
                continue;
            }
            let status: String = r.try_get_by_index(2)?;
            let version: i32 = r.try_get_by_index(3)?;
            let agreed: Option<i32> = r.try_get_by_index(4)?;
            let signatures: String = r.try_get_by_index(5)?;
            plans.insert(
                id,
                Found {
                    status: PlanStatus::parse(&status)
                        .ok_or_else(|| StoreError::corrupt(format!("plan status {status}")))?,
                    pending: agreed.is_some_and(|a| a < version),
                    individual: r.try_get_by_index::<String>(1)? == "individual",
                    signatures: serde_json::from_str(&signatures)
                        .map_err(|e| StoreError::corrupt(format!("plan {id}: {e}")))?,
                    updated_at: r.try_get_by_index(6)?,
                    members: vec![member],
                },
            );
        }
        let managed: BTreeSet<Uuid> = reach.managed.iter().map(|u| u.uuid()).collect();
        let me = reach.me;
        Ok(plans
            .into_iter()
            .filter_map(|(id, p)| {
                let member = p.members.iter().any(|(e, _)| *e == me.uuid());
                let party = if member && reach.as_employee {
                    Party::Employee
                } else if !member && p.members.iter().any(|(_, u)| managed.contains(u)) {
                    Party::Manager
                } else {
                    return None;
                };
                let kind = signature_task(p.status, p.pending, &p.signatures, party, me)?;
                let mut task = Task::new(
                    kind,
                    TaskObject::Plan,
                    id,
                    p.individual
                        .then(|| p.members.first().map(|(e, _)| EmployeeId::from_uuid(*e)))
                        .flatten(),
                    Some(day(p.updated_at)),
                    None,
                    today,
                );
                task.changed_since_signed = Some(signed_before.contains(&id));
                Some(task)
            })
            .collect())
    }

    async fn interview_tasks(
        &self,
        reach: &TaskReach,
        units: &str,
        base: &[(String, Value)],
        today: NaiveDate,
    ) -> Result<Vec<Task>, StoreError> {
        let mut tasks = Vec::new();
        let not_mine = "NOT EXISTS (SELECT 1 FROM preparations p WHERE p.interview_id = i.id \
                        AND p.writer_id = :me)";
        let mut interviews = |rows: Vec<QueryResult>, kind| -> Result<(), StoreError> {
            let mut seen: BTreeMap<Uuid, Offer> = BTreeMap::new();
            for r in rows {
                let entry = seen.entry(r.try_get_by_index(0)?).or_insert((
                    r.try_get_by_index(1)?,
                    r.try_get_by_index(2)?,
                    Vec::new(),
                ));
                entry.2.push(r.try_get_by_index(3)?);
            }
            for (id, (offered, created, people)) in seen {
                let one = match people.as_slice() {
                    [only] => Some(EmployeeId::from_uuid(*only)),
                    _ => None,
                };
                tasks.push(Task::new(
                    kind,
                    TaskObject::Interview,
                    id,
                    one,
                    Some(offered.unwrap_or_else(|| day(created))),
                    None,
                    today,
                ));
            }
            Ok(())
        };
        if reach.as_employee {
            let rows = select(
                &self.db,
                &format!(
                    "SELECT i.id, i.offered_on, i.created_at, ip.employee_id \
                     FROM development_interviews i \
                     JOIN interview_participants ip ON ip.interview_id = i.id \
                     WHERE ip.employee_id = :me AND ip.status = 'offered' AND i.held_on IS NULL \
                     AND {not_mine}"
                ),
                &base[..1],
            )
            .await?;
            interviews(rows, TaskKind::PrepareInterview)?;
        }
        if !reach.managed.is_empty() {
            let rows = select(
                &self.db,
                &format!(
                    "SELECT i.id, i.offered_on, i.created_at, ip.employee_id \
                     FROM development_interviews i \
                     JOIN interview_participants ip ON ip.interview_id = i.id \
                     JOIN employees e ON e.id = ip.employee_id \
                     WHERE e.unit_id IN {units} AND ip.employee_id <> :me \
                     AND ip.status = 'offered' AND i.held_on IS NULL \
                     AND i.guide_version_id IS NOT NULL AND {not_mine}"
                ),
                base,
            )
            .await?;
            interviews(rows, TaskKind::PrepareInterview)?;
        }
        // Answers shared with me: the manager's, with a participant; a participant's, with
        // whoever manages them now. Until the interview is held.
        let mut shared = Vec::new();
        if reach.as_employee {
            shared.extend(
                select(
                    &self.db,
                    "SELECT p.id, p.shared_at, p.writer_id FROM preparations p \
                     JOIN development_interviews i ON i.id = p.interview_id \
                     JOIN interview_participants ip ON ip.interview_id = p.interview_id \
                     WHERE ip.employee_id = :me AND p.side = 'manager' \
                     AND p.shared_at IS NOT NULL AND i.held_on IS NULL",
                    &base[..1],
                )
                .await?,
            );
        }
        if !reach.managed.is_empty() {
            shared.extend(
                select(
                    &self.db,
                    &format!(
                        "SELECT p.id, p.shared_at, p.writer_id FROM preparations p \
                         JOIN development_interviews i ON i.id = p.interview_id \
                         JOIN employees e ON e.id = p.writer_id \
                         WHERE e.unit_id IN {units} AND p.writer_id <> :me \
                         AND p.side = 'employee' AND p.shared_at IS NOT NULL \
                         AND i.held_on IS NULL"
                    ),
                    base,
                )
                .await?,
            );
        }
        for r in shared {
            let shared_at: DateTime<Utc> = r.try_get_by_index(1)?;
            tasks.push(Task::new(
                TaskKind::ReadSharedPreparation,
                TaskObject::Preparation,
                r.try_get_by_index(0)?,
                Some(EmployeeId::from_uuid(r.try_get_by_index(2)?)),
                Some(day(shared_at)),
                None,
                today,
            ));
        }
        Ok(tasks)
    }

    async fn follow_up_tasks(
        &self,
        units: &str,
        base: &[(String, Value)],
        today: NaiveDate,
        window_days: u32,
    ) -> Result<Vec<Task>, StoreError> {
        let until = today + chrono::Days::new(u64::from(window_days));
        let mut params = base.to_vec();
        params.push(("until".into(), Value::from(until)));
        let mut tasks = Vec::new();
        let annual = select(
            &self.db,
            &format!(
                "SELECT e.id, s.annual_next_due, m.plan_id FROM status_employees s \
                 JOIN employees e ON e.id = s.employee_id \
                 LEFT JOIN plan_members m ON m.employee_id = e.id AND m.current_individual \
                 WHERE e.unit_id IN {units} AND e.active AND e.id <> :me \
                 AND s.annual_next_due IS NOT NULL AND s.annual_next_due <= :until"
            ),
            &params,
        )
        .await?;
        let specials = select(
            &self.db,
            &format!(
                "SELECT e.id, s.due_on, m.plan_id FROM status_specials s \
                 JOIN employees e ON e.id = s.employee_id \
                 LEFT JOIN plan_members m ON m.employee_id = e.id AND m.current_individual \
                 WHERE e.unit_id IN {units} AND e.active AND e.id <> :me \
                 AND s.held_on IS NULL AND s.due_on <= :until"
            ),
            &params,
        )
        .await?;
        // Each row: the employee, the day it is due, their current plan (where it is recorded).
        for (kind, rows) in [
            (TaskKind::HoldAnnualFollowUp, annual),
            (TaskKind::HoldSpecialFollowUp, specials),
        ] {
            for r in rows {
                let employee = EmployeeId::from_uuid(r.try_get_by_index(0)?);
                let due: NaiveDate = r.try_get_by_index(1)?;
                let (object, id) = match r.try_get_by_index::<Option<Uuid>>(2)? {
                    Some(plan) => (TaskObject::Plan, plan),
                    None => (TaskObject::Employee, employee.uuid()),
                };
                tasks.push(Task::new(
                    kind,
                    object,
                    id,
                    Some(employee),
                    None,
                    Some(due),
                    today,
                ));
            }
        }
        Ok(tasks)
    }

    async fn review_tasks(
        &self,
        reach: &TaskReach,
        today: NaiveDate,
    ) -> Result<Vec<Task>, StoreError> {
        let represented: Vec<Uuid> = reach.represented.iter().map(|u| u.uuid()).collect();
        let (units, mut params) = in_list("r", &represented);
        let Some(from) = year_start(today) else {
            return Ok(Vec::new());
        };
        params.push(("from".into(), Value::from(from)));
        let rows = select(
            &self.db,
            &format!(
                "SELECT id, held_on, state FROM status_reviews \
                 WHERE unit_id IN {units} AND held_on >= :from"
            ),
            &params,
        )
        .await?;
        let mut tasks = Vec::new();
        for r in rows {
            let id: Uuid = r.try_get_by_index(0)?;
            let held: NaiveDate = r.try_get_by_index(1)?;
            let state: String = r.try_get_by_index(2)?;
            let state: ReviewState = serde_json::from_str(&state)
                .map_err(|e| StoreError::corrupt(format!("review {id}: {e}")))?;
            if owes_review_notes(&state.representative) {
                tasks.push(Task::new(
                    TaskKind::AddReviewNotes,
                    TaskObject::Review,
                    id,
                    None,
                    Some(held),
                    None,
                    today,
                ));
            }
        }
        Ok(tasks)
    }

    async fn feedback_tasks(&self, me: Uuid, today: NaiveDate) -> Result<Vec<Task>, StoreError> {
        use chrono::Datelike;
        let year = today.year();
        let rows = select(
            &self.db,
            "SELECT c.id FROM committees c JOIN committee_members cm ON cm.committee_id = c.id \
             WHERE cm.employee_id = :me AND c.parent_id IS NOT NULL \
             AND NOT EXISTS (SELECT 1 FROM committee_feedback f \
                             WHERE f.committee_id = c.id AND f.year = :year)",
            &[
                ("me".into(), Value::from(me)),
                ("year".into(), Value::from(year)),
            ],
        )
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(Task::new(
                    TaskKind::SendCommitteeFeedback,
                    TaskObject::Committee,
                    r.try_get_by_index(0)?,
                    None,
                    year_start(today),
                    feedback_due(year),
                    today,
                ))
            })
            .collect()
    }
}
