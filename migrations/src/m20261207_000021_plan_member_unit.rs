//! Each plan member's unit beside the membership, kept equal to the employee's unit by the
//! writes that move them, so a manager's plan list reads one index range per unit in reach
//! instead of probing every person in it.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PlanMembers {
    Table,
    UnitId,
    PlanId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(PlanMembers::Table)
                    .add_column(ColumnDef::new(PlanMembers::UnitId).uuid().null())
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared(
            "UPDATE plan_members SET unit_id = \
             (SELECT e.unit_id FROM employees e WHERE e.id = plan_members.employee_id)",
        )
        .await?;
        // SQLite cannot add the constraint to a column it already has.
        if manager.get_database_backend() == DatabaseBackend::Postgres {
            db.execute_unprepared("ALTER TABLE plan_members ALTER COLUMN unit_id SET NOT NULL")
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("plan_members_by_unit")
                    .table(PlanMembers::Table)
                    .col(PlanMembers::UnitId)
                    .col(PlanMembers::PlanId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("plan_members_by_unit")
                    .table(PlanMembers::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(PlanMembers::Table)
                    .drop_column(PlanMembers::UnitId)
                    .to_owned(),
            )
            .await
    }
}
