"""The scenarios: wrk at 64 connections for throughput, single-connection timings for the
expensive status requests, a 64-request status burst with /healthz polled alongside."""

from __future__ import annotations

import json
import random
import statistics
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import bounds, orggen, slow, utility, wrk
from .catalog import Catalog, UnitInfo
from .http import Client
from .jwt import Minter
from .pg import Db
from .scale import Scale
from .service import RssSampler, Service

MGR = ["employee", "manager"]
EMP = ["employee"]
HR = ["hr"]
REP = ["employee", "local_representative"]


@dataclass
class Row:
    key: str
    name: str
    rps: float | None = None
    p50_ms: float | None = None
    p99_ms: float | None = None
    requests: int = 0
    non2xx: int = 0
    s5xx: int = 0
    other_errors: int = 0  # socket errors and timeouts
    statements: str = "—"
    bound: str = "—"
    ratio: str = "—"
    rss_max_kb: int = 0
    note: str = ""
    detail: dict = field(default_factory=dict)


@dataclass
class Probe:
    """One request whose SQL is captured; `prepare` runs first (not captured)."""

    key: str
    method: str
    path: str
    token: str
    body: dict | None = None
    if_match_from: str | None = None  # GET this path first and send its ETag as If-Match
    warm: bool = True  # issue once uncaptured first, capture the second


@dataclass
class Plan:
    id: str
    goal: str
    emp_ext: str
    mgr_ext: str


