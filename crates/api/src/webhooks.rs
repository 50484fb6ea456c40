//! Delivering webhooks by the Standard Webhooks specification: each event is POSTed as
//! `{"type", "timestamp", "data"}` with `webhook-id` (the event's id, the same on every
//! retry), `webhook-timestamp` and `webhook-signature` (HMAC-SHA256 over
//! `id.timestamp.body` with the endpoint's secret; during a rotation, a signature with each
//! secret). The outbox is in the database, so deliveries survive a restart, and every
//! instance takes part: `Store::claim_webhook_deliveries` leases each delivery to one.

use std::time::{Duration, Instant};

use devplan_domain::webhook::{DeliveryState, EndpointUrl};
use devplan_persistence::{AttemptOutcome, ClaimedDelivery, Store};
use futures_util::future::join_all;
use prometheus::IntCounterVec;
use serde::Serialize;
use standardwebhooks::Webhook;

use crate::clock::SystemClock;
use crate::views::event::{EventOut, event_out};
use devplan_domain::clock::Clock;

/// How long a receiver may take to answer.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// How long a claimed delivery is reserved for its instance: well past the timeout, so a
/// delivery is never sent twice at once, and short enough that a crashed instance's
/// deliveries are soon taken up by another.
const LEASE_SECONDS: i64 = 60;
/// Deliveries sent at once by one instance.
const BATCH: u64 = 16;
/// Events queued per endpoint and round.
const FEED_BATCH: u64 = 500;

/// The body of a delivery.
#[derive(Debug, Serialize)]
struct Payload {
    #[serde(rename = "type")]
    event_type: String,
    timestamp: chrono::DateTime<chrono::Utc>,
    data: EventOut,
}

/// Sends deliveries; one per instance.
#[derive(Clone)]
pub struct Deliverer {
    client: reqwest::Client,
    outcomes: IntCounterVec,
    hosts: Vec<String>,
}

impl Deliverer {
    /// A deliverer counting its outcomes in `outcomes` (labels: `outcome`), sending only to
    /// `hosts` (empty: any).
    pub fn new(outcomes: IntCounterVec, hosts: Vec<String>) -> Result<Self, String> {
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("devplan-webhooks/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Self {
            client,
            outcomes,
            hosts,
        })
    }

    /// One round: queue new events for every endpoint, then send what is due. Returns how
    /// many deliveries were attempted.
    pub async fn round(&self, store: &Store) -> Result<usize, String> {
        store
            .feed_webhooks(FEED_BATCH)
            .await
            .map_err(|e| e.to_string())?;
        let claimed = store
            .claim_webhook_deliveries(chrono::Duration::seconds(LEASE_SECONDS), BATCH)
            .await
            .map_err(|e| e.to_string())?;
        let n = claimed.len();
        let results = join_all(claimed.into_iter().map(|d| self.deliver(store, d))).await;
        for r in results {
            r?;
        }
        Ok(n)
    }

    async fn deliver(&self, store: &Store, d: ClaimedDelivery) -> Result<(), String> {
        let outcome = self.send(&d).await;
        let succeeded = outcome.succeeded();
        let state = store
            .finish_webhook_delivery(d.id, d.attempts, outcome, false)
            .await
            .map_err(|e| e.to_string())?;
        let label = match state {
            DeliveryState::Delivered => "delivered",
            DeliveryState::Pending => "failed_attempt",
            DeliveryState::Failed if succeeded => "delivered",
            DeliveryState::Failed => "given_up",
        };
        self.outcomes.with_label_values(&[label]).inc();
        Ok(())
    }

    async fn send(&self, d: &ClaimedDelivery) -> AttemptOutcome {
        let started = Instant::now();
        let failed = |error: String| AttemptOutcome {
            status: None,
            error: Some(error),
            duration_ms: elapsed_ms(started),
        };
        // The allowed hosts may have narrowed since the endpoint was registered.
        match EndpointUrl::parse("url", &d.url) {
            Ok(url) if url.allowed_by(&self.hosts) => {}
            _ => return failed("the endpoint's host is not in DEVPLAN_WEBHOOK_HOSTS".into()),
        }
        let payload = Payload {
            event_type: d.event.event_type.clone(),
            timestamp: d.event.occurred_at,
            data: event_out(d.event.clone()),
        };
        let body = match serde_json::to_vec(&payload) {
            Ok(b) => b,
            Err(e) => return failed(format!("the event could not be written: {e}")),
        };
        let msg_id = d.event.id.to_string();
        // The receiver checks this against its own clock, so it is the wall clock's.
        let timestamp = SystemClock.now().timestamp();
        let mut signatures = Vec::with_capacity(d.secrets.len());
        for secret in &d.secrets {
            match Webhook::new(secret).and_then(|w| w.sign(&msg_id, timestamp, &body)) {
                Ok(s) => signatures.push(s),
                Err(e) => return failed(format!("the endpoint's secret is unusable: {e}")),
            }
        }
        let sent = self
            .client
            .post(&d.url)
            .header("content-type", "application/json")
            .header("webhook-id", &msg_id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signatures.join(" "))
            .body(body)
            .send()
            .await;
        match sent {
            Ok(response) => AttemptOutcome {
                status: Some(response.status().as_u16()),
                error: None,
                duration_ms: elapsed_ms(started),
            },
            Err(e) if e.is_timeout() => failed(format!("no answer within {} s", TIMEOUT.as_secs())),
            Err(e) if e.is_connect() => failed("the connection was refused or failed".into()),
            Err(e) => failed(format!("the request failed: {e}")),
        }
    }
}

fn elapsed_ms(started: Instant) -> u32 {
    u32::try_from(started.elapsed().as_millis()).unwrap_or(u32::MAX)
}
