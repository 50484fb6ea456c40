//! The catalogue of development offers and units' published development goals.

use devplan_tests::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn titles(list: &Value) -> Vec<&str> {
    let mut t: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["title"].as_str().unwrap())
        .collect();
    t.sort();
    t
}

#[tokio::test]
async fn hr_keeps_the_catalogue_and_everyone_filters_it_by_group_and_kind() {
    let app = spawn_app().await;
    app.standard_org().await;
    let rows = json!({"rows": [
        {"external_id": "K1", "kind": "course", "title": "Konflikthåndtering", "provider": "UC Syd", "duration": "3 dage", "professional_groups": ["pædagog", "lærer"]},
        {"external_id": "K2", "kind": "education", "title": "Diplom i ledelse", "leadership_education": true, "professional_groups": ["leder"]},
        {"external_id": "K3", "kind": "other_initiative", "title": "Netværk for nye medarbejdere"},
    ]});
    let first = app
        .expect(
            app.post("/api/v1/sync/catalogue", &Who::Hr.token(), &rows)
                .await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(first, json!({"created": 3, "updated": 0, "unchanged": 0}));
    let again = app
        .expect(
            app.post("/api/v1/sync/catalogue", &Who::Hr.token(), &rows)
                .await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(again, json!({"created": 0, "updated": 0, "unchanged": 3}));

    let employee = token("EMP-A1", &["employee"]);
    let for_pedagogues = app
        .expect(
            app.get(
                "/api/v1/catalogue?professional_group=p%C3%A6dagog",
                &employee,
            )
            .await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(
        titles(&for_pedagogues),
        ["Konflikthåndtering", "Netværk for nye medarbejdere"]
    );
    let leadership = app
        .expect(
            app.get("/api/v1/catalogue?leadership_education=true", &employee)
                .await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(titles(&leadership), ["Diplom i ledelse"]);
    let courses = app
        .expect(
            app.get("/api/v1/catalogue?kind=course", &employee).await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(titles(&courses), ["Konflikthåndtering"]);
    assert_problem(
        app.get("/api/v1/catalogue?kind=webinar", &employee).await,
        StatusCode::BAD_REQUEST,
        "invalid_query",
    )
    .await;

    let bad = json!({"rows": [{"external_id": "K4", "kind": "course", "title": ""}, {"kind": "course", "title": "Uden nøgle"}]});
    let problem = assert_problem(
        app.post("/api/v1/sync/catalogue", &Who::Hr.token(), &bad)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&problem), ["rows[0].title"]);
    let bad = json!({"rows": [{"kind": "course", "title": "Uden nøgle"}]});
    let problem = assert_problem(
        app.post("/api/v1/sync/catalogue", &Who::Hr.token(), &bad)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&problem), ["rows[0].external_id"]);
}

#[tokio::test]
async fn a_unit_publishes_goals_its_employees_read_and_plan_goals_link_to() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let fixture = app.plan_fixture(&org).await;
    let employee = token("EMP-A1", &["employee"]);
    // EMP-A1 works in A1, below A: they know A's goals.
    let goals = app
        .expect(
            app.get(
                &format!("/api/v1/org-units/{}/development-goals", org.a),
                &employee,
            )
            .await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(goals["items"][0]["title"], "Bedre forældresamarbejde");
    assert_eq!(
        app.get(
            &format!("/api/v1/org-units/{}/development-goals", org.a),
            &token("EMP-B", &["employee"])
        )
        .await
        .status(),
        StatusCode::NOT_FOUND
    );

    let link = json!({"description": "Inddrage forældre mere", "competence_kind": "social", "horizon": "long_term", "unit_goal_id": fixture.unit_goal});
    let plan = app
        .plan_post(&fixture.id, "/goals", &employee, &link, StatusCode::CREATED)
        .await;
    assert_eq!(
        plan["content"]["goals"][2]["unit_goal_id"],
        fixture.unit_goal.as_str()
    );

    // A goal of another area cannot be linked.
    let other = app
        .expect(
            app.post(
                &format!("/api/v1/org-units/{}/development-goals", org.b),
                &token("MGR-B", &["manager"]),
                &json!({"title": "B's mål"}),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
    let foreign = json!({"description": "x", "competence_kind": "social", "horizon": "long_term", "unit_goal_id": other["id"]});
    let problem = assert_problem(
        app.post(
            &format!("/api/v1/plans/{}/goals", fixture.id),
            &employee,
            &foreign,
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&problem), ["unit_goal_id"]);

    // Withdrawn goals leave the list but stay readable on request.
    let goal_path = format!(
        "/api/v1/org-units/{}/development-goals/{}",
        org.a, fixture.unit_goal
    );
    app.expect(
        app.patch(
            &goal_path,
            &token("MGR-A", &["manager"]),
            &json!({"archived": true}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let active = app
        .expect(
            app.get(
                &format!("/api/v1/org-units/{}/development-goals", org.a),
                &employee,
            )
            .await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(active["items"], json!([]));
    let all = app
        .expect(
            app.get(
                &format!(
                    "/api/v1/org-units/{}/development-goals?include_archived=true",
                    org.a
                ),
                &employee,
            )
            .await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(all["items"][0]["archived"], true);
    // A withdrawn goal takes no new links; the goal already linked keeps its link.
    let problem = assert_problem(
        app.post(
            &format!("/api/v1/plans/{}/goals", fixture.id),
            &employee,
            &link,
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "unit_goal_id");
    assert_eq!(problem["errors"][0]["code"], "withdrawn_unit_goal");
    let plan = app
        .expect(
            app.get(&format!("/api/v1/plans/{}", fixture.id), &employee)
                .await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(
        plan["content"]["goals"][2]["unit_goal_id"],
        fixture.unit_goal.as_str()
    );
}
