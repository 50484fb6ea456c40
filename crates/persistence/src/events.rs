//! The change feed: every change is recorded as an event in the transaction that makes it, so
//! no committed change lacks its event and no event outlives a rolled-back change.
//!
//! Readers must never see event 7 before event 6 has committed, or a reader that remembered
//! 7 as its cursor would miss 6 for ever. On PostgreSQL, concurrent transactions draw
//! numbers from the sequence in one order and may commit in another; so the recording of
//! events takes a transaction-scoped advisory lock, held until commit, and numbers are drawn
//! under it: events commit in number order. Events are recorded last in each transaction, so
//! the lock is held only for the insert and the commit. SQLite has one writer at a time.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use devplan_domain::plan::Plan;
use devplan_domain::records::{Committee, Employee, OrgUnit};
use devplan_domain::{EmployeeId, UnitId};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Statement,
};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::context;
use crate::entities::{event, event_feed};
use crate::feed_reach::{About, PEOPLE_UNIT, PERSON, RECORD_UNIT};
use crate::{Store, StoreError};

/// Every event type, `<resource>.<what happened>`.
pub const EVENT_TYPES: &[&str] = &[
    "unit.created",
    "unit.updated",
    "employee.created",
    "employee.updated",
    "employee.erased",
    "plan.created",
    "plan.updated",
    "plan.signed",
    "plan.agreed",
    "plan.closed",
    "plan.superseded",
    "follow_up.recorded",
    "absence.created",
    "absence.updated",
    "interview.created",
    "interview.updated",
    "guide.created",
    "guide.updated",
    "preparation.created",
    "preparation.updated",
    "review.created",
    "review.updated",
    "committee.created",
    "committee.updated",
    "committee_record.created",
    "unit_goal.created",
    "unit_goal.updated",
    "catalogue.changed",
    "period.created",
    "period.updated",
    "settings.updated",
    "sync.completed",
    "reminder.annual_follow_up",
    "reminder.special_follow_up",
    "reminder.signature_waiting",
    "reminder.interview_not_prepared",
    "reminder.status_review_missing",
];

/// Whether `t` names events: one of [`EVENT_TYPES`], or `<resource>.*` for a resource that
/// has events.
pub fn is_event_selector(t: &str) -> bool {
    match t.strip_suffix(".*") {
        Some(resource) => EVENT_TYPES
            .iter()
            .any(|k| k.split('.').next() == Some(resource)),
        None => EVENT_TYPES.contains(&t),
    }
}

/// Resources whose events say nothing about one person: readable, without data, by everyone
/// who reaches their unit.
const RECORD_RESOURCES: &[&str] = &[
    "unit",
    "review",
    "committee",
    "committee_record",
    "unit_goal",
    "reminder",
];

/// A change to record.
#[derive(Debug, Clone)]
pub(crate) struct NewEvent {
    event_type: &'static str,
    resource_id: Uuid,
    version: Option<i64>,
    employee_id: Option<Uuid>,
    /// The unit of `employee_id` when the writer knows it.
    employee_unit: Option<Uuid>,
    plan_id: Option<Uuid>,
    unit_id: Option<Uuid>,
    /// The state as JSON text, written once: a sync holds tens of thousands of changes, and a
    /// `Value` takes several times the memory of its text.
    data: String,
}

impl NewEvent {
    /// An event of `event_type` (one of [`EVENT_TYPES`]) about `resource_id`, with the
    /// resource's state after the change.
    pub(crate) fn new(event_type: &'static str, resource_id: Uuid, data: Value) -> Self {
        debug_assert!(EVENT_TYPES.contains(&event_type), "{event_type}");
        Self {
            event_type,
            resource_id,
            version: None,
            employee_id: None,
            employee_unit: None,
            plan_id: None,
            unit_id: None,
            data: data.to_string(),
        }
    }

    /// The resource's version after the change.
    pub(crate) fn version(mut self, version: i64) -> Self {
        self.version = Some(version);
        self
    }

