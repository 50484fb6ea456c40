//! Idempotency keys: a `POST` sent again with the same key by the same caller gets the first
//! response instead of doing the work twice. Kept in the database, so every instance answers
//! the same, and a key is claimed by one request at a time (the primary key decides).

use chrono::Duration;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

use crate::entities::idempotency_key;
use crate::{Store, StoreError};

/// The first response to a request, as kept for its retries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptResponse {
    /// Its status code.
    pub status: u16,
    /// The headers a retry must see again (content type, `ETag`, `Location`).
    pub headers: Vec<(String, String)>,
    /// Its body.
    pub body: String,
}

/// What a key says about a request that carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyClaim {
    /// First use: this request does the work.
    Fresh,
    /// Another request with this key is still being served.
    InProgress,
    /// The key was used for another request.
    Reused,
    /// The request was served: here is its response.
    Replay(KeptResponse),
}

impl Store {
    /// Claims `key` of `subject` for a request whose method, path and body hash to
    /// `request_hash`. A key older than `ttl` is forgotten first.
    pub async fn claim_idempotency_key(
        &self,
        subject: &str,
        key: &str,
        request_hash: &str,
        ttl: Duration,
    ) -> Result<KeyClaim, StoreError> {
        let now = self.now();
        idempotency_key::Entity::delete_many()
            .filter(idempotency_key::Column::Subject.eq(subject))
            .filter(idempotency_key::Column::Key.eq(key))
            .filter(idempotency_key::Column::CreatedAt.lt(now - ttl))
            .exec(&self.db)
            .await?;
        let inserted = idempotency_key::Entity::insert(idempotency_key::ActiveModel {
            subject: Set(subject.to_owned()),
            key: Set(key.to_owned()),
            request_hash: Set(request_hash.to_owned()),
            status: Set(None),
            headers: Set(None),
            body: Set(None),
            created_at: Set(now),
        })
        .on_conflict(
            OnConflict::columns([
                idempotency_key::Column::Subject,
                idempotency_key::Column::Key,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(&self.db)
        .await?;
        if inserted == 1 {
            return Ok(KeyClaim::Fresh);
        }
        let Some(row) = idempotency_key::Entity::find_by_id((subject.to_owned(), key.to_owned()))
            .one(&self.db)
            .await?
        else {
            // Forgotten between the insert and the read (it expired or its request failed):
            // the client's retry claims it afresh.
            return Ok(KeyClaim::InProgress);
        };
        if row.request_hash != request_hash {
            return Ok(KeyClaim::Reused);
        }
        match (row.status, row.body) {
            (Some(status), Some(body)) => {
                let headers = row
                    .headers
                    .as_deref()
                    .map(serde_json::from_str)
                    .transpose()
                    .map_err(StoreError::corrupt)?
                    .unwrap_or_default();
                Ok(KeyClaim::Replay(KeptResponse {
                    status: u16::try_from(status).map_err(StoreError::corrupt)?,
                    headers,
                    body,
                }))
            }
            _ => Ok(KeyClaim::InProgress),
        }
    }

    /// Keeps the response to the request that claimed `key`.
    pub async fn keep_idempotent_response(
        &self,
        subject: &str,
        key: &str,
        response: &KeptResponse,
    ) -> Result<(), StoreError> {
        idempotency_key::Entity::update_many()
            .col_expr(
                idempotency_key::Column::Status,
                sea_orm::sea_query::Expr::value(i32::from(response.status)),
            )
            .col_expr(
                idempotency_key::Column::Headers,
                sea_orm::sea_query::Expr::value(
                    serde_json::to_string(&response.headers).map_err(StoreError::corrupt)?,
                ),
            )
            .col_expr(
                idempotency_key::Column::Body,
                sea_orm::sea_query::Expr::value(response.body.clone()),
            )
            .filter(idempotency_key::Column::Subject.eq(subject))
            .filter(idempotency_key::Column::Key.eq(key))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Forgets `key`: its request failed on our side, so a retry must do the work.
    pub async fn release_idempotency_key(
        &self,
        subject: &str,
        key: &str,
    ) -> Result<(), StoreError> {
        idempotency_key::Entity::delete_many()
            .filter(idempotency_key::Column::Subject.eq(subject))
            .filter(idempotency_key::Column::Key.eq(key))
            .filter(idempotency_key::Column::Status.is_null())
            .exec(&self.db)
            .await?;
        Ok(())
    }
}
