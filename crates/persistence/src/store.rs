//! The connection to the database and the schema's life cycle.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection};

use crate::StoreError;

/// The storage of one deployment; cheap to clone (a connection pool).
#[derive(Debug, Clone)]
pub struct Store {
    pub(crate) db: DatabaseConnection,
}

impl Store {
    /// Connects to `url` (`sqlite://…?mode=rwc` or `postgres://…`).
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let mut options = ConnectOptions::new(url.to_owned());
        options
            // SQLite allows one writer; a single connection queues requests instead of
            // failing a deferred transaction's upgrade with SQLITE_BUSY.
            .max_connections(if url.starts_with("sqlite") { 1 } else { 16 })
            .connect_timeout(Duration::from_secs(10))
            .acquire_timeout(Duration::from_secs(30))
            .sqlx_logging(false);
        let db = Database::connect(options).await?;
        if db.get_database_backend() == DatabaseBackend::Sqlite {
            // sqlx turns foreign keys on for every connection; WAL is a property of the file,
            // so setting it once keeps other readers (backups, sqlite3) from blocking us.
            db.execute_unprepared("PRAGMA journal_mode = WAL").await?;
        }
        Ok(Self { db })
    }

    /// Brings the schema up to date, and rebuilds projections whose rules are newer than
    /// their rows (on the first start after they are introduced, for the data already there).
    pub async fn migrate(&self) -> Result<(), StoreError> {
        Migrator::up(&self.db, None).await?;
        if self.ensure_projections().await? {
            log::info!("rebuilt the status projection");
        }
        Ok(())
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.db.ping().await?;
        Ok(())
    }

    /// Counts every statement sent from now on in `counter`: the deterministic measure of a
    /// request's cost that tests assert on.
    pub fn count_statements(&mut self, counter: Arc<AtomicU64>) {
        self.db.set_metric_callback(move |_| {
            counter.fetch_add(1, Ordering::Relaxed);
        });
    }

    /// `sqlite` or `postgres`, for logs and readiness.
    pub fn backend_name(&self) -> &'static str {
        match self.db.get_database_backend() {
            DatabaseBackend::Sqlite => "sqlite",
            DatabaseBackend::Postgres => "postgres",
            _ => "other",
        }
    }
}
