//! Reminders to people, raised for the municipality's own channels (e-mail, Digital Post,
//! Teams) through the change feed and webhooks: each names a person by id and what it is
//! about, never a plan's content, an answer or an absence's kind. A reminder is one item at
//! one stage, sent once: its key says which.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::EmployeeId;

/// How long before (or after) each reminder is raised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeadTimes {
    /// Days before an annual follow-up falls due (default 14).
    pub annual_follow_up_days: u32,
    /// Days a plan waits for the other party's signature (default 7).
    pub signature_waiting_days: u32,
    /// Days before a scheduled interview not yet prepared (default 3).
    pub interview_days: u32,
    /// Days before the year's end a unit with a representative has had no status review
    /// (default 61: from 31 October).
    pub status_review_days_before_year_end: u32,
    /// How many days a round looks back for items whose day came while no instance ran
    /// (default 7).
    pub catch_up_days: u32,
}

impl Default for LeadTimes {
    fn default() -> Self {
        LeadTimes {
            annual_follow_up_days: 14,
            signature_waiting_days: 7,
            interview_days: 3,
            status_review_days_before_year_end: 61,
            catch_up_days: 7,
        }
    }
}

/// What a reminder is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReminderKind {
    /// An annual follow-up falls due soon (to the manager).
    AnnualFollowUp,
    /// A special follow-up after a long absence is due (to the manager).
    SpecialFollowUp,
    /// A plan has waited for this person's signature (to the party that has not signed).
    SignatureWaiting,
    /// A scheduled interview is near and not prepared (to the participant).
    InterviewNotPrepared,
    /// A unit with a representative has had no status review this year.
    StatusReviewMissing,
}

impl ReminderKind {
    /// Every kind, in the order of the enum.
    pub const ALL: [ReminderKind; 5] = [
        ReminderKind::AnnualFollowUp,
        ReminderKind::SpecialFollowUp,
        ReminderKind::SignatureWaiting,
        ReminderKind::InterviewNotPrepared,
        ReminderKind::StatusReviewMissing,
    ];

    /// The change feed's event type.
    pub const fn event_type(self) -> &'static str {
        match self {
            ReminderKind::AnnualFollowUp => "reminder.annual_follow_up",
            ReminderKind::SpecialFollowUp => "reminder.special_follow_up",
            ReminderKind::SignatureWaiting => "reminder.signature_waiting",
            ReminderKind::InterviewNotPrepared => "reminder.interview_not_prepared",
            ReminderKind::StatusReviewMissing => "reminder.status_review_missing",
        }
    }

    /// The stage a reminder of this kind is raised at, as its key and data name it.
    pub const fn stage(self) -> &'static str {
        match self {
            ReminderKind::AnnualFollowUp => "due_soon",
            ReminderKind::SpecialFollowUp => "due",
            ReminderKind::SignatureWaiting => "waiting",
            ReminderKind::InterviewNotPrepared => "soon_not_prepared",
            ReminderKind::StatusReviewMissing => "year_ending",
        }
    }
}

/// A reminder to raise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reminder {
    /// What about.
    pub kind: ReminderKind,
    /// Which item at which stage: raised once for it, ever.
    pub key: String,
    /// Whom to remind; none for a unit's (a status review), which the relay routes by unit.
    pub recipient: Option<EmployeeId>,
    /// The employee it concerns, when it concerns one.
    pub employee: Option<EmployeeId>,
    /// The kind of object it is about: `plan`, `employee`, `interview`, `unit`.
    pub object: &'static str,
    /// The object's id.
    pub object_id: Uuid,
    /// The day the item is due (or was scheduled).
    pub due_on: Option<NaiveDate>,
}

fn key(kind: ReminderKind, parts: &[String]) -> String {
    format!("{}:{}:{}", kind.event_type(), kind.stage(), parts.join(":"))
}

/// Whether `day` is within the catch-up window ending `today`: from `today - catch_up` to
/// `today`.
fn came(day: NaiveDate, today: NaiveDate, catch_up: u32) -> bool {
    day <= today && today - Days::new(u64::from(catch_up)) <= day
}

