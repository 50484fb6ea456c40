//! Rows of `audit_log`: append-only.

use sea_orm::entity::prelude::*;

/// One read or change of someone's data.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub seq: i64,
    pub at: DateTimeUtc,
    pub actor_subject: Option<String>,
    pub actor_employee_id: Option<Uuid>,
    pub actor_roles: Option<String>,
    pub action: String,
    pub object: String,
    pub object_id: Uuid,
    pub subject_employee_id: Option<Uuid>,
    pub request_id: Option<String>,
    pub detail: Option<String>,
}

/// No relations are declared.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
