"""wrk runs driven by generated Lua: requests rotate over many ids and tokens; every script
counts statuses per class (and 409/412) and prints one JSON line from `done()`.

Three script kinds:
- `rotate`: a fixed list of prepared requests, each thread starting elsewhere in it;
- `mix`: weighted choice among several such lists;
- `plan_writes`: each plan in at most one in-flight request (a per-thread pool of plans, the
  plan named in `X-Request-Id` and found again from the echoed header), its `ETag` kept, so
  `If-Match` is always the current revision: either goal edits only, or the cycle
  edit → employee signs → manager signs → edit (a new version) …
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Req:
    method: str
    path: str
    token: str
    body: str | None = None  # JSON text, ASCII only
    headers: dict[str, str] | None = None


@dataclass
class WrkResult:
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    s2xx: int
    s3xx: int
    s4xx: int
    s5xx: int
    s409: int
    s412: int
    socket_errors: int
    timeouts: int
    raw: dict

    @property
    def non2xx(self) -> int:
        return self.s3xx + self.s4xx + self.s5xx


def lua_str(s: str) -> str:
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\n":
            out.append("\\n")
        elif o < 32 or o > 126:
            for b in ch.encode():
                out.append(f"\\{b:03d}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def raw_request(r: Req, host: str) -> str:
    lines = [f"{r.method} {r.path} HTTP/1.1", f"Host: {host}", f"Authorization: Bearer {r.token}",
             "Accept: application/json"]
    for k, v in (r.headers or {}).items():
        lines.append(f"{k}: {v}")
    body = r.body or ""
    if r.body is not None:
        lines.append("Content-Type: application/json")
        lines.append(f"Content-Length: {len(body.encode())}")
    return "\r\n".join(lines) + "\r\n\r\n" + body


COMMON = r"""
local threads = {}
local tcount = 0
function setup(thread)
  thread:set("tid", tcount)
  tcount = tcount + 1
  table.insert(threads, thread)
end
c2, c3, c4, c5, c409, c412 = 0, 0, 0, 0, 0, 0
local function count(status)
  if status < 300 then c2 = c2 + 1
  elseif status < 400 then c3 = c3 + 1
  elseif status < 500 then
    c4 = c4 + 1
    if status == 409 then c409 = c409 + 1 elseif status == 412 then c412 = c412 + 1 end
  else c5 = c5 + 1 end
end
function done(summary, latency, requests)
  local t = {c2 = 0, c3 = 0, c4 = 0, c5 = 0, c409 = 0, c412 = 0}
  for _, th in ipairs(threads) do
    for k, _ in pairs(t) do t[k] = t[k] + (tonumber(th:get(k)) or 0) end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests":%d,"duration_us":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f,' ..
    '"c2":%d,"c3":%d,"c4":%d,"c5":%d,"c409":%d,"c412":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean, t.c2, t.c3, t.c4, t.c5, t.c409, t.c412,
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""

ROTATE = r"""
local n = #reqs
local i = 0
function init(args)
  i = ((tid or 0) * 7919) % n
end
function request()
  i = i % n + 1
  return reqs[i]
end
function response(status, headers, body)
  count(status)
end
"""

MIX = r"""
-- pools: list of {weight, requests}
local total = 0
for _, p in ipairs(pools) do total = total + p[1] end
local idx = {}
function init(args)
  math.randomseed(1234 + (tid or 0))
  for k, p in ipairs(pools) do idx[k] = math.random(#p[2]) end
end
function request()
  local r = math.random() * total
  for k, p in ipairs(pools) do
    r = r - p[1]
    if r <= 0 or k == #pools then
      idx[k] = idx[k] % #p[2] + 1
      return p[2][idx[k]]
    end
  end
end
function response(status, headers, body)
  count(status)
end
"""

