//! Who may call what: every endpoint, with each role, on an object in reach and out of reach.
//! A new endpoint without a row here fails `every_endpoint_is_in_the_access_table`.

use std::collections::BTreeSet;

use devplan_tests::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// One row: a request and what each caller gets.
struct Case {
    method: Method,
    /// The OpenAPI path template, for the coverage check.
    template: &'static str,
    path: String,
    body: Option<Value>,
    /// Statuses for Employee, Manager, Representative, Committee, Hr.
    expect: [u16; 5],
    /// Callers whose 403 is by standing (they hold the role, not this capacity on this
    /// object): decided after the object is loaded, so an id that points at nothing is 404.
    by_standing: Vec<Who>,
}

/// `c`, with `who`'s 403 decided by their standing on the object rather than by role.
fn by_standing(mut c: Case, who: Who) -> Case {
    c.by_standing.push(who);
    c
}

fn case(
    method: Method,
    template: &'static str,
    path: String,
    body: Option<Value>,
    expect: [u16; 5],
) -> Case {
    Case {
        method,
        template,
        path,
        body,
        expect,
        by_standing: Vec::new(),
    }
}

#[rustfmt::skip]
fn table(org: &Org, plan: &PlanFixture) -> Vec<Case> {
    use Method as M;
    let new_employee = json!({"name": "Ny Medarbejder", "unit_id": org.a1});
    let new_committee = json!({"name": "Lokal-MED B", "level": "local", "unit_id": org.b});
    let period = json!({"name": "OK24", "starts_on": "2024-04-01", "ends_on": "2027-03-31"});
    let settings = json!({"anonymity_threshold": 5, "long_absence_weeks": 8, "special_follow_up_days": 30, "main_committee_frequency": "yearly"});
    let rows = json!({"rows": []});
    vec![
        //                                                                                       emp  mgr  rep  com  hr
        case(
            M::GET,
            "/api/v1/me",
            "/api/v1/me".into(),
            None,
            [200, 200, 200, 200, 200],
        ),
        case(M::GET, "/api/v1/me/tasks", "/api/v1/me/tasks".into(), None, [200, 200, 200, 200, 200]),
        case(
            M::GET,
            "/api/v1/org-units",
            "/api/v1/org-units".into(),
            None,
            [200, 200, 200, 200, 200],
        ),
        case(
            M::GET,
            "/api/v1/org-units/{id}",
            format!("/api/v1/org-units/{}", org.a1),
            None,
            [200, 200, 200, 200, 200],
        ),
        case(
            M::GET,
            "/api/v1/org-units/{id}",
            format!("/api/v1/org-units/{}", org.b),
            None,
            [404, 404, 404, 404, 200],
        ),
        case(
            M::POST,
            "/api/v1/org-units",
            "/api/v1/org-units".into(),
            Some(json!({"name": "Ny enhed", "parent_id": org.k})),
            [403, 403, 403, 403, 201],
        ),
        case(
            M::PATCH,
            "/api/v1/org-units/{id}",
            format!("/api/v1/org-units/{}", org.a1),
            Some(json!({"name": "Institution A1 (ny)"})),
            [403, 403, 403, 403, 200],
        ),
        case(
            M::PATCH,
            "/api/v1/org-units/{id}",
            format!("/api/v1/org-units/{}", org.b),
            Some(json!({"name": "Område B (ny)"})),
            [403, 403, 403, 403, 200],
        ),
        case(
            M::GET,
            "/api/v1/webhook-endpoints",
            "/api/v1/webhook-endpoints".into(),
            None,
            [403, 403, 403, 403, 200],
        ),
        case(
            M::POST,
            "/api/v1/webhook-endpoints",
            "/api/v1/webhook-endpoints".into(),
            Some(json!({"url": "https://hr.example.dk/hooks"})),
            [403, 403, 403, 403, 201],
        ),
        case(
            M::GET,
            "/api/v1/webhook-endpoints/{id}",
            "/api/v1/webhook-endpoints/00000000-0000-4000-8000-000000000000".into(),
            None,
            [403, 403, 403, 403, 404],
        ),
        case(
            M::PATCH,
            "/api/v1/webhook-endpoints/{id}",
            "/api/v1/webhook-endpoints/00000000-0000-4000-8000-000000000000".into(),
            Some(json!({"enabled": false})),
            [403, 403, 403, 403, 404],
        ),
        case(
            M::POST,
            "/api/v1/webhook-endpoints/{id}/rotate-secret",
            "/api/v1/webhook-endpoints/00000000-0000-4000-8000-000000000000/rotate-secret".into(),
            None,
            [403, 403, 403, 403, 404],
        ),
        case(
            M::GET,
            "/api/v1/webhook-endpoints/{id}/deliveries",
            "/api/v1/webhook-endpoints/00000000-0000-4000-8000-000000000000/deliveries".into(),
            None,
            [403, 403, 403, 403, 404],
        ),
        case(
            M::GET,
            "/api/v1/audit",
            "/api/v1/audit".into(),
            None,
            [200, 200, 403, 403, 200],
        ),
        case(
            M::GET,
            "/api/v1/employees/{id}/export",
            format!("/api/v1/employees/{}/export", org.emp_a1),
            None,
            [200, 404, 403, 403, 200],
        ),
        case(
            M::GET,
            "/api/v1/events",
            "/api/v1/events".into(),
            None,
            [200, 200, 200, 200, 200],
        ),
        case(
            M::GET,
            "/api/v1/employees",
            "/api/v1/employees".into(),
            None,
            [200, 200, 403, 403, 200],
        ),
        case(
            M::GET,
            "/api/v1/employees/{id}",
            format!("/api/v1/employees/{}", org.emp_a1),
            None,
            [200, 200, 403, 403, 200],
        ),
        case(
            M::GET,
            "/api/v1/employees/{id}",
            format!("/api/v1/employees/{}", org.emp_b),
            None,
            [404, 404, 403, 403, 200],
        ),
        case(
            M::POST,
            "/api/v1/employees",
            "/api/v1/employees".into(),
            Some(new_employee),
            [403, 403, 403, 403, 201],
        ),
        case(
            M::PATCH,
            "/api/v1/employees/{id}",
            format!("/api/v1/employees/{}", org.emp_a1),
            Some(json!({"professional_group": "lærer"})),
            [403, 403, 403, 403, 200],
        ),
        // HR's erasure of someone still employed is refused on its merits, not its access.
        case(
            M::POST,
            "/api/v1/employees/{id}/erasure",
            format!("/api/v1/employees/{}/erasure", org.emp_b),
            None,
            [403, 403, 403, 403, 409],
        ),
        case(
            M::GET,
            "/api/v1/committees",
            "/api/v1/committees".into(),
            None,
            [403, 403, 403, 200, 200],
        ),
        case(
            M::GET,
            "/api/v1/committees/{id}",
            format!("/api/v1/committees/{}", org.med_a),
            None,
            [403, 403, 403, 200, 200],
        ),
        case(
            M::GET,
            "/api/v1/committees/{id}",
            format!("/api/v1/committees/{}", org.hmu),
            None,
            [403, 403, 403, 404, 200],
        ),
        case(
            M::POST,
            "/api/v1/committees",
            "/api/v1/committees".into(),
            Some(new_committee),
            [403, 403, 403, 403, 201],
        ),
        case(
            M::PATCH,
            "/api/v1/committees/{id}",
            format!("/api/v1/committees/{}", org.med_a),
            Some(json!({"name": "Lokal-MED Område A"})),
            [403, 403, 403, 403, 200],
        ),
        case(
            M::GET,
            "/api/v1/agreement-periods",
            "/api/v1/agreement-periods".into(),
            None,
            [200, 200, 200, 200, 200],
        ),
        case(
            M::GET,
            "/api/v1/agreement-periods/{id}",
            format!("/api/v1/agreement-periods/{}", org.period),
            None,
            [200, 200, 200, 200, 200],
        ),
        case(
            M::POST,
            "/api/v1/agreement-periods",
            "/api/v1/agreement-periods".into(),
            Some(json!({"name": "OK27", "starts_on": "2027-04-01", "ends_on": "2030-03-31"})),
            [403, 403, 403, 403, 201],
        ),
        case(
            M::PUT,
            "/api/v1/agreement-periods/{id}",
            format!("/api/v1/agreement-periods/{}", org.period),
            Some(period),
            [403, 403, 403, 403, 200],
        ),
        case(
            M::GET,
            "/api/v1/settings",
            "/api/v1/settings".into(),
            None,
            [200, 200, 200, 200, 200],
        ),
        case(
            M::PUT,
            "/api/v1/settings",
            "/api/v1/settings".into(),
            Some(settings),
            [403, 403, 403, 403, 200],
        ),
        case(
            M::POST,
            "/api/v1/sync/org-units",
            "/api/v1/sync/org-units".into(),
            Some(rows.clone()),
            [403, 403, 403, 403, 200],
        ),
        case(
            M::POST,
            "/api/v1/sync/employees",
            "/api/v1/sync/employees".into(),
            Some(rows.clone()),
            [403, 403, 403, 403, 200],
        ),
        case(
            M::POST,
            "/api/v1/sync/committees",
            "/api/v1/sync/committees".into(),
            Some(rows),
            [403, 403, 403, 403, 200],
        ),
        case(
            M::GET,
            "/healthz",
            "/healthz".into(),
            None,
            [200, 200, 200, 200, 200],
        ),
        case(
            M::GET,
            "/readyz",
            "/readyz".into(),
            None,
            [200, 200, 200, 200, 200],
        ),
        case(M::GET, "/api/v1/catalogue", "/api/v1/catalogue".into(), None, [200, 200, 200, 200, 200]),
        case(M::GET, "/api/v1/catalogue/{id}", format!("/api/v1/catalogue/{}", plan.offer), None, [200, 200, 200, 200, 200]),
        case(M::POST, "/api/v1/catalogue", "/api/v1/catalogue".into(), Some(json!({"kind": "education", "title": "Diplomuddannelse i ledelse", "leadership_education": true})), [403, 403, 403, 403, 201]),
        case(M::PATCH, "/api/v1/catalogue/{id}", format!("/api/v1/catalogue/{}", plan.offer), Some(json!({"duration": "3 dage"})), [403, 403, 403, 403, 200]),
        case(M::POST, "/api/v1/sync/catalogue", "/api/v1/sync/catalogue".into(), Some(json!({"rows": []})), [403, 403, 403, 403, 200]),
        case(M::GET, "/api/v1/org-units/{id}/development-goals", format!("/api/v1/org-units/{}/development-goals", org.a), None, [200, 200, 200, 200, 200]),
        case(M::GET, "/api/v1/org-units/{id}/development-goals", format!("/api/v1/org-units/{}/development-goals", org.b), None, [404, 404, 404, 404, 200]),
        case(M::POST, "/api/v1/org-units/{id}/development-goals", format!("/api/v1/org-units/{}/development-goals", org.a), Some(json!({"title": "Sprogvurdering for alle"})), [403, 201, 403, 403, 403]),
        case(M::POST, "/api/v1/org-units/{id}/development-goals", format!("/api/v1/org-units/{}/development-goals", org.b), Some(json!({"title": "Ikke min enhed"})), [403, 404, 403, 403, 403]),
        case(M::PATCH, "/api/v1/org-units/{id}/development-goals/{goal_id}", format!("/api/v1/org-units/{}/development-goals/{}", org.a, plan.unit_goal), Some(json!({"description": "Hele området"})), [403, 200, 403, 403, 403]),
        // Plans: the parties (the member as employee, a manager of the member's unit) reach
        // the plan; for everyone else it does not exist. Rows that change the plan run in order.
        case(M::GET, "/api/v1/plans", "/api/v1/plans".into(), None, [200, 200, 403, 403, 403]),
        case(M::POST, "/api/v1/plans", "/api/v1/plans".into(), Some(json!({"employee_id": org.mem_a, "title": "Plan", "starts_on": "2026-01-01", "ends_on": "2026-12-31"})), [403, 201, 403, 403, 403]),
        case(M::GET, "/api/v1/plans/{id}", format!("/api/v1/plans/{}", plan.id), None, [200, 200, 403, 403, 403]),
        case(M::PATCH, "/api/v1/plans/{id}", format!("/api/v1/plans/{}", plan.id), Some(json!({"leadership_education": false})), [200, 200, 403, 403, 403]),
        case(M::POST, "/api/v1/plans/{id}/goals", format!("/api/v1/plans/{}/goals", plan.id), Some(json!({"description": "Nyt mål", "competence_kind": "social", "horizon": "short_term"})), [201, 201, 403, 403, 403]),
        case(M::PATCH, "/api/v1/plans/{id}/goals/{goal_id}", format!("/api/v1/plans/{}/goals/{}", plan.id, plan.served_goal), Some(json!({"due_date": "2026-06-30"})), [200, 200, 403, 403, 403]),
        // The first caller removes the item, so the 404s after it say nothing about reach:
        // who may remove is pinned by `only_the_parties_remove_a_goal_an_activity_or_an_open_point`.
        case(M::DELETE, "/api/v1/plans/{id}/goals/{goal_id}", format!("/api/v1/plans/{}/goals/{}", plan.id, plan.free_goal), None, [200, 404, 403, 403, 403]),
        case(M::POST, "/api/v1/plans/{id}/activities", format!("/api/v1/plans/{}/activities", plan.id), Some(json!({"kind": "mentoring", "title": "Mentor", "responsible": "employee"})), [201, 201, 403, 403, 403]),
        case(M::PATCH, "/api/v1/plans/{id}/activities/{activity_id}", format!("/api/v1/plans/{}/activities/{}", plan.id, plan.activity), Some(json!({"status": "in_progress"})), [200, 200, 403, 403, 403]),
        case(M::POST, "/api/v1/plans/{id}/open-points", format!("/api/v1/plans/{}/open-points", plan.id), Some(json!({"text": "Afklares"})), [201, 201, 403, 403, 403]),
        case(M::PATCH, "/api/v1/plans/{id}/open-points/{point_id}", format!("/api/v1/plans/{}/open-points/{}", plan.id, plan.open_point), Some(json!({"text": "Diplommodul i ledelse?"})), [200, 200, 403, 403, 403]),
        case(M::DELETE, "/api/v1/plans/{id}/open-points/{point_id}", format!("/api/v1/plans/{}/open-points/{}", plan.id, plan.open_point), None, [200, 404, 403, 403, 403]),
        case(M::DELETE, "/api/v1/plans/{id}/activities/{activity_id}", format!("/api/v1/plans/{}/activities/{}", plan.id, plan.activity), None, [200, 404, 403, 403, 403]),
        // A revision nobody holds any more: the parties reach the plan and are told it changed.
        case(M::POST, "/api/v1/plans/{id}/signatures", format!("/api/v1/plans/{}/signatures", plan.id), Some(json!({"revision": 1})), [409, 409, 403, 403, 403]),
        case(M::GET, "/api/v1/plans/{id}/versions", format!("/api/v1/plans/{}/versions", plan.id), None, [200, 200, 403, 403, 403]),
        case(M::GET, "/api/v1/plans/{id}/versions/{version}", format!("/api/v1/plans/{}/versions/1", plan.id), None, [200, 200, 403, 403, 403]),
        case(M::GET, "/api/v1/plans/{id}/diff", format!("/api/v1/plans/{}/diff?from=1&to=1", plan.id), None, [200, 200, 403, 403, 403]),
        case(M::POST, "/api/v1/plans/{id}/follow-ups", format!("/api/v1/plans/{}/follow-ups", plan.id), Some(json!({"kind": "annual", "held_on": "2025-01-01", "outcome": "continued"})), [403, 409, 403, 403, 403]),
        case(M::GET, "/api/v1/plans/{id}/follow-ups", format!("/api/v1/plans/{}/follow-ups", plan.id), None, [200, 200, 403, 403, 403]),
        case(M::GET, "/api/v1/follow-ups", "/api/v1/follow-ups".into(), None, [200, 200, 403, 403, 200]),
        case(M::GET, "/api/v1/absences", "/api/v1/absences".into(), None, [403, 200, 403, 403, 200]),
        case(M::POST, "/api/v1/absences", "/api/v1/absences".into(), Some(json!({"employee_id": org.emp_a1, "kind": "long_term_illness", "starts_on": "2025-09-01"})), [403, 201, 403, 403, 201]),
        case(M::GET, "/api/v1/absences/{id}", format!("/api/v1/absences/{}", plan.absence), None, [403, 200, 403, 403, 200]),
        case(M::PATCH, "/api/v1/absences/{id}", format!("/api/v1/absences/{}", plan.absence), Some(json!({"ends_on": "2025-07-01"})), [403, 200, 403, 403, 200]),
        case(M::POST, "/api/v1/sync/absences", "/api/v1/sync/absences".into(), Some(json!({"rows": []})), [403, 403, 403, 403, 200]),
        case(M::GET, "/api/v1/development-interviews/coverage", "/api/v1/development-interviews/coverage".into(), None, [403, 200, 403, 403, 200]),
        case(M::GET, "/api/v1/development-interviews", "/api/v1/development-interviews".into(), None, [200, 200, 403, 403, 200]),
        case(M::POST, "/api/v1/development-interviews", "/api/v1/development-interviews".into(), Some(json!({"year": 2026, "format": "group", "participants": [{"employee_id": org.emp_a1, "status": "held"}, {"employee_id": org.mem_a, "status": "held"}]})), [403, 201, 403, 403, 403]),
        case(M::GET, "/api/v1/development-interviews/{id}", format!("/api/v1/development-interviews/{}", plan.interview), None, [200, 200, 403, 403, 200]),
        case(M::PATCH, "/api/v1/development-interviews/{id}", format!("/api/v1/development-interviews/{}", plan.interview), Some(json!({"participants": [{"employee_id": org.emp_a1, "status": "declined"}]})), [403, 200, 403, 403, 403]),
        case(M::POST, "/api/v1/sync/development-interviews", "/api/v1/sync/development-interviews".into(), Some(json!({"rows": []})), [403, 403, 403, 403, 200]),
        case(M::GET, "/api/v1/preparation-guides", "/api/v1/preparation-guides".into(), None, [200, 200, 200, 200, 200]),
        // A committee member must name a main committee they sit on; MEM-A sits on a local one.
        case(M::POST, "/api/v1/preparation-guides", "/api/v1/preparation-guides".into(), Some(json!({"name": "Forberedelse", "format": "group", "questions": guide_questions()})), [403, 403, 403, 422, 201]),
        case(M::GET, "/api/v1/preparation-guides/{id}", format!("/api/v1/preparation-guides/{}", plan.guide), None, [200, 200, 200, 200, 200]),
        case(M::GET, "/api/v1/preparation-guides/{id}/versions/{number}", format!("/api/v1/preparation-guides/{}/versions/1", plan.guide), None, [200, 200, 200, 200, 200]),
        // HR's guide: the committee member is no publisher of it.
        by_standing(case(M::PUT, "/api/v1/preparation-guides/{id}/versions/{number}", format!("/api/v1/preparation-guides/{}/versions/2", plan.guide), Some(json!({"questions": guide_questions()})), [403, 403, 403, 403, 201]), Who::Committee),
        by_standing(case(M::POST, "/api/v1/preparation-guides/{id}/versions/{number}/publish", format!("/api/v1/preparation-guides/{}/versions/1/publish", plan.guide), None, [403, 403, 403, 403, 200]), Who::Committee),
        case(M::GET, "/api/v1/development-interviews/{id}/preparation", format!("/api/v1/development-interviews/{}/preparation", plan.interview), None, [200, 200, 403, 403, 403]),
        case(M::PUT, "/api/v1/development-interviews/{id}/preparation/mine", format!("/api/v1/development-interviews/{}/preparation/mine", plan.interview), Some(json!({"answers": [{"question": "trivsel", "scale": 3}]})), [200, 201, 403, 403, 403]),
        case(M::POST, "/api/v1/development-interviews/{id}/preparation/mine/share", format!("/api/v1/development-interviews/{}/preparation/mine/share", plan.interview), None, [200, 200, 403, 403, 403]),
        case(M::DELETE, "/api/v1/development-interviews/{id}/preparation/mine/share", format!("/api/v1/development-interviews/{}/preparation/mine/share", plan.interview), None, [200, 200, 403, 403, 403]),
        // EMP-A1's answers, private again: their manager reads them no more than anyone else.
        case(M::GET, "/api/v1/preparations/{id}", format!("/api/v1/preparations/{}", plan.preparation), None, [200, 404, 403, 403, 403]),
        case(M::POST, "/api/v1/calendar-feed", "/api/v1/calendar-feed".into(), None, [403, 201, 403, 403, 403]),
        case(M::GET, "/api/v1/calendar/{token}", "/api/v1/calendar/not-a-feed".into(), None, [404, 404, 404, 404, 404]),
        case(M::GET, "/api/v1/status", format!("/api/v1/status?unit_id={}", org.a), None, [403, 200, 200, 200, 200]),
        case(M::GET, "/api/v1/status", format!("/api/v1/status?unit_id={}", org.b), None, [403, 404, 404, 404, 200]),
        case(M::GET, "/api/v1/status/people", format!("/api/v1/status/people?unit_id={}&figure=employees", org.a), None, [403, 200, 403, 403, 200]),
        case(M::GET, "/api/v1/status-reviews", "/api/v1/status-reviews".into(), None, [403, 200, 200, 403, 200]),
        case(M::POST, "/api/v1/status-reviews", "/api/v1/status-reviews".into(), Some(json!({"unit_id": org.a, "held_on": chrono::Utc::now().date_naive()})), [403, 201, 403, 403, 201]),
        case(M::GET, "/api/v1/status-reviews/{id}", format!("/api/v1/status-reviews/{}", plan.review), None, [403, 200, 200, 403, 200]),
        case(M::PUT, "/api/v1/status-reviews/{id}/position", format!("/api/v1/status-reviews/{}/position", plan.review), Some(json!({"notes": "Fint", "agrees": true})), [403, 200, 200, 403, 200]),
        case(M::POST, "/api/v1/status-reviews/{id}/escalation", format!("/api/v1/status-reviews/{}/escalation", plan.review), Some(json!({"reason": "Uenige"})), [403, 409, 409, 403, 409]),
        case(M::PUT, "/api/v1/status-reviews/{id}/escalation/outcome", format!("/api/v1/status-reviews/{}/escalation/outcome", plan.review), Some(json!({"renewed_on": "2030-01-01", "outcome": "Enige"})), [403, 409, 409, 403, 409]),
        case(M::GET, "/api/v1/status-reviews/missing", "/api/v1/status-reviews/missing".into(), None, [403, 200, 200, 403, 200]),
        case(M::GET, "/api/v1/committees/missing-records", "/api/v1/committees/missing-records".into(), None, [403, 403, 403, 200, 200]),
        case(M::POST, "/api/v1/committees/{id}/discussions", format!("/api/v1/committees/{}/discussions", org.med_a), Some(json!({"topic": "status", "held_on": "2025-01-01", "summary": "Status drøftet"})), [403, 403, 403, 201, 403]),
        case(M::GET, "/api/v1/committees/{id}/discussions", format!("/api/v1/committees/{}/discussions", org.med_a), None, [403, 403, 403, 200, 200]),
        case(M::POST, "/api/v1/committees/{id}/feedback", format!("/api/v1/committees/{}/feedback", org.med_a), Some(json!({"year": 2025, "text": "Tilbagemelding"})), [403, 403, 403, 201, 403]),
        case(M::GET, "/api/v1/committees/{id}/feedback", format!("/api/v1/committees/{}/feedback", org.med_a), None, [403, 403, 403, 200, 200]),
        case(M::POST, "/api/v1/plans/{id}/close", format!("/api/v1/plans/{}/close", plan.id), Some(json!({"reason": "Fratrådt"})), [403, 200, 403, 403, 403]),
    ]
}

