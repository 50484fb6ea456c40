//! Managers' calendar feeds: only the hash of each secret is stored.

use devplan_domain::EmployeeId;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, TransactionTrait};

use crate::entities::calendar_feed;
use crate::{Store, StoreError};

impl Store {
    /// Stores the hash of a manager's new calendar feed token, replacing any earlier one.
    pub async fn set_calendar_token(
        &self,
        manager: EmployeeId,
        token_hash: String,
    ) -> Result<(), StoreError> {
        let txn = self.db.begin().await?;
        calendar_feed::Entity::delete_many()
            .filter(calendar_feed::Column::ManagerId.eq(manager.uuid()))
            .exec(&txn)
            .await?;
        calendar_feed::Entity::insert(calendar_feed::ActiveModel {
            manager_id: Set(manager.uuid()),
            token_hash: Set(token_hash),
            created_at: Set(self.now()),
        })
        .exec_without_returning(&txn)
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// The manager whose calendar feed token hashes to `token_hash`.
    pub async fn calendar_owner(&self, token_hash: &str) -> Result<EmployeeId, StoreError> {
        calendar_feed::Entity::find()
            .filter(calendar_feed::Column::TokenHash.eq(token_hash))
            .one(&self.db)
            .await?
            .map(|f| EmployeeId::from_uuid(f.manager_id))
            .ok_or(StoreError::NotFound)
    }
}
