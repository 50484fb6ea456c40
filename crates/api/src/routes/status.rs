//! `/status`: figures on the work with development plans for a unit and its sub-units, for
//! the stock-taking of employer, representatives and MED committees (seed 000 §3). Those
//! outside management see aggregates only, suppressed below the anonymity threshold.

use std::collections::BTreeMap;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{Datelike, NaiveDate};
use devplan_domain::UnitId;
use devplan_domain::status::{Figures, Shown, anonymise, plain};
use devplan_persistence::{PageRequest, StatusCell, StatusPeriod, is_people_figure};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::app::AppState;
use crate::error::ApiError;
use crate::http::{ApiResult, ListResponse};
use crate::policy::{Access, Caller, StatusView};
use crate::routes::followups::Person;

/// Which unit and period.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StatusQuery {
    /// The unit; its sub-units are included.
    pub unit_id: Uuid,
    /// First day of the period (default: 1 January this year).
    pub from: Option<NaiveDate>,
    /// Last day of the period (default: 31 December this year).
    pub to: Option<NaiveDate>,
}

/// One row of a breakdown.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubUnitRow {
    /// The sub-unit (or the unit itself, for those placed directly in it).
    pub unit_id: Uuid,
    /// Its name.
    pub name: String,
    /// True for the row of those placed directly in the unit asked about.
    pub direct: bool,
    /// The figures; null where suppressed.
    pub figures: BTreeMap<String, Option<u64>>,
}

/// One professional group's row.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupRow {
    /// The group; null for employees without one.
    pub professional_group: Option<String>,
    /// The figures; null where suppressed.
    pub figures: BTreeMap<String, Option<u64>>,
}

/// Status figures of a unit.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"unit_id": "01936f6e-8a4b-7c3d-9e2f-1a2b3c4d5e6f", "from": "2026-01-01", "to": "2026-12-31", "anonymised": true, "anonymity_threshold": 5, "figures": {"employees": 21, "with_agreed_plan": 15, "plans_in_draft": null}, "by_sub_unit": [], "by_professional_group": []}))]
pub struct StatusOut {
    /// The unit.
    pub unit_id: Uuid,
    /// First day of the period.
    pub from: NaiveDate,
    /// Last day of the period.
    pub to: NaiveDate,
    /// True when figures on fewer than `anonymity_threshold` people are suppressed (null).
    pub anonymised: bool,
    /// The threshold applied, when anonymised.
    pub anonymity_threshold: Option<u32>,
    /// The unit's figures, sub-units included. Names: `employees`, `with_agreed_plan`,
    /// `plans_in_draft`, `annual_held_in_time`, `annual_held_late`, `annual_due`,
    /// `annual_overdue`, `special_due`, `special_held`, `special_overdue`,
    /// `interviews_offered`, `interviews_held`, `interviews_declined`, `interviews_missing`,
    /// `activities_by_kind.<kind>`, `goals_by_verdict.<verdict>`, `goals_applied_in_daily_work`.
    pub figures: BTreeMap<String, Option<u64>>,
    /// Per direct sub-unit, and a row for those placed directly in the unit.
    pub by_sub_unit: Vec<SubUnitRow>,
    /// Per professional group.
    pub by_professional_group: Vec<GroupRow>,
}

/// Sums the cells selected by `pick`.
fn roll_up(cells: &[StatusCell], pick: impl Fn(&StatusCell) -> bool) -> Figures {
    let mut f = Figures::default();
    for c in cells.iter().filter(|c| pick(c)) {
        f.add(&c.figures);
    }
    f
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
            "ends_before_start",
            "must not be before from",
        )
        .into());
    }
    Ok((from, to))
}

/// The figures of a unit, its direct sub-units and its professional groups.
pub(crate) async fn status_of(
    state: &AppState,
    unit: UnitId,
    from: NaiveDate,
    to: NaiveDate,
    view: StatusView,
) -> ApiResult<StatusOut> {
    let period = StatusPeriod {
        from,
        to,
        today: state.clock.today(),
    };
    let the_unit = state.store.get_unit(unit).await?;
    let children = state
        .store
        .list_units(
            None,
            Some(unit),
            PageRequest {
                after: None,
                limit: 10_000,
            },
        )
        .await?
        .items;
    let child_ids: Vec<UnitId> = children.iter().map(|c| c.id).collect();
    let cells = state.store.status_cells(unit, &child_ids, period).await?;
    let mut rows: Vec<(Uuid, String, bool, Figures)> = vec![(
        unit.uuid(),
        the_unit.name.as_str().to_owned(),
        true,
        roll_up(&cells, |c| c.bucket == unit),
    )];
    for child in children {
        rows.push((
            child.id.uuid(),
            child.name.into_string(),
            false,
            roll_up(&cells, |c| c.bucket == child.id),
        ));
    }
    let mut groups: Vec<Option<String>> = cells
        .iter()
        .filter(|c| c.figures.employees.value > 0)
        .map(|c| c.professional_group.clone())
        .collect();
    groups.sort();
    groups.dedup();
    let group_rows: Vec<(Option<String>, Figures)> = groups
        .into_iter()
        .map(|g| {
            let f = roll_up(&cells, |c| c.professional_group == g);
            (g, f)
        })
        .collect();
    let total = roll_up(&cells, |_| true);
    let (settings, _) = state.store.settings().await?;
    let k = u64::from(settings.anonymity_threshold);
    let (figures, unit_shown, group_shown): (Shown, Vec<Shown>, Vec<Shown>) = match view {
        StatusView::Named => (
            plain(&total),
            rows.iter().map(|r| plain(&r.3)).collect(),
            group_rows.iter().map(|r| plain(&r.1)).collect(),
        ),
        StatusView::Anonymised => {
            let unit_figures: Vec<Figures> = rows.iter().map(|r| r.3.clone()).collect();
            let (t, by_unit) = anonymise(&total, &unit_figures, k);
            let group_figures: Vec<Figures> = group_rows.iter().map(|r| r.1.clone()).collect();
            let (_, by_group) = anonymise(&total, &group_figures, k);
            (t, by_unit, by_group)
        }
    };
    Ok(StatusOut {
        unit_id: unit.uuid(),
        from,
        to,
        anonymised: view == StatusView::Anonymised,
        anonymity_threshold: (view == StatusView::Anonymised)
            .then_some(settings.anonymity_threshold),
        figures,
        by_sub_unit: rows
            .into_iter()
            .zip(unit_shown)
            .map(|((unit_id, name, direct, _), figures)| SubUnitRow {
                unit_id,
                name,
                direct,
                figures,
            })
            .collect(),
        by_professional_group: group_rows
            .into_iter()
            .zip(group_shown)
            .map(|((professional_group, _), figures)| GroupRow {
                professional_group,
                figures,
            })
            .collect(),
    })
}

