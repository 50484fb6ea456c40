//! `/employees`: people, where they work, and the units they manage or represent.
//! HR reads and writes everyone; a manager reads the employees of their units; an employee
//! reads themself. Representatives and committee members never read names.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, patch, post, web};
use devplan_domain::records::{EmployeeChanges, NewEmployee};
use devplan_domain::text::{Email, ExternalId, Name, ProfessionalGroup};
use devplan_domain::{EmployeeId, UnitId, Violations};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::fields::{parse_change, parse_opt};
use crate::http::{
    ApiResult, IfMatch, ListResponse, ValidJson, page_request, patch_field, versioned,
};
use crate::policy::{Hr, PeopleReader};
use crate::state::AppState;
use crate::views::employee::EmployeeOut;

/// An employee to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"external_id": "E-1042", "name": "Mette Hansen", "email": "mette.hansen@kommune.dk", "professional_group": "pædagog", "unit_id": "01936f6e-8a4b-7c3d-9e2f-1a2b3c4d5e6f"}))]
// Published under its first name, which generated clients know it by.
#[schema(as = EmployeeCreate)]
pub struct EmployeeIn {
    /// The HR system's id (unique).
    #[schema(value_type = Option<crate::text_schema::ExternalIdText>)]
    pub external_id: Option<String>,
    /// Full name (1–200 characters).
    #[schema(value_type = crate::text_schema::NameText)]
    pub name: String,
    /// Work e-mail.
    #[schema(value_type = Option<crate::text_schema::EmailText>)]
    pub email: Option<String>,
    /// Professional group.
    #[schema(value_type = Option<crate::text_schema::GroupText>)]
    pub professional_group: Option<String>,
    /// Their unit.
    #[schema(value_type = Uuid)]
    pub unit_id: UnitId,
    /// Employed now (default true).
    #[serde(default = "yes")]
    pub active: bool,
    /// Units they manage.
    #[serde(default)]
    #[schema(value_type = Vec<Uuid>)]
    pub manages: Vec<UnitId>,
    /// Units they represent.
    #[serde(default)]
    #[schema(value_type = Vec<Uuid>)]
    pub represents: Vec<UnitId>,
}

fn yes() -> bool {
    true
}

fn units(mut ids: Vec<UnitId>) -> Vec<UnitId> {
    ids.sort();
    ids.dedup();
    ids
}

impl EmployeeIn {
    fn parse(self) -> Result<NewEmployee, Violations> {
        let mut v = Violations::new();
        let external_id = parse_opt(&mut v, self.external_id.as_deref(), |s| {
            ExternalId::parse("external_id", s)
        });
        let name = v.check(Name::parse("name", &self.name));
        let email = parse_opt(&mut v, self.email.as_deref(), |s| Email::parse("email", s));
        let group = parse_opt(&mut v, self.professional_group.as_deref(), |s| {
            ProfessionalGroup::parse("professional_group", s)
        });
        v.finish(|| {
            Some(NewEmployee {
                external_id: external_id?,
                name: name?,
                email: email?,
                professional_group: group?,
                unit_id: self.unit_id,
                active: self.active,
                manages: units(self.manages),
                represents: units(self.represents),
            })
        })
    }
}

/// Changes to an employee: absent fields stay, null clears; lists replace the whole list.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmployeePatch {
    /// New HR id, or null.
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<crate::text_schema::ExternalIdText>)]
    pub external_id: Option<Option<String>>,
    /// New name.
    #[schema(value_type = Option<crate::text_schema::NameText>)]
    pub name: Option<String>,
    /// New e-mail, or null.
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<crate::text_schema::EmailText>)]
    pub email: Option<Option<String>>,
    /// New group, or null.
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<crate::text_schema::GroupText>)]
    pub professional_group: Option<Option<String>>,
    /// New unit.
    #[schema(value_type = Option<Uuid>)]
    pub unit_id: Option<UnitId>,
    /// Employment started or ended.
    pub active: Option<bool>,
    /// The full new list of managed units.
    #[schema(value_type = Option<Vec<Uuid>>)]
    pub manages: Option<Vec<UnitId>>,
    /// The full new list of represented units.
    #[schema(value_type = Option<Vec<Uuid>>)]
    pub represents: Option<Vec<UnitId>>,
}

impl EmployeePatch {
    fn parse(self) -> Result<EmployeeChanges, Violations> {
        let mut v = Violations::new();
        let external_id = parse_change(
            &mut v,
            self.external_id.as_ref().map(|o| o.as_deref()),
            |s| ExternalId::parse("external_id", s),
        );
        let name = parse_opt(&mut v, self.name.as_deref(), |s| Name::parse("name", s));
        let email = parse_change(&mut v, self.email.as_ref().map(|o| o.as_deref()), |s| {
            Email::parse("email", s)
        });
        let group = parse_change(
            &mut v,
            self.professional_group.as_ref().map(|o| o.as_deref()),
            |s| ProfessionalGroup::parse("professional_group", s),
        );
        v.finish(|| {
            Some(EmployeeChanges {
                external_id: external_id?,
                name: name?,
                email: email?,
                professional_group: group?,
                unit_id: self.unit_id,
                active: self.active,
                manages: self.manages.map(units),
                represents: self.represents.map(units),
            })
        })
    }
}