    /// The one person the resource is about: who may read it follows from them.
    pub(crate) fn about(mut self, employee: Uuid) -> Self {
        self.employee_id = Some(employee);
        self
    }

    /// The plan the resource belongs to: who may read it follows from the plan's members.
    pub(crate) fn of_plan(mut self, plan: Uuid) -> Self {
        self.plan_id = Some(plan);
        self
    }

    /// The unit of a record that is about no one person.
    pub(crate) fn in_unit(mut self, unit: Uuid) -> Self {
        self.unit_id = Some(unit);
        self
    }

    /// A plan's event, its type read from what changed between `before` and `after`.
    pub(crate) fn plan(before: Option<&Plan>, after: &Plan) -> Self {
        use devplan_domain::plan::PlanStatus;
        let event_type = match before {
            None => "plan.created",
            Some(b) if after.closure.is_some() && b.closure.is_none() => "plan.closed",
            Some(b) if after.status == PlanStatus::Superseded && b.status != after.status => {
                "plan.superseded"
            }
            Some(b) if after.agreed_version != b.agreed_version => "plan.agreed",
            Some(b) if after.signatures.len() > b.signatures.len() => "plan.signed",
            Some(_) => "plan.updated",
        };
        NewEvent::new(event_type, after.id.uuid(), plan_data(after))
            .version(after.revision)
            .of_plan(after.id.uuid())
    }

    /// An employee's event.
    pub(crate) fn employee(created: bool, e: &Employee) -> Self {
        let t = if created {
            "employee.created"
        } else {
            "employee.updated"
        };
        let mut change = NewEvent::new(t, e.id.uuid(), employee_data(e))
            .version(e.meta.version)
            .about(e.id.uuid());
        change.employee_unit = Some(e.unit_id.uuid());
        change
    }

    /// An employee's erasure: the record as it now stands, without name, e-mail or external
    /// id. A follower erases its own copy.
    pub(crate) fn employee_erased(e: &Employee) -> Self {
        let mut change = NewEvent::new("employee.erased", e.id.uuid(), employee_data(e))
            .version(e.meta.version)
            .about(e.id.uuid());
        change.employee_unit = Some(e.unit_id.uuid());
        change
    }

    /// A sync's summary: what kind of rows, and how many were created, updated, unchanged.
    pub(crate) fn sync(kind: &str, report: &crate::SyncReport) -> Self {
        let id = Uuid::now_v7();
        NewEvent::new(
            "sync.completed",
            id,
            json!({
                "id": id,
                "kind": kind,
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
            }),
        )
    }

    /// A committee's event: a record of its unit.
    pub(crate) fn committee(created: bool, c: &Committee) -> Self {
        let t = if created {
            "committee.created"
        } else {
            "committee.updated"
        };
        NewEvent::new(
            t,
            c.id.uuid(),
            json!({
                "id": c.id.uuid(),
                "external_id": c.external_id.as_ref().map(|x| x.as_str()),
                "name": c.name.as_str(),
                "level": c.level.as_str(),
                "unit_id": c.unit_id.uuid(),
                "parent_id": c.parent_id.map(|p| p.uuid()),
                "members": c.members.iter().map(|m| m.uuid()).collect::<Vec<_>>(),
                "version": c.meta.version,
                "updated_at": c.meta.updated_at,
            }),
        )
        .version(c.meta.version)
        .in_unit(c.unit_id.uuid())
    }

    /// A unit's event.
    pub(crate) fn unit(event_type: &'static str, u: &OrgUnit) -> Self {
        NewEvent::new(event_type, u.id.uuid(), unit_data(u))
            .version(u.meta.version)
            .in_unit(u.id.uuid())
    }
}

