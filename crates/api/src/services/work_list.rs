//! The work list of follow-ups due, shared by `/follow-ups` and the calendar feed: the
//! domain's rule applied to the facts of the employees in a scope.

use devplan_domain::followup::{WorkItem, work_list};
use devplan_domain::{EmployeeId, UnitId};
use devplan_persistence::EmployeeScope;

use crate::http::ApiResult;
use crate::state::AppState;

/// The longest look-ahead of the work list, in days.
pub const MAX_WINDOW_DAYS: u32 = 366;

/// The work list of the employees in `scope`, as domain items with names and units.
pub(crate) async fn work_items(
    state: &AppState,
    scope: &EmployeeScope,
    window_days: u32,
) -> ApiResult<Vec<(WorkItem, String, UnitId)>> {
    let people = state.store.employees_in(scope).await?;
    let ids: Vec<EmployeeId> = people.iter().map(|p| p.0).collect();
    let (plans, absences) = state.store.follow_up_facts(&ids).await?;
    let (settings, _) = state.store.settings().await?;
    let items = work_list(
        &plans,
        &absences,
        &settings,
        state.clock.today(),
        window_days,
    );
    let by_id: std::collections::HashMap<EmployeeId, (&String, UnitId)> = people
        .iter()
        .map(|(id, name, unit)| (*id, (name, *unit)))
        .collect();
    Ok(items
        .into_iter()
        .filter_map(|i| {
            let (name, unit) = by_id.get(&i.employee)?;
            Some((i, (*name).clone(), *unit))
        })
        .collect())
}
