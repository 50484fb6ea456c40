"""Schemathesis hooks for devplan: one extra check that sharpens `positive_data_acceptance`.

`positive_data_acceptance` accepts 422 for schema-valid input, because devplan answers 422
for business rules no JSON Schema can state: a period that ends before it starts, a
reference to a unit or employee that does not exist, a date in the future, a review not
yet escalated, ... (README, "HTTP conventions"). Accepting every 422 would also hide the
other kind: a rule the document could state but does not (an empty or too long text, a
number out of range, a query value outside a closed set). This check fails a schema-valid
request answered 422 when any field error is of that kind, so the document is fixed (or
the server relaxed) instead.
"""

from __future__ import annotations

import json
from pathlib import Path

import schemathesis

# Field error codes of rules that depend on other fields, on stored state or on today's
# date: the only ones a schema-valid request may legitimately be refused for. The document
# publishes each field code's kind (`x-devplan-kinds` of the schema FieldCode), from the
# service's one table of codes.
_DOCUMENT = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"
_KINDS = json.loads(_DOCUMENT.read_text(encoding="utf-8"))["components"]["schemas"]["FieldCode"][
    "x-devplan-kinds"
]
BUSINESS_RULE_CODES = frozenset(code for code, kind in _KINDS.items() if kind == "business_rule")
if not BUSINESS_RULE_CODES:
    raise RuntimeError(f"{_DOCUMENT} lists no business-rule field codes")

# `required` is both "this text must not be blank" / "this property is missing" (a schema
# matter) and "required because of another field" (e.g. responsible_name when responsible
# is `other`, a business rule). The schema-level ones carry these messages.
SCHEMA_LEVEL_REQUIRED_MESSAGES = frozenset({"must not be empty", "is required"})


def _is_business_rule(error: object) -> bool:
    if not isinstance(error, dict):
        return False
    code = error.get("code")
    if code == "required":
        return error.get("message") not in SCHEMA_LEVEL_REQUIRED_MESSAGES
    return code in BUSINESS_RULE_CODES


@schemathesis.check
def devplan_422_only_for_business_rules(ctx, response, case):
    """A schema-valid request refused with 422 must be refused for a business rule only."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 422:
        return None
    try:
        problem = response.json()
    except Exception:  # noqa: BLE001 - any undecodable body is the finding itself
        raise AssertionError("422 without a JSON problem body") from None
    errors = problem.get("errors") if isinstance(problem, dict) else None
    if not isinstance(errors, list) or not errors:
        raise AssertionError("422 without `errors`, so it cannot be told from a schema rule")
    offending = [e for e in errors if not _is_business_rule(e)]
    if offending:
        listed = "; ".join(
            f"{e.get('field')}: {e.get('code')} ({e.get('message')})" if isinstance(e, dict) else repr(e)
            for e in offending
        )
        raise AssertionError(
            "Schema-valid request refused with 422 for a rule the OpenAPI document does not "
            f"state: {listed}"
        )
    return None
