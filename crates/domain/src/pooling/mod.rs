//! Disclosure control of the status figures that representatives and committees read (seed 000
//! §3): small units and small professional groups are pooled, never blanked.
//!
//! The organisation's people are cut, once and for everyone, into *blocks* of at least k people,
//! and every number such a reader can get (a total, a row of either breakdown, a head-count, a
//! snapshot) is a sum over whole blocks. Any combination of those numbers is then a sum of
//! per-block quantities, so nothing about fewer than k people can be worked out, whatever one
//! subtracts from what. The blocks depend on head-counts only, never on the figures.
//!
//! The blocks, from the top of each tree of units down, for a unit W whose own figures are
//! shown (a *reported* unit):
//! - each sub-unit of at least k people is reported on its own (and cut the same way);
//! - smaller sub-units are pooled with the people placed directly in W into W's own row; should
//!   that row have 1 to k − 1 people, the smallest sub-unit reported on its own joins it too;
//! - W's own row is cut by professional group: a group with at least k people in it is a block,
//!   the rest together are a block of "other groups" (if that has 1 to k − 1 people, the
//!   smallest group joins it).
//!
//! A unit pooled into another's row has no figures of its own: its status is withheld and names
//! the unit whose row holds its people. A professional group's row counts those of the group
//! in blocks of their own group; the others are in the row of other groups.

pub mod attacker;

use std::collections::{BTreeMap, BTreeSet};

use crate::UnitId;

/// A professional group; none for employees without one.
pub type Group = Option<String>;

/// The finest cell anything is counted in: the active employees placed directly in one unit,
/// of one professional group.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Atom {
    /// The unit they are placed in.
    pub unit: UnitId,
    /// Their professional group.
    pub group: Group,
}

/// The units, how they nest, and how many active employees each holds directly, by group.
#[derive(Debug, Clone, Default)]
pub struct Population {
    roots: Vec<UnitId>,
    children: BTreeMap<UnitId, Vec<UnitId>>,
    direct: BTreeMap<UnitId, BTreeMap<Group, u64>>,
}

impl Population {
    /// The units with their parents (a unit whose parent is not among them is a top unit),
    /// and the head-count of each atom.
    pub fn new(
        units: impl IntoIterator<Item = (UnitId, Option<UnitId>)>,
        people: impl IntoIterator<Item = (Atom, u64)>,
    ) -> Self {
        let units: BTreeMap<UnitId, Option<UnitId>> = units.into_iter().collect();
        let mut children: BTreeMap<UnitId, Vec<UnitId>> =
            units.keys().map(|u| (*u, Vec::new())).collect();
        let mut roots = Vec::new();
        for (unit, parent) in &units {
            match parent.filter(|p| units.contains_key(p) && p != unit) {
                Some(p) => children.entry(p).or_default().push(*unit),
                None => roots.push(*unit),
            }
        }
        let mut direct: BTreeMap<UnitId, BTreeMap<Group, u64>> = BTreeMap::new();
        for (atom, n) in people {
            if n > 0 && units.contains_key(&atom.unit) {
                *direct
                    .entry(atom.unit)
                    .or_default()
                    .entry(atom.group)
                    .or_default() += n;
            }
        }
        Self {
            roots,
            children,
            direct,
        }
    }

