//! Who is acting, for which request: set once per request by the HTTP layer and read where a
//! change is recorded, so no write path can forget to say who made it.

use std::future::Future;
use std::sync::{Arc, Mutex};

use uuid::Uuid;

/// The request being served and who is making it.
#[derive(Debug, Clone, Default)]
pub struct Acting {
    /// The request's id (`X-Request-Id`).
    pub request_id: Option<String>,
    /// The token's subject, once the caller is known.
    pub subject: Option<String>,
    /// The caller's employee record, when the caller is an employee.
    pub employee: Option<Uuid>,
    /// The roles the caller acts in, comma-separated.
    pub roles: Option<String>,
}

tokio::task_local! {
    static ACTING: Arc<Mutex<Acting>>;
}

/// Runs `f` as the serving of request `request_id`; the caller is named later with
/// [`set_actor`].
pub async fn serving<F: Future>(request_id: String, f: F) -> F::Output {
    let acting = Acting {
        request_id: Some(request_id),
        ..Acting::default()
    };
    ACTING.scope(Arc::new(Mutex::new(acting)), f).await
}

/// Names the caller of the request being served and the roles they act in; outside a
/// request it does nothing.
pub fn set_actor(subject: &str, employee: Option<Uuid>, roles: &[&str]) {
    let _ = ACTING.try_with(|a| {
        if let Ok(mut a) = a.lock() {
            a.subject = Some(subject.to_owned());
            a.employee = employee;
            a.roles = Some(roles.join(","));
        }
    });
}

/// The request being served; empty outside one (the command line, background work).
pub fn current() -> Acting {
    ACTING
        .try_with(|a| a.lock().map(|a| a.clone()).unwrap_or_default())
        .unwrap_or_default()
}
