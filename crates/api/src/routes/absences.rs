//! `/absences`: parental leave, long illness and other long absences. Sensitive: only HR and
//! the employee's managers read and record them; for everyone else they do not exist.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, patch, post, web};
use chrono::NaiveDate;
use devplan_domain::FieldCode;
use devplan_domain::followup::{AbsenceDates, AbsenceKind};
use devplan_domain::text::ExternalId;
use devplan_domain::{AbsenceId, EmployeeId, Violations};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::fields::parse_opt;
use crate::http::{
    ApiResult, IfMatch, ListResponse, ValidJson, page_request, patch_field, versioned,
};
use crate::policy::{Hr, HrOrManager};
use crate::services::sync::{SyncPayload, apply_sync};
use crate::state::AppState;
use crate::views::absence::{AbsenceOut, Kind};

/// An absence to record.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"employee_id": "01936f6e-8a4b-7c3d-9e2f-1a2b3c4d5e70", "kind": "parental_leave", "starts_on": "2025-03-01", "ends_on": "2025-06-30"}))]
pub struct AbsenceIn {
    /// The HR system's id.
    #[schema(value_type = Option<crate::text_schema::ExternalIdText>)]
    pub external_id: Option<String>,
    /// Who is away.
    #[schema(value_type = Uuid)]
    pub employee_id: EmployeeId,
    /// Why.
    pub kind: Kind,
    /// First day away.
    pub starts_on: NaiveDate,
    /// Last day away; leave out while open.
    pub ends_on: Option<NaiveDate>,
}

/// Changes to an absence: usually the last day, once known.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AbsencePatch {
    /// Why.
    pub kind: Option<Kind>,
    /// First day away.
    pub starts_on: Option<NaiveDate>,
    /// Last day away, or null to reopen.
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<NaiveDate>)]
    pub ends_on: Option<Option<NaiveDate>>,
}

/// An absence as the HR system sends it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AbsenceRow {
    /// The key.
    #[schema(value_type = crate::text_schema::ExternalIdText)]
    pub external_id: String,
    /// The employee's external id.
    #[schema(value_type = crate::text_schema::ExternalIdText)]
    pub employee_external_id: String,
    /// Why.
    pub kind: Kind,
    /// First day away.
    pub starts_on: NaiveDate,
    /// Last day away, if known.
    pub ends_on: Option<NaiveDate>,
}

type SyncRow = (ExternalId, ExternalId, AbsenceKind, AbsenceDates);

fn absence_row(r: AbsenceRow) -> Result<SyncRow, Violations> {
    let mut v = Violations::new();
    let ext = v.check(ExternalId::parse("external_id", &r.external_id));
    let emp = v.check(ExternalId::parse(
        "employee_external_id",
        &r.employee_external_id,
    ));
    let dates = v.check(AbsenceDates::new(r.starts_on, r.ends_on));
    v.finish(|| Some((ext?, emp?, r.kind.into(), dates?)))
}

/// Filters of the absence list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AbsenceQuery {
    /// Only this employee's absences.
    #[param(value_type = Option<Uuid>)]
    pub employee_id: Option<EmployeeId>,
    /// Page size, 1–500 (default 50).
    pub limit: Option<u32>,
    /// From `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The absences the caller may read.
#[utoipa::path(
    tag = "follow-ups",
    operation_id = "list_absences",
    summary = "List absences (HR, and managers for their units' employees)",
    params(AbsenceQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of absences", body = ListResponse<AbsenceOut>),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden)
    )
)]
#[get("/absences")]
pub async fn list(
    state: web::Data<AppState>,
    access: HrOrManager,
    query: web::Query<AbsenceQuery>,
) -> ApiResult<HttpResponse> {
    let page = page_request(query.limit, query.cursor.as_deref())?;
    let scope = access.absence_scope().await?;
    let absences = state
        .store
        .list_absences(&scope, query.employee_id, page)
        .await?;
    crate::services::audit::absences_read(&state.store, &absences.items).await?;
    Ok(HttpResponse::Ok().json(ListResponse::from_page(absences, AbsenceOut::from)))
}

