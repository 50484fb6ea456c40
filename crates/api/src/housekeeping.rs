//! Work the service does on its own, on every instance: pruning the change feed past its
//! retention. Each step is safe to run on several instances at once.

use std::time::Duration;

use actix_web::web;

use crate::state::AppState;

/// How often the housekeeping runs.
const EVERY: Duration = Duration::from_secs(3600);

/// Starts the housekeeping loop on the current runtime; it ends with the runtime.
pub fn start(state: web::Data<AppState>) {
    tokio::spawn(async move {
        loop {
            let before = state.clock.now() - state.event_retention;
            match state.store.prune_events(before).await {
                Ok(0) => {}
                Ok(n) => log::info!("pruned {n} events older than {before}"),
                Err(e) => log::warn!("pruning the change feed failed: {e}"),
            }
            tokio::time::sleep(EVERY).await;
        }
    });
}
