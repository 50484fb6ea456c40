//! `/status-reviews`: the yearly stock-taking of employer and local representative (gøre
//! status), with a frozen snapshot of the figures, each side's notes and view, and the
//! escalation to the agreement parties when they disagree (Protokollat 2 § 3).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use devplan_domain::FieldCode;
use devplan_domain::review::{Position, Side};
use devplan_domain::text::LongText;
use devplan_domain::{ReviewId, UnitId, Violations};
use devplan_persistence::StoredReview;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::error::ApiError;
use crate::fields::parse_opt;
use crate::http::{ApiResult, IfMatch, ListResponse, ValidJson, negotiate, versioned};
use crate::policy::{ReviewParty, StatusView};
use crate::services::status::SnapshotLens;
use crate::state::AppState;
use crate::views::status::StatusOut;

/// A side's notes and view.
#[derive(Debug, Serialize, ToSchema)]
pub struct PositionOut {
    /// Their notes.
    pub notes: Option<String>,
    /// Whether they find the agreement honoured; null until they say.
    pub agrees: Option<bool>,
}

/// An escalation.
#[derive(Debug, Serialize, ToSchema)]
pub struct EscalationOut {
    /// `employer` or `representative`.
    pub by_side: String,
    /// When.
    pub at: DateTime<Utc>,
    /// Why.
    pub reason: String,
    /// When the renewed local discussion was held.
    pub renewed_on: Option<NaiveDate>,
    /// What it came to.
    pub outcome: Option<String>,
}

/// A status review.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewOut {
    /// Its id.
    pub id: Uuid,
    /// The unit.
    pub unit_id: Uuid,
    /// The day it was held.
    pub held_on: NaiveDate,
    /// The status figures as they were, anonymised as the representative saw them.
    pub snapshot: StatusOut,
    /// The employer's notes and view.
    pub employer: PositionOut,
    /// The representative's notes and view.
    pub representative: PositionOut,
    /// The escalation, if any.
    pub escalation: Option<EscalationOut>,
    /// The caller's side: `employer` or `representative`.
    pub your_side: String,
    /// Version, also sent as `ETag`.
    pub version: i64,
}

fn side_str(s: Side) -> &'static str {
    match s {
        Side::Employer => "employer",
        Side::Representative => "representative",
    }
}

fn position(p: &Position) -> PositionOut {
    PositionOut {
        notes: p.notes.as_ref().map(|n| n.as_str().to_owned()),
        agrees: p.agrees,
    }
}

fn review_out(r: &StoredReview, you: Side, lens: &SnapshotLens) -> ReviewOut {
    ReviewOut {
        id: r.id,
        unit_id: r.unit_id.uuid(),
        held_on: r.held_on,
        snapshot: lens.read(r.snapshot.clone()).into(),
        employer: position(&r.state.employer),
        representative: position(&r.state.representative),
        escalation: r.state.escalation.as_ref().map(|e| EscalationOut {
            by_side: side_str(e.by_side).to_owned(),
            at: e.at,
            reason: e.reason.as_str().to_owned(),
            renewed_on: e.renewed_on,
            outcome: e.outcome.as_ref().map(|o| o.as_str().to_owned()),
        }),
        your_side: side_str(you).to_owned(),
        version: r.meta.version,
    }
}

/// A review to record.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"unit_id": "01936f6e-8a4b-7c3d-9e2f-1a2b3c4d5e6f", "held_on": "2026-03-01"}))]
pub struct ReviewIn {
    /// The unit (sub-units included).
    #[schema(value_type = Uuid)]
    pub unit_id: UnitId,
    /// The day it was held; the figures cover its calendar year up to then.
    pub held_on: NaiveDate,
}

/// One side's notes and view.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PositionIn {
    /// Notes.
    #[schema(value_type = Option<crate::text_schema::LongTextText>)]
    pub notes: Option<String>,
    /// Whether the agreement is honoured.
    pub agrees: Option<bool>,
}

