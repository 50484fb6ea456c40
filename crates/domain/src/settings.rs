//! Per-deployment settings of the agreement's rules.

use crate::FieldCode;
use serde::{Deserialize, Serialize};

use crate::{Violation, Violations};

/// How often the main committee must discuss the competence policy (Herlev's and
/// Aabenraa's policies differ).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MainCommitteeFrequency {
    /// Every year (Herlev Kommune's competence policy).
    Yearly,
    /// Every third year after a new agreement period starts (Aabenraa Kommune's competence policy).
    EveryThirdYear,
}

impl MainCommitteeFrequency {
    /// The wire and storage name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Yearly => "yearly",
            Self::EveryThirdYear => "every_third_year",
        }
    }

    /// Parses a storage name.
    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Yearly, Self::EveryThirdYear]
            .into_iter()
            .find(|f| f.as_str() == raw)
    }
}

/// The lowest anonymity threshold: below 3 a reader who is in a row of 2 knows the other.
pub const MIN_ANONYMITY_THRESHOLD: i64 = 3;

/// The settings in force; only obtainable valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// No figure representatives and committees read rests on fewer people than this: smaller
    /// units and groups are pooled.
    pub anonymity_threshold: u32,
    /// An absence at least this many weeks long makes a special follow-up due.
    pub long_absence_weeks: u32,
    /// Days after the return within which the special follow-up is due.
    pub special_follow_up_days: u32,
    /// How often the main committee discusses the policy.
    pub main_committee_frequency: MainCommitteeFrequency,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            anonymity_threshold: 5,
            long_absence_weeks: 8,
            special_follow_up_days: 30,
            main_committee_frequency: MainCommitteeFrequency::Yearly,
        }
    }
}

impl Settings {
    /// Settings from raw numbers, each checked against its sensible range.
    pub fn new(
        anonymity_threshold: i64,
        long_absence_weeks: i64,
        special_follow_up_days: i64,
        main_committee_frequency: MainCommitteeFrequency,
    ) -> Result<Self, Violations> {
        let mut v = Violations::new();
        let mut in_range = |field: &str, value: i64, min: i64, max: i64| {
            v.check(
                u32::try_from(value)
                    .ok()
                    .filter(|_| (min..=max).contains(&value))
                    .ok_or_else(|| {
                        Violation::new(
                            field,
                            FieldCode::OutOfRange,
                            format!("must be between {min} and {max}"),
                        )
                    }),
            )
        };
        // A threshold below 2 would publish single persons' figures.
        let k = in_range(
            "anonymity_threshold",
            anonymity_threshold,
            MIN_ANONYMITY_THRESHOLD,
            100,
        );
        let weeks = in_range("long_absence_weeks", long_absence_weeks, 1, 104);
        let days = in_range("special_follow_up_days", special_follow_up_days, 1, 365);
        v.finish(|| {
            Some(Self {
                anonymity_threshold: k?,
                long_absence_weeks: weeks?,
                special_follow_up_days: days?,
                main_committee_frequency,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_agreement() {
        let s = Settings::default();
        assert_eq!(
            (
                s.anonymity_threshold,
                s.long_absence_weeks,
                s.special_follow_up_days
            ),
            (5, 8, 30)
        );
    }

    #[test]
    fn every_out_of_range_number_is_named() {
        assert!(Settings::new(3, 8, 30, MainCommitteeFrequency::Yearly).is_ok());
        let err = Settings::new(2, 0, 366, MainCommitteeFrequency::Yearly).unwrap_err();
        let fields: Vec<_> = err.into_vec().into_iter().map(|v| v.field).collect();
        assert_eq!(
            fields,
            [
                "anonymity_threshold",
                "long_absence_weeks",
                "special_follow_up_days"
            ]
        );
    }
}
