"""What the scenarios need, read from the loaded database (so `--skip-load` works): people
and their nearest manager, unit depths and head-counts, and the plans to read and write."""

from __future__ import annotations

from dataclasses import dataclass

from .pg import Db
from .plangen import Person


@dataclass
class UnitInfo:
    id: str
    ext: str
    name: str
    parent: str | None
    depth: int
    count: int  # active employees in it and below
    manager_ext: str | None


@dataclass
class Catalog:
    people: list[Person]
    ext_of: dict[str, str]  # employee id -> external id
    units: dict[str, UnitInfo]
    root: UnitInfo
    big_muni: UnitInfo
    area: UnitInfo  # the area of the big municipality closest to 4,500 people
    fifty: list[UnitInfo]  # units of ~50 people with a manager
    managers: list[str]  # external ids of all unit managers
    area_managers: list[str]
    dept_managers: list[str]
    leaders: set[str]  # employee ids who manage a unit
    representatives: dict[str, str]  # unit id -> external id of its local representative
    area_reps: list[str]  # external ids of the areas' local representatives


def load(db: Db) -> Catalog:
    units_raw = db.copy_out("SELECT id, external_id, name, parent_id FROM org_units")
    emps = db.copy_out("SELECT id, external_id, name, unit_id FROM employees WHERE active")
    mgrs = db.copy_out("SELECT unit_id, employee_id FROM unit_assignments WHERE role = 'manager' ORDER BY unit_id, employee_id")
    reps = db.copy_out("SELECT unit_id, employee_id FROM unit_assignments WHERE role = 'local_representative' "
                       "ORDER BY unit_id, employee_id")
    parent = {u[0]: (None if u[3] == "\\N" else u[3]) for u in units_raw}
    ext_of = {e[0]: e[1] for e in emps}
    name_of = {e[0]: e[2] for e in emps}
    unit_manager: dict[str, str] = {}
    for unit, emp in mgrs:
        if emp in ext_of:
            unit_manager.setdefault(unit, emp)
    unit_rep: dict[str, str] = {}
    for unit, emp in reps:
        if emp in ext_of:
            unit_rep.setdefault(unit, ext_of[emp])
    depth: dict[str, int] = {}

    def d(u: str) -> None:
        path = []
        x = u
        while x is not None and x not in depth:
            path.append(x)
            x = parent.get(x)
        base = -1 if x is None else depth[x]
        for y in reversed(path):
            base += 1
            depth[y] = base

    for u in parent:
        d(u)
    count = {u: 0 for u in parent}
    for e in emps:
        u = e[3]
        while u is not None:
            count[u] += 1
            u = parent.get(u)
    people = []
    for eid, ext, name, unit in emps:
        u, mgr = unit, None
        while u is not None:
            m = unit_manager.get(u)
            if m is not None and m != eid:
                mgr = m
                break
            u = parent.get(u)
        people.append(Person(eid, ext, name, unit, mgr, name_of.get(mgr) if mgr else None))
    infos = {
        u[0]: UnitInfo(u[0], u[1], u[2], parent[u[0]], depth[u[0]], count[u[0]],
                       ext_of.get(unit_manager.get(u[0], ""), None))
        for u in units_raw
    }
    roots = [i for i in infos.values() if i.depth == 0]
    root = max(roots, key=lambda i: i.count)
    munis = [i for i in infos.values() if i.depth == 1]
    big = max(munis, key=lambda i: i.count)
    areas = [i for i in infos.values() if i.parent == big.id]
    area = min(areas, key=lambda i: abs(i.count - 4500))
    with_mgr = [i for i in infos.values() if i.manager_ext]
    fifty = sorted(with_mgr, key=lambda i: (abs(i.count - 50), i.ext))[:500]
    fifty = [i for i in fifty if abs(i.count - 50) <= max(5, abs(fifty[0].count - 50))] or fifty[:1]
    return Catalog(
        people=people,
        ext_of=ext_of,
        units=infos,
        root=root,
        big_muni=big,
        area=area,
        fifty=fifty,
        managers=sorted({i.manager_ext for i in with_mgr}),
        area_managers=sorted({i.manager_ext for i in with_mgr if i.depth == 2}),
        dept_managers=sorted({i.manager_ext for i in with_mgr if i.depth == 3}),
        leaders=set(unit_manager.values()),
        representatives=unit_rep,
        area_reps=sorted({r for u, r in unit_rep.items() if infos[u].depth == 2}),
    )


def readable_plans(db: Db, limit: int) -> list[tuple[str, str]]:
    """Agreed individual plans with their employee's external id, spread over the data set."""
    rows = db.copy_out(
        "SELECT p.id, e.external_id FROM plans p JOIN plan_members m ON m.plan_id = p.id "
        "JOIN employees e ON e.id = m.employee_id "
        f"WHERE p.kind = 'individual' AND p.status = 'agreed' ORDER BY md5(p.id::text) LIMIT {int(limit)}"
    )
    return [(r[0], r[1]) for r in rows]


def draft_plans(db: Db, limit: int) -> list[tuple[str, str, str]]:
    """Version-1 individual drafts without signatures: (plan id, first goal id, employee id)."""
    rows = db.copy_out(
        "SELECT p.id, (p.content::json -> 'goals' -> 0 ->> 'id'), m.employee_id FROM plans p "
        "JOIN plan_members m ON m.plan_id = p.id "
        "WHERE p.kind = 'individual' AND p.status = 'draft' AND p.version = 1 AND p.signatures = '[]' "
        f"ORDER BY md5(p.id::text) LIMIT {int(limit)}"
    )
    return [(r[0], r[1], r[2]) for r in rows if r[1] != "\\N"]
