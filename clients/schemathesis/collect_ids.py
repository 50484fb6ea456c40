"""Writes the ids of a freshly started devplan demo as Schemathesis dictionaries.

    python collect_ids.py BASE_URL HR_TOKEN MANAGER_TOKEN OUT_DIR

Each file OUT_DIR/<name>.txt holds one quoted id a line (libFuzzer dictionary format), for
`schemathesis.toml` to draw path and body ids from, so that generated requests reach real
units, employees, committees, periods, guides, interviews and plans rather than only random UUIDs (404).
Only stdlib; talks to BASE_URL (loopback) only.
"""

from __future__ import annotations

import json
import sys
import urllib.request
from pathlib import Path


def get(base: str, token: str, path: str) -> dict:
    request = urllib.request.Request(
        base + path, headers={"Authorization": f"Bearer {token}", "Accept": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback URL
        return json.load(response)


def main() -> int:
    base, hr, manager, out = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3], Path(sys.argv[4])
    out.mkdir(parents=True, exist_ok=True)
    ids: dict[str, list[str]] = {
        "units": [u["id"] for u in get(base, hr, "/api/v1/org-units?limit=500")["items"]],
        "employees": [e["id"] for e in get(base, hr, "/api/v1/employees?limit=500")["items"]],
        "committees": [c["id"] for c in get(base, hr, "/api/v1/committees?limit=500")["items"]],
        "periods": [p["id"] for p in get(base, hr, "/api/v1/agreement-periods")["items"]],
    }
    ids["guides"] = [g["id"] for g in get(base, hr, "/api/v1/preparation-guides?limit=500")["items"]]
    ids["interviews"] = [i["id"] for i in get(base, manager, "/api/v1/development-interviews?limit=500")["items"]]
    plans = get(base, manager, "/api/v1/plans?limit=500")["items"]
    ids["plans"] = [p["id"] for p in plans]
    ids["plan_goals"] = [g["id"] for p in plans for g in p["content"]["goals"]]
    ids["plan_activities"] = [a["id"] for p in plans for a in p["content"]["activities"]]
    ids["plan_points"] = [o["id"] for p in plans for o in p["content"]["open_points"]]
    for name, values in ids.items():
        if not values:
            print(f"collect_ids: the demo has no {name}", file=sys.stderr)
            return 1
        (out / f"{name}.txt").write_text("".join(f'"{v}"\n' for v in values), encoding="utf-8")
    print("collect_ids: " + ", ".join(f"{len(v)} {k}" for k, v in ids.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
