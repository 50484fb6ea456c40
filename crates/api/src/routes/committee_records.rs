//! The MED committees' own records: discussions with an optional status snapshot, and the
//! yearly feedback each committee sends the one above. A committee's members and the members
//! of the committees above it read them (the main committee reads every committee under it);
//! a sibling does not.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use chrono::{Datelike, NaiveDate};
use devplan_domain::committee::{Discussion, Feedback, Topic, owed};
use devplan_domain::{FieldCode, ProblemCode};

use devplan_domain::text::LongText;
use devplan_domain::{CommitteeId, Violation, Violations};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::error::ApiError;
use crate::fields::parse_opt;
use crate::http::{ApiResult, ListResponse, ValidJson};
use crate::policy::{CommitteeMember, HrOrCommittee, StatusView};
use crate::services::status::SnapshotLens;
use crate::state::AppState;
use crate::views::status::StatusOut;

/// What was discussed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TopicIo {
    /// The competence development policy.
    Policy,
    /// Link between the workplace's goals and strategies and competence development.
    StrategyLink,
    /// The overall goals of the effort.
    Goals,
    /// How the work is evaluated.
    Evaluation,
    /// How the development interview is used.
    InterviewUse,
    /// The status of plan preparation.
    Status,
}

impl From<TopicIo> for Topic {
    fn from(t: TopicIo) -> Self {
        match t {
            TopicIo::Policy => Topic::Policy,
            TopicIo::StrategyLink => Topic::StrategyLink,
            TopicIo::Goals => Topic::Goals,
            TopicIo::Evaluation => Topic::Evaluation,
            TopicIo::InterviewUse => Topic::InterviewUse,
            TopicIo::Status => Topic::Status,
        }
    }
}

impl From<Topic> for TopicIo {
    fn from(t: Topic) -> Self {
        match t {
            Topic::Policy => TopicIo::Policy,
            Topic::StrategyLink => TopicIo::StrategyLink,
            Topic::Goals => TopicIo::Goals,
            Topic::Evaluation => TopicIo::Evaluation,
            Topic::InterviewUse => TopicIo::InterviewUse,
            Topic::Status => TopicIo::Status,
        }
    }
}

/// A discussion to record.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"topic": "status", "held_on": "2026-03-10", "summary": "Gennemgang af status for udviklingsplaner", "decisions": "Fokus på opfølgning", "attach_status": true}))]
pub struct DiscussionIn {
    /// What was discussed.
    pub topic: TopicIo,
    /// When.
    pub held_on: NaiveDate,
    /// A summary.
    #[schema(value_type = crate::text_schema::LongTextText)]
    pub summary: String,
    /// What was decided.
    #[schema(value_type = Option<crate::text_schema::LongTextText>)]
    pub decisions: Option<String>,
    /// Attach the committee's status figures (anonymised) as they are now.
    #[serde(default)]
    pub attach_status: bool,
}

/// A discussion.
#[derive(Debug, Serialize, ToSchema)]
pub struct DiscussionOut {
    /// Its id.
    pub id: Uuid,
    /// The committee.
    pub committee_id: Uuid,
    /// What was discussed.
    pub topic: TopicIo,
    /// When.
    pub held_on: NaiveDate,
    /// A summary.
    pub summary: String,
    /// What was decided.
    pub decisions: Option<String>,
    /// The status figures attached, as they were.
    pub snapshot: Option<StatusOut>,
}

impl DiscussionOut {
    /// `d` with its snapshot as the caller reads it through `lens`.
    fn new(d: Discussion, lens: &SnapshotLens) -> Self {
        DiscussionOut {
            id: d.id,
            committee_id: d.committee_id.uuid(),
            topic: d.topic.into(),
            held_on: d.held_on,
            summary: d.summary.into_string(),
            decisions: d.decisions.map(LongText::into_string),
            snapshot: d.snapshot.map(|s| StatusOut::from(lens.read(s))),
        }
    }
}

/// A year's feedback to send.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"year": 2026, "text": "Alle medarbejdere har en plan; opfølgning halter i to afdelinger."}))]
pub struct FeedbackIn {
    /// The year it covers.
    #[schema(minimum = 2000, maximum = 2100)]
    pub year: i32,
    /// What it says.
    #[schema(value_type = crate::text_schema::LongTextText)]
    pub text: String,
}

/// Feedback sent.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackOut {
    /// Its id.
    pub id: Uuid,
    /// The committee that sent it.
    pub committee_id: Uuid,
    /// The committee it went to.
    pub to_committee_id: Uuid,
    /// The year it covers.
    pub year: i32,
    /// What it says.
    pub text: String,
}

