//! What the domain's tests share.

use chrono::NaiveDate;

/// A small deterministic generator, so a failure names a seed that reproduces it.
pub(crate) struct Lcg(pub(crate) u64);

impl Lcg {
    /// A number below `n`.
    pub(crate) fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }

    /// A day in 2024–2026.
    pub(crate) fn day(&mut self) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 1, 1).expect("a date") + chrono::Days::new(self.next(3 * 365))
    }
}
