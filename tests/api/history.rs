//! The organisation through time: HR's sync carries placement history and unit endings, a
//! period counts people where they were placed on its last day, and so a closed period's
//! figures never change whoever joins, moves or leaves afterwards.

use devplan_tests::*;
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};

/// An area with two institutions of 6 and a unit outside it, everyone placed since 2015; a
/// manager and a representative for the area. Today is 2 February 2026: 2025 is closed.
async fn org_with_a_closed_year(app: &TestApp) {
    app.today_is("2026-02-02");
    let units = json!({"rows": [
        {"external_id": "K", "name": "Kommunen"},
        {"external_id": "A", "name": "Område", "parent_external_id": "K"},
        {"external_id": "A1", "name": "Institution 1", "parent_external_id": "A"},
        {"external_id": "A2", "name": "Institution 2", "parent_external_id": "A"},
        {"external_id": "B", "name": "Område B", "parent_external_id": "K"},
    ]});
    app.expect(
        app.post("/api/v1/sync/org-units", &Who::Hr.token(), &units)
            .await,
        StatusCode::OK,
    )
    .await;
    let mut rows = vec![
        json!({"external_id": "AL", "name": "Områdeleder", "unit_external_id": "A", "professional_group": "leder", "manages_unit_external_ids": ["A"]}),
        json!({"external_id": "REP", "name": "Repræsentant", "unit_external_id": "A1", "professional_group": "pædagog", "represents_unit_external_ids": ["A"]}),
    ];
    for (unit, n) in [("A1", 5), ("A2", 6), ("B", 6)] {
        for i in 0..n {
            rows.push(json!({"external_id": format!("{unit}-{i}"), "name": format!("Ansat {unit} {i}"), "unit_external_id": unit, "professional_group": "pædagog"}));
        }
    }
    app.expect(
        app.post(
            "/api/v1/sync/employees",
            &Who::Hr.token(),
            &json!({"rows": placed_since("2015-01-01", rows)}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
}

async fn read(app: &TestApp, who: &str, path: &str) -> Value {
    app.expect(app.get(path, who).await, StatusCode::OK).await
}

async fn sync_employees(app: &TestApp, rows: Value) -> Response {
    app.post(
        "/api/v1/sync/employees",
        &Who::Hr.token(),
        &json!({ "rows": rows }),
    )
    .await
}

/// Everything a reader may read of the closed year 2025 about the area.
async fn readings_of_2025(app: &TestApp, area: &str, review: &str) -> Vec<Value> {
    let year = format!("unit_id={area}&from=2025-01-01&to=2025-12-31");
    let manager = token("AL", &["employee", "manager"]);
    let rep = token("REP", &["employee", "local_representative"]);
    vec![
        read(app, &Who::Hr.token(), &format!("/api/v1/status?{year}")).await,
        read(app, &manager, &format!("/api/v1/status?{year}")).await,
        read(app, &rep, &format!("/api/v1/status?{year}")).await,
        // The named list: its length (names are erased with the person, not their count).
        json!(
            read(
                app,
                &manager,
                &format!("/api/v1/status/people?{year}&figure=employees"),
            )
            .await["items"]
                .as_array()
                .map(Vec::len)
        ),
        read(app, &rep, &format!("/api/v1/status-reviews/{review}")).await["snapshot"].clone(),
    ]
}

#[tokio::test]
async fn a_closed_years_figures_rows_and_head_counts_stay_as_they_were_whoever_joins_moves_or_leaves()
 {
    let app = spawn_app().await;
    org_with_a_closed_year(&app).await;
    let area = app.unit_id("A").await;
    let review = app
        .expect(
            app.post(
                "/api/v1/status-reviews",
                &token("AL", &["employee", "manager"]),
                &json!({"unit_id": area, "held_on": "2025-12-31"}),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
    let review = review["id"].as_str().unwrap().to_owned();
    let before = readings_of_2025(&app, &area, &review).await;
    assert_eq!(before[0]["figures"]["employees"], 13);
    let this_year = format!("/api/v1/status?unit_id={area}");
    let now_before = read(&app, &Who::Hr.token(), &this_year).await;

    // A month on: someone from B moves into A1, one of A2 becomes a teacher, one of A1
    // leaves, and someone new joins A2, all in the shape without history.
    app.today_is("2026-03-02");
    let row = |id: &str, unit: &str, group: &str| json!({"external_id": id, "name": format!("Ansat {id}"), "unit_external_id": unit, "professional_group": group});
    let mut leaver = row("A1-0", "A1", "pædagog");
    leaver["active"] = json!(false);
    app.expect(
        sync_employees(
            &app,
            json!([
                row("B-0", "A1", "pædagog"),
                row("A2-0", "A2", "lærer"),
                leaver,
                row("NEW", "A2", "pædagog"),
            ]),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    // The leaver is erased, too: the record of where they worked stays, without them.
    let gone = app.employee_by_external("A1-0").await;
    let gone = gone["id"].as_str().unwrap().to_owned();
    app.expect(
        app.send(
            Method::POST,
            &format!("/api/v1/employees/{gone}/erasure"),
            Some(&Who::Hr.token()),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;

    let after = readings_of_2025(&app, &area, &review).await;
    // Every reading of the closed year is the same, byte for byte, so the two readings
    // together tell an attacker exactly what one of them does: nothing about the people who
    // joined, moved or left since.
    for (i, (b, a)) in before.iter().zip(&after).enumerate() {
        assert_eq!(b, a, "reading {i} of 2025 changed");
    }
    // The year that runs does count them where they are now: the test can see a change.
    let now_after = read(&app, &Who::Hr.token(), &this_year).await;
    assert_eq!(now_before["figures"]["employees"], 13);
    assert_eq!(now_after["figures"]["employees"], 14);
    let erased = read(&app, &Who::Hr.token(), &format!("/api/v1/employees/{gone}")).await;
    assert_eq!(
        erased["placements"],
        json!([{"from": "2015-01-01", "to": "2026-03-01", "unit_id": app.unit_id("A1").await, "professional_group": "pædagog"}])
    );
}

#[tokio::test]
async fn the_sync_keeps_a_history_sent_whole_and_extends_it_from_today_in_the_old_shape() {
    let app = spawn_app().await;
    org_with_a_closed_year(&app).await;
    let (a1, a2) = (app.unit_id("A1").await, app.unit_id("A2").await);
    let history = json!([{
        "external_id": "MOVER", "name": "Flytter", "unit_external_id": "A2", "professional_group": "lærer",
        "placements": [
            {"from": "2024-08-01", "unit_external_id": "A2", "professional_group": "lærer"},
            {"from": "2019-01-01", "to": "2024-07-31", "unit_external_id": "A1", "professional_group": "pædagog"},
        ],
    }]);
    let created = app
        .expect(sync_employees(&app, history.clone()).await, StatusCode::OK)
        .await;
    assert_eq!(created["created"], 1);
    // The same history again changes nothing.
    let again = app
        .expect(sync_employees(&app, history).await, StatusCode::OK)
        .await;
    assert_eq!(again["unchanged"], 1);
    let mover = app.employee_by_external("MOVER").await;
    assert_eq!(
        mover["placements"],
        json!([
            {"from": "2019-01-01", "to": "2024-07-31", "unit_id": a1, "professional_group": "pædagog"},
            {"from": "2024-08-01", "to": null, "unit_id": a2, "professional_group": "lærer"},
        ])
    );
    assert_eq!(mover["active"], true);
    // 2023 counts them in A1, 2025 in A2.
    let in_2023 = read(
        &app,
        &Who::Hr.token(),
        &format!("/api/v1/status?unit_id={a1}&from=2023-01-01&to=2023-12-31"),
    )
    .await;
    assert_eq!(in_2023["figures"]["employees"], 7);
    let in_2025 = read(
        &app,
        &Who::Hr.token(),
        &format!("/api/v1/status?unit_id={a2}&from=2025-01-01&to=2025-12-31"),
    )
    .await;
    assert_eq!(in_2025["figures"]["employees"], 7);
    // The shape without history moves them from today.
    app.expect(
        sync_employees(
            &app,
            json!([{"external_id": "MOVER", "name": "Flytter", "unit_external_id": "A1", "professional_group": "lærer"}]),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let moved = app.employee_by_external("MOVER").await;
    assert_eq!(moved["placements"][1]["to"], "2026-02-01");
    assert_eq!(
        moved["placements"][2],
        json!({"from": "2026-02-02", "to": null, "unit_id": a1, "professional_group": "lærer"})
    );
    // The feed carries the history as the read does.
    let events = read(&app, &Who::Hr.token(), "/api/v1/events?limit=500").await;
    let last = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|e| e["type"] == "employee.updated")
        .unwrap()
        .clone();
    assert_eq!(last["data"]["placements"], moved["placements"]);
    // And so does the person's export.
    let export = read(
        &app,
        &Who::Hr.token(),
        &format!("/api/v1/employees/{}/export", moved["id"].as_str().unwrap()),
    )
    .await;
    assert_eq!(export["employee"]["placements"], moved["placements"]);
}

#[tokio::test]
async fn a_history_that_overlaps_begins_tomorrow_names_an_unknown_unit_or_disagrees_is_refused_naming_every_problem()
 {
    let app = spawn_app().await;
    org_with_a_closed_year(&app).await;
    let rows = json!([
        {"external_id": "X1", "name": "Overlap", "unit_external_id": "A1", "placements": [
            {"from": "2019-01-01", "to": "2024-08-01", "unit_external_id": "A2"},
            {"from": "2024-08-01", "unit_external_id": "A1"},
        ]},
        {"external_id": "X2", "name": "Fremtid", "unit_external_id": "A1", "placements": [
            {"from": "2026-02-03", "unit_external_id": "A1"},
        ]},
        {"external_id": "X3", "name": "Ukendt", "unit_external_id": "A1", "placements": [
            {"from": "2020-01-01", "to": "2021-01-01", "unit_external_id": "NOPE"},
            {"from": "2022-01-01", "unit_external_id": "A1"},
        ]},
        {"external_id": "X4", "name": "Uenig", "unit_external_id": "A2", "active": true, "placements": [
            {"from": "2020-01-01", "to": "2025-06-30", "unit_external_id": "A1"},
        ]},
    ]);
    let problem = assert_problem(
        sync_employees(&app, rows).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let mut got: Vec<(String, String)> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    got.sort();
    let want: Vec<(String, String)> = [
        ("rows[0].placements[1].from", "overlapping_placements"),
        ("rows[1].placements[0].from", "future_date"),
        ("rows[2].placements[0].unit_external_id", "unknown_unit"),
        ("rows[3].active", "placement_mismatch"),
        ("rows[3].unit_external_id", "placement_mismatch"),
    ]
    .iter()
    .map(|(f, c)| ((*f).to_owned(), (*c).to_owned()))
    .collect();
    assert_eq!(got, want);
    // An empty history is refused by the contract itself (at least one placement).
    let empty =
        json!([{"external_id": "X5", "name": "Tom", "unit_external_id": "A1", "placements": []}]);
    let problem = assert_problem(
        sync_employees(&app, empty).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&problem), ["rows[0].placements"]);
    // Nothing of the payloads was kept.
    let all = read(&app, &Who::Hr.token(), "/api/v1/employees?limit=100").await;
    assert_eq!(all["items"].as_array().map(Vec::len), Some(19));
}

#[tokio::test]
async fn a_unit_is_ended_only_once_nobody_is_placed_in_it_after_its_last_day_and_keeps_its_past() {
    let app = spawn_app().await;
    org_with_a_closed_year(&app).await;
    let a2 = app.unit_id("A2").await;
    let end = |unit: &str, parent: &str, on: &str| json!({"external_id": unit, "name": format!("Enhed {unit}"), "parent_external_id": parent, "ends_on": on});
    // Six people work in A2, and ending A (with A1 and A2 open below it) is refused too.
    let refused = assert_problem(
        app.post(
            "/api/v1/sync/org-units",
            &Who::Hr.token(),
            &json!({"rows": [end("A2", "A", "2026-01-31"), end("A", "K", "2026-01-31")]}),
        )
        .await,
        StatusCode::CONFLICT,
        "unit_in_use",
    )
    .await;
    let detail = refused["detail"].as_str().unwrap();
    assert!(
        detail.contains("rows[0] (A2) cannot end on 2026-01-31: 6 placement(s)"),
        "{detail}"
    );
    assert!(
        detail.contains("rows[1] (A) ends on 2026-01-31 but its sub-unit"),
        "{detail}"
    );
    // HR moves the six to A1 today; A2 can then end yesterday, not before.
    let moved: Vec<Value> = (0..6)
        .map(|i| json!({"external_id": format!("A2-{i}"), "name": format!("Ansat A2 {i}"), "unit_external_id": "A1", "professional_group": "pædagog"}))
        .collect();
    app.expect(sync_employees(&app, json!(moved)).await, StatusCode::OK)
        .await;
    assert_problem(
        app.post(
            "/api/v1/sync/org-units",
            &Who::Hr.token(),
            &json!({"rows": [end("A2", "A", "2026-01-31")]}),
        )
        .await,
        StatusCode::CONFLICT,
        "unit_in_use",
    )
    .await;
    app.expect(
        app.post(
            "/api/v1/sync/org-units",
            &Who::Hr.token(),
            &json!({"rows": [end("A2", "A", "2026-02-01")]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let unit = read(&app, &Who::Hr.token(), &format!("/api/v1/org-units/{a2}")).await;
    assert_eq!(unit["ends_on"], "2026-02-01");
    assert_eq!(unit["headcount"]["total"], 0);
    // Its past is kept: 2025 still counts its six.
    let past = read(
        &app,
        &Who::Hr.token(),
        &format!("/api/v1/status?unit_id={a2}&from=2025-01-01&to=2025-12-31"),
    )
    .await;
    assert_eq!(past["figures"]["employees"], 6);
    // Nobody can be placed in it any more, in either shape.
    let problem = assert_problem(
        sync_employees(
            &app,
            json!([
                {"external_id": "A1-1", "name": "Ansat A1 1", "unit_external_id": "A2", "professional_group": "pædagog"},
                {"external_id": "LATE", "name": "Sen", "unit_external_id": "A1", "placements": [
                    {"from": "2025-01-01", "to": "2026-02-02", "unit_external_id": "A2"},
                    {"from": "2026-02-03", "unit_external_id": "A1"},
                ]},
            ]),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let fields = error_fields(&problem);
    assert!(
        fields.contains(&"rows[0].unit_external_id".to_owned()),
        "{fields:?}"
    );
    assert!(
        fields.contains(&"rows[1].placements[0].unit_external_id".to_owned()),
        "{fields:?}"
    );
    let someone = app.employee_by_external("A1-1").await;
    assert_problem(
        app.patch(
            &format!("/api/v1/employees/{}", someone["id"].as_str().unwrap()),
            &Who::Hr.token(),
            &json!({"unit_id": a2}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
}

#[tokio::test]
async fn ending_a_unit_and_placing_someone_in_it_at_once_never_both_succeed() {
    let app = spawn_app().await;
    org_with_a_closed_year(&app).await;
    let hr_token = Who::Hr.token();
    let unit_e = |ends_on: Option<String>| json!({"rows": [{"external_id": "E", "name": "Tom enhed", "parent_external_id": "A", "ends_on": ends_on}]});
    app.expect(
        app.post("/api/v1/sync/org-units", &hr_token, &unit_e(None))
            .await,
        StatusCode::OK,
    )
    .await;
    let (e, b) = (app.unit_id("E").await, app.unit_id("B").await);
    let id = app.employee_by_external("B-0").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/api/v1/employees/{id}");
    let start = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    for round in 0..10u64 {
        // On day d, E is open and B-0 is in B; on day d + 1 HR ends E on d while B-0 is
        // moved into E from d + 1. One of the two must lose.
        let d = start + chrono::Days::new(round * 3);
        app.today_is(&d.to_string());
        app.expect(
            app.post("/api/v1/sync/org-units", &hr_token, &unit_e(None))
                .await,
            StatusCode::OK,
        )
        .await;
        app.expect(
            app.patch(&path, &hr_token, &json!({"unit_id": b})).await,
            StatusCode::OK,
        )
        .await;
        app.today_is(&(d + chrono::Days::new(1)).to_string());
        let ending = unit_e(Some(d.to_string()));
        let into_e = json!({"unit_id": e});
        let (end, place) = futures_util::future::join(
            app.post("/api/v1/sync/org-units", &hr_token, &ending),
            app.patch(&path, &hr_token, &into_e),
        )
        .await;
        let answers = [end.status(), place.status()];
        assert!(
            answers == [StatusCode::OK, StatusCode::UNPROCESSABLE_ENTITY]
                || answers == [StatusCode::CONFLICT, StatusCode::OK],
            "round {round}: exactly one may succeed, got {answers:?}"
        );
        let unit = read(&app, &hr_token, &format!("/api/v1/org-units/{e}")).await;
        let in_e = app.employee_by_external("B-0").await["unit_id"] == json!(e);
        assert_eq!(unit["ends_on"].is_null(), in_e, "round {round}");
        // Back to B the day after, so that E can be opened and ended again.
        app.today_is(&(d + chrono::Days::new(2)).to_string());
    }
}
