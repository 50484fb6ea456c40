//! Follow-up of plans, long absences and the yearly development interview (MUS), as pure
//! rules over dates: what is due when, and who still needs an interview. "Today" is always
//! passed in, so the rules can be tested on any date.

use crate::FieldCode;
use chrono::{DateTime, Days, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

pub use crate::interview::{
    Coverage, Interview, InterviewFields, InterviewFormat, InterviewPart, Participant,
    ParticipantStatus, coverage,
};
pub use crate::plan::Outcome;
use crate::plan::{Party, Plan, PlanError, Verdict};
use crate::records::Meta;
use crate::settings::Settings;
use crate::text::ExternalId;
use crate::text::{LongText, Name};
use crate::{AbsenceId, EmployeeId, FollowUpId, GoalId, PlanId, Violation, Violations};

/// What kind of follow-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FollowUpKind {
    /// The yearly one (Protokollat 2 § 2 stk. 2).
    Annual,
    /// After a long absence (Protokollat 2 § 2 stk. 3).
    Special,
    /// Any other time.
    AdHoc,
}

impl FollowUpKind {
    /// The wire and storage name.
    pub const fn as_str(self) -> &'static str {
        match self {
            FollowUpKind::Annual => "annual",
            FollowUpKind::Special => "special",
            FollowUpKind::AdHoc => "ad_hoc",
        }
    }

    /// Parses a storage name.
    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Annual, Self::Special, Self::AdHoc]
            .into_iter()
            .find(|k| k.as_str() == raw)
    }
}

/// Progress on one goal, as noted at a follow-up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoalProgress {
    /// The goal.
    pub goal_id: GoalId,
    /// How it stands.
    pub note: Option<LongText>,
    /// A verdict, if one is reached.
    pub verdict: Option<Verdict>,
}

/// A follow-up as held.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUpRecord {
    /// Annual, special or ad hoc.
    pub kind: FollowUpKind,
    /// The day it was held.
    pub held_on: NaiveDate,
    /// Who took part, by name.
    pub participants: Vec<Name>,
    /// What was said.
    pub notes: Option<LongText>,
    /// Progress per goal.
    pub progress: Vec<GoalProgress>,
    /// What was decided.
    pub outcome: Outcome,
}

impl FollowUpRecord {
    /// Applies this follow-up to `plan`, recorded as `party`: a manager of the plan's employee
    /// records it, progress names goals of the plan, and the outcome goes on, adjusts or
    /// closes the plan.
    pub fn apply_to(
        &self,
        plan: &mut Plan,
        party: Party,
        by: EmployeeId,
        now: DateTime<Utc>,
    ) -> Result<(), PlanError> {
        if party != Party::Manager {
            return Err(PlanError::ManagerOnly(
                "a manager of the plan's employee records its follow-ups",
            ));
        }
        let mut v = Violations::new();
        for (i, g) in self.progress.iter().enumerate() {
            if !plan.content.goals.iter().any(|x| x.id == g.goal_id) {
                v.push(Violation::new(
                    format!("progress[{i}].goal_id"),
                    FieldCode::UnknownGoal,
                    "not a goal of this plan",
                ));
            }
        }
        if !v.is_empty() {
            return Err(PlanError::Invalid(v));
        }
        let reason = LongText::parse(
            "reason",
            &format!("Closed at the follow-up held {}", self.held_on),
        )
        .map_err(|v| PlanError::Invalid(v.into()))?;
        plan.follow_up(self.outcome, reason, by, now)
    }
}

/// The next annual follow-up: twelve months after the plan was agreed or last followed up,
/// whichever is later.
pub fn annual_due(agreed_on: NaiveDate, last_follow_up: Option<NaiveDate>) -> NaiveDate {
    let base = last_follow_up.map_or(agreed_on, |f| f.max(agreed_on));
    base.checked_add_months(Months::new(12))
        .unwrap_or(NaiveDate::MAX)
}

/// The kind of an absence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AbsenceKind {
    /// Barsel.
    ParentalLeave,
    /// Længerevarende sygdom.
    LongTermIllness,
    /// Any other long absence.
    Other,
}

