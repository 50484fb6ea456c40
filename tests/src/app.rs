//! The real app on a random loopback port, and requests to it.

use std::net::TcpListener;
use std::path::PathBuf;

use devplan_api::app::{AppState, HttpOptions, serve};
use devplan_api::auth::Verifier;
use devplan_api::clock::SetClock;
use devplan_api::config::Config;
use devplan_persistence::Store;
use reqwest::{Method, Response, StatusCode};
use serde_json::Value;

use crate::database::{TestDb, fresh_database};
use crate::tokens::{HR, Keys, verifier};

/// The body limit of test apps.
pub const BODY_LIMIT: usize = 8 * 1024 * 1024;

/// A fixture file's bytes.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A running app and a client for it.
pub struct TestApp {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    /// The HTTP client.
    pub client: reqwest::Client,
    /// The app's clock: set it to say what today is.
    pub clock: SetClock,
    /// How many SQL statements the app has sent so far.
    pub statements: std::sync::Arc<std::sync::atomic::AtomicU64>,
    /// The app's database, for tests that must reach under the API (a failure injected by a
    /// trigger, say).
    pub database_url: String,
    /// How often its background work looks for reminders, in seconds.
    pub reminder_round_seconds: u32,
    /// The server and its background work, until [`TestApp::stop`].
    running: std::sync::Mutex<
        Option<(
            actix_web::dev::ServerHandle,
            devplan_api::housekeeping::Background,
        )>,
    >,
    _db: TestDb,
}

/// The app with the HS256 secret.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(Keys::Secret).await
}

/// The app with the given key material.
pub async fn spawn_app_with(keys: Keys) -> TestApp {
    spawn_app_verifying(verifier(keys)).await
}

/// The app checking tokens with `verifier` (an identity provider's keys, claim rules).
pub async fn spawn_app_verifying(verifier: Verifier) -> TestApp {
    let (url, db) = fresh_database().await;
    let clock = SetClock::new(chrono::Utc::now());
    start(url, db, clock, verifier, true).await
}

/// The app with its statements under `limits` (PostgreSQL's `statement_timeout` per class).
pub async fn spawn_app_limited(limits: devplan_persistence::StatementLimits) -> TestApp {
    spawn_app_with_store(devplan_persistence::StoreOptions {
        limits: Some(limits),
        ..Default::default()
    })
    .await
}

/// The app with its store opened with `options` (pool size, limits, waits).
pub async fn spawn_app_with_store(options: devplan_persistence::StoreOptions) -> TestApp {
    let (url, db) = fresh_database().await;
    let clock = SetClock::new(chrono::Utc::now());
    start_with(
        url,
        db,
        clock,
        verifier(Keys::Secret),
        true,
        options,
        DEFAULT_REMINDER_ROUND,
    )
    .await
}

/// The app looking for reminders every second (as do its second instances), on a clock
/// set to 10:00 UTC on `day`.
pub async fn spawn_app_reminding(day: &str) -> TestApp {
    let (url, db) = fresh_database().await;
    let at = chrono::DateTime::parse_from_rfc3339(&format!("{day}T10:00:00Z")).expect("a date");
    let clock = SetClock::new(at.with_timezone(&chrono::Utc));
    start_with(
        url,
        db,
        clock,
        verifier(Keys::Secret),
        true,
        Default::default(),
        1,
    )
    .await
}

/// The other test apps raise no reminders, so reminders appear only in the feeds of the tests
/// that ask for them (the real date may be one a reminder is due on).
const DEFAULT_REMINDER_ROUND: u32 = 0;

async fn start(
    url: String,
    db: TestDb,
    clock: SetClock,
    verifier: Verifier,
    migrate: bool,
) -> TestApp {
    start_with(
        url,
        db,
        clock,
        verifier,
        migrate,
        Default::default(),
        DEFAULT_REMINDER_ROUND,
    )
    .await
}

async fn start_with(
    url: String,
    db: TestDb,
    clock: SetClock,
    verifier: Verifier,
    migrate: bool,
    options: devplan_persistence::StoreOptions,
    reminder_round_seconds: u32,
) -> TestApp {
    let mut store = Store::connect_with(&url, options, std::sync::Arc::new(clock.clone()))
        .await
        .expect("connect");
    if migrate {
        store.migrate().await.expect("migrate");
    }
    let statements = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    store.count_statements(statements.clone());
    let mut settings = Config::from_environment().expect("the default settings");
    settings.service_subjects = vec![HR.to_owned()];
    // A queue short enough for a test to fill.
    settings.heavy_queue = 64;
    settings.reminder_round_seconds = reminder_round_seconds;
    let state = AppState::new(
        &settings,
        store,
        verifier,
        std::sync::Arc::new(clock.clone()),
    );
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let options = HttpOptions {
        cors_origins: vec!["https://intranet.example.dk".into()],
        body_limit: BODY_LIMIT,
    };
    let service = serve(state, options, listener).expect("serve");
    let handle = service.server.handle();
    tokio::spawn(service.server);
    TestApp {
        base: format!("http://127.0.0.1:{port}"),
        // The server closes a connection idle for 5 s (actix-web's keep-alive); a pooled
        // connection reused at that moment fails with `IncompleteMessage`. Dropping idle
        // connections sooner on this side closes the race (seen once in a hundred runs of
        // the concurrent sync test, after requests slowed by one SQLite writer).
        client: reqwest::Client::builder()
            .pool_idle_timeout(std::time::Duration::from_secs(4))
            .build()
            .expect("a client"),
        clock,
        statements,
        database_url: url,
        reminder_round_seconds,
        running: std::sync::Mutex::new(Some((handle, service.background))),
        _db: db,
    }
}

