//! The change feed: a client that follows it alone knows the state of every employee, plan
//! and follow-up, whatever rolled back and however many wrote at once.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use devplan_tests::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Reads the feed from `after` to its current end as `token`, a page of `limit` at a time;
/// returns the events and the cursor to read on from.
async fn read_feed(
    app: &TestApp,
    token: &str,
    mut after: Option<String>,
    limit: u32,
) -> (Vec<Value>, Option<String>) {
    let mut events = Vec::new();
    for _ in 0..10_000 {
        let path = match &after {
            Some(a) => format!("/api/v1/events?after={a}&limit={limit}"),
            None => format!("/api/v1/events?limit={limit}"),
        };
        let page = app
            .expect(app.get(&path, token).await, StatusCode::OK)
            .await;
        let items = page["items"].as_array().expect("items").clone();
        after = page["next_after"].as_str().map(str::to_owned);
        let more = page["has_more"] == true;
        events.extend(items);
        if !more {
            return (events, after);
        }
    }
    panic!("the feed did not end");
}

/// Installs triggers that make the database refuse an employee named "Afvist af databasen"
/// and a follow-up whose notes are "afvist": the change is written up to that row, then
/// rolls back.
async fn refuse_marked_rows(app: &TestApp) {
    if app.on_postgres() {
        app.sql(
            "CREATE FUNCTION refuse_employee() RETURNS trigger AS $$ BEGIN \
             IF NEW.name = 'Afvist af databasen' THEN RAISE EXCEPTION 'injected failure'; \
             END IF; RETURN NEW; END $$ LANGUAGE plpgsql; \
             CREATE FUNCTION refuse_follow_up() RETURNS trigger AS $$ BEGIN \
             IF NEW.notes = 'afvist' THEN RAISE EXCEPTION 'injected failure'; \
             END IF; RETURN NEW; END $$ LANGUAGE plpgsql; \
             CREATE TRIGGER refuse_employee BEFORE INSERT ON employees \
             FOR EACH ROW EXECUTE FUNCTION refuse_employee(); \
             CREATE TRIGGER refuse_follow_up BEFORE INSERT ON follow_ups \
             FOR EACH ROW EXECUTE FUNCTION refuse_follow_up();",
        )
        .await;
    } else {
        app.sql(
            "CREATE TRIGGER refuse_employee BEFORE INSERT ON employees \
             WHEN NEW.name = 'Afvist af databasen' \
             BEGIN SELECT RAISE(ABORT, 'injected failure'); END;",
        )
        .await;
        app.sql(
            "CREATE TRIGGER refuse_follow_up BEFORE INSERT ON follow_ups \
             WHEN NEW.notes = 'afvist' \
             BEGIN SELECT RAISE(ABORT, 'injected failure'); END;",
        )
        .await;
    }
}

