//! Status figures of the work with development plans: what one person adds to them, how
//! they sum, and the snapshot a review or a committee discussion keeps of them. Which groups
//! of people representatives and committees may see figures of is [`crate::pooling`]'s.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::followup::{
    AbsenceFacts, AnnualClock, Coverage, DueState, InterviewPart, PlanFacts, coverage, due_on_day,
    due_state, follow_up_history,
};
use crate::settings::Settings;
use crate::{AbsenceId, UnitId};

/// Days ahead in which an annual follow-up counts as due rather than upcoming.
pub const DUE_WINDOW_DAYS: u32 = 30;

/// A count, and how many people it rests on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Figure {
    /// The count (of people, activities or goals).
    pub value: u64,
    /// The number of distinct people behind it.
    pub people: u64,
}

impl Figure {
    /// A count of people.
    pub fn people(n: u64) -> Self {
        Self {
            value: n,
            people: n,
        }
    }

    fn add(&mut self, other: Figure) {
        self.value += other.value;
        self.people += other.people;
    }
}

/// Every figure of one group of employees.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Figures {
    /// The people figures, by [`PeopleFigure`]: `figures[PeopleFigure::AnnualDue]`.
    people: [Figure; PeopleFigure::ALL.len()],
    /// Activities of current plans by kind.
    pub activities_by_kind: BTreeMap<String, Figure>,
    /// Goals of current plans by verdict (`none` when not yet evaluated).
    pub goals_by_verdict: BTreeMap<String, Figure>,
    /// Goals whose learning is applied in daily work.
    pub goals_applied_in_daily_work: Figure,
}

/// The people figures, one value each: the one table of their wire names. What one person
/// adds to each is [`PersonStatus::figures`]; what the database adds up for each is in the
/// persistence crate's `person_figures`; the view and the CSV name them by [`Figures::cells`].
/// Each is an exhaustive match on this enum, so a new figure compiles only once every one of
/// them counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "openapi",
    schema(description = "The people figures a named list can be asked for.")
)]
pub enum PeopleFigure {
    /// Employees the period counts: those active, and those who left after its last day.
    Employees,
    /// Employees with a current agreed plan.
    WithAgreedPlan,
    /// Employees whose current plan is a draft.
    PlansInDraft,
    /// Employees with an annual follow-up held in the period by its due date.
    AnnualHeldInTime,
    /// Employees with an annual follow-up held in the period after its due date.
    AnnualHeldLate,
    /// Employees whose annual follow-up is due within [`DUE_WINDOW_DAYS`].
    AnnualDue,
    /// Employees whose annual follow-up is overdue.
    AnnualOverdue,
    /// Special follow-ups due in the period and not yet held, not yet overdue.
    SpecialDue,
    /// Special follow-ups due in the period and held.
    SpecialHeld,
    /// Special follow-ups due in the period, not held and overdue.
    SpecialOverdue,
    /// Employees offered this year's interview, not yet held.
    InterviewsOffered,
    /// Employees who had this year's interview.
    InterviewsHeld,
    /// Employees who declined it.
    InterviewsDeclined,
    /// Employees still owed an interview.
    InterviewsMissing,
}

impl PeopleFigure {
    /// Every people figure, in the order the API lists them.
    pub const ALL: [PeopleFigure; 14] = [
        PeopleFigure::Employees,
        PeopleFigure::WithAgreedPlan,
        PeopleFigure::PlansInDraft,
        PeopleFigure::AnnualHeldInTime,
        PeopleFigure::AnnualHeldLate,
        PeopleFigure::AnnualDue,
        PeopleFigure::AnnualOverdue,
        PeopleFigure::SpecialDue,
        PeopleFigure::SpecialHeld,
        PeopleFigure::SpecialOverdue,
        PeopleFigure::InterviewsOffered,
        PeopleFigure::InterviewsHeld,
        PeopleFigure::InterviewsDeclined,
        PeopleFigure::InterviewsMissing,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            PeopleFigure::Employees => "employees",
            PeopleFigure::WithAgreedPlan => "with_agreed_plan",
            PeopleFigure::PlansInDraft => "plans_in_draft",
            PeopleFigure::AnnualHeldInTime => "annual_held_in_time",
            PeopleFigure::AnnualHeldLate => "annual_held_late",
            PeopleFigure::AnnualDue => "annual_due",
            PeopleFigure::AnnualOverdue => "annual_overdue",
            PeopleFigure::SpecialDue => "special_due",
            PeopleFigure::SpecialHeld => "special_held",
            PeopleFigure::SpecialOverdue => "special_overdue",
            PeopleFigure::InterviewsOffered => "interviews_offered",
            PeopleFigure::InterviewsHeld => "interviews_held",
            PeopleFigure::InterviewsDeclined => "interviews_declined",
            PeopleFigure::InterviewsMissing => "interviews_missing",
        }
    }

    /// The figure with this wire name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == name)
    }

    /// Whether it describes the plans as they are today, whatever the period asked about
    /// (see [`is_figure_of_today`]).
    pub fn of_today(self) -> bool {
        match self {
            PeopleFigure::WithAgreedPlan
            | PeopleFigure::PlansInDraft
            | PeopleFigure::AnnualDue
            | PeopleFigure::AnnualOverdue => true,
            PeopleFigure::Employees
            | PeopleFigure::AnnualHeldInTime
            | PeopleFigure::AnnualHeldLate
            | PeopleFigure::SpecialDue
            | PeopleFigure::SpecialHeld
            | PeopleFigure::SpecialOverdue
            | PeopleFigure::InterviewsOffered
            | PeopleFigure::InterviewsHeld
            | PeopleFigure::InterviewsDeclined
            | PeopleFigure::InterviewsMissing => false,
        }
    }
}

impl std::ops::Index<PeopleFigure> for Figures {
    type Output = Figure;

    fn index(&self, figure: PeopleFigure) -> &Figure {
        &self.people[figure as usize]
    }
}

impl std::ops::IndexMut<PeopleFigure> for Figures {
    fn index_mut(&mut self, figure: PeopleFigure) -> &mut Figure {
        &mut self.people[figure as usize]
    }
}

