//! `/development-interviews`: the yearly development interview (MUS), individual or for a
//! group (GRUS/TUS), and the list of employees still owed one this year.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, patch, post, web};
use chrono::{Datelike, NaiveDate};
use devplan_domain::FieldCode;
use devplan_domain::followup::{
    Coverage, Interview, InterviewFields, InterviewFormat, Participant, coverage,
};
use devplan_domain::records::Meta;
use devplan_domain::{EmployeeId, InterviewId, PlanId, UnitId, Violation, Violations};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::http::{
    ApiResult, IfMatch, ListResponse, ValidJson, page_request, patch_field, versioned,
};
use crate::policy::{Hr, HrOrManager, Manager, PeopleReader};
use crate::services::sync::{SyncPayload, apply_sync};
use crate::state::AppState;
use crate::views::interview::*;
use crate::views::person::Person;
use devplan_domain::text::ExternalId;

/// An interview to record.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"year": 2026, "format": "individual", "offered_on": "2026-02-01", "participants": [{"employee_id": "01936f6e-8a4b-7c3d-9e2f-1a2b3c4d5e70", "status": "offered"}]}))]
pub struct InterviewIn {
    /// The year it belongs to.
    #[schema(minimum = 2000, maximum = 2100)]
    pub year: i32,
    /// Individual or group.
    pub format: Format,
    /// When it was offered.
    pub offered_on: Option<NaiveDate>,
    /// When it was held.
    pub held_on: Option<NaiveDate>,
    /// When it is to be held (participants are reminded to prepare before it).
    pub scheduled_on: Option<NaiveDate>,
    /// The plan made or discussed there.
    #[schema(value_type = Option<Uuid>)]
    pub plan_id: Option<PlanId>,
    /// Who it is for: one employee, or the group.
    pub participants: Vec<ParticipantIo>,
}

/// Changes to an interview: absent fields stay, null clears; `participants` replaces the list.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InterviewPatch {
    /// When it was offered, or null.
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<NaiveDate>)]
    pub offered_on: Option<Option<NaiveDate>>,
    /// When it was held, or null.
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<NaiveDate>)]
    pub held_on: Option<Option<NaiveDate>>,
    /// When it is to be held, or null.
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<NaiveDate>)]
    pub scheduled_on: Option<Option<NaiveDate>>,
    /// The plan, or null.
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<Uuid>)]
    pub plan_id: Option<Option<Uuid>>,
    /// The full new participant list.
    pub participants: Option<Vec<ParticipantIo>>,
}

fn participants(given: Vec<ParticipantIo>) -> Vec<Participant> {
    given
        .into_iter()
        .map(|p| Participant {
            employee: p.employee_id,
            status: p.status.into(),
            wants_individual: p.wants_individual,
        })
        .collect()
}

/// Filters of the interview list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct InterviewQuery {
    /// Only this year.
    pub year: Option<i32>,
    /// Only interviews of this employee.
    #[param(value_type = Option<Uuid>)]
    pub employee_id: Option<EmployeeId>,
    /// Page size, 1–500 (default 50).
    pub limit: Option<u32>,
    /// From `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The interviews the caller may read.
#[utoipa::path(
    tag = "follow-ups",
    operation_id = "list_development_interviews",
    summary = "List development interviews: HR all, a manager their units', an employee their own",
    params(InterviewQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of interviews", body = ListResponse<InterviewOut>),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden)
    )
)]
#[get("/development-interviews")]
pub async fn list(
    state: web::Data<AppState>,
    access: PeopleReader,
    query: web::Query<InterviewQuery>,
) -> ApiResult<HttpResponse> {
    let page = page_request(query.limit, query.cursor.as_deref())?;
    let scope = access.follow_up_scope().await?;
    let items = state
        .store
        .list_interviews(&scope, query.year, query.employee_id, page)
        .await?;
    crate::services::audit::interviews_read(&state.store, &items.items).await?;
    Ok(HttpResponse::Ok().json(ListResponse::from_page(items, InterviewOut::from)))
}

/// One interview.
#[utoipa::path(
    tag = "follow-ups",
    operation_id = "get_development_interview",
    summary = "Read a development interview",
    params(("id" = Uuid, Path, description = "The interview's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The interview", body = InterviewOut, headers(("ETag" = String, description = "The interview's version"))),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound)
    )
)]
#[get("/development-interviews/{id}")]
pub async fn get(access: PeopleReader, id: web::Path<InterviewId>) -> ApiResult<HttpResponse> {
    let interview = access.interview(*id).await?;
    Ok(versioned(
        StatusCode::OK,
        interview.meta.version,
        &InterviewOut::from(interview),
    ))
}

