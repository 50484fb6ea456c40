//! Follow-ups: `/plans/{id}/follow-ups` records and lists a plan's follow-ups; `/follow-ups`
//! is the work list of what is due, overdue or special.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use chrono::NaiveDate;
use devplan_domain::followup::{DueState, FollowUpKind, FollowUpRecord, GoalProgress};
use devplan_domain::text::{LongText, Name};
use devplan_domain::{FieldCode, ProblemCode};
use devplan_domain::{PlanId, UnitId, Violations};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::error::ApiError;
use crate::fields::parse_opt;
use crate::http::{ApiResult, ListResponse, ValidJson};
use crate::policy::{Manager, PeopleReader, PlanParty};
use crate::services::work_list::{MAX_WINDOW_DAYS, work_items};
use crate::state::AppState;
use crate::views::follow_up::{FollowUpOut, Kind, OutcomeIn, ProgressIo};
use crate::views::person::Person;

/// A follow-up held.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "annual", "held_on": "2026-01-08", "participants": ["Camilla Rasmussen", "Sofie Rasmussen"], "notes": "God fremdrift", "progress": [], "outcome": "continued"}))]
pub struct FollowUpIn {
    /// Annual, special or ad hoc.
    pub kind: Kind,
    /// The day it was held.
    pub held_on: NaiveDate,
    /// Who took part, by name.
    #[serde(default)]
    #[schema(value_type = Vec<crate::text_schema::NameText>, max_items = 50)]
    pub participants: Vec<String>,
    /// What was said.
    #[schema(value_type = Option<crate::text_schema::LongTextText>)]
    pub notes: Option<String>,
    /// Progress per goal.
    #[serde(default)]
    pub progress: Vec<ProgressIo>,
    /// What was decided.
    pub outcome: OutcomeIn,
}

impl FollowUpIn {
    fn parse(self, today: NaiveDate) -> Result<FollowUpRecord, Violations> {
        let mut v = Violations::new();
        if self.held_on > today {
            v.push(devplan_domain::Violation::new(
                "held_on",
                FieldCode::InTheFuture,
                "a follow-up is recorded once it has been held",
            ));
        }
        if self.participants.len() > 50 {
            v.push(devplan_domain::Violation::new(
                "participants",
                FieldCode::TooMany,
                "at most 50 participants",
            ));
        }
        let participants: Vec<Option<Name>> = self
            .participants
            .iter()
            .enumerate()
            .map(|(i, p)| v.check(Name::parse(&format!("participants[{i}]"), p)))
            .collect();
        let notes = parse_opt(&mut v, self.notes.as_deref(), |s| {
            LongText::parse("notes", s)
        });
        let progress: Vec<Option<GoalProgress>> = self
            .progress
            .into_iter()
            .enumerate()
            .map(|(i, p)| {
                let note = parse_opt(&mut v, p.note.as_deref(), |s| {
                    LongText::parse(&format!("progress[{i}].note"), s)
                })?;
                Some(GoalProgress {
                    goal_id: p.goal_id,
                    note,
                    verdict: p.verdict,
                })
            })
            .collect();
        v.finish(|| {
            Some(FollowUpRecord {
                kind: self.kind.into(),
                held_on: self.held_on,
                participants: participants.into_iter().collect::<Option<_>>()?,
                notes: notes?,
                progress: progress.into_iter().collect::<Option<_>>()?,
                outcome: self.outcome.into(),
            })
        })
    }
}

/// The follow-up and the plan as it stands after it.
#[derive(Debug, Serialize, ToSchema)]
pub struct FollowUpRecorded {
    /// The follow-up.
    pub follow_up: FollowUpOut,
    /// The plan after the outcome: a new draft version when adjusted, closed when closed.
    pub plan: crate::views::plan::PlanOut,
}

/// Records a follow-up.
#[utoipa::path(
    tag = "follow-ups",
    operation_id = "record_follow_up",
    summary = "Record a follow-up of an agreed plan (a manager of the plan's employee)",
    description = "`adjusted` opens the plan's next version as a draft to be signed; `closed` closes the plan. 409 `plan_not_agreed` for a plan never agreed.",
    params(("id" = Uuid, Path, description = "The plan's id")),
    request_body = FollowUpIn,
    security(("bearer" = [])),
    responses((status = 201, description = "Recorded", body = FollowUpRecorded), crate::openapi::UpdateErrors)
)]
#[post("/plans/{id}/follow-ups")]
pub async fn record(
    state: web::Data<AppState>,
    access: Manager,
    id: web::Path<PlanId>,
    body: ValidJson<FollowUpIn>,
) -> ApiResult<HttpResponse> {
    let record = body.0.parse(state.clock.today())?;
    let gate = access.plan_gate().await?;
    let (plan, party, stored) = state
        .store
        .record_follow_up(
            *id,
            |p, units| gate.admit(p, units),
            record,
            state.clock.now(),
        )
        .await?;
    Ok(
        HttpResponse::build(StatusCode::CREATED).json(FollowUpRecorded {
            follow_up: stored.into(),
            plan: crate::views::plan::plan_out(&plan, party),
        }),
    )
}

