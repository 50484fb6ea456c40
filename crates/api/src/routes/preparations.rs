//! `/development-interviews/{id}/preparation` and `/preparations/{id}`: each participant's
//! answers to the interview's guide, private to their writer until they share them with the
//! other party. HR, representatives and committee members hold no part here (403); anyone
//! without a part in the interview, or reading answers not shared with them, gets 404.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, delete, get, post, put, web};
use devplan_domain::preparation::{Answers, GivenAnswer, Preparation};
use devplan_domain::{InterviewId, PreparationId};
use devplan_persistence::PreparationWrite;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::ApiError;
use crate::http::{ApiResult, IfMatch, ValidJson, versioned};
use crate::policy::{PlanParty, PreparerStanding};
use crate::state::AppState;
use crate::views::preparation::{AnswerIo, GuideVersionOut, PreparationOut};

/// Answers to write.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"answers": [{"question": "kompetencer", "text": "Jeg vil gerne blive bedre til at dokumentere i det nye omsorgssystem."}, {"question": "trivsel", "scale": 4}]}))]
pub struct PreparationIn {
    /// The answers, at most one per question; not every question needs one. Replaces what
    /// was written before.
    #[schema(max_items = 50)]
    pub answers: Vec<AnswerIo>,
}

/// Everything the caller needs to prepare an interview.
#[derive(Debug, Serialize, ToSchema)]
pub struct PreparationSheet {
    /// The interview.
    pub interview_id: Uuid,
    /// The guide version the interview was offered with; null when none applied then.
    pub guide: Option<GuideVersionOut>,
    /// The caller's own preparation; null until they write one.
    pub mine: Option<PreparationOut>,
    /// What the other party shared with the caller.
    pub shared_with_me: Vec<PreparationOut>,
}

/// Records that the caller read preparations written by others.
async fn audit_reads(state: &AppState, read: &[&Preparation]) -> ApiResult<()> {
    let rows: Vec<_> = read.iter().map(|p| (p.id.uuid(), vec![p.writer])).collect();
    Ok(state.store.record_reads("preparation", &rows).await?)
}

/// The caller's preparation sheet.
#[utoipa::path(
    tag = "follow-ups",
    operation_id = "get_interview_preparation",
    summary = "The interview's guide, the caller's own preparation and what the other party shared with them (a participant, or a manager of one)",
    params(("id" = Uuid, Path, description = "The interview's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The sheet", body = PreparationSheet),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound)
    )
)]
#[get("/development-interviews/{id}/preparation")]
pub async fn sheet(
    state: web::Data<AppState>,
    access: PlanParty,
    id: web::Path<InterviewId>,
) -> ApiResult<HttpResponse> {
    let standing = access.preparer(*id).await?;
    let guide = match standing.interview.guide_version {
        Some(v) => Some(GuideVersionOut::from(
            state.store.guide_version_by_id(v).await?,
        )),
        None => None,
    };
    let all = state.store.preparations_of(*id).await?;
    let mine = all.iter().find(|p| p.writer == standing.me);
    let shared: Vec<&Preparation> = all
        .iter()
        .filter(|p| p.writer != standing.me && standing.may_read(p))
        .collect();
    audit_reads(&state, &shared).await?;
    Ok(HttpResponse::Ok().json(PreparationSheet {
        interview_id: id.uuid(),
        guide,
        mine: mine.map(PreparationOut::from),
        shared_with_me: shared.into_iter().map(PreparationOut::from).collect(),
    }))
}

/// A preparation as answered, its version as `ETag`.
fn respond(status: StatusCode, p: &Preparation) -> HttpResponse {
    versioned(status, p.meta.version, &PreparationOut::from(p))
}

/// Writes the caller's own preparation from the side they stand on; says whether it was new.
async fn write(
    state: &AppState,
    standing: &PreparerStanding,
    write: PreparationWrite,
    if_match: IfMatch,
) -> Result<(Preparation, bool), ApiError> {
    Ok(state
        .store
        .write_preparation(
            standing.interview.id,
            standing.me,
            standing.side,
            write,
            if_match.0,
        )
        .await?)
}

