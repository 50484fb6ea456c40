//! Erasure of an employee who left (GDPR Art. 17, after the retention or on HR's demand): their
//! name, e-mail and external id, and the personal content of their plans, are removed from
//! everything the service keeps, in one transaction. What remains is keyed by an id that no
//! longer identifies anyone: the status projection, the plans' goal and activity kinds, the
//! absences' and interviews' dates, so figures stay as they were.

use devplan_domain::ProblemCode;
use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use devplan_domain::EmployeeId;
use devplan_domain::records::Employee;
use sea_orm::{
    ConnectionTrait, DatabaseBackend, DatabaseTransaction, Statement, TransactionTrait, Value,
};
use serde_json::Value as Json;
use uuid::Uuid;

use crate::entities::employee;
use crate::events::NewEvent;
use crate::status::bind;
use crate::version::lock_row;
use crate::{Store, StoreError};

/// What an erased employee is called from then on.
pub const ERASED_NAME: &str = "Slettet medarbejder";
/// What replaces an erased identifier inside stored documents and texts.
const ERASED: &str = "[slettet]";

/// JSON columns that may hold a person's identifiers as values: replaced where one is a whole
/// JSON string, so a longer id that merely contains it is left alone.
const JSON_COLUMNS: [(&str, &str); 6] = [
    ("events", "data"),
    ("plans", "content"),
    ("plans", "signatures"),
    ("plans", "closure"),
    ("plan_versions", "content"),
    ("follow_ups", "participants"),
];

/// Free-text columns: a name or e-mail is replaced wherever it appears in them.
const TEXT_COLUMNS: [(&str, &str); 4] = [
    ("follow_ups", "notes"),
    ("committee_discussions", "summary"),
    ("committee_discussions", "decisions"),
    ("committee_feedback", "text"),
];

/// A condition that `column` contains the parameter `:needle`, exactly (no wildcards).
fn contains(backend: DatabaseBackend, column: &str) -> String {
    match backend {
        DatabaseBackend::Postgres => format!("strpos({column}, :needle) > 0"),
        _ => format!("instr({column}, :needle) > 0"),
    }
}

/// A plan's content with everything personal removed: its title, goals, activities and open
/// points; its period and flags stay.
fn erased_content(stored: &str) -> Result<String, StoreError> {
    let mut content: Json = serde_json::from_str(stored).map_err(StoreError::corrupt)?;
    if let Some(fields) = content.as_object_mut() {
        fields.insert("title".into(), Json::String(ERASED.into()));
        for list in ["goals", "activities", "open_points"] {
            fields.insert(list.into(), Json::Array(Vec::new()));
        }
    }
    serde_json::to_string(&content).map_err(StoreError::corrupt)
}

/// A closed plan's closure without its reason, a free text; who closed it and when stay.
fn erased_closure(stored: &str) -> Result<String, StoreError> {
    let mut closure: Json = serde_json::from_str(stored).map_err(StoreError::corrupt)?;
    if let Some(fields) = closure.as_object_mut() {
        fields.insert("reason".into(), Json::String(ERASED.into()));
    }
    serde_json::to_string(&closure).map_err(StoreError::corrupt)
}

/// `value` with every string that contains one of `identifiers` replaced; whether any was.
fn scrub(value: &mut Json, identifiers: &[String]) -> bool {
    match value {
        Json::String(s) if identifiers.iter().any(|i| s.contains(i.as_str())) => {
            *s = ERASED.to_owned();
            true
        }
        Json::Array(items) => {
            let mut any = false;
            for v in items {
                any |= scrub(v, identifiers);
            }
            any
        }
        Json::Object(fields) => {
            let mut any = false;
            for v in fields.values_mut() {
                any |= scrub(v, identifiers);
            }
            any
        }
        _ => false,
    }
}

/// `sql` with its `:name` parameters bound for the transaction's database.
fn statement(txn: &DatabaseTransaction, sql: &str, params: &[(&str, Value)]) -> Statement {
    let params: Vec<(String, Value)> = params
        .iter()
        .map(|(n, v)| ((*n).to_owned(), v.clone()))
        .collect();
    bind(txn.get_database_backend(), sql, &params)
}

/// Runs `sql` with its `:name` parameters.
async fn exec(
    txn: &DatabaseTransaction,
    sql: &str,
    params: &[(&str, Value)],
) -> Result<u64, StoreError> {
    Ok(txn
        .execute_raw(statement(txn, sql, params))
        .await?
        .rows_affected())
}

/// The rows `sql` selects.
async fn rows(
    txn: &DatabaseTransaction,
    sql: &str,
    params: &[(&str, Value)],
) -> Result<Vec<sea_orm::QueryResult>, StoreError> {
    Ok(txn.query_all_raw(statement(txn, sql, params)).await?)
}

