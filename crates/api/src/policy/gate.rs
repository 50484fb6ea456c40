//! The caller's part in a plan, decided without I/O. Pure, so the store can apply it to the
//! plan it has just locked inside a write's transaction.

use devplan_domain::plan::{Party, Plan};
use devplan_domain::{EmployeeId, UnitId};

use super::Reach;

/// The capacity in which one caller takes part in plans. A member of the plan takes part as
/// employee; a manager of a member's unit as manager; anyone else — HR, representatives,
/// committees, other managers and employees — takes no part: plan content is for the parties
/// to the dialogue only, and out of reach is 404.
#[derive(Debug, Clone)]
pub struct PlanGate {
    /// The caller's employee id; none for an integration client.
    pub(super) me: Option<EmployeeId>,
    /// Whether the token asks for the employee role.
    pub(super) as_employee: bool,
    /// The units managed, when the token asks for the manager role.
    pub(super) managed: Option<Reach>,
}

impl PlanGate {
    /// The caller's part in `plan`, whose members work in `member_units`, and who they are.
    pub fn admit(&self, plan: &Plan, member_units: &[UnitId]) -> Option<(Party, EmployeeId)> {
        Some((self.party(plan, member_units)?, self.me?))
    }

    /// The caller's part in `plan`, whose members work in `member_units`.
    pub fn party(&self, plan: &Plan, member_units: &[UnitId]) -> Option<Party> {
        let me = self.me?;
        let member = plan.members.contains(&me);
        if member {
            return self.as_employee.then_some(Party::Employee);
        }
        let reach = self.managed.as_ref()?;
        member_units
            .iter()
            .any(|u| reach.contains(*u))
            .then_some(Party::Manager)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, NaiveDate};
    use devplan_domain::plan::{PlanContent, PlanKind, PlanPeriod};
    use devplan_domain::text::Name;
    use uuid::Uuid;

    fn id<T>(from: fn(Uuid) -> T) -> T {
        from(Uuid::new_v4())
    }

    fn plan(members: &[EmployeeId]) -> Plan {
        let day = |m| NaiveDate::from_ymd_opt(2026, m, 1).expect("a date");
        let content = PlanContent::new(
            Name::parse("title", "Plan").expect("a name"),
            PlanPeriod::new(day(1), day(12)).expect("a period"),
        );
        let kind = if members.len() == 1 {
            PlanKind::Individual
        } else {
            PlanKind::Group
        };
        let drafter = id(EmployeeId::from_uuid);
        Plan::draft(
            kind,
            members.to_vec(),
            content,
            drafter,
            DateTime::UNIX_EPOCH,
        )
        .expect("a valid draft")
    }

    #[test]
    fn a_member_takes_part_as_employee_only_with_the_employee_role() {
        let me = id(EmployeeId::from_uuid);
        let unit = id(UnitId::from_uuid);
        let p = plan(&[me]);
        let gate = |as_employee| PlanGate {
            me: Some(me),
            as_employee,
            managed: None,
        };
        assert_eq!(gate(true).party(&p, &[unit]), Some(Party::Employee));
        assert_eq!(gate(true).admit(&p, &[unit]), Some((Party::Employee, me)));
        assert_eq!(gate(false).party(&p, &[unit]), None);
    }

    #[test]
    fn a_manager_takes_part_when_they_reach_a_members_unit() {
        let (me, member) = (id(EmployeeId::from_uuid), id(EmployeeId::from_uuid));
        let (mine, other) = (id(UnitId::from_uuid), id(UnitId::from_uuid));
        let p = plan(&[member]);
        let gate = PlanGate {
            me: Some(me),
            as_employee: true,
            managed: Some(Reach::Units([mine].into())),
        };
        assert_eq!(gate.party(&p, &[mine]), Some(Party::Manager));
        assert_eq!(gate.party(&p, &[other, mine]), Some(Party::Manager));
        assert_eq!(gate.party(&p, &[other]), None);
        assert_eq!(gate.party(&p, &[]), None);
    }

    #[test]
    fn a_member_who_also_manages_their_own_unit_is_never_their_own_manager() {
        let me = id(EmployeeId::from_uuid);
        let unit = id(UnitId::from_uuid);
        let p = plan(&[me]);
        let managing = |as_employee| PlanGate {
            me: Some(me),
            as_employee,
            managed: Some(Reach::Units([unit].into())),
        };
        assert_eq!(managing(true).party(&p, &[unit]), Some(Party::Employee));
        assert_eq!(managing(false).party(&p, &[unit]), None);
    }

    #[test]
    fn a_caller_without_an_employee_record_takes_no_part() {
        let member = id(EmployeeId::from_uuid);
        let unit = id(UnitId::from_uuid);
        let p = plan(&[member]);
        let gate = PlanGate {
            me: None,
            as_employee: true,
            managed: Some(Reach::All),
        };
        assert_eq!(gate.party(&p, &[unit]), None);
    }
}
