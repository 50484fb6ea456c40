//! What the organisation data lets a person reach: the raw material of the access policy.

use devplan_domain::org::Role;
use devplan_domain::{CommitteeId, EmployeeId, UnitId};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use crate::entities::{committee, committee_member, unit_assignment};
use crate::units::subtree;
use crate::{Store, StoreError};

impl Store {
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
