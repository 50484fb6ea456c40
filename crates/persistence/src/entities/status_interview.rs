//! Rows of `status_interviews`.

use sea_orm::entity::prelude::*;

super::without_relations!();

/// Where an employee stands with one year's development interview.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "status_interviews")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub employee_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub year: i32,
    pub coverage: String,
}
