//! `/plans`: development plans, their goals, action plan, open points, signatures and versions.
//! The parties are the plan's members (as employees) and the managers of their units; nobody
//! else reaches a plan. Every change goes through the domain's plan functions.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, AcceptLanguage, Header as _};
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use devplan_domain::plan::{
    Activity, ActivityKind, ActivityStatus, AgreedVersion, CompetenceKind, ContentDiff, Evaluation,
    Goal, Horizon, OpenPoint, Party, Plan, PlanContent, PlanError, PlanKind, PlanPeriod,
    PlanStatus, Responsible, Signature, SignedRead, Verdict, check_activity, diff,
};
use devplan_domain::text::{LongText, Name};
use devplan_domain::{ActivityId, EmployeeId, GoalId, OpenPointId, PlanId, Violation, Violations};
use devplan_persistence::{PlanFilter, Store};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::app::AppState;
use crate::error::ApiError;
use crate::http::{
    ApiResult, IfMatch, ListResponse, ValidJson, page_request, patch_field, versioned,
};
use crate::policy::{Access, Caller};
use crate::printable;
use crate::routes::{parse_change, parse_opt};

// --- Schemas of the domain's enums (the wire values; the domain types are used as they are) ---

/// A goal's kind of competence.
#[derive(ToSchema)]
#[schema(as = CompetenceKind)]
#[allow(dead_code)]
#[serde(rename_all = "snake_case")]
enum CompetenceKindSchema {
    Professional,
    Personal,
    Social,
}

/// A goal's horizon.
#[derive(ToSchema)]
#[schema(as = Horizon)]
#[allow(dead_code)]
#[serde(rename_all = "snake_case")]
enum HorizonSchema {
    ShortTerm,
    LongTerm,
}

/// How a goal turned out.
#[derive(ToSchema)]
#[schema(as = Verdict)]
#[allow(dead_code)]
#[serde(rename_all = "snake_case")]
pub(crate) enum VerdictSchema {
    Achieved,
    PartlyAchieved,
    NotAchieved,
    Dropped,
}

/// The palette of development activities.
#[derive(ToSchema)]
#[schema(as = ActivityKind)]
#[allow(dead_code)]
#[serde(rename_all = "snake_case")]
enum ActivityKindSchema {
    OnTheJobTraining,
    Mentoring,
    CollegialFeedback,
    UserInteraction,
    ExternalPlacement,
    InternalPlacement,
    NewTasks,
    JobRotation,
    Network,
    Project,
    Sparring,
    Supervision,
    KnowledgeSharing,
    Course,
    Education,
    Other,
}

/// How an activity is going.
#[derive(ToSchema)]
#[schema(as = ActivityStatus)]
#[allow(dead_code)]
#[serde(rename_all = "snake_case")]
enum ActivityStatusSchema {
    Planned,
    InProgress,
    Completed,
    Cancelled,
}

/// Where a plan is in its life.
#[derive(ToSchema)]
#[schema(as = PlanStatus)]
#[allow(dead_code)]
#[serde(rename_all = "snake_case")]
enum PlanStatusSchema {
    Draft,
    Agreed,
    Superseded,
    Closed,
}

/// A party to a plan: its employee (each member) or a manager of theirs.
#[derive(ToSchema)]
#[schema(as = PlanParty)]
#[allow(dead_code)]
#[serde(rename_all = "snake_case")]
enum PartySchema {
    Employee,
    Manager,
}

/// Whether a plan is for one employee or a group.
#[derive(ToSchema)]
#[schema(as = PlanKind)]
#[allow(dead_code)]
#[serde(rename_all = "snake_case")]
enum PlanKindSchema {
    Individual,
    Group,
}

/// Who answers for an activity.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ResponsibleParty {
    /// The employee.
    Employee,
    /// The manager.
    Manager,
    /// Someone else, named in `responsible_name`.
    Other,
}

// --- Output ---

/// A goal.
#[derive(Debug, Serialize, ToSchema)]
pub struct GoalOut {
    /// Its id.
    pub id: Uuid,
    /// What is to be developed.
    pub description: String,
    /// Professional, personal or social.
    #[schema(value_type = CompetenceKindSchema)]
    pub competence_kind: CompetenceKind,
    /// Short or long term.
    #[schema(value_type = HorizonSchema)]
    pub horizon: Horizon,
    /// How achievement is evaluated.
    pub evaluation_method: Option<String>,
    /// By when.
    pub due_date: Option<NaiveDate>,
    /// The unit development goal it serves.
    pub unit_goal_id: Option<Uuid>,
    /// The verdict, once evaluated.
    #[schema(value_type = Option<VerdictSchema>)]
    pub verdict: Option<Verdict>,
    /// A note on the evaluation.
    pub evaluation_note: Option<String>,
    /// Whether what was learned is applied in daily work.
    pub applied_in_daily_work: Option<bool>,
}

/// An activity of the action plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityOut {
    /// Its id.
    pub id: Uuid,
    /// From the palette.
    #[schema(value_type = ActivityKindSchema)]
    pub kind: ActivityKind,
    /// A short title.
    pub title: String,
    /// What it involves.
    pub description: Option<String>,
    /// When it starts.
    pub start_date: Option<NaiveDate>,
    /// When it ends.
    pub end_date: Option<NaiveDate>,
    /// The goals it serves.
    pub goal_ids: Vec<Uuid>,
    /// Who answers for it.
    pub responsible: ResponsibleParty,
    /// The responsible person's name, when `other`.
    pub responsible_name: Option<String>,
    /// Hours.
    pub hours: Option<f64>,
    /// Cost in whole kroner.
    pub cost_dkk: Option<i64>,
    /// The catalogue offer it uses.
    pub catalogue_entry_id: Option<Uuid>,
    /// How it is going.
    #[schema(value_type = ActivityStatusSchema)]
    pub status: ActivityStatus,
    /// The employee's note on progress.
    pub progress_note: Option<String>,
}

/// An open point.
#[derive(Debug, Serialize, ToSchema)]
pub struct OpenPointOut {
    /// Its id.
    pub id: Uuid,
    /// What is open.
    pub text: String,
}

/// A signature.
#[derive(Debug, Serialize, ToSchema)]
pub struct SignatureOut {
    /// `employee` or `manager`: derived from who signed.
    #[schema(value_type = PartySchema)]
    pub party: String,
    /// The signer's employee id.
    pub signer_id: Uuid,
    /// When.
    pub signed_at: DateTime<Utc>,
    /// SHA-256 of the content signed.
    pub content_hash: String,
}

/// Why a plan was closed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClosureOut {
    /// Why.
    pub reason: String,
    /// Who closed it.
    pub closed_by: Uuid,
    /// When.
    pub closed_at: DateTime<Utc>,
}

/// A plan's content.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContentOut {
    /// A title.
    pub title: String,
    /// First day of the plan's period.
    pub starts_on: NaiveDate,
    /// Last day of the plan's period.
    pub ends_on: NaiveDate,
    /// Prior learning assessment (RKV) suggested.
    pub prior_learning_assessment: bool,
    /// Leadership education (managers' plans).
    pub leadership_education: bool,
    /// The development interview where it was made.
    pub development_interview_id: Option<Uuid>,
    /// The goals.
    pub goals: Vec<GoalOut>,
    /// The action plan.
    pub activities: Vec<ActivityOut>,
    /// Points left open.
    pub open_points: Vec<OpenPointOut>,
    /// SHA-256 of the agreed part of the content: what signatures are bound to.
    pub content_hash: String,
}

