//! An audit log entry as the API shows it.

use chrono::{DateTime, Utc};
use devplan_persistence::AuditEntry;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// One entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditOut {
    /// Its place: pass it as `after` to read on.
    pub cursor: String,
    /// When.
    pub at: DateTime<Utc>,
    /// The token subject that acted (null: the service itself).
    pub actor: Option<String>,
    /// The employee who acted.
    pub actor_employee_id: Option<Uuid>,
    /// The roles the token acted in, comma-separated.
    pub actor_roles: Option<String>,
    /// `read` or `write`.
    pub action: String,
    /// `plan`, `absence`, `interview`, or for writes the changed record's kind.
    pub object: String,
    /// Its id.
    pub object_id: Uuid,
    /// Whose data it is.
    pub employee_id: Option<Uuid>,
    /// The request (its `X-Request-Id`).
    pub request_id: Option<String>,
    /// For a write, the change (`plan.signed`, …).
    pub detail: Option<String>,
}

impl From<AuditEntry> for AuditOut {
    fn from(e: AuditEntry) -> Self {
        Self {
            cursor: e.seq.to_string(),
            at: e.at,
            actor: e.actor_subject,
            actor_employee_id: e.actor_employee_id,
            actor_roles: e.actor_roles,
            action: e.action,
            object: e.object,
            object_id: e.object_id,
            employee_id: e.subject_employee_id,
            request_id: e.request_id,
            detail: e.detail,
        }
    }
}
