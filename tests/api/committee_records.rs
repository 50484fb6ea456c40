//! The MED committees' discussions and yearly feedback.

use devplan_tests::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn with_sibling(app: &TestApp) -> (Org, String) {
    let org = app.standard_org().await;
    let rows = json!({"rows": [{"external_id": "MED-B", "name": "Lokal-MED B", "level": "local", "unit_external_id": "B", "parent_external_id": "HMU", "member_external_ids": ["EMP-B"]}]});
    app.expect(
        app.post("/api/v1/sync/committees", &Who::Hr.token(), &rows)
            .await,
        StatusCode::OK,
    )
    .await;
    let list = app
        .expect(
            app.get("/api/v1/committees", &Who::Hr.token()).await,
            StatusCode::OK,
        )
        .await;
    let med_b = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["external_id"] == "MED-B")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    (org, med_b)
}

fn texts(list: &Value) -> Vec<&str> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["text"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn a_local_committees_feedback_is_read_by_the_main_committee_and_not_by_a_sibling() {
    let app = spawn_app().await;
    let (org, med_b) = with_sibling(&app).await;
    let local = token("MEM-A", &["committee"]);
    app.expect(
        app.post(
            &format!("/api/v1/committees/{}/feedback", org.med_a),
            &local,
            &json!({"year": 2025, "text": "Opfølgningen halter"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let main = token("MGR-B", &["committee"]);
    let read = app
        .expect(
            app.get(&format!("/api/v1/committees/{}/feedback", org.hmu), &main)
                .await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(texts(&read), ["Opfølgningen halter"]);
    let read = app
        .expect(
            app.get(&format!("/api/v1/committees/{}/feedback", org.med_a), &main)
                .await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(texts(&read), ["Opfølgningen halter"]);
    let sibling = token("EMP-B", &["committee"]);
    assert_eq!(
        app.get(
            &format!("/api/v1/committees/{}/feedback", org.med_a),
            &sibling
        )
        .await
        .status(),
        StatusCode::NOT_FOUND
    );
    let own = app
        .expect(
            app.get(&format!("/api/v1/committees/{med_b}/feedback"), &sibling)
                .await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(own["items"], json!([]));
    // The main committee reads but does not write for the local one, and sends no feedback itself.
    assert_problem(
        app.post(
            &format!("/api/v1/committees/{}/feedback", org.med_a),
            &main,
            &json!({"year": 2025, "text": "x"}),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let p = assert_problem(
        app.post(
            &format!("/api/v1/committees/{}/feedback", org.hmu),
            &main,
            &json!({"year": 2025, "text": "x"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&p), ["committee"]);
}

/// The external ids of the committees `who` lists.
async fn listed(app: &TestApp, who: &str) -> Vec<String> {
    let list = app
        .expect(app.get("/api/v1/committees", who).await, StatusCode::OK)
        .await;
    let mut ids: Vec<String> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["external_id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn reach_over_committees_follows_the_hierarchy_for_the_committees_themselves_too() {
    let app = spawn_app().await;
    let (org, med_b) = with_sibling(&app).await;
    let main = token("MGR-B", &["committee"]);
    assert_eq!(listed(&app, &main).await, ["HMU", "MED-A", "MED-B"]);
    let local = app
        .expect(
            app.get(&format!("/api/v1/committees/{}", org.med_a), &main)
                .await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(local["name"], "Lokal-MED A");
    // A local committee sees itself only: not the one above, not its sibling.
    let sibling = token("EMP-B", &["committee"]);
    assert_eq!(listed(&app, &sibling).await, ["MED-B"]);
    for other in [&org.med_a, &org.hmu] {
        let absent = app
            .get(&format!("/api/v1/committees/{other}"), &sibling)
            .await;
        assert_eq!(absent.status(), StatusCode::NOT_FOUND);
    }
    let _ = med_b;
}

#[tokio::test]
async fn a_committee_sends_one_feedback_a_year() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let local = token("MEM-A", &["committee"]);
    let path = format!("/api/v1/committees/{}/feedback", org.med_a);
    app.expect(
        app.post(&path, &local, &json!({"year": 2025, "text": "Første"}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    assert_problem(
        app.post(&path, &local, &json!({"year": 2025, "text": "Anden"}))
            .await,
        StatusCode::CONFLICT,
        "feedback_already_sent",
    )
    .await;
    app.expect(
        app.post(&path, &local, &json!({"year": 2026, "text": "Næste år"}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let read = app
        .expect(
            app.get(
                &format!("/api/v1/committees/{}/feedback", org.hmu),
                &token("MGR-B", &["committee"]),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(texts(&read), ["Første", "Næste år"]);
}

#[tokio::test]
async fn a_discussion_may_carry_the_committees_status_figures_anonymised() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    app.today_is("2026-03-10");
    let local = token("MEM-A", &["committee"]);
    let d = app.expect(app.post(&format!("/api/v1/committees/{}/discussions", org.med_a), &local, &json!({"topic": "status", "held_on": "2026-03-10", "summary": "Status for planerne", "decisions": "Mere fokus på opfølgning", "attach_status": true})).await, StatusCode::CREATED).await;
    assert_eq!(
        (
            d["snapshot"]["anonymised"].as_bool(),
            d["snapshot"]["unit_id"].as_str()
        ),
        (Some(true), Some(org.a.as_str()))
    );
    let p = assert_problem(
        app.post(
            &format!("/api/v1/committees/{}/discussions", org.med_a),
            &local,
            &json!({"topic": "weather", "held_on": "2026-03-10", "summary": "x"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&p), ["topic"]);
}

#[tokio::test]
async fn the_missing_records_list_follows_the_frequency_settings() {
    let app = spawn_app().await;
    let (org, _) = with_sibling(&app).await;
    app.today_is("2026-06-01");
    let missing = |who: String, year: i32| {
        let app = &app;
        async move {
            let list = app
                .expect(
                    app.get(
                        &format!("/api/v1/committees/missing-records?year={year}"),
                        &who,
                    )
                    .await,
                    StatusCode::OK,
                )
                .await;
            list["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| {
                    (
                        c["name"].as_str().unwrap().to_owned(),
                        c["discussion_missing"].as_bool().unwrap(),
                        c["feedback_missing"].as_bool().unwrap(),
                    )
                })
                .collect::<Vec<_>>()
        }
    };
    let all = |main: bool| {
        let mut v = vec![
            ("Lokal-MED A".to_owned(), true, true),
            ("Lokal-MED B".to_owned(), true, true),
        ];
        if main {
            v.insert(0, ("Hoved-MED".to_owned(), true, false));
        }
        v
    };
    assert_eq!(missing(Who::Hr.token(), 2026).await, all(true));
    // Every third year after OK24 began (2024): 2026 owes the main committee nothing.
    let settings = json!({"anonymity_threshold": 5, "long_absence_weeks": 8, "special_follow_up_days": 30, "main_committee_frequency": "every_third_year"});
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
    assert_eq!(missing(Who::Hr.token(), 2026).await, all(false));
    assert_eq!(missing(Who::Hr.token(), 2027).await, all(true));
    // Lokal-MED A discusses and reports: it leaves the list.
    let local = token("MEM-A", &["committee"]);
    app.expect(
        app.post(
            &format!("/api/v1/committees/{}/discussions", org.med_a),
            &local,
            &json!({"topic": "goals", "held_on": "2026-05-01", "summary": "Mål for indsatsen"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(
        missing(local.clone(), 2026).await,
        [("Lokal-MED A".to_owned(), false, true)]
    );
    app.expect(
        app.post(
            &format!("/api/v1/committees/{}/feedback", org.med_a),
            &local,
            &json!({"year": 2026, "text": "Årets tilbagemelding"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(missing(local, 2026).await, []);
    // The main committee's member sees the committees under it.
    assert_eq!(
        missing(token("MGR-B", &["committee"]), 2026).await,
        [("Lokal-MED B".to_owned(), true, true)]
    );
}
