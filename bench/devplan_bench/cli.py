"""`bench/run`: fresh database, the service, the data set, every scenario, one table."""

from __future__ import annotations

import argparse
import base64
import os
import platform
import shutil
import subprocess
import sys
import time
import traceback
from datetime import date, datetime, timezone
from pathlib import Path

from . import bounds, catalog, load, report
from .http import Client
from .jwt import Minter
from .pg import Db
from .scale import SCALES
from .scenarios import ONLY, Bench, Plan
from .service import Service

BENCH_DIR = Path(__file__).resolve().parent.parent
REPO = BENCH_DIR.parent
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", "/var/tmp/devplan-target"))


def default_binary() -> str:
    release = TARGET / "release" / "devplan"
    if release.exists():
        return str(release)
    debug = TARGET / "debug" / "devplan"
    if debug.exists():
        load.log(f"WARNING: no release build at {release}; using the debug build {debug} (figures not comparable)")
        return str(debug)
    raise SystemExit(f"bench: no devplan binary; build with `cargo build --release` or pass --binary")


def parse(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="bench/run", description=__doc__)
    p.add_argument("--scale", choices=sorted(SCALES), default="small")
    p.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/devplan_bench",
                   help="the database to (re)create; it is dropped first unless --skip-load")
    p.add_argument("--binary", help="devplan binary (default: $CARGO_TARGET_DIR/release/devplan)")
    p.add_argument("--skip-load", action="store_true",
                   help="reuse the data already loaded in --database-url (no sync timing)")
    p.add_argument("--pg-log", help="PostgreSQL server log file (default: found automatically)")
    p.add_argument("--drop-db", action="store_true",
                   help="drop the database after the run (default: keep it for --skip-load runs)")
    p.add_argument("--out", default=str(BENCH_DIR / "out"), help="where reports go")
    p.add_argument("--only", choices=sorted(ONLY),
                   help="run only this scenario (no SQL capture, no other scenarios); with --skip-load, "
                        "against the data already loaded")
    return p.parse_args(argv)


def machine(db: Db, binary: str) -> dict[str, str]:
    model = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = "?"
    try:
        with open("/proc/meminfo") as f:
            mem = f"{int(f.readline().split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass

    def cmd(*a: str) -> str:
        try:
            return subprocess.run(a, capture_output=True, text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            return "?"

    commit = cmd("git", "-C", str(REPO), "rev-parse", "--short=12", "HEAD")
    dirty = cmd("git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no", "--", "crates", "migrations")
    st = os.stat(binary)
    return {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit + (" (crates/ or migrations/ modified in the work tree)" if dirty else ""),
        "binary": f"{binary} (built {datetime.fromtimestamp(st.st_mtime, timezone.utc):%Y-%m-%d %H:%M UTC}, "
                  f"{'release' if '/release/' in binary else 'debug' if '/debug/' in binary else 'custom'})",
        "cpu": f"{os.cpu_count()} × {model}",
        "memory": mem,
        "kernel": platform.release(),
        "postgres": db.scalar("SHOW server_version", db="postgres"),
        "wrk": (cmd("wrk", "--version") or subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout)
        .splitlines()[0] if shutil.which("wrk") else "missing",
        "pgbench": cmd("pgbench", "--version"),
    }


def loadavg() -> str:
    try:
        return " ".join(open("/proc/loadavg").read().split()[:3])
    except OSError:
        return "?"


def main(argv: list[str]) -> int:
    args = parse(argv)
    scale = SCALES[args.scale]
    started = time.monotonic()
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    out = Path(args.out)
    work = out / f"{scale.name}-{stamp}"
    work.mkdir(parents=True, exist_ok=True)
    db = Db.parse(args.database_url)
    binary = args.binary or default_binary()
    for tool in ("psql", "pgbench", "wrk"):
        if not shutil.which(tool):
            raise SystemExit(f"bench: {tool} not found (bench/run installs wrk; psql/pgbench: postgresql-client)")
    secret = base64.b64encode(os.urandom(48)).decode()
    minter = Minter(secret)
    svc = Service(binary, db.url(), secret, work / "service.log")
    info = machine(db, binary)
    info["load average at start"] = loadavg()
    today = date.today()
    load_report = None
    try:
        if args.skip_load:
            if not db.exists():
                raise SystemExit(f"bench: --skip-load but database {db.name} does not exist")
            svc.start()
        else:
            load.log(f"creating database {db.name}")
            db.recreate()
            svc.start()
            load_report = load.run_load(db, svc, minter, scale, today)
        if not svc.alive():
            svc.start()
        load.log("reading the data set for the scenarios")
        cat = catalog.load(db)
        reads = catalog.readable_plans(db, scale.plan_read_ids)
        mgr_ext = {p.id: cat.ext_of.get(p.manager_id) for p in cat.people if p.manager_id}
        drafts = [Plan(pid, goal, cat.ext_of[emp], mgr_ext[emp])
                  for pid, goal, emp in catalog.draft_plans(db, scale.connections * 6 + 16)
                  if emp in cat.ext_of and mgr_ext.get(emp)]
        client = Client("127.0.0.1", svc.port, timeout=600)
        verified = load.verify_plans(db, client, minter)
        client.close()
        if load_report:
            load_report.verified = verified
        load.log(f"verified {verified} directly loaded plans through GET /api/v1/plans/{{id}}")
        pg_log = None
        try:
            pg_log = bounds.find_log(db, args.pg_log)
            with open(pg_log, "rb"):
                pass
        except (OSError, RuntimeError) as e:
            load.log(f"WARNING: no PostgreSQL log to capture SQL from ({e}); no statement counts or DB bounds")
            pg_log = None
        bench = Bench(db, svc, minter, scale, cat, work, reads, drafts, pg_log)
        if not args.only:  # a scenario run alone has no statement counts or bounds
            load.log("capturing the SQL of one request per scenario (log_statement = 'all' on the bench database)")
            try:
                bench.capture_sql()
            except Exception as e:  # noqa: BLE001 - the run goes on without statement counts
                load.log(f"WARNING: SQL capture failed ({e}); no statement counts or database bounds")
                bench.captures.clear()
                if not svc.alive():
                    svc.start()
        for key, cap in bench.captures.items():
            with open(work / f"sql-{key}.txt", "w") as f:
                f.write(f"-- {cap.count} statements (+{cap.txn_count} transaction control)\n")
                for s in cap.statements:
                    f.write(s + ";\n")
        if args.only:
            load.log(f"running only the {args.only} scenario")
            ONLY[args.only](bench)
        else:
            load.log("running the scenarios")
            bench.run_all()
        mem = svc.memory()
        info["load average at end"] = loadavg()
        elapsed = time.monotonic() - started
        md = report.render(scale, info, bench, load_report, mem, elapsed, args, work)
        path = out / f"{scale.name}-{stamp}.md"
        path.write_text(md)
        print(md)
        load.log(f"report written to {path} ({elapsed:.0f} s end to end)")
        return 0
    except Exception:
        traceback.print_exc()
        load.log(f"FAILED; service log: {work / 'service.log'}")
        return 1
    finally:
        svc.stop()
        if args.drop_db:
            try:
                db.drop()
            except Exception as e:  # noqa: BLE001
                load.log(f"could not drop {db.name}: {e}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
