//! `/plans`: development plans, their goals, action plan, open points, signatures and versions.
//! The parties are the plan's members (as employees) and the managers of their units; nobody
//! else reaches a plan. Every change goes through the domain's plan functions.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, AcceptLanguage, Header as _};
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use devplan_domain::FieldCode;
use devplan_domain::catalogue::{UnitGoal, check_link};
use devplan_domain::plan::{
    Activity, ActivityKind, ActivityStatus, CompetenceKind, ContentDiff, Evaluation, FieldChange,
    Goal, Horizon, ItemChange, ItemDiff, OpenPoint, Party, Plan, PlanContent, PlanError, PlanKind,
    PlanPeriod, PlanStatus, Responsible, SignedRead, Verdict, diff,
};
use devplan_domain::text::{LongText, Name};
use devplan_domain::{
    ActivityId, EmployeeId, GoalId, OpenPointId, PlanId, UnitGoalId, UnitId, Violation, Violations,
};
use devplan_persistence::{PlanFilter, Store, StoreError};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::error::ApiError;
use crate::fields::{parse_change, parse_opt};
use crate::http::{
    ApiResult, IfMatch, ListResponse, ValidJson, negotiate, page_request, patch_field,
};
use crate::policy::{Access, Manager, PlanParty};
use crate::printable;
use crate::state::AppState;

mod input;
mod items;

use crate::views::plan::ResponsibleParty;
use crate::views::plan::*;
pub use input::*;
pub use items::*;

// --- Handlers ---

/// The one write path of a plan: the policy's gate, the revision and `change` applied in
/// one transaction on the plan loaded once (see [`Store::change_plan_as`]); answers the plan.
pub(super) async fn change<T>(
    state: &AppState,
    access: &Access,
    id: PlanId,
    if_match: IfMatch,
    status: StatusCode,
    change: impl FnOnce(&mut Plan, Party, EmployeeId, DateTime<Utc>) -> Result<T, PlanError>,
) -> ApiResult<HttpResponse> {
    write(state, access, id, if_match, status, None, change).await
}

/// [`change`], linking a goal to `link`: the link is checked against the members' units as
/// read inside the write's transaction.
pub(super) async fn write<T>(
    state: &AppState,
    access: &Access,
    id: PlanId,
    if_match: IfMatch,
    status: StatusCode,
    link: Option<Link>,
    change: impl FnOnce(&mut Plan, Party, EmployeeId, DateTime<Utc>) -> Result<T, PlanError>,
) -> ApiResult<HttpResponse> {
    let gate = access.plan_gate().await?;
    let now = state.clock.now();
    let (plan, (party, _, _), _) = state
        .store
        .change_plan_as(
            id,
            if_match.0,
            |p, units| {
                let (party, me) = gate.admit(p, units)?;
                Some((party, me, units.to_vec()))
            },
            |p, (party, me, units)| {
                if let Some(link) = &link {
                    check_link(&link.goal, &link.reaches, units)
                        .map_err(|v| PlanError::Invalid(v.into()))?;
                }
                change(p, *party, *me, now)
            },
        )
        .await?;
    Ok(respond(status, &plan, party))
}

/// A unit development goal a plan goal is to link to, with its unit and every unit under it.
pub(super) struct Link {
    goal: UnitGoal,
    reaches: Vec<UnitId>,
}

/// The unit goal named by `unit_goal_id`, if any; 422 when there is no such goal.
pub(super) async fn link_to(store: &Store, unit_goal: Option<Uuid>) -> ApiResult<Option<Link>> {
    let Some(id) = unit_goal else {
        return Ok(None);
    };
    let goal = match store.get_unit_goal(UnitGoalId::from_uuid(id)).await {
        Ok(g) => g,
        Err(StoreError::NotFound) => {
            return Err(Violation::new(
                "unit_goal_id",
                FieldCode::UnknownUnitGoal,
                "not a development goal of the employee's units",
            )
            .into());
        }
        Err(e) => return Err(e.into()),
    };
    let reaches = store.subtree_of(goal.unit_id).await?;
    Ok(Some(Link { goal, reaches }))
}

