"""Stored formats of plans, taken from plans the service itself wrote.

A few plans are made through the API (draft, goals, activities, an open point, edits, both
signatures, a follow-up with progress, an evaluation, a closure, a group plan). Their rows are
read back with psql and become the templates the direct loader copies key order and shape
from, so the loaded JSON is byte-for-byte what serde writes, and the content hashes match.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from .http import Client
from .jwt import Minter
from .pg import Db, quote_literal


def dumps(value) -> str:
    """JSON as serde_json writes it: compact, UTF-8, keys in the order given."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def sha256_hex(s: str) -> str:
    return hashlib.sha256(s.encode()).hexdigest()


@dataclass
class Templates:
    content: dict  # plans.content of an agreed plan with follow-up data
    version_content: dict  # plan_versions.content (agreed part)
    goal: dict
    evaluation: dict
    activity: dict
    responsible: dict[str, dict]  # party -> shape
    open_point: dict
    signature: dict
    closure: dict
    follow_up_progress: dict
    plan_columns: list[str]
    version_columns: list[str]
    follow_up_columns: list[str]
    template_plan_ids: list[str]
    template_employees: set[str]  # employee uuids whose plans were made through the API

    def agreed_part(self, content: dict) -> dict:
        """`PlanContent::agreed_part`: evaluations blanked, activity status planned, no note."""
        c = dict(content)
        c["goals"] = [dict(g, evaluation=self.blank_evaluation()) for g in content["goals"]]
        c["activities"] = [dict(a, status="planned", progress_note=None) for a in content["activities"]]
        return c

    def blank_evaluation(self) -> dict:
        return {k: None for k in self.evaluation}


def make_template_plans(client: Client, minter: Minter, people: list[dict]) -> list[str]:
    """Makes the template plans. `people` are dicts with ext, id, manager_ext (four
    employees of one unit with one manager). Returns the plan ids."""
    a, b, c, d = people[:4]
    mgr = minter.token(a["manager_ext"], ["employee", "manager"])
    emp_a = minter.token(a["ext"], ["employee"])

    def post(path, token, body, status=201):
        return client.expect(client.request("POST", path, token, body), status).json()

    plan = post(
        "/api/v1/plans",
        mgr,
        {"employee_id": a["id"], "title": "Udviklingsplan (skabelon)", "starts_on": "2026-01-01",
         "ends_on": "2026-12-31", "prior_learning_assessment": True},
    )
    pid = plan["id"]
    plan = post(f"/api/v1/plans/{pid}/goals", mgr, {
        "description": "Håndtere konflikter med forældre", "competence_kind": "professional",
        "horizon": "short_term", "evaluation_method": "Eksempler drøftes ved opfølgningen",
        "due_date": "2026-06-30"})
    g1 = plan["content"]["goals"][0]["id"]
    plan = post(f"/api/v1/plans/{pid}/goals", emp_a, {
        "description": "Sige fra over for for mange opgaver", "competence_kind": "personal",
        "horizon": "long_term"})
    g2 = plan["content"]["goals"][1]["id"]
    post(f"/api/v1/plans/{pid}/activities", mgr, {
        "kind": "course", "title": "Konflikthåndtering i praksis", "description": "Tre dage",
        "start_date": "2026-03-02", "end_date": "2026-03-04", "goal_ids": [g1],
        "responsible": "manager", "hours": 22.5, "cost_dkk": 4500})
    post(f"/api/v1/plans/{pid}/activities", mgr, {
        "kind": "mentoring", "title": "Mentor: erfaren kollega", "goal_ids": [g1, g2],
        "responsible": "other", "responsible_name": "Hanne Sørensen", "hours": 8.0})
    post(f"/api/v1/plans/{pid}/activities", emp_a, {
        "kind": "job_rotation", "title": "Tre måneder i vuggestuen", "goal_ids": [g2],
        "responsible": "employee"})
    plan = post(f"/api/v1/plans/{pid}/open-points", mgr, {"text": "Undersøg muligheder for RKV"})
    r = client.expect(
        client.request("PATCH", f"/api/v1/plans/{pid}/goals/{g2}", emp_a,
                       {"description": "Sige fra og prioritere egne opgaver"},
                       headers={"If-Match": f'"{plan["revision"]}"'}), 200)
    plan = r.json()
    plan = post(f"/api/v1/plans/{pid}/signatures", emp_a, {"revision": plan["revision"]})
    plan = post(f"/api/v1/plans/{pid}/signatures", mgr, {"revision": plan["revision"]})
    if plan["status"] != "agreed":
        raise RuntimeError(f"template plan not agreed after both signatures: {plan['status']}")
    post(f"/api/v1/plans/{pid}/follow-ups", mgr, {
        "kind": "annual", "held_on": "2026-11-01", "participants": ["Leder", "Medarbejder"],
        "notes": "God fremdrift", "outcome": "continued",
        "progress": [{"goal_id": g1, "note": "Går godt", "verdict": "partly_achieved"}]})
    act = plan["content"]["activities"][0]["id"]
    client.expect(client.request("PATCH", f"/api/v1/plans/{pid}/goals/{g1}", mgr,
                                 {"verdict": "achieved", "evaluation_note": "Nået",
                                  "applied_in_daily_work": True}), 200)
    client.expect(client.request("PATCH", f"/api/v1/plans/{pid}/activities/{act}", emp_a,
                                 {"status": "completed", "progress_note": "Gennemført"}), 200)

    closed = post("/api/v1/plans", mgr, {"employee_id": b["id"], "title": "Lukket plan",
                                         "starts_on": "2026-01-01", "ends_on": "2026-12-31"})
    post(f"/api/v1/plans/{closed['id']}/close", mgr, {"reason": "Fratrådt"}, status=200)

    group = post("/api/v1/plans", mgr, {"member_ids": [c["id"], d["id"]], "title": "Gruppeplan",
                                        "starts_on": "2026-01-01", "ends_on": "2026-12-31"})
    return [pid, closed["id"], group["id"]]


