//! Optimistic concurrency: every record carries a version; a write names the version it read.

use devplan_domain::ProblemCode;
use sea_orm::{
    ConnectionTrait, DatabaseBackend, DatabaseTransaction, EntityTrait, PrimaryKeyTrait,
    QuerySelect, UpdateResult,
};

use crate::StoreError;

/// Locks a record's row until the transaction ends, before it is read for a change: writers
/// of one record take turns, so a write without `If-Match` applies to the latest state and a
/// write with it is compared with the stored version. SQLite has a single writer already.
pub(crate) async fn lock_row<E: EntityTrait>(
    txn: &DatabaseTransaction,
    id: impl Into<<E::PrimaryKey as PrimaryKeyTrait>::ValueType>,
) -> Result<(), StoreError> {
    if txn.get_database_backend() == DatabaseBackend::Postgres {
        E::find_by_id(id).lock_exclusive().one(txn).await?;
    }
    Ok(())
}

/// Refuses a write whose `If-Match` version is not the stored one.
pub(crate) fn check_version(current: i64, expected: Option<i64>) -> Result<(), StoreError> {
    match expected {
        Some(v) if v != current => Err(StoreError::VersionMismatch { current }),
        _ => Ok(()),
    }
}

/// Refuses an `UPDATE … WHERE version = expected` that touched no row. Writers lock the row
/// before reading it ([`lock_row`]), so this is a writer that did not: the client may retry.
pub(crate) fn ensure_updated(result: &UpdateResult) -> Result<(), StoreError> {
    if result.rows_affected == 0 {
        Err(StoreError::Conflict {
            code: ProblemCode::ConcurrentWrite,
            message: "another change to this record was saved at the same moment; read it \
                      again and retry"
                .to_owned(),
        })
    } else {
        Ok(())
    }
}
