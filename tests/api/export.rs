//! The right of access: one document with everything held about a person.

use devplan_tests::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn an_export_holds_the_persons_plans_versions_follow_ups_absences_interviews_and_audit() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let fixture = app.plan_fixture(&org).await;
    let manager = token("MGR-A", &["employee", "manager"]);
    let employee = token("EMP-A1", &["employee"]);
    let plan = app
        .expect(
            app.get(&format!("/api/v1/plans/{}", fixture.id), &manager)
                .await,
            StatusCode::OK,
        )
        .await;
    let plan = app
        .sign_all(plan, &[employee.clone(), manager.clone()])
        .await;
    assert_eq!(plan["status"], "agreed");
    app.plan_post(
        &fixture.id,
        "/follow-ups",
        &manager,
        &json!({"kind": "annual", "held_on": app_today(&app), "participants": ["Anna Leder", "Bo Ansat"], "outcome": "continued"}),
        StatusCode::CREATED,
    )
    .await;

    let path = format!("/api/v1/employees/{}/export", org.emp_a1);
    let export = app
        .expect(app.get(&path, &Who::Hr.token()).await, StatusCode::OK)
        .await;
    assert_eq!(export["employee"]["external_id"], "EMP-A1");
    let plans = export["plans"].as_array().expect("plans");
    assert_eq!(plans.len(), 1);
    let p = &plans[0];
    assert_eq!(p["plan"]["id"], fixture.id.as_str());
    assert_eq!(
        p["plan"]["content"]["goals"].as_array().map(Vec::len),
        Some(2)
    );
    let v1 = &p["versions"][0];
    assert_eq!(
        (v1["version"].as_u64(), v1["state"].as_str()),
        (Some(1), Some("agreed"))
    );
    assert_eq!(v1["signatures"].as_array().map(Vec::len), Some(2));
    assert_eq!(p["follow_ups"].as_array().map(Vec::len), Some(1));
    let ids = |list: &Value| -> Vec<String> {
        list.as_array()
            .expect("a list")
            .iter()
            .map(|x| x["id"].as_str().expect("id").to_owned())
            .collect()
    };
    assert_eq!(
        ids(&export["absences"]),
        std::slice::from_ref(&fixture.absence)
    );
    assert!(ids(&export["interviews"]).contains(&fixture.interview));
    let audit = export["audit"].as_array().expect("audit");
    assert!(
        audit
            .iter()
            .any(|e| e["action"] == "read" && e["actor"] == "MGR-A" && e["object"] == "plan"),
        "{audit:?}"
    );

    // The employee exports their own; nobody else but HR can, and a manager cannot either.
    let own = app
        .expect(app.get(&path, &employee).await, StatusCode::OK)
        .await;
    assert_eq!(own["plans"].as_array().map(Vec::len), Some(1));
    for other in [manager.clone(), token("EMP-B", &["employee"])] {
        assert_problem(
            app.get(&path, &other).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }
    // HR's export is itself a read of the person's plan, logged.
    let after = app
        .expect(
            app.get(
                &format!(
                    "/api/v1/audit?employee_id={}&action=read&actor={HR}",
                    org.emp_a1
                ),
                &Who::Hr.token(),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    assert!(
        after["items"]
            .as_array()
            .is_some_and(|l| l.iter().any(|e| e["object"] == "plan")),
        "{after}"
    );
}

fn app_today(app: &TestApp) -> String {
    use devplan_domain::clock::Clock;
    app.clock.today().to_string()
}
