//! Agreed versions, frozen, and what changed between two of them.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

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

/// One field whose value differs between two versions, with both values as they are written
/// (null where the item did not exist).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldChange {
    /// The field's name.
    pub field: String,
    /// Its value in the older version.
    pub old: Value,
    /// Its value in the newer version.
    pub new: Value,
}

/// What happened to an item between two versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemChange {
    /// Only in the newer version.
    Added,
    /// Only in the older version.
    Removed,
    /// In both, with fields that differ.
    Changed,
}

/// One goal, activity or open point that differs, with every field that differs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemDiff<I> {
    /// The item.
    pub id: I,
    /// Added, removed or changed.
    pub change: ItemChange,
    /// The fields that differ: all of them for an added or removed item.
    pub fields: Vec<FieldChange>,
}

/// What changed between two versions' agreed content, field by field.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ContentDiff {
    /// Plan-level fields that differ.
    pub plan: Vec<FieldChange>,
    /// Goals added, removed or changed.
    pub goals: Vec<ItemDiff<GoalId>>,
    /// Activities added, removed or changed.
    pub activities: Vec<ItemDiff<ActivityId>>,
    /// Open points added, removed or changed.
    pub open_points: Vec<ItemDiff<OpenPointId>>,
}

/// The fields of a value as written, by name (the `id` left out: it names the item).
fn fields_of<T: Serialize>(value: &T) -> BTreeMap<String, Value> {
    match serde_json::to_value(value) {
        Ok(Value::Object(map)) => map.into_iter().filter(|(k, _)| k != "id").collect(),
        _ => BTreeMap::new(),
    }
}

/// The fields whose values differ, in name order; a field missing on one side is null there.
fn field_changes(old: &BTreeMap<String, Value>, new: &BTreeMap<String, Value>) -> Vec<FieldChange> {
    let names: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    names
        .into_iter()
        .filter_map(|name| {
            let (o, n) = (
                old.get(name).cloned().unwrap_or(Value::Null),
                new.get(name).cloned().unwrap_or(Value::Null),
            );
            (o != n).then(|| FieldChange {
                field: name.clone(),
                old: o,
                new: n,
            })
        })
        .collect()
}

/// The items that differ: those of the newer version in its order, then those removed.
fn diff_items<T: Serialize, I: Copy + PartialEq>(
    old: &[T],
    new: &[T],
    id: impl Fn(&T) -> I,
) -> Vec<ItemDiff<I>> {
    let empty = BTreeMap::new();
    let mut out = Vec::new();
    for n in new {
        let after = fields_of(n);
        match old.iter().find(|o| id(o) == id(n)) {
            None => out.push(ItemDiff {
                id: id(n),
                change: ItemChange::Added,
                fields: field_changes(&empty, &after),
            }),
            Some(o) => {
                let fields = field_changes(&fields_of(o), &after);
                if !fields.is_empty() {
                    out.push(ItemDiff {
                        id: id(n),
                        change: ItemChange::Changed,
                        fields,
                    });
                }
            }
        }
    }
    for o in old.iter().filter(|o| !new.iter().any(|n| id(n) == id(o))) {
        out.push(ItemDiff {
            id: id(o),
            change: ItemChange::Removed,
            fields: field_changes(&fields_of(o), &empty),
        });
    }
    out
}

/// Compares the agreed parts of two contents, field by field (follow-up data is no part of
/// what was agreed, so it is left out).
pub fn diff(old: &PlanContent, new: &PlanContent) -> ContentDiff {
    let (old, new) = (old.agreed_part(), new.agreed_part());
    let plan_fields = |c: &PlanContent| {
        let mut f = fields_of(c);
        for items in ["goals", "activities", "open_points"] {
            f.remove(items);
        }
        // The period reads as its two days, as the plan shows them.
        if let Some(Value::Object(period)) = f.remove("period") {
            f.extend(period);
        }
        f
    };
    ContentDiff {
        plan: field_changes(&plan_fields(&old), &plan_fields(&new)),
        goals: diff_items(&old.goals, &new.goals, |g| g.id),
        activities: diff_items(&old.activities, &new.activities, |a| a.id),
        open_points: diff_items(&old.open_points, &new.open_points, |p| p.id),
    }
}
