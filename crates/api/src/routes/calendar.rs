//! A manager's due follow-ups as an iCalendar feed (RFC 5545) for Outlook or Google Calendar.
//! Calendar clients cannot send bearer tokens, so the feed lives at a secret URL; only the
//! secret's hash is stored, and rotating it makes the old URL answer 404.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use devplan_domain::followup::FollowUpKind;
use icalendar::{Calendar, Component, Event, EventLike};
use rand::Rng;
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::http::ApiResult;
use crate::policy::{Access, Manager};
use crate::services::work_list::work_items;
use crate::state::AppState;

/// The feed's address.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedOut {
    /// Path of the feed on this server; subscribe to it in a calendar client. Keep it secret.
    pub url: String,
}

fn hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Makes (or rotates) the caller's feed.
#[utoipa::path(
    tag = "follow-ups",
    operation_id = "rotate_calendar_feed",
    summary = "Create or rotate the caller's calendar feed of due follow-ups (manager); the old URL stops working",
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The new feed address", body = FeedOut),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden)
    )
)]
#[post("/calendar-feed")]
pub async fn rotate(state: web::Data<AppState>, access: Manager) -> ApiResult<HttpResponse> {
    let me = access
        .me()
        .ok_or_else(|| ApiError::Forbidden("a feed belongs to a manager".into()))?;
    let token = URL_SAFE_NO_PAD.encode(rand::rng().random::<[u8; 32]>());
    state.store.set_calendar_token(me.id, hash(&token)).await?;
    Ok(HttpResponse::build(StatusCode::CREATED).json(FeedOut {
        url: format!("/api/v1/calendar/{token}"),
    }))
}

/// The feed.
#[utoipa::path(
    tag = "follow-ups",
    operation_id = "calendar_feed",
    summary = "A manager's due and overdue follow-ups as iCalendar (the secret in the path is the credential)",
    params(("token" = String, Path, description = "The feed's secret")),
    security(()),
    responses(
        (status = 200, description = "The calendar", content_type = "text/calendar", body = String),
        (status = 404, response = crate::openapi::NotFound)
    )
)]
#[get("/calendar/{token}")]
pub async fn feed(state: web::Data<AppState>, token: web::Path<String>) -> ApiResult<HttpResponse> {
    let token = token.trim_end_matches(".ics");
    let scope = Access::feed_scope(&state.store, &hash(token)).await?;
    // A calendar looks as far ahead as the work list may.
    let items = work_items(&state, &scope, crate::services::work_list::MAX_WINDOW_DAYS).await?;
    let mut calendar = Calendar::new();
    calendar.name("devplan: opfølgninger");
    for (item, name, _) in items {
        let what = match item.kind {
            FollowUpKind::Annual => "Årlig opfølgning",
            FollowUpKind::Special => "Særlig opfølgning efter fravær",
            FollowUpKind::AdHoc => "Opfølgning",
        };
        let uid = format!(
            "{}-{}-{}@devplan",
            item.kind.as_str(),
            item.employee,
            item.plan_id
                .map(|p| p.to_string())
                .or(item.absence_id.map(|a| a.to_string()))
                .unwrap_or_default()
        );
        calendar.push(
            Event::new()
                .uid(&uid)
                .summary(&format!("{what}: {name}"))
                .description(&format!(
                    "{what} af udviklingsplanen for {name}, senest {}.",
                    item.due_on
                ))
                .all_day(item.due_on)
                .done(),
        );
    }
    Ok(HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .body(calendar.done().to_string()))
}
