//! Work the service does on its own, on every instance: delivering webhooks (often), raising
//! reminders (every `DEVPLAN_REMINDER_ROUND_SECONDS`), pruning the change feed and the audit
//! log past their retentions and erasing those who left past theirs (hourly). Each step is safe to run on several
//! instances at once. It stops when told, after the round in progress, so a shutdown
//! finishes the deliveries it started.

use std::time::{Duration, Instant};

use actix_web::web;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::state::AppState;
use crate::webhooks::Deliverer;

/// How often the feed is pruned.
const PRUNE_EVERY: Duration = Duration::from_secs(3600);
/// The pause between delivery rounds when the last one found nothing to do.
const IDLE: Duration = Duration::from_millis(500);

/// The running background work.
pub struct Background {
    stop: watch::Sender<bool>,
    join: JoinHandle<()>,
}

impl Background {
    /// Stops after the round in progress and waits for it.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        if let Err(e) = self.join.await {
            log::error!("the background work ended abnormally: {e}");
        }
    }
}

/// Starts the background work on the current runtime.
pub fn start(state: web::Data<AppState>, deliverer: Deliverer) -> Background {
    let (stop, mut stopped) = watch::channel(false);
    // Statement counts measure what a request costs; this is no request.
    // Pruning and erasure touch many rows: the background runs under the bulk limit.
    let store = state.store.uncounted().bulk();
    let join = tokio::spawn(async move {
        let mut pruned: Option<Instant> = None;
        let mut reminded: Option<Instant> = None;
        loop {
            if let Some(every) = state.reminder_round
                && reminded.is_none_or(|at| at.elapsed() >= every)
            {
                match store
                    .raise_reminders(state.clock.today(), &state.reminder_leads)
                    .await
                {
                    Ok(0) => {}
                    Ok(n) => log::info!("raised {n} reminders"),
                    Err(e) => log::warn!("raising reminders failed: {e}"),
                }
                reminded = Some(Instant::now());
            }
            if pruned.is_none_or(|at| at.elapsed() >= PRUNE_EVERY) {
                let before = state.clock.now() - state.event_retention;
                match store.prune_events(before).await {
                    Ok(0) => {}
                    Ok(n) => log::info!("pruned {n} events older than {before}"),
                    Err(e) => log::warn!("pruning the change feed failed: {e}"),
                }
                // The retention the database's trigger checks deletions against, then the
                // deletion of what is older.
                let days = state.audit_retention_days;
                match store.set_audit_retention(days).await {
                    Ok(()) => match store.prune_audit(days).await {
                        Ok(0) => {}
                        Ok(n) => log::info!("pruned {n} audit entries older than {days} days"),
                        Err(e) => log::warn!("pruning the audit log failed: {e}"),
                    },
                    Err(e) => log::warn!("setting the audit retention failed: {e}"),
                }
                let left_before = state.clock.now() - state.retention_after_leaving;
                match crate::services::retention::erase_due(&store, left_before).await {
                    Ok(0) => {}
                    Ok(n) => log::info!("erased {n} employees who left before {left_before}"),
                    Err(e) => log::warn!("erasing those who left failed: {e}"),
                }
                pruned = Some(Instant::now());
            }
            let pause = match deliverer.round(&store).await {
                Ok(0) => IDLE,
                // More may be waiting.
                Ok(_) => Duration::ZERO,
                Err(e) => {
                    log::warn!("delivering webhooks failed: {e}");
                    IDLE
                }
            };
            tokio::select! {
                _ = stopped.changed() => break,
                () = tokio::time::sleep(pause) => {}
            }
            if *stopped.borrow() {
                break;
            }
        }
    });
    Background { stop, join }
}
