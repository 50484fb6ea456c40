//! Who may follow each event, written with it: the people it concerns and their units at the
//! time, or the unit of a record about no one person. A reader's feed is then a merge of
//! index ranges, one per unit or person, instead of a scan of every event.
//!
//! Events already stored are tagged by their people's units as they are now.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum EventReach {
    Table,
    Key,
    Kind,
    Seq,
}

/// Kinds of key, as `crates/persistence/src/feed_reach.rs` numbers them.
const PEOPLE_UNIT: i16 = 1;
const RECORD_UNIT: i16 = 2;
const PERSON: i16 = 3;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(EventReach::Table)
                    .col(uuid(EventReach::Key))
                    .col(small_integer(EventReach::Kind))
                    .col(big_integer(EventReach::Seq))
                    .primary_key(
                        Index::create()
                            .col(EventReach::Key)
                            .col(EventReach::Kind)
                            .col(EventReach::Seq),
                    )
                    .to_owned(),
            )
            .await?;
        // Pruning deletes by number.
        manager
            .create_index(
                Index::create()
                    .name("event_reach_seq")
                    .table(EventReach::Table)
                    .col(EventReach::Seq)
                    .to_owned(),
            )
            .await?;
        let records = "'unit', 'review', 'committee', 'committee_record', 'unit_goal'";
        let sql = format!(
            "INSERT INTO event_reach (key, kind, seq) \
                 SELECT employee_id, {PERSON}, seq FROM events WHERE employee_id IS NOT NULL \
                 UNION SELECT p.unit_id, {PEOPLE_UNIT}, e.seq FROM events e \
                   JOIN employees p ON p.id = e.employee_id \
                 UNION SELECT m.employee_id, {PERSON}, e.seq FROM events e \
                   JOIN plan_members m ON m.plan_id = e.plan_id \
                 UNION SELECT p.unit_id, {PEOPLE_UNIT}, e.seq FROM events e \
                   JOIN plan_members m ON m.plan_id = e.plan_id JOIN employees p ON p.id = m.employee_id \
                 UNION SELECT unit_id, {RECORD_UNIT}, seq FROM events \
                   WHERE employee_id IS NULL AND plan_id IS NULL AND unit_id IS NOT NULL \
                   AND resource IN ({records})"
        );
        manager.get_connection().execute_unprepared(&sql).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(EventReach::Table).to_owned())
            .await
    }
}