    /// The top units.
    pub fn roots(&self) -> impl Iterator<Item = UnitId> + '_ {
        self.roots.iter().copied()
    }

    /// The same organisation with the head-counts of `unit`'s subtree replaced by `people`
    /// (the atoms of that subtree as another reading counted them).
    pub fn with_people_under(
        &self,
        unit: UnitId,
        people: impl IntoIterator<Item = (Atom, u64)>,
    ) -> Population {
        let below: BTreeSet<UnitId> = self.subtree(unit).into_iter().collect();
        let mut direct: BTreeMap<UnitId, BTreeMap<Group, u64>> = self
            .direct
            .iter()
            .filter(|(u, _)| !below.contains(*u))
            .map(|(u, m)| (*u, m.clone()))
            .collect();
        for (atom, n) in people {
            if n > 0 && below.contains(&atom.unit) {
                *direct
                    .entry(atom.unit)
                    .or_default()
                    .entry(atom.group)
                    .or_default() += n;
            }
        }
        Population {
            roots: self.roots.clone(),
            children: self.children.clone(),
            direct,
        }
    }

    /// The direct sub-units of `unit`.
    pub fn children(&self, unit: UnitId) -> &[UnitId] {
        self.children.get(&unit).map_or(&[], Vec::as_slice)
    }

    /// The atoms placed directly in `unit`, with their head-counts.
    pub fn direct_atoms(&self, unit: UnitId) -> impl Iterator<Item = (Atom, u64)> + '_ {
        self.direct.get(&unit).into_iter().flat_map(move |m| {
            m.iter().map(move |(g, n)| {
                (
                    Atom {
                        unit,
                        group: g.clone(),
                    },
                    *n,
                )
            })
        })
    }

    /// `unit` and every unit below it, parents before children.
    pub fn subtree(&self, unit: UnitId) -> Vec<UnitId> {
        let mut out = Vec::new();
        let mut stack = vec![unit];
        while let Some(u) = stack.pop() {
            out.push(u);
            stack.extend(self.children(u).iter().rev());
        }
        out
    }

    /// Every atom of `unit`'s subtree.
    pub fn atoms_under(&self, unit: UnitId) -> Vec<Atom> {
        self.subtree(unit)
            .into_iter()
            .flat_map(|u| self.direct_atoms(u).map(|(a, _)| a))
            .collect()
    }

    /// The head-count of each atom.
    pub fn people(&self, atom: &Atom) -> u64 {
        self.direct
            .get(&atom.unit)
            .and_then(|m| m.get(&atom.group))
            .copied()
            .unwrap_or(0)
    }

    fn direct_total(&self, unit: UnitId) -> u64 {
        self.direct.get(&unit).map_or(0, |m| m.values().sum())
    }

    /// Head-counts of every unit's subtree, children summed before their parents.
    fn subtree_sizes(&self) -> BTreeMap<UnitId, u64> {
        let mut order = Vec::new();
        for root in &self.roots {
            order.extend(self.subtree(*root));
        }
        let mut sizes = BTreeMap::new();
        for u in order.into_iter().rev() {
            let below: u64 = self
                .children(u)
                .iter()
                .map(|c| sizes.get(c).copied().unwrap_or(0))
                .sum();
            sizes.insert(u, self.direct_total(u) + below);
        }
        sizes
    }
}

/// One row of the breakdown by unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitRow {
    /// The sub-unit, or the unit asked about for its own row.
    pub unit: UnitId,
    /// Whether this is the unit's own row: those placed directly in it, and the sub-units
    /// pooled with them.
    pub direct: bool,
    /// The sub-units pooled into this row (own row only).
    pub pooled_units: Vec<UnitId>,
    /// What the row counts.
    pub atoms: Vec<Atom>,
}

/// One row of the breakdown by professional group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRow {
    /// The group; none for employees without one, and for the row of other groups.
    pub group: Group,
    /// Whether this is the row of other groups: those not in a block of their own group.
    pub other_groups: bool,
    /// What the row counts.
    pub atoms: Vec<Atom>,
}

/// What a unit's status is made of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Table {
    /// Figures of the unit and both its breakdowns.
    Shown {
        /// The whole subtree.
        total: Vec<Atom>,
        /// By sub-unit, the unit's own row first.
        by_unit: Vec<UnitRow>,
        /// By professional group.
        by_group: Vec<GroupRow>,
    },
    /// No figures of its own: its people are counted in the own row of `reported_with`
    /// (none when its whole organisation has fewer than k people).
    Withheld {
        /// The unit whose own row counts its people.
        reported_with: Option<UnitId>,
    },
}

/// A unit's head-counts, as a reader may see them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Headcount {
    /// Those placed directly in it.
    pub direct: Option<u64>,
    /// With its sub-units.
    pub total: Option<u64>,
}

/// The blocks of an organisation for a threshold k (see the module documentation).
#[derive(Debug, Clone)]
pub struct Pooling {
    /// For every unit, the reported unit whose own row holds its direct people (itself when
    /// reported); none when its whole tree has fewer than k people.
    owner: BTreeMap<UnitId, Option<UnitId>>,
    /// For every reported unit, the sub-units pooled into its own row.
    absorbed: BTreeMap<UnitId, Vec<UnitId>>,
    /// For every reported unit, the groups of its own row counted as other groups.
    other_groups: BTreeMap<UnitId, BTreeSet<Group>>,
    sizes: BTreeMap<UnitId, u64>,
}

