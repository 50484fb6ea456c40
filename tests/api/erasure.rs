//! Erasure of those who left, on HR's demand and after the retention: nothing identifies them
//! afterwards, and no figure changes.

use devplan_tests::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Status of `unit` for 2025 and for this year, as HR and as the area's representative see it.
async fn figures(app: &TestApp, unit: &str) -> Vec<Value> {
    let mut out = Vec::new();
    for who in [Who::Hr.token(), token("E-015", &["local_representative"])] {
        for period in ["&from=2025-01-01&to=2025-12-31", ""] {
            let mut s = app
                .expect(
                    app.get(&format!("/api/v1/status?unit_id={unit}{period}"), &who)
                        .await,
                    StatusCode::OK,
                )
                .await;
            // The names of units and groups are not figures.
            s.as_object_mut().map(|o| o.remove("by_professional_group"));
            out.push(s);
        }
    }
    out
}

#[tokio::test]
async fn a_demo_employee_who_left_is_erased_from_everything_and_no_figure_changes() {
    let app = spawn_app().await;
    app.today_is("2026-06-15");
    devplan_api::demo::seed(&app.store().await)
        .await
        .expect("the demo seeds");
    let me = app.employee_by_external("E-016").await;
    let (id, name, email) = (
        me["id"].as_str().unwrap().to_owned(),
        me["name"].as_str().unwrap().to_owned(),
        me["email"].as_str().unwrap().to_owned(),
    );
    let unit = me["unit_id"].as_str().unwrap().to_owned();
    let manager = token("E-004", &["employee", "manager"]);
    let employee = token("E-016", &["employee"]);

    // What the service comes to hold about them: an absence and an interview from HR, a
    // follow-up whose notes and participants name them, a plan they signed themselves with an
    // idempotency key, and the manager's reads.
    let absence = json!({"rows": [{"external_id": "ABS-E-016", "employee_external_id": "E-016", "kind": "long_term_illness", "starts_on": "2025-02-01", "ends_on": "2025-05-01"}]});
    app.expect(
        app.post("/api/v1/sync/absences", &Who::Hr.token(), &absence)
            .await,
        StatusCode::OK,
    )
    .await;
    let interview = json!({"rows": [{"external_id": "MUS-2026-E-016", "year": 2026, "format": "individual", "participants": [{"employee_external_id": "E-016", "status": "held"}]}]});
    app.expect(
        app.post(
            "/api/v1/sync/development-interviews",
            &Who::Hr.token(),
            &interview,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    // Their preparation of the demo's interview, shared with the manager, who reads it; and
    // the manager's own for the same interview.
    let offered = app
        .expect(
            app.get("/api/v1/development-interviews", &employee).await,
            StatusCode::OK,
        )
        .await;
    let offered = offered["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| !i["guide_version_id"].is_null())
        .expect("the demo offers E-016 an interview with a guide")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let secret = "Mit mål: at blive afdelingsleder inden for to år";
    let mine = app
        .prepare(
            &offered,
            &employee,
            json!([{"question": "maal", "text": secret}]),
            StatusCode::CREATED,
        )
        .await;
    app.prepare(
        &offered,
        &manager,
        json!([{"question": "kompetencer", "text": "Lederens noter om E-016"}]),
        StatusCode::CREATED,
    )
    .await;
    app.expect(
        app.post(
            &format!("/api/v1/development-interviews/{offered}/preparation/mine/share"),
            &employee,
            &json!(null),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let read = app
        .expect(
            app.get(
                &format!("/api/v1/preparations/{}", mine["id"].as_str().unwrap()),
                &manager,
            )
            .await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(read["answers"][0]["text"], secret);
    let plans = app
        .expect(
            app.get(&format!("/api/v1/plans?employee_id={id}"), &manager)
                .await,
            StatusCode::OK,
        )
        .await;
    let plan_id = plans["items"][0]["id"].as_str().unwrap().to_owned();
    app.plan_post(
        &plan_id,
        "/follow-ups",
        &manager,
        &json!({"kind": "special", "held_on": "2026-06-01", "participants": [name, "Leder"], "notes": format!("Samtale med {name} efter sygdom"), "outcome": "continued"}),
        StatusCode::CREATED,
    )
    .await;
    let draft = app
        .expect(
            app.post(
                "/api/v1/plans",
                &manager,
                &json!({"employee_id": id, "title": format!("Plan for {name}"), "starts_on": "2027-01-01", "ends_on": "2027-12-31"}),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
    app.expect(
        app.send_with(
            Method::POST,
            &format!("/api/v1/plans/{}/signatures", draft["id"].as_str().unwrap()),
            &employee,
            Some(&json!({"revision": draft["revision"]})),
            &[("Idempotency-Key", "sign-e016-1")],
        )
        .await,
        StatusCode::CREATED,
    )
    .await;

    // The right of access: everything, in one document.
    let export = app
        .expect(
            app.get(&format!("/api/v1/employees/{id}/export"), &employee)
                .await,
            StatusCode::OK,
        )
        .await;
    let count = |v: &Value| v.as_array().map_or(0, Vec::len);
    assert_eq!(count(&export["plans"]), 2, "{export}");
    let demo_plan = export["plans"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["plan"]["id"] == plan_id.as_str())
        .unwrap();
    assert!(count(&demo_plan["versions"]) >= 1);
    assert!(count(&demo_plan["plan"]["content"]["goals"]) >= 1);
    assert_eq!(count(&demo_plan["follow_ups"]), 1);
    assert_eq!(count(&export["absences"]), 1);
    assert_eq!(count(&export["interviews"]), 2);
    assert_eq!(count(&export["preparations"]), 1, "{export}");
    assert_eq!(export["preparations"][0]["answers"][0]["text"], secret);
    // The manager's read of the shared answers is in the audit log.
    let audit = app
        .expect(
            app.get(
                &format!("/api/v1/audit?employee_id={id}&action=read&limit=500"),
                &Who::Hr.token(),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    assert!(
        audit["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["object"] == "preparation" && e["object_id"] == mine["id"]),
        "{audit}"
    );
    // Their name, e-mail and external id, their answers and the manager's about them.
    let held = [
        name.as_str(),
        email.as_str(),
        "E-016",
        secret,
        "Lederens noter",
    ];
    let dump = app.dump().await;
    for identifier in held {
        assert!(dump.contains(identifier), "before: {identifier} is held");
    }

    // Someone still employed is not erased.
    let erase = format!("/api/v1/employees/{id}/erasure");
    assert_problem(
        app.post(&erase, &Who::Hr.token(), &json!({})).await,
        StatusCode::CONFLICT,
        "still_employed",
    )
    .await;
    // Only HR erases.
    assert_eq!(
        app.post(&erase, &manager, &json!({})).await.status(),
        StatusCode::FORBIDDEN
    );
    let top = app.employee_by_external("E-004").await["unit_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let employed = (figures(&app, &unit).await, figures(&app, &top).await);
    app.leaves(&id).await;
    let before = (figures(&app, &unit).await, figures(&app, &top).await);
    // 2025 is closed: leaving does not change it (HR's and the representative's views at
    // indices 0 and 2); this year's figures no longer count them.
    for i in [0, 2] {
        assert_eq!(before.0[i], employed.0[i], "2025 as it was");
    }
    assert_eq!(
        before.0[1]["figures"]["employees"].as_u64(),
        employed.0[1]["figures"]["employees"]
            .as_u64()
            .map(|n| n - 1)
    );

    let erased = app
        .expect(
            app.post(&erase, &Who::Hr.token(), &json!({})).await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(
        (
            erased["name"].as_str(),
            erased["email"].as_str(),
            erased["external_id"].as_str(),
            erased["active"].as_bool()
        ),
        (Some("Slettet medarbejder"), None, None, Some(false))
    );
    let dump = app.dump().await;
    for identifier in held {
        let found: Vec<&str> = dump.lines().filter(|l| l.contains(identifier)).collect();
        assert!(found.is_empty(), "after: {identifier} in {found:#?}");
    }
    assert_eq!(
        (figures(&app, &unit).await, figures(&app, &top).await),
        before,
        "the figures are as they were, 2025's with them in it"
    );
    // Their plan keeps its period and status, not its content.
    let plan = app
        .expect(
            app.get(&format!("/api/v1/plans/{plan_id}"), &manager).await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(count(&plan["content"]["goals"]), 0);
    assert_eq!(
        (
            plan["content"]["title"].as_str(),
            plan["content"]["starts_on"].as_str()
        ),
        (Some("[slettet]"), Some("2026-01-01"))
    );
    // Followers learn of it, and erasing again changes nothing.
    let feed = app
        .expect(
            app.get("/api/v1/events?types=employee.erased", &Who::Hr.token())
                .await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(count(&feed["items"]), 1);
    assert_eq!(feed["items"][0]["data"]["name"], "Slettet medarbejder");
    let again = app
        .expect(
            app.post(&erase, &Who::Hr.token(), &json!({})).await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(again["version"], erased["version"]);
    // The audit log keeps who read what, with no subject of theirs.
    let audit = app
        .expect(
            app.get(&format!("/api/v1/audit?employee_id={id}"), &Who::Hr.token())
                .await,
            StatusCode::OK,
        )
        .await;
    assert!(count(&audit["items"]) > 0);
}

#[tokio::test]
async fn the_retention_round_erases_those_who_left_longer_ago_and_no_one_else() {
    let app = spawn_app().await;
    app.standard_org().await;
    let left = |ext: &'static str| {
        let app = &app;
        async move {
            let e = app.employee_by_external(ext).await;
            app.leaves(e["id"].as_str().unwrap()).await;
        }
    };
    app.today_is("2020-03-01");
    left("EMP-B").await;
    app.today_is("2025-03-01");
    left("EMP-A1").await;
    app.today_is("2026-06-15");
    let five_years_ago = chrono::Utc::now() - chrono::Duration::days(1826);
    let erased = if app.on_postgres() {
        // Two instances' rounds at once erase each person once.
        let stores = [app.store().await, app.store().await];
        let (a, b) = futures_util::future::join(
            devplan_api::services::retention::erase_due(&stores[0], five_years_ago),
            devplan_api::services::retention::erase_due(&stores[1], five_years_ago),
        )
        .await;
        a.expect("a round") + b.expect("a round")
    } else {
        // SQLite serves one instance; a second writer would wait for the file's lock.
        devplan_api::services::retention::erase_due(&app.store().await, five_years_ago)
            .await
            .expect("a round")
    };
    assert_eq!(erased, 1);
    let feed = app
        .expect(
            app.get("/api/v1/events?types=employee.erased", &Who::Hr.token())
                .await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(feed["items"].as_array().map(Vec::len), Some(1));
    let names: Vec<String> = app
        .expect(
            app.get("/api/v1/employees?limit=500", &Who::Hr.token())
                .await,
            StatusCode::OK,
        )
        .await["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap().to_owned())
        .collect();
    assert!(names.contains(&"Slettet medarbejder".to_owned()));
    assert!(
        names.contains(&"Bo Ansat".to_owned()),
        "left a year ago: kept"
    );
}

#[tokio::test]
async fn an_erasure_racing_edits_of_the_persons_plan_leaves_none_of_what_was_there() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let fixture = app.plan_fixture(&org).await;
    let manager = token("MGR-A", &["employee", "manager"]);
    let path = format!("/api/v1/plans/{}", fixture.id);
    let before = app
        .expect(app.get(&path, &manager).await, StatusCode::OK)
        .await;
    let secret = "Bo Ansats hemmelige mål";
    app.plan_post(
        &fixture.id,
        "/goals",
        &manager,
        &json!({"description": secret, "competence_kind": "personal", "horizon": "short_term"}),
        StatusCode::CREATED,
    )
    .await;
    app.leaves(&org.emp_a1).await;
    // Eight edits of the plan's goals and the erasure, at once.
    let goals = format!("{path}/goals");
    let erase = format!("/api/v1/employees/{}/erasure", org.emp_a1);
    let edits = (0..8).map(|i| {
        let body = json!({"description": format!("Nyt mål {i}"), "competence_kind": "professional", "horizon": "short_term"});
        let (app, goals, manager) = (&app, goals.clone(), manager.clone());
        async move { app.post(&goals, &manager, &body).await.status() }
    });
    let (erased, answers) = futures_util::future::join(
        app.post(&erase, &Who::Hr.token(), &json!({})),
        futures_util::future::join_all(edits),
    )
    .await;
    let status = erased.status();
    assert_eq!(
        status,
        StatusCode::OK,
        "{}",
        erased.text().await.unwrap_or_default()
    );
    assert!(
        answers
            .iter()
            .all(|s| s.is_success() || s.is_client_error()),
        "{answers:?}"
    );
    // Whatever order they took, nothing the plan held before the erasure is left anywhere.
    let dump = app.dump().await;
    for text in [secret, "Mere overblik", "Bo Ansat", "EMP-A1"] {
        let found: Vec<&str> = dump.lines().filter(|l| l.contains(text)).collect();
        assert!(found.is_empty(), "{text} in {found:#?}");
    }
    let after = app
        .expect(app.get(&path, &manager).await, StatusCode::OK)
        .await;
    assert!(after["revision"].as_i64() > before["revision"].as_i64());
}

#[tokio::test]
async fn a_closed_plan_keeps_who_closed_it_and_when_but_not_why() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let fixture = app.plan_fixture(&org).await;
    let manager = token("MGR-A", &["employee", "manager"]);
    let reason = "Går på langvarig sygeorlov";
    let closed = app
        .plan_post(
            &fixture.id,
            "/close",
            &manager,
            &json!({"reason": reason}),
            StatusCode::OK,
        )
        .await;
    app.leaves(&org.emp_a1).await;
    app.expect(
        app.post(
            &format!("/api/v1/employees/{}/erasure", org.emp_a1),
            &Who::Hr.token(),
            &json!({}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let plan = app
        .expect(
            app.get(&format!("/api/v1/plans/{}", fixture.id), &manager)
                .await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(plan["status"], "closed");
    assert_eq!(plan["closure"]["reason"], "[slettet]");
    assert_eq!(plan["closure"]["closed_at"], closed["closure"]["closed_at"]);
    let dump = app.dump().await;
    let found: Vec<&str> = dump.lines().filter(|l| l.contains("sygeorlov")).collect();
    assert!(found.is_empty(), "{found:#?}");
}
