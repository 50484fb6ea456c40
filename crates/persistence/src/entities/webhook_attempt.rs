//! Rows of `webhook_attempts`.

use sea_orm::entity::prelude::*;

super::without_relations!();

/// One attempt to deliver.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_attempts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub delivery_id: Uuid,
    pub attempt: i32,
    pub attempted_at: DateTimeUtc,
    pub status: Option<i32>,
    pub error: Option<String>,
    pub duration_ms: i32,
}