/// A plan as the feed carries it: its life and signatures, never its content (HR, who reads
/// the data, never reads plan content; the parties read it at the plan's URL).
pub(crate) fn plan_data(p: &Plan) -> Value {
    json!({
        "id": p.id.uuid(),
        "kind": p.kind,
        "status": p.status.as_str(),
        "members": p.members.iter().map(|m| m.uuid()).collect::<Vec<_>>(),
        "version": p.version,
        "agreed_version": p.agreed_version,
        "revision": p.revision,
        "signatures": p.signatures,
        "closure": p.closure,
        "created_by": p.created_by.uuid(),
        "created_at": p.created_at,
        "updated_at": p.updated_at,
    })
}

/// An employee as the feed carries it.
pub(crate) fn employee_data(e: &Employee) -> Value {
    json!({
        "id": e.id.uuid(),
        "external_id": e.external_id.as_ref().map(|x| x.as_str()),
        "name": e.name.as_str(),
        "email": e.email.as_ref().map(|x| x.as_str()),
        "professional_group": e.professional_group.as_ref().map(|x| x.as_str()),
        "unit_id": e.unit_id.uuid(),
        "active": e.active,
        "manages": e.manages.iter().map(|u| u.uuid()).collect::<Vec<_>>(),
        "represents": e.represents.iter().map(|u| u.uuid()).collect::<Vec<_>>(),
        "placements": e.history.placements().iter().map(|p| json!({
            "from": p.from,
            "to": p.to,
            "unit_id": p.unit_id.uuid(),
            "professional_group": p.professional_group.as_ref().map(|g| g.as_str()),
        })).collect::<Vec<_>>(),
        "version": e.meta.version,
        "updated_at": e.meta.updated_at,
    })
}

/// A unit as the feed carries it.
pub(crate) fn unit_data(u: &OrgUnit) -> Value {
    json!({
        "id": u.id.uuid(),
        "external_id": u.external_id.as_ref().map(|x| x.as_str()),
        "name": u.name.as_str(),
        "parent_id": u.parent_id.map(|p| p.uuid()),
        "ends_on": u.ends_on,
        "version": u.meta.version,
        "updated_at": u.meta.updated_at,
    })
}

/// The advisory lock that orders event numbers by commit (any constant; "devplan" in ASCII).
const FEED_LOCK: i64 = 0x0064_6576_706c_616e;

/// Records `changes`, in order, in the transaction `txn` is part of. Call it last in the
/// transaction (see the module's note on ordering). The changes are taken one statement's
/// worth at a time, so a caller that passes them lazily (a sync of 50,000 rows) never holds
/// every event's data at once.
pub(crate) async fn record(
    txn: &impl ConnectionTrait,
    now: DateTime<Utc>,
    changes: impl IntoIterator<Item = NewEvent>,
) -> Result<(), StoreError> {
    let mut changes = changes.into_iter().peekable();
    if changes.peek().is_none() {
        return Ok(());
    }
    if txn.get_database_backend() == DatabaseBackend::Postgres {
        txn.execute_raw(Statement::from_string(
            DatabaseBackend::Postgres,
            format!("SELECT pg_advisory_xact_lock({FEED_LOCK})"),
        ))
        .await?;
    }
    loop {
        let chunk: Vec<NewEvent> = changes.by_ref().take(crate::bulk::BATCH).collect();
        if chunk.is_empty() {
            return Ok(());
        }
        record_chunk(txn, now, chunk).await?;
    }
}