impl Figures {
    /// Adds another group's figures to these.
    pub fn add(&mut self, o: &Figures) {
        for figure in PeopleFigure::ALL {
            self[figure].add(o[figure]);
        }
        for (k, f) in &o.activities_by_kind {
            self.activities_by_kind
                .entry(k.clone())
                .or_default()
                .add(*f);
        }
        for (k, f) in &o.goals_by_verdict {
            self.goals_by_verdict.entry(k.clone()).or_default().add(*f);
        }
        self.goals_applied_in_daily_work
            .add(o.goals_applied_in_daily_work);
    }

    /// Every figure by a flat name (`activities_by_kind.course`), in a stable order.
    pub fn cells(&self) -> BTreeMap<String, Figure> {
        let mut m: BTreeMap<String, Figure> = PeopleFigure::ALL
            .into_iter()
            .map(|f| (f.as_str().to_owned(), self[f]))
            .collect();
        for (k, f) in &self.activities_by_kind {
            m.insert(format!("activities_by_kind.{k}"), *f);
        }
        for (k, f) in &self.goals_by_verdict {
            m.insert(format!("goals_by_verdict.{k}"), *f);
        }
        m.insert(
            "goals_applied_in_daily_work".to_owned(),
            self.goals_applied_in_daily_work,
        );
        m
    }
}

/// An annual follow-up an employee took part in, judged against its due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnnualHeld {
    /// The day it was held.
    pub held_on: NaiveDate,
    /// Held on or before the annual due date then running.
    pub in_time: bool,
}

/// The special follow-up a long absence makes due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpecialFollowUp {
    /// The absence.
    pub absence_id: AbsenceId,
    /// When the follow-up is due.
    pub due_on: NaiveDate,
    /// The day a special follow-up after the return was held, on any of their plans.
    pub held_on: Option<NaiveDate>,
}

/// A plan the employee is a member of that is current (agreed, or a draft), with its
/// follow-up facts once a version of it has been agreed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentPlan {
    /// Its status is agreed (otherwise it is a draft).
    pub agreed: bool,
    /// Its agreement and follow-ups; none before a first version is agreed.
    pub facts: Option<PlanFacts>,
}

/// The rules version of the stored status facts ([`person_status`] and what it calls): raise it
/// when they answer differently, and the service rebuilds every stored row on its next start.
/// A test keeps a fingerprint of the answers per version, so a change to the answers without
/// a new version fails.
// 5: the day a plan was agreed is its Danish date, not its UTC one.
// 6: the annual clock of every plan (a closed period's due and overdue), follow-ups judged by
// the clock before a later version, special follow-ups on superseded and closed plans.
pub const RULES_VERSION: i32 = 6;

/// Everything the status figures need to know of one employee, independent of the period
/// asked about and of today: the rules' answer, stored beside the employee so that the
/// figures of any period are aggregates the database can compute.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonStatus {
    /// Member of an agreed plan.
    pub agreed_plan: bool,
    /// Member of a plan in draft.
    pub draft_plan: bool,
    /// The earliest next annual follow-up of their plans that have been agreed.
    pub annual_next_due: Option<NaiveDate>,
    /// The annual clock of each of their current plans that has been agreed, stretch by
    /// stretch, for what was due and overdue on a day before today.
    pub annual_clocks: Vec<Vec<AnnualClock>>,
    /// The annual follow-ups of their current plans.
    pub annual_held: Vec<AnnualHeld>,
    /// The special follow-ups their long absences make due.
    pub specials: Vec<SpecialFollowUp>,
    /// Where they stand with each year's development interview they have a part in.
    pub interviews: BTreeMap<i32, Coverage>,
}

/// The status facts of one employee from their current plans, their absences and their parts
/// in interviews by year.
pub fn person_status(
    plans: &[CurrentPlan],
    absences: &[AbsenceFacts],
    interview_parts: &BTreeMap<i32, Vec<InterviewPart>>,
    settings: &Settings,
) -> PersonStatus {
    let mut status = PersonStatus {
        agreed_plan: plans.iter().any(|p| p.agreed),
        draft_plan: plans.iter().any(|p| !p.agreed),
        ..PersonStatus::default()
    };
    let agreed: Vec<&PlanFacts> = plans.iter().filter_map(|p| p.facts.as_ref()).collect();
    for facts in &agreed {
        status.annual_clocks.push(facts.annual_clock());
        let (history, next) = follow_up_history(facts);
        status.annual_next_due = Some(status.annual_next_due.map_or(next, |d| d.min(next)));
        status.annual_held.extend(
            history
                .into_iter()
                .filter(|h| h.annual)
                .map(|h| AnnualHeld {
                    held_on: h.held_on,
                    in_time: h.in_time,
                }),
        );
    }
    status.annual_held.sort_by_key(|h| (h.held_on, h.in_time));
    for a in absences {
        if let Some(due_on) = a.dates.special_follow_up_due(settings) {
            status.specials.push(SpecialFollowUp {
                absence_id: a.absence_id,
                due_on,
                held_on: a.special_held_on(),
            });
        }
    }
    status.interviews = interview_coverage(interview_parts);
    status
}

/// Where someone stands with each year's development interview, from their parts in it.
pub fn interview_coverage(parts: &BTreeMap<i32, Vec<InterviewPart>>) -> BTreeMap<i32, Coverage> {
    parts
        .iter()
        .map(|(year, parts)| (*year, coverage(parts)))
        .collect()
}

/// The day a period's annual figures are read on: its last day once it has passed, otherwise
/// today.
pub fn reference_day(to: NaiveDate, today: NaiveDate) -> NaiveDate {
    to.min(today)
}

