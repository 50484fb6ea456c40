//! Wire shapes several routes share (a plan, a committee's level, a person in a list), below
//! the routes: routes use views, never each other's types.

pub mod committee;
pub mod event;
pub mod person;
pub mod plan;
pub mod plan_enums;
pub mod status;
