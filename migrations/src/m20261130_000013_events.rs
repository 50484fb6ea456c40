//! The change feed: one row per change, written in the transaction of the change, numbered in
//! the order the changes committed; and the feed's horizon, below which events were pruned.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Events {
    Table,
    Seq,
    Id,
    EventType,
    Resource,
    ResourceId,
    OccurredAt,
    ActorSubject,
    ActorEmployeeId,
    RequestId,
    Version,
    EmployeeId,
    PlanId,
    UnitId,
    Data,
}

#[derive(DeriveIden)]
enum EventFeed {
    Table,
    Id,
    PrunedThrough,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Events::Table)
                    .col(big_integer(Events::Seq).auto_increment().primary_key())
                    .col(uuid_uniq(Events::Id))
                    .col(string_len(Events::EventType, 64))
                    .col(string_len(Events::Resource, 32))
                    .col(uuid(Events::ResourceId))
                    .col(timestamp_with_time_zone(Events::OccurredAt))
                    .col(string_len_null(Events::ActorSubject, 255))
                    .col(uuid_null(Events::ActorEmployeeId))
                    .col(string_len_null(Events::RequestId, 128))
                    .col(big_integer_null(Events::Version))
                    .col(uuid_null(Events::EmployeeId))
                    .col(uuid_null(Events::PlanId))
                    .col(uuid_null(Events::UnitId))
                    .col(text(Events::Data))
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("events_employee", Events::EmployeeId),
            ("events_plan", Events::PlanId),
            ("events_occurred_at", Events::OccurredAt),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Events::Table)
                        .col(col)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(EventFeed::Table)
                    .col(integer(EventFeed::Id).primary_key())
                    .col(big_integer(EventFeed::PrunedThrough))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(EventFeed::Table)
                    .columns([EventFeed::Id, EventFeed::PrunedThrough])
                    .values_panic([1.into(), 0i64.into()])
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(EventFeed::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Events::Table).to_owned())
            .await
    }
}
