//! sea-orm entities, one module per table. Only the persistence crate sees them.

pub mod absence;
pub mod agreement_period;
pub mod calendar_feed;
pub mod catalogue_entry;
pub mod catalogue_group;
pub mod committee;
pub mod committee_discussion;
pub mod committee_feedback;
pub mod committee_member;
pub mod development_interview;
pub mod employee;
pub mod follow_up;
pub mod interview_participant;
pub mod org_unit;
pub mod plan;
pub mod plan_activity_fact;
pub mod plan_goal_fact;
pub mod plan_member;
pub mod plan_version;
pub mod settings;
pub mod status_review;
pub mod unit_assignment;
pub mod unit_closure;
pub mod unit_goal;
