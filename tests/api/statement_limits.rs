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
        &hr(),
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
        &hr(),
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
            app.get(&format!("/api/v1/org-units/{}", org.k), &hr())
                .await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(unit["name"], "Kommunen");
}
