//! The OpenAPI document served is the committed one, and the docs need no network.

use devplan_tests::*;
use reqwest::{Method, StatusCode};
use serde_json::Value;

#[tokio::test]
async fn the_served_document_is_openapi_3_1_and_equals_the_committed_one() {
    let app = spawn_app().await;
    let served = app
        .expect(
            app.send(Method::GET, "/api/v1/openapi.json", None, None)
                .await,
            StatusCode::OK,
        )
        .await;
    assert!(served["openapi"].as_str().unwrap().starts_with("3.1"));
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../openapi/openapi.json");
    let committed: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("openapi/openapi.json"))
            .unwrap();
    assert!(
        served == committed,
        "openapi/openapi.json is stale: run `cargo run -q -- openapi > openapi/openapi.json`"
    );
}

#[tokio::test]
async fn every_operation_has_an_id_a_summary_security_and_its_error_responses() {
    let app = spawn_app().await;
    let doc = app
        .expect(
            app.send(Method::GET, "/api/v1/openapi.json", None, None)
                .await,
            StatusCode::OK,
        )
        .await;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let at = format!("{method} {path}");
            assert!(op["operationId"].is_string(), "{at}: operationId");
            assert!(op["summary"].is_string(), "{at}: summary");
            let public = op["security"].as_array().is_some_and(|s| {
                s.iter()
                    .any(|r| r.as_object().is_some_and(|o| o.is_empty()))
            });
            if path.starts_with("/api/v1") && !public {
                assert!(op["security"].is_array(), "{at}: security");
                assert!(op["responses"]["401"].is_object(), "{at}: 401");
            }
        }
    }
}

#[tokio::test]
async fn the_interactive_docs_are_served_from_the_binary_with_no_external_reference() {
    let app = spawn_app().await;
    let page = app
        .client
        .get(format!("{}/docs/", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    let mut assets = Vec::new();
    for attr in ["src=\"", "href=\""] {
        for part in html.split(attr).skip(1) {
            let target = part.split('"').next().unwrap();
            assert!(
                !target.contains("//"),
                "the docs page loads {target} from elsewhere"
            );
            assets.push(target.trim_start_matches("./").to_owned());
        }
    }
    assert!(!assets.is_empty());
    for asset in assets {
        let response = app
            .client
            .get(format!("{}/docs/{asset}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{asset}");
        if asset.ends_with("initializer.js") {
            let js = response.text().await.unwrap();
            assert!(!js.contains("http://") && !js.contains("https://"), "{js}");
        }
    }
}
