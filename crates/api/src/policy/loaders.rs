//! The loaders: every object a handler reads or changes comes through the caller's reach, so
//! an object out of reach is indistinguishable from an absent one (404). The roles an
//! operation needs are checked before any of this, by the handler's extractor (`roles.rs`).

use std::collections::BTreeSet;
use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use devplan_domain::catalogue::UnitGoal;
use devplan_domain::committee::Standing;
use devplan_domain::followup::{Absence, Interview};
use devplan_domain::org::CommitteeLevel;
use devplan_domain::org::Role;
use devplan_domain::plan::{Party, Plan};
use devplan_domain::preparation::{Guide, Preparation, Side as PreparationSide};
use devplan_domain::records::{Committee, Employee, OrgUnit};
use devplan_domain::review::Side;
use devplan_domain::{
    AbsenceId, CommitteeId, EmployeeId, FieldCode, GuideId, InterviewId, PlanId, PreparationId,
    ReviewId, UnitGoalId, UnitId, Violation,
};
use devplan_persistence::{
    EmployeeScope, EventScope, PlanScope, Store, StoreError, StoredReview, TaskReach,
};

use super::{Caller, CommitteeStanding, PlanGate, PreparerStanding, Reach, StatusView};
use crate::error::ApiError;
use crate::state::AppState;

/// The policy applied to one caller: what a handler takes instead of the bare caller, so every
/// object it loads comes through the caller's reach.
pub struct Access {
    caller: Caller,
    store: Store,
}

impl FromRequest for Access {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let store = req
            .app_data::<web::Data<AppState>>()
            .map(|s| s.store.clone());
        let caller = Caller::from_request(req, payload);
        Box::pin(async move {
            let store = store.ok_or_else(|| ApiError::Internal("no app state".into()))?;
            Ok(Access::new(caller.await?, store))
        })
    }
}

impl Access {
    /// The policy for `caller` over `store`.
    pub fn new(caller: Caller, store: Store) -> Self {
        Self { caller, store }
    }

    /// The caller's employee record; none for an integration client.
    pub fn me(&self) -> Option<&Employee> {
        self.caller.employee.as_ref()
    }

    /// The caller.
    pub fn caller(&self) -> &Caller {
        &self.caller
    }

    /// Whether the token asks for `role`.
    pub fn has(&self, role: Role) -> bool {
        self.caller.roles.contains(&role)
    }

    /// The units `role` reaches for this caller (nothing when the token lacks the role).
    pub async fn reach_as(&self, role: Role) -> Result<Reach, ApiError> {
        if !self.has(role) {
            return Ok(Reach::Units(BTreeSet::new()));
        }
        let Some(me) = &self.caller.employee else {
            return Ok(if role == Role::Hr {
                Reach::All
            } else {
                Reach::Units(BTreeSet::new())
            });
        };
        if let Some(known) = self
            .caller
            .reached
            .lock()
            .ok()
            .and_then(|r| r.get(&role).cloned())
        {
            return Ok(known);
        }
        let units: BTreeSet<UnitId> = match role {
            Role::Hr => return Ok(Reach::All),
            Role::Employee => [me.unit_id].into(),
            Role::Manager | Role::LocalRepresentative => self
                .store
                .units_reached_as(me.id, role)
                .await?
                .into_iter()
                .collect(),
            Role::Committee => self
                .store
                .committee_reach(me.id)
                .await?
                .1
                .into_iter()
                .collect(),
        };
        let reach = Reach::Units(units);
        if let Ok(mut reached) = self.caller.reached.lock() {
            reached.insert(role, reach.clone());
        }
        Ok(reach)
    }

    /// The units whose structure and head-counts the caller may read: the union over roles.
    pub async fn readable_units(&self) -> Result<Reach, ApiError> {
        let mut reach = Reach::Units(BTreeSet::new());
        for role in self.caller.roles.iter().copied() {
            reach = reach.union(self.reach_as(role).await?);
            if reach == Reach::All {
                break;
            }
        }
        Ok(reach)
    }

