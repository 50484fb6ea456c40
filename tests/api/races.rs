//! Two clients at once: signatures, edits with and without `If-Match`, plan creation and HR
//! syncs sent concurrently. On PostgreSQL the requests really overlap; on SQLite (one
//! writer) they take turns, and the same outcomes must hold.

use std::collections::BTreeMap;

use devplan_tests::*;
use futures_util::future::join_all;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn new_plan(app: &TestApp, org: &Org, title: &str) -> Value {
    let plan = app
        .expect(
            app.post("/api/v1/plans", &Who::Manager.token(), &json!({"employee_id": org.emp_a1, "title": title, "starts_on": "2026-01-01", "ends_on": "2026-12-31"})).await,
            StatusCode::CREATED,
        )
        .await;
    let id = plan["id"].as_str().unwrap();
    app.plan_post(id, "/goals", &Who::Manager.token(), &json!({"description": "Konflikthåndtering", "competence_kind": "professional", "horizon": "short_term"}), StatusCode::CREATED)
        .await
}

async fn sign_as(app: &TestApp, id: &str, who: &str, read: &Value) -> reqwest::Response {
    app.post(&format!("/api/v1/plans/{id}/signatures"), who, read)
        .await
}

async fn current(app: &TestApp, id: &str) -> Value {
    app.expect(
        app.get(&format!("/api/v1/plans/{id}"), &Who::Manager.token())
            .await,
        StatusCode::OK,
    )
    .await
}

#[tokio::test]
async fn both_parties_who_read_the_same_content_sign_one_after_the_other_and_at_once() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    for round in 0..20 {
        let plan = new_plan(&app, &org, &format!("Udviklingsplan {round}")).await;
        let id = plan["id"].as_str().unwrap();
        // Alternate how the signers name what they read: the revision or the content hash.
        let read = if round % 2 == 0 {
            json!({"revision": plan["revision"]})
        } else {
            json!({"content_hash": plan["content"]["content_hash"]})
        };
        let answers = if round < 10 {
            let first = sign_as(&app, id, &Who::Employee.token(), &read)
                .await
                .status();
            let second = sign_as(&app, id, &Who::Manager.token(), &read)
                .await
                .status();
            vec![first, second]
        } else {
            let (emp, mgr) = (Who::Employee.token(), Who::Manager.token());
            join_all([
                sign_as(&app, id, &emp, &read),
                sign_as(&app, id, &mgr, &read),
            ])
            .await
            .into_iter()
            .map(|r| r.status())
            .collect()
        };
        assert_eq!(answers, [StatusCode::CREATED; 2], "round {round}");
        let plan = current(&app, id).await;
        assert_eq!(
            (plan["status"].as_str(), plan["agreed_version"].as_u64()),
            (Some("agreed"), Some(1)),
            "round {round}"
        );
        assert_eq!(plan["signatures"].as_array().unwrap().len(), 2);
    }
}

#[tokio::test]
async fn a_signature_on_content_changed_since_it_was_read_is_refused() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let plan = new_plan(&app, &org, "Udviklingsplan").await;
    let id = plan["id"].as_str().unwrap();
    app.plan_post(
        id,
        "/goals",
        &Who::Manager.token(),
        &json!({"description": "Overblik", "competence_kind": "personal", "horizon": "long_term"}),
        StatusCode::CREATED,
    )
    .await;
    for read in [
        json!({"revision": plan["revision"]}),
        json!({"content_hash": plan["content"]["content_hash"]}),
    ] {
        assert_problem(
            sign_as(&app, id, &Who::Employee.token(), &read).await,
            StatusCode::CONFLICT,
            "plan_changed",
        )
        .await;
    }
    let problem = assert_problem(
        sign_as(&app, id, &Who::Employee.token(), &json!({})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&problem), ["revision", "content_hash"]);
}

