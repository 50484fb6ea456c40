//! The OpenAPI 3.1 document: the base (info, security, reusable error responses); the paths
//! and schemas are collected from the handlers by utoipa-actix-web.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToResponse};

use crate::error::Problem;

/// No bearer token, or one that fails verification.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    headers(("WWW-Authenticate" = String, description = "`Bearer` with the reason")),
    example = json!({"type": "urn:devplan:problem:unauthorized", "title": "Unauthorized", "status": 401, "detail": "the token has expired", "code": "unauthorized"})
)]
pub struct Unauthorized(pub Problem);

/// The token's roles do not allow this operation.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    example = json!({"type": "urn:devplan:problem:forbidden", "title": "Forbidden", "status": 403, "detail": "this operation needs one of the roles: hr", "code": "forbidden"})
)]
pub struct Forbidden(pub Problem);

/// No such resource, or it is out of the caller's reach.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    example = json!({"type": "urn:devplan:problem:not_found", "title": "Not Found", "status": 404, "detail": "not found", "code": "not_found"})
)]
pub struct NotFound(pub Problem);

/// Malformed JSON, query parameters or path segments.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    example = json!({"type": "urn:devplan:problem:invalid_query", "title": "Bad Request", "status": 400, "detail": "unknown field `colour`", "code": "invalid_query"})
)]
pub struct BadRequest(pub Problem);

/// Valid JSON with invalid content; `errors` names every offending field.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    example = json!({"type": "urn:devplan:problem:validation_failed", "title": "Unprocessable Content", "status": 422, "detail": "1 field is invalid", "code": "validation_failed", "errors": [{"field": "name", "code": "required", "message": "must not be empty"}]})
)]
pub struct Unprocessable(pub Problem);

/// The request conflicts with the stored state.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    example = json!({"type": "urn:devplan:problem:duplicate_external_id", "title": "Conflict", "status": 409, "detail": "external_id is already used by another record", "code": "duplicate_external_id"})
)]
pub struct Conflict(pub Problem);

/// The cursor points before the oldest event kept.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    example = json!({"type": "urn:devplan:problem:cursor_expired", "title": "Gone", "status": 410, "detail": "events after this cursor were pruned (they are kept for 90 days); read the current state again, then follow the feed from `after=1200`", "code": "cursor_expired"})
)]
pub struct Gone(pub Problem);

/// `If-Match` names a version that is no longer current.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    example = json!({"type": "urn:devplan:problem:version_mismatch", "title": "Precondition Failed", "status": 412, "detail": "the resource has changed: version 4 is current", "code": "version_mismatch", "current_version": 4})
)]
pub struct PreconditionFailed(pub Problem);

/// The body exceeds the configured limit.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    example = json!({"type": "urn:devplan:problem:payload_too_large", "title": "Payload Too Large", "status": 413, "detail": "the body exceeds 16777216 bytes", "code": "payload_too_large"})
)]
pub struct PayloadTooLarge(pub Problem);

/// The body is not sent as JSON.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    example = json!({"type": "urn:devplan:problem:unsupported_media_type", "title": "Unsupported Media Type", "status": 415, "detail": "send the body as application/json", "code": "unsupported_media_type"})
)]
pub struct UnsupportedMediaType(pub Problem);

/// The `Accept` header admits none of the resource's representations.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    example = json!({"type": "urn:devplan:problem:not_acceptable", "title": "Not Acceptable", "status": 406, "detail": "this resource answers as application/json or text/csv", "code": "not_acceptable"})
)]
pub struct NotAcceptable(pub Problem);

/// The database is not reachable.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    example = json!({"type": "urn:devplan:problem:unavailable", "title": "Service Unavailable", "status": 503, "detail": "the database is not reachable", "code": "unavailable"})
)]
pub struct Unavailable(pub Problem);

/// The service cannot do the work now: too many expensive requests are queued or no database
/// connection came free (`busy`), or the request's database work ran past its time limit and
/// was cancelled (`timeout`); retry after the seconds in `Retry-After`.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    headers(("Retry-After" = u32, description = "Seconds to wait before retrying")),
    example = json!({"type": "urn:devplan:problem:busy", "title": "Service Unavailable", "status": 503, "detail": "the service is busy; retry in 2 s", "code": "busy"})
)]
pub struct Busy(pub Problem);

/// Adds the bearer security scheme.
struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "A JWT (HS256, or RS256/ES256 from a fixed key or an identity provider's JWKS, chosen by `kid`) with `sub` (or the configured claim) naming the employee by id, external id or e-mail, `roles`, `exp`, `iss` and `aud` (a string or a list). HR is granted by configuration: integration clients named in DEVPLAN_SERVICE_SUBJECTS, or the claim DEVPLAN_HR_CLAIM.",
                    ))
                    .build(),
            ),
        );
    }
}

