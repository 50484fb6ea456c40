//! What a plan says: goals, the action plan, open points and the plan period, with the rules
//! that hold within the content.

use crate::FieldCode;
use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::PlanError;
use crate::text::{LongText, Name};
use crate::{ActivityId, GoalId, OpenPointId, Violation, Violations};

/// What kind of competence a goal develops.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "openapi",
    schema(description = "A goal's kind of competence.")
)]
#[serde(rename_all = "snake_case")]
pub enum CompetenceKind {
    /// Faglig.
    Professional,
    /// Personlig.
    Personal,
    /// Social.
    Social,
}

impl CompetenceKind {
    /// Every variant, in declaration order (what the API publishes is checked against it).
    pub const ALL: [CompetenceKind; 3] = [
        CompetenceKind::Professional,
        CompetenceKind::Personal,
        CompetenceKind::Social,
    ];
}

/// How far ahead a goal reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(description = "A goal's horizon."))]
#[serde(rename_all = "snake_case")]
pub enum Horizon {
    /// Kortsigtet.
    ShortTerm,
    /// Langsigtet.
    LongTerm,
}

impl Horizon {
    /// Every variant, in declaration order (what the API publishes is checked against it).
    pub const ALL: [Horizon; 2] = [Horizon::ShortTerm, Horizon::LongTerm];
}

/// How a goal turned out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(description = "How a goal turned out."))]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Reached.
    Achieved,
    /// Partly reached.
    PartlyAchieved,
    /// Not reached.
    NotAchieved,
    /// Given up on purpose.
    Dropped,
}

impl Verdict {
    /// Every variant, in declaration order (what the API publishes is checked against it).
    pub const ALL: [Verdict; 4] = [
        Verdict::Achieved,
        Verdict::PartlyAchieved,
        Verdict::NotAchieved,
        Verdict::Dropped,
    ];
}

/// The palette of development activities (Herlev's competence policy and the competence
/// secretariat's guide to development plans): not only courses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "openapi",
    schema(description = "The palette of development activities.")
)]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    /// Sidemandsoplæring.
    OnTheJobTraining,
    /// Mentorordning.
    Mentoring,
    /// Kollegial feedback.
    CollegialFeedback,
    /// Learning from users and citizens.
    UserInteraction,
    /// Praktik på anden arbejdsplads.
    ExternalPlacement,
    /// Ophold i anden afdeling.
    InternalPlacement,
    /// Nye opgaver.
    NewTasks,
    /// Jobrotation.
    JobRotation,
    /// Netværk, erfa-gruppe.
    Network,
    /// Projektdeltagelse.
    Project,
    /// Sparring.
    Sparring,
    /// Supervision.
    Supervision,
    /// Videndeling.
    KnowledgeSharing,
    /// Kursus.
    Course,
    /// Længere uddannelse.
    Education,
    /// Anything else.
    Other,
}

impl ActivityKind {
    /// Every variant, in declaration order (what the API publishes is checked against it).
    pub const ALL: [ActivityKind; 16] = [
        ActivityKind::OnTheJobTraining,
        ActivityKind::Mentoring,
        ActivityKind::CollegialFeedback,
        ActivityKind::UserInteraction,
        ActivityKind::ExternalPlacement,
        ActivityKind::InternalPlacement,
        ActivityKind::NewTasks,
        ActivityKind::JobRotation,
        ActivityKind::Network,
        ActivityKind::Project,
        ActivityKind::Sparring,
        ActivityKind::Supervision,
        ActivityKind::KnowledgeSharing,
        ActivityKind::Course,
        ActivityKind::Education,
        ActivityKind::Other,
    ];
}

/// How an activity is going.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(description = "How an activity is going."))]
#[serde(rename_all = "snake_case")]
pub enum ActivityStatus {
    /// Not started.
    Planned,
    /// Under way.
    InProgress,
    /// Done.
    Completed,
    /// Will not happen.
    Cancelled,
}

impl ActivityStatus {
    /// Every variant, in declaration order (what the API publishes is checked against it).
    pub const ALL: [ActivityStatus; 4] = [
        ActivityStatus::Planned,
        ActivityStatus::InProgress,
        ActivityStatus::Completed,
        ActivityStatus::Cancelled,
    ];
}

/// Who answers for an activity (ansvarlig).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "party", rename_all = "snake_case")]
pub enum Responsible {
    /// The employee.
    Employee,
    /// The manager.
    Manager,
    /// Someone else, by name (a mentor, a colleague, a course provider).
    Other {
        /// Who.
        name: Name,
    },
}

/// How a goal was evaluated: follow-up data, outside the signed content.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evaluation {
    /// The verdict.
    pub verdict: Option<Verdict>,
    /// A note on it.
    pub note: Option<LongText>,
    /// Whether what was learned is applied in daily work (Aabenraa Kommune's competence policy).
    pub applied_in_daily_work: Option<bool>,
}