/// The reminder of an annual follow-up due on `due_on`, once it is within the lead time (and
/// not yet past due by more than the catch-up window).
pub fn annual_follow_up(
    leads: &LeadTimes,
    today: NaiveDate,
    employee: EmployeeId,
    manager: EmployeeId,
    plan: Option<Uuid>,
    due_on: NaiveDate,
) -> Option<Reminder> {
    let raise_on = due_on - Days::new(u64::from(leads.annual_follow_up_days));
    came(raise_on, today, leads.catch_up_days).then(|| Reminder {
        kind: ReminderKind::AnnualFollowUp,
        key: key(
            ReminderKind::AnnualFollowUp,
            &[
                employee.to_string(),
                due_on.to_string(),
                manager.to_string(),
            ],
        ),
        recipient: Some(manager),
        employee: Some(employee),
        object: if plan.is_some() { "plan" } else { "employee" },
        object_id: plan.unwrap_or(employee.uuid()),
        due_on: Some(due_on),
    })
}

/// The reminder of a special follow-up after the absence `absence`, on its due day.
pub fn special_follow_up(
    leads: &LeadTimes,
    today: NaiveDate,
    employee: EmployeeId,
    manager: EmployeeId,
    absence: Uuid,
    due_on: NaiveDate,
) -> Option<Reminder> {
    came(due_on, today, leads.catch_up_days).then(|| Reminder {
        kind: ReminderKind::SpecialFollowUp,
        key: key(
            ReminderKind::SpecialFollowUp,
            &[absence.to_string(), manager.to_string()],
        ),
        recipient: Some(manager),
        employee: Some(employee),
        object: "employee",
        object_id: employee.uuid(),
        due_on: Some(due_on),
    })
}

/// The reminder to `waiting` of a plan whose content (at `content_revision`) was first signed
/// on `signed_on` and still lacks their signature.
pub fn signature_waiting(
    leads: &LeadTimes,
    today: NaiveDate,
    plan: Uuid,
    content_revision: i64,
    signed_on: NaiveDate,
    waiting: EmployeeId,
    employee: Option<EmployeeId>,
) -> Option<Reminder> {
    let raise_on = signed_on + Days::new(u64::from(leads.signature_waiting_days));
    came(raise_on, today, leads.catch_up_days).then(|| Reminder {
        kind: ReminderKind::SignatureWaiting,
        key: key(
            ReminderKind::SignatureWaiting,
            &[
                plan.to_string(),
                content_revision.to_string(),
                waiting.to_string(),
            ],
        ),
        recipient: Some(waiting),
        employee,
        object: "plan",
        object_id: plan,
        due_on: None,
    })
}

/// The reminder to a participant of an interview scheduled on `scheduled_on` they have not
/// prepared.
pub fn interview_not_prepared(
    leads: &LeadTimes,
    today: NaiveDate,
    interview: Uuid,
    participant: EmployeeId,
    scheduled_on: NaiveDate,
) -> Option<Reminder> {
    let raise_on = scheduled_on - Days::new(u64::from(leads.interview_days));
    (came(raise_on, today, leads.catch_up_days) && today <= scheduled_on).then(|| Reminder {
        kind: ReminderKind::InterviewNotPrepared,
        key: key(
            ReminderKind::InterviewNotPrepared,
            &[
                interview.to_string(),
                scheduled_on.to_string(),
                participant.to_string(),
            ],
        ),
        recipient: Some(participant),
        employee: Some(participant),
        object: "interview",
        object_id: interview,
        due_on: Some(scheduled_on),
    })
}