/// The plans the caller takes part in.
#[utoipa::path(
    tag = "plans",
    operation_id = "list_plans",
    summary = "List the plans the caller takes part in",
    description = "An employee: their own plans and group plans they belong to. A manager: also the plans of the employees of the units they manage.",
    params(PlanQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of plans", body = ListResponse<PlanOut>),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden)
    )
)]
#[get("/plans")]
pub async fn list(
    state: web::Data<AppState>,
    access: PlanParty,
    query: web::Query<PlanQuery>,
) -> ApiResult<HttpResponse> {
    let page = page_request(query.limit, query.cursor.as_deref())?;
    let scope = access.plan_scope().await?;
    let filter = PlanFilter {
        employee: query.employee_id,
        status: query.status,
    };
    let plans = state.store.list_plans(&scope, &filter, page).await?;
    crate::services::audit::plans_read(&state.store, &plans.items).await?;
    let me = access.me().map(|e| e.id);
    Ok(HttpResponse::Ok().json(ListResponse::from_page(plans, |p| {
        let you = if me.is_some_and(|m| p.members.contains(&m)) {
            Party::Employee
        } else {
            Party::Manager
        };
        plan_out(&p, you)
    })))
}

/// Drafts a plan.
#[utoipa::path(
    tag = "plans",
    operation_id = "create_plan",
    summary = "Draft a plan for an employee or a group (manager)",
    description = "A new individual plan supersedes the employee's current one, which stays readable.",
    request_body = PlanIn,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Drafted", body = PlanOut, headers(("ETag" = String, description = "The plan's revision"))),
        crate::openapi::CreateErrors
    )
)]
#[post("/plans")]
pub async fn create(
    state: web::Data<AppState>,
    access: Manager,
    body: ValidJson<PlanIn>,
) -> ApiResult<HttpResponse> {
    let (kind, members, mut content) = body.0.parse()?;
    if let Some(interview) = content.development_interview_id {
        let seeded = goals_from_preparation(&state, &access, interview, &members).await?;
        content.goals.extend(seeded);
    }
    let Some(me) = access.drafter_for(&members).await? else {
        let field = if kind == PlanKind::Individual {
            "employee_id"
        } else {
            "member_ids"
        };
        return Err(Violation::new(
            field,
            FieldCode::UnknownEmployee,
            "no such employee in the units you manage",
        )
        .into());
    };
    let plan = Plan::draft(kind, members, content, me, state.clock.now())?;
    let plan = state.store.create_plan(plan).await?;
    Ok(respond(StatusCode::CREATED, &plan, Party::Manager))
}

/// The goals a plan drafted from an interview starts with: the shared answers of the plan's
/// members, and the drafting manager's own, to the questions the interview's guide marks as
/// goal-seeding. An interview the caller holds no part in is named as unknown.
async fn goals_from_preparation(
    state: &AppState,
    access: &Access,
    interview: Uuid,
    members: &[EmployeeId],
) -> ApiResult<Vec<Goal>> {
    let standing = access
        .interview_to_plan_from(devplan_domain::InterviewId::from_uuid(interview))
        .await?;
    let Some(guide) = standing.interview.guide_version else {
        return Ok(Vec::new());
    };
    let guide = state.store.guide_version_by_id(guide).await?;
    let all = state.store.preparations_of(standing.interview.id).await?;
    let used: Vec<_> = all
        .iter()
        .filter(|p| {
            p.shared_at.is_some()
                && (members.contains(&p.writer) || p.writer == standing.me)
                && standing.may_read(p)
        })
        .collect();
    let read: Vec<_> = used.iter().map(|p| (p.id.uuid(), vec![p.writer])).collect();
    state.store.record_reads("preparation", &read).await?;
    Ok(used
        .iter()
        .flat_map(|p| p.answers.proposed_goals(&guide.content))
        .map(|(description, competence_kind)| Goal {
            id: GoalId::generate(),
            description,
            competence_kind,
            horizon: Horizon::ShortTerm,
            evaluation_method: None,
            due_date: None,
            unit_goal_id: None,
            evaluation: Evaluation::default(),
        })
        .collect())
}

/// One plan, as JSON or as the printable form.
#[utoipa::path(
    tag = "plans",
    operation_id = "get_plan",
    summary = "Read a plan; with Accept: text/html, the printable form (Danish, or English by Accept-Language)",
    params(("id" = Uuid, Path, description = "The plan's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The plan", headers(("ETag" = String, description = "The plan's revision")),
            content((PlanOut = "application/json"), (String = "text/html"))),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound)
    )
)]
#[get("/plans/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    access: PlanParty,
    id: web::Path<PlanId>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let (plan, party) = access.plan(*id).await?;
    if wants_html(&req)? {
        let names = people(&state.store, &plan, &plan.signatures).await?;
        let html = printable::render(&printable::Form::current(&plan), &names, language(&req));
        let mut page = printed(html);
        page.headers_mut().insert(
            header::ETAG,
            header::HeaderValue::from_str(&crate::http::etag(plan.revision))
                .map_err(|e| ApiError::Internal(e.to_string()))?,
        );
        return Ok(page);
    }
    Ok(respond(StatusCode::OK, &plan, party))
}

