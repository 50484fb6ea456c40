//! Follow-up, absence and the yearly development interview, under a clock the tests set.

use std::collections::BTreeSet;

use devplan_tests::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// MGR-A and EMP-A1 agree a plan on `day`; returns the plan.
async fn agreed_plan_on(app: &TestApp, org: &Org, day: &str) -> Value {
    app.today_is(day);
    let body = json!({"employee_id": org.emp_a1, "title": "Plan", "starts_on": "2025-01-01", "ends_on": "2025-12-31"});
    app.agree_plan(
        &Who::Manager.token(),
        &body,
        &[Who::Employee.token(), Who::Manager.token()],
    )
    .await
}

async fn work_list(app: &TestApp, who: &str, query: &str) -> Vec<(String, String, String, String)> {
    let list = app
        .expect(
            app.get(&format!("/api/v1/follow-ups{query}"), who).await,
            StatusCode::OK,
        )
        .await;
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["kind"].as_str().unwrap().to_owned(),
                i["employee"]["name"].as_str().unwrap().to_owned(),
                i["due_on"].as_str().unwrap().to_owned(),
                i["state"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn item(kind: &str, name: &str, due: &str, state: &str) -> (String, String, String, String) {
    (kind.into(), name.into(), due.into(), state.into())
}

#[tokio::test]
async fn the_annual_follow_up_falls_due_a_year_after_agreement_and_moves_with_each_follow_up() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let plan = agreed_plan_on(&app, &org, "2025-01-10").await;
    assert_eq!(plan["status"], "agreed");

    app.today_is("2026-01-10");
    assert_eq!(
        work_list(&app, &Who::Manager.token(), "").await,
        [item("annual", "Bo Ansat", "2026-01-10", "due")]
    );
    app.today_is("2026-01-11");
    assert_eq!(
        work_list(&app, &Who::Manager.token(), "").await,
        [item("annual", "Bo Ansat", "2026-01-10", "overdue")]
    );
    assert_eq!(
        work_list(&app, &Who::Manager.token(), "?state=due").await,
        []
    );
    // Far ahead of the due date, nothing is listed.
    app.today_is("2025-06-01");
    assert_eq!(work_list(&app, &Who::Manager.token(), "").await, []);

    // A follow-up held 2025-12-01 moves the next one to 2026-12-01.
    app.today_is("2025-12-01");
    let id = plan["id"].as_str().unwrap();
    let recorded = app.plan_post(id, "/follow-ups", &Who::Manager.token(), &json!({"kind": "annual", "held_on": "2025-12-01", "participants": ["Anna Leder", "Bo Ansat"], "notes": "God fremdrift", "outcome": "continued"}), StatusCode::CREATED).await;
    assert_eq!(recorded["plan"]["status"], "agreed");
    app.today_is("2026-01-11");
    assert_eq!(work_list(&app, &Who::Manager.token(), "").await, []);
    app.today_is("2026-11-20");
    assert_eq!(
        work_list(&app, &Who::Manager.token(), "").await,
        [item("annual", "Bo Ansat", "2026-12-01", "due")]
    );
    // Both parties read the plan's follow-ups.
    for who in [Who::Employee.token(), Who::Manager.token()] {
        let list = app
            .expect(
                app.get(&format!("/api/v1/plans/{id}/follow-ups"), &who)
                    .await,
                StatusCode::OK,
            )
            .await;
        assert_eq!(list["items"][0]["held_on"], "2025-12-01");
    }
}

#[tokio::test]
async fn a_long_absence_makes_a_special_follow_up_due_and_a_short_or_open_one_does_not() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    agreed_plan_on(&app, &org, "2025-01-10").await;
    let absence = |who: &str, kind: &str, from: &str, to: Option<&str>| json!({"employee_id": who, "kind": kind, "starts_on": from, "ends_on": to});
    app.expect(
        app.post(
            "/api/v1/absences",
            &Who::Hr.token(),
            &absence(
                &org.emp_a1,
                "parental_leave",
                "2025-03-01",
                Some("2025-06-30"),
            ),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    app.expect(
        app.post(
            "/api/v1/absences",
            &Who::Manager.token(),
            &absence(
                &org.mem_a,
                "long_term_illness",
                "2025-03-01",
                Some("2025-03-21"),
            ),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let open = app
        .expect(
            app.post(
                "/api/v1/absences",
                &Who::Manager.token(),
                &absence(&org.rep_a, "other", "2025-02-01", None),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;

    app.today_is("2025-07-15");
    assert_eq!(
        work_list(&app, &Who::Manager.token(), "?kind=special").await,
        [item("special", "Bo Ansat", "2025-07-30", "due")]
    );
    // The open absence ends: from then on a special follow-up is due for it too.
    app.expect(
        app.patch(
            &format!("/api/v1/absences/{}", open["id"].as_str().unwrap()),
            &Who::Manager.token(),
            &json!({"ends_on": "2025-05-31"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        work_list(&app, &Who::Manager.token(), "?kind=special").await,
        [
            item("special", "Rita Repræsentant", "2025-06-30", "overdue"),
            item("special", "Bo Ansat", "2025-07-30", "due")
        ]
    );
    // A special follow-up after the return settles it.
    let plans = app
        .expect(
            app.get(
                &format!("/api/v1/plans?employee_id={}", org.emp_a1),
                &Who::Manager.token(),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    let id = plans["items"][0]["id"].as_str().unwrap();
    app.plan_post(
        id,
        "/follow-ups",
        &Who::Manager.token(),
        &json!({"kind": "special", "held_on": "2025-07-10", "outcome": "continued"}),
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(
        work_list(&app, &Who::Manager.token(), "?kind=special").await,
        [item(
            "special",
            "Rita Repræsentant",
            "2025-06-30",
            "overdue"
        )]
    );
    // The threshold is a setting.
    let settings = json!({"anonymity_threshold": 5, "long_absence_weeks": 2, "special_follow_up_days": 30, "main_committee_frequency": "yearly"});
    app.expect(
        app.send(
            Method::PUT,
            "/api/v1/settings",
            Some(&Who::Hr.token()),
            Some(&settings),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let names: BTreeSet<String> = work_list(&app, &Who::Manager.token(), "?kind=special")
        .await
        .into_iter()
        .map(|i| i.1)
        .collect();
    assert!(names.contains("Mads Medlem"), "{names:?}");
}

#[tokio::test]
async fn an_adjusted_follow_up_drafts_a_new_version_while_the_agreed_one_stays_in_force() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let plan = agreed_plan_on(&app, &org, "2025-01-10").await;
    app.today_is("2026-01-05");
    let id = plan["id"].as_str().unwrap();
    let recorded = app
        .plan_post(
            id,
            "/follow-ups",
            &Who::Manager.token(),
            &json!({"kind": "annual", "held_on": "2026-01-05", "outcome": "adjusted"}),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(
        (
            recorded["plan"]["status"].as_str(),
            recorded["plan"]["version"].as_u64(),
            recorded["plan"]["pending_version"].as_u64()
        ),
        (Some("agreed"), Some(2), Some(2))
    );
    assert_eq!(recorded["plan"]["signatures"], json!([]));
    let versions = app
        .expect(
            app.get(
                &format!("/api/v1/plans/{id}/versions"),
                &Who::Employee.token(),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(versions["items"].as_array().unwrap().len(), 2);
    // Only managers record; a follow-up cannot be held in the future; closing closes.
    assert_problem(
        app.post(
            &format!("/api/v1/plans/{id}/follow-ups"),
            &Who::Employee.token(),
            &json!({"kind": "annual", "held_on": "2026-01-05", "outcome": "continued"}),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let p = assert_problem(
        app.post(
            &format!("/api/v1/plans/{id}/follow-ups"),
            &Who::Manager.token(),
            &json!({"kind": "annual", "held_on": "2026-02-05", "outcome": "continued"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&p), ["held_on"]);
    let p = assert_problem(app.post(&format!("/api/v1/plans/{id}/follow-ups"), &Who::Manager.token(), &json!({"kind": "annual", "held_on": "2026-01-05", "outcome": "continued", "progress": [{"goal_id": uuid::Uuid::now_v7()}]})).await, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&p), ["progress[0].goal_id"]);
    let closed = app
        .plan_post(
            id,
            "/follow-ups",
            &Who::Manager.token(),
            &json!({"kind": "ad_hoc", "held_on": "2026-01-05", "outcome": "closed"}),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(closed["plan"]["status"], "closed");
}

#[tokio::test]
async fn the_work_list_holds_exactly_the_managers_units_and_an_employee_sees_their_own() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    agreed_plan_on(&app, &org, "2025-01-10").await;
    // A plan in area B, agreed the same day.
    let mgr_b = token("MGR-B", &["employee", "manager"]);
    let body = json!({"employee_id": org.emp_b, "title": "Plan B", "starts_on": "2025-01-01", "ends_on": "2025-12-31"});
    app.agree_plan(
        &mgr_b,
        &body,
        &[token("EMP-B", &["employee"]), mgr_b.clone()],
    )
    .await;

    app.today_is("2026-01-20");
    assert_eq!(
        work_list(&app, &Who::Manager.token(), "").await,
        [item("annual", "Bo Ansat", "2026-01-10", "overdue")]
    );
    assert_eq!(
        work_list(&app, &mgr_b, "").await,
        [item("annual", "Carl Ansat", "2026-01-10", "overdue")]
    );
    assert_eq!(
        work_list(&app, &Who::Employee.token(), "").await,
        [item("annual", "Bo Ansat", "2026-01-10", "overdue")]
    );
    assert_eq!(
        work_list(&app, &token("REP-A", &["employee"]), "").await,
        []
    );
    assert_eq!(work_list(&app, &Who::Hr.token(), "").await.len(), 2);
    assert_eq!(
        work_list(&app, &Who::Hr.token(), &format!("?unit_id={}", org.b)).await,
        [item("annual", "Carl Ansat", "2026-01-10", "overdue")]
    );
    assert_eq!(
        app.get(
            &format!("/api/v1/follow-ups?unit_id={}", org.b),
            &Who::Manager.token()
        )
        .await
        .status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn interview_coverage_lists_who_is_still_owed_an_interview_this_year() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    app.today_is("2026-03-01");
    app.expect(app.post("/api/v1/sync/org-units", &Who::Hr.token(), &json!({"rows": [{"external_id": "A2", "name": "Institution A2", "parent_external_id": "A"}]})).await, StatusCode::OK).await;
    let people = ["OFF", "HELD", "DECL", "MISS", "GRP1", "GRP2", "GRP3"];
    let rows: Vec<Value> = people.iter().map(|p| json!({"external_id": p, "name": format!("Medarbejder {p}"), "unit_external_id": "A2"})).collect();
    app.expect(
        app.post(
            "/api/v1/sync/employees",
            &Who::Hr.token(),
            &json!({"rows": rows}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let all = app
        .expect(
            app.get("/api/v1/employees?limit=500", &Who::Hr.token())
                .await,
            StatusCode::OK,
        )
        .await;
    let id = |ext: &str| {
        all["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["external_id"] == ext)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let individual = |who: &str, status: &str| json!({"year": 2026, "format": "individual", "participants": [{"employee_id": id(who), "status": status}]});
    for (who, status) in [("OFF", "offered"), ("HELD", "held"), ("DECL", "declined")] {
        app.expect(
            app.post(
                "/api/v1/development-interviews",
                &Who::Manager.token(),
                &individual(who, status),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
    }
    let group = json!({"year": 2026, "format": "group", "held_on": "2026-02-15", "participants": [
        {"employee_id": id("GRP1"), "status": "held"},
        {"employee_id": id("GRP2"), "status": "held"},
        {"employee_id": id("GRP3"), "status": "held", "wants_individual": true},
    ]});
    app.expect(
        app.post(
            "/api/v1/development-interviews",
            &Who::Manager.token(),
            &group,
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    // Last year's interview does not count for this year.
    app.expect(app.post("/api/v1/development-interviews", &Who::Manager.token(), &json!({"year": 2025, "format": "individual", "participants": [{"employee_id": id("MISS"), "status": "held"}]})).await, StatusCode::CREATED).await;

    let coverage = |query: String| {
        let app = &app;
        async move {
            let list = app
                .expect(
                    app.get(
                        &format!("/api/v1/development-interviews/coverage{query}"),
                        &Who::Manager.token(),
                    )
                    .await,
                    StatusCode::OK,
                )
                .await;
            list["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| {
                    (
                        i["employee"]["name"].as_str().unwrap().to_owned(),
                        i["coverage"].as_str().unwrap().to_owned(),
                    )
                })
                .collect::<Vec<_>>()
        }
    };
    let owed = coverage(format!("?unit_id={}", app.unit_id("A2").await)).await;
    assert_eq!(
        owed,
        [
            (
                "Medarbejder GRP3".to_owned(),
                "individual_requested".to_owned()
            ),
            ("Medarbejder MISS".to_owned(), "not_offered".to_owned())
        ]
    );
    // Offering GRP3 an individual interview does not settle it: it is owed until held.
    app.expect(
        app.post(
            "/api/v1/development-interviews",
            &Who::Manager.token(),
            &individual("GRP3", "offered"),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(
        coverage(format!("?unit_id={}", app.unit_id("A2").await)).await,
        owed
    );
    // Once GRP3 has had an individual interview, only MISS is owed one.
    app.expect(
        app.post(
            "/api/v1/development-interviews",
            &Who::Manager.token(),
            &individual("GRP3", "held"),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let owed = coverage(format!("?unit_id={}", app.unit_id("A2").await)).await;
    assert_eq!(
        owed,
        [("Medarbejder MISS".to_owned(), "not_offered".to_owned())]
    );
    let everyone = coverage(format!(
        "?unit_id={}&needs_action=false",
        app.unit_id("A2").await
    ))
    .await;
    assert_eq!(everyone.len(), 7);
    // A manager of another area cannot record interviews for A's people.
    let p = assert_problem(
        app.post(
            "/api/v1/development-interviews",
            &token("MGR-B", &["manager"]),
            &individual("MISS", "offered"),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&p), ["participants"]);
    let _ = org;
}

#[tokio::test]
async fn the_calendar_feed_holds_the_managers_due_items_and_a_rotated_secret_retires_the_old_url() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    agreed_plan_on(&app, &org, "2025-01-10").await;
    app.today_is("2025-12-20");
    let feed = app
        .expect(
            app.send(
                Method::POST,
                "/api/v1/calendar-feed",
                Some(&Who::Manager.token()),
                None,
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
    let url = feed["url"].as_str().unwrap().to_owned();
    let text = fetch_open(&app, &url, "text/calendar").await;
    let mut parser = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()));
    let calendar = parser.next().expect("a calendar").expect("it parses");
    let events: Vec<(String, String)> = calendar
        .events
        .iter()
        .map(|e| {
            let prop = |name: &str| {
                e.properties
                    .iter()
                    .find(|p| p.name == name)
                    .and_then(|p| p.value.clone())
                    .unwrap_or_default()
            };
            (prop("SUMMARY"), prop("DTSTART"))
        })
        .collect();
    assert_eq!(
        events,
        [(
            "Årlig opfølgning: Bo Ansat".to_owned(),
            "20260110".to_owned()
        )]
    );
    // Another manager's feed holds none of A's items.
    let other_text = calendar_of(&app, &token("MGR-B", &["manager"])).await;
    assert!(!other_text.contains("Bo Ansat"));
    // Rotating retires the old address.
    let rotated = app
        .expect(
            app.send(
                Method::POST,
                "/api/v1/calendar-feed",
                Some(&Who::Manager.token()),
                None,
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
    assert_ne!(rotated["url"], feed["url"]);
    assert_eq!(
        app.client
            .get(format!("{}{url}", app.base))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.client
            .get(format!("{}{}", app.base, rotated["url"].as_str().unwrap()))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn representatives_and_committee_members_get_no_follow_ups_absences_or_interviews() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let fixture = app.plan_fixture(&org).await;
    // As employees they are not parties (404, as absent); without a role that reads these at
    // all they are refused by role (403). Absences are HR's and managers' only.
    let (absent, refused) = (StatusCode::NOT_FOUND, StatusCode::FORBIDDEN);
    for (who, follow_ups, absence, interview) in [
        (
            token("REP-A", &["employee", "local_representative"]),
            absent,
            refused,
            absent,
        ),
        (
            token("REP-A", &["local_representative"]),
            refused,
            refused,
            refused,
        ),
        (token("MEM-A", &["committee"]), refused, refused, refused),
        (
            token("MEM-A", &["employee", "committee"]),
            absent,
            refused,
            absent,
        ),
    ] {
        for (path, expected) in [
            (
                format!("/api/v1/plans/{}/follow-ups", fixture.id),
                follow_ups,
            ),
            (format!("/api/v1/absences/{}", fixture.absence), absence),
            (
                format!("/api/v1/development-interviews/{}", fixture.interview),
                interview,
            ),
        ] {
            assert_eq!(app.get(&path, &who).await.status(), expected, "{path}");
        }
    }
    // Absences are HR's and the manager's: the employee themself does not read them here.
    assert_eq!(
        app.get(
            &format!("/api/v1/absences/{}", fixture.absence),
            &Who::Employee.token()
        )
        .await
        .status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn hr_syncs_interviews_by_external_id_and_they_count_for_coverage() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    app.today_is("2026-03-01");
    let rows = json!({"rows": [
        {"external_id": "MUS-1", "year": 2026, "format": "group", "held_on": "2026-02-10", "participants": [
            {"employee_external_id": "EMP-A1", "status": "held"},
            {"employee_external_id": "MEM-A", "status": "held", "wants_individual": true}]},
    ]});
    let first = app
        .expect(
            app.post(
                "/api/v1/sync/development-interviews",
                &Who::Hr.token(),
                &rows,
            )
            .await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(first, json!({"created": 1, "updated": 0, "unchanged": 0}));
    let again = app
        .expect(
            app.post(
                "/api/v1/sync/development-interviews",
                &Who::Hr.token(),
                &rows,
            )
            .await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(again, json!({"created": 0, "updated": 0, "unchanged": 1}));
    let list = app
        .expect(
            app.get(
                &format!(
                    "/api/v1/development-interviews/coverage?unit_id={}&needs_action=false",
                    org.a1
                ),
                &Who::Manager.token(),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    let got: Vec<(&str, &str)> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["employee"]["name"].as_str().unwrap(),
                i["coverage"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("Bo Ansat", "held"),
            ("Mads Medlem", "individual_requested"),
            ("Rita Repræsentant", "not_offered")
        ]
    );
    let bad = json!({"rows": [{"external_id": "MUS-2", "year": 2026, "format": "individual", "participants": [{"employee_external_id": "NOBODY", "status": "offered"}]}]});
    let p = assert_problem(
        app.post(
            "/api/v1/sync/development-interviews",
            &Who::Hr.token(),
            &bad,
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(
        error_fields(&p),
        ["rows[0].participants[0].employee_external_id"]
    );
}

#[tokio::test]
async fn the_work_list_of_a_unit_that_does_not_exist_is_404_for_hr_as_for_a_manager() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let absent = "00000000-0000-7000-8000-000000000000";
    for caller in [Who::Hr.token(), token("MGR-A", &["employee", "manager"])] {
        assert_problem(
            app.get(&format!("/api/v1/follow-ups?unit_id={absent}"), &caller)
                .await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }
    let own = app
        .expect(
            app.get(
                &format!("/api/v1/follow-ups?unit_id={}", org.a1),
                &Who::Hr.token(),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    assert!(own["items"].is_array());
}

/// The text of a fresh calendar feed of `who`.
async fn calendar_of(app: &TestApp, who: &str) -> String {
    let feed = app
        .expect(
            app.send(Method::POST, "/api/v1/calendar-feed", Some(who), None)
                .await,
            StatusCode::CREATED,
        )
        .await;
    app.client
        .get(format!("{}{}", app.base, feed["url"].as_str().unwrap()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// Drafts a plan for `body` as MGR-A and has every token in `signers` sign it; returns its id.
async fn agree(app: &TestApp, body: Value, signers: &[String]) -> String {
    let plan = app.agree_plan(&Who::Manager.token(), &body, signers).await;
    plan["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_special_follow_up_recorded_on_either_current_plan_settles_it_twenty_times_out_of_twenty()
{
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let rows: Vec<Value> = (0..20)
        .map(|i| json!({"external_id": format!("T{i}"), "name": format!("Tove {i}"), "unit_external_id": "A1"}))
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
    app.today_is("2025-01-10");
    let mut plans = Vec::new();
    for i in 0..20 {
        let me = app.employee_by_external(&format!("T{i}")).await;
        let me = me["id"].as_str().unwrap().to_owned();
        let mine = token(&format!("T{i}"), &["employee"]);
        let period = json!({"starts_on": "2025-01-01", "ends_on": "2025-12-31"});
        let individual = agree(
            &app,
            json!({"employee_id": me, "title": "Egen plan", "starts_on": period["starts_on"], "ends_on": period["ends_on"]}),
            &[mine.clone(), Who::Manager.token()],
        )
        .await;
        let group = agree(
            &app,
            json!({"member_ids": [me, org.mem_a], "title": "Teamplan", "starts_on": period["starts_on"], "ends_on": period["ends_on"]}),
            &[mine, token("MEM-A", &["employee"]), Who::Manager.token()],
        )
        .await;
        app.expect(
            app.post("/api/v1/absences", &Who::Hr.token(), &json!({"employee_id": me, "kind": "parental_leave", "starts_on": "2025-03-01", "ends_on": "2025-06-30"})).await,
            StatusCode::CREATED,
        )
        .await;
        plans.push((individual, group));
    }
    app.today_is("2025-07-15");
    let specials = |list: Vec<(String, String, String, String)>| -> BTreeSet<String> {
        list.into_iter()
            .filter(|i| i.0 == "special" && i.1.starts_with("Tove"))
            .map(|i| i.1)
            .collect()
    };
    assert_eq!(
        specials(work_list(&app, &Who::Manager.token(), "?kind=special").await).len(),
        20
    );
    for (i, (individual, group)) in plans.iter().enumerate() {
        // Half on the individual plan, half on the group plan.
        let on = if i % 2 == 0 { individual } else { group };
        app.plan_post(
            on,
            "/follow-ups",
            &Who::Manager.token(),
            &json!({"kind": "special", "held_on": "2025-07-10", "outcome": "continued"}),
            StatusCode::CREATED,
        )
        .await;
    }
    let left = specials(work_list(&app, &Who::Manager.token(), "?kind=special").await);
    assert!(left.is_empty(), "still due: {left:?}");
    // The calendar feed, built from the same list, agrees.
    let text = calendar_of(&app, &Who::Manager.token()).await;
    let special_events: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("SUMMARY:") && l.contains("Tove") && !l.contains("Årlig"))
        .collect();
    assert!(special_events.is_empty(), "{special_events:?}");
    assert!(text.contains("Årlig opfølgning: Tove 0"), "{text}");
    // And so does the status of the year: twenty held, none due or overdue.
    let status = app
        .expect(
            app.get(
                &format!(
                    "/api/v1/status?unit_id={}&from=2025-01-01&to=2025-12-31",
                    org.a1
                ),
                &Who::Hr.token(),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(status["figures"]["special_held"], 20);
    assert_eq!(status["figures"]["special_due"], 0);
    assert_eq!(status["figures"]["special_overdue"], 0);
}

/// The 2026 status of Institution A1 as its area's manager.
async fn figures_2026(app: &TestApp, org: &Org) -> Value {
    app.expect(
        app.get(
            &format!("/api/v1/status?unit_id={}", org.a1),
            &Who::Manager.token(),
        )
        .await,
        StatusCode::OK,
    )
    .await["figures"]
        .clone()
}

#[tokio::test]
async fn a_special_follow_up_on_a_plan_later_replaced_still_settles_the_absence() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let first = agreed_plan_on(&app, &org, "2026-01-10").await;
    let absence = json!({"employee_id": org.emp_a1, "kind": "long_term_illness", "starts_on": "2026-02-01", "ends_on": "2026-06-24"});
    app.expect(
        app.post("/api/v1/absences", &Who::Hr.token(), &absence)
            .await,
        StatusCode::CREATED,
    )
    .await;
    app.today_is("2026-07-16");
    app.plan_post(
        first["id"].as_str().unwrap(),
        "/follow-ups",
        &Who::Manager.token(),
        &json!({"kind": "special", "held_on": "2026-07-16", "outcome": "continued"}),
        StatusCode::CREATED,
    )
    .await;
    // A new plan replaces the first; the follow-up stays with the first.
    agreed_plan_on(&app, &org, "2026-10-13").await;
    app.today_is("2026-12-07");
    let f = figures_2026(&app, &org).await;
    assert_eq!(
        (f["special_held"].as_u64(), f["special_overdue"].as_u64()),
        (Some(1), Some(0)),
        "{f}"
    );
    assert_eq!(
        work_list(&app, &Who::Manager.token(), "?kind=special").await,
        []
    );
}

#[tokio::test]
async fn a_follow_up_held_late_stays_late_when_a_new_version_is_agreed_after_it() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let plan = agreed_plan_on(&app, &org, "2025-10-27").await;
    app.today_is("2026-11-11");
    let recorded = app
        .plan_post(
            plan["id"].as_str().unwrap(),
            "/follow-ups",
            &Who::Manager.token(),
            &json!({"kind": "annual", "held_on": "2026-11-11", "outcome": "adjusted"}),
            StatusCode::CREATED,
        )
        .await;
    app.today_is("2026-12-02");
    let v2 = app
        .sign_all(
            recorded["plan"].clone(),
            &[Who::Employee.token(), Who::Manager.token()],
        )
        .await;
    assert_eq!(v2["agreed_version"], 2, "{v2}");
    app.today_is("2026-12-07");
    let f = figures_2026(&app, &org).await;
    assert_eq!(
        (
            f["annual_held_in_time"].as_u64(),
            f["annual_held_late"].as_u64()
        ),
        (Some(0), Some(1)),
        "{f}"
    );
    // Version 2's agreement restarted the clock: due 2027-12-02, so due in the last days of
    // 2027 and not before.
    let due_in = |from: &'static str, to: &'static str| {
        let app = &app;
        let a1 = org.a1.clone();
        async move {
            app.expect(
                app.get(
                    &format!("/api/v1/status?unit_id={a1}&from={from}&to={to}"),
                    &Who::Manager.token(),
                )
                .await,
                StatusCode::OK,
            )
            .await["figures"]["annual_due"]
                .as_u64()
        }
    };
    assert_eq!(due_in("2027-12-01", "2027-12-31").await, Some(1));
    assert_eq!(due_in("2027-11-01", "2027-11-30").await, Some(0));
}