def read_templates(db: Db, plan_ids: list[str], employees: set[str]) -> Templates:
    pid, closed_id, _group = plan_ids

    def one(sql: str) -> list[str]:
        rows = db.copy_out(sql)
        if len(rows) != 1:
            raise RuntimeError(f"expected one row from {sql!r}, got {len(rows)}")
        return [unescape(v) for v in rows[0]]

    content_raw, sigs_raw = one(f"SELECT content, signatures FROM plans WHERE id = {quote_literal(pid)}")
    vcontent_raw, vhash = one(
        f"SELECT content, content_hash FROM plan_versions WHERE plan_id = {quote_literal(pid)} AND version = 1")
    (closure_raw,) = one(f"SELECT closure FROM plans WHERE id = {quote_literal(closed_id)}")
    (progress_raw,) = one(f"SELECT progress FROM follow_ups WHERE plan_id = {quote_literal(pid)}")
    content = json.loads(content_raw)
    vcontent = json.loads(vcontent_raw)
    # The loader's serialisation must reproduce the service's bytes and hash exactly.
    if dumps(vcontent) != vcontent_raw or sha256_hex(vcontent_raw) != vhash:
        raise RuntimeError("plan_versions.content does not round-trip: the hash rule changed?")
    if dumps(content) != content_raw:
        raise RuntimeError("plans.content does not round-trip through compact JSON")
    goal = next(g for g in content["goals"] if g["evaluation"].get("verdict"))
    activity = content["activities"][0]
    responsible = {a["responsible"]["party"]: a["responsible"] for a in content["activities"]}
    sigs = json.loads(sigs_raw)

    def columns(table: str) -> list[str]:
        return [r[0] for r in db.rows(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' "
            f"AND table_name = {quote_literal(table)} ORDER BY ordinal_position")]

    t = Templates(
        content=content,
        version_content=vcontent,
        goal=goal,
        evaluation=goal["evaluation"],
        activity=activity,
        responsible=responsible,
        open_point=content["open_points"][0],
        signature=sigs[0],
        closure=json.loads(closure_raw),
        follow_up_progress=json.loads(progress_raw)[0],
        plan_columns=columns("plans"),
        version_columns=columns("plan_versions"),
        follow_up_columns=columns("follow_ups"),
        template_plan_ids=plan_ids,
        template_employees=employees,
    )
    if dumps(t.agreed_part(content)) != vcontent_raw:
        raise RuntimeError("agreed_part() of the template differs from its frozen version")
    return t


def unescape(v: str) -> str:
    """A COPY text field back to its value (the JSON columns hold no tabs or newlines)."""
    if "\\" not in v:
        return v
    out, i = [], 0
    while i < len(v):
        ch = v[i]
        if ch == "\\" and i + 1 < len(v):
            nxt = v[i + 1]
            out.append({"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}.get(nxt, nxt))
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)
