//! Rows of `placements`.

use sea_orm::entity::prelude::*;

super::without_relations!();

/// One row of `placements`: an employee in a unit and group from a day to a day.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "placements")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub employee_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub starts_on: Date,
    /// Last day; none while it lasts.
    pub ends_on: Option<Date>,
    pub unit_id: Uuid,
    pub professional_group: Option<String>,
}
