//! Rows of `unit_assignments`.

use sea_orm::entity::prelude::*;

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

/// No relations are declared: repositories join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