    /// The events the caller may follow: HR every event with its data; others the events of
    /// themselves, of the people and plans they manage, and of the records (reviews,
    /// committees, unit goals) of the units they manage, represent or sit on a committee for,
    /// without data or actor.
    pub async fn event_scope(&self) -> Result<EventScope, ApiError> {
        if self.has(Role::Hr) {
            return Ok(EventScope::All);
        }
        let units = |r: Reach| match r {
            Reach::All => Vec::new(),
            Reach::Units(u) => u.into_iter().collect::<Vec<_>>(),
        };
        let people_units = units(self.reach_as(Role::Manager).await?);
        let mut record_units = people_units.clone();
        for role in [Role::LocalRepresentative, Role::Committee] {
            record_units.extend(units(self.reach_as(role).await?));
        }
        record_units.sort();
        record_units.dedup();
        Ok(EventScope::Reach {
            // A representative or committee member acting as such gets no person's events,
            // their own included.
            me: self
                .caller
                .employee
                .as_ref()
                .filter(|_| self.has(Role::Employee) || self.has(Role::Manager))
                .map(|e| e.id),
            people_units,
            record_units,
        })
    }

    /// One unit, if the caller reaches it.
    pub async fn unit(&self, id: UnitId) -> Result<OrgUnit, ApiError> {
        if !self.readable_units().await?.contains(id) {
            return Err(ApiError::NotFound);
        }
        Ok(self.store.get_unit(id).await?)
    }

    /// A unit the caller reaches and every unit under it, to filter a list by; 404 for a unit
    /// out of reach or absent.
    pub async fn unit_subtree(&self, id: UnitId) -> Result<Vec<UnitId>, ApiError> {
        if !self.readable_units().await?.contains(id) {
            return Err(ApiError::NotFound);
        }
        // A unit's subtree holds the unit itself, so an empty one means no such unit (HR
        // reaches every unit, absent ones included).
        let subtree = self.store.subtree_of(id).await?;
        if subtree.is_empty() {
            return Err(ApiError::NotFound);
        }
        Ok(subtree)
    }

    /// The people whose records the caller may read: HR everyone, a manager the employees of
    /// their units, an employee themself. Representatives and committees never see names.
    pub async fn employee_scope(&self) -> Result<EmployeeScope, ApiError> {
        self.people_scope(true).await
    }

    /// The person whose data the caller may export: HR anyone, an employee themself; 404
    /// otherwise, as for an absent id.
    pub async fn export_subject(&self, id: EmployeeId) -> Result<Employee, ApiError> {
        let own = self.has(Role::Employee) && self.me().is_some_and(|e| e.id == id);
        if !own && !self.has(Role::Hr) {
            return Err(ApiError::NotFound);
        }
        Ok(self.store.get_employee(id).await?)
    }

    /// One employee, if in the caller's scope.
    pub async fn employee(&self, id: EmployeeId) -> Result<Employee, ApiError> {
        let scope = self.employee_scope().await?;
        let employee = self.store.get_employee(id).await?;
        let visible = match &scope {
            EmployeeScope::All => true,
            EmployeeScope::Within { units, ids } => {
                ids.contains(&employee.id) || units.contains(&employee.unit_id)
            }
        };
        if visible {
            Ok(employee)
        } else {
            Err(ApiError::NotFound)
        }
    }

    /// The committees the caller may read (none: all of them): HR all; a member the committees
    /// they sit on and every committee under those, as the hierarchy runs.
    pub async fn committee_scope(&self) -> Result<Option<Vec<CommitteeId>>, ApiError> {
        if self.has(Role::Hr) {
            return Ok(None);
        }
        let mine = self.my_committees().await?;
        let tree = self.store.committee_tree().await?;
        Ok(Some(tree.below(&mine).into_iter().collect()))
    }

    /// The committees the caller sits on, when their token asks for the committee role.
    async fn my_committees(&self) -> Result<Vec<CommitteeId>, ApiError> {
        match (&self.caller.employee, self.has(Role::Committee)) {
            (Some(me), true) => Ok(self.store.committee_reach(me.id).await?.0),
            _ => Ok(Vec::new()),
        }
    }

    /// One committee, if the caller may read it.
    pub async fn committee(&self, id: CommitteeId) -> Result<Committee, ApiError> {
        self.committee_standing(id).await?;
        Ok(self.store.get_committee(id).await?)
    }

    /// How the caller stands to a committee's records: a member records and reads them; HR and
    /// members of a committee above read them; anyone else gets 404.
    pub async fn committee_standing(&self, id: CommitteeId) -> Result<CommitteeStanding, ApiError> {
        let tree = self.store.committee_tree().await?;
        match tree.standing(&self.my_committees().await?, id) {
            Some(Standing::Member) => Ok(CommitteeStanding::Member),
            Some(Standing::Above) => Ok(CommitteeStanding::Reader),
            None if self.has(Role::Hr) && tree.contains(id) => Ok(CommitteeStanding::Reader),
            None => Err(ApiError::NotFound),
        }
    }

