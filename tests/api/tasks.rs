//! What waits for me (`GET /me/tasks`): every kind of task, for each of the standard
//! organisation's callers, exactly as a scenario set them up; and the same number of
//! statements for a manager of 50 people as for one of 5,000.

use std::collections::BTreeSet;

use devplan_tests::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Tasks as `(kind, object_id, employee_id or "-")`.
type Tasks = BTreeSet<(String, String, String)>;

/// The caller's tasks, every page read.
async fn tasks_of(app: &TestApp, token: &str, query: &str) -> Tasks {
    let mut found = BTreeSet::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/me/tasks?limit=2&cursor={c}{query}"),
            None => format!("/api/v1/me/tasks?limit=2{query}"),
        };
        let page = app
            .expect(app.get(&path, token).await, StatusCode::OK)
            .await;
        let items = page["items"].as_array().unwrap();
        let ids: Vec<&str> = items.iter().map(|t| t["id"].as_str().unwrap()).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(ids, sorted, "a page is in id order");
        for t in items {
            assert!(
                t["link"]
                    .as_str()
                    .unwrap()
                    .contains(t["object_id"].as_str().unwrap()),
                "{t}"
            );
            found.insert((
                t["kind"].as_str().unwrap().to_owned(),
                t["object_id"].as_str().unwrap().to_owned(),
                t["employee_id"].as_str().unwrap_or("-").to_owned(),
            ));
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return found,
        }
    }
}

fn set(rows: &[(&str, &str, &str)]) -> Tasks {
    rows.iter()
        .map(|(k, o, e)| ((*k).to_owned(), (*o).to_owned(), (*e).to_owned()))
        .collect()
}

fn s(v: &Value) -> &str {
    v.as_str().expect("a string")
}

#[tokio::test]
async fn each_caller_gets_exactly_the_tasks_the_scenario_set_up_for_every_kind() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    // A draft plan for EMP-A1 (unsigned), EMP-A1's interview with a guide and their private
    // preparation, their parental leave of 2025 (a special follow-up overdue since), and a
    // status review of area A recorded today by MGR-A.
    let plan = app.plan_fixture(&org).await;
    let (manager, employee) = (Who::Manager.token(), Who::Employee.token());
    let mads = token("MEM-A", &["employee"]);

    // EMP-A1 signs; MGR-A adds a goal, which drops the signature: the content changed since.
    let read = app
        .expect(
            app.get(&format!("/api/v1/plans/{}", plan.id), &employee)
                .await,
            StatusCode::OK,
        )
        .await;
    app.sign_plan(&read, &employee).await;
    app.plan_post(
        &plan.id,
        "/goals",
        &manager,
        &json!({"description": "Ny opgave", "competence_kind": "social", "horizon": "short_term"}),
        StatusCode::CREATED,
    )
    .await;
    // MEM-A's plan, agreed by both and then changed: its next version awaits them both.
    let agreed = app
        .agree_plan(
            &manager,
            &json!({"employee_id": org.mem_a, "title": "Plan", "starts_on": "2026-01-01", "ends_on": "2026-12-31"}),
            &[mads.clone(), manager.clone()],
        )
        .await;
    let agreed_id = s(&agreed["id"]).to_owned();
    app.plan_post(
        &agreed_id,
        "/goals",
        &manager,
        &json!({"description": "Mentorordning", "competence_kind": "professional", "horizon": "long_term"}),
        StatusCode::CREATED,
    )
    .await;
    // EMP-A1 shares their preparation; MGR-A prepares EMP-A1's interview and shares too.
    let share = |token: String| {
        let app = &app;
        let path = format!(
            "/api/v1/development-interviews/{}/preparation/mine/share",
            plan.interview
        );
        async move {
            app.expect(app.post(&path, &token, &json!(null)).await, StatusCode::OK)
                .await
        }
    };
    share(employee.clone()).await;
    let managers = app
        .prepare(
            &plan.interview,
            &manager,
            json!([{"question": "trivsel", "scale": 5}]),
            StatusCode::CREATED,
        )
        .await;
    share(manager.clone()).await;
    // MEM-A is offered an interview too; neither they nor MGR-A has prepared it.
    let year: i32 = chrono::Utc::now().format("%Y").to_string().parse().unwrap();
    let offered = app
        .expect(
            app.post(
                "/api/v1/development-interviews",
                &manager,
                &json!({"year": year, "format": "individual", "participants": [{"employee_id": org.mem_a, "status": "offered"}]}),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
    let offered_id = s(&offered["id"]).to_owned();

    let (emp, mem) = (org.emp_a1.as_str(), org.mem_a.as_str());
    let cases: Vec<(&str, String, Tasks)> = vec![
        (
            "EMP-A1 as employee",
            employee.clone(),
            set(&[
                ("sign_plan", &plan.id, emp),
                ("read_shared_preparation", s(&managers["id"]), &org.mgr_a),
            ]),
        ),
        (
            "MEM-A as employee",
            mads.clone(),
            set(&[
                ("sign_pending_version", &agreed_id, mem),
                ("prepare_interview", &offered_id, mem),
            ]),
        ),
        (
            "MGR-A as manager",
            manager.clone(),
            set(&[
                ("sign_plan", &plan.id, emp),
                ("sign_pending_version", &agreed_id, mem),
                ("prepare_interview", &offered_id, mem),
                ("read_shared_preparation", &plan.preparation, emp),
                ("hold_special_follow_up", &plan.id, emp),
            ]),
        ),
        (
            "REP-A as representative",
            Who::Representative.token(),
            set(&[("add_review_notes", &plan.review, "-")]),
        ),
        (
            "MEM-A as committee member",
            Who::Committee.token(),
            set(&[("send_committee_feedback", &org.med_a, "-")]),
        ),
        ("HR", Who::Hr.token(), set(&[])),
    ];
    let mut kinds = BTreeSet::new();
    for (who, token, expected) in &cases {
        let got = tasks_of(&app, token, "").await;
        assert_eq!(&got, expected, "{who}");
        kinds.extend(got.into_iter().map(|(k, _, _)| k));
    }
    // A year ahead, the annual follow-up of MEM-A's agreed plan waits for MGR-A too.
    let ahead = tasks_of(&app, &manager, "&window_days=366").await;
    assert!(ahead.contains(&(
        "hold_annual_follow_up".to_owned(),
        agreed_id.clone(),
        mem.to_owned()
    )));
    kinds.insert("hold_annual_follow_up".to_owned());
    // Every kind the document lists was seen.
    let doc = app
        .expect(
            app.send(Method::GET, "/api/v1/openapi.json", None, None)
                .await,
            StatusCode::OK,
        )
        .await;
    let documented: BTreeSet<String> = doc["components"]["schemas"]["TaskKind"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| s(k).to_owned())
        .collect();
    assert_eq!(kinds, documented);

    // Whether the employee's signature was dropped by a change is said.
    let page = app
        .expect(app.get("/api/v1/me/tasks", &employee).await, StatusCode::OK)
        .await;
    let sign = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["kind"] == "sign_plan")
        .unwrap();
    assert_eq!(sign["changed_since_signed"], true, "{sign}");
    let mine = app
        .expect(app.get("/api/v1/me/tasks", &manager).await, StatusCode::OK)
        .await;
    let manager_signs = mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["kind"] == "sign_plan")
        .unwrap();
    assert_eq!(manager_signs["changed_since_signed"], false);

    // Done, a task is gone: MGR-A signs EMP-A1's plan.
    let current = app
        .expect(
            app.get(&format!("/api/v1/plans/{}", plan.id), &manager)
                .await,
            StatusCode::OK,
        )
        .await;
    app.sign_plan(&current, &manager).await;
    let after = tasks_of(&app, &manager, "").await;
    assert!(
        !after
            .iter()
            .any(|(k, o, _)| k == "sign_plan" && *o == plan.id)
    );
    assert_problem(
        app.get("/api/v1/me/tasks?window_days=367", &manager).await,
        StatusCode::BAD_REQUEST,
        "invalid_query",
    )
    .await;
}

