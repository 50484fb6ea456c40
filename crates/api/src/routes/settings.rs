//! `/settings`: the deployment's rule settings. Everyone reads; HR changes.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, put, web};
use chrono::{DateTime, Utc};
use devplan_domain::records::Meta;
use devplan_domain::settings::{MainCommitteeFrequency, Settings};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::{ApiResult, IfMatch, ValidJson, versioned};
use crate::policy::{Access, Hr};
use crate::state::AppState;

/// How often the main committee discusses the competence policy.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[schema(as = ReviewFrequency)]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    /// Every year (Herlev Kommune's competence policy).
    Yearly,
    /// Every third year after a new agreement period starts (Aabenraa Kommune's competence policy).
    EveryThirdYear,
}

/// The settings in force.
#[derive(Debug, Serialize, ToSchema)]
pub struct SettingsOut {
    /// No figure representatives and committees read rests on fewer people than this: smaller
    /// units and groups are pooled.
    pub anonymity_threshold: u32,
    /// An absence at least this many weeks long makes a special follow-up due.
    pub long_absence_weeks: u32,
    /// Days after the return within which the special follow-up is due.
    pub special_follow_up_days: u32,
    /// How often the main committee discusses the policy.
    pub main_committee_frequency: Frequency,
    /// Version, also sent as `ETag`.
    pub version: i64,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
}

fn out(s: Settings, meta: Meta) -> SettingsOut {
    SettingsOut {
        anonymity_threshold: s.anonymity_threshold,
        long_absence_weeks: s.long_absence_weeks,
        special_follow_up_days: s.special_follow_up_days,
        main_committee_frequency: match s.main_committee_frequency {
            MainCommitteeFrequency::Yearly => Frequency::Yearly,
            MainCommitteeFrequency::EveryThirdYear => Frequency::EveryThirdYear,
        },
        version: meta.version,
        updated_at: meta.updated_at,
    }
}

/// New settings; every field is required.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"anonymity_threshold": 5, "long_absence_weeks": 8, "special_follow_up_days": 30, "main_committee_frequency": "yearly"}))]
pub struct SettingsIn {
    /// 3–100: below 3, a reader in a row of 2 would know the other.
    #[schema(minimum = 3, maximum = 100)]
    pub anonymity_threshold: i64,
    /// 1–104.
    #[schema(minimum = 1, maximum = 104)]
    pub long_absence_weeks: i64,
    /// 1–365.
    #[schema(minimum = 1, maximum = 365)]
    pub special_follow_up_days: i64,
    /// How often the main committee discusses the policy.
    pub main_committee_frequency: Frequency,
}

/// The settings.
#[utoipa::path(
    tag = "organisation",
    operation_id = "get_settings",
    summary = "Read the settings in force",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The settings", body = SettingsOut, headers(("ETag" = String, description = "The settings' version"))),
        (status = 401, response = crate::openapi::Unauthorized)
    )
)]
#[get("/settings")]
pub async fn get(state: web::Data<AppState>, _access: Access) -> ApiResult<HttpResponse> {
    let (settings, meta) = state.store.settings().await?;
    Ok(versioned(
        StatusCode::OK,
        meta.version,
        &out(settings, meta),
    ))
}

/// Replaces the settings.
#[utoipa::path(
    tag = "organisation",
    operation_id = "replace_settings",
    summary = "Replace the settings (HR)",
    params(crate::http::IfMatchEtag),
    request_body = SettingsIn,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Replaced", body = SettingsOut, headers(("ETag" = String, description = "The settings' version"))),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 412, response = crate::openapi::PreconditionFailed),
        (status = 413, response = crate::openapi::PayloadTooLarge),
        (status = 415, response = crate::openapi::UnsupportedMediaType),
        (status = 422, response = crate::openapi::Unprocessable)
    )
)]
#[put("/settings")]
pub async fn replace(
    state: web::Data<AppState>,
    _hr: Hr,
    if_match: IfMatch,
    body: ValidJson<SettingsIn>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    let next = Settings::new(
        b.anonymity_threshold,
        b.long_absence_weeks,
        b.special_follow_up_days,
        match b.main_committee_frequency {
            Frequency::Yearly => MainCommitteeFrequency::Yearly,
            Frequency::EveryThirdYear => MainCommitteeFrequency::EveryThirdYear,
        },
    )?;
    let (settings, meta) = state.store.replace_settings(if_match.0, next).await?;
    Ok(versioned(
        StatusCode::OK,
        meta.version,
        &out(settings, meta),
    ))
}
