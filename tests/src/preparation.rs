//! Preparation guides and answers: a published guide in one call, and a participant's answers.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{TestApp, Who};

/// A guide's questions: one whose answers seed professional goals, a scale and a choice.
pub fn guide_questions() -> Value {
    json!([
        {"key": "maal", "text_da": "Hvilke mål vil du sætte for de kommende år?", "text_en": "Which goals would you set?", "kind": "free_text", "seeds_goals": "professional"},
        {"key": "trivsel", "text_da": "Hvordan trives du (1–5)?", "kind": "scale"},
        {"key": "kursus", "text_da": "Ønsker du et kursus?", "kind": "choice", "options": [
            {"value": "ja", "label_da": "Ja", "label_en": "Yes"},
            {"value": "nej", "label_da": "Nej"}
        ]}
    ])
}

impl TestApp {
    /// HR creates a guide for `format` interviews with [`guide_questions`] and publishes its
    /// first version. Returns the guide.
    pub async fn published_guide(&self, name: &str, format: &str) -> Value {
        let hr = Who::Hr.token();
        let guide = self
            .expect(
                self.post(
                    "/api/v1/preparation-guides",
                    &hr,
                    &json!({"name": name, "format": format, "questions": guide_questions()}),
                )
                .await,
                StatusCode::CREATED,
            )
            .await;
        let id = guide["id"].as_str().expect("a guide id");
        self.expect(
            self.post(
                &format!("/api/v1/preparation-guides/{id}/versions/1/publish"),
                &hr,
                &json!(null),
            )
            .await,
            StatusCode::OK,
        )
        .await;
        guide
    }

    /// Writes `token`'s answers to an interview's guide, expecting `status`; returns the body.
    pub async fn prepare(
        &self,
        interview: &str,
        token: &str,
        answers: Value,
        status: StatusCode,
    ) -> Value {
        self.expect(
            self.send(
                reqwest::Method::PUT,
                &format!("/api/v1/development-interviews/{interview}/preparation/mine"),
                Some(token),
                Some(&json!({ "answers": answers })),
            )
            .await,
            status,
        )
        .await
    }
}
