//! The catalogue of development offers, and units' published development goals.

use devplan_domain::FieldCode;
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use devplan_domain::catalogue::{CatalogueEntry, OfferContent, OfferKind, UnitGoal};
use devplan_domain::records::Meta;
use devplan_domain::text::{ExternalId, LongText, Name, ProfessionalGroup};
use devplan_domain::{CatalogueEntryId, EmployeeId, UnitGoalId, UnitId, Violation, Violations};
use sea_orm::sea_query::{Condition, Expr, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, TransactionTrait,
};
use uuid::Uuid;

use crate::employees::parse_stored;
use crate::entities::{catalogue_entry, catalogue_group, unit_goal};
use crate::units::CHUNK;
use crate::version::{check_version, ensure_updated, lock_row};
use crate::{Page, PageRequest, Store, StoreError, SyncReport};

/// Filters of the catalogue.
#[derive(Debug, Clone, Default)]
pub struct CatalogueFilter {
    /// Only offers for this professional group (and those for everyone).
    pub professional_group: Option<String>,
    /// Only this kind.
    pub kind: Option<OfferKind>,
    /// Only leadership education, or only other offers.
    pub leadership_education: Option<bool>,
}

async fn groups_of(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<String>>, StoreError> {
    let mut map: HashMap<Uuid, Vec<String>> = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        let rows: Vec<(Uuid, String)> = catalogue_group::Entity::find()
            .select_only()
            .column(catalogue_group::Column::EntryId)
            .column(catalogue_group::Column::ProfessionalGroup)
            .filter(catalogue_group::Column::EntryId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(conn)
            .await?;
        for (e, g) in rows {
            map.entry(e).or_default().push(g);
        }
    }
    for g in map.values_mut() {
        g.sort();
    }
    Ok(map)
}

async fn to_entries(
    conn: &impl ConnectionTrait,
    rows: Vec<catalogue_entry::Model>,
) -> Result<Vec<CatalogueEntry>, StoreError> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut groups = groups_of(conn, &ids).await?;
    rows.into_iter()
        .map(|m| {
            Ok(CatalogueEntry {
                id: CatalogueEntryId::from_uuid(m.id),
                content: OfferContent {
                    external_id: parse_stored(m.external_id.as_deref(), ExternalId::parse)?,
                    kind: OfferKind::parse(&m.kind)
                        .ok_or_else(|| StoreError::corrupt(format!("offer kind {}", m.kind)))?,
                    title: Name::parse("title", &m.title).map_err(StoreError::corrupt)?,
                    description: parse_stored(m.description.as_deref(), LongText::parse)?,
                    provider: parse_stored(m.provider.as_deref(), Name::parse)?,
                    duration: parse_stored(m.duration.as_deref(), Name::parse)?,
                    professional_groups: groups
                        .remove(&m.id)
                        .unwrap_or_default()
                        .iter()
                        .map(|g| {
                            ProfessionalGroup::parse("professional_groups", g)
                                .map_err(StoreError::corrupt)
                        })
                        .collect::<Result<_, _>>()?,
                    leadership_education: m.leadership_education,
                },
                meta: Meta {
                    version: m.version,
                    created_at: m.created_at,
                    updated_at: m.updated_at,
                },
            })
        })
        .collect()
}

