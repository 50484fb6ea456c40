//! Webhooks: where HR's systems want events pushed, and how often a failed delivery is tried
//! again.

use crate::FieldCode;
use chrono::Duration;

use crate::violation::Violation;

/// Where deliveries go: `https://…`, or `http://` to this machine only (a receiver beside the
/// service), so personal data never crosses a network unencrypted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointUrl {
    url: String,
    host: String,
}

impl EndpointUrl {
    /// The longest URL accepted.
    pub const MAX_LEN: usize = 2048;

    /// Checks `raw`, sent as `field`: `http(s)://`, a host (a name, or an IPv6 address in
    /// brackets) without user name, an optional port, then nothing or a path, query or
    /// fragment; no spaces or control characters anywhere. The document's pattern for it
    /// says the same (`crates/api/src/openapi.rs`).
    pub fn parse(field: &str, raw: &str) -> Result<Self, Violation> {
        if raw.chars().count() > Self::MAX_LEN {
            return Err(Violation::new(
                field,
                FieldCode::TooLong,
                format!("at most {} characters", Self::MAX_LEN),
            ));
        }
        let invalid = || {
            Violation::new(
                field,
                FieldCode::InvalidUrl,
                "an absolute https:// URL with a host and no user name or password",
            )
        };
        // Spaces and control characters: every ASCII one is at most ' '.
        let blank = |c: char| c <= ' ' || c.is_control();
        let (scheme, rest) = if let Some(rest) = raw.strip_prefix("https://") {
            ("https", rest)
        } else if let Some(rest) = raw.strip_prefix("http://") {
            ("http", rest)
        } else {
            return Err(invalid());
        };
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(end);
        if tail.chars().any(blank) {
            return Err(invalid());
        }
        let (host, port) = match authority.strip_prefix('[') {
            Some(v6) => {
                let close = v6.find(']').ok_or_else(invalid)?;
                let inner = &v6[..close];
                if inner.is_empty()
                    || !inner
                        .chars()
                        .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
                {
                    return Err(invalid());
                }
                authority.split_at(close + 2)
            }
            None => {
                let colon = authority.find(':').unwrap_or(authority.len());
                let host = &authority[..colon];
                if host.is_empty() || host.chars().any(|c| blank(c) || "@[]".contains(c)) {
                    return Err(invalid());
                }
                authority.split_at(colon)
            }
        };
        let port_ok = port.is_empty()
            || port
                .strip_prefix(':')
                .is_some_and(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
        if !port_ok {
            return Err(invalid());
        }
        let loopback = matches!(host, "127.0.0.1" | "localhost" | "[::1]");
        if scheme == "http" && !loopback {
            return Err(Violation::new(
                field,
                FieldCode::InsecureUrl,
                "use https:// (http:// is accepted only for a receiver on this machine)",
            ));
        }
        Ok(Self::new(raw, host))
    }

    fn new(url: &str, host: &str) -> Self {
        Self {
            url: url.to_owned(),
            host: host.to_ascii_lowercase(),
        }
    }

    /// The URL.
    pub fn as_str(&self) -> &str {
        &self.url
    }

    /// Its host, lower case (an IPv6 address in brackets).
    pub fn host(&self) -> &str {
        &self.host
    }

    /// Whether deliveries may go to it: any host when `allowed` is empty, else only the
    /// hosts listed (an entry `.example.dk` allows every host under example.dk).
    pub fn allowed_by(&self, allowed: &[String]) -> bool {
        allowed.is_empty()
            || allowed.iter().any(|a| {
                let a = a.to_ascii_lowercase();
                match a.strip_prefix('.') {
                    Some(domain) => self.host.ends_with(&format!(".{domain}")),
                    None => self.host == a,
                }
            })
    }
}

/// How long to wait after each failed attempt before the next (the Standard Webhooks
/// reference schedule): the last retry comes about 27 hours after the event, so a receiver
/// that is down for a day still gets it.
pub const RETRY_SCHEDULE_SECONDS: [i64; 7] = [5, 300, 1_800, 7_200, 18_000, 36_000, 36_000];

/// The wait before the next attempt after `failed` attempts have failed; none when the
/// delivery should be given up.
pub fn next_attempt_after(failed: u32) -> Option<Duration> {
    let index = usize::try_from(failed).ok()?.checked_sub(1)?;
    RETRY_SCHEDULE_SECONDS
        .get(index)
        .map(|s| Duration::seconds(*s))
}

/// Where a delivery is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryState {
    /// Not yet delivered; tried again at its next attempt.
    Pending,
    /// The receiver answered 2xx.
    Delivered,
    /// Every attempt of the schedule failed.
    Failed,
}

