//! `/sync/*`: bulk upserts from the HR system, keyed by `external_id`. A payload is applied
//! whole or not at all; sending the same payload twice changes nothing the second time; a
//! rejected payload lists every bad row as `rows[i].field`.

use actix_web::{HttpResponse, post, web};
use chrono::NaiveDate;
use devplan_domain::Violations;
use devplan_domain::records::{CommitteeSyncRow, EmployeeSyncRow, PlacementSyncRow, UnitSyncRow};
use devplan_domain::text::{Email, ExternalId, Name, ProfessionalGroup};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::fields::parse_opt;
use crate::http::{ApiResult, ValidJson};
use crate::policy::Hr;
use crate::services::sync::{SyncPayload, SyncResult, apply_sync};
use crate::state::AppState;
use crate::views::committee::Level;

/// A unit as the HR system knows it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"external_id": "U-110", "name": "Dagtilbud Nord", "parent_external_id": "U-100"}))]
pub struct UnitRow {
    /// The key.
    #[schema(value_type = crate::text_schema::ExternalIdText)]
    pub external_id: String,
    /// Its name.
    #[schema(value_type = crate::text_schema::NameText)]
    pub name: String,
    /// The unit above it, in this payload or already stored.
    #[schema(value_type = Option<crate::text_schema::ExternalIdText>)]
    pub parent_external_id: Option<String>,
    /// Its last day, when HR ends it; null or absent while it lasts. A unit is ended, never
    /// deleted: it keeps its history and its past figures. Refused (409 `unit_in_use`) while
    /// anyone is placed in it after that day or a sub-unit outlives it.
    #[serde(default)]
    pub ends_on: Option<NaiveDate>,
}

/// A placement as the HR system knows it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"from": "2019-08-01", "to": "2024-02-29", "unit_external_id": "U-120", "professional_group": "pædagog"}))]
pub struct PlacementRow {
    /// First day.
    pub from: NaiveDate,
    /// Last day (included); null or absent while it lasts. Only the last placement may last.
    #[serde(default)]
    pub to: Option<NaiveDate>,
    /// The unit.
    #[schema(value_type = crate::text_schema::ExternalIdText)]
    pub unit_external_id: String,
    /// The professional group in it.
    #[schema(value_type = Option<crate::text_schema::GroupText>)]
    pub professional_group: Option<String>,
}

/// An employee as the HR system knows them.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"external_id": "E-1042", "name": "Mette Hansen", "email": "mette.hansen@kommune.dk", "professional_group": "pædagog", "unit_external_id": "U-110", "manages_unit_external_ids": [], "represents_unit_external_ids": []}))]
pub struct EmployeeRow {
    /// The key.
    #[schema(value_type = crate::text_schema::ExternalIdText)]
    pub external_id: String,
    /// Full name.
    #[schema(value_type = crate::text_schema::NameText)]
    pub name: String,
    /// Work e-mail.
    #[schema(value_type = Option<crate::text_schema::EmailText>)]
    pub email: Option<String>,
    /// Professional group.
    #[schema(value_type = Option<crate::text_schema::GroupText>)]
    pub professional_group: Option<String>,
    /// The unit they work in (with `placements`: the unit of the last one).
    #[schema(value_type = crate::text_schema::ExternalIdText)]
    pub unit_external_id: String,
    /// Employed now. Without `placements` it defaults to true, and a change of unit, group or
    /// employment takes effect from today; with them it may be left out, and if sent must say
    /// whether the last placement lasts.
    pub active: Option<bool>,
    /// Their whole employment and placement history, replacing the stored one: from which day
    /// they worked in which unit and group, to which day (none after today, none overlapping,
    /// only the last lasting). A period's figures count each person where they were placed on
    /// its last day, so a closed period's figures stay as they were whoever joins, moves or
    /// leaves. Left out, the stored history is kept and extended from today.
    #[serde(default)]
    #[schema(min_items = 1)]
    pub placements: Option<Vec<PlacementRow>>,
    /// Units they manage.
    #[serde(default)]
    #[schema(value_type = Vec<crate::text_schema::ExternalIdText>)]
    pub manages_unit_external_ids: Vec<String>,
    /// Units they represent as local representative.
    #[serde(default)]
    #[schema(value_type = Vec<crate::text_schema::ExternalIdText>)]
    pub represents_unit_external_ids: Vec<String>,
}

/// A committee as the HR system knows it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"external_id": "MED-LOK-1", "name": "Lokal-MED Dagtilbud Nord", "level": "local", "unit_external_id": "U-110", "parent_external_id": "HMU", "member_external_ids": ["E-1042"]}))]
pub struct CommitteeRow {
    /// The key.
    #[schema(value_type = crate::text_schema::ExternalIdText)]
    pub external_id: String,
    /// Its name.
    #[schema(value_type = crate::text_schema::NameText)]
    pub name: String,
    /// Its level.
    pub level: Level,
    /// The unit it covers.
    #[schema(value_type = crate::text_schema::ExternalIdText)]
    pub unit_external_id: String,
    /// The committee it reports to, in this payload or stored.
    #[schema(value_type = Option<crate::text_schema::ExternalIdText>)]
    pub parent_external_id: Option<String>,
    /// Its members.
    #[serde(default)]
    #[schema(value_type = Vec<crate::text_schema::ExternalIdText>)]
    pub member_external_ids: Vec<String>,
}

fn ext_list(v: &mut Violations, field: &str, raw: &[String]) -> Option<Vec<ExternalId>> {
    let parsed: Vec<_> = raw
        .iter()
        .enumerate()
        .map(|(j, s)| v.check(ExternalId::parse(&format!("{field}[{j}]"), s)))
        .collect();
    parsed.into_iter().collect()
}

