//! The attacker pooling is tested against: given every number a reader can get, as the sets of
//! atoms each sums over, it solves their linear system exactly and looks for any combination of
//! atoms' values it determines that rests on fewer than k people. Public so the black-box tests
//! can run it over what a representative reads through the API.
//!
//! It works on equations only: it does not use that counts are between 0 and the number of
//! people (a row of k people with a count of 0 says the same of each of them, and is a figure
//! about k people).

/// The arithmetic outgrew 128 bits, so the attacker could not decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the attacker's arithmetic overflowed")]
pub struct Overflow;

/// An exact fraction, numerator and positive denominator in lowest terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Q(i128, i128);

fn gcd(a: i128, b: i128) -> i128 {
    let (mut a, mut b) = (a.abs(), b.abs());
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

impl Q {
    const ZERO: Q = Q(0, 1);
    const ONE: Q = Q(1, 1);

    fn new(n: i128, d: i128) -> Result<Q, Overflow> {
        let g = gcd(n, d).max(1) * d.signum();
        Ok(Q(
            n.checked_div(g).ok_or(Overflow)?,
            d.checked_div(g).ok_or(Overflow)?,
        ))
    }

    fn is_zero(self) -> bool {
        self.0 == 0
    }

    fn sub(self, o: Q) -> Result<Q, Overflow> {
        let n = self
            .0
            .checked_mul(o.1)
            .zip(o.0.checked_mul(self.1))
            .and_then(|(a, b)| a.checked_sub(b))
            .ok_or(Overflow)?;
        Q::new(n, self.1.checked_mul(o.1).ok_or(Overflow)?)
    }

    fn mul(self, o: Q) -> Result<Q, Overflow> {
        Q::new(
            self.0.checked_mul(o.0).ok_or(Overflow)?,
            self.1.checked_mul(o.1).ok_or(Overflow)?,
        )
    }

    fn div(self, o: Q) -> Result<Q, Overflow> {
        Q::new(
            self.0.checked_mul(o.1).ok_or(Overflow)?,
            self.1.checked_mul(o.0).ok_or(Overflow)?,
        )
    }
}

/// `r` minus `f` times `b`, in place.
fn subtract(r: &mut [Q], f: Q, b: &[Q]) -> Result<(), Overflow> {
    for (x, y) in r.iter_mut().zip(b) {
        *x = x.sub(f.mul(*y)?)?;
    }
    Ok(())
}

/// The reduced row echelon form of `rows`, as (pivot column, row) with the pivot 1.
fn reduce(rows: impl IntoIterator<Item = Vec<Q>>) -> Result<Vec<(usize, Vec<Q>)>, Overflow> {
    let mut basis: Vec<(usize, Vec<Q>)> = Vec::new();
    for mut r in rows {
        for (p, b) in &basis {
            if !r[*p].is_zero() {
                let f = r[*p];
                subtract(&mut r, f, b)?;
            }
        }
        let Some(p) = r.iter().position(|x| !x.is_zero()) else {
            continue;
        };
        let f = r[p];
        for x in r.iter_mut() {
            *x = x.div(f)?;
        }
        for (_, b) in basis.iter_mut() {
            if !b[p].is_zero() {
                let g = b[p];
                subtract(b, g, &r)?;
            }
        }
        basis.push((p, r));
    }
    Ok(basis)
}

/// A set of atoms of 1 to k − 1 people on which some combination of the numbers read is
/// determined (a nonzero linear combination of the atoms' values, resting on them alone), if
/// there is one. `sets` are the numbers read, each as the atoms it sums over (indices into
/// `people`, each atom's head-count).
///
/// A combination `v` of the atoms' values can be worked out exactly when `v` lies in the row
/// space of the sets read, that is when it is orthogonal to their kernel. With a basis of the
/// kernel as the columns of `K`, a nonzero `v` resting on the atoms `T` exists exactly when the
/// rows `K[t]`, `t ∈ T`, are linearly dependent. Every such `T` of fewer than k people holds a
/// minimal one, all of whose subsets are independent; the search extends independent sets
/// only, in index order, so it reaches every minimal one.
pub fn disclosed(
    sets: &[Vec<usize>],
    people: &[u64],
    k: u64,
) -> Result<Option<Vec<usize>>, Overflow> {
    let n = people.len();
    let rows = sets.iter().map(|s| {
        let mut r = vec![Q::ZERO; n];
        for i in s {
            r[*i] = Q::ONE;
        }
        r
    });
    let basis = reduce(rows)?;
    let free: Vec<usize> = (0..n)
        .filter(|c| basis.iter().all(|(p, _)| p != c))
        .collect();
    // An atom's row of K: its entry in each kernel vector (one per free column).
    let kernel_row = |atom: usize| -> Result<Vec<Q>, Overflow> {
        let pivot_row = basis.iter().find(|(p, _)| *p == atom);
        free.iter()
            .map(|f| match pivot_row {
                _ if atom == *f => Ok(Q::ONE),
                Some((_, b)) => Q::ZERO.sub(b[*f]),
                None => Ok(Q::ZERO),
            })
            .collect()
    };
    let small: Vec<usize> = (0..n)
        .filter(|i| people[*i] > 0 && people[*i] < k)
        .collect();
    let k_rows = small
        .iter()
        .map(|i| kernel_row(*i))
        .collect::<Result<Vec<_>, _>>()?;
    let search = Search {
        small: &small,
        k_rows: &k_rows,
        people,
        k,
    };
    search.from(0, &mut Vec::new(), 0)
}

/// The depth-first search over sets of small atoms.
struct Search<'a> {
    small: &'a [usize],
    k_rows: &'a [Vec<Q>],
    people: &'a [u64],
    k: u64,
}

