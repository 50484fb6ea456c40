//! The one path every sync takes, shared by the organisation, catalogue, absence and interview
//! syncs: HR only, every row parsed (every bad row named), then applied whole.

use actix_web::HttpResponse;
use devplan_domain::FieldCode;
use devplan_domain::{Violation, Violations};
use devplan_persistence::{Store, StoreError, SyncReport};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::ApiResult;
use crate::policy::Hr;
use crate::state::AppState;

/// Most rows accepted in one payload.
pub const MAX_ROWS: usize = 50_000;

/// What a sync did.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"created": 12, "updated": 3, "unchanged": 9985}))]
pub struct SyncResult {
    /// Records that did not exist.
    pub created: u64,
    /// Records whose content changed (their version grew).
    pub updated: u64,
    /// Records already as sent (untouched).
    pub unchanged: u64,
}

impl From<SyncReport> for SyncResult {
    fn from(r: SyncReport) -> Self {
        SyncResult {
            created: r.created,
            updated: r.updated,
            unchanged: r.unchanged,
        }
    }
}

/// A payload of rows.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SyncPayload<T> {
    /// The records, at most 50,000.
    pub rows: Vec<T>,
}

/// Parses every row, collecting each row's violations under `rows[i]`.
fn parse_rows<T, U>(
    rows: Vec<T>,
    parse: impl Fn(T) -> Result<U, Violations>,
) -> Result<Vec<U>, Violations> {
    let mut all = Violations::new();
    if rows.len() > MAX_ROWS {
        all.push(Violation::new(
            "rows",
            FieldCode::TooManyRows,
            format!("send at most {MAX_ROWS} rows per request"),
        ));
        return Err(all);
    }
    let mut out = Vec::with_capacity(rows.len());
    for (i, row) in rows.into_iter().enumerate() {
        match parse(row) {
            Ok(r) => out.push(r),
            Err(v) => all.extend_within(&format!("rows[{i}]"), v),
        }
    }
    if all.is_empty() { Ok(out) } else { Err(all) }
}

/// The one path every sync takes: HR only (the caller is an [`Hr`]), every row parsed, then
/// applied whole.
pub(crate) async fn apply_sync<R, D, F, Fut>(
    state: &AppState,
    _hr: &Hr,
    rows: Vec<R>,
    parse: impl Fn(R) -> Result<D, Violations>,
    store_rows: F,
) -> ApiResult<HttpResponse>
where
    F: FnOnce(Store, Vec<D>) -> Fut,
    Fut: Future<Output = Result<SyncReport, StoreError>>,
{
    let rows = parse_rows(rows, parse)?;
    // Tens of thousands of rows in one transaction: under the bulk statement limit.
    let report = store_rows(state.store.bulk(), rows).await?;
    Ok(HttpResponse::Ok().json(SyncResult::from(report)))
}
