//! Status figures of a unit, shared by `/status`, the stock-taking reviews and the committee
//! discussions that keep them: the store's cells summed over the rows of the unit's table,
//! plain for management and pooled for everyone else (see [`devplan_domain::pooling`]), as a
//! domain [`Snapshot`].

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use devplan_domain::UnitId;
use devplan_domain::placement::counting_day;
use devplan_domain::pooling::{Atom, Headcount, Pooling, Population, Table, plain_table};
use devplan_domain::status::{
    Figures, POOLING_RULE, PeopleFigure, PooledUnit, Shown, Snapshot, SnapshotGroupRow,
    SnapshotUnitRow, shown,
};
use devplan_persistence::{CellsBy, PageRequest, StatusCell, StatusPeriod};

use crate::http::ApiResult;
use crate::policy::{Access, StatusView};
use crate::state::AppState;
use devplan_domain::org::Role;

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

/// The head-counts of `units` (with their parents) as a reader who reads the units `managed`
/// exactly reads them pooled. A unit's blocks are cut from its own subtree, so the subtrees of
/// the units whose parent is not among them hold all the others: those are read, in two
/// statements, never the whole tree above them.
pub(crate) async fn pooled_headcounts(
    state: &AppState,
    units: &[(UnitId, Option<UnitId>)],
    managed: &BTreeSet<UnitId>,
) -> ApiResult<BTreeMap<UnitId, Headcount>> {
    let mut out = BTreeMap::new();
    if units.is_empty() {
        return Ok(out);
    }
    let store = state.store.heavy();
    let (settings, _) = store.settings().await?;
    let k = u64::from(settings.anonymity_threshold);
    let mut left: BTreeSet<UnitId> = units.iter().map(|(u, _)| *u).collect();
    let roots: Vec<UnitId> = units
        .iter()
        .filter(|(_, parent)| parent.is_none_or(|p| !left.contains(&p)))
        .map(|(u, _)| *u)
        .collect();
    let population = store.population(&roots, state.clock.today()).await?;
    let pooling = Pooling::knowing(&population, k, managed);
    for (u, _) in units {
        if left.remove(u) {
            out.insert(*u, pooling.headcount(&population, *u));
        }
    }
    Ok(out)
}

/// How a caller reads the snapshots kept with reviews and committee discussions.
pub(crate) struct SnapshotLens {
    k: u32,
    hr: bool,
    managed: BTreeSet<UnitId>,
    above_managed: BTreeSet<UnitId>,
}

impl SnapshotLens {
    /// The lens of `access`'s caller, with the threshold in force now.
    pub(crate) async fn of(state: &AppState, access: &Access) -> ApiResult<Self> {
        let (settings, _) = state.store.settings().await?;
        let managed = access.managed_units().await?;
        let list: Vec<UnitId> = managed.iter().copied().collect();
        let above_managed = if list.is_empty() {
            BTreeSet::new()
        } else {
            state.store.ancestors_of(&list).await?.into_iter().collect()
        };
        Ok(Self {
            k: settings.anonymity_threshold,
            hr: access.has(Role::Hr),
            managed,
            above_managed,
        })
    }

    /// `snapshot` as the caller may read it: as kept for HR and the unit's managers; withheld
    /// whole for a manager of a unit inside it (the snapshot was cut for readers who know none
    /// of its units, and they could subtract theirs); otherwise under today's threshold and rule.
    pub(crate) fn read(&self, snapshot: Snapshot) -> Snapshot {
        if self.hr || self.managed.contains(&snapshot.unit_id) || !snapshot.anonymised {
            return snapshot;
        }
        if self.above_managed.contains(&snapshot.unit_id) {
            return snapshot.withheld_whole();
        }
        snapshot.read_under(self.k)
    }
}

/// The figures of a unit, its direct sub-units and its professional groups; pooled for a
/// reader who reads the units `managed` exactly (none for a snapshot many will read).
pub(crate) async fn status_of(
    state: &AppState,
    unit: UnitId,
    from: NaiveDate,
    to: NaiveDate,
    view: StatusView,
    managed: &BTreeSet<UnitId>,
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
                cells
                    .iter()
                    .map(|(a, f)| (a.clone(), f[PeopleFigure::Employees].value)),
            );
            (plain_table(&population, unit), cells)
        }
        StatusView::Anonymised => {
            // A unit's blocks are cut from its own subtree: nothing above it is read.
            let (around, cells) = futures_util::future::try_join(
                store.population(&[unit], counting_day(to, period.today)),
                store.status_cells(unit, CellsBy::Unit, period),
            )
            .await?;
            let cells = by_atom(cells);
            // The rows' figures and the blocks they are cut by rest on the same reading, even
            // while employees change between the two statements.
            let population = around.with_people_under(
                unit,
                cells
                    .iter()
                    .map(|(a, f)| (a.clone(), f[PeopleFigure::Employees].value)),
            );
            let k = u64::from(settings.anonymity_threshold);
            let pooling = Pooling::knowing(&population, k, managed);
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
        withheld: false,
        left_out: false,
        pooling_rule: POOLING_RULE,
        figures: Shown::new(),
        by_sub_unit: Vec::new(),
        by_professional_group: Vec::new(),
    };
    match table {
        Table::Withheld => {
            snapshot.withheld = true;
            snapshot.figures = shown(&Figures::default())
                .into_keys()
                .map(|k| (k, None))
                .collect();
        }
        Table::Shown {
            total,
            by_unit,
            by_group,
            left_out,
        } => {
            snapshot.left_out = left_out;
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
                    left_out: r.left_out,
                    // A row that counts no one for want of people, not a row of none.
                    figures: if r.atoms.is_empty() && r.left_out {
                        shown(&Figures::default())
                            .into_keys()
                            .map(|k| (k, None))
                            .collect()
                    } else {
                        shown(&sum(&cells, &r.atoms))
                    },
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
                let withheld = row.values().all(Option::is_none);
                for name in snapshot.figures.keys() {
                    row.entry(name.clone())
                        .or_insert(if withheld { None } else { Some(0) });
                }
            }
        }
    }
    Ok(snapshot)
}
