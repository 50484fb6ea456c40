//! The development plan: its content, and its life as pure functions.
//!
//! A plan is drafted, edited in dialogue by employee and manager, and signed by both (by every
//! member and a manager, for a group plan). When all have signed, it is `agreed`, and the agreed
//! content is frozen as a version. Changing agreed content opens the next version as a draft,
//! which must be signed again. How an activity is going and how a goal was evaluated are
//! follow-up data: they change without a new version, because nobody signed them.

use crate::FieldCode;
use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::text::LongText;
use crate::{EmployeeId, PlanId, Violation, Violations};

mod content;
mod version;

pub use content::*;
pub use version::*;

/// What a follow-up decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The plan goes on as it is.
    Continued,
    /// The plan is to be changed: a new version opens, to be signed.
    Adjusted,
    /// The plan ends.
    Closed,
}

/// Where a plan is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "openapi",
    schema(description = "Where a plan is in its life.")
)]
#[serde(rename_all = "snake_case")]
pub enum PlanStatus {
    /// Being written; both parties may edit.
    Draft,
    /// A version signed by all parties is in force (a successor may be being drafted).
    Agreed,
    /// Replaced by the employee's newer plan; stays readable.
    Superseded,
    /// Ended, with a reason.
    Closed,
}

impl PlanStatus {
    /// Every variant, in declaration order (what the API publishes is checked against it).
    pub const ALL: [PlanStatus; 4] = [
        PlanStatus::Draft,
        PlanStatus::Agreed,
        PlanStatus::Superseded,
        PlanStatus::Closed,
    ];
}

impl PlanStatus {
    /// The wire and storage name.
    pub const fn as_str(self) -> &'static str {
        match self {
            PlanStatus::Draft => "draft",
            PlanStatus::Agreed => "agreed",
            PlanStatus::Superseded => "superseded",
            PlanStatus::Closed => "closed",
        }
    }

    /// Parses a storage name.
    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Draft, Self::Agreed, Self::Superseded, Self::Closed]
            .into_iter()
            .find(|s| s.as_str() == raw)
    }
}

/// Whether a plan is one person's or a group's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "openapi",
    schema(description = "Whether a plan is for one employee or a group.")
)]
#[serde(rename_all = "snake_case")]
pub enum PlanKind {
    /// One employee's plan.
    Individual,
    /// A plan shared by a group; each member sees it as theirs.
    Group,
}

impl PlanKind {
    /// Every variant, in declaration order (what the API publishes is checked against it).
    pub const ALL: [PlanKind; 2] = [PlanKind::Individual, PlanKind::Group];
}

/// In which capacity someone signs; derived from who they are, never sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "openapi",
    schema(as = PlanParty, description = "A party to a plan: its employee (each member) or a manager of theirs.")
)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    /// A member of the plan.
    Employee,
    /// A manager of a member's unit.
    Manager,
}

impl Party {
    /// Every variant, in declaration order (what the API publishes is checked against it).
    pub const ALL: [Party; 2] = [Party::Employee, Party::Manager];
}

/// A signature, bound to the exact content signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signature {
    /// In which capacity.
    pub party: Party,
    /// Who signed.
    pub signer: EmployeeId,
    /// When.
    pub signed_at: DateTime<Utc>,
    /// `PlanContent::content_hash` of what was signed.
    pub content_hash: String,
}

/// What a signer read before signing: the plan's revision or its content hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignedRead {
    /// A revision (`ETag`) of the plan.
    Revision(i64),
    /// The `content_hash` of the content read.
    ContentHash(String),
}

impl From<i64> for SignedRead {
    fn from(revision: i64) -> Self {
        SignedRead::Revision(revision)
    }
}

/// Why and when a plan was closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closure {
    /// Why.
    pub reason: LongText,
    /// Who closed it.
    pub closed_by: EmployeeId,
    /// When.
    pub closed_at: DateTime<Utc>,
}

