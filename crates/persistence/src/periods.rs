//! Collective agreement periods.

use devplan_domain::AgreementPeriodId;
use devplan_domain::ProblemCode;
use devplan_domain::org::PeriodDates;
use devplan_domain::records::{AgreementPeriod, Meta, NewAgreementPeriod};
use devplan_domain::text::Name;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    TransactionTrait,
};

use crate::entities::agreement_period;
use crate::version::{check_version, ensure_updated, lock_row};
use crate::{Store, StoreError};

fn to_period(m: agreement_period::Model) -> Result<AgreementPeriod, StoreError> {
    Ok(AgreementPeriod {
        id: AgreementPeriodId::from_uuid(m.id),
        name: Name::parse("name", &m.name).map_err(StoreError::corrupt)?,
        dates: PeriodDates::new(m.starts_on, m.ends_on).map_err(StoreError::corrupt)?,
        meta: Meta {
            version: m.version,
            created_at: m.created_at,
            updated_at: m.updated_at,
        },
    })
}

/// Refuses a period sharing a day with another: every day belongs to at most one period.
async fn check_no_overlap(
    conn: &impl ConnectionTrait,
    dates: &PeriodDates,
    except: Option<AgreementPeriodId>,
) -> Result<(), StoreError> {
    let mut query = agreement_period::Entity::find()
        .filter(agreement_period::Column::StartsOn.lte(dates.ends_on()))
        .filter(agreement_period::Column::EndsOn.gte(dates.starts_on()));
    if let Some(id) = except {
        query = query.filter(agreement_period::Column::Id.ne(id.uuid()));
    }
    match query.one(conn).await? {
        Some(other) => Err(StoreError::Conflict {
            code: ProblemCode::OverlappingPeriod,
            message: format!("the period overlaps {} ({})", other.name, other.id),
        }),
        None => Ok(()),
    }
}

/// An agreement period's event.
fn period_change(event_type: &'static str, p: &AgreementPeriod) -> crate::events::NewEvent {
    crate::events::NewEvent::new(
        event_type,
        p.id.uuid(),
        serde_json::json!({
            "id": p.id.uuid(),
            "name": p.name.as_str(),
            "starts_on": p.dates.starts_on(),
            "ends_on": p.dates.ends_on(),
            "version": p.meta.version,
            "updated_at": p.meta.updated_at,
        }),
    )
    .version(p.meta.version)
}

impl Store {
    /// All periods, earliest first (a municipality has a handful).
    pub async fn list_periods(&self) -> Result<Vec<AgreementPeriod>, StoreError> {
        agreement_period::Entity::find()
            .order_by_asc(agreement_period::Column::StartsOn)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_period)
            .collect()
    }

    /// One period.
    pub async fn get_period(&self, id: AgreementPeriodId) -> Result<AgreementPeriod, StoreError> {
        agreement_period::Entity::find_by_id(id.uuid())
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound)
            .and_then(to_period)
    }

    /// Creates a period that overlaps no other.
    pub async fn create_period(
        &self,
        new: NewAgreementPeriod,
    ) -> Result<AgreementPeriod, StoreError> {
        let txn = self.db.begin().await?;
        check_no_overlap(&txn, &new.dates, None).await?;
        let id = AgreementPeriodId::generate();
        let now = self.now();
        agreement_period::Entity::insert(agreement_period::ActiveModel {
            id: Set(id.uuid()),
            name: Set(new.name.into_string()),
            starts_on: Set(new.dates.starts_on()),
            ends_on: Set(new.dates.ends_on()),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .exec_without_returning(&txn)
        .await?;
        let period = agreement_period::Entity::find_by_id(id.uuid())
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound)
            .and_then(to_period)?;
        crate::events::record(&txn, now, vec![period_change("period.created", &period)]).await?;
        txn.commit().await?;
        Ok(period)
    }

    /// Replaces a period's name and dates, refusing a stale `expected_version`.
    pub async fn replace_period(
        &self,
        id: AgreementPeriodId,
        expected_version: Option<i64>,
        new: NewAgreementPeriod,
    ) -> Result<AgreementPeriod, StoreError> {
        let txn = self.db.begin().await?;
        lock_row::<agreement_period::Entity>(&txn, id.uuid()).await?;
        let current = agreement_period::Entity::find_by_id(id.uuid())
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound)
            .and_then(to_period)?;
        check_version(current.meta.version, expected_version)?;
        if current.name == new.name && current.dates == new.dates {
            return Ok(current);
        }
        check_no_overlap(&txn, &new.dates, Some(id)).await?;
        let updated = agreement_period::Entity::update_many()
            .col_expr(
                agreement_period::Column::Name,
                Expr::value(new.name.as_str()),
            )
            .col_expr(
                agreement_period::Column::StartsOn,
                Expr::value(new.dates.starts_on()),
            )
            .col_expr(
                agreement_period::Column::EndsOn,
                Expr::value(new.dates.ends_on()),
            )
            .col_expr(
                agreement_period::Column::Version,
                Expr::value(current.meta.version + 1),
            )
            .col_expr(agreement_period::Column::UpdatedAt, Expr::value(self.now()))
            .filter(agreement_period::Column::Id.eq(id.uuid()))
            .filter(agreement_period::Column::Version.eq(current.meta.version))
            .exec(&txn)
            .await?;
        ensure_updated(&updated)?;
        let period = agreement_period::Entity::find_by_id(id.uuid())
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound)
            .and_then(to_period)?;
        crate::events::record(
            &txn,
            period.meta.updated_at,
            vec![period_change("period.updated", &period)],
        )
        .await?;
        txn.commit().await?;
        Ok(period)
    }
}
