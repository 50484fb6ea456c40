//! The connection to the database and the schema's life cycle.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection};

use devplan_domain::clock::Clock;

use crate::StoreError;

/// The storage of one deployment; cheap to clone (connection pools).
#[derive(Debug, Clone)]
pub struct Store {
    /// The pool this handle's statements go to: one of `pools`, by the work it serves.
    pub(crate) db: DatabaseConnection,
    pools: Pools,
    /// The URL connected to, for work that must run without a statement limit (migrations).
    url: Arc<str>,
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

/// The kinds of work whose statements run under limits of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatementClass {
    /// A read or write of a few records: a plan, a list page, the change feed.
    Ordinary,
    /// A read that aggregates a whole unit or person: status figures, named lists, exports.
    Heavy,
    /// A write of many records at once: HR's syncs, erasure, the retention round.
    Bulk,
}

/// How long one statement may run in PostgreSQL, per class, before the server cancels it:
/// a request its client abandoned, or a runaway query, frees the database within the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatementLimits {
    /// [`StatementClass::Ordinary`].
    pub ordinary: Duration,
    /// [`StatementClass::Heavy`].
    pub heavy: Duration,
    /// [`StatementClass::Bulk`].
    pub bulk: Duration,
}

impl Default for StatementLimits {
    fn default() -> Self {
        Self {
            ordinary: Duration::from_secs(5),
            heavy: Duration::from_secs(30),
            bulk: Duration::from_secs(120),
        }
    }
}

/// How to connect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreOptions {
    /// Largest number of connections for ordinary work (PostgreSQL; SQLite always uses one).
    /// Heavy and bulk work have pools of their own, a quarter of this each and at least 2.
    pub pool_size: u32,
    /// TLS to PostgreSQL.
    pub tls: TlsMode,
    /// Statement limits (PostgreSQL); `None` for operators' commands, which may run long.
    pub limits: Option<StatementLimits>,
    /// How long an ordinary request waits for a free connection before it answers 503
    /// `busy` (PostgreSQL). Short, because nothing cancels a request whose client has gone
    /// (actix-web does not notice a disconnect while a handler runs): a long wait would let
    /// abandoned requests queue up and run their statements long after their clients left.
    /// Heavy work waits its turn at the gate instead; bulk work waits up to 30 s.
    pub ordinary_wait: Duration,
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self {
            pool_size: 16,
            tls: TlsMode::Auto,
            limits: Some(StatementLimits::default()),
            ordinary_wait: Duration::from_millis(800),
        }
    }
}

/// How long heavy and bulk work, SQLite's one connection and operators' commands wait for a
/// connection.
const LONG_WAIT: Duration = Duration::from_secs(30);

/// One pool per statement class. PostgreSQL sets a connection's `statement_timeout` when it
/// connects, so a pool per limit costs no statement per request; SQLite has no such limit and
/// shares its one connection between the classes.
#[derive(Debug, Clone)]
struct Pools {
    ordinary: DatabaseConnection,
    heavy: DatabaseConnection,
    bulk: DatabaseConnection,
}

impl Pools {
    fn each(&mut self) -> [&mut DatabaseConnection; 3] {
        [&mut self.ordinary, &mut self.heavy, &mut self.bulk]
    }
}

/// A pool of at most `size` connections to `url`, its statements limited to `limit`.
async fn pool(
    url: &str,
    size: u32,
    limit: Option<Duration>,
    lazy: bool,
    wait: Duration,
) -> Result<DatabaseConnection, StoreError> {
    let mut connect = ConnectOptions::new(url);
    connect
        .max_connections(size)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(wait)
        // A ping before every statement doubles the round trips; a broken connection
        // fails its statement and is replaced instead.
        .test_before_acquire(false)
        .connect_lazy(lazy)
        .sqlx_logging(false);
    if let Some(limit) = limit {
        connect.statement_timeout(limit);
    }
    Ok(Database::connect(connect).await?)
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
        let url = with_tls(url, options.tls);
        let pools = if url.starts_with("sqlite") {
            // SQLite allows one writer; a single connection queues requests instead of
            // failing a deferred transaction's upgrade with SQLITE_BUSY.
            let db = pool(&url, 1, None, false, LONG_WAIT).await?;
            // sqlx turns foreign keys on for every connection; WAL is a property of the file,
            // so setting it once keeps other readers (backups, sqlite3) from blocking us.
            db.execute_unprepared("PRAGMA journal_mode = WAL").await?;
            Pools {
                ordinary: db.clone(),
                heavy: db.clone(),
                bulk: db,
            }
        } else {
            let size = options.pool_size.max(1);
            let side = (size / 4).max(2);
            let limit =
                |class: fn(&StatementLimits) -> Duration| options.limits.as_ref().map(class);
            Pools {
                ordinary: pool(
                    &url,
                    size,
                    limit(|l| l.ordinary),
                    false,
                    options.ordinary_wait,
                )
                .await?,
                heavy: pool(&url, side, limit(|l| l.heavy), true, LONG_WAIT).await?,
                bulk: pool(&url, side, limit(|l| l.bulk), true, LONG_WAIT).await?,
            }
        };
        Ok(Self {
            db: pools.ordinary.clone(),
            pools,
            url: url.into(),
            clock,
            organisation: Arc::new(AtomicU64::new(0)),
        })
    }

    /// The same store, its statements in `class`'s pool and under its limit.
    pub fn class(&self, class: StatementClass) -> Store {
        let mut store = self.clone();
        store.db = match class {
            StatementClass::Ordinary => self.pools.ordinary.clone(),
            StatementClass::Heavy => self.pools.heavy.clone(),
            StatementClass::Bulk => self.pools.bulk.clone(),
        };
        store
    }

    /// The same store for a read that aggregates a unit or a person ([`StatementClass::Heavy`]).
    pub fn heavy(&self) -> Store {
        self.class(StatementClass::Heavy)
    }

    /// The same store for a write of many records ([`StatementClass::Bulk`]).
    pub fn bulk(&self) -> Store {
        self.class(StatementClass::Bulk)
    }

    /// Now, by the store's clock.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// Today's Danish date, by the store's clock.
    pub fn today(&self) -> chrono::NaiveDate {
        self.clock.today()
    }

    /// Brings the schema up to date, and rebuilds projections whose rules are newer than
    /// their rows (on the first start after they are introduced, for the data already there).
    pub async fn migrate(&self) -> Result<(), StoreError> {
        // A migration or a rebuild of a national data set may run for minutes: on a
        // connection of its own, without the requests' statement limits.
        let unlimited = match self.db.get_database_backend() {
            DatabaseBackend::Postgres => {
                let mut store = self.clone();
                store.db = pool(&self.url, 1, None, false, LONG_WAIT).await?;
                store
            }
            _ => self.clone(),
        };
        Migrator::up(&unlimited.db, None).await?;
        let rebuilt = unlimited.ensure_projections().await?;
        if self.db.get_database_backend() == DatabaseBackend::Postgres {
            unlimited.db.close_by_ref().await?;
        }
        if rebuilt {
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
        let count = move |_: &sea_orm::metric::Info<'_>| {
            counter.fetch_add(1, Ordering::Relaxed);
        };
        for db in self.pools.each() {
            db.set_metric_callback(count.clone());
        }
        self.db.set_metric_callback(count);
    }

    /// The same store, its statements not counted: for background work, which is no request's
    /// cost.
    pub fn uncounted(&self) -> Store {
        let mut store = self.clone();
        for db in store.pools.each() {
            db.set_metric_callback(|_| {});
        }
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
