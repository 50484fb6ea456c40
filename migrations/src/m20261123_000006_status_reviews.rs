//! Status reviews (gøre status): a frozen snapshot of the figures, each side's position and
//! the escalation, as documents validated by the domain on every read.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum StatusReviews {
    Table,
    Id,
    UnitId,
    HeldOn,
    Snapshot,
    State,
    CreatedBy,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum OrgUnits {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(StatusReviews::Table)
                    .col(pk_uuid(StatusReviews::Id))
                    .col(uuid(StatusReviews::UnitId))
                    .col(date(StatusReviews::HeldOn))
                    .col(text(StatusReviews::Snapshot))
                    .col(text(StatusReviews::State))
                    .col(uuid_null(StatusReviews::CreatedBy))
                    .col(big_integer(StatusReviews::Version))
                    .col(timestamp_with_time_zone(StatusReviews::CreatedAt))
                    .col(timestamp_with_time_zone(StatusReviews::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(StatusReviews::Table, StatusReviews::UnitId)
                            .to(OrgUnits::Table, OrgUnits::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_status_reviews_unit")
                    .table(StatusReviews::Table)
                    .col(StatusReviews::UnitId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(StatusReviews::Table).to_owned())
            .await
    }
}
