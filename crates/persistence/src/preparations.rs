//! Each participant's preparation of a development interview: written, shared and withdrawn
//! under the interview's lock, so a withdrawal and the interview being recorded as held never
//! pass each other. The feed carries that a preparation changed, never its answers.

use chrono::{DateTime, Utc};
use devplan_domain::preparation::{
    Answers, Preparation, PreparationChange, PreparationError, Side, may_change,
};
use devplan_domain::records::Meta;
use devplan_domain::{EmployeeId, GuideVersionId, InterviewId, PreparationId, ProblemCode};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    TransactionTrait,
};
use serde_json::json;

use crate::entities::{development_interview, preparation};
use crate::version::{check_version, ensure_updated, lock_row};
use crate::{Store, StoreError};

fn to_preparation(m: preparation::Model) -> Result<Preparation, StoreError> {
    Ok(Preparation {
        id: PreparationId::from_uuid(m.id),
        interview_id: InterviewId::from_uuid(m.interview_id),
        writer: EmployeeId::from_uuid(m.writer_id),
        side: Side::parse(&m.side)
            .ok_or_else(|| StoreError::corrupt(format!("preparation side {}", m.side)))?,
        guide_version: GuideVersionId::from_uuid(m.guide_version_id),
        answers: serde_json::from_str(&m.answers)
            .map_err(|e| StoreError::corrupt(format!("preparation {}: {e}", m.id)))?,
        shared_at: m.shared_at,
        meta: Meta {
            version: m.version,
            created_at: m.created_at,
            updated_at: m.updated_at,
        },
    })
}

/// What a writer does to their preparation.
#[derive(Debug, Clone)]
pub enum PreparationWrite {
    /// Writes the answers (checked against the interview's guide version).
    Answer(Answers),
    /// Shares them with the other party.
    Share,
    /// Takes the sharing back.
    Withdraw,
}

/// A preparation as the feed carries it: that it changed and whether it is shared, never an
/// answer.
fn preparation_event(created: bool, p: &Preparation) -> crate::events::NewEvent {
    crate::events::NewEvent::new(
        if created {
            "preparation.created"
        } else {
            "preparation.updated"
        },
        p.id.uuid(),
        json!({
            "id": p.id.uuid(),
            "interview_id": p.interview_id.uuid(),
            "writer_id": p.writer.uuid(),
            "side": p.side.as_str(),
            "guide_version_id": p.guide_version.uuid(),
            "shared_at": p.shared_at,
            "version": p.meta.version,
            "created_at": p.meta.created_at,
            "updated_at": p.meta.updated_at,
        }),
    )
    .version(p.meta.version)
    .about(p.writer.uuid())
}

async fn find(
    conn: &impl ConnectionTrait,
    interview: InterviewId,
    writer: EmployeeId,
) -> Result<Option<Preparation>, StoreError> {
    preparation::Entity::find()
        .filter(preparation::Column::InterviewId.eq(interview.uuid()))
        .filter(preparation::Column::WriterId.eq(writer.uuid()))
        .one(conn)
        .await?
        .map(to_preparation)
        .transpose()
}

