//! Rows of `catalogue_groups`.

use sea_orm::entity::prelude::*;

super::without_relations!();

/// One row of `catalogue_groups`: an entry is relevant for a professional group.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "catalogue_groups")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub entry_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub professional_group: String,
}
