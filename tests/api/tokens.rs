//! Every way a token can be wrong answers 401 problem+json with `WWW-Authenticate: Bearer`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use devplan_tests::*;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn assert_rejected(app: &TestApp, token: Option<&str>) {
    let response = app.send(Method::GET, "/api/v1/me", token, None).await;
    let challenge = response
        .headers()
        .get("www-authenticate")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        challenge.starts_with("Bearer"),
        "WWW-Authenticate was {challenge:?}"
    );
    assert_problem(response, StatusCode::UNAUTHORIZED, "unauthorized").await;
}

fn with(claims: Value, field: &str, value: Value) -> Value {
    let mut c = claims;
    c[field] = value;
    c
}

#[tokio::test]
async fn a_missing_token_is_refused() {
    let app = spawn_app().await;
    app.standard_org().await;
    assert_rejected(&app, None).await;
    let response = app
        .client
        .get(format!("{}/api/v1/me", app.base))
        .header("authorization", "Basic dXNlcjpwdw==")
        .send()
        .await
        .unwrap();
    assert_problem(response, StatusCode::UNAUTHORIZED, "unauthorized").await;
}

#[tokio::test]
async fn malformed_expired_early_and_foreign_tokens_are_refused() {
    let app = spawn_app().await;
    app.standard_org().await;
    let now = chrono::Utc::now().timestamp();
    let good = claims("EMP-A1", &["employee"]);
    assert_rejected(&app, Some("not-a-jwt")).await;
    assert_rejected(&app, Some("a.b.c")).await;
    // expired beyond the leeway
    assert_rejected(
        &app,
        Some(&sign_hs256(
            &with(good.clone(), "exp", json!(now - 60)),
            SECRET.as_bytes(),
        )),
    )
    .await;
    // not valid yet
    assert_rejected(
        &app,
        Some(&sign_hs256(
            &with(good.clone(), "nbf", json!(now + 600)),
            SECRET.as_bytes(),
        )),
    )
    .await;
    // signed with another secret
    assert_rejected(
        &app,
        Some(&sign_hs256(
            &good,
            b"another-secret-another-secret-another-secret",
        )),
    )
    .await;
    assert_rejected(
        &app,
        Some(&sign_hs256(
            &with(good.clone(), "iss", json!("someone-else")),
            SECRET.as_bytes(),
        )),
    )
    .await;
    assert_rejected(
        &app,
        Some(&sign_hs256(
            &with(good.clone(), "aud", json!("another-api")),
            SECRET.as_bytes(),
        )),
    )
    .await;
    // The array form of RFC 7519: accepted when it names this API, refused when it does not.
    assert_rejected(
        &app,
        Some(&sign_hs256(
            &with(good.clone(), "aud", json!(["another-api", "a-third"])),
            SECRET.as_bytes(),
        )),
    )
    .await;
    app.expect(
        app.get(
            "/api/v1/me",
            &sign_hs256(
                &with(good.clone(), "aud", json!(["another-api", AUDIENCE])),
                SECRET.as_bytes(),
            ),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let mut no_exp = good.clone();
    no_exp.as_object_mut().unwrap().remove("exp");
    assert_rejected(&app, Some(&sign_hs256(&no_exp, SECRET.as_bytes()))).await;
    // and the same token, correct, is accepted
    app.expect(
        app.get("/api/v1/me", &sign_hs256(&good, SECRET.as_bytes()))
            .await,
        StatusCode::OK,
    )
    .await;
}

#[tokio::test]
async fn an_unsigned_alg_none_token_is_refused() {
    let app = spawn_app().await;
    app.standard_org().await;
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims("EMP-A1", &["employee", "hr"]).to_string());
    assert_rejected(&app, Some(&format!("{header}.{payload}."))).await;
}

#[tokio::test]
async fn a_valid_token_for_an_unknown_subject_is_refused() {
    let app = spawn_app().await;
    app.standard_org().await;
    assert_rejected(&app, Some(&token("NO-SUCH-PERSON", &["employee"]))).await;
    assert_rejected(
        &app,
        Some(&token(&uuid::Uuid::now_v7().to_string(), &["hr"])),
    )
    .await;
    // an employee's external id and id both name them
    let me = app
        .expect(
            app.get("/api/v1/me", &token("EMP-A1", &["employee"])).await,
            StatusCode::OK,
        )
        .await;
    let id = me["employee"]["id"].as_str().unwrap();
    app.expect(
        app.get("/api/v1/me", &token(id, &["employee"])).await,
        StatusCode::OK,
    )
    .await;
}

#[tokio::test]
async fn rs256_tokens_verify_with_the_public_key_and_hs256_tokens_made_from_it_do_not() {
    let app = spawn_app_with(Keys::Rs256).await;
    let key = EncodingKey::from_rsa_pem(&fixture("rs256-private.pem")).unwrap();
    let rs =
        jsonwebtoken::encode(&Header::new(Algorithm::RS256), &claims(HR, &["hr"]), &key).unwrap();
    app.expect(app.get("/api/v1/me", &rs).await, StatusCode::OK)
        .await;
    // The algorithm-confusion attack: HMAC keyed with the public key's PEM text.
    let forged = sign_hs256(&claims(HR, &["hr"]), &fixture("rs256-public.pem"));
    assert_rejected(&app, Some(&forged)).await;
    // An RS256 token signed by another key.
    let other = EncodingKey::from_ec_pem(&fixture("es256-private.pem")).unwrap();
    let es =
        jsonwebtoken::encode(&Header::new(Algorithm::ES256), &claims(HR, &["hr"]), &other).unwrap();
    assert_rejected(&app, Some(&es)).await;
}

#[tokio::test]
async fn es256_tokens_verify_with_an_ec_public_key() {
    let app = spawn_app_with(Keys::Es256).await;
    let key = EncodingKey::from_ec_pem(&fixture("es256-private.pem")).unwrap();
    let es =
        jsonwebtoken::encode(&Header::new(Algorithm::ES256), &claims(HR, &["hr"]), &key).unwrap();
    app.expect(app.get("/api/v1/me", &es).await, StatusCode::OK)
        .await;
    assert_rejected(&app, Some(&token(HR, &["hr"]))).await;
}
