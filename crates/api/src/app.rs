//! The application: the route table with its middleware, and the server.

use std::net::TcpListener;

use actix_cors::Cors;
use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web};
use utoipa::OpenApi;
use utoipa_actix_web::{AppExt, scope};
use utoipa_swagger_ui::{Config, SwaggerUi};

use crate::http::{self, BodyLimit};
use crate::openapi::BaseDoc;
use crate::routes;
pub use crate::state::AppState;

/// Options of the HTTP layer.
#[derive(Debug, Clone)]
pub struct HttpOptions {
    /// Origins allowed by CORS.
    pub cors_origins: Vec<String>,
    /// Largest request body in bytes.
    pub body_limit: usize,
}

/// The OpenAPI document of the routes this binary serves.
pub fn api_doc() -> utoipa::openapi::OpenApi {
    let (_, doc) = App::new()
        .into_utoipa_app()
        .openapi(BaseDoc::openapi())
        .service(routes::health::healthz)
        .service(routes::health::readyz)
        .service(scope::scope("/api/v1").configure(routes::configure))
        .split_for_parts();
    crate::openapi::with_bounds(doc)
}

fn cors(origins: &[String]) -> Cors {
    origins
        .iter()
        .fold(Cors::default(), |cors, origin| cors.allowed_origin(origin))
        .allowed_methods(["GET", "POST", "PUT", "PATCH", "DELETE"])
        .allowed_headers([
            "authorization",
            "content-type",
            "if-match",
            "idempotency-key",
            "x-request-id",
        ])
        .expose_headers([
            "etag",
            "x-request-id",
            "www-authenticate",
            "retry-after",
            "idempotent-replayed",
        ])
        .max_age(3600)
}

/// Where the OpenAPI document is served.
const OPENAPI_URL: &str = "/api/v1/openapi.json";

async fn openapi_json(doc: web::Data<utoipa::openapi::OpenApi>) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok().json(doc.get_ref())
}

/// A started service: the HTTP server (await it; it ends on SIGTERM or SIGINT after the
/// requests in flight) and the background work (stop it after the server).
pub struct Service {
    /// The HTTP server.
    pub server: Server,
    /// Webhook deliveries and pruning.
    pub background: crate::housekeeping::Background,
}

/// Starts serving on `listener`, and the background work, on the current runtime.
pub fn serve(
    state: AppState,
    options: HttpOptions,
    listener: TcpListener,
) -> std::io::Result<Service> {
    let state = web::Data::new(state);
    let doc = api_doc();
    let contract = web::Data::new(
        crate::contract::Contract::new(&doc)
            .map_err(|e| std::io::Error::other(format!("the OpenAPI document: {e}")))?,
    );
    let doc = web::Data::new(doc);
    let limit = web::Data::new(BodyLimit(options.body_limit));
    let metrics = web::Data::new(
        crate::metrics::Metrics::new()
            .map_err(|e| std::io::Error::other(format!("the metrics: {e}")))?,
    );
    let deliverer = crate::webhooks::Deliverer::new(
        metrics.webhook_outcomes.clone(),
        state.webhook_hosts.clone(),
    )
    .map_err(|e| std::io::Error::other(format!("the webhook client: {e}")))?;
    let background = crate::housekeeping::start(state.clone(), deliverer);
    let server = HttpServer::new(move || {
        let counted = metrics.requests.clone();
        let (app, _) = App::new()
            .into_utoipa_app()
            .map(|app| {
                app.wrap(from_fn(crate::idempotency::idempotent))
                    .wrap(from_fn(http::check_parameters))
                    .wrap(cors(&options.cors_origins))
                    .wrap(from_fn(http::cors_problem))
                    .wrap(from_fn(http::request_id))
                    .wrap(counted)
            })
            .app_data(state.clone())
            .app_data(limit.clone())
            .app_data(contract.clone())
            .app_data(http::query_config())
            .app_data(http::path_config())
            .service(routes::health::healthz)
            .service(routes::health::readyz)
            .app_data(metrics.clone())
            .route(crate::metrics::PATH, web::get().to(crate::metrics::scrape))
            // Before the /api/v1 scope, which would otherwise answer 404 for it.
            .app_data(doc.clone())
            .route(OPENAPI_URL, web::get().to(openapi_json))
            .service(scope::scope("/api/v1").configure(routes::configure))
            .split_for_parts();
        app.service(
            SwaggerUi::new("/docs/{_:.*}")
                // The online validator badge would call an external host.
                .config(Config::new([OPENAPI_URL]).validator_url("none")),
        )
        .route(
            "/docs",
            web::get().to(|| async {
                actix_web::HttpResponse::PermanentRedirect()
                    .insert_header((actix_web::http::header::LOCATION, "/docs/"))
                    .finish()
            }),
        )
        .default_service(web::to(http::not_found))
    })
    .listen(listener)?
    .run();
    Ok(Service { server, background })
}
