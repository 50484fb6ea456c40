//! Rows of `events`: the change feed.

use sea_orm::entity::prelude::*;

super::without_relations!();

/// One change, numbered in commit order.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub seq: i64,
    pub id: Uuid,
    pub event_type: String,
    pub resource: String,
    pub resource_id: Uuid,
    pub occurred_at: DateTimeUtc,
    pub actor_subject: Option<String>,
    pub actor_employee_id: Option<Uuid>,
    pub request_id: Option<String>,
    pub version: Option<i64>,
    pub employee_id: Option<Uuid>,
    pub plan_id: Option<Uuid>,
    pub unit_id: Option<Uuid>,
    pub data: String,
}
