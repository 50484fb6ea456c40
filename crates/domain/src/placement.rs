//! Where and when a person worked: their placements through time, and the day a period counts
//! people on.
//!
//! A placement says that from its first day to its last (none while it lasts) the person
//! works in one unit in one professional group. A move is a new placement from a day; leaving
//! ends the last one. A period's figures count the people placed on its *counting day* — its
//! last day, or today while it has not ended — in the unit and group of that day's placement;
//! so a closed period's figures never change whoever joins, moves or leaves afterwards.

use crate::FieldCode;
use chrono::{Days, NaiveDate};

use crate::UnitId;
use crate::text::ProfessionalGroup;
use crate::violation::{Violation, Violations};

/// From `from` to `to` (both included; no `to` while it lasts) the person works in `unit_id`
/// in `professional_group`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    /// First day.
    pub from: NaiveDate,
    /// Last day; none while it lasts.
    pub to: Option<NaiveDate>,
    /// The unit.
    pub unit_id: UnitId,
    /// The professional group.
    pub professional_group: Option<ProfessionalGroup>,
}

impl Placement {
    /// Whether the person is placed here on `day`.
    pub fn covers(&self, day: NaiveDate) -> bool {
        self.from <= day && self.to.is_none_or(|to| day <= to)
    }

    /// Whether this placement lies within the life of a unit that ends on `ends_on` (if it
    /// ends): a placement that lasts, or ends after the unit, does not.
    pub fn fits_unit_ending(&self, ends_on: Option<NaiveDate>) -> bool {
        match ends_on {
            None => true,
            Some(end) => self.to.is_some_and(|to| to <= end),
        }
    }
}

/// A person's placements: earliest first, no two sharing a day, only the last lasting, and
/// none beginning or ending after the day it was recorded (the record says what happened).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct History(Vec<Placement>);

impl History {
    /// Validates placements as HR sends them (in any order), on `today`; every problem is
    /// named by `placements[j]`, `j` being the index as sent.
    pub fn new(placements: Vec<Placement>, today: NaiveDate) -> Result<Self, Violations> {
        let mut v = Violations::new();
        if placements.is_empty() {
            v.push(Violation::new(
                "placements",
                FieldCode::EmptyHistory,
                "send at least one placement, or leave the field out",
            ));
        }
        for (j, p) in placements.iter().enumerate() {
            if p.from > today {
                v.push(Violation::new(
                    format!("placements[{j}].from"),
                    FieldCode::FutureDate,
                    format!("a placement cannot begin after today ({today}): send it once it has"),
                ));
            }
            if let Some(to) = p.to {
                if to < p.from {
                    v.push(Violation::new(
                        format!("placements[{j}].to"),
                        FieldCode::EndsBeforeStart,
                        "a placement's last day cannot come before its first",
                    ));
                } else if to > today {
                    v.push(Violation::new(
                        format!("placements[{j}].to"),
                        FieldCode::FutureDate,
                        format!(
                            "a placement cannot end after today ({today}): send it once it has"
                        ),
                    ));
                }
            }
        }
        let mut order: Vec<usize> = (0..placements.len()).collect();
        order.sort_by_key(|&j| placements[j].from);
        for pair in order.windows(2) {
            let (earlier, later) = (&placements[pair[0]], &placements[pair[1]]);
            if earlier.to.is_none_or(|to| to >= later.from) {
                v.push(Violation::new(
                    format!("placements[{}].from", pair[1]),
                    FieldCode::OverlappingPlacements,
                    format!(
                        "overlaps placements[{}] (from {}{}): a person is placed in one unit at a time",
                        pair[0],
                        earlier.from,
                        earlier.to.map_or(String::new(), |to| format!(" to {to}")),
                    ),
                ));
            }
        }
        let mut placements = placements;
        placements.sort_by_key(|p| p.from);
        v.finish(|| Some(History(placements)))
    }

    /// A history as stored: trusted, put in order.
    pub fn stored(mut placements: Vec<Placement>) -> Self {
        placements.sort_by_key(|p| p.from);
        History(placements)
    }

    /// The placements, earliest first.
    pub fn placements(&self) -> &[Placement] {
        &self.0
    }