#[tokio::test]
async fn each_role_gets_exactly_what_the_policy_allows_on_every_endpoint() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let plan = app.plan_fixture(&org).await;
    let mut failures = Vec::new();
    for case in table(&org, &plan) {
        for (who, expected) in Who::ALL.into_iter().zip(case.expect) {
            let response = app
                .send(
                    case.method.clone(),
                    &case.path,
                    Some(&who.token()),
                    case.body.as_ref(),
                )
                .await;
            let status = response.status().as_u16();
            if status != expected {
                let body = response.text().await.unwrap_or_default();
                failures.push(format!(
                    "{} {} as {who:?}: expected {expected}, got {status} {body}",
                    case.method, case.path
                ));
            } else if status >= 400 {
                let kind = response
                    .headers()
                    .get("content-type")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                if kind != "application/problem+json" {
                    failures.push(format!(
                        "{} {} as {who:?}: {status} without problem+json",
                        case.method, case.path
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every UUID in `path` replaced by a fresh one: the same route, pointing at nothing.
fn pointing_at_nothing(path: &str) -> String {
    path.split('/')
        .map(|part| match uuid::Uuid::parse_str(part) {
            Ok(_) => uuid::Uuid::new_v4().to_string(),
            Err(_) => part.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test]
async fn a_caller_lacking_the_role_is_refused_with_403_before_anything_is_loaded() {
    // The same refusal for an object that exists and one that does not: the role is checked
    // before any load, so a 403 tells nothing about what exists.
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let plan = app.plan_fixture(&org).await;
    let mut failures = Vec::new();
    let mut refusals = 0;
    for case in table(&org, &plan) {
        let absent = pointing_at_nothing(&case.path);
        for (who, expected) in Who::ALL.into_iter().zip(case.expect) {
            if expected != 403 {
                continue;
            }
            let wanted = if case.by_standing.contains(&who) {
                (404, "not_found")
            } else {
                refusals += 1;
                (403, "forbidden")
            };
            let response = app
                .send(
                    case.method.clone(),
                    &absent,
                    Some(&who.token()),
                    case.body.as_ref(),
                )
                .await;
            let status = response.status().as_u16();
            let body: Value = response.json().await.unwrap_or_default();
            if (status, body["code"].as_str().unwrap_or_default()) != wanted {
                failures.push(format!(
                    "{} {absent} as {who:?}: expected {wanted:?}, got {status} {body}",
                    case.method
                ));
            }
        }
    }
    assert!(refusals > 100, "the table refuses only {refusals} times");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn every_endpoint_is_in_the_access_table() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let doc = app
        .expect(
            app.send(Method::GET, "/api/v1/openapi.json", None, None)
                .await,
            StatusCode::OK,
        )
        .await;
    let documented: BTreeSet<String> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .keys()
                .map(move |m| format!("{} {path}", m.to_uppercase()))
        })
        .collect();
    let plan = app.plan_fixture(&org).await;
    let tested: BTreeSet<String> = table(&org, &plan)
        .iter()
        .map(|c| format!("{} {}", c.method, c.template))
        .collect();
    assert_eq!(documented, tested);
}

#[tokio::test]
async fn a_manager_reaches_the_units_and_people_below_their_own_and_nothing_else() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let manager = Who::Manager.token();
    let me = app
        .expect(app.get("/api/v1/me", &manager).await, StatusCode::OK)
        .await;
    let reach: BTreeSet<&str> = me["roles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["role"] == "manager")
        .unwrap()["unit_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u.as_str().unwrap())
        .collect();
    assert_eq!(reach, BTreeSet::from([org.a.as_str(), org.a1.as_str()]));
    let units = app
        .expect(app.get("/api/v1/org-units", &manager).await, StatusCode::OK)
        .await;
    let names: BTreeSet<&str> = units["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, BTreeSet::from(["Område A", "Institution A1"]));
    let people = app
        .expect(app.get("/api/v1/employees", &manager).await, StatusCode::OK)
        .await;
    let names: BTreeSet<&str> = people["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        BTreeSet::from(["Anna Leder", "Bo Ansat", "Rita Repræsentant", "Mads Medlem"])
    );
}

#[tokio::test]
async fn an_employee_sees_only_themself_and_their_own_unit() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let employee = Who::Employee.token();
    let people = app
        .expect(
            app.get("/api/v1/employees", &employee).await,
            StatusCode::OK,
        )
        .await;
    let ids: Vec<&str> = people["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![org.emp_a1.as_str()]);
    let units = app
        .expect(
            app.get("/api/v1/org-units", &employee).await,
            StatusCode::OK,
        )
        .await;
    let ids: Vec<&str> = units["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![org.a1.as_str()]);
    app.expect(
        app.get(&format!("/api/v1/employees/{}", org.mgr_a), &employee)
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn representatives_and_committee_members_see_structure_and_counts_never_people() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    for who in [Who::Representative, Who::Committee] {
        let units = app
            .expect(
                app.get("/api/v1/org-units", &who.token()).await,
                StatusCode::OK,
            )
            .await;
        let text = units.to_string();
        for name in [
            "Anna Leder",
            "Bo Ansat",
            "Rita Repræsentant",
            "Mads Medlem",
            &org.emp_a1,
            &org.mgr_a,
            &org.rep_a,
            &org.mem_a,
        ] {
            assert!(!text.contains(name), "{who:?} saw {name}");
        }
        let a = units["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["id"] == org.a.as_str())
            .unwrap();
        // A unit of 4 is below the threshold of 5: its head-count is not theirs to read.
        assert_eq!(a["headcount"], json!({"direct": null, "total": null}));
    }
    let committees = app
        .expect(
            app.get("/api/v1/committees", &Who::Committee.token()).await,
            StatusCode::OK,
        )
        .await;
    let only = &committees["items"][0];
    assert_eq!(
        (
            committees["items"].as_array().unwrap().len(),
            only["member_count"].as_u64()
        ),
        (1, Some(2))
    );
    assert!(
        only.get("members").is_none(),
        "member ids are HR's only: {only}"
    );
}

#[tokio::test]
async fn a_new_manager_of_a_unit_reaches_it_at_once() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let new_manager = token("MGR-B", &["manager"]);
    app.expect(
        app.get(&format!("/api/v1/employees/{}", org.emp_a1), &new_manager)
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    app.expect(
        app.patch(
            &format!("/api/v1/employees/{}", org.mgr_b),
            &Who::Hr.token(),
            &json!({"manages": [org.b, org.a]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    app.expect(
        app.get(&format!("/api/v1/employees/{}", org.emp_a1), &new_manager)
            .await,
        StatusCode::OK,
    )
    .await;
}

#[tokio::test]
async fn out_of_reach_is_exactly_as_absent_for_a_manager_of_another_unit() {
    use Method as M;
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let plan = app.plan_fixture(&org).await;
    let other = token("MGR-B", &["employee", "manager"]);
    let absent = uuid::Uuid::now_v7().to_string();
    let year = json!({"kind": "annual", "held_on": "2026-01-05", "outcome": "continued"});
    // Each request with an object of area A, and the same request with an id nobody holds.
    let requests: Vec<(Method, String, Option<Value>)> = vec![
        (M::GET, "/api/v1/absences/{}".into(), None),
        (
            M::PATCH,
            "/api/v1/absences/{}".into(),
            Some(json!({"ends_on": "2025-07-31"})),
        ),
        (M::GET, "/api/v1/development-interviews/{}".into(), None),
        (
            M::PATCH,
            "/api/v1/development-interviews/{}".into(),
            Some(json!({"held_on": null})),
        ),
        (M::GET, "/api/v1/status-reviews/{}".into(), None),
        (
            M::PUT,
            "/api/v1/status-reviews/{}/position".into(),
            Some(json!({"agrees": true})),
        ),
        (M::GET, "/api/v1/plans/{}".into(), None),
        (
            M::POST,
            "/api/v1/plans/{}/close".into(),
            Some(json!({"reason": "Fratrådt"})),
        ),
        (M::POST, "/api/v1/plans/{}/follow-ups".into(), Some(year)),
        (M::GET, "/api/v1/plans/{}/follow-ups".into(), None),
        (
            M::GET,
            "/api/v1/status/people?unit_id={}&figure=employees".into(),
            None,
        ),
    ];
    let object = |path: &str| {
        let id = if path.contains("absences") {
            &plan.absence
        } else if path.contains("interviews") {
            &plan.interview
        } else if path.contains("reviews") {
            &plan.review
        } else if path.contains("status/people") {
            &org.a
        } else {
            &plan.id
        };
        path.replace("{}", id)
    };
    let mut failures = Vec::new();
    for (method, template, body) in requests {
        let reached = app
            .send(
                method.clone(),
                &object(&template),
                Some(&other),
                body.as_ref(),
            )
            .await;
        let (status, reached) = (reached.status(), reached.text().await.unwrap_or_default());
        let missing = app
            .send(
                method.clone(),
                &template.replace("{}", &absent),
                Some(&other),
                body.as_ref(),
            )
            .await;
        let missing = missing.text().await.unwrap_or_default();
        if status != StatusCode::NOT_FOUND || reached != missing {
            failures.push(format!(
                "{method} {template}: {status} {reached} — absent: {missing}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn only_the_parties_remove_a_goal_an_activity_or_an_open_point() {
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let plan = app.plan_fixture(&org).await;
    let manager = Who::Manager.token();
    let path = format!("/api/v1/plans/{}", plan.id);
    let items = [
        (
            "goals",
            json!({"description": "Fjernes", "competence_kind": "social", "horizon": "short_term"}),
        ),
        (
            "activities",
            json!({"kind": "mentoring", "title": "Fjernes", "responsible": "employee"}),
        ),
        ("open-points", json!({"text": "Fjernes"})),
    ];
    // Those holding neither the employee nor the manager role are refused by role (403).
    let expected = [200, 200, 403, 403, 403];
    let mut failures = Vec::new();
    for (part, body) in items {
        let key = part.replace('-', "_");
        for (who, expect) in Who::ALL.into_iter().zip(expected) {
            // A fresh item for each caller, so a 404 cannot come from an earlier removal.
            let added = app
                .plan_post(
                    &plan.id,
                    &format!("/{part}"),
                    &manager,
                    &body,
                    StatusCode::CREATED,
                )
                .await;
            let item = added["content"][&key]
                .as_array()
                .and_then(|a| a.last())
                .and_then(|i| i["id"].as_str())
                .unwrap()
                .to_owned();
            let removed = app
                .send(
                    Method::DELETE,
                    &format!("{path}/{part}/{item}"),
                    Some(&who.token()),
                    None,
                )
                .await
                .status()
                .as_u16();
            let after = app
                .expect(app.get(&path, &manager).await, StatusCode::OK)
                .await;
            let still_there = after["content"][&key]
                .as_array()
                .unwrap()
                .iter()
                .any(|i| i["id"] == item.as_str());
            if removed != expect || still_there != (expect != 200) {
                failures.push(format!(
                    "{part} as {who:?}: {removed} (expected {expect}), still there: {still_there}"
                ));
            }
            if still_there {
                app.send(
                    Method::DELETE,
                    &format!("{path}/{part}/{item}"),
                    Some(&manager),
                    None,
                )
                .await;
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
