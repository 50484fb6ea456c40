//! A committee sends one feedback per year to the committee above. Where an earlier version
//! let a second one in, the latest stands (a second sending was meant to replace the first).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CommitteeFeedback {
    Table,
    CommitteeId,
    Year,
}

const INDEX: &str = "committee_feedback_once_a_year";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "DELETE FROM committee_feedback WHERE EXISTS (SELECT 1 FROM committee_feedback \
                 later WHERE later.committee_id = committee_feedback.committee_id \
                 AND later.year = committee_feedback.year AND later.id > committee_feedback.id)",
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(INDEX)
                    .table(CommitteeFeedback::Table)
                    .col(CommitteeFeedback::CommitteeId)
                    .col(CommitteeFeedback::Year)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(INDEX)
                    .table(CommitteeFeedback::Table)
                    .to_owned(),
            )
            .await
    }
}
