//! The handlers, one module per resource. Handlers are thin: parse, authorise, call, map.

use devplan_domain::Violations;

pub mod absences;
pub mod calendar;
pub mod catalogue;
pub mod committee_records;
pub mod committees;
pub mod employees;
pub mod followups;
pub mod health;
pub mod interviews;
pub mod me;
pub mod periods;
pub mod plans;
pub mod reviews;
pub mod settings;
pub mod status;
pub mod sync;
pub mod unit_goals;
pub mod units;

/// Registers every `/api/v1` route.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(me::me)
        .service(committee_records::missing)
        .service(units::list)
        .service(units::create)
        .service(units::get)
        .service(units::update)
        .service(employees::list)
        .service(employees::create)
        .service(employees::get)
        .service(employees::update)
        .service(committees::list)
        .service(committees::create)
        .service(committees::get)
        .service(committees::update)
        .service(periods::list)
        .service(periods::create)
        .service(periods::get)
        .service(periods::replace)
        .service(settings::get)
        .service(settings::replace)
        .service(sync::units)
        .service(sync::employees)
        .service(sync::committees)
        .service(plans::list)
        .service(plans::create)
        .service(plans::get)
        .service(plans::update)
        .service(plans::close)
        .service(plans::add_goal)
        .service(plans::update_goal)
        .service(plans::delete_goal)
        .service(plans::add_activity)
        .service(plans::update_activity)
        .service(plans::delete_activity)
        .service(plans::add_open_point)
        .service(plans::update_open_point)
        .service(plans::delete_open_point)
        .service(plans::sign)
        .service(plans::list_versions)
        .service(plans::get_version)
        .service(plans::diff_versions)
        .service(catalogue::list)
        .service(catalogue::create)
        .service(catalogue::get)
        .service(catalogue::update)
        .service(catalogue::sync)
        .service(unit_goals::list)
        .service(unit_goals::create)
        .service(unit_goals::update)
        .service(followups::record)
        .service(followups::list)
        .service(followups::work)
        .service(absences::list)
        .service(absences::create)
        .service(absences::get)
        .service(absences::update)
        .service(absences::sync)
        .service(interviews::coverage_list)
        .service(interviews::list)
        .service(interviews::create)
        .service(interviews::get)
        .service(interviews::update)
        .service(interviews::sync)
        .service(calendar::rotate)
        .service(calendar::feed)
        .service(status::status)
        .service(status::named_people)
        .service(reviews::missing)
        .service(reviews::list)
        .service(reviews::create)
        .service(reviews::get)
        .service(reviews::set_position)
        .service(reviews::escalate)
        .service(reviews::outcome)
        .service(committee_records::add_discussion)
        .service(committee_records::list_discussions)
        .service(committee_records::send_feedback)
        .service(committee_records::list_feedback);
}

/// Parses an optional value, recording its violation.
pub(crate) fn parse_opt<T>(
    v: &mut Violations,
    raw: Option<&str>,
    parse: impl FnOnce(&str) -> Result<T, devplan_domain::Violation>,
) -> Option<Option<T>> {
    match raw {
        None => Some(None),
        Some(s) => v.check(parse(s)).map(Some),
    }
}

/// Parses a PATCH field: absent stays absent, null clears, a value is parsed.
pub(crate) fn parse_change<T>(
    v: &mut Violations,
    raw: Option<Option<&str>>,
    parse: impl FnOnce(&str) -> Result<T, devplan_domain::Violation>,
) -> Option<Option<Option<T>>> {
    match raw {
        None => Some(None),
        Some(None) => Some(Some(None)),
        Some(Some(s)) => v.check(parse(s)).map(|t| Some(Some(t))),
    }
}
