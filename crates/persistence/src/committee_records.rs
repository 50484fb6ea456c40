//! The committees' discussions and yearly feedback.

use chrono::NaiveDate;
use devplan_domain::CommitteeId;
use devplan_domain::ProblemCode;
use devplan_domain::committee::{CommitteeTree, Discussion, Feedback, Topic};
use devplan_domain::org::CommitteeLevel;
use devplan_domain::text::LongText;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, SqlErr, TransactionTrait,
};
use uuid::Uuid;

use crate::employees::parse_stored;
use crate::entities::{committee, committee_discussion, committee_feedback};
use crate::{Store, StoreError};

fn to_discussion(m: committee_discussion::Model) -> Result<Discussion, StoreError> {
    Ok(Discussion {
        id: m.id,
        committee_id: CommitteeId::from_uuid(m.committee_id),
        topic: Topic::parse(&m.topic)
            .ok_or_else(|| StoreError::corrupt(format!("topic {}", m.topic)))?,
        held_on: m.held_on,
        summary: LongText::parse("summary", &m.summary).map_err(StoreError::corrupt)?,
        decisions: parse_stored(m.decisions.as_deref(), LongText::parse)?,
        snapshot: m
            .snapshot
            .as_deref()
            .map(serde_json::from_str)
            .transpose()
            .map_err(StoreError::corrupt)?,
    })
}

fn to_feedback(m: committee_feedback::Model) -> Result<Feedback, StoreError> {
    Ok(Feedback {
        id: m.id,
        committee_id: CommitteeId::from_uuid(m.committee_id),
        to_committee_id: CommitteeId::from_uuid(m.to_committee_id),
        year: m.year,
        text: LongText::parse("text", &m.text).map_err(StoreError::corrupt)?,
    })
}

