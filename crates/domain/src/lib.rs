//! The devplan domain: identifiers, validated values and the rules of the organisation and
//! (later) of development plans. Pure: no I/O, no HTTP, no SQL.

pub mod catalogue;
pub mod clock;
pub mod committee;
pub mod followup;
pub mod ids;
pub mod interview;
pub mod org;
pub mod plan;
pub mod records;
pub mod review;
pub mod settings;
pub mod status;
pub mod text;
pub mod violation;

pub use ids::*;
pub use violation::{Violation, Violations};
