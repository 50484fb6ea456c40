//! The API's one error type and its single mapping to RFC 9457 problem+json.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, ResponseError};
use devplan_domain::{FieldCode, ProblemCode, Violation, Violations};
use devplan_persistence::StoreError;
use serde::Serialize;
use std::borrow::Cow;
use utoipa::ToSchema;
use utoipa::openapi::RefOr;
use utoipa::openapi::extensions::ExtensionsBuilder;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

/// Everything a request can fail with. Each variant has one status and one stable code.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// No usable bearer token.
    #[error("{0}")]
    Unauthorized(String),
    /// The token's roles do not include one this operation needs.
    #[error("{0}")]
    Forbidden(String),
    /// Absent, or out of the caller's reach: the two are indistinguishable on purpose.
    #[error("not found")]
    NotFound,
    /// The body is not JSON.
    #[error("{0}")]
    MalformedJson(String),
    /// A query parameter, path segment or header is malformed.
    #[error("{detail}")]
    BadRequest {
        /// Stable machine code.
        code: ProblemCode,
        /// For humans.
        detail: String,
    },
    /// Query parameters or path segments that break the documented parameters; each is listed.
    #[error("{} parameters are invalid", errors.len())]
    InvalidParameters {
        /// `invalid_query` or `invalid_path`.
        code: ProblemCode,
        /// Every offending parameter.
        errors: Vec<Violation>,
    },
    /// A known resource that does not answer this method.
    #[error("this resource answers {}", allow.join(", "))]
    MethodNotAllowed {
        /// The methods it answers.
        allow: Vec<String>,
    },
    /// Valid JSON whose content breaks the rules; every offending field is listed.
    #[error("validation failed")]
    Validation(Vec<Violation>),
    /// The request conflicts with the stored state.
    #[error("{detail}")]
    Conflict {
        /// Stable machine code.
        code: ProblemCode,
        /// For humans.
        detail: String,
    },
    /// `If-Match` names a version that is no longer current.
    #[error("the resource has changed: version {current} is current")]
    PreconditionFailed {
        /// The version now stored.
        current: i64,
    },
    /// The body exceeds the configured limit.
    #[error("the body exceeds {limit} bytes")]
    PayloadTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The body is not JSON by its content type.
    #[error("send the body as application/json")]
    UnsupportedMediaType,
    /// The `Accept` header admits none of the representations this resource has.
    #[error("this resource answers as {}", offered.join(" or "))]
    NotAcceptable {
        /// The media types it answers with.
        offered: Vec<&'static str>,
    },
    /// What the request points at existed once and was removed for good (a pruned cursor).
    #[error("{detail}")]
    Gone {
        /// Stable machine code.
        code: ProblemCode,
        /// For humans: what to do instead.
        detail: String,
    },
    /// The database is not reachable.
    #[error("the database is not reachable")]
    Unavailable,
    /// Too much work is queued; the client should retry after `retry_after` seconds.
    #[error("the service is busy; retry in {retry_after} s")]
    Busy {
        /// Seconds to wait before retrying.
        retry_after: u32,
    },
    /// The request's database work ran past its time limit and the database cancelled it.
    #[error(
        "the request's database work ran past its time limit and was cancelled; retry in \
         {retry_after} s, or ask for less (a smaller unit, a shorter period, a smaller page)"
    )]
    TimedOut {
        /// Seconds to wait before retrying.
        retry_after: u32,
    },
    /// Our fault; the cause is logged, never shown.
    #[error("internal error: {0}")]
    Internal(String),
}

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "urn:devplan:problem:validation_failed",
    "title": "Unprocessable Content",
    "status": 422,
    "detail": "1 field is invalid",
    "code": "validation_failed",
    "errors": [{"field": "name", "code": "required", "message": "must not be empty"}]
}))]
pub struct Problem {
    /// URI naming the problem kind: `urn:devplan:problem:<code>`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The HTTP status text.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong, for humans.
    pub detail: String,
    /// Stable machine code to match on: one of the values of `ProblemCode`.
    #[schema(value_type = ProblemCodeSchema)]
    pub code: ProblemCode,
    /// The offending fields, on 422 responses, and the offending parameters on 400 responses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldError>>,
    /// The version now stored, on 412 responses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_version: Option<i64>,
}

