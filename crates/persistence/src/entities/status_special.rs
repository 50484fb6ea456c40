//! Rows of `status_specials`.

use sea_orm::entity::prelude::*;

super::without_relations!();

/// A special follow-up an absence makes due, and the day it was held.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "status_specials")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub employee_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub absence_id: Uuid,
    pub due_on: Date,
    pub held_on: Option<Date>,
}
