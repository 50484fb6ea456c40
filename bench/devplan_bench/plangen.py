"""Plans, their members, frozen versions, signatures and follow-ups: set-up data, written
directly with COPY (parallel sessions, foreign-key triggers off), in the exact stored format
of the template plans the service wrote itself.

Per employee (seeded): a current individual plan (agreed ~88 %, else draft; some agreed plans
at version 2 after an `adjusted` follow-up, some drafts reopened at version 2), for some an
older superseded plan, for some only a closed plan, and some people are members of a group
plan with colleagues of their unit. Agreement dates spread over the last two years; annual
follow-ups where a year has passed (some overdue), special follow-ups after long absences,
evaluations and activity progress where followed up.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from .pg import Db
from .scale import Scale
from .templates import Templates, dumps, sha256_hex

GOALS = [
    ("Håndtere konflikter med borgere og pårørende", "professional"),
    ("Blive fortrolig med det nye fagsystem", "professional"),
    ("Styrke min faglige dokumentation", "professional"),
    ("Lede møder med tydelig dagsorden og opfølgning", "professional"),
    ("Blive bedre til at prioritere og sige fra", "personal"),
    ("Udvikle min rolle som praktikvejleder", "professional"),
    ("Styrke samarbejdet på tværs af teams", "social"),
    ("Give og modtage kollegial feedback", "social"),
    ("Arbejde rehabiliterende med borgerne", "professional"),
    ("Opnå kompetencer inden for demens", "professional"),
    ("Styrke min robusthed i travle perioder", "personal"),
    ("Formidle faglig viden til kolleger", "social"),
    ("Bruge data i den daglige planlægning", "professional"),
    ("Tage en diplomuddannelse i ledelse", "professional"),
]
EVAL_METHODS = [
    "Eksempler drøftes ved opfølgningen",
    "Leder og medarbejder vurderer sammen ved årets samtale",
    "Feedback fra kolleger indhentes",
    "Bevis for gennemført forløb",
    None,
]
ACTIVITIES = [
    ("course", "Kursus i konflikthåndtering"),
    ("course", "Kursus i dokumentation"),
    ("education", "Diplommodul"),
    ("mentoring", "Mentor: erfaren kollega"),
    ("on_the_job_training", "Sidemandsoplæring i fagsystemet"),
    ("collegial_feedback", "Kollegial feedback hver måned"),
    ("network", "Deltagelse i erfagruppe"),
    ("project", "Deltagelse i udviklingsprojekt"),
    ("internal_placement", "To uger i anden afdeling"),
    ("external_placement", "Praktik i nabokommunen"),
    ("job_rotation", "Jobrotation i teamet"),
    ("sparring", "Sparring med leder"),
    ("supervision", "Ekstern supervision"),
    ("knowledge_sharing", "Oplæg på personalemøde"),
    ("new_tasks", "Ansvar for nye opgaver"),
    ("user_interaction", "Brugerinddragelse i praksis"),
    ("other", "Selvstudium"),
]
DESCRIPTIONS = [
    None,
    None,
    "Aftales nærmere med lederen",
    "Forløbet planlægges i samarbejde med kollegerne i teamet, så driften hænger sammen",
    "Tre dage på eksternt kursussted med efterfølgende opgave",
]
NOTES = ["Går godt", "Delvist i gang", "Udskudt pga. travlhed", "Gennemført med godt udbytte", None]
MENTORS = ["Hanne Sørensen", "Jens Madsen", "Ekstern konsulent", "Kursusudbyder"]
REASONS = ["Fratrådt", "Skiftet stilling", "Ny plan aftalt", "Orlov"]


@dataclass
class Person:
    id: str
    ext: str
    name: str
    unit: str
    manager_id: str | None
    manager_name: str | None


@dataclass
class LoadResult:
    plans: int
    by_status: dict[str, int]
    members: int
    versions: int
    follow_ups: int
    goals: int
    activities: int
    seconds: float
    facts_written: bool


class Uuid7:
    def __init__(self, rng: random.Random):
        self.rng = rng

    def at(self, when: datetime) -> str:
        ms = int(when.timestamp() * 1000) & ((1 << 48) - 1)
        r = self.rng.getrandbits(74)
        hi = (ms << 16) | (0x7 << 12) | (r >> 62)
        lo = (0b10 << 62) | (r & ((1 << 62) - 1))
        h = f"{hi:016x}{lo:016x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def ts_json(t: datetime) -> str:
    """chrono's RFC 3339 in UTC, as serde writes `DateTime<Utc>`."""
    s = t.strftime("%Y-%m-%dT%H:%M:%S")
    if t.microsecond:
        s += f".{t.microsecond:06d}"
    return s + "Z"


