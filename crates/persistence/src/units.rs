//! Organisational units: the tree, its closure and head-counts.

use devplan_domain::FieldCode;
use std::collections::HashMap;

use devplan_domain::org::UnitTree;
use devplan_domain::records::{Meta, NewUnit, OrgUnit, UnitChanges};
use devplan_domain::text::{ExternalId, Name};
use devplan_domain::{UnitId, Violation, Violations};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, TransactionTrait,
};
use uuid::Uuid;

use crate::entities::{employee, org_unit, unit_closure};
use crate::events::NewEvent;
use crate::version::{check_version, ensure_updated, lock_row};
use crate::{Page, PageRequest, Store, StoreError};

/// How many people work in a unit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UnitHeadcount {
    /// Active employees placed directly in the unit.
    pub direct: u64,
    /// Active employees in the unit and all its sub-units.
    pub total: u64,
}

/// Rows per multi-row INSERT: well under SQLite's and PostgreSQL's bind-parameter limits.
pub(crate) const CHUNK: usize = 500;

/// Bound values one statement may carry: under SQLite's 32,766 and PostgreSQL's 65,535.
const MAX_PARAMS: usize = 30_000;

/// How many rows of `columns` bound values each fit one statement: a bulk write of 50,000
/// rows then takes a handful of statements per table instead of a hundred (each round trip
/// and parse costs more than the rows it carries).
pub(crate) const fn rows_per_statement(columns: usize) -> usize {
    MAX_PARAMS / columns
}

pub(crate) fn to_unit(m: org_unit::Model) -> Result<OrgUnit, StoreError> {
    Ok(OrgUnit {
        id: UnitId::from_uuid(m.id),
        external_id: m
            .external_id
            .as_deref()
            .map(|e| ExternalId::parse("external_id", e))
            .transpose()
            .map_err(StoreError::corrupt)?,
        name: Name::parse("name", &m.name).map_err(StoreError::corrupt)?,
        parent_id: m.parent_id.map(UnitId::from_uuid),
        ends_on: m.ends_on,
        meta: Meta {
            version: m.version,
            created_at: m.created_at,
            updated_at: m.updated_at,
        },
    })
}

/// The whole tree as stored, read inside `txn` so that checks see the transaction's writes.
pub(crate) async fn load_tree(txn: &impl ConnectionTrait) -> Result<UnitTree, StoreError> {
    let links: Vec<(Uuid, Option<Uuid>)> = org_unit::Entity::find()
        .select_only()
        .column(org_unit::Column::Id)
        .column(org_unit::Column::ParentId)
        .into_tuple()
        .all(txn)
        .await?;
    Ok(UnitTree::from_links(links.into_iter().map(
        |(id, parent)| (UnitId::from_uuid(id), parent.map(UnitId::from_uuid)),
    )))
}

/// Recomputes the closure table from the tree. Whole-table, because moves are rare and a
/// municipality has a few thousand units at most; see the README's notes on scale.
pub(crate) async fn rebuild_closure(
    txn: &DatabaseTransaction,
    tree: &UnitTree,
) -> Result<(), StoreError> {
    unit_closure::Entity::delete_many().exec(txn).await?;
    let rows: Vec<unit_closure::ActiveModel> = tree
        .closure()
        .into_iter()
        .map(|r| unit_closure::ActiveModel {
            ancestor_id: Set(r.ancestor.uuid()),
            descendant_id: Set(r.descendant.uuid()),
            depth: Set(r.depth as i32),
        })
        .collect();
    crate::bulk::insert(txn, rows).await?;
    Ok(())
}

/// The units at or below any of `roots`.
pub(crate) async fn subtree(
    conn: &impl ConnectionTrait,
    roots: &[Uuid],
) -> Result<Vec<UnitId>, StoreError> {
    if roots.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = unit_closure::Entity::find()
        .select_only()
        .column(unit_closure::Column::DescendantId)
        .distinct()
        .filter(unit_closure::Column::AncestorId.is_in(roots.iter().copied()))
        .into_tuple()
        .all(conn)
        .await?;
    Ok(ids.into_iter().map(UnitId::from_uuid).collect())
}

