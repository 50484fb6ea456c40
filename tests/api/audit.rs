//! The audit log: reads of someone's plan by another and every change, with who, in which
//! roles, when and in which request; append-only; HR reads it, an employee reads who read
//! their own data.

use devplan_tests::*;
use reqwest::{Method, StatusCode};
use serde_json::Value;

async fn entries(app: &TestApp, who: &str, query: &str) -> Vec<Value> {
    let page = app
        .expect(
            app.get(&format!("/api/v1/audit?limit=500{query}"), who)
                .await,
            StatusCode::OK,
        )
        .await;
    page["items"].as_array().expect("items").clone()
}

#[tokio::test]
async fn a_managers_read_of_an_employees_plan_is_logged_with_actor_time_and_request_id() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let plan = app.plan_fixture(&org).await;
    let before = chrono::Utc::now() - chrono::Duration::seconds(60);

    let read = app
        .send_with(
            Method::GET,
            &format!("/api/v1/plans/{}", plan.id),
            &Who::Manager.token(),
            None,
            &[("x-request-id", "audit-read-1")],
        )
        .await;
    assert_eq!(read.status(), StatusCode::OK);
    // The employee reading their own plan is no one else's read.
    let own = app
        .get(
            &format!("/api/v1/plans/{}", plan.id),
            &token("EMP-A1", &["employee"]),
        )
        .await;
    assert_eq!(own.status(), StatusCode::OK);

    let reads = entries(
        &app,
        &Who::Hr.token(),
        &format!("&employee_id={}&action=read", org.emp_a1),
    )
    .await;
    let logged: Vec<&Value> = reads
        .iter()
        .filter(|e| e["request_id"] == "audit-read-1")
        .collect();
    assert_eq!(logged.len(), 1, "{reads:?}");
    let e = logged[0];
    assert_eq!(e["actor"], "MGR-A");
    assert_eq!(e["actor_employee_id"], org.mgr_a.as_str());
    assert_eq!(e["actor_roles"], "employee,manager");
    assert_eq!(e["object"], "plan");
    assert_eq!(e["object_id"], plan.id.as_str());
    let at: chrono::DateTime<chrono::Utc> = e["at"].as_str().unwrap().parse().unwrap();
    assert!(at > before && at <= chrono::Utc::now() + chrono::Duration::seconds(5));
    assert!(
        reads.iter().all(|e| e["actor"] != "EMP-A1"),
        "an employee's own reads are not logged"
    );

    // The absence and the interview HR and the manager read are logged too.
    app.expect(
        app.get(
            &format!("/api/v1/absences/{}", plan.absence),
            &Who::Manager.token(),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let reads = entries(
        &app,
        &Who::Hr.token(),
        &format!("&employee_id={}", org.emp_a1),
    )
    .await;
    assert!(
        reads
            .iter()
            .any(|e| e["object"] == "absence" && e["actor"] == "MGR-A")
    );

    // Every change is logged, with the change.
    let writes = entries(&app, &Who::Hr.token(), "&action=write&actor=MGR-A").await;
    assert!(
        writes
            .iter()
            .any(|e| e["detail"] == "plan.created" && e["object_id"] == plan.id.as_str()),
        "{writes:?}"
    );

    // The employee reads who read their data, and nothing else; the CSV says the same.
    let mine = entries(&app, &token("EMP-A1", &["employee"]), "&action=write").await;
    assert!(!mine.is_empty());
    assert!(
        mine.iter()
            .all(|e| e["action"] == "read" && e["employee_id"] == org.emp_a1.as_str())
    );
    assert!(mine.iter().any(|e| e["request_id"] == "audit-read-1"));
    let csv = app
        .client
        .get(format!("{}/api/v1/audit?action=read", app.base))
        .bearer_auth(Who::Hr.token())
        .header("accept", "text/csv")
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), StatusCode::OK);
    let text = csv.text().await.unwrap();
    assert!(text.starts_with("cursor,at,actor,"), "{text}");
    assert!(text.contains("audit-read-1"));
    // A representative has no data of their own here and no HR reach.
    let refused = app
        .get("/api/v1/audit", &token("REP-A", &["local_representative"]))
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_audit_log_refuses_to_be_changed_or_emptied() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    app.plan_fixture(&org).await;
    let refused = app
        .try_sql("UPDATE audit_log SET actor_subject = 'someone else'")
        .await;
    assert!(refused.is_err(), "UPDATE went through");
    // Clearing a subject is the erasure's, and only for an actor who is erased.
    let refused = app
        .try_sql("UPDATE audit_log SET actor_subject = NULL")
        .await;
    assert!(
        refused.is_err(),
        "a subject was cleared of someone not erased"
    );
    if app.on_postgres() {
        for statement in ["DELETE FROM audit_log", "TRUNCATE audit_log"] {
            let refused = app.try_sql(statement).await;
            assert!(
                refused.as_ref().is_err_and(|e| e.contains("append-only")),
                "{statement}: {refused:?}"
            );
        }
    }
    let left = entries(&app, &Who::Hr.token(), "").await;
    assert!(left.iter().all(|e| e["actor"] != "someone else"));
    assert!(!left.is_empty());
}
