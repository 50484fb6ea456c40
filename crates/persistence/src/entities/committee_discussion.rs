//! Rows of `committee_discussions`.

use sea_orm::entity::prelude::*;

super::without_relations!();

/// One discussion of a committee.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "committee_discussions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub committee_id: Uuid,
    pub topic: String,
    pub held_on: Date,
    #[sea_orm(column_type = "Text")]
    pub summary: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub decisions: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub snapshot: Option<String>,
    pub created_at: DateTimeUtc,
}
