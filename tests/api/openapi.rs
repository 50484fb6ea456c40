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

#[test]
fn every_code_the_service_can_send_is_a_value_of_the_documents_code_enums_and_no_other() {
    use devplan_domain::{FieldCode, ProblemCode};
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../openapi/openapi.json");
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("openapi/openapi.json"))
            .unwrap();
    let schemas = &doc["components"]["schemas"];
    let values = |name: &str| -> Vec<String> {
        let values = schemas[name]["enum"].as_array();
        let values = values.unwrap_or_else(|| panic!("{name} is an enum"));
        values
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect()
    };
    let problems: Vec<String> = ProblemCode::ALL.iter().map(|c| c.to_string()).collect();
    assert_eq!(values("ProblemCode"), problems);
    let fields: Vec<String> = FieldCode::ALL.iter().map(|c| c.to_string()).collect();
    assert_eq!(values("FieldCode"), fields);
    assert_eq!(
        schemas["Problem"]["properties"]["code"]["$ref"],
        "#/components/schemas/ProblemCode"
    );
    assert_eq!(
        schemas["FieldError"]["properties"]["code"]["$ref"],
        "#/components/schemas/FieldCode"
    );
    for (name, described) in [
        ("ProblemCode", ProblemCode::ALL.len()),
        ("FieldCode", FieldCode::ALL.len()),
    ] {
        let text = schemas[name]["description"].as_str().unwrap();
        assert_eq!(
            text.lines().filter(|l| l.starts_with("- `")).count(),
            described
        );
    }
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

#[test]
fn no_schema_name_stands_for_two_shapes() {
    let mut shapes: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> =
        Default::default();
    for (name, schema) in devplan_api::routes::published_schemas() {
        shapes
            .entry(name)
            .or_default()
            .insert(serde_json::to_string(&schema).unwrap());
    }
    assert!(shapes.len() > 50, "the routes publish their schemas");
    let clashes: Vec<&String> = shapes
        .iter()
        .filter(|(_, s)| s.len() > 1)
        .map(|(name, _)| name)
        .collect();
    assert!(
        clashes.is_empty(),
        "schema names used by two Rust types of different shapes: {clashes:?}"
    );
}

/// Every example in `v` (at `at`) with the schema it illustrates.
fn examples<'a>(v: &'a Value, at: String, out: &mut Vec<(String, &'a Value, &'a Value)>) {
    match v {
        Value::Object(map) => {
            let schema = map.get("schema").unwrap_or(v);
            if let Some(example) = map.get("example") {
                out.push((format!("{at}/example"), schema, example));
            }
            if let Some(Value::Object(named)) = map.get("examples") {
                for (name, example) in named {
                    out.push((format!("{at}/examples/{name}"), schema, &example["value"]));
                }
            }
            if let (Some(Value::Array(list)), None) = (map.get("examples"), map.get("schema")) {
                for (i, example) in list.iter().enumerate() {
                    out.push((format!("{at}/examples/{i}"), v, example));
                }
            }
            for (key, child) in map {
                if key != "example" && key != "examples" {
                    examples(child, format!("{at}/{key}"), out);
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                examples(child, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn every_example_in_the_document_validates_against_its_own_schema() {
    let doc = serde_json::to_value(devplan_api::app::api_doc()).unwrap();
    let mut found = Vec::new();
    examples(&doc, String::new(), &mut found);
    assert!(
        found.len() > 30,
        "the document has examples: {}",
        found.len()
    );
    let mut wrong = Vec::new();
    for (at, schema, example) in found {
        let mut schema = schema.clone();
        if let Value::Object(map) = &mut schema {
            map.remove("example");
            map.remove("examples");
        }
        let validator = devplan_api::contract::compile(&doc["components"], &schema)
            .unwrap_or_else(|e| panic!("{at}: the schema does not compile: {e}"));
        let errors: Vec<String> = validator
            .iter_errors(example)
            .map(|e| format!("{}: {e}", e.instance_path().as_str()))
            .collect();
        if !errors.is_empty() {
            wrong.push(format!("{at}: {errors:?}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "examples that break their schema:\n{}",
        wrong.join("\n")
    );
}
