//! Status figures from the database: a constant number of statements whatever the size of
//! the unit, and the same answers as the domain's rules on random data.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use devplan_domain::followup::{
    AbsenceDates, AbsenceFacts, FollowUpKind, InterviewFormat, InterviewPart, ParticipantStatus,
    PlanFacts,
};
use devplan_domain::settings::Settings;
use devplan_domain::status::{CurrentPlan, Figures, person_status, shown};
use devplan_domain::{AbsenceId, EmployeeId, PlanId};
use devplan_tests::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A deterministic generator, so a failing run can be repeated.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// A day in 2024–2025.
    fn day(&mut self) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Days::new(self.below(730))
    }
}

fn ids_by_external(list: &Value) -> BTreeMap<String, String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["external_id"].as_str().unwrap().to_owned(),
                e["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// K with small unit S (50 people in S, S1, S2) and large unit L (5,000 people over L, ten
/// institutions and their teams), some of them with absences.
async fn small_and_large(app: &TestApp) -> BTreeMap<String, String> {
    let mut units = vec![
        json!({"external_id": "K", "name": "Kommunen"}),
        json!({"external_id": "S", "name": "Lille område", "parent_external_id": "K"}),
        json!({"external_id": "S1", "name": "S1", "parent_external_id": "S"}),
        json!({"external_id": "S2", "name": "S2", "parent_external_id": "S"}),
        json!({"external_id": "L", "name": "Stort område", "parent_external_id": "K"}),
    ];
    for i in 0..10 {
        units.push(json!({"external_id": format!("L{i}"), "name": format!("L{i}"), "parent_external_id": "L"}));
        for t in 0..5 {
            units.push(json!({"external_id": format!("L{i}-{t}"), "name": format!("L{i}-{t}"), "parent_external_id": format!("L{i}")}));
        }
    }
    app.expect(
        app.post(
            "/api/v1/sync/org-units",
            &Who::Hr.token(),
            &json!({"rows": units}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let groups = ["pædagog", "lærer", "sosu", "leder"];
    let mut rows = Vec::new();
    for i in 0..50 {
        let unit = ["S", "S1", "S2"][i % 3];
        rows.push(json!({"external_id": format!("s{i}"), "name": format!("Lille {i}"), "unit_external_id": unit, "professional_group": groups[i % 4]}));
    }
    rows[0]["represents_unit_external_ids"] = json!(["S", "L"]);
    for i in 0..5_000 {
        let unit = match i % 11 {
            10 => "L".to_owned(),
            n => format!("L{n}-{}", i % 5),
        };
        rows.push(json!({"external_id": format!("l{i}"), "name": format!("Stor {i}"), "unit_external_id": unit, "professional_group": groups[i % 4]}));
    }
    app.expect(
        app.post(
            "/api/v1/sync/employees",
            &Who::Hr.token(),
            &json!({"rows": placed_since("2015-01-01", rows.clone())}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let mut absences = Vec::new();
    for (prefix, n) in [("s", 50), ("l", 5_000)] {
        for i in (0..n).step_by(7) {
            absences.push(json!({"external_id": format!("abs-{prefix}{i}"), "employee_external_id": format!("{prefix}{i}"), "kind": "long_term_illness", "starts_on": "2026-01-05", "ends_on": "2026-04-30"}));
        }
    }
    app.expect(
        app.post(
            "/api/v1/sync/absences",
            &Who::Hr.token(),
            &json!({"rows": absences}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    ids_by_external(
        &app.expect(
            app.get("/api/v1/org-units?limit=500", &Who::Hr.token())
                .await,
            StatusCode::OK,
        )
        .await,
    )
}

#[tokio::test]
async fn the_status_of_5000_people_costs_as_many_statements_as_the_status_of_50() {
    let app = spawn_app().await;
    app.today_is("2026-06-15");
    let units = small_and_large(&app).await;
    for path in [
        "/api/v1/status?unit_id={}",
        "/api/v1/status/people?unit_id={}&figure=special_overdue",
    ] {
        let mut costs = Vec::new();
        for unit in ["S", "L"] {
            let (n, response) = app
                .statements_of_get(&path.replace("{}", &units[unit]), &Who::Hr.token())
                .await;
            let body = app.expect(response, StatusCode::OK).await;
            assert_ne!(body, Value::Null);
            costs.push(n);
        }
        assert_eq!(costs[0], costs[1], "{path}: statements for 50 and 5,000");
        assert!(costs[0] > 0, "the counter counts");
    }
    // Pooled for a representative, from the head-counts of the subtrees asked about: still the
    // same number of statements for 50 and 5,000, and for one unit or a page of 60 in two
    // subtrees.
    let rep = token("s0", &["local_representative"]);
    app.expect(app.get("/api/v1/me", &rep).await, StatusCode::OK)
        .await;
    let mut costs = Vec::new();
    for path in [
        format!("/api/v1/status?unit_id={}", units["S"]),
        format!("/api/v1/status?unit_id={}", units["L"]),
    ] {
        let (n, response) = app.statements_of_get(&path, &rep).await;
        let body = app.expect(response, StatusCode::OK).await;
        assert_eq!(body["anonymised"], true);
        costs.push(n);
    }
    assert_eq!(
        costs[0], costs[1],
        "pooled status: statements for 50 and 5,000"
    );
    let mut costs = Vec::new();
    for path in [
        format!("/api/v1/org-units/{}", units["S1"]),
        "/api/v1/org-units?limit=500".to_owned(),
    ] {
        let (n, response) = app.statements_of_get(&path, &rep).await;
        app.expect(response, StatusCode::OK).await;
        costs.push(n);
    }
    assert_eq!(
        costs[0], costs[1],
        "pooled head-counts: one unit and a page"
    );
    let s = app
        .expect(
            app.get(
                &format!("/api/v1/status?unit_id={}", units["L"]),
                &Who::Hr.token(),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(s["figures"]["employees"], 5_000);
    assert_eq!(s["figures"]["special_overdue"], 715);
    assert_eq!(s["by_sub_unit"].as_array().unwrap().len(), 11);
}

/// What the test knows of one employee.
struct Person {
    id: String,
    unit: &'static str,
    group: Option<&'static str>,
    plans: Vec<String>,
    absences: Vec<AbsenceDates>,
    parts: BTreeMap<i32, Vec<InterviewPart>>,
}

/// The domain's answer for a period: the rules applied to what the API says was stored,
/// summed per cell.
async fn expected(
    app: &TestApp,
    people: &[Person],
    (from, to, today): (NaiveDate, NaiveDate, NaiveDate),
) -> Vec<(&'static str, Option<&'static str>, Figures)> {
    let manager = token("MGR", &["employee", "manager"]);
    let mut out = Vec::new();
    for p in people {
        let mut plans = Vec::new();
        // A special follow-up on any of their plans, current or not, settles an absence.
        let mut specials_held = Vec::new();
        for plan in &p.plans {
            let body = app
                .expect(
                    app.get(&format!("/api/v1/plans/{plan}"), &manager).await,
                    StatusCode::OK,
                )
                .await;
            let held = app
                .expect(
                    app.get(&format!("/api/v1/plans/{plan}/follow-ups"), &manager)
                        .await,
                    StatusCode::OK,
                )
                .await;
            let follow_ups: Vec<(FollowUpKind, NaiveDate)> = held["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| {
                    (
                        FollowUpKind::parse(f["kind"].as_str().unwrap()).unwrap(),
                        f["held_on"].as_str().unwrap().parse().unwrap(),
                    )
                })
                .collect();
            specials_held.extend(
                follow_ups
                    .iter()
                    .filter(|(k, _)| *k == FollowUpKind::Special)
                    .map(|(_, on)| *on),
            );
            let status = body["status"].as_str().unwrap();
            if status != "agreed" && status != "draft" {
                continue;
            }
            let versions = app
                .expect(
                    app.get(&format!("/api/v1/plans/{plan}/versions"), &manager)
                        .await,
                    StatusCode::OK,
                )
                .await;
            let mut agreed: Vec<NaiveDate> = versions["items"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|v| v["agreed_at"].as_str())
                .map(|at| at[..10].parse::<NaiveDate>().unwrap())
                .collect();
            agreed.sort();
            plans.push(CurrentPlan {
                agreed: status == "agreed",
                facts: agreed.pop().map(|agreed_on| PlanFacts {
                    plan_id: PlanId::from_uuid(plan.parse().unwrap()),
                    members: vec![EmployeeId::from_uuid(p.id.parse().unwrap())],
                    agreed_on,
                    earlier_agreements: agreed,
                    follow_ups,
                }),
            });
        }
        let absences: Vec<AbsenceFacts> = p
            .absences
            .iter()
            .map(|dates| AbsenceFacts {
                absence_id: AbsenceId::generate(),
                employee: EmployeeId::from_uuid(p.id.parse().unwrap()),
                dates: *dates,
                specials_held: specials_held.clone(),
            })
            .collect();
        let status = person_status(&plans, &absences, &p.parts, &Settings::default());
        out.push((p.unit, p.group, status.figures(from, to, today)));
    }
    out
}

fn sum<'a>(cells: impl Iterator<Item = &'a Figures>) -> BTreeMap<String, Option<u64>> {
    let mut total = Figures::default();
    for f in cells {
        total.add(f);
    }
    shown(&total)
        .into_iter()
        .filter(|(name, _)| !name.contains('.') && name != "goals_applied_in_daily_work")
        .collect()
}

fn people_figures(shown: &Value) -> BTreeMap<String, Option<u64>> {
    shown
        .as_object()
        .unwrap()
        .iter()
        .filter(|(name, _)| !name.contains('.') && *name != "goals_applied_in_daily_work")
        .map(|(name, v)| (name.clone(), v.as_u64()))
        .collect()
}

#[tokio::test]
async fn status_figures_equal_the_domain_rules_on_random_data() {
    let app = spawn_app().await;
    let mut r = Lcg(20261125);
    app.today_is("2024-01-01");
    let units = json!({"rows": [
        {"external_id": "K", "name": "Kommunen"},
        {"external_id": "A", "name": "Område A", "parent_external_id": "K"},
        {"external_id": "A1", "name": "A1", "parent_external_id": "A"},
        {"external_id": "A2", "name": "A2", "parent_external_id": "A"},
        {"external_id": "B", "name": "Område B", "parent_external_id": "K"},
    ]});
    app.expect(
        app.post("/api/v1/sync/org-units", &Who::Hr.token(), &units)
            .await,
        StatusCode::OK,
    )
    .await;
    let unit_names = ["K", "A", "A1", "A2", "B"];
    let groups = [Some("pædagog"), Some("lærer"), None];
    let mut rows = vec![
        json!({"external_id": "MGR", "name": "Mette Leder", "unit_external_id": "K", "manages_unit_external_ids": ["K"], "professional_group": "leder"}),
    ];
    let mut people = vec![Person {
        id: String::new(),
        unit: "K",
        group: Some("leder"),
        plans: Vec::new(),
        absences: Vec::new(),
        parts: BTreeMap::new(),
    }];
    for i in 0..36 {
        let unit = unit_names[r.below(5) as usize];
        let group = groups[r.below(3) as usize];
        rows.push(json!({"external_id": format!("E{i}"), "name": format!("Ansat {i}"), "unit_external_id": unit, "professional_group": group}));
        people.push(Person {
            id: String::new(),
            unit,
            group,
            plans: Vec::new(),
            absences: Vec::new(),
            parts: BTreeMap::new(),
        });
    }
    app.expect(
        app.post(
            "/api/v1/sync/employees",
            &Who::Hr.token(),
            &json!({"rows": placed_since("2015-01-01", rows.clone())}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let ids = ids_by_external(
        &app.expect(
            app.get("/api/v1/employees?limit=500", &Who::Hr.token())
                .await,
            StatusCode::OK,
        )
        .await,
    );
    people[0].id = ids["MGR"].clone();
    for (i, p) in people.iter_mut().enumerate().skip(1) {
        p.id = ids[&format!("E{}", i - 1)].clone();
    }
    let unit_ids = ids_by_external(
        &app.expect(
            app.get("/api/v1/org-units?limit=500", &Who::Hr.token())
                .await,
            StatusCode::OK,
        )
        .await,
    );
    let manager = token("MGR", &["employee", "manager"]);
    for (i, p) in people.iter_mut().enumerate().skip(1) {
        let me = token(&format!("E{}", i - 1), &["employee"]);
        // Plans: most agreed on a random day, some left in draft; some followed up.
        if r.chance(75) {
            let drafted = r.day();
            app.today_is(&drafted.to_string());
            let plan = app.expect(app.post("/api/v1/plans", &manager, &json!({"employee_id": p.id, "title": "Plan", "starts_on": "2024-01-01", "ends_on": "2026-12-31"})).await, StatusCode::CREATED).await;
            let id = plan["id"].as_str().unwrap().to_owned();
            p.plans.push(id.clone());
            if r.chance(80) {
                app.sign_all(plan, &[me.clone(), manager.clone()]).await;
                let mut on = drafted;
                for _ in 0..r.below(3) {
                    on = on + chrono::Days::new(200 + r.below(300));
                    let kind = if r.chance(70) { "annual" } else { "special" };
                    app.today_is(&on.to_string());
                    let response = app
                        .post(
                            &format!("/api/v1/plans/{id}/follow-ups"),
                            &manager,
                            &json!({"kind": kind, "held_on": on.to_string(), "outcome": "continued"}),
                        )
                        .await;
                    assert_eq!(response.status(), StatusCode::CREATED);
                }
            }
        }
        // Absences, long and short, some still open.
        for _ in 0..r.below(3) {
            let start = r.day();
            let end = r
                .chance(80)
                .then(|| start + chrono::Days::new(r.below(150)));
            let body = json!({"employee_id": p.id, "kind": "long_term_illness", "starts_on": start.to_string(), "ends_on": end.map(|e| e.to_string())});
            app.expect(
                app.post("/api/v1/absences", &Who::Hr.token(), &body).await,
                StatusCode::CREATED,
            )
            .await;
            p.absences.push(AbsenceDates::new(start, end).unwrap());
        }
        // Interviews of 2024 and 2025, alone or in a group, in every state.
        for _ in 0..r.below(3) {
            let year = 2024 + r.below(2) as i32;
            let format = if r.chance(60) { "individual" } else { "group" };
            let status = ["offered", "held", "declined"][r.below(3) as usize];
            let wants_individual = format == "group" && r.chance(30);
            let mut body = json!({"year": year, "format": format, "participants": [{"employee_id": p.id, "status": status, "wants_individual": wants_individual}]});
            if status == "held" {
                body["held_on"] = json!(format!("{year}-10-01"));
            }
            let response = app
                .post("/api/v1/development-interviews", &manager, &body)
                .await;
            assert_eq!(response.status(), StatusCode::CREATED, "{body}");
            p.parts.entry(year).or_default().push(InterviewPart {
                format: InterviewFormat::parse(format).unwrap(),
                status: ParticipantStatus::parse(status).unwrap(),
                wants_individual,
            });
        }
    }
    // The root, an area and a leaf, over several periods and days.
    for (today, from, to) in [
        ("2025-06-01", "2025-01-01", "2025-12-31"),
        ("2024-11-20", "2024-01-01", "2024-12-31"),
        ("2026-02-01", "2024-07-01", "2025-06-30"),
        ("2025-03-15", "2025-03-01", "2025-03-31"),
    ] {
        app.today_is(today);
        let period = (
            from.parse().unwrap(),
            to.parse().unwrap(),
            today.parse().unwrap(),
        );
        let cells = expected(&app, &people, period).await;
        for (unit, below) in [
            ("K", &["K", "A", "A1", "A2", "B"][..]),
            ("A", &["A", "A1", "A2"][..]),
            ("A1", &["A1"][..]),
        ] {
            let s = app
                .expect(
                    app.get(
                        &format!(
                            "/api/v1/status?unit_id={}&from={from}&to={to}",
                            unit_ids[unit]
                        ),
                        &Who::Hr.token(),
                    )
                    .await,
                    StatusCode::OK,
                )
                .await;
            let inside = |u: &str| below.contains(&u);
            assert_eq!(
                people_figures(&s["figures"]),
                sum(cells.iter().filter(|c| inside(c.0)).map(|c| &c.2)),
                "{unit} on {today} for {from}..{to}"
            );
            for row in s["by_professional_group"].as_array().unwrap() {
                let group = row["professional_group"].as_str();
                assert_eq!(
                    people_figures(&row["figures"]),
                    sum(cells
                        .iter()
                        .filter(|c| inside(c.0) && c.1 == group)
                        .map(|c| &c.2)),
                    "{unit}, group {group:?}, on {today}"
                );
            }
            for row in s["by_sub_unit"].as_array().unwrap() {
                let id = row["unit_id"].as_str().unwrap();
                let name = unit_ids
                    .iter()
                    .find(|(_, v)| v.as_str() == id)
                    .map(|(k, _)| k.as_str())
                    .unwrap();
                let under: Vec<&str> = if row["direct"] == true {
                    vec![name]
                } else {
                    match name {
                        "A" => vec!["A", "A1", "A2"],
                        other => vec![other],
                    }
                };
                assert_eq!(
                    people_figures(&row["figures"]),
                    sum(cells.iter().filter(|c| under.contains(&c.0)).map(|c| &c.2)),
                    "{unit}, sub-unit {name}, on {today}"
                );
            }
        }
    }
}

#[tokio::test]
async fn concurrent_writes_about_one_employee_all_reach_the_status() {
    let app = spawn_app().await;
    app.today_is("2026-06-15");
    app.expect(
        app.post(
            "/api/v1/sync/org-units",
            &Who::Hr.token(),
            &json!({"rows": [{"external_id": "K", "name": "Kommunen"}]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let rows: Vec<Value> = (0..100)
        .map(|i| json!({"external_id": format!("E{i}"), "name": format!("Ansat {i}"), "unit_external_id": "K"}))
        .collect();
    app.expect(
        app.post(
            "/api/v1/sync/employees",
            &Who::Hr.token(),
            &json!({"rows": placed_since("2015-01-01", rows.clone())}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let e0 = &app.employee_by_external("E0").await;
    let (employee, unit) = (
        e0["id"].as_str().unwrap().to_owned(),
        e0["unit_id"].as_str().unwrap().to_owned(),
    );
    // Each absence rewrites the same employee's status rows while a sync rewrites those of
    // everyone (the projection-wide lock); none may be lost or collide.
    let sync: Vec<Value> = (0..100)
        .map(|i| json!({"external_id": format!("S{i}"), "employee_external_id": format!("E{i}"), "kind": "other", "starts_on": "2025-01-01", "ends_on": "2025-06-30"}))
        .collect();
    let sync = json!({"rows": sync});
    let bulk = async {
        app.post("/api/v1/sync/absences", &Who::Hr.token(), &sync)
            .await
            .status()
    };
    let writes = (0..16).map(|i| {
        let body = json!({"employee_id": employee, "kind": "long_term_illness", "starts_on": format!("2025-01-{:02}", i + 1), "ends_on": "2025-06-30"});
        let app = &app;
        async move { app.post("/api/v1/absences", &Who::Hr.token(), &body).await.status() }
    });
    let (bulk, statuses) =
        futures_util::future::join(bulk, futures_util::future::join_all(writes)).await;
    assert_eq!(bulk, StatusCode::OK);
    assert!(
        statuses.iter().all(|s| *s == StatusCode::CREATED),
        "{statuses:?}"
    );
    let s = app
        .expect(
            app.get(
                &format!("/api/v1/status?unit_id={unit}&from=2025-01-01&to=2025-12-31"),
                &Who::Hr.token(),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(s["figures"]["special_overdue"], 116);
}