impl Store {
    /// Every preparation of an interview, writers in id order: the caller decides who reads
    /// which.
    pub async fn preparations_of(
        &self,
        interview: InterviewId,
    ) -> Result<Vec<Preparation>, StoreError> {
        preparation::Entity::find()
            .filter(preparation::Column::InterviewId.eq(interview.uuid()))
            .order_by_asc(preparation::Column::WriterId)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_preparation)
            .collect()
    }

    /// Every preparation `writer` wrote, oldest first: their export.
    pub async fn preparations_by(
        &self,
        writer: EmployeeId,
    ) -> Result<Vec<Preparation>, StoreError> {
        preparation::Entity::find()
            .filter(preparation::Column::WriterId.eq(writer.uuid()))
            .order_by_asc(preparation::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_preparation)
            .collect()
    }

    /// One preparation.
    pub async fn get_preparation(&self, id: PreparationId) -> Result<Preparation, StoreError> {
        preparation::Entity::find_by_id(id.uuid())
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound)
            .and_then(to_preparation)
    }

    /// Writes `writer`'s preparation of `interview` from `side`: the first answers create it;
    /// sharing or withdrawing one not written is `NotFound`; a stale `expected_version` is
    /// refused; answers and withdrawals stop when the interview is held. Says whether this
    /// write created it.
    pub async fn write_preparation(
        &self,
        interview: InterviewId,
        writer: EmployeeId,
        side: Side,
        write: PreparationWrite,
        expected_version: Option<i64>,
    ) -> Result<(Preparation, bool), StoreError> {
        let txn = self.db.begin().await?;
        lock_row::<development_interview::Entity>(&txn, interview.uuid()).await?;
        let row = development_interview::Entity::find_by_id(interview.uuid())
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound)?;
        let guide = row.guide_version_id.ok_or_else(|| StoreError::Conflict {
            code: ProblemCode::NoPreparationGuide,
            message: "no preparation guide applied when this interview was offered".into(),
        })?;
        let change = match write {
            PreparationWrite::Answer(_) => PreparationChange::Answer,
            PreparationWrite::Share => PreparationChange::Share,
            PreparationWrite::Withdraw => PreparationChange::Withdraw,
        };
        may_change(change, row.held_on.is_some()).map_err(|e| match e {
            PreparationError::InterviewHeld => StoreError::Conflict {
                code: ProblemCode::InterviewHeld,
                message: "the interview was held: its preparation is what was brought to it".into(),
            },
        })?;
        let now = self.now();
        let current = find(&txn, interview, writer).await?;
        let stored = match (current, write) {
            (None, PreparationWrite::Answer(answers)) => {
                let id = PreparationId::generate();
                preparation::Entity::insert(preparation::ActiveModel {
                    id: Set(id.uuid()),
                    interview_id: Set(interview.uuid()),
                    writer_id: Set(writer.uuid()),
                    side: Set(side.as_str().to_owned()),
                    guide_version_id: Set(guide),
                    answers: Set(serde_json::to_string(&answers).map_err(StoreError::corrupt)?),
                    shared_at: Set(None),
                    version: Set(1),
                    created_at: Set(now),
                    updated_at: Set(now),
                })
                .exec_without_returning(&txn)
                .await?;
                let stored = self.preparation_in(&txn, id).await?;
                crate::events::record(&txn, now, vec![preparation_event(true, &stored)]).await?;
                (stored, true)
            }
            (None, PreparationWrite::Share | PreparationWrite::Withdraw) => {
                return Err(StoreError::NotFound);
            }
            (Some(current), write) => {
                check_version(current.meta.version, expected_version)?;
                let (answers, shared_at) = match write {
                    PreparationWrite::Answer(a) => (a, current.shared_at),
                    PreparationWrite::Share => {
                        (current.answers.clone(), current.shared_at.or(Some(now)))
                    }
                    PreparationWrite::Withdraw => (current.answers.clone(), None),
                };
                if answers == current.answers && shared_at == current.shared_at {
                    return Ok((current, false));
                }
                self.update_preparation(&txn, &current, &answers, shared_at, now)
                    .await?;
                let stored = self.preparation_in(&txn, current.id).await?;
                crate::events::record(&txn, now, vec![preparation_event(false, &stored)]).await?;
                (stored, false)
            }
        };
        txn.commit().await?;
        Ok(stored)
    }

    async fn update_preparation(
        &self,
        txn: &sea_orm::DatabaseTransaction,
        current: &Preparation,
        answers: &Answers,
        shared_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let updated = preparation::Entity::update_many()
            .col_expr(
                preparation::Column::Answers,
                Expr::value(serde_json::to_string(answers).map_err(StoreError::corrupt)?),
            )
            .col_expr(preparation::Column::SharedAt, Expr::value(shared_at))
            .col_expr(
                preparation::Column::Version,
                Expr::value(current.meta.version + 1),
            )
            .col_expr(preparation::Column::UpdatedAt, Expr::value(now))
            .filter(preparation::Column::Id.eq(current.id.uuid()))
            .filter(preparation::Column::Version.eq(current.meta.version))
            .exec(txn)
            .await?;
        ensure_updated(&updated)
    }

    async fn preparation_in(
        &self,
        conn: &impl ConnectionTrait,
        id: PreparationId,
    ) -> Result<Preparation, StoreError> {
        preparation::Entity::find_by_id(id.uuid())
            .one(conn)
            .await?
            .ok_or(StoreError::NotFound)
            .and_then(to_preparation)
    }
}
