//! Test support: the real app on a random port over a fresh database, tokens, requests, and a
//! standard organisation to test access against. SQLite by default; PostgreSQL when
//! `DEVPLAN_TEST_DATABASE_URL` names a server (each test gets its own database).

use std::net::TcpListener;
use std::path::PathBuf;

use devplan_api::app::{AppState, HttpOptions, serve};
use devplan_api::auth::Verifier;
use devplan_api::clock::SetClock;
use devplan_api::config::Config;
use devplan_persistence::Store;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::{Method, Response, StatusCode};
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};
use uuid::Uuid;

/// The HS256 secret test apps accept.
pub const SECRET: &str = "devplan-test-secret-with-enough-bytes-0123456789";
/// The issuer test apps require.
pub const ISSUER: &str = "devplan-test";
/// The audience test apps require.
pub const AUDIENCE: &str = "devplan-test-api";
/// The subject of the HR integration client.
pub const HR: &str = "hr-integration";
/// The body limit of test apps.
pub const BODY_LIMIT: usize = 8 * 1024 * 1024;

/// Which key material an app is started with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keys {
    /// The HS256 secret only.
    Secret,
    /// The RS256 public key of `fixtures/` only.
    Rs256,
    /// The ES256 public key of `fixtures/` only.
    Es256,
}

/// A fixture file's bytes.
/// Employee sync rows with a history each: placed where the row says since `since`, so past
/// periods count them (a row without one is placed from the day it is synced).
pub fn placed_since(since: &str, mut rows: Vec<Value>) -> Vec<Value> {
    for row in &mut rows {
        if row.get("placements").is_some() || row.get("active") == Some(&Value::Bool(false)) {
            continue;
        }
        let placement = json!({
            "from": since,
            "unit_external_id": row["unit_external_id"],
            "professional_group": row.get("professional_group").cloned().unwrap_or(Value::Null),
        });
        row["placements"] = json!([placement]);
    }
    rows
}

pub fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

enum TestDb {
    Sqlite(PathBuf),
    Postgres {
        admin_url: String,
        name: String,
    },
    /// Another instance's database: the instance that made it removes it.
    Shared,
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match self {
            TestDb::Sqlite(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let mut p = path.clone().into_os_string();
                    p.push(suffix);
                    let _ = std::fs::remove_file(p);
                }
            }
            TestDb::Shared => {}
            TestDb::Postgres { admin_url, name } => {
                let (url, name) = (admin_url.clone(), name.clone());
                // Drop runs outside any async context we may block; a small runtime of its own
                // drops the database, forcing off the app's pooled connections.
                let _ = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .ok()?;
                    rt.block_on(async {
                        let db = Database::connect(&url).await.ok()?;
                        db.execute_unprepared(&format!(
                            "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                        ))
                        .await
                        .ok()
                    })
                })
                .join();
            }
        }
    }
}

async fn fresh_database() -> (String, TestDb) {
    let id = Uuid::now_v7().simple().to_string();
    match std::env::var("DEVPLAN_TEST_DATABASE_URL") {
        Ok(server) if !server.trim().is_empty() => {
            let server = server.trim_end_matches('/').to_owned();
            let admin_url = format!("{server}/postgres");
            let name = format!("devplan_test_{id}");
            let admin = Database::connect(&admin_url)
                .await
                .expect("connect to DEVPLAN_TEST_DATABASE_URL");
            admin
                .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                .await
                .expect("create test database");
            (
                format!("{server}/{name}"),
                TestDb::Postgres { admin_url, name },
            )
        }
        _ => {
            let path = std::env::temp_dir().join(format!("devplan-test-{id}.db"));
            (
                format!("sqlite://{}?mode=rwc", path.display()),
                TestDb::Sqlite(path),
            )
        }
    }
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
    start_with(url, db, clock, verifier(Keys::Secret), true, options).await
}

/// A verifier for the tests' key material, with the default claim rules.
pub fn verifier(keys: Keys) -> Verifier {
    let (secret, public) = match keys {
        Keys::Secret => (Some(SECRET.as_bytes().to_vec()), None),
        Keys::Rs256 => (None, Some(fixture("rs256-public.pem"))),
        Keys::Es256 => (None, Some(fixture("es256-public.pem"))),
    };
    Verifier::new(
        secret.as_deref(),
        public.as_deref(),
        None,
        ISSUER.into(),
        AUDIENCE.into(),
        5,
    )
    .expect("verifier")
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
        start(
            self.database_url.clone(),
            TestDb::Shared,
            self.clock.clone(),
            verifier(Keys::Secret),
            false,
        )
        .await
    }
}

