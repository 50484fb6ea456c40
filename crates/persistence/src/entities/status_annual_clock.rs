//! Rows of `status_annual_clock`.

use sea_orm::entity::prelude::*;

super::without_relations!();

/// One stretch of the annual clock of one of an employee's agreed plans.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "status_annual_clock")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub employee_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub seq: i32,
    pub starts_on: Date,
    pub ends_before: Option<Date>,
    pub due_on: Date,
}
