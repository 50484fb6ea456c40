//! The one table of machine codes a client can be sent: the problem codes (the top-level
//! `code` of every error response, each with its HTTP status) and the field codes (the `code`
//! of each offending field or parameter). A code is a value of these enums or it cannot be
//! sent; the API publishes both as enums, each value with its description.

use std::fmt;

/// What kind of failure a code names, and so what a client can do about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// The request breaks its documented shape: fix the request.
    Input,
    /// A rule no schema can state: it depends on other fields, stored state or today's date.
    BusinessRule,
    /// Who is asking: no usable token, a missing role, or out of reach (the same as absent).
    Access,
    /// The request collides with the stored state: read again, then decide.
    Conflict,
    /// The service cannot answer now; the same request later can succeed.
    Transient,
    /// Our fault.
    Internal,
}

impl Kind {
    /// The kind's wire name, as the API's descriptions say it.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Input => "input",
            Kind::BusinessRule => "business_rule",
            Kind::Access => "access",
            Kind::Conflict => "conflict",
            Kind::Transient => "transient",
            Kind::Internal => "internal",
        }
    }
}

/// Declares a code enum from its rows: wire name, kind, and (for problem codes) the answer.
macro_rules! code_table {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[doc = $doc:literal])+ $variant:ident = $wire:literal, $kind:ident, $answer:expr; )+
        }
    ) => {
        code_table! { $(#[$meta])* pub enum $name { $( $(#[doc = $doc])+ $variant = $wire, $kind; )+ } }

        impl $name {
            /// The HTTP status of a response with this code, and when to send again.
            pub fn answer(self) -> Answer {
                match self { $($name::$variant => $answer,)+ }
            }
        }
    };
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[doc = $doc:literal])+ $variant:ident = $wire:literal, $kind:ident; )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[doc = $doc])+ $variant, )+
        }

        impl $name {
            /// Every code, in the table's order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The wire name.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire,)+ }
            }

            /// The code with this wire name.
            pub fn parse(wire: &str) -> Option<Self> {
                match wire { $($wire => Some($name::$variant),)+ _ => None }
            }

            /// What kind of failure it names.
            pub fn kind(self) -> Kind {
                match self { $($name::$variant => Kind::$kind,)+ }
            }

            /// What it means, for a client's developer.
            pub fn description(self) -> &'static str {
                match self { $($name::$variant => concat!($($doc),+).trim_ascii(),)+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}

/// The HTTP status and, for a race or an overload, the seconds to wait before sending again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answer {
    /// The HTTP status of a response with this code.
    pub status: u16,
    /// `Retry-After`: the same request sent again after this many seconds can succeed.
    pub retry_after: Option<u32>,
}

const fn status(status: u16) -> Answer {
    Answer {
        status,
        retry_after: None,
    }
}

const fn retry(status: u16, seconds: u32) -> Answer {
    Answer {
        status,
        retry_after: Some(seconds),
    }
}

