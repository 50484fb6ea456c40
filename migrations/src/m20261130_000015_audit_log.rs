//! The audit log: who read or changed whose data, when, in which request. Append-only: on
//! PostgreSQL a trigger refuses every UPDATE and TRUNCATE, and every DELETE of a row younger
//! than the retention in `audit_policy`; on SQLite a trigger refuses UPDATE.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Seq,
    At,
    ActorSubject,
    ActorEmployeeId,
    ActorRoles,
    Action,
    Object,
    ObjectId,
    SubjectEmployeeId,
    RequestId,
    Detail,
}

#[derive(DeriveIden)]
enum AuditPolicy {
    Table,
    Id,
    RetentionDays,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .col(big_integer(AuditLog::Seq).auto_increment().primary_key())
                    .col(timestamp_with_time_zone(AuditLog::At))
                    .col(string_len_null(AuditLog::ActorSubject, 255))
                    .col(uuid_null(AuditLog::ActorEmployeeId))
                    .col(string_len_null(AuditLog::ActorRoles, 200))
                    .col(string_len(AuditLog::Action, 16))
                    .col(string_len(AuditLog::Object, 32))
                    .col(uuid(AuditLog::ObjectId))
                    .col(uuid_null(AuditLog::SubjectEmployeeId))
                    .col(string_len_null(AuditLog::RequestId, 128))
                    .col(string_len_null(AuditLog::Detail, 64))
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("audit_log_subject", AuditLog::SubjectEmployeeId),
            ("audit_log_actor", AuditLog::ActorSubject),
            ("audit_log_at", AuditLog::At),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(AuditLog::Table)
                        .col(col)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(AuditPolicy::Table)
                    .col(integer(AuditPolicy::Id).primary_key())
                    .col(integer(AuditPolicy::RetentionDays))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(AuditPolicy::Table)
                    .columns([AuditPolicy::Id, AuditPolicy::RetentionDays])
                    .values_panic([1.into(), 1826.into()])
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        match manager.get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => {
                db.execute_unprepared(
                    "CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
                    BEGIN
                        IF TG_OP = 'DELETE' AND OLD.at < now() - make_interval(days =>
                            (SELECT retention_days FROM audit_policy WHERE id = 1)) THEN
                            RETURN OLD;
                        END IF;
                        RAISE EXCEPTION 'the audit log is append-only (% refused)', TG_OP;
                    END $$ LANGUAGE plpgsql;
                    CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
                        FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
                    CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
                        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();",
                )
                .await?;
            }
            _ => {
                db.execute_unprepared(
                    "CREATE TRIGGER audit_log_append_only BEFORE UPDATE ON audit_log
                     BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;",
                )
                .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared("DROP TABLE audit_log; DROP FUNCTION audit_log_append_only();")
                .await?;
        } else {
            manager
                .drop_table(Table::drop().table(AuditLog::Table).to_owned())
                .await?;
        }
        manager
            .drop_table(Table::drop().table(AuditPolicy::Table).to_owned())
            .await
    }
}