/// An erasure's result.
#[derive(Debug, Clone)]
pub struct Erasure {
    /// The record as it now stands.
    pub employee: Employee,
    /// False when they had already been erased (by another instance's round, say).
    pub erased_now: bool,
}

/// The personal content of `e`'s own plans, each agreed version and each follow-up. A plan
/// write that read the plan before now fails on its revision.
async fn erase_plans(
    txn: &DatabaseTransaction,
    e: &Value,
    now: DateTime<Utc>,
) -> Result<Vec<Uuid>, StoreError> {
    let plans: Vec<Uuid> = rows(
        txn,
        "SELECT p.id FROM plans p JOIN plan_members m ON m.plan_id = p.id \
         WHERE m.employee_id = :e AND p.kind = 'individual'",
        &[("e", e.clone())],
    )
    .await?
    .into_iter()
    .map(|r| r.try_get_by_index::<Uuid>(0))
    .collect::<Result<_, _>>()?;
    for plan in &plans {
        let p = Value::from(*plan);
        for found in rows(
            txn,
            "SELECT content, closure FROM plans WHERE id = :p",
            &[("p", p.clone())],
        )
        .await?
        {
            let (content, closure): (String, Option<String>) = found.try_get_many_by_index()?;
            exec(
                txn,
                "UPDATE plans SET content = :c, closure = :closure, revision = revision + 1, \
                 content_revision = content_revision + 1, updated_at = :now WHERE id = :p",
                &[
                    ("c", erased_content(&content)?.into()),
                    (
                        "closure",
                        closure.map(|c| erased_closure(&c)).transpose()?.into(),
                    ),
                    ("now", now.into()),
                    ("p", p.clone()),
                ],
            )
            .await?;
        }
        for found in rows(
            txn,
            "SELECT version, content FROM plan_versions WHERE plan_id = :p",
            &[("p", p.clone())],
        )
        .await?
        {
            let (version, content): (i32, String) = found.try_get_many_by_index()?;
            exec(
                txn,
                "UPDATE plan_versions SET content = :c WHERE plan_id = :p AND version = :v",
                &[
                    ("c", erased_content(&content)?.into()),
                    ("p", p.clone()),
                    ("v", version.into()),
                ],
            )
            .await?;
        }
        exec(
            txn,
            "UPDATE follow_ups SET notes = NULL, participants = '[]', progress = '[]' \
             WHERE plan_id = :p",
            &[("p", p.clone())],
        )
        .await?;
    }
    Ok(plans)
}

/// Every string naming them in the change feed's events about `e`, and the closure's reason
/// in the events of their own `plans`.
async fn scrub_events(
    txn: &DatabaseTransaction,
    e: &Value,
    plans: &[Uuid],
    identifiers: &[String],
) -> Result<(), StoreError> {
    let mut found = rows(
        txn,
        "SELECT seq, data FROM events WHERE employee_id = :e OR resource_id = :e",
        &[("e", e.clone())],
    )
    .await?;
    for plan in plans {
        found.extend(
            rows(
                txn,
                "SELECT seq, data FROM events WHERE plan_id = :p",
                &[("p", Value::from(*plan))],
            )
            .await?,
        );
    }
    for row in found {
        let (seq, data): (i64, String) = row.try_get_many_by_index()?;
        let mut json: Json = serde_json::from_str(&data).map_err(StoreError::corrupt)?;
        let mut changed = scrub(&mut json, identifiers);
        if let Some(reason) = json.pointer_mut("/closure/reason")
            && reason.is_string()
            && reason.as_str() != Some(ERASED)
        {
            *reason = Json::String(ERASED.into());
            changed = true;
        }
        if changed {
            let data = serde_json::to_string(&json).map_err(StoreError::corrupt)?;
            exec(
                txn,
                "UPDATE events SET data = :d WHERE seq = :s",
                &[("d", data.into()), ("s", seq.into())],
            )
            .await?;
        }
    }
    Ok(())
}

/// Replaces each of `needles` by `by` wherever `column` of `table` holds it: one statement,
/// so one scan of the table whatever the number of needles.
async fn replace(
    txn: &DatabaseTransaction,
    (table, column): (&str, &str),
    needles: &[String],
    by: &str,
) -> Result<u64, StoreError> {
    if needles.is_empty() {
        return Ok(0);
    }
    let backend = txn.get_database_backend();
    let mut value = column.to_owned();
    let mut found = Vec::new();
    let mut params: Vec<(String, Value)> = vec![("by".to_owned(), by.into())];
    for (i, needle) in needles.iter().enumerate() {
        value = format!("REPLACE({value}, :n{i}, :by)");
        found.push(contains(backend, column).replace(":needle", &format!(":n{i}")));
        params.push((format!("n{i}"), needle.clone().into()));
    }
    let sql = format!(
        "UPDATE {table} SET {column} = {value} WHERE {}",
        found.join(" OR ")
    );
    Ok(txn
        .execute_raw(bind(backend, &sql, &params))
        .await?
        .rows_affected())
}

