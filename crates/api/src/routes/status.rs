//! `/status`: figures on the work with development plans for a unit and its sub-units, for
//! the stock-taking of employer, representatives and MED committees (Protokollat 2 § 3). Those
//! outside management see aggregates only, pooled so that none rests on fewer people than
//! the anonymity threshold.

use devplan_domain::FieldCode;
use std::collections::BTreeMap;

use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{Datelike, NaiveDate};
use devplan_domain::UnitId;
use devplan_domain::status::PeopleFigure;
use devplan_persistence::StatusPeriod;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::error::ApiError;
use crate::http::{ApiResult, ListResponse, negotiate};
use crate::policy::{HrOrManager, StatusReader, StatusView};
use crate::services::status::status_of;
use crate::state::AppState;
use crate::views::person::Person;
use crate::views::status::StatusOut;

/// Which unit and period.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StatusQuery {
    /// The unit; its sub-units are included.
    #[param(value_type = Uuid)]
    pub unit_id: UnitId,
    /// First day of the period (default: 1 January this year).
    pub from: Option<NaiveDate>,
    /// Last day of the period (default: 31 December this year).
    pub to: Option<NaiveDate>,
}

fn period(state: &AppState, q: &StatusQuery) -> ApiResult<(NaiveDate, NaiveDate)> {
    let year = state.clock.today().year();
    let from = q
        .from
        .unwrap_or_else(|| NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default());
    let to =
        q.to.unwrap_or_else(|| NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default());
    if to < from {
        return Err(devplan_domain::Violation::new(
            "to",
            FieldCode::EndsBeforeStart,
            "must not be before from",
        )
        .into());
    }
    Ok((from, to))
}

/// Representatives and committees read whole calendar years up to this one: periods that
/// overlap differ by the people who joined or left between their ends, and two such readings
/// would give those people's figures away.
fn pooled_period(from: NaiveDate, to: NaiveDate, today: NaiveDate) -> ApiResult<()> {
    let mut v = devplan_domain::Violations::new();
    let year = from.year();
    if (from.month(), from.day()) != (1, 1) {
        v.push(devplan_domain::Violation::new(
            "from",
            FieldCode::WholeYearOnly,
            "representatives and committees read whole calendar years: from must be 1 January",
        ));
    }
    if to != NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(to) || to.year() != year {
        v.push(devplan_domain::Violation::new(
            "to",
            FieldCode::WholeYearOnly,
            "representatives and committees read whole calendar years: to must be 31 December of the same year",
        ));
    }
    if year > today.year() {
        v.push(devplan_domain::Violation::new(
            "from",
            FieldCode::InTheFuture,
            "representatives and committees read this year and those before it",
        ));
    }
    if v.is_empty() { Ok(()) } else { Err(v.into()) }
}

/// The figures as CSV: one line per scope and figure; withheld values are empty, and the
/// own row's name lists the sub-units pooled into it.
fn csv_of(s: &StatusOut) -> Result<String, ApiError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let internal = |e: csv::Error| ApiError::Internal(e.to_string());
    w.write_record(["scope", "name", "figure", "value"])
        .map_err(internal)?;
    let mut write = |scope: &str,
                     name: &str,
                     figures: &BTreeMap<String, Option<u64>>|
     -> Result<(), ApiError> {
        for (figure, value) in figures {
            let value = value.map(|v| v.to_string()).unwrap_or_default();
            w.write_record([scope, name, figure.as_str(), value.as_str()])
                .map_err(internal)?;
        }
        Ok(())
    };
    let unit_name = s
        .by_sub_unit
        .iter()
        .find(|r| r.direct)
        .map_or("", |r| r.name.as_str());
    write("unit", unit_name, &s.figures)?;
    for r in &s.by_sub_unit {
        let name = if r.pooled_units.is_empty() {
            r.name.clone()
        } else {
            let pooled: Vec<&str> = r.pooled_units.iter().map(|p| p.name.as_str()).collect();
            format!("{} (with {})", r.name, pooled.join(", "))
        };
        write(
            if r.direct {
                "directly_in_unit"
            } else {
                "sub_unit"
            },
            &name,
            &r.figures,
        )?;
    }
    for r in &s.by_professional_group {
        write(
            if r.other_groups {
                "other_groups"
            } else {
                "professional_group"
            },
            r.professional_group.as_deref().unwrap_or(""),
            &r.figures,
        )?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| ApiError::Internal(e.to_string()))
}

