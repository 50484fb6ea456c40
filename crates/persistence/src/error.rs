//! The persistence layer's one error type.

use devplan_domain::{ProblemCode, Violations};
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
        code: ProblemCode,
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
    /// A statement ran past its class's limit and the database cancelled it.
    #[error("a statement ran past its time limit and was cancelled")]
    TimedOut,
    /// The database failed.
    #[error("database error: {0}")]
    Database(DbErr),
}

impl From<DbErr> for StoreError {
    fn from(err: DbErr) -> Self {
        if let Some(SqlErr::UniqueConstraintViolation(_)) = err.sql_err() {
            // Two writers inserted the same key at once, and the second lost: no client
            // input can be a server error.
            return StoreError::Conflict {
                code: ProblemCode::Duplicate,
                message: "a record with the same key was saved at the same moment; read it \
                          and retry"
                    .to_owned(),
            };
        }
        match err {
            DbErr::ConnectionAcquire(sea_orm::error::ConnAcquireErr::Timeout) => {
                ACQUIRE_TIMEOUTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                StoreError::Busy
            }
            other => match sqlstate(&other).as_deref() {
                // A deadlock or serialisation failure: PostgreSQL rolled the transaction
                // back, and the same request sent again succeeds.
                Some("40P01" | "40001") => StoreError::Busy,
                // query_canceled: only the statement limit cancels our statements.
                Some("57014") => StoreError::TimedOut,
                _ => StoreError::Database(other),
            },
        }
    }
}

/// How many times, in this process, a request waited for a database connection until it
/// gave up: the pool's queue overflowing (sqlx does not tell how many wait).
static ACQUIRE_TIMEOUTS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// The waits for a connection that timed out in this process so far.
pub fn acquire_timeouts() -> u64 {
    ACQUIRE_TIMEOUTS.load(std::sync::atomic::Ordering::Relaxed)
}

/// The SQLSTATE of a database's refusal, if that is what `err` is.
fn sqlstate(err: &DbErr) -> Option<String> {
    let runtime = match err {
        DbErr::Exec(e) | DbErr::Query(e) | DbErr::Conn(e) => e,
        _ => return None,
    };
    match runtime {
        sea_orm::RuntimeErr::SqlxError(e) => e
            .as_database_error()
            .and_then(|db| db.code())
            .map(|code| code.into_owned()),
        _ => None,
    }
}

impl StoreError {
    /// A unique-key violation becomes a conflict on `field`; anything else stays a database error.
    pub(crate) fn from_write(err: DbErr, field: &str) -> Self {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => StoreError::Conflict {
                code: ProblemCode::DuplicateExternalId,
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