/// A printed form as the response.
fn printed(page: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::VARY, "Accept, Accept-Language"))
        .body(page)
}

/// The printed form's language: English when the client prefers it, Danish otherwise.
fn language(req: &HttpRequest) -> printable::Lang {
    let english = AcceptLanguage::parse(req)
        .ok()
        .and_then(|l| l.preference().into_item())
        .is_some_and(|l| l.primary_language() == "en");
    if english {
        printable::Lang::En
    } else {
        printable::Lang::Da
    }
}

/// Whether the client asks for the printable form rather than JSON (406 for neither).
pub(super) fn wants_html(req: &HttpRequest) -> ApiResult<bool> {
    Ok(negotiate(req, &["application/json", "text/html"])? == "text/html")
}

/// Names of the members and of those who gave `signatures`, for the printable form.
pub(super) async fn people(
    store: &Store,
    plan: &Plan,
    signatures: &[devplan_domain::plan::Signature],
) -> ApiResult<printable::Names> {
    let mut ids: Vec<EmployeeId> = plan.members.clone();
    ids.extend(signatures.iter().map(|s| s.signer));
    let mut names = printable::Names::default();
    for id in ids {
        if let std::collections::hash_map::Entry::Vacant(e) = names.0.entry(id) {
            let emp = store.get_employee(id).await?;
            e.insert(emp.name.into_string());
        }
    }
    Ok(names)
}

/// Changes a plan's own fields.
#[utoipa::path(
    tag = "plans",
    operation_id = "update_plan",
    summary = "Change a plan's title, period or flags (employee or manager)",
    description = "Editing a draft drops signatures already given. Editing an agreed plan, by either party, drafts its successor (`pending_version`); the agreed version stays in force until both have signed the successor.",
    params(("id" = Uuid, Path, description = "The plan's id"), crate::http::IfMatchRevision),
    request_body = PlanPatch,
    security(("bearer" = [])),
    responses((status = 200, description = "Changed", body = PlanOut), crate::openapi::UpdateErrors)
)]
#[patch("/plans/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    access: PlanParty,
    id: web::Path<PlanId>,
    if_match: IfMatch,
    body: ValidJson<PlanPatch>,
) -> ApiResult<HttpResponse> {
    change(
        &state,
        &access,
        *id,
        if_match,
        StatusCode::OK,
        |p, _, _, now| p.edit(|c| body.0.apply(c), now),
    )
    .await
}

/// Closes a plan.
#[utoipa::path(
    tag = "plans",
    operation_id = "close_plan",
    summary = "Close a plan, recording why (manager)",
    params(("id" = Uuid, Path, description = "The plan's id"), crate::http::IfMatchRevision),
    request_body = CloseIn,
    security(("bearer" = [])),
    responses((status = 200, description = "Closed", body = PlanOut), crate::openapi::UpdateErrors)
)]
#[post("/plans/{id}/close")]
pub async fn close(
    state: web::Data<AppState>,
    access: Manager,
    id: web::Path<PlanId>,
    if_match: IfMatch,
    body: ValidJson<CloseIn>,
) -> ApiResult<HttpResponse> {
    let reason = LongText::parse("reason", &body.0.reason)?;
    change(
        &state,
        &access,
        *id,
        if_match,
        StatusCode::OK,
        |p, party, me, now| p.close_as(party, reason, me, now),
    )
    .await
}

