"""PostgreSQL through the `psql` client: queries, COPY in and out, database lifecycle.

No driver is needed: every call runs `psql` with the connection in PG* environment
variables, so the bench needs nothing beyond the PostgreSQL client tools.
"""

from __future__ import annotations

import os
import subprocess
import urllib.parse
from dataclasses import dataclass


@dataclass(frozen=True)
class Db:
    host: str
    port: int
    user: str
    password: str | None
    name: str

    @staticmethod
    def parse(url: str) -> "Db":
        u = urllib.parse.urlsplit(url)
        if u.scheme not in ("postgres", "postgresql"):
            raise SystemExit(f"bench: --database-url must be postgres://…, got {url!r}")
        name = (u.path or "/").lstrip("/") or "devplan_bench"
        return Db(
            host=u.hostname or "127.0.0.1",
            port=u.port or 5432,
            user=urllib.parse.unquote(u.username or "postgres"),
            password=urllib.parse.unquote(u.password) if u.password else None,
            name=name,
        )

    def url(self, db: str | None = None) -> str:
        auth = urllib.parse.quote(self.user, safe="")
        if self.password:
            auth += ":" + urllib.parse.quote(self.password, safe="")
        # sslmode=disable: loopback needs no TLS (the issue measured its cost).
        return f"postgres://{auth}@{self.host}:{self.port}/{db or self.name}?sslmode=disable"

    def env(self, db: str | None = None) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            PGHOST=self.host,
            PGPORT=str(self.port),
            PGUSER=self.user,
            PGDATABASE=db or self.name,
            PGSSLMODE="disable",
            PGAPPNAME="devplan-bench",
        )
        if self.password:
            env["PGPASSWORD"] = self.password
        return env

    # -- queries -------------------------------------------------------------------------

    def psql(self, sql: str, db: str | None = None, timeout: float = 3600) -> str:
        """Runs SQL (one or more statements), returns unaligned tuples-only output."""
        r = subprocess.run(
            ["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-F", "\t", "-c", sql],
            env=self.env(db),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if r.returncode != 0:
            raise RuntimeError(f"psql failed: {r.stderr.strip()}\nSQL: {sql[:500]}")
        return r.stdout

    def rows(self, sql: str, db: str | None = None, timeout: float = 3600) -> list[list[str]]:
        out = self.psql(sql, db, timeout)
        return [line.split("\t") for line in out.splitlines() if line != ""]

    def scalar(self, sql: str, db: str | None = None) -> str:
        out = self.psql(sql, db).strip()
        return out.splitlines()[0] if out else ""

    def copy_out(self, sql: str, db: str | None = None, timeout: float = 3600) -> list[list[str]]:
        """COPY (query) TO STDOUT in text format, split into fields ("\\N" is NULL)."""
        r = subprocess.run(
            ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", f"COPY ({sql}) TO STDOUT"],
            env=self.env(db),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if r.returncode != 0:
            raise RuntimeError(f"COPY out failed: {r.stderr.strip()}\nSQL: {sql[:500]}")
        return [line.split("\t") for line in r.stdout.splitlines()]

    def copy_in(self, table: str, columns: list[str], db: str | None = None) -> "CopyIn":
        return CopyIn(self, table, columns, db)

    # -- lifecycle -----------------------------------------------------------------------

    def exists(self) -> bool:
        return (
            self.scalar(
                f"SELECT 1 FROM pg_database WHERE datname = {quote_literal(self.name)}", db="postgres"
            )
            == "1"
        )

    def recreate(self) -> None:
        self.drop()
        self.psql(f"CREATE DATABASE {quote_ident(self.name)}", db="postgres")

    def drop(self) -> None:
        self.psql(f"DROP DATABASE IF EXISTS {quote_ident(self.name)} WITH (FORCE)", db="postgres")


class CopyIn:
    """A running `COPY table (cols) FROM STDIN`, fed row by row (text format).

    The session sets `session_replication_role = replica`, so foreign-key triggers do not
    fire: the generator writes consistent data, and the COPYs of dependent tables may then
    run in parallel sessions.
    """

    def __init__(self, db: Db, table: str, columns: list[str], dbname: str | None):
        cols = ", ".join(quote_ident(c) for c in columns)
        script = (
            "SET session_replication_role = replica;\n"
            f"COPY {quote_ident(table)} ({cols}) FROM STDIN;\n"
        )
        self.table = table
        self.count = 0
        self.proc = subprocess.Popen(
            ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", "-"],
            env=db.env(dbname),
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        assert self.proc.stdin is not None
        self.proc.stdin.write(script.encode())
        self._buf: list[str] = []

    def row(self, *values: object) -> None:
        self._buf.append("\t".join(copy_text(v) for v in values))
        self.count += 1
        if len(self._buf) >= 2000:
            self._flush()

    def _flush(self) -> None:
        if self._buf:
            assert self.proc.stdin is not None
            self.proc.stdin.write(("\n".join(self._buf) + "\n").encode())
            self._buf.clear()

    def close(self) -> int:
        self._flush()
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"\\.\n")
        self.proc.stdin.close()
        err = self.proc.stderr.read().decode() if self.proc.stderr else ""
        rc = self.proc.wait(timeout=7200)
        if rc != 0:
            raise RuntimeError(f"COPY into {self.table} failed: {err.strip()}")
        return self.count


def copy_text(v: object) -> str:
    if v is None:
        return "\\N"
    if v is True:
        return "t"
    if v is False:
        return "f"
    s = str(v)
    if any(c in s for c in "\\\t\n\r"):
        s = s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return s


def quote_ident(s: str) -> str:
    return '"' + s.replace('"', '""') + '"'


def quote_literal(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"
