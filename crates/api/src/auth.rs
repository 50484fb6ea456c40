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
    /// Every other claim, for the configured mapping of a claim to the employee and of a
    /// claim to HR (`oid`, `email`, `groups`, …).
    #[serde(flatten, default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub other: serde_json::Map<String, serde_json::Value>,
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

    /// The claim `name` as JSON.
    pub fn claim(&self, name: &str) -> Option<serde_json::Value> {
        match name {
            "sub" => Some(serde_json::Value::String(self.sub.clone())),
            "roles" => Some(serde_json::json!(self.roles)),
            other => self.other.get(other).cloned(),
        }
    }
}

/// How an employee is found from the claim that names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SubjectMatch {
    /// The claim holds the employee's id or external id.
    #[default]
    IdOrExternalId,
    /// The claim holds the employee's work e-mail (compared without regard to case).
    Email,
}

impl std::str::FromStr for SubjectMatch {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "id" | "external_id" | "id_or_external_id" => Ok(SubjectMatch::IdOrExternalId),
            "email" => Ok(SubjectMatch::Email),
            other => Err(format!("{other}: use id_or_external_id or email")),
        }
    }
}

/// Which claim, holding which value, makes a token's holder HR: `groups=<group id>` for an
/// Entra ID group, `roles=hr` to trust the token's own `roles`. Without it only the
/// integration clients of `DEVPLAN_SERVICE_SUBJECTS` are HR.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HrGrant {
    /// The claim.
    pub claim: String,
    /// The value it must be, or contain when it is a list.
    pub value: String,
}

impl std::str::FromStr for HrGrant {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.split_once('=') {
            Some((claim, value)) if !claim.trim().is_empty() && !value.trim().is_empty() => {
                Ok(HrGrant {
                    claim: claim.trim().to_owned(),
                    value: value.trim().to_owned(),
                })
            }
            _ => Err(format!(
                "{s}: write <claim>=<value>, e.g. groups=<group id>"
            )),
        }
    }
}

/// How a verified token's claims name the caller and grant HR.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimRules {
    /// The claim naming the employee (default `sub`).
    pub subject_claim: String,
    /// How its value finds them.
    pub subject_match: SubjectMatch,
    /// What makes an employee's token HR; none: no employee token is.
    pub hr: Option<HrGrant>,
}

impl Default for ClaimRules {
    fn default() -> Self {
        Self {
            subject_claim: "sub".to_owned(),
            subject_match: SubjectMatch::IdOrExternalId,
            hr: None,
        }
    }
}

impl ClaimRules {
    /// The value naming the employee, if the token has the claim as a string.
    pub fn subject<'a>(&self, claims: &'a Claims) -> Option<std::borrow::Cow<'a, str>> {
        if self.subject_claim == "sub" {
            return Some(std::borrow::Cow::Borrowed(&claims.sub));
        }
        match claims.other.get(&self.subject_claim)? {
            serde_json::Value::String(s) if !s.is_empty() => {
                Some(std::borrow::Cow::Owned(s.clone()))
            }
            _ => None,
        }
    }

    /// Whether the configuration makes this token's holder HR.
    pub fn grants_hr(&self, claims: &Claims) -> bool {
        let Some(grant) = &self.hr else {
            return false;
        };
        match claims.claim(&grant.claim) {
            Some(serde_json::Value::String(s)) => s == grant.value,
            Some(serde_json::Value::Array(items)) => items
                .iter()
                .any(|v| v.as_str() == Some(grant.value.as_str())),
            _ => false,
        }
    }
}

/// How a public key verifies: which algorithm it is for.
#[derive(Clone)]
struct PublicKey {
    key: DecodingKey,
    algorithm: Algorithm,
}

/// An identity provider's keys, fetched from its JWKS URL and cached: fetched again when a
/// token names a key it does not know (a rotation), but at most once per `min_refresh`, so
/// tokens with made-up `kid`s cannot make devplan hammer the provider; and when the copy is
/// older than [`Jwks::MAX_AGE`].
pub struct Jwks {
    url: String,
    client: reqwest::Client,
    min_refresh: std::time::Duration,
    cache: tokio::sync::Mutex<JwkCache>,
}

#[derive(Default)]
struct JwkCache {
    keys: std::collections::HashMap<String, PublicKey>,
    fetched: Option<std::time::Instant>,
    attempted: Option<std::time::Instant>,
}

impl Jwks {
    /// How long a fetched key set is used before it is fetched again.
    pub const MAX_AGE: std::time::Duration = std::time::Duration::from_secs(3600);

    /// The key set at `url`, fetched again on an unknown key at most every `min_refresh`.
    pub fn new(url: String, min_refresh: std::time::Duration) -> Result<Self, KeyError> {
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .map_err(|e| KeyError::Jwks(e.to_string()))?;
        Ok(Self {
            url,
            client,
            min_refresh,
            cache: tokio::sync::Mutex::new(JwkCache::default()),
        })
    }

