//! The published schemas of the domain's plan enums (the wire values; the domain types are used as they are).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A goal's kind of competence.
#[derive(ToSchema)]
#[schema(as = CompetenceKind)]
#[allow(dead_code)]
#[serde(rename_all = "snake_case")]
pub(crate) enum CompetenceKindSchema {
    Professional,
    Personal,
    Social,
}

/// A goal's horizon.
#[derive(ToSchema)]
#[schema(as = Horizon)]
#[allow(dead_code)]
#[serde(rename_all = "snake_case")]
pub(crate) enum HorizonSchema {
    ShortTerm,
    LongTerm,
}

/// How a goal turned out.
#[derive(ToSchema)]
#[schema(as = Verdict)]
#[allow(dead_code)]
#[serde(rename_all = "snake_case")]
pub(crate) enum VerdictSchema {
    Achieved,
    PartlyAchieved,
    NotAchieved,
    Dropped,
}

/// The palette of development activities.
#[derive(ToSchema)]
#[schema(as = ActivityKind)]
#[allow(dead_code)]
#[serde(rename_all = "snake_case")]
pub(crate) enum ActivityKindSchema {
    OnTheJobTraining,
    Mentoring,
    CollegialFeedback,
    UserInteraction,
    ExternalPlacement,
    InternalPlacement,
    NewTasks,
    JobRotation,
    Network,
    Project,
    Sparring,
    Supervision,
    KnowledgeSharing,
    Course,
    Education,
    Other,
}

/// How an activity is going.
#[derive(ToSchema)]
#[schema(as = ActivityStatus)]
#[allow(dead_code)]
#[serde(rename_all = "snake_case")]
pub(crate) enum ActivityStatusSchema {
    Planned,
    InProgress,
    Completed,
    Cancelled,
}

/// Where a plan is in its life.
#[derive(ToSchema)]
#[schema(as = PlanStatus)]
#[allow(dead_code)]
#[serde(rename_all = "snake_case")]
pub(crate) enum PlanStatusSchema {
    Draft,
    Agreed,
    Superseded,
    Closed,
}

/// A party to a plan: its employee (each member) or a manager of theirs.
#[derive(ToSchema)]
#[schema(as = PlanParty)]
#[allow(dead_code)]
#[serde(rename_all = "snake_case")]
pub(crate) enum PartySchema {
    Employee,
    Manager,
}

/// Whether a plan is for one employee or a group.
#[derive(ToSchema)]
#[schema(as = PlanKind)]
#[allow(dead_code)]
#[serde(rename_all = "snake_case")]
pub(crate) enum PlanKindSchema {
    Individual,
    Group,
}

/// Who answers for an activity.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ResponsibleParty {
    /// The employee.
    Employee,
    /// The manager.
    Manager,
    /// Someone else, named in `responsible_name`.
    Other,
}

#[cfg(test)]
mod tests {
    use devplan_domain::plan::{
        ActivityKind, ActivityStatus, CompetenceKind, Horizon, Party, PlanKind, PlanStatus, Verdict,
    };

    use super::*;

    /// The values a schema publishes, and the domain's wire values, sorted.
    fn published_and_domain<S: utoipa::PartialSchema, D: Serialize>(
        all: &[D],
    ) -> (Vec<String>, Vec<String>) {
        let schema = serde_json::to_value(S::schema()).expect("the schema serialises");
        let mut published: Vec<String> = schema["enum"]
            .as_array()
            .expect("an enum schema")
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
        let mut domain: Vec<String> = all
            .iter()
            .map(|d| {
                serde_json::to_value(d)
                    .expect("serialises")
                    .as_str()
                    .expect("a string")
                    .to_owned()
            })
            .collect();
        published.sort();
        domain.sort();
        (published, domain)
    }

    #[test]
    fn every_published_plan_enum_has_exactly_the_domains_values() {
        let pairs = [
            published_and_domain::<CompetenceKindSchema, _>(&CompetenceKind::ALL),
            published_and_domain::<HorizonSchema, _>(&Horizon::ALL),
            published_and_domain::<VerdictSchema, _>(&Verdict::ALL),
            published_and_domain::<ActivityKindSchema, _>(&ActivityKind::ALL),
            published_and_domain::<ActivityStatusSchema, _>(&ActivityStatus::ALL),
            published_and_domain::<PlanStatusSchema, _>(&PlanStatus::ALL),
            published_and_domain::<PlanKindSchema, _>(&PlanKind::ALL),
            published_and_domain::<PartySchema, _>(&Party::ALL),
        ];
        for (published, domain) in pairs {
            assert_eq!(published, domain);
        }
    }
}
