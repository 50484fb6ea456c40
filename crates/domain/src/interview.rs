//! The yearly development interview (MUS, GRUS/TUS): who it was for, where each employee
//! stands with it, and the invariants a recorded interview keeps.

use crate::FieldCode;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::records::Meta;
use crate::text::ExternalId;
use crate::{EmployeeId, GuideVersionId, InterviewId, PlanId, Violation, Violations};

/// An interview held alone or with a group (GRUS/TUS).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InterviewFormat {
    /// One employee and the manager (MUS).
    Individual,
    /// A group or team at once.
    Group,
}

impl InterviewFormat {
    /// The wire and storage name.
    pub const fn as_str(self) -> &'static str {
        match self {
            InterviewFormat::Individual => "individual",
            InterviewFormat::Group => "group",
        }
    }

    /// Parses a storage name.
    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Individual, Self::Group]
            .into_iter()
            .find(|k| k.as_str() == raw)
    }
}

/// Where one employee stands with one interview.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParticipantStatus {
    /// Offered, not yet held.
    Offered,
    /// Held with them.
    Held,
    /// They declined.
    Declined,
}

impl ParticipantStatus {
    /// The wire and storage name.
    pub const fn as_str(self) -> &'static str {
        match self {
            ParticipantStatus::Offered => "offered",
            ParticipantStatus::Held => "held",
            ParticipantStatus::Declined => "declined",
        }
    }

    /// Parses a storage name.
    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Offered, Self::Held, Self::Declined]
            .into_iter()
            .find(|k| k.as_str() == raw)
    }
}

/// One employee's part in one interview of the year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InterviewPart {
    /// Alone or in a group.
    pub format: InterviewFormat,
    /// Offered, held or declined.
    pub status: ParticipantStatus,
    /// They asked for an individual interview (after or instead of a group one).
    pub wants_individual: bool,
}

/// Where an employee stands with the year's interview.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Coverage {
    /// Nothing offered yet: the manager must offer one.
    NotOffered,
    /// They asked for an individual interview and have not had it: it is owed until held.
    IndividualRequested,
    /// Offered and waiting.
    Offered,
    /// They declined.
    Declined,
    /// Held.
    Held,
}

impl Coverage {
    /// Every coverage, in the order of the enum.
    pub const ALL: [Coverage; 5] = [
        Coverage::NotOffered,
        Coverage::IndividualRequested,
        Coverage::Offered,
        Coverage::Declined,
        Coverage::Held,
    ];

    /// The wire and storage name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Coverage::NotOffered => "not_offered",
            Coverage::IndividualRequested => "individual_requested",
            Coverage::Offered => "offered",
            Coverage::Declined => "declined",
            Coverage::Held => "held",
        }
    }

    /// Parses a storage name.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == raw)
    }

    /// Whether the manager still owes the employee an interview this year.
    pub fn needs_action(self) -> bool {
        matches!(self, Coverage::NotOffered | Coverage::IndividualRequested)
    }
}

/// Where an employee stands, from their parts in the year's interviews. A group interview
/// counts for those who took part, but one who asked for an individual interview must get
/// one (Aabenraa Kommune's competence policy).
pub fn coverage(parts: &[InterviewPart]) -> Coverage {
    let individual_held = parts
        .iter()
        .any(|p| p.format == InterviewFormat::Individual && p.status == ParticipantStatus::Held);
    let individual_declined = parts.iter().any(|p| {
        p.format == InterviewFormat::Individual && p.status == ParticipantStatus::Declined
    });
    // One who asked for an individual interview is owed it until it is held: an offer alone
    // does not settle it, only declining it does.
    if parts.iter().any(|p| p.wants_individual) && !individual_held {
        return if individual_declined {
            Coverage::Declined
        } else {
            Coverage::IndividualRequested
        };
    }
    if parts.iter().any(|p| p.status == ParticipantStatus::Held) {
        Coverage::Held
    } else if parts.iter().any(|p| p.status == ParticipantStatus::Offered) {
        Coverage::Offered
    } else if parts
        .iter()
        .any(|p| p.status == ParticipantStatus::Declined)
    {
        Coverage::Declined
    } else {
        Coverage::NotOffered
    }
}

/// A participant of an interview.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Participant {
    /// Who.
    pub employee: EmployeeId,
    /// Their status.
    pub status: ParticipantStatus,
    /// Asked for an individual interview.
    pub wants_individual: bool,
}

/// What an interview is made of, as given: checked by [`Interview::new`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterviewFields {
    /// Its id.
    pub id: InterviewId,
    /// The HR system's id.
    pub external_id: Option<ExternalId>,
    /// The year it belongs to.
    pub year: i32,
    /// Individual or group.
    pub format: InterviewFormat,
    /// When it was offered.
    pub offered_on: Option<NaiveDate>,
    /// When it was held.
    pub held_on: Option<NaiveDate>,
    /// When it is to be held, once agreed (reminders to prepare count from it).
    pub scheduled_on: Option<NaiveDate>,
    /// The plan made or discussed there.
    pub plan_id: Option<PlanId>,
    /// The preparation guide version it was offered with, kept for good.
    pub guide_version: Option<GuideVersionId>,
    /// Who it was for, each with their status.
    pub participants: Vec<Participant>,
    /// Version and times.
    pub meta: Meta,
}

