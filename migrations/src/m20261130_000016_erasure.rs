//! Erasure of those who left: when an employee left (`left_at`, set as they become inactive;
//! back-filled from the last change for those already inactive) and when they were erased.
//! The audit log's append-only triggers let exactly one update through: an erasure clearing
//! the actor subject of an entry whose actor is erased, every other column unchanged.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Employees {
    Table,
    LeftAt,
    ErasedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        for column in [Employees::LeftAt, Employees::ErasedAt] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Employees::Table)
                        .add_column(ColumnDef::new(column).timestamp_with_time_zone().null())
                        .to_owned(),
                )
                .await?;
        }
        let db = manager.get_connection();
        db.execute_unprepared("UPDATE employees SET left_at = updated_at WHERE NOT active")
            .await?;
        match manager.get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => {
                db.execute_unprepared(
                    "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$
                    BEGIN
                        IF TG_OP = 'DELETE' AND OLD.at < now() - make_interval(days =>
                            (SELECT retention_days FROM audit_policy WHERE id = 1)) THEN
                            RETURN OLD;
                        END IF;
                        IF TG_OP = 'UPDATE' AND NEW.actor_subject IS NULL
                            AND OLD.actor_subject IS NOT NULL
                            AND (NEW.seq, NEW.at, NEW.actor_employee_id, NEW.actor_roles,
                                 NEW.action, NEW.object, NEW.object_id, NEW.subject_employee_id,
                                 NEW.request_id, NEW.detail)
                                IS NOT DISTINCT FROM
                                (OLD.seq, OLD.at, OLD.actor_employee_id, OLD.actor_roles,
                                 OLD.action, OLD.object, OLD.object_id, OLD.subject_employee_id,
                                 OLD.request_id, OLD.detail)
                            AND EXISTS (SELECT 1 FROM employees e
                                WHERE e.id = OLD.actor_employee_id AND e.erased_at IS NOT NULL) THEN
                            RETURN NEW;
                        END IF;
                        RAISE EXCEPTION 'the audit log is append-only (% refused)', TG_OP;
                    END $$ LANGUAGE plpgsql;",
                )
                .await?;
            }
            _ => {
                db.execute_unprepared(
                    "DROP TRIGGER audit_log_append_only;
                     CREATE TRIGGER audit_log_append_only BEFORE UPDATE ON audit_log
                     WHEN NOT (NEW.actor_subject IS NULL AND OLD.actor_subject IS NOT NULL
                        AND NEW.seq IS OLD.seq AND NEW.at IS OLD.at
                        AND NEW.actor_employee_id IS OLD.actor_employee_id
                        AND NEW.actor_roles IS OLD.actor_roles AND NEW.action IS OLD.action
                        AND NEW.object IS OLD.object AND NEW.object_id IS OLD.object_id
                        AND NEW.subject_employee_id IS OLD.subject_employee_id
                        AND NEW.request_id IS OLD.request_id AND NEW.detail IS OLD.detail
                        AND EXISTS (SELECT 1 FROM employees e
                            WHERE e.id = OLD.actor_employee_id AND e.erased_at IS NOT NULL))
                     BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;",
                )
                .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => {
                db.execute_unprepared(
                    "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$
                    BEGIN
                        IF TG_OP = 'DELETE' AND OLD.at < now() - make_interval(days =>
                            (SELECT retention_days FROM audit_policy WHERE id = 1)) THEN
                            RETURN OLD;
                        END IF;
                        RAISE EXCEPTION 'the audit log is append-only (% refused)', TG_OP;
                    END $$ LANGUAGE plpgsql;",
                )
                .await?;
            }
            _ => {
                db.execute_unprepared(
                    "DROP TRIGGER audit_log_append_only;
                     CREATE TRIGGER audit_log_append_only BEFORE UPDATE ON audit_log
                     BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;",
                )
                .await?;
            }
        }
        for column in [Employees::ErasedAt, Employees::LeftAt] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Employees::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
