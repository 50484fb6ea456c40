//! Rows of `status_specials`.

use sea_orm::entity::prelude::*;

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

/// No relations are declared: repositories join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
