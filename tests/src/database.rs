//! A fresh database per test: a SQLite file, or a database of its own on the PostgreSQL
//! server `DEVPLAN_TEST_DATABASE_URL` names; and reaching under the API.

use std::path::PathBuf;

use devplan_persistence::Store;
use sea_orm::{ConnectionTrait, Database};
use uuid::Uuid;

use crate::TestApp;

pub(crate) enum TestDb {
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

pub(crate) async fn fresh_database() -> (String, TestDb) {
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

impl TestApp {
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
}