/// Why a side escalates.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EscalationIn {
    /// Why.
    #[schema(value_type = crate::text_schema::LongTextText)]
    pub reason: String,
}

/// The renewed local discussion.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = EscalationOutcome)]
#[serde(deny_unknown_fields)]
pub struct OutcomeIn {
    /// When it was held.
    pub renewed_on: NaiveDate,
    /// What it came to.
    #[schema(value_type = crate::text_schema::LongTextText)]
    pub outcome: String,
}

/// Filters of the review list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReviewQuery {
    /// Only this unit's reviews.
    #[param(value_type = Option<Uuid>)]
    pub unit_id: Option<UnitId>,
}

/// Records a review.
#[utoipa::path(
    tag = "status",
    operation_id = "create_status_review",
    summary = "Record a status review of a unit with a snapshot of its figures (the employer: HR or a manager of the unit)",
    request_body = ReviewIn,
    security(("bearer" = [])),
    responses((status = 201, description = "Recorded", body = ReviewOut), (status = 404, response = crate::openapi::NotFound), crate::openapi::CreateErrors)
)]
#[post("/status-reviews")]
pub async fn create(
    state: web::Data<AppState>,
    access: ReviewParty,
    body: ValidJson<ReviewIn>,
) -> ApiResult<HttpResponse> {
    let unit = body.0.unit_id;
    access.review_recorder(unit).await?;
    let held_on = body.0.held_on;
    if held_on > state.clock.today() {
        return Err(devplan_domain::Violation::new(
            "held_on",
            FieldCode::InTheFuture,
            "a review is recorded once held",
        )
        .into());
    }
    let from = NaiveDate::from_ymd_opt(held_on.year(), 1, 1).unwrap_or(held_on);
    let snapshot = crate::services::status::status_of(
        &state,
        unit,
        from,
        held_on,
        StatusView::Anonymised,
        &Default::default(),
    )
    .await?;
    let by = access.me().map(|e| e.id);
    let review = state
        .store
        .create_review(unit, held_on, snapshot, by)
        .await?;
    Ok(versioned(
        StatusCode::CREATED,
        review.meta.version,
        &review_out(
            &review,
            Side::Employer,
            &SnapshotLens::of(&state, &access).await?,
        ),
    ))
}

/// The reviews the caller takes part in.
#[utoipa::path(
    tag = "status",
    operation_id = "list_status_reviews",
    summary = "Status reviews of the units the caller takes part in, newest first",
    params(ReviewQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The reviews", body = ListResponse<ReviewOut>),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden)
    )
)]
#[get("/status-reviews")]
pub async fn list(
    state: web::Data<AppState>,
    access: ReviewParty,
    query: web::Query<ReviewQuery>,
) -> ApiResult<HttpResponse> {
    let mut units = access.review_units().await?;
    if let Some(u) = query.unit_id {
        units = Some(match units {
            None => vec![u],
            Some(list) => list.into_iter().filter(|x| *x == u).collect(),
        });
    }
    let reviews = state.store.list_reviews(units.as_deref()).await?;
    let mut out = Vec::with_capacity(reviews.len());
    let lens = SnapshotLens::of(&state, &access).await?;
    for r in &reviews {
        out.push(review_out(r, access.review_side(r.unit_id).await?, &lens));
    }
    Ok(HttpResponse::Ok().json(ListResponse::new(out, None)))
}