/// A development goal (udviklingsmål).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Goal {
    /// Its id.
    pub id: GoalId,
    /// What is to be developed.
    pub description: LongText,
    /// Professional, personal or social.
    pub competence_kind: CompetenceKind,
    /// Short or long term.
    pub horizon: Horizon,
    /// How achievement will be evaluated.
    pub evaluation_method: Option<LongText>,
    /// By when.
    pub due_date: Option<NaiveDate>,
    /// The unit development goal it serves.
    pub unit_goal_id: Option<Uuid>,
    /// How it turned out.
    #[serde(default)]
    pub evaluation: Evaluation,
}

/// A point of the action plan (handlingsplan).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Activity {
    /// Its id.
    pub id: ActivityId,
    /// From the palette.
    pub kind: ActivityKind,
    /// A short title.
    pub title: Name,
    /// What it involves.
    pub description: Option<LongText>,
    /// When it starts (tidsplan).
    pub start_date: Option<NaiveDate>,
    /// When it ends; not before it starts.
    pub end_date: Option<NaiveDate>,
    /// The goals it serves.
    pub goal_ids: Vec<GoalId>,
    /// Who answers for it.
    pub responsible: Responsible,
    /// Hours it takes.
    pub hours: Option<f64>,
    /// What it costs, in whole kroner.
    pub cost_dkk: Option<i64>,
    /// The catalogue offer it uses.
    pub catalogue_entry_id: Option<Uuid>,
    /// How it is going: follow-up data, outside the signed content.
    pub status: ActivityStatus,
    /// The employee's note on progress: follow-up data.
    pub progress_note: Option<LongText>,
}

impl Eq for Activity {}

/// A part of the plan deliberately left open, to be investigated and added (the competence
/// secretariat's guide to development plans).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenPoint {
    /// Its id.
    pub id: OpenPointId,
    /// What is open.
    pub text: LongText,
}

/// The period a plan covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawPeriod", into = "RawPeriod")]
pub struct PlanPeriod {
    starts_on: NaiveDate,
    ends_on: NaiveDate,
}

#[derive(Serialize, Deserialize)]
struct RawPeriod {
    starts_on: NaiveDate,
    ends_on: NaiveDate,
}

impl TryFrom<RawPeriod> for PlanPeriod {
    type Error = Violation;
    fn try_from(r: RawPeriod) -> Result<Self, Violation> {
        PlanPeriod::new(r.starts_on, r.ends_on)
    }
}

impl From<PlanPeriod> for RawPeriod {
    fn from(p: PlanPeriod) -> Self {
        RawPeriod {
            starts_on: p.starts_on,
            ends_on: p.ends_on,
        }
    }
}

impl PlanPeriod {
    /// A period that ends after it starts.
    pub fn new(starts_on: NaiveDate, ends_on: NaiveDate) -> Result<Self, Violation> {
        if ends_on <= starts_on {
            return Err(Violation::new(
                "ends_on",
                FieldCode::EndsBeforeStart,
                "must be after starts_on",
            ));
        }
        Ok(Self { starts_on, ends_on })
    }

    /// First day.
    pub fn starts_on(&self) -> NaiveDate {
        self.starts_on
    }

    /// Last day.
    pub fn ends_on(&self) -> NaiveDate {
        self.ends_on
    }
}

/// Everything a plan says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanContent {
    /// A title.
    pub title: Name,
    /// The period it covers.
    pub period: PlanPeriod,
    /// Prior learning assessment (RKV) suggested.
    pub prior_learning_assessment: bool,
    /// Leadership education (managers' plans).
    pub leadership_education: bool,
    /// The development interview where it was made.
    pub development_interview_id: Option<Uuid>,
    /// The goals.
    pub goals: Vec<Goal>,
    /// The action plan.
    pub activities: Vec<Activity>,
    /// Points left open.
    pub open_points: Vec<OpenPoint>,
}

/// The item of `items` with the id `id`, or `NoSuchItem(what)`.
fn item_mut<'a, T, I: PartialEq>(
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

/// The content's own operations on its goals, action plan and open points.
impl PlanContent {
    /// A goal of the plan, to change.
    pub fn goal_mut(&mut self, id: GoalId) -> Result<&mut Goal, PlanError> {
        item_mut(&mut self.goals, id, |g| g.id, "goal")
    }

    /// Removes a goal no activity serves.
    pub fn remove_goal(&mut self, id: GoalId) -> Result<(), PlanError> {
        self.goal_mut(id)?;
        if self.activities.iter().any(|a| a.goal_ids.contains(&id)) {
            return Err(PlanError::GoalInUse);
        }
        self.goals.retain(|g| g.id != id);
        Ok(())
    }

