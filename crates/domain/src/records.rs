//! The organisation's records as the rest of the system sees them, and the validated inputs
//! that create, change and synchronise them.

use chrono::{DateTime, NaiveDate, Utc};

use crate::org::{CommitteeLevel, PeriodDates};
use crate::placement::History;
use crate::text::{Email, ExternalId, Name, ProfessionalGroup};
use crate::{AgreementPeriodId, CommitteeId, EmployeeId, UnitId};

/// Bookkeeping every stored record carries: its version for optimistic concurrency, and times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Meta {
    /// Starts at 1, grows by one with every change.
    pub version: i64,
    /// When the record was created.
    pub created_at: DateTime<Utc>,
    /// When the record last changed.
    pub updated_at: DateTime<Utc>,
}

impl Meta {
    /// The bookkeeping of a record first stored at `now`.
    pub fn first(now: DateTime<Utc>) -> Self {
        Self {
            version: 1,
            created_at: now,
            updated_at: now,
        }
    }
}

/// A change to an optional field: absent leaves it, `Some(None)` clears it.
pub type FieldPatch<T> = Option<Option<T>>;

/// An organisational unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgUnit {
    /// Its id.
    pub id: UnitId,
    /// The HR system's id.
    pub external_id: Option<ExternalId>,
    /// Its name.
    pub name: Name,
    /// The unit above it; none for the top.
    pub parent_id: Option<UnitId>,
    /// Its last day, once HR has ended it: it keeps its history and its past figures.
    pub ends_on: Option<NaiveDate>,
    /// Version and times.
    pub meta: Meta,
}

/// A unit to create.
#[derive(Debug, Clone)]
pub struct NewUnit {
    /// The HR system's id.
    pub external_id: Option<ExternalId>,
    /// Its name.
    pub name: Name,
    /// The unit above it.
    pub parent_id: Option<UnitId>,
}

/// Changes to a unit; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct UnitChanges {
    /// New HR id, or cleared.
    pub external_id: FieldPatch<ExternalId>,
    /// New name.
    pub name: Option<Name>,
    /// New parent, or made a top unit.
    pub parent_id: FieldPatch<UnitId>,
}

/// A unit as the HR system sends it in bulk.
#[derive(Debug, Clone)]
pub struct UnitSyncRow {
    /// The HR system's id: the key of the upsert.
    pub external_id: ExternalId,
    /// Its name.
    pub name: Name,
    /// The HR id of the unit above it, in the same payload or already stored.
    pub parent_external_id: Option<ExternalId>,
    /// Its last day, if HR has ended it.
    pub ends_on: Option<NaiveDate>,
}

/// An employee with the organisation roles held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Employee {
    /// Its id.
    pub id: EmployeeId,
    /// The HR system's id.
    pub external_id: Option<ExternalId>,
    /// Full name.
    pub name: Name,
    /// Work e-mail.
    pub email: Option<Email>,
    /// Professional group (faggruppe).
    pub professional_group: Option<ProfessionalGroup>,
    /// The unit they work in.
    pub unit_id: UnitId,
    /// False once employment has ended: kept for history, counted nowhere.
    pub active: bool,
    /// Units they manage (directly; sub-units are reached through the tree).
    pub manages: Vec<UnitId>,
    /// Units they are local representative for.
    pub represents: Vec<UnitId>,
    /// Where and when they worked: the placements a period's figures count them by.
    pub history: History,
    /// Version and times.
    pub meta: Meta,
}

/// An employee to create.
#[derive(Debug, Clone)]
pub struct NewEmployee {
    /// The HR system's id.
    pub external_id: Option<ExternalId>,
    /// Full name.
    pub name: Name,
    /// Work e-mail.
    pub email: Option<Email>,
    /// Professional group.
    pub professional_group: Option<ProfessionalGroup>,
    /// Their unit.
    pub unit_id: UnitId,
    /// Employed now.
    pub active: bool,
    /// Units they manage.
    pub manages: Vec<UnitId>,
    /// Units they represent.
    pub represents: Vec<UnitId>,
}

