//! What clients send to change a plan, parsed into the domain's values; versions and diffs as answered.

use super::*;
use devplan_domain::{CatalogueEntryId, FieldCode, InterviewId};

pub(super) fn opt_long(
    v: &mut Violations,
    field: &str,
    raw: Option<&str>,
) -> Option<Option<LongText>> {
    parse_opt(v, raw, |s| LongText::parse(field, s))
}

/// A plan to draft.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"employee_id": "01936f6e-8a4b-7c3d-9e2f-1a2b3c4d5e70", "title": "Udviklingsplan 2026", "starts_on": "2026-01-01", "ends_on": "2026-12-31"}))]
// Published under its first name, which generated clients know it by.
#[schema(as = PlanCreate)]
pub struct PlanIn {
    /// The employee of an individual plan.
    #[schema(value_type = Option<Uuid>)]
    pub employee_id: Option<EmployeeId>,
    /// The members of a group plan (instead of `employee_id`).
    #[schema(value_type = Option<Vec<Uuid>>)]
    pub member_ids: Option<Vec<EmployeeId>>,
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
    #[schema(value_type = Option<Uuid>)]
    pub development_interview_id: Option<InterviewId>,
}

impl PlanIn {
    pub(super) fn parse(self) -> Result<(PlanKind, Vec<EmployeeId>, PlanContent), Violations> {
        let mut v = Violations::new();
        let title = v.check(Name::parse("title", &self.title));
        let period = v.check(PlanPeriod::new(self.starts_on, self.ends_on));
        let members = match (self.employee_id, self.member_ids) {
            (Some(e), None) => Some((PlanKind::Individual, vec![e])),
            (None, Some(m)) => Some((PlanKind::Group, m.into_iter().collect())),
            _ => {
                v.push(Violation::new(
                    "employee_id",
                    FieldCode::Required,
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
            content.development_interview_id = self.development_interview_id.map(InterviewId::uuid);
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
    pub(super) fn apply(self, c: &mut PlanContent) -> Result<(), PlanError> {
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
    #[schema(value_type = CompetenceKind)]
    pub competence_kind: CompetenceKind,
    /// Short or long term.
    #[schema(value_type = Horizon)]
    pub horizon: Horizon,
    /// How achievement will be evaluated.
    #[schema(value_type = Option<crate::text_schema::LongTextText>)]
    pub evaluation_method: Option<String>,
    /// By when.
    pub due_date: Option<NaiveDate>,
    /// The unit development goal it serves.
    #[schema(value_type = Option<Uuid>)]
    pub unit_goal_id: Option<UnitGoalId>,
}

impl GoalIn {
    pub(super) fn parse(self) -> Result<Goal, Violations> {
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
                unit_goal_id: self.unit_goal_id.map(UnitGoalId::uuid),
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
    #[schema(value_type = Option<CompetenceKind>)]
    pub competence_kind: Option<CompetenceKind>,
    /// New horizon.
    #[schema(value_type = Option<Horizon>)]
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
    #[schema(value_type = Option<Verdict>)]
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
    pub(super) fn apply(self, g: &mut Goal) -> Result<(), PlanError> {
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
    #[schema(value_type = ActivityKind)]
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
    #[schema(value_type = Vec<Uuid>)]
    pub goal_ids: Vec<GoalId>,
    /// Who answers for it.
    pub responsible: ResponsibleParty,
    /// The responsible person's name, required when `responsible` is `other`.
    #[schema(value_type = Option<crate::text_schema::NameText>)]
    pub responsible_name: Option<String>,
    /// Hours, 0–10000.
    #[schema(minimum = 0.0, maximum = 10000.0)]
    pub hours: Option<f64>,
    /// Cost in whole kroner, 0–100,000,000.
    #[schema(minimum = 0, maximum = 100000000)]
    pub cost_dkk: Option<i64>,
    /// The catalogue offer it uses.
    #[schema(value_type = Option<Uuid>)]
    pub catalogue_entry_id: Option<CatalogueEntryId>,
    /// How it is going (default `planned`).
    #[schema(value_type = Option<ActivityStatus>)]
    pub status: Option<ActivityStatus>,
}

pub(super) fn responsible(
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
                FieldCode::Required,
                "name who is responsible",
            ));
            None
        }
    }
}

impl ActivityIn {
    pub(super) fn parse(self) -> Result<Activity, Violations> {
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
                goal_ids: self.goal_ids.into_iter().collect(),
                responsible: responsible?,
                hours: self.hours,
                cost_dkk: self.cost_dkk,
                catalogue_entry_id: self.catalogue_entry_id.map(CatalogueEntryId::uuid),
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
    #[schema(value_type = Option<ActivityKind>)]
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
    #[schema(value_type = Option<Vec<Uuid>>)]
    pub goal_ids: Option<Vec<GoalId>>,
    /// Who answers for it.
    pub responsible: Option<ResponsibleParty>,
    /// The responsible person's name, with `responsible: other`.
    #[schema(value_type = Option<crate::text_schema::NameText>)]
    pub responsible_name: Option<String>,
    /// Hours, 0–10000, or null.
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<f64>, minimum = 0.0, maximum = 10000.0)]
    pub hours: Option<Option<f64>>,
    /// Cost in whole kroner, 0–100,000,000, or null.
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<i64>, minimum = 0, maximum = 100000000)]
    pub cost_dkk: Option<Option<i64>>,
    /// Catalogue offer, or null.
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<Uuid>)]
    pub catalogue_entry_id: Option<Option<Uuid>>,
    /// How it is going.
    #[schema(value_type = Option<ActivityStatus>)]
    pub status: Option<ActivityStatus>,
    /// Progress note, or null.
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<crate::text_schema::LongTextText>)]
    pub progress_note: Option<Option<String>>,
}

