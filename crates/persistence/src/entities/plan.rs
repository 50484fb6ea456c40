//! Rows of `plans`.

use sea_orm::entity::prelude::*;

super::without_relations!();

/// One row of `plans`: the aggregate, its content and signatures as JSON documents.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "plans")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub kind: String,
    pub status: String,
    pub version: i32,
    pub agreed_version: Option<i32>,
    pub revision: i64,
    pub content_revision: i64,
    #[sea_orm(column_type = "Text")]
    pub content: String,
    #[sea_orm(column_type = "Text")]
    pub signatures: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub closure: Option<String>,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}