/// A development interview of a year, with everyone it was for: only made by [`Interview::new`],
/// so every one keeps the invariants. It reads as its fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interview(InterviewFields);

impl Interview {
    /// An interview from its fields, refused with every problem named when its year is out of
    /// range, it has no participant (or more than one, when individual), an employee is named
    /// twice, or it was offered or held outside its year.
    pub fn new(i: InterviewFields) -> Result<Self, Violations> {
        let mut v = Violations::new();
        if !(2000..=2100).contains(&i.year) {
            v.push(Violation::new(
                "year",
                FieldCode::OutOfRange,
                "must be between 2000 and 2100",
            ));
        }
        match (i.format, i.participants.len()) {
            (_, 0) => v.push(Violation::new(
                "participants",
                FieldCode::Required,
                "name who the interview is for",
            )),
            (InterviewFormat::Individual, n) if n > 1 => v.push(Violation::new(
                "participants",
                FieldCode::OneParticipant,
                "an individual interview is for one employee",
            )),
            _ => {}
        }
        let mut seen = std::collections::BTreeSet::new();
        for (n, p) in i.participants.iter().enumerate() {
            if !seen.insert(p.employee) {
                v.push(Violation::new(
                    format!("participants[{n}].employee_id"),
                    FieldCode::Duplicate,
                    "named twice",
                ));
            }
        }
        for (field, date) in [
            ("offered_on", i.offered_on),
            ("held_on", i.held_on),
            ("scheduled_on", i.scheduled_on),
        ] {
            if date.is_some_and(|d| d.year() != i.year) {
                v.push(Violation::new(
                    field,
                    FieldCode::OtherYear,
                    "must fall in the interview's year",
                ));
            }
        }
        v.finish(|| Some(Interview(i)))
    }

    /// Its fields, to change and check again.
    pub fn into_fields(self) -> InterviewFields {
        self.0
    }

    /// Everyone it names.
    pub fn people(&self) -> Vec<EmployeeId> {
        self.0.participants.iter().map(|p| p.employee).collect()
    }
}

impl std::ops::Deref for Interview {
    type Target = InterviewFields;

    fn deref(&self) -> &InterviewFields {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn fields(format: InterviewFormat, people: &[EmployeeId]) -> InterviewFields {
        InterviewFields {
            id: InterviewId::generate(),
            external_id: None,
            year: 2026,
            format,
            offered_on: Some(d("2026-02-01")),
            held_on: None,
            scheduled_on: None,
            plan_id: None,
            guide_version: None,
            participants: people
                .iter()
                .map(|e| Participant {
                    employee: *e,
                    status: ParticipantStatus::Offered,
                    wants_individual: false,
                })
                .collect(),
            meta: Meta::first(chrono::DateTime::UNIX_EPOCH),
        }
    }

    fn codes(f: InterviewFields) -> Vec<(String, &'static str)> {
        match Interview::new(f) {
            Ok(_) => Vec::new(),
            Err(v) => v
                .into_vec()
                .into_iter()
                .map(|v| (v.field, v.code.as_str()))
                .collect(),
        }
    }

    #[test]
    fn an_interview_is_made_only_with_its_invariants_kept_every_problem_named() {
        let (a, b) = (EmployeeId::generate(), EmployeeId::generate());
        assert_eq!(codes(fields(InterviewFormat::Group, &[a, b])), []);
        let made = Interview::new(fields(InterviewFormat::Individual, &[a])).unwrap();
        assert_eq!(made.people(), [a]);
        assert_eq!(
            codes(fields(InterviewFormat::Group, &[])),
            [("participants".to_owned(), "required")]
        );
        assert_eq!(
            codes(fields(InterviewFormat::Individual, &[a, b])),
            [("participants".to_owned(), "one_participant")]
        );
        let mut wrong = fields(InterviewFormat::Group, &[a, a]);
        wrong.year = 1999;
        wrong.held_on = Some(d("2026-05-01"));
        wrong.scheduled_on = Some(d("2027-01-02"));
        assert_eq!(
            codes(wrong),
            [
                ("year".to_owned(), "out_of_range"),
                ("participants[1].employee_id".to_owned(), "duplicate"),
                ("offered_on".to_owned(), "other_year"),
                ("held_on".to_owned(), "other_year"),
                ("scheduled_on".to_owned(), "other_year"),
            ]
        );
        let mut edge = fields(InterviewFormat::Individual, &[a]);
        edge.year = 2100;
        edge.offered_on = Some(d("2100-12-31"));
        assert_eq!(codes(edge.clone()), []);
        edge.year = 2000;
        edge.offered_on = Some(d("2000-01-01"));
        assert_eq!(codes(edge), []);
    }
}
