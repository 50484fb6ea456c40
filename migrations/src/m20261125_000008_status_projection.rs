//! The status projection: what the domain rules say of each employee's plans, follow-ups,
//! absences and interviews, kept current in every write's transaction, so that the status
//! figures of any unit and period are a constant number of aggregate queries.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum StatusEmployees {
    Table,
    EmployeeId,
    AgreedPlan,
    DraftPlan,
    AnnualNextDue,
}

#[derive(DeriveIden)]
enum StatusAnnualHeld {
    Table,
    EmployeeId,
    Seq,
    HeldOn,
    InTime,
}

#[derive(DeriveIden)]
enum StatusSpecials {
    Table,
    EmployeeId,
    AbsenceId,
    DueOn,
    Held,
}

#[derive(DeriveIden)]
enum StatusInterviews {
    Table,
    EmployeeId,
    Year,
    Coverage,
}

#[derive(DeriveIden)]
enum StatusContents {
    Table,
    EmployeeId,
    Key,
    N,
}

#[derive(DeriveIden)]
enum Projections {
    Table,
    Name,
    Version,
}

#[derive(DeriveIden)]
enum Employees {
    Table,
    Id,
}

fn to_employee(table: impl IntoIden, col: impl IntoIden) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, col)
        .to(Employees::Table, Employees::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(StatusEmployees::Table)
                    .col(pk_uuid(StatusEmployees::EmployeeId))
                    .col(boolean(StatusEmployees::AgreedPlan))
                    .col(boolean(StatusEmployees::DraftPlan))
                    .col(date_null(StatusEmployees::AnnualNextDue))
                    .foreign_key(&mut to_employee(
                        StatusEmployees::Table,
                        StatusEmployees::EmployeeId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(StatusAnnualHeld::Table)
                    .col(uuid(StatusAnnualHeld::EmployeeId))
                    .col(integer(StatusAnnualHeld::Seq))
                    .col(date(StatusAnnualHeld::HeldOn))
                    .col(boolean(StatusAnnualHeld::InTime))
                    .primary_key(
                        Index::create()
                            .col(StatusAnnualHeld::EmployeeId)
                            .col(StatusAnnualHeld::Seq),
                    )
                    .foreign_key(&mut to_employee(
                        StatusAnnualHeld::Table,
                        StatusAnnualHeld::EmployeeId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(StatusSpecials::Table)
                    .col(uuid(StatusSpecials::EmployeeId))
                    .col(uuid(StatusSpecials::AbsenceId))
                    .col(date(StatusSpecials::DueOn))
                    .col(boolean(StatusSpecials::Held))
                    .primary_key(
                        Index::create()
                            .col(StatusSpecials::EmployeeId)
                            .col(StatusSpecials::AbsenceId),
                    )
                    .foreign_key(&mut to_employee(
                        StatusSpecials::Table,
                        StatusSpecials::EmployeeId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(StatusInterviews::Table)
                    .col(uuid(StatusInterviews::EmployeeId))
                    .col(integer(StatusInterviews::Year))
                    .col(string_len(StatusInterviews::Coverage, 32))
                    .primary_key(
                        Index::create()
                            .col(StatusInterviews::EmployeeId)
                            .col(StatusInterviews::Year),
                    )
                    .foreign_key(&mut to_employee(
                        StatusInterviews::Table,
                        StatusInterviews::EmployeeId,
                    ))
                    .to_owned(),
            )
            .await?;
        // Per employee, the goals and activities of their current plans counted by kind,
        // verdict and use in daily work, so status sums rows instead of counting distinct
        // people over every goal and activity.
        manager
            .create_table(
                Table::create()
                    .table(StatusContents::Table)
                    .col(uuid(StatusContents::EmployeeId))
                    .col(string_len(StatusContents::Key, 64))
                    .col(integer(StatusContents::N))
                    .primary_key(
                        Index::create()
                            .col(StatusContents::EmployeeId)
                            .col(StatusContents::Key),
                    )
                    .foreign_key(&mut to_employee(
                        StatusContents::Table,
                        StatusContents::EmployeeId,
                    ))
                    .to_owned(),
            )
            .await?;
        // Which version of each projection the rows were built by; the service rebuilds a
        // projection whose rules are newer than its rows (here: on first start after this
        // migration, for the data already there).
        manager
            .create_table(
                Table::create()
                    .table(Projections::Table)
                    .col(string_len(Projections::Name, 64).primary_key())
                    .col(integer(Projections::Version))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Projections::Table.into_iden(),
            StatusContents::Table.into_iden(),
            StatusInterviews::Table.into_iden(),
            StatusSpecials::Table.into_iden(),
            StatusAnnualHeld::Table.into_iden(),
            StatusEmployees::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