impl Pooling {
    /// Cuts `population` into blocks of at least `k` people.
    pub fn new(population: &Population, k: u64) -> Self {
        let k = k.max(1);
        let sizes = population.subtree_sizes();
        let mut pooling = Self {
            owner: BTreeMap::new(),
            absorbed: BTreeMap::new(),
            other_groups: BTreeMap::new(),
            sizes,
        };
        let mut reported = Vec::new();
        for root in &population.roots {
            if pooling.size(*root) >= k {
                reported.push(*root);
            } else {
                for u in population.subtree(*root) {
                    pooling.owner.insert(u, None);
                }
            }
        }
        while let Some(w) = reported.pop() {
            pooling.owner.insert(w, Some(w));
            let (mut own, small): (Vec<UnitId>, Vec<UnitId>) = population
                .children(w)
                .iter()
                .partition(|c| pooling.size(**c) >= k);
            own.sort_by_key(|c| (pooling.size(*c), *c));
            let mut absorbed = small;
            let residual: u64 =
                population.direct_total(w) + absorbed.iter().map(|c| pooling.size(*c)).sum::<u64>();
            if residual > 0 && residual < k && !own.is_empty() {
                absorbed.push(own.remove(0));
            }
            let mut by_group: BTreeMap<Group, u64> = BTreeMap::new();
            for (atom, n) in population.direct_atoms(w) {
                *by_group.entry(atom.group).or_default() += n;
            }
            for c in &absorbed {
                for u in population.subtree(*c) {
                    pooling.owner.insert(u, Some(w));
                    for (atom, n) in population.direct_atoms(u) {
                        *by_group.entry(atom.group).or_default() += n;
                    }
                }
            }
            absorbed.sort();
            pooling.absorbed.insert(w, absorbed);
            pooling
                .other_groups
                .insert(w, other_groups_of(&by_group, k));
            reported.extend(own);
        }
        pooling
    }

    /// The head-count of `unit`'s subtree.
    fn size(&self, unit: UnitId) -> u64 {
        self.sizes.get(&unit).copied().unwrap_or(0)
    }

    /// Whether `unit` has figures of its own.
    pub fn is_reported(&self, unit: UnitId) -> bool {
        self.owner.get(&unit).copied().flatten() == Some(unit)
    }

    /// The status of `unit` as a representative or committee member may read it.
    pub fn table(&self, population: &Population, unit: UnitId) -> Table {
        if !self.is_reported(unit) {
            return Table::Withheld {
                reported_with: self.owner.get(&unit).copied().flatten(),
            };
        }
        let absorbed = self.absorbed.get(&unit).map_or(&[][..], Vec::as_slice);
        let by_unit = unit_rows(population, unit, absorbed);
        let total = population.atoms_under(unit);
        let mut groups: BTreeMap<(bool, Group), Vec<Atom>> = BTreeMap::new();
        for atom in &total {
            let other = self
                .owner
                .get(&atom.unit)
                .copied()
                .flatten()
                .and_then(|w| self.other_groups.get(&w))
                .is_some_and(|g| g.contains(&atom.group));
            let key = if other {
                (true, None)
            } else {
                (false, atom.group.clone())
            };
            groups.entry(key).or_default().push(atom.clone());
        }
        Table::Shown {
            total,
            by_unit,
            by_group: groups
                .into_iter()
                .map(|((other_groups, group), atoms)| GroupRow {
                    group,
                    other_groups,
                    atoms,
                })
                .collect(),
        }
    }

    /// The head-counts of `unit` as a representative or committee member may read them: the
    /// total of a reported unit, and the direct count where its own row pools no sub-unit.
    pub fn headcount(&self, population: &Population, unit: UnitId) -> Headcount {
        if !self.is_reported(unit) {
            return Headcount::default();
        }
        let pools_none = self.absorbed.get(&unit).is_none_or(Vec::is_empty);
        Headcount {
            direct: pools_none.then(|| population.direct_total(unit)),
            total: self.sizes.get(&unit).copied(),
        }
    }
}

