//! Who may follow which event, decided when it is written and kept in `event_reach`: each
//! event is keyed by the people it concerns (an employee's own events, every member of a
//! plan) and by their units at the time, or, for a record about no one person (a unit, a
//! review, a committee, a unit goal), by its unit. A reader's feed is then a merge of index
//! ranges — one per unit they manage, per unit whose records they read, and themselves —
//! whose cost depends on the page asked for, not on how long the feed is.

use std::collections::{BTreeSet, HashMap};

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, QueryFilter,
    QuerySelect, Statement, Value,
};
use uuid::Uuid;

use crate::StoreError;
use crate::entities::{employee, event_reach, plan_member};
use crate::units::rows_per_statement;

/// The kind of a key: a unit whose people's events it gives.
pub(crate) const PEOPLE_UNIT: i16 = 1;
/// The kind of a key: a unit whose records' events it gives.
pub(crate) const RECORD_UNIT: i16 = 2;
/// The kind of a key: a person, whose own events and plans' events it gives.
pub(crate) const PERSON: i16 = 3;

/// What an event is about, as far as who may follow it goes.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct About {
    /// The one person it is about.
    pub employee: Option<Uuid>,
    /// That person's unit, when the writer knows it (saves a lookup).
    pub employee_unit: Option<Uuid>,
    /// The plan it belongs to.
    pub plan: Option<Uuid>,
    /// The unit of a record about no one person.
    pub record_unit: Option<Uuid>,
}

