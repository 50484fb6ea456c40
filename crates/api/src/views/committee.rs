//! A committee's level on the wire.

use devplan_domain::org::CommitteeLevel;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A committee's level.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[schema(as = CommitteeLevel)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Lokal-MED.
    Local,
    /// Sektor-MED.
    Sector,
    /// Hoved-MED / HMU.
    Main,
}

impl From<Level> for CommitteeLevel {
    fn from(l: Level) -> Self {
        match l {
            Level::Local => CommitteeLevel::Local,
            Level::Sector => CommitteeLevel::Sector,
            Level::Main => CommitteeLevel::Main,
        }
    }
}

impl From<CommitteeLevel> for Level {
    fn from(l: CommitteeLevel) -> Self {
        match l {
            CommitteeLevel::Local => Level::Local,
            CommitteeLevel::Sector => Level::Sector,
            CommitteeLevel::Main => Level::Main,
        }
    }
}
