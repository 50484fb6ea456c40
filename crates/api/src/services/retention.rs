//! Erasure of those who left longer ago than the retention: run hourly by every instance and
//! by `devplan retention`. Safe at once on several instances: each erasure locks its employee
//! and does nothing to someone already erased.

use chrono::{DateTime, Utc};
use devplan_persistence::{Store, StoreError};

/// How many are erased per round of the store's list.
const BATCH: u64 = 100;

/// Erases everyone who left before `left_before`; how many were erased.
pub async fn erase_due(store: &Store, left_before: DateTime<Utc>) -> Result<u64, StoreError> {
    let mut erased = 0;
    loop {
        let due = store.due_for_erasure(left_before, BATCH).await?;
        if due.is_empty() {
            return Ok(erased);
        }
        let mut progressed = false;
        for id in due {
            match store.erase_employee(id).await {
                Ok(e) => {
                    erased += u64::from(e.erased_now);
                    progressed = true;
                }
                // Taken back on since they were listed: not theirs to erase.
                Err(StoreError::Conflict { .. }) | Err(StoreError::NotFound) => {}
                Err(e) => return Err(e),
            }
        }
        if !progressed {
            return Ok(erased);
        }
    }
}
