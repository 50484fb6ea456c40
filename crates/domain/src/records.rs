//! The organisation's records as the rest of the system sees them, and the validated inputs
//! that create, change and synchronise them.

use chrono::{DateTime, NaiveDate, Utc};

use crate::org::{CommitteeLevel, PeriodDates};
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
pub type Change<T> = Option<Option<T>>;

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
    pub external_id: Change<ExternalId>,
    /// New name.
    pub name: Option<Name>,
    /// New parent, or made a top unit.
    pub parent_id: Change<UnitId>,
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
    pub external_id: Change<ExternalId>,
    /// New name.
    pub name: Option<Name>,
    /// New e-mail, or cleared.
    pub email: Change<Email>,
    /// New group, or cleared.
    pub professional_group: Change<ProfessionalGroup>,
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
    /// Employed now.
    pub active: bool,
    /// HR ids of the units they manage.
    pub manages_unit_external_ids: Vec<ExternalId>,
    /// HR ids of the units they represent.
    pub represents_unit_external_ids: Vec<ExternalId>,
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
    pub external_id: Change<ExternalId>,
    /// New name.
    pub name: Option<Name>,
    /// New level.
    pub level: Option<CommitteeLevel>,
    /// New covered unit.
    pub unit_id: Option<UnitId>,
    /// New parent committee, or none.
    pub parent_id: Change<CommitteeId>,
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
