//! Rows of `org_units`.

use sea_orm::entity::prelude::*;

super::without_relations!();

/// One row of `org_units`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "org_units")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub external_id: Option<String>,
    pub name: String,
    pub parent_id: Option<Uuid>,
    pub version: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Its last day, once ended.
    pub ends_on: Option<Date>,
}