async fn start(
    url: String,
    db: TestDb,
    clock: SetClock,
    verifier: Verifier,
    migrate: bool,
) -> TestApp {
    start_with(url, db, clock, verifier, migrate, Default::default()).await
}

async fn start_with(
    url: String,
    db: TestDb,
    clock: SetClock,
    verifier: Verifier,
    migrate: bool,
    options: devplan_persistence::StoreOptions,
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
        client: reqwest::Client::new(),
        clock,
        statements,
        database_url: url,
        running: std::sync::Mutex::new(Some((handle, service.background))),
        _db: db,
    }
}

/// Claims for a token; tests change fields to forge bad ones.
pub fn claims(sub: &str, roles: &[&str]) -> Value {
    let now = chrono::Utc::now().timestamp();
    json!({"sub": sub, "roles": roles, "exp": now + 600, "nbf": now - 10, "iat": now, "iss": ISSUER, "aud": AUDIENCE})
}

/// Signs `claims` with HS256 and `secret`.
pub fn sign_hs256(claims: &Value, secret: &[u8]) -> String {
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret),
    )
    .expect("sign")
}

/// A valid token for `sub` with `roles`.
pub fn token(sub: &str, roles: &[&str]) -> String {
    sign_hs256(&claims(sub, roles), SECRET.as_bytes())
}

/// The HR integration's token.
pub fn hr() -> String {
    token(HR, &["hr"])
}

impl TestApp {
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

