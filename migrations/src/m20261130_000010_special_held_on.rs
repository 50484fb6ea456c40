//! A special follow-up counts as held in the period it was held in, so the status projection
//! keeps the day it was held rather than only whether it was. The projection's rows are
//! rebuilt on start (its version moves), so the new column needs no back-fill here.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum StatusSpecials {
    Table,
    Held,
    HeldOn,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds or drops one column per ALTER TABLE.
        manager
            .alter_table(
                Table::alter()
                    .table(StatusSpecials::Table)
                    .add_column(ColumnDef::new(StatusSpecials::HeldOn).date().null())
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(StatusSpecials::Table)
                    .drop_column(StatusSpecials::Held)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(StatusSpecials::Table)
                    .add_column(
                        ColumnDef::new(StatusSpecials::Held)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(StatusSpecials::Table)
                    .drop_column(StatusSpecials::HeldOn)
                    .to_owned(),
            )
            .await
    }
}
