//! The devplan domain: identifiers, validated values and the rules of the organisation and
//! (later) of development plans. Pure: no I/O, no HTTP, no SQL.

pub mod catalogue;
pub mod clock;
pub mod code;
pub mod committee;
pub mod followup;
pub mod ids;
pub mod interview;
pub mod org;
pub mod placement;
pub mod plan;
pub mod pooling;
pub mod preparation;
pub mod records;
pub mod reminders;
pub mod review;
pub mod settings;
pub mod status;
pub mod tasks;
#[cfg(test)]
mod testing;
pub mod text;
pub mod violation;
pub mod webhook;

pub use code::{FieldCode, ProblemCode};
pub use ids::*;
pub use violation::{Violation, Violations};

#[cfg(test)]
mod wire_names {
    use crate::catalogue::OfferKind;
    use crate::committee::Topic;
    use crate::followup::{AbsenceKind, FollowUpKind};
    use crate::interview::{Coverage, InterviewFormat, ParticipantStatus};
    use crate::org::CommitteeLevel;
    use crate::plan::PlanStatus;
    use crate::settings::MainCommitteeFrequency;

    /// Each value's stored name is its wire name, reads back as the same value, and a name no
    /// value has reads as nothing.
    macro_rules! names_round_trip {
        ($t:ident: $($v:ident),+) => {{
            for v in [$($t::$v),+] {
                let name = v.as_str();
                assert_eq!(
                    serde_json::to_value(v).expect("serialises"),
                    serde_json::Value::from(name),
                    "{v:?}"
                );
                assert_eq!($t::parse(name), Some(v), "{v:?}");
            }
            assert_eq!($t::parse("no_such_value"), None);
        }};
    }

    #[test]
    fn every_stored_name_is_the_wire_name_and_reads_back_as_itself() {
        names_round_trip!(OfferKind: Course, Education, OtherInitiative);
        for figure in crate::status::PeopleFigure::ALL {
            let name = figure.as_str();
            assert_eq!(serde_json::to_value(figure).expect("serialises"), name);
            assert_eq!(crate::status::PeopleFigure::parse(name), Some(figure));
        }
        names_round_trip!(Topic: Policy, StrategyLink, Goals, Evaluation, InterviewUse, Status);
        names_round_trip!(FollowUpKind: Annual, Special, AdHoc);
        names_round_trip!(AbsenceKind: ParentalLeave, LongTermIllness, Other);
        names_round_trip!(InterviewFormat: Individual, Group);
        names_round_trip!(ParticipantStatus: Offered, Held, Declined);
        names_round_trip!(
            Coverage: NotOffered,
            IndividualRequested,
            Offered,
            Declined,
            Held
        );
        names_round_trip!(CommitteeLevel: Local, Sector, Main);
        names_round_trip!(PlanStatus: Draft, Agreed, Superseded, Closed);
        names_round_trip!(MainCommitteeFrequency: Yearly, EveryThirdYear);
    }

    #[test]
    fn today_is_the_danish_date_of_now() {
        use crate::clock::Clock;
        use chrono::{DateTime, NaiveDate, Utc};
        #[derive(Debug)]
        struct Fixed;
        impl Clock for Fixed {
            fn now(&self) -> DateTime<Utc> {
                DateTime::parse_from_rfc3339("2026-03-01T23:30:00Z")
                    .expect("a time")
                    .with_timezone(&Utc)
            }
        }
        // 23:30 UTC is 00:30 the next day in Copenhagen (UTC+1 in March).
        assert_eq!(
            Fixed.today(),
            NaiveDate::from_ymd_opt(2026, 3, 2).expect("a day")
        );
    }

    #[test]
    fn violations_read_as_field_and_message_and_gather_under_a_prefix() {
        use crate::{FieldCode, Violation, Violations};
        let one = Violation::new("name", FieldCode::Required, "must not be empty");
        assert_eq!(one.to_string(), "name: must not be empty");
        let v: Violations = one.clone().into();
        assert_eq!(v.clone().into_vec(), vec![one.clone()]);
        let mut all = Violations::new();
        all.extend_within("rows[2]", v);
        all.push(Violation::new("rows", FieldCode::TooManyRows, "at most 5"));
        assert_eq!(
            all.to_string(),
            "rows[2].name: must not be empty; rows: at most 5"
        );
    }
}
