//! MED committees, the committee each reports to, and their members.

use devplan_domain::FieldCode;
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use devplan_domain::org::CommitteeLevel;
use devplan_domain::records::{Committee, CommitteeChanges, Meta, NewCommittee};
use devplan_domain::text::{ExternalId, Name};
use devplan_domain::{CommitteeId, EmployeeId, UnitId, Violation, Violations};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, TransactionTrait,
};
use uuid::Uuid;

use crate::employees::parse_stored;
use crate::entities::{committee, committee_member, employee};
use crate::units::{CHUNK, check_units_exist};
use crate::version::{check_version, ensure_updated, lock_row};
use crate::{Page, PageRequest, Store, StoreError};

/// Members of each of `committees`, sorted.
pub(crate) async fn members(
    conn: &impl ConnectionTrait,
    committees: &[Uuid],
) -> Result<HashMap<Uuid, Vec<EmployeeId>>, StoreError> {
    let mut map: HashMap<Uuid, Vec<EmployeeId>> = HashMap::new();
    for chunk in committees.chunks(CHUNK) {
        let rows: Vec<(Uuid, Uuid)> = committee_member::Entity::find()
            .select_only()
            .column(committee_member::Column::CommitteeId)
            .column(committee_member::Column::EmployeeId)
            .filter(committee_member::Column::CommitteeId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(conn)
            .await?;
        for (committee, member) in rows {
            map.entry(committee)
                .or_default()
                .push(EmployeeId::from_uuid(member));
        }
    }
    for m in map.values_mut() {
        m.sort();
    }
    Ok(map)
}

/// Replaces the member lists of `committees`.
pub(crate) async fn replace_members(
    txn: &DatabaseTransaction,
    committees: &[Uuid],
    links: impl IntoIterator<Item = (Uuid, EmployeeId)>,
) -> Result<(), StoreError> {
    for chunk in committees.chunks(CHUNK) {
        committee_member::Entity::delete_many()
            .filter(committee_member::Column::CommitteeId.is_in(chunk.iter().copied()))
            .exec(txn)
            .await?;
    }
    let rows: Vec<committee_member::ActiveModel> = links
        .into_iter()
        .map(|(c, e)| committee_member::ActiveModel {
            committee_id: Set(c),
            employee_id: Set(e.uuid()),
        })
        .collect();
    crate::bulk::insert(txn, rows).await?;
    Ok(())
}

pub(crate) async fn to_committees(
    conn: &impl ConnectionTrait,
    rows: Vec<committee::Model>,
) -> Result<Vec<Committee>, StoreError> {
    let ids: Vec<Uuid> = rows.iter().map(|m| m.id).collect();
    let mut members = members(conn, &ids).await?;
    rows.into_iter()
        .map(|m| {
            Ok(Committee {
                id: CommitteeId::from_uuid(m.id),
                external_id: parse_stored(m.external_id.as_deref(), ExternalId::parse)?,
                name: Name::parse("name", &m.name).map_err(StoreError::corrupt)?,
                level: CommitteeLevel::parse(&m.level)
                    .ok_or_else(|| StoreError::corrupt(format!("committee level {}", m.level)))?,
                unit_id: UnitId::from_uuid(m.unit_id),
                parent_id: m.parent_id.map(CommitteeId::from_uuid),
                members: members.remove(&m.id).unwrap_or_default(),
                meta: Meta {
                    version: m.version,
                    created_at: m.created_at,
                    updated_at: m.updated_at,
                },
            })
        })
        .collect()
}

async fn fetch_committee(
    conn: &impl ConnectionTrait,
    id: CommitteeId,
) -> Result<Committee, StoreError> {
    let row = committee::Entity::find_by_id(id.uuid())
        .one(conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    to_committees(conn, vec![row])
        .await?
        .pop()
        .ok_or(StoreError::NotFound)
}

/// Refuses references to unknown units, parents that are not above the committee's level, and
/// unknown members.
async fn check_committee(
    conn: &impl ConnectionTrait,
    id: Option<CommitteeId>,
    level: CommitteeLevel,
    unit: UnitId,
    parent: Option<CommitteeId>,
    members: &[EmployeeId],
) -> Result<(), StoreError> {
    check_units_exist(conn, &[("unit_id".to_owned(), unit)]).await?;
    let mut v = Violations::new();
    if let Some(parent) = parent {
        let parent_level = committee::Entity::find_by_id(parent.uuid())
            .one(conn)
            .await?
            .and_then(|p| CommitteeLevel::parse(&p.level));
        match parent_level {
            None => v.push(Violation::new(
                "parent_id",
                FieldCode::UnknownCommittee,
                "no such committee",
            )),
            Some(_) if Some(parent) == id => v.push(Violation::new(
                "parent_id",
                FieldCode::Cycle,
                "a committee cannot report to itself",
            )),
            Some(pl) if !level.may_report_to(pl) => v.push(Violation::new(
                "parent_id",
                FieldCode::ParentLevel,
                format!(
                    "a {} committee cannot report to a {} committee",
                    level.as_str(),
                    pl.as_str()
                ),
            )),
            Some(_) => {}
        }
    }
    if !members.is_empty() {
        let found: Vec<Uuid> = employee::Entity::find()
            .select_only()
            .column(employee::Column::Id)
            .filter(employee::Column::Id.is_in(members.iter().map(|e| e.uuid())))
            .into_tuple()
            .all(conn)
            .await?;
        for (i, m) in members.iter().enumerate() {
            if !found.contains(&m.uuid()) {
                v.push(Violation::new(
                    format!("members[{i}]"),
                    FieldCode::UnknownEmployee,
                    "no such employee",
                ));
            }
        }
    }
    if v.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Invalid(v))
    }
}

