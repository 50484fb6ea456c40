//! Webhooks: a receiver on loopback gets every event once, signed by the Standard Webhooks
//! algorithm, also the ones it missed while it was down and while the service restarted.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use devplan_domain::clock::Clock;
use devplan_tests::*;
use hmac::{Hmac, Mac};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::Sha256;

/// A request's headers and body.
type Request = (BTreeMap<String, String>, Vec<u8>);

/// What a receiver was sent: headers and body of each request it took (answered 2xx).
#[derive(Default)]
pub(crate) struct Received {
    up: AtomicBool,
    taken: Mutex<Vec<Request>>,
    refused: Mutex<u32>,
}

async fn hook(req: HttpRequest, body: web::Bytes, received: web::Data<Received>) -> HttpResponse {
    if !received.up.load(Ordering::SeqCst) {
        *received.refused.lock().expect("lock") += 1;
        return HttpResponse::ServiceUnavailable().finish();
    }
    let headers = req
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
        .collect();
    received
        .taken
        .lock()
        .expect("lock")
        .push((headers, body.to_vec()));
    HttpResponse::NoContent().finish()
}

/// A receiver on loopback; returns its URL and what it is sent.
pub(crate) fn receiver() -> (String, Arc<Received>) {
    let received = web::Data::new(Received::default());
    received.up.store(true, Ordering::SeqCst);
    let shared = received.clone().into_inner();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let server = HttpServer::new(move || {
        App::new()
            .app_data(received.clone())
            .route("/hook", web::post().to(hook))
    })
    .workers(1)
    .listen(listener)
    .expect("listen")
    .run();
    tokio::spawn(server);
    (format!("http://127.0.0.1:{port}/hook"), shared)
}

/// The Standard Webhooks check, written out: the base64 HMAC-SHA256, keyed with the secret's
/// bytes, of `id.timestamp.body`, among the space-separated `v1,` signatures.
fn signed_by(secret: &str, headers: &BTreeMap<String, String>, body: &[u8]) -> bool {
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").expect("whsec_ prefix"))
        .expect("base64 secret");
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).expect("key");
    mac.update(
        format!(
            "{}.{}.",
            headers["webhook-id"], headers["webhook-timestamp"]
        )
        .as_bytes(),
    );
    mac.update(body);
    let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
    headers["webhook-signature"]
        .split(' ')
        .any(|s| s == expected)
}

/// Every event id in the feed after `after`, as HR reads it.
async fn feed_ids(app: &TestApp, after: &str) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    let mut cursor = after.to_owned();
    for _ in 0..1_000 {
        let page = app
            .expect(
                app.get(
                    &format!("/api/v1/events?after={cursor}&limit=500"),
                    &Who::Hr.token(),
                )
                .await,
                StatusCode::OK,
            )
            .await;
        for e in page["items"].as_array().expect("items") {
            ids.insert(e["id"].as_str().expect("id").to_owned());
        }
        cursor = page["next_after"].as_str().unwrap_or(&cursor).to_owned();
        if page["has_more"] != true {
            return ids;
        }
    }
    panic!("the feed did not end");
}

/// The webhook ids the receiver took, each with how often.
pub(crate) fn taken_ids(received: &Received) -> BTreeMap<String, usize> {
    let mut ids = BTreeMap::new();
    for (headers, _) in received.taken.lock().expect("lock").iter() {
        *ids.entry(headers["webhook-id"].clone()).or_insert(0) += 1;
    }
    ids
}

