//! Storage of devplan: sea-orm entities and the repositories that map rows to domain types.
//! Every write runs in one database transaction, so that the change feed and the audit log
//! can later be written in that same transaction.

mod absences;
mod audit;
mod bulk;
mod calendar;
mod catalogue;
mod committee_records;
mod committees;
pub mod context;
mod employees;
mod entities;
mod erasure;
mod error;
mod events;
mod feed_reach;
mod followups;
mod guides;
mod idempotency;
mod interviews;
mod page;
mod periods;
mod placements;
mod plans;
mod preparations;
mod projection;
mod reach;
mod reminders;
mod reviews;
mod settings;
mod status;
mod store;
mod sync;
mod tasks;
mod units;
mod version;
mod webhooks;

pub use audit::{AuditEntry, AuditFilter};
pub use catalogue::CatalogueFilter;
pub use employees::EmployeeScope;
pub use erasure::{ERASED_NAME, Erasure};
pub use error::{StoreError, acquire_timeouts};
pub use events::{EVENT_TYPES, EventScope, FeedRead, StoredEvent, is_event_selector};
pub use idempotency::{KeptResponse, KeyClaim};
pub use page::{Page, PageRequest};
pub use plans::{PlanFilter, PlanScope};
pub use preparations::PreparationWrite;
pub use reviews::StoredReview;
pub use status::{CellsBy, StatusCell, StatusPeriod};
pub use store::{StatementClass, StatementLimits, Store, StoreOptions, TlsMode};
pub use sync::SyncReport;
pub use tasks::TaskReach;
pub use units::UnitHeadcount;
pub use webhooks::{
    AttemptOutcome, ClaimedDelivery, EndpointSettings, StoredAttempt, StoredDelivery,
    WebhookEndpoint,
};
