//! What the organisation data lets a person reach: the raw material of the access policy.

use devplan_domain::org::Role;
use devplan_domain::{CommitteeId, EmployeeId, UnitId};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use crate::entities::{committee, committee_member, employee, unit_assignment, unit_closure};
use crate::units::subtree;
use crate::{Store, StoreError};

/// The units the given employees work in, read on `conn` (inside a write's transaction too).
pub(crate) async fn units_of_in(
    conn: &impl ConnectionTrait,
    employees: &[EmployeeId],
) -> Result<Vec<UnitId>, StoreError> {
    let units: Vec<Uuid> = employee::Entity::find()
        .select_only()
        .column(employee::Column::UnitId)
        .filter(employee::Column::Id.is_in(employees.iter().map(|e| e.uuid())))
        .into_tuple()
        .all(conn)
        .await?;
    Ok(units.into_iter().map(UnitId::from_uuid).collect())
}

impl Store {
    /// The units the given employees work in.
    pub async fn units_of(&self, employees: &[EmployeeId]) -> Result<Vec<UnitId>, StoreError> {
        units_of_in(&self.db, employees).await
    }

    /// The unit each of `employees` works in, in one statement.
    pub async fn unit_of_each(
        &self,
        employees: &[EmployeeId],
    ) -> Result<Vec<(EmployeeId, UnitId)>, StoreError> {
        let rows: Vec<(Uuid, Uuid)> = employee::Entity::find()
            .select_only()
            .column(employee::Column::Id)
            .column(employee::Column::UnitId)
            .filter(employee::Column::Id.is_in(employees.iter().map(|e| e.uuid())))
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|(e, u)| (EmployeeId::from_uuid(e), UnitId::from_uuid(u)))
            .collect())
    }

    /// The units at or above any of `units`: whose published goals their employees know.
    pub async fn ancestors_of(&self, units: &[UnitId]) -> Result<Vec<UnitId>, StoreError> {
        let ids: Vec<Uuid> = unit_closure::Entity::find()
            .select_only()
            .column(unit_closure::Column::AncestorId)
            .distinct()
            .filter(unit_closure::Column::DescendantId.is_in(units.iter().map(|u| u.uuid())))
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(ids.into_iter().map(UnitId::from_uuid).collect())
    }

    /// The units at or below those `employee` holds `role` for (manager or representative).
    pub async fn units_reached_as(
        &self,
        employee: EmployeeId,
        role: Role,
    ) -> Result<Vec<UnitId>, StoreError> {
        let roots: Vec<Uuid> = unit_assignment::Entity::find()
            .select_only()
            .column(unit_assignment::Column::UnitId)
            .filter(unit_assignment::Column::EmployeeId.eq(employee.uuid()))
            .filter(unit_assignment::Column::Role.eq(role.as_str()))
            .into_tuple()
            .all(&self.db)
            .await?;
        let mut units = subtree(&self.db, &roots).await?;
        units.sort();
        Ok(units)
    }

    /// The committees `employee` is a member of, and the units at or below those they cover.
    pub async fn committee_reach(
        &self,
        employee: EmployeeId,
    ) -> Result<(Vec<CommitteeId>, Vec<UnitId>), StoreError> {
        let rows: Vec<(Uuid, Uuid)> = committee::Entity::find()
            .select_only()
            .column(committee::Column::Id)
            .column(committee::Column::UnitId)
            .filter(
                committee::Column::Id.in_subquery(
                    sea_orm::sea_query::Query::select()
                        .column(committee_member::Column::CommitteeId)
                        .from(committee_member::Entity)
                        .and_where(committee_member::Column::EmployeeId.eq(employee.uuid()))
                        .to_owned(),
                ),
            )
            .into_tuple()
            .all(&self.db)
            .await?;
        let mut committees: Vec<CommitteeId> = rows
            .iter()
            .map(|(c, _)| CommitteeId::from_uuid(*c))
            .collect();
        committees.sort();
        let roots: Vec<Uuid> = rows.into_iter().map(|(_, u)| u).collect();
        let mut units = subtree(&self.db, &roots).await?;
        units.sort();
        Ok((committees, units))
    }
}
