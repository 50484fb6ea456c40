//! The organisation: units (a tree with its closure), employees, managers, representatives,
//! committees and their members, agreement periods and settings.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OrgUnits {
    Table,
    Id,
    ExternalId,
    Name,
    ParentId,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum UnitClosure {
    Table,
    AncestorId,
    DescendantId,
    Depth,
}

#[derive(DeriveIden)]
enum Employees {
    Table,
    Id,
    ExternalId,
    Name,
    Email,
    ProfessionalGroup,
    UnitId,
    Active,
    Version,
    CreatedAt,
    UpdatedAt,
}

/// Who holds which role for a unit: `manager` or `local_representative`.
#[derive(DeriveIden)]
enum UnitAssignments {
    Table,
    UnitId,
    EmployeeId,
    Role,
}

#[derive(DeriveIden)]
enum Committees {
    Table,
    Id,
    ExternalId,
    Name,
    Level,
    UnitId,
    ParentId,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CommitteeMembers {
    Table,
    CommitteeId,
    EmployeeId,
}

#[derive(DeriveIden)]
enum AgreementPeriods {
    Table,
    Id,
    Name,
    StartsOn,
    EndsOn,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Settings {
    Table,
    Id,
    AnonymityThreshold,
    LongAbsenceWeeks,
    SpecialFollowUpDays,
    MainCommitteeFrequency,
    Version,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OrgUnits::Table)
                    .col(pk_uuid(OrgUnits::Id))
                    .col(string_len_null(OrgUnits::ExternalId, 100).unique_key())
                    .col(string_len(OrgUnits::Name, 200))
                    .col(uuid_null(OrgUnits::ParentId))
                    .col(big_integer(OrgUnits::Version))
                    .col(timestamp_with_time_zone(OrgUnits::CreatedAt))
                    .col(timestamp_with_time_zone(OrgUnits::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(OrgUnits::Table, OrgUnits::ParentId)
                            .to(OrgUnits::Table, OrgUnits::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_org_units_parent")
                    .table(OrgUnits::Table)
                    .col(OrgUnits::ParentId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(UnitClosure::Table)
                    .col(uuid(UnitClosure::AncestorId))
                    .col(uuid(UnitClosure::DescendantId))
                    .col(integer(UnitClosure::Depth))
                    .primary_key(
                        Index::create()
                            .col(UnitClosure::AncestorId)
                            .col(UnitClosure::DescendantId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(UnitClosure::Table, UnitClosure::AncestorId)
                            .to(OrgUnits::Table, OrgUnits::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(UnitClosure::Table, UnitClosure::DescendantId)
                            .to(OrgUnits::Table, OrgUnits::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_unit_closure_descendant")
                    .table(UnitClosure::Table)
                    .col(UnitClosure::DescendantId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Employees::Table)
                    .col(pk_uuid(Employees::Id))
                    .col(string_len_null(Employees::ExternalId, 100).unique_key())
                    .col(string_len(Employees::Name, 200))
                    .col(string_len_null(Employees::Email, 254))
                    .col(string_len_null(Employees::ProfessionalGroup, 100))
                    .col(uuid(Employees::UnitId))
                    .col(boolean(Employees::Active))
                    .col(big_integer(Employees::Version))
                    .col(timestamp_with_time_zone(Employees::CreatedAt))
                    .col(timestamp_with_time_zone(Employees::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Employees::Table, Employees::UnitId)
                            .to(OrgUnits::Table, OrgUnits::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_employees_unit")
                    .table(Employees::Table)
                    .col(Employees::UnitId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(UnitAssignments::Table)
                    .col(uuid(UnitAssignments::UnitId))
                    .col(uuid(UnitAssignments::EmployeeId))
                    .col(string_len(UnitAssignments::Role, 32))
                    .primary_key(
                        Index::create()
                            .col(UnitAssignments::UnitId)
                            .col(UnitAssignments::EmployeeId)
                            .col(UnitAssignments::Role),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(UnitAssignments::Table, UnitAssignments::UnitId)
                            .to(OrgUnits::Table, OrgUnits::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(UnitAssignments::Table, UnitAssignments::EmployeeId)
                            .to(Employees::Table, Employees::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_unit_assignments_employee")
                    .table(UnitAssignments::Table)
                    .col(UnitAssignments::EmployeeId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Committees::Table)
                    .col(pk_uuid(Committees::Id))
                    .col(string_len_null(Committees::ExternalId, 100).unique_key())
                    .col(string_len(Committees::Name, 200))
                    .col(string_len(Committees::Level, 16))
                    .col(uuid(Committees::UnitId))
                    .col(uuid_null(Committees::ParentId))
                    .col(big_integer(Committees::Version))
                    .col(timestamp_with_time_zone(Committees::CreatedAt))
                    .col(timestamp_with_time_zone(Committees::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Committees::Table, Committees::UnitId)
                            .to(OrgUnits::Table, OrgUnits::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Committees::Table, Committees::ParentId)
                            .to(Committees::Table, Committees::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CommitteeMembers::Table)
                    .col(uuid(CommitteeMembers::CommitteeId))
                    .col(uuid(CommitteeMembers::EmployeeId))
                    .primary_key(
                        Index::create()
                            .col(CommitteeMembers::CommitteeId)
                            .col(CommitteeMembers::EmployeeId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CommitteeMembers::Table, CommitteeMembers::CommitteeId)
                            .to(Committees::Table, Committees::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CommitteeMembers::Table, CommitteeMembers::EmployeeId)
                            .to(Employees::Table, Employees::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_committee_members_employee")
                    .table(CommitteeMembers::Table)
                    .col(CommitteeMembers::EmployeeId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AgreementPeriods::Table)
                    .col(pk_uuid(AgreementPeriods::Id))
                    .col(string_len(AgreementPeriods::Name, 200))
                    .col(date(AgreementPeriods::StartsOn))
                    .col(date(AgreementPeriods::EndsOn))
                    .col(big_integer(AgreementPeriods::Version))
                    .col(timestamp_with_time_zone(AgreementPeriods::CreatedAt))
                    .col(timestamp_with_time_zone(AgreementPeriods::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Settings::Table)
                    .col(integer(Settings::Id).primary_key())
                    .col(integer(Settings::AnonymityThreshold))
                    .col(integer(Settings::LongAbsenceWeeks))
                    .col(integer(Settings::SpecialFollowUpDays))
                    .col(string_len(Settings::MainCommitteeFrequency, 32))
                    .col(big_integer(Settings::Version))
                    .col(timestamp_with_time_zone(Settings::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        // The agreement's defaults are in force from the first start.
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(Settings::Table)
                    .columns([
                        Settings::Id,
                        Settings::AnonymityThreshold,
                        Settings::LongAbsenceWeeks,
                        Settings::SpecialFollowUpDays,
                        Settings::MainCommitteeFrequency,
                        Settings::Version,
                        Settings::UpdatedAt,
                    ])
                    .values_panic([
                        1.into(),
                        5.into(),
                        8.into(),
                        30.into(),
                        "yearly".into(),
                        1.into(),
                        Expr::current_timestamp(),
                    ])
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Settings::Table.into_iden(),
            AgreementPeriods::Table.into_iden(),
            CommitteeMembers::Table.into_iden(),
            Committees::Table.into_iden(),
            UnitAssignments::Table.into_iden(),
            Employees::Table.into_iden(),
            UnitClosure::Table.into_iden(),
            OrgUnits::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
