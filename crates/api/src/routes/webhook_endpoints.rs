//! `/webhook-endpoints`: HR registers where events are pushed, by the Standard Webhooks
//! specification (see `crate::webhooks`), and reads every delivery and attempt.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, patch, post, web};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use devplan_domain::FieldCode;
use devplan_domain::webhook::EndpointUrl;
use devplan_domain::{Violation, Violations, WebhookEndpointId};
use devplan_persistence::{EndpointSettings, StoredDelivery, WebhookEndpoint, is_event_selector};
use rand::Rng;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::http::{
    ApiResult, IfMatch, ListResponse, ValidJson, page_request, patch_field, versioned,
};
use crate::policy::Hr;
use crate::state::AppState;

/// How long the secret before a rotation keeps signing beside the new one.
const ROTATION_OVERLAP_HOURS: i64 = 24;

/// An endpoint.
#[derive(Debug, Serialize, ToSchema)]
pub struct EndpointOut {
    /// Its id.
    pub id: Uuid,
    /// Where deliveries go.
    pub url: String,
    /// What it is for.
    pub description: Option<String>,
    /// The event types it gets (`plan.agreed`, or `plan.*` for a resource); empty: all.
    pub event_types: Vec<String>,
    /// Whether deliveries are made; a disabled endpoint's events wait for it.
    pub enabled: bool,
    /// Until when the secret before the last rotation also signs.
    pub previous_secret_until: Option<DateTime<Utc>>,
    /// Version, also sent as `ETag`.
    pub version: i64,
    /// When registered.
    pub created_at: DateTime<Utc>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<WebhookEndpoint> for EndpointOut {
    fn from(e: WebhookEndpoint) -> Self {
        Self {
            id: e.id,
            url: e.url,
            description: e.description,
            event_types: e.event_types,
            enabled: e.enabled,
            previous_secret_until: e.previous_secret_until,
            version: e.version,
            created_at: e.created_at,
            updated_at: e.updated_at,
        }
    }
}

/// An endpoint with its signing secret, shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct EndpointWithSecret {
    /// The endpoint.
    pub endpoint: EndpointOut,
    /// `whsec_` and the base64 of 32 random bytes: the key of the HMAC-SHA256 signatures.
    /// Shown only now; rotate it to get a new one.
    pub secret: String,
}

/// An endpoint to register.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"url": "https://hr.example.dk/hooks/devplan", "description": "HR-system", "event_types": ["employee.*", "plan.agreed"]}))]
// Published under its first name, which generated clients know it by.
#[schema(as = EndpointCreate)]
pub struct EndpointIn {
    /// `https://…` (or `http://` to this machine).
    #[schema(max_length = 2048)]
    pub url: String,
    /// What it is for (up to 200 characters).
    #[schema(max_length = 200)]
    pub description: Option<String>,
    /// The event types it gets; absent or empty: all.
    #[serde(default)]
    pub event_types: Vec<String>,
    /// Whether deliveries are made (default true).
    pub enabled: Option<bool>,
}

/// Changes to an endpoint: absent fields stay.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndpointPatch {
    /// New URL.
    #[schema(max_length = 2048)]
    pub url: Option<String>,
    /// New description, or null to clear.
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<String>, max_length = 200)]
    pub description: Option<Option<String>>,
    /// New event types (empty: all).
    pub event_types: Option<Vec<String>>,
    /// Enable or disable.
    pub enabled: Option<bool>,
}

fn settings(
    allowed_hosts: &[String],
    url: &str,
    description: Option<String>,
    event_types: Vec<String>,
    enabled: bool,
) -> Result<EndpointSettings, Violations> {
    let mut v = Violations::new();
    let url = match v.check(EndpointUrl::parse("url", url)) {
        Some(u) if !u.allowed_by(allowed_hosts) => {
            v.push(Violation::new(
                "url",
                FieldCode::HostNotAllowed,
                format!(
                    "{} is not among the hosts webhooks may go to (DEVPLAN_WEBHOOK_HOSTS)",
                    u.host()
                ),
            ));
            None
        }
        other => other,
    };
    if description
        .as_ref()
        .is_some_and(|d| d.chars().count() > 200)
    {
        v.push(Violation::new(
            "description",
            FieldCode::TooLong,
            "at most 200 characters",
        ));
    }
    for (i, t) in event_types.iter().enumerate() {
        if !is_event_selector(t) {
            v.push(Violation::new(
                format!("event_types[{i}]"),
                FieldCode::UnknownEventType,
                format!("{t} is not an event type or a resource's `.*`"),
            ));
        }
    }
    let mut event_types = event_types;
    event_types.sort();
    event_types.dedup();
    v.finish(|| {
        Some(EndpointSettings {
            url: url?,
            description: description.filter(|d| !d.trim().is_empty()),
            event_types,
            enabled,
        })
    })
}

