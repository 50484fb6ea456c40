//! Rows of `projections`.

use sea_orm::entity::prelude::*;

super::without_relations!();

/// The version of the rules a projection's rows were built by.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "projections")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub name: String,
    pub version: i32,
}