/// One review, as JSON or CSV.
#[utoipa::path(
    tag = "status",
    operation_id = "get_status_review",
    summary = "Read a status review; with Accept: text/csv, its snapshot and positions as CSV",
    params(("id" = Uuid, Path, description = "The review's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The review", content((ReviewOut = "application/json"), (String = "text/csv"))),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 406, response = crate::openapi::NotAcceptable)
    )
)]
#[get("/status-reviews/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    access: ReviewParty,
    id: web::Path<ReviewId>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let (review, side) = access.review(*id).await?;
    if negotiate(&req, &["application/json", "text/csv"])? == "text/csv" {
        let mut w = csv::Writer::from_writer(Vec::new());
        let internal = |e: csv::Error| ApiError::Internal(e.to_string());
        w.write_record(["section", "name", "value"])
            .map_err(internal)?;
        let unit = state.store.get_unit(review.unit_id).await?;
        w.write_record(["review", "unit", unit.name.as_str()])
            .map_err(internal)?;
        w.write_record(["review", "held_on", &review.held_on.to_string()])
            .map_err(internal)?;
        for (label, p) in [
            ("employer", &review.state.employer),
            ("representative", &review.state.representative),
        ] {
            let agrees = p.agrees.map(|a| a.to_string()).unwrap_or_default();
            w.write_record([label, "agrees", agrees.as_str()])
                .map_err(internal)?;
            w.write_record([label, "notes", p.notes.as_ref().map_or("", |n| n.as_str())])
                .map_err(internal)?;
        }
        if let Some(e) = &review.state.escalation {
            let by_side = match e.by_side {
                Side::Employer => "employer",
                Side::Representative => "representative",
            };
            let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
            for (name, value) in [
                ("by_side", by_side.to_owned()),
                ("at", e.at.to_rfc3339()),
                ("reason", e.reason.as_str().to_owned()),
                ("renewed_on", day(e.renewed_on)),
                (
                    "outcome",
                    e.outcome.as_ref().map_or("", |o| o.as_str()).to_owned(),
                ),
            ] {
                w.write_record(["escalation", name, value.as_str()])
                    .map_err(internal)?;
            }
        }
        {
            let lens = SnapshotLens::of(&state, &access).await?;
            for (name, value) in &lens.read(review.snapshot.clone()).figures {
                let v = value.map(|v| v.to_string()).unwrap_or_default();
                w.write_record(["figure", name.as_str(), v.as_str()])
                    .map_err(internal)?;
            }
        }
        let bytes = w
            .into_inner()
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        return Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .body(bytes));
    }
    Ok(versioned(
        StatusCode::OK,
        review.meta.version,
        &review_out(&review, side, &SnapshotLens::of(&state, &access).await?),
    ))
}

/// Records the caller's side's notes and view.
#[utoipa::path(
    tag = "status",
    operation_id = "set_status_review_position",
    summary = "Record your side's notes and whether you find the agreement honoured (the side is derived)",
    params(("id" = Uuid, Path, description = "The review's id"), crate::http::IfMatchEtag),
    request_body = PositionIn,
    security(("bearer" = [])),
    responses((status = 200, description = "Recorded", body = ReviewOut), crate::openapi::UpdateErrors)
)]
#[put("/status-reviews/{id}/position")]
pub async fn set_position(
    state: web::Data<AppState>,
    access: ReviewParty,
    id: web::Path<ReviewId>,
    if_match: IfMatch,
    body: ValidJson<PositionIn>,
) -> ApiResult<HttpResponse> {
    let (_, side) = access.review(*id).await?;
    let mut v = Violations::new();
    let notes = parse_opt(&mut v, body.0.notes.as_deref(), |s| {
        LongText::parse("notes", s)
    });
    let Some(notes) = notes else {
        return Err(v.into());
    };
    let agrees = body.0.agrees;
    let review = state
        .store
        .change_review(id.uuid(), if_match.0, |s| {
            s.take_position(side, Position { notes, agrees });
            Ok(())
        })
        .await?;
    Ok(versioned(
        StatusCode::OK,
        review.meta.version,
        &review_out(&review, side, &SnapshotLens::of(&state, &access).await?),
    ))
}

