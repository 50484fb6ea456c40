//! Identity providers: keys from a JWKS URL chosen by `kid` and refreshed on rotation, the
//! claim that names the employee, and HR granted by configuration only.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{App, HttpResponse, HttpServer, web};
use devplan_api::auth::{ClaimRules, HrGrant, Jwks, SubjectMatch, Verifier};
use devplan_tests::*;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A provider's key set on loopback, which the test can change, counting its fetches.
struct Provider {
    keys: Mutex<Value>,
    fetches: AtomicU32,
}

async fn jwks(provider: web::Data<Provider>) -> HttpResponse {
    provider.fetches.fetch_add(1, Ordering::SeqCst);
    let keys = provider.keys.lock().expect("lock").clone();
    HttpResponse::Ok().json(keys)
}

fn provider() -> (String, Arc<Provider>) {
    let provider = web::Data::new(Provider {
        keys: Mutex::new(json!({"keys": []})),
        fetches: AtomicU32::new(0),
    });
    let shared = provider.clone().into_inner();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let server = HttpServer::new(move || {
        App::new()
            .app_data(provider.clone())
            .route("/keys", web::get().to(jwks))
    })
    .workers(1)
    .listen(listener)
    .expect("listen")
    .run();
    tokio::spawn(server);
    (format!("http://127.0.0.1:{port}/keys"), shared)
}

/// A public key of `fixtures/` as a JWK named `kid`.
fn jwk(file: &str, kid: &str) -> Value {
    let mut key: Value = serde_json::from_slice(&fixture(file)).expect("a JWK");
    key["kid"] = json!(kid);
    key
}

/// `claims` signed by the fixture key of `alg`, naming `kid`.
fn signed(alg: Algorithm, kid: &str, claims: &Value) -> String {
    let key = match alg {
        Algorithm::RS256 => EncodingKey::from_rsa_pem(&fixture("rs256-private.pem")),
        _ => EncodingKey::from_ec_pem(&fixture("es256-private.pem")),
    }
    .expect("key");
    let mut header = Header::new(alg);
    header.kid = Some(kid.to_owned());
    jsonwebtoken::encode(&header, claims, &key).expect("sign")
}

/// The tests' HS256 secret (so HR can set the organisation up), the provider's keys, and
/// `rules`.
fn verifying(jwks_url: Option<String>, rules: ClaimRules) -> Verifier {
    let jwks = jwks_url.map(|url| Jwks::new(url, Duration::from_millis(1_000)).expect("jwks"));
    Verifier::new(
        Some(SECRET.as_bytes()),
        None,
        jwks,
        ISSUER.into(),
        AUDIENCE.into(),
        5,
    )
    .expect("verifier")
    .with_rules(rules)
}

async fn me(app: &TestApp, token: &str) -> reqwest::Response {
    app.get("/api/v1/me", token).await
}

