//! Reporting projections of plan content: one row per goal and per activity of each plan,
//! rewritten with the plan in the same transaction, so status figures are aggregate queries.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PlanGoalFacts {
    Table,
    PlanId,
    GoalId,
    CompetenceKind,
    Verdict,
    Applied,
}

#[derive(DeriveIden)]
enum PlanActivityFacts {
    Table,
    PlanId,
    ActivityId,
    Kind,
    Status,
}

#[derive(DeriveIden)]
enum Plans {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PlanGoalFacts::Table)
                    .col(uuid(PlanGoalFacts::PlanId))
                    .col(uuid(PlanGoalFacts::GoalId))
                    .col(string_len(PlanGoalFacts::CompetenceKind, 32))
                    .col(string_len_null(PlanGoalFacts::Verdict, 32))
                    .col(boolean_null(PlanGoalFacts::Applied))
                    .primary_key(
                        Index::create()
                            .col(PlanGoalFacts::PlanId)
                            .col(PlanGoalFacts::GoalId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(PlanGoalFacts::Table, PlanGoalFacts::PlanId)
                            .to(Plans::Table, Plans::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PlanActivityFacts::Table)
                    .col(uuid(PlanActivityFacts::PlanId))
                    .col(uuid(PlanActivityFacts::ActivityId))
                    .col(string_len(PlanActivityFacts::Kind, 32))
                    .col(string_len(PlanActivityFacts::Status, 32))
                    .primary_key(
                        Index::create()
                            .col(PlanActivityFacts::PlanId)
                            .col(PlanActivityFacts::ActivityId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(PlanActivityFacts::Table, PlanActivityFacts::PlanId)
                            .to(Plans::Table, Plans::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PlanActivityFacts::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(PlanGoalFacts::Table).to_owned())
            .await?;
        Ok(())
    }
}
