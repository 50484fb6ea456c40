//! Webhook endpoints and the outbox of their deliveries. The outbox is filled from the change
//! feed: each endpoint remembers the last event it was fed, and feeding takes the events
//! after it, so an endpoint gets every event once, in order, whatever instance feeds it.
//! Deliveries are claimed with a lease (on PostgreSQL under `FOR UPDATE SKIP LOCKED`), so
//! instances share the work and never send the same delivery at once.

use chrono::{DateTime, Duration, Utc};
use devplan_domain::webhook::{DeliveryState, EndpointUrl, next_attempt_after};
use sea_orm::sea_query::{Expr, LockBehavior, LockType};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseBackend, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait,
};
use uuid::Uuid;

use crate::entities::{event, webhook_attempt, webhook_delivery, webhook_endpoint};
use crate::events::{StoredEvent, to_stored};
use crate::version::{check_version, ensure_updated};
use crate::{Page, PageRequest, Store, StoreError};

/// An endpoint, without its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookEndpoint {
    /// Its id.
    pub id: Uuid,
    /// Where deliveries go.
    pub url: String,
    /// What it is for.
    pub description: Option<String>,
    /// The event types it gets (`plan.agreed`, `plan.*`); empty: all.
    pub event_types: Vec<String>,
    /// Whether deliveries are made; a disabled endpoint's events wait for it.
    pub enabled: bool,
    /// Until when the secret before the last rotation still signs too.
    pub previous_secret_until: Option<DateTime<Utc>>,
    /// Grows with every change.
    pub version: i64,
    /// When registered.
    pub created_at: DateTime<Utc>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
}

/// What an endpoint is set to.
#[derive(Debug, Clone)]
pub struct EndpointSettings {
    /// Where deliveries go.
    pub url: EndpointUrl,
    /// What it is for.
    pub description: Option<String>,
    /// The event types it gets; empty: all.
    pub event_types: Vec<String>,
    /// Whether deliveries are made.
    pub enabled: bool,
}

/// A delivery claimed for sending, with what it needs.
#[derive(Debug, Clone)]
pub struct ClaimedDelivery {
    /// The delivery.
    pub id: Uuid,
    /// Attempts made before this one.
    pub attempts: u32,
    /// Where to send it.
    pub url: String,
    /// The secrets to sign with: the current one, and the previous one during a rotation.
    pub secrets: Vec<String>,
    /// The event.
    pub event: StoredEvent,
}

/// How one attempt went.
#[derive(Debug, Clone)]
pub struct AttemptOutcome {
    /// The receiver's status, if it answered.
    pub status: Option<u16>,
    /// Why it failed, if it did without a status (a refused connection, a timeout).
    pub error: Option<String>,
    /// How long it took.
    pub duration_ms: u32,
}

