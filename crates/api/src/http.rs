//! Request and response machinery every endpoint shares: validated JSON bodies, `If-Match`
//! and `ETag`, cursor pagination, the request id, and problem+json for extractor failures.

use devplan_domain::{FieldCode, ProblemCode};
use std::future::Future;
use std::pin::Pin;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, web};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use devplan_persistence::{Page, PageRequest};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::contract::{Contract, UniqueKeys};
use crate::error::ApiError;

/// The largest body accepted, in bytes; set once from configuration.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit(pub usize);

/// A JSON body checked against its operation's published schema (every problem of the body
/// in one 422), then deserialised: 400 when it is not JSON at all, 422 for repeated keys and
/// for anything the schema or the type refuses, 413 when too large, 415 when not JSON.
#[derive(Debug)]
pub struct ValidJson<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for ValidJson<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = req
            .app_data::<web::Data<BodyLimit>>()
            .map_or(1 << 20, |l| l.0);
        let contract = req.app_data::<web::Data<Contract>>().cloned();
        let operation = (
            req.method().as_str().to_owned(),
            req.match_pattern().unwrap_or_default(),
        );
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|v| {
                let v = v.trim().to_ascii_lowercase();
                v == "application/json" || (v.starts_with("application/") && v.ends_with("+json"))
            })
            .unwrap_or(false);
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let mut payload = payload.take();
        Box::pin(async move {
            if declared.is_some_and(|n| n > limit) {
                return Err(ApiError::PayloadTooLarge { limit });
            }
            if !is_json {
                return Err(ApiError::UnsupportedMediaType);
            }
            // Sized once from the declared length: grown by doubling, a 16 MiB sync body held
            // up to 48 MiB while the last copy was made.
            let mut body = web::BytesMut::with_capacity(declared.unwrap_or(0).min(limit));
            while let Some(chunk) = payload.next().await {
                let chunk = chunk.map_err(|e| {
                    ApiError::bad_request(ProblemCode::UnreadableBody, e.to_string())
                })?;
                if body.len() + chunk.len() > limit {
                    return Err(ApiError::PayloadTooLarge { limit });
                }
                body.extend_from_slice(&chunk);
            }
            // A sync's rows are checked one at a time and the payload is read straight into
            // its rows: as one JSON tree, 50,000 rows took ten times the text's memory.
            if let Some(problems) = contract
                .as_ref()
                .and_then(|c| c.check_rows(&operation.0, &operation.1, &body))
            {
                if !problems.is_empty() {
                    return Err(ApiError::Validation(problems));
                }
                let mut de = serde_json::Deserializer::from_slice(&body);
                return serde_path_to_error::deserialize(&mut de)
                    .map(ValidJson)
                    .map_err(invalid_value);
            }
            let value = parse_unique_keys(&body)?;
            drop(body);
            if let Some(contract) = contract {
                let problems = contract.check(&operation.0, &operation.1, &value);
                if !problems.is_empty() {
                    return Err(ApiError::Validation(problems));
                }
            }
            serde_path_to_error::deserialize(value)
                .map(ValidJson)
                .map_err(invalid_value)
        })
    }
}

/// A value the schema allowed but the type refused, named by its path.
fn invalid_value<E: std::fmt::Display>(e: serde_path_to_error::Error<E>) -> ApiError {
    let field = e.path().to_string();
    let field = if field == "." { String::new() } else { field };
    ApiError::Validation(vec![devplan_domain::Violation::new(
        field,
        FieldCode::InvalidValue,
        e.into_inner().to_string(),
    )])
}

/// Parses a body as JSON, refusing repeated keys (422, naming where) and anything that is not
/// JSON (400).
fn parse_unique_keys(body: &[u8]) -> Result<serde_json::Value, ApiError> {
    let malformed =
        |e: serde_json::Error| ApiError::MalformedJson(format!("the body is not valid JSON: {e}"));
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize::<_, UniqueKeys>(&mut de).map_err(|e| {
        let field = e.path().to_string();
        let inner = e.into_inner();
        if inner.classify() == serde_json::error::Category::Data {
            let field = if field == "." { String::new() } else { field };
            ApiError::Validation(vec![devplan_domain::Violation::new(
                field,
                FieldCode::DuplicateKey,
                inner.to_string(),
            )])
        } else {
            malformed(inner)
        }
    })?;
    de.end().map_err(malformed)?;
    Ok(value.0)
}

