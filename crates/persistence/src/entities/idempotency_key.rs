//! Rows of `idempotency_keys`.

use sea_orm::entity::prelude::*;

super::without_relations!();

/// A caller's idempotency key, with the first response once it has one.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "idempotency_keys")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub subject: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    pub request_hash: String,
    pub status: Option<i32>,
    pub headers: Option<String>,
    pub body: Option<String>,
    pub created_at: DateTimeUtc,
}
