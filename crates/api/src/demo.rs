//! `devplan demo`: a fictitious municipality in a fresh SQLite file, and tokens to try it with.

use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{Datelike, NaiveDate};
use devplan_domain::interview::InterviewFormat;
use devplan_domain::org::{CommitteeLevel, PeriodDates};
use devplan_domain::records::{
    CommitteeSyncRow, EmployeeSyncRow, NewAgreementPeriod, PlacementSyncRow, UnitSyncRow,
};
use devplan_domain::text::{Email, ExternalId, Name, ProfessionalGroup};
use devplan_persistence::Store;
use rand::Rng;

use crate::auth::Verifier;
use crate::config::Config;

/// The subject of the demo's HR integration client.
pub const HR_SUBJECT: &str = "hr-integration";

/// The people whose tokens the demo prints.
pub struct DemoPeople {
    /// An ordinary employee.
    pub employee: &'static str,
    /// The manager of an area with two institutions.
    pub manager: &'static str,
    /// The local representative of that area.
    pub representative: &'static str,
    /// A member of the area's local MED committee.
    pub committee_member: &'static str,
    /// The employee's agreed plan, made with the manager.
    pub plan: devplan_domain::PlanId,
}

type Failure = Box<dyn std::error::Error>;

/// A fresh random HS256 secret, for a demo started without `DEVPLAN_JWT_SECRET`.
pub fn random_secret() -> String {
    URL_SAFE_NO_PAD.encode(rand::rng().random::<[u8; 32]>())
}

/// Removes an earlier demo file (and its WAL files) and returns the URL of a new one.
pub fn prepare_file(file: &Path) -> Result<String, Failure> {
    for suffix in ["", "-wal", "-shm"] {
        let mut name = file.as_os_str().to_owned();
        name.push(suffix);
        match std::fs::remove_file(&name) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(format!("cannot replace {}: {e}", file.display()).into()),
        }
    }
    Ok(format!("sqlite://{}?mode=rwc", file.display()))
}

fn ext(s: &str) -> ExternalId {
    ExternalId::parse("external_id", s).expect("demo ids are valid")
}

fn name(s: &str) -> Name {
    Name::parse("name", s).expect("demo names are valid")
}

/// `(external id, name, parent, professional groups of its staff)` of every demo unit.
const UNITS: [(&str, &str, Option<&str>, [&str; 3]); 10] = [
    (
        "K",
        "Eksempelby Kommune",
        None,
        ["direktør", "administrativ medarbejder", "jurist"],
    ),
    (
        "BU",
        "Børn og Unge",
        Some("K"),
        [
            "administrativ medarbejder",
            "pædagogisk konsulent",
            "psykolog",
        ],
    ),
    (
        "SU",
        "Social og Sundhed",
        Some("K"),
        ["administrativ medarbejder", "visitator", "sygeplejerske"],
    ),
    (
        "TM",
        "Teknik og Miljø",
        Some("K"),
        ["administrativ medarbejder", "ingeniør", "planlægger"],
    ),
    (
        "BU1",
        "Dagtilbud Solsikken",
        Some("BU"),
        ["pædagog", "pædagogmedhjælper", "køkkenassistent"],
    ),
    (
        "BU2",
        "Eksempelby Skole",
        Some("BU"),
        ["lærer", "pædagog", "skolesekretær"],
    ),
    (
        "SU1",
        "Plejecenter Egely",
        Some("SU"),
        [
            "social- og sundhedsassistent",
            "social- og sundhedshjælper",
            "sygeplejerske",
        ],
    ),
    (
        "SU2",
        "Hjemmeplejen Nord",
        Some("SU"),
        [
            "social- og sundhedshjælper",
            "social- og sundhedsassistent",
            "ergoterapeut",
        ],
    ),
    (
        "TM1",
        "Vej og Park",
        Some("TM"),
        ["anlægsgartner", "maskinfører", "tekniker"],
    ),
    (
        "TM2",
        "Byggesagsafdelingen",
        Some("TM"),
        [
            "bygningskonstruktør",
            "arkitekt",
            "administrativ medarbejder",
        ],
    ),
];

