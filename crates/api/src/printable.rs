//! The printable plan: the seed form ("Skema") laid out as HTML to print or save as PDF from a
//! browser. Danish by default, English on request. maud escapes every interpolated value, so
//! user-written text can never become markup.

use std::collections::HashMap;

use devplan_domain::EmployeeId;
use devplan_domain::plan::{
    ActivityKind, ActivityStatus, AgreedVersion, CompetenceKind, Horizon, Party, Plan, PlanContent,
    PlanStatus, Responsible, Signature, Verdict,
};
use maud::{DOCTYPE, html};

/// The language of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Danish, the seed form's own words.
    Da,
    /// English.
    En,
}

/// Names of the people on the form.
#[derive(Debug, Default)]
pub struct Names(pub HashMap<EmployeeId, String>);

impl Names {
    fn of(&self, id: EmployeeId) -> &str {
        self.0.get(&id).map_or("?", String::as_str)
    }
}

/// One text in both languages.
struct T {
    da: &'static str,
    en: &'static str,
}

impl T {
    fn get(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Da => self.da,
            Lang::En => self.en,
        }
    }
}

macro_rules! t {
    ($da:expr, $en:expr) => {
        T { da: $da, en: $en }
    };
}

const PLAN_FOR: T = t!(
    "Kompetenceudviklingsplan for",
    "Competence development plan for"
);
const GOALS: T = t!("Udviklingsmål", "Development goals");
const GOALS_HINT: T = t!(
    "Hvilke kompetencer (faglige/personlige/sociale) skal udvikles?",
    "Which competences (professional/personal/social) are to be developed?"
);
const ACTIONS: T = t!("Handlingsplan", "Action plan");
const ACTIONS_HINT: T = t!(
    "Hvordan nås udviklingsmålene?",
    "How will the goals be reached?"
);
const TIMELINE: T = t!("Tidsplan", "Timeline");
const RESPONSIBLE: T = t!("Ansvarlig", "Responsible");
const EVALUATION: T = t!("Evaluering", "Evaluation");
const EVALUATION_HINT: T = t!(
    "Hvordan evalueres på om målene er blevet indfriet?",
    "How is it evaluated whether the goals were met?"
);
const OPEN_POINTS: T = t!("Åbne punkter", "Open points");
const PERIOD: T = t!("Periode", "Period");
const VERSION: T = t!("Version", "Version");
const STATUS: T = t!("Status", "Status");
const KIND: T = t!("Type", "Kind");
const HORIZON: T = t!("Sigte", "Horizon");
const DUE: T = t!("Frist", "Due");
const SERVES: T = t!("Mål", "Goals");
const RESULT: T = t!("Resultat", "Result");
const APPLIED: T = t!("Anvendes i hverdagen", "Applied in daily work");
const DATE: T = t!("Den", "Date");
const EMPLOYEE: T = t!("Medarbejder", "Employee");
const MANAGER: T = t!("Leder", "Manager");
const NOT_SIGNED: T = t!("ikke underskrevet", "not signed");
const NONE: T = t!("Ingen", "None");
const RKV: T = t!(
    "Realkompetencevurdering foreslået",
    "Prior learning assessment suggested"
);
const LEADERSHIP: T = t!("Lederuddannelse", "Leadership education");
const YES: T = t!("Ja", "Yes");
const NO: T = t!("Nej", "No");

fn status(s: PlanStatus, l: Lang) -> &'static str {
    match s {
        PlanStatus::Draft => t!("Udkast", "Draft").get(l),
        PlanStatus::Agreed => t!("Aftalt", "Agreed").get(l),
        PlanStatus::Superseded => t!("Erstattet", "Superseded").get(l),
        PlanStatus::Closed => t!("Afsluttet", "Closed").get(l),
    }
}

/// The status as printed: a successor being drafted is not what is in force, and says so.
fn status_line(status: PlanStatus, pending: Option<u32>, agreed: Option<u32>, l: Lang) -> String {
    match (pending, agreed) {
        (Some(_), Some(in_force)) => format!(
            "{} ({} {in_force} {})",
            t!("Udkast til ny version", "Draft of a new version").get(l),
            t!("version", "version").get(l),
            t!("er gældende", "is in force").get(l),
        ),
        _ => self::status(status, l).to_owned(),
    }
}

fn competence(k: CompetenceKind, l: Lang) -> &'static str {
    match k {
        CompetenceKind::Professional => t!("Faglig", "Professional").get(l),
        CompetenceKind::Personal => t!("Personlig", "Personal").get(l),
        CompetenceKind::Social => t!("Social", "Social").get(l),
    }
}

fn horizon(h: Horizon, l: Lang) -> &'static str {
    match h {
        Horizon::ShortTerm => t!("Kort sigt", "Short term").get(l),
        Horizon::LongTerm => t!("Lang sigt", "Long term").get(l),
    }
}

fn verdict(v: Verdict, l: Lang) -> &'static str {
    match v {
        Verdict::Achieved => t!("Nået", "Achieved").get(l),
        Verdict::PartlyAchieved => t!("Delvist nået", "Partly achieved").get(l),
        Verdict::NotAchieved => t!("Ikke nået", "Not achieved").get(l),
        Verdict::Dropped => t!("Opgivet", "Dropped").get(l),
    }
}

