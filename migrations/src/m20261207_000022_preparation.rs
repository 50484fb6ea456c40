//! The preparation of development interviews: guides (organisation data) in versions that never
//! change once published, the version an interview keeps from its offer, and each
//! participant's answers (personal data of their writer, private until shared).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PreparationGuides {
    Table,
    Id,
    Name,
    Format,
    CommitteeId,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum GuideVersions {
    Table,
    Id,
    GuideId,
    Number,
    Content,
    PublishedAt,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Preparations {
    Table,
    Id,
    InterviewId,
    WriterId,
    Side,
    GuideVersionId,
    Answers,
    SharedAt,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum DevelopmentInterviews {
    Table,
    Id,
    GuideVersionId,
    ScheduledOn,
}

#[derive(DeriveIden)]
enum Reminders {
    Table,
    ReminderKey,
    RaisedAt,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    ActorEmployeeId,
}

#[derive(DeriveIden)]
enum Employees {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Committees {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PreparationGuides::Table)
                    .col(pk_uuid(PreparationGuides::Id))
                    .col(text(PreparationGuides::Name))
                    .col(text(PreparationGuides::Format))
                    .col(uuid_null(PreparationGuides::CommitteeId))
                    .col(big_integer(PreparationGuides::Version))
                    .col(timestamp_with_time_zone(PreparationGuides::CreatedAt))
                    .col(timestamp_with_time_zone(PreparationGuides::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(PreparationGuides::Table, PreparationGuides::CommitteeId)
                            .to(Committees::Table, Committees::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(GuideVersions::Table)
                    .col(pk_uuid(GuideVersions::Id))
                    .col(uuid(GuideVersions::GuideId))
                    .col(integer(GuideVersions::Number))
                    .col(text(GuideVersions::Content))
                    .col(timestamp_with_time_zone_null(GuideVersions::PublishedAt))
                    .col(big_integer(GuideVersions::Version))
                    .col(timestamp_with_time_zone(GuideVersions::CreatedAt))
                    .col(timestamp_with_time_zone(GuideVersions::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(GuideVersions::Table, GuideVersions::GuideId)
                            .to(PreparationGuides::Table, PreparationGuides::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("guide_versions_by_number")
                    .table(GuideVersions::Table)
                    .col(GuideVersions::GuideId)
                    .col(GuideVersions::Number)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Preparations::Table)
                    .col(pk_uuid(Preparations::Id))
                    .col(uuid(Preparations::InterviewId))
                    .col(uuid(Preparations::WriterId))
                    .col(text(Preparations::Side))
                    .col(uuid(Preparations::GuideVersionId))
                    .col(text(Preparations::Answers))
                    .col(timestamp_with_time_zone_null(Preparations::SharedAt))
                    .col(big_integer(Preparations::Version))
                    .col(timestamp_with_time_zone(Preparations::CreatedAt))
                    .col(timestamp_with_time_zone(Preparations::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Preparations::Table, Preparations::InterviewId)
                            .to(DevelopmentInterviews::Table, DevelopmentInterviews::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Preparations::Table, Preparations::WriterId)
                            .to(Employees::Table, Employees::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Preparations::Table, Preparations::GuideVersionId)
                            .to(GuideVersions::Table, GuideVersions::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // One answer set per writer and interview: two first writes at once meet here.
        manager
            .create_index(
                Index::create()
                    .name("preparations_one_per_writer")
                    .table(Preparations::Table)
                    .col(Preparations::InterviewId)
                    .col(Preparations::WriterId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("preparations_by_writer")
                    .table(Preparations::Table)
                    .col(Preparations::WriterId)
                    .to_owned(),
            )
            .await?;
        // What a person signed themselves (`GET /me/tasks`: content changed since I signed).
        manager
            .create_index(
                Index::create()
                    .name("audit_log_actor_employee")
                    .table(AuditLog::Table)
                    .col(AuditLog::ActorEmployeeId)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(DevelopmentInterviews::Table)
                    .add_column(
                        ColumnDef::new(DevelopmentInterviews::GuideVersionId)
                            .uuid()
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        // SQLite adds one column per ALTER TABLE.
        manager
            .alter_table(
                Table::alter()
                    .table(DevelopmentInterviews::Table)
                    .add_column(
                        ColumnDef::new(DevelopmentInterviews::ScheduledOn)
                            .date()
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        // Who was reminded of what, once per item and stage (`persistence/src/reminders.rs`):
        // two instances' rounds claim the same key, and only the first raises the reminder.
        manager
            .create_table(
                Table::create()
                    .table(Reminders::Table)
                    .col(
                        ColumnDef::new(Reminders::ReminderKey)
                            .string_len(300)
                            .not_null()
                            .primary_key(),
                    )
                    .col(timestamp_with_time_zone(Reminders::RaisedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Reminders::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(DevelopmentInterviews::Table)
                    .drop_column(DevelopmentInterviews::ScheduledOn)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("audit_log_actor_employee")
                    .table(AuditLog::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(DevelopmentInterviews::Table)
                    .drop_column(DevelopmentInterviews::GuideVersionId)
                    .to_owned(),
            )
            .await?;
        for table in [
            Preparations::Table.into_iden(),
            GuideVersions::Table.into_iden(),
            PreparationGuides::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
