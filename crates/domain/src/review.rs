//! The yearly stock-taking (gøre status) of employer and local representative, and the
//! escalation when they disagree (Protokollat 2 § 3 stk. 3), as pure rules.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::text::LongText;
use crate::{EmployeeId, FieldCode, ProblemCode, Violation};

/// A side of the stock-taking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// The employer: a manager of the unit, or HR.
    Employer,
    /// The union's local representative of the unit.
    Representative,
}

/// One side's contribution.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    /// Their notes.
    pub notes: Option<LongText>,
    /// Whether they find the agreement honoured; none until they say.
    pub agrees: Option<bool>,
}

/// An escalation to the agreement parties for a renewed local discussion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Escalation {
    /// Which side escalated.
    pub by_side: Side,
    /// Who.
    pub by: Option<EmployeeId>,
    /// When.
    pub at: DateTime<Utc>,
    /// Why.
    pub reason: LongText,
    /// When the renewed local discussion was held.
    pub renewed_on: Option<NaiveDate>,
    /// What it came to.
    pub outcome: Option<LongText>,
}

/// The parts of a review that change after it is created.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewState {
    /// The employer's position.
    pub employer: Position,
    /// The representative's position.
    pub representative: Position,
    /// The escalation, if any.
    pub escalation: Option<Escalation>,
}

/// Why a review refuses a change: a conflict with its state (409), or bad input (422).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReviewError {
    /// Neither side finds the agreement not honoured.
    #[error("a review is escalated only when a side finds the agreement not honoured")]
    NoDisagreement,
    /// It is escalated already.
    #[error("the review is already escalated")]
    AlreadyEscalated,
    /// It was never escalated.
    #[error("only an escalated review has a renewed discussion")]
    NotEscalated,
    /// A field breaks a rule.
    #[error("{}", .0.message)]
    Invalid(Violation),
}

impl ReviewError {
    /// The problem's code: a conflict with the review's state, or bad input.
    pub fn code(&self) -> ProblemCode {
        match self {
            ReviewError::NoDisagreement => ProblemCode::NoDisagreement,
            ReviewError::AlreadyEscalated => ProblemCode::AlreadyEscalated,
            ReviewError::NotEscalated => ProblemCode::NotEscalated,
            ReviewError::Invalid(_) => ProblemCode::ValidationFailed,
        }
    }
}

impl ReviewState {
    /// Whether the two sides have said they disagree: one finds the agreement not honoured.
    pub fn disagreement(&self) -> bool {
        self.employer.agrees == Some(false) || self.representative.agrees == Some(false)
    }

    /// Records one side's notes and view.
    pub fn take_position(&mut self, side: Side, position: Position) {
        match side {
            Side::Employer => self.employer = position,
            Side::Representative => self.representative = position,
        }
    }

    /// Escalates: only after a disagreement, and only once.
    pub fn escalate(
        &mut self,
        side: Side,
        by: Option<EmployeeId>,
        reason: LongText,
        at: DateTime<Utc>,
    ) -> Result<(), ReviewError> {
        if !self.disagreement() {
            return Err(ReviewError::NoDisagreement);
        }
        if self.escalation.is_some() {
            return Err(ReviewError::AlreadyEscalated);
        }
        self.escalation = Some(Escalation {
            by_side: side,
            by,
            at,
            reason,
            renewed_on: None,
            outcome: None,
        });
        Ok(())
    }

    /// Records the renewed local discussion after an escalation.
    pub fn record_outcome(
        &mut self,
        renewed_on: NaiveDate,
        outcome: LongText,
    ) -> Result<(), ReviewError> {
        let escalation = self.escalation.as_mut().ok_or(ReviewError::NotEscalated)?;
        if renewed_on < crate::clock::local_date(escalation.at) {
            return Err(ReviewError::Invalid(Violation::new(
                "renewed_on",
                FieldCode::BeforeEscalation,
                "must not be before the escalation",
            )));
        }
        escalation.renewed_on = Some(renewed_on);
        escalation.outcome = Some(outcome);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-03-01T09:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn text(s: &str) -> LongText {
        LongText::parse("text", s).unwrap()
    }

    #[test]
    fn a_review_is_escalated_only_after_a_disagreement_and_once() {
        let mut r = ReviewState::default();
        assert_eq!(
            r.escalate(Side::Representative, None, text("x"), at()),
            Err(ReviewError::NoDisagreement)
        );
        assert_eq!(
            ReviewError::NoDisagreement.code(),
            ProblemCode::NoDisagreement
        );
        r.take_position(
            Side::Employer,
            Position {
                notes: None,
                agrees: Some(true),
            },
        );
        r.take_position(
            Side::Representative,
            Position {
                notes: Some(text("For få planer")),
                agrees: Some(false),
            },
        );
        assert!(r.disagreement());
        r.escalate(
            Side::Representative,
            None,
            text("Aftalen overholdes ikke"),
            at(),
        )
        .unwrap();
        assert_eq!(
            r.escalate(Side::Employer, None, text("x"), at()),
            Err(ReviewError::AlreadyEscalated)
        );
        assert_eq!(
            ReviewError::AlreadyEscalated.code(),
            ProblemCode::AlreadyEscalated
        );
    }

    #[test]
    fn the_renewed_discussion_follows_the_escalation() {
        let mut r = ReviewState::default();
        let day = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(
            r.record_outcome(day("2026-04-01"), text("x")),
            Err(ReviewError::NotEscalated)
        );
        r.take_position(
            Side::Employer,
            Position {
                notes: None,
                agrees: Some(false),
            },
        );
        r.escalate(Side::Employer, None, text("Uenighed"), at())
            .unwrap();
        let early = r.record_outcome(day("2026-02-01"), text("x")).unwrap_err();
        assert_eq!(early.code(), ProblemCode::ValidationFailed);
        assert!(matches!(early, ReviewError::Invalid(v) if v.code == FieldCode::BeforeEscalation));
        r.record_outcome(day("2026-04-01"), text("Enighed om handlingsplan"))
            .unwrap();
        assert_eq!(r.escalation.unwrap().renewed_on, Some(day("2026-04-01")));
    }

    #[test]
    fn the_renewed_discussion_may_be_held_the_day_of_the_escalation() {
        let mut r = ReviewState::default();
        r.take_position(
            Side::Representative,
            Position {
                notes: None,
                agrees: Some(false),
            },
        );
        r.escalate(Side::Representative, None, text("Uenighed"), at())
            .unwrap();
        assert_eq!(
            r.record_outcome(at().date_naive(), text("Samme dag")),
            Ok(())
        );
    }
}