/// Status figures of a unit.
#[utoipa::path(
    tag = "status",
    operation_id = "get_status",
    summary = "Status figures of a unit and period, with a breakdown per sub-unit and professional group",
    description = "HR and the unit's managers see the figures as they are, for any period. Representatives and committee members see them pooled, for whole calendar years up to this one (422 `whole_year_only` otherwise): the people of a sub-unit too small to be counted on its own are counted in the unit's own row (`pooled_units`), small professional groups in a row of other groups (`other_groups`), and a remainder too small for a row anywhere is left out (`left_out`), so that every figure counts whole groups of at least the threshold, both breakdowns add up to the total, and no combination of figures the caller can read, here, in `/org-units` head-counts or in snapshots, and with what they manage themselves, is about fewer people. Every unit with at least that many people has figures of its own; a smaller one is `withheld`. In a closed year the figures that describe today's plans (`with_agreed_plan`, `plans_in_draft`, `annual_due`, `annual_overdue`, activities and goals) are null for them. With `Accept: text/csv`, the same as CSV.",
    params(StatusQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The figures", content((StatusOut = "application/json"), (String = "text/csv"))),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 406, response = crate::openapi::NotAcceptable),
        (status = 422, response = crate::openapi::Unprocessable),
        (status = 503, response = crate::openapi::Busy)
    )
)]
#[get("/status")]
pub async fn status(
    state: web::Data<AppState>,
    access: StatusReader,
    query: web::Query<StatusQuery>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let unit = query.unit_id;
    let view = access.status_view(unit).await?;
    let (from, to) = period(&state, &query)?;
    let media = negotiate(&req, &["application/json", "text/csv"])?;
    let today = state.clock.today();
    let managed = match view {
        StatusView::Named => Default::default(),
        StatusView::Anonymised => {
            pooled_period(from, to, today)?;
            access.managed_units().await?
        }
    };
    let _turn = state.heavy.enter().await?;
    let mut snapshot = status_of(&state, unit, from, to, view, &managed).await?;
    if view == StatusView::Anonymised && to < today {
        // A closed year's readers see what that year's figures say, not today's plans.
        snapshot.withhold_figures_of_today();
    }
    let out = StatusOut::from(snapshot);
    if media == "text/csv" {
        return Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .body(csv_of(&out)?));
    }
    Ok(HttpResponse::Ok().json(out))
}

/// Which figure's people to list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PeopleQuery {
    /// The unit; its sub-units are included.
    #[param(value_type = Uuid)]
    pub unit_id: UnitId,
    /// A people figure: `employees`, `with_agreed_plan`, `plans_in_draft`, `annual_*`,
    /// `special_*` or `interviews_*`.
    #[param(inline)]
    pub figure: PeopleFigure,
    /// First day of the period (default: 1 January this year).
    pub from: Option<NaiveDate>,
    /// Last day of the period (default: 31 December this year).
    pub to: Option<NaiveDate>,
}

/// The people behind a figure.
#[utoipa::path(
    tag = "status",
    operation_id = "get_status_people",
    summary = "The named employees behind a status figure (HR and the unit's managers)",
    params(PeopleQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The employees, by name", body = ListResponse<Person>),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 422, response = crate::openapi::Unprocessable),
        (status = 503, response = crate::openapi::Busy)
    )
)]
#[get("/status/people")]
pub async fn named_people(
    state: web::Data<AppState>,
    access: HrOrManager,
    query: web::Query<PeopleQuery>,
) -> ApiResult<HttpResponse> {
    let unit = query.unit_id;
    if access.status_view(unit).await? != StatusView::Named {
        return Err(ApiError::Forbidden(
            "named lists are for HR and the unit's managers".into(),
        ));
    }
    let (from, to) = period(
        &state,
        &StatusQuery {
            unit_id: query.unit_id,
            from: query.from,
            to: query.to,
        },
    )?;
    let period = StatusPeriod {
        from,
        to,
        today: state.clock.today(),
    };
    let _turn = state.heavy.enter().await?;
    let items: Vec<Person> = state
        .store
        .heavy()
        .status_people(unit, period, query.figure)
        .await?
        .into_iter()
        .map(|(id, name, unit)| Person {
            id: id.uuid(),
            name,
            unit_id: unit.uuid(),
        })
        .collect();
    Ok(HttpResponse::Ok().json(ListResponse::new(items, None)))
}
