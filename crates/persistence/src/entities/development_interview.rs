//! Rows of `development_interviews`.

use sea_orm::entity::prelude::*;

super::without_relations!();

/// One row of `development_interviews`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "development_interviews")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub external_id: Option<String>,
    pub year: i32,
    pub format: String,
    pub offered_on: Option<Date>,
    pub held_on: Option<Date>,
    pub scheduled_on: Option<Date>,
    pub plan_id: Option<Uuid>,
    pub guide_version_id: Option<Uuid>,
    pub version: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}
