//! Reminders through the integrator: on a clock the test sets, each reminder is raised once at
//! its lead time and never again for the same item and stage, with two instances looking every
//! second on one database; a follower of the feed and a webhook receiver both see each once;
//! its data names people and objects by id and nothing of their content.

use std::collections::BTreeMap;
use std::time::Duration;

use devplan_tests::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::webhooks::{receiver, taken_ids};

/// Every reminder event in the feed, as HR follows it.
async fn reminders(app: &TestApp) -> Vec<Value> {
    let page = app
        .expect(
            app.get(
                "/api/v1/events?types=reminder.*&limit=500",
                &Who::Hr.token(),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    page["items"].as_array().unwrap().clone()
}

/// `(type, recipient, object_id)` of each reminder event, counted.
fn counted(events: &[Value]) -> BTreeMap<(String, String, String), usize> {
    let mut out = BTreeMap::new();
    for e in events {
        let d = &e["data"];
        *out.entry((
            e["type"].as_str().unwrap().to_owned(),
            d["recipient_id"].as_str().unwrap_or("-").to_owned(),
            d["object_id"].as_str().unwrap().to_owned(),
        ))
        .or_insert(0) += 1;
    }
    out
}

/// Moves the instances' clock to `day`, waits until `expected` reminders have been raised in
/// all, then for three more rounds of every instance, and checks nothing was raised twice.
async fn on(app: &TestApp, day: &str, expected: usize) -> Vec<Value> {
    app.today_is(day);
    for _ in 0..150 {
        if reminders(app).await.len() >= expected {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(3_200)).await;
    let all = reminders(app).await;
    assert_eq!(all.len(), expected, "on {day}: {all:#?}");
    assert!(
        counted(&all).values().all(|n| *n == 1),
        "raised twice by {day}: {:?}",
        counted(&all)
    );
    all
}

#[tokio::test]
async fn each_reminder_is_raised_once_at_its_lead_time_with_two_instances_and_names_no_content() {
    let app = spawn_app_reminding("2026-03-01").await;
    // Two instances look at once on PostgreSQL; SQLite is the embedded, single-instance store.
    let other = if app.on_postgres() {
        Some(app.second_instance().await)
    } else {
        None
    };
    let org = app.standard_org().await;
    let (url, received) = receiver();
    app.expect(
        app.post(
            "/api/v1/webhook-endpoints",
            &Who::Hr.token(),
            &json!({"url": url, "description": "Notifikationsrelæ", "event_types": ["reminder.*"]}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let manager = Who::Manager.token();
    app.published_guide("MUS", "group").await;

    // 1 March: MGR-A drafts EMP-A1's plan and signs it; EMP-A1 has not.
    let plan = app
        .expect(
            app.post(
                "/api/v1/plans",
                &manager,
                &json!({"employee_id": org.emp_a1, "title": "Hemmelig plantitel", "starts_on": "2026-03-01", "ends_on": "2027-02-28"}),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
    let plan = app
        .plan_post(
            plan["id"].as_str().unwrap(),
            "/goals",
            &manager,
            &json!({"description": "Hemmeligt mål", "competence_kind": "professional", "horizon": "short_term"}),
            StatusCode::CREATED,
        )
        .await;
    app.sign_plan(&plan, &manager).await;
    // MEM-A's plan, agreed today: its annual follow-up falls due on 1 March 2027.
    let agreed = app
        .agree_plan(
            &manager,
            &json!({"employee_id": org.mem_a, "title": "Plan", "starts_on": "2026-03-01", "ends_on": "2027-02-28"}),
            &[token("MEM-A", &["employee"]), manager.clone()],
        )
        .await;
    // EMP-A1 will be on parental leave from 2 March to 30 June: a special follow-up is due on
    // 30 July.
    app.expect(
        app.post(
            "/api/v1/absences",
            &Who::Hr.token(),
            &json!({"employee_id": org.emp_a1, "kind": "parental_leave", "starts_on": "2026-03-02", "ends_on": "2026-06-30"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    // A group interview scheduled for 10 September: EMP-A1 prepares, MEM-A does not.
    let interview = app
        .expect(
            app.post(
                "/api/v1/development-interviews",
                &manager,
                &json!({"year": 2026, "format": "group", "scheduled_on": "2026-09-10", "participants": [
                    {"employee_id": org.emp_a1, "status": "offered"},
                    {"employee_id": org.mem_a, "status": "offered"}
                ]}),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
    let interview_id = interview["id"].as_str().unwrap();
    assert_eq!(interview["scheduled_on"], "2026-09-10");
    app.prepare(
        interview_id,
        &Who::Employee.token(),
        json!([{"question": "maal", "text": "Mit private svar"}]),
        StatusCode::CREATED,
    )
    .await;

    // Nothing is due yet; a week after the signature, EMP-A1 is reminded, once.
    on(&app, "2026-03-07", 0).await;
    let seen = on(&app, "2026-03-08", 1).await;
    let c = counted(&seen);
    assert!(c.contains_key(&(
        "reminder.signature_waiting".into(),
        org.emp_a1.clone(),
        plan["id"].as_str().unwrap().into()
    )));
    on(&app, "2026-03-10", 1).await;
    // The special follow-up on its day, to MGR-A.
    let seen = on(&app, "2026-07-30", 2).await;
    assert!(counted(&seen).contains_key(&(
        "reminder.special_follow_up".into(),
        org.mgr_a.clone(),
        org.emp_a1.clone()
    )));
    // Three days before the interview, MEM-A (who has not prepared), not EMP-A1.
    let seen = on(&app, "2026-09-07", 3).await;
    let c = counted(&seen);
    assert!(c.contains_key(&(
        "reminder.interview_not_prepared".into(),
        org.mem_a.clone(),
        interview_id.into()
    )));
    assert!(!c.contains_key(&(
        "reminder.interview_not_prepared".into(),
        org.emp_a1.clone(),
        interview_id.into()
    )));
    // From 31 October, area A (which has a representative) has had no review this year.
    on(&app, "2026-10-30", 3).await;
    let seen = on(&app, "2026-10-31", 4).await;
    assert!(counted(&seen).contains_key(&(
        "reminder.status_review_missing".into(),
        "-".into(),
        org.a.clone()
    )));
    // Fourteen days before MEM-A's annual follow-up, to MGR-A.
    on(&app, "2027-02-14", 4).await;
    let seen = on(&app, "2027-02-15", 5).await;
    assert!(counted(&seen).contains_key(&(
        "reminder.annual_follow_up".into(),
        org.mgr_a.clone(),
        agreed["id"].as_str().unwrap().into()
    )));

    // Each names people and objects by id only: nothing of a plan, an answer or an absence.
    for e in &seen {
        let data = e["data"].as_object().unwrap();
        let keys: std::collections::BTreeSet<&str> = data.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            std::collections::BTreeSet::from([
                "due_on",
                "employee_id",
                "id",
                "kind",
                "object",
                "object_id",
                "recipient_id",
                "stage"
            ])
        );
        let text = e.to_string();
        for secret in ["Hemmelig", "Mit private svar", "parental_leave", "Bo Ansat"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
    }
    // The receiver took each reminder once, as the feed has it.
    for _ in 0..300 {
        if taken_ids(&received).len() >= seen.len() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let taken = taken_ids(&received);
    let ids: std::collections::BTreeSet<String> = seen
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        taken
            .keys()
            .cloned()
            .collect::<std::collections::BTreeSet<_>>(),
        ids
    );
    assert!(taken.values().all(|n| *n == 1), "{taken:?}");
    if let Some(other) = other {
        other.stop().await;
    }
}
