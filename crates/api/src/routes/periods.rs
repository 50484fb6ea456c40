//! `/agreement-periods`: the collective agreement's periods. Everyone reads; HR writes.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, put, web};
use chrono::{DateTime, NaiveDate, Utc};
use devplan_domain::org::PeriodDates;
use devplan_domain::records::{AgreementPeriod, NewAgreementPeriod};
use devplan_domain::text::Name;
use devplan_domain::{AgreementPeriodId, Violations};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::http::{ApiResult, IfMatch, ListResponse, ValidJson, versioned};
use crate::policy::{Access, Hr};
use crate::state::AppState;

/// A collective agreement period.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "01936f6e-8a4b-7c3d-9e2f-1a2b3c4d5e71", "name": "OK24", "starts_on": "2024-04-01", "ends_on": "2027-03-31", "version": 1, "created_at": "2026-11-23T08:00:00Z", "updated_at": "2026-11-23T08:00:00Z"}))]
pub struct PeriodOut {
    /// Its id.
    pub id: Uuid,
    /// Its name.
    pub name: String,
    /// First day.
    pub starts_on: NaiveDate,
    /// Last day.
    pub ends_on: NaiveDate,
    /// Version, also sent as `ETag`.
    pub version: i64,
    /// When created.
    pub created_at: DateTime<Utc>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<AgreementPeriod> for PeriodOut {
    fn from(p: AgreementPeriod) -> Self {
        PeriodOut {
            id: p.id.uuid(),
            name: p.name.into_string(),
            starts_on: p.dates.starts_on(),
            ends_on: p.dates.ends_on(),
            version: p.meta.version,
            created_at: p.meta.created_at,
            updated_at: p.meta.updated_at,
        }
    }
}

/// A period's content.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "OK24", "starts_on": "2024-04-01", "ends_on": "2027-03-31"}))]
pub struct PeriodIn {
    /// Its name.
    #[schema(value_type = crate::text_schema::NameText)]
    pub name: String,
    /// First day.
    pub starts_on: NaiveDate,
    /// Last day; after `starts_on`.
    pub ends_on: NaiveDate,
}

impl PeriodIn {
    fn parse(self) -> Result<NewAgreementPeriod, Violations> {
        let mut v = Violations::new();
        let name = v.check(Name::parse("name", &self.name));
        let dates = v.check(PeriodDates::new(self.starts_on, self.ends_on));
        v.finish(|| {
            Some(NewAgreementPeriod {
                name: name?,
                dates: dates?,
            })
        })
    }
}

/// All periods.
#[utoipa::path(
    tag = "organisation",
    operation_id = "list_agreement_periods",
    summary = "List the agreement periods, earliest first",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every period (a handful: never paged)", body = ListResponse<PeriodOut>),
        (status = 401, response = crate::openapi::Unauthorized)
    )
)]
#[get("/agreement-periods")]
pub async fn list(state: web::Data<AppState>, _access: Access) -> ApiResult<HttpResponse> {
    let periods = state.store.list_periods().await?;
    Ok(HttpResponse::Ok().json(ListResponse::new(
        periods.into_iter().map(PeriodOut::from).collect(),
        None,
    )))
}

/// One period.
#[utoipa::path(
    tag = "organisation",
    operation_id = "get_agreement_period",
    summary = "Read an agreement period",
    params(("id" = Uuid, Path, description = "The period's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The period", body = PeriodOut, headers(("ETag" = String, description = "The record's version"))),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 404, response = crate::openapi::NotFound)
    )
)]
#[get("/agreement-periods/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    _caller: Access,
    id: web::Path<AgreementPeriodId>,
) -> ApiResult<HttpResponse> {
    let period = state.store.get_period(*id).await?;
    Ok(versioned(
        StatusCode::OK,
        period.meta.version,
        &PeriodOut::from(period),
    ))
}

/// Creates a period.
#[utoipa::path(
    tag = "organisation",
    operation_id = "create_agreement_period",
    summary = "Create an agreement period (HR); periods may not overlap",
    request_body = PeriodIn,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = PeriodOut, headers(("ETag" = String, description = "The record's version"))),
        crate::openapi::CreateErrors
    )
)]
#[post("/agreement-periods")]
pub async fn create(
    state: web::Data<AppState>,
    _hr: Hr,
    body: ValidJson<PeriodIn>,
) -> ApiResult<HttpResponse> {
    let period = state.store.create_period(body.0.parse()?).await?;
    Ok(versioned(
        StatusCode::CREATED,
        period.meta.version,
        &PeriodOut::from(period),
    ))
}

/// Replaces a period.
#[utoipa::path(
    tag = "organisation",
    operation_id = "replace_agreement_period",
    summary = "Replace an agreement period's name and dates (HR)",
    params(
        ("id" = Uuid, Path, description = "The period's id"),
        crate::http::IfMatchEtag
    ),
    request_body = PeriodIn,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Replaced", body = PeriodOut, headers(("ETag" = String, description = "The record's version"))),
        crate::openapi::UpdateErrors
    )
)]
#[put("/agreement-periods/{id}")]
pub async fn replace(
    state: web::Data<AppState>,
    _hr: Hr,
    id: web::Path<AgreementPeriodId>,
    if_match: IfMatch,
    body: ValidJson<PeriodIn>,
) -> ApiResult<HttpResponse> {
    let period = state
        .store
        .replace_period(*id, if_match.0, body.0.parse()?)
        .await?;
    Ok(versioned(
        StatusCode::OK,
        period.meta.version,
        &PeriodOut::from(period),
    ))
}
