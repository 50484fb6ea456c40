//! Absences: recorded, changed and synced by HR and the employee's managers.

use devplan_domain::FieldCode;
use std::collections::HashMap;

use devplan_domain::followup::{Absence, AbsenceDates, AbsenceKind};
use devplan_domain::records::Meta;
use devplan_domain::text::ExternalId;
use devplan_domain::{AbsenceId, EmployeeId, Violation, Violations};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    TransactionTrait,
};
use uuid::Uuid;

use crate::employees::{EmployeeScope, parse_stored};
use crate::entities::{absence, employee};
use crate::units::CHUNK;
use crate::version::{check_version, ensure_updated, lock_row};
use crate::{Page, PageRequest, Store, StoreError, SyncReport};

use crate::interviews::check_employees;

pub(crate) fn to_absence(m: absence::Model) -> Result<Absence, StoreError> {
    Ok(Absence {
        id: AbsenceId::from_uuid(m.id),
        external_id: parse_stored(m.external_id.as_deref(), ExternalId::parse)?,
        employee_id: EmployeeId::from_uuid(m.employee_id),
        kind: AbsenceKind::parse(&m.kind)
            .ok_or_else(|| StoreError::corrupt(format!("absence kind {}", m.kind)))?,
        dates: AbsenceDates::new(m.starts_on, m.ends_on).map_err(StoreError::corrupt)?,
        meta: Meta {
            version: m.version,
            created_at: m.created_at,
            updated_at: m.updated_at,
        },
    })
}

/// An absence's event for the change feed.
fn absence_change(event_type: &'static str, a: &Absence) -> crate::events::NewEvent {
    crate::events::NewEvent::new(
        event_type,
        a.id.uuid(),
        serde_json::json!({
            "id": a.id.uuid(),
            "external_id": a.external_id.as_ref().map(|x| x.as_str()),
            "employee_id": a.employee_id.uuid(),
            "kind": a.kind.as_str(),
            "starts_on": a.dates.starts_on(),
            "ends_on": a.dates.ends_on(),
            "version": a.meta.version,
            "updated_at": a.meta.updated_at,
        }),
    )
    .version(a.meta.version)
    .about(a.employee_id.uuid())
}

impl Store {
    /// Absences of the employees in `scope`, optionally of one employee, in id order.
    pub async fn list_absences(
        &self,
        scope: &EmployeeScope,
        employee: Option<EmployeeId>,
        page: PageRequest,
    ) -> Result<Page<Absence>, StoreError> {
        let mut query = absence::Entity::find()
            .filter(
                absence::Column::EmployeeId.in_subquery(
                    Query::select()
                        .column(employee::Column::Id)
                        .from(employee::Entity)
                        .cond_where(scope.condition())
                        .to_owned(),
                ),
            )
            .order_by_asc(absence::Column::Id);
        if let Some(e) = employee {
            query = query.filter(absence::Column::EmployeeId.eq(e.uuid()));
        }
        if let Some(after) = page.after {
            query = query.filter(absence::Column::Id.gt(after));
        }
        let rows = query.limit(page.limit + 1).all(&self.db).await?;
        Page::from_overfetch(rows, page.limit, |m| m.id).try_map(to_absence)
    }