impl Store {
    /// Units in id order, only those in `within` when given, only children of `parent` when given.
    pub async fn list_units(
        &self,
        within: Option<&[UnitId]>,
        parent: Option<UnitId>,
        page: PageRequest,
    ) -> Result<Page<OrgUnit>, StoreError> {
        let mut query = org_unit::Entity::find().order_by_asc(org_unit::Column::Id);
        if let Some(units) = within {
            query = query.filter(org_unit::Column::Id.is_in(units.iter().map(|u| u.uuid())));
        }
        if let Some(parent) = parent {
            query = query.filter(org_unit::Column::ParentId.eq(parent.uuid()));
        }
        if let Some(after) = page.after {
            query = query.filter(org_unit::Column::Id.gt(after));
        }
        let rows = query.limit(page.limit + 1).all(&self.db).await?;
        Page::from_overfetch(rows, page.limit, |m| m.id).try_map(to_unit)
    }

    /// One unit.
    pub async fn get_unit(&self, id: UnitId) -> Result<OrgUnit, StoreError> {
        org_unit::Entity::find_by_id(id.uuid())
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound)
            .and_then(to_unit)
    }

    /// Creates a unit under an existing parent.
    pub async fn create_unit(&self, new: NewUnit) -> Result<OrgUnit, StoreError> {
        let txn = self.db.begin().await?;
        let mut tree = load_tree(&txn).await?;
        let id = UnitId::generate();
        tree.set_parent(id, new.parent_id)
            .map_err(|v| StoreError::Invalid(v.into()))?;
        let now = self.now();
        let model = org_unit::ActiveModel {
            id: Set(id.uuid()),
            external_id: Set(new.external_id.map(ExternalId::into_string)),
            name: Set(new.name.into_string()),
            parent_id: Set(new.parent_id.map(UnitId::uuid)),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ends_on: Set(None),
        };
        org_unit::Entity::insert(model)
            .exec_without_returning(&txn)
            .await
            .map_err(|e| StoreError::from_write(e, "external_id"))?;
        rebuild_closure(&txn, &tree).await?;
        let unit = fetch_unit(&txn, id).await?;
        crate::events::record(&txn, now, vec![NewEvent::unit("unit.created", &unit)]).await?;
        txn.commit().await?;
        self.organisation_changed();
        Ok(unit)
    }

    /// Changes a unit, refusing a stale `expected_version` and moves that would break the tree.
    pub async fn update_unit(
        &self,
        id: UnitId,
        expected_version: Option<i64>,
        changes: UnitChanges,
    ) -> Result<OrgUnit, StoreError> {
        let txn = self.db.begin().await?;
        lock_row::<org_unit::Entity>(&txn, id.uuid()).await?;
        let current = fetch_unit(&txn, id).await?;
        check_version(current.meta.version, expected_version)?;
        let next = changes.apply_to(&current);
        let moved = next.parent_id != current.parent_id;
        let mut tree = load_tree(&txn).await?;
        if moved {
            tree.set_parent(id, next.parent_id)
                .map_err(|v| StoreError::Invalid(v.into()))?;
        }
        if next == current {
            return Ok(current);
        }
        let OrgUnit {
            external_id,
            name,
            parent_id,
            ..
        } = next;
        let updated = org_unit::Entity::update_many()
            .col_expr(
                org_unit::Column::ExternalId,
                Expr::value(external_id.map(ExternalId::into_string)),
            )
            .col_expr(org_unit::Column::Name, Expr::value(name.into_string()))
            .col_expr(
                org_unit::Column::ParentId,
                Expr::value(parent_id.map(UnitId::uuid)),
            )
            .col_expr(
                org_unit::Column::Version,
                Expr::value(current.meta.version + 1),
            )
            .col_expr(org_unit::Column::UpdatedAt, Expr::value(self.now()))
            .filter(org_unit::Column::Id.eq(id.uuid()))
            .filter(org_unit::Column::Version.eq(current.meta.version))
            .exec(&txn)
            .await
            .map_err(|e| StoreError::from_write(e, "external_id"))?;
        ensure_updated(&updated)?;
        if moved {
            rebuild_closure(&txn, &tree).await?;
        }
        let unit = fetch_unit(&txn, id).await?;
        crate::events::record(
            &txn,
            self.now(),
            vec![NewEvent::unit("unit.updated", &unit)],
        )
        .await?;
        txn.commit().await?;
        self.organisation_changed();
        Ok(unit)
    }

    /// The unit and every unit below it.
    pub async fn subtree_of(&self, unit: UnitId) -> Result<Vec<UnitId>, StoreError> {
        subtree(&self.db, &[unit.uuid()]).await
    }

    /// Head-counts of the given units, direct and with sub-units, computed by the database.
    pub async fn headcounts(
        &self,
        units: &[UnitId],
    ) -> Result<HashMap<UnitId, UnitHeadcount>, StoreError> {
        let mut counts: HashMap<UnitId, UnitHeadcount> = units
            .iter()
            .map(|u| (*u, UnitHeadcount::default()))
            .collect();
        if units.is_empty() {
            return Ok(counts);
        }
        let ids: Vec<Uuid> = units.iter().map(|u| u.uuid()).collect();
        let stmt = Query::select()
            .column((unit_closure::Entity, unit_closure::Column::AncestorId))
            .column((unit_closure::Entity, unit_closure::Column::Depth))
            .expr(Expr::col((employee::Entity, employee::Column::Id)).count())
            .from(unit_closure::Entity)
            .inner_join(
                employee::Entity,
                Expr::col((employee::Entity, employee::Column::UnitId))
                    .equals((unit_closure::Entity, unit_closure::Column::DescendantId)),
            )
            .and_where(
                Expr::col((unit_closure::Entity, unit_closure::Column::AncestorId)).is_in(ids),
            )
            .and_where(Expr::col((employee::Entity, employee::Column::Active)).eq(true))
            .group_by_col((unit_closure::Entity, unit_closure::Column::AncestorId))
            .group_by_col((unit_closure::Entity, unit_closure::Column::Depth))
            .to_owned();
        for row in self.db.query_all(&stmt).await? {
            let (ancestor, depth, n): (Uuid, i32, i64) = row.try_get_many_by_index()?;
            let entry = counts.entry(UnitId::from_uuid(ancestor)).or_default();
            let n = u64::try_from(n).unwrap_or(0);
            entry.total += n;
            if depth == 0 {
                entry.direct += n;
            }
        }
        Ok(counts)
    }
}