/// Changes to an employee; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct EmployeeChanges {
    /// New HR id, or cleared.
    pub external_id: FieldPatch<ExternalId>,
    /// New name.
    pub name: Option<Name>,
    /// New e-mail, or cleared.
    pub email: FieldPatch<Email>,
    /// New group, or cleared.
    pub professional_group: FieldPatch<ProfessionalGroup>,
    /// New unit.
    pub unit_id: Option<UnitId>,
    /// Employment started or ended.
    pub active: Option<bool>,
    /// The full new set of managed units.
    pub manages: Option<Vec<UnitId>>,
    /// The full new set of represented units.
    pub represents: Option<Vec<UnitId>>,
}

/// An employee as the HR system sends it in bulk.
#[derive(Debug, Clone)]
pub struct EmployeeSyncRow {
    /// The key of the upsert.
    pub external_id: ExternalId,
    /// Full name.
    pub name: Name,
    /// Work e-mail.
    pub email: Option<Email>,
    /// Professional group.
    pub professional_group: Option<ProfessionalGroup>,
    /// HR id of their unit.
    pub unit_external_id: ExternalId,
    /// Employed now; when not sent, true without a history and read off it with one.
    pub active: Option<bool>,
    /// Their whole placement history, when HR sends it; without it, the unit and group are
    /// where they are placed from today.
    pub placements: Option<Vec<PlacementSyncRow>>,
    /// HR ids of the units they manage.
    pub manages_unit_external_ids: Vec<ExternalId>,
    /// HR ids of the units they represent.
    pub represents_unit_external_ids: Vec<ExternalId>,
}

/// A placement as the HR system sends it: units by HR id.
#[derive(Debug, Clone)]
pub struct PlacementSyncRow {
    /// First day.
    pub from: NaiveDate,
    /// Last day; none while it lasts.
    pub to: Option<NaiveDate>,
    /// HR id of the unit.
    pub unit_external_id: ExternalId,
    /// The professional group.
    pub professional_group: Option<ProfessionalGroup>,
}

/// A MED committee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Committee {
    /// Its id.
    pub id: CommitteeId,
    /// The HR system's id.
    pub external_id: Option<ExternalId>,
    /// Its name.
    pub name: Name,
    /// Local, sector or main.
    pub level: CommitteeLevel,
    /// The unit whose part of the organisation it covers (sub-units included).
    pub unit_id: UnitId,
    /// The committee it reports to.
    pub parent_id: Option<CommitteeId>,
    /// Its members.
    pub members: Vec<EmployeeId>,
    /// Version and times.
    pub meta: Meta,
}

/// A committee to create.
#[derive(Debug, Clone)]
pub struct NewCommittee {
    /// The HR system's id.
    pub external_id: Option<ExternalId>,
    /// Its name.
    pub name: Name,
    /// Its level.
    pub level: CommitteeLevel,
    /// The unit it covers.
    pub unit_id: UnitId,
    /// The committee it reports to.
    pub parent_id: Option<CommitteeId>,
    /// Its members.
    pub members: Vec<EmployeeId>,
}

/// Changes to a committee; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct CommitteeChanges {
    /// New HR id, or cleared.
    pub external_id: FieldPatch<ExternalId>,
    /// New name.
    pub name: Option<Name>,
    /// New level.
    pub level: Option<CommitteeLevel>,
    /// New covered unit.
    pub unit_id: Option<UnitId>,
    /// New parent committee, or none.
    pub parent_id: FieldPatch<CommitteeId>,
    /// The full new member list.
    pub members: Option<Vec<EmployeeId>>,
}

/// A committee as the HR system sends it in bulk.
#[derive(Debug, Clone)]
pub struct CommitteeSyncRow {
    /// The key of the upsert.
    pub external_id: ExternalId,
    /// Its name.
    pub name: Name,
    /// Its level.
    pub level: CommitteeLevel,
    /// HR id of the covered unit.
    pub unit_external_id: ExternalId,
    /// HR id of the committee it reports to, in the payload or stored.
    pub parent_external_id: Option<ExternalId>,
    /// HR ids of its members.
    pub member_external_ids: Vec<ExternalId>,
}

