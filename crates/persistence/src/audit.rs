//! The audit log: every read of someone's plan, absence or interview by anyone else, and every
//! change, with who, in which roles, when and in which request. Reads are recorded before the
//! response is sent; changes in the transaction that makes them (with their feed event).
//! The table is append-only (see the migration's triggers).

use chrono::{DateTime, Utc};
use devplan_domain::EmployeeId;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use crate::context;
use crate::entities::audit_entry;
use crate::{Store, StoreError};

/// One entry as read.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    /// Its number: the cursor to read on after.
    pub seq: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// The token subject that acted; none for the service itself.
    pub actor_subject: Option<String>,
    /// The employee who acted.
    pub actor_employee_id: Option<Uuid>,
    /// The roles their token acted in, comma-separated.
    pub actor_roles: Option<String>,
    /// `read` or `write`.
    pub action: String,
    /// What kind of object: `plan`, `absence`, `interview`, or a feed resource for writes.
    pub object: String,
    /// Its id.
    pub object_id: Uuid,
    /// Whose data it is.
    pub subject_employee_id: Option<Uuid>,
    /// The request.
    pub request_id: Option<String>,
    /// For a write, the change (`plan.signed`, …).
    pub detail: Option<String>,
}

/// Which entries to read.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Only entries about this employee.
    pub employee: Option<EmployeeId>,
    /// Only this token subject's.
    pub actor: Option<String>,
    /// Only `read` or `write`.
    pub action: Option<String>,
    /// From this instant.
    pub from: Option<DateTime<Utc>>,
    /// Before this instant.
    pub until: Option<DateTime<Utc>>,
    /// Only reads by others of the caller's own data (an employee's right of access).
    pub reads_of: Option<EmployeeId>,
}

fn entry(
    now: DateTime<Utc>,
    action: &str,
    object: &str,
    object_id: Uuid,
    subject: Option<Uuid>,
    detail: Option<&str>,
) -> audit_entry::ActiveModel {
    let acting = context::current();
    audit_entry::ActiveModel {
        seq: sea_orm::ActiveValue::NotSet,
        at: Set(now),
        actor_subject: Set(acting.subject),
        actor_employee_id: Set(acting.employee),
        actor_roles: Set(acting.roles),
        action: Set(action.to_owned()),
        object: Set(object.to_owned()),
        object_id: Set(object_id),
        subject_employee_id: Set(subject),
        request_id: Set(acting.request_id),
        detail: Set(detail.map(str::to_owned)),
    }
}

/// A change as the audit log records it: event type, resource, its id, the person it is about.
type NewEvent = (&'static str, &'static str, Uuid, Option<Uuid>);

/// Records changes, in the transaction that makes them: one entry each.
pub(crate) async fn record_writes(
    conn: &impl ConnectionTrait,
    now: DateTime<Utc>,
    changes: Vec<NewEvent>,
) -> Result<(), StoreError> {
    // One statement's models at a time; the closure is done with before each await (held
    // across one, its `&'static str`s become any lifetime and the future is not `Send`).
    for chunk in changes.chunks(crate::bulk::BATCH) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|&(event_type, resource, id, subject)| {
                entry(now, "write", resource, id, subject, Some(event_type))
            })
            .collect();
        crate::bulk::insert(conn, rows).await?;
    }
    Ok(())
}

impl Store {
    /// Records that the caller read `object`s, each about the people listed; the caller's
    /// reads of their own data are not recorded.
    pub async fn record_reads(
        &self,
        object: &str,
        read: &[(Uuid, Vec<EmployeeId>)],
    ) -> Result<(), StoreError> {
        let me = context::current().employee;
        let now = self.now();
        let rows: Vec<_> = read
            .iter()
            .flat_map(|(id, people)| {
                people
                    .iter()
                    .filter(|p| Some(p.uuid()) != me)
                    .map(move |p| entry(now, "read", object, *id, Some(p.uuid()), None))
            })
            .collect();
        crate::bulk::insert(&self.db, rows).await?;
        Ok(())
    }

    /// Entries after `after`, oldest first, at most `limit`.
    pub async fn list_audit(
        &self,
        filter: &AuditFilter,
        after: Option<i64>,
        limit: u64,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let mut q = audit_entry::Entity::find()
            .filter(audit_entry::Column::Seq.gt(after.unwrap_or(0)))
            .order_by_asc(audit_entry::Column::Seq)
            .limit(limit);
        if let Some(e) = filter.employee {
            q = q.filter(audit_entry::Column::SubjectEmployeeId.eq(e.uuid()));
        }
        if let Some(a) = &filter.actor {
            q = q.filter(audit_entry::Column::ActorSubject.eq(a.as_str()));
        }
        if let Some(a) = &filter.action {
            q = q.filter(audit_entry::Column::Action.eq(a.as_str()));
        }
        if let Some(f) = filter.from {
            q = q.filter(audit_entry::Column::At.gte(f));
        }
        if let Some(u) = filter.until {
            q = q.filter(audit_entry::Column::At.lt(u));
        }
        if let Some(me) = filter.reads_of {
            q = q
                .filter(audit_entry::Column::SubjectEmployeeId.eq(me.uuid()))
                .filter(audit_entry::Column::Action.eq("read"));
        }
        Ok(q.all(&self.db)
            .await?
            .into_iter()
            .map(|m| AuditEntry {
                seq: m.seq,
                at: m.at,
                actor_subject: m.actor_subject,
                actor_employee_id: m.actor_employee_id,
                actor_roles: m.actor_roles,
                action: m.action,
                object: m.object,
                object_id: m.object_id,
                subject_employee_id: m.subject_employee_id,
                request_id: m.request_id,
                detail: m.detail,
            })
            .collect())
    }

    /// Keeps entries `days` days; older ones are deleted by [`Store::prune_audit`].
    pub async fn set_audit_retention(&self, days: u32) -> Result<(), StoreError> {
        self.db
            .execute_raw(sea_orm::Statement::from_sql_and_values(
                self.db.get_database_backend(),
                match self.db.get_database_backend() {
                    sea_orm::DatabaseBackend::Postgres => {
                        "UPDATE audit_policy SET retention_days = $1 WHERE id = 1"
                    }
                    _ => "UPDATE audit_policy SET retention_days = ? WHERE id = 1",
                },
                [i64::from(days).into()],
            ))
            .await?;
        Ok(())
    }

    /// Deletes entries older than `days` days before now; returns how many.
    pub async fn prune_audit(&self, days: u32) -> Result<u64, StoreError> {
        let before = self.now() - chrono::Duration::days(days.into());
        Ok(audit_entry::Entity::delete_many()
            .filter(audit_entry::Column::At.lt(before))
            .exec(&self.db)
            .await?
            .rows_affected)
    }
}
