//! What every handler shares. It sits at the bottom of the crate: routes, services and the
//! policy depend on it, and it depends on none of them but the identity cache's type.

use std::collections::HashSet;
use std::sync::Arc;

use devplan_persistence::Store;

use crate::auth::Verifier;
use crate::clock::Clock;
use crate::gate::Gate;
use crate::policy::Identities;

/// What every handler shares.
pub struct AppState {
    /// The database.
    pub store: Store,
    /// Token verification.
    pub verifier: Verifier,
    /// Subjects of integration clients that act as HR without being employees.
    pub service_subjects: HashSet<String>,
    /// What time it is.
    pub clock: Arc<dyn Clock>,
    /// Admission to expensive requests.
    pub heavy: Arc<Gate>,
    /// How long an idempotency key and its first response are kept.
    pub idempotency_ttl: chrono::Duration,
    /// How long the change feed keeps an event.
    pub event_retention: chrono::Duration,
    /// How long audit log entries are kept, in days.
    pub audit_retention_days: u32,
    /// How long after leaving an employee is erased.
    pub retention_after_leaving: chrono::Duration,
    /// The hosts webhooks may be delivered to; empty: any `https://` host.
    pub webhook_hosts: Vec<String>,
    /// Recently resolved callers.
    pub identities: Arc<Identities>,
}
