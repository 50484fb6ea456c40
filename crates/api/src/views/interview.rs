//! A development interview as the API shows it.

use chrono::{DateTime, NaiveDate, Utc};
use devplan_domain::followup::Interview;
use devplan_domain::interview::{InterviewFormat, ParticipantStatus};
use devplan_domain::{EmployeeId, GuideVersionId, PlanId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// Alone or with a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = InterviewFormat)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// One employee with the manager.
    Individual,
    /// A group or team at once (GRUS/TUS).
    Group,
}

impl From<Format> for InterviewFormat {
    fn from(f: Format) -> Self {
        match f {
            Format::Individual => InterviewFormat::Individual,
            Format::Group => InterviewFormat::Group,
        }
    }
}

/// Offered, held or declined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = ParticipantStatus)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Offered, not yet held.
    Offered,
    /// Held.
    Held,
    /// Declined.
    Declined,
}

impl From<Status> for ParticipantStatus {
    fn from(s: Status) -> Self {
        match s {
            Status::Offered => ParticipantStatus::Offered,
            Status::Held => ParticipantStatus::Held,
            Status::Declined => ParticipantStatus::Declined,
        }
    }
}

impl From<ParticipantStatus> for Status {
    fn from(s: ParticipantStatus) -> Self {
        match s {
            ParticipantStatus::Offered => Status::Offered,
            ParticipantStatus::Held => Status::Held,
            ParticipantStatus::Declined => Status::Declined,
        }
    }
}

/// One employee's part in an interview.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ParticipantIo {
    /// The employee.
    #[schema(value_type = Uuid)]
    pub employee_id: EmployeeId,
    /// Offered, held or declined for them.
    pub status: Status,
    /// They asked for an individual interview: they stay on the coverage list until they have had one.
    #[serde(default)]
    pub wants_individual: bool,
}

/// A development interview.
#[derive(Debug, Serialize, ToSchema)]
pub struct InterviewOut {
    /// Its id.
    pub id: Uuid,
    /// The year it belongs to.
    pub year: i32,
    /// Individual or group.
    pub format: Format,
    /// When it was offered.
    pub offered_on: Option<NaiveDate>,
    /// When it was held.
    pub held_on: Option<NaiveDate>,
    /// When it is to be held.
    pub scheduled_on: Option<NaiveDate>,
    /// The plan made or discussed there.
    pub plan_id: Option<Uuid>,
    /// The preparation guide version it was offered with (kept for good); null when none
    /// applied then.
    pub guide_version_id: Option<Uuid>,
    /// Who it was for.
    pub participants: Vec<ParticipantIo>,
    /// Version, also sent as `ETag`.
    pub version: i64,
    /// When created.
    pub created_at: DateTime<Utc>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
}

/// The wire value of a format.
pub fn format_out(f: InterviewFormat) -> Format {
    match f {
        InterviewFormat::Individual => Format::Individual,
        InterviewFormat::Group => Format::Group,
    }
}

impl From<Interview> for InterviewOut {
    fn from(i: Interview) -> Self {
        let i = i.into_fields();
        InterviewOut {
            id: i.id.uuid(),
            year: i.year,
            format: format_out(i.format),
            offered_on: i.offered_on,
            held_on: i.held_on,
            scheduled_on: i.scheduled_on,
            plan_id: i.plan_id.map(PlanId::uuid),
            guide_version_id: i.guide_version.map(GuideVersionId::uuid),
            participants: i
                .participants
                .into_iter()
                .map(|p| ParticipantIo {
                    employee_id: p.employee,
                    status: p.status.into(),
                    wants_individual: p.wants_individual,
                })
                .collect(),
            version: i.meta.version,
            created_at: i.meta.created_at,
            updated_at: i.meta.updated_at,
        }
    }
}
