//! What waits for a person, across every role they hold: a plan to sign, an interview to
//! prepare, answers shared with them, a follow-up to hold, a review to give their notes to,
//! a committee's yearly feedback to send. Each task is decided here from facts the store
//! reads; its id orders the list by when it is due (or since when it waits).

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::EmployeeId;
use crate::plan::{Party, PlanStatus, Signature};
use crate::review::Position;

/// What a task asks of the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TaskKind {
    /// A draft plan awaits their signature.
    SignPlan,
    /// The next version of an agreed plan awaits their signature (the agreed one stays in force).
    SignPendingVersion,
    /// An interview offered to them (or to someone they manage) to prepare.
    PrepareInterview,
    /// The other party shared their preparation of an interview not yet held.
    ReadSharedPreparation,
    /// An annual follow-up to hold, due within the look-ahead or overdue (as manager).
    HoldAnnualFollowUp,
    /// A special follow-up after a long absence to hold (as manager).
    HoldSpecialFollowUp,
    /// A status review of this year awaits their notes and position (as representative).
    AddReviewNotes,
    /// Their committee's yearly feedback to the committee above is not yet sent.
    SendCommitteeFeedback,
}

impl TaskKind {
    /// Every kind, in the order of the enum.
    pub const ALL: [TaskKind; 8] = [
        TaskKind::SignPlan,
        TaskKind::SignPendingVersion,
        TaskKind::PrepareInterview,
        TaskKind::ReadSharedPreparation,
        TaskKind::HoldAnnualFollowUp,
        TaskKind::HoldSpecialFollowUp,
        TaskKind::AddReviewNotes,
        TaskKind::SendCommitteeFeedback,
    ];
}

/// The kind of object a task is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TaskObject {
    /// A plan.
    Plan,
    /// A development interview.
    Interview,
    /// A preparation of an interview.
    Preparation,
    /// An employee (a special follow-up with no plan to record it on yet).
    Employee,
    /// A status review.
    Review,
    /// A MED committee.
    Committee,
}

/// One thing that waits for the person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    /// Stable, and ordered as the list is: by the day it is due or waits since, then kind.
    pub id: Uuid,
    /// What it asks.
    pub kind: TaskKind,
    /// What it is about.
    pub object: TaskObject,
    /// The object's id.
    pub object_id: Uuid,
    /// The employee it concerns, when it concerns one (the person themself or one they manage).
    pub employee_id: Option<EmployeeId>,
    /// Since when it waits.
    pub since: Option<NaiveDate>,
    /// By when it is due.
    pub due_on: Option<NaiveDate>,
    /// For a plan to sign: they signed it before and its content changed since, which dropped
    /// their signature.
    pub changed_since_signed: Option<bool>,
}

impl Task {
    /// A task of `kind` about `object`; its id orders it by `due_on`, else `since`, else today.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        kind: TaskKind,
        object: TaskObject,
        object_id: Uuid,
        employee_id: Option<EmployeeId>,
        since: Option<NaiveDate>,
        due_on: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Self {
        let day = due_on.or(since).unwrap_or(today);
        Task {
            id: task_id(day, kind, object_id, employee_id),
            kind,
            object,
            object_id,
            employee_id,
            since,
            due_on,
            changed_since_signed: None,
        }
    }
}

/// An id that sorts by `day`, then kind, then a hash of the object: the first six bytes are
/// the day (as days since the common era, so days before 1970 sort too), the next byte the
/// kind, the rest a digest of the object and person. Laid out as a version 8 UUID, so a
/// client takes it for an opaque id and the list pages by it like every other list.
pub fn task_id(day: NaiveDate, kind: TaskKind, object: Uuid, employee: Option<EmployeeId>) -> Uuid {
    let mut bytes = [0u8; 16];
    let days = u64::try_from(day.num_days_from_ce()).unwrap_or(0);
    bytes[..6].copy_from_slice(&days.to_be_bytes()[2..]);
    let kind_rank = TaskKind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
    bytes[6] = 0x80 | u8::try_from(kind_rank).unwrap_or(0x0f);
    let mut digest = Sha256::new();
    digest.update(object.as_bytes());
    if let Some(e) = employee {
        digest.update(e.uuid().as_bytes());
    }
    let digest = digest.finalize();
    bytes[7..].copy_from_slice(&digest[..9]);
    // Version 8 in the high nibble of byte 6 (the kind keeps the low one), RFC variant in
    // byte 8.
    bytes[8] = 0x80 | (bytes[8] & 0x3f);
    Uuid::from_bytes(bytes)
}

/// Which signature task a plan is for a party, if any: a draft or a pending version the party
/// has not signed. An employee's signature is their own; the manager's is any manager's.
pub fn signature_task(
    status: PlanStatus,
    pending: bool,
    signatures: &[Signature],
    party: Party,
    me: EmployeeId,
) -> Option<TaskKind> {
    let kind = match (status, pending) {
        (PlanStatus::Draft, _) => TaskKind::SignPlan,
        (PlanStatus::Agreed, true) => TaskKind::SignPendingVersion,
        _ => return None,
    };
    let signed = signatures
        .iter()
        .any(|s| s.party == party && (party == Party::Manager || s.signer == me));
    (!signed).then_some(kind)
}

