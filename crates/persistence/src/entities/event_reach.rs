//! Rows of `event_reach`: who may follow an event.

use sea_orm::entity::prelude::*;

super::without_relations!();

/// One key (a unit or a person, by kind) under which an event may be followed.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "event_reach")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub kind: i16,
    #[sea_orm(primary_key, auto_increment = false)]
    pub seq: i64,
}