impl AbsenceKind {
    /// The wire and storage name.
    pub const fn as_str(self) -> &'static str {
        match self {
            AbsenceKind::ParentalLeave => "parental_leave",
            AbsenceKind::LongTermIllness => "long_term_illness",
            AbsenceKind::Other => "other",
        }
    }

    /// Parses a storage name.
    pub fn parse(raw: &str) -> Option<Self> {
        [Self::ParentalLeave, Self::LongTermIllness, Self::Other]
            .into_iter()
            .find(|k| k.as_str() == raw)
    }
}

/// The days of an absence: the last day may be open until the employee returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AbsenceDates {
    starts_on: NaiveDate,
    ends_on: Option<NaiveDate>,
}

impl AbsenceDates {
    /// Dates that do not run backwards.
    pub fn new(starts_on: NaiveDate, ends_on: Option<NaiveDate>) -> Result<Self, crate::Violation> {
        if ends_on.is_some_and(|e| e < starts_on) {
            return Err(crate::Violation::new(
                "ends_on",
                FieldCode::EndsBeforeStart,
                "must not be before starts_on",
            ));
        }
        Ok(Self { starts_on, ends_on })
    }

    /// First day away.
    pub fn starts_on(&self) -> NaiveDate {
        self.starts_on
    }

    /// Last day away, once known.
    pub fn ends_on(&self) -> Option<NaiveDate> {
        self.ends_on
    }

    /// When a special follow-up is due after this absence: `special_follow_up_days` after the
    /// last day away, if the absence lasted at least `long_absence_weeks`. An absence still
    /// open makes none until it ends.
    pub fn special_follow_up_due(&self, settings: &Settings) -> Option<NaiveDate> {
        let ends_on = self.ends_on?;
        let days = (ends_on - self.starts_on).num_days() + 1;
        (days >= i64::from(settings.long_absence_weeks) * 7)
            .then(|| ends_on.checked_add_days(Days::new(settings.special_follow_up_days.into())))
            .flatten()
    }
}

/// Where an item of the work list stands today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DueState {
    /// The due date has passed.
    Overdue,
    /// Due today or within the window.
    Due,
    /// Further ahead than the window.
    Upcoming,
}

/// Where a due date stands on `today`, looking `window_days` ahead.
pub fn due_state(due_on: NaiveDate, today: NaiveDate, window_days: u32) -> DueState {
    if due_on < today {
        DueState::Overdue
    } else if due_on
        <= today
            .checked_add_days(Days::new(window_days.into()))
            .unwrap_or(NaiveDate::MAX)
    {
        DueState::Due
    } else {
        DueState::Upcoming
    }
}

/// A follow-up as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFollowUp {
    /// Its id.
    pub id: FollowUpId,
    /// The plan followed up.
    pub plan_id: PlanId,
    /// What happened.
    pub record: FollowUpRecord,
    /// Who recorded it.
    pub recorded_by: EmployeeId,
    /// When it was recorded.
    pub recorded_at: chrono::DateTime<chrono::Utc>,
}

/// An absence as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Absence {
    /// Its id.
    pub id: AbsenceId,
    /// The HR system's id.
    pub external_id: Option<ExternalId>,
    /// Who is away.
    pub employee_id: EmployeeId,
    /// Why (sensitive: HR and the employee's manager only).
    pub kind: AbsenceKind,
    /// When.
    pub dates: AbsenceDates,
    /// Version and times.
    pub meta: Meta,
}

/// What the work list needs to know of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanFacts {
    /// The plan.
    pub plan_id: PlanId,
    /// Its members.
    pub members: Vec<EmployeeId>,
    /// The day its latest version was agreed.
    pub agreed_on: NaiveDate,
    /// The days its earlier versions were agreed, if it has any: each restarted the annual
    /// clock, as the latest did.
    pub earlier_agreements: Vec<NaiveDate>,
    /// Its follow-ups: kind and day held.
    pub follow_ups: Vec<(FollowUpKind, NaiveDate)>,
}

