//! Rows of `unit_assignments`.

use sea_orm::entity::prelude::*;

super::without_relations!();

/// One row of `unit_assignments`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "unit_assignments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub unit_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub employee_id: Uuid,
    /// `manager` or `local_representative`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub role: String,
}
