//! Configuration from flags and environment variables, typed once at start-up.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// devplan: the system of record for individual competence development plans.
#[derive(Debug, Parser)]
#[command(name = "devplan", version, about)]
pub struct Cli {
    /// The settings every subcommand honours.
    #[command(flatten)]
    pub settings: Config,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Migrate the database and serve the API.
    Serve,
    /// Bring the database schema up to date and exit.
    Migrate,
    /// Mint a token with the configured HS256 secret, for development and tests.
    Token(TokenArgs),
    /// Create a fictitious municipality in a fresh SQLite file, serve it and print tokens.
    Demo(DemoArgs),
    /// Print the OpenAPI document (used to refresh openapi/openapi.json).
    Openapi,
    /// Rebuild the reporting rows of every plan and the status projection from the stored
    /// records, e.g. after data was loaded or restored around the service.
    Reproject,
    /// Erase everyone who left longer ago than `DEVPLAN_RETENTION_AFTER_LEAVING_DAYS`, once,
    /// e.g. from cron (the service also does it hourly).
    Retention,
    /// Ask a running instance whether it is ready (`GET /readyz`); exit 0 when it is. For
    /// container health checks, which have no curl in the image.
    Ready(ReadyArgs),
}

/// Arguments of `devplan ready`.
#[derive(Debug, Args)]
pub struct ReadyArgs {
    /// The instance's readiness URL.
    #[arg(long, default_value = "http://127.0.0.1:8080/readyz")]
    pub url: String,
}

/// Arguments of `devplan token`.
#[derive(Debug, Args)]
pub struct TokenArgs {
    /// The subject: an employee's id or external id.
    #[arg(long)]
    pub sub: String,
    /// Roles, comma-separated: employee, manager, local_representative, committee, hr.
    #[arg(long, value_delimiter = ',', required = true)]
    pub roles: Vec<String>,
    /// Lifetime in seconds.
    #[arg(long, default_value_t = 3600)]
    pub ttl: i64,
}

/// Arguments of `devplan demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// The SQLite file to create; an existing one is replaced.
    #[arg(long, env = "DEVPLAN_DEMO_FILE", default_value = "devplan-demo.db")]
    pub file: PathBuf,
}

