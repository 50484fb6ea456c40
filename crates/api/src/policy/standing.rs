//! What a loader answers besides the object: how the caller may see or act on it.

/// How status figures are shown to a caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusView {
    /// As they are, with named lists (HR, the unit's managers).
    Named,
    /// Suppressed below the anonymity threshold (representatives, committees).
    Anonymised,
}

/// How a caller stands to one committee's records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommitteeStanding {
    /// Sits on it: records its work.
    Member,
    /// HR, or sits on a committee above it: reads only.
    Reader,
}

/// The caller's part in one interview's preparation (`Access::preparer`).
#[derive(Debug, Clone)]
pub struct PreparerStanding {
    /// The interview.
    pub interview: devplan_domain::followup::Interview,
    /// The caller.
    pub me: devplan_domain::EmployeeId,
    /// The side they prepare from.
    pub side: devplan_domain::preparation::Side,
    /// The participants the caller acts as manager of today.
    pub managed: std::collections::BTreeSet<devplan_domain::EmployeeId>,
}

impl PreparerStanding {
    /// Whether the caller may read `p`, a preparation of this interview (the domain's rule).
    pub fn may_read(&self, p: &devplan_domain::preparation::Preparation) -> bool {
        devplan_domain::preparation::may_read(
            p.side,
            p.shared_at.is_some(),
            devplan_domain::preparation::Reader {
                is_writer: p.writer == self.me,
                is_participant: self.side == devplan_domain::preparation::Side::Employee,
                manages_writer: self.managed.contains(&p.writer),
            },
        )
    }
}
