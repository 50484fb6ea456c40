//! What a plan looks like on the wire.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use devplan_domain::plan::{
    ActivityKind, ActivityStatus, AgreedVersion, CompetenceKind, Horizon, Party, Plan, PlanContent,
    PlanKind, PlanStatus, Responsible, Signature, Verdict,
};
use devplan_domain::text::LongText;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::http::versioned;

/// A goal.
#[derive(Debug, Serialize, ToSchema)]
pub struct GoalOut {
    /// Its id.
    pub id: Uuid,
    /// What is to be developed.
    pub description: String,
    /// Professional, personal or social.
    pub competence_kind: CompetenceKind,
    /// Short or long term.
    pub horizon: Horizon,
    /// How achievement is evaluated.
    pub evaluation_method: Option<String>,
    /// By when.
    pub due_date: Option<NaiveDate>,
    /// The unit development goal it serves.
    pub unit_goal_id: Option<Uuid>,
    /// The verdict, once evaluated.
    #[schema(value_type = Option<Verdict>)]
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
    #[schema(value_type = Party)]
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
    #[schema(value_type = PlanKind)]
    pub kind: String,
    /// The employees it is for.
    pub member_ids: Vec<Uuid>,
    /// Where it is in its life.
    #[schema(value_type = PlanStatus)]
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
    #[schema(value_type = Party)]
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

pub(crate) fn party_str(p: Party) -> &'static str {
    match p {
        Party::Employee => "employee",
        Party::Manager => "manager",
    }
}

pub(crate) fn text(t: &Option<LongText>) -> Option<String> {
    t.as_ref().map(|t| t.as_str().to_owned())
}

pub(crate) fn content_out(c: &PlanContent) -> ContentOut {
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

pub(crate) fn signatures_out(s: &[Signature]) -> Vec<SignatureOut> {
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

pub(crate) fn respond(status: StatusCode, plan: &Plan, you: Party) -> HttpResponse {
    versioned(status, plan.revision, &plan_out(plan, you))
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

/// Every version of a plan: the agreed ones, then the draft being written, if any.
pub fn versions(plan: &Plan, agreed: Vec<AgreedVersion>) -> Vec<VersionOut> {
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
