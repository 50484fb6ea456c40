//! Newtype identifiers, so that an employee id can never be passed where a unit id is meant.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A new, time-ordered (v7) identifier.
            pub fn generate() -> Self {
                Self(Uuid::now_v7())
            }
            /// Wraps an identifier read from storage or a request.
            pub const fn from_uuid(id: Uuid) -> Self {
                Self(id)
            }
            /// The underlying UUID.
            pub const fn uuid(self) -> Uuid {
                self.0
            }
        }

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                Self(id)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Self {
                id.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// Identifies an organisational unit.
    UnitId
);
id_type!(
    /// Identifies an employee.
    EmployeeId
);
id_type!(
    /// Identifies a MED committee.
    CommitteeId
);
id_type!(
    /// Identifies a collective agreement period.
    AgreementPeriodId
);
id_type!(
    /// Identifies a development plan.
    PlanId
);
id_type!(
    /// Identifies a goal within a plan.
    GoalId
);
id_type!(
    /// Identifies an activity within a plan.
    ActivityId
);
id_type!(
    /// Identifies an open point within a plan.
    OpenPointId
);
id_type!(
    /// Identifies an entry of the development catalogue.
    CatalogueEntryId
);
id_type!(
    /// Identifies a published development goal of a unit.
    UnitGoalId
);
id_type!(
    /// Identifies a follow-up of a plan.
    FollowUpId
);
id_type!(
    /// Identifies an absence.
    AbsenceId
);
id_type!(
    /// Identifies a development interview.
    InterviewId
);
id_type!(
    /// Identifies a preparation guide for development interviews.
    GuideId
);
id_type!(
    /// Identifies one version of a preparation guide.
    GuideVersionId
);
id_type!(
    /// Identifies one participant's preparation of an interview.
    PreparationId
);
id_type!(
    /// A status review: one unit's yearly stock-taking.
    ReviewId
);
id_type!(
    /// A webhook endpoint.
    WebhookEndpointId
);