/// Whether an employee counts as annual follow-up due and as overdue in the period
/// `from..=to`, as of `today`, from the due date of their annual clock on a given day
/// (`due_on`; the earliest of their plans') and today's (`next_due`):
/// - a period that has begun is read on its [`reference_day`]: due when the follow-up falls
///   due within the [`DUE_WINDOW_DAYS`] from that day, overdue when it fell due before it and
///   was still not held;
/// - a future period is read as far as today knows: due when today's due date falls in it,
///   overdue when it falls before it.
pub fn annual_due_and_overdue(
    due_on: impl Fn(NaiveDate) -> Option<NaiveDate>,
    next_due: Option<NaiveDate>,
    (from, to): (NaiveDate, NaiveDate),
    today: NaiveDate,
) -> (bool, bool) {
    if from > today {
        return match next_due {
            Some(d) => (from <= d && d <= to, d < from),
            None => (false, false),
        };
    }
    let day = reference_day(to, today);
    let due = if day == today { next_due } else { due_on(day) };
    match due.map(|d| due_state(d, day, DUE_WINDOW_DAYS)) {
        Some(DueState::Due) => (true, false),
        Some(DueState::Overdue) => (false, true),
        _ => (false, false),
    }
}

/// The figure a special follow-up counts in for the period `from..=to` as of `today`: held in
/// the period it was held in (whenever it fell due); not yet held, due or overdue in the period
/// it falls due in, and overdue also in today's period while it is still open, whatever year
/// it fell due (so the status agrees with the work list); nothing otherwise.
pub fn special_figure(
    due_on: NaiveDate,
    held_on: Option<NaiveDate>,
    (from, to): (NaiveDate, NaiveDate),
    today: NaiveDate,
) -> Option<PeopleFigure> {
    let within = |d: NaiveDate| from <= d && d <= to;
    match held_on {
        Some(held) => within(held).then_some(PeopleFigure::SpecialHeld),
        // Past due and open: overdue where it fell due, and in today's period.
        None if due_on < today && (within(due_on) || within(today)) => {
            Some(PeopleFigure::SpecialOverdue)
        }
        None if within(due_on) && due_on >= today => Some(PeopleFigure::SpecialDue),
        None => None,
    }
}

impl PersonStatus {
    /// This employee's share of the people figures for the period `from..=to`, as of `today`
    /// (activities and goals are counted from the plans' content, not here).
    pub fn figures(&self, from: NaiveDate, to: NaiveDate, today: NaiveDate) -> Figures {
        let one = |b: bool| Figure::people(b.into());
        let in_period: Vec<&AnnualHeld> = self
            .annual_held
            .iter()
            .filter(|h| from <= h.held_on && h.held_on <= to)
            .collect();
        let held_in_time = in_period.iter().any(|h| h.in_time);
        let (due, overdue) = annual_due_and_overdue(
            |day| {
                self.annual_clocks
                    .iter()
                    .filter_map(|c| due_on_day(c, day))
                    .min()
            },
            self.annual_next_due,
            (from, to),
            today,
        );
        let coverage = self
            .interviews
            .get(&to.year())
            .copied()
            .unwrap_or(Coverage::NotOffered);
        let specials = |wanted: PeopleFigure| {
            let n = (self.specials.iter())
                .filter(|s| special_figure(s.due_on, s.held_on, (from, to), today) == Some(wanted))
                .count() as u64;
            Figure {
                value: n,
                people: (n > 0).into(),
            }
        };
        let mut f = Figures::default();
        for figure in PeopleFigure::ALL {
            f[figure] = match figure {
                PeopleFigure::Employees => Figure::people(1),
                PeopleFigure::WithAgreedPlan => one(self.agreed_plan),
                PeopleFigure::PlansInDraft => one(self.draft_plan),
                PeopleFigure::AnnualHeldInTime => one(held_in_time),
                PeopleFigure::AnnualHeldLate => one(!in_period.is_empty() && !held_in_time),
                PeopleFigure::AnnualDue => one(due),
                PeopleFigure::AnnualOverdue => one(overdue),
                PeopleFigure::SpecialDue
                | PeopleFigure::SpecialHeld
                | PeopleFigure::SpecialOverdue => specials(figure),
                PeopleFigure::InterviewsOffered => one(coverage == Coverage::Offered),
                PeopleFigure::InterviewsHeld => one(coverage == Coverage::Held),
                PeopleFigure::InterviewsDeclined => one(coverage == Coverage::Declined),
                PeopleFigure::InterviewsMissing => one(matches!(
                    coverage,
                    Coverage::NotOffered | Coverage::IndividualRequested
                )),
            };
        }
        f
    }
}

/// The pooling rule of [`crate::pooling`] snapshots are cut by now: 2 passes small remainders
/// up and never swallows a unit of k people (rule 1 pooled small units into a sibling's or the
/// parent's row).
pub const POOLING_RULE: u32 = 2;

fn first_rule() -> u32 {
    1
}

/// Figures as shown: a value, or none where withheld.
pub type Shown = BTreeMap<String, Option<u64>>;

/// Status figures of a unit as they were shown, kept as history with a review or a committee
/// discussion: a value of the domain with its own serialisation, not the response that
/// showed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// The unit.
    pub unit_id: UnitId,
    /// First day of the period.
    pub from: NaiveDate,
    /// Last day of the period.
    pub to: NaiveDate,
    /// Whether small units and groups were pooled, for readers outside management.
    pub anonymised: bool,
    /// The threshold applied, when anonymised.
    pub anonymity_threshold: Option<u32>,
    /// Whether the unit has no figures of its own.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub withheld: bool,
    /// Whether some of the unit's people are not in its figures (pooled readers only).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub left_out: bool,
    /// The rule the figures were pooled by ([`POOLING_RULE`]); earlier snapshots read 1.
    #[serde(default = "first_rule")]
    pub pooling_rule: u32,
    /// The unit's figures, sub-units included.
    pub figures: Shown,
    /// Per direct sub-unit, and a row for those placed directly in the unit.
    pub by_sub_unit: Vec<SnapshotUnitRow>,
    /// Per professional group.
    pub by_professional_group: Vec<SnapshotGroupRow>,
}

/// One sub-unit's row of a snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotUnitRow {
    /// The sub-unit, or the unit itself for those placed directly in it.
    pub unit_id: UnitId,
    /// Its name then.
    pub name: String,
    /// The row of those placed directly in the unit.
    pub direct: bool,
    /// The sub-units pooled into the unit's own row, with their names then.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pooled_units: Vec<PooledUnit>,
    /// Whether some of the row's people are not in its figures.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub left_out: bool,
    /// Its figures.
    pub figures: Shown,
}

