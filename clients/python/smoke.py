"""Smoke test of the generated Python client (clients/python/generated) against a running devplan.

Drives the flow of clients/typescript/src/client.ts through the generated client's typed
functions and models: six syncs (clients/examples, in order, then once more to see them
idempotent), /me, draft a plan with a goal and an activity, both parties sign, record the
annual follow-up, list the plan's follow-ups, read the manager's work list, the catalogue
and, as the local representative, the unit's status figures; then the yearly conversation:
a published preparation guide, an offered interview, the employee's answers shared with the
manager, and a plan drafted from them.

Every answer must parse into the documented model (not None or Unset), and its raw JSON is
also validated against the schema the document gives for that operation and status, so a
mismatch between the server and openapi/openapi.json fails here even where the generated
client would parse leniently. Run by clients/check, which sets:
  DEVPLAN_URL, DEVPLAN_TOKEN_{HR,EMPLOYEE,MANAGER,REPRESENTATIVE}, DEVPLAN_EXAMPLES,
  PYTHONPATH=clients/python/generated.
"""

from __future__ import annotations

import datetime
import json
import os
import sys
import traceback
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar
from uuid import UUID

import attrs
import dateutil.relativedelta
import jsonschema
import referencing
import referencing.jsonschema

from devplan_client import AuthenticatedClient
from devplan_client.api.catalogue import list_catalogue
from devplan_client.api.follow_ups import (
    create_development_interview,
    create_preparation_guide,
    get_interview_preparation,
    get_preparation,
    list_follow_ups_due,
    list_plan_follow_ups,
    publish_preparation_guide_version,
    record_follow_up,
    share_my_interview_preparation,
    write_my_interview_preparation,
)
from devplan_client.api.me import get_me
from devplan_client.api.plans import add_activity, add_goal, create_plan, get_plan, list_plan_versions, sign_plan
from devplan_client.api.status import get_status
from devplan_client.api.sync import (
    sync_absences,
    sync_catalogue,
    sync_committees,
    sync_development_interviews,
    sync_employees,
    sync_org_units,
)
from devplan_client.models import (
    ActivityIn,
    CatalogueKind,
    FollowUpIn,
    FollowUpKind,
    FollowUpOutcome,
    FollowUpRecorded,
    GoalIn,
    GuideIn,
    GuideOut,
    GuideVersionOut,
    InterviewIn,
    InterviewOut,
    ListResponseEntryOut,
    ListResponseFollowUpOut,
    ListResponseVersionOut,
    ListResponseWorkItemOut,
    Me,
    MeEmployee,
    PlanCreate,
    PlanOut,
    PlanStatus,
    PreparationIn,
    PreparationOut,
    PreparationSheet,
    SignatureIn,
    StatusOut,
    SyncPayloadAbsenceRow,
    SyncPayloadCommitteeRow,
    SyncPayloadEmployeeRow,
    SyncPayloadEntryIn,
    SyncPayloadInterviewRow,
    SyncPayloadUnitRow,
    SyncResult,
)
from devplan_client.types import Response, Unset

HERE = Path(__file__).resolve().parent
EXAMPLES = Path(os.environ.get("DEVPLAN_EXAMPLES", HERE.parent / "examples"))
DOCUMENT_PATH = HERE.parent.parent / "openapi" / "openapi.json"
DOCUMENT = json.loads(DOCUMENT_PATH.read_text(encoding="utf-8"))
DOC_URI = "urn:devplan:openapi"
REGISTRY = referencing.Registry().with_resource(
    DOC_URI, referencing.Resource.from_contents(DOCUMENT, default_specification=referencing.jsonschema.DRAFT202012)
)

T = TypeVar("T")


class SmokeFailure(Exception):
    pass


def fail(message: str) -> None:
    raise SmokeFailure(message)


def check(condition: bool, message: str) -> None:
    if not condition:
        fail(message)


# --- answers: status, typed model, schema --------------------------------------------------


def _operation(module: ModuleType) -> tuple[str, str, str]:
    """(method, path template, operationId) of a generated endpoint module, from the document."""
    operation_id = module.__name__.rsplit(".", 1)[-1]
    for path, item in DOCUMENT["paths"].items():
        for method, op in item.items():
            if isinstance(op, dict) and op.get("operationId") == operation_id:
                return method, path, operation_id
    raise LookupError(f"no operation {operation_id} in the document")


