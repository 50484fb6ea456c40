//! The deployment's settings: one row, versioned like every other record.

use devplan_domain::records::Meta;
use devplan_domain::settings::{MainCommitteeFrequency, Settings};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, TransactionTrait,
};
use uuid::Uuid;

use crate::entities::{absence, settings};
use crate::version::{check_version, ensure_updated, lock_row};
use crate::{Store, StoreError};

/// The single row's key.
const ROW: i32 = 1;

/// The settings' id in the change feed: there is one settings record.
const SETTINGS_ID: uuid::Uuid = uuid::Uuid::nil();

pub(crate) async fn fetch(conn: &impl ConnectionTrait) -> Result<(Settings, Meta), StoreError> {
    let m = settings::Entity::find_by_id(ROW)
        .one(conn)
        .await?
        .ok_or_else(|| StoreError::corrupt("the settings row is missing"))?;
    let frequency = MainCommitteeFrequency::parse(&m.main_committee_frequency)
        .ok_or_else(|| StoreError::corrupt("main committee frequency"))?;
    let settings = Settings::new(
        m.anonymity_threshold.into(),
        m.long_absence_weeks.into(),
        m.special_follow_up_days.into(),
        frequency,
    )
    .map_err(|_| StoreError::corrupt("settings out of range"))?;
    Ok((
        settings,
        Meta {
            version: m.version,
            created_at: m.updated_at,
            updated_at: m.updated_at,
        },
    ))
}

impl Store {
    /// The settings in force.
    pub async fn settings(&self) -> Result<(Settings, Meta), StoreError> {
        fetch(&self.db).await
    }

    /// Replaces the settings, refusing a stale `expected_version`.
    pub async fn replace_settings(
        &self,
        expected_version: Option<i64>,
        next: Settings,
    ) -> Result<(Settings, Meta), StoreError> {
        let txn = self.db.begin().await?;
        lock_row::<settings::Entity>(&txn, ROW).await?;
        let (current, meta) = fetch(&txn).await?;
        check_version(meta.version, expected_version)?;
        if current == next {
            return Ok((current, meta));
        }
        let updated = settings::Entity::update_many()
            .col_expr(
                settings::Column::AnonymityThreshold,
                Expr::value(next.anonymity_threshold as i32),
            )
            .col_expr(
                settings::Column::LongAbsenceWeeks,
                Expr::value(next.long_absence_weeks as i32),
            )
            .col_expr(
                settings::Column::SpecialFollowUpDays,
                Expr::value(next.special_follow_up_days as i32),
            )
            .col_expr(
                settings::Column::MainCommitteeFrequency,
                Expr::value(next.main_committee_frequency.as_str()),
            )
            .col_expr(settings::Column::Version, Expr::value(meta.version + 1))
            .col_expr(settings::Column::UpdatedAt, Expr::value(self.now()))
            .filter(settings::Column::Id.eq(ROW))
            .filter(settings::Column::Version.eq(meta.version))
            .exec(&txn)
            .await?;
        ensure_updated(&updated)?;
        if (current.long_absence_weeks, current.special_follow_up_days)
            != (next.long_absence_weeks, next.special_follow_up_days)
        {
            // Which absences make a special follow-up due, and when, follows these two.
            let away: Vec<Uuid> = absence::Entity::find()
                .select_only()
                .column(absence::Column::EmployeeId)
                .distinct()
                .into_tuple()
                .all(&txn)
                .await?;
            crate::projection::refresh_status(&txn, &away).await?;
        }
        let result = fetch(&txn).await?;
        let (s, meta) = &result;
        let data = serde_json::json!({
            "anonymity_threshold": s.anonymity_threshold,
            "long_absence_weeks": s.long_absence_weeks,
            "special_follow_up_days": s.special_follow_up_days,
            "main_committee_frequency": s.main_committee_frequency.as_str(),
            "version": meta.version,
            "updated_at": meta.updated_at,
        });
        let change = crate::events::NewEvent::new("settings.updated", SETTINGS_ID, data)
            .version(meta.version);
        crate::events::record(&txn, meta.updated_at, vec![change]).await?;
        txn.commit().await?;
        Ok(result)
    }
}