/// What an `If-Match` that names no version of ours stands for: it matches nothing stored.
const NO_VERSION: i64 = 0;

/// The `If-Match` header as the document declares it, once for every operation that takes it.
fn if_match_parameter(description: &str) -> Vec<utoipa::openapi::path::Parameter> {
    use utoipa::openapi::Required;
    use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
    use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
    let schema =
        ObjectBuilder::new().schema_type(SchemaType::from_iter([Type::String, Type::Null]));
    vec![
        ParameterBuilder::new()
            .name("If-Match")
            .parameter_in(ParameterIn::Header)
            .description(Some(description))
            .required(Required::False)
            .schema(Some(schema))
            .build(),
    ]
}

/// `If-Match` on a versioned record: the `ETag` last read (for the document's `params`).
pub struct IfMatchEtag;

impl utoipa::IntoParams for IfMatchEtag {
    fn into_params(
        _: impl Fn() -> Option<utoipa::openapi::path::ParameterIn>,
    ) -> Vec<utoipa::openapi::path::Parameter> {
        if_match_parameter("The `ETag` last read; 412 when stale")
    }
}

/// `If-Match` on a plan: the revision last read (for the document's `params`).
pub struct IfMatchRevision;

impl utoipa::IntoParams for IfMatchRevision {
    fn into_params(
        _: impl Fn() -> Option<utoipa::openapi::path::ParameterIn>,
    ) -> Vec<utoipa::openapi::path::Parameter> {
        if_match_parameter("The revision last read; 412 when stale")
    }
}

/// The version named by `If-Match`, when the client sent one.
#[derive(Debug, Clone, Copy)]
pub struct IfMatch(pub Option<i64>);

impl FromRequest for IfMatch {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(parse_if_match(req.headers().get(header::IF_MATCH)))
    }
}

fn parse_if_match(value: Option<&HeaderValue>) -> Result<IfMatch, ApiError> {
    let Some(value) = value else {
        return Ok(IfMatch(None));
    };
    let raw = value.to_str().unwrap_or("").trim();
    if raw == "*" {
        return Ok(IfMatch(None));
    }
    // If-Match compares strongly (RFC 9110 §13.1.1): a weak tag, or one we never issued,
    // matches no version, so the write is refused with 412 and the stored version.
    let issued = raw
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .and_then(|t| t.parse::<i64>().ok())
        .filter(|v| *v >= 1);
    Ok(IfMatch(Some(issued.unwrap_or(NO_VERSION))))
}

/// The `ETag` of a record at `version`.
pub fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

/// A 200 (or `status`) JSON response carrying the record's `ETag`.
pub fn versioned<T: Serialize>(
    status: actix_web::http::StatusCode,
    version: i64,
    body: &T,
) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::ETAG, etag(version)))
        .json(body)
}

/// One page of a list; `next_cursor` is null on the last page.
#[derive(Debug, Serialize, ToSchema)]
pub struct ListResponse<T> {
    /// The items, in a stable order.
    pub items: Vec<T>,
    /// Pass as `cursor` to read the next page; null on the last page.
    pub next_cursor: Option<String>,
}

impl<T> ListResponse<T> {
    /// A page of `items` that continues after the id `next_after`, if any.
    pub fn new(items: Vec<T>, next_after: Option<Uuid>) -> Self {
        ListResponse {
            items,
            next_cursor: next_after.map(encode_cursor),
        }
    }

    /// Maps a stored page to a response page.
    pub fn from_page<U>(page: Page<U>, f: impl FnMut(U) -> T) -> Self {
        Self::new(page.items.into_iter().map(f).collect(), page.next_after)
    }
}