/// Stored responses to their requests (by `subjects`) or naming them, and their
/// `identifiers` wherever else a JSON value equals one, or free text holds one of `in_text`.
async fn forget_elsewhere(
    txn: &DatabaseTransaction,
    subjects: &BTreeSet<String>,
    identifiers: &[String],
    in_text: &[String],
) -> Result<(), StoreError> {
    let backend = txn.get_database_backend();
    for subject in subjects {
        exec(
            txn,
            "DELETE FROM idempotency_keys WHERE subject = :s",
            &[("s", subject.clone().into())],
        )
        .await?;
    }
    for identifier in identifiers {
        exec(
            txn,
            &format!(
                "DELETE FROM idempotency_keys WHERE {}",
                contains(backend, "body")
            ),
            &[("needle", identifier.clone().into())],
        )
        .await?;
    }

    // Everywhere else they may be named.
    let erased = serde_json::to_string(ERASED).map_err(StoreError::corrupt)?;
    let quoted = identifiers
        .iter()
        .map(|i| serde_json::to_string(i).map_err(StoreError::corrupt))
        .collect::<Result<Vec<_>, _>>()?;
    for (table, column) in JSON_COLUMNS {
        replace(txn, (table, column), &quoted, &erased).await?;
    }
    for (table, column) in TEXT_COLUMNS {
        replace(txn, (table, column), in_text, ERASED).await?;
    }
    Ok(())
}

impl Store {
    /// Those who left before `left_before` and are not yet erased, longest gone first.
    pub async fn due_for_erasure(
        &self,
        left_before: DateTime<Utc>,
        limit: u64,
    ) -> Result<Vec<EmployeeId>, StoreError> {
        let sql = "SELECT id FROM employees WHERE NOT active AND erased_at IS NULL \
                   AND left_at < :before ORDER BY left_at, id LIMIT :limit";
        let params = [
            ("before".to_owned(), Value::from(left_before)),
            (
                "limit".to_owned(),
                Value::from(i64::try_from(limit).unwrap_or(i64::MAX)),
            ),
        ];
        let found = self
            .db
            .query_all_raw(bind(self.db.get_database_backend(), sql, &params))
            .await?;
        found
            .into_iter()
            .map(|r| Ok(EmployeeId::from_uuid(r.try_get_by_index(0)?)))
            .collect()
    }

    /// Erases an employee who left: see the module documentation. Erasing again changes
    /// nothing; someone still employed is refused (`still_employed`).
    pub async fn erase_employee(&self, id: EmployeeId) -> Result<Erasure, StoreError> {
        let txn = self.db.begin().await?;
        // A plan's write locks the plan and then, through the projection's foreign keys, the
        // person; so do we, or the two wait for each other.
        if txn.get_database_backend() == DatabaseBackend::Postgres {
            rows(
                &txn,
                "SELECT p.id FROM plans p JOIN plan_members m ON m.plan_id = p.id \
                 WHERE m.employee_id = :e AND p.kind = 'individual' ORDER BY p.id FOR UPDATE OF p",
                &[("e", Value::from(id.uuid()))],
            )
            .await?;
        }
        lock_row::<employee::Entity>(&txn, id.uuid()).await?;
        let row = <employee::Entity as sea_orm::EntityTrait>::find_by_id(id.uuid())
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound)?;
        if row.erased_at.is_some() {
            let employee = crate::employees::fetch_employee(&txn, id).await?;
            txn.commit().await?;
            return Ok(Erasure {
                employee,
                erased_now: false,
            });
        }
        if row.active {
            return Err(StoreError::Conflict {
                code: ProblemCode::StillEmployed,
                message: "only someone who has left can be erased; HR marks them inactive first"
                    .to_owned(),
            });
        }
        let now = self.now();
        let e = Value::from(id.uuid());
        let present = |ids: Vec<Option<String>>| -> Vec<String> {
            ids.into_iter()
                .flatten()
                .filter(|s| !s.trim().is_empty())
                .collect()
        };
        // Names and e-mails are long enough to replace inside free text; an external id
        // (`A-7`) is not, and is replaced only where it stands whole.
        let in_text = present(vec![Some(row.name.clone()), row.email.clone()]);
        let identifiers = present(vec![Some(row.name), row.email, row.external_id]);
        let subjects: BTreeSet<String> = rows(
            &txn,
            "SELECT actor_subject FROM events WHERE actor_employee_id = :e \
             AND actor_subject IS NOT NULL \
             UNION SELECT actor_subject FROM audit_log WHERE actor_employee_id = :e \
             AND actor_subject IS NOT NULL",
            &[("e", e.clone())],
        )
        .await?
        .into_iter()
        .map(|r| r.try_get_by_index::<String>(0))
        .collect::<Result<_, _>>()?;

