//! Black-box tests of devplan over HTTP against the real app.

mod access;
mod audit;
mod bad_input;
mod catalogue;
mod committee_records;
mod erasure;
mod events;
mod export;
mod followups;
mod history;
mod idempotency;
mod identity;
mod metrics;
mod openapi;
mod organisation;
mod plans;
mod races;
mod reviews;
mod round_trips;
mod statement_limits;
mod status;
mod status_scale;
mod stock_taking;
mod sync;
mod tokens;
mod webhooks;
