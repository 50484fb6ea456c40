//! The catalogue of development offers with the professional groups they are for, and the
//! development goals units publish.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CatalogueEntries {
    Table,
    Id,
    ExternalId,
    Kind,
    Title,
    Description,
    Provider,
    Duration,
    LeadershipEducation,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CatalogueGroups {
    Table,
    EntryId,
    ProfessionalGroup,
}

#[derive(DeriveIden)]
enum UnitGoals {
    Table,
    Id,
    UnitId,
    Title,
    Description,
    Archived,
    PublishedBy,
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
                    .table(CatalogueEntries::Table)
                    .col(pk_uuid(CatalogueEntries::Id))
                    .col(string_len_null(CatalogueEntries::ExternalId, 100).unique_key())
                    .col(string_len(CatalogueEntries::Kind, 32))
                    .col(string_len(CatalogueEntries::Title, 200))
                    .col(text_null(CatalogueEntries::Description))
                    .col(string_len_null(CatalogueEntries::Provider, 200))
                    .col(string_len_null(CatalogueEntries::Duration, 200))
                    .col(boolean(CatalogueEntries::LeadershipEducation))
                    .col(big_integer(CatalogueEntries::Version))
                    .col(timestamp_with_time_zone(CatalogueEntries::CreatedAt))
                    .col(timestamp_with_time_zone(CatalogueEntries::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CatalogueGroups::Table)
                    .col(uuid(CatalogueGroups::EntryId))
                    .col(string_len(CatalogueGroups::ProfessionalGroup, 100))
                    .primary_key(
                        Index::create()
                            .col(CatalogueGroups::EntryId)
                            .col(CatalogueGroups::ProfessionalGroup),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CatalogueGroups::Table, CatalogueGroups::EntryId)
                            .to(CatalogueEntries::Table, CatalogueEntries::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_catalogue_groups_group")
                    .table(CatalogueGroups::Table)
                    .col(CatalogueGroups::ProfessionalGroup)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(UnitGoals::Table)
                    .col(pk_uuid(UnitGoals::Id))
                    .col(uuid(UnitGoals::UnitId))
                    .col(string_len(UnitGoals::Title, 200))
                    .col(text_null(UnitGoals::Description))
                    .col(boolean(UnitGoals::Archived))
                    .col(uuid(UnitGoals::PublishedBy))
                    .col(big_integer(UnitGoals::Version))
                    .col(timestamp_with_time_zone(UnitGoals::CreatedAt))
                    .col(timestamp_with_time_zone(UnitGoals::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(UnitGoals::Table, UnitGoals::UnitId)
                            .to(OrgUnits::Table, OrgUnits::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_unit_goals_unit")
                    .table(UnitGoals::Table)
                    .col(UnitGoals::UnitId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            UnitGoals::Table.into_iden(),
            CatalogueGroups::Table.into_iden(),
            CatalogueEntries::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
