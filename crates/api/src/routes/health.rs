//! Liveness and readiness, for load balancers and orchestrators.

use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::state::AppState;

/// The process's or the database's state.
#[derive(Serialize, ToSchema)]
pub struct Health {
    /// `ok`.
    pub status: &'static str,
    /// The database backend, on `/readyz`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database: Option<&'static str>,
}

/// The process is up.
#[utoipa::path(
    tag = "operations",
    operation_id = "healthz",
    summary = "Liveness: the process is up",
    responses((status = 200, description = "The process is up", body = Health))
)]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health {
        status: "ok",
        database: None,
    })
}

/// The database answers.
#[utoipa::path(
    tag = "operations",
    operation_id = "readyz",
    summary = "Readiness: the database answers",
    responses(
        (status = 200, description = "Ready to serve", body = Health),
        (status = 503, response = crate::openapi::Unavailable)
    )
)]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    state.store.ping().await.map_err(|e| {
        log::warn!("readiness check failed: {e}");
        ApiError::Unavailable
    })?;
    Ok(HttpResponse::Ok().json(Health {
        status: "ok",
        database: Some(state.store.backend_name()),
    }))
}
