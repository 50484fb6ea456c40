//! The standard organisation the access tests run against, and people in it.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{TestApp, Who};

/// Employee sync rows with a history each: placed where the row says since `since`, so past
/// periods count them (a row without one is placed from the day it is synced).
pub fn placed_since(since: &str, mut rows: Vec<Value>) -> Vec<Value> {
    for row in &mut rows {
        if row.get("placements").is_some() || row.get("active") == Some(&Value::Bool(false)) {
            continue;
        }
        let placement = json!({
            "from": since,
            "unit_external_id": row["unit_external_id"],
            "professional_group": row.get("professional_group").cloned().unwrap_or(Value::Null),
        });
        row["placements"] = json!([placement]);
    }
    rows
}

/// The standard organisation: Kommunen (K) with area A (institution A1 below it) and area B.
/// MGR-A manages A, REP-A represents A, MEM-A and MGR-A sit on Lokal-MED A (covering A),
/// MGR-B manages B and sits on the Hoved-MED (covering K).
#[derive(Debug, Clone)]
pub struct Org {
    /// Kommunen.
    pub k: String,
    /// Område A.
    pub a: String,
    /// Institution A1, under A.
    pub a1: String,
    /// Område B.
    pub b: String,
    /// Manager of A.
    pub mgr_a: String,
    /// Employee in A1.
    pub emp_a1: String,
    /// Local representative for A, working in A1.
    pub rep_a: String,
    /// Member of Lokal-MED A, working in A1.
    pub mem_a: String,
    /// Manager of B, member of Hoved-MED.
    pub mgr_b: String,
    /// Employee in B.
    pub emp_b: String,
    /// Hoved-MED.
    pub hmu: String,
    /// Lokal-MED A.
    pub med_a: String,
    /// OK24.
    pub period: String,
}

impl TestApp {
    /// Sets up the standard organisation as HR, over HTTP.
    pub async fn standard_org(&self) -> Org {
        let hr = Who::Hr.token();
        let units = json!({"rows": [
            {"external_id": "K", "name": "Kommunen"},
            {"external_id": "A", "name": "Område A", "parent_external_id": "K"},
            {"external_id": "A1", "name": "Institution A1", "parent_external_id": "A"},
            {"external_id": "B", "name": "Område B", "parent_external_id": "K"},
        ]});
        self.expect(
            self.post("/api/v1/sync/org-units", &hr, &units).await,
            StatusCode::OK,
        )
        .await;
        let employees = json!({"rows": [
            {"external_id": "MGR-A", "name": "Anna Leder", "unit_external_id": "A", "manages_unit_external_ids": ["A"]},
            {"external_id": "EMP-A1", "name": "Bo Ansat", "unit_external_id": "A1", "professional_group": "pædagog"},
            {"external_id": "REP-A", "name": "Rita Repræsentant", "unit_external_id": "A1", "represents_unit_external_ids": ["A"]},
            {"external_id": "MEM-A", "name": "Mads Medlem", "unit_external_id": "A1"},
            {"external_id": "MGR-B", "name": "Bente Leder", "unit_external_id": "B", "manages_unit_external_ids": ["B"]},
            {"external_id": "EMP-B", "name": "Carl Ansat", "unit_external_id": "B"},
        ]});
        self.expect(
            self.post("/api/v1/sync/employees", &hr, &employees).await,
            StatusCode::OK,
        )
        .await;
        let committees = json!({"rows": [
            {"external_id": "HMU", "name": "Hoved-MED", "level": "main", "unit_external_id": "K", "member_external_ids": ["MGR-B"]},
            {"external_id": "MED-A", "name": "Lokal-MED A", "level": "local", "unit_external_id": "A", "parent_external_id": "HMU", "member_external_ids": ["MEM-A", "MGR-A"]},
        ]});
        self.expect(
            self.post("/api/v1/sync/committees", &hr, &committees).await,
            StatusCode::OK,
        )
        .await;
        let period = json!({"name": "OK24", "starts_on": "2024-04-01", "ends_on": "2027-03-31"});
        let period = self
            .expect(
                self.post("/api/v1/agreement-periods", &hr, &period).await,
                StatusCode::CREATED,
            )
            .await;

        let units = self
            .expect(
                self.get("/api/v1/org-units?limit=500", &hr).await,
                StatusCode::OK,
            )
            .await;
        let unit = |ext: &str| id_by_external(&units, ext);
        let employees = self
            .expect(
                self.get("/api/v1/employees?limit=500", &hr).await,
                StatusCode::OK,
            )
            .await;
        let employee = |ext: &str| id_by_external(&employees, ext);
        let committees = self
            .expect(
                self.get("/api/v1/committees?limit=500", &hr).await,
                StatusCode::OK,
            )
            .await;
        let committee = |ext: &str| id_by_external(&committees, ext);
        Org {
            k: unit("K"),
            a: unit("A"),
            a1: unit("A1"),
            b: unit("B"),
            mgr_a: employee("MGR-A"),
            emp_a1: employee("EMP-A1"),
            rep_a: employee("REP-A"),
            mem_a: employee("MEM-A"),
            mgr_b: employee("MGR-B"),
            emp_b: employee("EMP-B"),
            hmu: committee("HMU"),
            med_a: committee("MED-A"),
            period: period["id"].as_str().expect("period id").to_owned(),
        }
    }

    /// The id of the unit with `external_id`.
    pub async fn unit_id(&self, external_id: &str) -> String {
        let units = self
            .expect(
                self.get("/api/v1/org-units?limit=500", &Who::Hr.token())
                    .await,
                StatusCode::OK,
            )
            .await;
        units["items"]
            .as_array()
            .and_then(|items| items.iter().find(|u| u["external_id"] == external_id))
            .and_then(|u| u["id"].as_str())
            .unwrap_or_else(|| panic!("no unit {external_id}"))
            .to_owned()
    }

    /// The employee record with `external_id`, as HR reads it (first 500 employees).
    pub async fn employee_by_external(&self, external_id: &str) -> Value {
        let people = self
            .expect(
                self.get("/api/v1/employees?limit=500", &Who::Hr.token())
                    .await,
                StatusCode::OK,
            )
            .await;
        people["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|e| e["external_id"] == external_id)
            .cloned()
            .unwrap_or_else(|| panic!("no employee {external_id}"))
    }

    /// HR marks the employee `id` as having left.
    pub async fn leaves(&self, id: &str) {
        self.expect(
            self.patch(
                &format!("/api/v1/employees/{id}"),
                &Who::Hr.token(),
                &json!({"active": false}),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    }
}

fn id_by_external(list: &Value, external_id: &str) -> String {
    list["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["external_id"] == external_id)
        .and_then(|i| i["id"].as_str())
        .unwrap_or_else(|| panic!("no {external_id} in {list}"))
        .to_owned()
}
