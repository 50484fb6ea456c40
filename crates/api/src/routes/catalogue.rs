//! `/catalogue`: development offers to qualify the dialogue (Protokollat 2 § 2,
//! bemærkning). Everyone reads it; HR keeps it, one by one or in bulk by `external_id`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, patch, post, web};
use chrono::{DateTime, Utc};
use devplan_domain::catalogue::{CatalogueEntry, OfferContent, OfferKind};
use devplan_domain::text::{ExternalId, LongText, Name, ProfessionalGroup};
use devplan_domain::{CatalogueEntryId, Violations};
use devplan_persistence::CatalogueFilter;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::fields::{parse_change, parse_opt};
use crate::http::{
    ApiResult, IfMatch, ListResponse, ValidJson, page_request, patch_field, versioned,
};
use crate::policy::{Access, Hr};
use crate::services::sync::{SyncPayload, apply_sync};
use crate::state::AppState;

/// What kind of offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = CatalogueKind)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A course.
    Course,
    /// Further education.
    Education,
    /// Another initiative.
    OtherInitiative,
}

impl From<Kind> for OfferKind {
    fn from(k: Kind) -> Self {
        match k {
            Kind::Course => OfferKind::Course,
            Kind::Education => OfferKind::Education,
            Kind::OtherInitiative => OfferKind::OtherInitiative,
        }
    }
}

impl From<OfferKind> for Kind {
    fn from(k: OfferKind) -> Self {
        match k {
            OfferKind::Course => Kind::Course,
            OfferKind::Education => Kind::Education,
            OfferKind::OtherInitiative => Kind::OtherInitiative,
        }
    }
}

/// A catalogue entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct EntryOut {
    /// Its id.
    pub id: Uuid,
    /// The HR system's id.
    pub external_id: Option<String>,
    /// Course, education or other initiative.
    pub kind: Kind,
    /// Its title.
    pub title: String,
    /// What it is.
    pub description: Option<String>,
    /// Who provides it.
    pub provider: Option<String>,
    /// How long it takes.
    pub duration: Option<String>,
    /// The professional groups it is for; empty means everyone.
    pub professional_groups: Vec<String>,
    /// Whether it is leadership education.
    pub leadership_education: bool,
    /// Version, also sent as `ETag`.
    pub version: i64,
    /// When created.
    pub created_at: DateTime<Utc>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<CatalogueEntry> for EntryOut {
    fn from(e: CatalogueEntry) -> Self {
        let c = e.content;
        EntryOut {
            id: e.id.uuid(),
            external_id: c.external_id.map(ExternalId::into_string),
            kind: c.kind.into(),
            title: c.title.into_string(),
            description: c.description.map(LongText::into_string),
            provider: c.provider.map(Name::into_string),
            duration: c.duration.map(Name::into_string),
            professional_groups: c
                .professional_groups
                .into_iter()
                .map(ProfessionalGroup::into_string)
                .collect(),
            leadership_education: c.leadership_education,
            version: e.meta.version,
            created_at: e.meta.created_at,
            updated_at: e.meta.updated_at,
        }
    }
}

/// An offer, as created or synced.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"external_id": "KURS-17", "kind": "course", "title": "Konflikthåndtering i praksis", "provider": "UC Syd", "duration": "3 dage", "professional_groups": ["pædagog", "pædagogmedhjælper"]}))]
pub struct EntryIn {
    /// The HR system's id; the key of a sync.
    #[schema(value_type = Option<crate::text_schema::ExternalIdText>)]
    pub external_id: Option<String>,
    /// Course, education or other initiative.
    pub kind: Kind,
    /// Its title.
    #[schema(value_type = crate::text_schema::NameText)]
    pub title: String,
    /// What it is.
    #[schema(value_type = Option<crate::text_schema::LongTextText>)]
    pub description: Option<String>,
    /// Who provides it.
    #[schema(value_type = Option<crate::text_schema::NameText>)]
    pub provider: Option<String>,
    /// How long it takes ("3 dage").
    #[schema(value_type = Option<crate::text_schema::NameText>)]
    pub duration: Option<String>,
    /// The professional groups it is for; empty means everyone.
    #[serde(default)]
    #[schema(value_type = Vec<crate::text_schema::GroupText>)]
    pub professional_groups: Vec<String>,
    /// Whether it is leadership education.
    #[serde(default)]
    pub leadership_education: bool,
}

