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
