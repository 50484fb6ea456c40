//! What every handler shares, built one way from the parsed configuration. It sits at the
//! bottom of the crate: routes, services and the policy depend on it, and it depends on none
//! of them but the identity cache's type.

use std::collections::HashSet;
use std::sync::Arc;

use devplan_persistence::Store;

use crate::admission::Admission;
use crate::auth::Verifier;
use crate::clock::Clock;
use crate::config::Config;
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
    pub heavy: Arc<Admission>,
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
    /// How often reminders are looked for; none: never, on this instance.
    pub reminder_round: Option<std::time::Duration>,
    /// When each kind of reminder is raised.
    pub reminder_leads: devplan_domain::reminders::LeadTimes,
}

impl AppState {
    /// The state `settings` describe, over `store`, checking tokens with `verifier` and telling
    /// the time by `clock`: what `serve`, `demo` and the tests run with.
    pub fn new(settings: &Config, store: Store, verifier: Verifier, clock: Arc<dyn Clock>) -> Self {
        let days = |n: u32| chrono::Duration::days(n.into());
        Self {
            store,
            verifier,
            service_subjects: settings.service_subjects.iter().cloned().collect(),
            clock,
            heavy: Arc::new(Admission::new(
                settings.heavy_concurrency,
                settings.heavy_queue,
            )),
            idempotency_ttl: chrono::Duration::hours(settings.idempotency_ttl_hours.into()),
            event_retention: days(settings.event_retention_days),
            audit_retention_days: settings.audit_retention_days,
            retention_after_leaving: days(settings.retention_after_leaving_days),
            webhook_hosts: settings.webhook_hosts.clone(),
            identities: Arc::default(),
            reminder_round: (settings.reminder_round_seconds > 0)
                .then(|| std::time::Duration::from_secs(settings.reminder_round_seconds.into())),
            reminder_leads: devplan_domain::reminders::LeadTimes {
                annual_follow_up_days: settings.reminder_annual_days,
                signature_waiting_days: settings.reminder_signature_days,
                interview_days: settings.reminder_interview_days,
                status_review_days_before_year_end: settings.reminder_review_days_before_year_end,
                ..devplan_domain::reminders::LeadTimes::default()
            },
        }
    }
}
