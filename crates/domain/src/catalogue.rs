//! The catalogue of development offers, and the development goals a unit publishes.

use crate::FieldCode;
use serde::{Deserialize, Serialize};

use crate::records::Meta;
use crate::text::{ExternalId, LongText, Name, ProfessionalGroup};
use crate::{CatalogueEntryId, EmployeeId, UnitGoalId, UnitId, Violation};

/// What kind of offer an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OfferKind {
    /// A course.
    Course,
    /// Further education (efter- og videreuddannelse).
    Education,
    /// Any other initiative.
    OtherInitiative,
}

impl OfferKind {
    /// The wire and storage name.
    pub const fn as_str(self) -> &'static str {
        match self {
            OfferKind::Course => "course",
            OfferKind::Education => "education",
            OfferKind::OtherInitiative => "other_initiative",
        }
    }

    /// Parses a storage name.
    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Course, Self::Education, Self::OtherInitiative]
            .into_iter()
            .find(|k| k.as_str() == raw)
    }
}

/// The content of a catalogue entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferContent {
    /// The HR system's id.
    pub external_id: Option<ExternalId>,
    /// Course, education or other.
    pub kind: OfferKind,
    /// Its title.
    pub title: Name,
    /// What it is.
    pub description: Option<LongText>,
    /// Who provides it.
    pub provider: Option<Name>,
    /// How long it takes, as the provider says it ("3 dage", "1 semester").
    pub duration: Option<Name>,
    /// The professional groups it is relevant for; empty means everyone.
    pub professional_groups: Vec<ProfessionalGroup>,
    /// Whether it is leadership education.
    pub leadership_education: bool,
}

/// An entry of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogueEntry {
    /// Its id.
    pub id: CatalogueEntryId,
    /// What it offers.
    pub content: OfferContent,
    /// Version and times.
    pub meta: Meta,
}

/// A development goal a unit publishes, so its employees know it (Herlev Kommune's
/// competence policy).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitGoal {
    /// Its id.
    pub id: UnitGoalId,
    /// The unit.
    pub unit_id: UnitId,
    /// The goal.
    pub title: Name,
    /// More about it.
    pub description: Option<LongText>,
    /// Withdrawn goals stay readable for the plans that link to them.
    pub archived: bool,
    /// Who published it.
    pub published_by: EmployeeId,
    /// Version and times.
    pub meta: Meta,
}

/// Whether a plan goal may link to `goal`: it is still published (not withdrawn), and it was
/// published for a unit the plan's members know, one at or above a member's unit. `reaches`
/// holds the goal's unit and every unit under it; `member_units` the members' units.
pub fn check_link(
    goal: &UnitGoal,
    reaches: &[UnitId],
    member_units: &[UnitId],
) -> Result<(), Violation> {
    if goal.archived {
        return Err(Violation::new(
            "unit_goal_id",
            FieldCode::WithdrawnUnitGoal,
            "the development goal has been withdrawn",
        ));
    }
    if !member_units.iter().any(|u| reaches.contains(u)) {
        return Err(Violation::new(
            "unit_goal_id",
            FieldCode::UnknownUnitGoal,
            "not a development goal of the employee's units",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plan_goal_links_only_to_a_published_goal_of_a_unit_at_or_above_a_member() {
        let (area, inst, other) = (UnitId::generate(), UnitId::generate(), UnitId::generate());
        let mut goal = UnitGoal {
            id: UnitGoalId::generate(),
            unit_id: area,
            title: Name::parse("title", "Bedre samarbejde").unwrap(),
            description: None,
            archived: false,
            published_by: EmployeeId::generate(),
            meta: Meta::first(chrono::DateTime::UNIX_EPOCH),
        };
        let reaches = [area, inst];
        assert_eq!(check_link(&goal, &reaches, &[inst]), Ok(()));
        assert_eq!(
            check_link(&goal, &reaches, &[other]).map_err(|v| v.code),
            Err(FieldCode::UnknownUnitGoal)
        );
        goal.archived = true;
        assert_eq!(
            check_link(&goal, &reaches, &[inst]).map_err(|v| v.code),
            Err(FieldCode::WithdrawnUnitGoal)
        );
    }
}
