//! `/committees`: MED committees. HR reads and writes them all; a member reads their own
//! committees, without the member list (names and ids are HR's only).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, patch, post, web};
use chrono::{DateTime, Utc};
use devplan_domain::records::{Committee, CommitteeChanges, NewCommittee};
use devplan_domain::text::{ExternalId, Name};
use devplan_domain::{CommitteeId, EmployeeId, UnitId, Violations};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::fields::{parse_change, parse_opt};
use crate::http::{
    ApiResult, IfMatch, ListResponse, ValidJson, page_request, patch_field, versioned,
};
use crate::policy::{Hr, HrOrCommittee};
use crate::state::AppState;
use crate::views::committee::Level;

/// A MED committee.
#[derive(Debug, Serialize, ToSchema)]
pub struct CommitteeOut {
    /// Its id.
    pub id: Uuid,
    /// The HR system's id.
    pub external_id: Option<String>,
    /// Its name.
    pub name: String,
    /// Its level.
    pub level: Level,
    /// The unit whose part of the organisation it covers.
    pub unit_id: Uuid,
    /// The committee it reports to.
    pub parent_id: Option<Uuid>,
    /// How many members it has.
    pub member_count: usize,
    /// Its members' employee ids; present for HR only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub members: Option<Vec<Uuid>>,
    /// Version, also sent as `ETag`.
    pub version: i64,
    /// When created.
    pub created_at: DateTime<Utc>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
}

impl CommitteeOut {
    fn new(c: Committee, show_members: bool) -> Self {
        CommitteeOut {
            id: c.id.uuid(),
            external_id: c.external_id.map(ExternalId::into_string),
            name: c.name.into_string(),
            level: c.level.into(),
            unit_id: c.unit_id.uuid(),
            parent_id: c.parent_id.map(CommitteeId::uuid),
            member_count: c.members.len(),
            members: show_members.then(|| c.members.into_iter().map(EmployeeId::uuid).collect()),
            version: c.meta.version,
            created_at: c.meta.created_at,
            updated_at: c.meta.updated_at,
        }
    }
}

/// A committee to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
// Published under its first name, which generated clients know it by.
#[schema(as = CommitteeCreate)]
pub struct CommitteeIn {
    /// The HR system's id (unique).
    #[schema(value_type = Option<crate::text_schema::ExternalIdText>)]
    pub external_id: Option<String>,
    /// Its name.
    #[schema(value_type = crate::text_schema::NameText)]
    pub name: String,
    /// Its level.
    pub level: Level,
    /// The unit it covers (sub-units included).
    #[schema(value_type = Uuid)]
    pub unit_id: UnitId,
    /// The committee it reports to: of a higher level.
    #[schema(value_type = Option<Uuid>)]
    pub parent_id: Option<CommitteeId>,
    /// Member employee ids.
    #[serde(default)]
    #[schema(value_type = Vec<Uuid>)]
    pub members: Vec<EmployeeId>,
}

impl CommitteeIn {
    fn parse(self) -> Result<NewCommittee, Violations> {
        let mut v = Violations::new();
        let external_id = parse_opt(&mut v, self.external_id.as_deref(), |s| {
            ExternalId::parse("external_id", s)
        });
        let name = v.check(Name::parse("name", &self.name));
        v.finish(|| {
            Some(NewCommittee {
                external_id: external_id?,
                name: name?,
                level: self.level.into(),
                unit_id: self.unit_id,
                parent_id: self.parent_id,
                members: self.members,
            })
        })
    }
}

/// Changes to a committee: absent fields stay, null clears; `members` replaces the list.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommitteePatch {
    /// New HR id, or null.
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<crate::text_schema::ExternalIdText>)]
    pub external_id: Option<Option<String>>,
    /// New name.
    #[schema(value_type = Option<crate::text_schema::NameText>)]
    pub name: Option<String>,
    /// New level.
    pub level: Option<Level>,
    /// New covered unit.
    #[schema(value_type = Option<Uuid>)]
    pub unit_id: Option<UnitId>,
    /// New parent committee, or null.
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<Uuid>)]
    pub parent_id: Option<Option<Uuid>>,
    /// The full new member list.
    #[schema(value_type = Option<Vec<Uuid>>)]
    pub members: Option<Vec<EmployeeId>>,
}

