//! Rows of `status_annual_held`.

use sea_orm::entity::prelude::*;

super::without_relations!();

/// An annual follow-up an employee took part in, judged against its due date.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "status_annual_held")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub employee_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub seq: i32,
    pub held_on: Date,
    pub in_time: bool,
}