/// The status of `unit` as those who may see it unpooled read it: the unit's own row, one row
/// per sub-unit and one per professional group.
pub fn plain_table(population: &Population, unit: UnitId) -> Table {
    let by_unit = unit_rows(population, unit, &[]);
    let total = population.atoms_under(unit);
    let mut groups: BTreeMap<Group, Vec<Atom>> = BTreeMap::new();
    for atom in &total {
        groups
            .entry(atom.group.clone())
            .or_default()
            .push(atom.clone());
    }
    Table::Shown {
        total,
        by_unit,
        by_group: groups
            .into_iter()
            .map(|(group, atoms)| GroupRow {
                group,
                other_groups: false,
                atoms,
            })
            .collect(),
    }
}

/// The rows by unit of `unit`: its own row (those placed directly in it and the sub-units
/// `absorbed`), then one per other sub-unit.
fn unit_rows(population: &Population, unit: UnitId, absorbed: &[UnitId]) -> Vec<UnitRow> {
    let mut own: Vec<Atom> = population.direct_atoms(unit).map(|(a, _)| a).collect();
    for c in absorbed {
        own.extend(population.atoms_under(*c));
    }
    let mut rows = vec![UnitRow {
        unit,
        direct: true,
        pooled_units: absorbed.to_vec(),
        atoms: own,
    }];
    for c in population.children(unit) {
        if !absorbed.contains(c) {
            rows.push(UnitRow {
                unit: *c,
                direct: false,
                pooled_units: Vec::new(),
                atoms: population.atoms_under(*c),
            });
        }
    }
    rows
}

/// The groups of a reported unit's own row that are counted together as other groups: those
/// with fewer than `k` people, and the smallest other one too when they alone are 1 to k − 1.
fn other_groups_of(by_group: &BTreeMap<Group, u64>, k: u64) -> BTreeSet<Group> {
    // The counts are of people present: none is 0.
    let mut other: BTreeSet<Group> = by_group
        .iter()
        .filter(|(_, n)| **n < k)
        .map(|(g, _)| g.clone())
        .collect();
    let pooled: u64 = other.iter().filter_map(|g| by_group.get(g)).sum();
    if pooled > 0 && pooled < k {
        let smallest = by_group
            .iter()
            .filter(|(g, _)| !other.contains(*g))
            .min_by_key(|(g, n)| (**n, (*g).clone()));
        if let Some((g, _)) = smallest {
            other.insert(g.clone());
        }
    }
    other
}

#[cfg(test)]
mod tests {
    use super::*;

    fn disclosed(sets: &[Vec<usize>], people: &[u64], k: u64) -> Option<Vec<usize>> {
        attacker::disclosed(sets, people, k).expect("the attacker decides")
    }

    use crate::testing::Lcg;

    fn unit(n: u128) -> UnitId {
        UnitId::from_uuid(uuid::Uuid::from_u128(n))
    }

    fn group(name: &str) -> Group {
        (!name.is_empty()).then(|| name.to_owned())
    }

    fn atom(u: u128, g: &str) -> (Atom, u64) {
        (
            Atom {
                unit: unit(u),
                group: group(g),
            },
            0,
        )
    }

    fn atom_of(u: u128, g: &str, n: u64) -> (Atom, u64) {
        (atom(u, g).0, n)
    }

    /// An organisation of `units` (unit, parent) with `people` ((unit, group), head-count).
    fn org(units: &[(u128, Option<u128>)], people: &[(u128, &str, u64)]) -> Population {
        Population::new(
            units.iter().map(|(u, p)| (unit(*u), p.map(unit))),
            people.iter().map(|(u, g, n)| (atom(*u, g).0, *n)),
        )
    }

