//! The anonymity threshold has a floor of 3: a deployment that had set it lower reads 3.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE settings SET anonymity_threshold = 3 WHERE anonymity_threshold < 3",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        // The lower thresholds are not kept: nothing to restore.
        Ok(())
    }
}