/// Records one statement's worth of changes, under the feed's lock.
async fn record_chunk(
    txn: &impl ConnectionTrait,
    now: DateTime<Utc>,
    changes: Vec<NewEvent>,
) -> Result<(), StoreError> {
    crate::audit::record_writes(
        txn,
        now,
        changes
            .iter()
            .map(|c| {
                (
                    c.event_type,
                    resource_of(c.event_type),
                    c.resource_id,
                    c.employee_id,
                )
            })
            .collect(),
    )
    .await?;
    let acting = context::current();
    let about: Vec<About> = changes
        .iter()
        .map(|c| About {
            employee: c.employee_id,
            employee_unit: c.employee_unit,
            plan: c.plan_id,
            record_unit: c
                .unit_id
                .filter(|_| RECORD_RESOURCES.contains(&resource_of(c.event_type))),
        })
        .collect();
    let rows = changes.into_iter().map(move |c| event::ActiveModel {
        seq: sea_orm::ActiveValue::NotSet,
        id: Set(Uuid::now_v7()),
        event_type: Set(c.event_type.to_owned()),
        resource: Set(resource_of(c.event_type).to_owned()),
        resource_id: Set(c.resource_id),
        occurred_at: Set(now),
        actor_subject: Set(acting.subject.clone()),
        actor_employee_id: Set(acting.employee),
        request_id: Set(acting.request_id.clone()),
        version: Set(c.version),
        employee_id: Set(c.employee_id),
        plan_id: Set(c.plan_id),
        unit_id: Set(c.unit_id),
        data: Set(c.data),
    });
    // Numbers are drawn row by row in the order given, under the feed's lock (or SQLite's
    // one writer): sorted, they are the rows' in order, whatever order the database returns
    // them in.
    let seqs = crate::bulk::insert_returning_i64(txn, rows, event::Column::Seq).await?;
    if seqs.len() != about.len() {
        return Err(StoreError::Corrupt(format!(
            "{} events inserted, {} numbers returned",
            about.len(),
            seqs.len()
        )));
    }
    let tagged: Vec<(i64, About)> = seqs.into_iter().zip(about).collect();
    crate::feed_reach::record(txn, &tagged).await
}

fn resource_of(event_type: &str) -> &str {
    event_type.split('.').next().unwrap_or(event_type)
}

/// Which events a reader may see.
#[derive(Debug, Clone)]
pub enum EventScope {
    /// Every event, with its data and actor (HR).
    All,
    /// Events about the reader, about people in `people_units` and their plans, and about
    /// records of `record_units` that concern no one person; without data or actor.
    Reach {
        /// The reader.
        me: Option<EmployeeId>,
        /// Units whose people's events the reader may see (a manager's units).
        people_units: Vec<UnitId>,
        /// Units whose records the reader may see.
        record_units: Vec<UnitId>,
    },
}

/// One event as read.
#[derive(Debug, Clone)]
pub struct StoredEvent {
    /// Its number: the cursor to continue after.
    pub seq: i64,
    /// Its id, the same in the feed and in webhook deliveries.
    pub id: Uuid,
    /// `<resource>.<what happened>`.
    pub event_type: String,
    /// The kind of object.
    pub resource: String,
    /// The object's id.
    pub resource_id: Uuid,
    /// When the change committed (the transaction's clock reading).
    pub occurred_at: DateTime<Utc>,
    /// The token subject that made the change; none for the service itself.
    pub actor_subject: Option<String>,
    /// The employee who made the change, when an employee did.
    pub actor_employee_id: Option<Uuid>,
    /// The request that made the change.
    pub request_id: Option<String>,
    /// The object's version after the change.
    pub version: Option<i64>,
    /// The object's state after the change, as stored (JSON passed through unparsed); none
    /// for readers who do not get it.
    pub data: Option<Box<serde_json::value::RawValue>>,
}

/// What a cursor may ask for.
#[derive(Debug, Clone)]
pub enum FeedRead<T> {
    /// The events after the cursor.
    Events(T),
    /// The cursor is older than the oldest kept event: events after it were pruned.
    Expired {
        /// Read again from here after taking a fresh copy of the state.
        horizon: i64,
    },
}

/// An event as read: `full` with its data, actor and request (HR), else without.
pub(crate) fn to_stored(r: event::Model, full: bool) -> Result<StoredEvent, StoreError> {
    Ok(StoredEvent {
        seq: r.seq,
        id: r.id,
        event_type: r.event_type,
        resource: r.resource,
        resource_id: r.resource_id,
        occurred_at: r.occurred_at,
        actor_subject: r.actor_subject.filter(|_| full),
        actor_employee_id: r.actor_employee_id.filter(|_| full),
        request_id: r.request_id.filter(|_| full),
        version: r.version,
        // Passed through as stored: parsing 500 objects only to write them again was most
        // of a feed page's cost.
        data: if full {
            Some(serde_json::value::RawValue::from_string(r.data).map_err(StoreError::corrupt)?)
        } else {
            None
        },
    })
}