/// Signs the current version.
#[utoipa::path(
    tag = "plans",
    operation_id = "sign_plan",
    summary = "Sign the current version (employee or manager; the capacity is derived)",
    description = "The signature is bound to the content the signer read, named by the revision or the content hash read. It stands as long as that content is unchanged, whoever signed or recorded follow-up data in between; 409 `plan_changed` when the content changed since. When every party has signed, the version is agreed, frozen and in force; an agreed version being succeeded stays in force until its successor is agreed.",
    params(("id" = Uuid, Path, description = "The plan's id")),
    request_body = SignatureIn,
    security(("bearer" = [])),
    responses((status = 201, description = "Signed", body = PlanOut), crate::openapi::UpdateErrors)
)]
#[post("/plans/{id}/signatures")]
pub async fn sign(
    state: web::Data<AppState>,
    access: PlanParty,
    id: web::Path<PlanId>,
    body: ValidJson<SignatureIn>,
) -> ApiResult<HttpResponse> {
    let read = body.0.read()?;
    change(
        &state,
        &access,
        *id,
        IfMatch(None),
        StatusCode::CREATED,
        move |p, party, me, now| p.sign(party, me, read, now),
    )
    .await
}

/// Every version of a plan.
#[utoipa::path(
    tag = "plans",
    operation_id = "list_plan_versions",
    summary = "Every version of a plan with its content and signatures",
    params(("id" = Uuid, Path, description = "The plan's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Agreed versions, oldest first, then the draft being written", body = ListResponse<VersionOut>),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound)
    )
)]
#[get("/plans/{id}/versions")]
pub async fn list_versions(
    state: web::Data<AppState>,
    access: PlanParty,
    id: web::Path<PlanId>,
) -> ApiResult<HttpResponse> {
    let (plan, _) = access.plan(*id).await?;
    let agreed = state.store.plan_versions(plan.id).await?;
    Ok(HttpResponse::Ok().json(ListResponse::new(versions(&plan, agreed), None)))
}

/// One version of a plan.
#[utoipa::path(
    tag = "plans",
    operation_id = "get_plan_version",
    summary = "One version of a plan; with Accept: text/html, an agreed version's printable form as it was signed",
    params(("id" = Uuid, Path, description = "The plan's id"), ("version" = u32, Path, description = "The version number")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The version", content((VersionOut = "application/json"), (String = "text/html"))),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 406, response = crate::openapi::NotAcceptable)
    )
)]
#[get("/plans/{id}/versions/{version}")]
pub async fn get_version(
    state: web::Data<AppState>,
    access: PlanParty,
    path: web::Path<(PlanId, u32)>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let (id, number) = path.into_inner();
    let (plan, _) = access.plan(id).await?;
    let html = wants_html(&req)?;
    let agreed = state.store.plan_versions(plan.id).await?;
    if html {
        // A version prints as it was agreed; the draft being written, from the plan itself.
        let form = match agreed.iter().find(|v| v.version == number) {
            Some(v) => Some(printable::Form::agreed(&plan, v)),
            None if plan.version == number => Some(printable::Form::current(&plan)),
            None => None,
        };
        if let Some(form) = form {
            let names = people(&state.store, &plan, form.signatures).await?;
            return Ok(printed(printable::render(&form, &names, language(&req))));
        }
    }
    versions(&plan, agreed)
        .into_iter()
        .find(|v| v.version == number)
        .map(|v| HttpResponse::Ok().json(v))
        .ok_or(PlanError::NoSuchItem("version").into())
}

/// Compares two versions.
#[utoipa::path(
    tag = "plans",
    operation_id = "diff_plan_versions",
    summary = "What changed between two versions of a plan",
    params(("id" = Uuid, Path, description = "The plan's id"), DiffQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The changes", body = DiffOut),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound)
    )
)]
#[get("/plans/{id}/diff")]
pub async fn diff_versions(
    state: web::Data<AppState>,
    access: PlanParty,
    id: web::Path<PlanId>,
    query: web::Query<DiffQuery>,
) -> ApiResult<HttpResponse> {
    let (plan, _) = access.plan(*id).await?;
    let mut agreed = state.store.plan_versions(plan.id).await?;
    if plan.status != PlanStatus::Agreed || !agreed.iter().any(|v| v.version == plan.version) {
        agreed.retain(|v| v.version != plan.version);
    }
    let content_of = |n: u32| -> Option<PlanContent> {
        if n == plan.version && !agreed.iter().any(|v| v.version == n) {
            Some(plan.content.clone())
        } else {
            agreed
                .iter()
                .find(|v| v.version == n)
                .map(|v| v.content.clone())
        }
    };
    let (Some(old), Some(new)) = (content_of(query.from), content_of(query.to)) else {
        return Err(PlanError::NoSuchItem("version").into());
    };
    Ok(HttpResponse::Ok().json(diff_out(query.from, query.to, diff(&old, &new))))
}
