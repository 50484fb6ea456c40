//! Bulk sync: thousands of rows in one request, all-or-nothing, idempotent, every bad row named.

use devplan_tests::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn units(n: usize) -> Value {
    let mut rows = vec![json!({"external_id": "ROOT", "name": "Kommunen"})];
    rows.extend((0..n).map(|i| json!({"external_id": format!("U{i}"), "name": format!("Enhed {i}"), "parent_external_id": "ROOT"})));
    json!({ "rows": rows })
}

fn employees(n: usize, units: usize) -> Value {
    let rows: Vec<Value> = (0..n)
        .map(|i| {
            let group = ["pædagog", "lærer", "sosu-assistent"][i % 3];
            json!({
                "external_id": format!("E{i:05}"),
                "name": format!("Medarbejder {i}"),
                "email": format!("m{i}@kommune.dk"),
                "professional_group": group,
                "unit_external_id": format!("U{}", i % units),
                "manages_unit_external_ids": if i < units { vec![format!("U{i}")] } else { vec![] },
            })
        })
        .collect();
    json!({ "rows": rows })
}

/// Every employee, as HR lists them (up to 500).
async fn all_employees(app: &TestApp) -> Vec<Value> {
    let list = app
        .expect(
            app.get("/api/v1/employees?limit=500", &Who::Hr.token())
                .await,
            StatusCode::OK,
        )
        .await;
    list["items"].as_array().unwrap().clone()
}

/// Five units and a hundred employees, synced by HR.
async fn five_units_and_a_hundred_employees(app: &TestApp) {
    app.expect(
        app.post("/api/v1/sync/org-units", &Who::Hr.token(), &units(5))
            .await,
        StatusCode::OK,
    )
    .await;
    app.expect(
        app.post(
            "/api/v1/sync/employees",
            &Who::Hr.token(),
            &employees(100, 5),
        )
        .await,
        StatusCode::OK,
    )
    .await;
}