/// The base document the handlers' paths are added to.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "devplan",
        description = "The system of record for individual competence development plans in Danish municipalities (Protokollat 2). JSON over HTTP; errors are RFC 9457 problem+json with a stable `code`; lists use cursor pagination; mutable resources carry `version` and `ETag` and accept `If-Match`.",
        license(name = "EUPL-1.2", identifier = "EUPL-1.2")
    ),
    servers((url = "/", description = "This server")),
    components(schemas(Problem, crate::error::FieldError), responses(
        Unauthorized, Forbidden, NotFound, BadRequest, Unprocessable, Conflict,
        PreconditionFailed, PayloadTooLarge, UnsupportedMediaType, NotAcceptable, Unavailable,
        Busy, Gone
    )),
    modifiers(&BearerScheme),
    tags(
        (name = "operations", description = "Health and readiness"),
        (name = "me", description = "Who the caller is and what they reach"),
        (name = "organisation", description = "Units, employees, committees, agreement periods, settings"),
        (name = "plans", description = "Development plans: goals, action plan, open points, signatures, versions"),
        (name = "follow-ups", description = "Follow-ups, the work list, absences, development interviews and the calendar feed"),
        (name = "status", description = "Status figures for stock-taking, anonymised for representatives and committees"),
        (name = "committees", description = "The MED committees' discussions and yearly feedback"),
        (name = "catalogue", description = "Development offers: courses, education, other initiatives"),
        (name = "sync", description = "Bulk upserts from the HR system, keyed by external_id"),
        (name = "events", description = "The change feed: every change in commit order, for integrations that follow devplan")
    )
)]
pub struct BaseDoc;

