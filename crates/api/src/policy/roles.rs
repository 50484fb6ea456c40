//! The roles an operation needs, in the handler's type: a handler takes `Guarded<R>` (or one
//! of the names below) and the extractor answers 403 before the handler runs — before
//! anything is loaded — when the token asks for none of the roles in `R`. What a caller with
//! the role may reach is decided afterwards, by the loaders: out of reach is 404, exactly as
//! absent.

use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use devplan_domain::org::Role;

use super::Access;
use crate::error::ApiError;

/// The employee role, as a bit of a role set.
pub const EMPLOYEE: u8 = 1;
/// The manager role.
pub const MANAGER: u8 = 1 << 1;
/// The local representative role.
pub const REPRESENTATIVE: u8 = 1 << 2;
/// The committee member role.
pub const COMMITTEE: u8 = 1 << 3;
/// The HR role.
pub const HR: u8 = 1 << 4;

/// The bit of `role` in a role set.
const fn bit(role: Role) -> u8 {
    match role {
        Role::Employee => EMPLOYEE,
        Role::Manager => MANAGER,
        Role::LocalRepresentative => REPRESENTATIVE,
        Role::Committee => COMMITTEE,
        Role::Hr => HR,
    }
}

/// The roles of a role set, in a stable order.
pub fn roles_of(set: u8) -> Vec<Role> {
    Role::ALL
        .into_iter()
        .filter(|r| set & bit(*r) != 0)
        .collect()
}

/// Whether a caller holding `held` may call an operation that needs one of `needed`; the
/// refusal names the roles that would do.
fn admit(held: impl IntoIterator<Item = Role>, needed: u8) -> Result<(), ApiError> {
    if held.into_iter().any(|r| needed & bit(r) != 0) {
        return Ok(());
    }
    let names: Vec<&str> = roles_of(needed).into_iter().map(Role::as_str).collect();
    Err(ApiError::Forbidden(format!(
        "this operation needs one of the roles: {}",
        names.join(", ")
    )))
}

/// The policy for a caller whose token asks for at least one of the roles in `ROLES`.
pub struct Guarded<const ROLES: u8>(Access);

impl<const ROLES: u8> Deref for Guarded<ROLES> {
    type Target = Access;

    fn deref(&self) -> &Access {
        &self.0
    }
}

impl<const ROLES: u8> FromRequest for Guarded<ROLES> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let access = Access::from_request(req, payload);
        Box::pin(async move {
            let access = access.await?;
            admit(access.caller().roles.iter().copied(), ROLES)?;
            Ok(Guarded(access))
        })
    }
}

/// HR: organisation records, syncs, settings, webhooks, erasure.
pub type Hr = Guarded<HR>;
/// A manager: drafting plans, follow-ups, interviews, unit goals, the calendar feed.
pub type Manager = Guarded<MANAGER>;
/// A committee member: recording the committee's work.
pub type CommitteeMember = Guarded<COMMITTEE>;
/// The parties to a plan's dialogue: its members and their managers.
pub type PlanParty = Guarded<{ EMPLOYEE | MANAGER }>;
/// Those who read people's records: HR everyone's, a manager their units', an employee their own.
pub type PeopleReader = Guarded<{ HR | MANAGER | EMPLOYEE }>;
/// HR and managers: absences, interview coverage, named status lists.
pub type HrOrManager = Guarded<{ HR | MANAGER }>;
/// HR and committee members: committees and their records.
pub type HrOrCommittee = Guarded<{ HR | COMMITTEE }>;
/// HR and employees: a person's own data (export, who read it), HR anyone's.
pub type HrOrEmployee = Guarded<{ HR | EMPLOYEE }>;
/// Those who take part in a unit's stock-taking: the employer (HR, managers) and representatives.
pub type ReviewParty = Guarded<{ HR | MANAGER | REPRESENTATIVE }>;
/// Those who read status figures: named (HR, managers) or anonymised (representatives, committees).
pub type StatusReader = Guarded<{ HR | MANAGER | REPRESENTATIVE | COMMITTEE }>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_holds_exactly_the_roles_whose_bits_it_has() {
        assert_eq!(roles_of(HR), vec![Role::Hr]);
        assert_eq!(
            roles_of(HR | MANAGER | EMPLOYEE),
            vec![Role::Employee, Role::Manager, Role::Hr]
        );
        assert_eq!(roles_of(0), Vec::<Role>::new());
        let every = Role::ALL.iter().fold(0, |set, r| set | bit(*r));
        assert_eq!(roles_of(every), Role::ALL.to_vec());
        assert_eq!(every.count_ones() as usize, Role::ALL.len());
    }

    #[test]
    fn one_held_role_of_the_set_admits_and_none_is_refused_naming_the_set() {
        assert!(admit([Role::Employee], EMPLOYEE | MANAGER).is_ok());
        assert!(admit([Role::Committee, Role::Manager], MANAGER).is_ok());
        let refused = admit([Role::Hr, Role::Committee], EMPLOYEE | MANAGER);
        assert!(matches!(
            refused,
            Err(ApiError::Forbidden(why)) if why == "this operation needs one of the roles: employee, manager"
        ));
        let refused = admit([], HR);
        assert!(matches!(
            refused,
            Err(ApiError::Forbidden(why)) if why == "this operation needs one of the roles: hr"
        ));
    }
}
