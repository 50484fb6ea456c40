//! `/employees/{id}/export`: everything devplan holds about one person, as one JSON document
//! (GDPR Art. 15, the right of access): for HR, and for the employee themself.

use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use devplan_domain::EmployeeId;
use devplan_domain::plan::Party;
use devplan_persistence::{AuditFilter, EmployeeScope, PageRequest, PlanFilter, PlanScope};
use serde::Serialize;
use utoipa::ToSchema;

use crate::http::ApiResult;
use crate::policy::HrOrEmployee;
use crate::state::AppState;
use crate::views::absence::AbsenceOut;
use crate::views::audit::AuditOut;
use crate::views::employee::EmployeeOut;
use crate::views::follow_up::FollowUpOut;
use crate::views::interview::InterviewOut;
use crate::views::plan::{PlanOut, VersionOut, plan_out, versions};

/// More than anyone has: the export reads everything in one page.
const ALL: u64 = 1_000_000;

/// One plan with its history.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedPlan {
    /// The plan as it stands.
    pub plan: PlanOut,
    /// Every version: the agreed ones with their signatures, and a draft being written.
    pub versions: Vec<VersionOut>,
    /// Its follow-ups.
    pub follow_ups: Vec<FollowUpOut>,
}

/// Everything held about one person.
#[derive(Debug, Serialize, ToSchema)]
pub struct Export {
    /// When the export was made.
    pub exported_at: DateTime<Utc>,
    /// The organisation's record of them.
    pub employee: EmployeeOut,
    /// Every plan they are or were a member of.
    pub plans: Vec<ExportedPlan>,
    /// Their absences.
    pub absences: Vec<AbsenceOut>,
    /// The development interviews they took part in.
    pub interviews: Vec<InterviewOut>,
    /// Their preparations of interviews: every answer they wrote, shared or not.
    pub preparations: Vec<crate::views::preparation::PreparationOut>,
    /// The audit entries about them: who read or changed their data.
    pub audit: Vec<AuditOut>,
}

/// One person's data.
#[utoipa::path(
    tag = "organisation",
    operation_id = "export_employee",
    summary = "Everything held about one person, as one document (HR, or the employee themself)",
    description = "The right of access (GDPR Art. 15): the organisation record, every plan with all its versions, signatures and follow-ups, absences, development interviews and their preparations (every answer they wrote), and the audit entries about the person. An export by HR is itself logged as reads of the person's data.",
    params(("id" = Uuid, Path, description = "The employee's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The export", body = Export),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound)
    )
)]
#[get("/employees/{id}/export")]
pub async fn export(
    state: web::Data<AppState>,
    access: HrOrEmployee,
    id: web::Path<EmployeeId>,
) -> ApiResult<HttpResponse> {
    let id = *id;
    let employee = access.export_subject(id).await?;
    let all = PageRequest {
        after: None,
        limit: ALL,
    };
    // Everything about one person, however long their history: under the heavy limit.
    let store = &state.store.heavy();
    let plans = store
        .list_plans(
            &PlanScope {
                units: Vec::new(),
                members: vec![id],
            },
            &PlanFilter {
                employee: Some(id),
                status: None,
            },
            all,
        )
        .await?
        .items;
    let absences = store
        .list_absences(&EmployeeScope::All, Some(id), all)
        .await?
        .items;
    let interviews = store
        .list_interviews(&EmployeeScope::All, None, Some(id), all)
        .await?
        .items;
    // Recorded before the data is sent (the employee's own reads are not).
    crate::services::audit::plans_read(store, &plans).await?;
    crate::services::audit::absences_read(store, &absences).await?;
    crate::services::audit::interviews_read(store, &interviews).await?;
    let preparations = store.preparations_by(id).await?;
    let read: Vec<_> = preparations
        .iter()
        .map(|p| (p.id.uuid(), vec![p.writer]))
        .collect();
    store.record_reads("preparation", &read).await?;
    let mut exported = Vec::with_capacity(plans.len());
    for p in &plans {
        let agreed = store.plan_versions(p.id).await?;
        let follow_ups = store.list_follow_ups(p.id).await?;
        exported.push(ExportedPlan {
            plan: plan_out(p, Party::Employee),
            versions: versions(p, agreed),
            follow_ups: follow_ups.into_iter().map(FollowUpOut::from).collect(),
        });
    }
    let audit = store
        .list_audit(
            &AuditFilter {
                employee: Some(id),
                ..AuditFilter::default()
            },
            None,
            ALL,
        )
        .await?;
    Ok(HttpResponse::Ok().json(Export {
        exported_at: state.clock.now(),
        employee: EmployeeOut::from(employee),
        plans: exported,
        absences: absences.into_iter().map(AbsenceOut::from).collect(),
        interviews: interviews.into_iter().map(InterviewOut::from).collect(),
        preparations: preparations
            .iter()
            .map(crate::views::preparation::PreparationOut::from)
            .collect(),
        audit: audit.into_iter().map(AuditOut::from).collect(),
    }))
}
