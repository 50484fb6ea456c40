//! Rows of `employees`.

use sea_orm::entity::prelude::*;

super::without_relations!();

/// One row of `employees`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "employees")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub external_id: Option<String>,
    pub name: String,
    pub email: Option<String>,
    pub professional_group: Option<String>,
    pub unit_id: Uuid,
    pub active: bool,
    pub version: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// When they last became inactive; none while active.
    pub left_at: Option<DateTimeUtc>,
    /// When their identity and personal content were erased.
    pub erased_at: Option<DateTimeUtc>,
}
