"""The utility scenario (issue 20, item 6): do the pooled status figures still tell the people
they are for something about their own units? Every local representative, and a sample of
committee members, asks for the status of each unit they are assigned to (this calendar year,
the default period). Pooling must never withhold a unit of at least k people, and should count
nearly all of its people: goals 0 withheld and at least 97 % counted."""

from __future__ import annotations

import math
import random
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from .catalog import Catalog
from .http import Client
from .jwt import Minter
from .orggen import Org

REP = ["employee", "local_representative"]
COMMITTEE = ["employee", "committee"]
COMMITTEE_SAMPLE = 500
SAMPLE_SEED = 20
CONCURRENCY = 4  # the service runs status requests two at a time; more would only queue
DEFAULT_K = 5
SHARE_GOAL = 0.97
KINDS = ("representative", "committee")


@dataclass(frozen=True)
class Ask:
    reader: str  # external id, the token's subject
    kind: str  # "representative" or "committee"
    unit_ext: str


@dataclass
class Answer:
    ask: Ask
    status: int  # 0: no answer (socket error, timeout)
    seconds: float
    withheld: bool | None = None
    employees: int | None = None  # figures.employees; null when withheld
    threshold: int | None = None  # the anonymity_threshold the answer says it applied


@dataclass
class Share:
    counted: int = 0
    people: int = 0

    @property
    def value(self) -> float | None:
        return self.counted / self.people if self.people else None


@dataclass
class Withheld:
    reader: str
    kind: str
    unit_ext: str
    unit_name: str
    people: int


@dataclass
class Result:
    k: int
    k_source: str  # where k came from: the settings, or assumed
    readers: dict[str, int]  # kind -> readers asking
    requests: int
    pairs: int  # distinct (reader, unit), whatever the role asked with
    units: int  # distinct units asked about
    small_units: int  # answers about units of fewer than k people (not in the goals)
    withheld: list[Withheld]
    share: dict[str, Share]  # "all" and per kind, over 200 answers about units of >= k
    lowest: tuple[float, Ask, int] | None  # the answer counting the smallest share of its unit, and the unit's size
    statuses: dict[int, int]
    headcount_mismatches: int  # asked units whose generated head-count differs from the database's
    thresholds_seen: list[int]
    seconds: float
    p50_ms: float | None
    p99_ms: float | None
    latencies_ms: list[float] = field(default_factory=list, repr=False)

    @property
    def withheld_units(self) -> int:
        return len({w.unit_ext for w in self.withheld})


def asks(org: Org, sample: int = COMMITTEE_SAMPLE, seed: int = SAMPLE_SEED) -> list[Ask]:
    """Every local representative with each unit they represent, and `sample` committee members
    (drawn with a fixed seed from all members, sorted) with the unit of each of their committees."""
    out = [Ask(e.ext, "representative", u) for e in org.employees for u in e.represents]
    units_of: dict[str, list[str]] = {}
    for c in org.committees:
        for m in c["member_external_ids"]:
            units = units_of.setdefault(m, [])
            if c["unit_external_id"] not in units:
                units.append(c["unit_external_id"])
    members = sorted(units_of)
    chosen = random.Random(seed).sample(members, k=min(sample, len(members)))
    out += [Ask(m, "committee", u) for m in sorted(chosen) for u in units_of[m]]
    return out


def threshold(client: Client, hr_token: str) -> tuple[int, str]:
    """k as HR reads it from the settings; the service's default when that fails."""
    try:
        r = client.get("/api/v1/settings", hr_token)
        if r.status == 200:
            return int(r.json()["anonymity_threshold"]), "`GET /api/v1/settings`"
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return DEFAULT_K, "assumed (settings not readable)"


