//! A plan's goals, action plan and open points.

use super::*;

/// The one write path ([`write`]) for a change of the plan's content, linking a goal to
/// `link` when one is sent.
async fn edit(
    state: &AppState,
    access: &Access,
    id: PlanId,
    if_match: IfMatch,
    status: StatusCode,
    link: Option<Link>,
    change: impl FnOnce(&mut PlanContent) -> Result<(), PlanError>,
) -> ApiResult<HttpResponse> {
    write(state, access, id, if_match, status, link, |p, _, _, now| {
        p.edit(change, now)
    })
    .await
}

/// Adds a goal.
#[utoipa::path(
    tag = "plans",
    operation_id = "add_goal",
    summary = "Add a goal (employee or manager)",
    params(("id" = Uuid, Path, description = "The plan's id"), crate::http::IfMatchRevision),
    request_body = GoalIn,
    security(("bearer" = [])),
    responses((status = 201, description = "The plan with the goal", body = PlanOut), crate::openapi::UpdateErrors)
)]
#[post("/plans/{id}/goals")]
pub async fn add_goal(
    state: web::Data<AppState>,
    access: PlanParty,
    id: web::Path<PlanId>,
    if_match: IfMatch,
    body: ValidJson<GoalIn>,
) -> ApiResult<HttpResponse> {
    let goal = body.0.parse()?;
    let link = link_to(&state.store, goal.unit_goal_id).await?;
    edit(
        &state,
        &access,
        *id,
        if_match,
        StatusCode::CREATED,
        link,
        |c| {
            c.goals.push(goal);
            Ok(())
        },
    )
    .await
}

/// Changes a goal.
#[utoipa::path(
    tag = "plans",
    operation_id = "update_goal",
    summary = "Change a goal or record its evaluation (employee or manager)",
    params(("id" = Uuid, Path, description = "The plan's id"), ("goal_id" = Uuid, Path, description = "The goal's id"), crate::http::IfMatchRevision),
    request_body = GoalPatch,
    security(("bearer" = [])),
    responses((status = 200, description = "Changed", body = PlanOut), crate::openapi::UpdateErrors)
)]
#[patch("/plans/{id}/goals/{goal_id}")]
pub async fn update_goal(
    state: web::Data<AppState>,
    access: PlanParty,
    path: web::Path<(PlanId, GoalId)>,
    if_match: IfMatch,
    body: ValidJson<GoalPatch>,
) -> ApiResult<HttpResponse> {
    let (id, goal) = path.into_inner();
    let link = link_to(&state.store, body.0.unit_goal_id.flatten()).await?;
    edit(&state, &access, id, if_match, StatusCode::OK, link, |c| {
        body.0.apply(c.goal_mut(goal)?)
    })
    .await
}

/// Removes a goal.
#[utoipa::path(
    tag = "plans",
    operation_id = "delete_goal",
    summary = "Remove a goal no activity serves (employee or manager)",
    params(("id" = Uuid, Path, description = "The plan's id"), ("goal_id" = Uuid, Path, description = "The goal's id"), crate::http::IfMatchRevision),
    security(("bearer" = [])),
    responses((status = 200, description = "Removed", body = PlanOut), crate::openapi::UpdateErrors)
)]
#[delete("/plans/{id}/goals/{goal_id}")]
pub async fn delete_goal(
    state: web::Data<AppState>,
    access: PlanParty,
    path: web::Path<(PlanId, GoalId)>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let (id, goal) = path.into_inner();
    edit(&state, &access, id, if_match, StatusCode::OK, None, |c| {
        c.remove_goal(goal)
    })
    .await
}

/// Adds an activity.
#[utoipa::path(
    tag = "plans",
    operation_id = "add_activity",
    summary = "Add an activity to the action plan (employee or manager)",
    params(("id" = Uuid, Path, description = "The plan's id"), crate::http::IfMatchRevision),
    request_body = ActivityIn,
    security(("bearer" = [])),
    responses((status = 201, description = "The plan with the activity", body = PlanOut), crate::openapi::UpdateErrors)
)]
#[post("/plans/{id}/activities")]
pub async fn add_activity(
    state: web::Data<AppState>,
    access: PlanParty,
    id: web::Path<PlanId>,
    if_match: IfMatch,
    body: ValidJson<ActivityIn>,
) -> ApiResult<HttpResponse> {
    let activity = body.0.parse()?;
    edit(
        &state,
        &access,
        *id,
        if_match,
        StatusCode::CREATED,
        None,
        |c| c.add_activity(activity),
    )
    .await
}

