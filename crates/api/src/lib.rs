//! The devplan HTTP API: actix-web handlers, token checking, the access policy and OpenAPI.

pub mod admission;
pub mod app;
pub mod auth;
pub mod clock;
pub mod config;
pub mod contract;
pub mod demo;
pub mod error;
pub mod fields;
pub mod housekeeping;
pub mod http;
pub mod idempotency;
pub mod logging;
pub mod metrics;
pub mod openapi;
pub mod policy;
pub mod printable;
pub mod routes;
pub mod services;
pub mod state;
pub mod text_schema;
pub mod views;
pub mod webhooks;
