//! Agreed versions, frozen, and what changed between two of them.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::{ActivityId, GoalId, OpenPointId};

use super::{Plan, PlanContent, PlanStatus, Signature};

/// A version as it was agreed: frozen content with the signatures that made it agreed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreedVersion {
    /// Its number.
    pub version: u32,
    /// The content as signed (follow-up data as it stood then).
    pub content: PlanContent,
    /// The hash every signature is bound to.
    pub content_hash: String,
    /// The signatures.
    pub signatures: Vec<Signature>,
    /// When the last signature made it agreed.
    pub agreed_at: DateTime<Utc>,
}

impl Plan {
    /// The version just agreed, frozen; none unless the current content is the agreed version.
    pub fn frozen_version(&self) -> Option<AgreedVersion> {
        (self.status == PlanStatus::Agreed && self.agreed_version == Some(self.version)).then(
            || AgreedVersion {
                version: self.version,
                content: self.content.clone(),
                content_hash: self.content.content_hash(),
                signatures: self.signatures.clone(),
                agreed_at: self
                    .signatures
                    .iter()
                    .map(|s| s.signed_at)
                    .max()
                    .unwrap_or(self.updated_at),
            },
        )
    }
}

/// What changed between two versions' content.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ContentDiff {
    /// Plan-level fields whose value differs.
    pub changed_fields: Vec<&'static str>,
    /// Goals only in the newer version.
    pub goals_added: Vec<GoalId>,
    /// Goals only in the older version.
    pub goals_removed: Vec<GoalId>,
    /// Goals in both, with different content.
    pub goals_changed: Vec<GoalId>,
    /// Activities only in the newer version.
    pub activities_added: Vec<ActivityId>,
    /// Activities only in the older version.
    pub activities_removed: Vec<ActivityId>,
    /// Activities in both, with different content.
    pub activities_changed: Vec<ActivityId>,
    /// Open points only in the newer version.
    pub open_points_added: Vec<OpenPointId>,
    /// Open points only in the older version.
    pub open_points_removed: Vec<OpenPointId>,
    /// Open points in both, with different text.
    pub open_points_changed: Vec<OpenPointId>,
}

fn diff_items<T: PartialEq, I: Copy + PartialEq>(
    old: &[T],
    new: &[T],
    id: impl Fn(&T) -> I,
) -> (Vec<I>, Vec<I>, Vec<I>) {
    let added = new
        .iter()
        .filter(|n| !old.iter().any(|o| id(o) == id(n)))
        .map(&id)
        .collect();
    let removed = old
        .iter()
        .filter(|o| !new.iter().any(|n| id(o) == id(n)))
        .map(&id)
        .collect();
    let changed = new
        .iter()
        .filter(|n| old.iter().any(|o| id(o) == id(n) && o != *n))
        .map(&id)
        .collect();
    (added, removed, changed)
}

/// Compares the agreed parts of two contents.
pub fn diff(old: &PlanContent, new: &PlanContent) -> ContentDiff {
    let (old, new) = (old.agreed_part(), new.agreed_part());
    let mut d = ContentDiff::default();
    let fields: [(&'static str, bool); 5] = [
        ("title", old.title != new.title),
        ("period", old.period != new.period),
        (
            "prior_learning_assessment",
            old.prior_learning_assessment != new.prior_learning_assessment,
        ),
        (
            "leadership_education",
            old.leadership_education != new.leadership_education,
        ),
        (
            "development_interview_id",
            old.development_interview_id != new.development_interview_id,
        ),
    ];
    d.changed_fields = fields
        .into_iter()
        .filter(|(_, c)| *c)
        .map(|(f, _)| f)
        .collect();
    (d.goals_added, d.goals_removed, d.goals_changed) =
        diff_items(&old.goals, &new.goals, |g| g.id);
    (
        d.activities_added,
        d.activities_removed,
        d.activities_changed,
    ) = diff_items(&old.activities, &new.activities, |a| a.id);
    (
        d.open_points_added,
        d.open_points_removed,
        d.open_points_changed,
    ) = diff_items(&old.open_points, &new.open_points, |p| p.id);
    d
}