    /// The placement that lasts, if the person is employed.
    pub fn current(&self) -> Option<&Placement> {
        self.0.last().filter(|p| p.to.is_none())
    }

    /// Where the person was placed on `day`, if anywhere.
    pub fn on(&self, day: NaiveDate) -> Option<&Placement> {
        self.0.iter().rev().find(|p| p.covers(day))
    }

    /// Checks that a history sent whole agrees with the unit, group and employment sent beside
    /// it (its last placement is where the person is, and lasts if and only if they are
    /// employed); returns whether they are employed.
    pub fn agrees_with(
        &self,
        unit_id: UnitId,
        professional_group: Option<&ProfessionalGroup>,
        active: Option<bool>,
    ) -> Result<bool, Violations> {
        let mut v = Violations::new();
        let Some(last) = self.0.last() else {
            return Ok(false);
        };
        if last.unit_id != unit_id {
            v.push(Violation::new(
                "unit_external_id",
                FieldCode::PlacementMismatch,
                "the unit must be the one of the last placement",
            ));
        }
        if last.professional_group.as_ref() != professional_group {
            v.push(Violation::new(
                "professional_group",
                FieldCode::PlacementMismatch,
                "the professional group must be the one of the last placement",
            ));
        }
        let employed = last.to.is_none();
        if active.is_some_and(|a| a != employed) {
            v.push(Violation::new(
                "active",
                FieldCode::PlacementMismatch,
                if employed {
                    "the last placement lasts, so the person is employed"
                } else {
                    "the last placement has ended, so the person has left"
                },
            ));
        }
        v.finish(|| Some(employed))
    }

    /// The history after HR says on `today`, in the shape without history, that the person now
    /// works in `now` (a unit and group) or, with none, has left: "placed here from today".
    /// Where they already are, nothing changes; a move ends the lasting placement yesterday
    /// (or replaces it if it began today) and starts one today; leaving ends it yesterday.
    pub fn as_of(
        &self,
        today: NaiveDate,
        now: Option<(UnitId, Option<ProfessionalGroup>)>,
    ) -> Self {
        let mut placements = self.0.clone();
        let Some((unit_id, professional_group)) = now else {
            if let Some(last) = placements.last_mut().filter(|p| p.to.is_none()) {
                match today.checked_sub_days(Days::new(1)) {
                    Some(yesterday) if last.from <= yesterday => last.to = Some(yesterday),
                    _ => {
                        placements.pop();
                    }
                }
            }
            return History(placements);
        };
        if let Some(current) = self.current()
            && current.unit_id == unit_id
            && current.professional_group == professional_group
        {
            return self.clone();
        }
        // Whatever reaches today ends yesterday, so the new placement starts on a free day.
        while let Some(last) = placements.last_mut() {
            if last.to.is_some_and(|to| to < today) {
                break;
            }
            match today.checked_sub_days(Days::new(1)) {
                Some(yesterday) if last.from <= yesterday => {
                    last.to = Some(yesterday);
                    break;
                }
                _ => {
                    placements.pop();
                }
            }
        }
        // Exactly one more: a sync holds 50,000 histories, and a first push reserves four.
        placements.reserve_exact(1);
        placements.push(Placement {
            from: today,
            to: None,
            unit_id,
            professional_group,
        });
        History(placements)
    }
}

