//! Statement limits: no request's statement outlives its class's limit in PostgreSQL, whether
//! its client waits (503 `timeout`) or has gone. A lock held by another session stands in for a
//! runaway query: PostgreSQL's `statement_timeout` counts the wait for it.

use std::time::{Duration, Instant};

use devplan_persistence::StatementLimits;
use devplan_tests::*;
use reqwest::{Method, StatusCode};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement, TransactionTrait};
use serde_json::json;

const LIMITS: StatementLimits = StatementLimits {
    ordinary: Duration::from_millis(1_000),
    heavy: Duration::from_millis(2_000),
    bulk: Duration::from_millis(3_000),
};

/// The app's statements running in its database now, other than `except`'s (pids).
async fn active_statements(db: &DatabaseConnection, except: i32) -> Vec<String> {
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            format!(
                "SELECT query FROM pg_stat_activity WHERE datname = current_database() \
                 AND state = 'active' AND pid <> pg_backend_pid() AND pid <> {except}"
            ),
        ))
        .await
        .expect("pg_stat_activity");
    rows.iter()
        .map(|r| r.try_get::<String>("", "query").expect("query"))
        .collect()
}

/// Watches the database from `sent` until no statement of the app runs, for at most 10 s:
/// when it was last seen running, if it ran at all.
async fn last_seen_running(
    db: &DatabaseConnection,
    locker: i32,
    sent: Instant,
) -> Option<Duration> {
    let mut last = None;
    while sent.elapsed() < Duration::from_secs(10) {
        let running = active_statements(db, locker).await;
        if running.is_empty() && last.is_some() {
            break;
        }
        if !running.is_empty() {
            last = Some(sent.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    last
}

/// A session that holds `table` locked until it is dropped; and its pid.
async fn lock(url: &str, table: &str) -> (DatabaseConnection, sea_orm::DatabaseTransaction, i32) {
    let db = Database::connect(url).await.expect("connect");
    let tx = db.begin().await.expect("begin");
    let pid: i32 = tx
        .query_one_raw(Statement::from_string(
            tx.get_database_backend(),
            "SELECT pg_backend_pid() AS pid",
        ))
        .await
        .expect("pid")
        .expect("a row")
        .try_get("", "pid")
        .expect("an int");
    tx.execute_unprepared(&format!("LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE"))
        .await
        .expect("lock");
    (db, tx, pid)
}

/// Sends a request and gives up on it after 300 ms, as a client that went away.
async fn abandon(
    app: &TestApp,
    token: &str,
    method: Method,
    path: &str,
    body: Option<serde_json::Value>,
) {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_millis(300))
        .build()
        .expect("client");
    let mut req = client
        .request(method, format!("{}{}", app.base, path))
        .bearer_auth(token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    assert!(req.send().await.is_err(), "{path} answered within 300 ms");
}

#[tokio::test]
async fn a_statement_past_its_class_limit_is_cancelled_in_the_database_whether_or_not_its_client_waits()
 {
    let app = spawn_app_limited(LIMITS).await;
    if !app.on_postgres() {
        // SQLite has no statement limit: one embedded connection, no other clients to starve.
        return;
    }
    let org = app.standard_org().await;
    let watcher = Database::connect(&app.database_url).await.expect("connect");

    // Ordinary: a client that waits is told, and the database is idle again.
    let (_db, held, locker) = lock(&app.database_url, "plans").await;
    let sent = Instant::now();
    let manager = token("MGR-A", &["employee", "manager"]);
    let r = app.get("/api/v1/plans?limit=10", &manager).await;
    let answered = sent.elapsed();
    assert_eq!(
        r.headers().get("retry-after").and_then(|v| v.to_str().ok()),
        Some("30")
    );
    assert_problem(r, StatusCode::SERVICE_UNAVAILABLE, "timeout").await;
    assert!(
        answered >= LIMITS.ordinary && answered < LIMITS.ordinary + Duration::from_secs(1),
        "answered after {answered:?}"
    );
    assert_eq!(
        active_statements(&watcher, locker).await,
        Vec::<String>::new()
    );
    // Ordinary, abandoned.
    let sent = Instant::now();
    abandon(&app, &manager, Method::GET, "/api/v1/plans?limit=10", None).await;
    let ran = last_seen_running(&watcher, locker, sent).await;
    held.rollback().await.expect("unlock");
    let ran = ran.expect("the plan list ran in the database");
    assert!(
        ran < LIMITS.ordinary + Duration::from_secs(1),
        "ran {ran:?}"
    );

    // Heavy: status figures run longer than an ordinary read may, and no longer than theirs.
    let (_db, held, locker) = lock(&app.database_url, "status_employees").await;
    let sent = Instant::now();
    abandon(
        &app,
        &Who::Hr.token(),
        Method::GET,
        &format!("/api/v1/status?unit_id={}", org.k),
        None,
    )
    .await;
    let ran = last_seen_running(&watcher, locker, sent).await;
    held.rollback().await.expect("unlock");
    let ran = ran.expect("the status ran in the database");
    assert!(
        ran > LIMITS.ordinary + Duration::from_millis(200)
            && ran < LIMITS.heavy + Duration::from_secs(1),
        "ran {ran:?}"
    );

    // Bulk: a sync, and nothing of it is kept.
    let (_db, held, locker) = lock(&app.database_url, "org_units").await;
    let sent = Instant::now();
    let rows = json!({"rows": [{"external_id": "K", "name": "Omdøbt Kommune"}]});
    abandon(
        &app,
        &Who::Hr.token(),
        Method::POST,
        "/api/v1/sync/org-units",
        Some(rows),
    )
    .await;
    let ran = last_seen_running(&watcher, locker, sent).await;
    held.rollback().await.expect("unlock");
    let ran = ran.expect("the sync ran in the database");
    assert!(
        ran > LIMITS.heavy + Duration::from_millis(200)
            && ran < LIMITS.bulk + Duration::from_secs(1),
        "ran {ran:?}"
    );
    let unit = app
        .expect(
            app.get(&format!("/api/v1/org-units/{}", org.k), &Who::Hr.token())
                .await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(unit["name"], "Kommunen");
}

#[tokio::test]
async fn requests_whose_clients_left_do_not_queue_for_a_connection_and_run_long_after() {
    let wait = Duration::from_millis(800);
    let limits = StatementLimits {
        ordinary: Duration::from_secs(3),
        ..LIMITS
    };
    let app = spawn_app_with_store(devplan_persistence::StoreOptions {
        pool_size: 2,
        limits: Some(limits),
        ordinary_wait: wait,
        ..Default::default()
    })
    .await;
    if !app.on_postgres() {
        return;
    }
    app.standard_org().await;
    let watcher = Database::connect(&app.database_url).await.expect("connect");
    let manager = token("MGR-A", &["employee", "manager"]);
    // Twelve clients ask for the plan list, stuck behind the lock, and give up: two hold the
    // pool's connections, ten wait for one. Queued for 30 s, as before, they would run one
    // after another for 18 s after their clients left.
    let (_db, held, locker) = lock(&app.database_url, "plans").await;
    let sent = Instant::now();
    futures_util::future::join_all(
        (0..12).map(|_| abandon(&app, &manager, Method::GET, "/api/v1/plans?limit=10", None)),
    )
    .await;
    let ran = last_seen_running(&watcher, locker, sent).await;
    held.rollback().await.expect("unlock");
    let ran = ran.expect("the plan lists ran in the database");
    assert!(
        ran < limits.ordinary + wait + Duration::from_millis(500),
        "the database ran their statements until {ran:?} after they were sent"
    );
    // A client that waits while the pool is full is told at once that the service is busy.
    let (_db, held, _) = lock(&app.database_url, "plans").await;
    let stuck: Vec<_> = (0..2)
        .map(|_| {
            let client = reqwest::Client::new();
            let url = format!("{}/api/v1/plans?limit=10", app.base);
            let manager = manager.clone();
            tokio::spawn(async move { client.get(url).bearer_auth(manager).send().await })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let asked = Instant::now();
    let r = app.get("/api/v1/plans?limit=10", &manager).await;
    let answered = asked.elapsed();
    assert_problem(r, StatusCode::SERVICE_UNAVAILABLE, "busy").await;
    assert!(answered < wait + Duration::from_millis(500), "{answered:?}");
    held.rollback().await.expect("unlock");
    for s in stuck {
        let _ = s.await;
    }
}