/// The reminder that `unit` (which has a representative) has had no status review in
/// `today`'s year, from the lead time before the year's end.
pub fn status_review_missing(leads: &LeadTimes, today: NaiveDate, unit: Uuid) -> Option<Reminder> {
    use chrono::Datelike;
    let year_end = NaiveDate::from_ymd_opt(today.year(), 12, 31)?;
    let raise_on = year_end - Days::new(u64::from(leads.status_review_days_before_year_end));
    (raise_on <= today).then(|| Reminder {
        kind: ReminderKind::StatusReviewMissing,
        key: key(
            ReminderKind::StatusReviewMissing,
            &[unit.to_string(), today.year().to_string()],
        ),
        recipient: None,
        employee: None,
        object: "unit",
        object_id: unit,
        due_on: Some(year_end),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn each_reminder_is_raised_from_its_lead_time_through_the_catch_up_window_only() {
        let leads = LeadTimes::default();
        let (e, m) = (EmployeeId::generate(), EmployeeId::generate());
        let plan = Uuid::now_v7();
        let annual = |today| annual_follow_up(&leads, d(today), e, m, Some(plan), d("2026-06-15"));
        assert_eq!(annual("2026-05-31"), None, "15 days before");
        let first = annual("2026-06-01").expect("14 days before");
        assert_eq!(first.recipient, Some(m));
        assert_eq!((first.object, first.object_id), ("plan", plan));
        assert_eq!(
            annual("2026-06-08"),
            Some(first.clone()),
            "the same item and stage"
        );
        assert_eq!(annual("2026-06-09"), None, "past the catch-up window");
        let without_plan =
            annual_follow_up(&leads, d("2026-06-01"), e, m, None, d("2026-06-15")).unwrap();
        assert_eq!(
            (without_plan.object, without_plan.object_id),
            ("employee", e.uuid())
        );
        let other_due =
            annual_follow_up(&leads, d("2027-06-01"), e, m, Some(plan), d("2027-06-15")).unwrap();
        assert_ne!(
            other_due.key, first.key,
            "next year's follow-up is another item"
        );

        let absence = Uuid::now_v7();
        let special = |today| special_follow_up(&leads, d(today), e, m, absence, d("2026-03-10"));
        assert_eq!(special("2026-03-09"), None);
        assert!(special("2026-03-10").is_some());
        assert!(special("2026-03-17").is_some());
        assert_eq!(special("2026-03-18"), None);

        let sig = |today| signature_waiting(&leads, d(today), plan, 4, d("2026-01-01"), e, Some(e));
        assert_eq!(sig("2026-01-07"), None);
        let waiting = sig("2026-01-08").unwrap();
        assert_ne!(
            signature_waiting(
                &leads,
                d("2026-01-08"),
                plan,
                5,
                d("2026-01-01"),
                e,
                Some(e)
            )
            .unwrap()
            .key,
            waiting.key,
            "another content is another item"
        );

        let interview = Uuid::now_v7();
        let prep = |today| interview_not_prepared(&leads, d(today), interview, e, d("2026-09-10"));
        assert_eq!(prep("2026-09-06"), None);
        assert!(prep("2026-09-07").is_some());
        assert!(prep("2026-09-10").is_some());
        assert_eq!(prep("2026-09-11"), None, "held or not, the day has passed");

        let unit = Uuid::now_v7();
        assert_eq!(status_review_missing(&leads, d("2026-10-30"), unit), None);
        let review = status_review_missing(&leads, d("2026-10-31"), unit).unwrap();
        assert_eq!(review.due_on, Some(d("2026-12-31")));
        assert_eq!(
            status_review_missing(&leads, d("2026-12-31"), unit)
                .unwrap()
                .key,
            review.key
        );
        assert_ne!(
            status_review_missing(&leads, d("2027-12-01"), unit)
                .unwrap()
                .key,
            review.key
        );
    }

    #[test]
    fn every_kind_has_its_own_event_type_and_stage() {
        let types: std::collections::BTreeSet<_> =
            ReminderKind::ALL.iter().map(|k| k.event_type()).collect();
        assert_eq!(types.len(), ReminderKind::ALL.len());
        assert!(
            ReminderKind::ALL
                .iter()
                .all(|k| k.event_type().starts_with("reminder."))
        );
        assert!(ReminderKind::ALL.iter().all(|k| !k.stage().is_empty()));
    }
}
