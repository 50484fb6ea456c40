//! Development plans: the plan aggregate (content as a JSON document, validated by the domain
//! on every read), its members, and the frozen agreed versions.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Plans {
    Table,
    Id,
    Kind,
    Status,
    Version,
    Revision,
    Content,
    Signatures,
    Closure,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PlanMembers {
    Table,
    PlanId,
    EmployeeId,
}

#[derive(DeriveIden)]
enum PlanVersions {
    Table,
    PlanId,
    Version,
    Content,
    ContentHash,
    Signatures,
    AgreedAt,
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
                    .table(Plans::Table)
                    .col(pk_uuid(Plans::Id))
                    .col(string_len(Plans::Kind, 16))
                    .col(string_len(Plans::Status, 16))
                    .col(integer(Plans::Version))
                    .col(big_integer(Plans::Revision))
                    .col(text(Plans::Content))
                    .col(text(Plans::Signatures))
                    .col(text_null(Plans::Closure))
                    .col(uuid(Plans::CreatedBy))
                    .col(timestamp_with_time_zone(Plans::CreatedAt))
                    .col(timestamp_with_time_zone(Plans::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PlanMembers::Table)
                    .col(uuid(PlanMembers::PlanId))
                    .col(uuid(PlanMembers::EmployeeId))
                    .primary_key(
                        Index::create()
                            .col(PlanMembers::PlanId)
                            .col(PlanMembers::EmployeeId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(PlanMembers::Table, PlanMembers::PlanId)
                            .to(Plans::Table, Plans::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(PlanMembers::Table, PlanMembers::EmployeeId)
                            .to(Employees::Table, Employees::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_plan_members_employee")
                    .table(PlanMembers::Table)
                    .col(PlanMembers::EmployeeId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PlanVersions::Table)
                    .col(uuid(PlanVersions::PlanId))
                    .col(integer(PlanVersions::Version))
                    .col(text(PlanVersions::Content))
                    .col(string_len(PlanVersions::ContentHash, 64))
                    .col(text(PlanVersions::Signatures))
                    .col(timestamp_with_time_zone(PlanVersions::AgreedAt))
                    .primary_key(
                        Index::create()
                            .col(PlanVersions::PlanId)
                            .col(PlanVersions::Version),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(PlanVersions::Table, PlanVersions::PlanId)
                            .to(Plans::Table, Plans::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            PlanVersions::Table.into_iden(),
            PlanMembers::Table.into_iden(),
            Plans::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