/// A development plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanOut {
    /// Its id.
    pub id: Uuid,
    /// `individual` or `group`.
    #[schema(value_type = PlanKindSchema)]
    pub kind: String,
    /// The employees it is for.
    pub member_ids: Vec<Uuid>,
    /// Where it is in its life.
    #[schema(value_type = PlanStatusSchema)]
    pub status: PlanStatus,
    /// The version of `content`: the one in force, or its successor while one is drafted.
    pub version: u32,
    /// The last version both parties signed: in force while `status` is `agreed`.
    pub agreed_version: Option<u32>,
    /// The successor being drafted while `agreed_version` stays in force; it replaces it
    /// only when both parties have signed it. Null when none is.
    pub pending_version: Option<u32>,
    /// Grows with every change; also the `ETag`. Send it (or `content.content_hash`) when
    /// signing.
    pub revision: i64,
    /// The caller's capacity in the plan: `employee` or `manager`.
    #[schema(value_type = PartySchema)]
    pub your_party: String,
    /// What the plan says.
    pub content: ContentOut,
    /// Signatures on the current version.
    pub signatures: Vec<SignatureOut>,
    /// Set when closed.
    pub closure: Option<ClosureOut>,
    /// Who drafted it.
    pub created_by: Uuid,
    /// When drafted.
    pub created_at: DateTime<Utc>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
}

fn party_str(p: Party) -> &'static str {
    match p {
        Party::Employee => "employee",
        Party::Manager => "manager",
    }
}

fn text(t: &Option<LongText>) -> Option<String> {
    t.as_ref().map(|t| t.as_str().to_owned())
}

fn content_out(c: &PlanContent) -> ContentOut {
    ContentOut {
        title: c.title.as_str().to_owned(),
        starts_on: c.period.starts_on(),
        ends_on: c.period.ends_on(),
        prior_learning_assessment: c.prior_learning_assessment,
        leadership_education: c.leadership_education,
        development_interview_id: c.development_interview_id,
        goals: c
            .goals
            .iter()
            .map(|g| GoalOut {
                id: g.id.uuid(),
                description: g.description.as_str().to_owned(),
                competence_kind: g.competence_kind,
                horizon: g.horizon,
                evaluation_method: text(&g.evaluation_method),
                due_date: g.due_date,
                unit_goal_id: g.unit_goal_id,
                verdict: g.evaluation.verdict,
                evaluation_note: text(&g.evaluation.note),
                applied_in_daily_work: g.evaluation.applied_in_daily_work,
            })
            .collect(),
        activities: c
            .activities
            .iter()
            .map(|a| {
                let (responsible, responsible_name) = match &a.responsible {
                    Responsible::Employee => (ResponsibleParty::Employee, None),
                    Responsible::Manager => (ResponsibleParty::Manager, None),
                    Responsible::Other { name } => {
                        (ResponsibleParty::Other, Some(name.as_str().to_owned()))
                    }
                };
                ActivityOut {
                    id: a.id.uuid(),
                    kind: a.kind,
                    title: a.title.as_str().to_owned(),
                    description: text(&a.description),
                    start_date: a.start_date,
                    end_date: a.end_date,
                    goal_ids: a.goal_ids.iter().map(|g| g.uuid()).collect(),
                    responsible,
                    responsible_name,
                    hours: a.hours,
                    cost_dkk: a.cost_dkk,
                    catalogue_entry_id: a.catalogue_entry_id,
                    status: a.status,
                    progress_note: text(&a.progress_note),
                }
            })
            .collect(),
        open_points: c
            .open_points
            .iter()
            .map(|p| OpenPointOut {
                id: p.id.uuid(),
                text: p.text.as_str().to_owned(),
            })
            .collect(),
        content_hash: c.content_hash(),
    }
}

fn signatures_out(s: &[Signature]) -> Vec<SignatureOut> {
    s.iter()
        .map(|s| SignatureOut {
            party: party_str(s.party).to_owned(),
            signer_id: s.signer.uuid(),
            signed_at: s.signed_at,
            content_hash: s.content_hash.clone(),
        })
        .collect()
}

/// A plan as the caller, taking part as `you`, sees it.
pub fn plan_out(p: &Plan, you: Party) -> PlanOut {
    PlanOut {
        id: p.id.uuid(),
        kind: match p.kind {
            PlanKind::Individual => "individual",
            PlanKind::Group => "group",
        }
        .to_owned(),
        member_ids: p.members.iter().map(|m| m.uuid()).collect(),
        status: p.status,
        version: p.version,
        agreed_version: p.agreed_version,
        pending_version: p.pending_version(),
        revision: p.revision,
        your_party: party_str(you).to_owned(),
        content: content_out(&p.content),
        signatures: signatures_out(&p.signatures),
        closure: p.closure.as_ref().map(|c| ClosureOut {
            reason: c.reason.as_str().to_owned(),
            closed_by: c.closed_by.uuid(),
            closed_at: c.closed_at,
        }),
        created_by: p.created_by.uuid(),
        created_at: p.created_at,
        updated_at: p.updated_at,
    }
}

fn respond(status: StatusCode, plan: &Plan, you: Party) -> HttpResponse {
    versioned(status, plan.revision, &plan_out(plan, you))
}

// --- Input ---

fn opt_long(v: &mut Violations, field: &str, raw: Option<&str>) -> Option<Option<LongText>> {
    parse_opt(v, raw, |s| LongText::parse(field, s))
}

/// A plan to draft.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"employee_id": "01936f6e-8a4b-7c3d-9e2f-1a2b3c4d5e70", "title": "Udviklingsplan 2026", "starts_on": "2026-01-01", "ends_on": "2026-12-31"}))]
pub struct PlanCreate {
    /// The employee of an individual plan.
    pub employee_id: Option<Uuid>,
    /// The members of a group plan (instead of `employee_id`).
    pub member_ids: Option<Vec<Uuid>>,
    /// A title.
    #[schema(value_type = crate::text_schema::NameText)]
    pub title: String,
    /// First day of the period.
    pub starts_on: NaiveDate,
    /// Last day of the period; after `starts_on`.
    pub ends_on: NaiveDate,
    /// Prior learning assessment suggested.
    #[serde(default)]
    pub prior_learning_assessment: bool,
    /// Leadership education (managers' plans).
    #[serde(default)]
    pub leadership_education: bool,
    /// The development interview where it was made.
    pub development_interview_id: Option<Uuid>,
}

