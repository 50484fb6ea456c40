//! `Idempotency-Key` on every `POST`: a client that did not hear the answer sends the request
//! again with the same key and gets the first response (status, headers, body) instead of a
//! second plan, follow-up or sync. The same key with another body is 422
//! `idempotency_key_reused`; while the first request is still being served, 409 with
//! `Retry-After`. Keys live in the database, so every instance answers the same, and expire
//! after `DEVPLAN_IDEMPOTENCY_TTL_HOURS`.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpResponse, web};
use devplan_domain::{FieldCode, ProblemCode};
use devplan_persistence::{KeptResponse, KeyClaim};
use futures_util::StreamExt;
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::http::BodyLimit;
use crate::state::AppState;

/// The request header.
pub const HEADER: &str = "idempotency-key";

/// Set on a response that replays the first one.
const REPLAYED: &str = "idempotent-replayed";

/// The headers a replay repeats.
const KEPT_HEADERS: [header::HeaderName; 3] =
    [header::CONTENT_TYPE, header::ETAG, header::LOCATION];

/// Whether a key is one a client may send: 1 to 255 visible ASCII characters.
fn well_formed(key: &str) -> bool {
    (1..=255).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic())
}

/// Serves a `POST` with an `Idempotency-Key` once per caller and key; anything else passes.
pub async fn idempotent(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let key = match req.headers().get(HEADER) {
        Some(value) if req.method() == Method::POST => value.to_str().unwrap_or("").to_owned(),
        _ => return Ok(next.call(req).await?.map_into_boxed_body()),
    };
    if !well_formed(&key) {
        return Ok(req.error_response(ApiError::bad_request(
            ProblemCode::InvalidIdempotencyKey,
            "Idempotency-Key must be 1 to 255 visible ASCII characters",
        )));
    }
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    // Keys belong to the caller. Without a valid token the handler answers 401 as usual; the
    // verified token is kept on the request, so the handler's extractor does not verify it again.
    let subject = crate::policy::verified_claims(req.request(), &state)
        .await
        .ok()
        .map(|claims| claims.sub);
    let Some(subject) = subject else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let limit = req
        .app_data::<web::Data<BodyLimit>>()
        .map_or(usize::MAX, |l| l.0);
    let mut payload = req.take_payload();
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk?;
        if body.len() + chunk.len() > limit {
            return Ok(req.error_response(ApiError::PayloadTooLarge { limit }));
        }
        body.extend_from_slice(&chunk);
    }
    let body = body.freeze();
    let mut hasher = Sha256::new();
    hasher.update(req.path().as_bytes());
    hasher.update(b"?");
    hasher.update(req.query_string().as_bytes());
    hasher.update(b"\n");
    hasher.update(&body);
    let hash: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    req.set_payload(Payload::from(body));
    let claim = state
        .store
        .claim_idempotency_key(&subject, &key, &hash, state.idempotency_ttl)
        .await;
    match claim {
        Err(e) => Ok(req.error_response(ApiError::from(e))),
        Ok(KeyClaim::Reused) => {
            Ok(
                req.error_response(ApiError::Validation(vec![devplan_domain::Violation::new(
                    "Idempotency-Key",
                    FieldCode::IdempotencyKeyReused,
                    "this key was sent with another request; use a new key for a new request",
                )])),
            )
        }
        Ok(KeyClaim::InProgress) => Ok(req.error_response(ApiError::Conflict {
            code: ProblemCode::IdempotencyKeyInProgress,
            detail: "a request with this key is still being served; retry shortly".into(),
        })),
        Ok(KeyClaim::Replay(kept)) => {
            let (request, _) = req.into_parts();
            Ok(ServiceResponse::new(request, replay(&kept)))
        }
        Ok(KeyClaim::Fresh) => {
            let res = next.call(req).await;
            let res = match res {
                Ok(res) => res,
                Err(e) => {
                    let _ = state.store.release_idempotency_key(&subject, &key).await;
                    return Err(e);
                }
            };
            let (request, response) = res.into_parts();
            let status = response.status();
            let headers: Vec<(String, String)> = KEPT_HEADERS
                .iter()
                .filter_map(|name| {
                    let value = response.headers().get(name)?.to_str().ok()?;
                    Some((name.as_str().to_owned(), value.to_owned()))
                })
                .collect();
            let bytes = match actix_web::body::to_bytes(response.into_body()).await {
                Ok(bytes) => bytes,
                Err(_) => {
                    let _ = state.store.release_idempotency_key(&subject, &key).await;
                    let failed = ApiError::Internal("the response body could not be read".into());
                    let response = actix_web::ResponseError::error_response(&failed);
                    return Ok(ServiceResponse::new(request, response));
                }
            };
            let kept = KeptResponse {
                status: status.as_u16(),
                headers,
                body: String::from_utf8_lossy(&bytes).into_owned(),
            };
            // A failure on our side is not the request's answer: a retry must do the work.
            let stored = if status.is_server_error() {
                state.store.release_idempotency_key(&subject, &key).await
            } else {
                state
                    .store
                    .keep_idempotent_response(&subject, &key, &kept)
                    .await
            };
            if let Err(e) = stored {
                log::error!("idempotency key {key} of {subject}: {e}");
            }
            let mut fresh = replay(&kept);
            fresh.headers_mut().remove(REPLAYED);
            Ok(ServiceResponse::new(request, fresh))
        }
    }
}

/// The kept response, as sent the first time, marked as a replay.
fn replay(kept: &KeptResponse) -> HttpResponse {
    let status = StatusCode::from_u16(kept.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = HttpResponse::build(status);
    for (name, value) in &kept.headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::try_from(name.as_str()),
            HeaderValue::from_str(value),
        ) {
            response.insert_header((name, value));
        }
    }
    response.insert_header((REPLAYED, "true"));
    response.body(kept.body.clone())
}
