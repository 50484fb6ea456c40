//! Bad input is answered with problem+json and the right status, never a 500, and changes nothing.

use devplan_tests::*;
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn malformed_json_is_a_400() {
    let app = spawn_app().await;
    app.standard_org().await;
    let response = app
        .client
        .post(format!("{}/api/v1/org-units", app.base))
        .bearer_auth(Who::Hr.token())
        .header("content-type", "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .unwrap();
    assert_problem(response, StatusCode::BAD_REQUEST, "malformed_json").await;
}

#[tokio::test]
async fn a_body_that_is_not_json_is_a_415() {
    let app = spawn_app().await;
    app.standard_org().await;
    let response = app
        .client
        .post(format!("{}/api/v1/org-units", app.base))
        .bearer_auth(Who::Hr.token())
        .header("content-type", "text/plain")
        .body("name=x")
        .send()
        .await
        .unwrap();
    assert_problem(
        response,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    )
    .await;
}

#[tokio::test]
async fn wrong_types_unknown_enums_and_unknown_fields_are_422s_naming_the_field() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let hr = Who::Hr.token();
    let p = assert_problem(
        app.post("/api/v1/org-units", &hr, &json!({"name": 5}))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&p), vec!["name"]);
    let p = assert_problem(
        app.post(
            "/api/v1/committees",
            &hr,
            &json!({"name": "X", "level": "regional", "unit_id": org.a}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&p), vec!["level"]);
    let p = assert_problem(
        app.post(
            "/api/v1/employees",
            &hr,
            &json!({"name": "X", "unit_id": "not-a-uuid"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&p), vec!["unit_id"]);
    let p = assert_problem(app.post("/api/v1/sync/employees", &hr, &json!({"rows": [{"external_id": "E", "name": "X", "unit_external_id": "A", "active": "yes"}]})).await, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&p), vec!["rows[0].active"]);
    assert_problem(
        app.post(
            "/api/v1/org-units",
            &hr,
            &json!({"name": "X", "colour": "red"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
}

#[tokio::test]
async fn empty_over_long_and_invalid_text_is_a_422_naming_each_field() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let body = json!({"name": "x".repeat(201), "email": "not-an-address", "professional_group": "  ", "unit_id": org.a1});
    let p = assert_problem(
        app.post("/api/v1/employees", &Who::Hr.token(), &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let mut problems: Vec<(&str, &str)> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    problems.sort_unstable();
    assert_eq!(
        problems,
        [
            ("email", "invalid_email"),
            ("name", "too_long"),
            ("professional_group", "required")
        ]
    );
    let p = assert_problem(
        app.post(
            "/api/v1/agreement-periods",
            &Who::Hr.token(),
            &json!({"name": "OK", "starts_on": "2027-01-01", "ends_on": "2026-01-01"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&p), vec!["ends_on"]);
    let p = assert_problem(app.put_settings(&json!({"anonymity_threshold": 2, "long_absence_weeks": 8, "special_follow_up_days": 30, "main_committee_frequency": "yearly"})).await, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&p), vec!["anonymity_threshold"]);
}

#[tokio::test]
async fn references_to_unknown_records_are_422s() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let ghost = uuid::Uuid::now_v7();
    let p = assert_problem(
        app.post(
            "/api/v1/employees",
            &Who::Hr.token(),
            &json!({"name": "X", "unit_id": ghost, "manages": [org.a, ghost]}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&p), vec!["unit_id", "manages[1]"]);
    let p = assert_problem(
        app.post(
            "/api/v1/org-units",
            &Who::Hr.token(),
            &json!({"name": "X", "parent_id": ghost}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&p), vec!["parent_id"]);
    let p = assert_problem(
        app.patch(
            &format!("/api/v1/org-units/{}", org.a),
            &Who::Hr.token(),
            &json!({"parent_id": org.a1}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(p["errors"][0]["code"], "cycle");
    let p = assert_problem(
        app.post(
            "/api/v1/committees",
            &Who::Hr.token(),
            &json!({"name": "X", "level": "main", "unit_id": org.k, "parent_id": org.med_a}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(p["errors"][0]["code"], "parent_level");
}

#[tokio::test]
async fn a_taken_external_id_and_an_overlapping_period_are_409s() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    assert_problem(
        app.post(
            "/api/v1/employees",
            &Who::Hr.token(),
            &json!({"name": "X", "unit_id": org.a, "external_id": "EMP-A1"}),
        )
        .await,
        StatusCode::CONFLICT,
        "duplicate_external_id",
    )
    .await;
    assert_problem(
        app.post(
            "/api/v1/agreement-periods",
            &Who::Hr.token(),
            &json!({"name": "X", "starts_on": "2027-01-01", "ends_on": "2028-01-01"}),
        )
        .await,
        StatusCode::CONFLICT,
        "overlapping_period",
    )
    .await;
}

#[tokio::test]
async fn an_oversized_body_is_a_413() {
    let app = spawn_app().await;
    app.standard_org().await;
    let big = json!({"rows": [], "padding": "x".repeat(BODY_LIMIT)});
    assert_problem(
        app.post("/api/v1/sync/employees", &Who::Hr.token(), &big)
            .await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
    )
    .await;
}

#[tokio::test]
async fn malformed_paths_queries_and_cursors_are_400s_naming_every_parameter() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let hr = Who::Hr.token();
    let p = assert_problem(
        app.get("/api/v1/org-units/not-a-uuid", &hr).await,
        StatusCode::BAD_REQUEST,
        "invalid_path",
    )
    .await;
    assert_eq!(error_fields(&p), ["id"]);
    for (query, field) in [
        ("colour=red", "colour"),
        ("limit=many", "limit"),
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("limit=5&limit=6", "limit"),
        ("cursor=%%%", "cursor"),
        ("cursor=", "cursor"),
        // Of the cursor's alphabet and length, but no encoding this API issues (the last
        // character of 16 bytes in base64 is one of A, Q, g, w).
        ("cursor=AAAAAAAAAAAAAAAAAAAAAB", "cursor"),
    ] {
        let p = assert_problem(
            app.get(&format!("/api/v1/employees?{query}"), &hr).await,
            StatusCode::BAD_REQUEST,
            "invalid_query",
        )
        .await;
        assert_eq!(error_fields(&p), [field], "{query}");
    }
    // Every problem of one query string at once, dates and years included.
    let p = assert_problem(
        app.get(
            &format!(
                "/api/v1/status?unit_id={}&from=2025-2-3&to=+10000-01-01&colour=red",
                org.k
            ),
            &hr,
        )
        .await,
        StatusCode::BAD_REQUEST,
        "invalid_query",
    )
    .await;
    let mut fields = error_fields(&p);
    fields.sort();
    assert_eq!(fields, ["colour", "from", "to"]);
    for query in ["year=99999", "year=1899", "year=twenty"] {
        let p = assert_problem(
            app.get(
                &format!("/api/v1/development-interviews/coverage?{query}"),
                &hr,
            )
            .await,
            StatusCode::BAD_REQUEST,
            "invalid_query",
        )
        .await;
        assert_eq!(error_fields(&p), ["year"], "{query}");
    }
    assert_problem(
        app.get("/api/v1/nothing-here", &hr).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let response = app
        .send(Method::DELETE, "/api/v1/settings", Some(&hr), None)
        .await;
    assert_eq!(
        response.headers()["allow"].to_str().unwrap(),
        "GET, PUT",
        "405 names the methods"
    );
    assert_problem(
        response,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
    )
    .await;
}

#[tokio::test]
async fn a_method_a_named_resource_does_not_answer_is_405_naming_its_own_methods_not_a_malformed_id()
 {
    let app = spawn_app().await;
    let hr = Who::Hr.token();
    // Each sits beside a `{id}` resource of the same collection that answers more methods.
    for path in [
        "/api/v1/committees/missing-records?year=2026",
        "/api/v1/development-interviews/coverage",
    ] {
        for method in [Method::PATCH, Method::DELETE, Method::PUT, Method::OPTIONS] {
            let body = (method != Method::OPTIONS).then(|| json!({}));
            let response = app
                .send(method.clone(), path, Some(&hr), body.as_ref())
                .await;
            assert_eq!(
                response
                    .headers()
                    .get("allow")
                    .map(|v| v.to_str().unwrap().to_owned()),
                Some("GET".to_owned()),
                "{method} {path}"
            );
            assert_problem(
                response,
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
            )
            .await;
        }
    }
}

trait SettingsExt {
    async fn put_settings(&self, body: &serde_json::Value) -> reqwest::Response;
}

impl SettingsExt for TestApp {
    async fn put_settings(&self, body: &serde_json::Value) -> reqwest::Response {
        self.send(
            Method::PUT,
            "/api/v1/settings",
            Some(&Who::Hr.token()),
            Some(body),
        )
        .await
    }
}

#[tokio::test]
async fn a_422_names_every_problem_of_the_body_with_its_path() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let mgr = token("MGR-A", &["employee", "manager"]);
    let plan = app
        .expect(
            app.post("/api/v1/plans", &mgr, &json!({"employee_id": org.emp_a1, "title": "Plan", "starts_on": "2026-01-01", "ends_on": "2026-12-31"})).await,
            StatusCode::CREATED,
        )
        .await;
    // A missing field, a wrong type and a value outside the enum, all at once.
    let p = assert_problem(
        app.post(
            &format!("/api/v1/plans/{}/goals", plan["id"].as_str().unwrap()),
            &mgr,
            &json!({"description": 7, "horizon": "someday"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let mut fields = error_fields(&p);
    fields.sort();
    assert_eq!(fields, ["competence_kind", "description", "horizon"], "{p}");
    let codes: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"required") && codes.contains(&"invalid_type"));
    assert_eq!(p["detail"], "3 fields are invalid");

    // In a sync payload the paths name the row.
    let p = assert_problem(
        app.post(
            "/api/v1/sync/employees",
            &Who::Hr.token(),
            &json!({"rows": [
                {"external_id": "X1", "name": "Ny", "professional_group": "pædagog", "unit_external_id": "A1"},
                {"external_id": "X2", "professional_group": 3, "unit_external_id": "A1", "colour": "red"}
            ]}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let mut fields = error_fields(&p);
    fields.sort();
    assert_eq!(
        fields,
        [
            "rows[1].colour",
            "rows[1].name",
            "rows[1].professional_group"
        ]
    );
}

#[tokio::test]
async fn repeated_json_keys_are_a_422_and_change_nothing() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let response = app
        .client
        .patch(format!("{}/api/v1/org-units/{}", app.base, org.a1))
        .bearer_auth(Who::Hr.token())
        .header("content-type", "application/json")
        .body(r#"{"name": "Ny", "name": "Anden"}"#)
        .send()
        .await
        .unwrap();
    let p = assert_problem(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(p["errors"][0]["code"], "duplicate_key");
    let unit = app
        .expect(
            app.get(&format!("/api/v1/org-units/{}", org.a1), &Who::Hr.token())
                .await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(unit["name"], "Institution A1");
}

#[tokio::test]
async fn dates_in_bodies_are_exactly_yyyy_mm_dd_within_1900_to_2200() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let mgr = token("MGR-A", &["employee", "manager"]);
    for bad in [
        "2025-2-3",
        "-0001-01-01",
        "+10000-01-01",
        "1899-12-31",
        "2201-01-01",
        "2026-02-30",
        "2026-01-01T00:00:00Z",
    ] {
        let p = assert_problem(
            app.post("/api/v1/plans", &mgr, &json!({"employee_id": org.emp_a1, "title": "Plan", "starts_on": bad, "ends_on": "2026-12-31"})).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(error_fields(&p), ["starts_on"], "{bad}: {p}");
        assert_eq!(p["errors"][0]["code"], "invalid_date", "{bad}");
    }
    app.expect(
        app.post("/api/v1/plans", &mgr, &json!({"employee_id": org.emp_a1, "title": "Plan", "starts_on": "1900-01-01", "ends_on": "2200-12-31"})).await,
        StatusCode::CREATED,
    )
    .await;
}

#[tokio::test]
async fn a_whole_number_written_with_a_fraction_is_read_as_the_integer_it_is() {
    let app = spawn_app().await;
    app.standard_org().await;
    let settings = json!({"anonymity_threshold": 6.0, "long_absence_weeks": 8, "special_follow_up_days": 30.0, "main_committee_frequency": "yearly"});
    app.expect(app.put_settings(&settings).await, StatusCode::OK)
        .await;
    let read = app
        .expect(
            app.get("/api/v1/settings", &Who::Hr.token()).await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(read["anonymity_threshold"], 6);
    assert_eq!(read["special_follow_up_days"], 30);
    let p = assert_problem(
        app.put_settings(&json!({"anonymity_threshold": 6.5, "long_absence_weeks": 8, "special_follow_up_days": 30, "main_committee_frequency": "yearly"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&p), ["anonymity_threshold"]);
}

#[tokio::test]
async fn a_signature_naming_what_was_read_in_both_ways_or_neither_names_both_fields() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let plan = app.plan_fixture(&org).await;
    let employee = token("EMP-A1", &["employee"]);
    let hash = "0".repeat(64);
    for body in [json!({}), json!({"revision": 1, "content_hash": hash})] {
        let p = assert_problem(
            app.post(
                &format!("/api/v1/plans/{}/signatures", plan.id),
                &employee,
                &body,
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        let mut fields = error_fields(&p);
        fields.sort_unstable();
        assert_eq!(fields, ["content_hash", "revision"], "{body}");
        assert!(
            p["errors"]
                .as_array()
                .unwrap()
                .iter()
                .all(|e| e["code"] == "one_of")
        );
    }
}

#[tokio::test]
async fn a_sync_checked_row_by_row_names_every_bad_row_and_reads_whole_numbers_as_integers() {
    let app = spawn_app().await;
    app.standard_org().await;
    let body = r#"{"rows": [
        {"external_id": "MUS-1", "year": 2026.0, "format": "individual", "participants": [{"employee_external_id": "EMP-A1", "status": "held"}]},
        {"external_id": "MUS-2", "year": 1999, "format": "individual", "participants": [{"employee_external_id": "EMP-A1", "status": "maybe"}]},
        {"external_id": "MUS-3", "external_id": "MUS-4", "year": 2026, "format": "individual", "participants": []}
    ]}"#;
    let p = assert_problem(
        app.send_raw(
            Method::POST,
            "/api/v1/sync/development-interviews",
            &Who::Hr.token(),
            body,
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let mut problems: Vec<(String, String)> = p["errors"]
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
    problems.sort_unstable();
    assert_eq!(
        problems,
        [
            (
                "rows[1].participants[0].status".to_owned(),
                "invalid_value".to_owned()
            ),
            ("rows[1].year".to_owned(), "out_of_range".to_owned()),
            ("rows[2]".to_owned(), "duplicate_key".to_owned()),
        ]
    );
    let good = r#"{"rows": [{"external_id": "MUS-1", "year": 2026.0, "format": "individual", "participants": [{"employee_external_id": "EMP-A1", "status": "held"}]}]}"#;
    let report = app
        .expect(
            app.send_raw(
                Method::POST,
                "/api/v1/sync/development-interviews",
                &Who::Hr.token(),
                good,
            )
            .await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(report["created"], 1);
}