/// A collective agreement period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreementPeriod {
    /// Its id.
    pub id: AgreementPeriodId,
    /// Its name, e.g. `OK24`.
    pub name: Name,
    /// First and last day.
    pub dates: PeriodDates,
    /// Version and times.
    pub meta: Meta,
}

impl AgreementPeriod {
    /// Whether `day` falls within the period.
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.dates.starts_on() <= day && day <= self.dates.ends_on()
    }
}

/// A period to create, or the new content of one.
#[derive(Debug, Clone)]
pub struct NewAgreementPeriod {
    /// Its name.
    pub name: Name,
    /// First and last day.
    pub dates: PeriodDates,
}

/// A set of ids as a record keeps it: sorted, each once, so that two equal sets compare equal.
fn as_set<T: Ord>(mut ids: Vec<T>) -> Vec<T> {
    ids.sort();
    ids.dedup();
    ids
}

impl EmployeeChanges {
    /// The employee with these changes applied on `today`; fields not named stay as they are,
    /// and a new unit, group or leaving is a placement from today (see [`History::as_of`]).
    pub fn apply_to(self, current: &Employee, today: NaiveDate) -> Employee {
        let mut next = current.clone();
        if let Some(v) = self.external_id {
            next.external_id = v;
        }
        if let Some(v) = self.name {
            next.name = v;
        }
        if let Some(v) = self.email {
            next.email = v;
        }
        if let Some(v) = self.professional_group {
            next.professional_group = v;
        }
        if let Some(v) = self.unit_id {
            next.unit_id = v;
        }
        if let Some(v) = self.active {
            next.active = v;
        }
        if let Some(v) = self.manages {
            next.manages = as_set(v);
        }
        if let Some(v) = self.represents {
            next.represents = as_set(v);
        }
        next.placed_as_of(today)
    }
}

impl Employee {
    /// This employee with their history brought in line with their unit, group and
    /// employment as of `today`: "placed here from today" where that is new.
    pub fn placed_as_of(mut self, today: NaiveDate) -> Self {
        let now = self
            .active
            .then(|| (self.unit_id, self.professional_group.clone()));
        self.history = self.history.as_of(today, now);
        self
    }
}

impl CommitteeChanges {
    /// The committee with these changes applied; fields not named stay as they are.
    pub fn apply_to(self, current: &Committee) -> Committee {
        let mut next = current.clone();
        if let Some(v) = self.external_id {
            next.external_id = v;
        }
        if let Some(v) = self.name {
            next.name = v;
        }
        if let Some(v) = self.level {
            next.level = v;
        }
        if let Some(v) = self.unit_id {
            next.unit_id = v;
        }
        if let Some(v) = self.parent_id {
            next.parent_id = v;
        }
        if let Some(v) = self.members {
            next.members = as_set(v);
        }
        next
    }
}

