//! Wire shapes several routes share (a plan, a committee's level, a person in a list), below
//! the routes: routes use views, never each other's types.

pub mod absence;
pub mod audit;
pub mod committee;
pub mod employee;
pub mod event;
pub mod follow_up;
pub mod interview;
pub mod person;
pub mod plan;
pub mod preparation;
pub mod status;