/// Waits (up to 60 s: the whole suite may be running beside it) until the receiver has
/// taken every one of `wanted`.
async fn until_taken(received: &Received, wanted: &BTreeSet<String>) {
    for _ in 0..600 {
        let taken: BTreeSet<String> = taken_ids(received).into_keys().collect();
        if wanted.is_subset(&taken) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let taken: BTreeSet<String> = taken_ids(received).into_keys().collect();
    panic!(
        "{} of {} events never arrived",
        wanted.difference(&taken).count(),
        wanted.len()
    );
}

/// Waits (up to 30 s) until the receiver has refused at least `n` deliveries.
async fn until_refused(received: &Received, n: u32) {
    for _ in 0..300 {
        if *received.refused.lock().expect("lock") >= n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the service did not try");
}

/// The endpoint's deliveries once `settled` says they are as the test expects them, polled:
/// the receiver sees an attempt before the service records it (and, on a failure, when to try
/// again), so the test reads the record, and moves the clock, only after it is written.
async fn deliveries_when(
    app: &TestApp,
    endpoint: &str,
    settled: impl Fn(&[Value]) -> bool,
) -> Value {
    let path = format!("/api/v1/webhook-endpoints/{endpoint}/deliveries?limit=500");
    for _ in 0..300 {
        let page = app
            .expect(app.get(&path, &Who::Hr.token()).await, StatusCode::OK)
            .await;
        if settled(page["items"].as_array().expect("items")) {
            return page;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the service did not record the deliveries as expected in 30 s");
}

/// Waits until the service has recorded at least `n` attempts of every delivery still pending.
async fn until_recorded(app: &TestApp, endpoint: &str, n: usize) {
    deliveries_when(app, endpoint, |items| {
        let pending: Vec<&Value> = items.iter().filter(|d| d["state"] == "pending").collect();
        let attempts = |d: &&Value| d["attempts"].as_array().map_or(0, Vec::len);
        !pending.is_empty() && pending.iter().all(|d| attempts(d) >= n)
    })
    .await;
}

/// Renames EMP-B `times` times, each a change with its event.
async fn renames(app: &TestApp, org: &Org, times: usize, tag: &str) {
    for i in 0..times {
        app.expect(
            app.patch(
                &format!("/api/v1/employees/{}", org.emp_b),
                &Who::Hr.token(),
                &json!({"name": format!("Carl {tag} {i}")}),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    }
}

/// The app's clock moved on by `by`.
fn later(app: &TestApp, by: chrono::Duration) {
    app.clock.set(app.clock.now() + by);
}

#[tokio::test]
async fn a_receiver_gets_every_event_once_signed_also_after_it_was_down_and_the_service_restarted()
{
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let (url, received) = receiver();
    let (_, start) = {
        let page = app
            .expect(
                app.get("/api/v1/events?limit=500", &Who::Hr.token()).await,
                StatusCode::OK,
            )
            .await;
        (
            (),
            page["next_after"].as_str().expect("a cursor").to_owned(),
        )
    };
    let created = app
        .expect(
            app.post(
                "/api/v1/webhook-endpoints",
                &Who::Hr.token(),
                &json!({"url": url, "description": "HR-system"}),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
    let secret = created["secret"].as_str().expect("secret").to_owned();
    let endpoint = created["endpoint"]["id"].as_str().expect("id").to_owned();
    assert!(secret.starts_with("whsec_"));
    let shown = app
        .expect(
            app.get(
                &format!("/api/v1/webhook-endpoints/{endpoint}"),
                &Who::Hr.token(),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    assert!(shown.get("secret").is_none(), "the secret is shown once");

    // Up: a plan, its goals, a course, an absence, an interview, a review.
    app.plan_fixture(&org).await;
    until_taken(&received, &feed_ids(&app, &start).await).await;

    // Down for a while: two attempts fail, then it is back and gets what it missed.
    received.up.store(false, Ordering::SeqCst);
    renames(&app, &org, 3, "nede").await;
    until_refused(&received, 3).await;
    until_recorded(&app, &endpoint, 1).await;
    later(&app, chrono::Duration::seconds(6));
    until_refused(&received, 6).await;
    until_recorded(&app, &endpoint, 2).await;
    received.up.store(true, Ordering::SeqCst);
    later(&app, chrono::Duration::minutes(6));
    until_taken(&received, &feed_ids(&app, &start).await).await;
    let page = deliveries_when(&app, &endpoint, |items| {
        items.iter().all(|d| d["state"] == "delivered")
    })
    .await;
    let retried: Vec<&Value> = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|d| d["attempts"].as_array().is_some_and(|a| a.len() == 3))
        .collect();
    assert_eq!(retried.len(), 3, "{page}");
    for d in retried {
        assert_eq!(d["state"], "delivered");
        let statuses: Vec<&Value> = d["attempts"]
            .as_array()
            .expect("attempts")
            .iter()
            .map(|a| &a["status"])
            .collect();
        assert_eq!(statuses, [&json!(503), &json!(503), &json!(204)]);
    }

    // Down while the service restarts: the new instance delivers what the old one could not
    // and what was written just before it stopped.
    received.up.store(false, Ordering::SeqCst);
    let refused = *received.refused.lock().expect("lock");
    renames(&app, &org, 2, "genstart").await;
    until_refused(&received, refused + 2).await;
    app.stop().await;
    let restarted = app.second_instance().await;
    received.up.store(true, Ordering::SeqCst);
    later(&restarted, chrono::Duration::seconds(6));
    until_taken(&received, &feed_ids(&restarted, &start).await).await;

    // Two instances at once share the work and send nothing twice (PostgreSQL: SQLite is
    // the embedded, single-instance store).
    let other = restarted.second_instance().await;
    if restarted.on_postgres() {
        renames(&restarted, &org, 10, "to").await;
        renames(&other, &org, 10, "tre").await;
    } else {
        renames(&restarted, &org, 20, "en").await;
    }
    let everything = feed_ids(&restarted, &start).await;
    until_taken(&received, &everything).await;
    // A moment for a second copy, if one were on its way.
    tokio::time::sleep(Duration::from_millis(1_500)).await;

    let taken = taken_ids(&received);
    assert_eq!(
        taken.keys().cloned().collect::<BTreeSet<_>>(),
        everything,
        "exactly the feed's events"
    );
    assert!(
        taken.values().all(|n| *n == 1),
        "delivered twice: {:?}",
        taken.iter().filter(|(_, n)| **n > 1).collect::<Vec<_>>()
    );
    for (headers, body) in received.taken.lock().expect("lock").iter() {
        assert!(signed_by(&secret, headers, body), "a bad signature");
        assert_eq!(headers["content-type"], "application/json");
        let sent: Value = serde_json::from_slice(body).expect("JSON");
        assert_eq!(sent["data"]["id"], headers["webhook-id"].as_str());
        assert_eq!(sent["type"], sent["data"]["type"]);
        assert!(
            !sent["data"]["data"].is_null(),
            "HR's endpoint gets the state"
        );
    }
    let mut metrics = String::new();
    for instance in [&restarted, &other] {
        metrics.push_str(&fetch_open(instance, "/metrics", "text/plain").await);
    }
    assert!(
        metrics.contains("devplan_webhook_deliveries_total{outcome=\"delivered\"}"),
        "{metrics}"
    );
    assert!(metrics.contains("devplan_webhook_oldest_undelivered_seconds 0"));
}

#[tokio::test]
async fn endpoints_are_hr_only_and_refuse_bad_settings_naming_each() {
    let app = spawn_app().await;
    app.standard_org().await;
    let body = json!({"url": "https://hr.example.dk/hooks"});
    let refused = app
        .post(
            "/api/v1/webhook-endpoints",
            &token("MGR-A", &["employee", "manager"]),
            &body,
        )
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let problem = assert_problem(
        app.post(
            "/api/v1/webhook-endpoints",
            &Who::Hr.token(),
            &json!({"url": "https://user@hr.example.dk/hooks", "event_types": ["plan.*", "plan.eaten"]}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let codes: BTreeMap<&str, &str> = problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            (
                e["field"].as_str().expect("field"),
                e["code"].as_str().expect("code"),
            )
        })
        .collect();
    assert_eq!(
        codes,
        BTreeMap::from([
            ("event_types[1]", "unknown_event_type"),
            ("url", "invalid_url")
        ])
    );
    // Plain http:// leaves this machine unencrypted: refused by the rule, named.
    let problem = assert_problem(
        app.post(
            "/api/v1/webhook-endpoints",
            &Who::Hr.token(),
            &json!({"url": "http://hr.example.dk/hooks"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["code"], "insecure_url");

    let created = app
        .expect(
            app.post("/api/v1/webhook-endpoints", &Who::Hr.token(), &body)
                .await,
            StatusCode::CREATED,
        )
        .await;
    let id = created["endpoint"]["id"].as_str().expect("id");
    let first = created["secret"].as_str().expect("secret").to_owned();
    let rotated = app
        .expect(
            app.post(
                &format!("/api/v1/webhook-endpoints/{id}/rotate-secret"),
                &Who::Hr.token(),
                &json!({}),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    assert_ne!(rotated["secret"].as_str(), Some(first.as_str()));
    assert!(!rotated["endpoint"]["previous_secret_until"].is_null());
    let disabled = app
        .expect(
            app.patch(
                &format!("/api/v1/webhook-endpoints/{id}"),
                &Who::Hr.token(),
                &json!({"enabled": false, "event_types": ["plan.agreed"]}),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(disabled["enabled"], false);
    assert_eq!(disabled["event_types"], json!(["plan.agreed"]));
    assert_eq!(disabled["url"], "https://hr.example.dk/hooks");
}