#[tokio::test]
async fn an_employees_edit_of_an_agreed_plan_leaves_the_agreement_in_force_until_both_sign() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let plan = new_plan(&app, &org, "Udviklingsplan").await;
    let id = plan["id"].as_str().unwrap();
    let read = json!({"revision": plan["revision"]});
    sign_as(&app, id, &Who::Employee.token(), &read).await;
    sign_as(&app, id, &Who::Manager.token(), &read).await;
    let agreed_in_a1 = |s: Value| s["figures"]["with_agreed_plan"].as_u64();
    let status = || async {
        app.expect(
            app.get(
                &format!("/api/v1/status?unit_id={}", org.a1),
                &Who::Hr.token(),
            )
            .await,
            StatusCode::OK,
        )
        .await
    };
    assert_eq!(agreed_in_a1(status().await), Some(1));

    // The employee alone proposes a change: a successor is drafted, the agreement stands.
    let edited = app
        .expect(
            app.patch(
                &format!("/api/v1/plans/{id}"),
                &Who::Employee.token(),
                &json!({"title": "Udviklingsplan, forslag"}),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(
        (
            edited["status"].as_str(),
            edited["agreed_version"].as_u64(),
            edited["pending_version"].as_u64()
        ),
        (Some("agreed"), Some(1), Some(2))
    );
    let s = status().await;
    assert_eq!(agreed_in_a1(s.clone()), Some(1));
    assert_eq!(s["figures"]["plans_in_draft"].as_u64(), Some(0));
    let in_force = app
        .expect(
            app.get(
                &format!("/api/v1/plans/{id}/versions/1"),
                &Who::Employee.token(),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(in_force["content"]["title"], "Udviklingsplan");

    // The employee's own signature is not enough either.
    let read = json!({"revision": edited["revision"]});
    let signed = app
        .expect(
            sign_as(&app, id, &Who::Employee.token(), &read).await,
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(signed["agreed_version"].as_u64(), Some(1));
    // With the manager's, version 2 replaces version 1.
    let agreed = app
        .expect(
            sign_as(&app, id, &Who::Manager.token(), &read).await,
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(
        (
            agreed["status"].as_str(),
            agreed["agreed_version"].as_u64(),
            agreed["pending_version"].as_u64()
        ),
        (Some("agreed"), Some(2), None)
    );
    assert_eq!(agreed_in_a1(status().await), Some(1));
}

#[tokio::test]
async fn twenty_concurrent_writes_without_if_match_all_apply_and_with_one_if_match_one_wins() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let plan = new_plan(&app, &org, "Udviklingsplan").await;
    let id = plan["id"].as_str().unwrap();
    let path = format!("/api/v1/plans/{id}");
    let start = plan["revision"].as_i64().unwrap();

    let titles: Vec<Value> = (0..20)
        .map(|i| json!({"title": format!("Titel {i}")}))
        .collect();
    let mgr = Who::Manager.token();
    let answers = join_all(titles.iter().map(|t| app.patch(&path, &mgr, t))).await;
    let statuses: Vec<StatusCode> = answers.iter().map(|r| r.status()).collect();
    assert_eq!(statuses, [StatusCode::OK; 20]);
    assert_eq!(
        current(&app, id).await["revision"].as_i64(),
        Some(start + 20)
    );

    let goals: Vec<Value> = (0..20)
        .map(|i| json!({"description": format!("Mål {i}"), "competence_kind": "social", "horizon": "short_term"}))
        .collect();
    let goals_path = format!("{path}/goals");
    let answers = join_all(goals.iter().map(|g| app.post(&goals_path, &mgr, g))).await;
    let statuses: Vec<StatusCode> = answers.iter().map(|r| r.status()).collect();
    assert_eq!(statuses, [StatusCode::CREATED; 20]);
    let plan = current(&app, id).await;
    assert_eq!(plan["content"]["goals"].as_array().unwrap().len(), 21);

    let read = plan["revision"].as_i64().unwrap();
    let etag = format!("\"{read}\"");
    let if_match = [("If-Match", etag.as_str())];
    // Titles the plan has not had: one equal to the current title would change nothing, and a
    // no-op under a matching If-Match is rightly a 200 too.
    let fresh: Vec<Value> = (0..20)
        .map(|i| json!({"title": format!("Ny titel {i}")}))
        .collect();
    let answers = join_all(
        fresh
            .iter()
            .map(|t| app.send_with(Method::PATCH, &path, &mgr, Some(t), &if_match)),
    )
    .await;
    let mut by_status: BTreeMap<u16, usize> = BTreeMap::new();
    let mut bodies = Vec::new();
    for r in answers {
        *by_status.entry(r.status().as_u16()).or_default() += 1;
        bodies.push(r.json::<Value>().await.unwrap());
    }
    assert_eq!(by_status, BTreeMap::from([(200, 1), (412, 19)]));
    for b in bodies.iter().filter(|b| b["status"] == 412) {
        assert_eq!(b["current_version"].as_i64(), Some(read + 1), "{b}");
    }

    // If-Match compares strongly: the current version as a weak tag, or a tag never issued,
    // matches nothing; the answer names the stored version.
    let now = format!("W/\"{}\"", read + 1);
    for tag in [now.as_str(), "\"abc\"", "7"] {
        let r = app
            .send_with(
                Method::PATCH,
                &path,
                &mgr,
                Some(&titles[0]),
                &[("If-Match", tag)],
            )
            .await;
        let p = assert_problem(r, StatusCode::PRECONDITION_FAILED, "version_mismatch").await;
        assert_eq!(p["current_version"].as_i64(), Some(read + 1), "{tag}");
    }
}

#[tokio::test]
async fn two_concurrent_plans_for_one_employee_leave_one_current_plan_and_the_loser_gets_409() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let mgr = Who::Manager.token();
    let mut conflicts = 0;
    for round in 0..10 {
        let bodies: Vec<Value> = ["a", "b"]
            .iter()
            .map(|s| json!({"employee_id": org.emp_a1, "title": format!("Plan {round}{s}"), "starts_on": "2026-01-01", "ends_on": "2026-12-31"}))
            .collect();
        let answers = join_all(bodies.iter().map(|b| app.post("/api/v1/plans", &mgr, b))).await;
        let mut statuses: Vec<u16> = answers.iter().map(|r| r.status().as_u16()).collect();
        statuses.sort_unstable();
        // Requests that happen not to overlap are simply one after the other: the second
        // supersedes the first.
        assert!(
            statuses == [201, 409] || statuses == [201, 201],
            "round {round}: {statuses:?}"
        );
        if statuses == [201, 409] {
            conflicts += 1;
            for r in answers {
                if r.status() == StatusCode::CONFLICT {
                    assert_problem(r, StatusCode::CONFLICT, "concurrent_plan").await;
                }
            }
        }
        let list = app
            .expect(
                app.get(
                    &format!("/api/v1/plans?employee_id={}&limit=100", org.emp_a1),
                    &mgr,
                )
                .await,
                StatusCode::OK,
            )
            .await;
        let open = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["status"] == "draft" || p["status"] == "agreed")
            .count();
        assert_eq!(open, 1, "round {round}: one current plan");
    }
    if app.on_postgres() {
        assert!(conflicts > 0, "no round overlapped: the race was not tried");
    }
}

fn unit_rows(n: usize) -> Value {
    let mut rows = vec![json!({"external_id": "ROOT", "name": "Kommunen"})];
    rows.extend((0..n).map(|i| json!({"external_id": format!("U{i}"), "name": format!("Enhed {i}"), "parent_external_id": "ROOT"})));
    json!({ "rows": rows })
}

fn employee_rows(n: usize, units: usize, name: &str) -> Value {
    let rows: Vec<Value> = (0..n)
        .map(|i| {
            json!({
                "external_id": format!("E{i:05}"),
                "name": format!("{name} {i}"),
                "professional_group": "pædagog",
                "unit_external_id": format!("U{}", i % units),
            })
        })
        .collect();
    json!({ "rows": rows })
}

async fn all_employees(app: &TestApp) -> Vec<Value> {
    let mut out = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = app
            .expect(
                app.get(
                    &format!("/api/v1/employees?limit=500{cursor}"),
                    &Who::Hr.token(),
                )
                .await,
                StatusCode::OK,
            )
            .await;
        out.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => cursor = format!("&cursor={c}"),
            None => return out,
        }
    }
}

