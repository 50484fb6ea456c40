//! Status figures of a unit, shared by `/status`, the stock-taking reviews and the committee
//! discussions that keep them: the store's cells rolled up per sub-unit and group, and
//! anonymised for those outside management, as a domain [`Snapshot`].

use chrono::NaiveDate;
use devplan_domain::UnitId;
use devplan_domain::status::{
    Figures, Shown, Snapshot, SnapshotGroupRow, SnapshotUnitRow, anonymise, plain,
};
use devplan_persistence::{PageRequest, StatusCell, StatusPeriod};

use crate::http::ApiResult;
use crate::policy::StatusView;
use crate::state::AppState;

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
) -> ApiResult<Snapshot> {
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
    let mut rows: Vec<(UnitId, String, bool, Figures)> = vec![(
        unit,
        the_unit.name.as_str().to_owned(),
        true,
        roll_up(&cells, |c| c.bucket == unit),
    )];
    for child in children {
        rows.push((
            child.id,
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
    Ok(Snapshot {
        unit_id: unit,
        from,
        to,
        anonymised: view == StatusView::Anonymised,
        anonymity_threshold: (view == StatusView::Anonymised)
            .then_some(settings.anonymity_threshold),
        figures,
        by_sub_unit: rows
            .into_iter()
            .zip(unit_shown)
            .map(|((unit_id, name, direct, _), figures)| SnapshotUnitRow {
                unit_id,
                name,
                direct,
                figures,
            })
            .collect(),
        by_professional_group: group_rows
            .into_iter()
            .zip(group_shown)
            .map(|((professional_group, _), figures)| SnapshotGroupRow {
                professional_group,
                figures,
            })
            .collect(),
    })
}
