//! `/org-units`: the organisation tree with head-counts. Everyone reads the units they reach;
//! only HR changes them.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, patch, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use devplan_domain::records::{NewUnit, OrgUnit, UnitChanges};
use devplan_domain::text::{ExternalId, Name};
use devplan_domain::{UnitId, Violations};
use devplan_persistence::UnitHeadcount;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::fields::{parse_change, parse_opt};
use crate::http::{
    ApiResult, IfMatch, ListResponse, ValidJson, page_request, patch_field, versioned,
};
use crate::policy::{Access, Hr};
use crate::services::status::pooled_headcounts;
use crate::state::AppState;

/// How many people work in a unit; counts, never names. HR and the unit's managers read them
/// as they are; everyone else reads them as the pooled status figures are cut, so a count
/// about fewer people than the anonymity threshold is null.
#[derive(Debug, Serialize, ToSchema)]
pub struct Headcount {
    /// Active employees placed directly in the unit; for representatives and committees, null
    /// where they are not exactly the unit's own row (too few, or joined by sub-units' people).
    pub direct: Option<u64>,
    /// Active employees in the unit and all its sub-units; for representatives and committees,
    /// those its status figures count (its `employees` figure this year), null where it has no
    /// figures of its own.
    pub total: Option<u64>,
}

/// An organisational unit.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "01936f6e-8a4b-7c3d-9e2f-1a2b3c4d5e6f", "external_id": "U-100", "name": "Børne- og Kulturforvaltningen", "parent_id": null, "ends_on": null, "headcount": {"direct": 3, "total": 61}, "version": 1, "created_at": "2026-11-23T08:00:00Z", "updated_at": "2026-11-23T08:00:00Z"}))]
pub struct UnitOut {
    /// Its id.
    pub id: Uuid,
    /// The HR system's id.
    pub external_id: Option<String>,
    /// Its name.
    pub name: String,
    /// The unit above it; null for the top.
    pub parent_id: Option<Uuid>,
    /// Its last day, once HR has ended it (it keeps its history and its past figures).
    pub ends_on: Option<NaiveDate>,
    /// Head-counts.
    pub headcount: Headcount,
    /// Version, also sent as `ETag`.
    pub version: i64,
    /// When created.
    pub created_at: DateTime<Utc>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
}

impl UnitOut {
    fn new(u: OrgUnit, h: Headcount) -> Self {
        UnitOut {
            id: u.id.uuid(),
            external_id: u.external_id.map(ExternalId::into_string),
            name: u.name.into_string(),
            parent_id: u.parent_id.map(UnitId::uuid),
            ends_on: u.ends_on,
            headcount: h,
            version: u.meta.version,
            created_at: u.meta.created_at,
            updated_at: u.meta.updated_at,
        }
    }
}

/// A unit to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"external_id": "U-110", "name": "Dagtilbud Nord", "parent_id": "01936f6e-8a4b-7c3d-9e2f-1a2b3c4d5e6f"}))]
// Published under its first name, which generated clients know it by.
#[schema(as = UnitCreate)]
pub struct UnitIn {
    /// The HR system's id (unique).
    #[schema(value_type = Option<crate::text_schema::ExternalIdText>)]
    pub external_id: Option<String>,
    /// Its name (1–200 characters).
    #[schema(value_type = crate::text_schema::NameText)]
    pub name: String,
    /// The unit above it.
    #[schema(value_type = Option<Uuid>)]
    pub parent_id: Option<UnitId>,
}

impl UnitIn {
    fn parse(self) -> Result<NewUnit, Violations> {
        let mut v = Violations::new();
        let external_id = parse_opt(&mut v, self.external_id.as_deref(), |s| {
            ExternalId::parse("external_id", s)
        });
        let name = v.check(Name::parse("name", &self.name));
        v.finish(|| {
            Some(NewUnit {
                external_id: external_id?,
                name: name?,
                parent_id: self.parent_id,
            })
        })
    }
}

/// Changes to a unit: absent fields stay, null clears.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitPatch {
    /// New HR id, or null to clear.
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<crate::text_schema::ExternalIdText>)]
    pub external_id: Option<Option<String>>,
    /// New name.
    #[schema(value_type = Option<crate::text_schema::NameText>)]
    pub name: Option<String>,
    /// New parent, or null to make it a top unit.
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<Uuid>)]
    pub parent_id: Option<Option<Uuid>>,
}

impl UnitPatch {
    fn parse(self) -> Result<UnitChanges, Violations> {
        let mut v = Violations::new();
        let external_id = parse_change(
            &mut v,
            self.external_id.as_ref().map(|o| o.as_deref()),
            |s| ExternalId::parse("external_id", s),
        );
        let name = parse_opt(&mut v, self.name.as_deref(), |s| Name::parse("name", s));
        v.finish(|| {
            Some(UnitChanges {
                external_id: external_id?,
                name: name?,
                parent_id: self.parent_id.map(|p| p.map(UnitId::from_uuid)),
            })
        })
    }
}

