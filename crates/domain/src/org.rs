//! The organisation: roles, units as a tree, committees and agreement periods.

use crate::FieldCode;
use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{UnitId, Violation};

/// What kind of access a caller asks for; the organisation data decides what it reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Anyone employed: their own plan, record and unit.
    Employee,
    /// A manager of one or more units, reaching their sub-units too.
    Manager,
    /// A union's local representative for one or more units: aggregates only.
    LocalRepresentative,
    /// A member of a MED committee: aggregates of the committee's part of the organisation.
    Committee,
    /// The HR/intranet integration: everything.
    Hr,
}

impl Role {
    /// Every role, in a stable order.
    pub const ALL: [Role; 5] = [
        Role::Employee,
        Role::Manager,
        Role::LocalRepresentative,
        Role::Committee,
        Role::Hr,
    ];

    /// The wire name of the role.
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Employee => "employee",
            Role::Manager => "manager",
            Role::LocalRepresentative => "local_representative",
            Role::Committee => "committee",
            Role::Hr => "hr",
        }
    }

    /// Parses a wire name.
    pub fn parse(raw: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == raw)
    }
}

/// The level of a MED committee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommitteeLevel {
    /// Lokal-MED: one workplace.
    Local,
    /// Sektor-MED: an area of the municipality.
    Sector,
    /// Hoved-MED / HMU: the whole municipality.
    Main,
}

impl CommitteeLevel {
    /// The wire and storage name of the level.
    pub const fn as_str(self) -> &'static str {
        match self {
            CommitteeLevel::Local => "local",
            CommitteeLevel::Sector => "sector",
            CommitteeLevel::Main => "main",
        }
    }

    /// Parses a storage name.
    pub fn parse(raw: &str) -> Option<CommitteeLevel> {
        [Self::Local, Self::Sector, Self::Main]
            .into_iter()
            .find(|l| l.as_str() == raw)
    }

    /// Whether a committee of this level may report to a committee of level `parent`:
    /// feedback goes upward, never sideways or down.
    pub fn may_report_to(self, parent: CommitteeLevel) -> bool {
        matches!(
            (self, parent),
            (
                CommitteeLevel::Local,
                CommitteeLevel::Sector | CommitteeLevel::Main
            ) | (CommitteeLevel::Sector, CommitteeLevel::Main)
        )
    }
}

/// The unit tree as parent links, for checking moves and computing who reaches what.
#[derive(Debug, Clone, Default)]
pub struct UnitTree {
    parent: HashMap<UnitId, Option<UnitId>>,
}

/// One row of the tree's transitive closure: `descendant` lies `depth` levels below `ancestor`
/// (depth 0 is the unit itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClosureRow {
    /// The upper unit.
    pub ancestor: UnitId,
    /// The unit at or below it.
    pub descendant: UnitId,
    /// Levels between them.
    pub depth: u32,
}

impl UnitTree {
    /// A tree from `(unit, parent)` pairs, as stored.
    pub fn from_links(links: impl IntoIterator<Item = (UnitId, Option<UnitId>)>) -> Self {
        Self {
            parent: links.into_iter().collect(),
        }
    }

    /// Whether the unit exists.
    pub fn contains(&self, unit: UnitId) -> bool {
        self.parent.contains_key(&unit)
    }

    /// Sets (or adds) a unit's parent, refusing a parent that is unknown, the unit itself
    /// or one of its descendants: the tree must stay a tree.
    pub fn set_parent(&mut self, unit: UnitId, parent: Option<UnitId>) -> Result<(), Violation> {
        if let Some(p) = parent {
            if !self.contains(p) {
                return Err(Violation::new(
                    "parent_id",
                    FieldCode::UnknownUnit,
                    "no such unit",
                ));
            }
            let mut cursor = Some(p);
            while let Some(current) = cursor {
                if current == unit {
                    return Err(Violation::new(
                        "parent_id",
                        FieldCode::Cycle,
                        "a unit cannot be placed under itself or one of its sub-units",
                    ));
                }
                cursor = self.parent.get(&current).copied().flatten();
            }
        }
        self.parent.insert(unit, parent);
        Ok(())
    }

    /// Every `(ancestor, descendant, depth)` row, the unit itself at depth 0.
    pub fn closure(&self) -> Vec<ClosureRow> {
        let mut rows = Vec::with_capacity(self.parent.len() * 4);
        for &unit in self.parent.keys() {
            let mut depth = 0;
            let mut cursor = Some(unit);
            let mut seen = HashSet::new();
            while let Some(ancestor) = cursor {
                // A cycle cannot be built through set_parent; the guard keeps a corrupt
                // store from hanging the service.
                if !seen.insert(ancestor) {
                    break;
                }
                rows.push(ClosureRow {
                    ancestor,
                    descendant: unit,
                    depth,
                });
                depth += 1;
                cursor = self.parent.get(&ancestor).copied().flatten();
            }
        }
        rows
    }
}

