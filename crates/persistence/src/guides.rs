//! Preparation guides in versions: a draft is written until published, a published version
//! never changes; and the choice of the version an interview keeps from its offer.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use devplan_domain::followup::{InterviewFields, InterviewFormat};
use devplan_domain::preparation::{
    Candidate, Guide, GuideContent, GuideError, GuideVersion, Preparer, VersionSummary,
    VersionWrite, guide_for, version_write,
};
use devplan_domain::records::Meta;
use devplan_domain::text::{Name, ProfessionalGroup};
use devplan_domain::{
    CommitteeId, EmployeeId, FieldCode, GuideId, GuideVersionId, ProblemCode, UnitId, Violation,
};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait,
};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::entities::{employee, guide_version, preparation_guide};
use crate::units::rows_per_statement;
use crate::version::{check_version, ensure_updated, lock_row};
use crate::{Store, StoreError};

fn to_guide(
    m: preparation_guide::Model,
    versions: Vec<VersionSummary>,
) -> Result<Guide, StoreError> {
    Ok(Guide {
        id: GuideId::from_uuid(m.id),
        name: Name::parse("name", &m.name).map_err(StoreError::corrupt)?,
        format: InterviewFormat::parse(&m.format)
            .ok_or_else(|| StoreError::corrupt(format!("guide format {}", m.format)))?,
        committee_id: m.committee_id.map(CommitteeId::from_uuid),
        versions,
        meta: Meta {
            version: m.version,
            created_at: m.created_at,
            updated_at: m.updated_at,
        },
    })
}

pub(crate) fn to_version(m: guide_version::Model) -> Result<GuideVersion, StoreError> {
    let content: GuideContent = serde_json::from_str(&m.content)
        .map_err(|e| StoreError::corrupt(format!("guide version {}: {e}", m.id)))?;
    // Stored content passes the same rules as a request's, or it is corrupt.
    let content = GuideContent::new(content.audience().clone(), content.questions().to_vec())
        .map_err(|v| StoreError::corrupt(format!("guide version {}: {v}", m.id)))?;
    Ok(GuideVersion {
        id: GuideVersionId::from_uuid(m.id),
        guide_id: GuideId::from_uuid(m.guide_id),
        number: m.number,
        content,
        published_at: m.published_at,
        meta: Meta {
            version: m.version,
            created_at: m.created_at,
            updated_at: m.updated_at,
        },
    })
}

async fn summaries(
    conn: &impl ConnectionTrait,
    guides: &[Uuid],
) -> Result<HashMap<Uuid, Vec<VersionSummary>>, StoreError> {
    let mut out: HashMap<Uuid, Vec<VersionSummary>> = HashMap::new();
    for chunk in guides.chunks(rows_per_statement(1)) {
        let rows: Vec<(Uuid, Uuid, i32, Option<DateTime<Utc>>)> = guide_version::Entity::find()
            .select_only()
            .column(guide_version::Column::GuideId)
            .column(guide_version::Column::Id)
            .column(guide_version::Column::Number)
            .column(guide_version::Column::PublishedAt)
            .filter(guide_version::Column::GuideId.is_in(chunk.iter().copied()))
            .order_by_asc(guide_version::Column::Number)
            .into_tuple()
            .all(conn)
            .await?;
        for (guide, id, number, published_at) in rows {
            out.entry(guide).or_default().push(VersionSummary {
                id: GuideVersionId::from_uuid(id),
                number,
                published_at,
            });
        }
    }
    Ok(out)
}

