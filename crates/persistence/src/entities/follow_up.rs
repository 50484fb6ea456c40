//! Rows of `follow_ups`.

use sea_orm::entity::prelude::*;

super::without_relations!();

/// One row of `follow_ups`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "follow_ups")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub plan_id: Uuid,
    pub kind: String,
    pub held_on: Date,
    #[sea_orm(column_type = "Text")]
    pub participants: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub notes: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub progress: String,
    pub outcome: String,
    pub recorded_by: Uuid,
    pub created_at: DateTimeUtc,
}