impl From<Feedback> for FeedbackOut {
    fn from(f: Feedback) -> Self {
        FeedbackOut {
            id: f.id,
            committee_id: f.committee_id.uuid(),
            to_committee_id: f.to_committee_id.uuid(),
            year: f.year,
            text: f.text.into_string(),
        }
    }
}

/// Records a discussion.
#[utoipa::path(
    tag = "committees",
    operation_id = "record_committee_discussion",
    summary = "Record a discussion of the committee (its members), optionally with its status figures attached",
    params(("id" = Uuid, Path, description = "The committee's id")),
    request_body = DiscussionIn,
    security(("bearer" = [])),
    responses((status = 201, description = "Recorded", body = DiscussionOut), (status = 404, response = crate::openapi::NotFound), crate::openapi::CreateErrors)
)]
#[post("/committees/{id}/discussions")]
pub async fn add_discussion(
    state: web::Data<AppState>,
    access: CommitteeMember,
    id: web::Path<CommitteeId>,
    body: ValidJson<DiscussionIn>,
) -> ApiResult<HttpResponse> {
    let committee_id = *id;
    access.committee_to_record(committee_id).await?;
    let b = body.0;
    let mut v = Violations::new();
    let summary = v.check(LongText::parse("summary", &b.summary));
    let decisions = parse_opt(&mut v, b.decisions.as_deref(), |s| {
        LongText::parse("decisions", s)
    });
    if b.held_on > state.clock.today() {
        v.push(Violation::new(
            "held_on",
            FieldCode::InTheFuture,
            "record a discussion once it has been held",
        ));
    }
    let (Some(summary), Some(decisions), true) = (summary, decisions, v.is_empty()) else {
        return Err(v.into());
    };
    let snapshot = if b.attach_status {
        let committee = state.store.get_committee(committee_id).await?;
        let today = state.clock.today();
        let from = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
        Some(
            crate::services::status::status_of(
                &state,
                committee.unit_id,
                from,
                today,
                StatusView::Anonymised,
                &Default::default(),
            )
            .await?,
        )
    } else {
        None
    };
    let d = Discussion {
        id: Uuid::now_v7(),
        committee_id,
        topic: b.topic.into(),
        held_on: b.held_on,
        summary,
        decisions,
        snapshot,
    };
    let stored = state.store.add_discussion(d).await?;
    let lens = SnapshotLens::of(&state, &access).await?;
    Ok(HttpResponse::build(StatusCode::CREATED).json(DiscussionOut::new(stored, &lens)))
}

/// A committee's discussions.
#[utoipa::path(
    tag = "committees",
    operation_id = "list_committee_discussions",
    summary = "A committee's discussions (its members, the committees above it, HR)",
    params(("id" = Uuid, Path, description = "The committee's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The discussions, oldest first", body = ListResponse<DiscussionOut>),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound)
    )
)]
#[get("/committees/{id}/discussions")]
pub async fn list_discussions(
    state: web::Data<AppState>,
    access: HrOrCommittee,
    id: web::Path<CommitteeId>,
) -> ApiResult<HttpResponse> {
    let committee_id = *id;
    access.committee_standing(committee_id).await?;
    let items = state.store.list_discussions(committee_id).await?;
    let lens = SnapshotLens::of(&state, &access).await?;
    Ok(HttpResponse::Ok().json(ListResponse::new(
        items
            .into_iter()
            .map(|d| DiscussionOut::new(d, &lens))
            .collect(),
        None,
    )))
}

/// Sends a year's feedback upward.
#[utoipa::path(
    tag = "committees",
    operation_id = "send_committee_feedback",
    summary = "Send the year's feedback to the committee above (the committee's members)",
    params(("id" = Uuid, Path, description = "The committee's id")),
    request_body = FeedbackIn,
    security(("bearer" = [])),
    responses((status = 201, description = "Sent", body = FeedbackOut), (status = 404, response = crate::openapi::NotFound), crate::openapi::CreateErrors)
)]
#[post("/committees/{id}/feedback")]
pub async fn send_feedback(
    state: web::Data<AppState>,
    access: CommitteeMember,
    id: web::Path<CommitteeId>,
    body: ValidJson<FeedbackIn>,
) -> ApiResult<HttpResponse> {
    let committee_id = *id;
    access.committee_to_record(committee_id).await?;
    let committee = state.store.get_committee(committee_id).await?;
    let mut v = Violations::new();
    let text = v.check(LongText::parse("text", &body.0.text));
    if !(2000..=2100).contains(&body.0.year) {
        v.push(Violation::new(
            "year",
            FieldCode::OutOfRange,
            "must be between 2000 and 2100",
        ));
    }
    let Some(parent) = committee.parent_id else {
        return Err(Violation::new(
            "committee",
            FieldCode::NoCommitteeAbove,
            "this committee reports to no committee",
        )
        .into());
    };
    let (Some(text), true) = (text, v.is_empty()) else {
        return Err(v.into());
    };
    let f = Feedback {
        id: Uuid::now_v7(),
        committee_id,
        to_committee_id: parent,
        year: body.0.year,
        text,
    };
    let stored = state.store.add_feedback(f).await?;
    Ok(HttpResponse::build(StatusCode::CREATED).json(FeedbackOut::from(stored)))
}

