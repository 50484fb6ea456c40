//! Status reviews: the snapshot is stored as it was; the sides' positions and the escalation
//! change through the domain's review rules, in one transaction guarded by the version.

use chrono::NaiveDate;
use devplan_domain::records::Meta;
use devplan_domain::review::{ReviewError, ReviewState};
use devplan_domain::status::Snapshot;
use devplan_domain::{EmployeeId, UnitId};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait,
};
use uuid::Uuid;

use crate::entities::{status_review, unit_assignment};
use crate::version::{check_version, ensure_updated, lock_row};
use crate::{Store, StoreError};

/// A status review as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredReview {
    /// Its id.
    pub id: Uuid,
    /// The unit reviewed.
    pub unit_id: UnitId,
    /// The day it was held.
    pub held_on: NaiveDate,
    /// The figures as they were, anonymised as the representative saw them.
    pub snapshot: Snapshot,
    /// The sides' positions and the escalation.
    pub state: ReviewState,
    /// Who created it (none for an integration client).
    pub created_by: Option<EmployeeId>,
    /// Version and times.
    pub meta: Meta,
}

async fn fetch_review(conn: &impl ConnectionTrait, id: Uuid) -> Result<StoredReview, StoreError> {
    status_review::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(StoreError::NotFound)
        .and_then(to_review)
}

fn to_review(m: status_review::Model) -> Result<StoredReview, StoreError> {
    Ok(StoredReview {
        id: m.id,
        unit_id: UnitId::from_uuid(m.unit_id),
        held_on: m.held_on,
        snapshot: serde_json::from_str(&m.snapshot).map_err(StoreError::corrupt)?,
        state: serde_json::from_str(&m.state).map_err(StoreError::corrupt)?,
        created_by: m.created_by.map(EmployeeId::from_uuid),
        meta: Meta {
            version: m.version,
            created_at: m.created_at,
            updated_at: m.updated_at,
        },
    })
}

/// A review's event: a record of its unit, anonymised as stored.
fn review_change(
    event_type: &'static str,
    r: &StoredReview,
) -> Result<crate::events::NewEvent, StoreError> {
    Ok(crate::events::NewEvent::new(
        event_type,
        r.id,
        serde_json::json!({
            "id": r.id,
            "unit_id": r.unit_id.uuid(),
            "held_on": r.held_on,
            "snapshot": serde_json::to_value(&r.snapshot).map_err(StoreError::corrupt)?,
            "state": serde_json::to_value(&r.state).map_err(StoreError::corrupt)?,
            "created_by": r.created_by.map(EmployeeId::uuid),
            "version": r.meta.version,
            "updated_at": r.meta.updated_at,
        }),
    )
    .version(r.meta.version)
    .in_unit(r.unit_id.uuid()))
}

impl Store {
    /// Records a review with its snapshot.
    pub async fn create_review(
        &self,
        unit: UnitId,
        held_on: NaiveDate,
        snapshot: Snapshot,
        by: Option<EmployeeId>,
    ) -> Result<StoredReview, StoreError> {
        let id = Uuid::now_v7();
        let meta = Meta::first(self.now());
        let txn = self.db.begin().await?;
        status_review::Entity::insert(status_review::ActiveModel {
            id: Set(id),
            unit_id: Set(unit.uuid()),
            held_on: Set(held_on),
            snapshot: Set(serde_json::to_string(&snapshot).map_err(StoreError::corrupt)?),
            state: Set(serde_json::to_string(&ReviewState::default()).map_err(StoreError::corrupt)?),
            created_by: Set(by.map(EmployeeId::uuid)),
            version: Set(meta.version),
            created_at: Set(meta.created_at),
            updated_at: Set(meta.updated_at),
        })
        .exec_without_returning(&txn)
        .await?;
        let stored = fetch_review(&txn, id).await?;
        crate::events::record(
            &txn,
            meta.created_at,
            vec![review_change("review.created", &stored)?],
        )
        .await?;
        txn.commit().await?;
        Ok(stored)
    }

    /// One review.
    pub async fn get_review(&self, id: Uuid) -> Result<StoredReview, StoreError> {
        status_review::Entity::find_by_id(id)
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound)
            .and_then(to_review)
    }

    /// Reviews of `units`, newest first.
    pub async fn list_reviews(
        &self,
        units: Option<&[UnitId]>,
    ) -> Result<Vec<StoredReview>, StoreError> {
        let mut query = status_review::Entity::find()
            .order_by_desc(status_review::Column::HeldOn)
            .order_by_desc(status_review::Column::Id);
        if let Some(units) = units {
            query =
                query.filter(status_review::Column::UnitId.is_in(units.iter().map(|u| u.uuid())));
        }
        query
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_review)
            .collect()
    }

    /// Applies `change` to a review's positions and escalation, refusing a stale version.
    pub async fn change_review(
        &self,
        id: Uuid,
        expected: Option<i64>,
        change: impl FnOnce(&mut ReviewState) -> Result<(), ReviewError>,
    ) -> Result<StoredReview, StoreError> {
        let txn = self.db.begin().await?;
        lock_row::<status_review::Entity>(&txn, id).await?;
        let mut review = fetch_review(&txn, id).await?;
        check_version(review.meta.version, expected)?;
        change(&mut review.state).map_err(|e| match e {
            ReviewError::Invalid(v) => StoreError::Invalid(v.into()),
            conflict => StoreError::Conflict {
                code: conflict.code(),
                message: conflict.to_string(),
            },
        })?;
        let updated = status_review::Entity::update_many()
            .col_expr(
                status_review::Column::State,
                Expr::value(serde_json::to_string(&review.state).map_err(StoreError::corrupt)?),
            )
            .col_expr(
                status_review::Column::Version,
                Expr::value(review.meta.version + 1),
            )
            .col_expr(status_review::Column::UpdatedAt, Expr::value(self.now()))
            .filter(status_review::Column::Id.eq(id))
            .filter(status_review::Column::Version.eq(review.meta.version))
            .exec(&txn)
            .await?;
        ensure_updated(&updated)?;
        let stored = fetch_review(&txn, id).await?;
        crate::events::record(
            &txn,
            stored.meta.updated_at,
            vec![review_change("review.updated", &stored)?],
        )
        .await?;
        txn.commit().await?;
        Ok(stored)
    }

    /// The units that have a local representative: those that owe a yearly review.
    pub async fn represented_units(&self) -> Result<Vec<UnitId>, StoreError> {
        let ids: Vec<Uuid> = unit_assignment::Entity::find()
            .select_only()
            .column(unit_assignment::Column::UnitId)
            .distinct()
            .filter(unit_assignment::Column::Role.eq("local_representative"))
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(ids.into_iter().map(UnitId::from_uuid).collect())
    }

    /// The units with a review held between `from` and `to`.
    pub async fn reviewed_units(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<UnitId>, StoreError> {
        let ids: Vec<Uuid> = status_review::Entity::find()
            .select_only()
            .column(status_review::Column::UnitId)
            .distinct()
            .filter(status_review::Column::HeldOn.gte(from))
            .filter(status_review::Column::HeldOn.lte(to))
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(ids.into_iter().map(UnitId::from_uuid).collect())
    }
}
