//! Bulk upserts keyed by the HR system's external ids: all-or-nothing, idempotent, and a
//! rejected payload names every bad row.

use devplan_domain::{FieldCode, ProblemCode};
use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use devplan_domain::org::{CommitteeLevel, Role};
use devplan_domain::placement::{History, Placement};
use devplan_domain::records::{
    Committee, CommitteeSyncRow, Employee, EmployeeSyncRow, Meta, OrgUnit, PlacementSyncRow,
    UnitSyncRow,
};
use devplan_domain::text::ExternalId;
use devplan_domain::{CommitteeId, EmployeeId, UnitId, Violation, Violations};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseTransaction,
    EntityTrait, QueryFilter, QuerySelect, TransactionTrait,
};
use uuid::Uuid;

use crate::committees::{replace_members, to_committees, write_committee};
use crate::employees::{replace_assignments, to_employees, write_employee};
use crate::entities::{committee, employee, org_unit, placement};
use crate::events::NewEvent;
use crate::placements::{check_new_placements, insert_histories, replace_histories, unit_ended};
use crate::units::{CHUNK, load_tree, rebuild_closure, rows_per_statement};
use crate::{Store, StoreError};

/// What a sync did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// Records that did not exist.
    pub created: u64,
    /// Records whose content changed.
    pub updated: u64,
    /// Records already as sent: not touched, version kept.
    pub unchanged: u64,
}

/// A violation of row `i` of the payload.
fn row_violation(i: usize, field: &str, code: FieldCode, message: &str) -> Violation {
    Violation::new(format!("rows[{i}].{field}"), code, message)
}

/// Flags every external id sent twice in one payload.
fn check_duplicates<'a>(ids: impl Iterator<Item = &'a ExternalId>, v: &mut Violations) {
    let mut seen = HashMap::new();
    for (i, id) in ids.enumerate() {
        if let Some(first) = seen.insert(id.as_str(), i) {
            v.push(row_violation(
                i,
                "external_id",
                FieldCode::DuplicateRow,
                &format!("the same external_id is sent in rows[{first}]"),
            ));
        }
    }
}

/// `external_id -> id` of every stored unit.
async fn unit_ids_by_external_id(
    conn: &impl ConnectionTrait,
) -> Result<HashMap<String, Uuid>, StoreError> {
    let rows: Vec<(Uuid, Option<String>)> = org_unit::Entity::find()
        .select_only()
        .column(org_unit::Column::Id)
        .column(org_unit::Column::ExternalId)
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, ext)| ext.map(|e| (e, id)))
        .collect())
}

