//! The published schemas of free text in request bodies, with the bounds the domain's text
//! types (`devplan_domain::text`) enforce: at least one character that is neither white
//! space nor a control character, no control characters (line breaks and tabs only in long
//! text), and at most the type's length. The request contract checks bodies against these,
//! so the document, a generated client and the server agree on what text is accepted.

use devplan_domain::FieldCode;
use std::borrow::Cow;

use devplan_domain::text::{Email, ExternalId, LongText, Name, ProfessionalGroup};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

/// Control characters (Unicode category Cc), as `char::is_control` sees them.
const CONTROL: &str = r"\u0000-\u001F\u007F-\u009F";
/// Control characters but line feed, carriage return and tab.
const CONTROL_BUT_BREAKS: &str = r"\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F";
/// Control characters and white space (Unicode `White_Space`, as `str::trim` sees it).
const BLANK: &str = r"\u0000-\u0020\u007F-\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000";

/// Text of allowed characters with at least one that is not blank.
fn non_blank(allowed_not: &str) -> String {
    format!("^[^{allowed_not}]*[^{BLANK}][^{allowed_not}]*$")
}

/// The domain's code and message for text that breaks one of these patterns: blank text is
/// `required`, a control character `invalid_characters`, a malformed address
/// `invalid_email`. None for any other pattern.
pub fn explain(pattern: &str, text: Option<&str>) -> Option<(FieldCode, &'static str)> {
    let text = text?;
    if pattern == email_pattern() {
        return Some((
            FieldCode::InvalidEmail,
            "must be an e-mail address like name@example.dk",
        ));
    }
    let multiline = pattern == non_blank(CONTROL_BUT_BREAKS);
    if !multiline && pattern != non_blank(CONTROL) {
        return None;
    }
    let control = text
        .chars()
        .any(|c| c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t')));
    Some(if control {
        (
            FieldCode::InvalidCharacters,
            "must not contain control characters",
        )
    } else {
        (FieldCode::Required, "must not be empty")
    })
}

fn email_pattern() -> String {
    format!(r"^[^@{BLANK}]+@[^@.{BLANK}][^@{BLANK}]*\.[^@{BLANK}]*[^@.{BLANK}]$")
}

fn text(max: usize, pattern: String, description: &str) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1))
        .max_length(Some(max))
        .pattern(Some(pattern))
        .description(Some(description))
        .into()
}

macro_rules! text_schema {
    ($(#[$doc:meta])* $name:ident = $published:literal, $max:expr, $pattern:expr, $description:literal) => {
        $(#[$doc])*
        pub struct $name;

        impl utoipa::PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                text($max, $pattern, $description)
            }
        }

        impl utoipa::ToSchema for $name {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed($published)
            }
        }
    };
}

text_schema!(
    /// A name of a person, unit, committee, period, plan, goal or offer.
    NameText = "Name", Name::MAX_CHARS, non_blank(CONTROL),
    "One line of text: 1–200 characters, not blank, no control characters; trimmed."
);
text_schema!(
    /// The HR system's own id of a record.
    ExternalIdText = "ExternalId", ExternalId::MAX_CHARS, non_blank(CONTROL),
    "The HR system's id: 1–100 characters, not blank, no control characters; trimmed."
);
text_schema!(
    /// A professional group.
    GroupText = "ProfessionalGroup", ProfessionalGroup::MAX_CHARS, non_blank(CONTROL),
    "A professional group: 1–100 characters, not blank, no control characters; trimmed."
);
text_schema!(
    /// Free text of a plan, a follow-up, a review or a committee record.
    LongTextText = "LongText", LongText::MAX_CHARS, non_blank(CONTROL_BUT_BREAKS),
    "Free text: 1–4000 characters, not blank; line breaks and tabs allowed, no other control characters; trimmed."
);
text_schema!(
    /// A work e-mail address.
    EmailText = "Email", Email::MAX_CHARS, email_pattern(),
    "An e-mail address like name@example.dk: one `@`, a dot in the domain, no spaces."
);

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, text: &str) -> bool {
        let schema = serde_json::json!({"type": "string", "pattern": pattern});
        jsonschema::validator_for(&schema)
            .expect("the pattern compiles")
            .is_valid(&serde_json::json!(text))
    }

    #[test]
    fn line_patterns_accept_what_the_domain_accepts_and_refuse_the_rest() {
        let line = non_blank(CONTROL);
        for (text, ok) in [
            ("Børnehuset Sol", true),
            ("  padded  ", true),
            ("", false),
            ("   ", false),
            ("\u{00A0}\u{3000}", false),
            ("tab\there", false),
            ("bell\u{0007}", false),
            ("c1\u{0085}x", false),
        ] {
            assert_eq!(matches(&line, text), ok, "{text:?}");
            assert_eq!(Name::parse("f", text).is_ok(), ok, "domain: {text:?}");
        }
        let long = non_blank(CONTROL_BUT_BREAKS);
        for (text, ok) in [
            ("two\nlines\ttab", true),
            ("\n\t ", false),
            ("nul\u{0000}", false),
        ] {
            assert_eq!(matches(&long, text), ok, "{text:?}");
            assert_eq!(LongText::parse("f", text).is_ok(), ok, "domain: {text:?}");
        }
    }

    #[test]
    fn a_broken_text_pattern_is_explained_with_the_domains_code() {
        let line = non_blank(CONTROL);
        assert_eq!(
            explain(&line, Some("  ")).map(|e| e.0),
            Some(FieldCode::Required)
        );
        assert_eq!(
            explain(&line, Some("a\u{7}")).map(|e| e.0),
            Some(FieldCode::InvalidCharacters)
        );
        let long = non_blank(CONTROL_BUT_BREAKS);
        assert_eq!(
            explain(&long, Some("\n\t")).map(|e| e.0),
            Some(FieldCode::Required)
        );
        assert_eq!(
            explain(&email_pattern(), Some("x")).map(|e| e.0),
            Some(FieldCode::InvalidEmail)
        );
        assert_eq!(explain("^[0-9a-f]{64}$", Some("x")), None);
    }

    #[test]
    fn the_email_pattern_accepts_only_what_the_domain_accepts() {
        let RefOr::T(Schema::Object(schema)) = <EmailText as utoipa::PartialSchema>::schema()
        else {
            panic!("an object schema")
        };
        let pattern = schema.pattern.expect("a pattern");
        for (text, ok) in [
            ("mette.hansen@kommune.dk", true),
            ("a@b.c", true),
            ("no-at.dk", false),
            ("two@@kommune.dk", false),
            ("a@kommune", false),
            ("a@.kommune.dk", false),
            ("a@kommune.dk.", false),
            ("sp ace@kommune.dk", false),
            ("@kommune.dk", false),
        ] {
            assert_eq!(matches(&pattern, text), ok, "{text:?}");
            assert_eq!(Email::parse("f", text).is_ok(), ok, "domain: {text:?}");
        }
    }
}
