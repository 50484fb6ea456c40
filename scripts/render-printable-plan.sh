#!/usr/bin/env bash
# Renders the demo's printable plan in headless Chromium, in Danish and in English, to PNG and
# PDF, after adding a goal whose text holds <script> (it must show as text) and signing the new
# version. Needs Debian's chromium (`apt-get install chromium`). Usage:
#   scripts/render-printable-plan.sh [output-folder]      (default target/printable)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

out="${1:-target/printable}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
chromium_bin="$(command -v chromium || command -v chromium-browser || true)"
[ -n "$chromium_bin" ] || { echo "chromium is not installed: apt-get install chromium" >&2; exit 2; }

export DEVPLAN_JWT_SECRET="render-script-secret-render-script-secret"
export DEVPLAN_BIND="127.0.0.1:${PORT:-18080}"
base="http://$DEVPLAN_BIND/api/v1"
cargo build -q -p devplan-api
bin="${CARGO_TARGET_DIR:-target}/debug/devplan"

"$bin" demo --file "$out/demo.db" >"$out/demo.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -fs "http://$DEVPLAN_BIND/healthz" >/dev/null && break; sleep 0.2; done

employee="$("$bin" token --sub E-016 --roles employee)"
manager="$("$bin" token --sub E-004 --roles employee,manager)"
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

plan="$(curl -fs -H "Authorization: Bearer $employee" "$base/plans?status=agreed" | json 'd["items"][0]["id"]')"
# A goal whose text is markup: the form must print it, never run it. It opens version 2.
curl -fs -X POST -H "Authorization: Bearer $manager" -H 'content-type: application/json' \
  -d '{"description": "<script>alert(\"x\")</script> Dele viden med kolleger", "competence_kind": "social", "horizon": "short_term"}' \
  "$base/plans/$plan/goals" >/dev/null
for who in "$employee" "$manager"; do
  revision="$(curl -fs -H "Authorization: Bearer $who" "$base/plans/$plan" | json 'd["revision"]')"
  curl -fs -X POST -H "Authorization: Bearer $who" -H 'content-type: application/json' \
    -d "{\"revision\": $revision}" "$base/plans/$plan/signatures" >/dev/null
done

status=0
for lang in da en; do
  curl -fs -H "Authorization: Bearer $employee" -H 'Accept: text/html' -H "Accept-Language: $lang" \
    "$base/plans/$plan" >"$out/plan-$lang.html"
  profile="$(mktemp -d)"
  # Loopback only: every host name but 127.0.0.1 resolves to nothing.
  flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
         "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"
         --disable-component-update --disable-sync --hide-scrollbars "--user-data-dir=$profile")
  "$chromium_bin" "${flags[@]}" --window-size=1240,2200 --screenshot="$out/plan-$lang.png" "file://$out/plan-$lang.html" 2>/dev/null
  "$chromium_bin" "${flags[@]}" --no-pdf-header-footer --print-to-pdf="$out/plan-$lang.pdf" "file://$out/plan-$lang.html" 2>/dev/null
  rm -rf "$profile"
  if [ "$lang" = da ]; then
    headings=(Kompetenceudviklingsplan Udviklingsmål Handlingsplan Tidsplan Ansvarlig Evaluering "Åbne punkter" Medarbejder Leder)
  else
    headings=("Competence development plan" "Development goals" "Action plan" Timeline Responsible Evaluation "Open points" Employee Manager)
  fi
  for h in "${headings[@]}"; do
    grep -q "$h" "$out/plan-$lang.html" || { echo "$lang: missing $h" >&2; status=1; }
  done
  if grep -q '<script>' "$out/plan-$lang.html"; then echo "$lang: user text became markup" >&2; status=1; fi
  grep -q '&lt;script&gt;' "$out/plan-$lang.html" || { echo "$lang: the <script> goal is not shown as text" >&2; status=1; }
  [ -s "$out/plan-$lang.png" ] && [ -s "$out/plan-$lang.pdf" ] || { echo "$lang: chromium wrote nothing" >&2; status=1; }
done
[ "$status" = 0 ] && echo "rendered: $out/plan-da.png $out/plan-da.pdf $out/plan-en.png $out/plan-en.pdf"
exit "$status"
