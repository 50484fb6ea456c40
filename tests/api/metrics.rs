//! `/metrics`: Prometheus text that a Prometheus parser reads, counting requests by route.

use devplan_tests::*;
use reqwest::StatusCode;

#[tokio::test]
async fn metrics_parse_as_prometheus_text_and_count_requests_by_route_template() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let employee = token("EMP-A1", &["employee"]);
    for _ in 0..3 {
        app.expect(app.get("/api/v1/me", &employee).await, StatusCode::OK)
            .await;
    }
    let absent = uuid::Uuid::now_v7();
    for _ in 0..2 {
        let r = app.get(&format!("/api/v1/plans/{absent}"), &employee).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
    }
    let text = fetch_open(&app, "/metrics", "text/plain").await;
    let lines = text.lines().map(|l| Ok(l.to_owned()));
    let scrape = prometheus_parse::Scrape::parse(lines).expect("Prometheus text");
    let count = |endpoint: &str, status: &str| -> f64 {
        scrape
            .samples
            .iter()
            .filter(|s| s.metric == "devplan_http_requests_total")
            .filter(|s| s.labels.get("endpoint") == Some(endpoint))
            .filter(|s| s.labels.get("status") == Some(status))
            .map(|s| match s.value {
                prometheus_parse::Value::Counter(v) | prometheus_parse::Value::Untyped(v) => v,
                _ => 0.0,
            })
            .sum()
    };
    assert_eq!(count("/api/v1/me", "200"), 3.0, "{text}");
    // The route's template, never the id asked for. (prometheus-parse 0.2 does not read a
    // label value holding braces, so this sample is read off the text.)
    assert!(
        text.lines().any(|l| l
            == r#"devplan_http_requests_total{endpoint="/api/v1/plans/{id}",method="GET",status="404"} 2"#),
        "{text}"
    );
    assert!(!text.contains(&absent.to_string()));
    assert!(!text.contains(&org.emp_a1), "no person's id");
    assert!(
        scrape
            .samples
            .iter()
            .any(|s| s.metric == "devplan_http_requests_duration_seconds"
                && matches!(s.value, prometheus_parse::Value::Histogram(_))),
        "a latency histogram"
    );
    for state in ["in_use", "idle"] {
        assert!(
            scrape
                .samples
                .iter()
                .any(|s| s.metric == "devplan_db_connections"
                    && s.labels.get("state") == Some(state)),
            "{state}: {text}"
        );
    }
    for gauge in [
        "devplan_db_acquire_timeouts_total",
        "devplan_webhook_oldest_undelivered_seconds",
    ] {
        assert!(
            scrape.samples.iter().any(|s| s.metric == gauge),
            "{gauge}: {text}"
        );
    }
}
