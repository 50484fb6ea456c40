//! Reading and changing the organisation: versions, ETags, If-Match, headcounts, request ids.

use devplan_tests::*;
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn a_stale_if_match_is_a_412_and_loses_nothing() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let path = format!("/api/v1/employees/{}", org.emp_a1);
    let read = app.get(&path, &Who::Hr.token()).await;
    let etag = read.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(etag, "\"1\"");
    let first = app
        .client
        .patch(format!("{}{path}", app.base))
        .bearer_auth(Who::Hr.token())
        .header("if-match", &etag)
        .json(&json!({"name": "Bo Ansat-Hansen"}))
        .send()
        .await
        .unwrap();
    assert_eq!(first.headers()["etag"], "\"2\"");
    let second = app
        .client
        .patch(format!("{}{path}", app.base))
        .bearer_auth(Who::Hr.token())
        .header("if-match", &etag)
        .json(&json!({"name": "Bo Andersen"}))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(second, StatusCode::PRECONDITION_FAILED, "version_mismatch").await;
    assert_eq!(problem["current_version"], 2);
    let now = app
        .expect(app.get(&path, &Who::Hr.token()).await, StatusCode::OK)
        .await;
    assert_eq!(
        (now["name"].as_str(), now["version"].as_i64()),
        (Some("Bo Ansat-Hansen"), Some(2))
    );
}

#[tokio::test]
async fn a_change_that_changes_nothing_keeps_the_version() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let path = format!("/api/v1/org-units/{}", org.a);
    let same = app
        .expect(
            app.patch(&path, &Who::Hr.token(), &json!({"name": "Område A"}))
                .await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(same["version"], 1);
    let moved = app
        .expect(
            app.patch(&path, &Who::Hr.token(), &json!({"parent_id": org.b}))
                .await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(moved["version"], 2);
    // After the move, B's manager reaches A and A1 through the tree.
    let me = app
        .expect(
            app.get("/api/v1/me", &token("MGR-B", &["manager"])).await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(me["roles"][0]["unit_ids"].as_array().unwrap().len(), 3);
    let b = app
        .expect(
            app.get(&format!("/api/v1/org-units/{}", org.b), &Who::Hr.token())
                .await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(b["headcount"], json!({"direct": 2, "total": 6}));
}

#[tokio::test]
async fn hr_creates_and_clears_fields_of_records() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let created = app.expect(app.post("/api/v1/employees", &Who::Hr.token(), &json!({"name": "Ny", "email": "ny@kommune.dk", "unit_id": org.a1, "external_id": "NY-1"})).await, StatusCode::CREATED).await;
    assert_eq!(
        (created["active"].as_bool(), created["version"].as_i64()),
        (Some(true), Some(1))
    );
    let cleared = app
        .expect(
            app.patch(
                &format!("/api/v1/employees/{}", created["id"].as_str().unwrap()),
                &Who::Hr.token(),
                &json!({"email": null, "active": false}),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(
        (cleared["email"].clone(), cleared["active"].as_bool()),
        (serde_json::Value::Null, Some(false))
    );
    // An employee whose employment has ended can no longer sign in.
    let response = app.get("/api/v1/me", &token("NY-1", &["employee"])).await;
    assert_problem(response, StatusCode::UNAUTHORIZED, "unauthorized").await;
}

#[tokio::test]
async fn settings_start_at_the_agreements_defaults() {
    let app = spawn_app().await;
    app.standard_org().await;
    let s = app
        .expect(
            app.get("/api/v1/settings", &Who::Employee.token()).await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(
        (
            s["anonymity_threshold"].as_u64(),
            s["long_absence_weeks"].as_u64(),
            s["special_follow_up_days"].as_u64()
        ),
        (Some(5), Some(8), Some(30))
    );
}

#[tokio::test]
async fn every_response_carries_a_request_id_and_a_given_one_is_echoed() {
    let app = spawn_app().await;
    let response = app.send(Method::GET, "/healthz", None, None).await;
    assert!(response.headers().contains_key("x-request-id"));
    let echoed = app
        .client
        .get(format!("{}/readyz", app.base))
        .header("x-request-id", "abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(echoed.headers()["x-request-id"], "abc-123");
    let ready = app.expect(echoed, StatusCode::OK).await;
    assert_eq!(ready["status"], "ok");
}

#[tokio::test]
async fn configured_origins_pass_cors_and_others_do_not() {
    let app = spawn_app().await;
    let allowed = app
        .client
        .request(Method::OPTIONS, format!("{}/api/v1/me", app.base))
        .header("origin", "https://intranet.example.dk")
        .header("access-control-request-method", "GET")
        .send()
        .await
        .unwrap();
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://intranet.example.dk"
    );
    let other = app
        .client
        .request(Method::OPTIONS, format!("{}/api/v1/me", app.base))
        .header("origin", "https://evil.example.com")
        .header("access-control-request-method", "GET")
        .send()
        .await
        .unwrap();
    assert!(!other.headers().contains_key("access-control-allow-origin"));
    assert_problem(other, StatusCode::BAD_REQUEST, "cors_refused").await;
}

#[tokio::test]
async fn records_are_stamped_by_the_apps_clock_not_the_machines() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    app.today_is("2031-05-06");
    let stamped = "2031-05-06T10:00:00";
    let unit = app
        .expect(
            app.post(
                "/api/v1/org-units",
                &Who::Hr.token(),
                &json!({"name": "Ny enhed", "parent_id": org.k}),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
    assert!(
        unit["created_at"].as_str().unwrap().starts_with(stamped),
        "{unit}"
    );
    let renamed = app
        .expect(
            app.patch(
                &format!("/api/v1/org-units/{}", org.a1),
                &Who::Hr.token(),
                &json!({"name": "Institution A1, omdøbt"}),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    assert!(
        renamed["updated_at"].as_str().unwrap().starts_with(stamped),
        "{renamed}"
    );
    app.expect(
        app.post(
            "/api/v1/sync/employees",
            &Who::Hr.token(),
            &json!({"rows": [{"external_id": "NY-1", "name": "Ny Ansat", "unit_external_id": "A1"}]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let new = app.employee_by_external("NY-1").await;
    assert!(
        new["created_at"].as_str().unwrap().starts_with(stamped),
        "{new}"
    );
}