    /// A committee whose work the caller records: one they sit on. A member of a committee
    /// above reads it but records nothing there (403); anyone else gets 404.
    pub async fn committee_to_record(&self, id: CommitteeId) -> Result<(), ApiError> {
        match self.committee_standing(id).await? {
            CommitteeStanding::Member => Ok(()),
            CommitteeStanding::Reader => Err(ApiError::Forbidden(
                "only the committee's members record its work".into(),
            )),
        }
    }

    /// The plans the caller may list: their own (employee role) and those of people in the
    /// units they manage (manager role). Others hold no plan rights at all.
    pub async fn plan_scope(&self) -> Result<PlanScope, ApiError> {
        let units = match self.reach_as(Role::Manager).await? {
            Reach::All => Vec::new(),
            Reach::Units(u) => u.into_iter().collect(),
        };
        let members = match (&self.caller.employee, self.has(Role::Employee)) {
            (Some(me), true) => vec![me.id],
            _ => Vec::new(),
        };
        Ok(PlanScope { units, members })
    }

    /// The caller's part in plans, decided without I/O from a plan and its members' units, so
    /// the store can apply it to the plan it has just locked inside a write's transaction.
    pub async fn plan_gate(&self) -> Result<PlanGate, ApiError> {
        Ok(PlanGate {
            me: self.caller.employee.as_ref().map(|e| e.id),
            as_employee: self.has(Role::Employee),
            managed: if self.has(Role::Manager) {
                Some(self.reach_as(Role::Manager).await?)
            } else {
                None
            },
        })
    }

    /// One plan, with the capacity in which the caller takes part in it (see [`PlanGate`]).
    pub async fn plan(&self, id: PlanId) -> Result<(Plan, Party), ApiError> {
        let gate = self.plan_gate().await?;
        let plan = self.store.get_plan(id).await?;
        let units = self.store.units_of(&plan.members).await?;
        let party = gate.party(&plan, &units).ok_or(ApiError::NotFound)?;
        // Recorded before the content is sent: a read that cannot be recorded is not served.
        crate::services::audit::plans_read(&self.store, std::slice::from_ref(&plan)).await?;
        Ok((plan, party))
    }

    /// Who drafts a plan for `members`: the caller, as a manager reaching every member's unit
    /// who is not a member; none when they may not (403 without the manager role).
    pub async fn drafter_for(
        &self,
        members: &[EmployeeId],
    ) -> Result<Option<EmployeeId>, ApiError> {
        let Some(me) = &self.caller.employee else {
            return Ok(None);
        };
        if members.contains(&me.id) {
            return Ok(None);
        }
        let reach = self.reach_as(Role::Manager).await?;
        let units = self.store.units_of(members).await?;
        let reached = !units.is_empty() && units.iter().all(|u| reach.contains(*u));
        Ok(reached.then_some(me.id))
    }

    /// 404 unless the caller may read the development goals of `unit`: those reaching the
    /// unit, and its employees for the goals of the units above theirs too.
    pub async fn unit_goals_readable(&self, unit: UnitId) -> Result<(), ApiError> {
        if self.readable_units().await?.contains(unit) {
            return Ok(());
        }
        let known = match (&self.caller.employee, self.has(Role::Employee)) {
            (Some(me), true) => self
                .store
                .ancestors_of(&[me.unit_id])
                .await?
                .contains(&unit),
            _ => false,
        };
        if known {
            Ok(())
        } else {
            Err(ApiError::NotFound)
        }
    }

    /// Who publishes development goals for `unit`: the caller, as a manager reaching it (403
    /// without the manager role, 404 for a unit out of their reach).
    pub async fn unit_goal_publisher(&self, unit: UnitId) -> Result<EmployeeId, ApiError> {
        match &self.caller.employee {
            Some(me) if self.reach_as(Role::Manager).await?.contains(unit) => Ok(me.id),
            _ => Err(ApiError::NotFound),
        }
    }

    /// One development goal of `unit` that the caller, as a manager reaching the unit, may
    /// change; 404 for a goal of another unit or out of reach.
    pub async fn published_unit_goal(
        &self,
        unit: UnitId,
        goal: UnitGoalId,
    ) -> Result<UnitGoal, ApiError> {
        self.unit_goal_publisher(unit).await?;
        let goal = self.store.get_unit_goal(goal).await?;
        if goal.unit_id == unit {
            Ok(goal)
        } else {
            Err(ApiError::NotFound)
        }
    }

