//! The MED committees' own records: discussions and the yearly feedback to the committee
//! above, and when each is owed.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::CommitteeId;
use crate::org::CommitteeLevel;
use crate::settings::MainCommitteeFrequency;

/// What a committee discussed (Herlev's and Aabenraa's competence policies).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Topic {
    /// The competence development policy.
    Policy,
    /// The link between the workplace's goals and strategies and competence development.
    StrategyLink,
    /// The overall goals of the effort.
    Goals,
    /// How the work is evaluated.
    Evaluation,
    /// How the development interview (MUS) is used.
    InterviewUse,
    /// The status of plan preparation.
    Status,
}

impl Topic {
    /// The wire and storage name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Topic::Policy => "policy",
            Topic::StrategyLink => "strategy_link",
            Topic::Goals => "goals",
            Topic::Evaluation => "evaluation",
            Topic::InterviewUse => "interview_use",
            Topic::Status => "status",
        }
    }

    /// Parses a storage name.
    pub fn parse(raw: &str) -> Option<Self> {
        [
            Self::Policy,
            Self::StrategyLink,
            Self::Goals,
            Self::Evaluation,
            Self::InterviewUse,
            Self::Status,
        ]
        .into_iter()
        .find(|t| t.as_str() == raw)
    }
}

/// What a committee owes for a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Owed {
    /// A discussion of the competence work this year.
    pub discussion: bool,
    /// Feedback to the committee above this year.
    pub feedback: bool,
}

/// What a committee of `level`, with or without a committee above it, owes in `year`: local
/// and sector committees discuss yearly and send yearly feedback upward; the main committee
/// discusses the policy yearly or, by setting, in the first year of an agreement period and
/// every third year after.
pub fn owed(
    level: CommitteeLevel,
    has_parent: bool,
    year: i32,
    frequency: MainCommitteeFrequency,
    period_start: Option<NaiveDate>,
) -> Owed {
    match level {
        CommitteeLevel::Main => Owed {
            discussion: match (frequency, period_start) {
                (MainCommitteeFrequency::Yearly, _)
                | (MainCommitteeFrequency::EveryThirdYear, None) => true,
                (MainCommitteeFrequency::EveryThirdYear, Some(start)) => {
                    (year - start.year()).rem_euclid(3) == 0
                }
            },
            feedback: false,
        },
        _ => Owed {
            discussion: true,
            feedback: has_parent,
        },
    }
}

/// The committee hierarchy: each committee with the one it reports to. Reach over committees
/// follows it: a member of a committee reads the committees under it too.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommitteeTree {
    parent: BTreeMap<CommitteeId, Option<CommitteeId>>,
}

/// How a caller stands to one committee.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Sits on it: records its work and reads it.
    Member,
    /// Sits on a committee above it: reads its work.
    Above,
}

impl CommitteeTree {
    /// The tree of `links`: each committee and the one above it.
    pub fn new(links: impl IntoIterator<Item = (CommitteeId, Option<CommitteeId>)>) -> Self {
        Self {
            parent: links.into_iter().collect(),
        }
    }

    /// Whether the committee exists.
    pub fn contains(&self, c: CommitteeId) -> bool {
        self.parent.contains_key(&c)
    }

    /// The committees above `of`, nearest first; a loop in the data ends the walk.
    pub fn ancestors(&self, of: CommitteeId) -> Vec<CommitteeId> {
        let mut out = Vec::new();
        let mut cursor = self.parent.get(&of).copied().flatten();
        while let Some(c) = cursor {
            if c == of || out.contains(&c) {
                break;
            }
            out.push(c);
            cursor = self.parent.get(&c).copied().flatten();
        }
        out
    }

    /// `of` and every committee under it.
    pub fn subtree(&self, of: CommitteeId) -> BTreeSet<CommitteeId> {
        self.below(&[of])
    }

    /// The committees in `roots` and every committee under any of them.
    pub fn below(&self, roots: &[CommitteeId]) -> BTreeSet<CommitteeId> {
        self.parent
            .keys()
            .copied()
            .filter(|c| roots.contains(c) || self.ancestors(*c).iter().any(|a| roots.contains(a)))
            .collect()
    }

