//! `Idempotency-Key`: a retried `POST` does the work once, on every instance.

use devplan_tests::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// POSTs `body` to `path` as `who` with `key`; the status, `Retry-After`, whether it was a
/// replay, and the body text.
async fn post_with_key(
    app: &TestApp,
    path: &str,
    who: &str,
    key: &str,
    body: &Value,
) -> (StatusCode, Option<String>, bool, String) {
    let response = app
        .send_with(
            Method::POST,
            path,
            who,
            Some(body),
            &[("Idempotency-Key", key)],
        )
        .await;
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let (retry, replayed) = (header("retry-after"), header("idempotent-replayed"));
    (
        response.status(),
        retry,
        replayed.as_deref() == Some("true"),
        response.text().await.unwrap_or_default(),
    )
}

async fn plans_of(app: &TestApp, employee: &str) -> usize {
    let list = app
        .expect(
            app.get(
                &format!("/api/v1/plans?employee_id={employee}"),
                &Who::Manager.token(),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    list["items"].as_array().unwrap().len()
}

#[tokio::test]
async fn ten_posts_with_one_key_at_once_create_one_plan_on_two_instances() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let other = app.second_instance().await;
    let body = json!({"employee_id": org.emp_a1, "title": "Udviklingsplan 2026", "starts_on": "2026-01-01", "ends_on": "2026-12-31"});
    let key = "opret-plan-7f3c";
    let answers = futures_util::future::join_all((0..10).map(|i| {
        let (app, other, body) = (&app, &other, &body);
        async move {
            let instance = if i % 2 == 0 { app } else { other };
            post_with_key(instance, "/api/v1/plans", &Who::Manager.token(), key, body).await
        }
    }))
    .await;
    assert_eq!(plans_of(&app, &org.emp_a1).await, 1, "{answers:?}");
    let first: Vec<&String> = answers
        .iter()
        .filter(|a| a.0 == StatusCode::CREATED)
        .map(|a| &a.3)
        .collect();
    assert!(!first.is_empty(), "{answers:?}");
    assert!(
        first.iter().all(|b| *b == first[0]),
        "every 201 is the first"
    );
    for (status, retry, _, text) in &answers {
        assert!(
            *status == StatusCode::CREATED
                || (*status == StatusCode::CONFLICT && retry.as_deref() == Some("1")),
            "{status} {retry:?} {text}"
        );
    }
    // A retry afterwards, on either instance, is the first response, marked as a replay.
    for instance in [&app, &other] {
        let (status, _, replayed, text) =
            post_with_key(instance, "/api/v1/plans", &Who::Manager.token(), key, &body).await;
        assert_eq!(
            (status, replayed, &text),
            (StatusCode::CREATED, true, first[0])
        );
    }
    assert_eq!(plans_of(&app, &org.emp_a1).await, 1);
    // The same key with another request is refused; another caller's key is their own.
    let mut changed = body.clone();
    changed["title"] = json!("En anden plan");
    let (status, _, _, text) =
        post_with_key(&app, "/api/v1/plans", &Who::Manager.token(), key, &changed).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    assert!(text.contains("idempotency_key_reused"), "{text}");
    let (status, _, replayed, _) = post_with_key(
        &app,
        "/api/v1/plans",
        &token("MGR-B", &["employee", "manager"]),
        key,
        &json!({"employee_id": org.emp_b, "title": "Plan B", "starts_on": "2026-01-01", "ends_on": "2026-12-31"}),
    )
    .await;
    assert_eq!((status, replayed), (StatusCode::CREATED, false));
}

#[tokio::test]
async fn a_refused_first_request_is_the_answer_to_its_retries_and_a_bad_key_is_a_400() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let bad = json!({"employee_id": org.emp_a1, "title": "", "starts_on": "2026-01-01", "ends_on": "2026-12-31"});
    let first = post_with_key(&app, "/api/v1/plans", &Who::Manager.token(), "k-1", &bad).await;
    let again = post_with_key(&app, "/api/v1/plans", &Who::Manager.token(), "k-1", &bad).await;
    assert_eq!(first.0, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!((again.0, again.2, &again.3), (first.0, true, &first.3));
    let (status, _, _, text) = post_with_key(
        &app,
        "/api/v1/plans",
        &Who::Manager.token(),
        "mellemrum er ikke tilladt",
        &bad,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
    assert!(text.contains("invalid_idempotency_key"));
    assert_eq!(plans_of(&app, &org.emp_a1).await, 0);
}
