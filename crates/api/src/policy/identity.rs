//! Who is calling: the bearer token checked once per request, the subject resolved to an
//! employee, and a short-lived cache of resolved subjects with what their roles reach.

use std::collections::{BTreeSet, HashMap};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use devplan_domain::org::Role;
use devplan_domain::records::Employee;
use devplan_persistence::StoreError;

use super::Reach;
use crate::auth::{Claims, SubjectMatch};
use crate::error::ApiError;
use crate::state::AppState;

/// The outcome of checking one request's bearer token, kept in the request's extensions so
/// the token is verified once however many parts of the request ask (the idempotency
/// middleware, then the handler's extractor).
#[derive(Clone)]
struct Verified(Result<Claims, String>);

/// The request's bearer token, verified: its claims, or why it is refused (for a 401).
pub async fn verified_claims(req: &HttpRequest, state: &AppState) -> Result<Claims, String> {
    if let Some(Verified(outcome)) = req.extensions().get::<Verified>().cloned() {
        return outcome;
    }
    let outcome = match bearer(req) {
        Ok(token) => state.verifier.verify(&token).await,
        Err(why) => Err(why.to_owned()),
    };
    req.extensions_mut().insert(Verified(outcome.clone()));
    outcome
}

/// The token of an `Authorization: Bearer …` header.
fn bearer(req: &HttpRequest) -> Result<String, &'static str> {
    let auth = req
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or("a bearer token is required")?
        .to_str()
        .map_err(|_| "the Authorization header is malformed")?;
    auth.strip_prefix("Bearer ")
        .or_else(|| auth.strip_prefix("bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .ok_or("use the Bearer scheme")
}

/// Who is calling: an employee, or an integration client named in `DEVPLAN_SERVICE_SUBJECTS`.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The token's subject.
    pub subject: String,
    /// The employee the subject names; none for an integration client.
    pub employee: Option<Employee>,
    /// The roles the token asks for (an integration client only ever gets `hr`).
    pub roles: BTreeSet<Role>,
    /// The units each role reached when first asked, shared by the requests of this subject
    /// while the identity cache holds it.
    pub(super) reached: Reached,
}

/// The units each role of one subject reached, filled as the roles are asked about.
pub(super) type Reached = Arc<Mutex<HashMap<Role, Reach>>>;

/// Who a subject is, resolved recently.
#[derive(Debug)]
struct Known {
    at: Instant,
    organisation: u64,
    employee: Option<Employee>,
    reached: Reached,
}

/// Subjects resolved in the last few seconds, with what their roles reach, so a request costs
/// no identity lookups when its subject was seen recently. An organisation change made by this
/// instance empties it at once; one made by another instance is seen within [`Identities::TTL`].
#[derive(Debug, Default)]
pub struct Identities {
    known: Mutex<HashMap<String, Known>>,
}

impl Identities {
    /// How long a resolved subject is trusted: a user's session of clicks within it costs
    /// one lookup.
    pub const TTL: Duration = Duration::from_secs(30);
    /// How many subjects are kept (a large municipality's managers and more); when full,
    /// expired subjects go first, and if none has expired the cache starts afresh.
    const CAPACITY: usize = 50_000;

    fn get(&self, subject: &str, organisation: u64) -> Option<(Option<Employee>, Reached)> {
        let known = self.known.lock().ok()?;
        let k = known.get(subject)?;
        (k.organisation == organisation && k.at.elapsed() < Self::TTL)
            .then(|| (k.employee.clone(), k.reached.clone()))
    }