pub(crate) async fn fetch_unit(
    conn: &impl ConnectionTrait,
    id: UnitId,
) -> Result<OrgUnit, StoreError> {
    org_unit::Entity::find_by_id(id.uuid())
        .one(conn)
        .await?
        .ok_or(StoreError::NotFound)
        .and_then(to_unit)
}

/// Refuses an input naming units that do not exist; each reference is `(field, id)`.
pub(crate) async fn check_units_exist(
    conn: &impl ConnectionTrait,
    refs: &[(String, UnitId)],
) -> Result<(), StoreError> {
    if refs.is_empty() {
        return Ok(());
    }
    let found: Vec<Uuid> = org_unit::Entity::find()
        .select_only()
        .column(org_unit::Column::Id)
        .filter(org_unit::Column::Id.is_in(refs.iter().map(|(_, u)| u.uuid())))
        .into_tuple()
        .all(conn)
        .await?;
    let mut v = Violations::new();
    for (field, id) in refs {
        if !found.contains(&id.uuid()) {
            v.push(Violation::new(
                field.clone(),
                FieldCode::UnknownUnit,
                "no such unit",
            ));
        }
    }
    if v.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Invalid(v))
    }
}

/// `(field[i], id)` references for a list field.
pub(crate) fn list_refs<T: Copy>(field: &str, ids: &[T]) -> Vec<(String, T)> {
    ids.iter()
        .enumerate()
        .map(|(i, id)| (format!("{field}[{i}]"), *id))
        .collect()
}