impl TestApp {
    /// Stops this instance as a shutdown would: the requests in flight, then the background
    /// work's round in flight. Its database stays.
    pub async fn stop(&self) {
        let running = self.running.lock().ok().and_then(|mut r| r.take());
        if let Some((server, background)) = running {
            server.stop(true).await;
            background.stop().await;
        }
    }

    /// A second instance of the service on this one's database, as behind a load balancer.
    pub async fn second_instance(&self) -> TestApp {
        start_with(
            self.database_url.clone(),
            TestDb::Shared,
            self.clock.clone(),
            verifier(Keys::Secret),
            false,
            Default::default(),
            self.reminder_round_seconds,
        )
        .await
    }

    /// Sets the app's clock to 10:00 UTC on `day` (`YYYY-MM-DD`).
    pub fn today_is(&self, day: &str) {
        let at = chrono::DateTime::parse_from_rfc3339(&format!("{day}T10:00:00Z")).expect("a date");
        self.clock.set(at.with_timezone(&chrono::Utc));
    }

    /// Sends a request with an optional bearer token and JSON body.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Response {
        let mut req = self
            .client
            .request(method, format!("{}{}", self.base, path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        req.send().await.expect("request")
    }

    /// Sends a JSON body as written (repeated keys, `2026.0`), which a `Value` cannot hold.
    pub async fn send_raw(&self, method: Method, path: &str, token: &str, body: &str) -> Response {
        self.client
            .request(method, format!("{}{}", self.base, path))
            .bearer_auth(token)
            .header("content-type", "application/json")
            .body(body.to_owned())
            .send()
            .await
            .expect("request")
    }

    /// Sends a request with extra headers (`If-Match`, …).
    pub async fn send_with(
        &self,
        method: Method,
        path: &str,
        token: &str,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> Response {
        let mut req = self
            .client
            .request(method, format!("{}{}", self.base, path))
            .bearer_auth(token);
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        req.send().await.expect("request")
    }

    /// How many SQL statements a GET of `path` as `token` sends, and its response.
    pub async fn statements_of_get(&self, path: &str, token: &str) -> (u64, Response) {
        use std::sync::atomic::Ordering;
        let before = self.statements.load(Ordering::SeqCst);
        let response = self.get(path, token).await;
        (self.statements.load(Ordering::SeqCst) - before, response)
    }

    /// GET with a token.
    pub async fn get(&self, path: &str, token: &str) -> Response {
        self.send(Method::GET, path, Some(token), None).await
    }

    /// POST JSON with a token.
    pub async fn post(&self, path: &str, token: &str, body: &Value) -> Response {
        self.send(Method::POST, path, Some(token), Some(body)).await
    }

    /// PATCH JSON with a token.
    pub async fn patch(&self, path: &str, token: &str, body: &Value) -> Response {
        self.send(Method::PATCH, path, Some(token), Some(body))
            .await
    }

    /// A JSON body of a request that must answer `status`.
    pub async fn expect(&self, response: Response, status: StatusCode) -> Value {
        let got = response.status();
        let text = response.text().await.expect("body");
        assert_eq!(got, status, "unexpected status; body: {text}");
        // Only an empty body reads as null: anything else must be JSON, so that comparisons
        // built on it cannot pass on a body that is not.
        if text.is_empty() {
            return Value::Null;
        }
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("the body is not JSON ({e}): {text}"))
    }
}

/// GETs `path` without a token (a feed's secret URL, `/metrics`), expecting 200 with a
/// content type starting `media_type`; returns the body.
pub async fn fetch_open(app: &TestApp, path: &str, media_type: &str) -> String {
    let response = app
        .client
        .get(format!("{}{path}", app.base))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::OK);
    let kind = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(kind.starts_with(media_type), "{kind}");
    response.text().await.expect("body")
}

/// Asserts a problem+json response with `status` and `code`, returning its body.
pub async fn assert_problem(response: Response, status: StatusCode, code: &str) -> Value {
    let got = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    assert_eq!(got, status, "status; body: {body}");
    assert_eq!(
        content_type, "application/problem+json",
        "content type; body: {body}"
    );
    assert_eq!(body["code"], code, "code; body: {body}");
    assert_eq!(
        body["status"],
        status.as_u16(),
        "status member; body: {body}"
    );
    body
}

/// The fields named by a 422 problem.
pub fn error_fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|e| {
            e.iter()
                .filter_map(|x| x["field"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}