impl CommitteePatch {
    fn parse(self) -> Result<CommitteeChanges, Violations> {
        let mut v = Violations::new();
        let external_id = parse_change(
            &mut v,
            self.external_id.as_ref().map(|o| o.as_deref()),
            |s| ExternalId::parse("external_id", s),
        );
        let name = parse_opt(&mut v, self.name.as_deref(), |s| Name::parse("name", s));
        v.finish(|| {
            Some(CommitteeChanges {
                external_id: external_id?,
                name: name?,
                level: self.level.map(Into::into),
                unit_id: self.unit_id,
                parent_id: self.parent_id.map(|p| p.map(CommitteeId::from_uuid)),
                members: self.members.map(|m| m.into_iter().collect()),
            })
        })
    }
}

/// Paging of the committee list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CommitteeQuery {
    /// Page size, 1–500 (default 50).
    pub limit: Option<u32>,
    /// From `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The committees the caller may read.
#[utoipa::path(
    tag = "organisation",
    operation_id = "list_committees",
    summary = "List committees: all for HR, their own for a member",
    params(CommitteeQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of committees", body = ListResponse<CommitteeOut>),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden)
    )
)]
#[get("/committees")]
pub async fn list(
    state: web::Data<AppState>,
    access: HrOrCommittee,
    query: web::Query<CommitteeQuery>,
) -> ApiResult<HttpResponse> {
    let page = page_request(query.limit, query.cursor.as_deref())?;
    let scope = access.committee_scope().await?;
    let show = access.may_see_committee_members();
    let committees = state.store.list_committees(scope.as_deref(), page).await?;
    Ok(
        HttpResponse::Ok().json(ListResponse::from_page(committees, |c| {
            CommitteeOut::new(c, show)
        })),
    )
}

/// One committee.
#[utoipa::path(
    tag = "organisation",
    operation_id = "get_committee",
    summary = "Read a committee",
    params(("id" = Uuid, Path, description = "The committee's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The committee", body = CommitteeOut, headers(("ETag" = String, description = "The record's version"))),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound)
    )
)]
#[get("/committees/{id}")]
pub async fn get(access: HrOrCommittee, id: web::Path<CommitteeId>) -> ApiResult<HttpResponse> {
    let committee = access.committee(*id).await?;
    let version = committee.meta.version;
    Ok(versioned(
        StatusCode::OK,
        version,
        &CommitteeOut::new(committee, access.may_see_committee_members()),
    ))
}

/// Creates a committee.
#[utoipa::path(
    tag = "organisation",
    operation_id = "create_committee",
    summary = "Create a committee (HR)",
    request_body = CommitteeIn,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = CommitteeOut, headers(("ETag" = String, description = "The record's version"))),
        crate::openapi::CreateErrors
    )
)]
#[post("/committees")]
pub async fn create(
    state: web::Data<AppState>,
    _hr: Hr,
    body: ValidJson<CommitteeIn>,
) -> ApiResult<HttpResponse> {
    let committee = state.store.create_committee(body.0.parse()?).await?;
    Ok(versioned(
        StatusCode::CREATED,
        committee.meta.version,
        &CommitteeOut::new(committee, true),
    ))
}

/// Changes a committee.
#[utoipa::path(
    tag = "organisation",
    operation_id = "update_committee",
    summary = "Change a committee (HR)",
    params(
        ("id" = Uuid, Path, description = "The committee's id"),
        crate::http::IfMatchEtag
    ),
    request_body = CommitteePatch,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Changed", body = CommitteeOut, headers(("ETag" = String, description = "The record's version"))),
        crate::openapi::UpdateErrors
    )
)]
#[patch("/committees/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    _hr: Hr,
    id: web::Path<CommitteeId>,
    if_match: IfMatch,
    body: ValidJson<CommitteePatch>,
) -> ApiResult<HttpResponse> {
    let committee = state
        .store
        .update_committee(*id, if_match.0, body.0.parse()?)
        .await?;
    Ok(versioned(
        StatusCode::OK,
        committee.meta.version,
        &CommitteeOut::new(committee, true),
    ))
}