#[tokio::test]
async fn the_same_sync_sent_three_times_at_once_answers_2xx_each_time_with_one_final_state() {
    let app = spawn_app().await;
    let hr = Who::Hr.token();
    let units = unit_rows(20);
    let answers = join_all((0..3).map(|_| app.post("/api/v1/sync/org-units", &hr, &units))).await;
    assert!(answers.iter().all(|r| r.status() == StatusCode::OK));

    // New rows three times at once, then changed rows three times at once.
    for name in ["Medarbejder", "Omdøbt"] {
        let payload = employee_rows(10_000, 20, name);
        let answers =
            join_all((0..3).map(|_| app.post("/api/v1/sync/employees", &hr, &payload))).await;
        let mut reports = Vec::new();
        for r in answers {
            reports.push(app.expect(r, StatusCode::OK).await);
        }
        let touched: u64 = reports
            .iter()
            .map(|r| r["created"].as_u64().unwrap() + r["updated"].as_u64().unwrap())
            .sum();
        assert_eq!(
            touched, 10_000,
            "{name}: each row written once: {reports:?}"
        );
        let people = all_employees(&app).await;
        assert_eq!(people.len(), 10_000);
        assert!(
            people
                .iter()
                .all(|p| p["name"].as_str().unwrap().starts_with(name))
        );
    }
}