fn groups(v: &mut Violations, raw: &[String]) -> Option<Vec<ProfessionalGroup>> {
    let parsed: Vec<_> = raw
        .iter()
        .enumerate()
        .map(|(i, g)| {
            v.check(ProfessionalGroup::parse(
                &format!("professional_groups[{i}]"),
                g,
            ))
        })
        .collect();
    // A set, kept in the order it is stored in, so that re-sending it is no change.
    let mut groups: Vec<ProfessionalGroup> = parsed.into_iter().collect::<Option<_>>()?;
    groups.sort();
    groups.dedup();
    Some(groups)
}

impl EntryIn {
    /// The validated content.
    pub fn parse(self) -> Result<OfferContent, Violations> {
        let mut v = Violations::new();
        let external_id = parse_opt(&mut v, self.external_id.as_deref(), |s| {
            ExternalId::parse("external_id", s)
        });
        let title = v.check(Name::parse("title", &self.title));
        let description = parse_opt(&mut v, self.description.as_deref(), |s| {
            LongText::parse("description", s)
        });
        let provider = parse_opt(&mut v, self.provider.as_deref(), |s| {
            Name::parse("provider", s)
        });
        let duration = parse_opt(&mut v, self.duration.as_deref(), |s| {
            Name::parse("duration", s)
        });
        let professional_groups = groups(&mut v, &self.professional_groups);
        v.finish(|| {
            Some(OfferContent {
                external_id: external_id?,
                kind: self.kind.into(),
                title: title?,
                description: description?,
                provider: provider?,
                duration: duration?,
                professional_groups: professional_groups?,
                leadership_education: self.leadership_education,
            })
        })
    }
}

/// Changes to an offer: absent fields stay, null clears; `professional_groups` replaces the list.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryPatch {
    /// New HR id, or null.
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<crate::text_schema::ExternalIdText>)]
    pub external_id: Option<Option<String>>,
    /// New kind.
    pub kind: Option<Kind>,
    /// New title.
    #[schema(value_type = Option<crate::text_schema::NameText>)]
    pub title: Option<String>,
    /// Description, or null.
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<crate::text_schema::LongTextText>)]
    pub description: Option<Option<String>>,
    /// Provider, or null.
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<crate::text_schema::NameText>)]
    pub provider: Option<Option<String>>,
    /// Duration, or null.
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<crate::text_schema::NameText>)]
    pub duration: Option<Option<String>>,
    /// The full new list of groups.
    #[schema(value_type = Option<Vec<crate::text_schema::GroupText>>)]
    pub professional_groups: Option<Vec<String>>,
    /// Leadership education.
    pub leadership_education: Option<bool>,
}

impl EntryPatch {
    fn apply(self, c: &mut OfferContent) -> Result<(), Violations> {
        let mut v = Violations::new();
        let external_id = parse_change(
            &mut v,
            self.external_id.as_ref().map(|o| o.as_deref()),
            |s| ExternalId::parse("external_id", s),
        );
        let title = parse_opt(&mut v, self.title.as_deref(), |s| Name::parse("title", s));
        let description = parse_change(
            &mut v,
            self.description.as_ref().map(|o| o.as_deref()),
            |s| LongText::parse("description", s),
        );
        let provider = parse_change(&mut v, self.provider.as_ref().map(|o| o.as_deref()), |s| {
            Name::parse("provider", s)
        });
        let duration = parse_change(&mut v, self.duration.as_ref().map(|o| o.as_deref()), |s| {
            Name::parse("duration", s)
        });
        let professional_groups = match &self.professional_groups {
            Some(g) => groups(&mut v, g).map(Some),
            None => Some(None),
        };
        let (
            Some(external_id),
            Some(title),
            Some(description),
            Some(provider),
            Some(duration),
            Some(professional_groups),
        ) = (
            external_id,
            title,
            description,
            provider,
            duration,
            professional_groups,
        )
        else {
            return Err(v);
        };
        if let Some(x) = external_id {
            c.external_id = x;
        }
        if let Some(k) = self.kind {
            c.kind = k.into();
        }
        if let Some(t) = title {
            c.title = t;
        }
        if let Some(d) = description {
            c.description = d;
        }
        if let Some(p) = provider {
            c.provider = p;
        }
        if let Some(d) = duration {
            c.duration = d;
        }
        if let Some(g) = professional_groups {
            c.professional_groups = g;
        }
        if let Some(l) = self.leadership_education {
            c.leadership_education = l;
        }
        Ok(())
    }
}

