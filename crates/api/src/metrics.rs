//! `/metrics` in the Prometheus text format: requests by route template, method and status
//! with a latency histogram (actix-web-prom), the database pool's connections in use and
//! idle, webhook deliveries by outcome and the age of the oldest one waiting. It names
//! routes, never people or ids.

use actix_web::{HttpResponse, web};
use actix_web_prom::{PrometheusMetrics, PrometheusMetricsBuilder};
use prometheus::{Encoder, IntCounter, IntCounterVec, IntGauge, IntGaugeVec, Opts, TextEncoder};

use crate::state::AppState;

/// Where the metrics are served.
pub const PATH: &str = "/metrics";

/// The request middleware and what the scrape reads.
#[derive(Clone)]
pub struct Metrics {
    /// Counts and times every request.
    pub requests: PrometheusMetrics,
    connections: IntGaugeVec,
    /// Webhook delivery attempts by outcome (`delivered`, `failed_attempt`, `given_up`).
    pub webhook_outcomes: IntCounterVec,
    oldest_undelivered: IntGauge,
    acquire_timeouts: IntCounter,
}

impl Metrics {
    /// The metrics of one running service.
    pub fn new() -> Result<Self, String> {
        let requests = PrometheusMetricsBuilder::new("devplan")
            .exclude(PATH)
            .mask_unmatched_patterns("UNMATCHED")
            .build()
            .map_err(|e| e.to_string())?;
        let connections = IntGaugeVec::new(
            Opts::new(
                "devplan_db_connections",
                "Database pool connections, by state (in_use, idle)",
            ),
            &["state"],
        )
        .map_err(|e| e.to_string())?;
        let webhook_outcomes = IntCounterVec::new(
            Opts::new(
                "devplan_webhook_deliveries_total",
                "Webhook delivery attempts by this instance, by outcome (delivered, failed_attempt, given_up)",
            ),
            &["outcome"],
        )
        .map_err(|e| e.to_string())?;
        let oldest_undelivered = IntGauge::new(
            "devplan_webhook_oldest_undelivered_seconds",
            "Age of the oldest webhook delivery not yet made (0 when none waits)",
        )
        .map_err(|e| e.to_string())?;
        let acquire_timeouts = IntCounter::new(
            "devplan_db_acquire_timeouts_total",
            "Requests that waited for a database connection until they gave up (503 busy): the pool's queue overflowing",
        )
        .map_err(|e| e.to_string())?;
        for c in [
            Box::new(acquire_timeouts.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(connections.clone()),
            Box::new(webhook_outcomes.clone()),
            Box::new(oldest_undelivered.clone()),
        ] {
            requests.registry.register(c).map_err(|e| e.to_string())?;
        }
        Ok(Self {
            requests,
            connections,
            webhook_outcomes,
            oldest_undelivered,
            acquire_timeouts,
        })
    }
}

/// The scrape.
pub async fn scrape(metrics: web::Data<Metrics>, state: web::Data<AppState>) -> HttpResponse {
    let (open, idle) = state.store.pool_connections();
    let idle = i64::try_from(idle).unwrap_or(i64::MAX);
    metrics
        .connections
        .with_label_values(&["in_use"])
        .set(i64::from(open) - idle);
    metrics.connections.with_label_values(&["idle"]).set(idle);
    let timeouts = devplan_persistence::acquire_timeouts();
    metrics
        .acquire_timeouts
        .inc_by(timeouts.saturating_sub(metrics.acquire_timeouts.get()));
    match state.store.oldest_undelivered().await {
        Ok(oldest) => metrics
            .oldest_undelivered
            .set(oldest.map_or(0, |at| (state.clock.now() - at).num_seconds().max(0))),
        Err(e) => log::warn!("metrics: the oldest undelivered webhook: {e}"),
    }
    let mut text = Vec::new();
    let encoder = TextEncoder::new();
    if let Err(e) = encoder.encode(&metrics.requests.registry.gather(), &mut text) {
        log::error!("metrics: {e}");
        return HttpResponse::InternalServerError().finish();
    }
    HttpResponse::Ok()
        .content_type(encoder.format_type())
        .body(text)
}
