//! `/audit`: who read or changed whose data. HR reads every entry, filtered; an employee reads
//! who (besides themself) read their own plans, absences and interviews (GDPR Art. 15 (1)(c)).

use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{DateTime, Utc};
use devplan_domain::EmployeeId;
use devplan_domain::org::Role;
use devplan_persistence::AuditFilter;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::error::ApiError;
use crate::http::{ApiResult, negotiate, page_size, seq_cursor};
use crate::policy::HrOrEmployee;
use crate::state::AppState;
use crate::views::audit::AuditOut;

/// Which entries to read.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// Only entries about this employee (HR).
    #[param(value_type = Option<Uuid>)]
    pub employee_id: Option<EmployeeId>,
    /// Only this token subject's actions (HR).
    #[param(max_length = 255)]
    pub actor: Option<String>,
    /// Only `read` or `write` (HR).
    #[param(inline)]
    pub action: Option<AuditAction>,
    /// From this instant.
    pub from: Option<DateTime<Utc>>,
    /// Before this instant.
    pub until: Option<DateTime<Utc>>,
    /// The `cursor` of the last entry read.
    #[param(pattern = "^[0-9]{1,18}$")]
    pub after: Option<String>,
    /// Page size, 1–500 (default 100).
    pub limit: Option<u32>,
}

/// What was done.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    /// Someone's plan, absence or interview was read by another.
    Read,
    /// A record was changed.
    Write,
}

/// A page of entries.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPage {
    /// The entries, oldest first.
    pub items: Vec<AuditOut>,
    /// Where to read on: the last entry's cursor, or the `after` sent.
    pub next_after: Option<String>,
    /// Whether more entries were there when this page was read.
    pub has_more: bool,
}

fn csv_of(items: &[AuditOut]) -> Result<String, ApiError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let internal = |e: csv::Error| ApiError::Internal(e.to_string());
    w.write_record([
        "cursor",
        "at",
        "actor",
        "actor_employee_id",
        "actor_roles",
        "action",
        "object",
        "object_id",
        "employee_id",
        "request_id",
        "detail",
    ])
    .map_err(internal)?;
    let text = |o: &Option<String>| o.clone().unwrap_or_default();
    let id = |o: &Option<Uuid>| o.map(|u| u.to_string()).unwrap_or_default();
    for e in items {
        w.write_record([
            e.cursor.clone(),
            e.at.to_rfc3339(),
            text(&e.actor),
            id(&e.actor_employee_id),
            text(&e.actor_roles),
            e.action.clone(),
            e.object.clone(),
            e.object_id.to_string(),
            id(&e.employee_id),
            text(&e.request_id),
            text(&e.detail),
        ])
        .map_err(internal)?;
    }
    String::from_utf8(
        w.into_inner()
            .map_err(|e| ApiError::Internal(e.to_string()))?,
    )
    .map_err(|e| ApiError::Internal(e.to_string()))
}

/// The audit log.
#[utoipa::path(
    tag = "events",
    operation_id = "list_audit_entries",
    summary = "Read the audit log: HR every entry, an employee who read their own data",
    description = "Every read of a person's plan, absence or interview by anyone but that person, and every change, with actor, roles, time, object and request id. Reads are recorded before the response is sent; changes in their own transaction. The log is append-only (on PostgreSQL a trigger refuses UPDATE, TRUNCATE and DELETE of entries younger than the retention, `DEVPLAN_AUDIT_RETENTION_DAYS`, 5 years by default). HR filters by employee, actor, action and time; an employee gets the reads of their own data by others, whatever filters they send. With `Accept: text/csv`, the same as CSV.",
    params(AuditQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of entries", content((AuditPage = "application/json"), (String = "text/csv"))),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 406, response = crate::openapi::NotAcceptable)
    )
)]
#[get("/audit")]
pub async fn list(
    state: web::Data<AppState>,
    req: HttpRequest,
    access: HrOrEmployee,
    query: web::Query<AuditQuery>,
) -> ApiResult<HttpResponse> {
    let q = query.into_inner();
    let media = negotiate(&req, &["application/json", "text/csv"])?;
    let filter = if access.has(Role::Hr) {
        AuditFilter {
            employee: q.employee_id,
            actor: q.actor.clone(),
            action: q.action.map(|a| match a {
                AuditAction::Read => "read".to_owned(),
                AuditAction::Write => "write".to_owned(),
            }),
            from: q.from,
            until: q.until,
            reads_of: None,
        }
    } else {
        let me = access
            .me()
            .map(|e| e.id)
            .ok_or_else(|| ApiError::Forbidden("only an employee has data of their own".into()))?;
        AuditFilter {
            from: q.from,
            until: q.until,
            reads_of: Some(me),
            ..AuditFilter::default()
        }
    };
    let after = seq_cursor(q.after.as_deref())?;
    let limit = page_size(q.limit, 100)?;
    let mut entries = state
        .store
        .list_audit(&filter, after, u64::from(limit) + 1)
        .await?;
    let has_more = entries.len() > limit as usize;
    entries.truncate(limit as usize);
    let items: Vec<AuditOut> = entries.into_iter().map(AuditOut::from).collect();
    if media == "text/csv" {
        return Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .body(csv_of(&items)?));
    }
    let next_after = items.last().map(|e| e.cursor.clone()).or(q.after);
    Ok(HttpResponse::Ok().json(AuditPage {
        items,
        next_after,
        has_more,
    }))
}
