//! The `devplan` binary: serve, migrate, mint tokens, run the demo, print the OpenAPI document.

use std::net::TcpListener;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use devplan_api::app::{AppState, HttpOptions, api_doc, serve};
use devplan_api::auth::{ClaimRules, Jwks, Verifier};
use devplan_api::clock::SystemClock;
use devplan_api::config::{Cli, Command, Config};
use devplan_api::demo;

use devplan_persistence::{StatementLimits, Store, StoreOptions};

type Failure = Box<dyn std::error::Error>;

/// The verifier from configuration; `fallback_secret` is the demo's generated secret.
fn verifier(settings: &Config, fallback_secret: Option<&str>) -> Result<Verifier, Failure> {
    let public = settings
        .jwt_public_key
        .as_ref()
        .map(|path| {
            std::fs::read(path)
                .map_err(|e| format!("DEVPLAN_JWT_PUBLIC_KEY {}: {e}", path.display()))
        })
        .transpose()?;
    let secret = settings.jwt_secret.as_deref().or(fallback_secret);
    let jwks = settings
        .jwt_jwks_url
        .clone()
        .map(|url| {
            Jwks::new(
                url,
                std::time::Duration::from_secs(settings.jwt_jwks_min_refresh_seconds),
            )
        })
        .transpose()?;
    Ok(Verifier::new(
        secret.map(str::as_bytes),
        public.as_deref(),
        jwks,
        settings.jwt_issuer.clone(),
        settings.jwt_audience.clone(),
        settings.jwt_leeway,
    )?
    .with_rules(ClaimRules {
        subject_claim: settings.identity_claim.clone(),
        subject_match: settings.identity_match,
        hr: settings.hr_claim.clone(),
    }))
}

/// Opens the database and brings its schema up to date.
/// Opens the database for an operator's command, whose statements may run as long as they
/// need (a rebuild or erasure of a national data set).
async fn open_store(settings: &Config, url: &str) -> Result<Store, Failure> {
    open_store_with(settings, url, true, None).await
}

/// Opens the database to serve requests, their statements under the configured limits;
/// migrates it when `migrate`, else refuses a schema not up to date.
async fn open_store_migrating(
    settings: &Config,
    url: &str,
    migrate: bool,
) -> Result<Store, Failure> {
    let ms = std::time::Duration::from_millis;
    let limits = StatementLimits {
        ordinary: ms(settings.statement_limit_ms),
        heavy: ms(settings.heavy_statement_limit_ms),
        bulk: ms(settings.bulk_statement_limit_ms),
    };
    open_store_with(settings, url, migrate, Some(limits)).await
}

/// Opens the database; migrates it when `migrate`, else refuses a schema not up to date.
async fn open_store_with(
    settings: &Config,
    url: &str,
    migrate: bool,
    limits: Option<StatementLimits>,
) -> Result<Store, Failure> {
    let options = StoreOptions {
        pool_size: settings.db_pool_size,
        tls: settings.db_tls,
        limits,
        ordinary_wait: std::time::Duration::from_millis(settings.db_acquire_timeout_ms),
    };
    let store = Store::connect_with(url, options, std::sync::Arc::new(SystemClock))
        .await
        .map_err(|e| format!("cannot open the database at DATABASE_URL: {e}"))?;
    if !migrate {
        let pending = store.pending_migrations().await?;
        if !pending.is_empty() {
            return Err(format!(
                "the database schema is not up to date ({} missing: {}); run `devplan migrate` \
                 first, or set DEVPLAN_MIGRATE_ON_START=true",
                pending.len(),
                pending.join(", ")
            )
            .into());
        }
        return Ok(store);
    }
    store
        .migrate()
        .await
        .map_err(|e| format!("migrating the database failed: {e}"))?;
    Ok(store)
}

