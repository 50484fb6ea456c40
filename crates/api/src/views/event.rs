//! An event of the change feed as the feed and webhooks publish it.

use chrono::{DateTime, Utc};
use devplan_persistence::StoredEvent;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// Who made a change.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActorOut {
    /// The token's subject.
    pub subject: String,
    /// The employee, when an employee made it.
    pub employee_id: Option<Uuid>,
}

/// One change.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventOut {
    /// Its place in the feed: pass it as `after` to read the events after it.
    pub cursor: String,
    /// Its id; the same as `webhook-id` when it is delivered to a webhook.
    pub id: Uuid,
    /// `<resource>.<what happened>`, e.g. `plan.signed`.
    #[serde(rename = "type")]
    #[schema(rename = "type")]
    pub event_type: String,
    /// The kind of object: `plan`, `employee`, `follow_up`, `absence`, …
    pub resource: String,
    /// The object's id.
    pub resource_id: Uuid,
    /// When the change was made.
    pub occurred_at: DateTime<Utc>,
    /// Who made it (HR only; null for the service itself).
    pub actor: Option<ActorOut>,
    /// The request that made it (HR only).
    pub request_id: Option<String>,
    /// The object's version (a plan's revision) after the change.
    pub version: Option<i64>,
    /// The object's state after the change (HR only; others read the object at its URL,
    /// which shows what their role may see).
    #[schema(value_type = Option<Object>)]
    pub data: Option<Box<serde_json::value::RawValue>>,
}

/// An event as it is published.
pub fn event_out(e: StoredEvent) -> EventOut {
    EventOut {
        cursor: e.seq.to_string(),
        id: e.id,
        event_type: e.event_type,
        resource: e.resource,
        resource_id: e.resource_id,
        occurred_at: e.occurred_at,
        actor: e.actor_subject.map(|subject| ActorOut {
            subject,
            employee_id: e.actor_employee_id,
        }),
        request_id: e.request_id,
        version: e.version,
        data: e.data,
    }
}