/// A sub-unit counted in its parent's own row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PooledUnit {
    /// The sub-unit.
    pub unit_id: UnitId,
    /// Its name then.
    pub name: String,
}

/// One professional group's row of a snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotGroupRow {
    /// The group; none for employees without one, and for the row of other groups.
    pub professional_group: Option<String>,
    /// Whether this is the row of other groups: those not in a block of their own group.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub other_groups: bool,
    /// Its figures.
    pub figures: Shown,
}

/// Whether the figure `name` (as [`Figures::cells`] names it) describes the plans as they are
/// today, whatever the period asked about: the same number of the same people in every
/// period's reading.
pub fn is_figure_of_today(name: &str) -> bool {
    PeopleFigure::parse(name).is_some_and(PeopleFigure::of_today)
        || name == "goals_applied_in_daily_work"
        || name.starts_with("activities_by_kind.")
        || name.starts_with("goals_by_verdict.")
}

impl Snapshot {
    /// Nulls the figures that describe today's plans ([`is_figure_of_today`]): in a closed
    /// period's reading they would be today's figures of that period's people, and two periods'
    /// readings of them would differ by exactly those who joined or left between them.
    pub fn withhold_figures_of_today(&mut self) {
        let rows = self.by_sub_unit.iter_mut().map(|r| &mut r.figures).chain(
            self.by_professional_group
                .iter_mut()
                .map(|r| &mut r.figures),
        );
        for figures in std::iter::once(&mut self.figures).chain(rows) {
            for (name, value) in figures.iter_mut() {
                if is_figure_of_today(name) {
                    *value = None;
                }
            }
        }
    }

    /// The snapshot as a representative or committee member may read it now, with `k` in
    /// force: a pooled snapshot cut by an earlier rule, or under a lower threshold, has rows a
    /// figure of today's cut would give away in combination, so it is withheld whole.
    pub fn read_under(self, k: u32) -> Snapshot {
        let stale = self.pooling_rule < POOLING_RULE || self.anonymity_threshold.unwrap_or(0) < k;
        if self.anonymised && stale {
            self.withheld_whole()
        } else {
            self
        }
    }

    /// The snapshot with none of its figures.
    pub fn withheld_whole(mut self) -> Snapshot {
        self.withheld = true;
        self.left_out = false;
        for v in self.figures.values_mut() {
            *v = None;
        }
        self.by_sub_unit.clear();
        self.by_professional_group.clear();
        self
    }
}