/// One offending field of a 422 response.
#[derive(Debug, Serialize, ToSchema)]
pub struct FieldError {
    /// Path of the field, e.g. `rows[3].unit_external_id`.
    pub field: String,
    /// Stable machine code of the rule broken: one of the values of `FieldCode`.
    #[schema(value_type = FieldCodeSchema)]
    pub code: FieldCode,
    /// For humans.
    pub message: String,
}

impl ApiError {
    /// The stable machine code; its row in the table gives the status.
    pub fn code(&self) -> ProblemCode {
        match self {
            ApiError::Unauthorized(_) => ProblemCode::Unauthorized,
            ApiError::Forbidden(_) => ProblemCode::Forbidden,
            ApiError::NotFound => ProblemCode::NotFound,
            ApiError::MalformedJson(_) => ProblemCode::MalformedJson,
            ApiError::BadRequest { code, .. }
            | ApiError::Conflict { code, .. }
            | ApiError::Gone { code, .. }
            | ApiError::InvalidParameters { code, .. } => *code,
            ApiError::MethodNotAllowed { .. } => ProblemCode::MethodNotAllowed,
            ApiError::Validation(_) => ProblemCode::ValidationFailed,
            ApiError::PreconditionFailed { .. } => ProblemCode::VersionMismatch,
            ApiError::PayloadTooLarge { .. } => ProblemCode::PayloadTooLarge,
            ApiError::UnsupportedMediaType => ProblemCode::UnsupportedMediaType,
            ApiError::NotAcceptable { .. } => ProblemCode::NotAcceptable,
            ApiError::Unavailable => ProblemCode::Unavailable,
            ApiError::Busy { .. } => ProblemCode::Busy,
            ApiError::TimedOut { .. } => ProblemCode::Timeout,
            ApiError::Internal(_) => ProblemCode::InternalError,
        }
    }

    /// `Retry-After` in seconds: the overload's own estimate, else the code's.
    fn retry_after(&self) -> Option<u32> {
        match self {
            ApiError::Busy { retry_after } | ApiError::TimedOut { retry_after } => {
                Some(*retry_after)
            }
            other => other.code().answer().retry_after,
        }
    }

    /// A 400 with `code`.
    pub fn bad_request(code: ProblemCode, detail: impl Into<String>) -> Self {
        ApiError::BadRequest {
            code,
            detail: detail.into(),
        }
    }

    fn problem(&self) -> Problem {
        let status = self.status_code();
        let detail = match self {
            ApiError::Internal(_) => "an internal error occurred; it has been logged".to_owned(),
            ApiError::Validation(v) if v.len() == 1 => "1 field is invalid".to_owned(),
            ApiError::Validation(v) => format!("{} fields are invalid", v.len()),
            ApiError::InvalidParameters { errors, .. } if errors.len() == 1 => {
                format!("{}: {}", errors[0].field, errors[0].message)
            }
            other => other.to_string(),
        };
        Problem {
            kind: format!("urn:devplan:problem:{}", self.code()),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail,
            code: self.code(),
            errors: match self {
                ApiError::Validation(v) | ApiError::InvalidParameters { errors: v, .. } => Some(
                    v.iter()
                        .map(|v| FieldError {
                            field: v.field.clone(),
                            code: v.code,
                            message: v.message.clone(),
                        })
                        .collect(),
                ),
                _ => None,
            },
            current_version: match self {
                ApiError::PreconditionFailed { current } => Some(*current),
                _ => None,
            },
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.code().answer().status)
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        if let ApiError::Internal(cause) = self {
            log::error!("internal error: {cause}");
        }
        let mut response = HttpResponse::build(self.status_code());
        response.content_type("application/problem+json");
        if let ApiError::Unauthorized(reason) = self {
            let reason = reason.replace(['"', '\\'], "'");
            response.insert_header((
                header::WWW_AUTHENTICATE,
                format!("Bearer realm=\"devplan\", error=\"invalid_token\", error_description=\"{reason}\""),
            ));
        }
        if let ApiError::MethodNotAllowed { allow } = self {
            response.insert_header((header::ALLOW, allow.join(", ")));
        }
        if let Some(seconds) = self.retry_after() {
            response.insert_header((header::RETRY_AFTER, seconds.to_string()));
        }
        response.json(self.problem())
    }
}