async fn run_server(settings: &Config, state: AppState) -> Result<(), Failure> {
    let listener = TcpListener::bind(settings.bind)
        .map_err(|e| format!("cannot listen on DEVPLAN_BIND={}: {e}", settings.bind))?;
    log::info!(
        "devplan listening on http://{} ({} database)",
        settings.bind,
        state.store.backend_name()
    );
    let options = HttpOptions {
        cors_origins: settings.cors_origins.clone(),
        body_limit: settings.body_limit,
    };
    let service = serve(state, options, listener)?;
    service.server.await?;
    // The server has finished its requests in flight; let the deliveries in flight finish.
    service.background.stop().await;
    log::info!("devplan stopped");
    Ok(())
}

async fn run(cli: Cli) -> Result<(), Failure> {
    let settings = cli.settings;
    match cli.command {
        Command::Serve => {
            let verifier = verifier(&settings, None)?;
            let store =
                open_store_migrating(&settings, &settings.database_url, settings.migrate_on_start)
                    .await?;
            let state = AppState::new(&settings, store, verifier, Arc::new(SystemClock));
            run_server(&settings, state).await
        }
        Command::Migrate => {
            open_store(&settings, &settings.database_url).await?;
            println!("the database schema is up to date");
            Ok(())
        }
        Command::Token(args) => {
            let token = verifier(&settings, None)?.mint(&args.sub, &args.roles, args.ttl)?;
            println!("{token}");
            Ok(())
        }
        Command::Demo(args) => {
            let secret = settings
                .jwt_secret
                .clone()
                .unwrap_or_else(demo::random_secret);
            let verifier = verifier(&settings, Some(&secret))?;
            let url = demo::prepare_file(&args.file)?;
            let store = open_store_migrating(&settings, &url, true).await?;
            let people = demo::seed(&store).await?;
            let generated = settings.jwt_secret.is_none().then_some(secret.as_str());
            demo::print_welcome(&settings, &verifier, &people, &args.file, generated)?;
            let mut state = AppState::new(&settings, store, verifier, Arc::new(SystemClock));
            state.service_subjects.insert(demo::HR_SUBJECT.to_owned());
            run_server(&settings, state).await
        }
        Command::Reproject => {
            let store = open_store(&settings, &settings.database_url).await?;
            let plans = store.rebuild_plan_facts().await?;
            let people = store.rebuild_status_projection().await?;
            println!(
                "rebuilt the reporting rows of {plans} plans and the status of {people} employees"
            );
            Ok(())
        }
        Command::Retention => {
            let store = open_store(&settings, &settings.database_url).await?;
            let before = devplan_api::clock::Clock::now(&SystemClock)
                - chrono::Duration::days(settings.retention_after_leaving_days.into());
            let erased = devplan_api::services::retention::erase_due(&store, before).await?;
            println!("erased {erased} employees who left before {before}");
            Ok(())
        }
        Command::Ready(args) => {
            let response = reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(5))
                .build()?
                .get(&args.url)
                .send()
                .await
                .map_err(|e| format!("{}: {e}", args.url))?;
            if response.status().is_success() {
                Ok(())
            } else {
                Err(format!("{}: {}", args.url, response.status()).into())
            }
        }
        Command::Openapi => {
            println!("{}", api_doc().to_pretty_json()?);
            Ok(())
        }
    }
}

/// jemalloc with two arenas (one per core) that hand freed pages back within a second: under
/// glibc's allocator, one arena per thread kept a large sync's peak resident, and 50,000
/// interviews peaked at 291 MB where this peaks at 217 MB.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// jemalloc reads its options from this symbol at its first allocation (`malloc_conf`, with
/// the crate's `_rjem_` prefix); `_RJEM_MALLOC_CONF` in the environment still overrides it.
#[unsafe(export_name = "_rjem_malloc_conf")]
static MALLOC_CONF: Option<&'static u8> =
    Some(&b"narenas:2,dirty_decay_ms:1000,muzzy_decay_ms:0\0"[0]);

#[actix_web::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    devplan_api::logging::init(cli.settings.log_format);
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("devplan: {e}");
            ExitCode::from(2)
        }
    }
}