async fn fetch_guide(conn: &impl ConnectionTrait, id: GuideId) -> Result<Guide, StoreError> {
    let m = preparation_guide::Entity::find_by_id(id.uuid())
        .one(conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    let versions = summaries(conn, &[m.id])
        .await?
        .remove(&m.id)
        .unwrap_or_default();
    to_guide(m, versions)
}

/// A guide as the feed carries it: what `GET /preparation-guides/{id}` returns.
pub(crate) fn guide_data(g: &Guide) -> Value {
    json!({
        "id": g.id.uuid(),
        "name": g.name.as_str(),
        "format": g.format.as_str(),
        "committee_id": g.committee_id.map(CommitteeId::uuid),
        "versions": g.versions.iter().map(|v| json!({
            "id": v.id.uuid(),
            "number": v.number,
            "published_at": v.published_at,
        })).collect::<Vec<_>>(),
        "version": g.meta.version,
        "created_at": g.meta.created_at,
        "updated_at": g.meta.updated_at,
    })
}

fn guide_event(event_type: &'static str, g: &Guide) -> crate::events::NewEvent {
    crate::events::NewEvent::new(event_type, g.id.uuid(), guide_data(g)).version(g.meta.version)
}

/// Bumps the guide's own version (a version of it was written or published) and records its
/// event, in `txn`.
async fn touch_guide(
    txn: &sea_orm::DatabaseTransaction,
    guide: GuideId,
    now: DateTime<Utc>,
) -> Result<Guide, StoreError> {
    preparation_guide::Entity::update_many()
        .col_expr(
            preparation_guide::Column::Version,
            Expr::col(preparation_guide::Column::Version).add(1),
        )
        .col_expr(preparation_guide::Column::UpdatedAt, Expr::value(now))
        .filter(preparation_guide::Column::Id.eq(guide.uuid()))
        .exec(txn)
        .await?;
    let stored = fetch_guide(txn, guide).await?;
    crate::events::record(txn, now, vec![guide_event("guide.updated", &stored)]).await?;
    Ok(stored)
}

fn version_model(
    id: GuideVersionId,
    guide: GuideId,
    number: i32,
    content: &GuideContent,
    meta: Meta,
) -> Result<guide_version::ActiveModel, StoreError> {
    Ok(guide_version::ActiveModel {
        id: Set(id.uuid()),
        guide_id: Set(guide.uuid()),
        number: Set(number),
        content: Set(serde_json::to_string(content).map_err(StoreError::corrupt)?),
        published_at: Set(None),
        version: Set(meta.version),
        created_at: Set(meta.created_at),
        updated_at: Set(meta.updated_at),
    })
}

/// Maps the domain's refusal of a version write to the store's conflict.
fn refused(e: GuideError) -> StoreError {
    match e {
        GuideError::Published => StoreError::Conflict {
            code: ProblemCode::GuideVersionPublished,
            message: "a published guide version never changes; write the next version".into(),
        },
        GuideError::NotNext { next } => StoreError::Conflict {
            code: ProblemCode::GuideVersionNotNext,
            message: format!("the version to write now is {next}"),
        },
    }
}

/// The published versions interviews can be offered with, each guide's units expanded.
async fn candidates(conn: &impl ConnectionTrait) -> Result<Vec<Candidate>, StoreError> {
    let rows = guide_version::Entity::find()
        .filter(guide_version::Column::PublishedAt.is_not_null())
        .all(conn)
        .await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let formats: HashMap<Uuid, String> = preparation_guide::Entity::find()
        .select_only()
        .column(preparation_guide::Column::Id)
        .column(preparation_guide::Column::Format)
        .into_tuple::<(Uuid, String)>()
        .all(conn)
        .await?
        .into_iter()
        .collect();
    let mut out = Vec::with_capacity(rows.len());
    for v in rows {
        let format = formats
            .get(&v.guide_id)
            .ok_or_else(|| StoreError::corrupt(format!("version {}", v.id)))?;
        let format = InterviewFormat::parse(format)
            .ok_or_else(|| StoreError::corrupt(format!("guide format {format}")))?;
        let version = to_version(v)?;
        let audience = version.content.audience();
        let roots: Vec<Uuid> = audience.units.iter().map(|u| u.uuid()).collect();
        out.push(Candidate {
            guide: version.guide_id,
            version: version.id,
            number: version.number,
            format,
            units: crate::units::subtree(conn, &roots)
                .await?
                .into_iter()
                .collect(),
            professional_groups: audience.professional_groups.iter().cloned().collect(),
            published_at: version
                .published_at
                .ok_or_else(|| StoreError::corrupt("published version without a time"))?,
        });
    }
    Ok(out)
}

/// Gives each of `interviews` the guide version that applies at `at` (see the domain's
/// `guide_for`), in the transaction that records them. Reads nothing more when no guide
/// is published.
pub(crate) async fn choose_guides(
    conn: &impl ConnectionTrait,
    interviews: &mut [InterviewFields],
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let candidates = candidates(conn).await?;
    if candidates.is_empty() || interviews.is_empty() {
        return Ok(());
    }
    let people: BTreeSet<Uuid> = interviews
        .iter()
        .flat_map(|i| i.participants.iter().map(|p| p.employee.uuid()))
        .collect();
    let people: Vec<Uuid> = people.into_iter().collect();
    let mut preparers: HashMap<EmployeeId, Preparer> = HashMap::new();
    for chunk in people.chunks(rows_per_statement(1)) {
        let rows: Vec<(Uuid, Uuid, Option<String>)> = employee::Entity::find()
            .select_only()
            .column(employee::Column::Id)
            .column(employee::Column::UnitId)
            .column(employee::Column::ProfessionalGroup)
            .filter(employee::Column::Id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(conn)
            .await?;
        for (id, unit, group) in rows {
            preparers.insert(
                EmployeeId::from_uuid(id),
                Preparer {
                    unit: UnitId::from_uuid(unit),
                    professional_group: group
                        .and_then(|g| ProfessionalGroup::parse("professional_group", &g).ok()),
                },
            );
        }
    }
    for i in interviews.iter_mut() {
        let who: Vec<Preparer> = i
            .participants
            .iter()
            .filter_map(|p| preparers.get(&p.employee).cloned())
            .collect();
        i.guide_version = guide_for(&candidates, i.format, &who, at);
    }
    Ok(())
}

impl Store {
    /// Creates a guide with its first version as a draft.
    pub async fn create_guide(
        &self,
        guide: Guide,
        content: GuideContent,
    ) -> Result<(Guide, GuideVersion), StoreError> {
        let txn = self.db.begin().await?;
        if let Some(c) = guide.committee_id
            && crate::entities::committee::Entity::find_by_id(c.uuid())
                .one(&txn)
                .await?
                .is_none()
        {
            return Err(StoreError::Invalid(
                Violation::new(
                    "committee_id",
                    FieldCode::UnknownCommittee,
                    "no such committee",
                )
                .into(),
            ));
        }
        crate::units::check_units_exist(
            &txn,
            &content
                .audience()
                .units
                .iter()
                .enumerate()
                .map(|(n, u)| (format!("audience.unit_ids[{n}]"), *u))
                .collect::<Vec<_>>(),
        )
        .await?;
        preparation_guide::Entity::insert(preparation_guide::ActiveModel {
            id: Set(guide.id.uuid()),
            name: Set(guide.name.as_str().to_owned()),
            format: Set(guide.format.as_str().to_owned()),
            committee_id: Set(guide.committee_id.map(CommitteeId::uuid)),
            version: Set(guide.meta.version),
            created_at: Set(guide.meta.created_at),
            updated_at: Set(guide.meta.updated_at),
        })
        .exec_without_returning(&txn)
        .await?;
        let version_id = GuideVersionId::generate();
        guide_version::Entity::insert(version_model(
            version_id, guide.id, 1, &content, guide.meta,
        )?)
        .exec_without_returning(&txn)
        .await?;
        let stored = fetch_guide(&txn, guide.id).await?;
        let version = self.version_in(&txn, guide.id, 1).await?;
        crate::events::record(
            &txn,
            guide.meta.updated_at,
            vec![guide_event("guide.created", &stored)],
        )
        .await?;
        txn.commit().await?;
        Ok((stored, version))
    }

    async fn version_in(
        &self,
        conn: &impl ConnectionTrait,
        guide: GuideId,
        number: i32,
    ) -> Result<GuideVersion, StoreError> {
        let m = guide_version::Entity::find()
            .filter(guide_version::Column::GuideId.eq(guide.uuid()))
            .filter(guide_version::Column::Number.eq(number))
            .one(conn)
            .await?
            .ok_or(StoreError::NotFound)?;
        to_version(m)
    }

    /// Guides in id order, from after `after`, at most `limit` (one more tells of a next page).
    pub async fn list_guides(
        &self,
        page: crate::PageRequest,
    ) -> Result<crate::Page<Guide>, StoreError> {
        let mut query =
            preparation_guide::Entity::find().order_by_asc(preparation_guide::Column::Id);
        if let Some(after) = page.after {
            query = query.filter(preparation_guide::Column::Id.gt(after));
        }
        let rows = query.limit(page.limit + 1).all(&self.db).await?;
        let page = crate::Page::from_overfetch(rows, page.limit, |m| m.id);
        let ids: Vec<Uuid> = page.items.iter().map(|m| m.id).collect();
        let mut versions = summaries(&self.db, &ids).await?;
        Ok(crate::Page {
            items: page
                .items
                .into_iter()
                .map(|m| {
                    let v = versions.remove(&m.id).unwrap_or_default();
                    to_guide(m, v)
                })
                .collect::<Result<_, _>>()?,
            next_after: page.next_after,
        })
    }

    /// One guide with its versions.
    pub async fn get_guide(&self, id: GuideId) -> Result<Guide, StoreError> {
        fetch_guide(&self.db, id).await
    }

    /// One version of a guide.
    pub async fn get_guide_version(
        &self,
        guide: GuideId,
        number: i32,
    ) -> Result<GuideVersion, StoreError> {
        self.version_in(&self.db, guide, number).await
    }

    /// One guide version by its id.
    pub async fn guide_version_by_id(
        &self,
        id: GuideVersionId,
    ) -> Result<GuideVersion, StoreError> {
        let m = guide_version::Entity::find_by_id(id.uuid())
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound)?;
        to_version(m)
    }

    /// Writes version `number` of a guide: replaces the draft (refusing a stale
    /// `expected_version`), or starts the next draft after a published version; a published
    /// version is refused.
    pub async fn write_guide_version(
        &self,
        guide: GuideId,
        number: i32,
        content: GuideContent,
        expected_version: Option<i64>,
    ) -> Result<GuideVersion, StoreError> {
        let txn = self.db.begin().await?;
        lock_row::<preparation_guide::Entity>(&txn, guide.uuid()).await?;
        let current = fetch_guide(&txn, guide).await?;
        crate::units::check_units_exist(
            &txn,
            &content
                .audience()
                .units
                .iter()
                .enumerate()
                .map(|(n, u)| (format!("audience.unit_ids[{n}]"), *u))
                .collect::<Vec<_>>(),
        )
        .await?;
        let newest = current
            .versions
            .last()
            .map_or((0, true), |v| (v.number, v.published_at.is_some()));
        let now = self.now();
        match version_write(number, newest).map_err(refused)? {
            VersionWrite::ReplaceDraft => {
                let draft = self.version_in(&txn, guide, number).await?;
                check_version(draft.meta.version, expected_version)?;
                if draft.content == content {
                    return Ok(draft);
                }
                let updated = guide_version::Entity::update_many()
                    .col_expr(
                        guide_version::Column::Content,
                        Expr::value(serde_json::to_string(&content).map_err(StoreError::corrupt)?),
                    )
                    .col_expr(
                        guide_version::Column::Version,
                        Expr::value(draft.meta.version + 1),
                    )
                    .col_expr(guide_version::Column::UpdatedAt, Expr::value(now))
                    .filter(guide_version::Column::Id.eq(draft.id.uuid()))
                    .filter(guide_version::Column::PublishedAt.is_null())
                    .exec(&txn)
                    .await?;
                ensure_updated(&updated)?;
            }
            VersionWrite::StartDraft => {
                guide_version::Entity::insert(version_model(
                    GuideVersionId::generate(),
                    guide,
                    number,
                    &content,
                    Meta::first(now),
                )?)
                .exec_without_returning(&txn)
                .await?;
            }
        }
        touch_guide(&txn, guide, now).await?;
        let stored = self.version_in(&txn, guide, number).await?;
        txn.commit().await?;
        Ok(stored)
    }

    /// Publishes version `number`; publishing a published version changes nothing.
    pub async fn publish_guide_version(
        &self,
        guide: GuideId,
        number: i32,
        expected_version: Option<i64>,
    ) -> Result<GuideVersion, StoreError> {
        let txn = self.db.begin().await?;
        lock_row::<preparation_guide::Entity>(&txn, guide.uuid()).await?;
        let draft = self.version_in(&txn, guide, number).await?;
        check_version(draft.meta.version, expected_version)?;
        if draft.published_at.is_some() {
            return Ok(draft);
        }
        let now = self.now();
        let updated = guide_version::Entity::update_many()
            .col_expr(guide_version::Column::PublishedAt, Expr::value(now))
            .col_expr(
                guide_version::Column::Version,
                Expr::value(draft.meta.version + 1),
            )
            .col_expr(guide_version::Column::UpdatedAt, Expr::value(now))
            .filter(guide_version::Column::Id.eq(draft.id.uuid()))
            .filter(guide_version::Column::PublishedAt.is_null())
            .exec(&txn)
            .await?;
        ensure_updated(&updated)?;
        touch_guide(&txn, guide, now).await?;
        let stored = self.version_in(&txn, guide, number).await?;
        txn.commit().await?;
        Ok(stored)
    }
}
