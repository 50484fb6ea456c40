//! The MED committees' discussions and their yearly feedback to the committee above.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CommitteeDiscussions {
    Table,
    Id,
    CommitteeId,
    Topic,
    HeldOn,
    Summary,
    Decisions,
    Snapshot,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CommitteeFeedback {
    Table,
    Id,
    CommitteeId,
    ToCommitteeId,
    Year,
    Text,
    CreatedAt,
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
                    .table(CommitteeDiscussions::Table)
                    .col(pk_uuid(CommitteeDiscussions::Id))
                    .col(uuid(CommitteeDiscussions::CommitteeId))
                    .col(string_len(CommitteeDiscussions::Topic, 32))
                    .col(date(CommitteeDiscussions::HeldOn))
                    .col(text(CommitteeDiscussions::Summary))
                    .col(text_null(CommitteeDiscussions::Decisions))
                    .col(text_null(CommitteeDiscussions::Snapshot))
                    .col(timestamp_with_time_zone(CommitteeDiscussions::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                CommitteeDiscussions::Table,
                                CommitteeDiscussions::CommitteeId,
                            )
                            .to(Committees::Table, Committees::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CommitteeFeedback::Table)
                    .col(pk_uuid(CommitteeFeedback::Id))
                    .col(uuid(CommitteeFeedback::CommitteeId))
                    .col(uuid(CommitteeFeedback::ToCommitteeId))
                    .col(integer(CommitteeFeedback::Year))
                    .col(text(CommitteeFeedback::Text))
                    .col(timestamp_with_time_zone(CommitteeFeedback::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CommitteeFeedback::Table, CommitteeFeedback::CommitteeId)
                            .to(Committees::Table, Committees::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CommitteeFeedback::Table, CommitteeFeedback::ToCommitteeId)
                            .to(Committees::Table, Committees::Id),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(CommitteeFeedback::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(CommitteeDiscussions::Table).to_owned())
            .await
    }
}
