//! The annual clock of each employee's agreed plans, stretch by stretch (from a version agreed
//! or a follow-up held until the next), so that a closed period's annual figures are read as
//! they stood on its last day.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum StatusAnnualClock {
    Table,
    EmployeeId,
    Seq,
    StartsOn,
    EndsBefore,
    DueOn,
}

#[derive(DeriveIden)]
enum Employees {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(StatusAnnualClock::Table)
                    .col(uuid(StatusAnnualClock::EmployeeId))
                    .col(integer(StatusAnnualClock::Seq))
                    .col(date(StatusAnnualClock::StartsOn))
                    .col(date_null(StatusAnnualClock::EndsBefore))
                    .col(date(StatusAnnualClock::DueOn))
                    .primary_key(
                        Index::create()
                            .col(StatusAnnualClock::EmployeeId)
                            .col(StatusAnnualClock::Seq),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(StatusAnnualClock::Table, StatusAnnualClock::EmployeeId)
                            .to(Employees::Table, Employees::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
        // The projection's version is raised with this table, so the next start fills it.
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(StatusAnnualClock::Table).to_owned())
            .await
    }
}