/// One stretch of a plan's annual clock: from a day that restarted it (a version agreed, a
/// follow-up held) until the next such day, the annual follow-up falls due on `due_on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnnualClock {
    /// The day it started.
    pub starts_on: NaiveDate,
    /// The day the next stretch started; none for the one running now.
    pub ends_before: Option<NaiveDate>,
    /// Twelve months after it started.
    pub due_on: NaiveDate,
}

impl PlanFacts {
    /// The plan's annual clock, stretch by stretch: restarted by every version agreed and
    /// every follow-up held.
    pub fn annual_clock(&self) -> Vec<AnnualClock> {
        let mut restarts: Vec<NaiveDate> = self
            .earlier_agreements
            .iter()
            .copied()
            .chain(std::iter::once(self.agreed_on))
            .chain(self.follow_ups.iter().map(|(_, on)| *on))
            .collect();
        restarts.sort();
        restarts.dedup();
        restarts
            .iter()
            .enumerate()
            .map(|(i, on)| AnnualClock {
                starts_on: *on,
                ends_before: restarts.get(i + 1).copied(),
                due_on: annual_due(*on, None),
            })
            .collect()
    }
}

/// The due date of the stretch of `clock` running on `day`; none before it started.
pub fn due_on_day(clock: &[AnnualClock], day: NaiveDate) -> Option<NaiveDate> {
    clock
        .iter()
        .find(|c| c.starts_on <= day && c.ends_before.is_none_or(|e| day < e))
        .map(|c| c.due_on)
}

/// What the work list needs to know of an absence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AbsenceFacts {
    /// The absence.
    pub absence_id: AbsenceId,
    /// Who was away.
    pub employee: EmployeeId,
    /// When.
    pub dates: AbsenceDates,
    /// The days a special follow-up was held with them, on any of their plans, current or
    /// superseded or closed since: the follow-up belongs to the person, not to one plan.
    pub specials_held: Vec<NaiveDate>,
}

impl AbsenceFacts {
    /// The day the special follow-up after this absence was held: the first after the return.
    pub fn special_held_on(&self) -> Option<NaiveDate> {
        let end = self.dates.ends_on?;
        self.specials_held
            .iter()
            .filter(|on| **on > end)
            .min()
            .copied()
    }
}

/// One item of a manager's work list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkItem {
    /// Annual or special.
    pub kind: FollowUpKind,
    /// The employee concerned.
    pub employee: EmployeeId,
    /// Their plan, when they have one.
    pub plan_id: Option<PlanId>,
    /// The absence a special follow-up is for.
    pub absence_id: Option<AbsenceId>,
    /// When it is due.
    pub due_on: NaiveDate,
    /// Due or overdue.
    pub state: DueState,
}

/// The follow-ups due within `window_days` of `today` or overdue, earliest first: each
/// member's annual follow-up of each current plan, and a special follow-up after every
/// long absence that no special follow-up after the return has settled.
pub fn work_list(
    plans: &[PlanFacts],
    absences: &[AbsenceFacts],
    settings: &Settings,
    today: NaiveDate,
    window_days: u32,
) -> Vec<WorkItem> {
    let mut items = Vec::new();
    for p in plans {
        let last = p.follow_ups.iter().map(|(_, on)| *on).max();
        let due_on = annual_due(p.agreed_on, last);
        let state = due_state(due_on, today, window_days);
        if state != DueState::Upcoming {
            for m in &p.members {
                items.push(WorkItem {
                    kind: FollowUpKind::Annual,
                    employee: *m,
                    plan_id: Some(p.plan_id),
                    absence_id: None,
                    due_on,
                    state,
                });
            }
        }
    }
    for a in absences {
        let Some(due_on) = a.dates.special_follow_up_due(settings) else {
            continue;
        };
        // The item belongs to the employee, not to one plan: a special follow-up recorded on
        // any of their plans, current or not, settles it. The plan it points at is their most recently
        // agreed one, so the answer does not depend on the order the plans were read in.
        let theirs: Vec<&PlanFacts> = plans
            .iter()
            .filter(|p| p.members.contains(&a.employee))
            .collect();
        let held = a.special_held_on().is_some();
        let plan = theirs.iter().max_by_key(|p| (p.agreed_on, p.plan_id));
        let state = due_state(due_on, today, window_days);
        if !held && state != DueState::Upcoming {
            items.push(WorkItem {
                kind: FollowUpKind::Special,
                employee: a.employee,
                plan_id: plan.map(|p| p.plan_id),
                absence_id: Some(a.absence_id),
                due_on,
                state,
            });
        }
    }
    items.sort_by_key(|i| (i.due_on, i.kind.as_str(), i.employee));
    items
}

