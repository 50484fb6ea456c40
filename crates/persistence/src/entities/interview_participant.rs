//! Rows of `interview_participants`.

use sea_orm::entity::prelude::*;

super::without_relations!();

/// One row of `interview_participants`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "interview_participants")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub interview_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub employee_id: Uuid,
    pub status: String,
    pub wants_individual: bool,
}
