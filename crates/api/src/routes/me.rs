//! `/me`: who the caller is, their roles, and the units each role reaches.

use actix_web::{HttpResponse, get};
use devplan_domain::org::Role;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::http::ApiResult;
use crate::policy::{Access, Reach};

/// The caller as an employee.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeEmployee {
    /// Their id.
    pub id: Uuid,
    /// The HR system's id.
    pub external_id: Option<String>,
    /// Their name.
    pub name: String,
    /// The unit they work in.
    pub unit_id: Uuid,
}

/// A role a token may carry.
#[derive(ToSchema)]
#[schema(as = Role)]
#[allow(dead_code)]
#[serde(rename_all = "snake_case")]
enum RoleSchema {
    Employee,
    Manager,
    LocalRepresentative,
    Committee,
    Hr,
}

/// What one role of the token reaches.
#[derive(Debug, Serialize, ToSchema)]
pub struct RoleReach {
    /// The role.
    #[schema(value_type = RoleSchema, example = "manager")]
    pub role: Role,
    /// True when the role reaches every unit (HR).
    pub all_units: bool,
    /// The units reached, sub-units included; empty when `all_units`.
    pub unit_ids: Vec<Uuid>,
}

/// The caller.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    /// The token's subject.
    pub subject: String,
    /// The employee the subject names; null for an integration client.
    pub employee: Option<MeEmployee>,
    /// Each role of the token with what it reaches.
    pub roles: Vec<RoleReach>,
}

/// Who am I?
#[utoipa::path(
    tag = "me",
    operation_id = "get_me",
    summary = "The caller, their roles and the units each role reaches",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller", body = Me),
        (status = 401, response = crate::openapi::Unauthorized)
    )
)]
#[get("/me")]
pub async fn me(access: Access) -> ApiResult<HttpResponse> {
    let mut roles = Vec::new();
    for role in access.roles() {
        let reach = access.reach_as(role).await?;
        roles.push(RoleReach {
            role,
            all_units: reach == Reach::All,
            unit_ids: reach
                .as_filter()
                .unwrap_or_default()
                .into_iter()
                .map(|u| u.uuid())
                .collect(),
        });
    }
    Ok(HttpResponse::Ok().json(Me {
        subject: access.caller().subject.clone(),
        employee: access.me().map(|e| MeEmployee {
            id: e.id.uuid(),
            external_id: e.external_id.as_ref().map(|x| x.as_str().to_owned()),
            name: e.name.as_str().to_owned(),
            unit_id: e.unit_id.uuid(),
        }),
        roles,
    }))
}
