//! The organisation through time: each employee's placements (which unit and professional
//! group from which day to which), and a unit's last day once HR ends it. Every employee
//! stored before is placed where they are from the day they were created, until the day
//! before they left.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Placements {
    Table,
    EmployeeId,
    StartsOn,
    EndsOn,
    UnitId,
    ProfessionalGroup,
}

#[derive(DeriveIden)]
enum Employees {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum OrgUnits {
    Table,
    Id,
    EndsOn,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Placements::Table)
                    .col(uuid(Placements::EmployeeId))
                    .col(date(Placements::StartsOn))
                    .col(date_null(Placements::EndsOn))
                    .col(uuid(Placements::UnitId))
                    .col(string_null(Placements::ProfessionalGroup))
                    .primary_key(
                        Index::create()
                            .col(Placements::EmployeeId)
                            .col(Placements::StartsOn),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Placements::Table, Placements::EmployeeId)
                            .to(Employees::Table, Employees::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Placements::Table, Placements::UnitId)
                            .to(OrgUnits::Table, OrgUnits::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // A period's people are read by unit and day.
        manager
            .create_index(
                Index::create()
                    .name("placements_by_unit")
                    .table(Placements::Table)
                    .col(Placements::UnitId)
                    .col(Placements::StartsOn)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(OrgUnits::Table)
                    .add_column(date_null(OrgUnits::EndsOn))
                    .to_owned(),
            )
            .await?;
        let backend = manager.get_database_backend();
        let (day_of, day_before) = match backend {
            DatabaseBackend::Postgres => (
                "(created_at AT TIME ZONE 'Europe/Copenhagen')::date",
                "(left_at AT TIME ZONE 'Europe/Copenhagen')::date - 1",
            ),
            _ => ("date(created_at)", "date(left_at, '-1 day')"),
        };
        let sql = format!(
            "INSERT INTO placements (employee_id, starts_on, ends_on, unit_id, professional_group) \
             SELECT id, {day_of}, CASE WHEN active THEN NULL ELSE {day_before} END, unit_id, \
             professional_group FROM employees \
             WHERE active OR (left_at IS NOT NULL AND {day_before} >= {day_of})"
        );
        manager.get_connection().execute_unprepared(&sql).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(OrgUnits::Table)
                    .drop_column(OrgUnits::EndsOn)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(Placements::Table).to_owned())
            .await
    }
}
