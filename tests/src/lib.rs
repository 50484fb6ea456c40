//! Test support: the real app on a random port over a fresh database, tokens, requests, and a
//! standard organisation to test access against. SQLite by default; PostgreSQL when
//! `DEVPLAN_TEST_DATABASE_URL` names a server (each test gets its own database).

mod app;
mod database;
mod organisation;
mod plans;
mod preparation;
mod tokens;

pub use app::*;
pub use organisation::*;
pub use plans::*;
pub use preparation::*;
pub use tokens::*;