/// A set of the reusable error responses above, named by status, for `responses(...)`.
macro_rules! error_set {
    ($(#[$doc:meta])* $name:ident: $($status:literal => $response:ident),+) => {
        $(#[$doc])*
        pub struct $name;

        impl utoipa::IntoResponses for $name {
            fn responses() -> std::collections::BTreeMap<
                String,
                utoipa::openapi::RefOr<utoipa::openapi::response::Response>,
            > {
                [$(($status, stringify!($response))),+]
                    .into_iter()
                    .map(|(status, name)| {
                        (status.to_owned(), utoipa::openapi::Ref::from_response_name(name).into())
                    })
                    .collect()
            }
        }
    };
}

error_set!(
    /// What creating a record can fail with.
    CreateErrors: "400" => BadRequest, "401" => Unauthorized, "403" => Forbidden,
    "409" => Conflict, "413" => PayloadTooLarge, "415" => UnsupportedMediaType,
    "422" => Unprocessable
);
error_set!(
    /// What changing a record can fail with.
    UpdateErrors: "400" => BadRequest, "401" => Unauthorized, "403" => Forbidden,
    "404" => NotFound, "409" => Conflict, "412" => PreconditionFailed,
    "413" => PayloadTooLarge, "415" => UnsupportedMediaType, "422" => Unprocessable
);
error_set!(
    /// What a bulk sync can fail with.
    SyncErrors: "400" => BadRequest, "401" => Unauthorized, "403" => Forbidden,
    "409" => Conflict, "413" => PayloadTooLarge, "415" => UnsupportedMediaType,
    "422" => Unprocessable
);

/// The bounds of the parameters every list and period shares, as the server enforces them.
fn bound_parameter(param: &mut serde_json::Map<String, serde_json::Value>) {
    use serde_json::json;
    let name = param
        .get("name")
        .and_then(|n| n.as_str())
        .unwrap_or_default()
        .to_owned();
    let Some(serde_json::Value::Object(schema)) = param.get_mut("schema") else {
        return;
    };
    let integer = schema.get("type").and_then(|t| t.as_str()) == Some("integer");
    let bounds = match name.as_str() {
        "limit" => json!({"minimum": 1, "maximum": crate::http::MAX_LIMIT}),
        "year" => json!({
            "minimum": crate::contract::YEARS.start(),
            "maximum": crate::contract::YEARS.end()
        }),
        "window_days" => {
            json!({"minimum": 0, "maximum": crate::services::work_list::MAX_WINDOW_DAYS})
        }
        // Cursors are the 16 bytes of an id in URL-safe base64; the last character carries
        // only 2 bits, so only A, Q, g and w can end one.
        "cursor" => json!({"pattern": "^[A-Za-z0-9_-]{21}[AQgw]$"}),
        // The change feed's `types`: event types or whole resources, comma-separated.
        "types" => json!({"pattern": event_types_pattern()}),
        "version" | "from" | "to" if integer => json!({"minimum": 1}),
        _ => return,
    };
    if let serde_json::Value::Object(bounds) = bounds {
        schema.extend(bounds);
    }
}

/// One event type or a resource's `<resource>.*`, as a regular expression without anchors.
pub fn event_selector() -> String {
    let mut resources: Vec<&str> = devplan_persistence::EVENT_TYPES
        .iter()
        .filter_map(|t| t.split('.').next())
        .collect();
    resources.dedup();
    let alternatives: Vec<String> = devplan_persistence::EVENT_TYPES
        .iter()
        .map(|t| t.replace('.', "\\."))
        .chain(resources.iter().map(|r| format!("{r}\\.\\*")))
        .collect();
    format!("(?:{})", alternatives.join("|"))
}

/// The change feed's `types`: one or more selectors, comma-separated.
pub fn event_types_pattern() -> String {
    let one = event_selector();
    format!("^{one}(?:,{one})*$")
}

/// One selector alone: an item of a webhook endpoint's `event_types`.
pub fn event_type_pattern() -> String {
    format!("^{}$", event_selector())
}

/// A webhook endpoint's URL, as `devplan_domain::webhook::EndpointUrl::parse` reads it.
pub const WEBHOOK_URL_PATTERN: &str = concat!(
    r"^https?://(?:\[[0-9A-Fa-f:.]+\]|[^@/?#:\[\]\x00-\x20\x7f-\x9f]+)",
    r"(?::[0-9]+)?(?:[/?#][^\x00-\x20\x7f-\x9f]*)?$"
);

/// The webhook endpoints' URL and event types, as the server checks them: an absolute
/// `http(s)://` URL with a host and no user name, and known event types.
fn webhook_settings(doc: &mut serde_json::Value) {
    // Every event's `type` is one of the known ones: generated clients get the list.
    if let Some(serde_json::Value::Object(t)) =
        doc.pointer_mut("/components/schemas/EventOut/properties/type")
    {
        t.insert("enum".into(), devplan_persistence::EVENT_TYPES.into());
    }
    for name in ["EndpointCreate", "EndpointPatch"] {
        let Some(props) = doc
            .pointer_mut(&format!("/components/schemas/{name}/properties"))
            .and_then(|p| p.as_object_mut())
        else {
            continue;
        };
        if let Some(serde_json::Value::Object(url)) = props.get_mut("url") {
            url.insert("pattern".into(), WEBHOOK_URL_PATTERN.into());
        }
        if let Some(items) = props
            .get_mut("event_types")
            .and_then(|t| t.get_mut("items"))
            .and_then(|i| i.as_object_mut())
        {
            items.insert("pattern".into(), event_type_pattern().into());
        }
    }
}

/// Points each `ListResponse_X` page at the schema `X` instead of a copy of it, so a
/// generated client gives list items the same type as a single item; and marks
/// `next_cursor` required (it is always sent, null on the last page).
fn refer_list_items(doc: &mut serde_json::Value) {
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(|s| s.as_object_mut())
    else {
        return;
    };
    let names: std::collections::BTreeSet<String> = schemas.keys().cloned().collect();
    for (name, schema) in schemas.iter_mut() {
        let Some(item) = name.strip_prefix("ListResponse_") else {
            continue;
        };
        if !names.contains(item) {
            continue;
        }
        if let Some(items) = schema.pointer_mut("/properties/items/items") {
            *items = serde_json::json!({ "$ref": format!("#/components/schemas/{item}") });
        }
        if let Some(required) = schema.get_mut("required").and_then(|r| r.as_array_mut())
            && !required.iter().any(|r| r == "next_cursor")
        {
            required.push("next_cursor".into());
        }
    }
}

/// Makes the object schema `name` require exactly one of `fields` (as `allOf` with a
/// `oneOf`, since an object schema here cannot carry a `oneOf` beside its properties).
fn one_of_required(doc: &mut utoipa::openapi::OpenApi, name: &str, fields: &[&str]) {
    use utoipa::openapi::schema::{AllOfBuilder, ObjectBuilder, OneOfBuilder};
    let Some(schema) = doc
        .components
        .as_mut()
        .and_then(|c| c.schemas.get_mut(name))
    else {
        return;
    };
    let properties = match schema {
        utoipa::openapi::RefOr::T(utoipa::openapi::Schema::Object(o)) => o.properties.clone(),
        _ => Default::default(),
    };
    // Each alternative repeats its field's schema, so generated clients type it (a bare
    // `required` reads to them as an empty object).
    let one_of = fields.iter().fold(OneOfBuilder::new(), |b, f| {
        let mut alternative = ObjectBuilder::new().required(*f);
        if let Some(p) = properties.get(*f) {
            alternative = alternative.property(*f, p.clone());
        }
        b.item(alternative)
    });
    let object = std::mem::replace(schema, ObjectBuilder::new().into());
    *schema = AllOfBuilder::new().item(object).item(one_of).into();
}

/// Every `POST` takes an optional `Idempotency-Key` (see `crate::idempotency`).
fn idempotency_key_on_posts(doc: &mut serde_json::Value) {
    use serde_json::json;
    let Some(paths) = doc.get_mut("paths").and_then(|p| p.as_object_mut()) else {
        return;
    };
    for item in paths.values_mut() {
        let Some(post) = item.get_mut("post").and_then(|p| p.as_object_mut()) else {
            continue;
        };
        // A key can be malformed, reused for another request, or still in use.
        if let Some(responses) = post.get_mut("responses").and_then(|r| r.as_object_mut()) {
            for (code, name) in [
                ("400", "BadRequest"),
                ("409", "Conflict"),
                ("422", "Unprocessable"),
            ] {
                responses
                    .entry(code)
                    .or_insert_with(|| json!({"$ref": format!("#/components/responses/{name}")}));
            }
        }
        let params = post.entry("parameters").or_insert_with(|| json!([]));
        if let Some(list) = params.as_array_mut() {
            list.push(json!({
                "name": "Idempotency-Key",
                "in": "header",
                "required": false,
                "description": "Sent again with the same key, the request gets its first response (status, headers, body) and does nothing twice; the same key with another request is 422 `idempotency_key_reused`, and while the first is still being served, 409 `idempotency_key_in_progress` with `Retry-After`. Keys are the caller's own and kept for 24 hours (`DEVPLAN_IDEMPOTENCY_TTL_HOURS`).",
                "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"}
            }));
        }
    }
}

/// Every operation that reaches the database may find it busy or run past its statement limit
/// (`crate::error::ApiError::Busy`, `TimedOut`): all but the liveness probe, which answers
/// without it, and those that already say what their 503 means.
fn busy_on_database_operations(doc: &mut serde_json::Value) {
    let Some(paths) = doc.get_mut("paths").and_then(|p| p.as_object_mut()) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        if path == "/healthz" {
            continue;
        }
        let Some(operations) = item.as_object_mut() else {
            continue;
        };
        for operation in operations.values_mut() {
            if let Some(responses) = operation
                .get_mut("responses")
                .and_then(|r| r.as_object_mut())
            {
                responses
                    .entry("503")
                    .or_insert_with(|| serde_json::json!({"$ref": "#/components/responses/Busy"}));
            }
        }
    }
}

