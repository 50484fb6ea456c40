//! `/metrics` in the Prometheus text format: requests by route template, method and status
//! with a latency histogram (actix-web-prom), and the database pool's connections in use and
//! idle, read at each scrape. It names routes, never people or ids.

use actix_web::{HttpResponse, web};
use actix_web_prom::{PrometheusMetrics, PrometheusMetricsBuilder};
use prometheus::{Encoder, IntGaugeVec, Opts, TextEncoder};

use crate::state::AppState;

/// Where the metrics are served.
pub const PATH: &str = "/metrics";

/// The request middleware and what the scrape reads.
#[derive(Clone)]
pub struct Metrics {
    /// Counts and times every request.
    pub requests: PrometheusMetrics,
    connections: IntGaugeVec,
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
        requests
            .registry
            .register(Box::new(connections.clone()))
            .map_err(|e| e.to_string())?;
        Ok(Self {
            requests,
            connections,
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