impl DeliveryState {
    /// The wire name.
    pub const fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Delivered => "delivered",
            DeliveryState::Failed => "failed",
        }
    }

    /// From the wire name.
    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Pending, Self::Delivered, Self::Failed]
            .into_iter()
            .find(|s| s.as_str() == raw)
    }

    /// The state after an attempt, the `failed`-th failure if it failed.
    pub fn after_attempt(succeeded: bool, failed: u32) -> Self {
        if succeeded {
            DeliveryState::Delivered
        } else if next_attempt_after(failed).is_some() {
            DeliveryState::Pending
        } else {
            DeliveryState::Failed
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_urls_are_accepted_and_http_only_to_this_machine() {
        for ok in [
            "https://hr.example.dk/hooks/devplan",
            "https://hr.example.dk:8443/x?y=1",
            "http://127.0.0.1:9000/hook",
            "http://localhost/hook",
            "http://[::1]:8080/",
        ] {
            assert_eq!(
                EndpointUrl::parse("url", ok).map(|u| u.url),
                Ok(ok.to_owned())
            );
        }
        for (bad, code) in [
            ("http://hr.example.dk/hook", "insecure_url"),
            ("http://127.0.0.1.evil.dk/hook", "insecure_url"),
            ("ftp://hr.example.dk/", "invalid_url"),
            ("hr.example.dk/hook", "invalid_url"),
            ("https://", "invalid_url"),
            ("https://user:pw@hr.example.dk/", "invalid_url"),
            ("https://hr.example.dk/a b", "invalid_url"),
        ] {
            assert_eq!(
                EndpointUrl::parse("url", bad).map_err(|v| v.code.as_str()),
                Err(code),
                "{bad}"
            );
        }
        for (edge, code) in [
            ("https://[]/", "invalid_url"),
            ("https://:443/", "invalid_url"),
            ("https://hr.example.dk/a\u{7f}", "invalid_url"),
            ("https://hr.example.dk:/", "invalid_url"),
            ("https://hr.example.dk:44a/", "invalid_url"),
            ("https://hr example.dk/", "invalid_url"),
            ("https://hr]x.dk/", "invalid_url"),
        ] {
            assert_eq!(
                EndpointUrl::parse("url", edge).map_err(|v| v.code.as_str()),
                Err(code),
                "{edge:?}"
            );
        }
        let mapped = EndpointUrl::parse("url", "https://[::ffff:10.0.0.1]:8443/h").expect("valid");
        assert_eq!(mapped.host(), "[::ffff:10.0.0.1]");
        assert_eq!(mapped.as_str(), "https://[::ffff:10.0.0.1]:8443/h");
        let exactly = format!("https://h.dk/{}", "a".repeat(2048 - "https://h.dk/".len()));
        assert_eq!(exactly.chars().count(), 2048);
        assert!(
            EndpointUrl::parse("url", &exactly).is_ok(),
            "2,048 characters are allowed"
        );
        let long = format!("https://hr.example.dk/{}", "a".repeat(2048));
        assert_eq!(
            EndpointUrl::parse("url", &long).map_err(|v| v.code),
            Err(FieldCode::TooLong)
        );
    }

    #[test]
    fn only_the_allowed_hosts_get_deliveries_when_hosts_are_listed() {
        let url = |u: &str| EndpointUrl::parse("url", u).expect("valid");
        let list = |l: &[&str]| l.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(url("https://HR.Example.dk:8443/x").host(), "hr.example.dk");
        assert_eq!(url("http://[::1]:8080/").host(), "[::1]");
        assert!(url("https://hr.example.dk/").allowed_by(&[]));
        assert!(url("https://hr.example.dk/").allowed_by(&list(&["hr.example.dk"])));
        assert!(url("https://hr.example.dk/").allowed_by(&list(&[".example.dk"])));
        assert!(!url("https://example.dk.evil.io/").allowed_by(&list(&[".example.dk"])));
        assert!(!url("https://evil.io/").allowed_by(&list(&["hr.example.dk", "127.0.0.1"])));
        assert!(url("http://127.0.0.1:9/").allowed_by(&list(&["127.0.0.1"])));
    }

    #[test]
    fn failed_deliveries_are_retried_for_more_than_a_day_and_then_given_up() {
        assert_eq!(next_attempt_after(0), None, "nothing failed yet");
        assert_eq!(next_attempt_after(1), Some(Duration::seconds(5)));
        assert_eq!(next_attempt_after(2), Some(Duration::minutes(5)));
        assert_eq!(next_attempt_after(7), Some(Duration::hours(10)));
        assert_eq!(next_attempt_after(8), None);
        let total: i64 = (1..=7)
            .filter_map(next_attempt_after)
            .map(|d| d.num_seconds())
            .sum();
        assert!(total >= 24 * 3600, "retried for {total} s");
        assert_eq!(
            DeliveryState::after_attempt(true, 3),
            DeliveryState::Delivered
        );
        assert_eq!(
            DeliveryState::after_attempt(false, 7),
            DeliveryState::Pending
        );
        assert_eq!(
            DeliveryState::after_attempt(false, 8),
            DeliveryState::Failed
        );
        for s in [
            DeliveryState::Pending,
            DeliveryState::Delivered,
            DeliveryState::Failed,
        ] {
            assert_eq!(DeliveryState::parse(s.as_str()), Some(s));
        }
        assert_eq!(DeliveryState::parse("lost"), None);
    }
}
