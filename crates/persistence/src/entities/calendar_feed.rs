//! Rows of `calendar_feeds`.

use sea_orm::entity::prelude::*;

/// One row of `calendar_feeds`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "calendar_feeds")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub manager_id: Uuid,
    pub token_hash: String,
    pub created_at: DateTimeUtc,
}

/// No relations are declared: repositories join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
