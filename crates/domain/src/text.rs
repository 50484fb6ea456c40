//! Validated text values. The only way to get one is `parse`, so every value inside the
//! domain is already trimmed, non-empty where required and within its length limit.

use crate::FieldCode;
use serde::{Deserialize, Serialize};

use crate::Violation;

/// Rejects text that is empty after trimming, too long, or holds control characters.
fn parse_line(field: &str, raw: &str, max_chars: usize) -> Result<String, Violation> {
    parse_text(field, raw, max_chars, false)
}

/// The rules of `parse_line`; `multiline` lets line breaks and tabs through.
fn parse_text(
    field: &str,
    raw: &str,
    max_chars: usize,
    multiline: bool,
) -> Result<String, Violation> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(Violation::new(
            field,
            FieldCode::Required,
            "must not be empty",
        ));
    }
    if trimmed.chars().count() > max_chars {
        return Err(Violation::new(
            field,
            FieldCode::TooLong,
            format!("must be at most {max_chars} characters"),
        ));
    }
    if trimmed
        .chars()
        .any(|c| c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t')))
    {
        return Err(Violation::new(
            field,
            FieldCode::InvalidCharacters,
            "must not contain control characters",
        ));
    }
    Ok(trimmed.to_owned())
}

macro_rules! line_type {
    ($(#[$doc:meta])* $name:ident, $max:expr) => {
        line_type!($(#[$doc])* $name, $max, false);
    };
    ($(#[$doc:meta])* $name:ident, $max:expr, $multiline:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Longest accepted value, in characters.
            pub const MAX_CHARS: usize = $max;

            /// Parses a value given for `field`.
            pub fn parse(field: &str, raw: &str) -> Result<Self, Violation> {
                parse_text(field, raw, Self::MAX_CHARS, $multiline).map(Self)
            }

            /// The text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The text, owned.
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        // Stored documents are parsed by the same rules as requests.
        impl TryFrom<String> for $name {
            type Error = Violation;
            fn try_from(raw: String) -> Result<Self, Violation> {
                Self::parse("value", &raw)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }
    };
}

line_type!(
    /// A name of a person, unit, committee or period.
    Name,
    200
);
line_type!(
    /// The HR system's own identifier of a record.
    ExternalId,
    100
);
line_type!(
    /// Free text of a plan (a goal, a note, an open point): line breaks allowed.
    LongText,
    4000,
    true
);
line_type!(
    /// A professional group (faggruppe), e.g. `pædagog` or `social- og sundhedsassistent`.
    ProfessionalGroup,
    100
);

/// An e-mail address: one `@` with text on both sides, no spaces.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    /// Longest accepted address (RFC 5321).
    pub const MAX_CHARS: usize = 254;

    /// Parses an address given for `field`.
    pub fn parse(field: &str, raw: &str) -> Result<Self, Violation> {
        let value = parse_line(field, raw, Self::MAX_CHARS)?;
        let well_formed = match value.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains('@')
            }
            None => false,
        };
        if !well_formed || value.contains(char::is_whitespace) {
            return Err(Violation::new(
                field,
                FieldCode::InvalidEmail,
                "must be an e-mail address like name@example.dk",
            ));
        }
        Ok(Self(value))
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed() {
        assert_eq!(
            Name::parse("name", "  Børnehuset Sol ").unwrap().as_str(),
            "Børnehuset Sol"
        );
    }

    #[test]
    fn blank_names_are_refused_as_required() {
        assert_eq!(
            Name::parse("name", "   ").unwrap_err().code,
            FieldCode::Required
        );
    }

    #[test]
    fn names_over_the_limit_are_refused() {
        let long = "å".repeat(Name::MAX_CHARS + 1);
        let err = Name::parse("name", &long).unwrap_err();
        assert_eq!((err.field.as_str(), err.code), ("name", FieldCode::TooLong));
        assert!(Name::parse("name", &"å".repeat(Name::MAX_CHARS)).is_ok());
    }

    #[test]
    fn control_characters_are_refused() {
        assert_eq!(
            Name::parse("name", "a\u{0}b").unwrap_err().code,
            FieldCode::InvalidCharacters
        );
    }

    #[test]
    fn long_text_keeps_line_breaks_but_not_other_control_characters() {
        assert!(LongText::parse("note", "first\nsecond\tthird").is_ok());
        assert_eq!(
            LongText::parse("note", "a\u{7}b").unwrap_err().code,
            FieldCode::InvalidCharacters
        );
        assert_eq!(
            Name::parse("name", "a\nb").unwrap_err().code,
            FieldCode::InvalidCharacters
        );
    }

    #[test]
    fn stored_text_is_parsed_by_the_same_rules() {
        let ok: Name = serde_json::from_str("\"Anna\"").unwrap();
        assert_eq!(ok.as_str(), "Anna");
        assert!(serde_json::from_str::<Name>("\"\"").is_err());
    }

    #[test]
    fn email_needs_a_local_part_and_a_dotted_domain() {
        assert!(Email::parse("email", "anna@herlev.dk").is_ok());
        for bad in [
            "anna",
            "@herlev.dk",
            "anna@herlev",
            "anna@.dk",
            "an na@herlev.dk",
            "a@b@c.dk",
        ] {
            assert_eq!(
                Email::parse("email", bad).unwrap_err().code,
                FieldCode::InvalidEmail,
                "{bad}"
            );
        }
    }

    #[test]
    fn an_email_reads_as_it_was_given() {
        assert_eq!(
            Email::parse("email", "anna@kommune.dk").unwrap().as_str(),
            "anna@kommune.dk"
        );
    }
}