/// Records an interview.
#[utoipa::path(
    tag = "follow-ups",
    operation_id = "create_development_interview",
    summary = "Record an interview offered, held or declined (a manager of every participant)",
    request_body = InterviewIn,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Recorded", body = InterviewOut, headers(("ETag" = String, description = "The interview's version"))),
        crate::openapi::CreateErrors
    )
)]
#[post("/development-interviews")]
pub async fn create(
    state: web::Data<AppState>,
    access: Manager,
    body: ValidJson<InterviewIn>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    let interview = Interview::new(InterviewFields {
        id: InterviewId::generate(),
        external_id: None,
        year: b.year,
        format: match b.format {
            Format::Individual => InterviewFormat::Individual,
            Format::Group => InterviewFormat::Group,
        },
        offered_on: b.offered_on,
        held_on: b.held_on,
        scheduled_on: b.scheduled_on,
        plan_id: b.plan_id,
        guide_version: None,
        participants: participants(b.participants),
        meta: Meta::first(state.clock.now()),
    })?;
    if !access.manages_all(&interview.people()).await? {
        return Err(Violation::new(
            "participants",
            FieldCode::UnknownEmployee,
            "every participant must be an employee of your units",
        )
        .into());
    }
    let stored = state.store.create_interview(interview).await?;
    Ok(versioned(
        StatusCode::CREATED,
        stored.meta.version,
        &InterviewOut::from(stored),
    ))
}

/// Changes an interview.
#[utoipa::path(
    tag = "follow-ups",
    operation_id = "update_development_interview",
    summary = "Change an interview: held, declined, who asked for an individual one (a manager)",
    params(("id" = Uuid, Path, description = "The interview's id"), crate::http::IfMatchEtag),
    request_body = InterviewPatch,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Changed", body = InterviewOut, headers(("ETag" = String, description = "The interview's version"))),
        crate::openapi::UpdateErrors
    )
)]
#[patch("/development-interviews/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    access: Manager,
    id: web::Path<InterviewId>,
    if_match: IfMatch,
    body: ValidJson<InterviewPatch>,
) -> ApiResult<HttpResponse> {
    let current = access.interview(*id).await?;
    let mut next = current.clone().into_fields();
    let b = body.0;
    if let Some(d) = b.offered_on {
        next.offered_on = d;
    }
    if let Some(d) = b.held_on {
        next.held_on = d;
    }
    if let Some(d) = b.scheduled_on {
        next.scheduled_on = d;
    }
    if let Some(p) = b.plan_id {
        next.plan_id = p.map(PlanId::from_uuid);
    }
    if let Some(p) = b.participants {
        next.participants = participants(p);
    }
    let next = Interview::new(next)?;
    let mut people = next.people();
    people.extend(current.people());
    if !access.manages_all(&people).await? {
        return Err(Violation::new(
            "participants",
            FieldCode::UnknownEmployee,
            "every participant must be an employee of your units",
        )
        .into());
    }
    let expected = if_match.0.unwrap_or(current.meta.version);
    let stored = state.store.replace_interview(next, expected).await?;
    Ok(versioned(
        StatusCode::OK,
        stored.meta.version,
        &InterviewOut::from(stored),
    ))
}

/// A participant as the HR system knows them.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ParticipantRow {
    /// The employee's external id.
    #[schema(value_type = crate::text_schema::ExternalIdText)]
    pub employee_external_id: String,
    /// Offered, held or declined.
    pub status: Status,
    /// Asked for an individual interview.
    #[serde(default)]
    pub wants_individual: bool,
}

/// An interview as the HR system sends it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InterviewRow {
    /// The key.
    #[schema(value_type = crate::text_schema::ExternalIdText)]
    pub external_id: String,
    /// The year.
    #[schema(minimum = 2000, maximum = 2100)]
    #[serde(deserialize_with = "crate::contract::whole_i32")]
    pub year: i32,
    /// Individual or group.
    pub format: Format,
    /// When offered.
    pub offered_on: Option<NaiveDate>,
    /// When held.
    pub held_on: Option<NaiveDate>,
    /// When it is to be held.
    #[serde(default)]
    pub scheduled_on: Option<NaiveDate>,
    /// Who it was for.
    pub participants: Vec<ParticipantRow>,
}