impl PlanCreate {
    fn parse(self) -> Result<(PlanKind, Vec<EmployeeId>, PlanContent), Violations> {
        let mut v = Violations::new();
        let title = v.check(Name::parse("title", &self.title));
        let period = v.check(PlanPeriod::new(self.starts_on, self.ends_on));
        let members = match (self.employee_id, self.member_ids) {
            (Some(e), None) => Some((PlanKind::Individual, vec![EmployeeId::from_uuid(e)])),
            (None, Some(m)) => Some((
                PlanKind::Group,
                m.into_iter().map(EmployeeId::from_uuid).collect(),
            )),
            _ => {
                v.push(Violation::new(
                    "employee_id",
                    "required",
                    "give employee_id, or member_ids for a group plan",
                ));
                None
            }
        };
        v.finish(|| {
            let (kind, members) = members?;
            let mut content = PlanContent::new(title?, period?);
            content.prior_learning_assessment = self.prior_learning_assessment;
            content.leadership_education = self.leadership_education;
            content.development_interview_id = self.development_interview_id;
            Some((kind, members, content))
        })
    }
}

/// Changes to a plan's own fields: absent fields stay.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanPatch {
    /// New title.
    #[schema(value_type = Option<crate::text_schema::NameText>)]
    pub title: Option<String>,
    /// New first day.
    pub starts_on: Option<NaiveDate>,
    /// New last day.
    pub ends_on: Option<NaiveDate>,
    /// RKV suggested.
    pub prior_learning_assessment: Option<bool>,
    /// Leadership education.
    pub leadership_education: Option<bool>,
    /// The interview, or null.
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<Uuid>)]
    pub development_interview_id: Option<Option<Uuid>>,
}

impl PlanPatch {
    fn apply(self, c: &mut PlanContent) -> Result<(), PlanError> {
        let mut v = Violations::new();
        if let Some(t) = self.title.as_deref() {
            match Name::parse("title", t) {
                Ok(t) => c.title = t,
                Err(e) => v.push(e),
            }
        }
        let starts = self.starts_on.unwrap_or(c.period.starts_on());
        let ends = self.ends_on.unwrap_or(c.period.ends_on());
        match PlanPeriod::new(starts, ends) {
            Ok(p) => c.period = p,
            Err(e) => v.push(e),
        }
        if let Some(b) = self.prior_learning_assessment {
            c.prior_learning_assessment = b;
        }
        if let Some(b) = self.leadership_education {
            c.leadership_education = b;
        }
        if let Some(i) = self.development_interview_id {
            c.development_interview_id = i;
        }
        if v.is_empty() { Ok(()) } else { Err(v.into()) }
    }
}

/// A goal to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"description": "Blive bedre til at håndtere konflikter med forældre", "competence_kind": "professional", "horizon": "short_term", "evaluation_method": "Drøftes ved opfølgningen med eksempler fra hverdagen", "due_date": "2026-06-30"}))]
pub struct GoalIn {
    /// What is to be developed (1–4000 characters).
    #[schema(value_type = crate::text_schema::LongTextText)]
    pub description: String,
    /// Professional, personal or social.
    #[schema(value_type = CompetenceKindSchema)]
    pub competence_kind: CompetenceKind,
    /// Short or long term.
    #[schema(value_type = HorizonSchema)]
    pub horizon: Horizon,
    /// How achievement will be evaluated.
    #[schema(value_type = Option<crate::text_schema::LongTextText>)]
    pub evaluation_method: Option<String>,
    /// By when.
    pub due_date: Option<NaiveDate>,
    /// The unit development goal it serves.
    pub unit_goal_id: Option<Uuid>,
}

impl GoalIn {
    fn parse(self) -> Result<Goal, Violations> {
        let mut v = Violations::new();
        let description = v.check(LongText::parse("description", &self.description));
        let method = opt_long(
            &mut v,
            "evaluation_method",
            self.evaluation_method.as_deref(),
        );
        v.finish(|| {
            Some(Goal {
                id: GoalId::generate(),
                description: description?,
                competence_kind: self.competence_kind,
                horizon: self.horizon,
                evaluation_method: method?,
                due_date: self.due_date,
                unit_goal_id: self.unit_goal_id,
                evaluation: Evaluation::default(),
            })
        })
    }
}

/// Changes to a goal, its evaluation included: absent fields stay, null clears.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GoalPatch {
    /// New description.
    #[schema(value_type = Option<crate::text_schema::LongTextText>)]
    pub description: Option<String>,
    /// New kind.
    #[schema(value_type = Option<CompetenceKindSchema>)]
    pub competence_kind: Option<CompetenceKind>,
    /// New horizon.
    #[schema(value_type = Option<HorizonSchema>)]
    pub horizon: Option<Horizon>,
    /// How achievement is evaluated, or null.
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<crate::text_schema::LongTextText>)]
    pub evaluation_method: Option<Option<String>>,
    /// Due date, or null.
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<NaiveDate>)]
    pub due_date: Option<Option<NaiveDate>>,
    /// Unit development goal, or null.
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<Uuid>)]
    pub unit_goal_id: Option<Option<Uuid>>,
    /// Verdict, or null (follow-up data: no new version).
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<VerdictSchema>)]
    pub verdict: Option<Option<Verdict>>,
    /// Evaluation note, or null (follow-up data).
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<crate::text_schema::LongTextText>)]
    pub evaluation_note: Option<Option<String>>,
    /// Applied in daily work, or null (follow-up data).
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<bool>)]
    pub applied_in_daily_work: Option<Option<bool>>,
}

impl GoalPatch {
    fn apply(self, g: &mut Goal) -> Result<(), PlanError> {
        let mut v = Violations::new();
        let description = parse_opt(&mut v, self.description.as_deref(), |s| {
            LongText::parse("description", s)
        });
        let method = parse_change(
            &mut v,
            self.evaluation_method.as_ref().map(|o| o.as_deref()),
            |s| LongText::parse("evaluation_method", s),
        );
        let note = parse_change(
            &mut v,
            self.evaluation_note.as_ref().map(|o| o.as_deref()),
            |s| LongText::parse("evaluation_note", s),
        );
        let (Some(description), Some(method), Some(note)) = (description, method, note) else {
            return Err(v.into());
        };
        if let Some(d) = description {
            g.description = d;
        }
        if let Some(k) = self.competence_kind {
            g.competence_kind = k;
        }
        if let Some(h) = self.horizon {
            g.horizon = h;
        }
        if let Some(m) = method {
            g.evaluation_method = m;
        }
        if let Some(d) = self.due_date {
            g.due_date = d;
        }
        if let Some(u) = self.unit_goal_id {
            g.unit_goal_id = u;
        }
        if let Some(x) = self.verdict {
            g.evaluation.verdict = x;
        }
        if let Some(n) = note {
            g.evaluation.note = n;
        }
        if let Some(a) = self.applied_in_daily_work {
            g.evaluation.applied_in_daily_work = a;
        }
        Ok(())
    }
}