/// Escalates a disagreement.
#[utoipa::path(
    tag = "status",
    operation_id = "escalate_status_review",
    summary = "Escalate a review both sides could not agree on to the agreement parties (either side)",
    params(("id" = Uuid, Path, description = "The review's id")),
    request_body = EscalationIn,
    security(("bearer" = [])),
    responses((status = 201, description = "Escalated", body = ReviewOut), crate::openapi::UpdateErrors)
)]
#[post("/status-reviews/{id}/escalation")]
pub async fn escalate(
    state: web::Data<AppState>,
    access: ReviewParty,
    id: web::Path<ReviewId>,
    body: ValidJson<EscalationIn>,
) -> ApiResult<HttpResponse> {
    let (_, side) = access.review(*id).await?;
    let reason = LongText::parse("reason", &body.0.reason)?;
    let by = access.me().map(|e| e.id);
    let now = state.clock.now();
    let review = state
        .store
        .change_review(id.uuid(), None, |s| s.escalate(side, by, reason, now))
        .await?;
    Ok(versioned(
        StatusCode::CREATED,
        review.meta.version,
        &review_out(&review, side, &SnapshotLens::of(&state, &access).await?),
    ))
}

/// Records the renewed discussion.
#[utoipa::path(
    tag = "status",
    operation_id = "record_escalation_outcome",
    summary = "Record the renewed local discussion after an escalation and its outcome (either side)",
    params(("id" = Uuid, Path, description = "The review's id")),
    request_body = OutcomeIn,
    security(("bearer" = [])),
    responses((status = 200, description = "Recorded", body = ReviewOut), crate::openapi::UpdateErrors)
)]
#[put("/status-reviews/{id}/escalation/outcome")]
pub async fn outcome(
    state: web::Data<AppState>,
    access: ReviewParty,
    id: web::Path<ReviewId>,
    body: ValidJson<OutcomeIn>,
) -> ApiResult<HttpResponse> {
    let (_, side) = access.review(*id).await?;
    let text = LongText::parse("outcome", &body.0.outcome)?;
    let renewed_on = body.0.renewed_on;
    let review = state
        .store
        .change_review(id.uuid(), None, |s| s.record_outcome(renewed_on, text))
        .await?;
    Ok(versioned(
        StatusCode::OK,
        review.meta.version,
        &review_out(&review, side, &SnapshotLens::of(&state, &access).await?),
    ))
}

/// A unit that owes a review.
#[derive(Debug, Serialize, ToSchema)]
pub struct MissingUnit {
    /// The unit.
    pub unit_id: Uuid,
    /// Its name.
    pub name: String,
    /// No review held this calendar year.
    pub missing_this_year: bool,
    /// No review held in the current agreement period (the agreement demands one per period).
    pub missing_this_period: bool,
}

/// Units without a review.
#[utoipa::path(
    tag = "status",
    operation_id = "list_missing_status_reviews",
    summary = "Units with a local representative and no review this year or in the current agreement period",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The units", body = ListResponse<MissingUnit>),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden)
    )
)]
#[get("/status-reviews/missing")]
pub async fn missing(state: web::Data<AppState>, access: ReviewParty) -> ApiResult<HttpResponse> {
    let scope = access.review_units().await?;
    let today = state.clock.today();
    let year_start = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
    let in_year = state.store.reviewed_units(year_start, today).await?;
    let period = state
        .store
        .list_periods()
        .await?
        .into_iter()
        .find(|p| p.contains(today));
    let in_period = match &period {
        Some(p) => {
            state
                .store
                .reviewed_units(p.dates.starts_on(), today)
                .await?
        }
        None => Vec::new(),
    };
    let mut out = Vec::new();
    for unit in state.store.represented_units().await? {
        if scope.as_ref().is_some_and(|s| !s.contains(&unit)) {
            continue;
        }
        let missing_this_year = !in_year.contains(&unit);
        let missing_this_period = period.is_some() && !in_period.contains(&unit);
        if missing_this_year || missing_this_period {
            let name = state.store.get_unit(unit).await?.name.into_string();
            out.push(MissingUnit {
                unit_id: unit.uuid(),
                name,
                missing_this_year,
                missing_this_period,
            });
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(HttpResponse::Ok().json(ListResponse::new(out, None)))
}
