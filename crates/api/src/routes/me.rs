//! `/me`: who the caller is, their roles, and the units each role reaches.

use actix_web::{HttpResponse, get, web};
use chrono::NaiveDate;
use devplan_domain::org::Role;
use devplan_domain::tasks::{Task, TaskKind, TaskObject};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::http::{ApiResult, ListResponse, page_request};
use crate::policy::{Access, Reach};
use crate::services::work_list::MAX_WINDOW_DAYS;
use crate::state::AppState;

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

/// One thing that waits for the caller.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "01d9b0f2-0000-8a3c-9e2f-1a2b3c4d5e70", "kind": "sign_plan", "object": "plan", "object_id": "01936f6e-8a4b-7c3d-9e2f-1a2b3c4d5e71", "link": "/api/v1/plans/01936f6e-8a4b-7c3d-9e2f-1a2b3c4d5e71", "employee_id": "01936f6e-8a4b-7c3d-9e2f-1a2b3c4d5e70", "since": "2026-11-30", "due_on": null, "changed_since_signed": true}))]
pub struct TaskOut {
    /// Stable; the list is ordered by it (by the day it is due or waits since, then kind).
    pub id: Uuid,
    /// What it asks of the caller.
    pub kind: TaskKind,
    /// What it is about.
    pub object: TaskObject,
    /// The object's id.
    pub object_id: Uuid,
    /// Where to act on it.
    pub link: String,
    /// The employee it concerns: the caller, or one they manage; null for a group's or a
    /// unit's.
    pub employee_id: Option<Uuid>,
    /// Since when it waits.
    pub since: Option<NaiveDate>,
    /// By when it is due.
    pub due_on: Option<NaiveDate>,
    /// For a plan to sign: the caller signed it before and its content changed since, which
    /// dropped their signature. Null for other kinds.
    pub changed_since_signed: Option<bool>,
}

impl From<Task> for TaskOut {
    fn from(t: Task) -> Self {
        let id = t.object_id;
        let link = match (t.object, t.kind) {
            (TaskObject::Plan, TaskKind::HoldAnnualFollowUp | TaskKind::HoldSpecialFollowUp) => {
                format!("/api/v1/plans/{id}/follow-ups")
            }
            (TaskObject::Plan, _) => format!("/api/v1/plans/{id}"),
            (TaskObject::Interview, _) => {
                format!("/api/v1/development-interviews/{id}/preparation")
            }
            (TaskObject::Preparation, _) => format!("/api/v1/preparations/{id}"),
            (TaskObject::Employee, _) => format!("/api/v1/employees/{id}"),
            (TaskObject::Review, _) => format!("/api/v1/status-reviews/{id}"),
            (TaskObject::Committee, _) => format!("/api/v1/committees/{id}"),
        };
        TaskOut {
            id: t.id,
            kind: t.kind,
            object: t.object,
            object_id: id,
            link,
            employee_id: t.employee_id.map(|e| e.uuid()),
            since: t.since,
            due_on: t.due_on,
            changed_since_signed: t.changed_since_signed,
        }
    }
}

/// Paging and the follow-ups' look-ahead.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TaskQuery {
    /// How many days ahead a follow-up counts as waiting (default 30, at most 366).
    pub window_days: Option<u32>,
    /// Page size, 1–500 (default 50).
    pub limit: Option<u32>,
    /// From `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// What waits for me.
#[utoipa::path(
    tag = "me",
    operation_id = "list_my_tasks",
    summary = "What waits for the caller, across every role they hold (an integration client: nothing)",
    description = "As employee: their plans awaiting their signature (and whether the content changed since they signed), a pending version of their agreed plan, interviews offered to them to prepare, a manager's answers shared with them. As manager: the same for the people of their units, annual and special follow-ups due within `window_days` or overdue. As representative: this year's status reviews of their units awaiting their notes. As committee member: the year's feedback to the committee above not yet sent. Ordered by the day each is due or waits since.",
    params(TaskQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of tasks", body = ListResponse<TaskOut>),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized)
    )
)]
#[get("/me/tasks")]
pub async fn tasks(
    state: web::Data<AppState>,
    access: Access,
    query: web::Query<TaskQuery>,
) -> ApiResult<HttpResponse> {
    let page = page_request(query.limit, query.cursor.as_deref())?;
    // The document bounds `window_days` by `MAX_WINDOW_DAYS`; the contract refuses more.
    let window = query
        .window_days
        .unwrap_or(devplan_domain::status::DUE_WINDOW_DAYS)
        .min(MAX_WINDOW_DAYS);
    let Some(reach) = access.task_reach().await? else {
        return Ok(HttpResponse::Ok().json(ListResponse::<TaskOut>::new(Vec::new(), None)));
    };
    let all = state
        .store
        .tasks(&reach, state.clock.today(), window)
        .await?;
    let limit = usize::try_from(page.limit).unwrap_or(usize::MAX);
    let mut rest = all
        .into_iter()
        .filter(|t| page.after.is_none_or(|after| t.id > after));
    let items: Vec<Task> = rest.by_ref().take(limit).collect();
    let next = match (rest.next(), items.last()) {
        (Some(_), Some(last)) => Some(last.id),
        _ => None,
    };
    Ok(HttpResponse::Ok().json(ListResponse::new(
        items.into_iter().map(TaskOut::from).collect(),
        next,
    )))
}