/// Changes an activity.
#[utoipa::path(
    tag = "plans",
    operation_id = "update_activity",
    summary = "Change an activity, or report its progress (employee or manager)",
    params(("id" = Uuid, Path, description = "The plan's id"), ("activity_id" = Uuid, Path, description = "The activity's id"), crate::http::IfMatchRevision),
    request_body = ActivityPatch,
    security(("bearer" = [])),
    responses((status = 200, description = "Changed", body = PlanOut), crate::openapi::UpdateErrors)
)]
#[patch("/plans/{id}/activities/{activity_id}")]
pub async fn update_activity(
    state: web::Data<AppState>,
    access: PlanParty,
    path: web::Path<(PlanId, ActivityId)>,
    if_match: IfMatch,
    body: ValidJson<ActivityPatch>,
) -> ApiResult<HttpResponse> {
    let (id, activity) = path.into_inner();
    edit(&state, &access, id, if_match, StatusCode::OK, None, |c| {
        c.change_activity(activity, |a| body.0.apply(a))
    })
    .await
}

/// Removes an activity.
#[utoipa::path(
    tag = "plans",
    operation_id = "delete_activity",
    summary = "Remove an activity (employee or manager)",
    params(("id" = Uuid, Path, description = "The plan's id"), ("activity_id" = Uuid, Path, description = "The activity's id"), crate::http::IfMatchRevision),
    security(("bearer" = [])),
    responses((status = 200, description = "Removed", body = PlanOut), crate::openapi::UpdateErrors)
)]
#[delete("/plans/{id}/activities/{activity_id}")]
pub async fn delete_activity(
    state: web::Data<AppState>,
    access: PlanParty,
    path: web::Path<(PlanId, ActivityId)>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let (id, activity) = path.into_inner();
    edit(&state, &access, id, if_match, StatusCode::OK, None, |c| {
        c.remove_activity(activity)
    })
    .await
}

/// Adds an open point.
#[utoipa::path(
    tag = "plans",
    operation_id = "add_open_point",
    summary = "Add an open point (employee or manager)",
    params(("id" = Uuid, Path, description = "The plan's id"), crate::http::IfMatchRevision),
    request_body = OpenPointIn,
    security(("bearer" = [])),
    responses((status = 201, description = "The plan with the open point", body = PlanOut), crate::openapi::UpdateErrors)
)]
#[post("/plans/{id}/open-points")]
pub async fn add_open_point(
    state: web::Data<AppState>,
    access: PlanParty,
    id: web::Path<PlanId>,
    if_match: IfMatch,
    body: ValidJson<OpenPointIn>,
) -> ApiResult<HttpResponse> {
    let text = LongText::parse("text", &body.0.text)?;
    edit(
        &state,
        &access,
        *id,
        if_match,
        StatusCode::CREATED,
        None,
        |c| {
            c.open_points.push(OpenPoint {
                id: OpenPointId::generate(),
                text,
            });
            Ok(())
        },
    )
    .await
}

/// Changes an open point.
#[utoipa::path(
    tag = "plans",
    operation_id = "update_open_point",
    summary = "Change an open point's text (employee or manager)",
    params(("id" = Uuid, Path, description = "The plan's id"), ("point_id" = Uuid, Path, description = "The open point's id"), crate::http::IfMatchRevision),
    request_body = OpenPointIn,
    security(("bearer" = [])),
    responses((status = 200, description = "Changed", body = PlanOut), crate::openapi::UpdateErrors)
)]
#[patch("/plans/{id}/open-points/{point_id}")]
pub async fn update_open_point(
    state: web::Data<AppState>,
    access: PlanParty,
    path: web::Path<(PlanId, OpenPointId)>,
    if_match: IfMatch,
    body: ValidJson<OpenPointIn>,
) -> ApiResult<HttpResponse> {
    let (id, point) = path.into_inner();
    let text = LongText::parse("text", &body.0.text)?;
    edit(&state, &access, id, if_match, StatusCode::OK, None, |c| {
        c.open_point_mut(point)?.text = text;
        Ok(())
    })
    .await
}

/// Removes an open point.
#[utoipa::path(
    tag = "plans",
    operation_id = "delete_open_point",
    summary = "Remove an open point (employee or manager)",
    params(("id" = Uuid, Path, description = "The plan's id"), ("point_id" = Uuid, Path, description = "The open point's id"), crate::http::IfMatchRevision),
    security(("bearer" = [])),
    responses((status = 200, description = "Removed", body = PlanOut), crate::openapi::UpdateErrors)
)]
#[delete("/plans/{id}/open-points/{point_id}")]
pub async fn delete_open_point(
    state: web::Data<AppState>,
    access: PlanParty,
    path: web::Path<(PlanId, OpenPointId)>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let (id, point) = path.into_inner();
    edit(&state, &access, id, if_match, StatusCode::OK, None, |c| {
        c.remove_open_point(point)
    })
    .await
}
