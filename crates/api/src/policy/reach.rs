//! What a role reaches: every unit, or a set of them. Pure.

use std::collections::BTreeSet;

use devplan_domain::UnitId;

/// The units a role reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    /// Every unit (HR).
    All,
    /// These units.
    Units(BTreeSet<UnitId>),
}

impl Reach {
    /// Whether `unit` is reached.
    pub fn contains(&self, unit: UnitId) -> bool {
        match self {
            Reach::All => true,
            Reach::Units(units) => units.contains(&unit),
        }
    }

    /// The units as a filter: none for all.
    pub fn as_filter(&self) -> Option<Vec<UnitId>> {
        match self {
            Reach::All => None,
            Reach::Units(units) => Some(units.iter().copied().collect()),
        }
    }

    /// The units either reaches.
    pub fn union(self, other: Reach) -> Reach {
        match (self, other) {
            (Reach::All, _) | (_, Reach::All) => Reach::All,
            (Reach::Units(mut a), Reach::Units(b)) => {
                a.extend(b);
                Reach::Units(a)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn units(n: usize) -> Vec<UnitId> {
        (0..n).map(|_| UnitId::from_uuid(Uuid::new_v4())).collect()
    }

    #[test]
    fn all_reaches_every_unit_and_filters_nothing() {
        let [u] = units(1)[..] else { unreachable!() };
        assert!(Reach::All.contains(u));
        assert_eq!(Reach::All.as_filter(), None);
    }

    #[test]
    fn a_set_reaches_its_units_only_and_filters_by_them() {
        let u = units(3);
        let reach = Reach::Units([u[0], u[1]].into());
        assert!(reach.contains(u[0]) && reach.contains(u[1]));
        assert!(!reach.contains(u[2]));
        let mut filter = reach.as_filter().expect("a filter");
        filter.sort();
        let mut expected = vec![u[0], u[1]];
        expected.sort();
        assert_eq!(filter, expected);
        assert_eq!(Reach::Units(BTreeSet::new()).as_filter(), Some(Vec::new()));
    }

    #[test]
    fn a_union_holds_both_sides_and_all_absorbs_any_set() {
        let u = units(2);
        let a = Reach::Units([u[0]].into());
        let b = Reach::Units([u[1]].into());
        assert_eq!(a.clone().union(b), Reach::Units([u[0], u[1]].into()));
        assert_eq!(a.clone().union(Reach::All), Reach::All);
        assert_eq!(Reach::All.union(a), Reach::All);
    }
}
