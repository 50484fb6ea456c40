//! Rows of `guide_versions`.

use sea_orm::entity::prelude::*;

super::without_relations!();

/// One row of `guide_versions`: the content is the domain's `GuideContent` as JSON.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "guide_versions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub guide_id: Uuid,
    pub number: i32,
    pub content: String,
    pub published_at: Option<DateTimeUtc>,
    pub version: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}