/// One writer's life of an employee: hired, a plan drafted with a goal, signed by both,
/// followed up (once refused by the database), renamed.
async fn writer(app: Arc<TestApp>, org: Org, i: usize) {
    let hr = Who::Hr.token();
    let manager = token("MGR-A", &["employee", "manager"]);
    let external = format!("W-{i}");
    let person = app
        .expect(
            app.post(
                "/api/v1/employees",
                &hr,
                &json!({"external_id": external, "name": format!("Skribent {i}"), "unit_id": org.a1}),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
    let id = person["id"].as_str().expect("id").to_owned();
    let plan = app
        .expect(
            app.post(
                "/api/v1/plans",
                &manager,
                &json!({"employee_id": id, "title": format!("Plan {i}"), "starts_on": "2026-01-01", "ends_on": "2026-12-31"}),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
    let plan_id = plan["id"].as_str().expect("plan id").to_owned();
    let goal = json!({"description": "Konflikthåndtering", "competence_kind": "professional", "horizon": "short_term"});
    let plan = app
        .plan_post(&plan_id, "/goals", &manager, &goal, StatusCode::CREATED)
        .await;
    app.sign_all(plan, &[token(&external, &["employee"]), manager.clone()])
        .await;
    let follow_up = |notes: &str| json!({"kind": "annual", "held_on": "2026-06-01", "participants": ["Anna Leder"], "notes": notes, "outcome": "continued"});
    let refused = app
        .post(
            &format!("/api/v1/plans/{plan_id}/follow-ups"),
            &manager,
            &follow_up("afvist"),
        )
        .await;
    assert_eq!(refused.status(), StatusCode::INTERNAL_SERVER_ERROR);
    app.plan_post(
        &plan_id,
        "/follow-ups",
        &manager,
        &follow_up("God fremdrift"),
        StatusCode::CREATED,
    )
    .await;
    app.expect(
        app.patch(
            &format!("/api/v1/employees/{id}"),
            &hr,
            &json!({"name": format!("Omdøbt Skribent {i}")}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
}

/// Every item of a list, following its cursors.
async fn all_items(app: &TestApp, path: &str, token: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..1_000 {
        let sep = if path.contains('?') { '&' } else { '?' };
        let url = match &cursor {
            Some(c) => format!("{path}{sep}limit=500&cursor={c}"),
            None => format!("{path}{sep}limit=500"),
        };
        let page = app.expect(app.get(&url, token).await, StatusCode::OK).await;
        items.extend(page["items"].as_array().expect("items").iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return items,
        }
    }
    panic!("the list did not end");
}

/// The last state the feed gave each object of `resource`.
fn rebuilt(events: &[Value], resource: &str) -> BTreeMap<String, Value> {
    let mut state = BTreeMap::new();
    for e in events.iter().filter(|e| e["resource"] == resource) {
        state.insert(
            e["resource_id"].as_str().expect("resource id").to_owned(),
            e["data"].clone(),
        );
    }
    state
}

#[tokio::test]
async fn a_client_following_only_the_feed_rebuilds_every_employee_plan_and_follow_up() {
    let app = Arc::new(spawn_app().await);
    let hr = Who::Hr.token();
    let org = app.standard_org().await;
    refuse_marked_rows(&app).await;

    // A follower reads the feed while eight writers work, remembering only its cursor.
    let done = Arc::new(AtomicBool::new(false));
    let follower = {
        let (app, done, hr) = (app.clone(), done.clone(), hr.clone());
        tokio::spawn(async move {
            let mut seen = Vec::new();
            let mut after = None;
            for _ in 0..100_000 {
                let finished = done.load(Ordering::SeqCst);
                let (events, next) = read_feed(&app, &hr, after.clone(), 7).await;
                seen.extend(events);
                after = next;
                if finished {
                    return seen;
                }
                tokio::time::sleep(std::time::Duration::from_millis(3)).await;
            }
            panic!("the writers did not finish");
        })
    };
    // A sync that fails at its last row leaves no event behind.
    let refused_sync = json!({"rows": [
        {"external_id": "NY-1", "name": "Ny Medarbejder", "unit_external_id": "A1"},
        {"external_id": "NY-2", "name": "Afvist af databasen", "unit_external_id": "A1"},
    ]});
    let failed = app.post("/api/v1/sync/employees", &hr, &refused_sync).await;
    assert_eq!(failed.status(), StatusCode::INTERNAL_SERVER_ERROR);

    let writers: Vec<_> = (0..8)
        .map(|i| tokio::spawn(writer(app.clone(), org.clone(), i)))
        .collect();
    for w in writers {
        w.await.expect("writer");
    }
    done.store(true, Ordering::SeqCst);
    let followed = follower.await.expect("follower");

    // Read afresh from the start, the feed holds exactly what the follower saw, in order.
    let (fresh, _) = read_feed(&app, &hr, None, 500).await;
    let cursors = |events: &[Value]| -> Vec<String> {
        events
            .iter()
            .map(|e| e["cursor"].as_str().expect("cursor").to_owned())
            .collect()
    };
    assert_eq!(
        cursors(&followed),
        cursors(&fresh),
        "the follower missed or repeated events"
    );
    let numbers: Vec<i64> = cursors(&fresh)
        .iter()
        .map(|c| c.parse().expect("a number"))
        .collect();
    assert!(numbers.windows(2).all(|w| w[0] < w[1]), "in order");

    // Employees: every one the API knows, as the API shows them; none that rolled back.
    let employees = rebuilt(&followed, "employee");
    let stored = all_items(&app, "/api/v1/employees", &hr).await;
    assert_eq!(employees.len(), stored.len(), "one state per employee");
    for e in &stored {
        let id = e["id"].as_str().expect("id");
        let fed = &employees[id];
        for field in [
            "name",
            "email",
            "external_id",
            "unit_id",
            "active",
            "version",
        ] {
            assert_eq!(fed[field], e[field], "{field} of employee {}", e["name"]);
        }
    }
    assert!(
        employees
            .values()
            .all(|e| e["name"] != "Afvist af databasen" && e["name"] != "Ny Medarbejder"),
        "a rolled-back sync left an event"
    );
    assert_eq!(
        employees
            .values()
            .filter(|e| e["name"]
                .as_str()
                .unwrap_or("")
                .starts_with("Omdøbt Skribent"))
            .count(),
        8
    );

    // Plans, with their signatures, as their manager reads them; never their content.
    let manager = token("MGR-A", &["employee", "manager"]);
    let plans = rebuilt(&followed, "plan");
    let stored = all_items(&app, "/api/v1/plans", &manager).await;
    assert_eq!(plans.len(), stored.len(), "one state per plan");
    for p in &stored {
        let fed = &plans[p["id"].as_str().expect("id")];
        for field in ["status", "version", "agreed_version", "revision"] {
            assert_eq!(fed[field], p[field], "{field} of plan {}", p["id"]);
        }
        assert_eq!(fed["members"], p["member_ids"]);
        assert!(fed.get("content").is_none(), "HR never reads plan content");
        let signatures = |list: &Value, signer: &str| -> BTreeSet<(String, String)> {
            list.as_array()
                .expect("signatures")
                .iter()
                .map(|s| {
                    (
                        s["party"].as_str().expect("party").to_owned(),
                        s[signer].as_str().expect("signer").to_owned(),
                    )
                })
                .collect()
        };
        assert_eq!(
            signatures(&fed["signatures"], "signer"),
            signatures(&p["signatures"], "signer_id"),
            "signatures of plan {}",
            p["id"]
        );
    }
    assert_eq!(
        plans.values().filter(|p| p["status"] == "agreed").count(),
        8,
        "each writer's plan agreed"
    );

    // Follow-ups: each plan's, as its manager reads them, and none of the refused ones.
    let follow_ups = rebuilt(&followed, "follow_up");
    let mut stored_ids = BTreeSet::new();
    for p in &stored {
        let list = app
            .expect(
                app.get(
                    &format!("/api/v1/plans/{}/follow-ups", p["id"].as_str().expect("id")),
                    &manager,
                )
                .await,
                StatusCode::OK,
            )
            .await;
        for f in list["items"].as_array().expect("items") {
            let id = f["id"].as_str().expect("id").to_owned();
            let fed = &follow_ups[&id];
            assert_eq!(fed["plan_id"], p["id"]);
            for field in ["kind", "held_on", "outcome", "recorded_by"] {
                assert_eq!(fed[field], f[field], "{field} of follow-up {id}");
            }
            assert!(fed.get("notes").is_none(), "HR never reads follow-up notes");
            stored_ids.insert(id);
        }
    }
    assert_eq!(
        follow_ups.keys().cloned().collect::<BTreeSet<_>>(),
        stored_ids,
        "exactly the stored follow-ups"
    );
    assert_eq!(stored_ids.len(), 8);
}

#[tokio::test]
async fn each_reader_follows_only_what_they_reach_and_only_hr_gets_data() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let fixture = app.plan_fixture(&org).await;
    let read = |who: Who| {
        let app = &app;
        async move { read_feed(app, &who.token(), None, 500).await.0 }
    };
    let all = read(Who::Hr).await;
    assert!(
        all.iter().all(|e| !e["data"].is_null()),
        "HR gets each object's state"
    );
    assert!(
        all.iter()
            .any(|e| e["type"] == "plan.created" && e["resource_id"] == fixture.id.as_str())
    );

    // The manager of A sees the plan of A's employee, and no event about B's people.
    let manager = read(Who::Manager).await;
    assert!(
        manager
            .iter()
            .any(|e| e["resource_id"] == fixture.id.as_str())
    );
    assert!(
        manager
            .iter()
            .all(|e| e["data"].is_null() && e["actor"].is_null())
    );
    let b_people: BTreeSet<&str> = [org.mgr_b.as_str(), org.emp_b.as_str()].into();
    assert!(
        manager
            .iter()
            .all(|e| !b_people.contains(e["resource_id"].as_str().unwrap_or(""))),
        "no event about B's people"
    );
    let mgr_b = read_feed(&app, &token("MGR-B", &["employee", "manager"]), None, 500)
        .await
        .0;
    assert!(
        mgr_b
            .iter()
            .all(|e| e["resource_id"] != fixture.id.as_str()
                && e["resource_id"] != org.emp_a1.as_str()),
        "the manager of B sees nothing of A's employee"
    );

    // The employee sees their own plan.
    let employee = read(Who::Employee).await;
    assert!(
        employee
            .iter()
            .any(|e| e["type"] == "plan.created" && e["resource_id"] == fixture.id.as_str())
    );
    assert!(
        employee
            .iter()
            .all(|e| e["resource"] != "absence" || e["resource_id"] == fixture.absence.as_str())
    );

    // The representative sees the review of A, but no person's event, id or name.
    let representative = read(Who::Representative).await;
    assert!(
        representative
            .iter()
            .any(|e| e["type"] == "review.created" && e["resource_id"] == fixture.review.as_str())
    );
    for e in &representative {
        assert!(
            [
                "unit",
                "review",
                "committee",
                "committee_record",
                "unit_goal"
            ]
            .contains(&e["resource"].as_str().unwrap_or("")),
            "a representative got a {} event",
            e["resource"]
        );
        assert!(e["data"].is_null() && e["actor"].is_null() && e["request_id"].is_null());
    }
}

#[tokio::test]
async fn the_feed_filters_by_type_and_refuses_what_it_cannot_read() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    app.plan_fixture(&org).await;
    let hr = Who::Hr.token();
    let page = app
        .expect(
            app.get("/api/v1/events?types=plan.*,absence.created&limit=500", &hr)
                .await,
            StatusCode::OK,
        )
        .await;
    let types: BTreeSet<&str> = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| e["type"].as_str().expect("type"))
        .collect();
    assert!(types.contains("plan.created") && types.contains("plan.updated"));
    assert!(types.contains("absence.created"));
    assert!(
        types
            .iter()
            .all(|t| t.starts_with("plan.") || *t == "absence.created")
    );

    let problem = assert_problem(
        app.get("/api/v1/events?types=plan.eaten", &hr).await,
        StatusCode::BAD_REQUEST,
        "invalid_query",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "types");
    assert_eq!(problem["errors"][0]["code"], "unknown_event_type");
    let message = problem["errors"][0]["message"].as_str().unwrap_or("");
    assert!(
        message.contains("plan.eaten") && message.len() < 300,
        "{message}"
    );
    for bad in [
        "after=abc",
        "after=-1",
        "limit=0",
        "limit=501",
        "types=",
        "types=plan.*,",
        "colour=red",
    ] {
        let response = app.get(&format!("/api/v1/events?{bad}"), &hr).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{bad}");
    }
}

#[tokio::test]
async fn a_cursor_older_than_the_kept_events_answers_gone_with_where_to_start() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let hr = Who::Hr.token();
    let (events, last) = read_feed(&app, &hr, None, 500).await;
    assert!(events.len() > 3);
    let last = last.expect("a cursor");
    // The service prunes what is older than its retention; ninety-one days on, that is all.
    let store = devplan_persistence::Store::connect(
        &app.database_url,
        std::sync::Arc::new(app.clock.clone()),
    )
    .await
    .expect("connect");
    let later = chrono::Utc::now() + chrono::Duration::days(91);
    let pruned = store
        .prune_events(later - chrono::Duration::days(90))
        .await
        .expect("prune");
    assert_eq!(pruned as usize, events.len());

    let problem = assert_problem(
        app.get("/api/v1/events?after=1", &hr).await,
        StatusCode::GONE,
        "cursor_expired",
    )
    .await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap_or("")
            .contains(&format!("after={last}")),
        "{problem}"
    );
    // From the start, or from the horizon, the feed reads on.
    for path in [
        "/api/v1/events".to_owned(),
        format!("/api/v1/events?after={last}"),
    ] {
        let page = app.expect(app.get(&path, &hr).await, StatusCode::OK).await;
        assert_eq!(page["items"], json!([]));
    }
    // A change after the pruning is the next event.
    app.expect(
        app.post(
            "/api/v1/org-units",
            &hr,
            &json!({"name": "Ny enhed", "parent_id": org.k}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let (after, _) = read_feed(&app, &hr, Some(last), 500).await;
    assert_eq!(after.len(), 1);
    assert_eq!(after[0]["type"], "unit.created");
}

#[tokio::test]
async fn a_manager_follows_a_person_while_they_are_placed_in_the_managers_units() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let person = format!("/api/v1/employees/{}", org.emp_b);
    let change = |body: Value| {
        let (app, person) = (&app, &person);
        async move {
            app.expect(
                app.patch(person, &Who::Hr.token(), &body).await,
                StatusCode::OK,
            )
            .await["version"]
                .as_i64()
                .unwrap()
        }
    };
    // While in B, in A1, and in B again, the person's record changes once each.
    let in_b = change(json!({"name": "Carl Ansat B"})).await;
    let moved_in = change(json!({"unit_id": org.a1})).await;
    let in_a = change(json!({"name": "Carl Ansat A"})).await;
    let moved_out = change(json!({"unit_id": org.b})).await;
    let back_in_b = change(json!({"name": "Carl Ansat B igen"})).await;
    let versions_seen = |events: &[Value]| -> Vec<i64> {
        events
            .iter()
            .filter(|e| e["resource_id"] == org.emp_b.as_str())
            .filter_map(|e| e["version"].as_i64())
            .collect()
    };
    let manager_a = token("MGR-A", &["employee", "manager"]);
    let manager_b = token("MGR-B", &["employee", "manager"]);
    let a = read_feed(&app, &manager_a, None, 500).await.0;
    let b = read_feed(&app, &manager_b, None, 500).await.0;
    // Each sees the changes made while the person was placed in their units: the move in
    // is the new unit's, the move out the next one's.
    assert_eq!(versions_seen(&a), [moved_in, in_a]);
    assert_eq!(versions_seen(&b), [1, in_b, moved_out, back_in_b]);
    // A page of the feed costs the same statements however long the feed has grown.
    app.get("/api/v1/events?limit=100", &manager_a).await;
    let (before, page) = app
        .statements_of_get("/api/v1/events?limit=100", &manager_a)
        .await;
    assert_eq!(page.status(), StatusCode::OK);
    for i in 0..60 {
        change(json!({"name": format!("Carl Ansat {i}")})).await;
    }
    // The organisation changed: the first read after it loads the caller's reach afresh.
    app.get("/api/v1/events?limit=100", &manager_a).await;
    let (after, page) = app
        .statements_of_get("/api/v1/events?limit=100", &manager_a)
        .await;
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(before, after);
}