#[tokio::test]
async fn a_token_signed_by_a_key_of_the_providers_jwks_is_accepted_also_after_a_rotation() {
    let (url, provider) = provider();
    *provider.keys.lock().expect("lock") =
        json!({"keys": [jwk("rs256-public.jwk.json", "key-2026-1")]});
    let app = spawn_app_verifying(verifying(Some(url), ClaimRules::default())).await;
    app.standard_org().await;
    let employee = claims("EMP-A1", &["employee"]);

    let first = signed(Algorithm::RS256, "key-2026-1", &employee);
    let body = app.expect(me(&app, &first).await, StatusCode::OK).await;
    assert_eq!(body["employee"]["external_id"], "EMP-A1");
    assert_eq!(provider.fetches.load(Ordering::SeqCst), 1);

    // `aud` as a list: accepted when ours is among them.
    let mut listed = employee.clone();
    listed["aud"] = json!(["graph", AUDIENCE]);
    app.expect(
        me(&app, &signed(Algorithm::RS256, "key-2026-1", &listed)).await,
        StatusCode::OK,
    )
    .await;
    listed["aud"] = json!(["graph"]);
    assert_problem(
        me(&app, &signed(Algorithm::RS256, "key-2026-1", &listed)).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;

    // The provider rotates to a new key (another algorithm, too); no restart.
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    *provider.keys.lock().expect("lock") =
        json!({"keys": [jwk("es256-public.jwk.json", "key-2026-2")]});
    let second = signed(Algorithm::ES256, "key-2026-2", &employee);
    app.expect(me(&app, &second).await, StatusCode::OK).await;
    assert_eq!(provider.fetches.load(Ordering::SeqCst), 2);
    // The retired key is gone with its set.
    assert_problem(
        me(&app, &first).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;

    // Made-up key ids do not make devplan ask the provider again and again.
    let fetches = provider.fetches.load(Ordering::SeqCst);
    for i in 0..5 {
        let forged = signed(Algorithm::ES256, &format!("made-up-{i}"), &employee);
        assert_problem(
            me(&app, &forged).await,
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        )
        .await;
    }
    assert!(
        provider.fetches.load(Ordering::SeqCst) <= fetches + 1,
        "at most one fetch a second"
    );
    // A token under a known kid but for another algorithm than its key is refused.
    let confused = signed(Algorithm::RS256, "key-2026-2", &employee);
    assert_problem(
        me(&app, &confused).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
}

#[tokio::test]
async fn an_employee_token_claiming_hr_is_not_hr_unless_the_configuration_trusts_that_claim() {
    let new_unit = |org: &Org| json!({"name": "Ny enhed", "parent_id": org.k});
    let asks_hr = claims("EMP-A1", &["employee", "hr"]);

    // By default a token's `roles` never make an employee HR.
    let app = spawn_app().await;
    let org = app.standard_org().await;
    let token = sign_hs256(&asks_hr, SECRET.as_bytes());
    assert_problem(
        app.post("/api/v1/org-units", &token, &new_unit(&org)).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let body = app.expect(me(&app, &token).await, StatusCode::OK).await;
    assert!(
        !body["roles"]
            .as_array()
            .expect("roles")
            .contains(&json!("hr")),
        "{body}"
    );

    // Configured to trust an Entra ID group: members are HR, `roles: ["hr"]` alone is not.
    let rules = ClaimRules {
        hr: Some("groups=8d2b5c1e-hr".parse::<HrGrant>().expect("grant")),
        ..ClaimRules::default()
    };
    let app = spawn_app_verifying(verifying(None, rules)).await;
    let org = app.standard_org().await;
    let mut in_group = claims("EMP-A1", &["employee"]);
    in_group["groups"] = json!(["other", "8d2b5c1e-hr"]);
    app.expect(
        app.post(
            "/api/v1/org-units",
            &sign_hs256(&in_group, SECRET.as_bytes()),
            &new_unit(&org),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_problem(
        app.post(
            "/api/v1/org-units",
            &sign_hs256(&asks_hr, SECRET.as_bytes()),
            &new_unit(&org),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;

    // Configured to trust the token's roles, they count.
    let rules = ClaimRules {
        hr: Some("roles=hr".parse::<HrGrant>().expect("grant")),
        ..ClaimRules::default()
    };
    let app = spawn_app_verifying(verifying(None, rules)).await;
    let org = app.standard_org().await;
    app.expect(
        app.post(
            "/api/v1/org-units",
            &sign_hs256(&asks_hr, SECRET.as_bytes()),
            &new_unit(&org),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
}

#[tokio::test]
async fn the_configured_claim_names_the_employee_by_external_id_or_by_email() {
    let by_claim = ClaimRules {
        subject_claim: "employee_external_id".into(),
        ..ClaimRules::default()
    };
    let app = spawn_app_verifying(verifying(None, by_claim)).await;
    app.standard_org().await;
    let mut token = claims("00000000-provider-oid", &["employee"]);
    token["employee_external_id"] = json!("EMP-A1");
    let body = app
        .expect(
            me(&app, &sign_hs256(&token, SECRET.as_bytes())).await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(body["employee"]["external_id"], "EMP-A1");
    let problem = assert_problem(
        me(
            &app,
            &sign_hs256(&claims("EMP-A1", &["employee"]), SECRET.as_bytes()),
        )
        .await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap_or("")
            .contains("employee_external_id")
    );

    let by_email = ClaimRules {
        subject_claim: "email".into(),
        subject_match: SubjectMatch::Email,
        ..ClaimRules::default()
    };
    let app = spawn_app_verifying(verifying(None, by_email)).await;
    let org = app.standard_org().await;
    app.expect(
        app.patch(
            &format!("/api/v1/employees/{}", org.emp_a1),
            &Who::Hr.token(),
            &json!({"email": "bo.ansat@kommune.dk"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let mut token = claims("00000000-provider-oid", &["employee"]);
    token["email"] = json!("Bo.Ansat@Kommune.dk");
    let body = app
        .expect(
            me(&app, &sign_hs256(&token, SECRET.as_bytes())).await,
            StatusCode::OK,
        )
        .await;
    assert_eq!(body["employee"]["id"], org.emp_a1.as_str());
    token["email"] = json!("nobody@kommune.dk");
    assert_problem(
        me(&app, &sign_hs256(&token, SECRET.as_bytes())).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
}