/// A development plan: the aggregate every change goes through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Its id.
    pub id: PlanId,
    /// Individual or group.
    pub kind: PlanKind,
    /// The employees it is for: one, or the group.
    pub members: Vec<EmployeeId>,
    /// Where it is in its life. `Agreed` while an agreed version is in force, also when its
    /// successor is being drafted.
    pub status: PlanStatus,
    /// The version of `content`: 1, 2, …; the successor's number while one is drafted.
    pub version: u32,
    /// The last version both parties signed; in force while the plan is agreed.
    pub agreed_version: Option<u32>,
    /// Grows with every change: the `ETag`.
    pub revision: i64,
    /// The revision at which the signed part of the content last changed: a signer who read
    /// this revision or a later one has read what they sign.
    pub content_revision: i64,
    /// What it says now.
    pub content: PlanContent,
    /// Signatures on the current version's content.
    pub signatures: Vec<Signature>,
    /// Set when closed.
    pub closure: Option<Closure>,
    /// Who drafted it.
    pub created_by: EmployeeId,
    /// When it was drafted.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// Why a change to a plan is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// Closed and superseded plans change no more.
    #[error("the plan is {0}; it can no longer change")]
    Finished(&'static str),
    /// Agreed plans are not signed again until they change.
    #[error("the plan is already agreed")]
    AlreadyAgreed,
    /// This party has signed this version already.
    #[error("the {0} has already signed this version")]
    AlreadySigned(&'static str),
    /// The content changed after what the signer read: they would sign content they have not
    /// seen.
    #[error("the content has changed since what you read; read revision {current} and sign again")]
    Changed {
        /// What is current.
        current: i64,
    },
    /// Only members sign as employee, and a member never signs as manager of their own plan.
    #[error("{0}")]
    NotAParty(&'static str),
    /// This is for the manager side only.
    #[error("{0}")]
    ManagerOnly(&'static str),
    /// Only an agreed plan is followed up.
    #[error("the plan is not agreed yet; follow-ups are for agreed plans")]
    NotAgreed,
    /// A goal still served by activities cannot be removed.
    #[error("the goal is served by activities; unlink them first")]
    GoalInUse,
    /// No such goal, activity or open point in this plan.
    #[error("no such {0} in this plan")]
    NoSuchItem(&'static str),
    /// The content breaks a rule.
    #[error("invalid content")]
    Invalid(Violations),
}

impl From<Violations> for PlanError {
    fn from(v: Violations) -> Self {
        PlanError::Invalid(v)
    }
}

/// What an edit did to the plan's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditOutcome {
    /// Nothing changed.
    Unchanged,
    /// Follow-up data changed; the signed content did not.
    FollowUpOnly,
    /// The draft changed; signatures on it, if any, were dropped.
    DraftChanged,
    /// Agreed content changed: the next version is open as a draft.
    NewVersion,
}

impl Plan {
    /// A new draft, version 1, with no signatures.
    pub fn draft(
        kind: PlanKind,
        mut members: Vec<EmployeeId>,
        content: PlanContent,
        created_by: EmployeeId,
        now: DateTime<Utc>,
    ) -> Result<Plan, Violations> {
        members.sort();
        members.dedup();
        let mut v = Violations::new();
        match (kind, members.len()) {
            (PlanKind::Individual, 1) => {}
            (PlanKind::Individual, _) => v.push(Violation::new(
                "employee_id",
                FieldCode::OneMember,
                "an individual plan is for exactly one employee",
            )),
            (PlanKind::Group, n) if n >= 2 => {}
            (PlanKind::Group, _) => v.push(Violation::new(
                "member_ids",
                FieldCode::TooFewMembers,
                "a group plan has at least two members",
            )),
        }
        if members.contains(&created_by) {
            v.push(Violation::new(
                "employee_id",
                FieldCode::OwnPlan,
                "a plan is drafted by the employee's manager, not by the employee",
            ));
        }
        if let Err(more) = content.check() {
            for x in more.into_vec() {
                v.push(x);
            }
        }
        v.finish(|| {
            Some(Plan {
                id: PlanId::generate(),
                kind,
                members,
                status: PlanStatus::Draft,
                version: 1,
                agreed_version: None,
                revision: 1,
                content_revision: 1,
                content,
                signatures: Vec::new(),
                closure: None,
                created_by,
                created_at: now,
                updated_at: now,
            })
        })
    }

    fn ensure_open(&self) -> Result<(), PlanError> {
        match self.status {
            PlanStatus::Closed => Err(PlanError::Finished("closed")),
            PlanStatus::Superseded => Err(PlanError::Finished("superseded")),
            _ => Ok(()),
        }
    }

    /// Applies `change` to the content. Draft edits drop signatures already given; an edit of
    /// agreed content opens the next version, while the agreed one stays in force until both
    /// sign its successor; follow-up data changes alone do neither.
    pub fn edit(
        &mut self,
        change: impl FnOnce(&mut PlanContent) -> Result<(), PlanError>,
        now: DateTime<Utc>,
    ) -> Result<EditOutcome, PlanError> {
        self.ensure_open()?;
        let mut next = self.content.clone();
        change(&mut next)?;
        next.check()?;
        if next == self.content {
            return Ok(EditOutcome::Unchanged);
        }
        let agreed_changed = next.agreed_part() != self.content.agreed_part();
        let outcome = match (agreed_changed, self.pending_version()) {
            (false, _) => EditOutcome::FollowUpOnly,
            (true, None) if self.status == PlanStatus::Agreed => {
                self.version += 1;
                self.signatures.clear();
                EditOutcome::NewVersion
            }
            (true, _) => {
                self.signatures.clear();
                EditOutcome::DraftChanged
            }
        };
        self.content = next;
        self.revision += 1;
        if agreed_changed {
            self.content_revision = self.revision;
        }
        self.updated_at = now;
        Ok(outcome)
    }

    /// Whether everyone who must sign the current version has.
    fn fully_signed(&self) -> bool {
        let signed_members: BTreeSet<EmployeeId> = self
            .signatures
            .iter()
            .filter(|s| s.party == Party::Employee)
            .map(|s| s.signer)
            .collect();
        self.members.iter().all(|m| signed_members.contains(m))
            && self.signatures.iter().any(|s| s.party == Party::Manager)
    }

    /// The successor being drafted while an agreed version stays in force, if any.
    pub fn pending_version(&self) -> Option<u32> {
        match (self.status, self.agreed_version) {
            (PlanStatus::Agreed, Some(v)) if v < self.version => Some(self.version),
            _ => None,
        }
    }

    /// Whether the current content awaits signatures: a draft, or an agreed plan's successor.
    pub fn awaits_signatures(&self) -> bool {
        self.status == PlanStatus::Draft || self.pending_version().is_some()
    }

    /// Signs the current version as `party`, having read `read` (a revision or the content
    /// hash). The signature stands as long as the signed content is what was read, whoever
    /// signed or changed follow-up data in between. Returns true when this signature makes
    /// the version agreed.
    pub fn sign(
        &mut self,
        party: Party,
        signer: EmployeeId,
        read: impl Into<SignedRead>,
        now: DateTime<Utc>,
    ) -> Result<bool, PlanError> {
        let read = read.into();
        self.ensure_open()?;
        if !self.awaits_signatures() {
            return Err(PlanError::AlreadyAgreed);
        }
        let member = self.members.contains(&signer);
        match party {
            Party::Employee if !member => {
                return Err(PlanError::NotAParty(
                    "only the plan's own employees sign as employee",
                ));
            }
            Party::Manager if member => {
                return Err(PlanError::NotAParty(
                    "an employee cannot sign their own plan as manager",
                ));
            }
            _ => {}
        }
        let content_hash = self.content.content_hash();
        let read_current = match &read {
            SignedRead::Revision(r) => (self.content_revision..=self.revision).contains(r),
            SignedRead::ContentHash(h) => *h == content_hash,
        };
        if !read_current {
            return Err(PlanError::Changed {
                current: self.revision,
            });
        }
        let already = self.signatures.iter().any(|s| match party {
            Party::Employee => s.party == Party::Employee && s.signer == signer,
            Party::Manager => s.party == Party::Manager,
        });
        if already {
            return Err(PlanError::AlreadySigned(match party {
                Party::Employee => "employee",
                Party::Manager => "manager",
            }));
        }
        self.signatures.push(Signature {
            party,
            signer,
            signed_at: now,
            content_hash,
        });
        self.revision += 1;
        self.updated_at = now;
        if self.fully_signed() {
            self.status = PlanStatus::Agreed;
            self.agreed_version = Some(self.version);
            return Ok(true);
        }
        Ok(false)
    }

    /// Closes the plan as `party`: a plan is closed from the manager side only.
    pub fn close_as(
        &mut self,
        party: Party,
        reason: LongText,
        by: EmployeeId,
        now: DateTime<Utc>,
    ) -> Result<(), PlanError> {
        if party != Party::Manager {
            return Err(PlanError::ManagerOnly(
                "only a manager of the plan's employee closes it",
            ));
        }
        self.close(reason, by, now)
    }

    /// Closes the plan, recording why and by whom.
    pub fn close(
        &mut self,
        reason: LongText,
        by: EmployeeId,
        now: DateTime<Utc>,
    ) -> Result<(), PlanError> {
        self.ensure_open()?;
        self.status = PlanStatus::Closed;
        self.closure = Some(Closure {
            reason,
            closed_by: by,
            closed_at: now,
        });
        self.revision += 1;
        self.updated_at = now;
        Ok(())
    }

    /// Opens the next version of an agreed plan with the same content, to be changed and
    /// signed again, while the agreed one stays in force: what a follow-up with outcome
    /// `adjusted` decides. A successor already being drafted is left as it is.
    pub fn reopen(&mut self, now: DateTime<Utc>) -> Result<(), PlanError> {
        self.ensure_open()?;
        if self.status != PlanStatus::Agreed {
            return Err(PlanError::NotAgreed);
        }
        if self.pending_version().is_some() {
            return Ok(());
        }
        self.version += 1;
        self.signatures.clear();
        self.revision += 1;
        // The successor starts as the agreed content, but it must be signed anew: a signature
        // read before the reopening would otherwise count for the new version.
        self.content_revision = self.revision;
        self.updated_at = now;
        Ok(())
    }

    /// What a follow-up's outcome does to the plan: `continued` nothing, `adjusted` opens the
    /// next version to be signed, `closed` closes it with `reason`. Only a plan that has been
    /// agreed is followed up.
    pub fn follow_up(
        &mut self,
        outcome: Outcome,
        reason: LongText,
        by: EmployeeId,
        now: DateTime<Utc>,
    ) -> Result<(), PlanError> {
        self.ensure_open()?;
        if self.agreed_version.is_none() {
            return Err(PlanError::NotAgreed);
        }
        match outcome {
            Outcome::Continued => Ok(()),
            // A successor already being drafted is left as it is (see `reopen`).
            Outcome::Adjusted => self.reopen(now),
            Outcome::Closed => self.close(reason, by, now),
        }
    }

    /// Marks the plan as replaced by the employee's newer plan; finished plans stay as they are.
    pub fn supersede(&mut self, now: DateTime<Utc>) {
        if self.ensure_open().is_ok() {
            self.status = PlanStatus::Superseded;
            self.revision += 1;
            self.updated_at = now;
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::text::Name;
    use crate::{ActivityId, GoalId};

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-03-01T09:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn content() -> PlanContent {
        PlanContent::new(
            Name::parse("title", "Udviklingsplan 2026").unwrap(),
            PlanPeriod::new(day("2026-01-01"), day("2026-12-31")).unwrap(),
        )
    }

    fn goal(text: &str) -> Goal {
        Goal {
            id: GoalId::generate(),
            description: LongText::parse("description", text).unwrap(),
            competence_kind: CompetenceKind::Professional,
            horizon: Horizon::ShortTerm,
            evaluation_method: None,
            due_date: None,
            unit_goal_id: None,
            evaluation: Evaluation::default(),
        }
    }

    fn activity(goals: Vec<GoalId>) -> Activity {
        Activity {
            id: ActivityId::generate(),
            kind: ActivityKind::Course,
            title: Name::parse("title", "Kursus i konflikthåndtering").unwrap(),
            description: None,
            start_date: Some(day("2026-03-01")),
            end_date: Some(day("2026-03-03")),
            goal_ids: goals,
            responsible: Responsible::Manager,
            hours: Some(22.5),
            cost_dkk: Some(4500),
            catalogue_entry_id: None,
            status: ActivityStatus::Planned,
            progress_note: None,
        }
    }

    struct People {
        employee: EmployeeId,
        manager: EmployeeId,
    }

    fn individual() -> (Plan, People) {
        let p = People {
            employee: EmployeeId::generate(),
            manager: EmployeeId::generate(),
        };
        let plan = Plan::draft(
            PlanKind::Individual,
            vec![p.employee],
            content(),
            p.manager,
            now(),
        )
        .unwrap();
        (plan, p)
    }

    fn agreed() -> (Plan, People) {
        let (mut plan, p) = individual();
        plan.sign(Party::Employee, p.employee, plan.revision, now())
            .unwrap();
        plan.sign(Party::Manager, p.manager, plan.revision, now())
            .unwrap();
        (plan, p)
    }

    fn add_goal(plan: &mut Plan) -> Result<EditOutcome, PlanError> {
        plan.edit(
            |c| {
                c.goals.push(goal("Bedre til konflikthåndtering"));
                Ok(())
            },
            now(),
        )
    }

    #[test]
    fn a_new_plan_is_a_draft_of_version_one() {
        let (plan, _) = individual();
        assert_eq!(
            (plan.status, plan.version, plan.revision),
            (PlanStatus::Draft, 1, 1)
        );
    }

    #[test]
    fn an_individual_plan_has_one_member_and_a_group_plan_at_least_two() {
        let (a, b, m) = (
            EmployeeId::generate(),
            EmployeeId::generate(),
            EmployeeId::generate(),
        );
        let err = Plan::draft(PlanKind::Individual, vec![a, b], content(), m, now()).unwrap_err();
        assert_eq!(err.into_vec()[0].code, FieldCode::OneMember);
        let err = Plan::draft(PlanKind::Group, vec![a], content(), m, now()).unwrap_err();
        assert_eq!(err.into_vec()[0].code, FieldCode::TooFewMembers);
        assert!(Plan::draft(PlanKind::Group, vec![a, b], content(), m, now()).is_ok());
    }

    #[test]
    fn nobody_drafts_their_own_plan() {
        let a = EmployeeId::generate();
        let err = Plan::draft(PlanKind::Individual, vec![a], content(), a, now()).unwrap_err();
        assert_eq!(err.into_vec()[0].code, FieldCode::OwnPlan);
    }

    #[test]
    fn editing_a_draft_keeps_the_version_and_moves_the_revision() {
        let (mut plan, _) = individual();
        assert_eq!(add_goal(&mut plan), Ok(EditOutcome::DraftChanged));
        assert_eq!(
            (plan.version, plan.revision, plan.status),
            (1, 2, PlanStatus::Draft)
        );
    }

    #[test]
    fn an_edit_that_changes_nothing_changes_nothing() {
        let (mut plan, _) = individual();
        assert_eq!(plan.edit(|_| Ok(()), now()), Ok(EditOutcome::Unchanged));
        assert_eq!(plan.revision, 1);
    }

    #[test]
    fn one_signature_leaves_a_draft_and_both_make_it_agreed() {
        let (mut plan, p) = individual();
        assert_eq!(plan.sign(Party::Employee, p.employee, 1, now()), Ok(false));
        assert_eq!(plan.status, PlanStatus::Draft);
        assert_eq!(plan.sign(Party::Manager, p.manager, 2, now()), Ok(true));
        assert_eq!(plan.status, PlanStatus::Agreed);
        assert!(
            plan.signatures
                .iter()
                .all(|s| s.content_hash == plan.content.content_hash())
        );
    }

    #[test]
    fn the_manager_may_sign_first() {
        let (mut plan, p) = individual();
        assert_eq!(plan.sign(Party::Manager, p.manager, 1, now()), Ok(false));
        assert_eq!(plan.sign(Party::Employee, p.employee, 2, now()), Ok(true));
    }

    #[test]
    fn signing_what_one_has_not_read_is_refused() {
        let (mut plan, p) = individual();
        add_goal(&mut plan).unwrap();
        assert_eq!(
            plan.sign(Party::Employee, p.employee, 1, now()),
            Err(PlanError::Changed { current: 2 })
        );
        let stale_hash = individual().0.content.content_hash();
        assert_eq!(
            plan.sign(
                Party::Employee,
                p.employee,
                SignedRead::ContentHash(stale_hash),
                now()
            ),
            Err(PlanError::Changed { current: 2 })
        );
        assert!(plan.signatures.is_empty());
    }

    #[test]
    fn both_parties_who_read_the_same_content_sign_whoever_signed_first() {
        let (mut plan, p) = individual();
        add_goal(&mut plan).unwrap();
        let read = plan.revision;
        assert_eq!(
            plan.sign(Party::Employee, p.employee, read, now()),
            Ok(false)
        );
        assert_eq!(plan.sign(Party::Manager, p.manager, read, now()), Ok(true));
        assert_eq!(plan.status, PlanStatus::Agreed);
    }

    #[test]
    fn signing_with_the_content_hash_read_stands_across_revisions() {
        let (mut plan, p) = individual();
        let hash = plan.content.content_hash();
        plan.sign(Party::Manager, p.manager, 1, now()).unwrap();
        assert_eq!(
            plan.sign(
                Party::Employee,
                p.employee,
                SignedRead::ContentHash(hash),
                now()
            ),
            Ok(true)
        );
    }

    #[test]
    fn a_revision_never_issued_is_not_a_read() {
        let (mut plan, p) = individual();
        assert_eq!(
            plan.sign(Party::Employee, p.employee, 5, now()),
            Err(PlanError::Changed { current: 1 })
        );
    }

    #[test]
    fn signing_twice_in_the_same_capacity_is_refused() {
        let (mut plan, p) = individual();
        plan.sign(Party::Employee, p.employee, 1, now()).unwrap();
        assert_eq!(
            plan.sign(Party::Employee, p.employee, 2, now()),
            Err(PlanError::AlreadySigned("employee"))
        );
        let (mut plan, p) = individual();
        plan.sign(Party::Manager, p.manager, 1, now()).unwrap();
        assert_eq!(
            plan.sign(Party::Manager, EmployeeId::generate(), 2, now()),
            Err(PlanError::AlreadySigned("manager"))
        );
    }

    #[test]
    fn an_agreed_plan_is_not_signed_again() {
        let (mut plan, p) = agreed();
        assert_eq!(
            plan.sign(Party::Employee, p.employee, plan.revision, now()),
            Err(PlanError::AlreadyAgreed)
        );
    }

    #[test]
    fn editing_a_signed_draft_drops_the_signatures() {
        let (mut plan, p) = individual();
        plan.sign(Party::Employee, p.employee, 1, now()).unwrap();
        add_goal(&mut plan).unwrap();
        assert!(plan.signatures.is_empty());
        assert_eq!(plan.version, 1);
    }

    #[test]
    fn changing_agreed_content_drafts_a_successor_while_the_agreement_stays_in_force() {
        let (mut plan, p) = agreed();
        assert_eq!(add_goal(&mut plan), Ok(EditOutcome::NewVersion));
        assert_eq!(
            (plan.status, plan.agreed_version, plan.pending_version()),
            (PlanStatus::Agreed, Some(1), Some(2))
        );
        assert!(plan.frozen_version().is_none());
        assert!(plan.signatures.is_empty());
        plan.sign(Party::Employee, p.employee, plan.revision, now())
            .unwrap();
        assert_eq!(
            plan.agreed_version,
            Some(1),
            "one party alone changes nothing"
        );
        assert_eq!(
            plan.sign(Party::Manager, p.manager, plan.revision, now()),
            Ok(true)
        );
        assert_eq!(
            (plan.status, plan.agreed_version, plan.pending_version()),
            (PlanStatus::Agreed, Some(2), None)
        );
        assert_eq!(plan.frozen_version().map(|v| v.version), Some(2));
    }

    #[test]
    fn editing_a_successor_keeps_its_number_and_drops_its_signatures() {
        let (mut plan, p) = agreed();
        add_goal(&mut plan).unwrap();
        plan.sign(Party::Employee, p.employee, plan.revision, now())
            .unwrap();
        assert_eq!(add_goal(&mut plan), Ok(EditOutcome::DraftChanged));
        assert_eq!((plan.version, plan.agreed_version), (2, Some(1)));
        assert!(plan.signatures.is_empty());
    }

    #[test]
    fn follow_up_data_changes_without_a_new_version() {
        let (mut plan, p) = individual();
        add_goal(&mut plan).unwrap();
        let g = plan.content.goals[0].id;
        plan.edit(
            |c| {
                c.activities.push(activity(vec![g]));
                Ok(())
            },
            now(),
        )
        .unwrap();
        plan.sign(Party::Employee, p.employee, plan.revision, now())
            .unwrap();
        plan.sign(Party::Manager, p.manager, plan.revision, now())
            .unwrap();
        let hash = plan.content.content_hash();
        let outcome = plan.edit(
            |c| {
                c.activities[0].status = ActivityStatus::Completed;
                c.goals[0].evaluation.verdict = Some(Verdict::Achieved);
                c.goals[0].evaluation.applied_in_daily_work = Some(true);
                Ok(())
            },
            now(),
        );
        assert_eq!(outcome, Ok(EditOutcome::FollowUpOnly));
        assert_eq!((plan.version, plan.status), (1, PlanStatus::Agreed));
        assert_eq!(
            plan.content.content_hash(),
            hash,
            "signatures still match the content"
        );
    }

    #[test]
    fn activities_serve_only_goals_of_their_plan_and_end_after_they_start() {
        let (mut plan, _) = individual();
        let err = plan.edit(
            |c| {
                c.activities.push(activity(vec![GoalId::generate()]));
                Ok(())
            },
            now(),
        );
        let Err(PlanError::Invalid(v)) = err else {
            panic!("{err:?}")
        };
        assert_eq!(v.into_vec()[0].field, "activities[0].goal_ids[0]");
        let mut backwards = activity(vec![]);
        backwards.end_date = Some(day("2026-02-01"));
        let err = check_activity(&backwards, &[]).unwrap_err();
        assert_eq!(err.into_vec()[0].field, "end_date");
        assert_eq!(plan.revision, 1, "a refused edit changes nothing");
    }

    #[test]
    fn a_group_plan_is_agreed_when_every_member_and_a_manager_have_signed() {
        let (a, b, m) = (
            EmployeeId::generate(),
            EmployeeId::generate(),
            EmployeeId::generate(),
        );
        let mut plan = Plan::draft(PlanKind::Group, vec![a, b], content(), m, now()).unwrap();
        assert_eq!(
            plan.sign(Party::Employee, a, plan.revision, now()),
            Ok(false)
        );
        assert_eq!(
            plan.sign(Party::Manager, m, plan.revision, now()),
            Ok(false)
        );
        assert_eq!(
            plan.sign(Party::Employee, b, plan.revision, now()),
            Ok(true)
        );
    }

    #[test]
    fn closed_and_superseded_plans_do_not_change() {
        let (mut plan, p) = agreed();
        let reason = LongText::parse("reason", "Fratrådt").unwrap();
        plan.close(reason.clone(), p.manager, now()).unwrap();
        assert_eq!(plan.status, PlanStatus::Closed);
        assert_eq!(add_goal(&mut plan), Err(PlanError::Finished("closed")));
        assert_eq!(
            plan.sign(Party::Manager, p.manager, plan.revision, now()),
            Err(PlanError::Finished("closed"))
        );
        assert_eq!(
            plan.close(reason, p.manager, now()),
            Err(PlanError::Finished("closed"))
        );
        let (mut plan, _) = individual();
        plan.supersede(now());
        assert_eq!(plan.status, PlanStatus::Superseded);
        assert_eq!(add_goal(&mut plan), Err(PlanError::Finished("superseded")));
    }

    #[test]
    fn only_members_sign_as_employee_and_never_as_their_own_manager() {
        let (mut plan, p) = individual();
        assert!(matches!(
            plan.sign(Party::Employee, p.manager, 1, now()),
            Err(PlanError::NotAParty(_))
        ));
        assert!(matches!(
            plan.sign(Party::Manager, p.employee, 1, now()),
            Err(PlanError::NotAParty(_))
        ));
        assert!(plan.signatures.is_empty());
    }

    #[test]
    fn superseding_leaves_finished_plans_as_they_are() {
        let (mut plan, p) = individual();
        plan.close(
            LongText::parse("reason", "Fratrådt").unwrap(),
            p.manager,
            now(),
        )
        .unwrap();
        let revision = plan.revision;
        plan.supersede(now());
        assert_eq!((plan.status, plan.revision), (PlanStatus::Closed, revision));
    }

    #[test]
    fn reopening_an_agreed_plan_opens_the_next_version_unsigned() {
        let (mut plan, p) = agreed();
        plan.reopen(now()).unwrap();
        assert_eq!(
            (plan.version, plan.status, plan.pending_version()),
            (2, PlanStatus::Agreed, Some(2))
        );
        assert!(plan.signatures.is_empty());
        let revision = plan.revision;
        plan.reopen(now()).unwrap();
        assert_eq!(
            (plan.version, plan.revision),
            (2, revision),
            "already reopened"
        );
        plan.sign(Party::Employee, p.employee, plan.revision, now())
            .unwrap();
        assert_eq!(
            plan.sign(Party::Manager, p.manager, plan.revision, now()),
            Ok(true)
        );
    }

    #[test]
    fn a_follow_up_continues_adjusts_or_closes_an_agreed_plan() {
        let reason = || LongText::parse("reason", "Opfølgning").unwrap();
        let (mut plan, p) = individual();
        assert_eq!(
            plan.follow_up(Outcome::Continued, reason(), p.manager, now()),
            Err(PlanError::NotAgreed)
        );
        let (mut plan, p) = agreed();
        plan.follow_up(Outcome::Continued, reason(), p.manager, now())
            .unwrap();
        assert_eq!((plan.status, plan.version), (PlanStatus::Agreed, 1));
        plan.follow_up(Outcome::Adjusted, reason(), p.manager, now())
            .unwrap();
        assert_eq!(
            (plan.status, plan.version, plan.agreed_version),
            (PlanStatus::Agreed, 2, Some(1))
        );
        plan.follow_up(Outcome::Closed, reason(), p.manager, now())
            .unwrap();
        assert_eq!(plan.status, PlanStatus::Closed);
    }

    #[test]
    fn a_draft_may_be_closed() {
        let (mut plan, p) = individual();
        assert!(
            plan.close(
                LongText::parse("reason", "Ny leder").unwrap(),
                p.manager,
                now()
            )
            .is_ok()
        );
        assert_eq!(plan.closure.as_ref().map(|c| c.closed_by), Some(p.manager));
    }

    #[test]
    fn only_the_manager_side_closes_a_plan() {
        let reason = || LongText::parse("reason", "Ny leder").unwrap();
        let (mut plan, p) = individual();
        assert!(matches!(
            plan.close_as(Party::Employee, reason(), p.employee, now()),
            Err(PlanError::ManagerOnly(_))
        ));
        assert_eq!(plan.status, PlanStatus::Draft);
        plan.close_as(Party::Manager, reason(), p.manager, now())
            .unwrap();
        assert_eq!(plan.status, PlanStatus::Closed);
    }

    #[test]
    fn the_diff_names_what_changed_between_versions() {
        let (mut plan, _) = individual();
        add_goal(&mut plan).unwrap();
        add_goal(&mut plan).unwrap();
        plan.edit(
            |c| {
                c.open_points.push(OpenPoint {
                    id: crate::OpenPointId::generate(),
                    text: LongText::parse("text", "Diplommodul?").unwrap(),
                });
                Ok(())
            },
            now(),
        )
        .unwrap();
        let old = plan.content.clone();
        let (kept, dropped) = (old.goals[0].id, old.goals[1].id);
        plan.edit(
            |c| {
                c.title = Name::parse("title", "Ny titel").unwrap();
                c.goals[0].horizon = Horizon::LongTerm;
                c.goals.remove(1);
                c.goals.push(goal("Nyt mål"));
                c.open_points.clear();
                // Follow-up data is no part of what was agreed.
                c.goals[0].evaluation.applied_in_daily_work = Some(true);
                Ok(())
            },
            now(),
        )
        .unwrap();
        let added = plan.content.goals[1].id;
        let d = diff(&old, &plan.content);
        let change = |field: &str, old: serde_json::Value, new: serde_json::Value| FieldChange {
            field: field.to_owned(),
            old,
            new,
        };
        assert_eq!(
            d.plan,
            [change(
                "title",
                "Udviklingsplan 2026".into(),
                "Ny titel".into()
            )]
        );
        assert_eq!(d.goals.len(), 3);
        assert_eq!(
            (d.goals[0].id, d.goals[0].change, d.goals[0].fields.clone()),
            (
                kept,
                ItemChange::Changed,
                vec![change("horizon", "short_term".into(), "long_term".into())]
            )
        );
        assert_eq!(
            (d.goals[1].id, d.goals[1].change),
            (added, ItemChange::Added)
        );
        assert!(d.goals[1].fields.iter().all(|f| f.old.is_null()));
        assert!(d.goals[1].fields.contains(&change(
            "description",
            serde_json::Value::Null,
            "Nyt mål".into()
        )));
        assert_eq!(
            (d.goals[2].id, d.goals[2].change),
            (dropped, ItemChange::Removed)
        );
        assert!(d.goals[2].fields.iter().all(|f| f.new.is_null()));
        assert!(d.activities.is_empty());
        assert_eq!(d.open_points.len(), 1);
        assert_eq!(
            (d.open_points[0].change, d.open_points[0].fields.clone()),
            (
                ItemChange::Removed,
                vec![change(
                    "text",
                    "Diplommodul?".into(),
                    serde_json::Value::Null
                )]
            )
        );
        assert_eq!(diff(&old, &old), ContentDiff::default());
    }

    /// A draft with a goal and an activity serving it.
    fn with_goal_and_activity() -> Plan {
        let (mut plan, _) = individual();
        add_goal(&mut plan).unwrap();
        let g = plan.content.goals[0].id;
        plan.edit(
            |c| {
                c.activities.push(activity(vec![g]));
                Ok(())
            },
            now(),
        )
        .unwrap();
        plan
    }

    #[test]
    fn the_content_hash_is_the_sha256_of_what_was_agreed_and_ignores_follow_up_data() {
        use sha2::{Digest, Sha256};
        let c = with_goal_and_activity().content;
        let hash = c.content_hash();
        let expected: String = Sha256::digest(serde_json::to_vec(&c.agreed_part()).unwrap())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(hash, expected);
        let mut progressed = c.clone();
        progressed.activities[0].status = ActivityStatus::Completed;
        progressed.goals[0].evaluation.applied_in_daily_work = Some(true);
        assert_eq!(progressed.content_hash(), hash);
        let mut changed = c.clone();
        changed.goals[0].horizon = Horizon::LongTerm;
        assert_ne!(changed.content_hash(), hash);
    }

    #[test]
    fn content_survives_storage_as_json() {
        let plan = with_goal_and_activity();
        let json = serde_json::to_string(&plan.content).unwrap();
        let back: PlanContent = serde_json::from_str(&json).unwrap();
        assert_eq!(back, plan.content);
        assert_eq!(back.content_hash(), plan.content.content_hash());
    }

    #[test]
    fn an_activity_is_checked_at_every_bound() {
        let g = goal("Mål");
        let ok = |a: &Activity| check_activity(a, std::slice::from_ref(&g)).is_ok();
        let mut a = activity(vec![g.id]);
        assert!(ok(&a));
        a.end_date = a.start_date;
        assert!(ok(&a), "an activity may end the day it starts");
        for (hours, fine) in [
            (0.0, true),
            (10_000.0, true),
            (-0.5, false),
            (10_000.5, false),
            (f64::NAN, false),
        ] {
            a.hours = Some(hours);
            assert_eq!(ok(&a), fine, "{hours} hours");
        }
        a.hours = None;
        for (cost, fine) in [
            (0, true),
            (100_000_000, true),
            (-1, false),
            (100_000_001, false),
        ] {
            a.cost_dkk = Some(cost);
            assert_eq!(ok(&a), fine, "{cost} kr");
        }
        a.cost_dkk = None;
        a.goal_ids.push(GoalId::generate());
        let err = check_activity(&a, std::slice::from_ref(&g)).unwrap_err();
        assert_eq!(err.into_vec()[0].field, "goal_ids[1]");
        // The whole content: a same-day activity passes, one that ends first does not.
        let mut c = content();
        c.goals.push(g.clone());
        let mut same_day = activity(vec![g.id]);
        same_day.end_date = same_day.start_date;
        c.activities.push(same_day);
        assert!(c.check().is_ok());
        c.activities[0].end_date = Some(day("2026-02-01"));
        assert_eq!(
            c.check().unwrap_err().into_vec()[0].field,
            "activities[0].end_date"
        );
        assert_eq!(
            (c.period.starts_on(), c.period.ends_on()),
            (day("2026-01-01"), day("2026-12-31"))
        );
    }

    #[test]
    fn closing_reopening_and_superseding_each_move_the_revision_by_one() {
        let reason = || LongText::parse("reason", "Årsag").unwrap();
        let (mut plan, p) = agreed();
        let r = plan.revision;
        plan.reopen(now()).unwrap();
        assert_eq!(plan.revision, r + 1);
        plan.close(reason(), p.manager, now()).unwrap();
        assert_eq!(plan.revision, r + 2);
        let (mut plan, _) = individual();
        let r = plan.revision;
        plan.supersede(now());
        assert_eq!(
            (plan.status, plan.revision),
            (PlanStatus::Superseded, r + 1)
        );
    }

    #[test]
    fn a_goal_an_activity_serves_stays_and_unknown_items_are_named() {
        let mut c = content();
        let g = goal("Mål");
        c.goals.push(g.clone());
        c.add_activity(activity(vec![g.id])).unwrap();
        let a = c.activities[0].id;
        assert_eq!(c.remove_goal(g.id), Err(PlanError::GoalInUse));
        assert_eq!(
            c.remove_goal(GoalId::generate()),
            Err(PlanError::NoSuchItem("goal"))
        );
        assert!(matches!(
            c.add_activity(activity(vec![GoalId::generate()])),
            Err(PlanError::Invalid(_))
        ));
        // A change that would point the activity at a goal of no plan is refused.
        let refused = c.change_activity(a, |x| {
            x.goal_ids = vec![GoalId::generate()];
            Ok(())
        });
        assert!(matches!(refused, Err(PlanError::Invalid(_))));
        c.change_activity(a, |x| {
            x.title = Name::parse("title", "Nyt navn").unwrap();
            Ok(())
        })
        .unwrap();
        c.remove_activity(a).unwrap();
        assert_eq!(c.remove_activity(a), Err(PlanError::NoSuchItem("activity")));
        c.remove_goal(g.id).unwrap();
        assert!(c.goals.is_empty() && c.activities.is_empty());
        c.open_points.push(OpenPoint {
            id: crate::OpenPointId::generate(),
            text: LongText::parse("text", "Afklares").unwrap(),
        });
        let p = c.open_points[0].id;
        c.open_point_mut(p).unwrap().text = LongText::parse("text", "Afklaret").unwrap();
        assert_eq!(c.open_points[0].text.as_str(), "Afklaret");
        c.remove_open_point(p).unwrap();
        assert_eq!(
            c.remove_open_point(p),
            Err(PlanError::NoSuchItem("open point"))
        );
    }
}