    /// A random organisation: up to 12 units in a random tree, up to 4 groups, 0 to 14
    /// people placed directly in each unit, unevenly spread over the groups.
    fn random_org(rng: &mut Lcg) -> Population {
        let n_units = 1 + rng.next(12) as u128;
        let n_groups = 1 + rng.next(4);
        let units: Vec<(u128, Option<u128>)> = (0..n_units)
            .map(|i| (i, (i > 0).then(|| rng.next(i as u64) as u128)))
            .collect();
        let mut people = Vec::new();
        for (u, _) in &units {
            let n = match rng.next(4) {
                0 => 0,
                1 => rng.next(5),
                _ => rng.next(15),
            };
            for _ in 0..n {
                let g = rng.next(n_groups + 1);
                people.push((
                    *u,
                    [
                        "",
                        "sygeplejerske",
                        "pædagog",
                        "lærer",
                        "social- og sundhedshjælper",
                    ][g as usize],
                    1,
                ));
            }
        }
        org(&units, &people)
    }

    /// Everything a reader who reaches every unit can read: every unit's status (its total and
    /// both breakdowns; a review's or committee's snapshot of the same period is such a table as
    /// it was) and every unit's head-counts, as the sets of atoms each number sums over.
    fn everything_readable(p: &Population, pooling: &Pooling) -> Vec<Vec<Atom>> {
        let mut sets = Vec::new();
        let units: Vec<UnitId> = p.children.keys().copied().collect();
        for u in &units {
            if let Table::Shown {
                total,
                by_unit,
                by_group,
            } = pooling.table(p, *u)
            {
                sets.push(total);
                sets.extend(by_unit.into_iter().map(|r| r.atoms));
                sets.extend(by_group.into_iter().map(|r| r.atoms));
            }
            let h = pooling.headcount(p, *u);
            if h.direct.is_some() {
                sets.push(p.direct_atoms(*u).map(|(a, _)| a).collect());
            }
            if h.total.is_some() {
                sets.push(p.atoms_under(*u));
            }
        }
        sets
    }

    /// The atoms of `p`, with their head-counts, and `sets` as indices into them.
    fn system(p: &Population, sets: &[Vec<Atom>]) -> (Vec<u64>, Vec<Vec<usize>>) {
        let atoms: Vec<Atom> = p
            .children
            .keys()
            .flat_map(|u| p.direct_atoms(*u).map(|(a, _)| a))
            .collect();
        let index: BTreeMap<&Atom, usize> = atoms.iter().enumerate().map(|(i, a)| (a, i)).collect();
        let people = atoms.iter().map(|a| p.people(a)).collect();
        let rows = sets
            .iter()
            .map(|s| s.iter().map(|a| index[a]).collect())
            .collect();
        (people, rows)
    }

    #[test]
    fn no_combination_of_what_a_representative_reads_determines_a_figure_about_fewer_than_k_people()
    {
        let mut rng = Lcg(20261130);
        let mut pooled_orgs = 0;
        for case in 0..1_000 {
            let seed = rng.0;
            let p = random_org(&mut rng);
            let k = 2 + rng.next(5);
            let pooling = Pooling::new(&p, k);
            let sets = everything_readable(&p, &pooling);
            let (people, rows) = system(&p, &sets);
            if let Some(found) = disclosed(&rows, &people, k) {
                panic!(
                    "case {case} (seed {seed}, k {k}): the attacker determines a figure on the \
                     atoms {found:?} (people {:?})\n{p:#?}",
                    found.iter().map(|i| people[*i]).collect::<Vec<_>>()
                );
            }
            if pooling.absorbed.values().any(|a| !a.is_empty())
                || pooling.other_groups.values().any(|g| !g.is_empty())
            {
                pooled_orgs += 1;
            }
        }
        assert!(
            pooled_orgs > 300,
            "the organisations exercise pooling ({pooled_orgs})"
        );
    }

    #[test]
    fn every_shown_row_has_at_least_k_people_or_none_and_each_breakdown_adds_up_to_the_total() {
        let mut rng = Lcg(7);
        for _ in 0..1_000 {
            let p = random_org(&mut rng);
            let k = 2 + rng.next(5);
            let pooling = Pooling::new(&p, k);
            for u in p.children.keys() {
                let Table::Shown {
                    total,
                    by_unit,
                    by_group,
                } = pooling.table(&p, *u)
                else {
                    continue;
                };
                let count = |atoms: &[Atom]| atoms.iter().map(|a| p.people(a)).sum::<u64>();
                assert!(count(&total) >= k);
                let mut sorted_total = total.clone();
                sorted_total.sort();
                for rows in [
                    by_unit.iter().map(|r| r.atoms.clone()).collect::<Vec<_>>(),
                    by_group.iter().map(|r| r.atoms.clone()).collect(),
                ] {
                    for r in &rows {
                        let n = count(r);
                        assert!(n == 0 || n >= k, "a row of {n} people, k {k}");
                    }
                    let mut all: Vec<Atom> = rows.concat();
                    all.sort();
                    assert_eq!(all, sorted_total, "the rows partition the total");
                }
            }
        }
    }