fn new_secret() -> String {
    format!(
        "whsec_{}",
        STANDARD.encode(rand::rng().random::<[u8; 32]>())
    )
}

fn with_secret(status: StatusCode, endpoint: WebhookEndpoint, secret: String) -> HttpResponse {
    let version = endpoint.version;
    versioned(
        status,
        version,
        &EndpointWithSecret {
            endpoint: endpoint.into(),
            secret,
        },
    )
}

/// Registers an endpoint.
#[utoipa::path(
    tag = "events",
    operation_id = "create_webhook_endpoint",
    summary = "Register a webhook endpoint (HR); its secret is shown once",
    description = "Every event from now on of the types asked for is POSTed to the URL by the Standard Webhooks specification: the body `{\"type\", \"timestamp\", \"data\"}` (`data` as an item of `GET /events`), the headers `webhook-id` (the event's id, the same on every retry), `webhook-timestamp` and `webhook-signature` (`v1,` and the base64 HMAC-SHA256 of `<webhook-id>.<webhook-timestamp>.<body>` keyed with the secret's bytes after `whsec_`). A 2xx answer within 10 s delivers it; otherwise it is tried again after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h, then given up.",
    request_body = EndpointIn,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Registered", body = EndpointWithSecret, headers(("ETag" = String, description = "The endpoint's version"))),
        crate::openapi::CreateErrors
    )
)]
#[post("/webhook-endpoints")]
pub async fn create(
    state: web::Data<AppState>,
    _hr: Hr,
    body: ValidJson<EndpointIn>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    let settings = settings(
        &state.webhook_hosts,
        &b.url,
        b.description,
        b.event_types,
        b.enabled.unwrap_or(true),
    )?;
    let secret = new_secret();
    let endpoint = state
        .store
        .create_webhook_endpoint(settings, &secret)
        .await?;
    Ok(with_secret(StatusCode::CREATED, endpoint, secret))
}

/// Every endpoint.
#[utoipa::path(
    tag = "events",
    operation_id = "list_webhook_endpoints",
    summary = "List the webhook endpoints (HR), oldest first, without their secrets",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every endpoint (a handful: never paged)", body = ListResponse<EndpointOut>),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden)
    )
)]
#[get("/webhook-endpoints")]
pub async fn list(state: web::Data<AppState>, _hr: Hr) -> ApiResult<HttpResponse> {
    let items = state.store.list_webhook_endpoints().await?;
    Ok(HttpResponse::Ok().json(ListResponse::new(
        items.into_iter().map(EndpointOut::from).collect(),
        None,
    )))
}

/// One endpoint.
#[utoipa::path(
    tag = "events",
    operation_id = "get_webhook_endpoint",
    summary = "Read a webhook endpoint (HR), without its secret",
    params(("id" = Uuid, Path, description = "The endpoint's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The endpoint", body = EndpointOut, headers(("ETag" = String, description = "The endpoint's version"))),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound)
    )
)]
#[get("/webhook-endpoints/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    _hr: Hr,
    id: web::Path<WebhookEndpointId>,
) -> ApiResult<HttpResponse> {
    let e = state.store.get_webhook_endpoint(id.uuid()).await?;
    Ok(versioned(StatusCode::OK, e.version, &EndpointOut::from(e)))
}

/// Changes an endpoint.
#[utoipa::path(
    tag = "events",
    operation_id = "update_webhook_endpoint",
    summary = "Change a webhook endpoint (HR): URL, description, event types, enabled",
    description = "A disabled endpoint's events wait for it: enabled again, it gets every event it missed, in order.",
    params(
        ("id" = Uuid, Path, description = "The endpoint's id"),
        crate::http::IfMatchEtag
    ),
    request_body = EndpointPatch,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Changed", body = EndpointOut, headers(("ETag" = String, description = "The endpoint's version"))),
        crate::openapi::UpdateErrors
    )
)]
#[patch("/webhook-endpoints/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    _hr: Hr,
    id: web::Path<WebhookEndpointId>,
    if_match: IfMatch,
    body: ValidJson<EndpointPatch>,
) -> ApiResult<HttpResponse> {
    let current = state.store.get_webhook_endpoint(id.uuid()).await?;
    let p = body.0;
    let settings = settings(
        &state.webhook_hosts,
        p.url.as_deref().unwrap_or(&current.url),
        p.description.unwrap_or(current.description),
        p.event_types.unwrap_or(current.event_types),
        p.enabled.unwrap_or(current.enabled),
    )?;
    let e = state
        .store
        .update_webhook_endpoint(id.uuid(), if_match.0, settings)
        .await?;
    Ok(versioned(StatusCode::OK, e.version, &EndpointOut::from(e)))
}

