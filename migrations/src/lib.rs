//! Database schema migrations of devplan. Run by `devplan migrate` and on every start.

pub use sea_orm_migration::prelude::*;

mod m20261123_000001_organisation;
mod m20261123_000002_plans;
mod m20261123_000003_catalogue;
mod m20261123_000004_follow_up;
mod m20261123_000005_plan_facts;
mod m20261123_000006_status_reviews;
mod m20261123_000007_committee_records;
mod m20261125_000008_status_projection;
mod m20261125_000009_plan_agreement;
mod m20261130_000010_special_held_on;
mod m20261130_000011_feedback_once_a_year;
mod m20261130_000012_idempotency_keys;
mod m20261130_000013_events;
mod m20261130_000014_webhooks;
mod m20261130_000015_audit_log;
mod m20261130_000016_erasure;
mod m20261207_000017_threshold_floor;
mod m20261207_000018_annual_clock;
mod m20261207_000019_placements;
mod m20261207_000020_event_reach;
mod m20261207_000021_plan_member_unit;
mod m20261207_000022_preparation;

/// All migrations, oldest first.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_organisation::Migration),
            Box::new(m20261123_000002_plans::Migration),
            Box::new(m20261123_000003_catalogue::Migration),
            Box::new(m20261123_000004_follow_up::Migration),
            Box::new(m20261123_000005_plan_facts::Migration),
            Box::new(m20261123_000006_status_reviews::Migration),
            Box::new(m20261123_000007_committee_records::Migration),
            Box::new(m20261125_000008_status_projection::Migration),
            Box::new(m20261125_000009_plan_agreement::Migration),
            Box::new(m20261130_000010_special_held_on::Migration),
            Box::new(m20261130_000011_feedback_once_a_year::Migration),
            Box::new(m20261130_000012_idempotency_keys::Migration),
            Box::new(m20261130_000013_events::Migration),
            Box::new(m20261130_000014_webhooks::Migration),
            Box::new(m20261130_000015_audit_log::Migration),
            Box::new(m20261130_000016_erasure::Migration),
            Box::new(m20261207_000017_threshold_floor::Migration),
            Box::new(m20261207_000018_annual_clock::Migration),
            Box::new(m20261207_000019_placements::Migration),
            Box::new(m20261207_000020_event_reach::Migration),
            Box::new(m20261207_000021_plan_member_unit::Migration),
            Box::new(m20261207_000022_preparation::Migration),
        ]
    }
}
