//! Rows of `absences`.

use sea_orm::entity::prelude::*;

super::without_relations!();

/// One row of `absences`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "absences")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub external_id: Option<String>,
    pub employee_id: Uuid,
    pub kind: String,
    pub starts_on: Date,
    pub ends_on: Option<Date>,
    pub version: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}