/// An activity to add to the action plan.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "course", "title": "Konflikthåndtering i praksis", "start_date": "2026-03-02", "end_date": "2026-03-04", "goal_ids": ["01936f6e-8a4b-7c3d-9e2f-1a2b3c4d5e72"], "responsible": "manager", "hours": 22.5, "cost_dkk": 4500}))]
pub struct ActivityIn {
    /// From the palette.
    #[schema(value_type = ActivityKindSchema)]
    pub kind: ActivityKind,
    /// A short title (1–200 characters).
    #[schema(value_type = crate::text_schema::NameText)]
    pub title: String,
    /// What it involves.
    #[schema(value_type = Option<crate::text_schema::LongTextText>)]
    pub description: Option<String>,
    /// When it starts.
    pub start_date: Option<NaiveDate>,
    /// When it ends; not before `start_date`.
    pub end_date: Option<NaiveDate>,
    /// The goals of this plan it serves.
    #[serde(default)]
    pub goal_ids: Vec<Uuid>,
    /// Who answers for it.
    pub responsible: ResponsibleParty,
    /// The responsible person's name, required when `responsible` is `other`.
    #[schema(value_type = Option<crate::text_schema::NameText>)]
    pub responsible_name: Option<String>,
    /// Hours, 0–10000.
    pub hours: Option<f64>,
    /// Cost in whole kroner.
    pub cost_dkk: Option<i64>,
    /// The catalogue offer it uses.
    pub catalogue_entry_id: Option<Uuid>,
    /// How it is going (default `planned`).
    #[schema(value_type = Option<ActivityStatusSchema>)]
    pub status: Option<ActivityStatus>,
}

fn responsible(
    v: &mut Violations,
    party: ResponsibleParty,
    name: Option<&str>,
) -> Option<Responsible> {
    match (party, name) {
        (ResponsibleParty::Employee, _) => Some(Responsible::Employee),
        (ResponsibleParty::Manager, _) => Some(Responsible::Manager),
        (ResponsibleParty::Other, Some(n)) => v
            .check(Name::parse("responsible_name", n))
            .map(|name| Responsible::Other { name }),
        (ResponsibleParty::Other, None) => {
            v.push(Violation::new(
                "responsible_name",
                "required",
                "name who is responsible",
            ));
            None
        }
    }
}

impl ActivityIn {
    fn parse(self) -> Result<Activity, Violations> {
        let mut v = Violations::new();
        let title = v.check(Name::parse("title", &self.title));
        let description = opt_long(&mut v, "description", self.description.as_deref());
        let responsible = responsible(&mut v, self.responsible, self.responsible_name.as_deref());
        v.finish(|| {
            Some(Activity {
                id: ActivityId::generate(),
                kind: self.kind,
                title: title?,
                description: description?,
                start_date: self.start_date,
                end_date: self.end_date,
                goal_ids: self.goal_ids.into_iter().map(GoalId::from_uuid).collect(),
                responsible: responsible?,
                hours: self.hours,
                cost_dkk: self.cost_dkk,
                catalogue_entry_id: self.catalogue_entry_id,
                status: self.status.unwrap_or(ActivityStatus::Planned),
                progress_note: None,
            })
        })
    }
}

/// Changes to an activity: absent fields stay, null clears. `status` and `progress_note` are
/// how the employee reports progress; they never open a new version.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivityPatch {
    /// New kind.
    #[schema(value_type = Option<ActivityKindSchema>)]
    pub kind: Option<ActivityKind>,
    /// New title.
    #[schema(value_type = Option<crate::text_schema::NameText>)]
    pub title: Option<String>,
    /// Description, or null.
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<crate::text_schema::LongTextText>)]
    pub description: Option<Option<String>>,
    /// Start, or null.
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<NaiveDate>)]
    pub start_date: Option<Option<NaiveDate>>,
    /// End, or null.
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<NaiveDate>)]
    pub end_date: Option<Option<NaiveDate>>,
    /// The full new list of goals served.
    pub goal_ids: Option<Vec<Uuid>>,
    /// Who answers for it.
    pub responsible: Option<ResponsibleParty>,
    /// The responsible person's name, with `responsible: other`.
    #[schema(value_type = Option<crate::text_schema::NameText>)]
    pub responsible_name: Option<String>,
    /// Hours, or null.
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<f64>)]
    pub hours: Option<Option<f64>>,
    /// Cost, or null.
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<i64>)]
    pub cost_dkk: Option<Option<i64>>,
    /// Catalogue offer, or null.
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<Uuid>)]
    pub catalogue_entry_id: Option<Option<Uuid>>,
    /// How it is going.
    #[schema(value_type = Option<ActivityStatusSchema>)]
    pub status: Option<ActivityStatus>,
    /// Progress note, or null.
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<crate::text_schema::LongTextText>)]
    pub progress_note: Option<Option<String>>,
}

impl ActivityPatch {
    fn apply(self, a: &mut Activity) -> Result<(), PlanError> {
        let mut v = Violations::new();
        let title = parse_opt(&mut v, self.title.as_deref(), |s| Name::parse("title", s));
        let description = parse_change(
            &mut v,
            self.description.as_ref().map(|o| o.as_deref()),
            |s| LongText::parse("description", s),
        );
        let note = parse_change(
            &mut v,
            self.progress_note.as_ref().map(|o| o.as_deref()),
            |s| LongText::parse("progress_note", s),
        );
        let resp = match (self.responsible, self.responsible_name.as_deref()) {
            (Some(p), name) => responsible(&mut v, p, name).map(Some),
            (None, Some(_)) => {
                v.push(Violation::new(
                    "responsible",
                    "required",
                    "give responsible: other with responsible_name",
                ));
                None
            }
            (None, None) => Some(None),
        };
        let (Some(title), Some(description), Some(note), Some(resp)) =
            (title, description, note, resp)
        else {
            return Err(v.into());
        };
        if let Some(k) = self.kind {
            a.kind = k;
        }
        if let Some(t) = title {
            a.title = t;
        }
        if let Some(d) = description {
            a.description = d;
        }
        if let Some(d) = self.start_date {
            a.start_date = d;
        }
        if let Some(d) = self.end_date {
            a.end_date = d;
        }
        if let Some(g) = self.goal_ids {
            a.goal_ids = g.into_iter().map(GoalId::from_uuid).collect();
        }
        if let Some(r) = resp {
            a.responsible = r;
        }
        if let Some(h) = self.hours {
            a.hours = h;
        }
        if let Some(c) = self.cost_dkk {
            a.cost_dkk = c;
        }
        if let Some(c) = self.catalogue_entry_id {
            a.catalogue_entry_id = c;
        }
        if let Some(s) = self.status {
            a.status = s;
        }
        if let Some(n) = note {
            a.progress_note = n;
        }
        Ok(())
    }
}

/// An open point's text.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"text": "Undersøg om der er plads på næste hold af diplommodulet"}))]
pub struct OpenPointIn {
    /// What is open (1–4000 characters).
    #[schema(value_type = crate::text_schema::LongTextText)]
    pub text: String,
}

/// A signature: what the signer read, as the plan's `revision` or its `content.content_hash`
/// (send one). Who signs, and in which capacity, comes from the token.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"revision": 7}))]
pub struct SignatureIn {
    /// The `revision` (`ETag`) of the plan as the signer read it. The signature stands when
    /// the content is unchanged since, whoever signed in between; 409 when it has changed.
    #[schema(minimum = 1, nullable = false)]
    pub revision: Option<i64>,
    /// The `content.content_hash` the signer read; 409 when the content is no longer that.
    #[schema(pattern = "^[0-9a-f]{64}$", nullable = false)]
    pub content_hash: Option<String>,
}