/// Whether a representative still owes a review their notes: neither notes nor a position.
pub fn owes_review_notes(representative: &Position) -> bool {
    representative.notes.is_none() && representative.agrees.is_none()
}

/// The day a committee's yearly feedback for `year` is due: the year's last day.
pub fn feedback_due(year: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, 12, 31)
}

/// The first day of `today`'s year, since when the year's feedback waits.
pub fn year_start(today: NaiveDate) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(today.year(), 1, 1)
}

/// Orders tasks as the list shows them.
pub fn sorted(mut tasks: Vec<Task>) -> Vec<Task> {
    tasks.sort_by_key(|t| t.id);
    tasks.dedup_by_key(|t| t.id);
    tasks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::LongText;
    use chrono::DateTime;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn signature(party: Party, signer: EmployeeId) -> Signature {
        Signature {
            party,
            signer,
            signed_at: DateTime::UNIX_EPOCH,
            content_hash: String::new(),
        }
    }

    #[test]
    fn a_task_id_sorts_by_day_then_kind_and_is_stable_for_the_same_task() {
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        let early = task_id(d("1969-12-31"), TaskKind::SendCommitteeFeedback, a, None);
        let day = task_id(d("2026-03-01"), TaskKind::SignPlan, b, None);
        let later_kind = task_id(d("2026-03-01"), TaskKind::PrepareInterview, a, None);
        let next_day = task_id(d("2026-03-02"), TaskKind::SignPlan, a, None);
        assert!(early < day && day < later_kind && later_kind < next_day);
        assert_eq!(day, task_id(d("2026-03-01"), TaskKind::SignPlan, b, None));
        let someone = EmployeeId::generate();
        assert_ne!(
            day,
            task_id(d("2026-03-01"), TaskKind::SignPlan, b, Some(someone))
        );
        assert_ne!(day, task_id(d("2026-03-01"), TaskKind::SignPlan, a, None));
        assert_eq!(day.get_version_num(), 8);
        assert_eq!(day.get_variant(), uuid::Variant::RFC4122);
        let t = Task::new(
            TaskKind::SignPlan,
            TaskObject::Plan,
            b,
            None,
            Some(d("2026-01-01")),
            Some(d("2026-03-01")),
            d("2026-02-01"),
        );
        assert_eq!(t.id, day, "ordered by the due day first");
        let undated = Task::new(
            TaskKind::SignPlan,
            TaskObject::Plan,
            b,
            None,
            None,
            None,
            d("2026-03-01"),
        );
        assert_eq!(undated.id, day, "undated tasks order as of today");
        let sorted = sorted(vec![
            t.clone(),
            undated.clone(),
            Task::new(
                TaskKind::SignPlan,
                TaskObject::Plan,
                a,
                None,
                Some(d("2025-01-01")),
                None,
                d("2026-03-01"),
            ),
        ]);
        assert_eq!(sorted.len(), 2, "the same task twice is listed once");
        assert_eq!(sorted[1].id, day);
    }

    #[test]
    fn a_plan_awaits_the_signature_of_each_party_that_has_not_signed_its_current_content() {
        let (me, other, boss) = (
            EmployeeId::generate(),
            EmployeeId::generate(),
            EmployeeId::generate(),
        );
        use Party::{Employee, Manager};
        use PlanStatus::{Agreed, Closed, Draft, Superseded};
        assert_eq!(
            signature_task(Draft, false, &[], Employee, me),
            Some(TaskKind::SignPlan)
        );
        assert_eq!(
            signature_task(Draft, false, &[], Manager, boss),
            Some(TaskKind::SignPlan)
        );
        let others = [signature(Employee, other)];
        assert_eq!(
            signature_task(Draft, false, &others, Employee, me),
            Some(TaskKind::SignPlan),
            "a group plan: another member's signature is not mine"
        );
        assert_eq!(
            signature_task(Draft, false, &[signature(Employee, me)], Employee, me),
            None
        );
        assert_eq!(
            signature_task(Draft, false, &[signature(Manager, other)], Manager, boss),
            None,
            "any manager's signature is the manager's"
        );
        assert_eq!(
            signature_task(Agreed, true, &[], Employee, me),
            Some(TaskKind::SignPendingVersion)
        );
        assert_eq!(signature_task(Agreed, false, &[], Employee, me), None);
        for done in [Closed, Superseded] {
            assert_eq!(signature_task(done, true, &[], Manager, boss), None);
        }
    }

    #[test]
    fn a_representative_owes_notes_until_they_give_notes_or_a_position() {
        let mut p = Position::default();
        assert!(owes_review_notes(&p));
        p.agrees = Some(false);
        assert!(!owes_review_notes(&p));
        let noted = Position {
            notes: Some(LongText::parse("n", "Vi mangler planer i B").unwrap()),
            agrees: None,
        };
        assert!(!owes_review_notes(&noted));
        assert_eq!(feedback_due(2026), Some(d("2026-12-31")));
        assert_eq!(year_start(d("2026-06-30")), Some(d("2026-01-01")));
    }
}