/// Resolves a list of unit references of row `i`, flagging unknown ones.
fn resolve_units(
    i: usize,
    field: &str,
    refs: &[ExternalId],
    units: &HashMap<String, Uuid>,
    v: &mut Violations,
) -> Vec<UnitId> {
    let mut out = Vec::with_capacity(refs.len());
    for (j, r) in refs.iter().enumerate() {
        match units.get(r.as_str()) {
            Some(id) => out.push(UnitId::from_uuid(*id)),
            None => v.push(row_violation(
                i,
                &format!("{field}[{j}]"),
                FieldCode::UnknownUnit,
                "no unit has this external_id",
            )),
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Makes HR syncs take turns (PostgreSQL; SQLite has one writer): a sync reads what is stored
/// to decide what to insert or change, so two at once would both insert the same new rows
/// (a duplicate-key failure) or both change the same ones (a lost update). The same payload
/// sent twice at once then gives two successes and one final state.
pub(crate) async fn serialise_syncs(txn: &DatabaseTransaction) -> Result<(), StoreError> {
    if txn.get_database_backend() == DatabaseBackend::Postgres {
        // The two-key form with 0 is the status projection's; 1 is HR syncs'.
        txn.execute_unprepared("SELECT pg_advisory_xact_lock(1685482608, 1)")
            .await?;
    }
    Ok(())
}

/// The history a row sends whole: its units resolved, validated (every problem named under
/// `placements[j]`), and each placement not already stored checked against its unit's end.
fn sent_history(
    sent: Vec<PlacementSyncRow>,
    units: &HashMap<String, Uuid>,
    endings: &HashMap<UnitId, NaiveDate>,
    previous: &History,
    today: NaiveDate,
) -> Result<History, Violations> {
    let mut v = Violations::new();
    let mut placements = Vec::with_capacity(sent.len());
    for (j, p) in sent.into_iter().enumerate() {
        let field = format!("placements[{j}].unit_external_id");
        let unit = units.get(p.unit_external_id.as_str()).copied();
        if unit.is_none() {
            v.push(Violation::new(
                field.clone(),
                FieldCode::UnknownUnit,
                "no unit has this external_id",
            ));
        }
        // An unknown unit still takes its place, so its dates are checked with the others'
        // and every problem is named by its index as sent.
        let placement = Placement {
            from: p.from,
            to: p.to,
            unit_id: UnitId::from_uuid(unit.unwrap_or_default()),
            professional_group: p.professional_group,
        };
        if unit.is_some()
            && !previous.placements().contains(&placement)
            && let Some(ended) = unit_ended(field, &placement, endings)
        {
            v.push(ended);
        }
        placements.push(placement);
    }
    match History::new(placements, today) {
        Ok(h) if v.is_empty() => Ok(h),
        Ok(_) => Err(v),
        Err(e) => {
            for violation in e.into_vec() {
                v.push(violation);
            }
            Err(v)
        }
    }
}

/// Refuses to end a unit that still has people placed in it after its last day, or a
/// sub-unit that outlives it (409 `unit_in_use`, every such unit of the payload named).
async fn check_endings(
    txn: &DatabaseTransaction,
    rows: &[UnitSyncRow],
    row_ids: &[UnitId],
    parents: &[Option<UnitId>],
    existing: &HashMap<String, org_unit::Model>,
) -> Result<(), StoreError> {
    let stored: Vec<(Uuid, Option<Uuid>, Option<NaiveDate>)> = org_unit::Entity::find()
        .select_only()
        .column(org_unit::Column::Id)
        .column(org_unit::Column::ParentId)
        .column(org_unit::Column::EndsOn)
        .into_tuple()
        .all(txn)
        .await?;
    let mut parent_of: HashMap<UnitId, Option<UnitId>> = HashMap::new();
    let mut ends: HashMap<UnitId, Option<NaiveDate>> = HashMap::new();
    for (id, parent, end) in stored {
        parent_of.insert(UnitId::from_uuid(id), parent.map(UnitId::from_uuid));
        ends.insert(UnitId::from_uuid(id), end);
    }
    let mut in_payload: HashMap<UnitId, usize> = HashMap::new();
    for (i, row) in rows.iter().enumerate() {
        parent_of.insert(row_ids[i], parents[i]);
        ends.insert(row_ids[i], row.ends_on);
        in_payload.insert(row_ids[i], i);
    }
    let mut problems = Vec::new();
    let name = |u: UnitId| match in_payload.get(&u) {
        Some(i) => format!("rows[{i}] ({})", rows[*i].external_id.as_str()),
        None => format!("unit {}", u.uuid()),
    };
    for (child, parent) in &parent_of {
        let Some(parent) = parent else { continue };
        if !in_payload.contains_key(child) && !in_payload.contains_key(parent) {
            continue;
        }
        if let Some(Some(parent_end)) = ends.get(parent)
            && ends
                .get(child)
                .copied()
                .flatten()
                .is_none_or(|e| e > *parent_end)
        {
            problems.push(format!(
                "{} ends on {parent_end} but its sub-unit {} is open after that",
                name(*parent),
                name(*child)
            ));
        }
    }
    // People placed after a unit's new last day: one query for every unit the payload ends.
    let ending: Vec<(usize, NaiveDate)> = rows
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let end = r.ends_on?;
            let before = existing.get(r.external_id.as_str()).and_then(|m| m.ends_on);
            (before != Some(end)).then_some((i, end))
        })
        .collect();
    for chunk in ending.chunks(CHUNK) {
        let placed: Vec<(Uuid, Option<NaiveDate>)> = placement::Entity::find()
            .select_only()
            .column(placement::Column::UnitId)
            .column(placement::Column::EndsOn)
            .filter(placement::Column::UnitId.is_in(chunk.iter().map(|(i, _)| row_ids[*i].uuid())))
            .into_tuple()
            .all(txn)
            .await?;
        for (i, end) in chunk {
            let after = placed
                .iter()
                .filter(|(u, to)| *u == row_ids[*i].uuid() && to.is_none_or(|t| t > *end))
                .count();
            if after > 0 {
                problems.push(format!(
                    "{} cannot end on {end}: {after} placement(s) in it last beyond that; \
                     move or end them first",
                    name(row_ids[*i])
                ));
            }
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    problems.sort();
    Err(StoreError::Conflict {
        code: ProblemCode::UnitInUse,
        message: problems.join("; "),
    })
}

impl Store {
    /// Upserts units by external id; parents may be in the payload or stored.
    pub async fn sync_units(&self, rows: Vec<UnitSyncRow>) -> Result<SyncReport, StoreError> {
        let txn = self.db.begin().await?;
        serialise_syncs(&txn).await?;
        let mut v = Violations::new();
        check_duplicates(rows.iter().map(|r| &r.external_id), &mut v);
        let existing: HashMap<String, org_unit::Model> = org_unit::Entity::find()
            .filter(org_unit::Column::ExternalId.is_not_null())
            .all(&txn)
            .await?
            .into_iter()
            .filter_map(|m| m.external_id.clone().map(|e| (e, m)))
            .collect();
        let mut ids: HashMap<&str, UnitId> = existing
            .iter()
            .map(|(e, m)| (e.as_str(), UnitId::from_uuid(m.id)))
            .collect();
        let mut tree = load_tree(&txn).await?;
        let row_ids: Vec<UnitId> = rows
            .iter()
            .map(|r| {
                *ids.entry(r.external_id.as_str())
                    .or_insert_with(UnitId::generate)
            })
            .collect();
        // Detach every unit of the payload first, so that a valid final tree is accepted
        // whatever order its moves are listed in.
        for id in &row_ids {
            tree.set_parent(*id, None)
                .map_err(|e| StoreError::Invalid(e.into()))?;
        }
        let mut parents = Vec::with_capacity(rows.len());
        for (i, row) in rows.iter().enumerate() {
            let parent = match &row.parent_external_id {
                None => None,
                Some(p) => match ids.get(p.as_str()) {
                    Some(pid) => Some(*pid),
                    None => {
                        v.push(row_violation(
                            i,
                            "parent_external_id",
                            FieldCode::UnknownUnit,
                            "no unit has this external_id, in the payload or stored",
                        ));
                        parents.push(None);
                        continue;
                    }
                },
            };
            if let Err(e) = tree.set_parent(row_ids[i], parent) {
                v.push(row_violation(i, "parent_external_id", e.code, &e.message));
            }
            parents.push(parent);
        }
        if !v.is_empty() {
            return Err(StoreError::Invalid(v));
        }
        check_endings(&txn, &rows, &row_ids, &parents, &existing).await?;
        let depth: HashMap<UnitId, u32> =
            tree.closure().into_iter().fold(HashMap::new(), |mut m, r| {
                let d = m.entry(r.descendant).or_insert(0);
                *d = (*d).max(r.depth);
                m
            });
        let now = self.now();
        let mut report = SyncReport::default();
        let mut new_rows = Vec::new();
        let mut moved = false;
        let mut changes = Vec::new();
        for (i, row) in rows.iter().enumerate() {
            let parent = parents[i].map(UnitId::uuid);
            let unit = |version: i64, created_at| OrgUnit {
                id: row_ids[i],
                external_id: Some(row.external_id.clone()),
                name: row.name.clone(),
                parent_id: parents[i],
                ends_on: row.ends_on,
                meta: Meta {
                    version,
                    created_at,
                    updated_at: now,
                },
            };
            match existing.get(row.external_id.as_str()) {
                None => {
                    report.created += 1;
                    changes.push(NewEvent::unit("unit.created", &unit(1, now)));
                    new_rows.push((
                        depth.get(&row_ids[i]).copied().unwrap_or(0),
                        org_unit::ActiveModel {
                            id: Set(row_ids[i].uuid()),
                            external_id: Set(Some(row.external_id.as_str().to_owned())),
                            name: Set(row.name.as_str().to_owned()),
                            parent_id: Set(parent),
                            version: Set(1),
                            created_at: Set(now),
                            updated_at: Set(now),
                            ends_on: Set(row.ends_on),
                        },
                    ));
                }
                Some(m)
                    if m.name == row.name.as_str()
                        && m.parent_id == parent
                        && m.ends_on == row.ends_on =>
                {
                    report.unchanged += 1
                }
                Some(m) => {
                    report.updated += 1;
                    changes.push(NewEvent::unit(
                        "unit.updated",
                        &unit(m.version + 1, m.created_at),
                    ));
                    moved |= m.parent_id != parent;
                    org_unit::Entity::update_many()
                        .col_expr(org_unit::Column::Name, Expr::value(row.name.as_str()))
                        .col_expr(org_unit::Column::ParentId, Expr::value(parent))
                        .col_expr(org_unit::Column::EndsOn, Expr::value(row.ends_on))
                        .col_expr(org_unit::Column::Version, Expr::value(m.version + 1))
                        .col_expr(org_unit::Column::UpdatedAt, Expr::value(now))
                        .filter(org_unit::Column::Id.eq(m.id))
                        .exec(&txn)
                        .await?;
                }
            }
        }
        // Parents before children, so every foreign key points at a stored row.
        new_rows.sort_by_key(|(d, _)| *d);
        let new_rows: Vec<_> = new_rows.into_iter().map(|(_, m)| m).collect();
        crate::bulk::insert(&txn, new_rows).await?;
        if moved || report.created > 0 {
            rebuild_closure(&txn, &tree).await?;
        }
        changes.push(NewEvent::sync("units", &report));
        crate::events::record(&txn, now, changes).await?;
        txn.commit().await?;
        self.organisation_changed();
        self.analyze_after_growth(report.created, &["org_units", "unit_closure"])
            .await?;
        Ok(report)
    }

    /// Upserts employees by external id, with the units they manage and represent.
    pub async fn sync_employees(
        &self,
        rows: Vec<EmployeeSyncRow>,
    ) -> Result<SyncReport, StoreError> {
        let now = self.now();
        let txn = self.db.begin().await?;
        serialise_syncs(&txn).await?;
        let mut v = Violations::new();
        check_duplicates(rows.iter().map(|r| &r.external_id), &mut v);
        let units = unit_ids_by_external_id(&txn).await?;
        let mut existing_rows = Vec::new();
        for chunk in rows.chunks(rows_per_statement(1)) {
            existing_rows.extend(
                employee::Entity::find()
                    .filter(
                        employee::Column::ExternalId
                            .is_in(chunk.iter().map(|r| r.external_id.as_str())),
                    )
                    .all(&txn)
                    .await?,
            );
        }
        let existing: HashMap<String, Employee> = to_employees(&txn, existing_rows)
            .await?
            .into_iter()
            .filter_map(|e| e.external_id.clone().map(|x| (x.into_string(), e)))
            .collect();
        let endings = crate::placements::unit_endings(&txn).await?;
        let today = self.today();
        let mut wanted = Vec::with_capacity(rows.len());
        for (i, row) in rows.into_iter().enumerate() {
            let unit = units.get(row.unit_external_id.as_str()).copied();
            if unit.is_none() {
                v.push(row_violation(
                    i,
                    "unit_external_id",
                    FieldCode::UnknownUnit,
                    "no unit has this external_id",
                ));
            }
            let manages = resolve_units(
                i,
                "manages_unit_external_ids",
                &row.manages_unit_external_ids,
                &units,
                &mut v,
            );
            let represents = resolve_units(
                i,
                "represents_unit_external_ids",
                &row.represents_unit_external_ids,
                &units,
                &mut v,
            );
            let current = existing.get(row.external_id.as_str());
            let previous = current.map(|c| c.history.clone()).unwrap_or_default();
            let unit_id = UnitId::from_uuid(unit.unwrap_or_default());
            let mut next = Employee {
                id: current.map_or_else(EmployeeId::generate, |c| c.id),
                external_id: Some(row.external_id),
                name: row.name,
                email: row.email,
                professional_group: row.professional_group,
                unit_id,
                active: row.active.unwrap_or(true),
                manages,
                represents,
                history: previous.clone(),
                meta: current.map_or(Meta::first(now), |c| c.meta),
            };
            match row.placements {
                Some(sent) => match sent_history(sent, &units, &endings, &previous, today) {
                    Ok(history) => match history.agrees_with(
                        unit_id,
                        next.professional_group.as_ref(),
                        row.active,
                    ) {
                        Ok(employed) => {
                            next.active = employed;
                            next.history = history;
                        }
                        Err(e) => v.extend_within(&format!("rows[{i}]"), e),
                    },
                    Err(e) => v.extend_within(&format!("rows[{i}]"), e),
                },
                None => {
                    next = next.placed_as_of(today);
                    check_new_placements(
                        &format!("rows[{i}].unit_external_id"),
                        &next.history,
                        &previous,
                        &endings,
                        &mut v,
                    );
                }
            }
            wanted.push(next);
        }
        if !v.is_empty() {
            return Err(StoreError::Invalid(v));
        }
        let mut report = SyncReport::default();
        let mut inserts = Vec::new();
        let mut manager_changes = Vec::new();
        let mut representative_changes = Vec::new();
        let mut new_histories = Vec::new();
        let mut changed_histories = Vec::new();
        let mut moves = Vec::new();
        // Who gets an event, and the version it carries (none: created); the events
        // themselves are made as they are written, 50,000 at once took 30 MB.
        let mut recorded: Vec<(&Employee, Option<i64>)> = Vec::new();
        for next in &wanted {
            let stored = next
                .external_id
                .as_ref()
                .and_then(|e| existing.get(e.as_str()));
            match stored {
                None => {
                    recorded.push((next, None));
                    report.created += 1;
                    inserts.push(next);
                    manager_changes.push(next);
                    representative_changes.push(next);
                    new_histories.push((next.id.uuid(), &next.history));
                }
                Some(current) if current == next => report.unchanged += 1,
                Some(current) => {
                    report.updated += 1;
                    recorded.push((next, Some(current.meta.version + 1)));
                    write_employee(&txn, next, current.meta.version, now).await?;
                    if current.unit_id != next.unit_id {
                        moves.push((next.id.uuid(), next.unit_id.uuid()));
                    }
                    if current.manages != next.manages {
                        manager_changes.push(next);
                    }
                    if current.represents != next.represents {
                        representative_changes.push(next);
                    }
                    if current.history != next.history {
                        changed_histories.push((next.id.uuid(), &next.history));
                    }
                }
            }
        }
        // Built one statement's worth at a time: 50,000 models at once doubled the call's
        // memory.
        let models = inserts.iter().map(|next| employee::ActiveModel {
            id: Set(next.id.uuid()),
            external_id: Set(next.external_id.as_ref().map(|e| e.as_str().to_owned())),
            name: Set(next.name.as_str().to_owned()),
            email: Set(next.email.as_ref().map(|e| e.as_str().to_owned())),
            professional_group: Set(next
                .professional_group
                .as_ref()
                .map(|g| g.as_str().to_owned())),
            unit_id: Set(next.unit_id.uuid()),
            active: Set(next.active),
            version: Set(1),
            created_at: Set(next.meta.created_at),
            updated_at: Set(next.meta.updated_at),
            left_at: Set((!next.active).then_some(next.meta.updated_at)),
            erased_at: Set(None),
        });
        crate::bulk::insert(&txn, models).await?;
        crate::plans::follow_moves(&txn, &moves).await?;
        insert_histories(&txn, &new_histories).await?;
        replace_histories(&txn, &changed_histories).await?;
        // Only those stored before have roles to replace: a new person's are only inserted.
        let created: HashSet<Uuid> = new_histories.iter().map(|(id, _)| *id).collect();
        let ids = |es: &[&Employee]| {
            es.iter()
                .map(|e| e.id.uuid())
                .filter(|id| !created.contains(id))
                .collect::<Vec<_>>()
        };
        replace_assignments(
            &txn,
            Role::Manager,
            &ids(&manager_changes),
            manager_changes
                .iter()
                .flat_map(|e| e.manages.iter().map(|u| (e.id.uuid(), *u))),
        )
        .await?;
        replace_assignments(
            &txn,
            Role::LocalRepresentative,
            &ids(&representative_changes),
            representative_changes
                .iter()
                .flat_map(|e| e.represents.iter().map(|u| (e.id.uuid(), *u))),
        )
        .await?;
        let changes = recorded
            .iter()
            .map(|(next, version)| match version {
                None => NewEvent::employee(true, next),
                Some(version) => {
                    let mut stored = (*next).clone();
                    stored.meta.version = *version;
                    stored.meta.updated_at = now;
                    NewEvent::employee(false, &stored)
                }
            })
            .chain(std::iter::once(NewEvent::sync("employees", &report)));
        crate::events::record(&txn, now, changes).await?;
        txn.commit().await?;
        self.organisation_changed();
        self.analyze_after_growth(
            report.created,
            &["employees", "unit_assignments", "placements"],
        )
        .await?;
        Ok(report)
    }

    /// Upserts committees by external id, with parents (payload or stored) and members.
    pub async fn sync_committees(
        &self,
        rows: Vec<CommitteeSyncRow>,
    ) -> Result<SyncReport, StoreError> {
        let now = self.now();
        let txn = self.db.begin().await?;
        serialise_syncs(&txn).await?;
        let mut v = Violations::new();
        check_duplicates(rows.iter().map(|r| &r.external_id), &mut v);
        let units = unit_ids_by_external_id(&txn).await?;
        let existing: HashMap<String, Committee> = to_committees(
            &txn,
            committee::Entity::find()
                .filter(committee::Column::ExternalId.is_not_null())
                .all(&txn)
                .await?,
        )
        .await?
        .into_iter()
        .filter_map(|c| c.external_id.clone().map(|x| (x.into_string(), c)))
        .collect();
        let mut known: HashMap<String, (CommitteeId, CommitteeLevel)> = existing
            .iter()
            .map(|(k, c)| (k.clone(), (c.id, c.level)))
            .collect();
        for row in &rows {
            let id = existing
                .get(row.external_id.as_str())
                .map_or_else(CommitteeId::generate, |c| c.id);
            known.insert(row.external_id.as_str().to_owned(), (id, row.level));
        }
        let member_refs: HashSet<&str> = rows
            .iter()
            .flat_map(|r| r.member_external_ids.iter().map(ExternalId::as_str))
            .collect();
        let member_refs: Vec<&str> = member_refs.into_iter().collect();
        let mut employees: HashMap<String, Uuid> = HashMap::new();
        for chunk in member_refs.chunks(CHUNK) {
            let found: Vec<(Uuid, Option<String>)> = employee::Entity::find()
                .select_only()
                .column(employee::Column::Id)
                .column(employee::Column::ExternalId)
                .filter(employee::Column::ExternalId.is_in(chunk.iter().copied()))
                .into_tuple()
                .all(&txn)
                .await?;
            employees.extend(found.into_iter().filter_map(|(id, e)| e.map(|e| (e, id))));
        }
        let mut wanted = Vec::with_capacity(rows.len());
        for (i, row) in rows.into_iter().enumerate() {
            let unit = units.get(row.unit_external_id.as_str()).copied();
            if unit.is_none() {
                v.push(row_violation(
                    i,
                    "unit_external_id",
                    FieldCode::UnknownUnit,
                    "no unit has this external_id",
                ));
            }
            let parent = match &row.parent_external_id {
                None => None,
                Some(p) => match known.get(p.as_str()) {
                    None => {
                        v.push(row_violation(
                            i,
                            "parent_external_id",
                            FieldCode::UnknownCommittee,
                            "no committee has this external_id, in the payload or stored",
                        ));
                        None
                    }
                    Some((pid, level)) => {
                        if !row.level.may_report_to(*level) {
                            v.push(row_violation(
                                i,
                                "parent_external_id",
                                FieldCode::ParentLevel,
                                &format!(
                                    "a {} committee cannot report to a {} committee",
                                    row.level.as_str(),
                                    level.as_str()
                                ),
                            ));
                        }
                        Some(*pid)
                    }
                },
            };
            let mut members = Vec::new();
            for (j, m) in row.member_external_ids.iter().enumerate() {
                match employees.get(m.as_str()) {
                    Some(id) => members.push(EmployeeId::from_uuid(*id)),
                    None => v.push(row_violation(
                        i,
                        &format!("member_external_ids[{j}]"),
                        FieldCode::UnknownEmployee,
                        "no employee has this external_id",
                    )),
                }
            }
            members.sort();
            members.dedup();
            let current = existing.get(row.external_id.as_str());
            let (id, _) = known[row.external_id.as_str()];
            wanted.push(Committee {
                id,
                external_id: Some(row.external_id),
                name: row.name,
                level: row.level,
                unit_id: UnitId::from_uuid(unit.unwrap_or_default()),
                parent_id: parent,
                members,
                meta: current.map_or(Meta::first(now), |c| c.meta),
            });
        }
        if !v.is_empty() {
            return Err(StoreError::Invalid(v));
        }
        // Higher levels first, so every parent exists before a committee points at it.
        wanted.sort_by_key(|c| match c.level {
            CommitteeLevel::Main => 0,
            CommitteeLevel::Sector => 1,
            CommitteeLevel::Local => 2,
        });
        let mut report = SyncReport::default();
        let mut member_changes = Vec::new();
        let mut changes = Vec::new();
        for next in &wanted {
            let key = next
                .external_id
                .as_ref()
                .map(|e| e.as_str())
                .unwrap_or_default();
            match existing.get(key) {
                None => {
                    report.created += 1;
                    committee::Entity::insert(committee::ActiveModel {
                        id: Set(next.id.uuid()),
                        external_id: Set(Some(key.to_owned())),
                        name: Set(next.name.as_str().to_owned()),
                        level: Set(next.level.as_str().to_owned()),
                        unit_id: Set(next.unit_id.uuid()),
                        parent_id: Set(next.parent_id.map(CommitteeId::uuid)),
                        version: Set(1),
                        created_at: Set(next.meta.created_at),
                        updated_at: Set(next.meta.updated_at),
                    })
                    .exec_without_returning(&txn)
                    .await?;
                    member_changes.push(next);
                    changes.push(NewEvent::committee(true, next));
                }
                Some(current) if current == next => report.unchanged += 1,
                Some(current) => {
                    report.updated += 1;
                    write_committee(&txn, next, current.meta.version, now).await?;
                    let mut stored = next.clone();
                    stored.meta.version = current.meta.version + 1;
                    stored.meta.updated_at = now;
                    changes.push(NewEvent::committee(false, &stored));
                    if current.members != next.members {
                        member_changes.push(next);
                    }
                }
            }
        }
        let ids: Vec<Uuid> = member_changes.iter().map(|c| c.id.uuid()).collect();
        replace_members(
            &txn,
            &ids,
            member_changes
                .iter()
                .flat_map(|c| c.members.iter().map(|m| (c.id.uuid(), *m))),
        )
        .await?;
        changes.push(NewEvent::sync("committees", &report));
        crate::events::record(&txn, now, changes).await?;
        txn.commit().await?;
        self.organisation_changed();
        Ok(report)
    }
}