#[tokio::test]
async fn the_task_list_costs_the_same_statements_for_a_manager_of_50_and_of_5000() {
    let app = spawn_app().await;
    let hr = Who::Hr.token();
    app.expect(
        app.post(
            "/api/v1/sync/org-units",
            &hr,
            &json!({"rows": [
                {"external_id": "K", "name": "Kommunen"},
                {"external_id": "S", "name": "Lille enhed", "parent_external_id": "K"},
                {"external_id": "L", "name": "Stor enhed", "parent_external_id": "K"},
            ]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let mut rows = vec![
        json!({"external_id": "M-S", "name": "Leder S", "unit_external_id": "S", "manages_unit_external_ids": ["S"]}),
        json!({"external_id": "M-L", "name": "Leder L", "unit_external_id": "L", "manages_unit_external_ids": ["L"]}),
    ];
    for (unit, n) in [("S", 50), ("L", 5_000)] {
        for i in 0..n {
            rows.push(json!({"external_id": format!("{unit}-{i}"), "name": format!("Ansat {unit} {i}"), "unit_external_id": unit}));
        }
    }
    app.expect(
        app.post("/api/v1/sync/employees", &hr, &json!({"rows": rows}))
            .await,
        StatusCode::OK,
    )
    .await;
    // Everyone is offered this year's interview, with a guide to prepare.
    app.published_guide("MUS", "individual").await;
    let year: i32 = chrono::Utc::now().format("%Y").to_string().parse().unwrap();
    let interviews: Vec<Value> = [("S", 50), ("L", 5_000)]
        .iter()
        .flat_map(|(unit, n)| {
            (0..*n).map(move |i| json!({"external_id": format!("MUS-{unit}-{i}"), "year": year, "format": "individual", "participants": [{"employee_external_id": format!("{unit}-{i}"), "status": "offered"}]}))
        })
        .collect();
    app.expect(
        app.post(
            "/api/v1/sync/development-interviews",
            &hr,
            &json!({"rows": interviews}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let mut counted = Vec::new();
    for manager in ["M-S", "M-L"] {
        let token = token(manager, &["employee", "manager"]);
        // Once to resolve the caller, then counted.
        app.get("/api/v1/me/tasks", &token).await;
        let (statements, response) = app
            .statements_of_get("/api/v1/me/tasks?limit=500", &token)
            .await;
        let page = app.expect(response, StatusCode::OK).await;
        let expected = if manager == "M-S" { 50 } else { 500 };
        assert_eq!(page["items"].as_array().unwrap().len(), expected);
        counted.push(statements);
    }
    assert_eq!(counted[0], counted[1], "{counted:?}");
}