async fn fetch_entry(
    conn: &impl ConnectionTrait,
    id: CatalogueEntryId,
) -> Result<CatalogueEntry, StoreError> {
    let row = catalogue_entry::Entity::find_by_id(id.uuid())
        .one(conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    to_entries(conn, vec![row])
        .await?
        .pop()
        .ok_or(StoreError::NotFound)
}

fn entry_model(id: Uuid, c: &OfferContent, meta: Meta) -> catalogue_entry::ActiveModel {
    catalogue_entry::ActiveModel {
        id: Set(id),
        external_id: Set(c.external_id.as_ref().map(|e| e.as_str().to_owned())),
        kind: Set(c.kind.as_str().to_owned()),
        title: Set(c.title.as_str().to_owned()),
        description: Set(c.description.as_ref().map(|d| d.as_str().to_owned())),
        provider: Set(c.provider.as_ref().map(|p| p.as_str().to_owned())),
        duration: Set(c.duration.as_ref().map(|d| d.as_str().to_owned())),
        leadership_education: Set(c.leadership_education),
        version: Set(meta.version),
        created_at: Set(meta.created_at),
        updated_at: Set(meta.updated_at),
    }
}

async fn replace_groups(
    txn: &DatabaseTransaction,
    entries: &[(Uuid, &OfferContent)],
) -> Result<(), StoreError> {
    let ids: Vec<Uuid> = entries.iter().map(|(id, _)| *id).collect();
    for chunk in ids.chunks(CHUNK) {
        catalogue_group::Entity::delete_many()
            .filter(catalogue_group::Column::EntryId.is_in(chunk.iter().copied()))
            .exec(txn)
            .await?;
    }
    let rows: Vec<catalogue_group::ActiveModel> = entries
        .iter()
        .flat_map(|(id, c)| {
            let mut groups: Vec<&str> = c
                .professional_groups
                .iter()
                .map(ProfessionalGroup::as_str)
                .collect();
            groups.sort();
            groups.dedup();
            groups
                .into_iter()
                .map(|g| catalogue_group::ActiveModel {
                    entry_id: Set(*id),
                    professional_group: Set(g.to_owned()),
                })
                .collect::<Vec<_>>()
        })
        .collect();
    crate::bulk::insert(txn, rows).await?;
    Ok(())
}

/// Writes an entry's columns as a new version, if `expected_version` is still stored.
async fn write_entry(
    txn: &DatabaseTransaction,
    id: Uuid,
    c: &OfferContent,
    expected_version: i64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let updated = catalogue_entry::Entity::update_many()
        .col_expr(
            catalogue_entry::Column::ExternalId,
            Expr::value(c.external_id.as_ref().map(|e| e.as_str().to_owned())),
        )
        .col_expr(catalogue_entry::Column::Kind, Expr::value(c.kind.as_str()))
        .col_expr(
            catalogue_entry::Column::Title,
            Expr::value(c.title.as_str()),
        )
        .col_expr(
            catalogue_entry::Column::Description,
            Expr::value(c.description.as_ref().map(|d| d.as_str().to_owned())),
        )
        .col_expr(
            catalogue_entry::Column::Provider,
            Expr::value(c.provider.as_ref().map(|p| p.as_str().to_owned())),
        )
        .col_expr(
            catalogue_entry::Column::Duration,
            Expr::value(c.duration.as_ref().map(|d| d.as_str().to_owned())),
        )
        .col_expr(
            catalogue_entry::Column::LeadershipEducation,
            Expr::value(c.leadership_education),
        )
        .col_expr(
            catalogue_entry::Column::Version,
            Expr::value(expected_version + 1),
        )
        .col_expr(catalogue_entry::Column::UpdatedAt, Expr::value(now))
        .filter(catalogue_entry::Column::Id.eq(id))
        .filter(catalogue_entry::Column::Version.eq(expected_version))
        .exec(txn)
        .await
        .map_err(|e| StoreError::from_write(e, "external_id"))?;
    ensure_updated(&updated)
}

fn to_unit_goal(m: unit_goal::Model) -> Result<UnitGoal, StoreError> {
    Ok(UnitGoal {
        id: UnitGoalId::from_uuid(m.id),
        unit_id: UnitId::from_uuid(m.unit_id),
        title: Name::parse("title", &m.title).map_err(StoreError::corrupt)?,
        description: parse_stored(m.description.as_deref(), LongText::parse)?,
        archived: m.archived,
        published_by: EmployeeId::from_uuid(m.published_by),
        meta: Meta {
            version: m.version,
            created_at: m.created_at,
            updated_at: m.updated_at,
        },
    })
}

async fn fetch_unit_goal(
    conn: &impl ConnectionTrait,
    id: UnitGoalId,
) -> Result<UnitGoal, StoreError> {
    unit_goal::Entity::find_by_id(id.uuid())
        .one(conn)
        .await?
        .ok_or(StoreError::NotFound)
        .and_then(to_unit_goal)
}

/// A catalogue entry's event.
fn catalogue_change(e: &CatalogueEntry) -> crate::events::NewEvent {
    let c = &e.content;
    crate::events::NewEvent::new(
        "catalogue.changed",
        e.id.uuid(),
        serde_json::json!({
            "id": e.id.uuid(),
            "external_id": c.external_id.as_ref().map(|x| x.as_str()),
            "kind": c.kind.as_str(),
            "title": c.title.as_str(),
            "description": c.description.as_ref().map(|x| x.as_str()),
            "provider": c.provider.as_ref().map(|x| x.as_str()),
            "duration": c.duration.as_ref().map(|x| x.as_str()),
            "professional_groups": c.professional_groups.iter().map(|g| g.as_str()).collect::<Vec<_>>(),
            "leadership_education": c.leadership_education,
            "version": e.meta.version,
            "updated_at": e.meta.updated_at,
        }),
    )
    .version(e.meta.version)
}

/// A unit goal's event: a record of its unit.
fn unit_goal_change(event_type: &'static str, g: &UnitGoal) -> crate::events::NewEvent {
    crate::events::NewEvent::new(
        event_type,
        g.id.uuid(),
        serde_json::json!({
            "id": g.id.uuid(),
            "unit_id": g.unit_id.uuid(),
            "title": g.title.as_str(),
            "description": g.description.as_ref().map(|x| x.as_str()),
            "archived": g.archived,
            "published_by": g.published_by.uuid(),
            "version": g.meta.version,
            "updated_at": g.meta.updated_at,
        }),
    )
    .version(g.meta.version)
    .in_unit(g.unit_id.uuid())
}

impl Store {
    /// Catalogue entries matching `filter`, in id order.
    pub async fn list_catalogue(
        &self,
        filter: &CatalogueFilter,
        page: PageRequest,
    ) -> Result<Page<CatalogueEntry>, StoreError> {
        let mut query = catalogue_entry::Entity::find().order_by_asc(catalogue_entry::Column::Id);
        if let Some(group) = &filter.professional_group {
            // An entry tagged with no group is relevant for everyone.
            query = query.filter(
                Condition::any()
                    .add(
                        catalogue_entry::Column::Id.in_subquery(
                            Query::select()
                                .column(catalogue_group::Column::EntryId)
                                .from(catalogue_group::Entity)
                                .and_where(
                                    catalogue_group::Column::ProfessionalGroup.eq(group.as_str()),
                                )
                                .to_owned(),
                        ),
                    )
                    .add(
                        catalogue_entry::Column::Id.not_in_subquery(
                            Query::select()
                                .column(catalogue_group::Column::EntryId)
                                .from(catalogue_group::Entity)
                                .to_owned(),
                        ),
                    ),
            );
        }
        if let Some(kind) = filter.kind {
            query = query.filter(catalogue_entry::Column::Kind.eq(kind.as_str()));
        }
        if let Some(l) = filter.leadership_education {
            query = query.filter(catalogue_entry::Column::LeadershipEducation.eq(l));
        }
        if let Some(after) = page.after {
            query = query.filter(catalogue_entry::Column::Id.gt(after));
        }
        let rows = query.limit(page.limit + 1).all(&self.db).await?;
        let page = Page::from_overfetch(rows, page.limit, |m| m.id);
        Ok(Page {
            items: to_entries(&self.db, page.items).await?,
            next_after: page.next_after,
        })
    }

    /// One catalogue entry.
    pub async fn get_catalogue_entry(
        &self,
        id: CatalogueEntryId,
    ) -> Result<CatalogueEntry, StoreError> {
        fetch_entry(&self.db, id).await
    }

    /// Adds an entry to the catalogue.
    pub async fn create_catalogue_entry(
        &self,
        content: OfferContent,
    ) -> Result<CatalogueEntry, StoreError> {
        let txn = self.db.begin().await?;
        let id = CatalogueEntryId::generate();
        catalogue_entry::Entity::insert(entry_model(id.uuid(), &content, Meta::first(self.now())))
            .exec_without_returning(&txn)
            .await
            .map_err(|e| StoreError::from_write(e, "external_id"))?;
        replace_groups(&txn, &[(id.uuid(), &content)]).await?;
        let entry = fetch_entry(&txn, id).await?;
        crate::events::record(&txn, entry.meta.updated_at, vec![catalogue_change(&entry)]).await?;
        txn.commit().await?;
        Ok(entry)
    }

    /// Replaces an entry's content, refusing a stale `expected_version`.
    pub async fn replace_catalogue_entry(
        &self,
        id: CatalogueEntryId,
        expected_version: i64,
        content: OfferContent,
    ) -> Result<CatalogueEntry, StoreError> {
        let txn = self.db.begin().await?;
        lock_row::<catalogue_entry::Entity>(&txn, id.uuid()).await?;
        let current = fetch_entry(&txn, id).await?;
        check_version(current.meta.version, Some(expected_version))?;
        if current.content == content {
            return Ok(current);
        }
        write_entry(&txn, id.uuid(), &content, expected_version, self.now()).await?;
        replace_groups(&txn, &[(id.uuid(), &content)]).await?;
        let entry = fetch_entry(&txn, id).await?;
        crate::events::record(&txn, entry.meta.updated_at, vec![catalogue_change(&entry)]).await?;
        txn.commit().await?;
        Ok(entry)
    }

    /// Upserts catalogue entries by external id: all-or-nothing, idempotent.
    pub async fn sync_catalogue(&self, rows: Vec<OfferContent>) -> Result<SyncReport, StoreError> {
        let txn = self.db.begin().await?;
        crate::sync::serialise_syncs(&txn).await?;
        let mut v = Violations::new();
        let mut seen = HashMap::new();
        for (i, r) in rows.iter().enumerate() {
            match &r.external_id {
                None => v.push(Violation::new(
                    format!("rows[{i}].external_id"),
                    FieldCode::Required,
                    "the key of a sync row",
                )),
                Some(e) => {
                    if let Some(first) = seen.insert(e.as_str(), i) {
                        v.push(Violation::new(
                            format!("rows[{i}].external_id"),
                            FieldCode::DuplicateRow,
                            format!("the same external_id is sent in rows[{first}]"),
                        ));
                    }
                }
            }
        }
        if !v.is_empty() {
            return Err(StoreError::Invalid(v));
        }
        let mut existing_rows = Vec::new();
        for chunk in rows.chunks(CHUNK) {
            existing_rows.extend(
                catalogue_entry::Entity::find()
                    .filter(
                        catalogue_entry::Column::ExternalId.is_in(
                            chunk.iter().filter_map(|r| {
                                r.external_id.as_ref().map(|e| e.as_str().to_owned())
                            }),
                        ),
                    )
                    .all(&txn)
                    .await?,
            );
        }
        let existing: HashMap<String, CatalogueEntry> = to_entries(&txn, existing_rows)
            .await?
            .into_iter()
            .filter_map(|e| e.content.external_id.clone().map(|x| (x.into_string(), e)))
            .collect();
        let now = self.now();
        let mut report = SyncReport::default();
        let mut inserts = Vec::new();
        let mut group_changes: Vec<(Uuid, &OfferContent)> = Vec::new();
        let mut changes = Vec::new();
        for row in &rows {
            let key = row
                .external_id
                .as_ref()
                .map(|e| e.as_str())
                .unwrap_or_default();
            match existing.get(key) {
                None => {
                    report.created += 1;
                    let id = CatalogueEntryId::generate().uuid();
                    inserts.push(entry_model(id, row, Meta::first(now)));
                    group_changes.push((id, row));
                    changes.push(catalogue_change(&CatalogueEntry {
                        id: CatalogueEntryId::from_uuid(id),
                        content: row.clone(),
                        meta: Meta::first(now),
                    }));
                }
                Some(current) if current.content == *row => report.unchanged += 1,
                Some(current) => {
                    report.updated += 1;
                    write_entry(&txn, current.id.uuid(), row, current.meta.version, now).await?;
                    group_changes.push((current.id.uuid(), row));
                    changes.push(catalogue_change(&CatalogueEntry {
                        id: current.id,
                        content: row.clone(),
                        meta: Meta {
                            version: current.meta.version + 1,
                            updated_at: now,
                            ..current.meta
                        },
                    }));
                }
            }
        }
        crate::bulk::insert(&txn, inserts).await?;
        replace_groups(&txn, &group_changes).await?;
        changes.push(crate::events::NewEvent::sync("catalogue", &report));
        crate::events::record(&txn, now, changes).await?;
        txn.commit().await?;
        Ok(report)
    }

    /// The development goals of `units`, oldest first; archived ones only when asked.
    pub async fn list_unit_goals(
        &self,
        units: &[UnitId],
        include_archived: bool,
    ) -> Result<Vec<UnitGoal>, StoreError> {
        let mut query = unit_goal::Entity::find()
            .filter(unit_goal::Column::UnitId.is_in(units.iter().map(|u| u.uuid())))
            .order_by_asc(unit_goal::Column::Id);
        if !include_archived {
            query = query.filter(unit_goal::Column::Archived.eq(false));
        }
        query
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_unit_goal)
            .collect()
    }

    /// One unit development goal.
    pub async fn get_unit_goal(&self, id: UnitGoalId) -> Result<UnitGoal, StoreError> {
        fetch_unit_goal(&self.db, id).await
    }

    /// Publishes a development goal of a unit.
    pub async fn create_unit_goal(
        &self,
        unit: UnitId,
        title: Name,
        description: Option<LongText>,
        by: EmployeeId,
    ) -> Result<UnitGoal, StoreError> {
        let id = UnitGoalId::generate();
        let meta = Meta::first(self.now());
        let txn = self.db.begin().await?;
        unit_goal::Entity::insert(unit_goal::ActiveModel {
            id: Set(id.uuid()),
            unit_id: Set(unit.uuid()),
            title: Set(title.into_string()),
            description: Set(description.map(|d| d.as_str().to_owned())),
            archived: Set(false),
            published_by: Set(by.uuid()),
            version: Set(meta.version),
            created_at: Set(meta.created_at),
            updated_at: Set(meta.updated_at),
        })
        .exec_without_returning(&txn)
        .await?;
        let stored = fetch_unit_goal(&txn, id).await?;
        crate::events::record(
            &txn,
            meta.created_at,
            vec![unit_goal_change("unit_goal.created", &stored)],
        )
        .await?;
        txn.commit().await?;
        Ok(stored)
    }

    /// Replaces a unit goal's text and archived flag, refusing a stale `expected_version`.
    pub async fn replace_unit_goal(
        &self,
        goal: UnitGoal,
        expected_version: i64,
    ) -> Result<UnitGoal, StoreError> {
        let txn = self.db.begin().await?;
        let updated = unit_goal::Entity::update_many()
            .col_expr(unit_goal::Column::Title, Expr::value(goal.title.as_str()))
            .col_expr(
                unit_goal::Column::Description,
                Expr::value(goal.description.as_ref().map(|d| d.as_str().to_owned())),
            )
            .col_expr(unit_goal::Column::Archived, Expr::value(goal.archived))
            .col_expr(
                unit_goal::Column::Version,
                Expr::value(expected_version + 1),
            )
            .col_expr(unit_goal::Column::UpdatedAt, Expr::value(self.now()))
            .filter(unit_goal::Column::Id.eq(goal.id.uuid()))
            .filter(unit_goal::Column::Version.eq(expected_version))
            .exec(&txn)
            .await?;
        ensure_updated(&updated)?;
        let stored = fetch_unit_goal(&txn, goal.id).await?;
        crate::events::record(
            &txn,
            stored.meta.updated_at,
            vec![unit_goal_change("unit_goal.updated", &stored)],
        )
        .await?;
        txn.commit().await?;
        Ok(stored)
    }
}
