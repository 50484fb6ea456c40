//! Parsing of optional and PATCH fields of request bodies into domain values, every problem
//! recorded rather than the first returned.

use devplan_domain::Violations;

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