/// Writes the caller's answers.
#[utoipa::path(
    tag = "follow-ups",
    operation_id = "write_my_interview_preparation",
    summary = "Write the caller's answers to the interview's guide (a participant, or a manager of one); private until shared; until the interview is held",
    params(("id" = Uuid, Path, description = "The interview's id"), crate::http::IfMatchEtag),
    request_body = PreparationIn,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Written", body = PreparationOut, headers(("ETag" = String, description = "The preparation's version"))),
        (status = 201, description = "Written for the first time", body = PreparationOut, headers(("ETag" = String, description = "The preparation's version"))),
        crate::openapi::UpdateErrors
    )
)]
#[put("/development-interviews/{id}/preparation/mine")]
pub async fn answer(
    state: web::Data<AppState>,
    access: PlanParty,
    id: web::Path<InterviewId>,
    if_match: IfMatch,
    body: ValidJson<PreparationIn>,
) -> ApiResult<HttpResponse> {
    let standing = access.preparer(*id).await?;
    let Some(guide) = standing.interview.guide_version else {
        return Err(ApiError::Conflict {
            code: devplan_domain::ProblemCode::NoPreparationGuide,
            detail: "no preparation guide applied when this interview was offered".into(),
        });
    };
    let guide = state.store.guide_version_by_id(guide).await?;
    let given: Vec<GivenAnswer> = body.0.answers.into_iter().map(Into::into).collect();
    let answers = Answers::check(&guide.content, given)?;
    let (stored, created) = write(
        &state,
        &standing,
        PreparationWrite::Answer(answers),
        if_match,
    )
    .await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(respond(status, &stored))
}

/// Shares the caller's answers.
#[utoipa::path(
    tag = "follow-ups",
    operation_id = "share_my_interview_preparation",
    summary = "Share the caller's answers with the other party: a participant's with whoever acts as their manager, the manager's with the participants; never with HR, representatives or other members of a group",
    params(("id" = Uuid, Path, description = "The interview's id"), crate::http::IfMatchEtag),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Shared (sharing again changes nothing)", body = PreparationOut, headers(("ETag" = String, description = "The preparation's version"))),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 412, response = crate::openapi::PreconditionFailed)
    )
)]
#[post("/development-interviews/{id}/preparation/mine/share")]
pub async fn share(
    state: web::Data<AppState>,
    access: PlanParty,
    id: web::Path<InterviewId>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let standing = access.preparer(*id).await?;
    let (stored, _) = write(&state, &standing, PreparationWrite::Share, if_match).await?;
    Ok(respond(StatusCode::OK, &stored))
}

/// Withdraws the sharing.
#[utoipa::path(
    tag = "follow-ups",
    operation_id = "withdraw_my_interview_preparation",
    summary = "Take back the sharing of the caller's answers, until the interview is held",
    params(("id" = Uuid, Path, description = "The interview's id"), crate::http::IfMatchEtag),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Private again", body = PreparationOut, headers(("ETag" = String, description = "The preparation's version"))),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 412, response = crate::openapi::PreconditionFailed)
    )
)]
#[delete("/development-interviews/{id}/preparation/mine/share")]
pub async fn withdraw(
    state: web::Data<AppState>,
    access: PlanParty,
    id: web::Path<InterviewId>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let standing = access.preparer(*id).await?;
    let (stored, _) = write(&state, &standing, PreparationWrite::Withdraw, if_match).await?;
    Ok(respond(StatusCode::OK, &stored))
}

/// One preparation.
#[utoipa::path(
    tag = "follow-ups",
    operation_id = "get_preparation",
    summary = "Read one preparation: its writer, or the other party once shared; 404 for anyone else",
    params(("id" = Uuid, Path, description = "The preparation's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The preparation", body = PreparationOut, headers(("ETag" = String, description = "The preparation's version"))),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound)
    )
)]
#[get("/preparations/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    access: PlanParty,
    id: web::Path<PreparationId>,
) -> ApiResult<HttpResponse> {
    let p = access.preparation(*id).await?;
    audit_reads(&state, &[&p]).await?;
    Ok(respond(StatusCode::OK, &p))
}