    /// Whose absences the caller may read and record: HR everyone's, a manager those of the
    /// employees of their units. Absence kinds and dates are sensitive: nobody else, not even
    /// the employee through this API.
    pub async fn absence_scope(&self) -> Result<EmployeeScope, ApiError> {
        self.people_scope(false).await
    }

    /// HR: everyone; a manager: the employees of their units; with `include_self`, an
    /// employee: themself.
    async fn people_scope(&self, include_self: bool) -> Result<EmployeeScope, ApiError> {
        if self.has(Role::Hr) {
            return Ok(EmployeeScope::All);
        }
        let units = match self.reach_as(Role::Manager).await? {
            Reach::All => return Ok(EmployeeScope::All),
            Reach::Units(u) => u.into_iter().collect(),
        };
        let ids = match (
            &self.caller.employee,
            include_self && self.has(Role::Employee),
        ) {
            (Some(me), true) => vec![me.id],
            _ => Vec::new(),
        };
        Ok(EmployeeScope::Within { units, ids })
    }

    /// Whose follow-up work list and interviews the caller may read: the people whose records
    /// they may read (HR everyone's, a manager those of their units, an employee their own).
    pub async fn follow_up_scope(&self) -> Result<EmployeeScope, ApiError> {
        self.employee_scope().await
    }

    /// Whether every one of `people` is in `scope` (one statement for all of them).
    pub async fn all_in(
        &self,
        scope: &EmployeeScope,
        people: &[EmployeeId],
    ) -> Result<bool, ApiError> {
        match scope {
            EmployeeScope::All => Ok(true),
            EmployeeScope::Within { units, ids } => {
                let outside: Vec<EmployeeId> = people
                    .iter()
                    .filter(|p| !ids.contains(p))
                    .copied()
                    .collect();
                if outside.is_empty() {
                    return Ok(true);
                }
                let found = self.store.unit_of_each(&outside).await?;
                Ok(outside
                    .iter()
                    .all(|p| found.iter().any(|(e, u)| e == p && units.contains(u))))
            }
        }
    }

    /// Whether any of `people` is in `scope`.
    pub async fn any_in(
        &self,
        scope: &EmployeeScope,
        people: &[EmployeeId],
    ) -> Result<bool, ApiError> {
        match scope {
            EmployeeScope::All => Ok(true),
            EmployeeScope::Within { units, ids } => {
                if people.iter().any(|p| ids.contains(p)) {
                    return Ok(true);
                }
                let found = self.store.units_of(people).await?;
                Ok(found.iter().any(|u| units.contains(u)))
            }
        }
    }

    /// One absence, if the caller may read it: HR, or a manager of the employee's unit. Anyone
    /// else gets 404, exactly as for an absent one.
    pub async fn absence(&self, id: AbsenceId) -> Result<Absence, ApiError> {
        let scope = self.absence_scope().await?;
        let absence = self.store.get_absence(id).await?;
        if self.all_in(&scope, &[absence.employee_id]).await? {
            crate::services::audit::absences_read(&self.store, std::slice::from_ref(&absence))
                .await?;
            Ok(absence)
        } else {
            Err(ApiError::NotFound)
        }
    }

    /// One development interview, if one of its participants is in the caller's follow-up
    /// scope (HR all, a manager their units', an employee their own); 404 otherwise.
    pub async fn interview(&self, id: InterviewId) -> Result<Interview, ApiError> {
        let scope = self.follow_up_scope().await?;
        let interview = self.store.get_interview(id).await?;
        let people: Vec<EmployeeId> = interview.participants.iter().map(|p| p.employee).collect();
        if self.any_in(&scope, &people).await? {
            crate::services::audit::interviews_read(&self.store, std::slice::from_ref(&interview))
                .await?;
            Ok(interview)
        } else {
            Err(ApiError::NotFound)
        }
    }

    /// A guide the caller may write: HR any, a member of the main committee that publishes it
    /// theirs. Guides are read by everyone, so anyone else is told 403, not 404.
    pub async fn guide_to_write(&self, id: GuideId) -> Result<Guide, ApiError> {
        let guide = self.store.get_guide(id).await?;
        if self.has(Role::Hr) {
            return Ok(guide);
        }
        match guide.committee_id {
            Some(c) if self.my_committees().await?.contains(&c) => Ok(guide),
            _ => Err(ApiError::Forbidden(
                "only HR and the members of the committee that publishes a guide write it".into(),
            )),
        }
    }

