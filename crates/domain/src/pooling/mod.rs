//! Disclosure control of the status figures that representatives and committees read (Protokollat 2
//! § 3): small units and small professional groups are pooled, never blanked.
//!
//! The people of a unit's tree are cut into *blocks* of at least k people, and every number such
//! a reader can get (a total, a row of either breakdown, a head-count, a snapshot) is a sum over
//! whole blocks. Any combination of those numbers is then a sum of per-block quantities, so
//! nothing about fewer than k people can be worked out, whatever one subtracts from what. The
//! blocks depend on head-counts only, never on the figures.
//!
//! The blocks, from the bottom of the tree up. Each unit U gathers its *own row*: the people
//! placed directly in it and whatever its sub-units pass up. If the own row has at least k
//! people, it is U's block (cut by professional group, below) and nothing passes on; otherwise
//! it passes up whole to U's parent. What reaches past the top unit is *left out*: counted in
//! no published number. So:
//! - a unit of at least k people always has figures of its own (everything below it either
//!   forms blocks inside it or reaches its own row);
//! - a sub-unit of at least k people is never swallowed: only a remainder of fewer than k of
//!   its people (those placed directly in it, and small sub-units of its own) joins its
//!   parent's own row, and the sub-unit keeps figures of the rest.
//!
//! A reader who also manages units reads those exactly (as their manager); subtracting what they
//! know from a block must leave at least k people they do not know, or none. A block that would
//! not passes up like a small one, so such a reader's cut ([`Pooling::knowing`]) may leave out
//! more than another's.
//!
//! An own row is cut by professional group: a group with at least k people in it (k of them
//! unknown to the reader, or none) is a block; the rest together are a block of "other groups",
//! and if that is too small, the smallest of the groups joins it until it is not.
#[cfg(any(test, feature = "testing"))]
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

    /// The head-count of `unit`'s subtree.
    pub fn size_of(&self, unit: UnitId) -> u64 {
        self.subtree(unit)
            .into_iter()
            .map(|u| self.direct_total(u))
            .sum()
    }
}

/// One row of the breakdown by unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitRow {
    /// The sub-unit, or the unit asked about for its own row.
    pub unit: UnitId,
    /// Whether this is the unit's own row: those placed directly in it, and what its sub-units
    /// passed up to it.
    pub direct: bool,
    /// The sub-units some of whose people are counted in this row (own row only).
    pub pooled_units: Vec<UnitId>,
    /// Whether some of the row's people are not in its figures (counted in a row above, or
    /// left out).
    pub left_out: bool,
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
        /// The whole subtree, but for those its figures leave out.
        total: Vec<Atom>,
        /// By sub-unit, the unit's own row first.
        by_unit: Vec<UnitRow>,
        /// By professional group.
        by_group: Vec<GroupRow>,
        /// Whether some of the unit's people are not in its figures.
        left_out: bool,
    },
    /// No figures of its own: it has fewer than k people, or (for a reader who manages some of
    /// them) fewer than k that reader does not already know.
    Withheld,
}

/// A unit's head-counts, as a reader may see them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Headcount {
    /// Those placed directly in it.
    pub direct: Option<u64>,
    /// With its sub-units: those in its figures.
    pub total: Option<u64>,
}

/// The blocks of an organisation for a threshold k (see the module documentation).
#[derive(Debug, Clone)]
pub struct Pooling {
    /// For every atom in a block, the unit whose own row counts it; an atom not here is left out.
    owner: BTreeMap<Atom, UnitId>,
    /// For every unit with a block of its own, the sub-units that passed people up to it.
    pooled_from: BTreeMap<UnitId, Vec<UnitId>>,
    /// For every unit with a block of its own, the groups of it counted as other groups.
    other_groups: BTreeMap<UnitId, BTreeSet<Group>>,
    /// The people of every unit's subtree that its figures count.
    counted: BTreeMap<UnitId, u64>,
}

/// Whether `people`, of whom `unknown` the reader does not already know, may be a block.
fn may_be_block(people: u64, unknown: u64, k: u64) -> bool {
    people >= k && (unknown >= k || unknown == 0)
}

/// The cut being made: what is decided so far, and what the reader knows.
struct Cut<'a> {
    population: &'a Population,
    k: u64,
    known: BTreeSet<UnitId>,
    pooling: Pooling,
}

