"""The slow-request scenario (issue 21, items 1 and 8): once a load of slow requests stops and
its clients are gone, does PostgreSQL stop running their statements within the class's
statement limit? Another session holds `plans` locked (ACCESS EXCLUSIVE) for the whole
scenario, so every manager's plan list blocks on the lock at any scale, as a runaway query
would, and only the service's `statement_timeout` (ordinary class) can end it. Half of the
clients wait for their answers (503 `timeout` expected), half give up after 1 s; when the load
stops, the sockets still open are closed. `pg_stat_activity` is polled every 100 ms from the
start of the load until the service has no active statement in the bench database (capped)."""

from __future__ import annotations

import http.client
import json
import math
import socket
import statistics
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from .pg import Db, quote_literal

CLIENTS = 32  # half wait for the answer, half give up after ABANDON_AFTER_S
LOAD_S = 10.0
ABANDON_AFTER_S = 1.0
PATIENT_TIMEOUT_S = 60.0  # longer than the load: a waiting client is only cut when the load stops
MAX_REQUESTS = 20_000  # a bound whatever the service answers
POLL_S = 0.1
POLL_CAP_S = 60.0  # after the load: the scenario never waits longer than this for idle
CONFIRM_S = 1.0  # idle must last this long (and past limit + 1 s) to count
LOCK_APP = "devplan-bench-slow-lock"
DEFAULT_LIMIT_MS = 5_000
LIMIT_ENV = "DEVPLAN_STATEMENT_LIMIT_MS"


def ordinary_limit(service_env: dict[str, str]) -> tuple[float, str]:
    """The ordinary statement limit in seconds, from the service's environment, else the default."""
    v = service_env.get(LIMIT_ENV)
    if v:
        try:
            return int(v) / 1000, f"`{LIMIT_ENV}={v}` in the service's environment"
        except ValueError:
            pass
    return DEFAULT_LIMIT_MS / 1000, f"the default, {DEFAULT_LIMIT_MS:,} ms (`{LIMIT_ENV}` not set; assumed)"


# -- the lock ------------------------------------------------------------------------------------