#[tokio::test]
async fn ten_thousand_employees_sync_in_one_request_and_a_repeat_changes_nothing() {
    let app = spawn_app().await;
    let hr = Who::Hr.token();
    let first = app
        .expect(
            app.post("/api/v1/sync/org-units", &hr, &units(50)).await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(first, json!({"created": 51, "updated": 0, "unchanged": 0}));
    let payload = employees(10_000, 50);
    let created = app
        .expect(
            app.post("/api/v1/sync/employees", &hr, &payload).await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(
        created,
        json!({"created": 10000, "updated": 0, "unchanged": 0})
    );
    let page = app
        .expect(
            app.get("/api/v1/employees?limit=1", &hr).await,
            StatusCode::OK,
        )
        .await;
    let before = page["items"][0].clone();

    let again = app
        .expect(
            app.post("/api/v1/sync/employees", &hr, &payload).await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(
        again,
        json!({"created": 0, "updated": 0, "unchanged": 10000})
    );
    let after = app
        .expect(
            app.get(
                &format!("/api/v1/employees/{}", before["id"].as_str().unwrap()),
                &hr,
            )
            .await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(
        after, before,
        "an unchanged record keeps its version and times"
    );
    let units_again = app
        .expect(
            app.post("/api/v1/sync/org-units", &hr, &units(50)).await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(
        units_again,
        json!({"created": 0, "updated": 0, "unchanged": 51})
    );

    // Every page of the list, walked by cursor, holds all 10,000 exactly once.
    let mut seen = std::collections::HashSet::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/employees?limit=500&cursor={c}"),
            None => "/api/v1/employees?limit=500".to_owned(),
        };
        let page = app.expect(app.get(&path, &hr).await, StatusCode::OK).await;
        for item in page["items"].as_array().unwrap() {
            assert!(seen.insert(item["id"].as_str().unwrap().to_owned()));
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 10_000);
}

#[tokio::test]
async fn a_payload_with_one_bad_row_writes_nothing_and_names_the_row() {
    let app = spawn_app().await;
    let hr = Who::Hr.token();
    five_units_and_a_hundred_employees(&app).await;

    let mut payload = employees(200, 5);
    payload["rows"][3]["name"] = json!("Omdøbt Medarbejder");
    payload["rows"][150]["unit_external_id"] = json!("NO-SUCH-UNIT");
    let problem = assert_problem(
        app.post("/api/v1/sync/employees", &hr, &payload).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["rows[150].unit_external_id"]);

    let items = all_employees(&app).await;
    assert_eq!(items.len(), 100, "no new row was written");
    assert!(
        items
            .iter()
            .all(|e| e["name"] != "Omdøbt Medarbejder" && e["version"] == 1),
        "no row was changed"
    );
}

#[tokio::test]
async fn every_bad_row_is_listed_with_its_field() {
    let app = spawn_app().await;
    let hr = Who::Hr.token();
    let payload = json!({"rows": [
        {"external_id": "A", "name": "Enhed A"},
        {"external_id": "B", "name": "", "parent_external_id": "A"},
        {"external_id": "A", "name": "Enhed A igen"},
        {"external_id": "C", "name": "Enhed C", "parent_external_id": "MISSING"},
        {"external_id": "D", "name": "x".repeat(201)},
    ]});
    let problem = assert_problem(
        app.post("/api/v1/sync/org-units", &hr, &payload).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let fields = error_fields(&problem);
    assert!(fields.contains(&"rows[1].name".to_owned()), "{fields:?}");
    assert!(fields.contains(&"rows[4].name".to_owned()), "{fields:?}");
    let list = app
        .expect(app.get("/api/v1/org-units", &hr).await, StatusCode::OK)
        .await;
    assert_eq!(list["items"], json!([]));
    // Once the text is right, the references are checked: the duplicate and the unknown parent.
    let payload = json!({"rows": [
        {"external_id": "A", "name": "Enhed A"},
        {"external_id": "A", "name": "Enhed A igen"},
        {"external_id": "C", "name": "Enhed C", "parent_external_id": "MISSING"},
    ]});
    let problem = assert_problem(
        app.post("/api/v1/sync/org-units", &hr, &payload).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(
        error_fields(&problem),
        vec!["rows[1].external_id", "rows[2].parent_external_id"]
    );
}

#[tokio::test]
async fn a_sync_may_reorganise_the_tree_in_any_order_but_never_into_a_cycle() {
    let app = spawn_app().await;
    let hr = Who::Hr.token();
    let tree = json!({"rows": [
        {"external_id": "K", "name": "K"},
        {"external_id": "X", "name": "X", "parent_external_id": "K"},
        {"external_id": "Y", "name": "Y", "parent_external_id": "X"},
    ]});
    app.expect(
        app.post("/api/v1/sync/org-units", &hr, &tree).await,
        StatusCode::OK,
    )
    .await;
    // Swap X and Y: listed child-first, valid as a whole.
    let swapped = json!({"rows": [
        {"external_id": "X", "name": "X", "parent_external_id": "Y"},
        {"external_id": "Y", "name": "Y", "parent_external_id": "K"},
    ]});
    let report = app
        .expect(
            app.post("/api/v1/sync/org-units", &hr, &swapped).await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(report, json!({"created": 0, "updated": 2, "unchanged": 0}));
    let cycle = json!({"rows": [{"external_id": "Y", "name": "Y", "parent_external_id": "X"}]});
    let problem = assert_problem(
        app.post("/api/v1/sync/org-units", &hr, &cycle).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["code"], "cycle");
}

#[tokio::test]
async fn committees_sync_with_parents_of_a_higher_level_and_known_members() {
    let app = spawn_app().await;
    app.standard_org().await;
    let hr = Who::Hr.token();
    let bad = json!({"rows": [
        {"external_id": "SEK", "name": "Sektor-MED", "level": "sector", "unit_external_id": "A", "parent_external_id": "MED-A"},
        {"external_id": "LOK", "name": "Lokal-MED", "level": "local", "unit_external_id": "A1", "member_external_ids": ["NOBODY"]},
    ]});
    let problem = assert_problem(
        app.post("/api/v1/sync/committees", &hr, &bad).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(
        error_fields(&problem),
        vec![
            "rows[0].parent_external_id",
            "rows[1].member_external_ids[0]"
        ]
    );
    let good = json!({"rows": [
        {"external_id": "LOK", "name": "Lokal-MED A1", "level": "local", "unit_external_id": "A1", "parent_external_id": "SEK", "member_external_ids": ["EMP-A1"]},
        {"external_id": "SEK", "name": "Sektor-MED", "level": "sector", "unit_external_id": "A", "parent_external_id": "HMU"},
    ]});
    let report = app
        .expect(
            app.post("/api/v1/sync/committees", &hr, &good).await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(report, json!({"created": 2, "updated": 0, "unchanged": 0}));
    let again = app
        .expect(
            app.post("/api/v1/sync/committees", &hr, &good).await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(again, json!({"created": 0, "updated": 0, "unchanged": 2}));
}

#[tokio::test]
async fn a_sync_that_fails_part_way_through_its_writes_leaves_nothing_behind() {
    let app = spawn_app().await;
    let hr = Who::Hr.token();
    five_units_and_a_hundred_employees(&app).await;
    // The database refuses one row, the last of 1,500: every check before the writes passes,
    // and earlier rows are already written when it fails.
    if app.on_postgres() {
        app.sql(
            "CREATE FUNCTION refuse_row() RETURNS trigger AS $$ BEGIN \
             IF NEW.name = 'Afvist af databasen' THEN RAISE EXCEPTION 'injected failure'; \
             END IF; RETURN NEW; END $$ LANGUAGE plpgsql; \
             CREATE TRIGGER refuse_row BEFORE INSERT ON employees \
             FOR EACH ROW EXECUTE FUNCTION refuse_row();",
        )
        .await;
    } else {
        app.sql(
            "CREATE TRIGGER refuse_row BEFORE INSERT ON employees \
             WHEN NEW.name = 'Afvist af databasen' \
             BEGIN SELECT RAISE(ABORT, 'injected failure'); END;",
        )
        .await;
    }
    let mut payload = employees(1_500, 5);
    payload["rows"][3]["name"] = json!("Omdøbt Medarbejder");
    payload["rows"][1_499]["name"] = json!("Afvist af databasen");
    let failed = app.post("/api/v1/sync/employees", &hr, &payload).await;
    assert_eq!(failed.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let items = all_employees(&app).await;
    assert_eq!(items.len(), 100, "no new row stayed");
    assert!(
        items
            .iter()
            .all(|e| e["name"] != "Omdøbt Medarbejder" && e["version"] == 1),
        "no change stayed"
    );
}
