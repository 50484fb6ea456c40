"""The service under test: `devplan serve` started and stopped by pid, its memory sampled."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

from .http import Client


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_status(pid: int) -> dict[str, int]:
    """VmRSS / VmHWM of a process in kB."""
    out: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    k, v = line.split(":", 1)
                    out[k] = int(v.split()[0])
    except FileNotFoundError:
        pass
    return out


class Service:
    def __init__(self, binary: str, database_url: str, secret: str, log_path: Path, extra_env=None):
        self.binary = binary
        self.database_url = database_url
        self.secret = secret
        self.log_path = log_path
        self.extra_env = extra_env or {}
        self.proc: subprocess.Popen | None = None
        self.port = 0
        self.starts = 0

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            DATABASE_URL=self.database_url,
            DEVPLAN_BIND=f"127.0.0.1:{self.port}",
            DEVPLAN_JWT_SECRET=self.secret,
            DEVPLAN_SERVICE_SUBJECTS="bench-hr",
            RUST_LOG="warn",
        )
        env.update(self.extra_env)
        return env

    def run_subcommand(self, *args: str, timeout: float = 7200) -> subprocess.CompletedProcess:
        return subprocess.run(
            [self.binary, *args], env=self.env(), capture_output=True, text=True, timeout=timeout
        )

    def start(self, ready_timeout: float = 600) -> None:
        assert self.proc is None
        self.port = free_port()
        self.starts += 1
        log = open(self.log_path, "ab")
        log.write(f"\n=== start #{self.starts} on port {self.port} at {time.ctime()}\n".encode())
        log.flush()
        self.proc = subprocess.Popen(
            [self.binary, "serve"], env=self.env(), stdout=log, stderr=log, start_new_session=True
        )
        log.close()
        client = Client("127.0.0.1", self.port, timeout=5)
        deadline = time.monotonic() + ready_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"devplan serve exited with {self.proc.returncode}; see {self.log_path}"
                )
            try:
                if client.get("/readyz").status == 200:
                    client.close()
                    return
            except OSError:
                pass
            client.close()
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"devplan serve not ready within {ready_timeout}s; see {self.log_path}")

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)
        self.proc = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def memory(self) -> dict[str, int]:
        return proc_status(self.pid) if self.proc else {}


class RssSampler:
    """Samples the service's VmRSS every `interval` seconds while active; keeps the max."""

    def __init__(self, pid: int, interval: float = 0.1):
        self.pid, self.interval = pid, interval
        self.max_kb = 0
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            kb = proc_status(self.pid).get("VmRSS", 0)
            self.max_kb = max(self.max_kb, kb)
            self._stop.wait(self.interval)

    def __enter__(self) -> "RssSampler":
        self._t.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._t.join(timeout=5)
        kb = proc_status(self.pid).get("VmRSS", 0)
        self.max_kb = max(self.max_kb, kb)