class Bench:
    def __init__(self, db: Db, svc: Service, minter: Minter, scale: Scale, cat: Catalog, work: Path,
                 reads: list[tuple[str, str]], drafts: list[Plan], pg_log: Path | None):
        self.db, self.svc, self.minter, self.scale, self.cat, self.work = db, svc, minter, scale, cat, work
        self.reads, self.drafts = reads, drafts
        self.pg_log = pg_log
        self.captures: dict[str, bounds.Capture] = {}
        self.cold: dict[str, bounds.Capture] = {}
        self.http_bound: float | None = None
        self.rows: list[Row] = []
        n = scale.connections * 2
        self.probe_plans = drafts[:4]
        self.edit_plans = drafts[4:4 + n]
        self.cycle_plans = drafts[4 + n:4 + 2 * n]
        self.mix_plans = drafts[4 + 2 * n:4 + 6 * n]
        self.hr = minter.token("bench-hr", HR)
        self.utility: utility.Result | None = None
        self.slow: slow.Result | None = None

    # -- helpers -----------------------------------------------------------------------------

    def tok(self, ext: str, roles=MGR) -> str:
        return self.minter.token(ext, roles)

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.svc.port}"

    def status_path(self, unit: UnitInfo) -> str:
        return f"/api/v1/status?unit_id={unit.id}"

    def req_me(self) -> list[wrk.Req]:
        return [wrk.Req("GET", "/api/v1/me", self.tok(m)) for m in self.cat.managers[:20_000]]

    def req_plan_read(self) -> list[wrk.Req]:
        return [wrk.Req("GET", f"/api/v1/plans/{pid}", self.tok(ext, EMP)) for pid, ext in self.reads]

    def req_plan_list(self) -> list[wrk.Req]:
        return [wrk.Req("GET", "/api/v1/plans?limit=50", self.tok(m)) for m in self.cat.area_managers]

    def req_worklist(self) -> list[wrk.Req]:
        return [wrk.Req("GET", "/api/v1/follow-ups?window_days=30", self.tok(m)) for m in self.cat.dept_managers]

    def req_tasks(self) -> list[wrk.Req]:
        return [wrk.Req("GET", "/api/v1/me/tasks?limit=50", self.tok(m)) for m in self.cat.area_managers]

    def req_org_units_rep(self) -> list[wrk.Req]:
        return [wrk.Req("GET", "/api/v1/org-units?limit=500", self.tok(r, REP)) for r in self.cat.area_reps]

    def muni_rep(self) -> str | None:
        """A local representative whose reach is the whole largest municipality, if any."""
        c = self.cat
        return c.representatives.get(c.big_muni.id) or c.representatives.get(c.root.id)

    def check_rep(self, path: str, token: str, pooled_status: bool) -> None:
        """Set-up check, not timed: the representative gets 200 and, for status, the pooled view."""
        client = Client("127.0.0.1", self.svc.port, timeout=self.scale.burst_timeout_s)
        try:
            r = client.get(path, token)
        finally:
            client.close()
        if r.status != 200 or (pooled_status and (r.json() or {}).get("anonymised") is not True):
            raise RuntimeError(f"{path} as a local representative: expected 200"
                               f"{' with anonymised = true' if pooled_status else ''}, got {r.status}: "
                               f"{r.body[:300]!r}")

    def area_of(self, u: UnitInfo) -> str | None:
        """The id of the area (depth 2) `u` is in, if any."""
        x: UnitInfo | None = u
        while x is not None and x.depth > 2:
            x = self.cat.units.get(x.parent) if x.parent else None
        return x.id if x is not None and x.depth == 2 else None

    def req_status50(self) -> list[wrk.Req]:
        return [wrk.Req("GET", self.status_path(u), self.tok(u.manager_ext)) for u in self.cat.fifty]

    def feed_cursors(self, n: int = 2_000) -> list[int]:
        """Cursors spread over the whole change feed, in a fixed order."""
        top = int(self.db.scalar("SELECT coalesce(max(seq), 0) FROM events") or 0)
        rnd = random.Random(9)
        return [rnd.randrange(0, max(top, 1)) for _ in range(n)]

    def req_feed_hr(self) -> list[wrk.Req]:
        return [wrk.Req("GET", f"/api/v1/events?after={c}&limit=500", self.hr) for c in self.feed_cursors()]

    def req_feed_mgr(self) -> list[wrk.Req]:
        return [wrk.Req("GET", "/api/v1/events?limit=100", self.tok(m)) for m in self.cat.dept_managers]

    def plan_tuples(self, plans: list[Plan]) -> list[tuple[str, str, str, str]]:
        return [(f"/api/v1/plans/{p.id}", f"/api/v1/plans/{p.id}/goals/{p.goal}", self.tok(p.emp_ext, EMP),
                 self.tok(p.mgr_ext)) for p in plans]

    # -- SQL capture ---------------------------------------------------------------------------

    def probes(self) -> list[Probe]:
        c = self.cat
        pid, ext = self.reads[0]
        out = [
            Probe("healthz", "GET", "/healthz", ""),
            Probe("me", "GET", "/api/v1/me", self.tok(c.managers[0])),
            Probe("plan_read", "GET", f"/api/v1/plans/{pid}", self.tok(ext, EMP)),
            Probe("plan_list", "GET", "/api/v1/plans?limit=50", self.tok(c.area_managers[0])),
            Probe("worklist", "GET", "/api/v1/follow-ups?window_days=30", self.tok(c.dept_managers[0])),
            Probe("tasks", "GET", "/api/v1/me/tasks?limit=50", self.tok(c.area_managers[0])),
            Probe("status50", "GET", self.status_path(c.fifty[0]), self.tok(c.fifty[0].manager_ext)),
            Probe("status_area", "GET", self.status_path(c.area), self.hr, warm=False),
            Probe("status_muni", "GET", self.status_path(c.big_muni), self.hr, warm=False),
            Probe("status_all", "GET", self.status_path(c.root), self.hr, warm=False),
            Probe("status_area_rep", "GET", self.status_path(c.area), self.tok(c.representatives[c.area.id], REP),
                  warm=False),
            Probe("feed_hr", "GET", f"/api/v1/events?after={self.feed_cursors(1)[0]}&limit=500", self.hr),
            Probe("feed_mgr", "GET", "/api/v1/events?limit=100", self.tok(c.dept_managers[0])),
            Probe("org_units_rep", "GET", "/api/v1/org-units?limit=500", self.tok(c.area_reps[0], REP)),
        ]
        if self.muni_rep():
            out.append(Probe("status_muni_rep", "GET", self.status_path(c.big_muni), self.tok(self.muni_rep(), REP),
                             warm=False))
        if self.probe_plans:
            p = self.probe_plans[0]
            out.append(Probe("goal_patch", "PATCH", f"/api/v1/plans/{p.id}/goals/{p.goal}", self.tok(p.emp_ext, EMP),
                             {"description": "Maal redigeret (probe)"}, if_match_from=f"/api/v1/plans/{p.id}"))
        if len(self.probe_plans) > 1:
            p = self.probe_plans[1]
            # employee signs (captured cold: the plan is then signed), a second plan warms up
            out.append(Probe("sign", "POST", f"/api/v1/plans/{p.id}/signatures", self.tok(p.emp_ext, EMP),
                             {"revision": None}, if_match_from=f"/api/v1/plans/{p.id}", warm=False))
        return out

    def capture_sql(self) -> None:
        if self.pg_log is None:
            return
        cap = bounds.LogCapture(self.db, self.pg_log)
        cap.enable()
        try:
            self.svc.restart()
            client = Client("127.0.0.1", self.svc.port, timeout=max(600, self.scale.burst_timeout_s))
            if self.probe_plans[2:]:  # warm the write path once on a spare plan
                p = self.probe_plans[2]
                r = client.get(f"/api/v1/plans/{p.id}", self.tok(p.emp_ext, EMP))
                client.request("PATCH", f"/api/v1/plans/{p.id}/goals/{p.goal}", self.tok(p.emp_ext, EMP),
                               {"description": "Maal (opvarmning)"}, headers={"If-Match": r.etag or "*"})
            for pr in self.probes():
                def once() -> bounds.Capture:
                    headers, body = {}, pr.body
                    if body and "description" in body:  # a real change each time
                        body = dict(body, description=f"{body['description']} {time.monotonic_ns()}")
                    if pr.if_match_from:
                        g = client.get(pr.if_match_from, pr.token)
                        headers["If-Match"] = g.etag or "*"
                        if body and "revision" in body:
                            body = dict(body, revision=g.json()["revision"])
                    off = cap.offset()
                    client.request(pr.method, pr.path, pr.token or None, body, headers=headers)
                    return cap.read_since(off)

                first = once()
                self.cold[pr.key] = first
                self.captures[pr.key] = once() if pr.warm else first
        finally:
            cap.disable()
            self.svc.restart()

    def statements(self, key: str) -> str:
        c = self.captures.get(key)
        if c is None:
            return "—"
        s = f"{c.count}"
        if c.txn_count:
            s += f" +{c.txn_count} txn"
        cold = self.cold.get(key)
        if cold is not None and cold is not c and cold.count != c.count:
            s += f" (first: {cold.count})"
        return s

    def db_bound(self, key: str) -> float | None:
        c = self.captures.get(key)
        if c is None or not c.statements or c.writes or c.errors:
            return None
        script = self.work / f"pgbench-{key}.sql"
        bounds.pgbench_script(c, script)
        return bounds.pgbench(self.db, script, self.scale.connections, self.scale.threads, self.scale.pgbench_s,
                              log=self.work / "pgbench.log")

    # -- runners -----------------------------------------------------------------------------

    def run_wrk(self, key: str, name: str, script: Path, bound_key: str | None = None,
                duration: int | None = None, db_bound: bool = True) -> Row:
        with RssSampler(self.svc.pid) as rss:
            res = wrk.run(f"http://{self.host}", script, duration or self.scale.duration_s, self.scale.connections,
                          self.scale.threads, timeout_s=30, log=self.work / "wrk.log")
        row = Row(key, name, res.rps, res.p50_ms, res.p99_ms, res.requests, res.non2xx, res.s5xx,
                  res.socket_errors + res.timeouts, rss_max_kb=rss.max_kb, detail=res.raw)
        if res.s409 or res.s412:
            row.note = f"409: {res.s409}, 412: {res.s412}"
        row.statements = self.statements(bound_key or key)
        tps = self.db_bound(bound_key or key) if db_bound else None
        if tps:
            row.bound = f"SQL in pgbench: {tps:,.0f} tps"
            row.ratio = f"{res.rps / tps:.2f}"
        elif self.http_bound and key != "healthz":
            row.bound = "HTTP bound"
            row.ratio = f"{res.rps / self.http_bound:.3f}"
        self.rows.append(row)
        return row

    def alone(self, key: str, name: str, path: str, token: str) -> Row:
        client = Client("127.0.0.1", self.svc.port, timeout=self.scale.burst_timeout_s)
        lat, statuses = [], []
        deadline = time.monotonic() + self.scale.alone_cap_s
        with RssSampler(self.svc.pid) as rss:
            for _ in range(self.scale.alone_requests):
                try:
                    r = client.get(path, token)
                    lat.append(r.seconds)
                    statuses.append(r.status)
                except OSError as e:
                    statuses.append(0)
                    client.close()
                    lat.append(self.scale.burst_timeout_s)
                    print(f"  {key}: {e}")
                if time.monotonic() > deadline:
                    break
        client.close()
        lat_ms = sorted(x * 1000 for x in lat)
        row = Row(key, name, rps=len(lat) / sum(lat) if sum(lat) else None, p50_ms=statistics.median(lat_ms),
                  p99_ms=lat_ms[-1], requests=len(lat), non2xx=sum(1 for s in statuses if not 200 <= s < 300),
                  s5xx=sum(1 for s in statuses if s >= 500), other_errors=sum(1 for s in statuses if s == 0),
                  rss_max_kb=rss.max_kb, statements=self.statements(key))
        row.note = f"{len(lat)} sequential requests, 1 connection; p99 column = slowest"
        self.rows.append(row)
        return row

    def burst(self, key: str, name: str, path: str, token: str, n: int = 64) -> Row:
        results: list[tuple[int, float]] = []
        health: list[tuple[int, float]] = []
        lock = threading.Lock()
        stop = threading.Event()
        timeout = self.scale.burst_timeout_s

        def one() -> None:
            c = Client("127.0.0.1", self.svc.port, timeout=timeout)
            t0 = time.perf_counter()
            try:
                r = c.get(path, token)
                out = (r.status, r.seconds)
            except OSError:
                out = (0, time.perf_counter() - t0)
            c.close()
            with lock:
                results.append(out)

        def poll() -> None:
            while not stop.is_set():
                c = Client("127.0.0.1", self.svc.port, timeout=2)
                t0 = time.perf_counter()
                try:
                    r = c.get("/healthz")
                    h = (r.status, r.seconds)
                except OSError:
                    h = (0, time.perf_counter() - t0)
                c.close()
                health.append(h)
                stop.wait(0.05)

        poller = threading.Thread(target=poll, daemon=True)
        workers = [threading.Thread(target=one, daemon=True) for _ in range(n)]
        t0 = time.monotonic()
        with RssSampler(self.svc.pid) as rss:
            poller.start()
            for w in workers:
                w.start()
            for w in workers:
                w.join(timeout + 30)
            stop.set()
            poller.join(10)
        wall = time.monotonic() - t0
        lat = sorted(s * 1000 for _, s in results)
        hl = sorted(s * 1000 for st, s in health if st == 200)
        h_fail = sum(1 for st, _ in health if st != 200)
        codes: dict[int, int] = {}
        for st, _ in results:
            codes[st] = codes.get(st, 0) + 1
        row = Row(key, name, rps=len(results) / wall if wall else None, p50_ms=statistics.median(lat) if lat else None,
                  p99_ms=lat[-1] if lat else None, requests=len(results),
                  non2xx=sum(v for k, v in codes.items() if not 200 <= k < 300),
                  s5xx=sum(v for k, v in codes.items() if k >= 500),
                  other_errors=codes.get(0, 0), rss_max_kb=rss.max_kb, statements=self.statements("status_muni"))
        hp99 = hl[max(0, int(len(hl) * 0.99) - 1)] if hl else None
        row.note = (f"{n} concurrent; statuses {json.dumps({str(k): v for k, v in sorted(codes.items())})}; "
                    f"wall {wall:.1f} s; /healthz every 50 ms: {len(health)} polls, "
                    f"{'answered' if hl and not h_fail else 'NOT always answered'} "
                    f"({h_fail} failed/timed out at 2 s), p99 {hp99:.1f} ms" if hp99 is not None else
                    f"{n} concurrent; statuses {codes}; /healthz never answered")
        row.detail = {"codes": codes, "health_polls": len(health), "health_failed": h_fail, "health_p99_ms": hp99}
        self.rows.append(row)
        return row

    # -- the list ----------------------------------------------------------------------------

    def run_all(self) -> None:
        c, w = self.cat, self.work
        s = w / "healthz.lua"
        wrk.write_rotate(s, [wrk.Req("GET", "/healthz", "none")], self.host)
        r = self.run_wrk("healthz", "`GET /healthz` (HTTP bound)", s, db_bound=False)
        self.http_bound = r.rps
        r.bound, r.ratio = "—", "1"

        wrk.write_rotate(w / "me.lua", self.req_me(), self.host)
        self.run_wrk("me", f"`GET /api/v1/me` as a manager ({min(len(c.managers), 20000):,} managers)", w / "me.lua")

        wrk.write_rotate(w / "plan_read.lua", self.req_plan_read(), self.host)
        self.run_wrk("plan_read", f"`GET /api/v1/plans/{{id}}` as its employee ({len(self.reads):,} plans)",
                     w / "plan_read.lua")

        area_sizes = sorted(u.count for u in c.units.values() if u.depth == 2)
        wrk.write_rotate(w / "plan_list.lua", self.req_plan_list(), self.host)
        self.run_wrk("plan_list", f"manager's plan list `GET /api/v1/plans?limit=50` ({len(c.area_managers)} area "
                     f"managers, median area {statistics.median(area_sizes):,.0f} people)", w / "plan_list.lua")

        dept_sizes = sorted(u.count for u in c.units.values() if u.depth == 3)
        wrk.write_rotate(w / "worklist.lua", self.req_worklist(), self.host)
        self.run_wrk("worklist", f"manager's work list `GET /api/v1/follow-ups?window_days=30` "
                     f"({len(c.dept_managers)} department managers, median {statistics.median(dept_sizes):,.0f} people)",
                     w / "worklist.lua")

        wrk.write_rotate(w / "tasks.lua", self.req_tasks(), self.host)
        self.run_wrk("tasks", f"what waits for a manager `GET /api/v1/me/tasks?limit=50` ({len(c.area_managers)} area "
                     f"managers, median area {statistics.median(area_sizes):,.0f} people)", w / "tasks.lua")

        if self.edit_plans:
            wrk.write_plan_writes(w / "goal_patch.lua", self.plan_tuples(self.edit_plans), "edit", self.scale.threads)
            self.run_wrk("goal_patch", f"goal `PATCH` with `If-Match` ({len(self.edit_plans)} draft plans, "
                         "none shared between connections)", w / "goal_patch.lua")
        if self.cycle_plans:
            wrk.write_plan_writes(w / "sign_edit.lua", self.plan_tuples(self.cycle_plans), "cycle", self.scale.threads)
            self.run_wrk("sign_edit", f"signing and editing: edit → employee signs → manager signs → edit (new "
                         f"version) … ({len(self.cycle_plans)} plans)", w / "sign_edit.lua", bound_key="sign")

        wrk.write_rotate(w / "status50.lua", self.req_status50(), self.host)
        sizes = sorted(u.count for u in c.fifty)
        self.run_wrk("status50", f"status of a ~50-person unit as its manager ({len(c.fifty)} units of "
                     f"{sizes[0]}–{sizes[-1]} people)", w / "status50.lua")

        events = int(self.db.scalar("SELECT count(*) FROM events") or 0)
        wrk.write_rotate(w / "feed_hr.lua", self.req_feed_hr(), self.host)
        self.run_wrk("feed_hr", f"change feed as HR: 500 events with their data after a random cursor "
                     f"(`GET /api/v1/events?after=…&limit=500`, {events:,} events)", w / "feed_hr.lua")
        wrk.write_rotate(w / "feed_mgr.lua", self.req_feed_mgr(), self.host)
        self.run_wrk("feed_mgr", f"change feed as a department manager from the start, filtered by reach "
                     f"(`GET /api/v1/events?limit=100`, {len(c.dept_managers)} managers)", w / "feed_mgr.lua")

        self.alone("status_area", f"status of an area ({c.area.count:,} people) as HR, alone",
                   self.status_path(c.area), self.hr)
        self.alone("status_muni", f"status of the largest municipality ({c.big_muni.count:,} people) as HR, alone",
                   self.status_path(c.big_muni), self.hr)
        self.alone("status_all", f"status of all {c.root.count:,} employees (the single top unit) as HR, alone",
                   self.status_path(c.root), self.hr)

        # Pooled paths: representatives read status and head-counts cut into blocks of >= k people.
        path, token = self.status_path(c.area), self.tok(c.representatives[c.area.id], REP)
        self.check_rep(path, token, pooled_status=True)
        self.alone("status_area_rep", f"status of an area ({c.area.count:,} people) as its local representative "
                   f"(pooled), alone", path, token)
        if self.muni_rep():
            path, token = self.status_path(c.big_muni), self.tok(self.muni_rep(), REP)
            self.check_rep(path, token, pooled_status=True)
            self.alone("status_muni_rep", f"status of the largest municipality ({c.big_muni.count:,} people) as a "
                       f"representative (pooled), alone", path, token)
        else:
            print("  status_muni_rep: skipped, no local representative reaches a whole municipality")
        self.check_rep("/api/v1/org-units?limit=500", self.tok(c.area_reps[0], REP), pooled_status=False)
        per_area: dict[str, int] = {}
        for u in c.units.values():
            a = self.area_of(u)
            if a is not None and a in c.representatives:
                per_area[a] = per_area.get(a, 0) + 1
        area_units = sorted(per_area.values()) or [0]
        wrk.write_rotate(w / "org_units_rep.lua", self.req_org_units_rep(), self.host)
        self.run_wrk("org_units_rep", f"org-units list `GET /api/v1/org-units?limit=500` as a local representative "
                     f"(pooled head-counts; {len(c.area_reps)} area representatives, median "
                     f"{statistics.median(area_units):,.0f} units in reach)", w / "org_units_rep.lua")
        self.run_utility()
        self.burst("status_burst", f"burst: 64 concurrent status requests for the {c.big_muni.count:,}-person "
                   f"municipality, `/healthz` polled meanwhile", self.status_path(c.big_muni), self.hr)

        pools: list[tuple[float, list[wrk.Req]]] = [
            (55, self.req_plan_read()), (15, self.req_me()), (8, self.req_plan_list()), (7, self.req_worklist()),
            (2, self.req_status50()),
        ]
        if self.mix_plans:
            pools.append((10, [wrk.Req("PATCH", f"/api/v1/plans/{p.id}/goals/{p.goal}", self.tok(p.emp_ext, EMP),
                                       json.dumps({"description": f"Maal (mix {i})"}))
                               for i, p in enumerate(self.mix_plans)]))
        wrk.write_mix(w / "mix.lua", pools, self.host)
        total = sum(p[0] for p in pools)
        names = ["plan reads", "me", "plan lists", "work lists", "status of ~50", "goal edits (no If-Match)"]
        parts = ", ".join(f"{100 * p[0] / total:.0f} % {nm}" for p, nm in zip(pools, names))
        self.run_wrk("mix", f"realistic mix: {parts}", w / "mix.lua", bound_key="mix", db_bound=False)
        self.run_slow()

    def run_utility(self) -> Row:
        """Issue 20, item 6: each local representative and 500 committee members ask for the status
        of each unit they are assigned to; no unit of k people withheld, >= 97 % of its people counted."""
        org = orggen.build_org(self.scale)  # the same seed as the load: who represents what, committees
        by_ext = {u.ext: u for u in self.cat.units.values()}
        asks = [a for a in utility.asks(org) if a.unit_ext in by_ext]
        people, mismatches = utility.true_headcounts(org, self.cat, {a.unit_ext for a in asks})
        del org  # national: the generated organisation is large and no longer needed
        if mismatches:
            print(f"  utility: {mismatches} units' generated head-counts differ from the database's; "
                  f"the database's are used")
        client = Client("127.0.0.1", self.svc.port, timeout=30)
        try:
            k, k_source = utility.threshold(client, self.hr)
        finally:
            client.close()
        t0 = time.monotonic()
        with RssSampler(self.svc.pid) as rss:
            answers = utility.ask_all(asks, {ext: u.id for ext, u in by_ext.items()}, self.svc.port, self.minter,
                                      timeout=self.scale.burst_timeout_s)
        res = utility.summarise(answers, people, {ext: u.name for ext, u in by_ext.items()}, k, k_source,
                                mismatches, time.monotonic() - t0)
        self.utility = res
        codes = res.statuses
        row = Row("utility", f"utility: status of each assigned unit as {res.readers['representative']:,} local "
                  f"representatives and {res.readers['committee']:,} committee members (pooled, "
                  f"{utility.CONCURRENCY} concurrent)",
                  rps=res.requests / res.seconds if res.seconds else None, p50_ms=res.p50_ms, p99_ms=res.p99_ms,
                  requests=res.requests, non2xx=sum(v for s, v in codes.items() if not 200 <= s < 300),
                  s5xx=sum(v for s, v in codes.items() if s >= 500), other_errors=codes.get(0, 0),
                  rss_max_kb=rss.max_kb, note=utility.summary(res))
        self.rows.append(row)
        return row

    def run_slow(self) -> Row:
        """Issue 21, items 1 and 8: after a load of slow requests stops and its clients are gone, the
        service has no statement running in PostgreSQL past the ordinary limit + 1 s. `plans` is held
        locked by another session, so the managers' plan lists block at any scale until the
        service's statement_timeout cancels them."""
        reqs = [(r.path, r.token) for r in self.req_plan_list()]
        with RssSampler(self.svc.pid) as rss:
            res = slow.run(self.db, self.svc.port, reqs, self.svc.env(), self.work)
        self.slow = res
        ld = res.load
        answered = [o for o in ld.outcomes if o.kind == "answered"]
        lat = res.latencies_ms
        if not res.exercised:
            verdict = "not measured"
        else:
            verdict = "not idle" if res.idle_after_s is None else f"idle after {res.idle_after_s:.1f} s"
            verdict += ": met" if res.met else ": **not met**"
        print(f"  slow: {slow.summary(res)}")
        row = Row("slow", f"slow requests: `GET /api/v1/plans?limit=50` as {len(self.cat.area_managers)} area "
                  f"managers, `plans` locked by another session; {res.clients} clients for {res.seconds:.0f} s, "
                  f"half waiting, half giving up after {slow.ABANDON_AFTER_S:.0f} s; until the service's statements "
                  f"are gone from `pg_stat_activity`",
                  rps=None, p50_ms=slow.p50(lat), p99_ms=lat[-1] if lat else None, requests=len(ld.outcomes),
                  non2xx=sum(1 for o in answered if not 200 <= o.status < 300),
                  s5xx=sum(1 for o in answered if o.status >= 500),
                  other_errors=len(ld.outcomes) - len(answered), rss_max_kb=rss.max_kb,
                  bound=f"idle ≤ {res.deadline_s:g} s after the load (limit {res.limit_s:g} s + 1 s)",
                  ratio=verdict,
                  note=slow.summary(res) + "; p50/p99 columns: the answered requests (p99 = slowest); "
                  "socket errors/timeouts: requests abandoned or cut, by design")
        self.rows.append(row)
        return row


# Scenarios that can run without the others (`--only`): they need no SQL capture or bound.
ONLY: dict[str, Callable[[Bench], Row]] = {"utility": Bench.run_utility, "slow": Bench.run_slow}