/// Default page size.
pub const DEFAULT_LIMIT: u32 = 50;
/// Largest page size.
pub const MAX_LIMIT: u32 = 500;

fn encode_cursor(after: Uuid) -> String {
    URL_SAFE_NO_PAD.encode(after.as_bytes())
}

/// The page size asked for by `limit` (`default` when absent), refused outside 1–[`MAX_LIMIT`].
pub fn page_size(limit: Option<u32>, default: u32) -> Result<u32, ApiError> {
    let limit = limit.unwrap_or(default);
    if (1..=MAX_LIMIT).contains(&limit) {
        Ok(limit)
    } else {
        Err(ApiError::bad_request(
            ProblemCode::InvalidLimit,
            format!("limit must be between 1 and {MAX_LIMIT}"),
        ))
    }
}

/// A numbered log's `after` cursor (the change feed, the audit log): a number at least 0.
pub fn seq_cursor(after: Option<&str>) -> Result<Option<i64>, ApiError> {
    after
        .map(|a| {
            a.parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| {
                ApiError::bad_request(
                    ProblemCode::InvalidCursor,
                    "after is not a cursor this API issued",
                )
            })
        })
        .transpose()
}

/// The page asked for by `limit` and `cursor`, refusing out-of-range limits and foreign cursors.
pub fn page_request(limit: Option<u32>, cursor: Option<&str>) -> Result<PageRequest, ApiError> {
    let limit = page_size(limit, DEFAULT_LIMIT)?;
    let after = cursor
        .map(|c| {
            URL_SAFE_NO_PAD
                .decode(c)
                .ok()
                .and_then(|b| Uuid::from_slice(&b).ok())
                .ok_or_else(|| {
                    ApiError::bad_request(
                        ProblemCode::InvalidCursor,
                        "cursor is not one this API issued",
                    )
                })
        })
        .transpose()?;
    Ok(PageRequest {
        after,
        limit: limit.into(),
    })
}

/// The request id header.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Gives every request an id (the client's, when sane, else a new UUID), echoes it on the
/// response and writes the access line, so one request can be followed across systems.
pub async fn request_id(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let id = req
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 128 && v.bytes().all(|b| b.is_ascii_graphic()))
        .map(str::to_owned)
        .unwrap_or_else(|| Uuid::now_v7().to_string());
    req.extensions_mut().insert(RequestId(id.clone()));
    let started = std::time::Instant::now();
    let peer = req.connection_info().peer_addr().unwrap_or("-").to_owned();
    let line = format!("{} {}", req.method(), req.path());
    // The changes this request makes are recorded with its id, and every line it logs,
    // the access line included, names it.
    let mut res = devplan_persistence::context::serving(id.clone(), async move {
        let res = next.call(req).await;
        // A refusal by an inner layer (the contract, say) arrives as an error that becomes its
        // response later: log the status it will answer with, not 500.
        let status = match &res {
            Ok(r) => r.status().as_u16(),
            Err(e) => e.as_response_error().status_code().as_u16(),
        };
        log::info!(
            target: "devplan::access",
            "{peer} \"{line}\" {status} {}ms",
            started.elapsed().as_millis()
        );
        res
    })
    .await?;
    if let Ok(value) = HeaderValue::from_str(&id) {
        res.headers_mut().insert(REQUEST_ID, value);
    }
    Ok(res)
}

/// The id of the request being served.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// Query strings that do not parse (unknown parameter, wrong type) answer 400 problem+json.
pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err, _| {
        ApiError::bad_request(ProblemCode::InvalidQuery, err.to_string()).into()
    })
}

/// Path segments that do not parse (a non-UUID id) answer 400 problem+json.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|err, _| {
        ApiError::bad_request(
            ProblemCode::InvalidPath,
            format!("a path segment is malformed: {err}"),
        )
        .into()
    })
}

