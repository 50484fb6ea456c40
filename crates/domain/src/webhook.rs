//! Webhooks: where HR's systems want events pushed, and how often a failed delivery is tried
//! again.

use chrono::Duration;

use crate::violation::Violation;

/// Where deliveries go: `https://…`, or `http://` to this machine only (a receiver beside the
/// service), so personal data never crosses a network unencrypted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointUrl(String);

impl EndpointUrl {
    /// The longest URL accepted.
    pub const MAX_LEN: usize = 2048;

    /// Checks `raw`, sent as `field`.
    pub fn parse(field: &str, raw: &str) -> Result<Self, Violation> {
        let raw = raw.trim();
        if raw.len() > Self::MAX_LEN {
            return Err(Violation::new(
                field,
                "too_long",
                format!("at most {} characters", Self::MAX_LEN),
            ));
        }
        let (scheme, rest) = raw.split_once("://").unwrap_or(("", raw));
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        let (host, port) = match authority.strip_prefix('[') {
            Some(v6) => match v6.split_once(']') {
                Some((_, port)) => (&authority[..authority.len() - port.len()], port),
                None => ("", ""),
            },
            None => authority
                .find(':')
                .map_or((authority, ""), |i| authority.split_at(i)),
        };
        let port_ok = port.is_empty()
            || port
                .strip_prefix(':')
                .is_some_and(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
        let valid_host = !host.is_empty()
            && port_ok
            && !authority.contains('@')
            && !raw.chars().any(|c| c.is_whitespace() || c.is_control());
        let loopback = matches!(host, "127.0.0.1" | "localhost" | "[::1]");
        match scheme {
            "https" if valid_host => Ok(Self(raw.to_owned())),
            "http" if valid_host && loopback => Ok(Self(raw.to_owned())),
            "http" if valid_host => Err(Violation::new(
                field,
                "insecure_url",
                "use https:// (http:// is accepted only for a receiver on this machine)",
            )),
            _ => Err(Violation::new(
                field,
                "invalid_url",
                "an absolute https:// URL with a host and no user name or password",
            )),
        }
    }

    /// The URL.
    pub fn as_str(&self) -> &str {
        &self.0
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
                EndpointUrl::parse("url", ok).map(|u| u.0),
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
                EndpointUrl::parse("url", bad).map_err(|v| v.code),
                Err(code),
                "{bad}"
            );
        }
        let long = format!("https://hr.example.dk/{}", "a".repeat(2048));
        assert_eq!(
            EndpointUrl::parse("url", &long).map_err(|v| v.code),
            Err("too_long")
        );
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
