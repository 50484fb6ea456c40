//! sea-orm entities, one module per table. Only the persistence crate sees them.

/// What the entities here share: no relations declared (repositories join explicitly) and no
/// behaviour on save.
macro_rules! without_relations {
    () => {
        /// No relations are declared: repositories join explicitly.
        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}

        impl ActiveModelBehavior for ActiveModel {}
    };
}
pub(crate) use without_relations;

pub mod absence;
pub mod agreement_period;
pub mod audit_entry;
pub mod calendar_feed;
pub mod catalogue_entry;
pub mod catalogue_group;
pub mod committee;
pub mod committee_discussion;
pub mod committee_feedback;
pub mod committee_member;
pub mod development_interview;
pub mod employee;
pub mod event;
pub mod event_feed;
pub mod event_reach;
pub mod follow_up;
pub mod guide_version;
pub mod idempotency_key;
pub mod interview_participant;
pub mod org_unit;
pub mod placement;
pub mod plan;
pub mod plan_activity_fact;
pub mod plan_goal_fact;
pub mod plan_member;
pub mod plan_version;
pub mod preparation;
pub mod preparation_guide;
pub mod projection;
pub mod settings;
pub mod status_annual_clock;
pub mod status_annual_held;
pub mod status_employee;
pub mod status_interview;
pub mod status_review;
pub mod status_special;
pub mod unit_assignment;
pub mod unit_closure;
pub mod unit_goal;
pub mod webhook_attempt;
pub mod webhook_delivery;
pub mod webhook_endpoint;