def _pointer(*parts: str) -> str:
    return "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def _schema_errors(module: ModuleType, status: int, body: Any) -> list[str]:
    """The raw body checked against the document's schema for this operation and status."""
    method, path, _ = _operation(module)
    responses = DOCUMENT["paths"][path][method]["responses"]
    if str(status) not in responses:
        return [f"status {status} is not documented"]
    pointer = _pointer("paths", path, method, "responses", str(status))
    response = responses[str(status)]
    if "$ref" in response:
        pointer = response["$ref"].lstrip("#/")
        response = REGISTRY.resolver(DOC_URI).lookup(f"{DOC_URI}#/{pointer}").contents
    if "application/json" not in response.get("content", {}):
        return [f"status {status} documents no application/json body"]
    ref = f"{DOC_URI}#/{pointer}/content/{_pointer('application/json')}/schema"
    validator = jsonschema.Draft202012Validator(
        {"$ref": ref}, registry=REGISTRY, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    return [
        f"{'/'.join(str(p) for p in e.absolute_path) or '(root)'}: {e.message[:300]}"
        for e in sorted(validator.iter_errors(body), key=lambda e: list(map(str, e.absolute_path)))
    ]


def _undeclared_fields(value: Any, where: str = "") -> list[str]:
    """Fields the server sent that the model does not declare (kept in additional_properties)."""
    found: list[str] = []
    if attrs.has(type(value)):
        declared = [f.name for f in attrs.fields(type(value)) if f.name != "additional_properties"]
        extra = getattr(value, "additional_properties", {})
        if declared and extra:  # a model with properties, not a free-form map
            found += [f"{where}.{k}" if where else k for k in extra]
        for name in declared:
            found += _undeclared_fields(getattr(value, name), f"{where}.{name}" if where else name)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _undeclared_fields(item, f"{where}[{i}]")
    return found


def call(what: str, module: ModuleType, expected: type[T], status: int = 200, **kwargs: Any) -> T:
    """Calls module.sync_detailed(**kwargs) and returns its parsed answer, checked."""
    method, path, operation_id = _operation(module)
    label = f"{what} ({method.upper()} {path}, {operation_id})"
    try:
        response: Response[Any] = module.sync_detailed(**kwargs)
    except Exception as e:  # the generated client raised while parsing the answer
        fail(f"{label}: the generated client could not parse the answer: {type(e).__name__}: {e}")
    raw = response.content.decode("utf-8", "replace")
    if response.status_code != status:
        fail(f"{label}: HTTP {int(response.status_code)} (expected {status}): {raw[:1500]}")
    parsed = response.parsed
    if parsed is None or isinstance(parsed, Unset) or not isinstance(parsed, expected):
        fail(f"{label}: parsed as {type(parsed).__name__}, not {expected.__name__}: {raw[:1500]}")
    errors = _schema_errors(module, status, json.loads(raw))
    if errors:
        fail(f"{label}: the answer does not match the document's schema:\n  " + "\n  ".join(errors[:20]))
    undeclared = _undeclared_fields(parsed)
    if undeclared:
        fail(f"{label}: fields not in the document: {', '.join(undeclared[:20])}")
    return parsed


def example(name: str) -> dict[str, Any]:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


def client(token_var: str) -> AuthenticatedClient:
    return AuthenticatedClient(
        base_url=os.environ["DEVPLAN_URL"],
        token=os.environ[token_var],
        raise_on_unexpected_status=True,
        timeout=None,
    )


# --- the flow ------------------------------------------------------------------------------


def run() -> list[str]:
    summary: list[str] = []
    hr = client("DEVPLAN_TOKEN_HR")
    employee = client("DEVPLAN_TOKEN_EMPLOYEE")
    manager = client("DEVPLAN_TOKEN_MANAGER")
    representative = client("DEVPLAN_TOKEN_REPRESENTATIVE")
    # The service's today is Danish, never before the UTC date: this is never in the future.
    today = datetime.datetime.now(datetime.UTC).date()

    # 1. The six syncs, in order; on a fresh database every row is created. Then again:
    #    sending the same payload changes nothing.
    syncs: list[tuple[str, ModuleType, Any]] = [
        ("01-sync-org-units.json", sync_org_units, SyncPayloadUnitRow),
        ("02-sync-employees.json", sync_employees, SyncPayloadEmployeeRow),
        ("03-sync-committees.json", sync_committees, SyncPayloadCommitteeRow),
        ("04-sync-catalogue.json", sync_catalogue, SyncPayloadEntryIn),
        ("05-sync-absences.json", sync_absences, SyncPayloadAbsenceRow),
        ("06-sync-development-interviews.json", sync_development_interviews, SyncPayloadInterviewRow),
    ]
    for round_ in ("first", "again"):
        counts = []
        for file, module, payload_model in syncs:
            data = example(file)
            body = payload_model.from_dict(data)
            check(body.to_dict() == data, f"{file}: the generated {payload_model.__name__} does not round-trip it")
            result = call(f"{file} ({round_})", module, SyncResult, client=hr, body=body)
            n = len(data["rows"])
            want = (n, 0, 0) if round_ == "first" else (0, 0, n)
            got = (result.created, result.updated, result.unchanged)
            check(got == want, f"{file} ({round_}): created/updated/unchanged {got}, expected {want}")
            counts.append(f"{module.__name__.rsplit('.', 1)[-1].removeprefix('sync_')}={n}")
        summary.append(f"sync {round_}: {', '.join(counts)}" + (" (all unchanged)" if round_ == "again" else " (all created)"))

    # 2. Who the employee is.
    me = call("me (employee)", get_me, Me, client=employee)
    check(isinstance(me.employee, MeEmployee), f"/me of E-1042 names no employee: {me.to_dict()}")
    assert isinstance(me.employee, MeEmployee)
    check(me.employee.external_id == "E-1042", f"/me: external_id {me.employee.external_id!r}")
    check([r.role for r in me.roles] == ["employee"], f"/me: roles {[r.role for r in me.roles]}")
    employee_id, unit_id = me.employee.id, me.employee.unit_id
    me_manager = call("me (manager)", get_me, Me, client=manager)
    check(
        sorted(r.role for r in me_manager.roles) == ["employee", "manager"],
        f"/me (manager): roles {[r.role for r in me_manager.roles]}",
    )
    summary.append(f"me: {me.employee.name} ({employee_id}), unit {unit_id}")

    # 3. The manager drafts the plan; a goal; the employee adds an activity serving it.
    plan_in = PlanCreate.from_dict({**example("07-create-plan.json"), "employee_id": str(employee_id)})
    plan = call("create plan", create_plan, PlanOut, status=201, client=manager, body=plan_in)
    check(plan.status == PlanStatus.DRAFT, f"new plan is {plan.status}")
    check(plan.member_ids == [employee_id], f"plan members {plan.member_ids}")
    plan_id = plan.id

    plan = call("add goal", add_goal, PlanOut, status=201, id=plan_id, client=manager,
                body=GoalIn.from_dict(example("08-add-goal.json")))
    check(len(plan.content.goals) == 1, f"plan has {len(plan.content.goals)} goals")
    goal = plan.content.goals[0]
    check(goal.description == example("08-add-goal.json")["description"], "goal text differs")

    activity_in = ActivityIn.from_dict({**example("09-add-activity.json"), "goal_ids": [str(goal.id)]})
    plan = call("add activity", add_activity, PlanOut, status=201, id=plan_id, client=employee, body=activity_in)
    check(len(plan.content.activities) == 1, f"plan has {len(plan.content.activities)} activities")
    activity = plan.content.activities[0]
    check(activity.goal_ids == [goal.id], f"activity serves {activity.goal_ids}, not [{goal.id}]")
    check(activity.hours == 22.5 and activity.cost_dkk == 4500, f"activity hours/cost {activity.hours}/{activity.cost_dkk}")

    # 4. Both sign the revision they read: the employee, then the manager -> agreed.
    read = call("get plan (employee)", get_plan, PlanOut, id=plan_id, client=employee)
    check(read.revision == plan.revision, f"revision read {read.revision} != {plan.revision}")
    plan = call("employee signs", sign_plan, PlanOut, status=201, id=plan_id, client=employee,
                body=SignatureIn.from_dict({**example("10-sign-plan--employee.json"), "revision": read.revision}))
    check(plan.status == PlanStatus.DRAFT, f"after one signature the plan is {plan.status}")
    check([s.party for s in plan.signatures] == ["employee"], f"signatures {[s.party for s in plan.signatures]}")
    plan = call("manager signs", sign_plan, PlanOut, status=201, id=plan_id, client=manager,
                body=SignatureIn.from_dict({**example("11-sign-plan--manager.json"), "revision": plan.revision}))
    check(plan.status == PlanStatus.AGREED, f"after both signatures the plan is {plan.status}, not agreed")
    check(plan.agreed_version == 1, f"agreed_version {plan.agreed_version!r}")
    check(all(s.content_hash == plan.content.content_hash for s in plan.signatures), "signature hashes differ from the content's")
    summary.append(f"plan {plan_id}: 1 goal, 1 activity, signed by {'+'.join(s.party for s in plan.signatures)} -> {plan.status}")

    versions = call("plan versions", list_plan_versions, ListResponseVersionOut, id=plan_id, client=employee)
    check(len(versions.items) == 1, f"{len(versions.items)} versions")

    # 5. The annual follow-up, held today, outcome continued.
    follow_up_data = example("12-record-follow-up.json")
    follow_up_data["held_on"] = today.isoformat()
    follow_up_data["progress"] = [{**p, "goal_id": str(goal.id)} for p in follow_up_data["progress"]]
    recorded = call("record follow-up", record_follow_up, FollowUpRecorded, status=201, id=plan_id,
                    client=manager, body=FollowUpIn.from_dict(follow_up_data))
    fu = recorded.follow_up
    check(fu.kind == FollowUpKind.ANNUAL and fu.outcome == FollowUpOutcome.CONTINUED, f"follow-up {fu.kind}/{fu.outcome}")
    check(fu.held_on == today, f"held_on {fu.held_on}")
    check(isinstance(fu.progress, list) and [p.goal_id for p in fu.progress] == [goal.id], "follow-up progress")
    check(recorded.plan.status == PlanStatus.AGREED, f"after a `continued` follow-up the plan is {recorded.plan.status}")

    # 6. The plan's follow-ups, as both parties (the generated client once failed on `kind`).
    for who, c in (("employee", employee), ("manager", manager)):
        listed = call(f"plan follow-ups ({who})", list_plan_follow_ups, ListResponseFollowUpOut, id=plan_id, client=c)
        check(len(listed.items) == 1, f"plan follow-ups ({who}): {len(listed.items)} items")
        item = listed.items[0]
        check(item.id == fu.id and item.kind == FollowUpKind.ANNUAL and item.outcome == FollowUpOutcome.CONTINUED,
              f"plan follow-ups ({who}): {item.to_dict()}")
    summary.append(f"follow-up {fu.id}: {fu.kind} held {fu.held_on}, {fu.outcome}; listed by both parties")

    # 7. The manager's work list, a year ahead: the next annual follow-up, a year after today.
    work = call("work list (manager)", list_follow_ups_due, ListResponseWorkItemOut, client=manager,
                window_days=366, kind=FollowUpKind.ANNUAL)
    mine = [w for w in work.items if w.employee.id == employee_id]
    check(len(mine) == 1, f"work list: {len(mine)} items for the employee: {work.to_dict()}")
    next_due = today + dateutil.relativedelta.relativedelta(months=12)
    check(mine[0].plan_id == plan_id and mine[0].kind == FollowUpKind.ANNUAL,
          f"work list item {mine[0].to_dict()}")
    slack = 1 if (today.month, today.day) == (2, 29) else 0  # twelve months after 29 February
    check(abs((mine[0].due_on - next_due).days) <= slack,
          f"work list: next annual follow-up due {mine[0].due_on}, expected {next_due}")
    summary.append(f"work list (manager): {len(work.items)} items; next annual for the employee {mine[0].due_on} ({mine[0].state})")

    # 8. The catalogue, as the employee, for their professional group.
    catalogue = call("catalogue", list_catalogue, ListResponseEntryOut, client=employee,
                     professional_group="pædagog", limit=100)
    by_id = {e.external_id: e for e in catalogue.items}
    check({"KURS-17", "UDD-04"} <= set(by_id), f"catalogue for pædagog: {sorted(map(str, by_id))}")
    check(by_id["KURS-17"].kind == CatalogueKind.COURSE, f"KURS-17 is {by_id['KURS-17'].kind}")
    check(by_id["UDD-04"].kind == CatalogueKind.EDUCATION, f"UDD-04 is {by_id['UDD-04'].kind}")
    check("KURS-31" not in by_id, "catalogue for pædagog lists KURS-31 (sosu only)")
    summary.append(f"catalogue (pædagog): {', '.join(f'{k}:{e.kind}' for k, e in sorted(by_id.items(), key=lambda kv: str(kv[0])))}")

    # 9. The unit's status figures as the local representative: anonymised.
    status = call("status (representative)", get_status, StatusOut, client=representative, unit_id=unit_id)
    check(status.anonymised is True, "a representative's figures are not anonymised")
    check(status.unit_id == unit_id, f"status of {status.unit_id}")
    figures = status.figures.additional_properties
    check(bool(figures), "status has no figures")
    hidden = sorted(k for k, v in figures.items() if v is None)
    # Pooled: a unit has every figure or, too small for its own, none (withheld).
    check(bool(hidden) == status.withheld, f"withheld={status.withheld} but {len(hidden)} figures null")
    check(isinstance(status.left_out, bool) and not (status.withheld and status.left_out),
          f"withheld={status.withheld}, left_out={status.left_out}")
    summary.append(f"status (representative): pooled, {len(figures)} figures, "
                   f"withheld={status.withheld}, left_out={status.left_out}, "
                   f"employees={figures.get('employees')}")

    # 10. The yearly conversation: HR publishes a preparation guide, the manager offers the
    #     interview, the employee prepares privately and shares, the manager reads the shared
    #     answers and drafts next year's plan from them.
    guide = call("create guide", create_preparation_guide, GuideOut, status=201, client=hr,
                 body=GuideIn.from_dict(example("13-create-preparation-guide.json")))
    published = call("publish guide", publish_preparation_guide_version, GuideVersionOut, id=guide.id, number=1,
                     client=hr)
    check(isinstance(published.published_at, datetime.datetime), f"guide not published: {published.to_dict()}")
    offered = call("offer interview", create_development_interview, InterviewOut, status=201, client=manager,
                   body=InterviewIn.from_dict({"year": today.year, "format": "individual", "offered_on": today.isoformat(),
                                               "participants": [{"employee_id": str(employee_id), "status": "offered"}]}))
    check(offered.guide_version_id == published.id, f"interview offered with {offered.guide_version_id!r}")
    sheet = call("preparation sheet (employee)", get_interview_preparation, PreparationSheet, id=offered.id,
                 client=employee)
    check(isinstance(sheet.guide, GuideVersionOut) and len(sheet.guide.questions) == 4, "the sheet shows the guide")
    prepared = call("prepare (employee)", write_my_interview_preparation, PreparationOut, status=201, id=offered.id,
                    client=employee, body=PreparationIn.from_dict(example("14-write-my-interview-preparation.json")))
    check(prepared.shared_at is None, "a new preparation is private")
    before = get_preparation.sync_detailed(id=prepared.id, client=manager)
    check(before.status_code == 404, f"the manager read private answers: HTTP {int(before.status_code)}")
    shared = call("share (employee)", share_my_interview_preparation, PreparationOut, id=offered.id, client=employee)
    check(isinstance(shared.shared_at, datetime.datetime), "shared_at not set")
    read = call("read shared answers (manager)", get_preparation, PreparationOut, id=prepared.id, client=manager)
    check([a.question for a in read.answers] == ["kompetencer", "maal", "trivsel", "kursus"], "answers read back")
    drafted = call("plan from interview", create_plan, PlanOut, status=201, client=manager,
                   body=PlanCreate.from_dict({"employee_id": str(employee_id), "title": "Udviklingsplan næste år",
                                              "starts_on": f"{today.year + 1}-01-01", "ends_on": f"{today.year + 1}-12-31",
                                              "development_interview_id": str(offered.id)}))
    proposed = [g.description for g in drafted.content.goals]
    check(proposed == [example("14-write-my-interview-preparation.json")["answers"][1]["text"]], f"proposed goals {proposed}")
    summary.append(f"preparation: guide {guide.id} v1 published; interview {offered.id} prepared, shared, "
                   f"read by the manager; plan {drafted.id} drafted with {len(proposed)} proposed goal")
    return summary


def main() -> int:
    try:
        summary = run()
    except SmokeFailure as e:
        print(f"smoke: FAILED: {e}", file=sys.stderr)
        return 1
    except Exception:
        traceback.print_exc()
        print("smoke: FAILED with an exception", file=sys.stderr)
        return 1
    for line in summary:
        print(f"  {line}")
    print("smoke: the flow passed through the generated client")
    return 0


if __name__ == "__main__":
    sys.exit(main())