/// Filters of the employee list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EmployeeQuery {
    /// Only those working directly in this unit.
    #[param(value_type = Option<Uuid>)]
    pub unit_id: Option<UnitId>,
    /// Page size, 1–500 (default 50).
    pub limit: Option<u32>,
    /// From `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The employees the caller may read.
#[utoipa::path(
    tag = "organisation",
    operation_id = "list_employees",
    summary = "List the employees the caller may read",
    description = "HR: everyone. Manager: the employees of the units they manage, sub-units included. Employee: themself. Representatives and committee members: 403 (they never see names).",
    params(EmployeeQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of employees", body = ListResponse<EmployeeOut>),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden)
    )
)]
#[get("/employees")]
pub async fn list(
    state: web::Data<AppState>,
    access: PeopleReader,
    query: web::Query<EmployeeQuery>,
) -> ApiResult<HttpResponse> {
    let page = page_request(query.limit, query.cursor.as_deref())?;
    let scope = access.employee_scope().await?;
    let employees = state
        .store
        .list_employees(&scope, query.unit_id, page)
        .await?;
    Ok(HttpResponse::Ok().json(ListResponse::from_page(employees, EmployeeOut::from)))
}

/// One employee.
#[utoipa::path(
    tag = "organisation",
    operation_id = "get_employee",
    summary = "Read an employee",
    params(("id" = Uuid, Path, description = "The employee's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The employee", body = EmployeeOut, headers(("ETag" = String, description = "The record's version"))),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound)
    )
)]
#[get("/employees/{id}")]
pub async fn get(access: PeopleReader, id: web::Path<EmployeeId>) -> ApiResult<HttpResponse> {
    let employee = access.employee(*id).await?;
    Ok(versioned(
        StatusCode::OK,
        employee.meta.version,
        &EmployeeOut::from(employee),
    ))
}

/// Creates an employee.
#[utoipa::path(
    tag = "organisation",
    operation_id = "create_employee",
    summary = "Create an employee (HR)",
    request_body = EmployeeIn,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = EmployeeOut, headers(("ETag" = String, description = "The record's version"))),
        crate::openapi::CreateErrors
    )
)]
#[post("/employees")]
pub async fn create(
    state: web::Data<AppState>,
    _hr: Hr,
    body: ValidJson<EmployeeIn>,
) -> ApiResult<HttpResponse> {
    let employee = state.store.create_employee(body.0.parse()?).await?;
    Ok(versioned(
        StatusCode::CREATED,
        employee.meta.version,
        &EmployeeOut::from(employee),
    ))
}

/// Changes an employee.
#[utoipa::path(
    tag = "organisation",
    operation_id = "update_employee",
    summary = "Change an employee (HR)",
    params(
        ("id" = Uuid, Path, description = "The employee's id"),
        crate::http::IfMatchEtag
    ),
    request_body = EmployeePatch,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Changed", body = EmployeeOut, headers(("ETag" = String, description = "The record's version"))),
        crate::openapi::UpdateErrors
    )
)]
#[patch("/employees/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    _hr: Hr,
    id: web::Path<EmployeeId>,
    if_match: IfMatch,
    body: ValidJson<EmployeePatch>,
) -> ApiResult<HttpResponse> {
    let employee = state
        .store
        .update_employee(*id, if_match.0, body.0.parse()?)
        .await?;
    Ok(versioned(
        StatusCode::OK,
        employee.meta.version,
        &EmployeeOut::from(employee),
    ))
}

/// Erases an employee who left.
#[utoipa::path(
    tag = "organisation",
    operation_id = "erase_employee",
    summary = "Erase an employee who has left (HR), before the retention would",
    description = "Removes their name (it becomes `Slettet medarbejder`), e-mail and external id from the record and from everything the service keeps (the change feed's events, the audit log's actor, stored responses, follow-up notes and participants, committee texts), removes the personal content of their plans and each agreed version (title, goals, activities, open points), and their roles. The status figures stay as they were: what counts is kept under an id that no longer identifies anyone. The feed gets `employee.erased`, so followers erase their copies. Someone still active is refused (409 `still_employed`): HR marks them as having left first. Erasing again changes nothing. The service does the same by itself `DEVPLAN_RETENTION_AFTER_LEAVING_DAYS` after someone left.",
    params(("id" = Uuid, Path, description = "The employee's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Erased", body = EmployeeOut, headers(("ETag" = String, description = "The record's version"))),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 503, response = crate::openapi::Busy)
    )
)]
#[post("/employees/{id}/erasure")]
pub async fn erase(
    state: web::Data<AppState>,
    _hr: Hr,
    id: web::Path<EmployeeId>,
) -> ApiResult<HttpResponse> {
    let employee = state.store.bulk().erase_employee(*id).await?.employee;
    Ok(versioned(
        StatusCode::OK,
        employee.meta.version,
        &EmployeeOut::from(employee),
    ))
}