def ask_all(items: list[Ask], unit_id: dict[str, str], port: int, minter: Minter, timeout: float,
            concurrency: int = CONCURRENCY) -> list[Answer]:
    """Each ask once, `concurrency` at a time, each worker on its own keep-alive connection."""
    local = threading.local()
    clients: list[Client] = []
    lock = threading.Lock()

    def one(a: Ask) -> Answer:
        c = getattr(local, "client", None)
        if c is None:
            c = local.client = Client("127.0.0.1", port, timeout=timeout)
            with lock:
                clients.append(c)
        token = minter.token(a.reader, REP if a.kind == "representative" else COMMITTEE)
        t0 = time.perf_counter()
        try:
            r = c.get(f"/api/v1/status?unit_id={unit_id[a.unit_ext]}", token)
        except OSError:
            c.close()
            return Answer(a, 0, time.perf_counter() - t0)
        ans = Answer(a, r.status, r.seconds)
        if r.status == 200:
            body = r.json() or {}
            ans.withheld = bool(body.get("withheld"))
            ans.employees = (body.get("figures") or {}).get("employees")
            ans.threshold = body.get("anonymity_threshold")
        return ans

    try:
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            return list(pool.map(one, items))
    finally:
        for c in clients:
            c.close()


def percentile(sorted_ms: list[float], p: float) -> float | None:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_ms:
        return None
    return sorted_ms[max(0, math.ceil(p * len(sorted_ms)) - 1)]


def summarise(answers: list[Answer], people: dict[str, int], names: dict[str, str], k: int, k_source: str,
              mismatches: int, seconds: float) -> Result:
    """The goals over the answers about units of at least k people (`people`: the true head-count
    per unit external id). Answers other than 200 are in `statuses`, not in the share."""
    share = {"all": Share(), **{kind: Share() for kind in KINDS}}
    withheld: list[Withheld] = []
    statuses: dict[int, int] = {}
    small = 0
    lowest: tuple[float, Ask, int] | None = None  # the sums weigh large units most; this shows a small one
    for a in answers:
        statuses[a.status] = statuses.get(a.status, 0) + 1
        n = people[a.ask.unit_ext]
        if n < k:
            small += 1  # withheld by design: not what the goals are about
            continue
        if a.status != 200:
            continue
        if a.withheld:
            withheld.append(Withheld(a.ask.reader, a.ask.kind, a.ask.unit_ext, names.get(a.ask.unit_ext, ""), n))
        counted = a.employees or 0
        if lowest is None or counted / n < lowest[0]:
            lowest = (counted / n, a.ask, n)
        for key in ("all", a.ask.kind):
            share[key].counted += counted
            share[key].people += n
    lat = sorted(a.seconds * 1000 for a in answers)
    return Result(
        k=k,
        k_source=k_source,
        readers={kind: len({a.ask.reader for a in answers if a.ask.kind == kind}) for kind in KINDS},
        requests=len(answers),
        pairs=len({(a.ask.reader, a.ask.unit_ext) for a in answers}),
        units=len({a.ask.unit_ext for a in answers}),
        small_units=small,
        withheld=withheld,
        share=share,
        lowest=lowest,
        statuses=dict(sorted(statuses.items())),
        headcount_mismatches=mismatches,
        thresholds_seen=sorted({a.threshold for a in answers if a.threshold is not None}),
        seconds=seconds,
        p50_ms=statistics.median(lat) if lat else None,
        p99_ms=percentile(lat, 0.99),
        latencies_ms=lat,
    )


def true_headcounts(org: Org, cat: Catalog, unit_exts: set[str]) -> tuple[dict[str, int], int]:
    """The generator's head-count of each unit (everyone it places is active), checked against the
    database's active employees in and below it; where they differ the database's is taken, since
    that is what the figures count, and the difference is reported."""
    by_ext = {u.ext: u for u in cat.units.values()}
    out: dict[str, int] = {}
    mismatches = 0
    for ext in unit_exts:
        generated = org.by_ext[ext].total
        stored = by_ext[ext].count
        if generated != stored:
            mismatches += 1
        out[ext] = stored
    return out, mismatches


def pct(v: float | None) -> str:
    return "—" if v is None else f"{100 * v:.1f} %"


def summary(r: Result) -> str:
    """One line for the notes under the table."""
    s = r.share
    return (f"k = {r.k}; units of ≥ k withheld: {len(r.withheld)} (goal 0); people counted "
            f"{pct(s['all'].value)} (representatives {pct(s['representative'].value)}, committee members "
            f"{pct(s['committee'].value)}; goal ≥ {100 * SHARE_GOAL:.0f} %); {r.requests:,} requests, {r.pairs:,} "
            f"(reader, unit) pairs, {CONCURRENCY} concurrent, {r.seconds:.1f} s")
