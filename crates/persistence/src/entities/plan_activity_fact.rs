//! Rows of `plan_activity_facts`.

use sea_orm::entity::prelude::*;

super::without_relations!();

/// One activity of a plan, for reporting.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "plan_activity_facts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub plan_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub activity_id: Uuid,
    pub kind: String,
    pub status: String,
}