impl SignatureIn {
    /// What the signer read; exactly one of the two fields.
    fn read(self) -> Result<SignedRead, Violations> {
        match (self.revision, self.content_hash) {
            (Some(r), None) => Ok(SignedRead::Revision(r)),
            (None, Some(h)) => Ok(SignedRead::ContentHash(h)),
            (r, h) => {
                let message = "send what you read: either `revision` or `content_hash`";
                let mut v = Violations::new();
                for (field, sent) in [("revision", r.is_some()), ("content_hash", h.is_some())] {
                    let code = if sent { "one_of" } else { "required" };
                    v.push(Violation::new(field, code, message));
                }
                Err(v)
            }
        }
    }
}

/// Why a plan is closed.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "Medarbejderen er fratrådt"}))]
pub struct CloseIn {
    /// Why (1–4000 characters).
    #[schema(value_type = crate::text_schema::LongTextText)]
    pub reason: String,
}

/// Filters of the plan list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PlanQuery {
    /// Only plans this employee is a member of.
    pub employee_id: Option<Uuid>,
    /// Only plans in this state.
    #[param(value_type = Option<PlanStatusSchema>)]
    pub status: Option<PlanStatus>,
    /// Page size, 1–500 (default 50).
    pub limit: Option<u32>,
    /// From `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Which versions to compare.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DiffQuery {
    /// The older version.
    pub from: u32,
    /// The newer version.
    pub to: u32,
}

/// A version of a plan: agreed and frozen, or the draft being written.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionOut {
    /// Its number.
    pub version: u32,
    /// `agreed`, or `draft` for the version being written.
    pub state: String,
    /// The content.
    pub content: ContentOut,
    /// Its signatures.
    pub signatures: Vec<SignatureOut>,
    /// When it was agreed; null for the draft.
    pub agreed_at: Option<DateTime<Utc>>,
}

/// What changed between two versions (ids of added, removed and changed items).
#[derive(Debug, Serialize, ToSchema)]
pub struct DiffOut {
    /// The older version.
    pub from: u32,
    /// The newer version.
    pub to: u32,
    /// Plan fields that differ.
    pub changed_fields: Vec<String>,
    /// Goals added.
    pub goals_added: Vec<Uuid>,
    /// Goals removed.
    pub goals_removed: Vec<Uuid>,
    /// Goals changed.
    pub goals_changed: Vec<Uuid>,
    /// Activities added.
    pub activities_added: Vec<Uuid>,
    /// Activities removed.
    pub activities_removed: Vec<Uuid>,
    /// Activities changed.
    pub activities_changed: Vec<Uuid>,
    /// Open points added.
    pub open_points_added: Vec<Uuid>,
    /// Open points removed.
    pub open_points_removed: Vec<Uuid>,
    /// Open points changed.
    pub open_points_changed: Vec<Uuid>,
}

fn diff_out(from: u32, to: u32, d: ContentDiff) -> DiffOut {
    let ids = |v: Vec<_>| v.into_iter().map(|i: GoalId| i.uuid()).collect();
    DiffOut {
        from,
        to,
        changed_fields: d.changed_fields.into_iter().map(str::to_owned).collect(),
        goals_added: ids(d.goals_added),
        goals_removed: ids(d.goals_removed),
        goals_changed: ids(d.goals_changed),
        activities_added: d
            .activities_added
            .into_iter()
            .map(ActivityId::uuid)
            .collect(),
        activities_removed: d
            .activities_removed
            .into_iter()
            .map(ActivityId::uuid)
            .collect(),
        activities_changed: d
            .activities_changed
            .into_iter()
            .map(ActivityId::uuid)
            .collect(),
        open_points_added: d
            .open_points_added
            .into_iter()
            .map(OpenPointId::uuid)
            .collect(),
        open_points_removed: d
            .open_points_removed
            .into_iter()
            .map(OpenPointId::uuid)
            .collect(),
        open_points_changed: d
            .open_points_changed
            .into_iter()
            .map(OpenPointId::uuid)
            .collect(),
    }
}

/// Every version of a plan: the agreed ones, then the draft being written, if any.
fn versions(plan: &Plan, agreed: Vec<AgreedVersion>) -> Vec<VersionOut> {
    let mut out: Vec<VersionOut> = agreed
        .into_iter()
        .map(|v| VersionOut {
            version: v.version,
            state: "agreed".into(),
            content: content_out(&v.content),
            signatures: signatures_out(&v.signatures),
            agreed_at: Some(v.agreed_at),
        })
        .collect();
    if !out.iter().any(|v| v.version == plan.version) {
        out.push(VersionOut {
            version: plan.version,
            state: "draft".into(),
            content: content_out(&plan.content),
            signatures: signatures_out(&plan.signatures),
            agreed_at: None,
        });
    }
    out
}

// --- Handlers ---

/// Loads the plan through the policy, applies `change` in one transaction, answers the plan.
async fn change<T>(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    if_match: IfMatch,
    status: StatusCode,
    change: impl FnOnce(&mut Plan, Party, EmployeeId, DateTime<Utc>) -> Result<T, PlanError>,
) -> ApiResult<HttpResponse> {
    let (plan, party) = Access::new(caller, &state.store)
        .plan(PlanId::from_uuid(id))
        .await?;
    apply(state, caller, (&plan, party), if_match, status, change).await
}

/// Applies `change` to a plan the policy has already handed out, in one transaction.
async fn apply<T>(
    state: &AppState,
    caller: &Caller,
    (plan, party): (&Plan, Party),
    if_match: IfMatch,
    status: StatusCode,
    change: impl FnOnce(&mut Plan, Party, EmployeeId, DateTime<Utc>) -> Result<T, PlanError>,
) -> ApiResult<HttpResponse> {
    let me = caller
        .employee
        .as_ref()
        .map(|e| e.id)
        .ok_or(ApiError::NotFound)?;
    let now = state.clock.now();
    let (plan, _) = state
        .store
        .change_plan(plan.id, if_match.0, |p| change(p, party, me, now))
        .await?;
    Ok(respond(status, &plan, party))
}

/// Refuses a link to a unit development goal the plan's members cannot know: it must be
/// published by a member's unit or a unit above it.
async fn check_unit_goal(store: &Store, plan: &Plan, unit_goal: Option<Uuid>) -> ApiResult<()> {
    let Some(id) = unit_goal else {
        return Ok(());
    };
    let unknown = || {
        ApiError::from(Violation::new(
            "unit_goal_id",
            "unknown_unit_goal",
            "not a development goal of the employee's units",
        ))
    };
    let goal = match store
        .get_unit_goal(devplan_domain::UnitGoalId::from_uuid(id))
        .await
    {
        Ok(g) => g,
        Err(devplan_persistence::StoreError::NotFound) => return Err(unknown()),
        Err(e) => return Err(e.into()),
    };
    let units = store.units_of(&plan.members).await?;
    if store.ancestors_of(&units).await?.contains(&goal.unit_id) {
        Ok(())
    } else {
        Err(unknown())
    }
}

fn find<'a, T, I: PartialEq>(
    items: &'a mut [T],
    id: I,
    key: impl Fn(&T) -> I,
    what: &'static str,
) -> Result<&'a mut T, PlanError> {
    items
        .iter_mut()
        .find(|x| key(x) == id)
        .ok_or(PlanError::NoSuchItem(what))
}

