//! Status figures on the wire: a [`Snapshot`] as `/status`, a review and a committee
//! discussion show it.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use devplan_domain::status::Snapshot;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// One row of a breakdown.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubUnitRow {
    /// The sub-unit (or the unit itself, for those placed directly in it).
    pub unit_id: Uuid,
    /// Its name.
    pub name: String,
    /// True for the unit's own row: those placed directly in the unit asked about, and, for
    /// representatives and committees, the remainders of sub-units too small to be counted
    /// on their own.
    pub direct: bool,
    /// The sub-units some of whose people are counted in this row (own row only; empty for
    /// HR and managers).
    pub pooled_units: Vec<PooledUnitOut>,
    /// True when some of the row's people are not in its figures (representatives and
    /// committees): counted in the own row of a unit above, or left out as too few. A row that
    /// counts no one for that reason has every figure null.
    pub left_out: bool,
    /// The figures.
    pub figures: BTreeMap<String, Option<u64>>,
}

/// A sub-unit some of whose people are counted in its parent's own row.
#[derive(Debug, Serialize, ToSchema)]
pub struct PooledUnitOut {
    /// The sub-unit.
    pub unit_id: Uuid,
    /// Its name.
    pub name: String,
}

/// One professional group's row.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupRow {
    /// The group; null for employees without one, and for the row of other groups.
    pub professional_group: Option<String>,
    /// True for the row of other groups (representatives and committees): those whose group
    /// has fewer than the threshold in their unit's row.
    pub other_groups: bool,
    /// The figures.
    pub figures: BTreeMap<String, Option<u64>>,
}

/// Status figures of a unit.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"unit_id": "01936f6e-8a4b-7c3d-9e2f-1a2b3c4d5e6f", "from": "2026-01-01", "to": "2026-12-31", "anonymised": true, "anonymity_threshold": 5, "withheld": false, "left_out": true, "figures": {"employees": 21, "with_agreed_plan": 15, "plans_in_draft": 2}, "by_sub_unit": [{"unit_id": "01936f6e-8a4b-7c3d-9e2f-1a2b3c4d5e6f", "name": "Børnehuset Solsikken", "direct": true, "pooled_units": [{"unit_id": "01936f6e-8a4b-7c3d-9e2f-1a2b3c4d5e71", "name": "Dagplejen"}], "left_out": false, "figures": {"employees": 21, "with_agreed_plan": 15, "plans_in_draft": 2}}], "by_professional_group": [{"professional_group": null, "other_groups": true, "figures": {"employees": 21, "with_agreed_plan": 15, "plans_in_draft": 2}}]}))]
pub struct StatusOut {
    /// The unit.
    pub unit_id: Uuid,
    /// First day of the period.
    pub from: NaiveDate,
    /// Last day of the period.
    pub to: NaiveDate,
    /// True when small units and groups are pooled, so that no figure, alone or combined with
    /// any other the caller can read, is about fewer than `anonymity_threshold` people.
    pub anonymised: bool,
    /// The threshold applied, when anonymised.
    pub anonymity_threshold: Option<u32>,
    /// True when the unit has no figures of its own (every figure null, no rows): it has fewer
    /// people than the threshold (or, for a reader who manages some of them, fewer that the
    /// reader does not already know), or a snapshot was cut by an earlier rule or under a
    /// lower threshold than today's.
    pub withheld: bool,
    /// True when some of the unit's people are not in its figures: the remainder of a unit too
    /// small to be counted on its own, counted in a unit above or left out (see the README's
    /// "Status figures"). Always false for HR and the unit's managers.
    pub left_out: bool,
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

impl From<Snapshot> for StatusOut {
    fn from(s: Snapshot) -> Self {
        StatusOut {
            unit_id: s.unit_id.uuid(),
            from: s.from,
            to: s.to,
            anonymised: s.anonymised,
            anonymity_threshold: s.anonymity_threshold,
            withheld: s.withheld,
            left_out: s.left_out,
            figures: s.figures,
            by_sub_unit: s
                .by_sub_unit
                .into_iter()
                .map(|r| SubUnitRow {
                    unit_id: r.unit_id.uuid(),
                    name: r.name,
                    direct: r.direct,
                    pooled_units: r
                        .pooled_units
                        .into_iter()
                        .map(|p| PooledUnitOut {
                            unit_id: p.unit_id.uuid(),
                            name: p.name,
                        })
                        .collect(),
                    left_out: r.left_out,
                    figures: r.figures,
                })
                .collect(),
            by_professional_group: s
                .by_professional_group
                .into_iter()
                .map(|r| GroupRow {
                    professional_group: r.professional_group,
                    other_groups: r.other_groups,
                    figures: r.figures,
                })
                .collect(),
        }
    }
}