/// Rotates the secret.
#[utoipa::path(
    tag = "events",
    operation_id = "rotate_webhook_secret",
    summary = "Give a webhook endpoint a new secret (HR); the old one signs too for 24 hours",
    description = "For 24 hours each delivery carries two signatures, `v1,<with new> v1,<with old>`, so the receiver can switch to the new secret at its own pace.",
    params(("id" = Uuid, Path, description = "The endpoint's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The endpoint and its new secret, shown this once", body = EndpointWithSecret),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound)
    )
)]
#[post("/webhook-endpoints/{id}/rotate-secret")]
pub async fn rotate(
    state: web::Data<AppState>,
    _hr: Hr,
    id: web::Path<WebhookEndpointId>,
) -> ApiResult<HttpResponse> {
    let secret = new_secret();
    let e = state
        .store
        .rotate_webhook_secret(
            id.uuid(),
            &secret,
            chrono::Duration::hours(ROTATION_OVERLAP_HOURS),
        )
        .await?;
    Ok(with_secret(StatusCode::OK, e, secret))
}

/// One attempt.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttemptOut {
    /// 1, 2, …
    pub attempt: i32,
    /// When.
    pub at: DateTime<Utc>,
    /// The receiver's status, if it answered.
    pub status: Option<i32>,
    /// Why it failed without a status (refused, timed out).
    pub error: Option<String>,
    /// How long it took.
    pub duration_ms: i32,
}

/// One event's delivery to the endpoint.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryOut {
    /// Its id.
    pub id: Uuid,
    /// The event's id: `webhook-id`.
    pub event_id: Uuid,
    /// The event's type.
    pub event_type: String,
    /// `pending`, `delivered` or `failed` (every attempt of the schedule failed).
    pub state: String,
    /// When the next attempt is due, while pending.
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// When the receiver took it.
    pub delivered_at: Option<DateTime<Utc>>,
    /// When it was queued.
    pub created_at: DateTime<Utc>,
    /// Every attempt, oldest first.
    pub attempts: Vec<AttemptOut>,
}

fn delivery_out(d: StoredDelivery) -> DeliveryOut {
    DeliveryOut {
        id: d.id,
        event_id: d.event_id,
        event_type: d.event_type,
        state: d.state.as_str().to_owned(),
        next_attempt_at: d.next_attempt_at,
        delivered_at: d.delivered_at,
        created_at: d.created_at,
        attempts: d
            .attempts
            .into_iter()
            .map(|a| AttemptOut {
                attempt: a.attempt,
                at: a.at,
                status: a.status,
                error: a.error,
                duration_ms: a.duration_ms,
            })
            .collect(),
    }
}

/// Which deliveries to read.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DeliveryQuery {
    /// Page size, 1–500 (default 50).
    pub limit: Option<u32>,
    /// From `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The endpoint's deliveries.
#[utoipa::path(
    tag = "events",
    operation_id = "list_webhook_deliveries",
    summary = "List a webhook endpoint's deliveries with every attempt (HR), oldest first",
    params(("id" = Uuid, Path, description = "The endpoint's id"), DeliveryQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of deliveries", body = ListResponse<DeliveryOut>),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound)
    )
)]
#[get("/webhook-endpoints/{id}/deliveries")]
pub async fn deliveries(
    state: web::Data<AppState>,
    _hr: Hr,
    id: web::Path<WebhookEndpointId>,
    query: web::Query<DeliveryQuery>,
) -> ApiResult<HttpResponse> {
    let page = page_request(query.limit, query.cursor.as_deref())?;
    state.store.get_webhook_endpoint(id.uuid()).await?;
    let page = state.store.list_webhook_deliveries(id.uuid(), page).await?;
    Ok(HttpResponse::Ok().json(ListResponse::from_page(page, delivery_out)))
}
