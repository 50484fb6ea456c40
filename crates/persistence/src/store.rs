//! The connection to the database and the schema's life cycle.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection};

use devplan_domain::clock::Clock;

use crate::StoreError;

/// The storage of one deployment; cheap to clone (a connection pool).
#[derive(Debug, Clone)]
pub struct Store {
    pub(crate) db: DatabaseConnection,
    /// Every timestamp the store writes comes from here.
    clock: Arc<dyn Clock>,
    organisation: Arc<AtomicU64>,
}

/// Whether and how connections to PostgreSQL use TLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TlsMode {
    /// The URL's `sslmode` if it has one; otherwise off for a server on loopback (TLS there
    /// costs a handshake per connection and protects nothing) and `prefer` elsewhere.
    #[default]
    Auto,
    /// Never.
    Disable,
    /// When the server offers it.
    Prefer,
    /// Always, without checking the certificate.
    Require,
    /// Always, checking the certificate's chain.
    VerifyCa,
    /// Always, checking the chain and the host name.
    VerifyFull,
}

impl std::str::FromStr for TlsMode {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "auto" => TlsMode::Auto,
            "disable" => TlsMode::Disable,
            "prefer" => TlsMode::Prefer,
            "require" => TlsMode::Require,
            "verify-ca" => TlsMode::VerifyCa,
            "verify-full" => TlsMode::VerifyFull,
            other => {
                return Err(format!(
                    "{other}: use auto, disable, prefer, require, verify-ca or verify-full"
                ));
            }
        })
    }
}

/// How to connect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreOptions {
    /// Largest number of connections (PostgreSQL; SQLite always uses one).
    pub pool_size: u32,
    /// TLS to PostgreSQL.
    pub tls: TlsMode,
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self {
            pool_size: 16,
            tls: TlsMode::Auto,
        }
    }
}

/// The URL with the `sslmode` the TLS mode asks for.
fn with_tls(url: &str, tls: TlsMode) -> String {
    if !url.starts_with("postgres") {
        return url.to_owned();
    }
    let mode = match tls {
        TlsMode::Auto if url.contains("sslmode=") => return url.to_owned(),
        TlsMode::Auto => {
            let host = url
                .split("://")
                .nth(1)
                .and_then(|rest| rest.split(['/', '?']).next())
                .map(|authority| authority.rsplit('@').next().unwrap_or(authority))
                .unwrap_or("");
            let loopback = ["127.0.0.1", "localhost", "[::1]"]
                .iter()
                .any(|h| host == *h || host.starts_with(&format!("{h}:")));
            if loopback || host.is_empty() {
                "disable"
            } else {
                "prefer"
            }
        }
        TlsMode::Disable => "disable",
        TlsMode::Prefer => "prefer",
        TlsMode::Require => "require",
        TlsMode::VerifyCa => "verify-ca",
        TlsMode::VerifyFull => "verify-full",
    };
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut params: Vec<&str> = query
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("sslmode="))
        .collect();
    let sslmode = format!("sslmode={mode}");
    params.push(&sslmode);
    format!("{base}?{}", params.join("&"))
}

impl Store {
    /// Connects to `url` (`sqlite://…?mode=rwc` or `postgres://…`) with the default options.
    pub async fn connect(url: &str, clock: Arc<dyn Clock>) -> Result<Self, StoreError> {
        Self::connect_with(url, StoreOptions::default(), clock).await
    }

