//! Plans: a drafted plan with every kind of item, and signing.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{Org, TestApp, Who, token};

/// A drafted plan in the standard organisation: MGR-A's plan for EMP-A1 with two goals (the
/// first served by a course), the course, and an open point.
#[derive(Debug, Clone)]
pub struct PlanFixture {
    /// The plan's id.
    pub id: String,
    /// The goal the course serves.
    pub served_goal: String,
    /// A goal no activity serves.
    pub free_goal: String,
    /// The course.
    pub activity: String,
    /// The open point.
    pub open_point: String,
    /// A development goal MGR-A published for area A.
    pub unit_goal: String,
    /// An offer of the catalogue.
    pub offer: String,
    /// EMP-A1's parental leave, recorded by HR.
    pub absence: String,
    /// A preparation guide HR published for individual interviews.
    pub guide: String,
    /// EMP-A1's development interview this year, offered by MGR-A (with the guide).
    pub interview: String,
    /// EMP-A1's preparation of the interview, not shared.
    pub preparation: String,
    /// A status review of area A, recorded by MGR-A today.
    pub review: String,
}

impl TestApp {
    /// POSTs to a plan's sub-resource as `who`, expecting `status`, returning the plan.
    pub async fn plan_post(
        &self,
        plan: &str,
        part: &str,
        token: &str,
        body: &Value,
        status: StatusCode,
    ) -> Value {
        self.expect(
            self.post(&format!("/api/v1/plans/{plan}{part}"), token, body)
                .await,
            status,
        )
        .await
    }

    /// Signs `plan`, as last read, as `who`; returns the plan as it is then.
    pub async fn sign_plan(&self, plan: &Value, who: &str) -> Value {
        self.plan_post(
            plan["id"].as_str().expect("a plan"),
            "/signatures",
            who,
            &json!({"revision": plan["revision"]}),
            StatusCode::CREATED,
        )
        .await
    }

    /// Has each of `signers` sign `plan` in turn, each reading what the one before left.
    pub async fn sign_all(&self, mut plan: Value, signers: &[String]) -> Value {
        for who in signers {
            plan = self.sign_plan(&plan, who).await;
        }
        plan
    }

    /// Drafts a plan from `body` as `manager` and has each of `signers` sign it: the one way
    /// the tests agree a plan. Returns the plan.
    pub async fn agree_plan(&self, manager: &str, body: &Value, signers: &[String]) -> Value {
        let plan = self
            .expect(
                self.post("/api/v1/plans", manager, body).await,
                StatusCode::CREATED,
            )
            .await;
        self.sign_all(plan, signers).await
    }

    /// MGR-A drafts a plan for EMP-A1 with two goals, a course and an open point.
    pub async fn plan_fixture(&self, org: &Org) -> PlanFixture {
        let manager = token("MGR-A", &["employee", "manager"]);
        let plan = self
            .expect(
                self.post("/api/v1/plans", &manager, &json!({"employee_id": org.emp_a1, "title": "Udviklingsplan 2026", "starts_on": "2026-01-01", "ends_on": "2026-12-31"})).await,
                StatusCode::CREATED,
            )
            .await;
        let id = plan["id"].as_str().expect("plan id").to_owned();
        let goal = json!({"description": "Konflikthåndtering", "competence_kind": "professional", "horizon": "short_term"});
        self.plan_post(&id, "/goals", &manager, &goal, StatusCode::CREATED)
            .await;
        let plan = self.plan_post(&id, "/goals", &manager, &json!({"description": "Mere overblik", "competence_kind": "personal", "horizon": "long_term"}), StatusCode::CREATED).await;
        let served_goal = plan["content"]["goals"][0]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let free_goal = plan["content"]["goals"][1]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let course = json!({"kind": "course", "title": "Konflikthåndtering i praksis", "goal_ids": [served_goal], "responsible": "manager"});
        let plan = self
            .plan_post(&id, "/activities", &manager, &course, StatusCode::CREATED)
            .await;
        let activity = plan["content"]["activities"][0]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let plan = self
            .plan_post(
                &id,
                "/open-points",
                &manager,
                &json!({"text": "Diplommodul?"}),
                StatusCode::CREATED,
            )
            .await;
        let open_point = plan["content"]["open_points"][0]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let unit_goal = self
            .expect(
                self.post(
                    &format!("/api/v1/org-units/{}/development-goals", org.a),
                    &manager,
                    &json!({"title": "Bedre forældresamarbejde"}),
                )
                .await,
                StatusCode::CREATED,
            )
            .await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let offer = self
            .expect(
                self.post("/api/v1/catalogue", &Who::Hr.token(), &json!({"kind": "course", "title": "Konflikthåndtering", "professional_groups": ["pædagog"]})).await,
                StatusCode::CREATED,
            )
            .await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let absence = self
            .expect(
                self.post("/api/v1/absences", &Who::Hr.token(), &json!({"employee_id": org.emp_a1, "kind": "parental_leave", "starts_on": "2025-03-01", "ends_on": "2025-06-30"})).await,
                StatusCode::CREATED,
            )
            .await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let year = chrono::Utc::now().format("%Y").to_string();
        let guide = self
            .published_guide("Forberedelse til MUS", "individual")
            .await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let interview = self
            .expect(
                self.post("/api/v1/development-interviews", &manager, &json!({"year": year.parse::<i32>().unwrap(), "format": "individual", "participants": [{"employee_id": org.emp_a1, "status": "offered"}]})).await,
                StatusCode::CREATED,
            )
            .await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let preparation = self
            .prepare(
                &interview,
                &Who::Employee.token(),
                json!([{"question": "trivsel", "scale": 4}]),
                StatusCode::CREATED,
            )
            .await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let review = self
            .expect(
                self.post(
                    "/api/v1/status-reviews",
                    &manager,
                    &json!({"unit_id": org.a, "held_on": chrono::Utc::now().date_naive()}),
                )
                .await,
                StatusCode::CREATED,
            )
            .await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        PlanFixture {
            review,
            id,
            served_goal,
            free_goal,
            activity,
            open_point,
            unit_goal,
            offer,
            absence,
            guide,
            interview,
            preparation,
        }
    }
}
