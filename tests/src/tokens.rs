//! Tokens: the key material test apps accept, claims to forge, and the standard callers.

use devplan_api::auth::Verifier;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use crate::fixture;

/// The HS256 secret test apps accept.
pub const SECRET: &str = "devplan-test-secret-with-enough-bytes-0123456789";

/// The issuer test apps require.
pub const ISSUER: &str = "devplan-test";

/// The audience test apps require.
pub const AUDIENCE: &str = "devplan-test-api";

/// The subject of the HR integration client.
pub const HR: &str = "hr-integration";

/// Which key material an app is started with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keys {
    /// The HS256 secret only.
    Secret,
    /// The RS256 public key of `fixtures/` only.
    Rs256,
    /// The ES256 public key of `fixtures/` only.
    Es256,
}

/// A verifier for the tests' key material, with the default claim rules.
pub fn verifier(keys: Keys) -> Verifier {
    let (secret, public) = match keys {
        Keys::Secret => (Some(SECRET.as_bytes().to_vec()), None),
        Keys::Rs256 => (None, Some(fixture("rs256-public.pem"))),
        Keys::Es256 => (None, Some(fixture("es256-public.pem"))),
    };
    Verifier::new(
        secret.as_deref(),
        public.as_deref(),
        None,
        ISSUER.into(),
        AUDIENCE.into(),
        5,
    )
    .expect("verifier")
}

/// Claims for a token; tests change fields to forge bad ones.
pub fn claims(sub: &str, roles: &[&str]) -> Value {
    let now = chrono::Utc::now().timestamp();
    json!({"sub": sub, "roles": roles, "exp": now + 600, "nbf": now - 10, "iat": now, "iss": ISSUER, "aud": AUDIENCE})
}

/// Signs `claims` with HS256 and `secret`.
pub fn sign_hs256(claims: &Value, secret: &[u8]) -> String {
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret),
    )
    .expect("sign")
}

/// A valid token for `sub` with `roles`.
pub fn token(sub: &str, roles: &[&str]) -> String {
    sign_hs256(&claims(sub, roles), SECRET.as_bytes())
}

/// The callers of the access tests, each with the roles their token asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Who {
    /// EMP-A1 as employee.
    Employee,
    /// MGR-A as employee and manager.
    Manager,
    /// REP-A as local representative.
    Representative,
    /// MEM-A as committee member.
    Committee,
    /// The HR integration.
    Hr,
}

impl Who {
    /// Every caller.
    pub const ALL: [Who; 5] = [
        Who::Employee,
        Who::Manager,
        Who::Representative,
        Who::Committee,
        Who::Hr,
    ];

    /// The caller's token.
    pub fn token(self) -> String {
        match self {
            Who::Employee => token("EMP-A1", &["employee"]),
            Who::Manager => token("MGR-A", &["employee", "manager"]),
            Who::Representative => token("REP-A", &["local_representative"]),
            Who::Committee => token("MEM-A", &["committee"]),
            Who::Hr => token(HR, &["hr"]),
        }
    }
}
