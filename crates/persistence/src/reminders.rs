//! The reminder round: the items whose reminder's day has come (the domain's `reminders`
//! rules), each raised once. A reminder's key is claimed in the `reminders` table and its
//! event recorded in the same transaction; a key another round claimed first (this instance's
//! earlier one, or another instance's at the same moment) raises nothing.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Days, NaiveDate};
use devplan_domain::EmployeeId;
use devplan_domain::plan::{Party, Signature};
use devplan_domain::reminders::{
    LeadTimes, Reminder, annual_follow_up, interview_not_prepared, signature_waiting,
    special_follow_up, status_review_missing,
};
use sea_orm::{ConnectionTrait, TransactionTrait, Value};
use serde_json::json;
use uuid::Uuid;

use crate::events::NewEvent;
use crate::status::{in_list, select};
use crate::{Store, StoreError};

/// Reminder keys claimed per statement (two bound values each).
const CLAIMS_PER_STATEMENT: usize = 1_000;

fn p(name: &str, v: impl Into<Value>) -> (String, Value) {
    (name.to_owned(), v.into())
}

/// The nearest managers above each of `units` (the unit's own, else the closest unit above
/// with one), by unit.
async fn nearest_managers(
    conn: &impl ConnectionTrait,
    units: &BTreeSet<Uuid>,
) -> Result<BTreeMap<Uuid, Vec<(i32, Uuid)>>, StoreError> {
    let mut out: BTreeMap<Uuid, Vec<(i32, Uuid)>> = BTreeMap::new();
    let units: Vec<Uuid> = units.iter().copied().collect();
    for chunk in units.chunks(10_000) {
        let (list, params) = in_list("u", chunk);
        let rows = select(
            conn,
            &format!(
                "SELECT c.descendant_id, c.depth, a.employee_id FROM unit_closure c \
                 JOIN unit_assignments a ON a.unit_id = c.ancestor_id AND a.role = 'manager' \
                 WHERE c.descendant_id IN {list}"
            ),
            &params,
        )
        .await?;
        for r in rows {
            out.entry(r.try_get_by_index(0)?)
                .or_default()
                .push((r.try_get_by_index(1)?, r.try_get_by_index(2)?));
        }
    }
    Ok(out)
}

