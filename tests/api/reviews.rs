//! Stock-taking between employer and representative: review, disagreement, escalation, outcome.

use devplan_tests::*;
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn a_review_ends_in_disagreement_is_escalated_and_its_renewed_discussion_recorded() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    app.today_is("2026-03-01");
    let manager = token("MGR-A", &["employee", "manager"]);
    let rep = token("REP-A", &["employee", "local_representative"]);
    let review = app
        .expect(
            app.post(
                "/api/v1/status-reviews",
                &manager,
                &json!({"unit_id": org.a, "held_on": "2026-03-01"}),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
    let id = review["id"].as_str().unwrap().to_owned();
    assert_eq!(review["your_side"], "employer");
    // The snapshot is the anonymised figures, as the representative may see them.
    assert_eq!(
        (
            review["snapshot"]["anonymised"].as_bool(),
            review["snapshot"]["figures"]["employees"].clone()
        ),
        (Some(true), json!(null))
    );
    // A representative does not record the review itself.
    assert_problem(
        app.post(
            "/api/v1/status-reviews",
            &rep,
            &json!({"unit_id": org.a, "held_on": "2026-03-01"}),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;

    let path = format!("/api/v1/status-reviews/{id}");
    app.expect(
        app.send(
            Method::PUT,
            &format!("{path}/position"),
            Some(&manager),
            Some(&json!({"notes": "Alle har en plan på vej", "agrees": true})),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let after = app
        .expect(
            app.send(
                Method::PUT,
                &format!("{path}/position"),
                Some(&rep),
                Some(&json!({"notes": "Halvdelen mangler opfølgning", "agrees": false})),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(after["your_side"], "representative");
    assert_eq!(
        (
            after["employer"]["agrees"].as_bool(),
            after["representative"]["agrees"].as_bool()
        ),
        (Some(true), Some(false))
    );

    // Nothing to escalate while both agree: a conflict with the review's state.
    let both_agree = app
        .expect(
            app.post(
                "/api/v1/status-reviews",
                &manager,
                &json!({"unit_id": org.a, "held_on": "2026-02-28"}),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
    assert_problem(
        app.post(
            &format!(
                "/api/v1/status-reviews/{}/escalation",
                both_agree["id"].as_str().unwrap()
            ),
            &rep,
            &json!({"reason": "Uden uenighed"}),
        )
        .await,
        StatusCode::CONFLICT,
        "no_disagreement",
    )
    .await;
    let escalated = app
        .expect(
            app.post(
                &format!("{path}/escalation"),
                &rep,
                &json!({"reason": "Aftalen overholdes ikke"}),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(escalated["escalation"]["by_side"], "representative");
    assert_problem(
        app.post(
            &format!("{path}/escalation"),
            &manager,
            &json!({"reason": "Igen"}),
        )
        .await,
        StatusCode::CONFLICT,
        "already_escalated",
    )
    .await;
    let p = assert_problem(
        app.send(
            Method::PUT,
            &format!("{path}/escalation/outcome"),
            Some(&manager),
            Some(&json!({"renewed_on": "2026-02-01", "outcome": "x"})),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "renewed_on");
    let done = app.expect(app.send(Method::PUT, &format!("{path}/escalation/outcome"), Some(&manager), Some(&json!({"renewed_on": "2026-04-15", "outcome": "Fælles handlingsplan for opfølgning"}))).await, StatusCode::OK).await;
    assert_eq!(
        (
            done["escalation"]["renewed_on"].as_str(),
            done["escalation"]["outcome"].as_str()
        ),
        (
            Some("2026-04-15"),
            Some("Fælles handlingsplan for opfølgning")
        )
    );

    // Both read it; a representative of another unit, a committee member and an employee do not.
    for who in [&manager, &rep, &Who::Hr.token()] {
        app.expect(app.get(&path, who).await, StatusCode::OK).await;
    }
    app.expect(app.post("/api/v1/sync/employees", &Who::Hr.token(), &json!({"rows": [{"external_id": "REP-B", "name": "Rasmus Rep", "unit_external_id": "B", "represents_unit_external_ids": ["B"]}]})).await, StatusCode::OK).await;
    // Another unit's representative is out of reach (404); a committee member or an employee
    // takes no part in stock-taking at all (403, by role).
    for (who, expected) in [
        (
            token("REP-B", &["local_representative"]),
            StatusCode::NOT_FOUND,
        ),
        (token("MEM-A", &["committee"]), StatusCode::FORBIDDEN),
        (token("EMP-A1", &["employee"]), StatusCode::FORBIDDEN),
    ] {
        assert_eq!(app.get(&path, &who).await.status(), expected);
    }
    // The committee's papers: the review as CSV.
    let csv = app
        .client
        .get(format!("{}{path}", app.base))
        .bearer_auth(&rep)
        .header("accept", "text/csv")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        csv.starts_with("section,name,value\n") && csv.contains("representative,agrees,false"),
        "{csv}"
    );
    for line in [
        "review,unit,Område A\n",
        "escalation,by_side,representative\n",
        "escalation,reason,Aftalen overholdes ikke\n",
        "escalation,renewed_on,2026-04-15\n",
        "escalation,outcome,Fælles handlingsplan for opfølgning\n",
    ] {
        assert!(csv.contains(line), "{line} missing from {csv}");
    }
}

#[tokio::test]
async fn the_missing_review_list_follows_the_year_and_the_agreement_period() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let manager = token("MGR-A", &["employee", "manager"]);
    let missing = |who: String| {
        let app = &app;
        async move {
            let list = app
                .expect(
                    app.get("/api/v1/status-reviews/missing", &who).await,
                    StatusCode::OK,
                )
                .await;
            list["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| {
                    (
                        u["name"].as_str().unwrap().to_owned(),
                        u["missing_this_year"].as_bool().unwrap(),
                        u["missing_this_period"].as_bool().unwrap(),
                    )
                })
                .collect::<Vec<_>>()
        }
    };
    // OK24 runs 2024-04-01 – 2027-03-31; area A has a representative.
    app.today_is("2025-06-01");
    assert_eq!(
        missing(Who::Hr.token()).await,
        [("Område A".to_owned(), true, true)]
    );
    app.expect(
        app.post(
            "/api/v1/status-reviews",
            &manager,
            &json!({"unit_id": org.a, "held_on": "2025-05-20"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(missing(Who::Hr.token()).await, []);
    // A new year: the yearly review is owed again, the period's is not.
    app.today_is("2026-02-01");
    assert_eq!(
        missing(manager.clone()).await,
        [("Område A".to_owned(), true, false)]
    );
    // A new agreement period: both are owed.
    app.expect(
        app.post(
            "/api/v1/agreement-periods",
            &Who::Hr.token(),
            &json!({"name": "OK27", "starts_on": "2027-04-01", "ends_on": "2030-03-31"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    app.today_is("2027-05-01");
    assert_eq!(
        missing(token("REP-A", &["local_representative"])).await,
        [("Område A".to_owned(), true, true)]
    );
    assert_eq!(missing(token("MGR-B", &["manager"])).await, []);
}