    fn put(&self, subject: &str, organisation: u64, employee: Option<Employee>) -> Reached {
        let reached = Arc::new(Mutex::new(HashMap::new()));
        if let Ok(mut known) = self.known.lock() {
            if known.len() >= Self::CAPACITY {
                known.retain(|_, k| k.at.elapsed() < Self::TTL);
            }
            if known.len() >= Self::CAPACITY {
                known.clear();
            }
            known.insert(
                subject.to_owned(),
                Known {
                    at: Instant::now(),
                    organisation,
                    employee,
                    reached: reached.clone(),
                },
            );
        }
        reached
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let req = req.clone();
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::Internal("no app state".into()))?;
            let claims = verified_claims(&req, &state)
                .await
                .map_err(ApiError::Unauthorized)?;
            let rules = &state.verifier.rules;
            let service = state.service_subjects.contains(&claims.sub);
            // HR is granted by configuration, never by the token's own say: an integration
            // client named in DEVPLAN_SERVICE_SUBJECTS that asks for it, or a token with the
            // configured claim (DEVPLAN_HR_CLAIM).
            let mut roles = claims.known_roles();
            let asked_hr = roles.remove(&Role::Hr);
            if (service && asked_hr) || rules.grants_hr(&claims) {
                roles.insert(Role::Hr);
            }
            let (subject, by_email) = if service {
                (claims.sub.clone(), false)
            } else {
                let subject = rules.subject(&claims).ok_or_else(|| {
                    ApiError::Unauthorized(format!(
                        "the token lacks the claim {} that names the employee",
                        rules.subject_claim
                    ))
                })?;
                (
                    subject.into_owned(),
                    rules.subject_match == SubjectMatch::Email,
                )
            };
            // Read before the lookup, so a change committed meanwhile invalidates the entry.
            let organisation = state.store.organisation_generation();
            if let Some((employee, reached)) = state.identities.get(&subject, organisation) {
                return Ok(Caller::new(subject, employee, roles, reached));
            }
            let found = if by_email {
                state.store.employee_by_email(&subject).await
            } else {
                state.store.employee_by_subject(&subject).await
            };
            let employee = match found {
                Ok(employee) => Some(employee),
                Err(StoreError::NotFound) if service => None,
                Err(StoreError::NotFound) => {
                    return Err(ApiError::Unauthorized(
                        "the token's subject is not a known employee".into(),
                    ));
                }
                Err(e) => return Err(e.into()),
            };
            let reached = state
                .identities
                .put(&subject, organisation, employee.clone());
            Ok(Caller::new(subject, employee, roles, reached))
        })
    }
}

impl Caller {
    fn new(
        subject: String,
        employee: Option<Employee>,
        roles: BTreeSet<Role>,
        reached: Reached,
    ) -> Self {
        // An integration client acts as HR only, whatever else its token asks for.
        let roles: BTreeSet<Role> = match employee {
            Some(_) => roles,
            None => roles.into_iter().filter(|r| *r == Role::Hr).collect(),
        };
        // Every change and every audited read of this request is recorded as this caller's.
        let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
        devplan_persistence::context::set_actor(
            &subject,
            employee.as_ref().map(|e| e.id.uuid()),
            &names,
        );
        Self {
            subject,
            employee,
            roles,
            reached,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_resolved_subject_is_served_from_the_cache_until_the_organisation_changes() {
        let cache = Identities::default();
        assert!(cache.get("EMP-1", 7).is_none());
        let reached = cache.put("EMP-1", 7, None);
        reached.lock().expect("a lock").insert(Role::Hr, Reach::All);
        let (employee, shared) = cache.get("EMP-1", 7).expect("cached");
        assert!(employee.is_none());
        // The reach found by one request is shared with the next of the same subject.
        assert_eq!(
            shared.lock().expect("a lock").get(&Role::Hr),
            Some(&Reach::All)
        );
        assert!(cache.get("EMP-1", 8).is_none(), "an organisation change");
        assert!(cache.get("EMP-2", 7).is_none(), "another subject");
    }

    #[test]
    fn a_full_cache_makes_room_for_the_next_subject() {
        let cache = Identities::default();
        for i in 0..Identities::CAPACITY {
            cache.put(&format!("S-{i}"), 1, None);
        }
        cache.put("NEW", 1, None);
        assert!(cache.get("NEW", 1).is_some());
        let kept = cache.known.lock().expect("a lock").len();
        assert!(kept <= Identities::CAPACITY, "{kept}");
    }
}