/// One follow-up of a plan in the order held, for the annual figures: whether an annual
/// follow-up was held that day, and whether it was held by the annual due date then running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeldFollowUp {
    /// The day it was held.
    pub held_on: NaiveDate,
    /// An annual follow-up was held that day.
    pub annual: bool,
    /// It was held on or before the annual due date then running.
    pub in_time: bool,
}

/// A plan's follow-ups in the order held, each judged against the annual due date that ran
/// when it was held (the clock as the versions agreed and follow-ups held before that day left
/// it); and the next annual due date after the last of them.
pub fn follow_up_history(plan: &PlanFacts) -> (Vec<HeldFollowUp>, NaiveDate) {
    let mut held: Vec<NaiveDate> = plan.follow_ups.iter().map(|(_, on)| *on).collect();
    held.sort();
    let mut agreements: Vec<NaiveDate> = plan.earlier_agreements.clone();
    agreements.push(plan.agreed_on);
    agreements.sort();
    let first = agreements.first().copied().unwrap_or(plan.agreed_on);
    let mut history = Vec::with_capacity(held.len());
    for (i, on) in held.iter().copied().enumerate() {
        // Another follow-up the same day does not restart the clock it is judged by.
        let last = held.iter().take(i).copied().filter(|d| *d < on).max();
        // A version agreed the same day as the follow-up came out of it: the follow-up is
        // judged by the clock that ran before.
        let agreed = agreements
            .iter()
            .filter(|a| **a < on)
            .max()
            .copied()
            .unwrap_or(first);
        let due = annual_due(agreed, last);
        history.push(HeldFollowUp {
            held_on: on,
            annual: plan
                .follow_ups
                .iter()
                .any(|(k, d)| *k == FollowUpKind::Annual && *d == on),
            in_time: on <= due,
        });
    }
    (history, annual_due(plan.agreed_on, held.last().copied()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Settings;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_annual_follow_up_is_due_twelve_months_after_agreement() {
        let due = annual_due(d("2025-01-10"), None);
        assert_eq!(due, d("2026-01-10"));
        assert_eq!(due_state(due, d("2026-01-10"), 0), DueState::Due);
        assert_eq!(due_state(due, d("2026-01-11"), 0), DueState::Overdue);
        assert_eq!(due_state(due, d("2025-12-01"), 30), DueState::Upcoming);
        assert_eq!(due_state(due, d("2025-12-15"), 30), DueState::Due);
    }

    #[test]
    fn a_follow_up_moves_the_next_due_date() {
        assert_eq!(
            annual_due(d("2025-01-10"), Some(d("2025-12-01"))),
            d("2026-12-01")
        );
        // A follow-up before a later agreement does not pull the date back.
        assert_eq!(
            annual_due(d("2025-06-01"), Some(d("2025-03-01"))),
            d("2026-06-01")
        );
    }

    #[test]
    fn the_anniversary_of_the_last_of_february_is_clamped() {
        assert_eq!(annual_due(d("2024-02-29"), None), d("2025-02-28"));
    }

    #[test]
    fn a_long_absence_makes_a_special_follow_up_due_after_the_return() {
        let s = Settings::default();
        let leave = AbsenceDates::new(d("2025-03-01"), Some(d("2025-06-30"))).unwrap();
        assert_eq!(leave.special_follow_up_due(&s), Some(d("2025-07-30")));
    }

    #[test]
    fn a_short_or_open_absence_makes_none() {
        let s = Settings::default();
        let illness = AbsenceDates::new(d("2025-03-01"), Some(d("2025-03-21"))).unwrap();
        assert_eq!(illness.special_follow_up_due(&s), None);
        let open = AbsenceDates::new(d("2025-03-01"), None).unwrap();
        assert_eq!(open.special_follow_up_due(&s), None);
        let exactly_eight_weeks =
            AbsenceDates::new(d("2025-03-01"), Some(d("2025-04-25"))).unwrap();
        assert_eq!(
            exactly_eight_weeks.special_follow_up_due(&s),
            Some(d("2025-05-25"))
        );
    }

    #[test]
    fn the_thresholds_are_settings() {
        let s = Settings::new(5, 2, 10, crate::settings::MainCommitteeFrequency::Yearly).unwrap();
        let illness = AbsenceDates::new(d("2025-03-01"), Some(d("2025-03-21"))).unwrap();
        assert_eq!(illness.special_follow_up_due(&s), Some(d("2025-03-31")));
    }

    #[test]
    fn absences_do_not_end_before_they_start() {
        assert_eq!(
            AbsenceDates::new(d("2025-03-01"), Some(d("2025-02-01")))
                .unwrap_err()
                .field,
            "ends_on"
        );
    }

    #[test]
    fn only_a_special_follow_up_after_the_return_settles_the_absence() {
        let held = |days: &[&str]| {
            AbsenceFacts {
                absence_id: AbsenceId::generate(),
                employee: EmployeeId::generate(),
                dates: AbsenceDates::new(d("2025-03-01"), Some(d("2025-06-30"))).unwrap(),
                specials_held: days.iter().map(|on| d(on)).collect(),
            }
            .special_held_on()
        };
        assert_eq!(held(&["2025-05-01"]), None);
        assert_eq!(
            held(&["2025-05-01", "2025-08-01", "2025-07-10"]),
            Some(d("2025-07-10"))
        );
    }

    #[test]
    fn the_work_list_holds_due_and_overdue_items_earliest_first() {
        let s = Settings::default();
        let (a, b) = (EmployeeId::generate(), EmployeeId::generate());
        let plans = vec![
            PlanFacts {
                plan_id: PlanId::generate(),
                members: vec![a],
                agreed_on: d("2025-01-10"),
                earlier_agreements: Vec::new(),
                follow_ups: vec![],
            },
            PlanFacts {
                plan_id: PlanId::generate(),
                members: vec![b],
                agreed_on: d("2025-01-10"),
                earlier_agreements: Vec::new(),
                follow_ups: vec![(FollowUpKind::Annual, d("2025-12-01"))],
            },
        ];
        let leave = AbsenceFacts {
            absence_id: AbsenceId::generate(),
            employee: b,
            dates: AbsenceDates::new(d("2025-09-01"), Some(d("2025-12-20"))).unwrap(),
            specials_held: Vec::new(),
        };
        let items = work_list(
            &plans,
            std::slice::from_ref(&leave),
            &s,
            d("2026-01-11"),
            30,
        );
        let got: Vec<_> = items
            .iter()
            .map(|i| (i.kind, i.employee, i.due_on, i.state))
            .collect();
        assert_eq!(
            got,
            vec![
                (FollowUpKind::Annual, a, d("2026-01-10"), DueState::Overdue),
                (FollowUpKind::Special, b, d("2026-01-19"), DueState::Due),
            ]
        );
        // A special follow-up after the return settles it, whichever plan it was recorded on.
        let mut settled = leave.clone();
        settled.specials_held.push(d("2026-01-05"));
        let items = work_list(&plans, &[settled], &s, d("2026-01-11"), 30);
        assert_eq!(items.len(), 1);
    }

    #[test]
    fn a_special_follow_up_on_any_plan_settles_the_absence_and_the_item_names_one_plan_whatever_the_order()
     {
        let s = Settings::default();
        let a = EmployeeId::generate();
        let group = PlanFacts {
            plan_id: PlanId::generate(),
            members: vec![a, EmployeeId::generate()],
            agreed_on: d("2025-06-01"),
            earlier_agreements: Vec::new(),
            follow_ups: vec![],
        };
        let individual = PlanFacts {
            plan_id: PlanId::generate(),
            members: vec![a],
            agreed_on: d("2025-03-01"),
            earlier_agreements: Vec::new(),
            follow_ups: vec![(FollowUpKind::Special, d("2026-01-05"))],
        };
        let open_leave = AbsenceFacts {
            absence_id: AbsenceId::generate(),
            employee: a,
            dates: AbsenceDates::new(d("2025-09-01"), Some(d("2025-12-20"))).unwrap(),
            specials_held: Vec::new(),
        };
        // Held on 5 January on a plan since superseded: no current plan holds it.
        let mut leave = open_leave.clone();
        leave.specials_held.push(d("2026-01-05"));
        let special = |plans: &[PlanFacts]| {
            work_list(plans, std::slice::from_ref(&leave), &s, d("2026-01-11"), 30)
                .into_iter()
                .filter(|i| i.kind == FollowUpKind::Special)
                .count()
        };
        assert_eq!(special(&[group.clone(), individual.clone()]), 0);
        assert_eq!(special(&[individual.clone(), group.clone()]), 0);
        assert_eq!(special(std::slice::from_ref(&group)), 0);
        // Unsettled, the item names the same plan whichever order the plans come in.
        let mut open = individual.clone();
        open.follow_ups.clear();
        let named = |plans: &[PlanFacts]| {
            work_list(
                plans,
                std::slice::from_ref(&open_leave),
                &s,
                d("2026-01-11"),
                30,
            )
            .into_iter()
            .find(|i| i.kind == FollowUpKind::Special)
            .and_then(|i| i.plan_id)
        };
        assert_eq!(
            named(&[group.clone(), open.clone()]),
            named(&[open.clone(), group.clone()])
        );
        assert_eq!(named(&[open, group.clone()]), Some(group.plan_id));
    }

    #[test]
    fn a_follow_up_is_recorded_by_the_manager_side_on_goals_of_the_plan() {
        use crate::plan::{PlanContent, PlanKind, PlanPeriod, PlanStatus};
        let at = DateTime::<Utc>::UNIX_EPOCH;
        let (employee, manager) = (EmployeeId::generate(), EmployeeId::generate());
        let content = PlanContent::new(
            Name::parse("title", "Plan").unwrap(),
            PlanPeriod::new(d("2026-01-01"), d("2026-12-31")).unwrap(),
        );
        let mut plan =
            Plan::draft(PlanKind::Individual, vec![employee], content, manager, at).unwrap();
        plan.sign(Party::Employee, employee, plan.revision, at)
            .unwrap();
        plan.sign(Party::Manager, manager, plan.revision, at)
            .unwrap();
        let mut record = FollowUpRecord {
            kind: FollowUpKind::Annual,
            held_on: d("2026-06-01"),
            participants: vec![],
            notes: None,
            progress: vec![],
            outcome: Outcome::Closed,
        };
        assert!(matches!(
            record.apply_to(&mut plan, Party::Employee, employee, at),
            Err(PlanError::ManagerOnly(_))
        ));
        record.progress.push(GoalProgress {
            goal_id: GoalId::generate(),
            verdict: None,
            note: None,
        });
        let Err(PlanError::Invalid(v)) = record.apply_to(&mut plan, Party::Manager, manager, at)
        else {
            panic!("an unknown goal is refused");
        };
        assert_eq!(v.into_vec()[0].field, "progress[0].goal_id");
        assert_eq!(plan.status, PlanStatus::Agreed);
        // Progress on a goal of the plan is taken.
        record.progress.clear();
        record.outcome = Outcome::Continued;
        let goal_id = GoalId::generate();
        plan.content.goals.push(crate::plan::Goal {
            id: goal_id,
            description: LongText::parse("description", "Mål").unwrap(),
            competence_kind: crate::plan::CompetenceKind::Social,
            horizon: crate::plan::Horizon::ShortTerm,
            due_date: None,
            evaluation_method: None,
            unit_goal_id: None,
            evaluation: Default::default(),
        });
        record.progress.push(GoalProgress {
            goal_id,
            verdict: None,
            note: None,
        });
        record
            .apply_to(&mut plan, Party::Manager, manager, at)
            .unwrap();
        record.outcome = Outcome::Closed;
        record
            .apply_to(&mut plan, Party::Manager, manager, at)
            .unwrap();
        assert_eq!(plan.status, PlanStatus::Closed);
        assert_eq!(
            plan.closure.map(|c| c.reason.as_str().to_owned()),
            Some("Closed at the follow-up held 2026-06-01".to_owned())
        );
    }

    #[test]
    fn a_follow_up_is_in_time_by_the_clock_that_ran_when_it_was_held() {
        let plan = |follow_ups| PlanFacts {
            plan_id: PlanId::generate(),
            members: vec![],
            agreed_on: d("2024-01-10"),
            earlier_agreements: Vec::new(),
            follow_ups,
        };
        let judged = |follow_ups| {
            let (history, next) = follow_up_history(&plan(follow_ups));
            (history.iter().map(|h| h.in_time).collect::<Vec<_>>(), next)
        };
        assert_eq!(
            judged(vec![(FollowUpKind::Annual, d("2025-01-05"))]),
            (vec![true], d("2026-01-05"))
        );
        assert_eq!(
            judged(vec![(FollowUpKind::Annual, d("2025-02-01"))]),
            (vec![false], d("2026-02-01"))
        );
        // A second follow-up the same day is judged by the same clock as the first.
        assert_eq!(
            judged(vec![
                (FollowUpKind::Special, d("2025-02-01")),
                (FollowUpKind::Annual, d("2025-02-01"))
            ])
            .0,
            vec![false, false]
        );
    }

    fn part(
        format: InterviewFormat,
        status: ParticipantStatus,
        wants_individual: bool,
    ) -> InterviewPart {
        InterviewPart {
            format,
            status,
            wants_individual,
        }
    }

    #[test]
    fn interview_coverage_follows_offers_holdings_and_requests() {
        use InterviewFormat::*;
        use ParticipantStatus::*;
        assert_eq!(coverage(&[]), Coverage::NotOffered);
        assert_eq!(
            coverage(&[part(Individual, Offered, false)]),
            Coverage::Offered
        );
        assert_eq!(
            coverage(&[part(Individual, Declined, false)]),
            Coverage::Declined
        );
        assert_eq!(coverage(&[part(Group, Held, false)]), Coverage::Held);
        // Asked for an individual interview after the group one: still owed one.
        assert_eq!(
            coverage(&[part(Group, Held, true)]),
            Coverage::IndividualRequested
        );
        // Offering it is not enough: it is owed until it is held, or they decline it.
        assert_eq!(
            coverage(&[part(Group, Held, true), part(Individual, Offered, false)]),
            Coverage::IndividualRequested
        );
        assert!(
            coverage(&[part(Group, Held, true), part(Individual, Offered, false)]).needs_action()
        );
        assert_eq!(
            coverage(&[part(Group, Held, true), part(Individual, Declined, false)]),
            Coverage::Declined
        );
        assert_eq!(
            coverage(&[part(Group, Held, true), part(Individual, Held, false)]),
            Coverage::Held
        );
        assert!(
            Coverage::IndividualRequested.needs_action() && Coverage::NotOffered.needs_action()
        );
        assert!(!Coverage::Declined.needs_action());
    }

    #[test]
    fn the_history_marks_only_annual_follow_ups_as_annual() {
        let plan = PlanFacts {
            plan_id: PlanId::generate(),
            members: vec![],
            agreed_on: d("2025-01-10"),
            earlier_agreements: Vec::new(),
            follow_ups: vec![
                (FollowUpKind::Special, d("2025-06-01")),
                (FollowUpKind::Annual, d("2025-12-01")),
            ],
        };
        let (history, next) = follow_up_history(&plan);
        let annual: Vec<(NaiveDate, bool)> =
            history.iter().map(|h| (h.held_on, h.annual)).collect();
        assert_eq!(annual, [(d("2025-06-01"), false), (d("2025-12-01"), true)]);
        assert_eq!(next, d("2026-12-01"));
        let dates = AbsenceDates::new(d("2025-03-01"), Some(d("2025-06-30"))).unwrap();
        assert_eq!(
            (dates.starts_on(), dates.ends_on()),
            (d("2025-03-01"), Some(d("2025-06-30")))
        );
    }
}
