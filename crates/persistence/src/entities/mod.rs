//! sea-orm entities, one module per table. Only the persistence crate sees them.

pub mod agreement_period;
pub mod committee;
pub mod committee_member;
pub mod employee;
pub mod org_unit;
pub mod plan;
pub mod plan_member;
pub mod plan_version;
pub mod settings;
pub mod unit_assignment;
pub mod unit_closure;
