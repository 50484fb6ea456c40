#!/usr/bin/env bash
# Checks the deployment files: docker-compose.yml against the Compose schema, and then what
# it describes, run with the binary `$1` on this machine's PostgreSQL: the migration job,
# the service with the compose file's environment, its health check, and a graceful stop.
# Where a container engine can pull images, it also builds the image and starts the stack;
# here none can (no engine for docker; podman runs but reaches no registry), and the script
# says so.
set -euo pipefail

BIN="$(realpath "$1")"
cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf -- '-- %s\n' "$*"; }

if ! command -v docker-compose >/dev/null 2>&1; then
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get install -y -q 'docker-compose=1.29.2-*' >/dev/null \
        || { $sudo apt-get update -q >/dev/null && $sudo apt-get install -y -q 'docker-compose=1.29.2-*' >/dev/null; }
fi

export DEVPLAN_JWT_SECRET="deploy-check-secret-0123456789-0123456789"
step "docker-compose config: docker-compose.yml is valid and every variable resolves"
docker-compose -f docker-compose.yml config -q
if DEVPLAN_JWT_SECRET="" docker-compose -f docker-compose.yml config -q 2>/dev/null; then
    echo "docker-compose.yml starts without DEVPLAN_JWT_SECRET; it must refuse" >&2
    exit 1
fi

# The services as the compose file resolves them (Debian's python3 has PyYAML beside
# docker-compose).
resolved="$(docker-compose -f docker-compose.yml config)"
field() {
    /usr/bin/python3 -c '
import sys, yaml, shlex
doc = yaml.safe_load(sys.stdin)
service, what = sys.argv[1], sys.argv[2]
s = doc["services"][service]
if what == "env":
    for k, v in sorted(s.get("environment", {}).items()):
        print(f"{k}={v}")
elif what == "command":
    print(" ".join(shlex.quote(c) for c in s["command"]))
elif what == "health":
    print(" ".join(shlex.quote(c) for c in s["healthcheck"]["test"][1:]))
' "$1" "$2" <<<"$resolved"
}

DB=devplan_deploy_check
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB" >/dev/null
local_env() {
    # The compose network's host `db` is this machine's PostgreSQL here.
    field "$1" env | sed -e "s#^DATABASE_URL=.*#DATABASE_URL=postgres://postgres@127.0.0.1:5432/$DB#"
}
PORT=18095
# Replaces the (sub)shell it runs in, so `$!` of `run_as … &` is devplan itself.
run_as() {
    local service="$1"; shift
    exec env -i PATH="$PATH" HOME="$HOME" $(local_env "$service") DEVPLAN_BIND="127.0.0.1:$PORT" "$@"
}

step "the migrate job: $(field migrate command)"
(run_as migrate "$BIN" $(field migrate command)) 2>/dev/null | tail -1

step "the devplan service: $(field devplan command), with the compose file's environment"
log="$(mktemp)"
run_as devplan "$BIN" $(field devplan command) >"$log" 2>&1 &
pid=$!
health="$(field devplan health | sed -e "s#127.0.0.1:8080#127.0.0.1:$PORT#")"
step "its health check: $health"
for _ in $(seq 60); do
    if eval "$BIN ${health#devplan }" 2>/dev/null; then break; fi
    sleep 0.5
done
eval "$BIN ${health#devplan }"
grep -q '"request_id"' "$log" || { echo "the log is not JSON lines with request ids:"; cat "$log"; exit 1; }

step "SIGTERM: a graceful stop"
kill -TERM "$pid"
for _ in $(seq 80); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
if kill -0 "$pid" 2>/dev/null; then
    echo "devplan did not stop within 40 s of SIGTERM" >&2
    kill -KILL "$pid"; exit 1
fi
wait "$pid" || { echo "devplan exited with an error on SIGTERM:"; tail -5 "$log"; exit 1; }
grep -q 'devplan stopped' "$log"
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $DB" >/dev/null
rm -f "$log"

step "a container engine"
engine=""
for e in docker podman; do
    if command -v "$e" >/dev/null 2>&1 && timeout 60 "$e" pull -q docker.io/library/postgres:16 >/dev/null 2>&1; then
        engine="$e"; break
    fi
done
if [ -z "$engine" ]; then
    echo "no container engine here can pull images (docker: no engine; podman: no registry)," \
         "so the image is not built; the files were checked as above"
    exit 0
fi
"$engine" build -t devplan:latest .
"$engine" run --rm devplan:latest --help >/dev/null
echo "the image builds with $engine and its binary runs"