code_table! {
    /// The top-level code of an error response: one per kind of failure, with its HTTP status.
    pub enum ProblemCode {
        /// No usable bearer token: missing, malformed, expired, or not signed by a trusted key.
        Unauthorized = "unauthorized", Access, status(401);
        /// The token's roles do not include one this operation needs.
        Forbidden = "forbidden", Access, status(403);
        /// Absent, or out of the caller's reach: the two are indistinguishable on purpose.
        NotFound = "not_found", Access, status(404);
        /// The body is not JSON.
        MalformedJson = "malformed_json", Input, status(400);
        /// The body could not be read (cut off, or not UTF-8).
        UnreadableBody = "unreadable_body", Input, status(400);
        /// A browser's cross-origin request from an origin the service does not admit.
        CorsRefused = "cors_refused", Input, status(400);
        /// `cursor` is not one this list handed out.
        InvalidCursor = "invalid_cursor", Input, status(400);
        /// `Idempotency-Key` is not 1–255 visible ASCII characters.
        InvalidIdempotencyKey = "invalid_idempotency_key", Input, status(400);
        /// `limit` is not a whole number in the list's range.
        InvalidLimit = "invalid_limit", Input, status(400);
        /// A path segment is malformed (an id that is not a UUID); `errors` names it.
        InvalidPath = "invalid_path", Input, status(400);
        /// Query parameters break the documented parameters; `errors` names each.
        InvalidQuery = "invalid_query", Input, status(400);
        /// The follow-up window's `due_within_days` is out of range.
        InvalidWindow = "invalid_window", Input, status(400);
        /// `year` is not a year this resource has.
        InvalidYear = "invalid_year", Input, status(400);
        /// A type filter names no event type.
        UnknownEventType = "unknown_event_type", Input, status(400);
        /// The resource exists but does not answer this method; `Allow` lists those it does.
        MethodNotAllowed = "method_not_allowed", Input, status(405);
        /// The `Accept` header admits none of the resource's representations.
        NotAcceptable = "not_acceptable", Input, status(406);
        /// The body exceeds the configured limit.
        PayloadTooLarge = "payload_too_large", Input, status(413);
        /// The body is not sent as `application/json`.
        UnsupportedMediaType = "unsupported_media_type", Input, status(415);
        /// The body's content breaks the rules; `errors` names every offending field.
        ValidationFailed = "validation_failed", Input, status(422);
        /// `If-Match` names a version that is no longer current; `current_version` says which is.
        VersionMismatch = "version_mismatch", Conflict, status(412);
        /// Another writer changed the record at the same moment; read it and send again.
        ConcurrentWrite = "concurrent_write", Conflict, retry(409, 1);
        /// A record with the same key was saved at the same moment; read it and send again.
        Duplicate = "duplicate", Conflict, retry(409, 1);
        /// The same `Idempotency-Key` is being answered by another request; send again shortly.
        IdempotencyKeyInProgress = "idempotency_key_in_progress", Conflict, retry(409, 1);
        /// A member already has an open plan made at the same moment by another request.
        ConcurrentPlan = "concurrent_plan", Conflict, status(409);
        /// The external id is already used by another record.
        DuplicateExternalId = "duplicate_external_id", Conflict, status(409);
        /// The committee's yearly feedback was sent already; it is not changed afterwards.
        FeedbackAlreadySent = "feedback_already_sent", Conflict, status(409);
        /// The period overlaps one already stored.
        OverlappingPeriod = "overlapping_period", Conflict, status(409);
        /// A person is erased only after their employment has ended.
        StillEmployed = "still_employed", Conflict, status(409);
        /// The unit still has people, child units or records and cannot be removed.
        UnitInUse = "unit_in_use", Conflict, status(409);
        /// The plan is completed or cancelled and takes no more changes.
        PlanFinished = "plan_finished", Conflict, status(409);
        /// The plan is agreed already; changes go into a new version.
        PlanAlreadyAgreed = "plan_already_agreed", Conflict, status(409);
        /// This party has signed the current content already.
        AlreadySigned = "already_signed", Conflict, status(409);
        /// The content changed since the signer read it; read it again and sign what is there.
        PlanChanged = "plan_changed", Conflict, status(409);
        /// A follow-up refers to the goal, so it is not removed.
        GoalInUse = "goal_in_use", Conflict, status(409);
        /// The caller is not a party to the plan in the way the operation needs.
        NotAParty = "not_a_party", Conflict, status(409);
        /// The plan has not been agreed yet.
        PlanNotAgreed = "plan_not_agreed", Conflict, status(409);
        /// A review is escalated only when a side finds the agreement not honoured.
        NoDisagreement = "no_disagreement", Conflict, status(409);
        /// The review is escalated already.
        AlreadyEscalated = "already_escalated", Conflict, status(409);
        /// Only an escalated review has a renewed discussion.
        NotEscalated = "not_escalated", Conflict, status(409);
        /// A published guide version never changes; write the next version instead.
        GuideVersionPublished = "guide_version_published", Conflict, status(409);
        /// Versions are written in order: the draft, or the one after the last published.
        GuideVersionNotNext = "guide_version_not_next", Conflict, status(409);
        /// No preparation guide applied when the interview was offered.
        NoPreparationGuide = "no_preparation_guide", Conflict, status(409);
        /// The interview was held: its preparation is what was brought to it.
        InterviewHeld = "interview_held", Conflict, status(409);
        /// The cursor points at events pruned by retention; start again from the beginning.
        CursorExpired = "cursor_expired", Conflict, status(410);
        /// The database is not reachable.
        Unavailable = "unavailable", Transient, status(503);
        /// Too much work is queued; `Retry-After` says when to send again.
        Busy = "busy", Transient, retry(503, 1);
        /// The request's database work ran past its time limit; ask for less, or later.
        Timeout = "timeout", Transient, retry(503, 30);
        /// Our fault; the cause is logged, never shown.
        InternalError = "internal_error", Internal, status(500);
    }
}