    /// The area of the issue: a 4-person unit, two larger ones and a few placed directly in the
    /// area; sygeplejersker in one unit only.
    fn area() -> Population {
        org(
            &[(1, None), (2, Some(1)), (3, Some(1)), (4, Some(1))],
            &[
                (1, "", 2),
                (2, "pædagog", 8),
                (2, "sygeplejerske", 1),
                (3, "pædagog", 9),
                (4, "pædagog", 4),
            ],
        )
    }

    #[test]
    fn a_unit_of_four_is_pooled_with_those_placed_directly_in_the_area() {
        let p = area();
        let pooling = Pooling::new(&p, 5);
        let Table::Shown {
            by_unit, by_group, ..
        } = pooling.table(&p, unit(1))
        else {
            panic!("the area is shown");
        };
        assert_eq!(by_unit.len(), 3);
        assert_eq!(by_unit[0].pooled_units, vec![unit(4)]);
        assert_eq!(
            by_unit[0].atoms.len(),
            2,
            "the 2 directly placed and the 4 of unit 4"
        );
        assert_eq!(
            pooling.table(&p, unit(4)),
            Table::Withheld {
                reported_with: Some(unit(1))
            }
        );
        assert_eq!(pooling.headcount(&p, unit(4)), Headcount::default());
        assert_eq!(
            pooling.headcount(&p, unit(1)),
            Headcount {
                direct: None,
                total: Some(24)
            }
        );
        assert_eq!(
            pooling.headcount(&p, unit(3)),
            Headcount {
                direct: Some(9),
                total: Some(9)
            }
        );
        // The one sygeplejerske is counted with the pædagoger of unit 2 as other groups, and
        // the 2 without a group with the 4 pædagoger of unit 4.
        let groups: Vec<(Group, bool, usize)> = by_group
            .iter()
            .map(|r| (r.group.clone(), r.other_groups, r.atoms.len()))
            .collect();
        assert_eq!(
            groups,
            vec![(group("pædagog"), false, 1), (None, true, 4)],
            "{by_group:#?}"
        );
        let sets = everything_readable(&p, &pooling);
        let (people, rows) = system(&p, &sets);
        assert_eq!(disclosed(&rows, &people, 5), None);
    }

    #[test]
    fn the_attacker_finds_a_blank_cell_from_its_total_and_shown_siblings() {
        // The old way: the 4-person unit blank, the total and the other rows shown.
        let p = org(
            &[(1, None), (2, Some(1)), (3, Some(1))],
            &[(1, "", 6), (2, "", 9), (3, "", 4)],
        );
        let direct: Vec<Atom> = p.direct_atoms(unit(1)).map(|(a, _)| a).collect();
        let sets = vec![p.atoms_under(unit(1)), p.atoms_under(unit(2)), direct];
        let (people, rows) = system(&p, &sets);
        let found = disclosed(&rows, &people, 5).expect("found");
        assert_eq!(found.iter().map(|i| people[*i]).sum::<u64>(), 4);
    }

    #[test]
    fn the_attacker_combines_the_two_breakdowns_where_each_alone_is_safe() {
        // Units of 5 and 7; groups of 5 and 7; but unit 2 holds 4 of group a and 1 of b, and
        // unit 3 holds 1 of a and 6 of b: unit 2 minus group a is the difference of two people.
        let p = org(
            &[(1, None), (2, Some(1)), (3, Some(1))],
            &[(2, "a", 4), (2, "b", 1), (3, "a", 1), (3, "b", 6)],
        );
        let mut group_a: Vec<Atom> = vec![atom(2, "a").0, atom(3, "a").0];
        group_a.sort();
        let sets = vec![
            p.atoms_under(unit(1)),
            p.atoms_under(unit(2)),
            p.atoms_under(unit(3)),
            group_a,
            vec![atom(2, "b").0, atom(3, "b").0],
        ];
        let (people, rows) = system(&p, &sets);
        let found = disclosed(&rows, &people, 5).expect("found");
        assert_eq!(found.iter().map(|i| people[*i]).sum::<u64>(), 2);
        // Pooling reports that area without either small group split off.
        let pooling = Pooling::new(&p, 5);
        let (people, rows) = system(&p, &everything_readable(&p, &pooling));
        assert_eq!(disclosed(&rows, &people, 5), None);
    }