/// A committee record's event, a record of the committee's unit.
async fn record_committee_event(
    txn: &DatabaseTransaction,
    now: chrono::DateTime<chrono::Utc>,
    id: Uuid,
    committee_id: CommitteeId,
    data: serde_json::Value,
) -> Result<(), StoreError> {
    let unit: Uuid = committee::Entity::find_by_id(committee_id.uuid())
        .select_only()
        .column(committee::Column::UnitId)
        .into_tuple()
        .one(txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    let change = crate::events::NewEvent::new("committee_record.created", id, data)
        .version(1)
        .in_unit(unit);
    crate::events::record(txn, now, vec![change]).await
}

impl Store {
    /// Every committee with its level and the committee above it.
    pub async fn committee_links(
        &self,
    ) -> Result<Vec<(CommitteeId, CommitteeLevel, Option<CommitteeId>)>, StoreError> {
        let rows: Vec<(Uuid, String, Option<Uuid>)> = committee::Entity::find()
            .select_only()
            .column(committee::Column::Id)
            .column(committee::Column::Level)
            .column(committee::Column::ParentId)
            .into_tuple()
            .all(&self.db)
            .await?;
        rows.into_iter()
            .map(|(id, level, parent)| {
                Ok((
                    CommitteeId::from_uuid(id),
                    CommitteeLevel::parse(&level)
                        .ok_or_else(|| StoreError::corrupt(format!("committee level {level}")))?,
                    parent.map(CommitteeId::from_uuid),
                ))
            })
            .collect()
    }

    /// The committee hierarchy.
    pub async fn committee_tree(&self) -> Result<CommitteeTree, StoreError> {
        Ok(CommitteeTree::new(
            self.committee_links()
                .await?
                .into_iter()
                .map(|(id, _, parent)| (id, parent)),
        ))
    }

    /// Records a discussion.
    pub async fn add_discussion(&self, d: Discussion) -> Result<Discussion, StoreError> {
        let txn = self.db.begin().await?;
        let now = self.now();
        committee_discussion::Entity::insert(committee_discussion::ActiveModel {
            id: Set(d.id),
            committee_id: Set(d.committee_id.uuid()),
            topic: Set(d.topic.as_str().to_owned()),
            held_on: Set(d.held_on),
            summary: Set(d.summary.as_str().to_owned()),
            decisions: Set(d.decisions.as_ref().map(|x| x.as_str().to_owned())),
            snapshot: Set(d
                .snapshot
                .as_ref()
                .map(serde_json::to_string)
                .transpose()
                .map_err(StoreError::corrupt)?),
            created_at: Set(now),
        })
        .exec_without_returning(&txn)
        .await?;
        let data = serde_json::json!({
            "id": d.id,
            "record": "discussion",
            "committee_id": d.committee_id.uuid(),
            "topic": d.topic.as_str(),
            "held_on": d.held_on,
            "summary": d.summary.as_str(),
            "decisions": d.decisions.as_ref().map(|x| x.as_str()),
            "snapshot": d.snapshot.as_ref().map(serde_json::to_value).transpose().map_err(StoreError::corrupt)?,
        });
        record_committee_event(&txn, now, d.id, d.committee_id, data).await?;
        txn.commit().await?;
        Ok(d)
    }

    /// A committee's discussions, oldest first.
    pub async fn list_discussions(
        &self,
        committee: CommitteeId,
    ) -> Result<Vec<Discussion>, StoreError> {
        committee_discussion::Entity::find()
            .filter(committee_discussion::Column::CommitteeId.eq(committee.uuid()))
            .order_by_asc(committee_discussion::Column::HeldOn)
            .order_by_asc(committee_discussion::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_discussion)
            .collect()
    }

    /// Records a year's feedback to the committee above.
    pub async fn add_feedback(&self, f: Feedback) -> Result<Feedback, StoreError> {
        let txn = self.db.begin().await?;
        let now = self.now();
        committee_feedback::Entity::insert(committee_feedback::ActiveModel {
            id: Set(f.id),
            committee_id: Set(f.committee_id.uuid()),
            to_committee_id: Set(f.to_committee_id.uuid()),
            year: Set(f.year),
            text: Set(f.text.as_str().to_owned()),
            created_at: Set(now),
        })
        .exec_without_returning(&txn)
        .await
        .map_err(|e| match e.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => StoreError::Conflict {
                code: ProblemCode::FeedbackAlreadySent,
                message: format!(
                    "this committee has already sent its feedback for {}",
                    f.year
                ),
            },
            _ => e.into(),
        })?;
        let data = serde_json::json!({
            "id": f.id,
            "record": "feedback",
            "committee_id": f.committee_id.uuid(),
            "to_committee_id": f.to_committee_id.uuid(),
            "year": f.year,
            "text": f.text.as_str(),
        });
        record_committee_event(&txn, now, f.id, f.committee_id, data).await?;
        txn.commit().await?;
        Ok(f)
    }

    /// The feedback sent by any of `committees`, by year and committee.
    pub async fn feedback_from(
        &self,
        committees: &[CommitteeId],
    ) -> Result<Vec<Feedback>, StoreError> {
        committee_feedback::Entity::find()
            .filter(
                committee_feedback::Column::CommitteeId.is_in(committees.iter().map(|c| c.uuid())),
            )
            .order_by_asc(committee_feedback::Column::Year)
            .order_by_asc(committee_feedback::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_feedback)
            .collect()
    }

    /// The committees that held a discussion, and those that sent feedback, in `from..=to` / `year`.
    pub async fn committee_records_in(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        year: i32,
    ) -> Result<(Vec<CommitteeId>, Vec<CommitteeId>), StoreError> {
        let discussed: Vec<Uuid> = committee_discussion::Entity::find()
            .select_only()
            .column(committee_discussion::Column::CommitteeId)
            .distinct()
            .filter(committee_discussion::Column::HeldOn.gte(from))
            .filter(committee_discussion::Column::HeldOn.lte(to))
            .into_tuple()
            .all(&self.db)
            .await?;
        let fed_back: Vec<Uuid> = committee_feedback::Entity::find()
            .select_only()
            .column(committee_feedback::Column::CommitteeId)
            .distinct()
            .filter(committee_feedback::Column::Year.eq(year))
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok((
            discussed.into_iter().map(CommitteeId::from_uuid).collect(),
            fed_back.into_iter().map(CommitteeId::from_uuid).collect(),
        ))
    }
}
