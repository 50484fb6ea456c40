//! A follow-up as the API shows it, and the parts it shares with the one recorded.

use chrono::{DateTime, NaiveDate, Utc};
use devplan_domain::GoalId;
use devplan_domain::followup::{FollowUpKind, StoredFollowUp};
use devplan_domain::plan::{Outcome, Verdict};
use devplan_domain::text::{LongText, Name};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// Annual, special or ad hoc.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = FollowUpKind)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// The yearly follow-up.
    Annual,
    /// After a long absence.
    Special,
    /// Any other time.
    AdHoc,
}

impl From<Kind> for FollowUpKind {
    fn from(k: Kind) -> Self {
        match k {
            Kind::Annual => FollowUpKind::Annual,
            Kind::Special => FollowUpKind::Special,
            Kind::AdHoc => FollowUpKind::AdHoc,
        }
    }
}

impl From<FollowUpKind> for Kind {
    fn from(k: FollowUpKind) -> Self {
        match k {
            FollowUpKind::Annual => Kind::Annual,
            FollowUpKind::Special => Kind::Special,
            FollowUpKind::AdHoc => Kind::AdHoc,
        }
    }
}

/// What the follow-up decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = FollowUpOutcome)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeIn {
    /// Go on as agreed.
    Continued,
    /// Change the plan: a new version opens, to be signed.
    Adjusted,
    /// End the plan.
    Closed,
}

impl From<OutcomeIn> for Outcome {
    fn from(o: OutcomeIn) -> Self {
        match o {
            OutcomeIn::Continued => Outcome::Continued,
            OutcomeIn::Adjusted => Outcome::Adjusted,
            OutcomeIn::Closed => Outcome::Closed,
        }
    }
}

impl From<Outcome> for OutcomeIn {
    fn from(o: Outcome) -> Self {
        match o {
            Outcome::Continued => OutcomeIn::Continued,
            Outcome::Adjusted => OutcomeIn::Adjusted,
            Outcome::Closed => OutcomeIn::Closed,
        }
    }
}

/// Progress on one goal.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgressIo {
    /// The goal of the plan.
    #[schema(value_type = Uuid)]
    pub goal_id: GoalId,
    /// How it stands.
    #[schema(value_type = Option<crate::text_schema::LongTextText>)]
    pub note: Option<String>,
    /// A verdict, if reached.
    #[schema(value_type = Option<Verdict>, example = "partly_achieved")]
    pub verdict: Option<Verdict>,
}

/// A follow-up as recorded.
#[derive(Debug, Serialize, ToSchema)]
pub struct FollowUpOut {
    /// Its id.
    pub id: Uuid,
    /// The plan.
    pub plan_id: Uuid,
    /// Annual, special or ad hoc.
    pub kind: Kind,
    /// The day held.
    pub held_on: NaiveDate,
    /// Who took part.
    pub participants: Vec<String>,
    /// What was said.
    pub notes: Option<String>,
    /// Progress per goal.
    pub progress: Vec<ProgressIo>,
    /// What was decided.
    pub outcome: OutcomeIn,
    /// Who recorded it.
    pub recorded_by: Uuid,
    /// When.
    pub recorded_at: DateTime<Utc>,
}

impl From<StoredFollowUp> for FollowUpOut {
    fn from(f: StoredFollowUp) -> Self {
        FollowUpOut {
            id: f.id.uuid(),
            plan_id: f.plan_id.uuid(),
            kind: f.record.kind.into(),
            held_on: f.record.held_on,
            participants: f
                .record
                .participants
                .into_iter()
                .map(Name::into_string)
                .collect(),
            notes: f.record.notes.map(LongText::into_string),
            progress: f
                .record
                .progress
                .into_iter()
                .map(|p| ProgressIo {
                    goal_id: p.goal_id,
                    note: p.note.map(LongText::into_string),
                    verdict: p.verdict,
                })
                .collect(),
            outcome: f.record.outcome.into(),
            recorded_by: f.recorded_by.uuid(),
            recorded_at: f.recorded_at,
        }
    }
}