impl AttemptOutcome {
    /// Whether the receiver took the delivery (2xx).
    pub fn succeeded(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

/// One attempt as stored.
#[derive(Debug, Clone)]
pub struct StoredAttempt {
    /// 1, 2, …
    pub attempt: i32,
    /// When.
    pub at: DateTime<Utc>,
    /// The receiver's status.
    pub status: Option<i32>,
    /// Why it failed without a status.
    pub error: Option<String>,
    /// How long it took.
    pub duration_ms: i32,
}

/// A delivery as stored, with its attempts.
#[derive(Debug, Clone)]
pub struct StoredDelivery {
    /// Its id.
    pub id: Uuid,
    /// The event's id (the `webhook-id` header).
    pub event_id: Uuid,
    /// The event's type.
    pub event_type: String,
    /// Where it is.
    pub state: DeliveryState,
    /// When the next attempt is due, while pending.
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// When the receiver took it.
    pub delivered_at: Option<DateTime<Utc>>,
    /// When it was queued.
    pub created_at: DateTime<Utc>,
    /// Every attempt, oldest first.
    pub attempts: Vec<StoredAttempt>,
}

fn to_endpoint(m: webhook_endpoint::Model) -> Result<WebhookEndpoint, StoreError> {
    Ok(WebhookEndpoint {
        id: m.id,
        url: m.url,
        description: m.description,
        event_types: serde_json::from_str(&m.event_types).map_err(StoreError::corrupt)?,
        enabled: m.enabled,
        previous_secret_until: m.previous_secret_until,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

/// Whether `event_type` is among `wanted` (exact types or `<resource>.*`); empty wants all.
fn wants(wanted: &[String], event_type: &str) -> bool {
    wanted.is_empty()
        || wanted.iter().any(|w| match w.strip_suffix(".*") {
            Some(resource) => event_type.split('.').next() == Some(resource),
            None => w == event_type,
        })
}

impl Store {
    /// Registers an endpoint signing with `secret`; it gets the events from now on.
    pub async fn create_webhook_endpoint(
        &self,
        settings: EndpointSettings,
        secret: &str,
    ) -> Result<WebhookEndpoint, StoreError> {
        let now = self.now();
        let id = Uuid::now_v7();
        let txn = self.db.begin().await?;
        let newest: Option<i64> = event::Entity::find()
            .select_only()
            .column_as(event::Column::Seq.max(), "m")
            .into_tuple::<Option<i64>>()
            .one(&txn)
            .await?
            .flatten();
        webhook_endpoint::Entity::insert(webhook_endpoint::ActiveModel {
            id: Set(id),
            url: Set(settings.url.as_str().to_owned()),
            description: Set(settings.description),
            event_types: Set(
                serde_json::to_string(&settings.event_types).map_err(StoreError::corrupt)?
            ),
            secret: Set(secret.to_owned()),
            previous_secret: Set(None),
            previous_secret_until: Set(None),
            enabled: Set(settings.enabled),
            fed_through: Set(newest.unwrap_or(0)),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .exec_without_returning(&txn)
        .await?;
        txn.commit().await?;
        self.get_webhook_endpoint(id).await
    }

    /// Every endpoint, oldest first.
    pub async fn list_webhook_endpoints(&self) -> Result<Vec<WebhookEndpoint>, StoreError> {
        webhook_endpoint::Entity::find()
            .order_by_asc(webhook_endpoint::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_endpoint)
            .collect()
    }

    /// One endpoint.
    pub async fn get_webhook_endpoint(&self, id: Uuid) -> Result<WebhookEndpoint, StoreError> {
        webhook_endpoint::Entity::find_by_id(id)
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound)
            .and_then(to_endpoint)
    }

    /// Replaces an endpoint's settings, refusing a stale `expected_version`.
    pub async fn update_webhook_endpoint(
        &self,
        id: Uuid,
        expected_version: Option<i64>,
        settings: EndpointSettings,
    ) -> Result<WebhookEndpoint, StoreError> {
        let current = self.get_webhook_endpoint(id).await?;
        check_version(current.version, expected_version)?;
        let updated = webhook_endpoint::Entity::update_many()
            .col_expr(
                webhook_endpoint::Column::Url,
                Expr::value(settings.url.as_str()),
            )
            .col_expr(
                webhook_endpoint::Column::Description,
                Expr::value(settings.description),
            )
            .col_expr(
                webhook_endpoint::Column::EventTypes,
                Expr::value(
                    serde_json::to_string(&settings.event_types).map_err(StoreError::corrupt)?,
                ),
            )
            .col_expr(
                webhook_endpoint::Column::Enabled,
                Expr::value(settings.enabled),
            )
            .col_expr(
                webhook_endpoint::Column::Version,
                Expr::value(current.version + 1),
            )
            .col_expr(webhook_endpoint::Column::UpdatedAt, Expr::value(self.now()))
            .filter(webhook_endpoint::Column::Id.eq(id))
            .filter(webhook_endpoint::Column::Version.eq(current.version))
            .exec(&self.db)
            .await?;
        ensure_updated(&updated)?;
        self.get_webhook_endpoint(id).await
    }

    /// Signs with `secret` from now on; the old secret signs too until `overlap` has passed,
    /// so receivers can switch without losing a delivery.
    pub async fn rotate_webhook_secret(
        &self,
        id: Uuid,
        secret: &str,
        overlap: Duration,
    ) -> Result<WebhookEndpoint, StoreError> {
        let current = webhook_endpoint::Entity::find_by_id(id)
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound)?;
        let now = self.now();
        let updated = webhook_endpoint::Entity::update_many()
            .col_expr(webhook_endpoint::Column::Secret, Expr::value(secret))
            .col_expr(
                webhook_endpoint::Column::PreviousSecret,
                Expr::value(current.secret.clone()),
            )
            .col_expr(
                webhook_endpoint::Column::PreviousSecretUntil,
                Expr::value(now + overlap),
            )
            .col_expr(
                webhook_endpoint::Column::Version,
                Expr::value(current.version + 1),
            )
            .col_expr(webhook_endpoint::Column::UpdatedAt, Expr::value(now))
            .filter(webhook_endpoint::Column::Id.eq(id))
            .filter(webhook_endpoint::Column::Version.eq(current.version))
            .exec(&self.db)
            .await?;
        ensure_updated(&updated)?;
        self.get_webhook_endpoint(id).await
    }

    /// Queues, for each enabled endpoint, the events after the last one it was fed (up to
    /// `limit` an endpoint per call); returns how many deliveries were queued. An endpoint is
    /// fed by one instance at a time.
    pub async fn feed_webhooks(&self, limit: u64) -> Result<u64, StoreError> {
        let now = self.now();
        let txn = self.db.begin().await?;
        let mut q = webhook_endpoint::Entity::find()
            .filter(webhook_endpoint::Column::Enabled.eq(true))
            .order_by_asc(webhook_endpoint::Column::Id);
        if self.db.get_database_backend() == DatabaseBackend::Postgres {
            q = q.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
        }
        let endpoints = q.all(&txn).await?;
        let mut queued = 0;
        for e in endpoints {
            let wanted: Vec<String> =
                serde_json::from_str(&e.event_types).map_err(StoreError::corrupt)?;
            let events: Vec<(i64, Uuid, String)> = event::Entity::find()
                .select_only()
                .column(event::Column::Seq)
                .column(event::Column::Id)
                .column(event::Column::EventType)
                .filter(event::Column::Seq.gt(e.fed_through))
                .order_by_asc(event::Column::Seq)
                .limit(limit)
                .into_tuple()
                .all(&txn)
                .await?;
            let Some(last) = events.last().map(|(seq, _, _)| *seq) else {
                continue;
            };
            let rows: Vec<_> = events
                .into_iter()
                .filter(|(_, _, t)| wants(&wanted, t))
                .map(|(seq, id, event_type)| webhook_delivery::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    endpoint_id: Set(e.id),
                    event_seq: Set(seq),
                    event_id: Set(id),
                    event_type: Set(event_type),
                    state: Set(DeliveryState::Pending.as_str().to_owned()),
                    attempts: Set(0),
                    next_attempt_at: Set(now),
                    leased_until: Set(None),
                    last_status: Set(None),
                    last_error: Set(None),
                    delivered_at: Set(None),
                    created_at: Set(now),
                })
                .collect();
            queued += rows.len() as u64;
            for chunk in rows.chunks(1_000) {
                // The endpoint's row is locked while it is fed, so a conflict means only that
                // an earlier feed queued the event and then failed to move the cursor.
                webhook_delivery::Entity::insert_many(chunk.to_vec())
                    .on_conflict_do_nothing_on([
                        webhook_delivery::Column::EndpointId,
                        webhook_delivery::Column::EventSeq,
                    ])
                    .exec_without_returning(&txn)
                    .await?;
            }
            webhook_endpoint::Entity::update_many()
                .col_expr(webhook_endpoint::Column::FedThrough, Expr::value(last))
                .filter(webhook_endpoint::Column::Id.eq(e.id))
                .exec(&txn)
                .await?;
        }
        txn.commit().await?;
        Ok(queued)
    }

    /// Claims up to `limit` deliveries due now for `lease`: no other instance takes them
    /// until the lease ends or the attempt is recorded.
    pub async fn claim_webhook_deliveries(
        &self,
        lease: Duration,
        limit: u64,
    ) -> Result<Vec<ClaimedDelivery>, StoreError> {
        let now = self.now();
        let txn = self.db.begin().await?;
        let mut q = webhook_delivery::Entity::find()
            .filter(webhook_delivery::Column::State.eq(DeliveryState::Pending.as_str()))
            .filter(webhook_delivery::Column::NextAttemptAt.lte(now))
            .filter(
                sea_orm::Condition::any()
                    .add(webhook_delivery::Column::LeasedUntil.is_null())
                    .add(webhook_delivery::Column::LeasedUntil.lt(now)),
            )
            .order_by_asc(webhook_delivery::Column::NextAttemptAt)
            .order_by_asc(webhook_delivery::Column::EventSeq)
            .limit(limit);
        if self.db.get_database_backend() == DatabaseBackend::Postgres {
            q = q.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
        }
        let due = q.all(&txn).await?;
        if due.is_empty() {
            txn.commit().await?;
            return Ok(Vec::new());
        }
        webhook_delivery::Entity::update_many()
            .col_expr(
                webhook_delivery::Column::LeasedUntil,
                Expr::value(now + lease),
            )
            .filter(webhook_delivery::Column::Id.is_in(due.iter().map(|d| d.id)))
            .exec(&txn)
            .await?;
        let endpoints = webhook_endpoint::Entity::find()
            .filter(webhook_endpoint::Column::Id.is_in(due.iter().map(|d| d.endpoint_id)))
            .all(&txn)
            .await?;
        let events = event::Entity::find()
            .filter(event::Column::Seq.is_in(due.iter().map(|d| d.event_seq)))
            .all(&txn)
            .await?;
        txn.commit().await?;
        let mut claimed = Vec::with_capacity(due.len());
        for d in due {
            let (Some(e), Some(ev)) = (
                endpoints.iter().find(|e| e.id == d.endpoint_id),
                events.iter().find(|ev| ev.seq == d.event_seq),
            ) else {
                // The event was pruned before it could be delivered: record that.
                self.finish_webhook_delivery(
                    d.id,
                    u32::try_from(d.attempts).unwrap_or(0),
                    AttemptOutcome {
                        status: None,
                        error: Some("the event was pruned before delivery".into()),
                        duration_ms: 0,
                    },
                    true,
                )
                .await?;
                continue;
            };
            let mut secrets = vec![e.secret.clone()];
            if let (Some(previous), Some(until)) = (&e.previous_secret, e.previous_secret_until)
                && until > now
            {
                secrets.push(previous.clone());
            }
            claimed.push(ClaimedDelivery {
                id: d.id,
                attempts: u32::try_from(d.attempts).unwrap_or(0),
                url: e.url.clone(),
                secrets,
                event: to_stored(ev.clone(), true)?,
            });
        }
        Ok(claimed)
    }

    /// Records an attempt at a delivery that had `before` attempts: delivered, due again by
    /// the retry schedule, or given up (also when `give_up`).
    pub async fn finish_webhook_delivery(
        &self,
        id: Uuid,
        before: u32,
        outcome: AttemptOutcome,
        give_up: bool,
    ) -> Result<DeliveryState, StoreError> {
        let now = self.now();
        let attempts = before + 1;
        let succeeded = outcome.succeeded();
        let state = if give_up && !succeeded {
            DeliveryState::Failed
        } else {
            DeliveryState::after_attempt(succeeded, attempts)
        };
        let next = match state {
            DeliveryState::Pending => now + next_attempt_after(attempts).unwrap_or_default(),
            _ => now,
        };
        let txn = self.db.begin().await?;
        webhook_attempt::Entity::insert(webhook_attempt::ActiveModel {
            id: Set(Uuid::now_v7()),
            delivery_id: Set(id),
            attempt: Set(i32::try_from(attempts).unwrap_or(i32::MAX)),
            attempted_at: Set(now),
            status: Set(outcome.status.map(i32::from)),
            error: Set(outcome.error.clone()),
            duration_ms: Set(i32::try_from(outcome.duration_ms).unwrap_or(i32::MAX)),
        })
        .exec_without_returning(&txn)
        .await?;
        webhook_delivery::Entity::update_many()
            .col_expr(webhook_delivery::Column::State, Expr::value(state.as_str()))
            .col_expr(
                webhook_delivery::Column::Attempts,
                Expr::value(i32::try_from(attempts).unwrap_or(i32::MAX)),
            )
            .col_expr(webhook_delivery::Column::NextAttemptAt, Expr::value(next))
            .col_expr(
                webhook_delivery::Column::LeasedUntil,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .col_expr(
                webhook_delivery::Column::LastStatus,
                Expr::value(outcome.status.map(i32::from)),
            )
            .col_expr(
                webhook_delivery::Column::LastError,
                Expr::value(outcome.error),
            )
            .col_expr(
                webhook_delivery::Column::DeliveredAt,
                Expr::value(succeeded.then_some(now)),
            )
            .filter(webhook_delivery::Column::Id.eq(id))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        Ok(state)
    }

    /// An endpoint's deliveries, newest first, with their attempts.
    pub async fn list_webhook_deliveries(
        &self,
        endpoint: Uuid,
        page: PageRequest,
    ) -> Result<Page<StoredDelivery>, StoreError> {
        let mut q = webhook_delivery::Entity::find()
            .filter(webhook_delivery::Column::EndpointId.eq(endpoint))
            .order_by_asc(webhook_delivery::Column::Id)
            .limit(page.limit + 1);
        if let Some(after) = page.after {
            q = q.filter(webhook_delivery::Column::Id.gt(after));
        }
        let rows = q.all(&self.db).await?;
        let page = Page::from_overfetch(rows, page.limit, |d| d.id);
        let attempts = webhook_attempt::Entity::find()
            .filter(webhook_attempt::Column::DeliveryId.is_in(page.items.iter().map(|d| d.id)))
            .order_by_asc(webhook_attempt::Column::Attempt)
            .all(&self.db)
            .await?;
        page.try_map(|d| {
            Ok(StoredDelivery {
                id: d.id,
                event_id: d.event_id,
                event_type: d.event_type,
                state: DeliveryState::parse(&d.state)
                    .ok_or_else(|| StoreError::corrupt(format!("delivery state {}", d.state)))?,
                next_attempt_at: (d.state == DeliveryState::Pending.as_str())
                    .then_some(d.next_attempt_at),
                delivered_at: d.delivered_at,
                created_at: d.created_at,
                attempts: attempts
                    .iter()
                    .filter(|a| a.delivery_id == d.id)
                    .map(|a| StoredAttempt {
                        attempt: a.attempt,
                        at: a.attempted_at,
                        status: a.status,
                        error: a.error.clone(),
                        duration_ms: a.duration_ms,
                    })
                    .collect(),
            })
        })
    }

    /// When the oldest delivery still waiting was queued; none when none waits.
    pub async fn oldest_undelivered(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        Ok(webhook_delivery::Entity::find()
            .select_only()
            .column_as(webhook_delivery::Column::CreatedAt.min(), "m")
            .filter(webhook_delivery::Column::State.eq(DeliveryState::Pending.as_str()))
            .into_tuple::<Option<DateTime<Utc>>>()
            .one(&self.db)
            .await?
            .flatten())
    }
}

#[cfg(test)]
mod tests {
    use super::wants;

    #[test]
    fn an_endpoint_wants_its_types_whole_resources_or_everything() {
        let w = |l: &[&str]| l.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert!(wants(&w(&[]), "plan.signed"));
        assert!(wants(&w(&["plan.*"]), "plan.signed"));
        assert!(!wants(&w(&["plan.*"]), "planning.x"));
        assert!(wants(
            &w(&["absence.created", "plan.agreed"]),
            "plan.agreed"
        ));
        assert!(!wants(&w(&["plan.agreed"]), "plan.signed"));
    }
}
