//! Status figures of a unit, shared by `/status`, the stock-taking reviews and the committee
//! discussions that keep them: the store's cells summed over the rows of the unit's table,
//! plain for management and pooled for everyone else (see [`devplan_domain::pooling`]), as a
//! domain [`Snapshot`].

use std::collections::BTreeMap;

use chrono::NaiveDate;
use devplan_domain::UnitId;
use devplan_domain::pooling::{Atom, Headcount, Pooling, Population, Table, plain_table};
use devplan_domain::status::{
    Figures, PooledUnit, Shown, Snapshot, SnapshotGroupRow, SnapshotUnitRow, shown,
};
use devplan_persistence::{CellsBy, PageRequest, StatusCell, StatusPeriod};

use crate::http::ApiResult;
use crate::policy::StatusView;
use crate::state::AppState;

/// The figures of the cells `atoms`.
fn sum(cells: &BTreeMap<Atom, Figures>, atoms: &[Atom]) -> Figures {
    let mut f = Figures::default();
    for a in atoms {
        if let Some(c) = cells.get(a) {
            f.add(c);
        }
    }
    f
}

fn by_atom(cells: Vec<StatusCell>) -> BTreeMap<Atom, Figures> {
    cells
        .into_iter()
        .map(|c| {
            (
                Atom {
                    unit: c.bucket,
                    group: c.professional_group,
                },
                c.figures,
            )
        })
        .collect()
}

/// The head-counts of `units` as they are read pooled, each from the pooling of its top
/// unit's tree (one load per tree).
pub(crate) async fn pooled_headcounts(
    state: &AppState,
    units: &[UnitId],
) -> ApiResult<BTreeMap<UnitId, Headcount>> {
    let mut out = BTreeMap::new();
    if units.is_empty() {
        return Ok(out);
    }
    // A whole tree's people per top unit: under the heavy statement limit.
    let store = state.store.heavy();
    let tops = store.tops_of(units).await?;
    let (settings, _) = store.settings().await?;
    let k = u64::from(settings.anonymity_threshold);
    let mut by_top: BTreeMap<UnitId, Vec<UnitId>> = BTreeMap::new();
    for u in units {
        by_top
            .entry(tops.get(u).copied().unwrap_or(*u))
            .or_default()
            .push(*u);
    }
    for (top, units) in by_top {
        let population = store.population(top, None).await?;
        let pooling = Pooling::new(&population, k);
        for u in units {
            out.insert(u, pooling.headcount(&population, u));
        }
    }
    Ok(out)
}

/// The figures of a unit, its direct sub-units and its professional groups.
pub(crate) async fn status_of(
    state: &AppState,
    unit: UnitId,
    from: NaiveDate,
    to: NaiveDate,
    view: StatusView,
) -> ApiResult<Snapshot> {
    let period = StatusPeriod {
        from,
        to,
        today: state.clock.today(),
    };
    // Every person of a unit, however large: under the heavy statement limit.
    let store = state.store.heavy();
    let the_unit = store.get_unit(unit).await?;
    let children = store
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
    let mut names: BTreeMap<UnitId, String> = children
        .iter()
        .map(|c| (c.id, c.name.as_str().to_owned()))
        .collect();
    names.insert(unit, the_unit.name.as_str().to_owned());
    let (settings, _) = store.settings().await?;
    let (table, cells) = match view {
        StatusView::Named => {
            let child_ids: Vec<UnitId> = children.iter().map(|c| c.id).collect();
            let cells = by_atom(
                store
                    .status_cells(unit, CellsBy::SubUnit(&child_ids), period)
                    .await?,
            );
            // Each sub-unit as a leaf holding its subtree's people: the table needs no finer.
            let population = Population::new(
                std::iter::once((unit, None)).chain(child_ids.iter().map(|c| (*c, Some(unit)))),
                cells.iter().map(|(a, f)| (a.clone(), f.employees.value)),
            );
            (plain_table(&population, unit), cells)
        }
        StatusView::Anonymised => {
            let top = store
                .tops_of(&[unit])
                .await?
                .get(&unit)
                .copied()
                .unwrap_or(unit);
            let (around, cells) = futures_util::future::try_join(
                store.population(top, Some(to)),
                store.status_cells(unit, CellsBy::Unit, period),
            )
            .await?;
            let cells = by_atom(cells);
            // The rows' figures and the blocks they are cut by rest on the same reading, even
            // while employees change between the two statements.
            let population = around.with_people_under(
                unit,
                cells.iter().map(|(a, f)| (a.clone(), f.employees.value)),
            );
            let pooling = Pooling::new(&population, u64::from(settings.anonymity_threshold));
            (pooling.table(&population, unit), cells)
        }
    };
    let anonymised = view == StatusView::Anonymised;
    let mut snapshot = Snapshot {
        unit_id: unit,
        from,
        to,
        anonymised,
        anonymity_threshold: anonymised.then_some(settings.anonymity_threshold),
        reported_with: None,
        withheld: false,
        figures: Shown::new(),
        by_sub_unit: Vec::new(),
        by_professional_group: Vec::new(),
    };
    match table {
        Table::Withheld { reported_with } => {
            snapshot.withheld = true;
            snapshot.reported_with = reported_with;
            snapshot.figures = shown(&Figures::default())
                .into_keys()
                .map(|k| (k, None))
                .collect();
        }
        Table::Shown {
            total,
            by_unit,
            by_group,
        } => {
            snapshot.figures = shown(&sum(&cells, &total));
            snapshot.by_sub_unit = by_unit
                .into_iter()
                .map(|r| SnapshotUnitRow {
                    unit_id: r.unit,
                    name: names.get(&r.unit).cloned().unwrap_or_default(),
                    direct: r.direct,
                    pooled_units: r
                        .pooled_units
                        .iter()
                        .map(|u| PooledUnit {
                            unit_id: *u,
                            name: names.get(u).cloned().unwrap_or_default(),
                        })
                        .collect(),
                    figures: shown(&sum(&cells, &r.atoms)),
                })
                .collect();
            snapshot.by_professional_group = by_group
                .into_iter()
                .map(|r| SnapshotGroupRow {
                    professional_group: r.group,
                    other_groups: r.other_groups,
                    figures: shown(&sum(&cells, &r.atoms)),
                })
                .collect();
            // Every row names every figure of the total, as zero where it has none.
            let rows = snapshot
                .by_sub_unit
                .iter_mut()
                .map(|r| &mut r.figures)
                .chain(
                    snapshot
                        .by_professional_group
                        .iter_mut()
                        .map(|r| &mut r.figures),
                );
            for row in rows {
                for name in snapshot.figures.keys() {
                    row.entry(name.clone()).or_insert(Some(0));
                }
            }
        }
    }
    Ok(snapshot)
}