/// The plans the caller takes part in.
#[utoipa::path(
    tag = "plans",
    operation_id = "list_plans",
    summary = "List the plans the caller takes part in",
    description = "An employee: their own plans and group plans they belong to. A manager: also the plans of the employees of the units they manage.",
    params(PlanQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of plans", body = ListResponse<PlanOut>),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden)
    )
)]
#[get("/plans")]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<PlanQuery>,
) -> ApiResult<HttpResponse> {
    let page = page_request(query.limit, query.cursor.as_deref())?;
    let scope = Access::new(&caller, &state.store).plan_scope().await?;
    let filter = PlanFilter {
        employee: query.employee_id.map(EmployeeId::from_uuid),
        status: query.status,
    };
    let plans = state.store.list_plans(&scope, &filter, page).await?;
    let me = caller.employee.as_ref().map(|e| e.id);
    Ok(HttpResponse::Ok().json(ListResponse::from_page(plans, |p| {
        let you = if me.is_some_and(|m| p.members.contains(&m)) {
            Party::Employee
        } else {
            Party::Manager
        };
        plan_out(&p, you)
    })))
}

/// Drafts a plan.
#[utoipa::path(
    tag = "plans",
    operation_id = "create_plan",
    summary = "Draft a plan for an employee or a group (manager)",
    description = "A new individual plan supersedes the employee's current one, which stays readable.",
    request_body = PlanCreate,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Drafted", body = PlanOut, headers(("ETag" = String, description = "The plan's revision"))),
        crate::openapi::CreateErrors
    )
)]
#[post("/plans")]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: ValidJson<PlanCreate>,
) -> ApiResult<HttpResponse> {
    let access = Access::new(&caller, &state.store);
    access.require_any(&[devplan_domain::org::Role::Manager])?;
    let (kind, members, content) = body.0.parse()?;
    if !access.may_draft_plan_for(&members).await? {
        let field = if kind == PlanKind::Individual {
            "employee_id"
        } else {
            "member_ids"
        };
        return Err(Violation::new(
            field,
            "unknown_employee",
            "no such employee in the units you manage",
        )
        .into());
    }
    let me = caller
        .employee
        .as_ref()
        .map(|e| e.id)
        .ok_or(ApiError::NotFound)?;
    let plan = Plan::draft(kind, members, content, me, state.clock.now())?;
    let plan = state.store.create_plan(plan).await?;
    Ok(respond(StatusCode::CREATED, &plan, Party::Manager))
}

/// One plan, as JSON or as the printable form.
#[utoipa::path(
    tag = "plans",
    operation_id = "get_plan",
    summary = "Read a plan; with Accept: text/html, the printable form (Danish, or English by Accept-Language)",
    params(("id" = Uuid, Path, description = "The plan's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The plan", headers(("ETag" = String, description = "The plan's revision")),
            content((PlanOut = "application/json"), (String = "text/html"))),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 404, response = crate::openapi::NotFound)
    )
)]
#[get("/plans/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let (plan, party) = Access::new(&caller, &state.store)
        .plan(PlanId::from_uuid(*id))
        .await?;
    if wants_html(&req) {
        let english = AcceptLanguage::parse(&req)
            .ok()
            .and_then(|l| l.preference().into_item())
            .is_some_and(|l| l.primary_language() == "en");
        let names = people(&state.store, &plan).await?;
        let html = printable::render(
            &plan,
            &names,
            if english {
                printable::Lang::En
            } else {
                printable::Lang::Da
            },
        );
        return Ok(HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .insert_header((header::ETAG, crate::http::etag(plan.revision)))
            .insert_header((header::VARY, "Accept, Accept-Language"))
            .body(html));
    }
    Ok(respond(StatusCode::OK, &plan, party))
}

fn wants_html(req: &HttpRequest) -> bool {
    let accept = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let html = accept.find("text/html");
    let json = accept.find("application/json");
    matches!((html, json), (Some(h), Some(j)) if h < j) || (html.is_some() && json.is_none())
}

/// Names of the members and signers, for the printable form.
async fn people(store: &Store, plan: &Plan) -> ApiResult<printable::Names> {
    let mut ids: Vec<EmployeeId> = plan.members.clone();
    ids.extend(plan.signatures.iter().map(|s| s.signer));
    let mut names = printable::Names::default();
    for id in ids {
        if let std::collections::hash_map::Entry::Vacant(e) = names.0.entry(id) {
            let emp = store.get_employee(id).await?;
            e.insert(emp.name.into_string());
        }
    }
    Ok(names)
}

/// Changes a plan's own fields.
#[utoipa::path(
    tag = "plans",
    operation_id = "update_plan",
    summary = "Change a plan's title, period or flags (employee or manager)",
    description = "Editing a draft drops signatures already given. Editing an agreed plan, by either party, drafts its successor (`pending_version`); the agreed version stays in force until both have signed the successor.",
    params(("id" = Uuid, Path, description = "The plan's id"), ("If-Match" = Option<String>, Header, description = "The revision last read; 412 when stale")),
    request_body = PlanPatch,
    security(("bearer" = [])),
    responses((status = 200, description = "Changed", body = PlanOut), crate::openapi::UpdateErrors)
)]
#[patch("/plans/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: ValidJson<PlanPatch>,
) -> ApiResult<HttpResponse> {
    change(
        &state,
        &caller,
        *id,
        if_match,
        StatusCode::OK,
        |p, _, _, now| p.edit(|c| body.0.apply(c), now),
    )
    .await
}

/// Closes a plan.
#[utoipa::path(
    tag = "plans",
    operation_id = "close_plan",
    summary = "Close a plan, recording why (manager)",
    params(("id" = Uuid, Path, description = "The plan's id"), ("If-Match" = Option<String>, Header, description = "The revision last read; 412 when stale")),
    request_body = CloseIn,
    security(("bearer" = [])),
    responses((status = 200, description = "Closed", body = PlanOut), crate::openapi::UpdateErrors)
)]
#[post("/plans/{id}/close")]
pub async fn close(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: ValidJson<CloseIn>,
) -> ApiResult<HttpResponse> {
    let reason = LongText::parse("reason", &body.0.reason)?;
    let (_, party) = Access::new(&caller, &state.store)
        .plan(PlanId::from_uuid(*id))
        .await?;
    if party != Party::Manager {
        return Err(ApiError::Forbidden(
            "only a manager of the plan's employee closes it".into(),
        ));
    }
    change(
        &state,
        &caller,
        *id,
        if_match,
        StatusCode::OK,
        |p, _, me, now| p.close(reason, me, now),
    )
    .await
}

