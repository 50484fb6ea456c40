//! What time it is, as a value the service passes in: the domain never reads the system
//! clock, so every rule and every stored timestamp follows the clock a test sets.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

/// Where devplan's users live: every date they see, every "today" and every printed time is
/// Danish, while instants are stored in UTC.
pub const ZONE: Tz = chrono_tz::Europe::Copenhagen;

/// The instant in Danish time.
pub fn local(at: DateTime<Utc>) -> DateTime<Tz> {
    at.with_timezone(&ZONE)
}

/// The Danish date of an instant: a signature at 00:30 on 1 March in Copenhagen is dated
/// 1 March, though it is still 28 February in UTC.
pub fn local_date(at: DateTime<Utc>) -> NaiveDate {
    local(at).date_naive()
}

/// The instant the Danish day after `date` begins: the end of `date` in Denmark.
pub fn end_of_day(date: NaiveDate) -> DateTime<Utc> {
    let next = date
        .succ_opt()
        .unwrap_or(date)
        .and_time(chrono::NaiveTime::MIN);
    // Denmark changes its clocks at 02:00 and 03:00, never at midnight: the local midnight
    // exists once. The fallback only keeps the function total.
    next.and_local_timezone(ZONE)
        .earliest()
        .map_or_else(|| next.and_utc(), |t| t.to_utc())
}

/// A source of the current time.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// Now.
    fn now(&self) -> DateTime<Utc>;

    /// Today's date in Denmark.
    fn today(&self) -> NaiveDate {
        local_date(self.now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_danish_day_ends_at_local_midnight_in_winter_and_summer() {
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a date");
        assert_eq!(end_of_day(day("2025-12-31")), utc("2025-12-31T23:00:00Z"));
        assert_eq!(end_of_day(day("2026-06-30")), utc("2026-06-30T22:00:00Z"));
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .expect("an instant")
            .to_utc()
    }

    #[test]
    fn the_danish_date_turns_at_danish_midnight_in_winter_and_summer() {
        // 00:30 on 1 March in Copenhagen (UTC+1) is 23:30 on 28 February in UTC.
        assert_eq!(
            local_date(utc("2026-02-28T23:30:00Z")),
            NaiveDate::from_ymd_opt(2026, 3, 1).expect("a date")
        );
        assert_eq!(
            local_date(utc("2026-02-28T22:59:59Z")),
            NaiveDate::from_ymd_opt(2026, 2, 28).expect("a date")
        );
        // Summer time (UTC+2): 23:00 UTC on 30 June is 1 July.
        assert_eq!(
            local_date(utc("2026-06-30T22:00:00Z")),
            NaiveDate::from_ymd_opt(2026, 7, 1).expect("a date")
        );
        assert_eq!(
            local(utc("2026-06-30T22:00:00Z"))
                .format("%H:%M %Z")
                .to_string(),
            "00:00 CEST"
        );
    }
}