#[tokio::test]
async fn hr_changing_an_employee_while_their_plan_is_edited_neither_waits_for_the_other_forever() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let plan = new_plan(&app, &org, "Udviklingsplan").await;
    let goals = format!("/api/v1/plans/{}/goals", plan["id"].as_str().unwrap());
    let person = format!("/api/v1/employees/{}", org.emp_a1);
    let edits = (0..8).map(|i| {
        let body = json!({"description": format!("Mål {i}"), "competence_kind": "professional", "horizon": "short_term"});
        let (app, goals) = (&app, goals.clone());
        async move { app.post(&goals, &Who::Manager.token(), &body).await.status() }
    });
    // A new external id changes a unique key: the strongest lock on the person's row.
    let changes = (0..4).map(|i| {
        let body = if i % 2 == 0 {
            json!({"professional_group": "lærer", "external_id": format!("EMP-A1-{i}")})
        } else {
            json!({"professional_group": "pædagog"})
        };
        let (app, person) = (&app, person.clone());
        async move { app.patch(&person, &Who::Hr.token(), &body).await.status() }
    });
    let (edits, changes) = futures_util::future::join(
        futures_util::future::join_all(edits),
        futures_util::future::join_all(changes),
    )
    .await;
    assert!(
        edits.iter().chain(&changes).all(|s| s.is_success()),
        "edits {edits:?}, changes {changes:?}"
    );
}

#[tokio::test]
async fn hr_changing_an_employee_while_their_plans_are_signed_neither_waits_for_the_other_forever()
{
    let app = spawn_app().await;
    let org = app.standard_org().await;
    // Eight plans of one person, each signed by the employee, then signed by the manager (which
    // agrees it and refreshes the person's status) while HR changes the person's external id.
    let mut plans = Vec::new();
    for i in 0..8 {
        let plan = new_plan(&app, &org, &format!("Plan {i}")).await;
        let id = plan["id"].as_str().unwrap().to_owned();
        let read = json!({"revision": plan["revision"]});
        let signed = app
            .expect(
                sign_as(&app, &id, &token("EMP-A1", &["employee"]), &read).await,
                StatusCode::CREATED,
            )
            .await;
        plans.push((id, json!({"revision": signed["revision"]})));
    }
    let person = format!("/api/v1/employees/{}", org.emp_a1);
    let signatures = plans.iter().map(|(id, read)| {
        let app = &app;
        async move { sign_as(app, id, &Who::Manager.token(), read).await.status() }
    });
    let changes = (0..4).map(|i| {
        let (app, person) = (&app, person.clone());
        async move {
            app.patch(
                &person,
                &Who::Hr.token(),
                &json!({"external_id": format!("EMP-A1-{i}")}),
            )
            .await
            .status()
        }
    });
    let (signatures, changes) = futures_util::future::join(
        futures_util::future::join_all(signatures),
        futures_util::future::join_all(changes),
    )
    .await;
    assert!(
        signatures
            .iter()
            .all(|s| s.is_success() || *s == StatusCode::CONFLICT)
            && changes.iter().all(|s| s.is_success()),
        "signatures {signatures:?}, changes {changes:?}"
    );
    assert!(
        signatures.iter().any(|s| s.is_success()),
        "some plan was agreed: {signatures:?}"
    );
}