/// Feedback of a committee and those under it.
#[utoipa::path(
    tag = "committees",
    operation_id = "list_committee_feedback",
    summary = "The feedback sent by a committee and by every committee under it",
    params(("id" = Uuid, Path, description = "The committee's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The feedback, by year", body = ListResponse<FeedbackOut>),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound)
    )
)]
#[get("/committees/{id}/feedback")]
pub async fn list_feedback(
    state: web::Data<AppState>,
    access: HrOrCommittee,
    id: web::Path<CommitteeId>,
) -> ApiResult<HttpResponse> {
    let committee_id = *id;
    access.committee_standing(committee_id).await?;
    let tree = state.store.committee_tree().await?;
    let from: Vec<CommitteeId> = tree.subtree(committee_id).into_iter().collect();
    let items = state.store.feedback_from(&from).await?;
    Ok(HttpResponse::Ok().json(ListResponse::new(
        items.into_iter().map(FeedbackOut::from).collect(),
        None,
    )))
}

/// A committee that owes records this year.
#[derive(Debug, Serialize, ToSchema)]
pub struct MissingRecords {
    /// The committee.
    pub committee_id: Uuid,
    /// Its name.
    pub name: String,
    /// Its yearly discussion is missing.
    pub discussion_missing: bool,
    /// Its yearly feedback to the committee above is missing.
    pub feedback_missing: bool,
}

/// Which year.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// The year (default: this year).
    pub year: Option<i32>,
}

/// Committees whose records are missing.
#[utoipa::path(
    tag = "committees",
    operation_id = "list_missing_committee_records",
    summary = "Committees whose yearly discussion or feedback is missing, by the frequency settings",
    description = "Local and sector committees discuss yearly and send yearly feedback upward; the main committee discusses the policy yearly, or in the first year of an agreement period and every third year after (setting `main_committee_frequency`). HR sees all; a member the committees they sit on and those under them.",
    params(YearQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The committees", body = ListResponse<MissingRecords>),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden)
    )
)]
#[get("/committees/missing-records")]
pub async fn missing(
    state: web::Data<AppState>,
    access: HrOrCommittee,
    query: web::Query<YearQuery>,
) -> ApiResult<HttpResponse> {
    let visible = access.committee_scope().await?;
    let links = state.store.committee_links().await?;
    let year = query.year.unwrap_or(state.clock.today().year());
    let from = NaiveDate::from_ymd_opt(year, 1, 1)
        .ok_or_else(|| ApiError::bad_request(ProblemCode::InvalidYear, "no such year"))?;
    let to = NaiveDate::from_ymd_opt(year, 12, 31)
        .ok_or_else(|| ApiError::bad_request(ProblemCode::InvalidYear, "no such year"))?;
    let (discussed, fed_back) = state.store.committee_records_in(from, to, year).await?;
    let (settings, _) = state.store.settings().await?;
    let period_start = state
        .store
        .list_periods()
        .await?
        .into_iter()
        .find(|p| p.contains(to.min(state.clock.today().max(from))))
        .map(|p| p.dates.starts_on());
    let mut out = Vec::new();
    for (id, level, parent) in &links {
        if visible.as_ref().is_some_and(|v| !v.contains(id)) {
            continue;
        }
        let o = owed(
            *level,
            parent.is_some(),
            year,
            settings.main_committee_frequency,
            period_start,
        );
        let discussion_missing = o.discussion && !discussed.contains(id);
        let feedback_missing = o.feedback && !fed_back.contains(id);
        if discussion_missing || feedback_missing {
            let name = state.store.get_committee(*id).await?.name.into_string();
            out.push(MissingRecords {
                committee_id: id.uuid(),
                name,
                discussion_missing,
                feedback_missing,
            });
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(HttpResponse::Ok().json(ListResponse::new(out, None)))
}