        // The record itself, first: the audit log's trigger lets an actor's subject be
        // cleared only once they are erased.
        exec(
            &txn,
            "UPDATE employees SET name = :name, email = NULL, external_id = NULL, \
             erased_at = :now, updated_at = :now, version = version + 1 WHERE id = :e",
            &[
                ("name", Value::from(ERASED_NAME)),
                ("now", Value::from(now)),
                ("e", e.clone()),
            ],
        )
        .await?;
        for sql in [
            "DELETE FROM unit_assignments WHERE employee_id = :e",
            "DELETE FROM committee_members WHERE employee_id = :e",
            "DELETE FROM calendar_feeds WHERE manager_id = :e",
            "UPDATE absences SET external_id = NULL WHERE employee_id = :e",
            // Their answers, and the manager's for an interview that was theirs alone.
            "DELETE FROM preparations WHERE writer_id = :e OR interview_id IN \
             (SELECT interview_id FROM interview_participants WHERE employee_id = :e \
              AND 1 = (SELECT COUNT(*) FROM interview_participants p \
                       WHERE p.interview_id = interview_participants.interview_id))",
            "UPDATE development_interviews SET external_id = NULL WHERE id IN \
             (SELECT interview_id FROM interview_participants WHERE employee_id = :e) \
             AND 1 = (SELECT COUNT(*) FROM interview_participants p \
                      WHERE p.interview_id = development_interviews.id)",
            "UPDATE events SET actor_subject = NULL WHERE actor_employee_id = :e",
            "UPDATE audit_log SET actor_subject = NULL WHERE actor_employee_id = :e \
             AND actor_subject IS NOT NULL",
        ] {
            exec(&txn, sql, &[("e", e.clone())]).await?;
        }

        let plans = erase_plans(&txn, &e, now).await?;
        scrub_events(&txn, &e, &plans, &identifiers).await?;
        forget_elsewhere(&txn, &subjects, &identifiers, &in_text).await?;

        let erased = crate::employees::fetch_employee(&txn, id).await?;
        crate::events::record(&txn, now, vec![NewEvent::employee_erased(&erased)]).await?;
        txn.commit().await?;
        self.organisation_changed();
        Ok(Erasure {
            employee: erased,
            erased_now: true,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrubbing_replaces_every_string_that_names_them_and_nothing_else() {
        let mut v = serde_json::json!({
            "name": "Karen Glemsom",
            "external_id": "ABS-K-77",
            "kind": "long_term_illness",
            "nested": [{"who": "Karen Glemsom (leder)"}, 3]
        });
        let ids = vec!["Karen Glemsom".to_owned(), "K-77".to_owned()];
        assert!(scrub(&mut v, &ids));
        assert_eq!(
            v,
            serde_json::json!({
                "name": ERASED,
                "external_id": ERASED,
                "kind": "long_term_illness",
                "nested": [{"who": ERASED}, 3]
            })
        );
        assert!(!scrub(&mut v, &ids), "nothing left to scrub");
    }

    #[test]
    fn an_erased_closure_keeps_who_closed_the_plan_and_when() {
        let stored = r#"{"reason":"Karen gik på barsel","closed_by":"x","closed_at":"2026-01-01T00:00:00Z"}"#;
        let erased: Json = serde_json::from_str(&erased_closure(stored).unwrap()).unwrap();
        assert_eq!(erased["reason"], ERASED);
        assert_eq!(erased["closed_by"], "x");
        assert_eq!(erased["closed_at"], "2026-01-01T00:00:00Z");
    }

    #[test]
    fn erased_content_keeps_the_period_and_flags_and_drops_the_rest() {
        let stored = r#"{"title":"Karens plan","period":{"starts_on":"2026-01-01","ends_on":"2026-12-31"},"prior_learning_assessment":true,"goals":[{"id":"x"}],"activities":[{"id":"y"}],"open_points":[{"id":"z"}]}"#;
        let erased: Json = serde_json::from_str(&erased_content(stored).unwrap()).unwrap();
        assert_eq!(erased["title"], ERASED);
        assert_eq!(erased["prior_learning_assessment"], true);
        assert_eq!(erased["period"]["starts_on"], "2026-01-01");
        for list in ["goals", "activities", "open_points"] {
            assert_eq!(erased[list], serde_json::json!([]));
        }
    }
}
