//! Status figures of a unit, shared by `/status`, the stock-taking reviews and the committee
//! discussions that keep a snapshot: the store's cells rolled up per sub-unit and group, and
//! anonymised for those outside management.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use devplan_domain::UnitId;
use devplan_domain::status::{Figures, Shown, anonymise, plain};
use devplan_persistence::{PageRequest, StatusCell, StatusPeriod};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::http::ApiResult;
use crate::policy::StatusView;
use crate::state::AppState;

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