/// The figures as shown.
pub fn shown(f: &Figures) -> Shown {
    f.cells()
        .into_iter()
        .map(|(k, v)| (k, Some(v.value)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::followup::{AbsenceDates, FollowUpKind};
    use crate::{EmployeeId, PlanId};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a date")
    }

    #[test]
    fn a_snapshot_reads_what_earlier_versions_stored_and_writes_it_back_the_same() {
        // As stored by earlier versions, which kept the status response itself.
        let stored = r#"{"unit_id":"01936f6e-8a4b-7c3d-9e2f-1a2b3c4d5e6f","from":"2026-01-01","to":"2026-03-01","anonymised":true,"anonymity_threshold":5,"figures":{"employees":21,"plans_in_draft":null},"by_sub_unit":[{"unit_id":"01936f6e-8a4b-7c3d-9e2f-1a2b3c4d5e70","name":"Vuggestuen","direct":false,"figures":{"employees":null}}],"by_professional_group":[{"professional_group":null,"figures":{"employees":21}}]}"#;
        let snapshot: Snapshot = serde_json::from_str(stored).expect("an old snapshot reads");
        assert_eq!(snapshot.figures["employees"], Some(21));
        assert_eq!(snapshot.figures["plans_in_draft"], None);
        assert_eq!(snapshot.by_sub_unit[0].name, "Vuggestuen");
        assert_eq!(snapshot.anonymity_threshold, Some(5));
        assert_eq!(snapshot.pooling_rule, 1);
        let again: serde_json::Value =
            serde_json::from_str(&serde_json::to_string(&snapshot).unwrap()).unwrap();
        let mut before: serde_json::Value = serde_json::from_str(stored).unwrap();
        before["pooling_rule"] = 1.into();
        assert_eq!(again, before);
    }

    fn pooled_snapshot(k: u32, rule: u32) -> Snapshot {
        Snapshot {
            unit_id: UnitId::generate(),
            from: d("2026-01-01"),
            to: d("2026-03-01"),
            anonymised: true,
            anonymity_threshold: Some(k),
            withheld: false,
            left_out: false,
            pooling_rule: rule,
            figures: [("employees".to_owned(), Some(7))].into(),
            by_sub_unit: vec![SnapshotUnitRow {
                unit_id: UnitId::generate(),
                name: "Vuggestuen".into(),
                direct: false,
                pooled_units: Vec::new(),
                left_out: false,
                figures: [("employees".to_owned(), Some(3))].into(),
            }],
            by_professional_group: Vec::new(),
        }
    }

    #[test]
    fn a_snapshot_pooled_under_a_lower_threshold_or_an_earlier_rule_is_withheld_when_read() {
        let under_three = pooled_snapshot(3, POOLING_RULE).read_under(5);
        assert!(under_three.withheld);
        assert_eq!(under_three.figures["employees"], None);
        assert!(under_three.by_sub_unit.is_empty());
        assert!(pooled_snapshot(5, 1).read_under(5).withheld);
        let current = pooled_snapshot(5, POOLING_RULE);
        assert_eq!(current.clone().read_under(5), current);
        assert_eq!(
            current.clone().read_under(3),
            current,
            "a lower k now: as it was"
        );
    }

    /// An agreed plan of `me` with `versions` agreed on those days (the last is the latest)
    /// and `follow_ups` held.
    fn agreed_plan(
        me: EmployeeId,
        versions: &[&str],
        follow_ups: &[(FollowUpKind, &str)],
    ) -> CurrentPlan {
        let mut days: Vec<NaiveDate> = versions.iter().map(|v| d(v)).collect();
        let agreed_on = days.pop().expect("a version");
        CurrentPlan {
            agreed: true,
            facts: Some(PlanFacts {
                plan_id: PlanId::generate(),
                members: vec![me],
                agreed_on,
                earlier_agreements: days,
                follow_ups: follow_ups.iter().map(|(k, on)| (*k, d(on))).collect(),
            }),
        }
    }

    #[test]
    fn a_closed_year_counts_as_due_and_overdue_what_was_due_and_overdue_at_its_end() {
        let settings = Settings::default();
        let today = d("2026-12-07");
        let me = EmployeeId::generate();
        let year = |y: i32, plan: CurrentPlan| {
            let s = person_status(&[plan], &[], &BTreeMap::new(), &settings);
            let f = s.figures(
                NaiveDate::from_ymd_opt(y, 1, 1).expect("a day"),
                NaiveDate::from_ymd_opt(y, 12, 31).expect("a day"),
                today,
            );
            (
                f[PeopleFigure::AnnualDue].value,
                f[PeopleFigure::AnnualOverdue].value,
            )
        };
        // Agreed 2025-12-28: due 2026-12-28, so due now, and neither at the end of 2025.
        assert_eq!(year(2026, agreed_plan(me, &["2025-12-28"], &[])), (1, 0));
        assert_eq!(year(2025, agreed_plan(me, &["2025-12-28"], &[])), (0, 0));
        // Agreed 2025-10-31: overdue from 2026-10-31, not in 2025.
        assert_eq!(year(2026, agreed_plan(me, &["2025-10-31"], &[])), (0, 1));
        assert_eq!(year(2025, agreed_plan(me, &["2025-10-31"], &[])), (0, 0));
        // Agreed 2024-12-10 and followed up only in 2026: overdue at the end of 2025, and due
        // within 30 days of it at the end of 2024.
        let late = agreed_plan(me, &["2024-12-10"], &[(FollowUpKind::Annual, "2026-02-01")]);
        assert_eq!(year(2025, late.clone()), (0, 1));
        assert_eq!(year(2024, late.clone()), (0, 0));
        assert_eq!(year(2026, late), (0, 0));
        let soon = agreed_plan(me, &["2024-01-20"], &[(FollowUpKind::Annual, "2025-01-15")]);
        assert_eq!(year(2024, soon), (1, 0));
        // A future year, as far as today knows: due when today's due date falls in it.
        assert_eq!(year(2027, agreed_plan(me, &["2026-03-01"], &[])), (1, 0));
        assert_eq!(year(2027, agreed_plan(me, &["2025-10-31"], &[])), (0, 1));
    }

    #[test]
    fn a_period_starting_today_is_read_as_today_and_a_future_one_from_its_first_day() {
        let me = EmployeeId::generate();
        let s = person_status(
            &[agreed_plan(me, &["2026-03-01"], &[])],
            &[],
            &BTreeMap::new(),
            &Settings::default(),
        );
        let today = d("2026-12-07");
        let read = |from: &str, to: &str| {
            let f = s.figures(d(from), d(to), today);
            (
                f[PeopleFigure::AnnualDue].value,
                f[PeopleFigure::AnnualOverdue].value,
            )
        };
        // Due 2027-03-01: more than 30 days from today, so not yet due in a period that
        // begins today, though it falls inside it.
        assert_eq!(read("2026-12-07", "2027-12-06"), (0, 0));
        // A future period that begins on the due date: due there, not overdue.
        assert_eq!(read("2027-03-01", "2027-03-31"), (1, 0));
        assert_eq!(read("2027-03-02", "2027-03-31"), (0, 1));
    }

    #[test]
    fn a_closed_years_figures_of_todays_plans_are_withheld_and_no_others() {
        for name in [
            "with_agreed_plan",
            "plans_in_draft",
            "annual_due",
            "annual_overdue",
            "goals_applied_in_daily_work",
            "activities_by_kind.course",
            "goals_by_verdict.met",
        ] {
            assert!(is_figure_of_today(name), "{name}");
        }
        for name in [
            "employees",
            "annual_held_in_time",
            "special_overdue",
            "interviews_held",
        ] {
            assert!(!is_figure_of_today(name), "{name}");
        }
        let figures: Shown = [
            ("employees".to_owned(), Some(7)),
            ("with_agreed_plan".to_owned(), Some(5)),
            ("activities_by_kind.course".to_owned(), Some(3)),
        ]
        .into();
        let mut s = Snapshot {
            unit_id: UnitId::generate(),
            from: d("2025-01-01"),
            to: d("2025-12-31"),
            anonymised: true,
            anonymity_threshold: Some(5),
            withheld: false,
            left_out: false,
            pooling_rule: POOLING_RULE,
            figures: figures.clone(),
            by_sub_unit: vec![SnapshotUnitRow {
                unit_id: UnitId::generate(),
                name: "Vuggestuen".into(),
                direct: false,
                pooled_units: Vec::new(),
                left_out: false,
                figures: figures.clone(),
            }],
            by_professional_group: vec![SnapshotGroupRow {
                professional_group: None,
                other_groups: true,
                figures,
            }],
        };
        s.withhold_figures_of_today();
        let expected: Shown = [
            ("employees".to_owned(), Some(7)),
            ("with_agreed_plan".to_owned(), None),
            ("activities_by_kind.course".to_owned(), None),
        ]
        .into();
        assert_eq!(s.figures, expected);
        assert_eq!(s.by_sub_unit[0].figures, expected);
        assert_eq!(s.by_professional_group[0].figures, expected);
    }

    #[test]
    fn a_follow_up_held_before_a_new_version_is_judged_by_the_clock_that_ran_then() {
        let me = EmployeeId::generate();
        // Agreed 2025-10-27, followed up late on 2026-11-11 (adjusted), version 2 on
        // 2026-12-02: late, whatever version 2 did to the clock afterwards.
        let plan = agreed_plan(
            me,
            &["2025-10-27", "2026-12-02"],
            &[(FollowUpKind::Annual, "2026-11-11")],
        );
        let s = person_status(&[plan], &[], &BTreeMap::new(), &Settings::default());
        let f = s.figures(d("2026-01-01"), d("2026-12-31"), d("2026-12-07"));
        assert_eq!(
            (
                f[PeopleFigure::AnnualHeldInTime].value,
                f[PeopleFigure::AnnualHeldLate].value
            ),
            (0, 1)
        );
        assert_eq!(s.annual_next_due, Some(d("2027-12-02")));
        // Version 2 agreed the same day as the follow-up it came out of: still late.
        let same_day = agreed_plan(
            me,
            &["2025-10-27", "2026-11-11"],
            &[(FollowUpKind::Annual, "2026-11-11")],
        );
        let s = person_status(&[same_day], &[], &BTreeMap::new(), &Settings::default());
        let f = s.figures(d("2026-01-01"), d("2026-12-31"), d("2026-12-07"));
        assert_eq!(
            (
                f[PeopleFigure::AnnualHeldInTime].value,
                f[PeopleFigure::AnnualHeldLate].value
            ),
            (0, 1)
        );
    }

    #[test]
    fn a_special_follow_up_on_a_plan_since_superseded_still_settles_the_absence() {
        let settings = Settings::default();
        let me = EmployeeId::generate();
        // Back 2026-06-24, special follow-up 2026-07-16 on a plan replaced on 2026-10-13: the
        // new plan holds no follow-up, but the absence is settled.
        let leave = AbsenceFacts {
            absence_id: AbsenceId::generate(),
            employee: me,
            dates: AbsenceDates::new(d("2026-02-01"), Some(d("2026-06-24"))).expect("dates"),
            specials_held: vec![d("2026-07-16")],
        };
        let new_plan = agreed_plan(me, &["2026-10-13"], &[]);
        let s = person_status(&[new_plan], &[leave], &BTreeMap::new(), &settings);
        let f = s.figures(d("2026-01-01"), d("2026-12-31"), d("2026-12-07"));
        assert_eq!(
            (
                f[PeopleFigure::SpecialHeld].value,
                f[PeopleFigure::SpecialOverdue].value
            ),
            (1, 0)
        );
    }

    #[test]
    fn a_special_follow_up_counts_as_held_in_the_period_it_was_held_in() {
        let settings = Settings::default();
        let me = EmployeeId::generate();
        // Back on 1 November 2025: the special follow-up falls due in 2025 and is held in 2026.
        let leave = AbsenceFacts {
            absence_id: AbsenceId::generate(),
            employee: me,
            dates: AbsenceDates::new(d("2025-06-01"), Some(d("2025-11-01"))).expect("dates"),
            specials_held: vec![d("2026-01-12")],
        };
        let due = leave
            .dates
            .special_follow_up_due(&settings)
            .expect("a long absence");
        assert!(due.year() == 2025);
        let plan = CurrentPlan {
            agreed: true,
            facts: Some(PlanFacts {
                plan_id: PlanId::generate(),
                members: vec![me],
                agreed_on: d("2025-01-10"),
                earlier_agreements: Vec::new(),
                follow_ups: vec![(FollowUpKind::Special, d("2026-01-12"))],
            }),
        };
        let status = person_status(&[plan], &[leave], &BTreeMap::new(), &settings);
        let today = d("2026-06-01");
        let this_year = status.figures(d("2026-01-01"), d("2026-12-31"), today);
        assert_eq!(this_year[PeopleFigure::SpecialHeld].value, 1);
        let last_year = status.figures(d("2025-01-01"), d("2025-12-31"), today);
        assert_eq!(
            (
                last_year[PeopleFigure::SpecialHeld].value,
                last_year[PeopleFigure::SpecialOverdue].value,
                last_year[PeopleFigure::SpecialDue].value
            ),
            (0, 0, 0)
        );
    }

    #[test]
    fn a_special_follow_up_still_open_counts_overdue_in_todays_period_whatever_year_it_fell_due() {
        let cell = |due: &str, held: Option<&str>, year: i32, today: &str| {
            let from = NaiveDate::from_ymd_opt(year, 1, 1).expect("a day");
            let to = NaiveDate::from_ymd_opt(year, 12, 31).expect("a day");
            match special_figure(d(due), held.map(d), (from, to), d(today)) {
                None => "none",
                Some(PeopleFigure::SpecialOverdue) => "overdue",
                Some(PeopleFigure::SpecialDue) => "due",
                Some(PeopleFigure::SpecialHeld) => "held",
                Some(_) => "other",
            }
        };
        // Fell due in August 2025, still not held on 1 February 2026.
        assert_eq!(cell("2025-08-01", None, 2025, "2026-02-01"), "overdue");
        assert_eq!(cell("2025-08-01", None, 2026, "2026-02-01"), "overdue");
        assert_eq!(cell("2025-08-01", None, 2024, "2026-02-01"), "none");
        // A later year than today's is not today's period.
        assert_eq!(cell("2025-08-01", None, 2027, "2026-02-01"), "none");
        // Not yet due: due in the year it falls due in, nowhere else.
        assert_eq!(cell("2026-03-01", None, 2026, "2026-02-01"), "due");
        assert_eq!(cell("2027-03-01", None, 2026, "2026-02-01"), "none");
        // Held in 2026: held there, and no longer open anywhere.
        assert_eq!(
            cell("2025-08-01", Some("2026-03-01"), 2026, "2026-04-01"),
            "held"
        );
        assert_eq!(
            cell("2025-08-01", Some("2026-03-01"), 2025, "2026-04-01"),
            "none"
        );
    }

    #[test]
    fn figures_add_up_figure_by_figure_and_are_read_by_their_flat_names() {
        let group = |base: u64| {
            let mut f = Figures::default();
            for (i, figure) in PeopleFigure::ALL.into_iter().enumerate() {
                f[figure] = Figure {
                    value: base + i as u64,
                    people: base,
                };
            }
            f.activities_by_kind
                .insert("course".into(), Figure::people(base));
            f.goals_by_verdict
                .insert("none".into(), Figure::people(base));
            f.goals_applied_in_daily_work = Figure::people(base);
            f
        };
        let mut sum = group(1);
        let mut other = group(10);
        other
            .activities_by_kind
            .insert("mentoring".into(), Figure::people(3));
        sum.add(&other);
        for (i, figure) in PeopleFigure::ALL.into_iter().enumerate() {
            let i = i as u64;
            assert_eq!(
                sum[figure],
                Figure {
                    value: 11 + 2 * i,
                    people: 11
                },
                "{figure:?}"
            );
        }
        assert_eq!(sum.activities_by_kind["course"], Figure::people(11));
        assert_eq!(sum.activities_by_kind["mentoring"], Figure::people(3));
        assert_eq!(sum.goals_by_verdict["none"], Figure::people(11));
        assert_eq!(sum.goals_applied_in_daily_work, Figure::people(11));
        let cells = sum.cells();
        assert_eq!(cells.len(), PeopleFigure::ALL.len() + 4);
        for figure in PeopleFigure::ALL {
            assert_eq!(cells[figure.as_str()], sum[figure]);
        }
        assert_eq!(cells["activities_by_kind.course"], Figure::people(11));
        assert_eq!(cells["activities_by_kind.mentoring"], Figure::people(3));
        assert_eq!(cells["goals_by_verdict.none"], Figure::people(11));
        assert_eq!(cells["goals_applied_in_daily_work"], Figure::people(11));
    }

    mod person_status {
        use super::super::*;
        use crate::followup::{AbsenceDates, FollowUpKind, InterviewFormat, ParticipantStatus};
        use crate::{EmployeeId, PlanId};

        use crate::testing::Lcg;

        /// The figures of one person, recounted from the README's definitions and the primary
        /// facts (the days versions were agreed and follow-ups held), not from the projection's
        /// stored facts or the clock it keeps: the reference the projection must agree with.
        fn reference(
            plans: &[CurrentPlan],
            absences: &[AbsenceFacts],
            parts: &BTreeMap<i32, Vec<InterviewPart>>,
            settings: &Settings,
            (from, to, today): (NaiveDate, NaiveDate, NaiveDate),
        ) -> Figures {
            let agreed: Vec<&PlanFacts> = plans.iter().filter_map(|p| p.facts.as_ref()).collect();
            let year_after = |d: NaiveDate| d.checked_add_months(chrono::Months::new(12));
            let versions = |p: &PlanFacts| -> Vec<NaiveDate> {
                let mut v = p.earlier_agreements.clone();
                v.push(p.agreed_on);
                v
            };
            // The clock restarts on every version agreed and every follow-up held.
            let due_on = |p: &PlanFacts, day: NaiveDate| -> Option<NaiveDate> {
                versions(p)
                    .into_iter()
                    .chain(p.follow_ups.iter().map(|(_, on)| *on))
                    .filter(|r| *r <= day)
                    .max()
                    .and_then(year_after)
            };
            // A follow-up is judged by the clock that ran the day before it was held.
            let in_time = |p: &PlanFacts, on: NaiveDate| -> bool {
                let v = versions(p);
                let first = v.iter().min().copied();
                let restart = v
                    .iter()
                    .copied()
                    .filter(|a| *a < on)
                    .max()
                    .or(first)
                    .into_iter()
                    .chain(p.follow_ups.iter().map(|(_, d)| *d).filter(|d| *d < on))
                    .max();
                restart.and_then(year_after).is_some_and(|due| on <= due)
            };
            let mut f = Figures::default();
            f[PeopleFigure::Employees] = Figure::people(1);
            f[PeopleFigure::WithAgreedPlan] = Figure::people(plans.iter().any(|p| p.agreed).into());
            f[PeopleFigure::PlansInDraft] = Figure::people(plans.iter().any(|p| !p.agreed).into());
            let held: Vec<bool> = agreed
                .iter()
                .flat_map(|p| {
                    p.follow_ups
                        .iter()
                        .filter(|(k, on)| *k == FollowUpKind::Annual && from <= *on && *on <= to)
                        .map(|(_, on)| in_time(p, *on))
                })
                .collect();
            f[PeopleFigure::AnnualHeldInTime] = Figure::people(held.iter().any(|t| *t).into());
            f[PeopleFigure::AnnualHeldLate] =
                Figure::people((!held.is_empty() && !held.iter().any(|t| *t)).into());
            // A period that has begun is read on its last day, or today while it runs; a
            // future one as far as today knows.
            let (day, lo, hi, overdue_before) = if from > today {
                (today, from, to, from)
            } else {
                let day = to.min(today);
                (
                    day,
                    day,
                    day + chrono::Days::new(DUE_WINDOW_DAYS.into()),
                    day,
                )
            };
            let due = agreed.iter().filter_map(|p| due_on(p, day)).min();
            f[PeopleFigure::AnnualDue] =
                Figure::people(due.is_some_and(|d| lo <= d && d <= hi).into());
            f[PeopleFigure::AnnualOverdue] =
                Figure::people(due.is_some_and(|d| d < overdue_before).into());
            match coverage(parts.get(&to.year()).map_or(&[][..], Vec::as_slice)) {
                Coverage::Held => f[PeopleFigure::InterviewsHeld] = Figure::people(1),
                Coverage::Offered => f[PeopleFigure::InterviewsOffered] = Figure::people(1),
                Coverage::Declined => f[PeopleFigure::InterviewsDeclined] = Figure::people(1),
                _ => f[PeopleFigure::InterviewsMissing] = Figure::people(1),
            }
            for a in absences {
                let Some(due) = a.dates.special_follow_up_due(settings) else {
                    continue;
                };
                // A special follow-up on any of their plans, current or not, settles it.
                let held_on = a
                    .specials_held
                    .iter()
                    .filter(|on| a.dates.ends_on().is_some_and(|e| **on > e))
                    .min()
                    .copied();
                let open_today = from <= today && today <= to;
                let cell = match held_on {
                    Some(h) if from <= h && h <= to => &mut f[PeopleFigure::SpecialHeld],
                    Some(_) => continue,
                    // Still open: overdue in today's period too, whenever it fell due.
                    None if due < from && due < today && open_today => {
                        &mut f[PeopleFigure::SpecialOverdue]
                    }
                    None if due < from || due > to => continue,
                    None if due < today => &mut f[PeopleFigure::SpecialOverdue],
                    None => &mut f[PeopleFigure::SpecialDue],
                };
                cell.value += 1;
                cell.people = 1;
            }
            f
        }

        /// A history of one person drawn from `r`: current plans, absences and interview parts.
        /// Ids are drawn too, so the same seed gives the same history.
        fn history(
            r: &mut Lcg,
            me: EmployeeId,
        ) -> (
            Vec<CurrentPlan>,
            Vec<AbsenceFacts>,
            BTreeMap<i32, Vec<InterviewPart>>,
        ) {
            // Histories: up to three versions per plan, follow-ups after the first
            // (some before a later version), special follow-ups on any plan (some since
            // superseded or closed), all before today.
            let plans: Vec<CurrentPlan> = (0..r.next(3))
                .map(|_| CurrentPlan {
                    agreed: r.next(3) > 0,
                    facts: (r.next(4) > 0).then(|| {
                        let first = r.day();
                        let mut agreements: Vec<NaiveDate> = (0..1 + r.next(3))
                            .map(|i| {
                                first + chrono::Days::new(if i == 0 { 0 } else { r.next(500) })
                            })
                            .collect();
                        agreements.sort();
                        let agreed_on = agreements.pop().unwrap_or(first);
                        PlanFacts {
                            plan_id: PlanId::from_uuid(uuid::Uuid::from_u64_pair(
                                r.next(u64::MAX),
                                1,
                            )),
                            members: vec![me],
                            agreed_on,
                            earlier_agreements: agreements,
                            follow_ups: (0..r.next(4))
                                .map(|_| {
                                    let kind = if r.next(2) == 0 {
                                        FollowUpKind::Annual
                                    } else {
                                        FollowUpKind::Special
                                    };
                                    (kind, first + chrono::Days::new(r.next(700)))
                                })
                                .collect(),
                        }
                    }),
                })
                .collect();
            let absences: Vec<AbsenceFacts> = (0..r.next(3))
                .map(|_| {
                    let start = r.day();
                    let end = (r.next(4) > 0).then(|| start + chrono::Days::new(r.next(150)));
                    AbsenceFacts {
                        absence_id: AbsenceId::from_uuid(uuid::Uuid::from_u64_pair(
                            r.next(u64::MAX),
                            2,
                        )),
                        employee: me,
                        dates: AbsenceDates::new(start, end).unwrap(),
                        specials_held: (0..r.next(3))
                            .map(|_| start + chrono::Days::new(r.next(300)))
                            .collect(),
                    }
                })
                .collect();
            let mut parts: BTreeMap<i32, Vec<InterviewPart>> = BTreeMap::new();
            for _ in 0..r.next(4) {
                let year = 2024 + r.next(3) as i32;
                parts.entry(year).or_default().push(InterviewPart {
                    format: [InterviewFormat::Individual, InterviewFormat::Group]
                        [r.next(2) as usize],
                    status: [
                        ParticipantStatus::Offered,
                        ParticipantStatus::Held,
                        ParticipantStatus::Declined,
                    ][r.next(3) as usize],
                    wants_individual: r.next(5) == 0,
                });
            }
            (plans, absences, parts)
        }

        /// What [`person_status`] answered, per rules version, for the histories of seeds
        /// 0..2000: a SHA-256 of their debug forms. Append a row with each new version; never
        /// edit one.
        const ANSWERS_BY_VERSION: &[(i32, &str)] = &[(
            6,
            "a16d54bbb525917a262262d029703a4be0135c6a61f909b0e5ef0a02fd2c6b07",
        )];

        fn answers() -> String {
            use sha2::{Digest, Sha256};
            let settings = Settings::default();
            let me = EmployeeId::from_uuid(uuid::Uuid::from_u64_pair(7, 7));
            let mut hasher = Sha256::new();
            for seed in 0..2_000u64 {
                let (plans, absences, parts) = history(&mut Lcg(seed), me);
                let stored = person_status(&plans, &absences, &parts, &settings);
                hasher.update(format!("{stored:?}\n").as_bytes());
            }
            hasher
                .finalize()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect()
        }

        #[test]
        fn stored_status_facts_that_answer_differently_need_a_new_rules_version() {
            let now = answers();
            let &(version, recorded) = ANSWERS_BY_VERSION.last().expect("a recorded version");
            assert_eq!(
                version, RULES_VERSION,
                "record the answers of the new rules version"
            );
            assert_eq!(
                now,
                recorded,
                "person_status answers differently from rules version {version}: raise \
                 RULES_VERSION and append ({}, \"{now}\") to ANSWERS_BY_VERSION",
                version + 1
            );
            let versions: Vec<i32> = ANSWERS_BY_VERSION.iter().map(|(v, _)| *v).collect();
            assert!(versions.windows(2).all(|w| w[0] < w[1]), "{versions:?}");
        }

        #[test]
        fn the_stored_facts_give_the_same_figures_as_the_rules_for_every_period() {
            let settings = Settings::default();
            let me = EmployeeId::generate();
            for seed in 0..3_000u64 {
                let mut r = Lcg(seed);
                let (plans, absences, parts) = history(&mut r, me);
                let stored = person_status(&plans, &absences, &parts, &settings);
                // Today comes after everything that happened.
                let last = plans
                    .iter()
                    .filter_map(|p| p.facts.as_ref())
                    .flat_map(|p| {
                        p.follow_ups
                            .iter()
                            .map(|(_, on)| *on)
                            .chain(std::iter::once(p.agreed_on))
                    })
                    .chain(
                        absences
                            .iter()
                            .flat_map(|a| a.specials_held.iter().copied()),
                    )
                    .max()
                    .unwrap_or_else(|| r.day());
                for _ in 0..5 {
                    let (a, b) = (r.day(), r.day());
                    let today = last + chrono::Days::new(r.next(400));
                    let period = (a.min(b), a.max(b), today);
                    assert_eq!(
                        stored.figures(period.0, period.1, period.2),
                        reference(&plans, &absences, &parts, &settings, period),
                        "seed {seed}, period {period:?}"
                    );
                }
            }
        }
    }
}
