//! Employees and the manager and representative roles they hold for units.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use devplan_domain::org::Role;
use devplan_domain::placement::History;
use devplan_domain::records::{Employee, EmployeeChanges, Meta, NewEmployee};
use devplan_domain::text::{Email, ExternalId, Name, ProfessionalGroup};
use devplan_domain::{EmployeeId, UnitId, Violation, Violations};
use sea_orm::sea_query::{Condition, Expr, Func, SimpleExpr};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, TransactionTrait,
};
use uuid::Uuid;

use crate::entities::{employee, unit_assignment};
use crate::events::NewEvent;
use crate::placements::{check_new_placements, insert_histories, replace_histories};
use crate::units::{check_units_exist, list_refs, rows_per_statement};
use crate::version::{check_version, ensure_updated, lock_row};
use crate::{Page, PageRequest, Store, StoreError};

/// Which employees a caller may see.
#[derive(Debug, Clone)]
pub enum EmployeeScope {
    /// Everyone (HR).
    All,
    /// Those working in `units`, and the listed people (oneself).
    Within {
        /// Units whose employees are in scope.
        units: Vec<UnitId>,
        /// People in scope wherever they work.
        ids: Vec<EmployeeId>,
    },
}

impl EmployeeScope {
    pub(crate) fn condition(&self) -> Condition {
        match self {
            EmployeeScope::All => Condition::all(),
            EmployeeScope::Within { units, ids } => Condition::any()
                .add(employee::Column::UnitId.is_in(units.iter().map(|u| u.uuid())))
                .add(employee::Column::Id.is_in(ids.iter().map(|e| e.uuid()))),
        }
    }
}

/// Parses an optional stored text column.
pub(crate) fn parse_stored<T>(
    raw: Option<&str>,
    parse: impl Fn(&str, &str) -> Result<T, Violation>,
) -> Result<Option<T>, StoreError> {
    raw.map(|s| parse("stored", s).map_err(StoreError::corrupt))
        .transpose()
}

