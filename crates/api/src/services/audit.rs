//! Recording reads of people's data in the audit log, before the response that shows it is
//! sent: a read that cannot be recorded is not served.

use devplan_domain::followup::{Absence, Interview};
use devplan_domain::plan::Plan;
use devplan_persistence::Store;

use crate::error::ApiError;

/// The caller read these plans' content: an entry for each member but the caller.
pub async fn plans_read(store: &Store, plans: &[Plan]) -> Result<(), ApiError> {
    let read: Vec<_> = plans
        .iter()
        .map(|p| (p.id.uuid(), p.members.clone()))
        .collect();
    Ok(store.record_reads("plan", &read).await?)
}

/// The caller read these absences.
pub async fn absences_read(store: &Store, absences: &[Absence]) -> Result<(), ApiError> {
    let read: Vec<_> = absences
        .iter()
        .map(|a| (a.id.uuid(), vec![a.employee_id]))
        .collect();
    Ok(store.record_reads("absence", &read).await?)
}

/// The caller read these interviews: an entry for each participant but the caller.
pub async fn interviews_read(store: &Store, interviews: &[Interview]) -> Result<(), ApiError> {
    let read: Vec<_> = interviews
        .iter()
        .map(|i| {
            (
                i.id.uuid(),
                i.participants.iter().map(|p| p.employee).collect(),
            )
        })
        .collect();
    Ok(store.record_reads("interview", &read).await?)
}
