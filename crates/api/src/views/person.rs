//! An employee as a named list shows them.

use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// The employee an item concerns.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = WorkItemPerson)]
pub struct Person {
    /// Their id.
    pub id: Uuid,
    /// Their name.
    pub name: String,
    /// Their unit.
    pub unit_id: Uuid,
}
