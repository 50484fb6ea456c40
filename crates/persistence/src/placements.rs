//! Employees' placements through time (see [`devplan_domain::placement`]), stored beside the
//! employee and written in the same transaction as every change to their unit, group or
//! employment.

use devplan_domain::FieldCode;
use std::collections::HashMap;

use chrono::NaiveDate;
use devplan_domain::placement::{History, Placement};
use devplan_domain::text::ProfessionalGroup;
use devplan_domain::{UnitId, Violation, Violations};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
};
use uuid::Uuid;

use crate::StoreError;
use crate::employees::parse_stored;
use crate::entities::{org_unit, placement};
use crate::units::rows_per_statement;

/// The histories of `employees`, read in one query per chunk.
pub(crate) async fn histories(
    conn: &impl ConnectionTrait,
    employees: &[Uuid],
) -> Result<HashMap<Uuid, History>, StoreError> {
    let mut by: HashMap<Uuid, Vec<Placement>> = HashMap::new();
    for chunk in employees.chunks(rows_per_statement(1)) {
        let rows = placement::Entity::find()
            .filter(placement::Column::EmployeeId.is_in(chunk.iter().copied()))
            .all(conn)
            .await?;
        for m in rows {
            by.entry(m.employee_id).or_default().push(Placement {
                from: m.starts_on,
                to: m.ends_on,
                unit_id: UnitId::from_uuid(m.unit_id),
                professional_group: parse_stored(
                    m.professional_group.as_deref(),
                    ProfessionalGroup::parse,
                )?,
            });
        }
    }
    Ok(by
        .into_iter()
        .map(|(id, ps)| (id, History::stored(ps)))
        .collect())
}

/// Replaces the histories of the listed employees by the ones given.
pub(crate) async fn replace_histories(
    conn: &impl ConnectionTrait,
    histories: &[(Uuid, &History)],
) -> Result<(), StoreError> {
    for chunk in histories.chunks(rows_per_statement(1)) {
        placement::Entity::delete_many()
            .filter(placement::Column::EmployeeId.is_in(chunk.iter().map(|(id, _)| *id)))
            .exec(conn)
            .await?;
    }
    insert_histories(conn, histories).await
}

/// Inserts the histories of employees who have none stored.
pub(crate) async fn insert_histories(
    conn: &impl ConnectionTrait,
    histories: &[(Uuid, &History)],
) -> Result<(), StoreError> {
    let rows = histories.iter().flat_map(|(id, h)| {
        h.placements().iter().map(|p| placement::ActiveModel {
            employee_id: Set(*id),
            starts_on: Set(p.from),
            ends_on: Set(p.to),
            unit_id: Set(p.unit_id.uuid()),
            professional_group: Set(p.professional_group.as_ref().map(|g| g.as_str().to_owned())),
        })
    });
    crate::bulk::insert(conn, rows).await?;
    Ok(())
}

/// The last day of every unit that has one.
pub(crate) async fn unit_endings(
    conn: &impl ConnectionTrait,
) -> Result<HashMap<UnitId, NaiveDate>, StoreError> {
    let rows: Vec<(Uuid, Option<NaiveDate>)> = org_unit::Entity::find()
        .select_only()
        .column(org_unit::Column::Id)
        .column(org_unit::Column::EndsOn)
        .filter(org_unit::Column::EndsOn.is_not_null())
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, end)| end.map(|e| (UnitId::from_uuid(id), e)))
        .collect())
}

/// A violation at `field` for a placement that lies outside the life of its unit, if it does.
pub(crate) fn unit_ended(
    field: impl Into<String>,
    placement: &Placement,
    endings: &HashMap<UnitId, NaiveDate>,
) -> Option<Violation> {
    let ending = endings.get(&placement.unit_id).copied();
    (!placement.fits_unit_ending(ending)).then(|| {
        Violation::new(
            field,
            FieldCode::UnitEnded,
            format!(
                "the unit ended on {}: nobody can be placed in it after that",
                ending.map_or(String::new(), |e| e.to_string())
            ),
        )
    })
}

/// Flags, at `field`, each placement of `history` not in `previous` (a placement already
/// stored was checked when it was written, and ending a unit checks every placement in it)
/// that lies outside the life of an ended unit.
pub(crate) fn check_new_placements(
    field: &str,
    history: &History,
    previous: &History,
    endings: &HashMap<UnitId, NaiveDate>,
    v: &mut Violations,
) {
    for p in history.placements() {
        if !previous.placements().contains(p)
            && let Some(violation) = unit_ended(field, p, endings)
        {
            v.push(violation);
        }
    }
}