/// The units each of `employees` holds `role` for, sorted.
pub(crate) async fn assignments(
    conn: &impl ConnectionTrait,
    role: Role,
    employees: &[Uuid],
) -> Result<HashMap<Uuid, Vec<UnitId>>, StoreError> {
    let mut map: HashMap<Uuid, Vec<UnitId>> = HashMap::new();
    for chunk in employees.chunks(rows_per_statement(1)) {
        let rows: Vec<(Uuid, Uuid)> = unit_assignment::Entity::find()
            .select_only()
            .column(unit_assignment::Column::EmployeeId)
            .column(unit_assignment::Column::UnitId)
            .filter(unit_assignment::Column::Role.eq(role.as_str()))
            .filter(unit_assignment::Column::EmployeeId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(conn)
            .await?;
        for (employee, unit) in rows {
            map.entry(employee)
                .or_default()
                .push(UnitId::from_uuid(unit));
        }
    }
    for units in map.values_mut() {
        units.sort();
    }
    Ok(map)
}

/// Replaces the `role` assignments of `employee` by `units`.
pub(crate) async fn replace_assignments(
    txn: &DatabaseTransaction,
    role: Role,
    employees: &[Uuid],
    links: impl IntoIterator<Item = (Uuid, UnitId)>,
) -> Result<(), StoreError> {
    for chunk in employees.chunks(rows_per_statement(1)) {
        unit_assignment::Entity::delete_many()
            .filter(unit_assignment::Column::Role.eq(role.as_str()))
            .filter(unit_assignment::Column::EmployeeId.is_in(chunk.iter().copied()))
            .exec(txn)
            .await?;
    }
    let rows: Vec<unit_assignment::ActiveModel> = links
        .into_iter()
        .map(|(employee, unit)| unit_assignment::ActiveModel {
            unit_id: Set(unit.uuid()),
            employee_id: Set(employee),
            role: Set(role.as_str().to_owned()),
        })
        .collect();
    crate::bulk::insert(txn, rows).await?;
    Ok(())
}

/// Employees from rows, with their assignments read in two queries.
pub(crate) async fn to_employees(
    conn: &impl ConnectionTrait,
    rows: Vec<employee::Model>,
) -> Result<Vec<Employee>, StoreError> {
    let ids: Vec<Uuid> = rows.iter().map(|m| m.id).collect();
    let mut manages = assignments(conn, Role::Manager, &ids).await?;
    let mut represents = assignments(conn, Role::LocalRepresentative, &ids).await?;
    let mut histories = crate::placements::histories(conn, &ids).await?;
    rows.into_iter()
        .map(|m| {
            Ok(Employee {
                id: EmployeeId::from_uuid(m.id),
                external_id: parse_stored(m.external_id.as_deref(), ExternalId::parse)?,
                name: Name::parse("name", &m.name).map_err(StoreError::corrupt)?,
                email: parse_stored(m.email.as_deref(), Email::parse)?,
                professional_group: parse_stored(
                    m.professional_group.as_deref(),
                    ProfessionalGroup::parse,
                )?,
                unit_id: UnitId::from_uuid(m.unit_id),
                active: m.active,
                manages: manages.remove(&m.id).unwrap_or_default(),
                represents: represents.remove(&m.id).unwrap_or_default(),
                history: histories.remove(&m.id).unwrap_or_default(),
                meta: Meta {
                    version: m.version,
                    created_at: m.created_at,
                    updated_at: m.updated_at,
                },
            })
        })
        .collect()
}

pub(crate) async fn fetch_employee(
    conn: &impl ConnectionTrait,
    id: EmployeeId,
) -> Result<Employee, StoreError> {
    let row = employee::Entity::find_by_id(id.uuid())
        .one(conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    to_employees(conn, vec![row])
        .await?
        .pop()
        .ok_or(StoreError::NotFound)
}

/// Every unit an employee input refers to, located by field.
fn unit_refs(unit_id: UnitId, manages: &[UnitId], represents: &[UnitId]) -> Vec<(String, UnitId)> {
    let mut refs = vec![("unit_id".to_owned(), unit_id)];
    refs.extend(list_refs("manages", manages));
    refs.extend(list_refs("represents", represents));
    refs
}

impl Store {
    /// Employees in `scope`, optionally only those working directly in `unit`, in id order.
    pub async fn list_employees(
        &self,
        scope: &EmployeeScope,
        unit: Option<UnitId>,
        page: PageRequest,
    ) -> Result<Page<Employee>, StoreError> {
        let mut query = employee::Entity::find()
            .filter(scope.condition())
            .order_by_asc(employee::Column::Id);
        if let Some(unit) = unit {
            query = query.filter(employee::Column::UnitId.eq(unit.uuid()));
        }
        if let Some(after) = page.after {
            query = query.filter(employee::Column::Id.gt(after));
        }
        let rows = query.limit(page.limit + 1).all(&self.db).await?;
        let page = Page::from_overfetch(rows, page.limit, |m| m.id);
        Ok(Page {
            items: to_employees(&self.db, page.items).await?,
            next_after: page.next_after,
        })
    }

    /// One employee.
    pub async fn get_employee(&self, id: EmployeeId) -> Result<Employee, StoreError> {
        fetch_employee(&self.db, id).await
    }

    /// The active employee a token's subject names: by id when it is a UUID, else by external id.
    pub async fn employee_by_subject(&self, subject: &str) -> Result<Employee, StoreError> {
        let by = match Uuid::parse_str(subject) {
            Ok(id) => employee::Column::Id.eq(id),
            Err(_) => employee::Column::ExternalId.eq(subject),
        };
        self.active_employee(by).await
    }

    /// The active employee whose work e-mail is `email`, whatever its case; none when two
    /// share it (then it names no one).
    pub async fn employee_by_email(&self, email: &str) -> Result<Employee, StoreError> {
        let lower = email.trim().to_lowercase();
        let by = sea_orm::sea_query::ExprTrait::eq(
            Expr::expr(sea_orm::sea_query::Func::lower(Expr::col(
                employee::Column::Email,
            ))),
            lower,
        );
        self.active_employee(by).await
    }

    async fn active_employee(
        &self,
        by: sea_orm::sea_query::SimpleExpr,
    ) -> Result<Employee, StoreError> {
        let mut rows = employee::Entity::find()
            .filter(by)
            .filter(employee::Column::Active.eq(true))
            .limit(2)
            .all(&self.db)
            .await?;
        if rows.len() != 1 {
            return Err(StoreError::NotFound);
        }
        let row = rows.pop().ok_or(StoreError::NotFound)?;
        to_employees(&self.db, vec![row])
            .await?
            .pop()
            .ok_or(StoreError::NotFound)
    }

    /// Creates an employee with their roles.
    pub async fn create_employee(&self, new: NewEmployee) -> Result<Employee, StoreError> {
        let txn = self.db.begin().await?;
        // Placements are checked against units' endings, which a sync may be changing.
        crate::sync::serialise_syncs(&txn).await?;
        check_units_exist(&txn, &unit_refs(new.unit_id, &new.manages, &new.represents)).await?;
        let id = EmployeeId::generate();
        let now = self.now();
        let history = History::default().as_of(
            self.today(),
            new.active
                .then(|| (new.unit_id, new.professional_group.clone())),
        );
        let mut v = Violations::new();
        let endings = crate::placements::unit_endings(&txn).await?;
        check_new_placements("unit_id", &history, &History::default(), &endings, &mut v);
        if !v.is_empty() {
            return Err(StoreError::Invalid(v));
        }
        employee::Entity::insert(employee::ActiveModel {
            id: Set(id.uuid()),
            external_id: Set(new.external_id.map(ExternalId::into_string)),
            name: Set(new.name.into_string()),
            email: Set(new.email.map(|e| e.as_str().to_owned())),
            professional_group: Set(new.professional_group.map(ProfessionalGroup::into_string)),
            unit_id: Set(new.unit_id.uuid()),
            active: Set(new.active),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            left_at: Set((!new.active).then_some(now)),
            erased_at: Set(None),
        })
        .exec_without_returning(&txn)
        .await
        .map_err(|e| StoreError::from_write(e, "external_id"))?;
        insert_histories(&txn, &[(id.uuid(), &history)]).await?;
        let ids = [id.uuid()];
        replace_assignments(
            &txn,
            Role::Manager,
            &ids,
            new.manages.into_iter().map(|u| (id.uuid(), u)),
        )
        .await?;
        replace_assignments(
            &txn,
            Role::LocalRepresentative,
            &ids,
            new.represents.into_iter().map(|u| (id.uuid(), u)),
        )
        .await?;
        let employee = fetch_employee(&txn, id).await?;
        crate::events::record(&txn, now, vec![NewEvent::employee(true, &employee)]).await?;
        txn.commit().await?;
        self.organisation_changed();
        Ok(employee)
    }

    /// Changes an employee, refusing a stale `expected_version`.
    pub async fn update_employee(
        &self,
        id: EmployeeId,
        expected_version: Option<i64>,
        changes: EmployeeChanges,
    ) -> Result<Employee, StoreError> {
        let txn = self.db.begin().await?;
        // As a sync does, and before the row (a sync locks rows after it): a new placement is
        // checked against units' endings, which a sync may be changing.
        crate::sync::serialise_syncs(&txn).await?;
        lock_row::<employee::Entity>(&txn, id.uuid()).await?;
        let current = fetch_employee(&txn, id).await?;
        check_version(current.meta.version, expected_version)?;
        let next = changes.apply_to(&current, self.today());
        if next == current {
            return Ok(current);
        }
        check_units_exist(
            &txn,
            &unit_refs(next.unit_id, &next.manages, &next.represents),
        )
        .await?;
        if next.history != current.history {
            let mut v = Violations::new();
            let endings = crate::placements::unit_endings(&txn).await?;
            check_new_placements("unit_id", &next.history, &current.history, &endings, &mut v);
            if !v.is_empty() {
                return Err(StoreError::Invalid(v));
            }
            replace_histories(&txn, &[(id.uuid(), &next.history)]).await?;
        }
        write_employee(&txn, &next, current.meta.version, self.now()).await?;
        if next.unit_id != current.unit_id {
            crate::plans::follow_moves(&txn, &[(id.uuid(), next.unit_id.uuid())]).await?;
        }
        let ids = [id.uuid()];
        if next.manages != current.manages {
            replace_assignments(
                &txn,
                Role::Manager,
                &ids,
                next.manages.iter().map(|u| (id.uuid(), *u)),
            )
            .await?;
        }
        if next.represents != current.represents {
            replace_assignments(
                &txn,
                Role::LocalRepresentative,
                &ids,
                next.represents.iter().map(|u| (id.uuid(), *u)),
            )
            .await?;
        }
        let employee = fetch_employee(&txn, id).await?;
        crate::events::record(&txn, self.now(), vec![NewEvent::employee(false, &employee)]).await?;
        txn.commit().await?;
        self.organisation_changed();
        Ok(employee)
    }
}

/// `left_at` as written with a change to `active`: none while active; kept from when they
/// became inactive, or now if they just did.
fn left_at(active: bool, now: DateTime<Utc>) -> SimpleExpr {
    if active {
        Expr::value(Option::<DateTime<Utc>>::None)
    } else {
        Func::coalesce([Expr::col(employee::Column::LeftAt), Expr::value(now)]).into()
    }
}

/// Writes an employee's own columns as a new version, if `expected_version` is still stored.
pub(crate) async fn write_employee(
    txn: &DatabaseTransaction,
    next: &Employee,
    expected_version: i64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let updated = employee::Entity::update_many()
        .col_expr(
            employee::Column::ExternalId,
            Expr::value(next.external_id.as_ref().map(|e| e.as_str().to_owned())),
        )
        .col_expr(employee::Column::Name, Expr::value(next.name.as_str()))
        .col_expr(
            employee::Column::Email,
            Expr::value(next.email.as_ref().map(|e| e.as_str().to_owned())),
        )
        .col_expr(
            employee::Column::ProfessionalGroup,
            Expr::value(
                next.professional_group
                    .as_ref()
                    .map(|g| g.as_str().to_owned()),
            ),
        )
        .col_expr(employee::Column::UnitId, Expr::value(next.unit_id.uuid()))
        .col_expr(employee::Column::Active, Expr::value(next.active))
        .col_expr(employee::Column::LeftAt, left_at(next.active, now))
        .col_expr(employee::Column::Version, Expr::value(expected_version + 1))
        .col_expr(employee::Column::UpdatedAt, Expr::value(now))
        .filter(employee::Column::Id.eq(next.id.uuid()))
        .filter(employee::Column::Version.eq(expected_version))
        .exec(txn)
        .await
        .map_err(|e| StoreError::from_write(e, "external_id"))?;
    ensure_updated(&updated)?;
    Ok(())
}