/// The managers to remind about `employee` of `unit`: those nearest above them, never
/// themselves.
fn managers_of(
    managers: &BTreeMap<Uuid, Vec<(i32, Uuid)>>,
    unit: Uuid,
    employee: Uuid,
) -> Vec<EmployeeId> {
    let candidates: Vec<&(i32, Uuid)> = managers
        .get(&unit)
        .map(|m| m.iter().filter(|(_, e)| *e != employee).collect())
        .unwrap_or_default();
    let Some(nearest) = candidates.iter().map(|(d, _)| *d).min() else {
        return Vec::new();
    };
    let mut out: Vec<EmployeeId> = candidates
        .iter()
        .filter(|(d, _)| *d == nearest)
        .map(|(_, e)| EmployeeId::from_uuid(*e))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// A reminder's event: who, about what, by when; never content.
fn reminder_event(r: &Reminder) -> NewEvent {
    let id = Uuid::now_v7();
    let event = NewEvent::new(
        r.kind.event_type(),
        id,
        json!({
            "id": id,
            "kind": r.kind,
            "stage": r.kind.stage(),
            "recipient_id": r.recipient.map(EmployeeId::uuid),
            "employee_id": r.employee.map(EmployeeId::uuid),
            "object": r.object,
            "object_id": r.object_id,
            "due_on": r.due_on,
        }),
    );
    match (r.recipient, r.object) {
        (Some(who), _) => event.about(who.uuid()),
        (None, "unit") => event.in_unit(r.object_id),
        (None, _) => event,
    }
}

impl Store {
    /// Raises the reminders whose day has come by `today` and that were never raised: each
    /// once, with its event. Returns how many it raised.
    pub async fn raise_reminders(
        &self,
        today: NaiveDate,
        leads: &LeadTimes,
    ) -> Result<usize, StoreError> {
        let reminders = self.reminders_due(today, leads).await?;
        if reminders.is_empty() {
            return Ok(0);
        }
        let txn = self.db.begin().await?;
        let now = self.now();
        let mut raised = Vec::new();
        for chunk in reminders.chunks(CLAIMS_PER_STATEMENT) {
            let mut values = Vec::with_capacity(chunk.len());
            let mut params = vec![p("now", now)];
            for (n, r) in chunk.iter().enumerate() {
                values.push(format!("(:k{n}, :now)"));
                params.push(p(&format!("k{n}"), r.key.clone()));
            }
            let claimed: BTreeSet<String> = select(
                &txn,
                &format!(
                    "INSERT INTO reminders (reminder_key, raised_at) VALUES {} \
                     ON CONFLICT (reminder_key) DO NOTHING RETURNING reminder_key",
                    values.join(", ")
                ),
                &params,
            )
            .await?
            .into_iter()
            .map(|r| r.try_get_by_index::<String>(0))
            .collect::<Result<_, _>>()?;
            raised.extend(chunk.iter().filter(|r| claimed.contains(&r.key)));
        }
        let count = raised.len();
        crate::events::record(&txn, now, raised.into_iter().map(reminder_event)).await?;
        txn.commit().await?;
        Ok(count)
    }

    /// Every reminder whose day has come by `today`, raised before or not.
    async fn reminders_due(
        &self,
        today: NaiveDate,
        leads: &LeadTimes,
    ) -> Result<Vec<Reminder>, StoreError> {
        let days = |n: u32| Days::new(u64::from(n));
        let mut out = Vec::new();

        // Follow-ups: to the nearest managers of the employee's unit.
        let annual = select(
            &self.db,
            "SELECT e.id, e.unit_id, s.annual_next_due, m.plan_id FROM status_employees s \
             JOIN employees e ON e.id = s.employee_id \
             LEFT JOIN plan_members m ON m.employee_id = e.id AND m.current_individual \
             WHERE e.active AND s.annual_next_due >= :from AND s.annual_next_due <= :to",
            &[
                p(
                    "from",
                    today + days(leads.annual_follow_up_days) - days(leads.catch_up_days),
                ),
                p("to", today + days(leads.annual_follow_up_days)),
            ],
        )
        .await?;
        let specials = select(
            &self.db,
            "SELECT e.id, e.unit_id, s.absence_id, s.due_on FROM status_specials s \
             JOIN employees e ON e.id = s.employee_id \
             WHERE e.active AND s.held_on IS NULL AND s.due_on >= :from AND s.due_on <= :to",
            &[p("from", today - days(leads.catch_up_days)), p("to", today)],
        )
        .await?;
        let mut units = BTreeSet::new();
        for r in annual.iter().chain(&specials) {
            units.insert(r.try_get_by_index::<Uuid>(1)?);
        }
        let managers = nearest_managers(&self.db, &units).await?;
        for r in annual {
            let (e, unit): (Uuid, Uuid) = (r.try_get_by_index(0)?, r.try_get_by_index(1)?);
            let due: NaiveDate = r.try_get_by_index(2)?;
            let plan: Option<Uuid> = r.try_get_by_index(3)?;
            for m in managers_of(&managers, unit, e) {
                out.extend(annual_follow_up(
                    leads,
                    today,
                    EmployeeId::from_uuid(e),
                    m,
                    plan,
                    due,
                ));
            }
        }
        for r in specials {
            let (e, unit): (Uuid, Uuid) = (r.try_get_by_index(0)?, r.try_get_by_index(1)?);
            let absence: Uuid = r.try_get_by_index(2)?;
            let due: NaiveDate = r.try_get_by_index(3)?;
            for m in managers_of(&managers, unit, e) {
                out.extend(special_follow_up(
                    leads,
                    today,
                    EmployeeId::from_uuid(e),
                    m,
                    absence,
                    due,
                ));
            }
        }

        // Plans waiting for a signature: to each member who has not signed, and to the
        // manager who drafted it when no manager has.
        let awaiting =
            "(p.status = 'draft' OR (p.status = 'agreed' AND p.agreed_version < p.version))";
        let plans = select(
            &self.db,
            &format!(
                "SELECT p.id, p.kind, p.content_revision, p.signatures, p.created_by FROM plans p \
                 WHERE {awaiting} AND p.signatures <> '[]'"
            ),
            &[],
        )
        .await?;
        let members = select(
            &self.db,
            &format!(
                "SELECT m.plan_id, m.employee_id FROM plan_members m JOIN plans p ON p.id = m.plan_id \
                 WHERE {awaiting} AND p.signatures <> '[]'"
            ),
            &[],
        )
        .await?;
        let mut members_of: BTreeMap<Uuid, Vec<EmployeeId>> = BTreeMap::new();
        for r in members {
            members_of
                .entry(r.try_get_by_index(0)?)
                .or_default()
                .push(EmployeeId::from_uuid(r.try_get_by_index(1)?));
        }
        for r in plans {
            let id: Uuid = r.try_get_by_index(0)?;
            let individual = r.try_get_by_index::<String>(1)? == "individual";
            let revision: i64 = r.try_get_by_index(2)?;
            let signatures: Vec<Signature> =
                serde_json::from_str(&r.try_get_by_index::<String>(3)?)
                    .map_err(|e| StoreError::corrupt(format!("plan {id}: {e}")))?;
            let drafter = EmployeeId::from_uuid(r.try_get_by_index(4)?);
            let Some(first) = signatures.iter().map(|s| s.signed_at).min() else {
                continue;
            };
            let signed_on = devplan_domain::clock::local_date(first);
            let members = members_of.remove(&id).unwrap_or_default();
            let about = if individual {
                members.first().copied()
            } else {
                None
            };
            let mut waiting: Vec<EmployeeId> = members
                .iter()
                .filter(|m| {
                    !signatures
                        .iter()
                        .any(|s| s.party == Party::Employee && s.signer == **m)
                })
                .copied()
                .collect();
            if !signatures.iter().any(|s| s.party == Party::Manager) {
                waiting.push(drafter);
            }
            for who in waiting {
                out.extend(signature_waiting(
                    leads, today, id, revision, signed_on, who, about,
                ));
            }
        }

        // Interviews scheduled soon, to each participant who has not prepared.
        let interviews = select(
            &self.db,
            "SELECT i.id, i.scheduled_on, ip.employee_id FROM development_interviews i \
             JOIN interview_participants ip ON ip.interview_id = i.id \
             WHERE i.held_on IS NULL AND ip.status = 'offered' \
             AND i.guide_version_id IS NOT NULL \
             AND i.scheduled_on >= :from AND i.scheduled_on <= :to \
             AND NOT EXISTS (SELECT 1 FROM preparations pr WHERE pr.interview_id = i.id \
                             AND pr.writer_id = ip.employee_id)",
            &[
                p("from", today),
                p("to", today + days(leads.interview_days)),
            ],
        )
        .await?;
        for r in interviews {
            out.extend(interview_not_prepared(
                leads,
                today,
                r.try_get_by_index(0)?,
                EmployeeId::from_uuid(r.try_get_by_index(2)?),
                r.try_get_by_index(1)?,
            ));
        }

        // Units with a representative and no status review this year, towards its end.
        if status_review_missing(leads, today, Uuid::nil()).is_some() {
            let year_start = NaiveDate::from_ymd_opt(today.year(), 1, 1)
                .ok_or_else(|| StoreError::corrupt("a year without a first day"))?;
            let units = select(
                &self.db,
                "SELECT DISTINCT a.unit_id FROM unit_assignments a \
                 WHERE a.role = 'local_representative' AND NOT EXISTS \
                 (SELECT 1 FROM status_reviews r WHERE r.unit_id = a.unit_id \
                  AND r.held_on >= :from)",
                &[p("from", year_start)],
            )
            .await?;
            for r in units {
                out.extend(status_review_missing(leads, today, r.try_get_by_index(0)?));
            }
        }
        Ok(out)
    }
}