const FIRST: [&str; 20] = [
    "Anne", "Lars", "Mette", "Jens", "Kirsten", "Peter", "Hanne", "Søren", "Camilla", "Mads",
    "Louise", "Rasmus", "Sofie", "Henrik", "Ida", "Thomas", "Maja", "Niels", "Julie", "Ole",
];
const LAST: [&str; 12] = [
    "Jensen",
    "Nielsen",
    "Hansen",
    "Pedersen",
    "Andersen",
    "Christensen",
    "Larsen",
    "Sørensen",
    "Rasmussen",
    "Jørgensen",
    "Madsen",
    "Kristensen",
];

/// Fills the store with the demo municipality: 10 units on three levels, 66 employees, a
/// manager per unit, a local representative, a local and a main MED committee, and OK24.
pub async fn seed(store: &Store) -> Result<DemoPeople, Failure> {
    store
        .sync_units(
            UNITS
                .iter()
                .map(|(id, n, parent, _)| UnitSyncRow {
                    external_id: ext(id),
                    name: name(n),
                    parent_external_id: parent.map(ext),
                    ends_on: None,
                })
                .collect(),
        )
        .await?;
    let mut rows = Vec::new();
    let mut n = 0usize;
    for (unit, _, parent, groups) in UNITS {
        // Leaf institutions have more staff than the administrations above them.
        let staff = if parent.is_some_and(|p| p != "K") {
            9
        } else {
            3
        };
        for i in 0..staff {
            n += 1;
            let first = FIRST[(n * 7) % FIRST.len()];
            let last = LAST[(n * 5) % LAST.len()];
            let id = format!("E-{n:03}");
            let group = ProfessionalGroup::parse(
                "professional_group",
                if i == 0 { "leder" } else { groups[i % 3] },
            )
            .expect("demo groups are valid");
            rows.push(EmployeeSyncRow {
                external_id: ext(&id),
                name: name(&format!("{first} {last}")),
                email: Some(
                    Email::parse(
                        "email",
                        &format!(
                            "{}.{}{n}@eksempelby.dk",
                            first.to_lowercase(),
                            last.to_lowercase()
                        )
                        .replace(['ø', 'æ', 'å'], "o"),
                    )
                    .expect("demo e-mails are valid"),
                ),
                professional_group: Some(group.clone()),
                unit_external_id: ext(unit),
                active: None,
                // Everyone has worked where they are since a day between 2015 and 2023, so
                // earlier years have figures too.
                placements: Some(vec![PlacementSyncRow {
                    from: NaiveDate::from_ymd_opt(2015, 8, 1).expect("a date")
                        + chrono::Days::new(((n * 53) % 3000) as u64),
                    to: None,
                    unit_external_id: ext(unit),
                    professional_group: Some(group),
                }]),
                // The first person of every unit manages it.
                manages_unit_external_ids: if i == 0 { vec![ext(unit)] } else { Vec::new() },
                represents_unit_external_ids: Vec::new(),
            });
        }
    }
    // E-015 (in BU1) is the union's local representative for Børn og Unge.
    if let Some(rep) = rows.iter_mut().find(|r| r.external_id.as_str() == "E-015") {
        rep.represents_unit_external_ids = vec![ext("BU")];
    }
    store.sync_employees(rows).await?;
    store
        .sync_committees(vec![
            CommitteeSyncRow {
                external_id: ext("HMU"),
                name: name("Hoved-MED Eksempelby Kommune"),
                level: CommitteeLevel::Main,
                unit_external_id: ext("K"),
                parent_external_id: None,
                member_external_ids: ["E-001", "E-004", "E-015"].map(ext).to_vec(),
            },
            CommitteeSyncRow {
                external_id: ext("MED-BU"),
                name: name("Lokal-MED Børn og Unge"),
                level: CommitteeLevel::Local,
                unit_external_id: ext("BU"),
                parent_external_id: Some(ext("HMU")),
                member_external_ids: ["E-004", "E-015", "E-025"].map(ext).to_vec(),
            },
        ])
        .await?;
    let day = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d");
    store
        .create_period(NewAgreementPeriod {
            name: name("OK24"),
            dates: PeriodDates::new(day("2024-04-01")?, day("2027-03-31")?)?,
        })
        .await?;
    let plan = seed_plan(store).await?;
    seed_preparation(store).await?;
    Ok(DemoPeople {
        employee: "E-016",
        manager: "E-004",
        representative: "E-015",
        committee_member: "E-025",
        plan,
    })
}