    /// One absence.
    pub async fn get_absence(&self, id: AbsenceId) -> Result<Absence, StoreError> {
        absence::Entity::find_by_id(id.uuid())
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound)
            .and_then(to_absence)
    }

    /// Records an absence.
    pub async fn create_absence(
        &self,
        external_id: Option<ExternalId>,
        employee: EmployeeId,
        kind: AbsenceKind,
        dates: AbsenceDates,
    ) -> Result<Absence, StoreError> {
        let txn = self.db.begin().await?;
        check_employees(&txn, &[("employee_id".to_owned(), employee)]).await?;
        let id = AbsenceId::generate();
        let meta = Meta::first(self.now());
        absence::Entity::insert(absence::ActiveModel {
            id: Set(id.uuid()),
            external_id: Set(external_id.map(ExternalId::into_string)),
            employee_id: Set(employee.uuid()),
            kind: Set(kind.as_str().to_owned()),
            starts_on: Set(dates.starts_on()),
            ends_on: Set(dates.ends_on()),
            version: Set(meta.version),
            created_at: Set(meta.created_at),
            updated_at: Set(meta.updated_at),
        })
        .exec_without_returning(&txn)
        .await
        .map_err(|e| StoreError::from_write(e, "external_id"))?;
        crate::projection::refresh_status(&txn, &[employee.uuid()]).await?;
        let stored = absence::Entity::find_by_id(id.uuid())
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound)
            .and_then(to_absence)?;
        crate::events::record(
            &txn,
            meta.updated_at,
            vec![absence_change("absence.created", &stored)],
        )
        .await?;
        txn.commit().await?;
        Ok(stored)
    }

    /// Replaces an absence's kind and dates, refusing a stale `expected_version`.
    pub async fn replace_absence(
        &self,
        id: AbsenceId,
        expected_version: Option<i64>,
        kind: AbsenceKind,
        dates: AbsenceDates,
    ) -> Result<Absence, StoreError> {
        let txn = self.db.begin().await?;
        lock_row::<absence::Entity>(&txn, id.uuid()).await?;
        let current = absence::Entity::find_by_id(id.uuid())
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound)
            .and_then(to_absence)?;
        check_version(current.meta.version, expected_version)?;
        if current.kind == kind && current.dates == dates {
            return Ok(current);
        }
        let updated = absence::Entity::update_many()
            .col_expr(absence::Column::Kind, Expr::value(kind.as_str()))
            .col_expr(absence::Column::StartsOn, Expr::value(dates.starts_on()))
            .col_expr(absence::Column::EndsOn, Expr::value(dates.ends_on()))
            .col_expr(
                absence::Column::Version,
                Expr::value(current.meta.version + 1),
            )
            .col_expr(absence::Column::UpdatedAt, Expr::value(self.now()))
            .filter(absence::Column::Id.eq(id.uuid()))
            .filter(absence::Column::Version.eq(current.meta.version))
            .exec(&txn)
            .await?;
        ensure_updated(&updated)?;
        crate::projection::refresh_status(&txn, &[current.employee_id.uuid()]).await?;
        let stored = absence::Entity::find_by_id(id.uuid())
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound)
            .and_then(to_absence)?;
        crate::events::record(
            &txn,
            stored.meta.updated_at,
            vec![absence_change("absence.updated", &stored)],
        )
        .await?;
        txn.commit().await?;
        Ok(stored)
    }

    /// Upserts absences by external id; employees by their external ids. All-or-nothing.
    pub async fn sync_absences(
        &self,
        rows: Vec<(ExternalId, ExternalId, AbsenceKind, AbsenceDates)>,
    ) -> Result<SyncReport, StoreError> {
        let txn = self.db.begin().await?;
        crate::sync::serialise_syncs(&txn).await?;
        let mut v = Violations::new();
        let mut seen = HashMap::new();
        let mut people: HashMap<String, Uuid> = HashMap::new();
        let wanted: Vec<&str> = rows.iter().map(|r| r.1.as_str()).collect();
        for chunk in wanted.chunks(CHUNK) {
            let found: Vec<(Uuid, Option<String>)> = employee::Entity::find()
                .select_only()
                .column(employee::Column::Id)
                .column(employee::Column::ExternalId)
                .filter(employee::Column::ExternalId.is_in(chunk.iter().copied()))
                .into_tuple()
                .all(&txn)
                .await?;
            people.extend(found.into_iter().filter_map(|(id, e)| e.map(|e| (e, id))));
        }
        for (i, (ext, emp, _, _)) in rows.iter().enumerate() {
            if let Some(first) = seen.insert(ext.as_str(), i) {
                v.push(Violation::new(
                    format!("rows[{i}].external_id"),
                    FieldCode::DuplicateRow,
                    format!("the same external_id is sent in rows[{first}]"),
                ));
            }
            if !people.contains_key(emp.as_str()) {
                v.push(Violation::new(
                    format!("rows[{i}].employee_external_id"),
                    FieldCode::UnknownEmployee,
                    "no employee has this external_id",
                ));
            }
        }
        if !v.is_empty() {
            return Err(StoreError::Invalid(v));
        }
        let mut existing: HashMap<String, Absence> = HashMap::new();
        for chunk in rows.chunks(CHUNK) {
            for m in absence::Entity::find()
                .filter(
                    absence::Column::ExternalId
                        .is_in(chunk.iter().map(|r| r.0.as_str().to_owned())),
                )
                .all(&txn)
                .await?
            {
                let a = to_absence(m)?;
                if let Some(e) = &a.external_id {
                    existing.insert(e.as_str().to_owned(), a);
                }
            }
        }
        let now = self.now();
        let mut report = SyncReport::default();
        let mut inserts = Vec::new();
        let mut touched: Vec<Uuid> = Vec::new();
        let mut changes = Vec::new();
        for (ext, emp, kind, dates) in &rows {
            let employee = people[emp.as_str()];
            match existing.get(ext.as_str()) {
                None => {
                    report.created += 1;
                    touched.push(employee);
                    let id = AbsenceId::generate();
                    changes.push(absence_change(
                        "absence.created",
                        &Absence {
                            id,
                            external_id: Some(ext.clone()),
                            employee_id: EmployeeId::from_uuid(employee),
                            kind: *kind,
                            dates: *dates,
                            meta: Meta::first(now),
                        },
                    ));
                    inserts.push(absence::ActiveModel {
                        id: Set(id.uuid()),
                        external_id: Set(Some(ext.as_str().to_owned())),
                        employee_id: Set(employee),
                        kind: Set(kind.as_str().to_owned()),
                        starts_on: Set(dates.starts_on()),
                        ends_on: Set(dates.ends_on()),
                        version: Set(1),
                        created_at: Set(now),
                        updated_at: Set(now),
                    });
                }
                Some(a)
                    if a.employee_id.uuid() == employee && a.kind == *kind && a.dates == *dates =>
                {
                    report.unchanged += 1
                }
                Some(a) => {
                    report.updated += 1;
                    touched.extend([employee, a.employee_id.uuid()]);
                    let updated = absence::Entity::update_many()
                        .col_expr(absence::Column::EmployeeId, Expr::value(employee))
                        .col_expr(absence::Column::Kind, Expr::value(kind.as_str()))
                        .col_expr(absence::Column::StartsOn, Expr::value(dates.starts_on()))
                        .col_expr(absence::Column::EndsOn, Expr::value(dates.ends_on()))
                        .col_expr(absence::Column::Version, Expr::value(a.meta.version + 1))
                        .col_expr(absence::Column::UpdatedAt, Expr::value(now))
                        .filter(absence::Column::Id.eq(a.id.uuid()))
                        .filter(absence::Column::Version.eq(a.meta.version))
                        .exec(&txn)
                        .await?;
                    ensure_updated(&updated)?;
                    changes.push(absence_change(
                        "absence.updated",
                        &Absence {
                            employee_id: EmployeeId::from_uuid(employee),
                            kind: *kind,
                            dates: *dates,
                            meta: Meta {
                                version: a.meta.version + 1,
                                updated_at: now,
                                ..a.meta
                            },
                            ..a.clone()
                        },
                    ));
                }
            }
        }
        crate::bulk::insert(&txn, inserts).await?;
        crate::projection::refresh_status(&txn, &touched).await?;
        changes.push(crate::events::NewEvent::sync("absences", &report));
        crate::events::record(&txn, now, changes).await?;
        txn.commit().await?;
        self.analyze_after_growth(report.created, &["absences", "status_specials"])
            .await?;
        Ok(report)
    }
}