/// A collective agreement period (overenskomstperiode), e.g. 2024-04-01 – 2027-03-31.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeriodDates {
    starts_on: NaiveDate,
    ends_on: NaiveDate,
}

impl PeriodDates {
    /// Dates of a period; it must end after it starts.
    pub fn new(starts_on: NaiveDate, ends_on: NaiveDate) -> Result<Self, Violation> {
        if ends_on <= starts_on {
            return Err(Violation::new(
                "ends_on",
                FieldCode::EndsBeforeStart,
                "must be after starts_on",
            ));
        }
        Ok(Self { starts_on, ends_on })
    }

    /// First day of the period.
    pub fn starts_on(&self) -> NaiveDate {
        self.starts_on
    }

    /// Last day of the period.
    pub fn ends_on(&self) -> NaiveDate {
        self.ends_on
    }

    /// Whether two periods share a day.
    pub fn overlaps(&self, other: &PeriodDates) -> bool {
        self.starts_on <= other.ends_on && other.starts_on <= self.ends_on
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: usize) -> Vec<UnitId> {
        (0..n).map(|_| UnitId::generate()).collect()
    }

    #[test]
    fn closure_holds_every_ancestor_with_its_depth() {
        let u = ids(3);
        let tree = UnitTree::from_links([(u[0], None), (u[1], Some(u[0])), (u[2], Some(u[1]))]);
        let mut rows: Vec<_> = tree
            .closure()
            .into_iter()
            .filter(|r| r.descendant == u[2])
            .map(|r| (r.ancestor, r.depth))
            .collect();
        rows.sort_by_key(|r| r.1);
        assert_eq!(rows, vec![(u[2], 0), (u[1], 1), (u[0], 2)]);
        assert_eq!(tree.closure().len(), 6);
    }

    #[test]
    fn a_unit_cannot_be_moved_under_its_own_descendant() {
        let u = ids(3);
        let mut tree = UnitTree::from_links([(u[0], None), (u[1], Some(u[0])), (u[2], Some(u[1]))]);
        assert_eq!(
            tree.set_parent(u[0], Some(u[2])).unwrap_err().code,
            FieldCode::Cycle
        );
        assert_eq!(
            tree.set_parent(u[1], Some(u[1])).unwrap_err().code,
            FieldCode::Cycle
        );
        assert!(tree.set_parent(u[2], Some(u[0])).is_ok());
    }

    #[test]
    fn a_parent_must_exist() {
        let u = ids(2);
        let mut tree = UnitTree::from_links([(u[0], None)]);
        assert_eq!(
            tree.set_parent(u[1], Some(UnitId::generate()))
                .unwrap_err()
                .code,
            FieldCode::UnknownUnit
        );
    }

    #[test]
    fn periods_end_after_they_start() {
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert!(PeriodDates::new(d("2024-04-01"), d("2027-03-31")).is_ok());
        assert_eq!(
            PeriodDates::new(d("2024-04-01"), d("2024-04-01"))
                .unwrap_err()
                .code,
            FieldCode::EndsBeforeStart
        );
    }

    #[test]
    fn committees_report_upward_only() {
        use CommitteeLevel::*;
        assert!(
            Local.may_report_to(Sector) && Local.may_report_to(Main) && Sector.may_report_to(Main)
        );
        assert!(
            !Main.may_report_to(Local)
                && !Sector.may_report_to(Sector)
                && !Local.may_report_to(Local)
        );
    }

    #[test]
    fn roles_round_trip_through_their_wire_names() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("admin"), None);
    }

    #[test]
    fn periods_overlap_when_they_share_a_day_and_not_otherwise() {
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let p = |a: &str, b: &str| PeriodDates::new(day(a), day(b)).unwrap();
        let ok24 = p("2024-04-01", "2027-03-31");
        assert_eq!(
            (ok24.starts_on(), ok24.ends_on()),
            (day("2024-04-01"), day("2027-03-31"))
        );
        assert!(
            ok24.overlaps(&p("2027-03-31", "2030-03-31")),
            "the last day is shared"
        );
        assert!(p("2027-03-31", "2030-03-31").overlaps(&ok24));
        assert!(
            ok24.overlaps(&p("2020-01-01", "2024-04-01")),
            "the first day is shared"
        );
        assert!(!ok24.overlaps(&p("2027-04-01", "2030-03-31")));
        assert!(!ok24.overlaps(&p("2020-01-01", "2024-03-31")));
        assert!(
            ok24.overlaps(&p("2025-01-01", "2025-02-01")),
            "one inside the other"
        );
    }
}