impl ActivityPatch {
    pub(super) fn apply(self, a: &mut Activity) -> Result<(), PlanError> {
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
                    FieldCode::Required,
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
            a.goal_ids = g.into_iter().collect();
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
    pub(super) fn read(self) -> Result<SignedRead, Violations> {
        match (self.revision, self.content_hash) {
            (Some(r), None) => Ok(SignedRead::Revision(r)),
            (None, Some(h)) => Ok(SignedRead::ContentHash(h)),
            (r, h) => {
                let message = "send what you read: either `revision` or `content_hash`";
                let mut v = Violations::new();
                for (field, sent) in [("revision", r.is_some()), ("content_hash", h.is_some())] {
                    let code = if sent {
                        FieldCode::OneOf
                    } else {
                        FieldCode::Required
                    };
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
    #[param(value_type = Option<Uuid>)]
    pub employee_id: Option<EmployeeId>,
    /// Only plans in this state.
    #[param(value_type = Option<PlanStatus>)]
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

/// One field that differs, with its value in each version (null where the item did not
/// exist).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = DiffField)]
pub struct FieldChangeOut {
    /// The field, as named in the plan's content.
    pub field: String,
    /// Its value in the older version.
    #[schema(schema_with = crate::openapi::any_json)]
    pub old: serde_json::Value,
    /// Its value in the newer version.
    #[schema(schema_with = crate::openapi::any_json)]
    pub new: serde_json::Value,
}

/// Added, removed or changed.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[schema(as = DiffChange)]
#[serde(rename_all = "snake_case")]
pub enum ItemChangeOut {
    /// Only in the newer version.
    Added,
    /// Only in the older version.
    Removed,
    /// In both, with fields that differ.
    Changed,
}

/// A goal, activity or open point that differs between the versions.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = DiffItem)]
pub struct ItemDiffOut {
    /// The item's id.
    pub id: Uuid,
    /// Added, removed or changed.
    pub change: ItemChangeOut,
    /// The fields that differ: all of them for an added or removed item.
    pub fields: Vec<FieldChangeOut>,
}

/// What changed between two versions of what was agreed, field by field.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"from": 1, "to": 2, "plan": [{"field": "title", "old": "Udviklingsplan 2026", "new": "Udviklingsplan 2026-27"}], "goals": [{"id": "01936f6e-8a4b-7c3d-9e2f-1a2b3c4d5e71", "change": "changed", "fields": [{"field": "horizon", "old": "short_term", "new": "long_term"}]}], "activities": [], "open_points": []}))]
pub struct DiffOut {
    /// The older version.
    pub from: u32,
    /// The newer version.
    pub to: u32,
    /// Plan-level fields that differ.
    pub plan: Vec<FieldChangeOut>,
    /// Goals added, removed or changed.
    pub goals: Vec<ItemDiffOut>,
    /// Activities added, removed or changed.
    pub activities: Vec<ItemDiffOut>,
    /// Open points added, removed or changed.
    pub open_points: Vec<ItemDiffOut>,
}

fn fields_out(fields: Vec<FieldChange>) -> Vec<FieldChangeOut> {
    fields
        .into_iter()
        .map(|f| FieldChangeOut {
            field: f.field,
            old: f.old,
            new: f.new,
        })
        .collect()
}

fn items_out<I>(items: Vec<ItemDiff<I>>, uuid: impl Fn(I) -> Uuid) -> Vec<ItemDiffOut> {
    items
        .into_iter()
        .map(|i| ItemDiffOut {
            id: uuid(i.id),
            change: match i.change {
                ItemChange::Added => ItemChangeOut::Added,
                ItemChange::Removed => ItemChangeOut::Removed,
                ItemChange::Changed => ItemChangeOut::Changed,
            },
            fields: fields_out(i.fields),
        })
        .collect()
}

pub(super) fn diff_out(from: u32, to: u32, d: ContentDiff) -> DiffOut {
    DiffOut {
        from,
        to,
        plan: fields_out(d.plan),
        goals: items_out(d.goals, GoalId::uuid),
        activities: items_out(d.activities, ActivityId::uuid),
        open_points: items_out(d.open_points, OpenPointId::uuid),
    }
}