fn interview_row(
    r: InterviewRow,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(InterviewFields, Vec<ExternalId>), Violations> {
    let mut v = Violations::new();
    let external_id = v.check(ExternalId::parse("external_id", &r.external_id));
    let externals: Vec<Option<ExternalId>> = r
        .participants
        .iter()
        .enumerate()
        .map(|(i, p)| {
            v.check(ExternalId::parse(
                &format!("participants[{i}].employee_external_id"),
                &p.employee_external_id,
            ))
        })
        .collect();
    let mut seen = std::collections::HashSet::new();
    for (i, p) in r.participants.iter().enumerate() {
        if !seen.insert(p.employee_external_id.trim()) {
            v.push(Violation::new(
                format!("participants[{i}].employee_external_id"),
                FieldCode::Duplicate,
                "named twice",
            ));
        }
    }
    let interview = InterviewFields {
        id: InterviewId::generate(),
        external_id: None,
        year: r.year,
        format: match r.format {
            Format::Individual => InterviewFormat::Individual,
            Format::Group => InterviewFormat::Group,
        },
        offered_on: r.offered_on,
        held_on: r.held_on,
        scheduled_on: r.scheduled_on,
        plan_id: None,
        guide_version: None,
        // Employees are resolved by the store; the placeholder ids are replaced there.
        participants: r
            .participants
            .iter()
            .map(|p| Participant {
                employee: EmployeeId::from_uuid(Uuid::nil()),
                status: p.status.into(),
                wants_individual: p.wants_individual,
            })
            .collect(),
        meta: Meta::first(now),
    };
    // The participants are named by external id here and resolved by the store, which checks
    // the whole interview again; every other rule is checked now, so each bad row is named.
    if let Err(more) = Interview::new(interview.clone()) {
        for x in more
            .into_vec()
            .into_iter()
            .filter(|x| x.code != FieldCode::Duplicate)
        {
            v.push(x);
        }
    }
    v.finish(|| {
        let mut interview = interview;
        interview.external_id = Some(external_id?);
        Some((interview, externals.into_iter().collect::<Option<_>>()?))
    })
}

/// Upserts interviews.
#[utoipa::path(
    tag = "sync",
    operation_id = "sync_development_interviews",
    summary = "Upsert development interviews by external_id (HR): all-or-nothing, idempotent",
    request_body = SyncPayload<InterviewRow>,
    security(("bearer" = [])),
    responses((status = 200, description = "Applied", body = crate::services::sync::SyncResult), crate::openapi::SyncErrors)
)]
#[post("/sync/development-interviews")]
pub async fn sync(
    state: web::Data<AppState>,
    hr: Hr,
    body: ValidJson<SyncPayload<InterviewRow>>,
) -> ApiResult<HttpResponse> {
    apply_sync(
        &state,
        &hr,
        body.0.rows,
        |row| interview_row(row, state.clock.now()),
        |store, rows| async move { store.sync_interviews(rows).await },
    )
    .await
}

/// Where an employee stands with the year's interview.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CoverageOut {
    /// Nothing offered yet.
    NotOffered,
    /// Asked for an individual interview and not had one.
    IndividualRequested,
    /// Offered, waiting.
    Offered,
    /// Declined.
    Declined,
    /// Held.
    Held,
}

/// One employee's interview coverage.
#[derive(Debug, Serialize, ToSchema)]
pub struct CoverageItem {
    /// The employee.
    pub employee: Person,
    /// Where they stand.
    pub coverage: CoverageOut,
    /// Whether the manager still owes them an interview this year.
    pub needs_action: bool,
}

/// Filters of the coverage list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CoverageQuery {
    /// The year (default: this year).
    pub year: Option<i32>,
    /// Only employees of this unit and those below it.
    #[param(value_type = Option<Uuid>)]
    pub unit_id: Option<UnitId>,
    /// Only those still owed an interview (default true).
    pub needs_action: Option<bool>,
}

/// Who still needs an interview.
#[utoipa::path(
    tag = "follow-ups",
    operation_id = "development_interview_coverage",
    summary = "Employees and their interview coverage for a year; by default only those still owed one",
    description = "A manager: the employees of their units; HR: everyone. A group interview counts for those who took part; one who asked for an individual interview stays listed until they have had one.",
    params(CoverageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The employees, by name", body = ListResponse<CoverageItem>),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound)
    )
)]
#[get("/development-interviews/coverage")]
pub async fn coverage_list(
    state: web::Data<AppState>,
    access: HrOrManager,
    query: web::Query<CoverageQuery>,
) -> ApiResult<HttpResponse> {
    let scope = access.absence_scope().await?;
    let year = query.year.unwrap_or(state.clock.today().year());
    let within = match query.unit_id {
        Some(u) => Some(access.unit_subtree(u).await?),
        None => None,
    };
    let people: Vec<_> = state
        .store
        .employees_in(&scope)
        .await?
        .into_iter()
        .filter(|(_, _, unit)| within.as_ref().is_none_or(|w| w.contains(unit)))
        .collect();
    let ids: Vec<EmployeeId> = people.iter().map(|p| p.0).collect();
    let parts = state.store.interview_parts(&ids, year).await?;
    let only_needing = query.needs_action.unwrap_or(true);
    let items: Vec<CoverageItem> = people
        .into_iter()
        .filter_map(|(id, name, unit)| {
            let c = coverage(parts.get(&id).map_or(&[][..], Vec::as_slice));
            if only_needing && !c.needs_action() {
                return None;
            }
            Some(CoverageItem {
                employee: Person {
                    id: id.uuid(),
                    name,
                    unit_id: unit.uuid(),
                },
                coverage: match c {
                    Coverage::NotOffered => CoverageOut::NotOffered,
                    Coverage::IndividualRequested => CoverageOut::IndividualRequested,
                    Coverage::Offered => CoverageOut::Offered,
                    Coverage::Declined => CoverageOut::Declined,
                    Coverage::Held => CoverageOut::Held,
                },
                needs_action: c.needs_action(),
            })
        })
        .collect();
    Ok(HttpResponse::Ok().json(ListResponse::new(items, None)))
}
