"""The organisation as HR would send it: municipalities with skewed sizes, unit trees of depth
4–5 (municipality → area → department → unit → team), one manager per unit, local
representatives, MED committees (main, sector, local), absences and development interviews.

Everything is drawn from a seeded `random.Random`, so the same scale gives the same data.
Rows are produced in the shapes of the sync endpoints (`/api/v1/sync/...`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from .scale import Scale

FIRST = (
    "Anne Mette Hanne Susanne Lene Kirsten Marianne Camilla Louise Maria Julie Sofie Ida Emma "
    "Karen Birgitte Pia Tina Helle Charlotte Line Mia Sara Laura Anna Lone Jette Inge Rikke "
    "Peter Jens Lars Michael Henrik Thomas Søren Martin Niels Jesper Christian Anders Rasmus "
    "Morten Mads Jonas Frederik Kasper Mikkel Ole Hans Poul Bo Jan Torben Kim Brian Dennis Ali "
    "Fatima Mohammad Amina Yusuf Zainab"
).split()
LAST = (
    "Nielsen Jensen Hansen Pedersen Andersen Christensen Larsen Sørensen Rasmussen Jørgensen "
    "Petersen Madsen Kristensen Olsen Thomsen Christiansen Poulsen Johansen Møller Mortensen "
    "Knudsen Jakobsen Mikkelsen Olesen Frederiksen Laursen Henriksen Lund Holm Schmidt Eriksen "
    "Kristiansen Clausen Simonsen Svendsen Andreasen Iversen Jeppesen Vestergaard Mogensen "
    "Nissen Lauridsen Kjær Dahl Bach Østergaard Friis Hussein Yilmaz Ahmed"
).split()
AREAS = [
    ("Børn og Unge", ["pædagog", "pædagogmedhjælper", "lærer", "socialrådgiver"]),
    ("Skole og Uddannelse", ["lærer", "pædagog", "skolesekretær"]),
    ("Sundhed og Omsorg", ["social- og sundhedsassistent", "social- og sundhedshjælper", "sygeplejerske", "terapeut"]),
    ("Social og Handicap", ["socialpædagog", "socialrådgiver", "social- og sundhedsassistent"]),
    ("Beskæftigelse", ["socialrådgiver", "jobkonsulent", "administrativ medarbejder"]),
    ("Teknik og Miljø", ["ingeniør", "håndværker", "administrativ medarbejder", "tekniker"]),
    ("Kultur og Fritid", ["bibliotekar", "kulturmedarbejder", "administrativ medarbejder"]),
    ("Økonomi og Administration", ["administrativ medarbejder", "akademiker", "it-medarbejder"]),
    ("Borgerservice", ["administrativ medarbejder", "kontorelev"]),
    ("Ejendomme og Drift", ["håndværker", "rengøringsassistent", "servicemedarbejder"]),
    ("Psykiatri og Misbrug", ["socialpædagog", "sygeplejerske", "socialrådgiver"]),
    ("Dagtilbud", ["pædagog", "pædagogmedhjælper", "dagplejer"]),
]
DEPT_WORDS = ["Nord", "Syd", "Øst", "Vest", "Centrum", "Midt", "Land", "By", "Havn", "Skov"]
UNIT_WORDS = [
    "Solsikken", "Mælkebøtten", "Egebakken", "Lindehøj", "Skovbrynet", "Åparken", "Bakkegården",
    "Strandvejen", "Møllehuset", "Kastanjen", "Rosenhaven", "Birkely", "Fyrreparken", "Engen",
    "Kildevang", "Toftegården", "Hyldebærret", "Nørremarken", "Sønderled", "Vesterport",
]


@dataclass
class Unit:
    ext: str
    name: str
    parent: str | None
    level: str  # root, municipality, area, department, unit, team
    muni: int
    groups: list[str]
    children: list["Unit"] = field(default_factory=list)
    staff: int = 0  # people placed directly in this unit (its manager included)
    total: int = 0  # people in it and below
    manager: str | None = None  # employee external id
    representative: str | None = None


@dataclass
class Employee:
    ext: str
    name: str
    group: str
    unit: str
    manages: list[str] = field(default_factory=list)
    represents: list[str] = field(default_factory=list)


@dataclass
class Org:
    root: Unit
    units: list[Unit]  # parents before children
    employees: list[Employee]
    committees: list[dict]
    municipalities: list[Unit]
    by_ext: dict[str, Unit]

    def unit_rows(self) -> list[dict]:
        return [
            {"external_id": u.ext, "name": u.name, "parent_external_id": u.parent} for u in self.units
        ]

    def employee_rows(self) -> list[dict]:
        rows = []
        for e in self.employees:
            row = {
                "external_id": e.ext,
                "name": e.name,
                "email": email_of(e),
                "professional_group": e.group,
                "unit_external_id": e.unit,
            }
            if e.manages:
                row["manages_unit_external_ids"] = e.manages
            if e.represents:
                row["represents_unit_external_ids"] = e.represents
            rows.append(row)
        return rows


def email_of(e: Employee) -> str:
    first = e.name.split()[0].lower()
    trans = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"})
    return f"{first.translate(trans)}.{e.ext.lower()}@kommune{e.ext.split('-')[1]}.dk"


def municipality_sizes(scale: Scale, rng: random.Random) -> list[int]:
    fixed = [scale.largest, *scale.second]
    rest_n = scale.municipalities - len(fixed)
    rest_total = scale.employees - sum(fixed)
    if rest_n <= 0:
        return fixed[: scale.municipalities]
    # Log-normal weights: many small municipalities, a few mid-sized ones.
    weights = sorted((rng.lognormvariate(0, 0.45) for _ in range(rest_n)), reverse=True)
    s = sum(weights)
    sizes = [max(scale.smallest, rest_total * w / s) for w in weights]
    # No municipality of the rest above the smallest fixed one: clip and spread the excess.
    cap = fixed[-1]
    for _ in range(50):
        over = sum(x - cap for x in sizes if x > cap)
        if over <= 0:
            break
        under = [i for i, x in enumerate(sizes) if x < cap]
        room = sum(sizes[i] for i in under)
        sizes = [min(x, cap) for x in sizes]
        for i in under:
            sizes[i] += over * sizes[i] / room
    sizes = [int(x) for x in sizes]
    sizes[-1] += rest_total - sum(sizes)
    return fixed + sizes


def split(total: int, parts: int, rng: random.Random, sigma: float = 0.5, minimum: int = 1) -> list[int]:
    """`total` split into `parts` skewed positive parts."""
    parts = max(1, min(parts, total // max(1, minimum)))
    w = [rng.lognormvariate(0, sigma) for _ in range(parts)]
    s = sum(w)
    out = [max(minimum, int(total * x / s)) for x in w]
    diff = total - sum(out)
    i = 0
    while diff != 0 and i < 10 * parts + 10:
        j = i % parts
        if diff > 0:
            out[j] += 1
            diff -= 1
        elif out[j] > minimum:
            out[j] -= 1
            diff += 1
        i += 1
    return out


def build_org(scale: Scale, seed: int = 2026) -> Org:
    rng = random.Random(seed)
    units: list[Unit] = []
    root = Unit("DK", "Kommunerne (bench-rod)", None, "root", 0, [])
    units.append(root)
    munis: list[Unit] = []
    for m, size in enumerate(municipality_sizes(scale, rng), start=1):
        munis.append(_municipality(m, size, root, units, rng))
    root.children = munis
    by_ext = {u.ext: u for u in units}
    employees = _people(units, rng)
    committees = _committees(munis, by_ext, employees, rng)
    for u in reversed(units):
        u.total = u.staff + sum(c.total for c in u.children)
    return Org(root, units, employees, committees, munis, by_ext)


def _municipality(m: int, size: int, root: Unit, units: list[Unit], rng: random.Random) -> Unit:
    name = "Storby Kommune" if m == 1 else f"Kommune {m:02d}"
    mu = Unit(f"K{m:02d}", name, root.ext, "municipality", m, ["administrativ medarbejder", "akademiker"])
    units.append(mu)
    central = max(3, min(60, size // 800))  # the director and central staff
    mu.staff = central
    n_areas = max(3, min(12, round(size / 4500)))
    area_sizes = split(size - central, n_areas, rng, sigma=0.35, minimum=30)
    kinds = rng.sample(AREAS, k=min(len(AREAS), len(area_sizes)))
    for a, (asize, (aname, groups)) in enumerate(zip(area_sizes, kinds), start=1):
        area = Unit(f"{mu.ext}-A{a:02d}", f"{aname}", mu.ext, "area", m, groups)
        units.append(area)
        mu.children.append(area)
        a_staff = max(2, min(25, asize // 300))
        area.staff = a_staff
        n_depts = max(1, round((asize - a_staff) / 200))
        for d, dsize in enumerate(split(asize - a_staff, n_depts, rng, sigma=0.5, minimum=12), start=1):
            dept = Unit(
                f"{area.ext}-D{d:02d}",
                f"{aname.split()[0]} {rng.choice(DEPT_WORDS)} {d}",
                area.ext,
                "department",
                m,
                groups,
            )
            units.append(dept)
            area.children.append(dept)
            d_staff = 1 + (dsize > 80) + (dsize > 200)
            dept.staff = d_staff
            n_units = max(1, round((dsize - d_staff) / 24))
            for k, usize in enumerate(split(dsize - d_staff, n_units, rng, sigma=0.6, minimum=5), start=1):
                leaf = Unit(
                    f"{dept.ext}-E{k:02d}",
                    f"{rng.choice(UNIT_WORDS)} {k}",
                    dept.ext,
                    "unit",
                    m,
                    groups,
                )
                units.append(leaf)
                dept.children.append(leaf)
                # Large units are split into teams (depth 5); no team above 60 people.
                if usize > 60 or (usize > 45 and rng.random() < 0.5):
                    n_teams = max(2, -(-(usize - 2) // 45))
                    teams = split(usize - 2, n_teams, rng, sigma=0.2, minimum=5)
                    leaf.staff = 2
                    for t, tsize in enumerate(teams, start=1):
                        team = Unit(f"{leaf.ext}-T{t}", f"{leaf.name}, team {t}", leaf.ext, "team", m, groups)
                        units.append(team)
                        leaf.children.append(team)
                        team.staff = tsize
                else:
                    leaf.staff = usize
    return mu


def _people(units: list[Unit], rng: random.Random) -> list[Employee]:
    employees: list[Employee] = []
    seq: dict[int, int] = {}
    for u in units:
        if u.level == "root":
            continue
        for i in range(u.staff):
            n = seq.get(u.muni, 0) + 1
            seq[u.muni] = n
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            if i == 0:
                e = Employee(f"E-{u.muni:02d}-{n:06d}", name, "leder", u.ext, manages=[u.ext])
                u.manager = e.ext
            else:
                e = Employee(f"E-{u.muni:02d}-{n:06d}", name, rng.choice(u.groups), u.ext)
            employees.append(e)
    # A local representative per department (for it and all below), and one per area.
    by_unit: dict[str, list[Employee]] = {}
    for e in employees:
        by_unit.setdefault(e.unit, []).append(e)
    for u in units:
        if u.level in ("department", "area"):
            pool = [e for c in ([u] + u.children) for e in by_unit.get(c.ext, []) if not e.manages]
            if pool:
                rep = rng.choice(pool)
                rep.represents.append(u.ext)
                u.representative = rep.ext
    return employees


def _committees(munis: list[Unit], by_ext: dict[str, Unit], employees: list[Employee], rng) -> list[dict]:
    by_unit: dict[str, list[str]] = {}
    for e in employees:
        if not e.manages:
            by_unit.setdefault(e.unit, []).append(e.ext)

    def staff_below(u: Unit, k: int) -> list[str]:
        pool: list[str] = []
        stack = [u]
        while stack and len(pool) < 200:
            x = stack.pop()
            pool.extend(by_unit.get(x.ext, [])[:10])
            stack.extend(x.children)
        return rng.sample(pool, k=min(k, len(pool)))

    rows: list[dict] = []
    for mu in munis:
        main_members = [mu.manager] + [a.manager for a in mu.children[:6]]
        main_members += [a.representative for a in mu.children if a.representative][:6]
        main = f"HMU-{mu.ext}"
        rows.append(_committee(main, f"Hoved-MED {mu.name}", "main", mu.ext, None, main_members))
        for a in mu.children:
            sector = f"SMED-{a.ext}"
            members = [a.manager] + [d.manager for d in a.children[:4]]
            members += [a.representative] if a.representative else []
            members += staff_below(a, 3)
            rows.append(_committee(sector, f"Sektor-MED {a.name}, {mu.name}", "sector", a.ext, main, members))
            for d in a.children:
                members = [d.manager] + ([d.representative] if d.representative else []) + staff_below(d, 4)
                rows.append(_committee(f"LMED-{d.ext}", f"Lokal-MED {d.name}", "local", d.ext, sector, members))
    return rows


def _committee(ext, name, level, unit, parent, members) -> dict:
    seen: list[str] = []
    for m in members:
        if m and m not in seen:
            seen.append(m)
    return {
        "external_id": ext,
        "name": name[:200],
        "level": level,
        "unit_external_id": unit,
        "parent_external_id": parent,
        "member_external_ids": seen,
    }


# -- absences and interviews -------------------------------------------------------------


@dataclass
class Absence:
    ext: str
    employee: str
    kind: str
    starts_on: date
    ends_on: date | None


def absences(org: Org, scale: Scale, today: date, seed: int = 7) -> list[Absence]:
    rng = random.Random(seed)
    out: list[Absence] = []
    for e in org.employees:
        if rng.random() >= scale.absence_share:
            continue
        kind = rng.choices(["parental_leave", "long_term_illness", "other"], [40, 45, 15])[0]
        weeks = {
            "parental_leave": rng.randint(10, 52),
            "long_term_illness": rng.choice([3, 4, 6, 8, 9, 10, 12, 16, 20, 26]),
            "other": rng.randint(2, 20),
        }[kind]
        start = today - timedelta(days=rng.randint(7, 730))
        end: date | None = start + timedelta(weeks=weeks)
        if end and end > today:
            end = None if rng.random() < 0.6 else end  # open, or a known planned return
        out.append(Absence(f"F-{e.ext[2:]}-{len(out) + 1}", e.ext, kind, start, end))
    return out


def absence_rows(items: list[Absence]) -> list[dict]:
    return [
        {
            "external_id": a.ext,
            "employee_external_id": a.employee,
            "kind": a.kind,
            "starts_on": a.starts_on.isoformat(),
            "ends_on": a.ends_on.isoformat() if a.ends_on else None,
        }
        for a in items
    ]


def interview_rows(org: Org, scale: Scale, today: date, seed: int = 11) -> list[dict]:
    """This year's MUS for most people (individually, or in a group for some teams), and
    last year's for some; offered / held / declined, some asking for an individual one."""
    rng = random.Random(seed)
    rows: list[dict] = []
    by_unit: dict[str, list[Employee]] = {}
    for e in org.employees:
        by_unit.setdefault(e.unit, []).append(e)
    for year, share in ((today.year, scale.interview_share_this_year), (today.year - 1, scale.interview_share_last_year)):
        year_start = date(year, 1, 1)
        last_day = min(today, date(year, 12, 31))
        span = max(1, (last_day - year_start).days)
        for unit_ext, people in by_unit.items():
            group_unit = rng.random() < 0.08 and len(people) >= 6
            if group_unit:
                # GRUS: one group interview for the team, some ask for an individual one.
                offered = year_start + timedelta(days=rng.randint(0, span))
                held = min(offered + timedelta(days=rng.randint(7, 40)), date(year, 12, 31))
                parts = []
                for p in people:
                    if rng.random() >= share:
                        continue
                    parts.append(
                        {
                            "employee_external_id": p.ext,
                            "status": "held" if held <= today else "offered",
                            "wants_individual": rng.random() < 0.1,
                        }
                    )
                if parts:
                    rows.append(
                        {
                            "external_id": f"MUS-{year}-G-{unit_ext}",
                            "year": year,
                            "format": "group",
                            "offered_on": offered.isoformat(),
                            "held_on": held.isoformat() if held <= today else None,
                            "participants": parts,
                        }
                    )
                continue
            for p in people:
                if rng.random() >= share:
                    continue
                offered = year_start + timedelta(days=rng.randint(0, span))
                held = min(offered + timedelta(days=rng.randint(7, 45)), date(year, 12, 31))
                status = rng.choices(["held", "offered", "declined"], [78, 15, 7])[0]
                if status == "held" and held > today:
                    status = "offered"
                rows.append(
                    {
                        "external_id": f"MUS-{year}-{p.ext}",
                        "year": year,
                        "format": "individual",
                        "offered_on": offered.isoformat(),
                        "held_on": held.isoformat() if status == "held" else None,
                        "participants": [{"employee_external_id": p.ext, "status": status}],
                    }
                )
    return rows