class Locker:
    """A psql session holding `table` in ACCESS EXCLUSIVE mode. It releases the lock by itself
    after `hold_s` (its own statement_timeout bounds even that), and `release` ends it at once:
    pg_terminate_backend on its pid, then the psql process (ours, by pid) is killed."""

    def __init__(self, db: Db, table: str, hold_s: float):
        self.db, self.table, self.hold_s = db, table, hold_s
        self.proc: subprocess.Popen | None = None
        self.pid: int | None = None  # the backend's

    def __enter__(self) -> "Locker":
        env = self.db.env()
        env["PGAPPNAME"] = LOCK_APP
        hold = math.ceil(self.hold_s)
        script = (f"SET statement_timeout = '{(hold + 5) * 1000}ms';\n"
                  "BEGIN;\n"
                  f"LOCK TABLE {self.table} IN ACCESS EXCLUSIVE MODE;\n"
                  f"SELECT pg_sleep({hold});\n"
                  "ROLLBACK;\n")
        self.proc = subprocess.Popen(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", "-"], env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            assert self.proc.stdin is not None
            self.proc.stdin.write(script.encode())
            self.proc.stdin.close()
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    err = self.proc.stderr.read().decode() if self.proc.stderr else ""
                    raise RuntimeError(f"the locking session ended ({self.proc.returncode}): {err.strip()}")
                pid = self.db.scalar(
                    "SELECT l.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                    f"WHERE a.application_name = {quote_literal(LOCK_APP)} AND a.datname = current_database() "
                    f"AND l.locktype = 'relation' AND l.relation = {quote_literal(self.table)}::regclass "
                    "AND l.mode = 'AccessExclusiveLock' AND l.granted")
                if pid:
                    self.pid = int(pid)
                    return self
                time.sleep(0.1)
            raise RuntimeError(f"the lock on {self.table} was not granted within 15 s")
        except BaseException:
            self.release()
            raise

    def release(self) -> None:
        try:
            who = (f"pid = {self.pid}" if self.pid else
                   f"application_name = {quote_literal(LOCK_APP)} AND datname = current_database()")
            self.db.psql(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE {who}", timeout=15)
        except Exception as e:  # noqa: BLE001 - the process is killed below in any case
            print(f"  slow: could not terminate the locking session: {e}")
        finally:
            if self.proc is not None:
                if self.proc.poll() is None:
                    self.proc.kill()
                try:
                    self.proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    pass
                if self.proc.stderr:
                    self.proc.stderr.close()
                self.proc = None

    def __exit__(self, *exc) -> None:
        self.release()


# -- pg_stat_activity ------------------------------------------------------------------------------


@dataclass
class Sample:
    t: float  # monotonic, when the poll returned
    active: int  # the service's active statements (-1: the poll failed)
    on_lock: int  # of which waiting for a lock
    oldest_s: float  # now() - query_start of the oldest
    oldest_query: str


class Poller:
    """Polls the bench database's active client statements every POLL_S in a thread: not the
    poll's own, not the locker's, not the bench's psql sessions (application_name devplan-bench…)."""

    def __init__(self, db: Db, locker_pid: int):
        self.db, self.locker_pid = db, locker_pid
        self.samples: list[Sample] = []
        self.lock = threading.Lock()
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)
        self.sql = (
            "SELECT count(*), count(*) FILTER (WHERE wait_event_type = 'Lock'), "
            "coalesce(extract(epoch FROM max(now() - query_start)), 0), "
            "coalesce(left(regexp_replace((array_agg(query ORDER BY query_start))[1], '\\s+', ' ', 'g'), 120), '') "
            "FROM pg_stat_activity "
            f"WHERE datname = {quote_literal(db.name)} AND state = 'active' AND pid <> pg_backend_pid() "
            f"AND pid <> {int(locker_pid)} AND backend_type = 'client backend' "
            "AND coalesce(application_name, '') NOT LIKE 'devplan-bench%'")

    def _run(self) -> None:
        while not self._stop.is_set():
            t0 = time.monotonic()
            try:
                row = self.db.rows(self.sql, timeout=10)[0]
                s = Sample(time.monotonic(), int(row[0]), int(row[1]), float(row[2]), row[3] if len(row) > 3 else "")
            except Exception:  # noqa: BLE001 - a failed poll is recorded, not fatal
                s = Sample(time.monotonic(), -1, 0, 0.0, "")
            with self.lock:
                self.samples.append(s)
            self._stop.wait(max(0.0, POLL_S - (time.monotonic() - t0)))

    def snapshot(self) -> list[Sample]:
        with self.lock:
            return list(self.samples)

    def __enter__(self) -> "Poller":
        self._t.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._t.join(timeout=15)


def idle_since(samples: list[Sample], after: float) -> float | None:
    """The time of the first poll after `after` from which every later poll saw no statement."""
    first = None
    for s in samples:
        if s.t < after:
            continue
        if s.active == 0:
            if first is None:
                first = s.t
        else:
            first = None  # active again (or the poll failed): not idle yet
    return first


# -- the load --------------------------------------------------------------------------------------


@dataclass
class Outcome:
    kind: str  # "answered", "abandoned" (client timeout), "cut" (open when the load stopped), "error"
    status: int = 0
    code: str | None = None  # the problem's `code` of an error answer
    seconds: float = 0.0


@dataclass
class Load:
    outcomes: list[Outcome]
    started: float  # monotonic
    stopped: float  # monotonic: every client socket closed

    def count(self, kind: str) -> int:
        return sum(1 for o in self.outcomes if o.kind == kind)

    @property
    def answers(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for o in self.outcomes:
            if o.kind == "answered":
                key = f"{o.status}" + (f" {o.code}" if o.code else "")
                out[key] = out.get(key, 0) + 1
        return dict(sorted(out.items()))


def run_load(port: int, reqs: list[tuple[str, str]], clients: int = CLIENTS, seconds: float = LOAD_S) -> Load:
    """`clients` threads send `reqs` (path, token) in turn for `seconds`, each request on a new
    connection: even threads wait for the answer, odd ones give up after ABANDON_AFTER_S (the
    socket is closed, as a client that went away). Then every socket still open is closed."""
    outcomes: list[Outcome] = []
    lock = threading.Lock()
    open_conns: set[http.client.HTTPConnection] = set()
    stop = threading.Event()

    def one(path: str, token: str, timeout: float) -> Outcome | None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        t0 = time.perf_counter()
        try:
            conn.connect()
            with lock:  # no socket is opened for a request after the stop
                if stop.is_set():
                    conn.close()
                    return None
                open_conns.add(conn)
            conn.request("GET", path, headers={"Authorization": f"Bearer {token}", "Accept": "application/json"})
            r = conn.getresponse()
            body = r.read()
            code = None
            if r.status >= 400:
                try:
                    code = (json.loads(body) or {}).get("code")
                except (ValueError, AttributeError):
                    code = None
            return Outcome("answered", r.status, code, time.perf_counter() - t0)
        except TimeoutError:
            return Outcome("abandoned", seconds=time.perf_counter() - t0)
        except (OSError, http.client.HTTPException):
            return Outcome("cut" if stop.is_set() else "error", seconds=time.perf_counter() - t0)
        finally:
            conn.close()
            with lock:
                open_conns.discard(conn)

    def worker(i: int) -> None:
        timeout = PATIENT_TIMEOUT_S if i % 2 == 0 else ABANDON_AFTER_S
        j = (i * 7919) % len(reqs)
        while not stop.is_set():
            with lock:
                if len(outcomes) >= MAX_REQUESTS:
                    return
            path, token = reqs[j % len(reqs)]
            j += 1
            o = one(path, token, timeout)
            if o is None:
                return
            with lock:
                outcomes.append(o)
            if o.kind == "error":
                stop.wait(0.05)  # the service refused: do not spin

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    stop.wait(seconds)
    with lock:
        stop.set()
        for c in list(open_conns):
            if c.sock is not None:
                try:
                    c.sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
    for t in threads:
        t.join(ABANDON_AFTER_S + 5)
    stopped = time.monotonic()
    return Load(outcomes, started, stopped)


# -- the scenario ------------------------------------------------------------------------------------


@dataclass
class Result:
    limit_s: float
    limit_source: str
    load: Load
    samples: list[Sample]
    idle_after_s: float | None  # from the load's end; None: not idle within the cap
    peak_active: int
    peak_on_lock: int
    oldest_s: float
    oldest_query: str
    failed_polls: int
    clients: int = CLIENTS
    seconds: float = LOAD_S
    latencies_ms: list[float] = field(default_factory=list, repr=False)

    @property
    def deadline_s(self) -> float:
        return self.limit_s + 1.0

    @property
    def met(self) -> bool:
        return self.idle_after_s is not None and self.idle_after_s <= self.deadline_s

    @property
    def exercised(self) -> bool:
        """Whether statements did block in the database (else the scenario measured nothing)."""
        return self.peak_on_lock > 0


def run(db: Db, port: int, reqs: list[tuple[str, str]], service_env: dict[str, str], work: Path,
        table: str = "plans") -> Result:
    limit_s, source = ordinary_limit(service_env)
    hold = LOAD_S + POLL_CAP_S + limit_s + 10
    with Locker(db, table, hold) as locker:
        assert locker.pid is not None
        with Poller(db, locker.pid) as poller:
            load = run_load(port, reqs)
            end = load.stopped
            cap = end + POLL_CAP_S
            while time.monotonic() < cap:
                time.sleep(POLL_S)
                samples = poller.snapshot()
                idle = idle_since(samples, end)
                if idle is not None and samples[-1].t >= max(idle + CONFIRM_S, end + limit_s + 1 + CONFIRM_S):
                    break
        samples = poller.snapshot()
    idle = idle_since(samples, end)
    ok = [s for s in samples if s.active >= 0]
    oldest = max(ok, key=lambda s: s.oldest_s, default=None)
    with open(work / "slow-poll.tsv", "w") as f:
        f.write("t_from_load_end_s\tactive\twaiting_on_lock\toldest_s\toldest_query\n")
        for s in samples:
            f.write(f"{s.t - end:.3f}\t{s.active}\t{s.on_lock}\t{s.oldest_s:.3f}\t{s.oldest_query}\n")
    return Result(
        limit_s=limit_s, limit_source=source, load=load, samples=samples,
        idle_after_s=None if idle is None else max(0.0, idle - end),
        peak_active=max((s.active for s in ok), default=0),
        peak_on_lock=max((s.on_lock for s in ok), default=0),
        oldest_s=oldest.oldest_s if oldest else 0.0,
        oldest_query=oldest.oldest_query if oldest else "",
        failed_polls=len(samples) - len(ok),
        latencies_ms=sorted(o.seconds * 1000 for o in load.outcomes if o.kind == "answered"),
    )


def summary(r: Result) -> str:
    """One line for the notes under the table."""
    ld = r.load
    idle = ("**not idle** within the " f"{POLL_CAP_S:.0f} s cap" if r.idle_after_s is None
            else f"idle {r.idle_after_s:.1f} s after the load stopped")
    verdict = ("met" if r.met else "**not met**") if r.exercised else "**not measured**: no statement waited on the lock"
    return (f"{len(ld.outcomes):,} requests from {r.clients} clients in {ld.stopped - ld.started:.1f} s "
            f"(half wait, half give up after {ABANDON_AFTER_S:.0f} s), `plans` locked throughout; answers "
            f"{json.dumps(ld.answers)}, {ld.count('abandoned'):,} abandoned by their clients, {ld.count('cut'):,} "
            f"cut when the load stopped, {ld.count('error'):,} errors; in `pg_stat_activity` (every "
            f"{POLL_S * 1000:.0f} ms): at most {r.peak_active} active statements of the service ({r.peak_on_lock} "
            f"waiting on the lock), oldest {r.oldest_s:.2f} s; {idle}; ordinary limit {r.limit_s:g} s "
            f"({r.limit_source}): idle within limit + 1 s = {r.deadline_s:g} s: {verdict}"
            + (f"; {r.failed_polls} polls failed" if r.failed_polls else ""))


def p50(values: list[float]) -> float | None:
    return statistics.median(values) if values else None
