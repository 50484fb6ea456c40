//! Status figures on generated data with known counts, and their anonymisation.

use std::collections::BTreeMap;

use devplan_tests::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

struct World {
    units: BTreeMap<&'static str, String>,
    names: Vec<String>,
    ids: Vec<String>,
    titles: Vec<String>,
}

/// K → A (A1 with 4 employees, A2 with 6) and B (5). MGR-A manages A, MGR-B manages B;
/// REP represents A; MED covers A with MEM as member. Agreed plans with a course each: two
/// in A1, four in A2, three in B.
async fn world(app: &TestApp) -> World {
    let units = json!({"rows": [
        {"external_id": "K", "name": "Kommunen"},
        {"external_id": "A", "name": "Område A", "parent_external_id": "K"},
        {"external_id": "A1", "name": "Lille institution", "parent_external_id": "A"},
        {"external_id": "A2", "name": "Stor institution", "parent_external_id": "A"},
        {"external_id": "B", "name": "Område B", "parent_external_id": "K"},
    ]});
    app.expect(
        app.post("/api/v1/sync/org-units", &Who::Hr.token(), &units)
            .await,
        StatusCode::OK,
    )
    .await;
    let mut rows = vec![
        json!({"external_id": "MGR-A", "name": "Anna Leder", "email": "anna@k.dk", "unit_external_id": "A", "manages_unit_external_ids": ["A"], "professional_group": "leder"}),
        json!({"external_id": "MGR-B", "name": "Bente Leder", "email": "bente@k.dk", "unit_external_id": "B", "manages_unit_external_ids": ["B"], "professional_group": "leder"}),
        json!({"external_id": "REP", "name": "Rita Repræsentant", "email": "rita@k.dk", "unit_external_id": "A2", "represents_unit_external_ids": ["A"], "professional_group": "pædagog"}),
        json!({"external_id": "MEM", "name": "Mads Medlem", "email": "mads@k.dk", "unit_external_id": "A2", "professional_group": "pædagog"}),
    ];
    for i in 1..=4 {
        rows.push(json!({"external_id": format!("A1-{i}"), "name": format!("Lille Ansat {i}"), "email": format!("lille{i}@k.dk"), "unit_external_id": "A1", "professional_group": "pædagog"}));
    }
    for i in 1..=4 {
        rows.push(json!({"external_id": format!("A2-{i}"), "name": format!("Stor Ansat {i}"), "email": format!("stor{i}@k.dk"), "unit_external_id": "A2", "professional_group": if i % 2 == 0 { "lærer" } else { "pædagog" }}));
    }
    for i in 1..=4 {
        rows.push(json!({"external_id": format!("B-{i}"), "name": format!("Bee Ansat {i}"), "email": format!("bee{i}@k.dk"), "unit_external_id": "B", "professional_group": "pædagog"}));
    }
    app.expect(
        app.post(
            "/api/v1/sync/employees",
            &Who::Hr.token(),
            &json!({"rows": placed_since("2015-01-01", rows.clone())}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let committee = json!({"rows": [{"external_id": "MED", "name": "Lokal-MED A", "level": "local", "unit_external_id": "A", "member_external_ids": ["MEM"]}]});
    app.expect(
        app.post("/api/v1/sync/committees", &Who::Hr.token(), &committee)
            .await,
        StatusCode::OK,
    )
    .await;
    let all = app
        .expect(
            app.get("/api/v1/employees?limit=500", &Who::Hr.token())
                .await,
            StatusCode::OK,
        )
        .await;
    let id = |ext: &str| {
        all["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["external_id"] == ext)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let mut titles = Vec::new();
    for (manager, people) in [
        ("MGR-A", vec!["A1-1", "A1-2", "A2-1", "A2-2", "A2-3", "REP"]),
        ("MGR-B", vec!["B-1", "B-2", "B-3"]),
    ] {
        let m = token(manager, &["employee", "manager"]);
        for who in people {
            let title = format!("Hemmelig plan for {who}");
            let plan = app.expect(app.post("/api/v1/plans", &m, &json!({"employee_id": id(who), "title": title, "starts_on": "2026-01-01", "ends_on": "2026-12-31"})).await, StatusCode::CREATED).await;
            let pid = plan["id"].as_str().unwrap().to_owned();
            app.plan_post(
                &pid,
                "/activities",
                &m,
                &json!({"kind": "course", "title": "Kursus", "responsible": "employee"}),
                StatusCode::CREATED,
            )
            .await;
            let plan = app
                .expect(
                    app.get(&format!("/api/v1/plans/{pid}"), &m).await,
                    StatusCode::OK,
                )
                .await;
            app.sign_all(plan, &[token(who, &["employee"]), m.clone()])
                .await;
            titles.push(title);
        }
    }
    let units_list = app
        .expect(
            app.get("/api/v1/org-units?limit=500", &Who::Hr.token())
                .await,
            StatusCode::OK,
        )
        .await;
    let unit = |ext: &str| {
        units_list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["external_id"] == ext)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let units = ["K", "A", "A1", "A2", "B"]
        .into_iter()
        .map(|u| (u, unit(u)))
        .collect();
    let items = all["items"].as_array().unwrap();
    World {
        units,
        names: items
            .iter()
            .map(|e| e["name"].as_str().unwrap().to_owned())
            .collect(),
        ids: items
            .iter()
            .map(|e| e["id"].as_str().unwrap().to_owned())
            .collect(),
        titles,
    }
}

async fn status(app: &TestApp, who: &str, unit: &str) -> Value {
    app.expect(
        app.get(&format!("/api/v1/status?unit_id={unit}"), who)
            .await,
        StatusCode::OK,
    )
    .await
}

fn row<'a>(s: &'a Value, name: &str) -> &'a Value {
    &s["by_sub_unit"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap()["figures"]
}

#[tokio::test]
async fn every_figure_is_right_for_a_unit_its_parent_and_the_municipality() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let s = status(&app, &Who::Hr.token(), &w.units["K"]).await;
    assert_eq!(s["anonymised"], false);
    let f = &s["figures"];
    assert_eq!(
        (
            f["employees"].as_u64(),
            f["with_agreed_plan"].as_u64(),
            f["plans_in_draft"].as_u64()
        ),
        (Some(16), Some(9), Some(0))
    );
    assert_eq!(f["activities_by_kind.course"], 9);
    assert_eq!(f["goals_applied_in_daily_work"], 0);
    assert_eq!(
        (
            f["interviews_missing"].as_u64(),
            f["annual_overdue"].as_u64()
        ),
        (Some(16), Some(0))
    );
    assert_eq!(
        (
            row(&s, "Område A")["employees"].as_u64(),
            row(&s, "Område A")["with_agreed_plan"].as_u64()
        ),
        (Some(11), Some(6))
    );
    assert_eq!(
        (
            row(&s, "Område B")["employees"].as_u64(),
            row(&s, "Område B")["with_agreed_plan"].as_u64()
        ),
        (Some(5), Some(3))
    );
    assert_eq!(row(&s, "Kommunen")["employees"], 0);
    let a = status(&app, &token("MGR-A", &["manager"]), &w.units["A"]).await;
    assert_eq!(
        (
            a["figures"]["employees"].as_u64(),
            a["figures"]["with_agreed_plan"].as_u64()
        ),
        (Some(11), Some(6))
    );
    assert_eq!(
        (
            row(&a, "Lille institution")["employees"].as_u64(),
            row(&a, "Lille institution")["with_agreed_plan"].as_u64()
        ),
        (Some(4), Some(2))
    );
    assert_eq!(
        (
            row(&a, "Stor institution")["employees"].as_u64(),
            row(&a, "Stor institution")["with_agreed_plan"].as_u64()
        ),
        (Some(6), Some(4))
    );
    assert_eq!(row(&a, "Område A")["employees"], 1);
    let groups: BTreeMap<String, u64> = a["by_professional_group"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["professional_group"].as_str().unwrap().to_owned(),
                g["figures"]["employees"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        groups,
        BTreeMap::from([
            ("leder".into(), 1),
            ("lærer".into(), 2),
            ("pædagog".into(), 8)
        ])
    );
    let a1 = status(&app, &Who::Hr.token(), &w.units["A1"]).await;
    assert_eq!(
        (
            a1["figures"]["employees"].as_u64(),
            a1["figures"]["with_agreed_plan"].as_u64()
        ),
        (Some(4), Some(2))
    );
    // The manager may ask who is behind a figure.
    let named = app
        .expect(
            app.get(
                &format!(
                    "/api/v1/status/people?unit_id={}&figure=with_agreed_plan",
                    w.units["A1"]
                ),
                &token("MGR-A", &["manager"]),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    let names: Vec<&str> = named["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Lille Ansat 1", "Lille Ansat 2"]);
    assert_problem(
        app.get(
            &format!(
                "/api/v1/status/people?unit_id={}&figure=nonsense",
                w.units["A1"]
            ),
            &Who::Hr.token(),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "invalid_query",
    )
    .await;
}

/// The (unit, group) atoms of [`world`]'s area A, with their head-counts, and which unit is
/// below which.
const AREA_A: [(&str, &str, u64); 4] = [
    ("A", "leder", 1),
    ("A1", "pædagog", 4),
    ("A2", "pædagog", 4),
    ("A2", "lærer", 2),
];

/// The atoms of AREA_A placed directly in `unit` (an external id), or under it.
fn atoms(unit: &str, under: bool) -> Vec<usize> {
    AREA_A
        .iter()
        .enumerate()
        .filter(|(_, (u, _, _))| *u == unit || (under && unit == "A"))
        .map(|(i, _)| i)
        .collect()
}

#[tokio::test]
async fn a_unit_of_four_is_pooled_for_representatives_and_committees_and_nothing_they_read_derives_it()
 {
    let app = spawn_app().await;
    let w = world(&app).await;
    let ext = |id: &str| {
        *w.units
            .iter()
            .find(|(_, v)| v.as_str() == id)
            .map(|(k, _)| k)
            .unwrap()
    };
    let manager = token("MGR-A", &["employee", "manager"]);
    let review = app
        .expect(
            app.post(
                "/api/v1/status-reviews",
                &manager,
                &json!({"unit_id": w.units["A"], "held_on": "2026-03-01"}),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
    for who in [
        token("REP", &["local_representative"]),
        token("MEM", &["committee"]),
    ] {
        // Everything the reader can get, as the atoms each number sums over.
        let mut read: Vec<Vec<usize>> = Vec::new();
        let s = status(&app, &who, &w.units["A"]).await;
        assert_eq!(
            (s["anonymised"].as_bool(), s["anonymity_threshold"].as_u64()),
            (Some(true), Some(5))
        );
        assert_eq!(s["withheld"], false);
        assert_eq!(s["figures"]["employees"], 11);
        // The small unit is counted in the area's own row, with the one placed there.
        let own = &s["by_sub_unit"][0];
        assert_eq!(
            (own["name"].as_str(), own["direct"].as_bool()),
            (Some("Område A"), Some(true))
        );
        assert_eq!(
            own["pooled_units"],
            json!([{"unit_id": w.units["A1"], "name": "Lille institution"}])
        );
        assert_eq!(
            (
                own["figures"]["employees"].as_u64(),
                own["figures"]["with_agreed_plan"].as_u64()
            ),
            (Some(5), Some(2))
        );
        assert_eq!(
            (
                row(&s, "Stor institution")["employees"].as_u64(),
                row(&s, "Stor institution")["with_agreed_plan"].as_u64()
            ),
            (Some(6), Some(4))
        );
        // Its own row counts no one: every figure null, its people counted above.
        let lille = s["by_sub_unit"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == "Lille institution")
            .expect("a row for the small unit");
        assert_eq!(lille["left_out"], true);
        assert!(
            lille["figures"]
                .as_object()
                .unwrap()
                .values()
                .all(Value::is_null)
        );
        assert_eq!(
            (s["left_out"].as_bool(), own["left_out"].as_bool()),
            (Some(false), Some(false))
        );
        // Every group has fewer than 5 in its unit's row: all are counted as other groups.
        assert_eq!(
            s["by_professional_group"],
            json!([{"professional_group": null, "other_groups": true, "figures": s["figures"]}])
        );
        // Nothing is blank: every row adds up to the total.
        for (name, total) in s["figures"].as_object().unwrap() {
            let sum: u64 = s["by_sub_unit"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|r| r["figures"][name].as_u64())
                .sum();
            assert_eq!(Some(sum), total.as_u64(), "{name}");
        }
        read.push(atoms("A", true));
        for r in s["by_sub_unit"].as_array().unwrap() {
            if r["figures"]["employees"].is_null() {
                continue;
            }
            let unit = ext(r["unit_id"].as_str().unwrap());
            let mut set = atoms(unit, !r["direct"].as_bool().unwrap());
            for p in r["pooled_units"].as_array().unwrap() {
                set.extend(atoms(ext(p["unit_id"].as_str().unwrap()), true));
            }
            read.push(set);
        }
        read.push(atoms("A", true));
        // The small unit asked about on its own has no figures.
        let a1 = status(&app, &who, &w.units["A1"]).await;
        assert_eq!(a1["withheld"], true);
        assert!(a1.get("reported_with").is_none());
        assert!(
            a1["figures"]
                .as_object()
                .unwrap()
                .values()
                .all(Value::is_null)
        );
        assert_eq!(a1["by_sub_unit"], json!([]));
        let a2 = status(&app, &who, &w.units["A2"]).await;
        assert_eq!(a2["figures"]["employees"], 6);
        read.push(atoms("A2", true));
        // Head-counts are cut the same way: the small unit has none, and the area's direct
        // count would be its own row minus the small unit.
        let units = app
            .expect(
                app.get("/api/v1/org-units?limit=500", &who).await,
                StatusCode::OK,
            )
            .await;
        for u in units["items"].as_array().unwrap() {
            let unit = ext(u["id"].as_str().unwrap());
            let h = &u["headcount"];
            match unit {
                "A" => assert_eq!(*h, json!({"direct": null, "total": 11})),
                "A1" => assert_eq!(*h, json!({"direct": null, "total": null})),
                "A2" => assert_eq!(*h, json!({"direct": 6, "total": 6})),
                other => panic!("{other} is out of reach"),
            }
            if h["direct"].as_u64().is_some() {
                read.push(atoms(unit, false));
            }
            if h["total"].as_u64().is_some() {
                read.push(atoms(unit, true));
            }
        }
        let one = app
            .expect(
                app.get(&format!("/api/v1/org-units/{}", w.units["A1"]), &who)
                    .await,
                StatusCode::OK,
            )
            .await;
        assert_eq!(one["headcount"], json!({"direct": null, "total": null}));
        // The review's snapshot is the same table as it was.
        let snapshot = &app
            .expect(
                app.get(
                    &format!("/api/v1/status-reviews/{}", review["id"].as_str().unwrap()),
                    &token("REP", &["local_representative"]),
                )
                .await,
                StatusCode::OK,
            )
            .await["snapshot"];
        assert_eq!(
            snapshot["by_sub_unit"][0]["pooled_units"],
            own["pooled_units"]
        );
        assert_eq!(snapshot["by_sub_unit"][0]["figures"]["employees"], 5);
        let people: Vec<u64> = AREA_A.iter().map(|(_, _, n)| *n).collect();
        assert_eq!(
            devplan_domain::pooling::attacker::disclosed(&read, &people, 5),
            Ok(None),
            "{read:?}"
        );
        // The same attacker, given the small unit's head-count as it was once shown, finds
        // the one placed directly in the area (the own row minus the small unit).
        read.push(atoms("A1", true));
        assert_eq!(
            devplan_domain::pooling::attacker::disclosed(&read, &people, 5),
            Ok(Some(atoms("A", false)))
        );
        // Another area is out of reach; named lists are not for them.
        assert_eq!(
            app.get(&format!("/api/v1/status?unit_id={}", w.units["B"]), &who)
                .await
                .status(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            app.get(
                &format!(
                    "/api/v1/status/people?unit_id={}&figure=employees",
                    w.units["A"]
                ),
                &who
            )
            .await
            .status(),
            StatusCode::FORBIDDEN
        );
    }
    // The unit's manager sees the small unit's figures and head-count.
    let s = status(&app, &manager, &w.units["A"]).await;
    assert_eq!(row(&s, "Lille institution")["employees"], 4);
    assert_eq!(s["by_sub_unit"][0]["pooled_units"], json!([]));
    let one = app
        .expect(
            app.get(&format!("/api/v1/org-units/{}", w.units["A1"]), &manager)
                .await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(one["headcount"], json!({"direct": 4, "total": 4}));
}

#[tokio::test]
async fn status_is_exported_as_csv_with_pooled_rows_named_and_withheld_values_empty() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let csv = |unit: &str| {
        let url = format!("{}/api/v1/status?unit_id={unit}", app.base);
        let client = app.client.clone();
        async move {
            let response = client
                .get(url)
                .bearer_auth(token("REP", &["local_representative"]))
                .header("accept", "text/csv")
                .send()
                .await
                .unwrap();
            assert!(
                response.headers()["content-type"]
                    .to_str()
                    .unwrap()
                    .starts_with("text/csv")
            );
            response.text().await.unwrap()
        }
    };
    let text = csv(&w.units["A"]).await;
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("scope,name,figure,value"));
    assert!(text.contains("unit,Område A,employees,11\n"), "{text}");
    assert!(
        text.contains("directly_in_unit,Område A (with Lille institution),employees,5\n"),
        "{text}"
    );
    assert!(text.contains("other_groups,,employees,11\n"), "{text}");
    // The small unit's row is empty: its people are in the own row.
    assert!(
        text.contains("sub_unit,Lille institution,employees,\n"),
        "{text}"
    );
    let empty: Vec<&str> = text.lines().filter(|l| l.ends_with(',')).collect();
    assert!(
        empty
            .iter()
            .all(|l| l.starts_with("sub_unit,Lille institution,")),
        "{text}"
    );
    let small = csv(&w.units["A1"]).await;
    assert!(small.contains("unit,,employees,\n"), "{small}");
    // Neither JSON nor CSV: 406, naming what the resource answers as.
    let html = app
        .client
        .get(format!(
            "{}/api/v1/status?unit_id={}",
            app.base, w.units["A"]
        ))
        .bearer_auth(token("REP", &["local_representative"]))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    let problem = assert_problem(html, StatusCode::NOT_ACCEPTABLE, "not_acceptable").await;
    assert_eq!(
        problem["detail"],
        "this resource answers as application/json or text/csv"
    );
}

#[tokio::test]
async fn no_employee_name_email_id_or_plan_text_reaches_a_representative_or_committee() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let review = app
        .expect(
            app.post(
                "/api/v1/status-reviews",
                &token("MGR-A", &["manager"]),
                &json!({"unit_id": w.units["A"], "held_on": chrono::Utc::now().date_naive()}),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
    let committees = app
        .expect(
            app.get("/api/v1/committees", &Who::Hr.token()).await,
            StatusCode::OK,
        )
        .await;
    let med = committees["items"][0]["id"].as_str().unwrap().to_owned();
    let discussion = json!({"topic": "status", "held_on": chrono::Utc::now().date_naive(), "summary": "Status", "attach_status": true});
    app.expect(
        app.post(
            &format!("/api/v1/committees/{med}/discussions"),
            &token("MEM", &["committee"]),
            &discussion,
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let org_units = app
        .expect(
            app.get("/api/v1/org-units?limit=500", &Who::Hr.token())
                .await,
            StatusCode::OK,
        )
        .await;
    for (subject, roles) in [
        ("REP", vec!["local_representative"]),
        ("MEM", vec!["committee"]),
    ] {
        let who = token(subject, &roles);
        let mut paths = vec![
            "/api/v1/org-units?limit=500".to_owned(),
            "/api/v1/committees".to_owned(),
            "/api/v1/settings".to_owned(),
            "/api/v1/agreement-periods".to_owned(),
            "/api/v1/catalogue".to_owned(),
            "/api/v1/plans".to_owned(),
            "/api/v1/employees".to_owned(),
            "/api/v1/follow-ups".to_owned(),
            "/api/v1/absences".to_owned(),
            "/api/v1/development-interviews".to_owned(),
            "/api/v1/development-interviews/coverage".to_owned(),
            "/api/v1/status-reviews".to_owned(),
            "/api/v1/committees/missing-records".to_owned(),
            format!("/api/v1/committees/{med}/discussions"),
            format!("/api/v1/committees/{med}/feedback"),
            "/api/v1/status-reviews/missing".to_owned(),
            format!("/api/v1/status-reviews/{}", review["id"].as_str().unwrap()),
        ];
        for u in w.units.values() {
            paths.push(format!("/api/v1/status?unit_id={u}"));
            paths.push(format!("/api/v1/org-units/{u}"));
            paths.push(format!("/api/v1/org-units/{u}/development-goals"));
            paths.push(format!(
                "/api/v1/status/people?unit_id={u}&figure=employees"
            ));
        }
        let _ = &org_units;
        for path in paths {
            for accept in ["application/json", "text/csv"] {
                let body = app
                    .client
                    .get(format!("{}{path}", app.base))
                    .bearer_auth(&who)
                    .header("accept", accept)
                    .send()
                    .await
                    .unwrap()
                    .text()
                    .await
                    .unwrap();
                for secret in w.names.iter().chain(&w.ids).chain(&w.titles) {
                    assert!(
                        !body.contains(secret.as_str()),
                        "{subject} saw {secret} at {path}"
                    );
                }
                assert!(!body.contains("@k.dk"), "{subject} saw an e-mail at {path}");
            }
        }
    }
}

#[tokio::test]
async fn follow_up_absence_and_interview_figures_are_right_for_a_past_year() {
    let app = spawn_app().await;
    app.today_is("2025-01-10");
    let w = world(&app).await;
    let all = app
        .expect(
            app.get("/api/v1/employees?limit=500", &Who::Hr.token())
                .await,
            StatusCode::OK,
        )
        .await;
    let id = |ext: &str| {
        all["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["external_id"] == ext)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let manager = token("MGR-A", &["employee", "manager"]);
    // A2-1's plan is followed up in time, on 2025-12-01.
    app.today_is("2025-12-01");
    let plans = app
        .expect(
            app.get(
                &format!("/api/v1/plans?employee_id={}", id("A2-1")),
                &manager,
            )
            .await,
            StatusCode::OK,
        )
        .await;
    let plan = plans["items"][0]["id"].as_str().unwrap().to_owned();
    app.plan_post(
        &plan,
        "/follow-ups",
        &manager,
        &json!({"kind": "annual", "held_on": "2025-12-01", "outcome": "continued"}),
        StatusCode::CREATED,
    )
    .await;
    // B-1 was on parental leave; no special follow-up was held.
    app.expect(app.post("/api/v1/absences", &Who::Hr.token(), &json!({"employee_id": id("B-1"), "kind": "parental_leave", "starts_on": "2025-03-01", "ends_on": "2025-06-30"})).await, StatusCode::CREATED).await;
    // A1-1 had the 2025 interview; A1-2 declined it.
    app.expect(app.post("/api/v1/development-interviews", &manager, &json!({"year": 2025, "format": "individual", "held_on": "2025-11-01", "participants": [{"employee_id": id("A1-1"), "status": "held"}]})).await, StatusCode::CREATED).await;
    app.expect(app.post("/api/v1/development-interviews", &manager, &json!({"year": 2025, "format": "individual", "participants": [{"employee_id": id("A1-2"), "status": "declined"}]})).await, StatusCode::CREATED).await;

    app.today_is("2026-02-01");
    let s = app
        .expect(
            app.get(
                &format!(
                    "/api/v1/status?unit_id={}&from=2025-01-01&to=2025-12-31",
                    w.units["K"]
                ),
                &Who::Hr.token(),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    let f = &s["figures"];
    let got = |name: &str| f[name].as_u64().unwrap();
    // As 2025 ended: the eight not followed up fell due on 2026-01-10, within 30 days of its
    // last day; none was overdue yet. (This read 8 overdue, today's figure, before.)
    assert_eq!(
        (
            got("annual_held_in_time"),
            got("annual_held_late"),
            got("annual_overdue"),
            got("annual_due")
        ),
        (1, 0, 0, 8)
    );
    let now = app
        .expect(
            app.get(
                &format!("/api/v1/status?unit_id={}", w.units["K"]),
                &Who::Hr.token(),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(
        (
            now["figures"]["annual_overdue"].as_u64(),
            now["figures"]["annual_due"].as_u64()
        ),
        (Some(8), Some(0)),
        "today, 2026-02-01, they are overdue"
    );
    assert_eq!(
        (
            got("special_overdue"),
            got("special_due"),
            got("special_held")
        ),
        (1, 0, 0)
    );
    assert_eq!(
        (
            got("interviews_held"),
            got("interviews_declined"),
            got("interviews_offered"),
            got("interviews_missing")
        ),
        (1, 1, 0, 14)
    );
    assert_eq!(
        (
            row(&s, "Område A")["annual_due"].as_u64(),
            row(&s, "Område B")["annual_due"].as_u64()
        ),
        (Some(5), Some(3))
    );
    assert_eq!(row(&s, "Område B")["special_overdue"], 1);
    let a1 = app
        .expect(
            app.get(
                &format!(
                    "/api/v1/status?unit_id={}&from=2025-01-01&to=2025-12-31",
                    w.units["A1"]
                ),
                &manager,
            )
            .await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(
        (
            a1["figures"]["interviews_held"].as_u64(),
            a1["figures"]["interviews_missing"].as_u64()
        ),
        (Some(1), Some(2))
    );
    let named = app.expect(app.get(&format!("/api/v1/status/people?unit_id={}&figure=special_overdue&from=2025-01-01&to=2025-12-31", w.units["K"]), &Who::Hr.token()).await, StatusCode::OK).await;
    assert_eq!(named["items"][0]["name"], "Bee Ansat 1");

    // Still open in 2026: overdue in this year's status too, as the work list says.
    let this_year = app
        .expect(
            app.get(
                &format!("/api/v1/status?unit_id={}", w.units["K"]),
                &Who::Hr.token(),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(this_year["figures"]["special_overdue"], 1, "{this_year}");
    assert_eq!(row(&this_year, "Område B")["special_overdue"], 1);
    let listed = app
        .expect(
            app.get(
                "/api/v1/follow-ups?kind=special&state=overdue",
                &token("MGR-B", &["employee", "manager"]),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    let listed = listed["items"].as_array().unwrap();
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0]["due_on"].as_str().unwrap().get(..4), Some("2025"));
    let named = app
        .expect(
            app.get(
                &format!(
                    "/api/v1/status/people?unit_id={}&figure=special_overdue",
                    w.units["K"]
                ),
                &Who::Hr.token(),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(named["items"][0]["name"], "Bee Ansat 1");
}

#[tokio::test]
async fn small_units_and_groups_are_pooled_so_both_breakdowns_add_up_and_combine_to_nothing_small()
{
    let app = spawn_app().await;
    let units = json!({"rows": [
        {"external_id": "K", "name": "Kommunen"},
        {"external_id": "U", "name": "Område", "parent_external_id": "K"},
        {"external_id": "S1", "name": "Lille", "parent_external_id": "U"},
        {"external_id": "S2", "name": "Mellem", "parent_external_id": "U"},
        {"external_id": "S3", "name": "Stor", "parent_external_id": "U"},
    ]});
    app.expect(
        app.post("/api/v1/sync/org-units", &Who::Hr.token(), &units)
            .await,
        StatusCode::OK,
    )
    .await;
    // Under the threshold of 5: the three in "Lille", who are also the only three of the
    // group "smed". Kept apart, the two breakdowns would each show the three as blanks.
    let atoms = [
        ("U", "pædagog", 5),
        ("S1", "smed", 3),
        ("S2", "pædagog", 6),
        ("S3", "pædagog", 8),
    ];
    let mut rows = Vec::new();
    for (unit, group, n) in atoms {
        for i in 0..n {
            rows.push(json!({"external_id": format!("{unit}-{i}"), "name": format!("Person {unit} {i}"), "unit_external_id": unit, "professional_group": group}));
        }
    }
    rows[0]["represents_unit_external_ids"] = json!(["U"]);
    rows[0]["external_id"] = json!("REP");
    app.expect(
        app.post(
            "/api/v1/sync/employees",
            &Who::Hr.token(),
            &json!({"rows": placed_since("2015-01-01", rows.clone())}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let area = app
        .expect(
            app.get("/api/v1/org-units?limit=500", &Who::Hr.token())
                .await,
            StatusCode::OK,
        )
        .await["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["external_id"] == "U")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let s = status(&app, &token("REP", &["local_representative"]), &area).await;
    let employees = |breakdown: &str| -> Vec<(Value, u64)> {
        s[breakdown]
            .as_array()
            .unwrap()
            .iter()
            // Lille's own row counts no one: its three are in the area's own row.
            .filter(|r| !r["figures"]["employees"].is_null())
            .map(|r| {
                let label = if breakdown == "by_sub_unit" {
                    r["name"].clone()
                } else {
                    json!([r["professional_group"], r["other_groups"]])
                };
                (label, r["figures"]["employees"].as_u64().expect("shown"))
            })
            .collect()
    };
    assert_eq!(s["figures"]["employees"], 22);
    // Lille is counted with the five placed in the area; the five pædagoger there join the
    // three smede as other groups, since three alone would be too few.
    assert_eq!(
        employees("by_sub_unit"),
        vec![
            (json!("Område"), 8),
            (json!("Mellem"), 6),
            (json!("Stor"), 8)
        ]
    );
    assert_eq!(s["by_sub_unit"][0]["pooled_units"][0]["name"], "Lille");
    assert_eq!(
        employees("by_professional_group"),
        vec![(json!(["pædagog", false]), 14), (json!([null, true]), 8)]
    );
    let units = app
        .expect(
            app.get(
                "/api/v1/org-units?limit=500",
                &token("REP", &["local_representative"]),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    let headcounts: BTreeMap<String, Value> = units["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["name"].as_str().unwrap().to_owned(),
                u["headcount"].clone(),
            )
        })
        .collect();
    assert_eq!(
        headcounts,
        BTreeMap::from([
            ("Område".to_owned(), json!({"direct": null, "total": 22})),
            ("Lille".to_owned(), json!({"direct": null, "total": null})),
            ("Mellem".to_owned(), json!({"direct": 6, "total": 6})),
            ("Stor".to_owned(), json!({"direct": 8, "total": 8})),
        ])
    );
    // As sets of the atoms above: the total, the three unit rows, the two group rows, and
    // the head-counts of the area (total) and of Mellem and Stor.
    let read = vec![
        vec![0, 1, 2, 3],
        vec![0, 1],
        vec![2],
        vec![3],
        vec![2, 3],
        vec![0, 1],
    ];
    let people: Vec<u64> = atoms.iter().map(|(_, _, n)| *n).collect();
    assert_eq!(
        devplan_domain::pooling::attacker::disclosed(&read, &people, 5),
        Ok(None)
    );
}
