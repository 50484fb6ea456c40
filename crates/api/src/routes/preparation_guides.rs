//! `/preparation-guides`: the questions both parties prepare the development interview with,
//! published by HR or by a main MED committee for its part of the organisation, in versions
//! that never change once published; an interview keeps the version it was offered with.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, put, web};
use devplan_domain::preparation::Guide;
use devplan_domain::records::Meta;
use devplan_domain::text::Name;
use devplan_domain::{FieldCode, GuideId, Violation, Violations};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::http::{ApiResult, IfMatch, ListResponse, ValidJson, page_request, versioned};
use crate::policy::{Access, HrOrCommittee};
use crate::state::AppState;
use crate::views::interview::Format;
use crate::views::preparation::{AudienceIo, GuideOut, GuideVersionOut, QuestionIo, content};
use devplan_domain::CommitteeId;

/// A guide to create, with its first version as a draft.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "name": "Forberedelse til MUS",
    "format": "individual",
    "questions": [
        {"key": "kompetencer", "text_da": "Hvilke kompetencer har du brug for i dit job i dag og om et par år?", "kind": "free_text", "seeds_goals": "professional"},
        {"key": "trivsel", "text_da": "Hvordan trives du i dit arbejde (1–5)?", "kind": "scale"}
    ]
}))]
pub struct GuideIn {
    /// Its name.
    #[schema(value_type = crate::text_schema::NameText)]
    pub name: String,
    /// Individual or group interviews.
    pub format: Format,
    /// The main MED committee that publishes it (a committee member must name theirs; HR may
    /// leave it out).
    #[schema(value_type = Option<Uuid>)]
    pub committee_id: Option<CommitteeId>,
    /// Whom the first version is for (default: everyone; for a committee's guide, its part of
    /// the organisation).
    #[serde(default)]
    pub audience: AudienceIo,
    /// The first version's questions, in order (1–50).
    #[schema(min_items = 1, max_items = 50)]
    pub questions: Vec<QuestionIo>,
}

/// A version's audience and questions.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GuideVersionIn {
    /// Whom it is for (default: everyone; for a committee's guide, its part of the organisation).
    #[serde(default)]
    pub audience: AudienceIo,
    /// Its questions, in order (1–50).
    #[schema(min_items = 1, max_items = 50)]
    pub questions: Vec<QuestionIo>,
}

/// Page through the guides.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct GuideQuery {
    /// Page size, 1–500 (default 50).
    pub limit: Option<u32>,
    /// From `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The audience a committee's guide may have: within the committee's part of the organisation,
/// which it is when none is given.
async fn within_committee(
    state: &AppState,
    committee: Option<&devplan_domain::records::Committee>,
    mut audience: AudienceIo,
) -> ApiResult<AudienceIo> {
    let Some(c) = committee else {
        return Ok(audience);
    };
    if audience.unit_ids.is_empty() {
        audience.unit_ids.push(c.unit_id);
        return Ok(audience);
    }
    let part = state.store.subtree_of(c.unit_id).await?;
    let mut v = Violations::new();
    for (n, u) in audience.unit_ids.iter().enumerate() {
        if !part.contains(u) {
            v.push(Violation::new(
                format!("audience.unit_ids[{n}]"),
                FieldCode::UnknownUnit,
                "outside the committee's part of the organisation",
            ));
        }
    }
    if v.is_empty() {
        Ok(audience)
    } else {
        Err(v.into())
    }
}

/// The guides.
#[utoipa::path(
    tag = "follow-ups",
    operation_id = "list_preparation_guides",
    summary = "List preparation guides (every caller: guides are the organisation's, not anyone's)",
    params(GuideQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of guides, in id order", body = ListResponse<GuideOut>),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized)
    )
)]
#[get("/preparation-guides")]
pub async fn list(
    state: web::Data<AppState>,
    _access: Access,
    query: web::Query<GuideQuery>,
) -> ApiResult<HttpResponse> {
    let page = page_request(query.limit, query.cursor.as_deref())?;
    let guides = state.store.list_guides(page).await?;
    Ok(HttpResponse::Ok().json(ListResponse::from_page(guides, GuideOut::from)))
}

/// Creates a guide.
#[utoipa::path(
    tag = "follow-ups",
    operation_id = "create_preparation_guide",
    summary = "Create a preparation guide with its first version as a draft (HR, or a member of the main committee that publishes it)",
    request_body = GuideIn,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created; version 1 is a draft until published", body = GuideOut, headers(("ETag" = String, description = "The guide's version"))),
        crate::openapi::CreateErrors
    )
)]
#[post("/preparation-guides")]
pub async fn create(
    state: web::Data<AppState>,
    access: HrOrCommittee,
    body: ValidJson<GuideIn>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    let mut v = Violations::new();
    let name = v.check(Name::parse("name", &b.name));
    let committee = access.guide_publisher(b.committee_id).await;
    let committee = match committee {
        Ok(c) => Some(c),
        Err(crate::error::ApiError::Validation(more)) => {
            more.into_iter().for_each(|x| v.push(x));
            None
        }
        Err(e) => return Err(e),
    };
    let audience = match &committee {
        Some(c) => within_committee(&state, c.as_ref(), b.audience).await?,
        None => b.audience,
    };
    let content = match content(audience, b.questions) {
        Ok(c) => Some(c),
        Err(more) => {
            more.into_vec().into_iter().for_each(|x| v.push(x));
            None
        }
    };
    let (name, committee, content) = v.finish(|| Some((name?, committee?, content?)))?;
    let now = state.clock.now();
    let guide = Guide {
        id: GuideId::generate(),
        name,
        format: b.format.into(),
        committee_id: committee.map(|c| c.id),
        versions: Vec::new(),
        meta: Meta::first(now),
    };
    let (stored, _) = state.store.create_guide(guide, content).await?;
    Ok(versioned(
        StatusCode::CREATED,
        stored.meta.version,
        &GuideOut::from(stored),
    ))
}