/// Writes the keys of the events numbered `seqs`, each about what `about` says: two
/// lookups at most (people's units, plans' members), then one insert per chunk.
pub(crate) async fn record(
    txn: &impl ConnectionTrait,
    events: &[(i64, About)],
) -> Result<(), StoreError> {
    let unknown_units: BTreeSet<Uuid> = events
        .iter()
        .filter(|(_, a)| a.employee_unit.is_none())
        .filter_map(|(_, a)| a.employee)
        .collect();
    let plans: BTreeSet<Uuid> = events.iter().filter_map(|(_, a)| a.plan).collect();
    let mut members: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    let plans: Vec<Uuid> = plans.into_iter().collect();
    for chunk in plans.chunks(rows_per_statement(1)) {
        let rows: Vec<(Uuid, Uuid)> = plan_member::Entity::find()
            .select_only()
            .column(plan_member::Column::PlanId)
            .column(plan_member::Column::EmployeeId)
            .filter(plan_member::Column::PlanId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(txn)
            .await?;
        for (plan, person) in rows {
            members.entry(plan).or_default().push(person);
        }
    }
    let mut people: BTreeSet<Uuid> = unknown_units;
    people.extend(members.values().flatten().copied());
    let people: Vec<Uuid> = people.into_iter().collect();
    let mut unit_of: HashMap<Uuid, Uuid> = HashMap::new();
    for chunk in people.chunks(rows_per_statement(1)) {
        let rows: Vec<(Uuid, Uuid)> = employee::Entity::find()
            .select_only()
            .column(employee::Column::Id)
            .column(employee::Column::UnitId)
            .filter(employee::Column::Id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(txn)
            .await?;
        unit_of.extend(rows);
    }
    let mut keys: BTreeSet<(Uuid, i16, i64)> = BTreeSet::new();
    for (seq, about) in events {
        if let Some(person) = about.employee {
            keys.insert((person, PERSON, *seq));
            if let Some(unit) = about.employee_unit.or(unit_of.get(&person).copied()) {
                keys.insert((unit, PEOPLE_UNIT, *seq));
            }
        }
        for person in about
            .plan
            .and_then(|p| members.get(&p))
            .into_iter()
            .flatten()
        {
            keys.insert((*person, PERSON, *seq));
            if let Some(unit) = unit_of.get(person) {
                keys.insert((*unit, PEOPLE_UNIT, *seq));
            }
        }
        if about.employee.is_none()
            && about.plan.is_none()
            && let Some(unit) = about.record_unit
        {
            keys.insert((unit, RECORD_UNIT, *seq));
        }
    }
    let rows = keys
        .into_iter()
        .map(|(key, kind, seq)| event_reach::ActiveModel {
            key: Set(key),
            kind: Set(kind),
            seq: Set(seq),
        });
    crate::bulk::insert(txn, rows).await?;
    Ok(())
}

/// The numbers of the first `limit` events after `after` under any of `keys` (kind, key),
/// of the given resources or types when any are named, in order. On PostgreSQL one index
/// range per key, each cut at `limit`, merged; on SQLite (small by design) one scan of the
/// keys' ranges.
pub(crate) async fn first_after(
    conn: &impl ConnectionTrait,
    keys: &[(i16, Uuid)],
    after: i64,
    resources: &[String],
    types: &[String],
    limit: u64,
) -> Result<Vec<i64>, StoreError> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let backend = conn.get_database_backend();
    let (resources, types) = (resources.to_vec(), types.to_vec());
    let sql = match backend {
        // One text whatever the reach, with the keys as arrays: prepared once per connection
        // instead of parsed and planned for every reader's own list.
        DatabaseBackend::Postgres => {
            let filter = if resources.is_empty() && types.is_empty() {
                ""
            } else {
                " AND EXISTS (SELECT 1 FROM events ev WHERE ev.seq = r.seq \
                   AND (ev.resource = ANY($5::text[]) OR ev.event_type = ANY($6::text[])))"
            };
            let sql = format!(
                "SELECT DISTINCT x.seq FROM unnest($3::smallint[], $4::uuid[]) AS k(kind, key) \
                 CROSS JOIN LATERAL (SELECT r.seq FROM event_reach r \
                   WHERE r.key = k.key AND r.kind = k.kind AND r.seq > $1{filter} \
                   ORDER BY r.seq LIMIT $2) x \
                 ORDER BY x.seq LIMIT $2"
            );
            let mut values: Vec<Value> = vec![
                after.into(),
                (limit as i64).into(),
                keys.iter()
                    .map(|(kind, _)| *kind)
                    .collect::<Vec<i16>>()
                    .into(),
                keys.iter()
                    .map(|(_, key)| *key)
                    .collect::<Vec<Uuid>>()
                    .into(),
            ];
            if !filter.is_empty() {
                values.push(resources.into());
                values.push(types.into());
            }
            Statement::from_sql_and_values(backend, sql, values)
        }
        _ => {
            let mut values: Vec<Value> = vec![after.into(), (limit as i64).into()];
            let mut bind = |v: Value| {
                values.push(v);
                format!("?{}", values.len())
            };
            let mut any = Vec::new();
            for (column, items) in [("resource", &resources), ("event_type", &types)] {
                if !items.is_empty() {
                    let names: Vec<String> = items.iter().map(|i| bind(i.clone().into())).collect();
                    any.push(format!("ev.{column} IN ({})", names.join(", ")));
                }
            }
            let filter = if any.is_empty() {
                String::new()
            } else {
                format!(
                    " AND EXISTS (SELECT 1 FROM events ev WHERE ev.seq = r.seq AND ({}))",
                    any.join(" OR ")
                )
            };
            let pairs: Vec<String> = keys
                .iter()
                .map(|(kind, key)| {
                    let kind = bind((*kind).into());
                    let key = bind((*key).into());
                    format!("(r.kind = {kind} AND r.key = {key})")
                })
                .collect();
            let sql = format!(
                "SELECT DISTINCT r.seq FROM event_reach r WHERE r.seq > ?1 AND ({}){filter} \
                 ORDER BY r.seq LIMIT ?2",
                pairs.join(" OR ")
            );
            Statement::from_sql_and_values(backend, sql, values)
        }
    };
    let rows = conn.query_all_raw(sql).await?;
    rows.into_iter()
        .map(|r| r.try_get_by_index::<i64>(0).map_err(StoreError::from))
        .collect()
}

/// Deletes the keys of events numbered up to `last` (pruned).
pub(crate) async fn prune(conn: &impl ConnectionTrait, last: i64) -> Result<(), StoreError> {
    event_reach::Entity::delete_many()
        .filter(event_reach::Column::Seq.lte(last))
        .exec(conn)
        .await?;
    Ok(())
}