fn activity_kind(k: ActivityKind, l: Lang) -> &'static str {
    use ActivityKind as A;
    match k {
        A::OnTheJobTraining => t!("Sidemandsoplæring", "On-the-job training").get(l),
        A::Mentoring => t!("Mentorordning", "Mentoring").get(l),
        A::CollegialFeedback => t!("Kollegial feedback", "Collegial feedback").get(l),
        A::UserInteraction => t!("Samspil med brugere", "User interaction").get(l),
        A::ExternalPlacement => t!("Praktik på anden arbejdsplads", "External placement").get(l),
        A::InternalPlacement => t!("Ophold i anden afdeling", "Internal placement").get(l),
        A::NewTasks => t!("Nye opgaver", "New tasks").get(l),
        A::JobRotation => t!("Jobrotation", "Job rotation").get(l),
        A::Network => t!("Netværk/erfagruppe", "Network").get(l),
        A::Project => t!("Projekt", "Project").get(l),
        A::Sparring => t!("Sparring", "Sparring").get(l),
        A::Supervision => t!("Supervision", "Supervision").get(l),
        A::KnowledgeSharing => t!("Videndeling", "Knowledge sharing").get(l),
        A::Course => t!("Kursus", "Course").get(l),
        A::Education => t!("Uddannelse", "Education").get(l),
        A::Other => t!("Andet", "Other").get(l),
    }
}

fn activity_status(s: ActivityStatus, l: Lang) -> &'static str {
    match s {
        ActivityStatus::Planned => t!("Planlagt", "Planned").get(l),
        ActivityStatus::InProgress => t!("I gang", "In progress").get(l),
        ActivityStatus::Completed => t!("Gennemført", "Completed").get(l),
        ActivityStatus::Cancelled => t!("Aflyst", "Cancelled").get(l),
    }
}