    /// The committee a new guide is published for, and the units it may be aimed at (none:
    /// any). HR may name any main committee or none; a committee member must name a main
    /// committee they sit on.
    pub async fn guide_publisher(
        &self,
        committee: Option<CommitteeId>,
    ) -> Result<Option<Committee>, ApiError> {
        let refused = |why: &str| -> ApiError {
            Violation::new("committee_id", FieldCode::UnknownCommittee, why).into()
        };
        let Some(id) = committee else {
            return if self.has(Role::Hr) {
                Ok(None)
            } else {
                Err(Violation::new(
                    "committee_id",
                    FieldCode::Required,
                    "name the main committee you publish the guide for",
                )
                .into())
            };
        };
        if !self.has(Role::Hr) && !self.my_committees().await?.contains(&id) {
            return Err(refused("no such main committee among yours"));
        }
        let c = match self.store.get_committee(id).await {
            Ok(c) => c,
            Err(StoreError::NotFound) => return Err(refused("no such committee")),
            Err(e) => return Err(e.into()),
        };
        if c.level != CommitteeLevel::Main {
            return Err(refused("only a main committee publishes guides"));
        }
        Ok(Some(c))
    }

    /// The caller's part in an interview's preparation: a participant prepares from the
    /// employee side, a manager of any participant from the manager side (HR, representatives
    /// and committee members have none); 404 for anyone else. The interview is loaded to
    /// decide, not shown, so its read is not audited here; reads of answers are, where they
    /// are shown.
    pub async fn preparer(&self, id: InterviewId) -> Result<PreparerStanding, ApiError> {
        let Some(me) = self.me().map(|e| e.id) else {
            return Err(ApiError::NotFound);
        };
        let interview = self.store.get_interview(id).await?;
        let people = interview.people();
        let managed: BTreeSet<EmployeeId> = match self.reach_as(Role::Manager).await? {
            Reach::All => people.iter().copied().collect(),
            Reach::Units(units) if units.is_empty() => BTreeSet::new(),
            Reach::Units(units) => self
                .store
                .unit_of_each(&people)
                .await?
                .into_iter()
                .filter(|(_, u)| units.contains(u))
                .map(|(e, _)| e)
                .collect(),
        };
        let side = if self.has(Role::Employee) && people.contains(&me) {
            PreparationSide::Employee
        } else if !managed.is_empty() {
            PreparationSide::Manager
        } else {
            return Err(ApiError::NotFound);
        };
        Ok(PreparerStanding {
            interview,
            me,
            side,
            managed,
        })
    }

    /// The interview a plan is drafted from, with the caller's part in its preparation; one
    /// they hold no part in is named as an unknown `development_interview_id`.
    pub async fn interview_to_plan_from(
        &self,
        id: InterviewId,
    ) -> Result<PreparerStanding, ApiError> {
        match self.preparer(id).await {
            Err(ApiError::NotFound) => Err(Violation::new(
                "development_interview_id",
                FieldCode::UnknownInterview,
                "no such interview with the people you manage",
            )
            .into()),
            other => other,
        }
    }

    /// Whose tasks the caller reads and in which roles: their own, as each role of the token
    /// reaches (none for an integration client, which is no person).
    pub async fn task_reach(&self) -> Result<Option<TaskReach>, ApiError> {
        let Some(me) = self.me().map(|e| e.id) else {
            return Ok(None);
        };
        let units = |r: Reach| match r {
            Reach::All => Vec::new(),
            Reach::Units(u) => u.into_iter().collect(),
        };
        Ok(Some(TaskReach {
            me,
            as_employee: self.has(Role::Employee),
            managed: units(self.reach_as(Role::Manager).await?),
            represented: units(self.reach_as(Role::LocalRepresentative).await?),
            as_committee_member: self.has(Role::Committee),
        }))
    }

    /// One preparation, if the caller may read it: its writer, or the other party once shared
    /// (the domain's `may_read`); 404 for anyone else, exactly as for an absent one.
    pub async fn preparation(&self, id: PreparationId) -> Result<Preparation, ApiError> {
        let p = self.store.get_preparation(id).await?;
        let standing = self.preparer(p.interview_id).await?;
        if standing.may_read(&p) {
            Ok(p)
        } else {
            Err(ApiError::NotFound)
        }
    }