    /// How one who sits on `mine` stands to `committee`: none when it is neither theirs nor
    /// under one of theirs.
    pub fn standing(&self, mine: &[CommitteeId], committee: CommitteeId) -> Option<Standing> {
        if !self.contains(committee) {
            None
        } else if mine.contains(&committee) {
            Some(Standing::Member)
        } else if self.ancestors(committee).iter().any(|a| mine.contains(a)) {
            Some(Standing::Above)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_committees_discuss_and_report_yearly() {
        let o = owed(
            CommitteeLevel::Local,
            true,
            2026,
            MainCommitteeFrequency::Yearly,
            None,
        );
        assert_eq!((o.discussion, o.feedback), (true, true));
        assert!(
            !owed(
                CommitteeLevel::Sector,
                false,
                2026,
                MainCommitteeFrequency::Yearly,
                None
            )
            .feedback
        );
    }

    #[test]
    fn the_main_committee_discusses_yearly_or_every_third_year_of_a_period() {
        let start = NaiveDate::from_ymd_opt(2024, 4, 1);
        assert!(
            owed(
                CommitteeLevel::Main,
                false,
                2025,
                MainCommitteeFrequency::Yearly,
                start
            )
            .discussion
        );
        let every_third = |y| {
            owed(
                CommitteeLevel::Main,
                false,
                y,
                MainCommitteeFrequency::EveryThirdYear,
                start,
            )
            .discussion
        };
        assert_eq!(
            [
                every_third(2024),
                every_third(2025),
                every_third(2026),
                every_third(2027)
            ],
            [true, false, false, true]
        );
    }
    #[test]
    fn reach_over_committees_follows_the_hierarchy_down_never_up_or_sideways() {
        let (main, sector, local, other) = (
            CommitteeId::generate(),
            CommitteeId::generate(),
            CommitteeId::generate(),
            CommitteeId::generate(),
        );
        let tree = CommitteeTree::new([
            (main, None),
            (sector, Some(main)),
            (local, Some(sector)),
            (other, None),
        ]);
        assert_eq!(tree.ancestors(local), [sector, main]);
        assert_eq!(tree.subtree(sector), [sector, local].into());
        assert_eq!(tree.below(&[main]), [main, sector, local].into());
        assert_eq!(tree.standing(&[main], local), Some(Standing::Above));
        assert_eq!(tree.standing(&[main], main), Some(Standing::Member));
        assert_eq!(tree.standing(&[local], sector), None);
        assert_eq!(tree.standing(&[local], other), None);
        assert_eq!(tree.standing(&[main], CommitteeId::generate()), None);
        // Sitting on a committee the tree does not hold reaches nothing.
        let ghost = CommitteeId::generate();
        assert!(!tree.contains(ghost));
        assert_eq!(tree.standing(&[ghost], ghost), None);
    }

    #[test]
    fn a_loop_in_the_committee_data_ends_the_walk() {
        let (a, b) = (CommitteeId::generate(), CommitteeId::generate());
        let tree = CommitteeTree::new([(a, Some(b)), (b, Some(a))]);
        assert_eq!(tree.ancestors(a), [b]);
        assert_eq!(tree.subtree(a), [a, b].into());
    }
}

/// A discussion as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discussion {
    /// Its id.
    pub id: uuid::Uuid,
    /// The committee.
    pub committee_id: crate::CommitteeId,
    /// What was discussed.
    pub topic: Topic,
    /// When.
    pub held_on: NaiveDate,
    /// A summary.
    pub summary: crate::text::LongText,
    /// What was decided.
    pub decisions: Option<crate::text::LongText>,
    /// The status figures attached, anonymised, as they were.
    pub snapshot: Option<crate::status::Snapshot>,
}

/// A year's feedback to the committee above.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feedback {
    /// Its id.
    pub id: uuid::Uuid,
    /// The committee that sent it.
    pub committee_id: crate::CommitteeId,
    /// The committee it went to.
    pub to_committee_id: crate::CommitteeId,
    /// The year it covers.
    pub year: i32,
    /// What it says.
    pub text: crate::text::LongText,
}
