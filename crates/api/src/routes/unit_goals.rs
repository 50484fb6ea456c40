//! `/org-units/{id}/development-goals`: the development goals a manager publishes for a unit
//! (Herlev Kommune's competence policy: employees must know them). Plan goals may link to them.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, patch, post, web};
use chrono::{DateTime, Utc};
use devplan_domain::catalogue::UnitGoal;
use devplan_domain::text::{LongText, Name};
use devplan_domain::{UnitGoalId, UnitId, Violations};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::fields::{parse_change, parse_opt};
use crate::http::{ApiResult, IfMatch, ListResponse, ValidJson, patch_field, versioned};
use crate::policy::{Access, Manager};
use crate::state::AppState;

/// A unit's development goal.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitGoalOut {
    /// Its id; plan goals link to it as `unit_goal_id`.
    pub id: Uuid,
    /// The unit.
    pub unit_id: Uuid,
    /// The goal.
    pub title: String,
    /// More about it.
    pub description: Option<String>,
    /// Withdrawn; kept for the plans that link to it.
    pub archived: bool,
    /// Version, also sent as `ETag`.
    pub version: i64,
    /// When published.
    pub created_at: DateTime<Utc>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<UnitGoal> for UnitGoalOut {
    fn from(g: UnitGoal) -> Self {
        UnitGoalOut {
            id: g.id.uuid(),
            unit_id: g.unit_id.uuid(),
            title: g.title.into_string(),
            description: g.description.map(LongText::into_string),
            archived: g.archived,
            version: g.meta.version,
            created_at: g.meta.created_at,
            updated_at: g.meta.updated_at,
        }
    }
}

/// A goal to publish.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "Alle pædagoger arbejder med sprogvurdering", "description": "Indført i hele dagtilbuddet inden udgangen af 2026"}))]
pub struct UnitGoalIn {
    /// The goal (1–200 characters).
    #[schema(value_type = crate::text_schema::NameText)]
    pub title: String,
    /// More about it.
    #[schema(value_type = Option<crate::text_schema::LongTextText>)]
    pub description: Option<String>,
}

/// Changes to a unit goal: absent fields stay, null clears.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitGoalPatch {
    /// New title.
    #[schema(value_type = Option<crate::text_schema::NameText>)]
    pub title: Option<String>,
    /// Description, or null.
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<crate::text_schema::LongTextText>)]
    pub description: Option<Option<String>>,
    /// Withdraw (true) or republish (false).
    pub archived: Option<bool>,
}

/// Whether to list withdrawn goals too.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UnitGoalQuery {
    /// Include withdrawn goals (default false).
    pub include_archived: Option<bool>,
}

/// A unit's published goals.
#[utoipa::path(
    tag = "organisation",
    operation_id = "list_unit_goals",
    summary = "The development goals a unit has published",
    description = "Readable by those reaching the unit, and by employees of the unit and of the units below it.",
    params(("id" = Uuid, Path, description = "The unit's id"), UnitGoalQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The goals, oldest first", body = ListResponse<UnitGoalOut>),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 404, response = crate::openapi::NotFound)
    )
)]
#[get("/org-units/{id}/development-goals")]
pub async fn list(
    state: web::Data<AppState>,
    access: Access,
    id: web::Path<UnitId>,
    query: web::Query<UnitGoalQuery>,
) -> ApiResult<HttpResponse> {
    let unit = *id;
    access.unit_goals_readable(unit).await?;
    let goals = state
        .store
        .list_unit_goals(&[unit], query.include_archived.unwrap_or(false))
        .await?;
    Ok(HttpResponse::Ok().json(ListResponse::new(
        goals.into_iter().map(UnitGoalOut::from).collect(),
        None,
    )))
}

/// Publishes a goal.
#[utoipa::path(
    tag = "organisation",
    operation_id = "create_unit_goal",
    summary = "Publish a development goal of a unit (a manager of the unit)",
    params(("id" = Uuid, Path, description = "The unit's id")),
    request_body = UnitGoalIn,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Published", body = UnitGoalOut, headers(("ETag" = String, description = "The goal's version"))),
        (status = 404, response = crate::openapi::NotFound),
        crate::openapi::CreateErrors
    )
)]
#[post("/org-units/{id}/development-goals")]
pub async fn create(
    state: web::Data<AppState>,
    access: Manager,
    id: web::Path<UnitId>,
    body: ValidJson<UnitGoalIn>,
) -> ApiResult<HttpResponse> {
    let unit = *id;
    let me = access.unit_goal_publisher(unit).await?;
    let mut v = Violations::new();
    let title = v.check(Name::parse("title", &body.0.title));
    let description = parse_opt(&mut v, body.0.description.as_deref(), |s| {
        LongText::parse("description", s)
    });
    let (Some(title), Some(description)) = (title, description) else {
        return Err(v.into());
    };
    let goal = state
        .store
        .create_unit_goal(unit, title, description, me)
        .await?;
    Ok(versioned(
        StatusCode::CREATED,
        goal.meta.version,
        &UnitGoalOut::from(goal),
    ))
}

/// Changes or withdraws a goal.
#[utoipa::path(
    tag = "organisation",
    operation_id = "update_unit_goal",
    summary = "Change or withdraw a unit's development goal (a manager of the unit)",
    params(("id" = Uuid, Path, description = "The unit's id"), ("goal_id" = Uuid, Path, description = "The goal's id"), crate::http::IfMatchEtag),
    request_body = UnitGoalPatch,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Changed", body = UnitGoalOut, headers(("ETag" = String, description = "The goal's version"))),
        crate::openapi::UpdateErrors
    )
)]
#[patch("/org-units/{id}/development-goals/{goal_id}")]
pub async fn update(
    state: web::Data<AppState>,
    access: Manager,
    path: web::Path<(UnitId, UnitGoalId)>,
    if_match: IfMatch,
    body: ValidJson<UnitGoalPatch>,
) -> ApiResult<HttpResponse> {
    let (unit, goal) = path.into_inner();
    let mut current = access.published_unit_goal(unit, goal).await?;
    let expected = if_match.0.unwrap_or(current.meta.version);
    let mut v = Violations::new();
    let title = parse_opt(&mut v, body.0.title.as_deref(), |s| Name::parse("title", s));
    let description = parse_change(
        &mut v,
        body.0.description.as_ref().map(|o| o.as_deref()),
        |s| LongText::parse("description", s),
    );
    let (Some(title), Some(description)) = (title, description) else {
        return Err(v.into());
    };
    if let Some(t) = title {
        current.title = t;
    }
    if let Some(d) = description {
        current.description = d;
    }
    if let Some(a) = body.0.archived {
        current.archived = a;
    }
    let goal = state.store.replace_unit_goal(current, expected).await?;
    Ok(versioned(
        StatusCode::OK,
        goal.meta.version,
        &UnitGoalOut::from(goal),
    ))
}