/// One absence.
#[utoipa::path(
    tag = "follow-ups",
    operation_id = "get_absence",
    summary = "Read an absence (HR, and the employee's managers)",
    params(("id" = Uuid, Path, description = "The absence's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The absence", body = AbsenceOut, headers(("ETag" = String, description = "The absence's version"))),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound)
    )
)]
#[get("/absences/{id}")]
pub async fn get(access: HrOrManager, id: web::Path<AbsenceId>) -> ApiResult<HttpResponse> {
    let absence = access.absence(*id).await?;
    Ok(versioned(
        StatusCode::OK,
        absence.meta.version,
        &AbsenceOut::from(absence),
    ))
}

/// Records an absence.
#[utoipa::path(
    tag = "follow-ups",
    operation_id = "create_absence",
    summary = "Record an absence (HR, or a manager of the employee)",
    request_body = AbsenceIn,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Recorded", body = AbsenceOut, headers(("ETag" = String, description = "The absence's version"))),
        crate::openapi::CreateErrors
    )
)]
#[post("/absences")]
pub async fn create(
    state: web::Data<AppState>,
    access: HrOrManager,
    body: ValidJson<AbsenceIn>,
) -> ApiResult<HttpResponse> {
    let scope = access.absence_scope().await?;
    let b = body.0;
    let mut v = Violations::new();
    let external_id = parse_opt(&mut v, b.external_id.as_deref(), |s| {
        ExternalId::parse("external_id", s)
    });
    let dates = v.check(AbsenceDates::new(b.starts_on, b.ends_on));
    let (Some(external_id), Some(dates)) = (external_id, dates) else {
        return Err(v.into());
    };
    let employee = b.employee_id;
    if !access.all_in(&scope, &[employee]).await? {
        return Err(devplan_domain::Violation::new(
            "employee_id",
            FieldCode::UnknownEmployee,
            "no such employee in your units",
        )
        .into());
    }
    let absence = state
        .store
        .create_absence(external_id, employee, b.kind.into(), dates)
        .await?;
    Ok(versioned(
        StatusCode::CREATED,
        absence.meta.version,
        &AbsenceOut::from(absence),
    ))
}

/// Changes an absence.
#[utoipa::path(
    tag = "follow-ups",
    operation_id = "update_absence",
    summary = "Change an absence, e.g. set the last day once the employee returns",
    params(("id" = Uuid, Path, description = "The absence's id"), crate::http::IfMatchEtag),
    request_body = AbsencePatch,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Changed", body = AbsenceOut, headers(("ETag" = String, description = "The absence's version"))),
        crate::openapi::UpdateErrors
    )
)]
#[patch("/absences/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    access: HrOrManager,
    id: web::Path<AbsenceId>,
    if_match: IfMatch,
    body: ValidJson<AbsencePatch>,
) -> ApiResult<HttpResponse> {
    let current = access.absence(*id).await?;
    let b = body.0;
    let dates = AbsenceDates::new(
        b.starts_on.unwrap_or(current.dates.starts_on()),
        b.ends_on.unwrap_or(current.dates.ends_on()),
    )?;
    let kind = b.kind.map_or(current.kind, Into::into);
    let absence = state
        .store
        .replace_absence(
            current.id,
            Some(if_match.0.unwrap_or(current.meta.version)),
            kind,
            dates,
        )
        .await?;
    Ok(versioned(
        StatusCode::OK,
        absence.meta.version,
        &AbsenceOut::from(absence),
    ))
}

/// Upserts absences.
#[utoipa::path(
    tag = "sync",
    operation_id = "sync_absences",
    summary = "Upsert absences by external_id (HR): all-or-nothing, idempotent",
    request_body = SyncPayload<AbsenceRow>,
    security(("bearer" = [])),
    responses((status = 200, description = "Applied", body = crate::services::sync::SyncResult), crate::openapi::SyncErrors)
)]
#[post("/sync/absences")]
pub async fn sync(
    state: web::Data<AppState>,
    hr: Hr,
    body: ValidJson<SyncPayload<AbsenceRow>>,
) -> ApiResult<HttpResponse> {
    apply_sync(
        &state,
        &hr,
        body.0.rows,
        absence_row,
        |store, rows| async move { store.sync_absences(rows).await },
    )
    .await
}