/// An agreed plan for E-016, made with their manager E-004: two goals and an action plan of a
/// course, mentoring and job rotation, so the printable form has something to show.
async fn seed_plan(store: &Store) -> Result<devplan_domain::PlanId, Failure> {
    use devplan_domain::plan::{
        Activity, ActivityKind, ActivityStatus, CompetenceKind, Evaluation, Goal, Horizon,
        OpenPoint, Party, Plan, PlanContent, PlanKind, PlanPeriod, Responsible,
    };
    use devplan_domain::text::LongText;
    use devplan_domain::{ActivityId, GoalId, OpenPointId};

    let employee = store.employee_by_subject("E-016").await?;
    let manager = store.employee_by_subject("E-004").await?;
    let day = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d");
    let text = |s: &str| LongText::parse("text", s);
    let mut content = PlanContent::new(
        name("Udviklingsplan 2026"),
        PlanPeriod::new(day("2026-01-01")?, day("2026-12-31")?)?,
    );
    let (professional, personal) = (GoalId::generate(), GoalId::generate());
    content.goals = vec![
        Goal {
            id: professional,
            description: text(
                "Styrke den pædagogiske dokumentation og sprogvurderingen af børnene",
            )?,
            competence_kind: CompetenceKind::Professional,
            horizon: Horizon::ShortTerm,
            evaluation_method: Some(text("Gennemgang af tre sprogvurderinger ved opfølgningen")?),
            due_date: Some(day("2026-06-30")?),
            unit_goal_id: None,
            evaluation: Evaluation::default(),
        },
        Goal {
            id: personal,
            description: text("Tage ansvar for forældresamarbejdet på stuen")?,
            competence_kind: CompetenceKind::Personal,
            horizon: Horizon::LongTerm,
            evaluation_method: Some(text("Egen og leders vurdering ved den årlige samtale")?),
            due_date: Some(day("2026-12-31")?),
            unit_goal_id: None,
            evaluation: Evaluation::default(),
        },
    ];
    let activity = |kind,
                    title: &str,
                    start,
                    end,
                    goals: Vec<GoalId>,
                    responsible|
     -> Result<Activity, Failure> {
        Ok(Activity {
            id: ActivityId::generate(),
            kind,
            title: name(title),
            description: None,
            start_date: Some(day(start)?),
            end_date: Some(day(end)?),
            goal_ids: goals,
            responsible,
            hours: None,
            cost_dkk: None,
            catalogue_entry_id: None,
            status: ActivityStatus::Planned,
            progress_note: None,
        })
    };
    content.activities = vec![
        activity(
            ActivityKind::Course,
            "Kursus i sprogvurdering",
            "2026-02-09",
            "2026-02-11",
            vec![professional],
            Responsible::Manager,
        )?,
        activity(
            ActivityKind::Mentoring,
            "Mentor: erfaren pædagog",
            "2026-02-01",
            "2026-06-30",
            vec![professional, personal],
            Responsible::Other {
                name: name("Hanne Sørensen"),
            },
        )?,
        activity(
            ActivityKind::JobRotation,
            "Tre måneder i vuggestuen",
            "2026-09-01",
            "2026-11-30",
            vec![personal],
            Responsible::Employee,
        )?,
    ];
    content.open_points = vec![OpenPoint {
        id: OpenPointId::generate(),
        text: text("Afklare om der er plads på næste hold af diplommodulet")?,
    }];
    let now = store.now();
    let plan = Plan::draft(
        PlanKind::Individual,
        vec![employee.id],
        content,
        manager.id,
        now,
    )?;
    let plan = store.create_plan(plan).await?;
    for (party, signer) in [(Party::Employee, employee.id), (Party::Manager, manager.id)] {
        store
            .change_plan(plan.id, None, |p| p.sign(party, signer, p.revision, now))
            .await?;
    }
    Ok(plan.id)
}