impl UnitChanges {
    /// The unit with these changes applied; fields not named stay as they are.
    pub fn apply_to(self, current: &OrgUnit) -> OrgUnit {
        let mut next = current.clone();
        if let Some(v) = self.external_id {
            next.external_id = v;
        }
        if let Some(v) = self.name {
            next.name = v;
        }
        if let Some(v) = self.parent_id {
            next.parent_id = v;
        }
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> DateTime<Utc> {
        DateTime::<Utc>::UNIX_EPOCH
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn employee() -> Employee {
        Employee {
            id: EmployeeId::generate(),
            external_id: ExternalId::parse("external_id", "E-1").ok(),
            name: Name::parse("name", "Bo Ansat").unwrap(),
            email: Email::parse("email", "bo@k.dk").ok(),
            professional_group: None,
            unit_id: UnitId::generate(),
            active: true,
            manages: Vec::new(),
            represents: Vec::new(),
            history: History::default(),
            meta: Meta::first(at()),
        }
        .placed_as_of(day("2026-01-05"))
    }

    #[test]
    fn an_employee_change_sets_what_it_names_clears_what_it_clears_and_keeps_the_rest() {
        let current = employee();
        let (a, b) = (UnitId::generate(), UnitId::generate());
        let next = EmployeeChanges {
            external_id: None,
            name: Some(Name::parse("name", "Bo Nyt Navn").unwrap()),
            email: Some(None),
            professional_group: Some(ProfessionalGroup::parse("g", "pædagog").ok()),
            unit_id: Some(a),
            active: Some(false),
            manages: Some(vec![b, a, b]),
            represents: None,
        }
        .apply_to(&current, day("2026-12-07"));
        assert_eq!(next.external_id, current.external_id);
        assert_eq!(next.name.as_str(), "Bo Nyt Navn");
        assert_eq!(next.email, None);
        assert_eq!(
            next.professional_group.as_ref().map(|g| g.as_str()),
            Some("pædagog")
        );
        assert_eq!((next.unit_id, next.active), (a, false));
        let mut both = vec![a, b];
        both.sort();
        assert_eq!(next.manages, both);
        assert_eq!(next.represents, current.represents);
        assert_eq!((next.id, next.meta), (current.id, current.meta));
        // Leaving ends the placement the day before.
        assert_eq!(next.history.current(), None);
        assert_eq!(next.history.placements()[0].to, Some(day("2026-12-06")));
        let nothing = EmployeeChanges {
            external_id: None,
            name: None,
            email: None,
            professional_group: None,
            unit_id: None,
            active: None,
            manages: None,
            represents: None,
        };
        assert_eq!(nothing.apply_to(&current, day("2026-12-07")), current);
    }

    #[test]
    fn a_committee_change_keeps_its_members_a_set() {
        let current = Committee {
            id: CommitteeId::generate(),
            external_id: None,
            name: Name::parse("name", "Lokal-MED").unwrap(),
            level: CommitteeLevel::Local,
            unit_id: UnitId::generate(),
            parent_id: Some(CommitteeId::generate()),
            members: Vec::new(),
            meta: Meta::first(at()),
        };
        let (x, y) = (EmployeeId::generate(), EmployeeId::generate());
        let next = CommitteeChanges {
            external_id: Some(ExternalId::parse("external_id", "MED-1").ok()),
            name: None,
            level: Some(CommitteeLevel::Sector),
            unit_id: None,
            parent_id: Some(None),
            members: Some(vec![y, x, y]),
        }
        .apply_to(&current);
        assert_eq!(
            next.external_id.map(|e| e.into_string()),
            Some("MED-1".into())
        );
        assert_eq!((next.level, next.parent_id), (CommitteeLevel::Sector, None));
        let mut both = vec![x, y];
        both.sort();
        assert_eq!(next.members, both);
        assert_eq!(
            (next.name, next.unit_id),
            (current.name.clone(), current.unit_id)
        );
    }

    #[test]
    fn a_unit_change_moves_renames_or_clears_its_hr_id() {
        let current = OrgUnit {
            id: UnitId::generate(),
            external_id: ExternalId::parse("external_id", "U-1").ok(),
            name: Name::parse("name", "Område A").unwrap(),
            parent_id: Some(UnitId::generate()),
            ends_on: None,
            meta: Meta::first(at()),
        };
        let next = UnitChanges {
            external_id: Some(None),
            name: None,
            parent_id: Some(None),
        }
        .apply_to(&current);
        assert_eq!((next.external_id, next.parent_id), (None, None));
        assert_eq!(next.name, current.name);
    }

    #[test]
    fn an_agreement_period_holds_its_first_and_last_day() {
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let period = AgreementPeriod {
            id: AgreementPeriodId::generate(),
            name: Name::parse("name", "OK24").unwrap(),
            dates: PeriodDates::new(day("2024-04-01"), day("2027-03-31")).unwrap(),
            meta: Meta::first(at()),
        };
        assert!(period.contains(day("2024-04-01")) && period.contains(day("2027-03-31")));
        assert!(period.contains(day("2025-06-15")));
        assert!(!period.contains(day("2024-03-31")) && !period.contains(day("2027-04-01")));
    }
}