PLAN_WRITES = r"""
-- plans: list of {path, goal_path, emp_token, mgr_token}; mode: "edit" or "cycle"
local mine = {}
local state = {}
local free = {}
local seq = 0
function init(args)
  local t = tid or 0
  for k, p in ipairs(plans) do
    if (k - 1) % nthreads == t then
      table.insert(mine, k)
      state[k] = {etag = nil, step = 0}
      table.insert(free, k)
    end
  end
end
local function hdrs(token, k)
  seq = seq + 1
  return {["Authorization"] = "Bearer " .. token, ["Accept"] = "application/json",
          ["X-Request-Id"] = "p" .. k .. "-" .. seq}
end
function request()
  local k = table.remove(free, 1)
  if k == nil then
    -- every plan of this thread is in flight (more connections than plans): read one
    k = mine[math.random(#mine)]
    local p = plans[k]
    return wrk.format("GET", p[1], hdrs(p[3], 0), nil)
  end
  local p, s = plans[k], state[k]
  if s.etag == nil then
    return wrk.format("GET", p[1], hdrs(p[3], k), nil)
  end
  if s.step == 0 then
    local h = hdrs(p[3], k)
    h["If-Match"] = s.etag
    h["Content-Type"] = "application/json"
    return wrk.format("PATCH", p[2], h, '{"description":"Maal redigeret i benchmark ' .. seq .. '"}')
  end
  local rev = string.match(s.etag, "(%d+)")
  local h = hdrs(s.step == 1 and p[3] or p[4], k)
  h["Content-Type"] = "application/json"
  return wrk.format("POST", p[1] .. "/signatures", h, '{"revision":' .. rev .. '}')
end
function response(status, headers, body)
  count(status)
  local rid = headers["x-request-id"] or headers["X-Request-Id"] or ""
  local k = tonumber(string.match(rid, "^p(%d+)-"))
  if k == nil or k == 0 or state[k] == nil then return end
  local s = state[k]
  if status >= 200 and status < 300 then
    local was_get = (s.etag == nil)
    s.etag = headers["etag"] or headers["ETag"]
    if not was_get then
      if mode == "cycle" then s.step = (s.step + 1) % 3 else s.step = 0 end
    else
      s.step = 0
    end
  else
    s.etag = nil
    s.step = 0
  end
  table.insert(free, k)
end
"""


def write_rotate(path: Path, reqs: list[Req], host: str) -> None:
    with open(path, "w") as f:
        f.write("reqs = {\n")
        for r in reqs:
            f.write(lua_str(raw_request(r, host)) + ",\n")
        f.write("}\n")
        f.write(COMMON)
        f.write(ROTATE)


def write_mix(path: Path, pools: list[tuple[float, list[Req]]], host: str) -> None:
    with open(path, "w") as f:
        f.write("pools = {\n")
        for w, reqs in pools:
            f.write(f"{{{w}, {{\n")
            for r in reqs:
                f.write(lua_str(raw_request(r, host)) + ",\n")
            f.write("}},\n")
        f.write("}\n")
        f.write(COMMON)
        f.write(MIX)


def write_plan_writes(path: Path, plans: list[tuple[str, str, str, str]], mode: str, threads: int) -> None:
    with open(path, "w") as f:
        f.write(f"mode = {lua_str(mode)}\nnthreads = {threads}\nplans = {{\n")
        for p in plans:
            f.write("{" + ", ".join(lua_str(x) for x in p) + "},\n")
        f.write("}\n")
        f.write(COMMON)
        f.write(PLAN_WRITES)


def run(url: str, script: Path, duration_s: int, connections: int, threads: int,
        timeout_s: int = 10, log: Path | None = None) -> WrkResult:
    cmd = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration_s}s",
           "--timeout", f"{timeout_s}s", "--latency", "-s", str(script), url]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=duration_s + timeout_s + 120)
    if log:
        with open(log, "a") as f:
            f.write(f"$ {' '.join(cmd)}\n{r.stdout}\n{r.stderr}\n")
    m = re.search(r"^BENCHJSON (\{.*\})$", r.stdout, re.M)
    if not m:
        raise RuntimeError(f"wrk produced no result (rc {r.returncode}): {r.stdout[-800:]} {r.stderr[-800:]}")
    d = json.loads(m.group(1))
    secs = d["duration_us"] / 1e6
    return WrkResult(
        requests=d["requests"], seconds=secs, rps=d["requests"] / secs if secs else 0.0,
        p50_ms=d["p50_us"] / 1000, p99_ms=d["p99_us"] / 1000, max_ms=d["max_us"] / 1000,
        s2xx=d["c2"], s3xx=d["c3"], s4xx=d["c4"], s5xx=d["c5"], s409=d["c409"], s412=d["c412"],
        socket_errors=d["connect"] + d["read"] + d["write"], timeouts=d["timeout"], raw=d,
    )