/// Adds a goal.
#[utoipa::path(
    tag = "plans",
    operation_id = "add_goal",
    summary = "Add a goal (employee or manager)",
    params(("id" = Uuid, Path, description = "The plan's id"), ("If-Match" = Option<String>, Header, description = "The revision last read; 412 when stale")),
    request_body = GoalIn,
    security(("bearer" = [])),
    responses((status = 201, description = "The plan with the goal", body = PlanOut), crate::openapi::UpdateErrors)
)]
#[post("/plans/{id}/goals")]
pub async fn add_goal(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: ValidJson<GoalIn>,
) -> ApiResult<HttpResponse> {
    let goal = body.0.parse()?;
    let (plan, party) = Access::new(&caller, &state.store)
        .plan(PlanId::from_uuid(*id))
        .await?;
    check_unit_goal(&state.store, &plan, goal.unit_goal_id).await?;
    apply(
        &state,
        &caller,
        (&plan, party),
        if_match,
        StatusCode::CREATED,
        |p, _, _, now| {
            p.edit(
                |c| {
                    c.goals.push(goal);
                    Ok(())
                },
                now,
            )
        },
    )
    .await
}

/// Changes a goal.
#[utoipa::path(
    tag = "plans",
    operation_id = "update_goal",
    summary = "Change a goal or record its evaluation (employee or manager)",
    params(("id" = Uuid, Path, description = "The plan's id"), ("goal_id" = Uuid, Path, description = "The goal's id"), ("If-Match" = Option<String>, Header, description = "The revision last read; 412 when stale")),
    request_body = GoalPatch,
    security(("bearer" = [])),
    responses((status = 200, description = "Changed", body = PlanOut), crate::openapi::UpdateErrors)
)]
#[patch("/plans/{id}/goals/{goal_id}")]
pub async fn update_goal(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(Uuid, Uuid)>,
    if_match: IfMatch,
    body: ValidJson<GoalPatch>,
) -> ApiResult<HttpResponse> {
    let (id, goal) = path.into_inner();
    let (plan, party) = Access::new(&caller, &state.store)
        .plan(PlanId::from_uuid(id))
        .await?;
    check_unit_goal(&state.store, &plan, body.0.unit_goal_id.flatten()).await?;
    apply(
        &state,
        &caller,
        (&plan, party),
        if_match,
        StatusCode::OK,
        |p, _, _, now| {
            p.edit(
                |c| {
                    body.0.apply(find(
                        &mut c.goals,
                        GoalId::from_uuid(goal),
                        |g| g.id,
                        "goal",
                    )?)
                },
                now,
            )
        },
    )
    .await
}

/// Removes a goal.
#[utoipa::path(
    tag = "plans",
    operation_id = "delete_goal",
    summary = "Remove a goal no activity serves (employee or manager)",
    params(("id" = Uuid, Path, description = "The plan's id"), ("goal_id" = Uuid, Path, description = "The goal's id"), ("If-Match" = Option<String>, Header, description = "The revision last read; 412 when stale")),
    security(("bearer" = [])),
    responses((status = 200, description = "Removed", body = PlanOut), crate::openapi::UpdateErrors)
)]
#[delete("/plans/{id}/goals/{goal_id}")]
pub async fn delete_goal(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(Uuid, Uuid)>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let (id, goal) = path.into_inner();
    let goal = GoalId::from_uuid(goal);
    change(
        &state,
        &caller,
        id,
        if_match,
        StatusCode::OK,
        |p, _, _, now| {
            p.edit(
                |c| {
                    find(&mut c.goals, goal, |g| g.id, "goal")?;
                    if c.activities.iter().any(|a| a.goal_ids.contains(&goal)) {
                        return Err(PlanError::GoalInUse);
                    }
                    c.goals.retain(|g| g.id != goal);
                    Ok(())
                },
                now,
            )
        },
    )
    .await
}

/// Adds an activity.
#[utoipa::path(
    tag = "plans",
    operation_id = "add_activity",
    summary = "Add an activity to the action plan (employee or manager)",
    params(("id" = Uuid, Path, description = "The plan's id"), ("If-Match" = Option<String>, Header, description = "The revision last read; 412 when stale")),
    request_body = ActivityIn,
    security(("bearer" = [])),
    responses((status = 201, description = "The plan with the activity", body = PlanOut), crate::openapi::UpdateErrors)
)]
#[post("/plans/{id}/activities")]
pub async fn add_activity(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: ValidJson<ActivityIn>,
) -> ApiResult<HttpResponse> {
    let activity = body.0.parse()?;
    change(
        &state,
        &caller,
        *id,
        if_match,
        StatusCode::CREATED,
        |p, _, _, now| {
            p.edit(
                |c| {
                    check_activity(&activity, &c.goals)?;
                    c.activities.push(activity);
                    Ok(())
                },
                now,
            )
        },
    )
    .await
}

/// Changes an activity.
#[utoipa::path(
    tag = "plans",
    operation_id = "update_activity",
    summary = "Change an activity, or report its progress (employee or manager)",
    params(("id" = Uuid, Path, description = "The plan's id"), ("activity_id" = Uuid, Path, description = "The activity's id"), ("If-Match" = Option<String>, Header, description = "The revision last read; 412 when stale")),
    request_body = ActivityPatch,
    security(("bearer" = [])),
    responses((status = 200, description = "Changed", body = PlanOut), crate::openapi::UpdateErrors)
)]
#[patch("/plans/{id}/activities/{activity_id}")]
pub async fn update_activity(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(Uuid, Uuid)>,
    if_match: IfMatch,
    body: ValidJson<ActivityPatch>,
) -> ApiResult<HttpResponse> {
    let (id, activity) = path.into_inner();
    change(
        &state,
        &caller,
        id,
        if_match,
        StatusCode::OK,
        |p, _, _, now| {
            p.edit(
                |c| {
                    let goals = c.goals.clone();
                    let a = find(
                        &mut c.activities,
                        ActivityId::from_uuid(activity),
                        |a| a.id,
                        "activity",
                    )?;
                    body.0.apply(a)?;
                    check_activity(a, &goals)?;
                    Ok(())
                },
                now,
            )
        },
    )
    .await
}

/// Removes an activity.
#[utoipa::path(
    tag = "plans",
    operation_id = "delete_activity",
    summary = "Remove an activity (employee or manager)",
    params(("id" = Uuid, Path, description = "The plan's id"), ("activity_id" = Uuid, Path, description = "The activity's id"), ("If-Match" = Option<String>, Header, description = "The revision last read; 412 when stale")),
    security(("bearer" = [])),
    responses((status = 200, description = "Removed", body = PlanOut), crate::openapi::UpdateErrors)
)]
#[delete("/plans/{id}/activities/{activity_id}")]
pub async fn delete_activity(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(Uuid, Uuid)>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let (id, activity) = path.into_inner();
    let activity = ActivityId::from_uuid(activity);
    change(
        &state,
        &caller,
        id,
        if_match,
        StatusCode::OK,
        |p, _, _, now| {
            p.edit(
                |c| {
                    find(&mut c.activities, activity, |a| a.id, "activity")?;
                    c.activities.retain(|a| a.id != activity);
                    Ok(())
                },
                now,
            )
        },
    )
    .await
}

