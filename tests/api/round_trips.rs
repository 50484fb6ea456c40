//! What a request costs in statements: the caller is resolved once and then remembered, and
//! an organisation change still takes effect at once.

use devplan_tests::*;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_subject_seen_recently_costs_no_identity_lookups() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let manager = token("MGR-A", &["employee", "manager"]);
    let (first, response) = app.statements_of_get("/api/v1/me", &manager).await;
    app.expect(response, StatusCode::OK).await;
    let (again, response) = app.statements_of_get("/api/v1/me", &manager).await;
    app.expect(response, StatusCode::OK).await;
    assert!(
        again < first,
        "{again} statements again, {first} the first time"
    );
    let unit = format!("/api/v1/org-units/{}", org.a1);
    app.expect(app.get(&unit, &manager).await, StatusCode::OK)
        .await;
    let (n, response) = app.statements_of_get(&unit, &manager).await;
    app.expect(response, StatusCode::OK).await;
    assert!(n <= 2, "a unit read by a known caller costs {n} statements");
}

#[tokio::test]
async fn an_organisation_change_reaches_a_remembered_caller_at_once() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let manager = token("MGR-A", &["employee", "manager"]);
    let unit = format!("/api/v1/org-units/{}", org.a1);
    app.expect(app.get(&unit, &manager).await, StatusCode::OK)
        .await;
    // HR moves MGR-A's management from area A to area B.
    let rows = json!({"rows": [{"external_id": "MGR-A", "name": "Anna Leder", "unit_external_id": "A", "manages_unit_external_ids": ["B"]}]});
    app.expect(
        app.post("/api/v1/sync/employees", &Who::Hr.token(), &rows)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_problem(
        app.get(&unit, &manager).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    app.expect(
        app.get(&format!("/api/v1/org-units/{}", org.b), &manager)
            .await,
        StatusCode::OK,
    )
    .await;
    // Deactivated, the subject is no longer known.
    let rows = json!({"rows": [{"external_id": "MGR-A", "name": "Anna Leder", "unit_external_id": "A", "active": false}]});
    app.expect(
        app.post("/api/v1/sync/employees", &Who::Hr.token(), &rows)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_problem(
        app.get("/api/v1/me", &manager).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
}