impl Store {
    /// Events after `after` (none: from the oldest kept) of the given types (empty: all),
    /// within `scope`, oldest first, at most `limit`.
    pub async fn list_events(
        &self,
        scope: &EventScope,
        after: Option<i64>,
        types: &BTreeSet<String>,
        limit: u64,
    ) -> Result<FeedRead<Vec<StoredEvent>>, StoreError> {
        let horizon = event_feed::Entity::find_by_id(1)
            .one(&self.db)
            .await?
            .map_or(0, |f| f.pruned_through);
        if after.is_some_and(|a| a < horizon) {
            return Ok(FeedRead::Expired { horizon });
        }
        let mut q = event::Entity::find()
            .filter(event::Column::Seq.gt(after.unwrap_or(horizon)))
            .order_by_asc(event::Column::Seq)
            .limit(limit);
        if !types.is_empty() {
            let mut any = sea_orm::Condition::any();
            for t in types {
                any = match t.strip_suffix(".*") {
                    Some(resource) => any.add(event::Column::Resource.eq(resource)),
                    None => any.add(event::Column::EventType.eq(t.as_str())),
                };
            }
            q = q.filter(any);
        }
        if let EventScope::Reach {
            me,
            people_units,
            record_units,
        } = scope
        {
            let mut keys: Vec<(i16, Uuid)> = people_units
                .iter()
                .map(|u| (PEOPLE_UNIT, u.uuid()))
                .chain(record_units.iter().map(|u| (RECORD_UNIT, u.uuid())))
                .collect();
            keys.extend(me.map(|m| (PERSON, m.uuid())));
            let (mut resources, mut named) = (Vec::new(), Vec::new());
            for t in types {
                match t.strip_suffix(".*") {
                    Some(resource) => resources.push(resource.to_owned()),
                    None => named.push(t.clone()),
                }
            }
            let seqs = crate::feed_reach::first_after(
                &self.db,
                &keys,
                after.unwrap_or(horizon),
                &resources,
                &named,
                limit,
            )
            .await?;
            if seqs.is_empty() {
                return Ok(FeedRead::Events(Vec::new()));
            }
            q = event::Entity::find()
                .filter(event::Column::Seq.is_in(seqs))
                .order_by_asc(event::Column::Seq);
        }
        let full = matches!(scope, EventScope::All);
        q.all(&self.db)
            .await?
            .into_iter()
            .map(|r| to_stored(r, full))
            .collect::<Result<Vec<_>, StoreError>>()
            .map(FeedRead::Events)
    }

    /// Deletes events that occurred before `before`; returns how many. Safe to run on every
    /// instance at once.
    pub async fn prune_events(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        let txn = sea_orm::TransactionTrait::begin(&self.db).await?;
        let last: Option<i64> = event::Entity::find()
            .select_only()
            .column_as(event::Column::Seq.max(), "m")
            .filter(event::Column::OccurredAt.lt(before))
            .into_tuple::<Option<i64>>()
            .one(&txn)
            .await?
            .flatten();
        let Some(last) = last else {
            txn.commit().await?;
            return Ok(0);
        };
        crate::feed_reach::prune(&txn, last).await?;
        let gone = event::Entity::delete_many()
            .filter(event::Column::Seq.lte(last))
            .exec(&txn)
            .await?
            .rows_affected;
        event_feed::Entity::update_many()
            .col_expr(event_feed::Column::PrunedThrough, Expr::value(last))
            .filter(event_feed::Column::Id.eq(1))
            .filter(event_feed::Column::PrunedThrough.lt(last))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        Ok(gone)
    }
}