code_table! {
    /// The code of one offending field or parameter: the rule it breaks.
    pub enum FieldCode {
        /// The field is missing or blank, or another field makes it required.
        Required = "required", Input;
        /// The body has a field the operation does not take.
        UnknownField = "unknown_field", Input;
        /// The query has a parameter the operation does not take.
        UnknownParameter = "unknown_parameter", Input;
        /// A parameter that may appear once appears more than once.
        Repeated = "repeated", Input;
        /// The same key appears twice in one JSON object.
        DuplicateKey = "duplicate_key", Input;
        /// The value has the wrong JSON type.
        InvalidType = "invalid_type", Input;
        /// The value is not one of the listed values.
        InvalidValue = "invalid_value", Input;
        /// Not a date as `YYYY-MM-DD` in the years the service keeps.
        InvalidDate = "invalid_date", Input;
        /// The value does not have the documented format.
        InvalidFormat = "invalid_format", Input;
        /// Too few or too many items or characters.
        InvalidLength = "invalid_length", Input;
        /// Longer than the field allows.
        TooLong = "too_long", Input;
        /// A number outside its documented range.
        OutOfRange = "out_of_range", Input;
        /// Text with control or otherwise unprintable characters.
        InvalidCharacters = "invalid_characters", Input;
        /// Not an e-mail address.
        InvalidEmail = "invalid_email", Input;
        /// Not an absolute https URL with a host.
        InvalidUrl = "invalid_url", Input;
        /// Exactly one of several fields is sent, not both.
        OneOf = "one_of", Input;
        /// More rows than one call takes.
        TooManyRows = "too_many_rows", Input;
        /// More values than the parameter takes.
        TooMany = "too_many", Input;
        /// Names no event type.
        UnknownEventType = "unknown_event_type", Input;
        /// An `http://` URL where only https is allowed.
        InsecureUrl = "insecure_url", BusinessRule;
        /// The URL's host is not one the configuration allows webhooks to.
        HostNotAllowed = "host_not_allowed", BusinessRule;
        /// The period ends before it starts.
        EndsBeforeStart = "ends_before_start", BusinessRule;
        /// A date after today where only the past or today is allowed.
        InTheFuture = "in_the_future", BusinessRule;
        /// A placement dated after the day it is sent.
        FutureDate = "future_date", BusinessRule;
        /// A placement history with nothing in it.
        EmptyHistory = "empty_history", Input;
        /// Two placements of one person overlap.
        OverlappingPlacements = "overlapping_placements", BusinessRule;
        /// The placement history does not agree with the person's other fields.
        PlacementMismatch = "placement_mismatch", BusinessRule;
        /// The unit had ended on that date.
        UnitEnded = "unit_ended", BusinessRule;
        /// A unit, or a committee, would end up above itself.
        Cycle = "cycle", BusinessRule;
        /// A committee reports to one of a level it may not report to.
        ParentLevel = "parent_level", BusinessRule;
        /// Refers to a unit that does not exist.
        UnknownUnit = "unknown_unit", BusinessRule;
        /// Refers to a committee that does not exist.
        UnknownCommittee = "unknown_committee", BusinessRule;
        /// Refers to an employee that does not exist, or is not in reach.
        UnknownEmployee = "unknown_employee", BusinessRule;
        /// Refers to a goal the plan does not have.
        UnknownGoal = "unknown_goal", BusinessRule;
        /// Refers to a unit goal that does not exist.
        UnknownUnitGoal = "unknown_unit_goal", BusinessRule;
        /// Refers to a unit goal that has been withdrawn.
        WithdrawnUnitGoal = "withdrawn_unit_goal", BusinessRule;
        /// The same record twice in one payload, or one already stored.
        Duplicate = "duplicate", BusinessRule;
        /// Two rows of one payload have the same key.
        DuplicateRow = "duplicate_row", BusinessRule;
        /// An individual plan has exactly one member.
        OneMember = "one_member", BusinessRule;
        /// A group plan has at least two members.
        TooFewMembers = "too_few_members", BusinessRule;
        /// A manager does not make a plan with themself as the member.
        OwnPlan = "own_plan", BusinessRule;
        /// An individual interview has exactly one participant.
        OneParticipant = "one_participant", BusinessRule;
        /// The date is not in the interview's year.
        OtherYear = "other_year", BusinessRule;
        /// Not before the review was escalated.
        BeforeEscalation = "before_escalation", BusinessRule;
        /// There is no committee above this one to send to.
        NoCommitteeAbove = "no_committee_above", BusinessRule;
        /// Representatives and committees read whole years only.
        WholeYearOnly = "whole_year_only", BusinessRule;
        /// The `Idempotency-Key` was used before with a different request.
        IdempotencyKeyReused = "idempotency_key_reused", BusinessRule;
        /// The guide asks no such question.
        UnknownQuestion = "unknown_question", BusinessRule;
        /// Does not fit the question's kind (options on a choice only, goals from free text
        /// only, an answer in the field of its question's kind).
        WrongKind = "wrong_kind", BusinessRule;
        /// Not one of the question's options.
        UnknownOption = "unknown_option", BusinessRule;
        /// No such development interview with the people the caller manages.
        UnknownInterview = "unknown_interview", BusinessRule;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_wire_name_reads_back_as_its_code_and_is_snake_case() {
        for &c in ProblemCode::ALL {
            assert_eq!(ProblemCode::parse(c.as_str()), Some(c));
        }
        for &c in FieldCode::ALL {
            assert_eq!(FieldCode::parse(c.as_str()), Some(c));
        }
        let wires = ProblemCode::ALL
            .iter()
            .map(|c| c.as_str())
            .chain(FieldCode::ALL.iter().map(|c| c.as_str()));
        for wire in wires {
            assert!(
                wire.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{wire}"
            );
        }
        assert_eq!(ProblemCode::parse("no_such_code"), None);
    }

    #[test]
    fn each_kind_has_its_own_published_name() {
        // The schemathesis hook and clients read `business_rule` and `input` off the document.
        let kinds = [
            (Kind::Input, "input"),
            (Kind::BusinessRule, "business_rule"),
            (Kind::Access, "access"),
            (Kind::Conflict, "conflict"),
            (Kind::Transient, "transient"),
            (Kind::Internal, "internal"),
        ];
        for (kind, name) in kinds {
            assert_eq!(kind.as_str(), name);
        }
    }

    #[test]
    fn wire_names_are_unique_within_each_table_and_every_code_is_described() {
        let problems: HashSet<_> = ProblemCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(problems.len(), ProblemCode::ALL.len());
        let fields: HashSet<_> = FieldCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(fields.len(), FieldCode::ALL.len());
        for &c in ProblemCode::ALL {
            assert!(c.description().ends_with('.'), "{c}");
        }
        for &c in FieldCode::ALL {
            assert!(c.description().ends_with('.'), "{c}");
        }
    }

    #[test]
    fn statuses_follow_the_kind_and_only_races_and_overloads_say_when_to_retry() {
        for &c in ProblemCode::ALL {
            let Answer {
                status,
                retry_after,
            } = c.answer();
            match c.kind() {
                Kind::Input => assert!((400..500).contains(&status) && status != 409, "{c}"),
                Kind::Access => assert!([401, 403, 404].contains(&status), "{c}"),
                Kind::Conflict => assert!([409, 410, 412].contains(&status), "{c}"),
                Kind::Transient => assert_eq!(status, 503, "{c}"),
                Kind::Internal => assert_eq!(status, 500, "{c}"),
                Kind::BusinessRule => panic!("{c}: business rules are field codes in a 422"),
            }
            let races = matches!(
                c,
                ProblemCode::ConcurrentWrite
                    | ProblemCode::Duplicate
                    | ProblemCode::IdempotencyKeyInProgress
            );
            // Unreachable is not overload: nobody can say when it comes back.
            let overload = c.kind() == Kind::Transient && c != ProblemCode::Unavailable;
            assert_eq!(retry_after.is_some(), races || overload, "{c}");
        }
    }
}