    /// Whether the caller, as a manager, reaches every one of `people` (403 without the manager
    /// role): who may record an interview with them.
    pub async fn manages_all(&self, people: &[EmployeeId]) -> Result<bool, ApiError> {
        let scope = self.people_scope(false).await?;
        self.all_in(&scope, people).await
    }

    /// One status review, with the side the caller takes in it; 404 for anyone else.
    pub async fn review(&self, id: ReviewId) -> Result<(StoredReview, Side), ApiError> {
        let review = self.store.get_review(id.uuid()).await?;
        let side = self.review_side(review.unit_id).await?;
        Ok((review, side))
    }

    /// The people a calendar feed shows: the employees of the units its owner manages now, as
    /// their own token would. The secret is the credential: an unknown one, or the feed of
    /// someone who has left, is 404.
    pub async fn feed_scope(store: &Store, secret_hash: &str) -> Result<EmployeeScope, ApiError> {
        let owner = store.calendar_owner(secret_hash).await?;
        if !store.get_employee(owner).await?.active {
            return Err(ApiError::NotFound);
        }
        let units = store.units_reached_as(owner, Role::Manager).await?;
        Ok(EmployeeScope::Within {
            units,
            ids: Vec::new(),
        })
    }

    /// The units the caller reads exactly as their manager, with all below them (their
    /// head-counts and figures as they are): what the pooled figures they read must not let
    /// them subtract from.
    pub async fn managed_units(&self) -> Result<BTreeSet<UnitId>, ApiError> {
        Ok(match self.reach_as(Role::Manager).await? {
            Reach::Units(units) => units,
            // Only HR reaches every unit, and HR reads every figure as it is.
            Reach::All => BTreeSet::new(),
        })
    }

    /// How the caller may see the status of `unit`: named for HR and its managers, anonymised
    /// for its representatives and committee members; 404 for a unit out of reach and 403 for
    /// a token with none of these roles.
    pub async fn status_view(&self, unit: UnitId) -> Result<StatusView, ApiError> {
        if self.has(Role::Hr) || self.reach_as(Role::Manager).await?.contains(unit) {
            return Ok(StatusView::Named);
        }
        for role in [Role::LocalRepresentative, Role::Committee] {
            if self.reach_as(role).await?.contains(unit) {
                return Ok(StatusView::Anonymised);
            }
        }
        Err(ApiError::NotFound)
    }

    /// The side the caller takes in the stock-taking of `unit`: the employer (HR, a manager of
    /// the unit) or the unit's local representative; 404 for anyone else.
    pub async fn review_side(&self, unit: UnitId) -> Result<Side, ApiError> {
        if self.has(Role::Hr) || self.reach_as(Role::Manager).await?.contains(unit) {
            return Ok(Side::Employer);
        }
        if self
            .reach_as(Role::LocalRepresentative)
            .await?
            .contains(unit)
        {
            return Ok(Side::Representative);
        }
        Err(ApiError::NotFound)
    }

    /// 404 unless the caller takes part in the stock-taking of `unit`, and 403 unless on the
    /// employer side, which records a review.
    pub async fn review_recorder(&self, unit: UnitId) -> Result<(), ApiError> {
        match self.review_side(unit).await? {
            Side::Employer => Ok(()),
            Side::Representative => Err(ApiError::Forbidden(
                "the employer side records the review".into(),
            )),
        }
    }

    /// The units whose reviews the caller takes part in (none: all, for HR).
    pub async fn review_units(&self) -> Result<Option<Vec<UnitId>>, ApiError> {
        if self.has(Role::Hr) {
            return Ok(None);
        }
        let mut units: BTreeSet<UnitId> = BTreeSet::new();
        for role in [Role::Manager, Role::LocalRepresentative] {
            if let Reach::Units(u) = self.reach_as(role).await? {
                units.extend(u);
            }
        }
        Ok(Some(units.into_iter().collect()))
    }

    /// Whether the caller may see who sits on committees (names and ids are HR's only).
    pub fn may_see_committee_members(&self) -> bool {
        self.has(Role::Hr)
    }

    /// The token's known roles in a stable order, for `/me`.
    pub fn roles(&self) -> Vec<Role> {
        self.caller.roles.iter().copied().collect()
    }
}
