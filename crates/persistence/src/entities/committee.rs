//! Rows of `committees`.

use sea_orm::entity::prelude::*;

super::without_relations!();

/// One row of `committees`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "committees")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub external_id: Option<String>,
    pub name: String,
    pub level: String,
    pub unit_id: Uuid,
    pub parent_id: Option<Uuid>,
    pub version: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}
