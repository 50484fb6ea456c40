"""The report: one markdown table, memory, machine, data set, method."""

from __future__ import annotations

import statistics

from . import utility
from .scenarios import Bench, Row


def ms(v: float | None) -> str:
    if v is None:
        return "—"
    if v >= 1000:
        return f"{v / 1000:.2f} s"
    if v >= 100:
        return f"{v:.0f} ms"
    return f"{v:.1f} ms"


def rate(v: float | None) -> str:
    if v is None:
        return "—"
    return f"{v:,.0f}" if v >= 100 else f"{v:.1f}" if v >= 1 else f"{v:.2f}"


def mb(kb: int | None) -> str:
    return "—" if not kb else f"{kb / 1024:.0f} MB"


def errors(r: Row) -> str:
    s = f"{r.non2xx:,} / {r.s5xx:,}"
    if r.other_errors:
        s += f" (+{r.other_errors:,} socket errors/timeouts)"
    return s


def met(ok: bool | None) -> str:
    return "—" if ok is None else "met" if ok else "**not met**"


def utility_section(r: utility.Result) -> list[str]:
    """The utility scenario's goals, one row each, and the withheld units if there are any."""
    goal = utility.SHARE_GOAL
    out = ["", "## Utility: pooled status as representatives and committee members (issue 20, item 6)", "",
           f"Every local representative and {r.readers['committee']:,} sampled committee members (seed "
           f"{utility.SAMPLE_SEED}) ask `GET /api/v1/status?unit_id=` (this year) for each unit they are assigned "
           f"to: {r.requests:,} requests, {r.pairs:,} distinct (reader, unit) pairs, {r.units:,} units, "
           f"{utility.CONCURRENCY} concurrent, {r.seconds:.1f} s. k = {r.k} ({r.k_source}); true head-count: "
           f"the active employees in and below the unit"
           + (f" ({r.headcount_mismatches} units differ from the generator's)" if r.headcount_mismatches
              else " (the generator's, all equal)")
           + (f"; {r.small_units} answers about units of fewer than k people, not in the goals" if r.small_units
              else "") + ".", "",
           "| measure | value | goal | |", "| --- | ---: | ---: | --- |",
           f"| units of ≥ k people withheld | {len(r.withheld)} answers, {r.withheld_units} units | 0 | "
           f"{met(not r.withheld)} |"]
    labels = {"all": "people counted, all readers", "representative": "… as local representatives",
              "committee": "… as committee members"}
    for key, label in labels.items():
        sh = r.share[key]
        out.append(f"| {label} | {utility.pct(sh.value)} ({sh.counted:,} of {sh.people:,}) | ≥ {100 * goal:.0f} % | "
                   f"{met(None if sh.value is None else sh.value >= goal)} |")
    if r.lowest:
        low, ask, n = r.lowest
        out.append(f"| lowest share in one answer | {utility.pct(low)} of {ask.unit_ext} ({n:,} people), asked by "
                   f"{ask.reader} as {ask.kind} | — | |")
    bad = {s: n for s, n in r.statuses.items() if s != 200}
    out.append(f"| answers other than 200 (not in the share) | {sum(bad.values())}"
               f"{' ' + str(bad) if bad else ''} | 0 | {met(not bad)} |")
    out.append(f"| latency p50 / p99 | {ms(r.p50_ms)} / {ms(r.p99_ms)} | — | |")
    if r.thresholds_seen and r.thresholds_seen != [r.k]:
        out.append(f"\nThe answers applied thresholds {r.thresholds_seen}, not only k = {r.k}.")
    if r.withheld:
        out.append(f"\nWithheld units of ≥ k people (first {min(10, len(r.withheld))} of {len(r.withheld)}):\n")
        for x in r.withheld[:10]:
            out.append(f"- {x.unit_ext} {x.unit_name} ({x.people:,} people), asked by {x.reader} as {x.kind}")
    return out