/// The settings shared by every subcommand, each from a flag or its environment variable.
#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Database URL: `sqlite://devplan.db?mode=rwc` or `postgres://user@host/db`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://devplan.db?mode=rwc",
        global = true
    )]
    pub database_url: String,
    /// Address to listen on.
    #[arg(
        long,
        env = "DEVPLAN_BIND",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    pub bind: SocketAddr,
    /// Shared secret for HS256 tokens.
    #[arg(
        long,
        env = "DEVPLAN_JWT_SECRET",
        hide_env_values = true,
        global = true
    )]
    pub jwt_secret: Option<String>,
    /// PEM file with the identity provider's public key, for RS256 or ES256 tokens.
    #[arg(long, env = "DEVPLAN_JWT_PUBLIC_KEY", global = true)]
    pub jwt_public_key: Option<PathBuf>,
    /// An OpenID Connect provider's key set (its `jwks_uri`), for RS256 or ES256 tokens chosen
    /// by `kid`; fetched again when a token names an unknown key.
    #[arg(long, env = "DEVPLAN_JWT_JWKS_URL", global = true)]
    pub jwt_jwks_url: Option<String>,
    /// The least time between two fetches of the key set on unknown keys, in seconds.
    #[arg(
        long,
        env = "DEVPLAN_JWT_JWKS_MIN_REFRESH_SECONDS",
        default_value_t = 60,
        global = true
    )]
    pub jwt_jwks_min_refresh_seconds: u64,
    /// The claim that names the employee: `sub` (default), or e.g. `employee_external_id`,
    /// `oid`, `email`, `preferred_username`.
    #[arg(
        long,
        env = "DEVPLAN_IDENTITY_CLAIM",
        default_value = "sub",
        global = true
    )]
    pub identity_claim: String,
    /// How that claim's value finds the employee: `id_or_external_id` (default) or `email`.
    #[arg(
        long,
        env = "DEVPLAN_IDENTITY_MATCH",
        default_value = "id_or_external_id",
        global = true
    )]
    pub identity_match: crate::auth::SubjectMatch,
    /// `<claim>=<value>` that makes an employee's token HR, e.g. `groups=<Entra group id>`,
    /// or `roles=hr` to trust the token's roles. Unset: only DEVPLAN_SERVICE_SUBJECTS are HR.
    #[arg(long, env = "DEVPLAN_HR_CLAIM", global = true)]
    pub hr_claim: Option<crate::auth::HrGrant>,
    /// Whether `serve` brings the schema up to date when it starts (default). Set it to
    /// false when upgrades run `devplan migrate` as a job first: then `serve` refuses to
    /// start on a schema that is not up to date, naming the migrations missing.
    #[arg(
        long,
        env = "DEVPLAN_MIGRATE_ON_START",
        default_value_t = true,
        action = clap::ArgAction::Set,
        global = true
    )]
    pub migrate_on_start: bool,
    /// Log lines as `text` (default) or `json` (one object a line); each names its request.
    #[arg(
        long,
        env = "DEVPLAN_LOG_FORMAT",
        value_enum,
        default_value_t = crate::logging::LogFormat::Text,
        global = true
    )]
    pub log_format: crate::logging::LogFormat,
    /// Required `iss` claim.
    #[arg(
        long,
        env = "DEVPLAN_JWT_ISSUER",
        default_value = "devplan",
        global = true
    )]
    pub jwt_issuer: String,
    /// Required `aud` claim.
    #[arg(
        long,
        env = "DEVPLAN_JWT_AUDIENCE",
        default_value = "devplan-api",
        global = true
    )]
    pub jwt_audience: String,
    /// Clock skew tolerated on `exp` and `nbf`, in seconds.
    #[arg(long, env = "DEVPLAN_JWT_LEEWAY", default_value_t = 30, global = true)]
    pub jwt_leeway: u64,
    /// Subjects of integration clients (not employees) that may act with the `hr` role, comma-separated.
    #[arg(
        long,
        env = "DEVPLAN_SERVICE_SUBJECTS",
        value_delimiter = ',',
        global = true
    )]
    pub service_subjects: Vec<String>,
    /// Origins allowed to call the API from a browser, comma-separated.
    #[arg(
        long,
        env = "DEVPLAN_CORS_ORIGINS",
        value_delimiter = ',',
        global = true
    )]
    pub cors_origins: Vec<String>,
    /// Largest number of database connections (PostgreSQL; SQLite always uses one).
    #[arg(
        long,
        env = "DEVPLAN_DB_POOL_SIZE",
        default_value_t = 16,
        global = true
    )]
    pub db_pool_size: u32,
    /// TLS to PostgreSQL: `auto` (off on loopback, `prefer` elsewhere, unless the URL has
    /// `sslmode`), `disable`, `prefer`, `require`, `verify-ca` or `verify-full`.
    #[arg(long, env = "DEVPLAN_DB_TLS", default_value = "auto", global = true)]
    pub db_tls: devplan_persistence::TlsMode,
    /// How long one statement of an ordinary request (a record, a list page, the change feed)
    /// may run in PostgreSQL before it is cancelled and the request answers 503 `timeout`, in
    /// milliseconds.
    #[arg(
        long,
        env = "DEVPLAN_STATEMENT_LIMIT_MS",
        default_value_t = 5_000,
        value_parser = clap::value_parser!(u64).range(100..=3_600_000),
        global = true
    )]
    pub statement_limit_ms: u64,
    /// The same for heavy reads (status figures, named lists, exports, pooled head-counts).
    #[arg(
        long,
        env = "DEVPLAN_HEAVY_STATEMENT_LIMIT_MS",
        default_value_t = 30_000,
        value_parser = clap::value_parser!(u64).range(100..=3_600_000),
        global = true
    )]
    pub heavy_statement_limit_ms: u64,
    /// The same for bulk writes (HR's syncs, erasure) and the background rounds.
    #[arg(
        long,
        env = "DEVPLAN_BULK_STATEMENT_LIMIT_MS",
        default_value_t = 120_000,
        value_parser = clap::value_parser!(u64).range(100..=3_600_000),
        global = true
    )]
    pub bulk_statement_limit_ms: u64,
    /// How long an ordinary request waits for a free database connection before it answers
    /// 503 `busy`, in milliseconds (PostgreSQL). Keep it short: a request whose client has
    /// gone is not cancelled, so a long wait lets abandoned requests run long after.
    #[arg(
        long,
        env = "DEVPLAN_DB_ACQUIRE_TIMEOUT_MS",
        default_value_t = 800,
        value_parser = clap::value_parser!(u64).range(10..=60_000),
        global = true
    )]
    pub db_acquire_timeout_ms: u64,
    /// How many expensive requests (status figures) run at once; more wait their turn.
    #[arg(
        long,
        env = "DEVPLAN_HEAVY_CONCURRENCY",
        default_value_t = 2,
        global = true
    )]
    pub heavy_concurrency: usize,
    /// How many expensive requests may wait; past that they get 503 with `Retry-After`.
    #[arg(
        long,
        env = "DEVPLAN_HEAVY_QUEUE",
        default_value_t = 256,
        global = true
    )]
    pub heavy_queue: usize,
    /// Largest request body, in bytes (bulk syncs of tens of thousands of rows fit in the default).
    #[arg(long, env = "DEVPLAN_BODY_LIMIT", default_value_t = 16 * 1024 * 1024, global = true)]
    pub body_limit: usize,
    /// How long an `Idempotency-Key` and its first response are kept, in hours.
    #[arg(
        long,
        env = "DEVPLAN_IDEMPOTENCY_TTL_HOURS",
        default_value_t = 24,
        global = true
    )]
    pub idempotency_ttl_hours: u32,
    /// How long the change feed keeps an event, in days; a cursor older than that answers 410.
    #[arg(
        long,
        env = "DEVPLAN_EVENT_RETENTION_DAYS",
        default_value_t = 90,
        value_parser = clap::value_parser!(u32).range(1..=3650),
        global = true
    )]
    pub event_retention_days: u32,
    /// How long audit log entries are kept, in days (default 5 years); the database refuses
    /// to delete younger ones.
    #[arg(
        long,
        env = "DEVPLAN_AUDIT_RETENTION_DAYS",
        default_value_t = 1826,
        value_parser = clap::value_parser!(u32).range(1..=36500),
        global = true
    )]
    pub audit_retention_days: u32,
    /// How long after leaving an employee is erased, in days (default 5 years): their name,
    /// e-mail, external id and plans' personal content.
    #[arg(
        long,
        env = "DEVPLAN_RETENTION_AFTER_LEAVING_DAYS",
        default_value_t = 1826,
        value_parser = clap::value_parser!(u32).range(1..=36500),
        global = true
    )]
    pub retention_after_leaving_days: u32,
    /// How often each instance looks for reminders to raise, in seconds (each is raised once,
    /// whichever instance finds it first); 0: this instance raises none.
    #[arg(
        long,
        env = "DEVPLAN_REMINDER_ROUND_SECONDS",
        default_value_t = 300,
        value_parser = clap::value_parser!(u32).range(0..=86_400),
        global = true
    )]
    pub reminder_round_seconds: u32,
    /// Days before an annual follow-up falls due that its manager is reminded.
    #[arg(
        long,
        env = "DEVPLAN_REMINDER_ANNUAL_DAYS",
        default_value_t = 14,
        value_parser = clap::value_parser!(u32).range(0..=365),
        global = true
    )]
    pub reminder_annual_days: u32,
    /// Days a plan waits for a party's signature before they are reminded.
    #[arg(
        long,
        env = "DEVPLAN_REMINDER_SIGNATURE_DAYS",
        default_value_t = 7,
        value_parser = clap::value_parser!(u32).range(0..=365),
        global = true
    )]
    pub reminder_signature_days: u32,
    /// Days before a scheduled interview that a participant who has not prepared is reminded.
    #[arg(
        long,
        env = "DEVPLAN_REMINDER_INTERVIEW_DAYS",
        default_value_t = 3,
        value_parser = clap::value_parser!(u32).range(0..=60),
        global = true
    )]
    pub reminder_interview_days: u32,
    /// Days before the year's end that a unit with a representative and no status review
    /// that year is reminded of (61: from 31 October).
    #[arg(
        long,
        env = "DEVPLAN_REMINDER_REVIEW_DAYS_BEFORE_YEAR_END",
        default_value_t = 61,
        value_parser = clap::value_parser!(u32).range(0..=364),
        global = true
    )]
    pub reminder_review_days_before_year_end: u32,
    /// The hosts webhook endpoints may point at, comma-separated (`hr.example.dk`, or
    /// `.example.dk` for every host under it); unset: any `https://` host.
    #[arg(
        long,
        env = "DEVPLAN_WEBHOOK_HOSTS",
        value_delimiter = ',',
        global = true
    )]
    pub webhook_hosts: Vec<String>,
}

impl Config {
    /// Every setting at its default, or as the environment sets it: for tests and tools that
    /// build the service in process and override only what they need.
    pub fn from_environment() -> Result<Self, clap::Error> {
        Cli::try_parse_from(["devplan", "serve"]).map(|cli| cli.settings)
    }
}