    /// Adds an activity, checked against the plan's goals.
    pub fn add_activity(&mut self, activity: Activity) -> Result<(), PlanError> {
        check_activity(&activity, &self.goals)?;
        self.activities.push(activity);
        Ok(())
    }

    /// Changes an activity with `change`, then checks it against the plan's goals.
    pub fn change_activity(
        &mut self,
        id: ActivityId,
        change: impl FnOnce(&mut Activity) -> Result<(), PlanError>,
    ) -> Result<(), PlanError> {
        let current = item_mut(&mut self.activities, id, |a| a.id, "activity")?;
        // Changed on a copy, so a refused change leaves the activity as it was.
        let mut next = current.clone();
        change(&mut next)?;
        check_activity(&next, &self.goals)?;
        *item_mut(&mut self.activities, id, |a| a.id, "activity")? = next;
        Ok(())
    }

    /// Removes an activity.
    pub fn remove_activity(&mut self, id: ActivityId) -> Result<(), PlanError> {
        item_mut(&mut self.activities, id, |a| a.id, "activity")?;
        self.activities.retain(|a| a.id != id);
        Ok(())
    }

    /// An open point, to change.
    pub fn open_point_mut(&mut self, id: OpenPointId) -> Result<&mut OpenPoint, PlanError> {
        item_mut(&mut self.open_points, id, |o| o.id, "open point")
    }

    /// Removes an open point.
    pub fn remove_open_point(&mut self, id: OpenPointId) -> Result<(), PlanError> {
        self.open_point_mut(id)?;
        self.open_points.retain(|o| o.id != id);
        Ok(())
    }
}

impl PlanContent {
    /// An empty plan with a title and period.
    pub fn new(title: Name, period: PlanPeriod) -> Self {
        Self {
            title,
            period,
            prior_learning_assessment: false,
            leadership_education: false,
            development_interview_id: None,
            goals: Vec::new(),
            activities: Vec::new(),
            open_points: Vec::new(),
        }
    }

    /// The content with follow-up data (evaluations, activity status and progress) blanked:
    /// what the parties agree on and sign.
    pub fn agreed_part(&self) -> PlanContent {
        let mut c = self.clone();
        for g in &mut c.goals {
            g.evaluation = Evaluation::default();
        }
        for a in &mut c.activities {
            a.status = ActivityStatus::Planned;
            a.progress_note = None;
        }
        c
    }

    /// SHA-256 of the agreed part, hex: what a signature is bound to.
    pub fn content_hash(&self) -> String {
        // serde_json writes struct fields in declaration order, so the bytes are stable.
        let bytes = serde_json::to_vec(&self.agreed_part()).unwrap_or_default();
        Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// Refuses content whose activities point at goals that are not in the plan, or whose
    /// dates run backwards.
    pub fn check(&self) -> Result<(), Violations> {
        let goals: BTreeSet<GoalId> = self.goals.iter().map(|g| g.id).collect();
        let mut v = Violations::new();
        for (i, a) in self.activities.iter().enumerate() {
            for (j, g) in a.goal_ids.iter().enumerate() {
                if !goals.contains(g) {
                    v.push(Violation::new(
                        format!("activities[{i}].goal_ids[{j}]"),
                        FieldCode::UnknownGoal,
                        "not a goal of this plan",
                    ));
                }
            }
            if let (Some(s), Some(e)) = (a.start_date, a.end_date)
                && e < s
            {
                v.push(Violation::new(
                    format!("activities[{i}].end_date"),
                    FieldCode::EndsBeforeStart,
                    "must not be before start_date",
                ));
            }
        }
        if v.is_empty() { Ok(()) } else { Err(v) }
    }
}

/// Checks an activity on its own: dates in order, numbers sensible, goals of this plan.
pub fn check_activity(a: &Activity, goals: &[Goal]) -> Result<(), Violations> {
    let mut v = Violations::new();
    if let (Some(s), Some(e)) = (a.start_date, a.end_date)
        && e < s
    {
        v.push(Violation::new(
            "end_date",
            FieldCode::EndsBeforeStart,
            "must not be before start_date",
        ));
    }
    if let Some(h) = a.hours
        && !(h.is_finite() && (0.0..=10_000.0).contains(&h))
    {
        v.push(Violation::new(
            "hours",
            FieldCode::OutOfRange,
            "must be between 0 and 10000",
        ));
    }
    if let Some(c) = a.cost_dkk
        && !(0..=100_000_000).contains(&c)
    {
        v.push(Violation::new(
            "cost_dkk",
            FieldCode::OutOfRange,
            "must be between 0 and 100000000",
        ));
    }
    for (j, g) in a.goal_ids.iter().enumerate() {
        if !goals.iter().any(|x| x.id == *g) {
            v.push(Violation::new(
                format!("goal_ids[{j}]"),
                FieldCode::UnknownGoal,
                "not a goal of this plan",
            ));
        }
    }
    if v.is_empty() { Ok(()) } else { Err(v) }
}