def ts_sql(t: datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%S.%f+00")


class Generator:
    def __init__(self, t: Templates, today: date, seed: int = 99):
        self.t = t
        self.rng = random.Random(seed)
        self.ids = Uuid7(self.rng)
        self.today = today
        self.now = datetime.combine(today, datetime.min.time(), tzinfo=timezone.utc) + timedelta(hours=8)
        self.eval_keys = list(t.evaluation.keys())

    # -- content ------------------------------------------------------------------------------

    def moment(self, day: date) -> datetime:
        return datetime.combine(day, datetime.min.time(), tzinfo=timezone.utc) + timedelta(
            seconds=self.rng.randint(7 * 3600, 16 * 3600), microseconds=self.rng.randint(0, 999_999)
        )

    def content(self, title: str, starts: date, created: datetime, leader: bool) -> dict:
        rng = self.rng
        n_goals = rng.choice([2, 3, 3, 4, 4, 4, 4, 5, 5, 6])
        n_acts = max(n_goals, rng.choice([3, 4, 5, 6, 6, 6, 7, 7, 8, 9]))
        goals = []
        for _ in range(n_goals):
            desc, kind = rng.choice(GOALS)
            g = dict(self.t.goal)
            g.update(
                id=self.ids.at(created),
                description=desc,
                competence_kind=kind,
                horizon=rng.choice(["short_term", "short_term", "long_term"]),
                evaluation_method=rng.choice(EVAL_METHODS),
                due_date=(starts + timedelta(days=rng.randint(90, 720))).isoformat(),
                unit_goal_id=None,
                evaluation=self.t.blank_evaluation(),
            )
            goals.append(g)
        acts = []
        for i in range(n_acts):
            kind, title_a = rng.choice(ACTIVITIES)
            start = starts + timedelta(days=rng.randint(0, 300))
            party = rng.choice(["employee", "employee", "manager", "other"])
            if party == "other":
                resp = dict(self.t.responsible.get("other", {"party": "other"}), name=rng.choice(MENTORS))
            else:
                resp = dict(self.t.responsible.get(party, {"party": party}))
            a = dict(self.t.activity)
            a.update(
                id=self.ids.at(created),
                kind=kind,
                title=title_a,
                description=rng.choice(DESCRIPTIONS),
                start_date=start.isoformat(),
                end_date=(start + timedelta(days=rng.randint(1, 180))).isoformat(),
                goal_ids=[goals[i % n_goals]["id"]]
                + ([goals[(i + 1) % n_goals]["id"]] if rng.random() < 0.2 and n_goals > 1 else []),
                responsible=resp,
                hours=rng.choice([None, 7.5, 15.0, 22.5, 37.0, 3.5]),
                cost_dkk=rng.choice([None, None, 1500, 4500, 12000]) if kind in ("course", "education") else None,
                catalogue_entry_id=None,
                status="planned",
                progress_note=None,
            )
            acts.append(a)
        c = dict(self.t.content)
        c.update(
            title=title,
            period={"starts_on": starts.isoformat(), "ends_on": (starts + timedelta(days=rng.choice([364, 365, 729]))).isoformat()},
            prior_learning_assessment=rng.random() < 0.07,
            leadership_education=leader and rng.random() < 0.4,
            development_interview_id=None,
            goals=goals,
            activities=acts,
            open_points=[],
        )
        if rng.random() < 0.1:
            op = dict(self.t.open_point, id=self.ids.at(created), text="Undersøg muligheder for RKV og efteruddannelse")
            c["open_points"] = [op]
        return c

    def follow_up_data(self, c: dict, age_days: int) -> dict:
        """Evaluations and activity progress as they stand after some time."""
        rng = self.rng
        c = dict(c)
        goals = []
        for g in c["goals"]:
            g = dict(g)
            if age_days > 300 and rng.random() < 0.85:
                verdict = rng.choices(["achieved", "partly_achieved", "not_achieved", "dropped"], [45, 35, 12, 8])[0]
                ev = dict(zip(self.eval_keys, [None] * len(self.eval_keys)))
                ev.update(verdict=verdict, note=rng.choice(NOTES),
                          applied_in_daily_work=(rng.random() < 0.75) if verdict in ("achieved", "partly_achieved") else None)
                g["evaluation"] = {k: ev.get(k) for k in self.eval_keys}
            goals.append(g)
        acts = []
        for a in c["activities"]:
            a = dict(a)
            if age_days > 60:
                a["status"] = rng.choices(
                    ["planned", "in_progress", "completed", "cancelled"],
                    [max(5, 50 - age_days // 10), 35, min(60, age_days // 8), 5])[0]
                if a["status"] != "planned" and rng.random() < 0.5:
                    a["progress_note"] = rng.choice(["Godt i gang", "Gennemført", "Udskudt til foråret"])
            acts.append(a)
        c["goals"], c["activities"] = goals, acts
        return c

    def signature(self, party: str, signer: str, at: datetime, content_hash: str) -> dict:
        s = dict(self.t.signature)
        s.update(party=party, signed_at=ts_json(at), content_hash=content_hash)
        # the signer's key is whatever the template calls it ("signer")
        key = next(k for k in self.t.signature if k.startswith("signer"))
        s[key] = signer
        return s


def load_plans(db: Db, t: Templates, people: list[Person], scale: Scale, absences_by_emp: dict[str, list],
               today: date, write_facts: bool, seed: int = 99) -> LoadResult:
    """Generates and COPYs every plan. `absences_by_emp`: employee ext → [(start, end)]."""
    t0 = time.monotonic()
    gen = Generator(t, today, seed)
    rng = gen.rng
    pc = ["id", "kind", "status", "version", "agreed_version", "revision", "content_revision", "content",
          "signatures", "closure", "created_by", "created_at", "updated_at"]
    missing = [c for c in pc if c not in t.plan_columns]
    if missing:
        raise RuntimeError(f"plans lacks columns the loader writes: {missing}")
    plans = db.copy_in("plans", pc)
    members = db.copy_in("plan_members", ["plan_id", "employee_id", "current_individual", "unit_id"])
    unit_of = {p.id: p.unit for p in people}  # a membership carries its member's unit
    versions = db.copy_in("plan_versions", ["plan_id", "version", "content", "content_hash", "signatures", "agreed_at"])
    fcols = ["id", "plan_id", "kind", "held_on", "participants", "notes", "progress", "outcome", "recorded_by", "created_at"]
    follow_ups = db.copy_in("follow_ups", fcols)
    gfacts = afacts = None
    if write_facts:
        gfacts = db.copy_in("plan_goal_facts", ["plan_id", "goal_id", "competence_kind", "verdict", "applied"])
        afacts = db.copy_in("plan_activity_facts", ["plan_id", "activity_id", "kind", "status"])
    by_status: dict[str, int] = {}
    counts = {"goals": 0, "activities": 0}

    def emit(kind: str, status: str, version: int, revision: int, content: dict, sigs: list, closure: dict | None,
             created_by: str, created: datetime, updated: datetime, member_ids: list[str],
             frozen: list[tuple[int, dict, list, datetime]], fus: list[tuple]) -> str:
        pid = gen.ids.at(created)
        agreed_version = max((f[0] for f in frozen), default=None)
        # As the service writes it: the content last changed at the current revision, at the
        # latest; signatures since then are counted from there.
        content_revision = revision - len(sigs)
        plans.row(pid, kind, status, version, agreed_version, revision, content_revision, dumps(content),
                  dumps(sigs), dumps(closure) if closure else None, created_by, ts_sql(created), ts_sql(updated))
        current = "t" if kind == "individual" and status in ("draft", "agreed") else "f"
        for m in member_ids:
            members.row(pid, m, current, unit_of[m])
        for v, vc, vs, at in frozen:
            raw = dumps(vc)
            versions.row(pid, v, raw, sha256_hex(raw), dumps(vs), ts_sql(at))
        for (fkind, held, parts, notes, progress, outcome, by) in fus:
            at = gen.moment(held)
            follow_ups.row(gen.ids.at(at), pid, fkind, held.isoformat(), dumps(parts), notes, dumps(progress),
                           outcome, by, ts_sql(at))
        if gfacts is not None:
            for g in content["goals"]:
                ev = g["evaluation"]
                gfacts.row(pid, g["id"], g["competence_kind"], ev.get("verdict"), ev.get("applied_in_daily_work"))
            for a in content["activities"]:
                afacts.row(pid, a["id"], a["kind"], a["status"])
        counts["goals"] += len(content["goals"])
        counts["activities"] += len(content["activities"])
        by_status[status] = by_status.get(status, 0) + 1
        return pid

    def progress_of(c: dict) -> list[dict]:
        out = []
        for g in c["goals"][:2]:
            p = dict(t.follow_up_progress)
            p.update(goal_id=g["id"], note=rng.choice(NOTES), verdict=g["evaluation"].get("verdict"))
            out.append(p)
        return out

    def agreed_plan(p: Person, members_: list[Person], agreed_day: date, kind: str, final: str,
                    leader: bool, title: str) -> None:
        """An agreed plan (maybe at version 2), then possibly superseded or closed."""
        created = gen.moment(agreed_day - timedelta(days=rng.randint(3, 30)))
        content = gen.content(title, agreed_day.replace(day=1), created, leader)
        agreed_at = gen.moment(agreed_day)
        revision = 1 + len(content["goals"]) + len(content["activities"]) + rng.randint(0, 6)
        frozen = []
        fus = []
        mgr, mgr_name = p.manager_id, p.manager_name
        names = [mgr_name] + [m.name for m in members_]

        def sign_all(c: dict, at: datetime) -> list:
            h = sha256_hex(dumps(t.agreed_part(c)))
            sigs = [gen.signature("employee", m.id, at - timedelta(hours=rng.randint(1, 72), seconds=i), h)
                    for i, m in enumerate(members_)]
            sigs.append(gen.signature("manager", mgr, at, h))
            return sigs

        version = 1
        sigs = sign_all(content, agreed_at)
        revision += len(sigs)
        frozen.append((1, t.agreed_part(content), sigs, agreed_at))
        last_event = agreed_day
        status = "agreed"
        # Annual follow-ups every ~12 months while the plan lives (some overdue: none held).
        end_day = today if final == "agreed" else min(today, agreed_day + timedelta(days=400))
        next_due = agreed_day + timedelta(days=365)
        while next_due <= end_day and rng.random() < 0.85:
            held = next_due - timedelta(days=rng.randint(-20, 40))
            if held > today:
                break
            outcome = "adjusted" if (version == 1 and rng.random() < 0.15) else "continued"
            age = (held - agreed_day).days
            content = gen.follow_up_data(content, age)
            fus.append(("annual", held, names, rng.choice(NOTES), progress_of(content), outcome, mgr))
            revision += sum(1 for g in content["goals"] if g["evaluation"].get("verdict"))
            last_event = held
            if outcome == "adjusted":
                # The next version is agreed a few weeks later with one more activity.
                version = 2
                c2 = dict(content)
                extra = gen.content("x", held, gen.moment(held), leader)["activities"][0]
                extra["goal_ids"] = [content["goals"][0]["id"]]
                c2["activities"] = content["activities"] + [extra]
                content = c2
                v2_day = held + timedelta(days=rng.randint(7, 40))
                if v2_day > today or (rng.random() < 0.2 and final == "agreed"):
                    # Reopened and still in dialogue: version 2 drafted, v1 stays in force.
                    status = "agreed"
                    sigs = []
                    revision += 2
                    break
                at2 = gen.moment(v2_day)
                sigs = sign_all(content, at2)
                revision += 1 + len(sigs)
                frozen.append((2, t.agreed_part(content), sigs, at2))
                last_event = v2_day
            next_due = held + timedelta(days=365)
        # Special follow-ups after long absences that ended while the plan was agreed.
        for (start, end) in absences_by_emp.get(p.ext, ()):
            if end is None or (end - start).days < 56 or end < agreed_day:
                continue
            held = end + timedelta(days=rng.randint(3, 40))
            if held <= today and rng.random() < 0.8:
                fus.append(("special", held, names, "Tilbage efter fravær", [], "continued", mgr))
        if rng.random() < 0.05 and last_event + timedelta(days=30) < today:
            held = last_event + timedelta(days=rng.randint(20, max(21, (today - last_event).days)))
            fus.append(("ad_hoc", held, names, "Ekstra samtale", [], "continued", mgr))
        closure = None
        updated = gen.moment(last_event)
        if final == "superseded":
            status = "superseded"
            revision += 1
        elif final == "closed":
            closed_day = min(today, last_event + timedelta(days=rng.randint(30, 200)))
            at = gen.moment(closed_day)
            closure = dict(t.closure)
            closure.update(reason=rng.choice(REASONS), closed_by=mgr, closed_at=ts_json(at))
            if rng.random() < 0.5:
                fus.append(("ad_hoc", closed_day, names, "Afsluttende samtale", [], "closed", mgr))
            status = "closed"
            revision += 1
            updated = at
        fus.sort(key=lambda f: f[1])
        emit(kind, status, version, revision, content, sigs, closure, mgr, created,
             max(updated, created), [m.id for m in members_], frozen, fus)

    def draft_plan(p: Person, leader: bool) -> None:
        day = today - timedelta(days=rng.randint(1, 120))
        created = gen.moment(day)
        content = gen.content(f"Udviklingsplan {day.year}", day.replace(day=1), created, leader)
        revision = 1 + len(content["goals"]) + len(content["activities"]) + rng.randint(0, 6)
        sigs = []
        if rng.random() < 0.25:  # the employee has signed, the manager not yet
            h = sha256_hex(dumps(t.agreed_part(content)))
            sigs = [gen.signature("employee", p.id, gen.moment(min(today, day + timedelta(days=3))), h)]
            revision += 1
        emit("individual", "draft", 1, revision, content, sigs, None, p.manager_id, created,
             gen.moment(min(today, day + timedelta(days=3))), [p.id], [], [])

    skip = t.template_employees
    eligible = [p for p in people if p.manager_id and p.id not in skip]
    for p in eligible:
        leader = getattr(p, "leader", False)
        r = rng.random()
        if r < scale.closed_share:
            day = today - timedelta(days=rng.randint(200, 730))
            agreed_plan(p, [p], day, "individual", "closed", leader, f"Udviklingsplan {day.year}")
            continue
        if r >= scale.closed_share + scale.current_plan_share:
            continue  # no plan yet (new in the job)
        if rng.random() < scale.superseded_share / scale.current_plan_share:
            day = today - timedelta(days=rng.randint(420, 730))
            agreed_plan(p, [p], day, "individual", "superseded", leader, f"Udviklingsplan {day.year}")
        if rng.random() < scale.agreed_share_of_current:
            day = today - timedelta(days=rng.randint(5, 700))
            agreed_plan(p, [p], day, "individual", "agreed", leader, f"Udviklingsplan {day.year}")
        else:
            draft_plan(p, leader)
    # Group plans: colleagues of one unit, 3–8 members, one manager.
    by_unit: dict[str, list[Person]] = {}
    for p in eligible:
        by_unit.setdefault(p.unit, []).append(p)
    target = int(len(eligible) * scale.group_plan_people_share)
    placed = 0
    units = list(by_unit.values())
    rng.shuffle(units)
    for ps in units:
        if placed >= target:
            break
        same_mgr = [q for q in ps if q.manager_id == ps[0].manager_id]
        if len(same_mgr) < 3:
            continue
        k = min(len(same_mgr), rng.randint(3, 8))
        group = rng.sample(same_mgr, k)
        day = today - timedelta(days=rng.randint(10, 600))
        agreed_plan(group[0], group, day, "group", "agreed", False, "Fælles udviklingsplan for teamet")
        placed += k
    n = {
        "plans": plans.close(),
        "members": members.close(),
        "versions": versions.close(),
        "follow_ups": follow_ups.close(),
    }
    if gfacts is not None:
        gfacts.close()
        afacts.close()
    return LoadResult(
        plans=n["plans"], by_status=by_status, members=n["members"], versions=n["versions"],
        follow_ups=n["follow_ups"], goals=counts["goals"], activities=counts["activities"],
        seconds=time.monotonic() - t0, facts_written=write_facts,
    )