#[tokio::test]
async fn a_plan_made_while_its_member_moves_is_listed_under_the_unit_they_end_in() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    // REP-A manages A1 alone: their list holds EMP-A1's plans exactly while EMP-A1 is in A1.
    app.expect(
        app.patch(
            &format!("/api/v1/employees/{}", org.rep_a),
            &Who::Hr.token(),
            &json!({"manages": [org.a1]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let manager_of_a1 = token("REP-A", &["employee", "manager"]);
    let person = format!("/api/v1/employees/{}", org.emp_a1);
    for round in 0..10 {
        // Between A and A1, both in MGR-A's reach, so the plan is always made.
        let to = if round % 2 == 0 { &org.a } else { &org.a1 };
        let (created, moved) = futures_util::future::join(
            app.post("/api/v1/plans", &Who::Manager.token(), &json!({"employee_id": org.emp_a1, "title": format!("Plan {round}"), "starts_on": "2026-01-01", "ends_on": "2026-12-31"})),
            app.patch(&person, &Who::Hr.token(), &json!({"unit_id": to})),
        )
        .await;
        assert_eq!(
            (created.status(), moved.status()),
            (StatusCode::CREATED, StatusCode::OK)
        );
        let listed = app
            .expect(
                app.get(
                    &format!("/api/v1/plans?employee_id={}&limit=100", org.emp_a1),
                    &manager_of_a1,
                )
                .await,
                StatusCode::OK,
            )
            .await["items"]
            .as_array()
            .unwrap()
            .len();
        let expected = if to == &org.a1 { round + 1 } else { 0 };
        assert_eq!(listed, expected, "round {round}");
    }
}

#[tokio::test]
async fn eight_first_preparations_at_once_make_one_and_a_withdrawal_never_passes_the_interview_being_held()
 {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let plan = app.plan_fixture(&org).await;
    let (employee, manager) = (Who::Employee.token(), Who::Manager.token());
    let interview = &plan.interview;
    let path = format!("/api/v1/development-interviews/{interview}/preparation/mine");
    // The manager's first answers, eight times at once: one preparation, every answer 2xx.
    let writes = join_all((0..8).map(|n| {
        let (app, path, manager) = (&app, &path, &manager);
        async move {
            app.send(
                Method::PUT,
                path,
                Some(manager),
                Some(&json!({"answers": [{"question": "trivsel", "scale": 1 + n % 5}]})),
            )
            .await
            .status()
        }
    }))
    .await;
    let created = writes.iter().filter(|s| **s == StatusCode::CREATED).count();
    assert!(
        writes.iter().all(|s| s.is_success()) && created == 1,
        "{writes:?}"
    );
    let sheet = app
        .expect(
            app.get(
                &format!("/api/v1/development-interviews/{interview}/preparation"),
                &manager,
            )
            .await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(sheet["mine"]["side"], "manager", "{sheet}");

    // The employee shares, then withdraws while the manager records the interview as held:
    // either the withdrawal came first (private, held) or it is refused (shared, held).
    app.expect(
        app.post(&format!("{path}/share"), &employee, &json!(null))
            .await,
        StatusCode::OK,
    )
    .await;
    let held = json!({"held_on": format!("{}-02-01", chrono::Utc::now().format("%Y"))});
    let interview_path = format!("/api/v1/development-interviews/{interview}");
    let share_path = format!("{path}/share");
    let (withdrawn, recorded) = tokio::join!(
        app.send(Method::DELETE, &share_path, Some(&employee), None),
        app.patch(&interview_path, &manager, &held),
    );
    assert_eq!(recorded.status(), StatusCode::OK);
    let shared_now = app
        .get(
            &format!("/api/v1/preparations/{}", plan.preparation),
            &manager,
        )
        .await
        .status();
    match withdrawn.status() {
        StatusCode::OK => assert_eq!(shared_now, StatusCode::NOT_FOUND),
        StatusCode::CONFLICT => {
            assert_eq!(
                withdrawn.json::<Value>().await.unwrap()["code"],
                "interview_held"
            );
            assert_eq!(shared_now, StatusCode::OK);
        }
        other => panic!("withdrawal answered {other}"),
    }
}