/// The day a period from `from` to `to` counts people on, asked `today`: its last day, or
/// today while it has not ended (a period not yet begun counts today's people too).
pub fn counting_day(to: NaiveDate, today: NaiveDate) -> NaiveDate {
    to.min(today)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().expect("a date")
    }

    fn unit(n: u128) -> UnitId {
        UnitId::from_uuid(uuid::Uuid::from_u128(n))
    }

    fn group(g: &str) -> Option<ProfessionalGroup> {
        Some(ProfessionalGroup::parse("g", g).expect("a group"))
    }

    fn placed(from: &str, to: Option<&str>, u: u128, g: &str) -> Placement {
        Placement {
            from: day(from),
            to: to.map(day),
            unit_id: unit(u),
            professional_group: group(g),
        }
    }

    fn codes(r: Result<History, Violations>) -> Vec<(String, &'static str)> {
        r.expect_err("refused")
            .into_vec()
            .into_iter()
            .map(|v| (v.field, v.code.as_str()))
            .collect()
    }

    const TODAY: &str = "2026-12-07";

    #[test]
    fn a_history_sent_out_of_order_is_kept_earliest_first() {
        let h = History::new(
            vec![
                placed("2024-03-01", None, 2, "pædagog"),
                placed("2020-01-01", Some("2024-02-29"), 1, "pædagog"),
            ],
            day(TODAY),
        )
        .expect("valid");
        assert_eq!(h.placements()[0].unit_id, unit(1));
        assert_eq!(h.current().map(|p| p.unit_id), Some(unit(2)));
        assert_eq!(h.on(day("2024-02-29")).map(|p| p.unit_id), Some(unit(1)));
        assert_eq!(h.on(day("2024-03-01")).map(|p| p.unit_id), Some(unit(2)));
        assert_eq!(h.on(day("2019-12-31")), None);
    }

    #[test]
    fn placements_sharing_a_day_are_refused_naming_the_later_one() {
        let r = History::new(
            vec![
                placed("2024-03-01", None, 2, "pædagog"),
                placed("2020-01-01", Some("2024-03-01"), 1, "pædagog"),
            ],
            day(TODAY),
        );
        assert_eq!(
            codes(r),
            vec![("placements[0].from".to_owned(), "overlapping_placements")]
        );
    }

    #[test]
    fn an_earlier_placement_that_lasts_overlaps_every_later_one() {
        let r = History::new(
            vec![
                placed("2020-01-01", None, 1, "pædagog"),
                placed("2024-03-01", None, 2, "pædagog"),
            ],
            day(TODAY),
        );
        assert_eq!(
            codes(r),
            vec![("placements[1].from".to_owned(), "overlapping_placements")]
        );
    }

    #[test]
    fn future_days_backwards_placements_and_an_empty_history_are_refused() {
        let r = History::new(
            vec![
                placed("2026-12-08", None, 1, "pædagog"),
                placed("2020-01-01", Some("2019-01-01"), 1, "pædagog"),
                placed("2010-01-01", Some("2026-12-08"), 1, "pædagog"),
            ],
            day(TODAY),
        );
        let got = codes(r);
        assert!(got.contains(&("placements[0].from".to_owned(), "future_date")));
        assert!(got.contains(&("placements[1].to".to_owned(), "ends_before_start")));
        assert!(got.contains(&("placements[2].to".to_owned(), "future_date")));
        assert_eq!(
            codes(History::new(vec![], day(TODAY))),
            vec![("placements".to_owned(), "empty_history")]
        );
        // Ending today and beginning today are both what happened.
        assert!(
            History::new(
                vec![
                    placed("2020-01-01", Some(TODAY), 1, "pædagog"),
                    placed("2019-01-01", Some("2019-12-31"), 1, "pædagog"),
                ],
                day(TODAY)
            )
            .is_ok()
        );
    }

    #[test]
    fn the_shape_without_history_places_someone_new_from_today() {
        let h = History::default().as_of(day(TODAY), Some((unit(1), group("pædagog"))));
        assert_eq!(h.placements(), &[placed(TODAY, None, 1, "pædagog")]);
    }

    #[test]
    fn the_same_unit_and_group_again_changes_nothing() {
        let h = History::stored(vec![placed("2020-01-01", None, 1, "pædagog")]);
        assert_eq!(h.as_of(day(TODAY), Some((unit(1), group("pædagog")))), h);
    }

    #[test]
    fn a_move_ends_the_placement_yesterday_and_starts_one_today() {
        let h = History::stored(vec![placed("2020-01-01", None, 1, "pædagog")]);
        let moved = h.as_of(day(TODAY), Some((unit(2), group("pædagog"))));
        assert_eq!(
            moved.placements(),
            &[
                placed("2020-01-01", Some("2026-12-06"), 1, "pædagog"),
                placed(TODAY, None, 2, "pædagog"),
            ]
        );
        // A new group is a new placement too.
        let regrouped = h.as_of(day(TODAY), Some((unit(1), group("lærer"))));
        assert_eq!(regrouped.placements()[1], placed(TODAY, None, 1, "lærer"));
    }

    #[test]
    fn a_second_move_on_the_same_day_replaces_the_first() {
        let h = History::stored(vec![placed("2020-01-01", None, 1, "pædagog")])
            .as_of(day(TODAY), Some((unit(2), group("pædagog"))))
            .as_of(day(TODAY), Some((unit(3), group("pædagog"))));
        assert_eq!(
            h.placements(),
            &[
                placed("2020-01-01", Some("2026-12-06"), 1, "pædagog"),
                placed(TODAY, None, 3, "pædagog"),
            ]
        );
    }

    #[test]
    fn leaving_ends_the_placement_yesterday_and_twice_changes_nothing() {
        let h = History::stored(vec![placed("2020-01-01", None, 1, "pædagog")]);
        let left = h.as_of(day(TODAY), None);
        assert_eq!(
            left.placements(),
            &[placed("2020-01-01", Some("2026-12-06"), 1, "pædagog")]
        );
        assert_eq!(left.as_of(day(TODAY), None), left);
        assert_eq!(left.as_of(day("2027-03-01"), None), left);
        // Someone placed today who leaves today was never placed.
        let brief = History::default()
            .as_of(day(TODAY), Some((unit(1), None)))
            .as_of(day(TODAY), None);
        assert_eq!(brief, History::default());
    }

    #[test]
    fn coming_back_starts_a_new_placement_after_the_gap() {
        let h = History::stored(vec![placed("2020-01-01", Some("2022-06-30"), 1, "pædagog")]);
        let back = h.as_of(day(TODAY), Some((unit(1), group("pædagog"))));
        assert_eq!(back.placements().len(), 2);
        assert_eq!(back.on(day("2024-01-01")), None);
        assert_eq!(back.current().map(|p| p.from), Some(day(TODAY)));
        // A history that ended today is cut back to yesterday to make room.
        let ended_today = History::stored(vec![placed("2020-01-01", Some(TODAY), 1, "pædagog")]);
        let moved = ended_today.as_of(day(TODAY), Some((unit(2), None)));
        assert_eq!(moved.placements()[0].to, Some(day("2026-12-06")));
    }

    #[test]
    fn a_placement_fits_an_ending_unit_only_if_it_ends_by_then() {
        let end = Some(day("2026-06-30"));
        assert!(placed("2020-01-01", Some("2026-06-30"), 1, "x").fits_unit_ending(end));
        assert!(!placed("2020-01-01", Some("2026-07-01"), 1, "x").fits_unit_ending(end));
        assert!(!placed("2020-01-01", None, 1, "x").fits_unit_ending(end));
        assert!(placed("2020-01-01", None, 1, "x").fits_unit_ending(None));
    }

    #[test]
    fn a_history_sent_whole_must_agree_with_the_unit_group_and_employment_beside_it() {
        let h = History::stored(vec![
            placed("2020-01-01", Some("2024-02-29"), 1, "pædagog"),
            placed("2024-03-01", None, 2, "lærer"),
        ]);
        assert_eq!(
            h.agrees_with(unit(2), group("lærer").as_ref(), None),
            Ok(true)
        );
        assert_eq!(
            h.agrees_with(unit(2), group("lærer").as_ref(), Some(true)),
            Ok(true)
        );
        let fields: Vec<String> = h
            .agrees_with(unit(1), group("pædagog").as_ref(), Some(false))
            .expect_err("refused")
            .into_vec()
            .into_iter()
            .map(|v| v.field)
            .collect();
        assert_eq!(fields, ["unit_external_id", "professional_group", "active"]);
        let left = History::stored(vec![placed("2020-01-01", Some("2024-02-29"), 1, "pædagog")]);
        assert_eq!(
            left.agrees_with(unit(1), group("pædagog").as_ref(), None),
            Ok(false)
        );
    }

    #[test]
    fn a_period_counts_on_its_last_day_or_today_while_it_runs() {
        assert_eq!(
            counting_day(day("2025-12-31"), day(TODAY)),
            day("2025-12-31")
        );
        assert_eq!(counting_day(day("2026-12-31"), day(TODAY)), day(TODAY));
        assert_eq!(counting_day(day("2027-12-31"), day(TODAY)), day(TODAY));
    }
}