    /// The employee record with `external_id`, as HR reads it (first 500 employees).
    pub async fn employee_by_external(&self, external_id: &str) -> Value {
        let people = self
            .expect(
                self.get("/api/v1/employees?limit=500", &hr()).await,
                StatusCode::OK,
            )
            .await;
        people["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|e| e["external_id"] == external_id)
            .cloned()
            .unwrap_or_else(|| panic!("no employee {external_id}"))
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

    /// The id of the unit with `external_id`.
    pub async fn unit_id(&self, external_id: &str) -> String {
        let units = self
            .expect(
                self.get("/api/v1/org-units?limit=500", &hr()).await,
                StatusCode::OK,
            )
            .await;
        units["items"]
            .as_array()
            .and_then(|items| items.iter().find(|u| u["external_id"] == external_id))
            .and_then(|u| u["id"].as_str())
            .unwrap_or_else(|| panic!("no unit {external_id}"))
            .to_owned()
    }

    /// Runs SQL on the app's database directly.
    pub async fn sql(&self, statement: &str) {
        let db = Database::connect(&self.database_url)
            .await
            .expect("connect to the app's database");
        db.execute_unprepared(statement)
            .await
            .expect("the SQL runs");
        db.close().await.expect("close");
    }

    /// Runs `statement` under the API, returning the database's refusal if it refuses.
    pub async fn try_sql(&self, statement: &str) -> Result<(), String> {
        let db = Database::connect(&self.database_url)
            .await
            .expect("connect to the app's database");
        let result = db
            .execute_unprepared(statement)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string());
        db.close().await.expect("close");
        result
    }

    /// HR marks the employee `id` as having left.
    pub async fn leaves(&self, id: &str) {
        self.expect(
            self.patch(
                &format!("/api/v1/employees/{id}"),
                &hr(),
                &json!({"active": false}),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    }

    /// A store of its own on the app's database, on the app's clock: for what the service
    /// does outside requests (seeding the demo, the retention round).
    pub async fn store(&self) -> Store {
        Store::connect(&self.database_url, std::sync::Arc::new(self.clock.clone()))
            .await
            .expect("connect")
    }

    /// Every value of every table of the app's database as text, one line per row: what a
    /// grep of a database dump sees.
    pub async fn dump(&self) -> String {
        use sea_orm::Statement;
        let db = Database::connect(&self.database_url)
            .await
            .expect("connect to the app's database");
        let backend = db.get_database_backend();
        let (tables, columns) = if self.on_postgres() {
            (
                "SELECT table_name::text FROM information_schema.tables \
                 WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
                "SELECT column_name::text FROM information_schema.columns \
                 WHERE table_schema = 'public' AND table_name = '{t}'",
            )
        } else {
            (
                "SELECT name FROM sqlite_master WHERE type = 'table'",
                "SELECT name FROM pragma_table_info('{t}')",
            )
        };
        let strings = |rows: Vec<sea_orm::QueryResult>| -> Vec<String> {
            rows.iter()
                .map(|r| r.try_get_by_index::<String>(0).expect("a name"))
                .collect()
        };
        let mut out = String::new();
        let names = strings(
            db.query_all_raw(Statement::from_string(backend, tables))
                .await
                .expect("tables"),
        );
        for table in names {
            let cols = strings(
                db.query_all_raw(Statement::from_string(
                    backend,
                    columns.replace("{t}", &table),
                ))
                .await
                .expect("columns"),
            );
            // SQLite keeps ids as blobs: `quote` writes any value as text.
            let select: Vec<String> = cols
                .iter()
                .map(|c| {
                    if self.on_postgres() {
                        format!("CAST(\"{c}\" AS TEXT)")
                    } else {
                        format!("quote(\"{c}\")")
                    }
                })
                .collect();
            let rows = db
                .query_all_raw(Statement::from_string(
                    backend,
                    format!("SELECT {} FROM \"{table}\"", select.join(", ")),
                ))
                .await
                .expect("rows");
            for row in rows {
                let values: Vec<String> = (0..cols.len())
                    .map(|i| {
                        row.try_get_by_index::<Option<String>>(i)
                            .expect("text")
                            .unwrap_or_default()
                    })
                    .collect();
                out.push_str(&format!("{table}|{}\n", values.join("|")));
            }
        }
        db.close().await.expect("close");
        out
    }

    /// Whether the app runs on PostgreSQL (where concurrent requests really overlap).
    pub fn on_postgres(&self) -> bool {
        std::env::var("DEVPLAN_TEST_DATABASE_URL").is_ok_and(|u| u.starts_with("postgres"))
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

    /// Sets up the standard organisation as HR, over HTTP.
    pub async fn standard_org(&self) -> Org {
        let hr = hr();
        let units = json!({"rows": [
            {"external_id": "K", "name": "Kommunen"},
            {"external_id": "A", "name": "Område A", "parent_external_id": "K"},
            {"external_id": "A1", "name": "Institution A1", "parent_external_id": "A"},
            {"external_id": "B", "name": "Område B", "parent_external_id": "K"},
        ]});
        self.expect(
            self.post("/api/v1/sync/org-units", &hr, &units).await,
            StatusCode::OK,
        )
        .await;
        let employees = json!({"rows": [
            {"external_id": "MGR-A", "name": "Anna Leder", "unit_external_id": "A", "manages_unit_external_ids": ["A"]},
            {"external_id": "EMP-A1", "name": "Bo Ansat", "unit_external_id": "A1", "professional_group": "pædagog"},
            {"external_id": "REP-A", "name": "Rita Repræsentant", "unit_external_id": "A1", "represents_unit_external_ids": ["A"]},
            {"external_id": "MEM-A", "name": "Mads Medlem", "unit_external_id": "A1"},
            {"external_id": "MGR-B", "name": "Bente Leder", "unit_external_id": "B", "manages_unit_external_ids": ["B"]},
            {"external_id": "EMP-B", "name": "Carl Ansat", "unit_external_id": "B"},
        ]});
        self.expect(
            self.post("/api/v1/sync/employees", &hr, &employees).await,
            StatusCode::OK,
        )
        .await;
        let committees = json!({"rows": [
            {"external_id": "HMU", "name": "Hoved-MED", "level": "main", "unit_external_id": "K", "member_external_ids": ["MGR-B"]},
            {"external_id": "MED-A", "name": "Lokal-MED A", "level": "local", "unit_external_id": "A", "parent_external_id": "HMU", "member_external_ids": ["MEM-A", "MGR-A"]},
        ]});
        self.expect(
            self.post("/api/v1/sync/committees", &hr, &committees).await,
            StatusCode::OK,
        )
        .await;
        let period = json!({"name": "OK24", "starts_on": "2024-04-01", "ends_on": "2027-03-31"});
        let period = self
            .expect(
                self.post("/api/v1/agreement-periods", &hr, &period).await,
                StatusCode::CREATED,
            )
            .await;

        let units = self
            .expect(
                self.get("/api/v1/org-units?limit=500", &hr).await,
                StatusCode::OK,
            )
            .await;
        let unit = |ext: &str| id_by_external(&units, ext);
        let employees = self
            .expect(
                self.get("/api/v1/employees?limit=500", &hr).await,
                StatusCode::OK,
            )
            .await;
        let employee = |ext: &str| id_by_external(&employees, ext);
        let committees = self
            .expect(
                self.get("/api/v1/committees?limit=500", &hr).await,
                StatusCode::OK,
            )
            .await;
        let committee = |ext: &str| id_by_external(&committees, ext);
        Org {
            k: unit("K"),
            a: unit("A"),
            a1: unit("A1"),
            b: unit("B"),
            mgr_a: employee("MGR-A"),
            emp_a1: employee("EMP-A1"),
            rep_a: employee("REP-A"),
            mem_a: employee("MEM-A"),
            mgr_b: employee("MGR-B"),
            emp_b: employee("EMP-B"),
            hmu: committee("HMU"),
            med_a: committee("MED-A"),
            period: period["id"].as_str().expect("period id").to_owned(),
        }
    }
}

/// A drafted plan in the standard organisation: MGR-A's plan for EMP-A1 with two goals (the
/// first served by a course), the course, and an open point.
#[derive(Debug, Clone)]
pub struct PlanFixture {
    /// The plan's id.
    pub id: String,
    /// The goal the course serves.
    pub served_goal: String,
    /// A goal no activity serves.
    pub free_goal: String,
    /// The course.
    pub activity: String,
    /// The open point.
    pub open_point: String,
    /// A development goal MGR-A published for area A.
    pub unit_goal: String,
    /// An offer of the catalogue.
    pub offer: String,
    /// EMP-A1's parental leave, recorded by HR.
    pub absence: String,
    /// EMP-A1's development interview this year, offered by MGR-A.
    pub interview: String,
    /// A status review of area A, recorded by MGR-A today.
    pub review: String,
}

impl TestApp {
    /// POSTs to a plan's sub-resource as `who`, expecting `status`, returning the plan.
    pub async fn plan_post(
        &self,
        plan: &str,
        part: &str,
        token: &str,
        body: &Value,
        status: StatusCode,
    ) -> Value {
        self.expect(
            self.post(&format!("/api/v1/plans/{plan}{part}"), token, body)
                .await,
            status,
        )
        .await
    }

    /// Signs `plan`, as last read, as `who`; returns the plan as it is then.
    pub async fn sign_plan(&self, plan: &Value, who: &str) -> Value {
        self.plan_post(
            plan["id"].as_str().expect("a plan"),
            "/signatures",
            who,
            &json!({"revision": plan["revision"]}),
            StatusCode::CREATED,
        )
        .await
    }

    /// Has each of `signers` sign `plan` in turn, each reading what the one before left.
    pub async fn sign_all(&self, mut plan: Value, signers: &[String]) -> Value {
        for who in signers {
            plan = self.sign_plan(&plan, who).await;
        }
        plan
    }

    /// Drafts a plan from `body` as `manager` and has each of `signers` sign it: the one way
    /// the tests agree a plan. Returns the plan.
    pub async fn agree_plan(&self, manager: &str, body: &Value, signers: &[String]) -> Value {
        let plan = self
            .expect(
                self.post("/api/v1/plans", manager, body).await,
                StatusCode::CREATED,
            )
            .await;
        self.sign_all(plan, signers).await
    }

    /// MGR-A drafts a plan for EMP-A1 with two goals, a course and an open point.
    pub async fn plan_fixture(&self, org: &Org) -> PlanFixture {
        let manager = token("MGR-A", &["employee", "manager"]);
        let plan = self
            .expect(
                self.post("/api/v1/plans", &manager, &json!({"employee_id": org.emp_a1, "title": "Udviklingsplan 2026", "starts_on": "2026-01-01", "ends_on": "2026-12-31"})).await,
                StatusCode::CREATED,
            )
            .await;
        let id = plan["id"].as_str().expect("plan id").to_owned();
        let goal = json!({"description": "Konflikthåndtering", "competence_kind": "professional", "horizon": "short_term"});
        self.plan_post(&id, "/goals", &manager, &goal, StatusCode::CREATED)
            .await;
        let plan = self.plan_post(&id, "/goals", &manager, &json!({"description": "Mere overblik", "competence_kind": "personal", "horizon": "long_term"}), StatusCode::CREATED).await;
        let served_goal = plan["content"]["goals"][0]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let free_goal = plan["content"]["goals"][1]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let course = json!({"kind": "course", "title": "Konflikthåndtering i praksis", "goal_ids": [served_goal], "responsible": "manager"});
        let plan = self
            .plan_post(&id, "/activities", &manager, &course, StatusCode::CREATED)
            .await;
        let activity = plan["content"]["activities"][0]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let plan = self
            .plan_post(
                &id,
                "/open-points",
                &manager,
                &json!({"text": "Diplommodul?"}),
                StatusCode::CREATED,
            )
            .await;
        let open_point = plan["content"]["open_points"][0]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let unit_goal = self
            .expect(
                self.post(
                    &format!("/api/v1/org-units/{}/development-goals", org.a),
                    &manager,
                    &json!({"title": "Bedre forældresamarbejde"}),
                )
                .await,
                StatusCode::CREATED,
            )
            .await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let offer = self
            .expect(
                self.post("/api/v1/catalogue", &hr(), &json!({"kind": "course", "title": "Konflikthåndtering", "professional_groups": ["pædagog"]})).await,
                StatusCode::CREATED,
            )
            .await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let absence = self
            .expect(
                self.post("/api/v1/absences", &hr(), &json!({"employee_id": org.emp_a1, "kind": "parental_leave", "starts_on": "2025-03-01", "ends_on": "2025-06-30"})).await,
                StatusCode::CREATED,
            )
            .await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let year = chrono::Utc::now().format("%Y").to_string();
        let interview = self
            .expect(
                self.post("/api/v1/development-interviews", &manager, &json!({"year": year.parse::<i32>().unwrap(), "format": "individual", "participants": [{"employee_id": org.emp_a1, "status": "offered"}]})).await,
                StatusCode::CREATED,
            )
            .await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let review = self
            .expect(
                self.post(
                    "/api/v1/status-reviews",
                    &manager,
                    &json!({"unit_id": org.a, "held_on": chrono::Utc::now().date_naive()}),
                )
                .await,
                StatusCode::CREATED,
            )
            .await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        PlanFixture {
            review,
            id,
            served_goal,
            free_goal,
            activity,
            open_point,
            unit_goal,
            offer,
            absence,
            interview,
        }
    }
}

fn id_by_external(list: &Value, external_id: &str) -> String {
    list["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["external_id"] == external_id)
        .and_then(|i| i["id"].as_str())
        .unwrap_or_else(|| panic!("no {external_id} in {list}"))
        .to_owned()
}

/// The standard organisation: Kommunen (K) with area A (institution A1 below it) and area B.
/// MGR-A manages A, REP-A represents A, MEM-A and MGR-A sit on Lokal-MED A (covering A),
/// MGR-B manages B and sits on the Hoved-MED (covering K).
#[derive(Debug, Clone)]
pub struct Org {
    /// Kommunen.
    pub k: String,
    /// Område A.
    pub a: String,
    /// Institution A1, under A.
    pub a1: String,
    /// Område B.
    pub b: String,
    /// Manager of A.
    pub mgr_a: String,
    /// Employee in A1.
    pub emp_a1: String,
    /// Local representative for A, working in A1.
    pub rep_a: String,
    /// Member of Lokal-MED A, working in A1.
    pub mem_a: String,
    /// Manager of B, member of Hoved-MED.
    pub mgr_b: String,
    /// Employee in B.
    pub emp_b: String,
    /// Hoved-MED.
    pub hmu: String,
    /// Lokal-MED A.
    pub med_a: String,
    /// OK24.
    pub period: String,
}

/// The callers of the access tests, each with the roles their token asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Who {
    /// EMP-A1 as employee.
    Employee,
    /// MGR-A as employee and manager.
    Manager,
    /// REP-A as local representative.
    Representative,
    /// MEM-A as committee member.
    Committee,
    /// The HR integration.
    Hr,
}

impl Who {
    /// Every caller.
    pub const ALL: [Who; 5] = [
        Who::Employee,
        Who::Manager,
        Who::Representative,
        Who::Committee,
        Who::Hr,
    ];

    /// The caller's token.
    pub fn token(self) -> String {
        match self {
            Who::Employee => token("EMP-A1", &["employee"]),
            Who::Manager => token("MGR-A", &["employee", "manager"]),
            Who::Representative => token("REP-A", &["local_representative"]),
            Who::Committee => token("MEM-A", &["committee"]),
            Who::Hr => hr(),
        }
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