/// Adds an open point.
#[utoipa::path(
    tag = "plans",
    operation_id = "add_open_point",
    summary = "Add an open point (employee or manager)",
    params(("id" = Uuid, Path, description = "The plan's id"), ("If-Match" = Option<String>, Header, description = "The revision last read; 412 when stale")),
    request_body = OpenPointIn,
    security(("bearer" = [])),
    responses((status = 201, description = "The plan with the open point", body = PlanOut), crate::openapi::UpdateErrors)
)]
#[post("/plans/{id}/open-points")]
pub async fn add_open_point(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: ValidJson<OpenPointIn>,
) -> ApiResult<HttpResponse> {
    let text = LongText::parse("text", &body.0.text)?;
    change(
        &state,
        &caller,
        *id,
        if_match,
        StatusCode::CREATED,
        |p, _, _, now| {
            p.edit(
                |c| {
                    c.open_points.push(OpenPoint {
                        id: OpenPointId::generate(),
                        text,
                    });
                    Ok(())
                },
                now,
            )
        },
    )
    .await
}

/// Changes an open point.
#[utoipa::path(
    tag = "plans",
    operation_id = "update_open_point",
    summary = "Change an open point's text (employee or manager)",
    params(("id" = Uuid, Path, description = "The plan's id"), ("point_id" = Uuid, Path, description = "The open point's id"), ("If-Match" = Option<String>, Header, description = "The revision last read; 412 when stale")),
    request_body = OpenPointIn,
    security(("bearer" = [])),
    responses((status = 200, description = "Changed", body = PlanOut), crate::openapi::UpdateErrors)
)]
#[patch("/plans/{id}/open-points/{point_id}")]
pub async fn update_open_point(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(Uuid, Uuid)>,
    if_match: IfMatch,
    body: ValidJson<OpenPointIn>,
) -> ApiResult<HttpResponse> {
    let (id, point) = path.into_inner();
    let text = LongText::parse("text", &body.0.text)?;
    change(
        &state,
        &caller,
        id,
        if_match,
        StatusCode::OK,
        |p, _, _, now| {
            p.edit(
                |c| {
                    find(
                        &mut c.open_points,
                        OpenPointId::from_uuid(point),
                        |o| o.id,
                        "open point",
                    )?
                    .text = text;
                    Ok(())
                },
                now,
            )
        },
    )
    .await
}

/// Removes an open point.
#[utoipa::path(
    tag = "plans",
    operation_id = "delete_open_point",
    summary = "Remove an open point (employee or manager)",
    params(("id" = Uuid, Path, description = "The plan's id"), ("point_id" = Uuid, Path, description = "The open point's id"), ("If-Match" = Option<String>, Header, description = "The revision last read; 412 when stale")),
    security(("bearer" = [])),
    responses((status = 200, description = "Removed", body = PlanOut), crate::openapi::UpdateErrors)
)]
#[delete("/plans/{id}/open-points/{point_id}")]
pub async fn delete_open_point(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(Uuid, Uuid)>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let (id, point) = path.into_inner();
    let point = OpenPointId::from_uuid(point);
    change(
        &state,
        &caller,
        id,
        if_match,
        StatusCode::OK,
        |p, _, _, now| {
            p.edit(
                |c| {
                    find(&mut c.open_points, point, |o| o.id, "open point")?;
                    c.open_points.retain(|o| o.id != point);
                    Ok(())
                },
                now,
            )
        },
    )
    .await
}

/// Signs the current version.
#[utoipa::path(
    tag = "plans",
    operation_id = "sign_plan",
    summary = "Sign the current version (employee or manager; the capacity is derived)",
    description = "The signature is bound to the content the signer read, named by the revision or the content hash read. It stands as long as that content is unchanged, whoever signed or recorded follow-up data in between; 409 `plan_changed` when the content changed since. When every party has signed, the version is agreed, frozen and in force; an agreed version being succeeded stays in force until its successor is agreed.",
    params(("id" = Uuid, Path, description = "The plan's id")),
    request_body = SignatureIn,
    security(("bearer" = [])),
    responses((status = 201, description = "Signed", body = PlanOut), crate::openapi::UpdateErrors)
)]
#[post("/plans/{id}/signatures")]
pub async fn sign(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ValidJson<SignatureIn>,
) -> ApiResult<HttpResponse> {
    let read = body.0.read()?;
    change(
        &state,
        &caller,
        *id,
        IfMatch(None),
        StatusCode::CREATED,
        move |p, party, me, now| p.sign(party, me, read, now),
    )
    .await
}

/// Every version of a plan.
#[utoipa::path(
    tag = "plans",
    operation_id = "list_plan_versions",
    summary = "Every version of a plan with its content and signatures",
    params(("id" = Uuid, Path, description = "The plan's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Agreed versions, oldest first, then the draft being written", body = ListResponse<VersionOut>),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 404, response = crate::openapi::NotFound)
    )
)]
#[get("/plans/{id}/versions")]
pub async fn list_versions(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let (plan, _) = Access::new(&caller, &state.store)
        .plan(PlanId::from_uuid(*id))
        .await?;
    let agreed = state.store.plan_versions(plan.id).await?;
    Ok(HttpResponse::Ok().json(ListResponse::new(versions(&plan, agreed), None)))
}

/// One version of a plan.
#[utoipa::path(
    tag = "plans",
    operation_id = "get_plan_version",
    summary = "One version of a plan",
    params(("id" = Uuid, Path, description = "The plan's id"), ("version" = u32, Path, description = "The version number")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The version", body = VersionOut),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 404, response = crate::openapi::NotFound)
    )
)]
#[get("/plans/{id}/versions/{version}")]
pub async fn get_version(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(Uuid, u32)>,
) -> ApiResult<HttpResponse> {
    let (id, number) = path.into_inner();
    let (plan, _) = Access::new(&caller, &state.store)
        .plan(PlanId::from_uuid(id))
        .await?;
    let agreed = state.store.plan_versions(plan.id).await?;
    versions(&plan, agreed)
        .into_iter()
        .find(|v| v.version == number)
        .map(|v| HttpResponse::Ok().json(v))
        .ok_or(ApiError::NotFound)
}

/// Compares two versions.
#[utoipa::path(
    tag = "plans",
    operation_id = "diff_plan_versions",
    summary = "What changed between two versions of a plan",
    params(("id" = Uuid, Path, description = "The plan's id"), DiffQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The changes", body = DiffOut),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 404, response = crate::openapi::NotFound)
    )
)]
#[get("/plans/{id}/diff")]
pub async fn diff_versions(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
    query: web::Query<DiffQuery>,
) -> ApiResult<HttpResponse> {
    let (plan, _) = Access::new(&caller, &state.store)
        .plan(PlanId::from_uuid(*id))
        .await?;
    let mut agreed = state.store.plan_versions(plan.id).await?;
    if plan.status != PlanStatus::Agreed || !agreed.iter().any(|v| v.version == plan.version) {
        agreed.retain(|v| v.version != plan.version);
    }
    let content_of = |n: u32| -> Option<PlanContent> {
        if n == plan.version && !agreed.iter().any(|v| v.version == n) {
            Some(plan.content.clone())
        } else {
            agreed
                .iter()
                .find(|v| v.version == n)
                .map(|v| v.content.clone())
        }
    };
    let (Some(old), Some(new)) = (content_of(query.from), content_of(query.to)) else {
        return Err(ApiError::NotFound);
    };
    Ok(HttpResponse::Ok().json(diff_out(query.from, query.to, diff(&old, &new))))
}
