//! An employee as HR and managers see them.

use chrono::{DateTime, NaiveDate, Utc};
use devplan_domain::UnitId;
use devplan_domain::placement::Placement;
use devplan_domain::records::Employee;
use devplan_domain::text::{ExternalId, ProfessionalGroup};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// From `from` to `to` (both included; null while it lasts) the person works in `unit_id` in
/// `professional_group`.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlacementOut {
    /// First day.
    pub from: NaiveDate,
    /// Last day; null while it lasts.
    pub to: Option<NaiveDate>,
    /// The unit.
    pub unit_id: Uuid,
    /// The professional group.
    pub professional_group: Option<String>,
}

impl From<&Placement> for PlacementOut {
    fn from(p: &Placement) -> Self {
        PlacementOut {
            from: p.from,
            to: p.to,
            unit_id: p.unit_id.uuid(),
            professional_group: p.professional_group.as_ref().map(|g| g.as_str().to_owned()),
        }
    }
}

/// An employee.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "01936f6e-8a4b-7c3d-9e2f-1a2b3c4d5e70", "external_id": "E-1042", "name": "Mette Hansen", "email": "mette.hansen@kommune.dk", "professional_group": "pædagog", "unit_id": "01936f6e-8a4b-7c3d-9e2f-1a2b3c4d5e6f", "active": true, "manages": [], "represents": [], "placements": [{"from": "2019-08-01", "to": null, "unit_id": "01936f6e-8a4b-7c3d-9e2f-1a2b3c4d5e6f", "professional_group": "pædagog"}], "version": 1, "created_at": "2026-11-23T08:00:00Z", "updated_at": "2026-11-23T08:00:00Z"}))]
pub struct EmployeeOut {
    /// Their id.
    pub id: Uuid,
    /// The HR system's id.
    pub external_id: Option<String>,
    /// Full name.
    pub name: String,
    /// Work e-mail.
    pub email: Option<String>,
    /// Professional group (faggruppe).
    pub professional_group: Option<String>,
    /// The unit they work in.
    pub unit_id: Uuid,
    /// False once employment has ended.
    pub active: bool,
    /// Units they manage (their sub-units are reached too).
    pub manages: Vec<Uuid>,
    /// Units they are local representative for.
    pub represents: Vec<Uuid>,
    /// Where and when they worked, earliest first: a period's figures count them where they
    /// were placed on its last day.
    pub placements: Vec<PlacementOut>,
    /// Version, also sent as `ETag`.
    pub version: i64,
    /// When created.
    pub created_at: DateTime<Utc>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<Employee> for EmployeeOut {
    fn from(e: Employee) -> Self {
        EmployeeOut {
            id: e.id.uuid(),
            external_id: e.external_id.map(ExternalId::into_string),
            name: e.name.into_string(),
            email: e.email.map(|m| m.as_str().to_owned()),
            professional_group: e.professional_group.map(ProfessionalGroup::into_string),
            unit_id: e.unit_id.uuid(),
            active: e.active,
            manages: e.manages.into_iter().map(UnitId::uuid).collect(),
            represents: e.represents.into_iter().map(UnitId::uuid).collect(),
            placements: e
                .history
                .placements()
                .iter()
                .map(PlacementOut::from)
                .collect(),
            version: e.meta.version,
            created_at: e.meta.created_at,
            updated_at: e.meta.updated_at,
        }
    }
}