fn unit_row(r: UnitRow) -> Result<UnitSyncRow, Violations> {
    let mut v = Violations::new();
    let external_id = v.check(ExternalId::parse("external_id", &r.external_id));
    let name = v.check(Name::parse("name", &r.name));
    let parent = parse_opt(&mut v, r.parent_external_id.as_deref(), |s| {
        ExternalId::parse("parent_external_id", s)
    });
    v.finish(|| {
        Some(UnitSyncRow {
            external_id: external_id?,
            name: name?,
            parent_external_id: parent?,
            ends_on: r.ends_on,
        })
    })
}

fn employee_row(r: EmployeeRow) -> Result<EmployeeSyncRow, Violations> {
    let mut v = Violations::new();
    let external_id = v.check(ExternalId::parse("external_id", &r.external_id));
    let name = v.check(Name::parse("name", &r.name));
    let email = parse_opt(&mut v, r.email.as_deref(), |s| Email::parse("email", s));
    let group = parse_opt(&mut v, r.professional_group.as_deref(), |s| {
        ProfessionalGroup::parse("professional_group", s)
    });
    let unit = v.check(ExternalId::parse("unit_external_id", &r.unit_external_id));
    let manages = ext_list(
        &mut v,
        "manages_unit_external_ids",
        &r.manages_unit_external_ids,
    );
    let represents = ext_list(
        &mut v,
        "represents_unit_external_ids",
        &r.represents_unit_external_ids,
    );
    let placements = r.placements.map(|ps| {
        ps.into_iter()
            .enumerate()
            .map(|(j, p)| {
                let field = |f: &str| format!("placements[{j}].{f}");
                let unit = v.check(ExternalId::parse(
                    &field("unit_external_id"),
                    &p.unit_external_id,
                ));
                let group = parse_opt(&mut v, p.professional_group.as_deref(), |s| {
                    ProfessionalGroup::parse(&field("professional_group"), s)
                });
                Some(PlacementSyncRow {
                    from: p.from,
                    to: p.to,
                    unit_external_id: unit?,
                    professional_group: group?,
                })
            })
            .collect::<Option<Vec<_>>>()
    });
    let placements = match placements {
        None => Some(None),
        Some(parsed) => parsed.map(Some),
    };
    v.finish(|| {
        Some(EmployeeSyncRow {
            external_id: external_id?,
            name: name?,
            email: email?,
            professional_group: group?,
            unit_external_id: unit?,
            active: r.active,
            placements: placements?,
            manages_unit_external_ids: manages?,
            represents_unit_external_ids: represents?,
        })
    })
}

fn committee_row(r: CommitteeRow) -> Result<CommitteeSyncRow, Violations> {
    let mut v = Violations::new();
    let external_id = v.check(ExternalId::parse("external_id", &r.external_id));
    let name = v.check(Name::parse("name", &r.name));
    let unit = v.check(ExternalId::parse("unit_external_id", &r.unit_external_id));
    let parent = parse_opt(&mut v, r.parent_external_id.as_deref(), |s| {
        ExternalId::parse("parent_external_id", s)
    });
    let members = ext_list(&mut v, "member_external_ids", &r.member_external_ids);
    v.finish(|| {
        Some(CommitteeSyncRow {
            external_id: external_id?,
            name: name?,
            level: r.level.into(),
            unit_external_id: unit?,
            parent_external_id: parent?,
            member_external_ids: members?,
        })
    })
}

/// Upserts units.
#[utoipa::path(
    tag = "sync",
    operation_id = "sync_org_units",
    summary = "Upsert units by external_id (HR): all-or-nothing, idempotent",
    request_body = SyncPayload<UnitRow>,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Applied", body = SyncResult),
        crate::openapi::SyncErrors
    )
)]
#[post("/sync/org-units")]
pub async fn units(
    state: web::Data<AppState>,
    hr: Hr,
    body: ValidJson<SyncPayload<UnitRow>>,
) -> ApiResult<HttpResponse> {
    apply_sync(
        &state,
        &hr,
        body.0.rows,
        unit_row,
        |store, rows| async move { store.sync_units(rows).await },
    )
    .await
}

/// Upserts employees.
#[utoipa::path(
    tag = "sync",
    operation_id = "sync_employees",
    summary = "Upsert employees with their manager and representative roles by external_id (HR)",
    request_body = SyncPayload<EmployeeRow>,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Applied", body = SyncResult),
        crate::openapi::SyncErrors
    )
)]
#[post("/sync/employees")]
pub async fn employees(
    state: web::Data<AppState>,
    hr: Hr,
    body: ValidJson<SyncPayload<EmployeeRow>>,
) -> ApiResult<HttpResponse> {
    apply_sync(
        &state,
        &hr,
        body.0.rows,
        employee_row,
        |store, rows| async move { store.sync_employees(rows).await },
    )
    .await
}

/// Upserts committees.
#[utoipa::path(
    tag = "sync",
    operation_id = "sync_committees",
    summary = "Upsert committees with parents and members by external_id (HR)",
    request_body = SyncPayload<CommitteeRow>,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Applied", body = SyncResult),
        crate::openapi::SyncErrors
    )
)]
#[post("/sync/committees")]
pub async fn committees(
    state: web::Data<AppState>,
    hr: Hr,
    body: ValidJson<SyncPayload<CommitteeRow>>,
) -> ApiResult<HttpResponse> {
    apply_sync(
        &state,
        &hr,
        body.0.rows,
        committee_row,
        |store, rows| async move { store.sync_committees(rows).await },
    )
    .await
}
