//! Rows of `calendar_feeds`.

use sea_orm::entity::prelude::*;

super::without_relations!();

/// One row of `calendar_feeds`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "calendar_feeds")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub manager_id: Uuid,
    pub token_hash: String,
    pub created_at: DateTimeUtc,
}