/// One guide.
#[utoipa::path(
    tag = "follow-ups",
    operation_id = "get_preparation_guide",
    summary = "Read a preparation guide with its versions (every caller)",
    params(("id" = Uuid, Path, description = "The guide's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The guide", body = GuideOut, headers(("ETag" = String, description = "The guide's version"))),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 404, response = crate::openapi::NotFound)
    )
)]
#[get("/preparation-guides/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    _access: Access,
    id: web::Path<GuideId>,
) -> ApiResult<HttpResponse> {
    let guide = state.store.get_guide(*id).await?;
    Ok(versioned(
        StatusCode::OK,
        guide.meta.version,
        &GuideOut::from(guide),
    ))
}

/// One version of a guide.
#[utoipa::path(
    tag = "follow-ups",
    operation_id = "get_preparation_guide_version",
    summary = "Read one version of a preparation guide with its questions (every caller)",
    params(
        ("id" = Uuid, Path, description = "The guide's id"),
        ("number" = i32, Path, description = "The version's number, from 1", minimum = 1)
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The version", body = GuideVersionOut, headers(("ETag" = String, description = "The version's own version"))),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 404, response = crate::openapi::NotFound)
    )
)]
#[get("/preparation-guides/{id}/versions/{number}")]
pub async fn get_version(
    state: web::Data<AppState>,
    _access: Access,
    path: web::Path<(GuideId, i32)>,
) -> ApiResult<HttpResponse> {
    let (guide, number) = path.into_inner();
    let version = state.store.get_guide_version(guide, number).await?;
    Ok(versioned(
        StatusCode::OK,
        version.meta.version,
        &GuideVersionOut::from(version),
    ))
}

/// Writes a draft version.
#[utoipa::path(
    tag = "follow-ups",
    operation_id = "write_preparation_guide_version",
    summary = "Write a guide's draft version, or start the next one after a published version; a published version never changes (409) (HR, or a member of the publishing committee)",
    params(
        ("id" = Uuid, Path, description = "The guide's id"),
        ("number" = i32, Path, description = "The version's number: the draft's, or the one after the last published", minimum = 1),
        crate::http::IfMatchEtag
    ),
    request_body = GuideVersionIn,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The draft, written", body = GuideVersionOut, headers(("ETag" = String, description = "The draft's version"))),
        (status = 201, description = "A new draft, started", body = GuideVersionOut, headers(("ETag" = String, description = "The draft's version"))),
        crate::openapi::UpdateErrors
    )
)]
#[put("/preparation-guides/{id}/versions/{number}")]
pub async fn write_version(
    state: web::Data<AppState>,
    access: HrOrCommittee,
    path: web::Path<(GuideId, i32)>,
    if_match: IfMatch,
    body: ValidJson<GuideVersionIn>,
) -> ApiResult<HttpResponse> {
    let (id, number) = path.into_inner();
    let guide = access.guide_to_write(id).await?;
    let committee = match guide.committee_id {
        Some(c) => Some(state.store.get_committee(c).await?),
        None => None,
    };
    let b = body.0;
    let audience = within_committee(&state, committee.as_ref(), b.audience).await?;
    let content = content(audience, b.questions)?;
    let existed = guide.versions.iter().any(|v| v.number == number);
    let stored = state
        .store
        .write_guide_version(id, number, content, if_match.0)
        .await?;
    let status = if existed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok(versioned(
        status,
        stored.meta.version,
        &GuideVersionOut::from(stored),
    ))
}

/// Publishes a draft.
#[utoipa::path(
    tag = "follow-ups",
    operation_id = "publish_preparation_guide_version",
    summary = "Publish a guide's draft: interviews offered from now on get it; publishing a published version changes nothing (HR, or a member of the publishing committee)",
    params(
        ("id" = Uuid, Path, description = "The guide's id"),
        ("number" = i32, Path, description = "The version's number", minimum = 1),
        crate::http::IfMatchEtag
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Published", body = GuideVersionOut, headers(("ETag" = String, description = "The version's own version"))),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 412, response = crate::openapi::PreconditionFailed)
    )
)]
#[post("/preparation-guides/{id}/versions/{number}/publish")]
pub async fn publish(
    state: web::Data<AppState>,
    access: HrOrCommittee,
    path: web::Path<(GuideId, i32)>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let (id, number) = path.into_inner();
    access.guide_to_write(id).await?;
    let stored = state
        .store
        .publish_guide_version(id, number, if_match.0)
        .await?;
    Ok(versioned(
        StatusCode::OK,
        stored.meta.version,
        &GuideVersionOut::from(stored),
    ))
}
