//! Bearer tokens: verification of signature, algorithm, time, issuer and audience.

use std::collections::BTreeSet;

use devplan_domain::org::Role;
use jsonwebtoken::{
    Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, decode_header, encode,
};
use serde::{Deserialize, Serialize};

/// The claims devplan reads from a token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// The caller: an employee's id or external id, or an integration client's subject.
    pub sub: String,
    /// Kinds of access asked for; unknown names are ignored.
    #[serde(default)]
    pub roles: Vec<String>,
    /// Expiry, seconds since the epoch.
    pub exp: i64,
    /// Not before, seconds since the epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    /// Issued at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat: Option<i64>,
    /// Issuer.
    pub iss: String,
    /// Audience: one, or several as RFC 7519 allows (jsonwebtoken checks ours is among them).
    pub aud: Audience,
}

/// The `aud` claim in either of its RFC 7519 forms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Audience {
    /// `"aud": "devplan-api"`.
    One(String),
    /// `"aud": ["devplan-api", …]`.
    Many(Vec<String>),
}

impl Claims {
    /// The roles this token asks for.
    pub fn known_roles(&self) -> BTreeSet<Role> {
        self.roles.iter().filter_map(|r| Role::parse(r)).collect()
    }
}

/// How a public key verifies: which algorithm it is for.
struct PublicKey {
    key: DecodingKey,
    algorithm: Algorithm,
}

/// Checks tokens against the configured key material.
pub struct Verifier {
    secret: Option<(EncodingKey, DecodingKey)>,
    public: Option<PublicKey>,
    issuer: String,
    audience: String,
    leeway: u64,
}

/// Why key material could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// Neither a secret nor a public key was configured.
    #[error(
        "no token key material: set DEVPLAN_JWT_SECRET (HS256) or DEVPLAN_JWT_PUBLIC_KEY (a PEM file, RS256/ES256)"
    )]
    Missing,
    /// The secret is too short to be safe.
    #[error("DEVPLAN_JWT_SECRET must be at least 32 bytes")]
    WeakSecret,
    /// The PEM file could not be read or parsed.
    #[error("DEVPLAN_JWT_PUBLIC_KEY: {0}")]
    BadPublicKey(String),
}

impl Verifier {
    /// A verifier for an HS256 `secret` and/or a PEM public key (RSA for RS256, EC P-256 for ES256).
    pub fn new(
        secret: Option<&[u8]>,
        public_pem: Option<&[u8]>,
        issuer: String,
        audience: String,
        leeway: u64,
    ) -> Result<Self, KeyError> {
        if secret.is_none() && public_pem.is_none() {
            return Err(KeyError::Missing);
        }
        let secret = match secret {
            Some(s) if s.len() < 32 => return Err(KeyError::WeakSecret),
            Some(s) => Some((EncodingKey::from_secret(s), DecodingKey::from_secret(s))),
            None => None,
        };
        let public = public_pem
            .map(|pem| {
                DecodingKey::from_rsa_pem(pem)
                    .map(|key| PublicKey {
                        key,
                        algorithm: Algorithm::RS256,
                    })
                    .or_else(|_| {
                        DecodingKey::from_ec_pem(pem).map(|key| PublicKey {
                            key,
                            algorithm: Algorithm::ES256,
                        })
                    })
                    .map_err(|e| KeyError::BadPublicKey(e.to_string()))
            })
            .transpose()?;
        Ok(Self {
            secret,
            public,
            issuer,
            audience,
            leeway,
        })
    }

    /// The claims of a valid token, or a reason fit to show the client.
    pub fn verify(&self, token: &str) -> Result<Claims, String> {
        let header = decode_header(token).map_err(|_| "the token is malformed".to_owned())?;
        // The key is chosen by the configured material, never by the token alone: an HS256
        // token can only be checked with the shared secret, so a public key can never be
        // misused as an HMAC secret.
        let key = match (header.alg, &self.secret, &self.public) {
            (Algorithm::HS256, Some((_, key)), _) => key,
            (alg, _, Some(public)) if alg == public.algorithm => &public.key,
            (alg, _, _) => return Err(format!("tokens signed with {alg:?} are not accepted")),
        };
        let mut validation = Validation::new(header.alg);
        validation.leeway = self.leeway;
        validation.validate_nbf = true;
        validation.set_required_spec_claims(&["exp", "sub", "iss", "aud"]);
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        decode::<Claims>(token, key, &validation)
            .map(|data| data.claims)
            .map_err(|e| {
                use jsonwebtoken::errors::ErrorKind as K;
                match e.kind() {
                    K::ExpiredSignature => "the token has expired",
                    K::ImmatureSignature => "the token is not valid yet",
                    K::InvalidSignature => "the token's signature is invalid",
                    K::InvalidIssuer => "the token's issuer is not accepted",
                    K::InvalidAudience => "the token's audience is not this API",
                    K::MissingRequiredClaim(_) => "the token lacks a required claim",
                    _ => "the token is invalid",
                }
                .to_owned()
            })
    }

    /// Mints an HS256 token for `sub` with `roles`, valid for `ttl` seconds.
    pub fn mint(&self, sub: &str, roles: &[String], ttl: i64) -> Result<String, String> {
        let (key, _) = self
            .secret
            .as_ref()
            .ok_or("minting needs DEVPLAN_JWT_SECRET (HS256)")?;
        let now = crate::clock::Clock::now(&crate::clock::SystemClock).timestamp();
        let claims = Claims {
            sub: sub.to_owned(),
            roles: roles.to_vec(),
            exp: now + ttl,
            nbf: Some(now),
            iat: Some(now),
            iss: self.issuer.clone(),
            aud: Audience::One(self.audience.clone()),
        };
        encode(&Header::new(Algorithm::HS256), &claims, key).map_err(|e| e.to_string())
    }
}
