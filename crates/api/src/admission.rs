//! A bound on expensive requests (status figures over whole organisations): a few run at
//! once, a bounded number wait their turn, and the rest are refused with 503 and
//! `Retry-After`, so a burst queues instead of taking every database connection from the
//! cheap requests.

use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::{Semaphore, SemaphorePermit};

use crate::error::ApiError;

/// Admission to expensive work.
#[derive(Debug)]
pub struct Admission {
    running: Semaphore,
    waiting: AtomicUsize,
    queue: usize,
}

/// Counts a waiter for as long as it waits, also when its client goes away.
struct Waiting<'a>(&'a AtomicUsize);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Admission {
    /// At most `concurrency` at once (at least one), and at most `queue` waiting.
    pub fn new(concurrency: usize, queue: usize) -> Self {
        Self {
            running: Semaphore::new(concurrency.max(1)),
            waiting: AtomicUsize::new(0),
            queue,
        }
    }

    /// Waits for a turn, or refuses when the queue is full. Hold the permit while working.
    pub async fn enter(&self) -> Result<SemaphorePermit<'_>, ApiError> {
        if let Ok(permit) = self.running.try_acquire() {
            return Ok(permit);
        }
        let before = self.waiting.fetch_add(1, Ordering::SeqCst);
        let _waiting = Waiting(&self.waiting);
        if before >= self.queue {
            return Err(ApiError::Busy { retry_after: 2 });
        }
        self.running
            .acquire()
            .await
            .map_err(|e| ApiError::Internal(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_full_queue_refuses_and_a_freed_turn_admits() {
        let gate = std::sync::Arc::new(Admission::new(1, 1));
        let first = gate.enter().await.unwrap();
        let queued = gate.clone();
        let second = tokio::spawn(async move { queued.enter().await.map(drop) });
        for _ in 0..10_000 {
            if gate.waiting.load(Ordering::SeqCst) == 1 {
                break;
            }
            tokio::task::yield_now().await;
        }
        assert_eq!(gate.waiting.load(Ordering::SeqCst), 1, "the second waits");
        assert!(matches!(
            gate.enter().await,
            Err(ApiError::Busy { retry_after: 2 })
        ));
        drop(first);
        assert!(second.await.unwrap().is_ok());
        assert_eq!(gate.waiting.load(Ordering::SeqCst), 0);
    }
}
