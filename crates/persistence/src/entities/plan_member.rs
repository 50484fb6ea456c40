//! Rows of `plan_members`.

use sea_orm::entity::prelude::*;

super::without_relations!();

/// One row of `plan_members`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "plan_members")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub plan_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub employee_id: Uuid,
    /// Set while this is the member's current individual plan; unique per employee.
    pub current_individual: bool,
    /// The member's unit, kept equal to theirs by every write that moves them.
    pub unit_id: Uuid,
}