/// Gives every `date` in the document (bodies, parameters, responses) the bounds the server
/// enforces (`YYYY-MM-DD` exactly, years 1900–2200), and the shared parameters theirs.
pub fn with_bounds(mut doc: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    fn walk(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(map) => {
                if map.get("in").and_then(|f| f.as_str()).is_some() && map.contains_key("schema") {
                    bound_parameter(map);
                }
                if map.get("format").and_then(|f| f.as_str()) == Some("date") {
                    map.insert("pattern".to_owned(), crate::contract::DATE_PATTERN.into());
                }
                map.values_mut().for_each(walk);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    one_of_required(&mut doc, "SignatureIn", &["revision", "content_hash"]);
    let Ok(mut value) = serde_json::to_value(&doc) else {
        return doc;
    };
    idempotency_key_on_posts(&mut value);
    busy_on_database_operations(&mut value);
    webhook_settings(&mut value);
    walk(&mut value);
    refer_list_items(&mut value);
    // Built once at start-up from our own types: a failure here is a bug in this function,
    // and falling back to the unbounded document would hide it.
    serde_json::from_value(value).expect("the bounded document is an OpenAPI document")
}

/// A value of any JSON type a plan's field can hold (a diff's old and new values): the kinds
/// spelled out, as an empty schema would not survive the document's round trip through its
/// typed form, and generated clients want a union they can name. Lists in a plan are of ids.
pub fn any_json() -> utoipa::openapi::schema::Schema {
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, OneOfBuilder, Type};
    let of = |t: Type| ObjectBuilder::new().schema_type(t);
    OneOfBuilder::new()
        .item(of(Type::String))
        .item(of(Type::Number))
        .item(of(Type::Boolean))
        .item(of(Type::Object))
        .item(ArrayBuilder::new().items(of(Type::String)))
        .item(of(Type::Null))
        .description(Some(
            "The field's value as written in the plan; null where absent",
        ))
        .build()
        .into()
}