def render(scale, info: dict, bench: Bench, load, mem: dict, elapsed: float, args, work) -> str:
    out: list[str] = []
    w = out.append
    w(f"# devplan benchmark: `--scale {scale.name}`\n")
    w(f"Command: `bench/run --scale {scale.name} --database-url {args.database_url}"
      f"{' --skip-load' if args.skip_load else ''}{' --binary ' + args.binary if args.binary else ''}"
      f"{' --only ' + args.only if args.only else ''}` — "
      f"{elapsed / 60:.1f} min end to end. wrk: {scale.connections} connections, {scale.threads} threads, "
      f"{scale.duration_s} s per scenario; pgbench: `-c {scale.connections} -j {scale.threads} -T {scale.pgbench_s}`.\n")
    w("| scenario | req/s | p50 | p99 | errors: non-2xx / 5xx | statements per request | bound | ratio to bound | max RSS |")
    w("| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |")
    for r in bench.rows:
        w(f"| {r.name} | {rate(r.rps)} | {ms(r.p50_ms)} | {ms(r.p99_ms)} | {errors(r)} | {r.statements} | "
          f"{r.bound} | {r.ratio} | {mb(r.rss_max_kb)} |")
    if load and "employees" in load.syncs:
        s = load.syncs["employees"]
        calls = s.calls
        w(f"| bulk sync of {s.rows:,} employees into an empty database ({len(calls)} call"
          f"{'s' if len(calls) != 1 else ''} of ≤ 50,000): **{s.total:.1f} s**, {s.rows / s.total:,.0f} rows/s | — | "
          f"{ms(statistics.median(calls) * 1000)} per call | {ms(max(calls) * 1000)} slowest call | "
          f"{sum(1 for x in s.statuses if x != 200)} / {sum(1 for x in s.statuses if x >= 500)} | — | target ≤ 60 s | "
          f"{s.total / 60:.2f} of 60 s | {mb(s.rss_max_kb)} |")
    w("")
    restart = "" if args.only else "the service restarts after the SQL capture; "  # --only skips the capture
    w(f"- **Peak RSS of the service**: VmHWM {mb(mem.get('VmHWM'))} over the scenarios ({restart}"
      f"max RSS per scenario is VmRSS sampled every 100 ms)"
      + (f"; VmHWM {mb(load.hwm_kb)} over the load (syncs, template plans)." if load else "."))
    w(f"- **HTTP bound**: `GET /healthz` of the same binary in the same run. **Database bound**: the exact SQL of one "
      f"request (captured from the PostgreSQL log, parameters bound) replayed by pgbench at the same concurrency, "
      f"right after the scenario; read-only scenarios only. Where there is no database bound the ratio is to the "
      f"HTTP bound. Statements per request count everything but BEGIN/COMMIT (shown as `+n txn`); "
      f"`(first: n)` is the first request on a fresh service when it differs.")
    notes = [r for r in bench.rows if r.note]
    if notes:
        w("- Notes:")
        for r in notes:
            w(f"  - {r.key}: {r.note}")
    if bench.utility:
        out.extend(utility_section(bench.utility))
    w("")
    w("## Machine\n")
    for k, v in info.items():
        w(f"- {k}: {v}")
    if load:
        w("\n## Data set and load\n")
        w(f"Loaded in {load.seconds / 60:.1f} min. Through the HR sync endpoints (each a timed call):\n")
        w("| sync | rows | calls | total | slowest call | max RSS | result |")
        w("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
        for k, s in load.syncs.items():
            tot = {key: sum(r.get(key, 0) for r in s.results) for key in ("created", "updated", "unchanged")}
            w(f"| {k} | {s.rows:,} | {len(s.calls)} | {s.total:.1f} s | {max(s.calls):.1f} s | {mb(s.rss_max_kb)} "
              f"| {tot} |")
        if load.plans:
            p = load.plans
            w(f"\nDirectly with COPY (set-up): {p.plans:,} plans {p.by_status}, {p.versions:,} agreed versions, "
              f"{p.follow_ups:,} follow-ups, {p.goals:,} goals, {p.activities:,} activities, in {p.seconds:.1f} s; "
              f"projections: {load.reproject}. {load.verified} loaded plans of every kind/status/version read back "
              f"through `GET /api/v1/plans/{{id}}` (200, same content).\n")
        w("| table | rows |")
        w("| --- | ---: |")
        for k, v in load.counts.items():
            w(f"| {k} | {v:,} |")
    c = bench.cat
    w(f"\nScenario subjects: largest municipality {c.big_muni.name} ({c.big_muni.count:,} people); area "
      f"{c.area.name} ({c.area.count:,}); top unit {c.root.name} ({c.root.count:,}). Work files (Lua scripts, "
      f"captured SQL, pgbench scripts, wrk/pgbench output, service log): `{work}`.")
    return "\n".join(out) + "\n"
