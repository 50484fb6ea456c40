//! Stock-taking as representatives and committees read it: figures for every unit of at least
//! k people they cover, nothing about fewer than k, over periods and a person's several roles.

use devplan_tests::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn status(app: &TestApp, who: &str, query: &str) -> reqwest::Response {
    app.get(&format!("/api/v1/status?{query}"), who).await
}

async fn shown(app: &TestApp, who: &str, query: &str) -> Value {
    app.expect(status(app, who, query).await, StatusCode::OK)
        .await
}

#[tokio::test]
async fn the_demos_representative_and_committee_member_read_their_area_and_both_institutions() {
    let app = spawn_app().await;
    app.today_is("2026-06-15");
    let people = devplan_api::demo::seed(&app.store().await)
        .await
        .expect("the demo seeds");
    let readers = [
        token(people.representative, &["employee", "local_representative"]),
        token(people.committee_member, &["employee", "committee"]),
    ];
    let area = app.unit_id("BU").await;
    for who in &readers {
        let s = shown(&app, who, &format!("unit_id={area}")).await;
        assert_eq!(
            (s["anonymised"].as_bool(), s["withheld"].as_bool()),
            (Some(true), Some(false)),
            "{s}"
        );
        // The area's 21 but its own 3, who are too few for a row of their own and are counted
        // with the municipality's own staff.
        assert_eq!(s["figures"]["employees"], 18);
        assert_eq!(s["left_out"], true);
        for institution in ["BU1", "BU2"] {
            let s = shown(
                &app,
                who,
                &format!("unit_id={}", app.unit_id(institution).await),
            )
            .await;
            assert_eq!(s["withheld"], false, "{institution}: {s}");
            assert_eq!(s["figures"]["employees"], 9, "{institution}");
            assert_eq!(s["left_out"], false);
        }
        let units = app
            .expect(
                app.get("/api/v1/org-units?limit=500", who).await,
                StatusCode::OK,
            )
            .await;
        for u in units["items"].as_array().unwrap() {
            let expected = match u["external_id"].as_str().unwrap() {
                "BU" => json!({"direct": null, "total": 18}),
                "BU1" | "BU2" => json!({"direct": 9, "total": 9}),
                other => panic!("{other} is out of reach"),
            };
            assert_eq!(u["headcount"], expected);
        }
    }
}