    #[test]
    fn a_head_count_of_a_small_unit_is_a_figure_the_attacker_reads() {
        let p = area();
        let (people, rows) = system(&p, &[p.atoms_under(unit(4))]);
        assert!(disclosed(&rows, &people, 5).is_some());
    }

    #[test]
    fn an_organisation_of_fewer_than_k_people_shows_nothing() {
        let p = org(&[(1, None), (2, Some(1))], &[(1, "", 2), (2, "", 2)]);
        let pooling = Pooling::new(&p, 5);
        assert_eq!(
            pooling.table(&p, unit(1)),
            Table::Withheld {
                reported_with: None
            }
        );
        assert_eq!(pooling.headcount(&p, unit(2)), Headcount::default());
    }

    #[test]
    fn a_small_own_row_takes_in_the_smallest_sub_unit() {
        // 2 placed directly; sub-units of 6 and 9: the 6 join the own row.
        let p = org(
            &[(1, None), (2, Some(1)), (3, Some(1))],
            &[(1, "", 2), (2, "", 6), (3, "", 9)],
        );
        let pooling = Pooling::new(&p, 5);
        assert!(!pooling.is_reported(unit(2)));
        assert!(pooling.is_reported(unit(3)));
        assert_eq!(pooling.absorbed[&unit(1)], vec![unit(2)]);
    }

    #[test]
    fn a_group_of_exactly_k_is_a_block_and_other_groups_of_exactly_k_stay_apart() {
        let counts = |pairs: &[(&str, u64)]| -> BTreeMap<Group, u64> {
            pairs.iter().map(|(g, n)| (group(g), *n)).collect()
        };
        let names = |set: BTreeSet<Group>| -> Vec<Group> { set.into_iter().collect() };
        assert_eq!(
            names(other_groups_of(&counts(&[("a", 5), ("b", 3), ("c", 2)]), 5)),
            vec![group("b"), group("c")],
            "a has exactly 5; b and c together are exactly 5"
        );
        assert_eq!(
            names(other_groups_of(&counts(&[("a", 6), ("b", 7), ("c", 2)]), 5)),
            vec![group("a"), group("c")],
            "c alone is too few: the smaller of a and b joins it"
        );
    }

    #[test]
    fn another_reading_of_a_subtree_replaces_its_head_counts_and_nothing_else() {
        let p = area();
        let q = p.with_people_under(
            unit(2),
            [atom_of(2, "pædagog", 6), atom_of(3, "pædagog", 1)],
        );
        assert_eq!(q.people(&atom(2, "pædagog").0), 6);
        assert_eq!(
            q.people(&atom(2, "sygeplejerske").0),
            0,
            "not in the new reading"
        );
        assert_eq!(
            q.people(&atom(3, "pædagog").0),
            9,
            "outside the subtree: kept"
        );
        assert_eq!(q.children(unit(1)), p.children(unit(1)));
    }

    #[test]
    fn the_top_units_are_those_without_a_parent_among_the_units() {
        // Unit 3's parent is not among them (its tree loaded on its own): it is a top unit.
        let p = org(&[(1, None), (2, Some(1)), (3, Some(99))], &[(2, "", 1)]);
        let mut roots: Vec<UnitId> = p.roots().collect();
        roots.sort();
        assert_eq!(roots, vec![unit(1), unit(3)]);
    }

    #[test]
    fn the_plain_table_shows_every_sub_unit_and_group() {
        let p = area();
        let Table::Shown {
            by_unit, by_group, ..
        } = plain_table(&p, unit(1))
        else {
            panic!("shown");
        };
        assert_eq!(by_unit.len(), 4);
        assert_eq!(by_group.len(), 3);
    }
}
