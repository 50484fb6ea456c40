//! Rows of `preparations`.

use sea_orm::entity::prelude::*;

super::without_relations!();

/// One row of `preparations`: the answers are the domain's `Answers` as JSON.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "preparations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub interview_id: Uuid,
    pub writer_id: Uuid,
    pub side: String,
    pub guide_version_id: Uuid,
    pub answers: String,
    pub shared_at: Option<DateTimeUtc>,
    pub version: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}
