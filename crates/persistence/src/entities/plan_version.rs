//! Rows of `plan_versions`.

use sea_orm::entity::prelude::*;

super::without_relations!();

/// One row of `plan_versions`: a version frozen when it was agreed.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "plan_versions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub plan_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub version: i32,
    #[sea_orm(column_type = "Text")]
    pub content: String,
    pub content_hash: String,
    #[sea_orm(column_type = "Text")]
    pub signatures: String,
    pub agreed_at: DateTimeUtc,
}
