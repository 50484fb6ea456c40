//! An agreed version stays in force while its successor is drafted, signatures bind to the
//! content a signer read, and the database keeps one current individual plan per employee.
//!
//! Existing rows are brought under the new rules: a draft that follows an agreed version is
//! the successor of an agreement still in force, and where two current individual plans
//! exist for one employee (possible before this constraint), the older one is superseded.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Plans {
    Table,
    AgreedVersion,
    ContentRevision,
}

#[derive(DeriveIden)]
enum PlanMembers {
    Table,
    CurrentIndividual,
}

const CURRENT: &str = "kind = 'individual' AND status IN ('draft', 'agreed')";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        manager
            .alter_table(
                Table::alter()
                    .table(Plans::Table)
                    .add_column(ColumnDef::new(Plans::AgreedVersion).integer().null())
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Plans::Table)
                    .add_column(
                        ColumnDef::new(Plans::ContentRevision)
                            .big_integer()
                            .not_null()
                            .default(0),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(PlanMembers::Table)
                    .add_column(
                        ColumnDef::new(PlanMembers::CurrentIndividual)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        // Without a record of when the content last changed, only the current revision is
        // known to show it: the strict reading, as before this migration.
        db.execute_unprepared("UPDATE plans SET content_revision = revision")
            .await?;
        db.execute_unprepared(
            "UPDATE plans SET agreed_version = \
             (SELECT MAX(v.version) FROM plan_versions v WHERE v.plan_id = plans.id)",
        )
        .await?;
        db.execute_unprepared(
            "UPDATE plans SET status = 'agreed' \
             WHERE status = 'draft' AND agreed_version IS NOT NULL",
        )
        .await?;
        db.execute_unprepared(&format!(
            "UPDATE plans SET status = 'superseded', revision = revision + 1 \
             WHERE {CURRENT} AND EXISTS ( \
               SELECT 1 FROM plan_members m \
               JOIN plan_members m2 ON m2.employee_id = m.employee_id \
               JOIN plans p2 ON p2.id = m2.plan_id \
               WHERE m.plan_id = plans.id AND p2.kind = 'individual' \
                 AND p2.status IN ('draft', 'agreed') \
                 AND (p2.created_at > plans.created_at \
                      OR (p2.created_at = plans.created_at AND p2.id > plans.id)))"
        ))
        .await?;
        db.execute_unprepared(&format!(
            "UPDATE plan_members SET current_individual = TRUE \
             WHERE plan_id IN (SELECT id FROM plans WHERE {CURRENT})"
        ))
        .await?;
        db.execute_unprepared(
            "CREATE UNIQUE INDEX plan_members_one_current_individual \
             ON plan_members (employee_id) WHERE current_individual",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP INDEX plan_members_one_current_individual")
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(PlanMembers::Table)
                    .drop_column(PlanMembers::CurrentIndividual)
                    .to_owned(),
            )
            .await?;
        for column in [Plans::AgreedVersion, Plans::ContentRevision] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Plans::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