const STYLE: &str = "
body{font-family:'DejaVu Sans',Arial,sans-serif;margin:2cm;color:#111;font-size:11pt}
h1{font-size:18pt;margin-bottom:0}h2{font-size:13pt;border-bottom:1px solid #333;margin-top:1.4em}
.hint{color:#555;font-style:italic;margin:.2em 0 .6em}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #999;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#eee}table.meta{width:auto}.meta td{border:none;padding:2px 24px 2px 0}
.signatures{display:flex;gap:3em;margin-top:2.5em}.signature{flex:1;border-top:1px solid #111;padding-top:.3em}
@media print{body{margin:1.2cm}}";

/// What one printed form shows: the plan as it stands, or one of its agreed versions.
pub struct Form<'a> {
    /// Who the plan is for.
    pub members: &'a [EmployeeId],
    /// The content printed.
    pub content: &'a PlanContent,
    /// The version printed.
    pub version: u32,
    /// Where that version stands.
    pub standing: Standing,
    /// The signatures given to that version.
    pub signatures: &'a [Signature],
}

/// Where a printed version stands.
pub enum Standing {
    /// The plan as it stands now.
    Current(PlanStatus, Option<u32>, Option<u32>),
    /// An agreed version, frozen.
    Agreed,
}

impl<'a> Form<'a> {
    /// The plan as it stands now.
    pub fn current(plan: &'a Plan) -> Self {
        Self {
            members: &plan.members,
            content: &plan.content,
            version: plan.version,
            standing: Standing::Current(plan.status, plan.pending_version(), plan.agreed_version),
            signatures: &plan.signatures,
        }
    }

    /// One agreed version of `plan`.
    pub fn agreed(plan: &'a Plan, version: &'a AgreedVersion) -> Self {
        Self {
            members: &plan.members,
            content: &version.content,
            version: version.version,
            standing: Standing::Agreed,
            signatures: &version.signatures,
        }
    }
}

/// The form as a complete HTML page. The employee side lists every member and whether they
/// have signed: a group draft signed by one member shows the others as not signed.
pub fn render(form: &Form<'_>, names: &Names, l: Lang) -> String {
    let c = form.content;
    let members: Vec<&str> = form.members.iter().map(|m| names.of(*m)).collect();
    let goal_no = |id| c.goals.iter().position(|g| g.id == id).map(|i| i + 1);
    let signed = |s: &Signature| {
        // Danish time, as the parties read it: 00:30 on 1 March is 1 March.
        html! { (DATE.get(l)) " " (devplan_domain::clock::local(s.signed_at).format("%Y-%m-%d %H:%M %Z")) }
    };
    let employee_side = html! {
        div class="signature" {
            strong { (EMPLOYEE.get(l)) } br;
            @for m in form.members {
                (names.of(*m)) " — "
                @match form.signatures.iter().find(|s| s.party == Party::Employee && s.signer == *m) {
                    Some(s) => (signed(s)),
                    None => em { (NOT_SIGNED.get(l)) },
                }
                br;
            }
        }
    };
    let managers: Vec<&Signature> = form
        .signatures
        .iter()
        .filter(|s| s.party == Party::Manager)
        .collect();
    let manager_side = html! {
        div class="signature" {
            strong { (MANAGER.get(l)) } br;
            @if managers.is_empty() { em { (NOT_SIGNED.get(l)) } }
            @for s in &managers {
                (names.of(s.signer)) " — " (signed(s)) br;
            }
        }
    };
    let standing = match form.standing {
        Standing::Current(status, pending, agreed) => status_line(status, pending, agreed, l),
        Standing::Agreed => t!(
            "Aftalt (underskrevet af begge parter)",
            "Agreed (signed by both parties)"
        )
        .get(l)
        .to_owned(),
    };
    let page = html! {
        (DOCTYPE)
        html lang=(if l == Lang::Da { "da" } else { "en" }) {
            head {
                meta charset="utf-8";
                title { (PLAN_FOR.get(l)) " " (members.join(", ")) }
                style { (maud::PreEscaped(STYLE)) }
            }
            body {
                h1 { (PLAN_FOR.get(l)) ": " (members.join(", ")) }
                p { strong { (c.title.as_str()) } }
                table class="meta" {
                    tr { td { (PERIOD.get(l)) } td { (c.period.starts_on()) " – " (c.period.ends_on()) } }
                    tr { td { (VERSION.get(l)) } td { (form.version) } }
                    tr { td { (STATUS.get(l)) } td { (standing) } }
                    tr { td { (RKV.get(l)) } td { (if c.prior_learning_assessment { YES.get(l) } else { NO.get(l) }) } }
                    tr { td { (LEADERSHIP.get(l)) } td { (if c.leadership_education { YES.get(l) } else { NO.get(l) }) } }
                }
                h2 { (GOALS.get(l)) }
                p class="hint" { (GOALS_HINT.get(l)) }
                @if c.goals.is_empty() { p { (NONE.get(l)) } } @else {
                    table {
                        tr { th { "#" } th { (GOALS.get(l)) } th { (KIND.get(l)) } th { (HORIZON.get(l)) } th { (DUE.get(l)) } }
                        @for (i, g) in c.goals.iter().enumerate() {
                            tr {
                                td { (i + 1) }
                                td { (g.description.as_str()) }
                                td { (competence(g.competence_kind, l)) }
                                td { (horizon(g.horizon, l)) }
                                td { @if let Some(d) = g.due_date { (d) } }
                            }
                        }
                    }
                }
                h2 { (ACTIONS.get(l)) ", " (TIMELINE.get(l).to_lowercase()) ", " (RESPONSIBLE.get(l).to_lowercase()) }
                p class="hint" { (ACTIONS_HINT.get(l)) }
                @if c.activities.is_empty() { p { (NONE.get(l)) } } @else {
                    table {
                        tr { th { (ACTIONS.get(l)) } th { (KIND.get(l)) } th { (TIMELINE.get(l)) } th { (RESPONSIBLE.get(l)) } th { (SERVES.get(l)) } th { (STATUS.get(l)) } }
                        @for a in &c.activities {
                            tr {
                                td { strong { (a.title.as_str()) } @if let Some(d) = &a.description { br; (d.as_str()) } }
                                td { (activity_kind(a.kind, l)) }
                                td {
                                    @if let Some(s) = a.start_date { (s) }
                                    @if a.start_date.is_some() || a.end_date.is_some() { " – " }
                                    @if let Some(e) = a.end_date { (e) }
                                }
                                td {
                                    @match &a.responsible {
                                        Responsible::Employee => (EMPLOYEE.get(l)),
                                        Responsible::Manager => (MANAGER.get(l)),
                                        Responsible::Other { name } => (name.as_str()),
                                    }
                                }
                                td { (a.goal_ids.iter().filter_map(|g| goal_no(*g)).map(|n| n.to_string()).collect::<Vec<_>>().join(", ")) }
                                td { (activity_status(a.status, l)) }
                            }
                        }
                    }
                }
                h2 { (EVALUATION.get(l)) }
                p class="hint" { (EVALUATION_HINT.get(l)) }
                @if c.goals.is_empty() { p { (NONE.get(l)) } } @else {
                    table {
                        tr { th { "#" } th { (EVALUATION.get(l)) } th { (RESULT.get(l)) } th { (APPLIED.get(l)) } }
                        @for (i, g) in c.goals.iter().enumerate() {
                            tr {
                                td { (i + 1) }
                                td { @if let Some(m) = &g.evaluation_method { (m.as_str()) } }
                                td {
                                    @if let Some(v) = g.evaluation.verdict { (verdict(v, l)) }
                                    @if let Some(n) = &g.evaluation.note { br; (n.as_str()) }
                                }
                                td { @match g.evaluation.applied_in_daily_work { Some(true) => (YES.get(l)), Some(false) => (NO.get(l)), None => "" } }
                            }
                        }
                    }
                }
                h2 { (OPEN_POINTS.get(l)) }
                @if c.open_points.is_empty() { p { (NONE.get(l)) } } @else {
                    ul { @for p in &c.open_points { li { (p.text.as_str()) } } }
                }
                div class="signatures" {
                    (employee_side)
                    (manager_side)
                }
            }
        }
    };
    page.into_string()
}
