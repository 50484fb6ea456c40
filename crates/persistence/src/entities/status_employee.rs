//! Rows of `status_employees`.

use sea_orm::entity::prelude::*;

super::without_relations!();

/// The status facts of one employee that do not depend on the period.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "status_employees")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub employee_id: Uuid,
    pub agreed_plan: bool,
    pub draft_plan: bool,
    pub annual_next_due: Option<Date>,
}
