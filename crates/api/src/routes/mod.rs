//! The handlers, one module per resource. Handlers are thin: parse, authorise, call, map.

pub mod absences;
pub mod audit;
pub mod calendar;
pub mod catalogue;
pub mod committee_records;
pub mod committees;
pub mod employees;
pub mod events;
pub mod export;
pub mod followups;
pub mod health;
pub mod interviews;
pub mod me;
pub mod periods;
pub mod plans;
pub mod preparation_guides;
pub mod preparations;
pub mod reviews;
pub mod settings;
pub mod status;
pub mod sync;
pub mod unit_goals;
pub mod units;
pub mod webhook_endpoints;

/// Declares the `/api/v1` routes once, for both the app and the list of published schemas.
macro_rules! api_routes {
    ($($handler:path),* $(,)?) => {
        /// Registers every `/api/v1` route.
        pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
            $(cfg.service($handler);)*
        }

        /// Every schema the `/api/v1` routes publish, once per route that names it. The
        /// document keeps one schema per name, so two shapes under one name would silently
        /// become one: this list is what a test checks for that.
        pub fn published_schemas() -> Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )> {
            let mut out = Vec::new();
            $(utoipa_actix_web::OpenApiFactory::schemas(&$handler, &mut out);)*
            out
        }
    };
}

api_routes![
    me::me,
    me::tasks,
    events::list,
    audit::list,
    webhook_endpoints::create,
    webhook_endpoints::list,
    webhook_endpoints::get,
    webhook_endpoints::update,
    webhook_endpoints::rotate,
    webhook_endpoints::deliveries,
    committee_records::missing,
    units::list,
    units::create,
    units::get,
    units::update,
    employees::list,
    employees::create,
    employees::get,
    employees::update,
    employees::erase,
    export::export,
    committees::list,
    committees::create,
    committees::get,
    committees::update,
    periods::list,
    periods::create,
    periods::get,
    periods::replace,
    settings::get,
    settings::replace,
    sync::units,
    sync::employees,
    sync::committees,
    plans::list,
    plans::create,
    plans::get,
    plans::update,
    plans::close,
    plans::add_goal,
    plans::update_goal,
    plans::delete_goal,
    plans::add_activity,
    plans::update_activity,
    plans::delete_activity,
    plans::add_open_point,
    plans::update_open_point,
    plans::delete_open_point,
    plans::sign,
    plans::list_versions,
    plans::get_version,
    plans::diff_versions,
    catalogue::list,
    catalogue::create,
    catalogue::get,
    catalogue::update,
    catalogue::sync,
    unit_goals::list,
    unit_goals::create,
    unit_goals::update,
    followups::record,
    followups::list,
    followups::work,
    absences::list,
    absences::create,
    absences::get,
    absences::update,
    absences::sync,
    interviews::coverage_list,
    interviews::list,
    interviews::create,
    interviews::get,
    interviews::update,
    interviews::sync,
    preparation_guides::list,
    preparation_guides::create,
    preparation_guides::get,
    preparation_guides::get_version,
    preparation_guides::write_version,
    preparation_guides::publish,
    preparations::sheet,
    preparations::answer,
    preparations::share,
    preparations::withdraw,
    preparations::get,
    calendar::rotate,
    calendar::feed,
    status::status,
    status::named_people,
    reviews::missing,
    reviews::list,
    reviews::create,
    reviews::get,
    reviews::set_position,
    reviews::escalate,
    reviews::outcome,
    committee_records::add_discussion,
    committee_records::list_discussions,
    committee_records::send_feedback,
    committee_records::list_feedback,
];