/// The figures as CSV: one line per scope and figure; suppressed values are empty.
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
    write("unit", &s.unit_id.to_string(), &s.figures)?;
    for r in &s.by_sub_unit {
        write(
            if r.direct {
                "directly_in_unit"
            } else {
                "sub_unit"
            },
            &r.name,
            &r.figures,
        )?;
    }
    for r in &s.by_professional_group {
        write(
            "professional_group",
            r.professional_group.as_deref().unwrap_or(""),
            &r.figures,
        )?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| ApiError::Internal(e.to_string()))
}

/// Whether the client asks for CSV rather than JSON.
pub(crate) fn wants_csv(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/csv") && !a.contains("application/json"))
}

/// Status figures of a unit.
#[utoipa::path(
    tag = "status",
    operation_id = "get_status",
    summary = "Status figures of a unit and period, with a breakdown per sub-unit and professional group",
    description = "HR and the unit's managers see the figures as they are. Representatives and committee members see them anonymised: every figure on fewer people than the anonymity threshold is null, and so is one more wherever a hidden one could be worked out by subtraction. With `Accept: text/csv`, the same as CSV.",
    params(StatusQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The figures", content((StatusOut = "application/json"), (String = "text/csv"))),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 422, response = crate::openapi::Unprocessable),
        (status = 503, response = crate::openapi::Busy)
    )
)]
#[get("/status")]
pub async fn status(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<StatusQuery>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let unit = UnitId::from_uuid(query.unit_id);
    let view = Access::new(&caller, &state.store).status_view(unit).await?;
    let (from, to) = period(&state, &query)?;
    let _turn = state.heavy.enter().await?;
    let out = status_of(&state, unit, from, to, view).await?;
    if wants_csv(&req) {
        return Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .body(csv_of(&out)?));
    }
    Ok(HttpResponse::Ok().json(out))
}

/// The people figures a named list can be asked for (checked against the store's list by a
/// test, so the two cannot drift).
#[derive(ToSchema)]
#[schema(as = PeopleFigure)]
#[allow(dead_code)]
#[serde(rename_all = "snake_case")]
enum PeopleFigureSchema {
    Employees,
    WithAgreedPlan,
    PlansInDraft,
    AnnualHeldInTime,
    AnnualHeldLate,
    AnnualDue,
    AnnualOverdue,
    SpecialDue,
    SpecialHeld,
    SpecialOverdue,
    InterviewsOffered,
    InterviewsHeld,
    InterviewsDeclined,
    InterviewsMissing,
}

/// Which figure's people to list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PeopleQuery {
    /// The unit; its sub-units are included.
    pub unit_id: Uuid,
    /// A people figure: `employees`, `with_agreed_plan`, `plans_in_draft`, `annual_*`,
    /// `special_*` or `interviews_*`.
    #[param(value_type = PeopleFigureSchema, inline)]
    pub figure: String,
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
    caller: Caller,
    query: web::Query<PeopleQuery>,
) -> ApiResult<HttpResponse> {
    let unit = UnitId::from_uuid(query.unit_id);
    if Access::new(&caller, &state.store).status_view(unit).await? != StatusView::Named {
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
    let name = query.figure.as_str();
    if !is_people_figure(name) {
        return Err(devplan_domain::Violation::new(
            "figure",
            "unknown_figure",
            "name a people figure, e.g. with_agreed_plan",
        )
        .into());
    }
    let period = StatusPeriod {
        from,
        to,
        today: state.clock.today(),
    };
    let _turn = state.heavy.enter().await?;
    let items: Vec<Person> = state
        .store
        .status_people(unit, period, name)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_published_people_figures_are_exactly_those_the_store_lists() {
        let schema = serde_json::to_value(<PeopleFigureSchema as utoipa::PartialSchema>::schema())
            .expect("the schema serialises");
        let mut published: Vec<&str> = schema["enum"]
            .as_array()
            .expect("an enum")
            .iter()
            .filter_map(|v| v.as_str())
            .collect();
        published.sort_unstable();
        assert_eq!(published, devplan_persistence::people_figure_names());
        assert!(published.iter().all(|n| is_people_figure(n)));
    }
}