/// The demo's preparation guides, published by HR: one for individual interviews built from the
/// questions of the seed documents (Protokollat 2's "Hvilke kompetencer har vi, og hvilke får
/// vi brug for?" and the competence secretariat's plan form), one for group interviews; and
/// this year's interview offered to E-016 by E-004, which gets the first guide.
async fn seed_preparation(store: &Store) -> Result<(), Failure> {
    use devplan_domain::followup::{Interview, InterviewFields, Participant, ParticipantStatus};
    use devplan_domain::plan::CompetenceKind;
    use devplan_domain::preparation::{
        Audience, ChoiceOption, Guide, GuideContent, Key, Question, QuestionKind,
    };
    use devplan_domain::records::Meta;
    use devplan_domain::text::LongText;
    use devplan_domain::{GuideId, InterviewId};

    let q = |key: &str, da: &str, en: &str, kind, seeds| -> Result<Question, Failure> {
        Ok(Question {
            key: Key::parse("key", key)?,
            text_da: LongText::parse("text_da", da)?,
            text_en: Some(LongText::parse("text_en", en)?),
            kind,
            options: Vec::new(),
            seeds_goals: seeds,
        })
    };
    let mut course = q(
        "kursus",
        "Ønsker du at deltage i et kursus eller en uddannelse i det kommende år?",
        "Would you like to take a course or education in the coming year?",
        QuestionKind::Choice,
        None,
    )?;
    course.options = [
        ("ja", "Ja", "Yes"),
        ("nej", "Nej", "No"),
        ("ved_ikke", "Ved ikke", "Not sure"),
    ]
    .iter()
    .map(|(v, da, en)| {
        Ok(ChoiceOption {
            value: Key::parse("value", v)?,
            label_da: name(da),
            label_en: Some(name(en)),
        })
    })
    .collect::<Result<_, Failure>>()?;
    let individual = GuideContent::new(
        Audience::default(),
        vec![
            q(
                "kompetencer",
                "Hvilke kompetencer har du, og hvilke får du brug for i dit arbejde?",
                "Which competences do you have, and which will you need in your work?",
                QuestionKind::FreeText,
                None,
            )?,
            q(
                "maal",
                "Hvilke mål for din kompetenceudvikling vil du sætte for de kommende år?",
                "Which goals for your competence development would you set for the coming years?",
                QuestionKind::FreeText,
                Some(CompetenceKind::Professional),
            )?,
            q(
                "handleplan",
                "Hvad skal der til, for at du når målene (kurser, sidemandsoplæring, nye opgaver)?",
                "What will it take to reach the goals (courses, peer learning, new tasks)?",
                QuestionKind::FreeText,
                None,
            )?,
            q(
                "ressourcer",
                "Hvilke ressourcer (tid, vikar, midler) kræver det?",
                "Which resources (time, cover, funds) does it take?",
                QuestionKind::FreeText,
                None,
            )?,
            q(
                "trivsel",
                "Hvordan trives du i dit arbejde? (1 = dårligt, 5 = rigtig godt)",
                "How do you thrive in your work? (1 = poorly, 5 = very well)",
                QuestionKind::Scale,
                None,
            )?,
            course,
        ],
    )?;
    let group = GuideContent::new(
        Audience::default(),
        vec![
            q(
                "teamets_kompetencer",
                "Hvilke kompetencer har vi i teamet, og hvilke får vi brug for?",
                "Which competences does the team have, and which will it need?",
                QuestionKind::FreeText,
                None,
            )?,
            q(
                "teamets_maal",
                "Hvilke fælles mål for kompetenceudvikling sætter vi for det kommende år?",
                "Which shared goals for competence development do we set for the coming year?",
                QuestionKind::FreeText,
                Some(CompetenceKind::Social),
            )?,
            q(
                "samarbejde",
                "Hvordan fungerer samarbejdet i teamet? (1 = dårligt, 5 = rigtig godt)",
                "How well does the team work together? (1 = poorly, 5 = very well)",
                QuestionKind::Scale,
                None,
            )?,
        ],
    )?;
    let now = store.now();
    for (title, format, content) in [
        (
            "Forberedelse til MUS",
            InterviewFormat::Individual,
            individual,
        ),
        ("Forberedelse til GRUS", InterviewFormat::Group, group),
    ] {
        let (guide, _) = store
            .create_guide(
                Guide {
                    id: GuideId::generate(),
                    name: name(title),
                    format,
                    committee_id: None,
                    versions: Vec::new(),
                    meta: Meta::first(now),
                },
                content,
            )
            .await?;
        store.publish_guide_version(guide.id, 1, None).await?;
    }
    let employee = store.employee_by_subject("E-016").await?;
    let today = store.now().date_naive();
    store
        .create_interview(Interview::new(InterviewFields {
            id: InterviewId::generate(),
            external_id: None,
            year: today.year(),
            format: InterviewFormat::Individual,
            offered_on: Some(today),
            held_on: None,
            // Two weeks ahead, within the interview's year.
            scheduled_on: (today + chrono::Days::new(14))
                .min(NaiveDate::from_ymd_opt(today.year(), 12, 31).unwrap_or(today))
                .into(),
            plan_id: None,
            guide_version: None,
            participants: vec![Participant {
                employee: employee.id,
                status: ParticipantStatus::Offered,
                wants_individual: false,
            }],
            meta: Meta::first(now),
        })?)
        .await?;
    Ok(())
}