/// Filters of the unit list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UnitQuery {
    /// Only the direct children of this unit.
    #[param(value_type = Option<Uuid>)]
    pub parent_id: Option<UnitId>,
    /// Page size, 1–500 (default 50).
    pub limit: Option<u32>,
    /// From `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

async fn with_headcounts(
    state: &AppState,
    access: &Access,
    units: Vec<OrgUnit>,
) -> ApiResult<Vec<UnitOut>> {
    // HR and the units' managers read head-counts as they are; everyone else pooled, as the
    // status figures are.
    let hr = access.has(devplan_domain::org::Role::Hr);
    let managed = access.managed_units().await?;
    let (plain, pooled): (Vec<_>, Vec<_>) = units
        .iter()
        .map(|u| (u.id, u.parent_id))
        .partition(|(u, _)| hr || managed.contains(u));
    let plain: Vec<UnitId> = plain.into_iter().map(|(u, _)| u).collect();
    let counts = state.store.headcounts(&plain).await?;
    let mut shown: BTreeMap<UnitId, Headcount> = plain
        .iter()
        .map(|u| {
            let h: UnitHeadcount = counts.get(u).copied().unwrap_or_default();
            let h = Headcount {
                direct: Some(h.direct),
                total: Some(h.total),
            };
            (*u, h)
        })
        .collect();
    for (u, h) in pooled_headcounts(state, &pooled, &managed).await? {
        shown.insert(
            u,
            Headcount {
                direct: h.direct,
                total: h.total,
            },
        );
    }
    Ok(units
        .into_iter()
        .map(|u| {
            let h = shown.remove(&u.id).unwrap_or(Headcount {
                direct: None,
                total: None,
            });
            UnitOut::new(u, h)
        })
        .collect())
}

async fn one(
    state: &AppState,
    access: &Access,
    status: StatusCode,
    unit: OrgUnit,
) -> ApiResult<HttpResponse> {
    let version = unit.meta.version;
    let out = with_headcounts(state, access, vec![unit]).await?;
    Ok(versioned(status, version, &out[0]))
}

/// The units the caller reaches.
#[utoipa::path(
    tag = "organisation",
    operation_id = "list_org_units",
    summary = "List the units the caller reaches, with head-counts",
    description = "HR sees every unit; a manager the units they manage and their sub-units; a representative or committee member the units they cover; an employee their own unit.",
    params(UnitQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of units", body = ListResponse<UnitOut>),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized)
    )
)]
#[get("/org-units")]
pub async fn list(
    state: web::Data<AppState>,
    access: Access,
    query: web::Query<UnitQuery>,
) -> ApiResult<HttpResponse> {
    let page = page_request(query.limit, query.cursor.as_deref())?;
    let reach = access.readable_units().await?.as_filter();
    let units = state
        .store
        .list_units(reach.as_deref(), query.parent_id, page)
        .await?;
    let items = with_headcounts(&state, &access, units.items).await?;
    Ok(HttpResponse::Ok().json(ListResponse::new(items, units.next_after)))
}

/// One unit.
#[utoipa::path(
    tag = "organisation",
    operation_id = "get_org_unit",
    summary = "Read a unit",
    params(("id" = Uuid, Path, description = "The unit's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The unit", body = UnitOut, headers(("ETag" = String, description = "The unit's version"))),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 404, response = crate::openapi::NotFound)
    )
)]
#[get("/org-units/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    access: Access,
    id: web::Path<UnitId>,
) -> ApiResult<HttpResponse> {
    let unit = access.unit(*id).await?;
    one(&state, &access, StatusCode::OK, unit).await
}

/// Creates a unit.
#[utoipa::path(
    tag = "organisation",
    operation_id = "create_org_unit",
    summary = "Create a unit (HR)",
    request_body = UnitIn,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = UnitOut, headers(("ETag" = String, description = "The unit's version"))),
        crate::openapi::CreateErrors
    )
)]
#[post("/org-units")]
pub async fn create(
    state: web::Data<AppState>,
    hr: Hr,
    body: ValidJson<UnitIn>,
) -> ApiResult<HttpResponse> {
    let new = body.0.parse()?;
    let unit = state.store.create_unit(new).await?;
    one(&state, &hr, StatusCode::CREATED, unit).await
}

/// Changes a unit.
#[utoipa::path(
    tag = "organisation",
    operation_id = "update_org_unit",
    summary = "Change a unit (HR)",
    description = "Moving a unit under itself or one of its sub-units is refused (422).",
    params(
        ("id" = Uuid, Path, description = "The unit's id"),
        crate::http::IfMatchEtag
    ),
    request_body = UnitPatch,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Changed", body = UnitOut, headers(("ETag" = String, description = "The unit's version"))),
        crate::openapi::UpdateErrors
    )
)]
#[patch("/org-units/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    hr: Hr,
    id: web::Path<UnitId>,
    if_match: IfMatch,
    body: ValidJson<UnitPatch>,
) -> ApiResult<HttpResponse> {
    let changes = body.0.parse()?;
    let unit = state.store.update_unit(*id, if_match.0, changes).await?;
    one(&state, &hr, StatusCode::OK, unit).await
}