/// Filters of the catalogue.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CatalogueQuery {
    /// Only offers for this professional group (and those for everyone).
    pub professional_group: Option<String>,
    /// Only this kind.
    pub kind: Option<Kind>,
    /// Only leadership education (true) or only other offers (false).
    pub leadership_education: Option<bool>,
    /// Page size, 1–500 (default 50).
    pub limit: Option<u32>,
    /// From `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The catalogue.
#[utoipa::path(
    tag = "catalogue",
    operation_id = "list_catalogue",
    summary = "List development offers, filtered by professional group and kind",
    params(CatalogueQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of offers", body = ListResponse<EntryOut>),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized)
    )
)]
#[get("/catalogue")]
pub async fn list(
    state: web::Data<AppState>,
    _caller: Access,
    query: web::Query<CatalogueQuery>,
) -> ApiResult<HttpResponse> {
    let page = page_request(query.limit, query.cursor.as_deref())?;
    let filter = CatalogueFilter {
        professional_group: query.professional_group.clone(),
        kind: query.kind.map(Into::into),
        leadership_education: query.leadership_education,
    };
    let entries = state.store.list_catalogue(&filter, page).await?;
    Ok(HttpResponse::Ok().json(ListResponse::from_page(entries, EntryOut::from)))
}

/// One offer.
#[utoipa::path(
    tag = "catalogue",
    operation_id = "get_catalogue_entry",
    summary = "Read a development offer",
    params(("id" = Uuid, Path, description = "The entry's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The offer", body = EntryOut, headers(("ETag" = String, description = "The entry's version"))),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 404, response = crate::openapi::NotFound)
    )
)]
#[get("/catalogue/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    _caller: Access,
    id: web::Path<CatalogueEntryId>,
) -> ApiResult<HttpResponse> {
    let entry = state.store.get_catalogue_entry(*id).await?;
    Ok(versioned(
        StatusCode::OK,
        entry.meta.version,
        &EntryOut::from(entry),
    ))
}

/// Adds an offer.
#[utoipa::path(
    tag = "catalogue",
    operation_id = "create_catalogue_entry",
    summary = "Add a development offer (HR)",
    request_body = EntryIn,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Added", body = EntryOut, headers(("ETag" = String, description = "The entry's version"))),
        crate::openapi::CreateErrors
    )
)]
#[post("/catalogue")]
pub async fn create(
    state: web::Data<AppState>,
    _hr: Hr,
    body: ValidJson<EntryIn>,
) -> ApiResult<HttpResponse> {
    let entry = state.store.create_catalogue_entry(body.0.parse()?).await?;
    Ok(versioned(
        StatusCode::CREATED,
        entry.meta.version,
        &EntryOut::from(entry),
    ))
}

/// Changes an offer.
#[utoipa::path(
    tag = "catalogue",
    operation_id = "update_catalogue_entry",
    summary = "Change a development offer (HR)",
    params(("id" = Uuid, Path, description = "The entry's id"), crate::http::IfMatchEtag),
    request_body = EntryPatch,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Changed", body = EntryOut, headers(("ETag" = String, description = "The entry's version"))),
        crate::openapi::UpdateErrors
    )
)]
#[patch("/catalogue/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    _hr: Hr,
    id: web::Path<CatalogueEntryId>,
    if_match: IfMatch,
    body: ValidJson<EntryPatch>,
) -> ApiResult<HttpResponse> {
    let id = *id;
    let current = state.store.get_catalogue_entry(id).await?;
    let mut content = current.content.clone();
    body.0.apply(&mut content)?;
    let expected = if_match.0.unwrap_or(current.meta.version);
    let entry = state
        .store
        .replace_catalogue_entry(id, expected, content)
        .await?;
    Ok(versioned(
        StatusCode::OK,
        entry.meta.version,
        &EntryOut::from(entry),
    ))
}

/// Upserts offers.
#[utoipa::path(
    tag = "sync",
    operation_id = "sync_catalogue",
    summary = "Upsert development offers by external_id (HR): all-or-nothing, idempotent",
    request_body = SyncPayload<EntryIn>,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Applied", body = crate::services::sync::SyncResult),
        crate::openapi::SyncErrors
    )
)]
#[post("/sync/catalogue")]
pub async fn sync(
    state: web::Data<AppState>,
    hr: Hr,
    body: ValidJson<SyncPayload<EntryIn>>,
) -> ApiResult<HttpResponse> {
    apply_sync(
        &state,
        &hr,
        body.0.rows,
        EntryIn::parse,
        |store, rows| async move { store.sync_catalogue(rows).await },
    )
    .await
}
