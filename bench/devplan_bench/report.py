"""The report: one markdown table, memory, machine, data set, method."""

from __future__ import annotations

import statistics

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


def render(scale, info: dict, bench: Bench, load, mem: dict, elapsed: float, args, work) -> str:
    out: list[str] = []
    w = out.append
    w(f"# devplan benchmark: `--scale {scale.name}`\n")
    w(f"Command: `bench/run --scale {scale.name} --database-url {args.database_url}"
      f"{' --skip-load' if args.skip_load else ''}{' --binary ' + args.binary if args.binary else ''}` — "
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
    w(f"- **Peak RSS of the service**: VmHWM {mb(mem.get('VmHWM'))} over the scenarios (the service restarts after "
      f"the SQL capture; max RSS per scenario is VmRSS sampled every 100 ms)"
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
    w("")
    w("## Machine\n")
    for k, v in info.items():
        w(f"- {k}: {v}")
    if load:
        w("\n## Data set and load\n")
        w(f"Loaded in {load.seconds / 60:.1f} min. Through the HR sync endpoints (each a timed call):\n")
        w("| sync | rows | calls | total | slowest call | result |")
        w("| --- | ---: | ---: | ---: | ---: | --- |")
        for k, s in load.syncs.items():
            tot = {key: sum(r.get(key, 0) for r in s.results) for key in ("created", "updated", "unchanged")}
            w(f"| {k} | {s.rows:,} | {len(s.calls)} | {s.total:.1f} s | {max(s.calls):.1f} s | {tot} |")
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