impl From<Violations> for ApiError {
    fn from(v: Violations) -> Self {
        ApiError::Validation(v.into_vec())
    }
}

impl From<Violation> for ApiError {
    fn from(v: Violation) -> Self {
        ApiError::Validation(vec![v])
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ApiError::NotFound,
            StoreError::VersionMismatch { current } => ApiError::PreconditionFailed { current },
            StoreError::Invalid(v) => v.into(),
            StoreError::Conflict { code, message } => ApiError::Conflict {
                code,
                detail: message,
            },
            StoreError::Plan(e) => e.into(),
            StoreError::Busy => ApiError::Busy { retry_after: 1 },
            // The same work sent again at once would likely run as long: wait for the load
            // that slowed it to pass.
            StoreError::TimedOut => ApiError::TimedOut { retry_after: 30 },
            StoreError::Corrupt(_) | StoreError::Database(_) => ApiError::Internal(e.to_string()),
        }
    }
}

impl From<devplan_domain::plan::PlanError> for ApiError {
    fn from(e: devplan_domain::plan::PlanError) -> Self {
        use devplan_domain::plan::PlanError as P;
        let code = match &e {
            P::Invalid(v) => return ApiError::Validation(v.clone().into_vec()),
            P::NoSuchItem(_) => return ApiError::NotFound,
            P::ManagerOnly(why) => return ApiError::Forbidden((*why).to_owned()),
            P::Finished(_) => ProblemCode::PlanFinished,
            P::AlreadyAgreed => ProblemCode::PlanAlreadyAgreed,
            P::AlreadySigned(_) => ProblemCode::AlreadySigned,
            P::Changed { .. } => ProblemCode::PlanChanged,
            P::GoalInUse => ProblemCode::GoalInUse,
            P::NotAParty(_) => ProblemCode::NotAParty,
            P::NotAgreed => ProblemCode::PlanNotAgreed,
        };
        ApiError::Conflict {
            code,
            detail: e.to_string(),
        }
    }
}

/// Declares the schema of a code table: a string enum of its wire names, each described.
macro_rules! code_schema {
    ($(#[$doc:meta])* $name:ident = $published:literal, $table:ty, $intro:literal, $line:expr) => {
        $(#[$doc])*
        pub struct $name;

        impl utoipa::PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                let all = <$table>::ALL.iter();
                let lines: Vec<String> = all.clone().map($line).collect();
                // Machine-readable beside the prose: each value's kind, as the schemathesis
                // hook reads them. One extension only: utoipa keeps extensions in a hash map,
                // and the committed document must come out the same every time.
                let extensions = ExtensionsBuilder::new()
                    .add(
                        "x-devplan-kinds",
                        all.clone()
                            .map(|c| (c.as_str().to_owned(), c.kind().as_str().into()))
                            .collect::<serde_json::Map<String, serde_json::Value>>(),
                    )
                    .build();
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .enum_values(Some(all.map(|c| c.as_str())))
                    .description(Some(format!("{}\n\n{}", $intro, lines.join("\n"))))
                    .extensions(Some(extensions))
                    .into()
            }
        }

        impl ToSchema for $name {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed($published)
            }
        }
    };
}

code_schema!(
    /// The published schema of [`ProblemCode`].
    ProblemCodeSchema = "ProblemCode", ProblemCode,
    "The top-level code of an error response. Every value the service can send is listed, \
     with its HTTP status and kind (input, access, conflict, transient, internal); \
     a 503 and the conflicts of a race carry `Retry-After`.",
    |c: &ProblemCode| format!(
        "- `{}` ({}, {}): {}",
        c.as_str(),
        c.answer().status,
        c.kind().as_str(),
        c.description()
    )
);

code_schema!(
    /// The published schema of [`FieldCode`].
    FieldCodeSchema = "FieldCode", FieldCode,
    "The code of one offending field or parameter. `input` codes break the documented \
     schema; `business_rule` codes depend on other fields, stored state or today's date, so a \
     request valid by the schema can still be refused with them.",
    |c: &FieldCode| format!("- `{}` ({}): {}", c.as_str(), c.kind().as_str(), c.description())
);