impl Search<'_> {
    fn from(
        &self,
        start: usize,
        chosen: &mut Vec<usize>,
        weight: u64,
    ) -> Result<Option<Vec<usize>>, Overflow> {
        for j in start..self.small.len() {
            let w = weight + self.people[self.small[j]];
            if w >= self.k {
                continue;
            }
            chosen.push(j);
            let rank = reduce(chosen.iter().map(|c| self.k_rows[*c].clone()))?.len();
            if rank < chosen.len() {
                return Ok(Some(chosen.iter().map(|c| self.small[*c]).collect()));
            }
            if let Some(found) = self.from(j + 1, chosen, w)? {
                return Ok(Some(found));
            }
            chosen.pop();
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_read_on_its_own_is_determined() {
        assert_eq!(disclosed(&[vec![0]], &[3, 9], 5), Ok(Some(vec![0])));
    }

    #[test]
    fn a_difference_of_two_sets_is_determined() {
        // {0, 1} and {1} read: atom 0 is their difference.
        assert_eq!(
            disclosed(&[vec![0, 1], vec![1]], &[2, 9], 5),
            Ok(Some(vec![0]))
        );
    }

    #[test]
    fn a_difference_is_found_also_when_other_atoms_stay_unknown() {
        // {0, 1, 2} and {1, 2}: atom 0 is determined, 1 and 2 are not (2 is free).
        let sets = [vec![0, 1, 2], vec![1, 2]];
        assert_eq!(disclosed(&sets, &[2, 9, 9], 5), Ok(Some(vec![0])));
    }

    #[test]
    fn an_atom_of_no_one_is_no_disclosure() {
        assert_eq!(disclosed(&[vec![0]], &[0, 9], 5), Ok(None));
    }

    #[test]
    fn fractions_are_kept_in_lowest_terms_with_a_positive_denominator() {
        assert_eq!(Q::new(2, 4), Ok(Q(1, 2)));
        assert_eq!(Q::new(3, -6), Ok(Q(-1, 2)));
        assert_eq!(Q(1, 2).sub(Q(1, 2)), Ok(Q::ZERO));
    }

    #[test]
    fn two_small_atoms_read_only_together_are_determined_together_when_they_are_few() {
        let sets = [vec![0, 1, 2], vec![2]];
        assert_eq!(disclosed(&sets, &[2, 2, 9], 5), Ok(Some(vec![0, 1])));
        assert_eq!(
            disclosed(&sets, &[3, 2, 9], 5),
            Ok(None),
            "5 people together"
        );
    }

    #[test]
    fn sets_of_at_least_k_that_overlap_widely_determine_nothing_small() {
        let sets = [vec![0, 1], vec![1, 2], vec![0, 1, 2]];
        assert_eq!(disclosed(&sets, &[5, 6, 7], 5), Ok(None));
    }
}
