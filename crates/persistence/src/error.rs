//! The persistence layer's one error type.

use devplan_domain::Violations;
use sea_orm::{DbErr, SqlErr};

/// Why a storage call failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The record does not exist.
    #[error("not found")]
    NotFound,
    /// The caller's `If-Match` version is not the stored one.
    #[error("stale version: the stored version is {current}")]
    VersionMismatch {
        /// The version now stored.
        current: i64,
    },
    /// The input refers to records that do not exist or breaks a rule that needs the stored data.
    #[error("invalid input")]
    Invalid(Violations),
    /// The input collides with a stored record (a taken external id, an overlapping period).
    #[error("conflict: {message}")]
    Conflict {
        /// Stable machine code.
        code: &'static str,
        /// For humans.
        message: String,
    },
    /// The plan's rules refuse the change.
    #[error("{0}")]
    Plan(#[from] devplan_domain::plan::PlanError),
    /// A stored value no longer passes the domain's rules: a bug or tampering, never the client's fault.
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// No database connection came free in time: the service is overloaded, not broken.
    #[error("no database connection came free in time")]
    Busy,
    /// The database failed.
    #[error("database error: {0}")]
    Database(DbErr),
}

impl From<DbErr> for StoreError {
    fn from(err: DbErr) -> Self {
        match err {
            DbErr::ConnectionAcquire(sea_orm::error::ConnAcquireErr::Timeout) => StoreError::Busy,
            other => StoreError::Database(other),
        }
    }
}

impl StoreError {
    /// A unique-key violation becomes a conflict on `field`; anything else stays a database error.
    pub(crate) fn from_write(err: DbErr, field: &str) -> Self {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => StoreError::Conflict {
                code: "duplicate_external_id",
                message: format!("{field} is already used by another record"),
            },
            _ => StoreError::Database(err),
        }
    }

    /// A stored value that fails to parse.
    pub(crate) fn corrupt(what: impl std::fmt::Display) -> Self {
        StoreError::Corrupt(what.to_string())
    }
}
