"""A small keep-alive HTTP/JSON client for set-up calls and single-connection timings."""

from __future__ import annotations

import http.client
import json
import time
from dataclasses import dataclass


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float

    def json(self):
        return json.loads(self.body) if self.body else None

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")


class Client:
    def __init__(self, host: str, port: int, timeout: float = 120.0):
        self.host, self.port, self.timeout = host, port, timeout
        self.conn: http.client.HTTPConnection | None = None

    def _connect(self) -> http.client.HTTPConnection:
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return self.conn

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(
        self,
        method: str,
        path: str,
        token: str | None = None,
        body=None,
        headers: dict[str, str] | None = None,
        raw_body: bytes | None = None,
    ) -> Response:
        h = {"Accept": "application/json"}
        if token:
            h["Authorization"] = f"Bearer {token}"
        data = raw_body
        if body is not None:
            data = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
        if data is not None:
            h["Content-Type"] = "application/json"
        if headers:
            h.update(headers)
        for attempt in (1, 2):
            conn = self._connect()
            t0 = time.perf_counter()
            try:
                conn.request(method, path, body=data, headers=h)
                r = conn.getresponse()
                payload = r.read()
            except (ConnectionError, http.client.HTTPException):
                # A keep-alive connection the server closed: retry once on a new one.
                self.close()
                if attempt == 2:
                    raise
                continue
            dt = time.perf_counter() - t0
            hdrs = {k.lower(): v for k, v in r.getheaders()}
            if hdrs.get("connection", "").lower() == "close":
                self.close()
            return Response(r.status, hdrs, payload, dt)
        raise AssertionError("unreachable")

    def get(self, path: str, token: str | None = None, **kw) -> Response:
        return self.request("GET", path, token, **kw)

    def expect(self, resp: Response, *statuses: int) -> Response:
        if resp.status not in statuses:
            raise RuntimeError(f"expected {statuses}, got {resp.status}: {resp.body[:800]!r}")
        return resp
