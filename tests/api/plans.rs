//! Development plans over HTTP: the dialogue, signatures, versions, group plans, access,
//! bad input and the printable form.

use std::collections::BTreeSet;

use devplan_tests::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn sign(app: &TestApp, plan: &Value, who: &str) -> Value {
    app.sign_plan(plan, who).await
}

#[tokio::test]
async fn a_plan_is_drafted_in_dialogue_signed_by_both_and_changed_into_a_new_version() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let (mgr, emp) = (Who::Manager.token(), Who::Employee.token());
    let plan = app.expect(app.post("/api/v1/plans", &mgr, &json!({"employee_id": org.emp_a1, "title": "Udviklingsplan 2026", "starts_on": "2026-01-01", "ends_on": "2026-12-31", "prior_learning_assessment": true})).await, StatusCode::CREATED).await;
    assert_eq!(
        (
            plan["status"].as_str(),
            plan["version"].as_u64(),
            plan["your_party"].as_str()
        ),
        (Some("draft"), Some(1), Some("manager"))
    );
    let id = plan["id"].as_str().unwrap().to_owned();

    app.plan_post(&id, "/goals", &mgr, &json!({"description": "Håndtere konflikter med forældre", "competence_kind": "professional", "horizon": "short_term", "evaluation_method": "Eksempler drøftes ved opfølgningen", "due_date": "2026-06-30"}), StatusCode::CREATED).await;
    let plan = app.plan_post(&id, "/goals", &mgr, &json!({"description": "Sige fra over for for mange opgaver", "competence_kind": "personal", "horizon": "long_term"}), StatusCode::CREATED).await;
    let professional = plan["content"]["goals"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let personal = plan["content"]["goals"][1]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let activities = [
        json!({"kind": "course", "title": "Konflikthåndtering i praksis", "start_date": "2026-03-02", "end_date": "2026-03-04", "goal_ids": [professional], "responsible": "manager", "hours": 22.5, "cost_dkk": 4500}),
        json!({"kind": "mentoring", "title": "Mentor: erfaren kollega", "start_date": "2026-02-01", "end_date": "2026-08-31", "goal_ids": [professional, personal], "responsible": "other", "responsible_name": "Hanne Sørensen"}),
        json!({"kind": "job_rotation", "title": "Tre måneder i vuggestuen", "start_date": "2026-09-01", "end_date": "2026-11-30", "goal_ids": [personal], "responsible": "employee"}),
    ];
    for a in &activities {
        app.plan_post(&id, "/activities", &mgr, a, StatusCode::CREATED)
            .await;
    }
    // The employee edits a goal in the dialogue.
    let plan = app
        .expect(
            app.patch(
                &format!("/api/v1/plans/{id}/goals/{personal}"),
                &emp,
                &json!({"description": "Sige fra og prioritere egne opgaver"}),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(plan["your_party"], "employee");
    assert_eq!(plan["content"]["activities"].as_array().unwrap().len(), 3);
    let kinds: Vec<&str> = plan["content"]["activities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["course", "mentoring", "job_rotation"]);
    assert_eq!(
        plan["content"]["activities"][1]["responsible_name"],
        "Hanne Sørensen"
    );

    // Both sign; the plan is agreed.
    let plan = sign(&app, &plan, &emp).await;
    assert_eq!(plan["status"], "draft");
    let plan = sign(&app, &plan, &mgr).await;
    assert_eq!(plan["status"], "agreed");
    let hash = plan["content"]["content_hash"].clone();
    // A SHA-256, in hex.
    assert!(
        hash.as_str()
            .is_some_and(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit())),
        "{hash}"
    );
    // How an activity is going is follow-up data, not what was signed: the hash stays put.
    let activity = plan["content"]["activities"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let progressed = app
        .expect(
            app.patch(
                &format!("/api/v1/plans/{id}/activities/{activity}"),
                &emp,
                &json!({"status": "in_progress"}),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(
        (
            progressed["content"]["content_hash"].clone(),
            progressed["version"].as_u64()
        ),
        (hash.clone(), Some(1))
    );
    let plan = progressed;
    let parties: BTreeSet<&str> = plan["signatures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["party"].as_str().unwrap())
        .collect();
    assert_eq!(parties, BTreeSet::from(["employee", "manager"]));
    assert!(
        plan["signatures"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["content_hash"] == hash)
    );

    // The manager changes the agreed plan: version 2 is drafted while version 1 stays in force.
    let plan = app
        .expect(
            app.patch(
                &format!("/api/v1/plans/{id}"),
                &mgr,
                &json!({"ends_on": "2027-03-31"}),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(
        (
            plan["status"].as_str(),
            plan["version"].as_u64(),
            plan["agreed_version"].as_u64(),
            plan["pending_version"].as_u64()
        ),
        (Some("agreed"), Some(2), Some(1), Some(2))
    );
    assert_eq!(plan["signatures"], json!([]));

    // Version 1 stays readable with both signatures.
    let v1 = app
        .expect(
            app.get(&format!("/api/v1/plans/{id}/versions/1"), &emp)
                .await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(
        (v1["state"].as_str(), v1["content"]["ends_on"].as_str()),
        (Some("agreed"), Some("2026-12-31"))
    );
    assert_eq!(v1["signatures"].as_array().unwrap().len(), 2);
    assert_eq!(v1["content"]["content_hash"], hash);
    let versions = app
        .expect(
            app.get(&format!("/api/v1/plans/{id}/versions"), &mgr).await,
            StatusCode::OK,
        )
        .await;
    let states: Vec<(u64, &str)> = versions["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["version"].as_u64().unwrap(), v["state"].as_str().unwrap()))
        .collect();
    assert_eq!(states, [(1, "agreed"), (2, "draft")]);
    let changes = app
        .expect(
            app.get(&format!("/api/v1/plans/{id}/diff?from=1&to=2"), &mgr)
                .await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(
        changes["plan"],
        json!([{"field": "ends_on", "old": "2026-12-31", "new": "2027-03-31"}])
    );
    assert_eq!(
        (&changes["goals"], &changes["activities"]),
        (&json!([]), &json!([]))
    );

    // Both sign again.
    let plan = sign(&app, &plan, &mgr).await;
    let plan = sign(&app, &plan, &emp).await;
    assert_eq!(
        (
            plan["status"].as_str(),
            plan["version"].as_u64(),
            plan["agreed_version"].as_u64(),
            plan["pending_version"].as_u64()
        ),
        (Some("agreed"), Some(2), Some(2), None)
    );
    let versions = app
        .expect(
            app.get(&format!("/api/v1/plans/{id}/versions"), &emp).await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(versions["items"].as_array().unwrap().len(), 2);
    assert!(
        versions["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|v| v["state"] == "agreed")
    );
    // Each version is bound to its own content: version 2's hash is not version 1's.
    let hashes: Vec<&Value> = versions["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| &v["content"]["content_hash"])
        .collect();
    assert_eq!(hashes[0], &hash);
    assert_ne!(hashes[1], &hash);
    assert_eq!(hashes[1], &plan["content"]["content_hash"]);
}

#[tokio::test]
async fn signing_content_that_changed_since_it_was_read_is_a_409_and_a_stale_if_match_a_412() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let fixture = app.plan_fixture(&org).await;
    let path = format!("/api/v1/plans/{}", fixture.id);
    let read_by_employee = app
        .expect(app.get(&path, &Who::Employee.token()).await, StatusCode::OK)
        .await;
    // The manager changes the plan after the employee read it.
    let changed = app
        .expect(
            app.patch(&path, &Who::Manager.token(), &json!({"title": "Ny titel"}))
                .await,
            StatusCode::OK,
        )
        .await;
    let problem = assert_problem(
        app.post(
            &format!("{path}/signatures"),
            &Who::Employee.token(),
            &json!({"revision": read_by_employee["revision"]}),
        )
        .await,
        StatusCode::CONFLICT,
        "plan_changed",
    )
    .await;
    assert!(problem["detail"].as_str().unwrap().contains("changed"));
    let etag = format!("\"{}\"", read_by_employee["revision"]);
    let stale = app
        .client
        .patch(format!("{}{path}", app.base))
        .bearer_auth(Who::Employee.token())
        .header("if-match", etag)
        .json(&json!({"title": "Min titel"}))
        .send()
        .await
        .unwrap();
    assert_problem(stale, StatusCode::PRECONDITION_FAILED, "version_mismatch").await;
    let now = app
        .expect(app.get(&path, &Who::Employee.token()).await, StatusCode::OK)
        .await;
    assert_eq!(
        now["content"]["title"], "Ny titel",
        "the manager's change is kept"
    );
    assert_eq!(now["revision"], changed["revision"]);
    assert_eq!(now["signatures"], json!([]), "nothing was signed");
    // With the current revision, signing works.
    let signed = sign(&app, &now, &Who::Employee.token()).await;
    assert_eq!(signed["signatures"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn only_the_parties_reach_a_plan_and_its_parts() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let fixture = app.plan_fixture(&org).await;
    let outsiders = [
        (
            "a manager of another unit",
            token("MGR-B", &["employee", "manager"]),
            StatusCode::NOT_FOUND,
        ),
        (
            "an employee who is not the owner",
            token("REP-A", &["employee"]),
            StatusCode::NOT_FOUND,
        ),
        (
            "a local representative",
            token("REP-A", &["employee", "local_representative"]),
            StatusCode::NOT_FOUND,
        ),
        (
            "a committee member",
            token("MEM-A", &["employee", "committee"]),
            StatusCode::NOT_FOUND,
        ),
        // Without the employee or the manager role: refused by role, before any load.
        ("HR", Who::Hr.token(), StatusCode::FORBIDDEN),
        (
            "a committee member acting only as such",
            token("MEM-A", &["committee"]),
            StatusCode::FORBIDDEN,
        ),
    ];
    let id = &fixture.id;
    let reads = [
        format!("/api/v1/plans/{id}"),
        format!("/api/v1/plans/{id}/versions"),
        format!("/api/v1/plans/{id}/versions/1"),
        format!("/api/v1/plans/{id}/diff?from=1&to=1"),
    ];
    for (who, t, refused) in &outsiders {
        for path in &reads {
            let r = app.get(path, t).await;
            assert_eq!(r.status(), *refused, "{who}: GET {path}");
        }
        let writes = [
            (
                Method::PATCH,
                format!("/api/v1/plans/{id}/goals/{}", fixture.served_goal),
                json!({"description": "x"}),
            ),
            (
                Method::POST,
                format!("/api/v1/plans/{id}/goals"),
                json!({"description": "x", "competence_kind": "social", "horizon": "short_term"}),
            ),
            (
                Method::POST,
                format!("/api/v1/plans/{id}/signatures"),
                json!({"revision": 1}),
            ),
            (
                Method::PATCH,
                format!("/api/v1/plans/{id}/activities/{}", fixture.activity),
                json!({"status": "completed"}),
            ),
        ];
        for (m, path, body) in writes {
            let r = app.send(m.clone(), &path, Some(t), Some(&body)).await;
            assert_eq!(r.status(), *refused, "{who}: {m} {path}");
        }
        let html = app
            .client
            .get(format!("{}/api/v1/plans/{id}", app.base))
            .bearer_auth(t)
            .header("accept", "text/html")
            .send()
            .await
            .unwrap();
        assert_eq!(html.status(), *refused, "{who}: printable");
    }
    // The list shows the plan to its parties only.
    for (t, expected) in [
        (Who::Employee.token(), 1),
        (Who::Manager.token(), 1),
        (token("MGR-B", &["manager"]), 0),
        (token("REP-A", &["employee"]), 0),
    ] {
        let list = app
            .expect(app.get("/api/v1/plans", &t).await, StatusCode::OK)
            .await;
        assert_eq!(list["items"].as_array().unwrap().len(), expected);
    }
}

#[tokio::test]
async fn a_group_plan_is_read_by_each_member_and_the_managers_in_reach_only() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let plan = app.expect(app.post("/api/v1/plans", &Who::Manager.token(), &json!({"member_ids": [org.emp_a1, org.mem_a], "title": "Teamplan for vuggestuen", "starts_on": "2026-01-01", "ends_on": "2026-12-31"})).await, StatusCode::CREATED).await;
    assert_eq!(plan["kind"], "group");
    let path = format!("/api/v1/plans/{}", plan["id"].as_str().unwrap());
    for member in [
        token("EMP-A1", &["employee"]),
        token("MEM-A", &["employee"]),
    ] {
        let read = app
            .expect(app.get(&path, &member).await, StatusCode::OK)
            .await;
        assert_eq!(read["your_party"], "employee");
    }
    for (outsider, refused) in [
        (token("REP-A", &["employee"]), StatusCode::NOT_FOUND),
        (token("MGR-B", &["manager"]), StatusCode::NOT_FOUND),
        (token("MEM-A", &["committee"]), StatusCode::FORBIDDEN),
    ] {
        assert_eq!(app.get(&path, &outsider).await.status(), refused);
    }
    // Agreed when both members and the manager have signed.
    let plan = sign(&app, &plan, &token("EMP-A1", &["employee"])).await;
    let plan = sign(&app, &plan, &Who::Manager.token()).await;
    assert_eq!(plan["status"], "draft");
    let plan = sign(&app, &plan, &token("MEM-A", &["employee"])).await;
    assert_eq!(plan["status"], "agreed");
    // A group plan does not replace the members' own plans.
    app.plan_fixture(&org).await;
    let read = app
        .expect(app.get(&path, &Who::Manager.token()).await, StatusCode::OK)
        .await;
    assert_eq!(read["status"], "agreed");
}

#[tokio::test]
async fn a_new_individual_plan_supersedes_the_current_one_which_stays_readable() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let first = app.plan_fixture(&org).await;
    let second = app.plan_fixture(&org).await;
    let old = app
        .expect(
            app.get(
                &format!("/api/v1/plans/{}", first.id),
                &Who::Employee.token(),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(old["status"], "superseded");
    assert_problem(
        app.post(
            &format!("/api/v1/plans/{}/goals", first.id),
            &Who::Manager.token(),
            &json!({"description": "x", "competence_kind": "social", "horizon": "short_term"}),
        )
        .await,
        StatusCode::CONFLICT,
        "plan_finished",
    )
    .await;
    let current = app
        .expect(
            app.get(
                &format!("/api/v1/plans?employee_id={}&status=draft", org.emp_a1),
                &Who::Manager.token(),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    let ids: Vec<&str> = current["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [second.id.as_str()]);
}

#[tokio::test]
async fn progress_and_evaluation_change_an_agreed_plan_without_a_new_version() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let fixture = app.plan_fixture(&org).await;
    let path = format!("/api/v1/plans/{}", fixture.id);
    let plan = app
        .expect(app.get(&path, &Who::Employee.token()).await, StatusCode::OK)
        .await;
    let plan = sign(&app, &plan, &Who::Employee.token()).await;
    sign(&app, &plan, &Who::Manager.token()).await;
    let plan = app
        .expect(
            app.patch(
                &format!("{path}/activities/{}", fixture.activity),
                &Who::Employee.token(),
                &json!({"status": "completed", "progress_note": "Gennemført med certifikat"}),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    let plan2 = app.expect(app.patch(&format!("{path}/goals/{}", fixture.served_goal), &Who::Manager.token(), &json!({"verdict": "achieved", "applied_in_daily_work": true, "evaluation_note": "Bruges dagligt"})).await, StatusCode::OK).await;
    for p in [&plan, &plan2] {
        assert_eq!(
            (p["status"].as_str(), p["version"].as_u64()),
            (Some("agreed"), Some(1))
        );
    }
    assert_eq!(plan2["content"]["goals"][0]["verdict"], "achieved");
    assert_eq!(plan2["content"]["activities"][0]["status"], "completed");
    // Closing records why; a closed plan changes no more.
    assert_problem(
        app.post(
            &format!("{path}/close"),
            &Who::Employee.token(),
            &json!({"reason": "x"}),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let closed = app
        .plan_post(
            &fixture.id,
            "/close",
            &Who::Manager.token(),
            &json!({"reason": "Medarbejderen skifter job"}),
            StatusCode::OK,
        )
        .await;
    assert_eq!(
        (
            closed["status"].as_str(),
            closed["closure"]["reason"].as_str()
        ),
        (Some("closed"), Some("Medarbejderen skifter job"))
    );
    assert_problem(
        app.patch(&path, &Who::Manager.token(), &json!({"title": "x"}))
            .await,
        StatusCode::CONFLICT,
        "plan_finished",
    )
    .await;
}

#[tokio::test]
async fn bad_plan_input_is_a_422_naming_the_field() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let fixture = app.plan_fixture(&org).await;
    let other = app.expect(app.post("/api/v1/plans", &Who::Manager.token(), &json!({"employee_id": org.mem_a, "title": "Anden plan", "starts_on": "2026-01-01", "ends_on": "2026-12-31"})).await, StatusCode::CREATED).await;
    let other = app.plan_post(other["id"].as_str().unwrap(), "/goals", &Who::Manager.token(), &json!({"description": "Andet mål", "competence_kind": "social", "horizon": "short_term"}), StatusCode::CREATED).await;
    let foreign_goal = other["content"]["goals"][0]["id"].clone();
    let id = &fixture.id;
    let cases: Vec<(String, Method, Value, Vec<&str>)> = vec![
        (
            "/api/v1/plans".into(),
            Method::POST,
            json!({"employee_id": org.emp_a1, "title": "x", "starts_on": "2026-12-31", "ends_on": "2026-01-01"}),
            vec!["ends_on"],
        ),
        (
            "/api/v1/plans".into(),
            Method::POST,
            json!({"employee_id": org.emp_a1, "title": " ", "starts_on": "2026-01-01", "ends_on": "2026-12-31"}),
            vec!["title"],
        ),
        (
            "/api/v1/plans".into(),
            Method::POST,
            json!({"employee_id": org.emp_b, "title": "x", "starts_on": "2026-01-01", "ends_on": "2026-12-31"}),
            vec!["employee_id"],
        ),
        (
            format!("/api/v1/plans/{id}/activities"),
            Method::POST,
            json!({"kind": "course", "title": "x", "start_date": "2026-05-02", "end_date": "2026-05-01", "responsible": "employee"}),
            vec!["end_date"],
        ),
        (
            format!("/api/v1/plans/{id}/activities"),
            Method::POST,
            json!({"kind": "juggling", "title": "x", "responsible": "employee"}),
            vec!["kind"],
        ),
        (
            format!("/api/v1/plans/{id}/activities"),
            Method::POST,
            json!({"kind": "course", "title": "x", "goal_ids": [foreign_goal], "responsible": "employee"}),
            vec!["goal_ids[0]"],
        ),
        (
            format!("/api/v1/plans/{id}/activities"),
            Method::POST,
            json!({"kind": "course", "title": "x", "responsible": "other"}),
            vec!["responsible_name"],
        ),
        (
            format!("/api/v1/plans/{id}/activities"),
            Method::POST,
            json!({"kind": "course", "title": "x", "responsible": "employee", "hours": -3}),
            vec!["hours"],
        ),
        (
            format!("/api/v1/plans/{id}/goals"),
            Method::POST,
            json!({"description": "", "competence_kind": "professional", "horizon": "short_term"}),
            vec!["description"],
        ),
        (
            format!("/api/v1/plans/{id}/goals"),
            Method::POST,
            json!({"description": "x".repeat(4001), "competence_kind": "professional", "horizon": "short_term"}),
            vec!["description"],
        ),
        (
            format!("/api/v1/plans/{id}/goals"),
            Method::POST,
            json!({"description": "x", "competence_kind": "spiritual", "horizon": "short_term"}),
            vec!["competence_kind"],
        ),
        (
            format!("/api/v1/plans/{id}/goals/{}", fixture.served_goal),
            Method::PATCH,
            json!({"verdict": "great"}),
            vec!["verdict"],
        ),
        (
            format!("/api/v1/plans/{id}/activities/{}", fixture.activity),
            Method::PATCH,
            json!({"start_date": "2027-01-01", "end_date": "2026-01-01"}),
            vec!["end_date"],
        ),
        (
            format!("/api/v1/plans/{id}/open-points"),
            Method::POST,
            json!({"text": "   "}),
            vec!["text"],
        ),
    ];
    let before = app
        .expect(
            app.get(&format!("/api/v1/plans/{id}"), &Who::Manager.token())
                .await,
            StatusCode::OK,
        )
        .await;
    for (path, method, body, fields) in cases {
        let response = app
            .send(
                method.clone(),
                &path,
                Some(&Who::Manager.token()),
                Some(&body),
            )
            .await;
        let problem = assert_problem(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(error_fields(&problem), fields, "{method} {path} {body}");
    }
    let after = app
        .expect(
            app.get(&format!("/api/v1/plans/{id}"), &Who::Manager.token())
                .await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(before, after, "refused input changed nothing");
    // A goal still served by an activity is not removed; an unknown one is not found.
    assert_problem(
        app.send(
            Method::DELETE,
            &format!("/api/v1/plans/{id}/goals/{}", fixture.served_goal),
            Some(&Who::Manager.token()),
            None,
        )
        .await,
        StatusCode::CONFLICT,
        "goal_in_use",
    )
    .await;
    assert_problem(
        app.send(
            Method::DELETE,
            &format!("/api/v1/plans/{id}/goals/{}", uuid::Uuid::now_v7()),
            Some(&Who::Manager.token()),
            None,
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

async fn printable(app: &TestApp, id: &str, language: Option<&str>) -> String {
    let mut req = app
        .client
        .get(format!("{}/api/v1/plans/{id}", app.base))
        .bearer_auth(Who::Employee.token())
        .header("accept", "text/html");
    if let Some(l) = language {
        req = req.header("accept-language", l);
    }
    let response = req.send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    response.text().await.unwrap()
}

#[tokio::test]
async fn the_printable_plan_has_every_section_of_the_seed_form_and_escapes_user_text() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let fixture = app.plan_fixture(&org).await;
    app.plan_post(&fixture.id, "/goals", &Who::Manager.token(), &json!({"description": "<script>alert('x')</script> & mere", "competence_kind": "social", "horizon": "short_term"}), StatusCode::CREATED).await;
    let da = printable(&app, &fixture.id, None).await;
    for heading in [
        "Kompetenceudviklingsplan for",
        "Udviklingsmål",
        "Handlingsplan",
        "Tidsplan",
        "Ansvarlig",
        "Evaluering",
        "Åbne punkter",
        "Medarbejder",
        "Leder",
        "Bo Ansat",
    ] {
        assert!(da.contains(heading), "Danish form lacks {heading}");
    }
    assert!(!da.contains("<script>"), "user text became markup");
    assert!(da.contains("&lt;script&gt;alert('x')&lt;/script&gt; &amp; mere"));
    let en = printable(&app, &fixture.id, Some("en-GB,en;q=0.9,da;q=0.5")).await;
    for heading in [
        "Competence development plan for",
        "Development goals",
        "Action plan",
        "Timeline",
        "Responsible",
        "Evaluation",
        "Open points",
        "Employee",
        "Manager",
    ] {
        assert!(en.contains(heading), "English form lacks {heading}");
    }
    // JSON stays the default.
    let json = app
        .get(
            &format!("/api/v1/plans/{}", fixture.id),
            &Who::Employee.token(),
        )
        .await;
    assert!(
        json.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
}

/// The printable form at `path` (a plan or one of its versions), as `who` reads it.
async fn printed_at(app: &TestApp, path: &str, who: &str) -> String {
    let response = app
        .client
        .get(format!("{}{path}", app.base))
        .bearer_auth(who)
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.text().await.unwrap()
}

/// The line of the form's signature block that names `who`.
fn signature_line<'a>(page: &'a str, who: &str) -> &'a str {
    let start = page
        .find(&format!("{who} — "))
        .unwrap_or_else(|| panic!("{who} is not on the form"));
    let end = page[start..].find("<br>").map_or(page.len(), |e| start + e);
    &page[start..end]
}

#[tokio::test]
async fn a_partly_signed_group_plan_prints_each_member_and_whether_they_signed() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let plan = app.expect(app.post("/api/v1/plans", &Who::Manager.token(), &json!({"member_ids": [org.emp_a1, org.mem_a, org.rep_a], "title": "Teamplan", "starts_on": "2026-01-01", "ends_on": "2026-12-31"})).await, StatusCode::CREATED).await;
    let id = plan["id"].as_str().unwrap().to_owned();
    let plan = sign(&app, &plan, &token("EMP-A1", &["employee"])).await;
    let page = printed_at(&app, &format!("/api/v1/plans/{id}"), &Who::Employee.token()).await;
    // Signed, with the Danish time of signing (CET or CEST by the season).
    let signed = signature_line(&page, "Bo Ansat");
    assert!(
        signed.contains(" CET") || signed.contains(" CEST"),
        "{page}"
    );
    for unsigned in ["Mads Medlem", "Rita Repræsentant"] {
        assert!(
            signature_line(&page, unsigned).contains("ikke underskrevet"),
            "{unsigned} shows as signed"
        );
    }
    // Every party signs; a later change drafts version 2; version 1 still prints as agreed.
    let plan = sign(&app, &plan, &token("MEM-A", &["employee"])).await;
    let plan = sign(&app, &plan, &token("REP-A", &["employee"])).await;
    let plan = sign(&app, &plan, &Who::Manager.token()).await;
    assert_eq!(plan["status"], "agreed");
    app.expect(
        app.patch(
            &format!("/api/v1/plans/{id}"),
            &Who::Manager.token(),
            &json!({"title": "Teamplan, anden udgave"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let first = printed_at(
        &app,
        &format!("/api/v1/plans/{id}/versions/1"),
        &Who::Manager.token(),
    )
    .await;
    assert!(first.contains("<strong>Teamplan</strong>"), "{first}");
    assert!(!first.contains("anden udgave"));
    for member in ["Bo Ansat", "Mads Medlem", "Rita Repræsentant", "Anna Leder"] {
        assert!(
            !signature_line(&first, member).contains("ikke underskrevet"),
            "{member} unsigned on the agreed version"
        );
    }
    let second = printed_at(
        &app,
        &format!("/api/v1/plans/{id}/versions/2"),
        &Who::Manager.token(),
    )
    .await;
    assert!(second.contains("Teamplan, anden udgave"));
    assert!(signature_line(&second, "Bo Ansat").contains("ikke underskrevet"));
    let none = app
        .client
        .get(format!("{}/api/v1/plans/{id}/versions/3", app.base))
        .bearer_auth(Who::Manager.token())
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(none.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_plan_signed_at_half_past_midnight_in_copenhagen_is_dated_that_day_on_the_form() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    // 00:30 on 1 March in Copenhagen (UTC+1) is 23:30 on 28 February in UTC.
    app.clock.set(
        chrono::DateTime::parse_from_rfc3339("2026-02-28T23:30:00Z")
            .unwrap()
            .to_utc(),
    );
    let body = json!({"employee_id": org.emp_a1, "title": "Udviklingsplan", "starts_on": "2026-03-01", "ends_on": "2027-02-28"});
    let plan = app
        .agree_plan(
            &Who::Manager.token(),
            &body,
            &[Who::Employee.token(), Who::Manager.token()],
        )
        .await;
    assert_eq!(plan["status"], "agreed");
    let html = printable(&app, plan["id"].as_str().unwrap(), None).await;
    assert!(html.contains("2026-03-01 00:30 CET"), "{html}");
    assert!(!html.contains("2026-02-28 23:30"), "printed in UTC");
    // And it is agreed on 1 March: the first annual follow-up falls due on 1 March 2027.
    app.today_is("2027-02-20");
    let list = app
        .expect(
            app.get("/api/v1/follow-ups?window_days=30", &Who::Manager.token())
                .await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(list["items"][0]["due_on"], "2027-03-01", "{list}");
}

#[tokio::test]
async fn a_managers_plan_list_pages_through_every_plan_of_their_people_and_their_own_once() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    // Plans for three of A's people, made by A's manager.
    let mut made = Vec::new();
    for (who, id) in [
        ("EMP-A1", &org.emp_a1),
        ("REP-A", &org.rep_a),
        ("MEM-A", &org.mem_a),
    ] {
        let plan = app
            .expect(
                app.post("/api/v1/plans", &Who::Manager.token(), &json!({"employee_id": id, "title": format!("Plan for {who}"), "starts_on": "2026-01-01", "ends_on": "2026-12-31"})).await,
                StatusCode::CREATED,
            )
            .await;
        made.push(plan["id"].as_str().unwrap().to_owned());
    }
    made.sort();
    let all = app
        .expect(
            app.get("/api/v1/plans?limit=100", &Who::Manager.token())
                .await,
            StatusCode::OK,
        )
        .await;
    let ids = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(ids(&all), made);
    // One at a time, following the cursor, gives the same plans once each, in order.
    let mut paged = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..10 {
        let path = match &cursor {
            Some(c) => format!("/api/v1/plans?limit=1&cursor={c}"),
            None => "/api/v1/plans?limit=1".to_owned(),
        };
        let page = app
            .expect(app.get(&path, &Who::Manager.token()).await, StatusCode::OK)
            .await;
        paged.extend(ids(&page));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(paged, made);
    let drafts = app
        .expect(
            app.get(
                "/api/v1/plans?status=draft&limit=100",
                &Who::Manager.token(),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(ids(&drafts), made);
    let agreed = app
        .expect(
            app.get(
                "/api/v1/plans?status=agreed&limit=100",
                &Who::Manager.token(),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(ids(&agreed), Vec::<String>::new());
    // B's manager reaches none of them.
    let b = app
        .expect(
            app.get(
                "/api/v1/plans?limit=100",
                &token("MGR-B", &["employee", "manager"]),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    assert!(ids(&b).iter().all(|id| !made.contains(id)));
}

#[tokio::test]
async fn a_plan_moves_between_managers_plan_lists_with_its_member_whichever_way_they_are_moved() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let manager_b = token("MGR-B", &["employee", "manager"]);
    let plan = app
        .expect(
            app.post("/api/v1/plans", &Who::Manager.token(), &json!({"employee_id": org.emp_a1, "title": "Plan", "starts_on": "2026-01-01", "ends_on": "2026-12-31"})).await,
            StatusCode::CREATED,
        )
        .await;
    let id = plan["id"].as_str().unwrap().to_owned();
    // Every list a manager may ask for: all, by status, by the member.
    let lists = [
        "/api/v1/plans?limit=100".to_owned(),
        "/api/v1/plans?status=draft&limit=100".to_owned(),
        format!("/api/v1/plans?employee_id={}&limit=100", org.emp_a1),
    ];
    let listed_by = |who: String| {
        let app = &app;
        let lists = &lists;
        let id = id.clone();
        async move {
            let mut seen = Vec::new();
            for path in lists {
                let page = app.expect(app.get(path, &who).await, StatusCode::OK).await;
                seen.push(
                    page["items"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|p| p["id"].as_str() == Some(id.as_str())),
                );
            }
            seen
        }
    };
    assert_eq!(listed_by(Who::Manager.token()).await, [true; 3]);
    assert_eq!(listed_by(manager_b.clone()).await, [false; 3]);
    // Moved to B by an edit of the employee.
    app.expect(
        app.patch(
            &format!("/api/v1/employees/{}", org.emp_a1),
            &Who::Hr.token(),
            &json!({"unit_id": org.b}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(listed_by(Who::Manager.token()).await, [false; 3]);
    assert_eq!(listed_by(manager_b.clone()).await, [true; 3]);
    // And back to A1 by the organisation's sync.
    app.expect(
        app.post(
            "/api/v1/sync/employees",
            &Who::Hr.token(),
            &json!({"rows": [{"external_id": "EMP-A1", "name": "Bo Ansat", "unit_external_id": "A1", "professional_group": "pædagog"}]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(listed_by(Who::Manager.token()).await, [true; 3]);
    assert_eq!(listed_by(manager_b).await, [false; 3]);
}
