//! Optimistic concurrency: every record carries a version; a write names the version it read.

use sea_orm::UpdateResult;

use crate::StoreError;

/// Refuses a write whose `If-Match` version is not the stored one.
pub(crate) fn check_version(current: i64, expected: Option<i64>) -> Result<(), StoreError> {
    match expected {
        Some(v) if v != current => Err(StoreError::VersionMismatch { current }),
        _ => Ok(()),
    }
}

/// Turns an `UPDATE … WHERE version = expected` that touched no row into a version mismatch:
/// another writer got there between our read and our write.
pub(crate) fn ensure_updated(result: &UpdateResult, expected: i64) -> Result<(), StoreError> {
    if result.rows_affected == 0 {
        Err(StoreError::VersionMismatch {
            current: expected + 1,
        })
    } else {
        Ok(())
    }
}
