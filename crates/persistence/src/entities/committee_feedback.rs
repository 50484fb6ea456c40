//! Rows of `committee_feedback`.

use sea_orm::entity::prelude::*;

super::without_relations!();

/// One year's feedback of a committee to the committee above it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "committee_feedback")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub committee_id: Uuid,
    pub to_committee_id: Uuid,
    pub year: i32,
    #[sea_orm(column_type = "Text")]
    pub text: String,
    pub created_at: DateTimeUtc,
}