/// Prints the tokens of the demo's people, how to mint more, the demo plan and an example
/// request. `generated_secret` is the HS256 secret when the demo made one up.
pub fn print_welcome(
    settings: &Config,
    verifier: &Verifier,
    people: &DemoPeople,
    file: &Path,
    generated_secret: Option<&str>,
) -> Result<(), Failure> {
    let ttl = 12 * 3600;
    let token = |sub: &str, roles: &[&str]| {
        verifier.mint(
            sub,
            &roles.iter().map(|r| (*r).to_owned()).collect::<Vec<_>>(),
            ttl,
        )
    };
    let manager = token(people.manager, &["employee", "manager"])?;
    let base = format!("http://{}", settings.bind);
    println!();
    println!(
        "devplan demo: Eksempelby Kommune in {} (10 units, 66 employees, 2 MED committees, OK24)",
        file.display()
    );
    println!("API {base}/api/v1   docs {base}/docs   tokens valid 12 hours");
    println!();
    println!(
        "export EMPLOYEE={}   # {} in Dagtilbud Solsikken",
        token(people.employee, &["employee"])?,
        people.employee
    );
    println!(
        "export MANAGER={manager}   # {}, manager of Børn og Unge",
        people.manager
    );
    println!(
        "export REPRESENTATIVE={}   # {}, local representative for Børn og Unge",
        token(people.representative, &["employee", "local_representative"])?,
        people.representative
    );
    println!(
        "export COMMITTEE={}   # {}, member of Lokal-MED Børn og Unge",
        token(people.committee_member, &["employee", "committee"])?,
        people.committee_member
    );
    println!(
        "export HR={}   # the HR integration",
        token(HR_SUBJECT, &["hr"])?
    );
    println!();
    println!("curl -s -H \"Authorization: Bearer $MANAGER\" {base}/api/v1/me");
    println!();
    let plan = people.plan.uuid();
    println!(
        "The agreed plan of {} with {}: {base}/api/v1/plans/{plan}",
        people.employee, people.manager
    );
    println!(
        "Its printable form: curl -s -H \"Authorization: Bearer $EMPLOYEE\" -H \"Accept: text/html\" {base}/api/v1/plans/{plan} > plan.html"
    );
    println!();
    match generated_secret {
        Some(secret) => {
            println!("Tokens are signed with a secret made up for this run. To mint more:");
            println!("export DEVPLAN_JWT_SECRET='{secret}'");
        }
        None => println!("Tokens are signed with DEVPLAN_JWT_SECRET. To mint more:"),
    }
    println!(
        "cargo run -q -- token --sub {} --roles employee,manager --ttl 3600",
        people.manager
    );
    println!();
    Ok(())
}
