"""The database bound of a request: the exact SQL it issues, captured from the PostgreSQL log
(`log_statement = 'all'` set on the bench database only, bound parameters from the DETAIL
lines), then replayed by pgbench at the same concurrency.
"""

from __future__ import annotations

import glob
import os
import re
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from .pg import Db, quote_ident

LINE = re.compile(r"^\S+ \S+ \S+ \[(\d+)\] (?:(\S*)@(\S*) )?([A-Z0-9]+):  (.*)$")
PARAM = re.compile(r"\$(\d+) = (NULL|'(?:[^']|'')*')")


@dataclass
class Capture:
    statements: list[str] = field(default_factory=list)  # with parameters substituted
    errors: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        """Statements per request, BEGIN/COMMIT/ROLLBACK not counted."""
        return sum(1 for s in self.statements if not is_txn(s))

    @property
    def txn_count(self) -> int:
        return sum(1 for s in self.statements if is_txn(s))

    @property
    def writes(self) -> bool:
        return any(re.match(r"\s*(INSERT|UPDATE|DELETE)\b", s, re.I) for s in self.statements)


def is_txn(sql: str) -> bool:
    return bool(re.match(r"\s*(BEGIN|START TRANSACTION|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b", sql, re.I))


def find_log(db: Db, explicit: str | None) -> Path:
    if explicit:
        return Path(explicit)
    cur = db.scalar("SELECT pg_current_logfile()", db="postgres")
    if cur:
        if not cur.startswith("/"):
            cur = os.path.join(db.scalar("SHOW data_directory", db="postgres"), cur)
        return Path(cur)
    candidates = sorted(glob.glob("/var/log/postgresql/*.log"), key=os.path.getmtime, reverse=True)
    if not candidates:
        raise RuntimeError("PostgreSQL log not found; pass --pg-log PATH")
    return Path(candidates[0])


class LogCapture:
    def __init__(self, db: Db, log_path: Path):
        self.db, self.path = db, log_path

    def enable(self) -> None:
        self.db.psql(f"ALTER DATABASE {quote_ident(self.db.name)} SET log_statement = 'all'", db="postgres")

    def disable(self) -> None:
        self.db.psql(f"ALTER DATABASE {quote_ident(self.db.name)} RESET log_statement", db="postgres")

    def offset(self) -> int:
        return self.path.stat().st_size

    def read_since(self, offset: int, settle_s: float = 0.3) -> Capture:
        time.sleep(settle_s)
        with open(self.path, "rb") as f:
            f.seek(offset)
            text = f.read().decode("utf-8", "replace")
        return parse(text, self.db.name)


def parse(text: str, dbname: str) -> Capture:
    entries: list[list] = []  # [pid, db, level, message]
    for line in text.splitlines():
        m = LINE.match(line)
        if m:
            entries.append([m.group(1), m.group(3), m.group(4), m.group(5)])
        elif entries:
            entries[-1][3] += "\n" + line
    cap = Capture()
    pending: dict[str, int] = {}  # pid -> index of its last statement awaiting parameters
    for pid, db, level, msg in entries:
        if db != dbname:
            continue
        if level == "LOG":
            m = re.match(r"(?:statement|execute [^:]*): (.*)$", msg, re.S)
            if m:
                cap.statements.append(m.group(1).strip())
                pending[pid] = len(cap.statements) - 1
        elif level == "DETAIL" and msg.startswith("parameters:") and pid in pending:
            params = {k: v for k, v in PARAM.findall(msg)}
            i = pending.pop(pid)
            cap.statements[i] = re.sub(
                r"\$(\d+)\b", lambda mm: params.get(mm.group(1), mm.group(0)), cap.statements[i]
            )
        elif level in ("ERROR", "FATAL"):
            cap.errors.append(msg)
    return cap


def one_line(sql: str) -> str:
    """Line breaks and tabs outside string literals become spaces (pgbench reads a line per command)."""
    out, quoted = [], False
    for ch in sql:
        if ch == "'":
            quoted = not quoted
        if not quoted and ch in "\r\n\t":
            ch = " "
        out.append(ch)
    return "".join(out).strip().rstrip(";")


def pgbench_script(cap: Capture, path: Path) -> None:
    with open(path, "w") as f:
        for s in cap.statements:
            f.write(one_line(s) + ";\n")


def pgbench(db: Db, script: Path, clients: int, threads: int, seconds: int, log: Path | None = None) -> float | None:
    cmd = ["pgbench", "-n", "-c", str(clients), "-j", str(threads), "-T", str(seconds), "-f", str(script)]
    r = subprocess.run(cmd, env=db.env(), capture_output=True, text=True, timeout=seconds + 120)
    if log:
        with open(log, "a") as f:
            f.write(f"$ {' '.join(cmd)}\n{r.stdout}\n{r.stderr}\n")
    m = re.search(r"tps = ([\d.]+) \(without initial connection time\)", r.stdout)
    if r.returncode != 0 or not m:
        return None
    return float(m.group(1))