    /// Connects to `url` with `options`; `clock` stamps every record written.
    pub async fn connect_with(
        url: &str,
        options: StoreOptions,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, StoreError> {
        let sqlite = url.starts_with("sqlite");
        let mut connect = ConnectOptions::new(with_tls(url, options.tls));
        connect
            // SQLite allows one writer; a single connection queues requests instead of
            // failing a deferred transaction's upgrade with SQLITE_BUSY.
            .max_connections(if sqlite { 1 } else { options.pool_size.max(1) })
            .connect_timeout(Duration::from_secs(10))
            .acquire_timeout(Duration::from_secs(30))
            // A ping before every statement doubles the round trips; a broken connection
            // fails its statement and is replaced instead.
            .test_before_acquire(false)
            .sqlx_logging(false);
        let db = Database::connect(connect).await?;
        if db.get_database_backend() == DatabaseBackend::Sqlite {
            // sqlx turns foreign keys on for every connection; WAL is a property of the file,
            // so setting it once keeps other readers (backups, sqlite3) from blocking us.
            db.execute_unprepared("PRAGMA journal_mode = WAL").await?;
        }
        Ok(Self {
            db,
            clock,
            organisation: Arc::new(AtomicU64::new(0)),
        })
    }

    /// Now, by the store's clock.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
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

    /// The migrations not yet applied, by name: none when the schema is up to date.
    pub async fn pending_migrations(&self) -> Result<Vec<String>, StoreError> {
        Ok(Migrator::get_pending_migrations(&self.db)
            .await?
            .iter()
            .map(|m| m.name().to_owned())
            .collect())
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.db.ping().await?;
        Ok(())
    }

    /// Refreshes PostgreSQL's statistics of `tables` after a write that added many rows, so
    /// the next statements are planned for the tables' new size: a bulk sync into an empty
    /// database otherwise runs every later sync with plans made for empty tables, slower
    /// with each call, until autovacuum catches up.
    pub(crate) async fn analyze_after_growth(
        &self,
        added: u64,
        tables: &[&str],
    ) -> Result<(), StoreError> {
        if added >= 1_000 && self.db.get_database_backend() == DatabaseBackend::Postgres {
            self.db
                .execute_unprepared(&format!("ANALYZE {}", tables.join(", ")))
                .await?;
        }
        Ok(())
    }

    /// How many times this instance has changed the organisation (units, employees, roles,
    /// committees): caches of who reaches what are valid while it stays the same.
    pub fn organisation_generation(&self) -> u64 {
        self.organisation.load(Ordering::SeqCst)
    }

    pub(crate) fn organisation_changed(&self) {
        self.organisation.fetch_add(1, Ordering::SeqCst);
    }

    /// Counts every statement sent from now on in `counter`: the deterministic measure of a
    /// request's cost that tests assert on.
    pub fn count_statements(&mut self, counter: Arc<AtomicU64>) {
        self.db.set_metric_callback(move |_| {
            counter.fetch_add(1, Ordering::Relaxed);
        });
    }

    /// The same store, its statements not counted: for background work, which is no request's
    /// cost.
    pub fn uncounted(&self) -> Store {
        let mut store = self.clone();
        store.db.set_metric_callback(|_| {});
        store
    }

    /// The connections of the pool: open, and idle among them.
    pub fn pool_connections(&self) -> (u32, usize) {
        match self.db.get_database_backend() {
            DatabaseBackend::Postgres => {
                let pool = self.db.get_postgres_connection_pool();
                (pool.size(), pool.num_idle())
            }
            DatabaseBackend::Sqlite => {
                let pool = self.db.get_sqlite_connection_pool();
                (pool.size(), pool.num_idle())
            }
            _ => (0, 0),
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_servers_go_without_tls_and_others_prefer_it_unless_told() {
        let auto = |url| with_tls(url, TlsMode::Auto);
        assert_eq!(
            auto("postgres://postgres@127.0.0.1:5432/devplan"),
            "postgres://postgres@127.0.0.1:5432/devplan?sslmode=disable"
        );
        assert_eq!(
            auto("postgres://u:p@db.kommune.dk/devplan?application_name=x"),
            "postgres://u:p@db.kommune.dk/devplan?application_name=x&sslmode=prefer"
        );
        assert_eq!(
            auto("postgres://localhost/d?sslmode=require"),
            "postgres://localhost/d?sslmode=require"
        );
        assert_eq!(
            with_tls(
                "postgres://localhost/d?sslmode=disable",
                TlsMode::VerifyFull
            ),
            "postgres://localhost/d?sslmode=verify-full"
        );
        assert_eq!(
            with_tls("sqlite://x.db?mode=rwc", TlsMode::Require),
            "sqlite://x.db?mode=rwc"
        );
    }
}