impl Store {
    /// Committees in id order, only `only` when given.
    pub async fn list_committees(
        &self,
        only: Option<&[CommitteeId]>,
        page: PageRequest,
    ) -> Result<Page<Committee>, StoreError> {
        let mut query = committee::Entity::find().order_by_asc(committee::Column::Id);
        if let Some(ids) = only {
            query = query.filter(committee::Column::Id.is_in(ids.iter().map(|c| c.uuid())));
        }
        if let Some(after) = page.after {
            query = query.filter(committee::Column::Id.gt(after));
        }
        let rows = query.limit(page.limit + 1).all(&self.db).await?;
        let page = Page::from_overfetch(rows, page.limit, |m| m.id);
        Ok(Page {
            items: to_committees(&self.db, page.items).await?,
            next_after: page.next_after,
        })
    }

    /// One committee.
    pub async fn get_committee(&self, id: CommitteeId) -> Result<Committee, StoreError> {
        fetch_committee(&self.db, id).await
    }

    /// Creates a committee with its members.
    pub async fn create_committee(&self, new: NewCommittee) -> Result<Committee, StoreError> {
        let txn = self.db.begin().await?;
        let mut members_list = new.members.clone();
        members_list.sort();
        members_list.dedup();
        check_committee(
            &txn,
            None,
            new.level,
            new.unit_id,
            new.parent_id,
            &new.members,
        )
        .await?;
        let id = CommitteeId::generate();
        let now = self.now();
        committee::Entity::insert(committee::ActiveModel {
            id: Set(id.uuid()),
            external_id: Set(new.external_id.map(ExternalId::into_string)),
            name: Set(new.name.into_string()),
            level: Set(new.level.as_str().to_owned()),
            unit_id: Set(new.unit_id.uuid()),
            parent_id: Set(new.parent_id.map(CommitteeId::uuid)),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .exec_without_returning(&txn)
        .await
        .map_err(|e| StoreError::from_write(e, "external_id"))?;
        replace_members(
            &txn,
            &[id.uuid()],
            members_list.into_iter().map(|m| (id.uuid(), m)),
        )
        .await?;
        let committee = fetch_committee(&txn, id).await?;
        crate::events::record(
            &txn,
            now,
            vec![crate::events::NewEvent::committee(true, &committee)],
        )
        .await?;
        txn.commit().await?;
        self.organisation_changed();
        Ok(committee)
    }

    /// Changes a committee, refusing a stale `expected_version`.
    pub async fn update_committee(
        &self,
        id: CommitteeId,
        expected_version: Option<i64>,
        changes: CommitteeChanges,
    ) -> Result<Committee, StoreError> {
        let txn = self.db.begin().await?;
        lock_row::<committee::Entity>(&txn, id.uuid()).await?;
        let current = fetch_committee(&txn, id).await?;
        check_version(current.meta.version, expected_version)?;
        let next = changes.apply_to(&current);
        if next == current {
            return Ok(current);
        }
        check_committee(
            &txn,
            Some(id),
            next.level,
            next.unit_id,
            next.parent_id,
            &next.members,
        )
        .await?;
        write_committee(&txn, &next, current.meta.version, self.now()).await?;
        if next.members != current.members {
            replace_members(
                &txn,
                &[id.uuid()],
                next.members.iter().map(|m| (id.uuid(), *m)),
            )
            .await?;
        }
        let committee = fetch_committee(&txn, id).await?;
        crate::events::record(
            &txn,
            self.now(),
            vec![crate::events::NewEvent::committee(false, &committee)],
        )
        .await?;
        txn.commit().await?;
        self.organisation_changed();
        Ok(committee)
    }
}

/// Writes a committee's own columns as a new version, if `expected_version` is still stored.
pub(crate) async fn write_committee(
    txn: &DatabaseTransaction,
    next: &Committee,
    expected_version: i64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let updated = committee::Entity::update_many()
        .col_expr(
            committee::Column::ExternalId,
            Expr::value(next.external_id.as_ref().map(|e| e.as_str().to_owned())),
        )
        .col_expr(committee::Column::Name, Expr::value(next.name.as_str()))
        .col_expr(committee::Column::Level, Expr::value(next.level.as_str()))
        .col_expr(committee::Column::UnitId, Expr::value(next.unit_id.uuid()))
        .col_expr(
            committee::Column::ParentId,
            Expr::value(next.parent_id.map(CommitteeId::uuid)),
        )
        .col_expr(
            committee::Column::Version,
            Expr::value(expected_version + 1),
        )
        .col_expr(committee::Column::UpdatedAt, Expr::value(now))
        .filter(committee::Column::Id.eq(next.id.uuid()))
        .filter(committee::Column::Version.eq(expected_version))
        .exec(txn)
        .await
        .map_err(|e| StoreError::from_write(e, "external_id"))?;
    ensure_updated(&updated)?;
    Ok(())
}