/// Checks the query string and path segments of a request against its operation's documented
/// parameters before any extractor runs, naming every problem in one 400: the document and
/// the server agree on bounds, formats and which parameters exist.
pub async fn check_parameters(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if let (Some(contract), Some(template)) =
        (req.app_data::<web::Data<Contract>>(), req.match_pattern())
    {
        if let Some(allow) = contract.refusing(req.method().as_str(), req.path()) {
            return Err(ApiError::MethodNotAllowed { allow }.into());
        }
        let errors = contract.check_parameters(
            req.method().as_str(),
            &template,
            req.path(),
            req.query_string(),
        );
        if !errors.is_empty() {
            let in_path = |f: &str| template.contains(&format!("{{{f}}}"));
            let code = if errors.iter().all(|e| in_path(&e.field)) {
                ProblemCode::InvalidPath
            } else {
                ProblemCode::InvalidQuery
            };
            return Err(ApiError::InvalidParameters { code, errors }.into());
        }
    }
    next.call(req).await
}

/// A request the CORS policy refuses (a preflight from an origin, method or header not
/// allowed) answers problem+json like every other error, not actix-cors' plain text.
pub async fn cors_problem<B: MessageBody>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, actix_web::Error> {
    let res = next.call(req).await?;
    let refused = res
        .response()
        .error()
        .and_then(|e| e.as_error::<actix_cors::CorsError>())
        .map(ToString::to_string);
    Ok(match refused {
        Some(detail) => {
            let problem = ApiError::bad_request(ProblemCode::CorsRefused, detail);
            res.into_response(actix_web::ResponseError::error_response(&problem))
                .map_into_right_body()
        }
        None => res.map_into_left_body(),
    })
}

/// Anything that is no route answers 404 problem+json, or 405 with `Allow` for a known
/// resource asked with a method it does not answer.
pub async fn not_found(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let allow = req
        .app_data::<web::Data<Contract>>()
        .map(|c| c.methods_for(req.path()))
        .unwrap_or_default();
    if allow.is_empty() {
        Err(ApiError::NotFound)
    } else {
        Err(ApiError::MethodNotAllowed { allow })
    }
}

/// What a handler returns.
pub type ApiResult<T> = Result<T, ApiError>;

/// Deserialises a PATCH field that may be absent (`None`), null (`Some(None)`) or set.
pub fn patch_field<'de, T, D>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    T: serde::Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// The representation to answer with: the one of `offered` (most preferred first) that the
/// client's `Accept` header ranks highest; the first when the header is absent or unreadable;
/// 406 when it admits none of them.
pub fn negotiate(
    req: &HttpRequest,
    offered: &[&'static str],
) -> Result<&'static str, crate::error::ApiError> {
    use actix_web::http::header::{Accept, Header as _};
    let first = offered.first().copied().unwrap_or("application/json");
    if !req.headers().contains_key(header::ACCEPT) {
        return Ok(first);
    }
    let Ok(accept) = Accept::parse(req) else {
        return Ok(first);
    };
    let admitted = |range: &actix_web::mime::Mime, media: &str| -> bool {
        let Ok(media) = media.parse::<actix_web::mime::Mime>() else {
            return false;
        };
        (range.type_() == actix_web::mime::STAR || range.type_() == media.type_())
            && (range.subtype() == actix_web::mime::STAR || range.subtype() == media.subtype())
    };
    let mut items: Vec<_> = accept
        .0
        .iter()
        .filter(|q| q.quality > header::Quality::ZERO)
        .collect();
    // Highest quality first; among equals, the more specific range first, then header order.
    items.sort_by(|a, b| {
        b.quality.cmp(&a.quality).then_with(|| {
            let stars = |m: &actix_web::mime::Mime| {
                usize::from(m.type_() == actix_web::mime::STAR)
                    + usize::from(m.subtype() == actix_web::mime::STAR)
            };
            stars(&a.item).cmp(&stars(&b.item))
        })
    });
    for range in items {
        if let Some(media) = offered.iter().find(|o| admitted(&range.item, o)) {
            return Ok(media);
        }
    }
    Err(crate::error::ApiError::NotAcceptable {
        offered: offered.to_vec(),
    })
}
