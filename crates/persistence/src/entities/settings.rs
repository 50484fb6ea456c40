//! Rows of `settings`.

use sea_orm::entity::prelude::*;

super::without_relations!();

/// One row of `settings`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    pub anonymity_threshold: i32,
    pub long_absence_weeks: i32,
    pub special_follow_up_days: i32,
    pub main_committee_frequency: String,
    pub version: i64,
    pub updated_at: DateTimeUtc,
}
