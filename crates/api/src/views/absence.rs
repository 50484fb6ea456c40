//! An absence as the API shows it.

use chrono::{DateTime, NaiveDate, Utc};
use devplan_domain::followup::{Absence, AbsenceKind};
use devplan_domain::text::ExternalId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// Why someone is away.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = AbsenceKind)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Barsel.
    ParentalLeave,
    /// Længerevarende sygdom.
    LongTermIllness,
    /// Another long absence.
    Other,
}

impl From<Kind> for AbsenceKind {
    fn from(k: Kind) -> Self {
        match k {
            Kind::ParentalLeave => AbsenceKind::ParentalLeave,
            Kind::LongTermIllness => AbsenceKind::LongTermIllness,
            Kind::Other => AbsenceKind::Other,
        }
    }
}

impl From<AbsenceKind> for Kind {
    fn from(k: AbsenceKind) -> Self {
        match k {
            AbsenceKind::ParentalLeave => Kind::ParentalLeave,
            AbsenceKind::LongTermIllness => Kind::LongTermIllness,
            AbsenceKind::Other => Kind::Other,
        }
    }
}

/// An absence.
#[derive(Debug, Serialize, ToSchema)]
pub struct AbsenceOut {
    /// Its id.
    pub id: Uuid,
    /// The HR system's id.
    pub external_id: Option<String>,
    /// Who is away.
    pub employee_id: Uuid,
    /// Why.
    pub kind: Kind,
    /// First day away.
    pub starts_on: NaiveDate,
    /// Last day away; null while open.
    pub ends_on: Option<NaiveDate>,
    /// Version, also sent as `ETag`.
    pub version: i64,
    /// When created.
    pub created_at: DateTime<Utc>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<Absence> for AbsenceOut {
    fn from(a: Absence) -> Self {
        AbsenceOut {
            id: a.id.uuid(),
            external_id: a.external_id.map(ExternalId::into_string),
            employee_id: a.employee_id.uuid(),
            kind: a.kind.into(),
            starts_on: a.dates.starts_on(),
            ends_on: a.dates.ends_on(),
            version: a.meta.version,
            created_at: a.meta.created_at,
            updated_at: a.meta.updated_at,
        }
    }
}
