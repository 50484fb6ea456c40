//! `/events`: the change feed. Every change is an event, written in the transaction that made
//! it and numbered in commit order, so a client that reads on from its last cursor misses
//! nothing and never sees a change that was rolled back.

use devplan_domain::ProblemCode;
use std::collections::BTreeSet;

use actix_web::{HttpResponse, get, web};
use devplan_persistence::{EVENT_TYPES, FeedRead, is_event_selector};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::ApiError;
use crate::http::{ApiResult, page_size, seq_cursor};
use crate::policy::Access;
use crate::state::AppState;
use crate::views::event::{EventOut, event_out};

/// Events per page unless `limit` says otherwise.
const DEFAULT_EVENTS: u32 = 100;

/// Which events to read.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct EventQuery {
    /// The `cursor` of the last event read (or `next_after` of the last page); none: from
    /// the oldest event kept.
    #[param(pattern = "^[0-9]{1,18}$")]
    pub after: Option<String>,
    /// Comma-separated event types (`plan.agreed`) or whole resources (`plan.*`); none: all.
    pub types: Option<String>,
    /// Page size, 1–500 (default 100).
    pub limit: Option<u32>,
}

/// A page of the feed.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventPage {
    /// The events, oldest first.
    pub items: Vec<EventOut>,
    /// Where to read on: the last event's cursor, or the `after` sent when there was none.
    pub next_after: Option<String>,
    /// Whether more events were already there when this page was read.
    pub has_more: bool,
}

/// The event types asked for, each known.
fn parse_types(raw: Option<&str>) -> Result<BTreeSet<String>, ApiError> {
    let mut out = BTreeSet::new();
    let Some(raw) = raw else {
        return Ok(out);
    };
    for t in raw.split(',') {
        if !is_event_selector(t) {
            return Err(ApiError::bad_request(
                ProblemCode::UnknownEventType,
                format!(
                    "{t} is not an event type; the types are {}",
                    EVENT_TYPES.join(", ")
                ),
            ));
        }
        out.insert(t.to_owned());
    }
    Ok(out)
}

/// The feed.
#[utoipa::path(
    tag = "events",
    operation_id = "list_events",
    summary = "Read the change feed: every change, in commit order, from a cursor",
    description = "Every create, update, signature, agreement, follow-up, absence, interview, review, committee record and sync is an event, written in the same transaction as the change. Read from the start (no `after`), then keep the last `cursor` and ask for the events `after` it: an event becomes visible only after every earlier one, so nothing is skipped. HR reads every event with the object's state in `data`; a manager the events of their units' people and plans, an employee their own, representatives and committees the records of their units, without data, actor or any person's id. Events are kept for `DEVPLAN_EVENT_RETENTION_DAYS` (default 90); a cursor older than that answers 410.",
    params(EventQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of events", body = EventPage),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 410, response = crate::openapi::Gone)
    )
)]
#[get("/events")]
pub async fn list(
    state: web::Data<AppState>,
    access: Access,
    query: web::Query<EventQuery>,
) -> ApiResult<HttpResponse> {
    let query = query.into_inner();
    let after = seq_cursor(query.after.as_deref())?;
    let limit = page_size(query.limit, DEFAULT_EVENTS)?;
    let types = parse_types(query.types.as_deref())?;
    let scope = access.event_scope().await?;
    // One more than asked tells whether more are waiting.
    let read = state
        .store
        .list_events(&scope, after, &types, u64::from(limit) + 1)
        .await?;
    let mut events = match read {
        FeedRead::Events(events) => events,
        FeedRead::Expired { horizon } => {
            return Err(ApiError::Gone {
                code: ProblemCode::CursorExpired,
                detail: format!(
                    "events after this cursor were pruned (they are kept for {} days); read the \
                     current state again, then follow the feed from after={horizon}",
                    state.event_retention.num_days()
                ),
            });
        }
    };
    let has_more = events.len() > limit as usize;
    events.truncate(limit as usize);
    let next_after = events.last().map(|e| e.seq.to_string()).or(query.after);
    Ok(HttpResponse::Ok().json(EventPage {
        items: events.into_iter().map(event_out).collect(),
        next_after,
        has_more,
    }))
}