impl Cut<'_> {
    /// Cuts `root`'s subtree, children before their parents (without recursion: a tree may be
    /// as deep as HR makes it). What passes up from `root` itself is left out.
    fn cut(&mut self, root: UnitId) {
        let mut passed: BTreeMap<UnitId, Vec<(Atom, u64)>> = BTreeMap::new();
        for unit in self.population.subtree(root).into_iter().rev() {
            let mut row: Vec<(Atom, u64)> = self.population.direct_atoms(unit).collect();
            let mut from = Vec::new();
            for child in self.population.children(unit) {
                let up = passed.remove(child).unwrap_or_default();
                if !up.is_empty() {
                    from.push(*child);
                    row.extend(up);
                }
            }
            let up = self.own_row(unit, row, from);
            passed.insert(unit, up);
        }
    }

    /// Makes `row` (gathered from `from`) the block of `unit` if it may be one; otherwise
    /// returns it, to pass up.
    fn own_row(
        &mut self,
        unit: UnitId,
        row: Vec<(Atom, u64)>,
        from: Vec<UnitId>,
    ) -> Vec<(Atom, u64)> {
        let people: u64 = row.iter().map(|(_, n)| n).sum();
        let unknown: u64 = row
            .iter()
            .filter(|(a, _)| !self.known.contains(&a.unit))
            .map(|(_, n)| n)
            .sum();
        if !may_be_block(people, unknown, self.k) {
            return row;
        }
        let mut by_group: BTreeMap<Group, (u64, u64)> = BTreeMap::new();
        for (atom, n) in &row {
            let e = by_group.entry(atom.group.clone()).or_default();
            e.0 += n;
            if !self.known.contains(&atom.unit) {
                e.1 += n;
            }
        }
        for (atom, _) in row {
            self.pooling.owner.insert(atom, unit);
        }
        self.pooling.pooled_from.insert(unit, from);
        self.pooling
            .other_groups
            .insert(unit, other_groups_of(&by_group, self.k));
        Vec::new()
    }
}

impl Pooling {
    /// Cuts `population` into blocks of at least `k` people, for a reader who manages none of
    /// its units.
    pub fn new(population: &Population, k: u64) -> Self {
        Self::knowing(population, k, &BTreeSet::new())
    }

    /// Cuts `population` into blocks of at least `k` people, each with at least `k` people
    /// outside `managed` (the units whose subtrees the reader reads exactly) or none.
    pub fn knowing(population: &Population, k: u64, managed: &BTreeSet<UnitId>) -> Self {
        let k = k.max(1);
        let known: BTreeSet<UnitId> = managed
            .iter()
            .flat_map(|u| population.subtree(*u))
            .collect();
        let mut cut = Cut {
            population,
            k,
            known,
            pooling: Self {
                owner: BTreeMap::new(),
                pooled_from: BTreeMap::new(),
                other_groups: BTreeMap::new(),
                counted: BTreeMap::new(),
            },
        };
        for root in population.roots.clone() {
            cut.cut(root);
        }
        let mut pooling = cut.pooling;
        let mut owned: BTreeMap<UnitId, u64> = BTreeMap::new();
        for (atom, unit) in &pooling.owner {
            *owned.entry(*unit).or_default() += population.people(atom);
        }
        let mut order = Vec::new();
        for root in &population.roots {
            order.extend(population.subtree(*root));
        }
        // A unit's figures count its own block and its sub-units' figures; what its subtree
        // passed further up is in none of them.
        for u in order.into_iter().rev() {
            let below: u64 = population
                .children(u)
                .iter()
                .map(|c| pooling.counted.get(c).copied().unwrap_or(0))
                .sum();
            let own = owned.get(&u).copied().unwrap_or(0);
            pooling.counted.insert(u, own + below);
        }
        pooling
    }

    /// Whether `unit` has figures of its own.
    pub fn is_reported(&self, unit: UnitId) -> bool {
        self.counted.get(&unit).copied().unwrap_or(0) > 0
    }

