//! The access policy, in one place. The rule, everywhere:
//!
//! 1. **Who**: no usable token is 401 (`identity.rs`, the token verified once per request).
//! 2. **Which roles**: a handler's type names the roles its operation needs (`roles.rs`:
//!    `Hr`, `Manager`, `PlanParty`, … or `Guarded<R>`); a token asking for none of them is 403,
//!    before anything is loaded. A handler open to every caller takes [`Access`].
//! 3. **Which objects**: objects are loaded through the caller's reach (`loaders.rs`, over
//!    `reach.rs` and the pure plan gate in `gate.rs`); out of reach is 404, exactly as absent.

mod gate;
mod identity;
mod loaders;
mod reach;
mod roles;
mod standing;

pub use gate::PlanGate;
pub use identity::{Caller, Identities, verified_claims};
pub use loaders::Access;
pub use reach::Reach;
pub use roles::{
    COMMITTEE, CommitteeMember, EMPLOYEE, Guarded, HR, Hr, HrOrCommittee, HrOrEmployee,
    HrOrManager, MANAGER, Manager, PeopleReader, PlanParty, REPRESENTATIVE, ReviewParty,
    StatusReader, roles_of,
};
pub use standing::{CommitteeStanding, PreparerStanding, StatusView};
