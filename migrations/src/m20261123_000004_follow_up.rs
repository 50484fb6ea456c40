//! Follow-ups of plans, absences, development interviews with their participants, and the
//! managers' calendar feeds.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum FollowUps {
    Table,
    Id,
    PlanId,
    Kind,
    HeldOn,
    Participants,
    Notes,
    Progress,
    Outcome,
    RecordedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Absences {
    Table,
    Id,
    ExternalId,
    EmployeeId,
    Kind,
    StartsOn,
    EndsOn,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Interviews {
    #[sea_orm(iden = "development_interviews")]
    Table,
    Id,
    ExternalId,
    Year,
    Format,
    OfferedOn,
    HeldOn,
    PlanId,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum InterviewParticipants {
    Table,
    InterviewId,
    EmployeeId,
    Status,
    WantsIndividual,
}

#[derive(DeriveIden)]
enum CalendarFeeds {
    Table,
    ManagerId,
    TokenHash,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Plans {
    Table,
    Id,
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
                    .table(FollowUps::Table)
                    .col(pk_uuid(FollowUps::Id))
                    .col(uuid(FollowUps::PlanId))
                    .col(string_len(FollowUps::Kind, 16))
                    .col(date(FollowUps::HeldOn))
                    .col(text(FollowUps::Participants))
                    .col(text_null(FollowUps::Notes))
                    .col(text(FollowUps::Progress))
                    .col(string_len(FollowUps::Outcome, 16))
                    .col(uuid(FollowUps::RecordedBy))
                    .col(timestamp_with_time_zone(FollowUps::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(FollowUps::Table, FollowUps::PlanId)
                            .to(Plans::Table, Plans::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_follow_ups_plan")
                    .table(FollowUps::Table)
                    .col(FollowUps::PlanId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Absences::Table)
                    .col(pk_uuid(Absences::Id))
                    .col(string_len_null(Absences::ExternalId, 100).unique_key())
                    .col(uuid(Absences::EmployeeId))
                    .col(string_len(Absences::Kind, 32))
                    .col(date(Absences::StartsOn))
                    .col(date_null(Absences::EndsOn))
                    .col(big_integer(Absences::Version))
                    .col(timestamp_with_time_zone(Absences::CreatedAt))
                    .col(timestamp_with_time_zone(Absences::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Absences::Table, Absences::EmployeeId)
                            .to(Employees::Table, Employees::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_absences_employee")
                    .table(Absences::Table)
                    .col(Absences::EmployeeId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Interviews::Table)
                    .col(pk_uuid(Interviews::Id))
                    .col(string_len_null(Interviews::ExternalId, 100).unique_key())
                    .col(integer(Interviews::Year))
                    .col(string_len(Interviews::Format, 16))
                    .col(date_null(Interviews::OfferedOn))
                    .col(date_null(Interviews::HeldOn))
                    .col(uuid_null(Interviews::PlanId))
                    .col(big_integer(Interviews::Version))
                    .col(timestamp_with_time_zone(Interviews::CreatedAt))
                    .col(timestamp_with_time_zone(Interviews::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_interviews_year")
                    .table(Interviews::Table)
                    .col(Interviews::Year)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(InterviewParticipants::Table)
                    .col(uuid(InterviewParticipants::InterviewId))
                    .col(uuid(InterviewParticipants::EmployeeId))
                    .col(string_len(InterviewParticipants::Status, 16))
                    .col(boolean(InterviewParticipants::WantsIndividual))
                    .primary_key(
                        Index::create()
                            .col(InterviewParticipants::InterviewId)
                            .col(InterviewParticipants::EmployeeId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                InterviewParticipants::Table,
                                InterviewParticipants::InterviewId,
                            )
                            .to(Interviews::Table, Interviews::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                InterviewParticipants::Table,
                                InterviewParticipants::EmployeeId,
                            )
                            .to(Employees::Table, Employees::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_interview_participants_employee")
                    .table(InterviewParticipants::Table)
                    .col(InterviewParticipants::EmployeeId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CalendarFeeds::Table)
                    .col(uuid(CalendarFeeds::ManagerId).primary_key())
                    .col(string_len(CalendarFeeds::TokenHash, 64).unique_key())
                    .col(timestamp_with_time_zone(CalendarFeeds::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CalendarFeeds::Table, CalendarFeeds::ManagerId)
                            .to(Employees::Table, Employees::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            CalendarFeeds::Table.into_iden(),
            InterviewParticipants::Table.into_iden(),
            Interviews::Table.into_iden(),
            Absences::Table.into_iden(),
            FollowUps::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
