//! Rows of `plan_goal_facts`.

use sea_orm::entity::prelude::*;

super::without_relations!();

/// One goal of a plan, for reporting.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "plan_goal_facts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub plan_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub goal_id: Uuid,
    pub competence_kind: String,
    pub verdict: Option<String>,
    pub applied: Option<bool>,
}