#[tokio::test]
async fn representatives_read_whole_years_and_a_closed_year_without_todays_figures() {
    let app = spawn_app().await;
    app.today_is("2026-06-15");
    let area = area_with_a_small_team(&app).await;
    let rep = token("REP", &["employee", "local_representative"]);
    // Two readings of periods that differ by who left between their ends would give a leaver
    // away: only whole calendar years, up to this one.
    for (query, fields) in [
        ("from=2026-01-01&to=2026-06-14", vec!["to"]),
        ("from=2026-02-01&to=2026-12-31", vec!["from"]),
        ("from=2027-01-01&to=2027-12-31", vec!["from"]),
        ("from=2025-01-01&to=2026-12-31", vec!["to"]),
    ] {
        let p = assert_problem(
            status(&app, &rep, &format!("unit_id={area}&{query}")).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(error_fields(&p), fields, "{query}");
    }
    let this_year = shown(&app, &rep, &format!("unit_id={area}")).await;
    assert!(this_year["figures"]["with_agreed_plan"].is_u64());
    // A closed year's figures of today's plans would be today's, of that year's people.
    let last_year = shown(
        &app,
        &rep,
        &format!("unit_id={area}&from=2025-01-01&to=2025-12-31"),
    )
    .await;
    assert!(last_year["figures"]["employees"].is_u64(), "{last_year}");
    for figure in [
        "with_agreed_plan",
        "plans_in_draft",
        "annual_due",
        "annual_overdue",
    ] {
        assert!(last_year["figures"][figure].is_null(), "{figure}");
    }
    assert!(last_year["figures"]["annual_held_in_time"].is_u64());
    // HR and the area's manager read any period as it is.
    let manager = token("AL", &["employee", "manager"]);
    for who in [Who::Hr.token(), manager] {
        let s = shown(
            &app,
            &who,
            &format!("unit_id={area}&from=2025-03-01&to=2026-06-14"),
        )
        .await;
        assert!(s["figures"]["with_agreed_plan"].is_u64());
    }
}

/// An area with 3 placed directly in it, a team of 3 whose leader sits on the area's committee,
/// and a department of 9; a representative for the area.
async fn area_with_a_small_team(app: &TestApp) -> String {
    let units = json!({"rows": [
        {"external_id": "K", "name": "Kommunen"},
        {"external_id": "A", "name": "Område", "parent_external_id": "K"},
        {"external_id": "T", "name": "Team", "parent_external_id": "A"},
        {"external_id": "D", "name": "Afdeling", "parent_external_id": "A"},
    ]});
    app.expect(
        app.post("/api/v1/sync/org-units", &Who::Hr.token(), &units)
            .await,
        StatusCode::OK,
    )
    .await;
    let mut rows = vec![
        json!({"external_id": "AL", "name": "Områdeleder", "unit_external_id": "A", "manages_unit_external_ids": ["A"]}),
        json!({"external_id": "TL", "name": "Teamleder", "unit_external_id": "T", "manages_unit_external_ids": ["T"]}),
        json!({"external_id": "REP", "name": "Repræsentant", "unit_external_id": "D", "represents_unit_external_ids": ["A"]}),
    ];
    for (unit, n) in [("A", 2), ("T", 2), ("D", 8)] {
        for i in 0..n {
            rows.push(json!({"external_id": format!("{unit}-{i}"), "name": format!("Ansat {unit} {i}"), "unit_external_id": unit}));
        }
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
    let committees = json!({"rows": [
        {"external_id": "MED-A", "name": "Lokal-MED Område", "level": "local", "unit_external_id": "A", "member_external_ids": ["TL", "REP"]},
    ]});
    app.expect(
        app.post("/api/v1/sync/committees", &Who::Hr.token(), &committees)
            .await,
        StatusCode::OK,
    )
    .await;
    app.unit_id("A").await
}

#[tokio::test]
async fn a_team_leader_on_the_committee_reads_the_area_without_what_they_could_subtract_their_team_from()
 {
    let app = spawn_app().await;
    let area = area_with_a_small_team(&app).await;
    // The representative knows none of the units: the team is counted in the area's own row.
    let rep = shown(
        &app,
        &token("REP", &["employee", "local_representative"]),
        &format!("unit_id={area}"),
    )
    .await;
    assert_eq!(rep["figures"]["employees"], 15);
    assert_eq!(rep["by_sub_unit"][0]["figures"]["employees"], 6);
    // The team leader reads their team exactly; from the area's own row of 6 they would
    // subtract it and have the 3 placed in the area. For them those six are left out.
    let leader = token("TL", &["employee", "manager", "committee"]);
    let theirs = shown(&app, &leader, &format!("unit_id={area}")).await;
    assert_eq!(theirs["anonymised"], true);
    assert_eq!(theirs["figures"]["employees"], 9);
    assert_eq!(theirs["left_out"], true);
    assert!(theirs["by_sub_unit"][0]["figures"]["employees"].is_null());
    let units = app
        .expect(
            app.get("/api/v1/org-units?limit=500", &leader).await,
            StatusCode::OK,
        )
        .await;
    let area_row = units["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["external_id"] == "A")
        .unwrap();
    assert_eq!(area_row["headcount"], json!({"direct": null, "total": 9}));
}

#[tokio::test]
async fn a_snapshot_recorded_under_three_is_withheld_under_five_and_a_threshold_below_three_is_refused()
 {
    let app = spawn_app().await;
    app.today_is("2026-06-15");
    let area = area_with_a_small_team(&app).await;
    let settings = |k: u32| json!({"anonymity_threshold": k, "long_absence_weeks": 8, "special_follow_up_days": 30, "main_committee_frequency": "yearly"});
    let p = assert_problem(
        app.send(
            Method::PUT,
            "/api/v1/settings",
            Some(&Who::Hr.token()),
            Some(&settings(2)),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&p), ["anonymity_threshold"]);
    app.expect(
        app.send(
            Method::PUT,
            "/api/v1/settings",
            Some(&Who::Hr.token()),
            Some(&settings(3)),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let review = app
        .expect(
            app.post(
                "/api/v1/status-reviews",
                &token("AL", &["employee", "manager"]),
                &json!({"unit_id": area, "held_on": "2026-06-01"}),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
    let path = format!("/api/v1/status-reviews/{}", review["id"].as_str().unwrap());
    let rep = token("REP", &["employee", "local_representative"]);
    let under_three = app.expect(app.get(&path, &rep).await, StatusCode::OK).await;
    // Under 3 the team of 3 is a row of its own.
    let team = under_three["snapshot"]["by_sub_unit"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "Team")
        .unwrap();
    assert_eq!(team["figures"]["employees"], 3);
    app.expect(
        app.send(
            Method::PUT,
            "/api/v1/settings",
            Some(&Who::Hr.token()),
            Some(&settings(5)),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let under_five = app.expect(app.get(&path, &rep).await, StatusCode::OK).await;
    let snapshot = &under_five["snapshot"];
    assert_eq!(snapshot["withheld"], true, "{snapshot}");
    assert!(
        snapshot["figures"]
            .as_object()
            .unwrap()
            .values()
            .all(Value::is_null)
    );
    assert_eq!(snapshot["by_sub_unit"], json!([]));
    assert_eq!(snapshot["by_professional_group"], json!([]));
    // The employer side keeps reading it as recorded.
    let employer = app
        .expect(
            app.get(&path, &token("AL", &["employee", "manager"])).await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(employer["snapshot"]["figures"]["employees"], 15);
}