    /// The status of `unit` as a representative or committee member may read it.
    pub fn table(&self, population: &Population, unit: UnitId) -> Table {
        if !self.is_reported(unit) {
            return Table::Withheld;
        }
        let below: BTreeSet<UnitId> = population.subtree(unit).into_iter().collect();
        let in_figures = |a: &Atom| self.owner.get(a).is_some_and(|o| below.contains(o));
        let all = population.atoms_under(unit);
        let total: Vec<Atom> = all.iter().filter(|a| in_figures(a)).cloned().collect();
        let own: Vec<Atom> = total
            .iter()
            .filter(|a| self.owner.get(*a) == Some(&unit))
            .cloned()
            .collect();
        let mut by_unit = vec![UnitRow {
            unit,
            direct: true,
            pooled_units: self.pooled_from.get(&unit).cloned().unwrap_or_default(),
            left_out: population
                .direct_atoms(unit)
                .any(|(a, _)| self.owner.get(&a) != Some(&unit)),
            atoms: own,
        }];
        for c in population.children(unit) {
            let mine: BTreeSet<UnitId> = population.subtree(*c).into_iter().collect();
            let under = population.atoms_under(*c);
            let atoms: Vec<Atom> = under
                .iter()
                .filter(|a| self.owner.get(*a).is_some_and(|o| mine.contains(o)))
                .cloned()
                .collect();
            by_unit.push(UnitRow {
                unit: *c,
                direct: false,
                pooled_units: Vec::new(),
                left_out: atoms.len() < under.len(),
                atoms,
            });
        }
        let mut groups: BTreeMap<(bool, Group), Vec<Atom>> = BTreeMap::new();
        for atom in &total {
            let other = self
                .owner
                .get(atom)
                .and_then(|w| self.other_groups.get(w))
                .is_some_and(|g| g.contains(&atom.group));
            let key = if other {
                (true, None)
            } else {
                (false, atom.group.clone())
            };
            groups.entry(key).or_default().push(atom.clone());
        }
        Table::Shown {
            left_out: total.len() < all.len(),
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

    /// The head-counts of `unit` as a representative or committee member may read them: those
    /// its figures count, and those placed directly in it where they alone are its own row.
    pub fn headcount(&self, population: &Population, unit: UnitId) -> Headcount {
        if !self.is_reported(unit) {
            return Headcount::default();
        }
        let direct_alone = self.pooled_from.get(&unit).is_some_and(Vec::is_empty)
            && population
                .direct_atoms(unit)
                .all(|(a, _)| self.owner.get(&a) == Some(&unit));
        let direct_total = population.direct_total(unit);
        Headcount {
            direct: (direct_alone || direct_total == 0).then_some(direct_total),
            total: self.counted.get(&unit).copied(),
        }
    }
}

/// The status of `unit` as those who may see it unpooled read it: the unit's own row, one row
/// per sub-unit and one per professional group.
pub fn plain_table(population: &Population, unit: UnitId) -> Table {
    let by_unit = unit_rows(population, unit);
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
        left_out: false,
    }
}

/// The rows by unit of `unit`: its own row (those placed directly in it), then one per
/// sub-unit.
fn unit_rows(population: &Population, unit: UnitId) -> Vec<UnitRow> {
    let row = |u: UnitId, direct: bool, atoms: Vec<Atom>| UnitRow {
        unit: u,
        direct,
        pooled_units: Vec::new(),
        left_out: false,
        atoms,
    };
    let mut rows = vec![row(
        unit,
        true,
        population.direct_atoms(unit).map(|(a, _)| a).collect(),
    )];
    for c in population.children(unit) {
        rows.push(row(*c, false, population.atoms_under(*c)));
    }
    rows
}

/// The groups of an own row counted together as other groups, from each group's people and
/// those of them the reader does not know: the groups that may not be blocks of their own, and
/// the smallest others too while those together may not be a block.
fn other_groups_of(by_group: &BTreeMap<Group, (u64, u64)>, k: u64) -> BTreeSet<Group> {
    let mut other: BTreeSet<Group> = by_group
        .iter()
        .filter(|(_, (n, u))| !may_be_block(*n, *u, k))
        .map(|(g, _)| g.clone())
        .collect();
    loop {
        let (n, u) = other
            .iter()
            .filter_map(|g| by_group.get(g))
            .fold((0, 0), |(n, u), (a, b)| (n + a, u + b));
        if n == 0 || may_be_block(n, u, k) {
            return other;
        }
        let smallest = by_group
            .iter()
            .filter(|(g, _)| !other.contains(*g))
            .min_by_key(|(g, (n, _))| (*n, (*g).clone()));
        match smallest {
            Some((g, _)) => {
                other.insert(g.clone());
            }
            // The whole row may be a block, so all of it together may.
            None => return other,
        }
    }
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
    /// people placed directly in each unit (every other one: 1 to 4 in every unit, as where
    /// each unit's manager and a few staff are placed in it), unevenly spread over the groups.
    fn random_org(rng: &mut Lcg) -> Population {
        let small_staff = rng.next(2) == 0;
        let n_units = 1 + rng.next(12) as u128;
        let n_groups = 1 + rng.next(4);
        let units: Vec<(u128, Option<u128>)> = (0..n_units)
            .map(|i| (i, (i > 0).then(|| rng.next(i as u64) as u128)))
            .collect();
        let mut people = Vec::new();
        for (u, _) in &units {
            let n = match rng.next(4) {
                _ if small_staff => 1 + rng.next(4),
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
            let h = pooling.headcount(p, *u);
            if let Table::Shown {
                total,
                by_unit,
                by_group,
                ..
            } = pooling.table(p, *u)
            {
                // The total head-count is the total's employees figure.
                let count: u64 = total.iter().map(|a| p.people(a)).sum();
                assert_eq!(h.total, Some(count));
                sets.push(total);
                sets.extend(by_unit.into_iter().map(|r| r.atoms));
                sets.extend(by_group.into_iter().map(|r| r.atoms));
            } else {
                assert_eq!(h.total, None);
            }
            if h.direct.is_some() {
                sets.push(p.direct_atoms(*u).map(|(a, _)| a).collect());
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

    /// `sets` and `people` without the atoms of `known` units, whose values the reader has:
    /// what is left for them to solve.
    fn unknown_part(
        p: &Population,
        sets: &[Vec<Atom>],
        known: &BTreeSet<UnitId>,
    ) -> (Vec<u64>, Vec<Vec<usize>>) {
        let known: BTreeSet<UnitId> = known.iter().flat_map(|u| p.subtree(*u)).collect();
        let sets: Vec<Vec<Atom>> = sets
            .iter()
            .map(|s| {
                s.iter()
                    .filter(|a| !known.contains(&a.unit))
                    .cloned()
                    .collect()
            })
            .filter(|s: &Vec<Atom>| !s.is_empty())
            .collect();
        let atoms: Vec<Atom> = p
            .children
            .keys()
            .filter(|u| !known.contains(*u))
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

    /// Up to two random units a reader manages besides their pooled role (none half the time).
    fn random_managed(p: &Population, rng: &mut Lcg) -> BTreeSet<UnitId> {
        let units: Vec<UnitId> = p.children.keys().copied().collect();
        let mut managed = BTreeSet::new();
        if rng.next(2) == 0 {
            for _ in 0..1 + rng.next(2) {
                managed.insert(units[rng.next(units.len() as u64) as usize]);
            }
        }
        managed
    }

    #[test]
    fn no_combination_of_what_a_representative_reads_determines_a_figure_about_fewer_than_k_people()
    {
        let mut rng = Lcg(20261130);
        let (mut pooled_orgs, mut managing) = (0, 0);
        for case in 0..1_000 {
            let seed = rng.0;
            let p = random_org(&mut rng);
            let k = 2 + rng.next(5);
            let managed = random_managed(&p, &mut rng);
            let pooling = Pooling::knowing(&p, k, &managed);
            let sets = everything_readable(&p, &pooling);
            let (people, rows) = unknown_part(&p, &sets, &managed);
            if let Some(found) = disclosed(&rows, &people, k) {
                panic!(
                    "case {case} (seed {seed}, k {k}, managing {managed:?}): the attacker \
                     determines a figure on the atoms {found:?} (people {:?})\n{p:#?}",
                    found.iter().map(|i| people[*i]).collect::<Vec<_>>()
                );
            }
            if pooling.pooled_from.values().any(|a| !a.is_empty())
                || pooling.other_groups.values().any(|g| !g.is_empty())
            {
                pooled_orgs += 1;
            }
            managing += usize::from(!managed.is_empty());
        }
        assert!(
            pooled_orgs > 300 && managing > 200,
            "the organisations exercise pooling ({pooled_orgs}) and managers ({managing})"
        );
    }

    /// The figures of two years, the closed one and the one that runs, with people who left,
    /// joined and moved between their counting days, as one linear system. Each atom splits
    /// into those in it on both days (`S`), those only on the first (`L`: left or moved
    /// away) and those only on the second (`J`: joined or moved in); its people sum to `S + L`
    /// in the closed year and `S + J` in this one. A year's own figures
    /// (follow-ups held in it, its interviews) are attributes of that year: variables of
    /// their own per year. The figures of today (agreed plans, drafts, activities, goals) are
    /// one attribute per person whatever the year asked about: shared variables. Each year's
    /// blocks are cut from its own head-counts. Returns the sets read and each variable's
    /// head-count, without what the reader manages.
    fn two_years(
        p1: &Population,
        rng: &mut Lcg,
        k: u64,
        managed: &BTreeSet<UnitId>,
        today_in_closed_year: bool,
    ) -> (Vec<Vec<usize>>, Vec<u64>) {
        let mut links: Vec<(UnitId, Option<UnitId>)> =
            p1.roots.iter().map(|r| (*r, None)).collect();
        for (parent, kids) in &p1.children {
            links.extend(kids.iter().map(|k| (*k, Some(*parent))));
        }
        let known: BTreeSet<UnitId> = managed.iter().flat_map(|u| p1.subtree(*u)).collect();
        let units: Vec<UnitId> = p1.children.keys().copied().collect();
        // (atom, stayed, left, joined)
        let mut split: Vec<(Atom, u64, u64, u64)> = Vec::new();
        for u in &units {
            for (atom, n) in p1.direct_atoms(*u) {
                let left = rng.next(n.min(2) + 1);
                split.push((atom, n - left, left, rng.next(3)));
            }
        }
        // Someone joins a group the unit did not have.
        let u = units[rng.next(units.len() as u64) as usize];
        if !split.iter().any(|(a, ..)| a.unit == u && a.group.is_none()) {
            split.push((
                Atom {
                    unit: u,
                    group: None,
                },
                0,
                0,
                1 + rng.next(2),
            ));
        }
        let p2 = Population::new(
            links.clone(),
            split.iter().map(|(a, s, _, j)| (a.clone(), s + j)),
        );
        // Variables per atom: 0 the closed year's own (S and L), 1 this year's own (S and J),
        // then today's: 2 S, 3 L, 4 J. Parts that every number read takes together are one
        // variable (it keeps the system small): today's S and J when the closed year shows
        // no figures of today.
        let mut people = Vec::new();
        let mut var: BTreeMap<(Atom, usize), usize> = BTreeMap::new();
        for (a, s, l, j) in &split {
            if known.contains(&a.unit) {
                continue;
            }
            let parts: Vec<(Vec<usize>, u64)> = if today_in_closed_year {
                vec![
                    (vec![0], s + l),
                    (vec![1], s + j),
                    (vec![2], *s),
                    (vec![3], *l),
                    (vec![4], *j),
                ]
            } else {
                vec![(vec![0], s + l), (vec![1], s + j), (vec![2, 4], s + j)]
            };
            for (slots, n) in parts {
                if n > 0 {
                    for slot in slots {
                        var.insert((a.clone(), slot), people.len());
                    }
                    people.push(n);
                }
            }
        }
        let row = |atoms: &[Atom], slots: &[usize]| -> Vec<usize> {
            atoms
                .iter()
                .flat_map(|a| {
                    slots
                        .iter()
                        .filter_map(|s| var.get(&(a.clone(), *s)).copied())
                })
                .collect()
        };
        let mut sets = Vec::new();
        let closed = everything_readable(p1, &Pooling::knowing(p1, k, managed));
        let running = everything_readable(&p2, &Pooling::knowing(&p2, k, managed));
        for atoms in &closed {
            sets.push(row(atoms, &[0]));
            if today_in_closed_year {
                sets.push(row(atoms, &[2, 3]));
            }
        }
        for atoms in &running {
            sets.push(row(atoms, &[1]));
            sets.push(row(atoms, &[2, 4]));
        }
        for set in &mut sets {
            set.sort_unstable();
            set.dedup();
        }
        sets.retain(|s| !s.is_empty());
        (sets, people)
    }

    #[test]
    fn no_combination_of_two_years_with_leavers_joiners_and_movers_between_determines_anyone() {
        let mut rng = Lcg(20261207);
        let mut caught = 0;
        for case in 0..20 {
            let seed = rng.0;
            let p = random_org(&mut rng);
            let k = 2 + rng.next(5);
            let managed = random_managed(&p, &mut rng);
            let state = rng.0;
            let (sets, people) = two_years(&p, &mut rng, k, &managed, false);
            if let Some(found) = disclosed(&sets, &people, k) {
                panic!(
                    "case {case} (seed {seed}, k {k}, managing {managed:?}): two years' \
                     figures determine the variables {found:?} (people {:?})\n{p:#?}",
                    found.iter().map(|i| people[*i]).collect::<Vec<_>>()
                );
            }
            // The same readings with the figures of today also shown for the closed year,
            // as they were: the attacker subtracts the years and finds the leavers and
            // joiners. (The same changes, drawn from the same state.)
            let (sets, people) = two_years(&p, &mut Lcg(state), k, &managed, true);
            caught += usize::from(disclosed(&sets, &people, k).is_some());
        }
        // At this seed it finds them in 8 of the 20.
        assert!(
            caught >= 3,
            "the attacker catches the old rule ({caught} of 20)"
        );
    }

    #[test]
    fn every_unit_of_at_least_k_people_has_figures_of_its_own() {
        let mut rng = Lcg(11);
        for case in 0..1_000 {
            let p = random_org(&mut rng);
            let k = 2 + rng.next(5);
            let pooling = Pooling::new(&p, k);
            for u in p.children.keys() {
                let size = p.size_of(*u);
                let shown = matches!(pooling.table(&p, *u), Table::Shown { .. });
                assert_eq!(shown, size >= k, "case {case}, k {k}: a unit of {size}");
            }
        }
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
                    ..
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
            by_unit,
            by_group,
            left_out,
            ..
        } = pooling.table(&p, unit(1))
        else {
            panic!("the area is shown");
        };
        assert!(!left_out);
        assert_eq!(by_unit.len(), 4);
        assert_eq!(by_unit[0].pooled_units, vec![unit(4)]);
        assert_eq!(
            by_unit[0].atoms.len(),
            2,
            "the 2 directly placed and the 4 of unit 4"
        );
        assert_eq!(
            (by_unit[3].unit, by_unit[3].atoms.len(), by_unit[3].left_out),
            (unit(4), 0, true),
            "unit 4's row counts no one: its people are in the area's own row"
        );
        assert_eq!(pooling.table(&p, unit(4)), Table::Withheld);
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

    /// The demo's municipality: 3 people placed in the top unit, an area of 21 (3 of its own
    /// and two institutions of 9).
    fn demo() -> Population {
        org(
            &[(1, None), (2, Some(1)), (3, Some(2)), (4, Some(2))],
            &[
                (1, "", 3),
                (2, "", 3),
                (3, "pædagog", 7),
                (3, "", 2),
                (4, "lærer", 6),
                (4, "", 3),
            ],
        )
    }

    #[test]
    fn an_area_and_its_institutions_keep_their_figures_when_those_above_and_beside_are_few() {
        let p = demo();
        let pooling = Pooling::new(&p, 5);
        for u in [2, 3, 4] {
            assert!(pooling.is_reported(unit(u)), "unit {u}");
        }
        let Table::Shown { by_unit, .. } = pooling.table(&p, unit(2)) else {
            panic!("the area is shown");
        };
        assert!(
            by_unit.iter().filter(|r| !r.direct).all(|r| !r.left_out),
            "each institution's row counts all of it"
        );
        let Table::Shown {
            total,
            by_unit,
            left_out,
            ..
        } = pooling.table(&p, unit(2))
        else {
            panic!("the area is shown");
        };
        assert!(left_out, "its own 3 are too few for a row of their own");
        let count = |atoms: &[Atom]| atoms.iter().map(|a| p.people(a)).sum::<u64>();
        assert_eq!(count(&total), 18);
        assert_eq!(
            (by_unit[0].atoms.len(), by_unit[0].left_out),
            (0, true),
            "the own row"
        );
        // The area's 3 pass up to the municipality's own row, which with its own 3 is a block.
        let Table::Shown { total, by_unit, .. } = pooling.table(&p, unit(1)) else {
            panic!("the municipality is shown");
        };
        assert_eq!(count(&total), 24);
        assert_eq!(by_unit[0].pooled_units, vec![unit(2)]);
        assert_eq!(count(&by_unit[0].atoms), 6);
        let (people, rows) = system(&p, &everything_readable(&p, &pooling));
        assert_eq!(disclosed(&rows, &people, 5), None);
    }

    #[test]
    fn a_team_leader_on_a_committee_learns_nothing_of_those_pooled_with_their_team() {
        // A team of 3 whose leader sits on the area's committee, pooled with the 3 placed
        // directly in the area; a department of 9 beside them.
        let p = org(
            &[(1, None), (2, Some(1)), (3, Some(1))],
            &[(1, "", 3), (2, "", 3), (3, "", 9)],
        );
        let team: BTreeSet<UnitId> = [unit(2)].into();
        // Cut for a reader who knows nothing, it gives the area's own 3 away to the leader.
        let blind = Pooling::new(&p, 5);
        let (people, rows) = unknown_part(&p, &everything_readable(&p, &blind), &team);
        let found = disclosed(&rows, &people, 5).expect("the leader subtracts their team");
        assert_eq!(found.iter().map(|i| people[*i]).sum::<u64>(), 3);
        // Cut for them, the six pass up and are left out of what they read.
        let theirs = Pooling::knowing(&p, 5, &team);
        let (people, rows) = unknown_part(&p, &everything_readable(&p, &theirs), &team);
        assert_eq!(disclosed(&rows, &people, 5), None);
        let Table::Shown { total, .. } = theirs.table(&p, unit(1)) else {
            panic!("the area is shown");
        };
        assert_eq!(total.iter().map(|a| p.people(a)).sum::<u64>(), 9);
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
    fn a_group_is_a_block_only_with_k_people_its_reader_does_not_manage() {
        // An area with 2 of group g and 6 of h of its own, and two teams of g (3 and 2) whose
        // leader reads the area as a committee member: the teams pass up to the area's row,
        // where g has 7 people but only the area's 2 unknown to the leader.
        let p = org(
            &[(1, None), (2, Some(1)), (3, Some(1))],
            &[(1, "g", 2), (1, "h", 6), (2, "g", 3), (3, "g", 2)],
        );
        let teams: BTreeSet<UnitId> = [unit(2), unit(3)].into();
        let pooling = Pooling::knowing(&p, 5, &teams);
        let Table::Shown { by_group, .. } = pooling.table(&p, unit(1)) else {
            panic!("the area is shown");
        };
        assert!(
            by_group.iter().all(|r| r.group != group("g")),
            "g is no row of its own: {by_group:#?}"
        );
        let (people, rows) = unknown_part(&p, &everything_readable(&p, &pooling), &teams);
        assert_eq!(disclosed(&rows, &people, 5), None);
    }

    #[test]
    fn a_chain_of_twenty_thousand_units_is_cut_without_recursion() {
        // One person in each unit of a chain: every fifth unit's own row gathers five.
        let n: u128 = 20_000;
        let p = org(
            &(0..n)
                .map(|i| (i, i.checked_sub(1)))
                .collect::<Vec<(u128, Option<u128>)>>(),
            &(0..n).map(|i| (i, "", 1u64)).collect::<Vec<_>>(),
        );
        let pooling = Pooling::new(&p, 5);
        assert_eq!(pooling.headcount(&p, unit(0)).total, Some(20_000));
        assert!(pooling.is_reported(unit(n - 5)));
        assert!(!pooling.is_reported(unit(n - 4)));
    }

    #[test]
    fn an_organisation_of_fewer_than_k_people_shows_nothing() {
        let p = org(&[(1, None), (2, Some(1))], &[(1, "", 2), (2, "", 2)]);
        let pooling = Pooling::new(&p, 5);
        assert_eq!(pooling.table(&p, unit(1)), Table::Withheld);
        assert_eq!(pooling.headcount(&p, unit(2)), Headcount::default());
    }

    #[test]
    fn a_small_own_row_passes_up_and_no_sub_unit_of_k_is_swallowed() {
        // 2 placed directly; sub-units of 6 and 9: both keep their figures, the 2 are left out.
        let p = org(
            &[(1, None), (2, Some(1)), (3, Some(1))],
            &[(1, "", 2), (2, "", 6), (3, "", 9)],
        );
        let pooling = Pooling::new(&p, 5);
        assert!(pooling.is_reported(unit(2)));
        assert!(pooling.is_reported(unit(3)));
        assert_eq!(
            pooling.headcount(&p, unit(1)),
            Headcount {
                direct: None,
                total: Some(15)
            }
        );
    }

    #[test]
    fn a_group_of_exactly_k_is_a_block_and_other_groups_of_exactly_k_stay_apart() {
        let counts = |pairs: &[(&str, u64)]| -> BTreeMap<Group, (u64, u64)> {
            pairs.iter().map(|(g, n)| (group(g), (*n, *n))).collect()
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