/// A plan's follow-ups.
#[utoipa::path(
    tag = "follow-ups",
    operation_id = "list_plan_follow_ups",
    summary = "A plan's follow-ups, oldest first (the plan's employee and managers)",
    params(("id" = Uuid, Path, description = "The plan's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The follow-ups", body = ListResponse<FollowUpOut>),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound)
    )
)]
#[get("/plans/{id}/follow-ups")]
pub async fn list(
    state: web::Data<AppState>,
    access: PlanParty,
    id: web::Path<PlanId>,
) -> ApiResult<HttpResponse> {
    let (plan, _) = access.plan(*id).await?;
    let items = state.store.list_follow_ups(plan.id).await?;
    Ok(HttpResponse::Ok().json(ListResponse::new(
        items.into_iter().map(FollowUpOut::from).collect(),
        None,
    )))
}

/// Due or overdue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = WorkItemState)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Due today or within the window.
    Due,
    /// Past its due date.
    Overdue,
}

/// One item of the work list.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkItemOut {
    /// Annual or special.
    pub kind: Kind,
    /// Due or overdue.
    pub state: State,
    /// When it is due.
    pub due_on: NaiveDate,
    /// The employee.
    pub employee: Person,
    /// Their plan, when they have one.
    pub plan_id: Option<Uuid>,
}

/// Filters of the work list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct WorkQuery {
    /// How many days ahead counts as due (default 30, at most 366).
    pub window_days: Option<u32>,
    /// Only employees of this unit and those below it.
    #[param(value_type = Option<Uuid>)]
    pub unit_id: Option<UnitId>,
    /// Only this kind.
    pub kind: Option<Kind>,
    /// Only due or only overdue.
    pub state: Option<State>,
}

/// The work list.
#[utoipa::path(
    tag = "follow-ups",
    operation_id = "list_follow_ups_due",
    summary = "Follow-ups due within a window, overdue, or special after a long absence, earliest first",
    description = "A manager: the employees of the units they manage; an employee: their own; HR: everyone.",
    params(WorkQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The work list", body = ListResponse<WorkItemOut>),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound)
    )
)]
#[get("/follow-ups")]
pub async fn work(
    state: web::Data<AppState>,
    access: PeopleReader,
    query: web::Query<WorkQuery>,
) -> ApiResult<HttpResponse> {
    let window = query
        .window_days
        .unwrap_or(devplan_domain::status::DUE_WINDOW_DAYS);
    if window > MAX_WINDOW_DAYS {
        return Err(ApiError::bad_request(
            ProblemCode::InvalidWindow,
            "window_days must be at most 366",
        ));
    }
    let scope = access.follow_up_scope().await?;
    let within = match query.unit_id {
        Some(u) => Some(
            access
                .unit_subtree(u)
                .await?
                .into_iter()
                .collect::<std::collections::HashSet<_>>(),
        ),
        None => None,
    };
    let items = work_items(&state, &scope, window).await?;
    let out: Vec<WorkItemOut> = items
        .into_iter()
        .filter(|(_, _, unit)| within.as_ref().is_none_or(|w| w.contains(unit)))
        .filter(|(i, _, _)| query.kind.is_none_or(|k| FollowUpKind::from(k) == i.kind))
        .filter_map(|(i, name, unit)| {
            let state = match i.state {
                DueState::Overdue => State::Overdue,
                DueState::Due => State::Due,
                DueState::Upcoming => return None,
            };
            if query.state.is_some_and(|s| s != state) {
                return None;
            }
            Some(WorkItemOut {
                kind: i.kind.into(),
                state,
                due_on: i.due_on,
                employee: Person {
                    id: i.employee.uuid(),
                    name,
                    unit_id: unit.uuid(),
                },
                plan_id: i.plan_id.map(PlanId::uuid),
            })
        })
        .collect();
    Ok(HttpResponse::Ok().json(ListResponse::new(out, None)))
}