    /// The key `kid` (none: the only key) for `alg`, fetching the set when it is unknown.
    async fn key(&self, kid: Option<&str>, alg: Algorithm) -> Result<DecodingKey, String> {
        let mut cache = self.cache.lock().await;
        let stale = cache.fetched.is_none_or(|at| at.elapsed() >= Self::MAX_AGE);
        let known = kid.is_some_and(|k| cache.keys.contains_key(k));
        let may_fetch = cache
            .attempted
            .is_none_or(|at| at.elapsed() >= self.min_refresh);
        if (stale || !known) && may_fetch {
            cache.attempted = Some(std::time::Instant::now());
            match self.fetch().await {
                Ok(keys) => {
                    cache.keys = keys;
                    cache.fetched = Some(std::time::Instant::now());
                }
                Err(e) => log::warn!("fetching the JWKS at {} failed: {e}", self.url),
            }
        }
        let key = match kid {
            Some(k) => cache.keys.get(k),
            None if cache.keys.len() == 1 => cache.keys.values().next(),
            None => None,
        };
        match key {
            Some(k) if k.algorithm == alg => Ok(k.key.clone()),
            Some(_) => Err(format!("the token's key is not for {alg:?}")),
            None => Err("the token's signing key is not known".to_owned()),
        }
    }

    async fn fetch(&self) -> Result<std::collections::HashMap<String, PublicKey>, String> {
        use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, JwkSet, KeyAlgorithm};
        let set: JwkSet = self
            .client
            .get(&self.url)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(|e| e.to_string())?
            .json()
            .await
            .map_err(|e| e.to_string())?;
        let mut keys = std::collections::HashMap::new();
        for (i, jwk) in set.keys.iter().enumerate() {
            let algorithm = match (&jwk.common.key_algorithm, &jwk.algorithm) {
                (Some(KeyAlgorithm::RS256), AlgorithmParameters::RSA(_))
                | (None, AlgorithmParameters::RSA(_)) => Algorithm::RS256,
                (Some(KeyAlgorithm::ES256), AlgorithmParameters::EllipticCurve(p))
                | (None, AlgorithmParameters::EllipticCurve(p))
                    if p.curve == EllipticCurve::P256 =>
                {
                    Algorithm::ES256
                }
                // Only RS256 and ES256 are accepted; other keys are left out.
                _ => continue,
            };
            let Ok(key) = DecodingKey::from_jwk(jwk) else {
                continue;
            };
            let kid = jwk.common.key_id.clone().unwrap_or_else(|| format!("#{i}"));
            keys.insert(kid, PublicKey { key, algorithm });
        }
        Ok(keys)
    }
}

/// Checks tokens against the configured key material.
pub struct Verifier {
    secret: Option<(EncodingKey, DecodingKey)>,
    public: Option<PublicKey>,
    jwks: Option<Jwks>,
    /// How the claims name the caller and grant HR.
    pub rules: ClaimRules,
    issuer: String,
    audience: String,
    leeway: u64,
}

/// Why key material could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// Neither a secret nor a public key was configured.
    #[error(
        "no token key material: set DEVPLAN_JWT_SECRET (HS256), DEVPLAN_JWT_PUBLIC_KEY (a PEM file, RS256/ES256) or DEVPLAN_JWT_JWKS_URL (an identity provider's keys)"
    )]
    Missing,
    /// The secret is too short to be safe.
    #[error("DEVPLAN_JWT_SECRET must be at least 32 bytes")]
    WeakSecret,
    /// The PEM file could not be read or parsed.
    #[error("DEVPLAN_JWT_PUBLIC_KEY: {0}")]
    BadPublicKey(String),
    /// The JWKS client could not be made.
    #[error("DEVPLAN_JWT_JWKS_URL: {0}")]
    Jwks(String),
}

impl Verifier {
    /// A verifier for an HS256 `secret`, a PEM public key (RSA for RS256, EC P-256 for
    /// ES256) and/or an identity provider's key set, with the default claim rules.
    pub fn new(
        secret: Option<&[u8]>,
        public_pem: Option<&[u8]>,
        jwks: Option<Jwks>,
        issuer: String,
        audience: String,
        leeway: u64,
    ) -> Result<Self, KeyError> {
        if secret.is_none() && public_pem.is_none() && jwks.is_none() {
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
            jwks,
            rules: ClaimRules::default(),
            issuer,
            audience,
            leeway,
        })
    }

    /// The same verifier with `rules` for the claims.
    pub fn with_rules(mut self, rules: ClaimRules) -> Self {
        self.rules = rules;
        self
    }

    /// The claims of a valid token, or a reason fit to show the client.
    pub async fn verify(&self, token: &str) -> Result<Claims, String> {
        let header = decode_header(token).map_err(|_| "the token is malformed".to_owned())?;
        // The key is chosen by the configured material, never by the token alone: an HS256
        // token can only be checked with the shared secret, so a public key can never be
        // misused as an HMAC secret; a provider's key is chosen by `kid` and must be for the
        // token's algorithm.
        let key = match (header.alg, &self.secret, &self.public, &self.jwks) {
            (Algorithm::HS256, Some((_, key)), _, _) => key.clone(),
            (Algorithm::HS256, None, _, _) => {
                return Err("tokens signed with HS256 are not accepted".to_owned());
            }
            (alg, _, Some(public), _) if alg == public.algorithm && header.kid.is_none() => {
                public.key.clone()
            }
            (alg @ (Algorithm::RS256 | Algorithm::ES256), _, _, Some(jwks)) => {
                jwks.key(header.kid.as_deref(), alg).await?
            }
            (alg, _, Some(public), _) if alg == public.algorithm => public.key.clone(),
            (alg, _, _, _) => return Err(format!("tokens signed with {alg:?} are not accepted")),
        };
        let mut validation = Validation::new(header.alg);
        validation.leeway = self.leeway;
        validation.validate_nbf = true;
        validation.set_required_spec_claims(&["exp", "sub", "iss", "aud"]);
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        decode::<Claims>(token, &key, &validation)
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
            other: serde_json::Map::new(),
        };
        encode(&Header::new(Algorithm::HS256), &claims, key).map_err(|e| e.to_string())
    }
}
