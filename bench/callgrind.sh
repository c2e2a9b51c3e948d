#!/usr/bin/env bash
# Instructions the release server executes per request, counted by valgrind's callgrind: the
# same figure for the same binary and data whatever else the machine is doing, where the
# benchmark's throughput drifts by a quarter within minutes on a shared VM. For A/B of server
# changes too small for the benchmark to resolve.
#
# Usage: bench/callgrind.sh [DIR-WITH-api] [REQUESTS]   (default: target/release, 500)
# Needs valgrind, python3, curl, psql, and the benchmark's database `plans_bench` on the local
# PostgreSQL (made by a run of `bench --postgres …`; it stays for `--reuse`). Each query is sent
# 200 times to warm up, then REQUESTS times counted, one at a time over one connection; the
# profiles stay in $OUT (default /tmp/callgrind-<pid>) for callgrind_annotate. Each query has a
# budget (below); the script exits 1 when one is over it.
set -euo pipefail

BIN=${1:-${CARGO_TARGET_DIR:-target}/release}
N=${2:-500}
PORT=${PORT:-18080}
DB="postgres://root@127.0.0.1:5432/plans_bench?sslmode=disable"
OUT=${OUT:-/tmp/callgrind-$$}
mkdir -p "$OUT/data"

APP_POOL_SIZE=16 APP_RATE_ANONYMOUS=1000000000 APP_RATE_ANONYMOUS_BURST=2000000000 \
  APP_RATE_PRINCIPAL=1000000000 APP_RATE_PRINCIPAL_BURST=2000000000 RUST_LOG=warn \
  valgrind --tool=callgrind --callgrind-out-file="$OUT/api.%p.out" \
  "$BIN/api" --listen "127.0.0.1:$PORT" --database-url "$DB" --log-format json \
  --data-dir "$OUT/data" > "$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 120); do
  curl -sf "localhost:$PORT/healthz" > /dev/null && break
  sleep 2
done
TOKEN=$("$BIN/api" token --role PROVINCE_ADMIN --data-dir "$OUT/data" 2>/dev/null | tail -1)
global() { python3 -c 'import base64,sys; print(base64.urlsafe_b64encode(sys.argv[1].encode()).decode().rstrip("="))' "$1"; }
AUDITED=$(global "Plan:$(psql -Atc "SELECT object_id FROM audit_event WHERE object_type = 'plan' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1" "$DB")")
LEAD=$(global "Unit:$(psql -Atc "SELECT unit_id FROM assignment WHERE target_id IS NOT NULL AND role = 'LEAD' AND unit_id IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 DESC LIMIT 1" "$DB")")
BUSIEST_ID=$(psql -Atc "SELECT plan_id FROM task GROUP BY 1 ORDER BY count(*) DESC LIMIT 1" "$DB")
BUSIEST=$(global "Plan:$BUSIEST_ID")
# The unit with the most tasks assigned directly, and the year 2022 (the benchmark's Q5 and
# its SCORECARD_YEAR).
DIRECT=$(global "Unit:$(psql -Atc "SELECT unit_id FROM assignment WHERE unit_id IS NOT NULL AND task_id IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 DESC LIMIT 1" "$DB")")
# Q7 asks, as the benchmark does, for the first generated person and the Huân chương Lao động
# hạng Ba as of 2025-03-01.
PERSON=$(global "Person:01910000-0000-7000-8000-000000000001")
ORDER=$(global "AwardType:$(psql -Atc "SELECT id FROM award_type WHERE code = 'HUAN_CHUONG_LAO_DONG_HANG_BA' ORDER BY valid_from DESC LIMIT 1" "$DB")")
# Q4 asks for the second quarter of the busiest plan's year of issue, as the benchmark's plan.
YEAR=$(psql -Atc "SELECT extract(year FROM issued_on)::int FROM plan WHERE id = '$BUSIEST_ID'" "$DB")

# Sends one request N times over one kept-alive connection; any error stops the script.
drive() {
  python3 - "$PORT" "$1" "$2" "$3" "$4" <<'PY'
import http.client, json, sys
port, n, query, variables, token = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
body = json.dumps({"query": query, "variables": json.loads(variables)})
headers = {"content-type": "application/json"}
if token:
    headers["authorization"] = "Bearer " + token
connection = http.client.HTTPConnection("127.0.0.1", port)
for _ in range(n):
    connection.request("POST", "/graphql", body, headers)
    response = connection.getresponse()
    answer = response.read()
    if response.status != 200 or b'"errors"' in answer:
        sys.exit(f"failed: {response.status} {answer[:300]!r}")
PY
}

# Each query's budget: its count when the budget was set (thirty-first session, 9d00ac3 on a
# freshly generated database) and a tenth more, for the drift of the data a run's writes leave
# behind. A change that spends more fails the script: a regression guard that does not move
# with the machine's minute, as the benchmark's throughputs do.
OVER=0

measure() { # name budget query variables token
  local name=$1 budget=$2
  shift 2
  drive 200 "$1" "$2" "$3"
  callgrind_control --zero "$SERVER" > /dev/null 2>&1
  drive "$N" "$1" "$2" "$3"
  callgrind_control --dump="$name" "$SERVER" > /dev/null 2>&1
  sleep 1
  local profile
  profile=$(ls -t "$OUT"/api."$SERVER".out.* | head -1)
  local total
  total=$(grep -E "^(summary|totals):" "$profile" | head -1 | awk '{print $2}')
  local per=$((total / N)) within=yes
  if [ "$per" -gt "$budget" ]; then within="**no**"; OVER=1; fi
  printf '| %s | %s | %s | %s |\n' "$name" "$per" "$budget" "$within"
}

echo "| query | server instructions per request ($N requests, $BIN/api) | budget | within |"
echo "|---|---|---|---|"
measure Q11 380000 'query($after: String) { tasks(first: 20, after: $after) { nodes { code title status } } }' '{"after": null}' ""
measure Q2 570000 '{ plans(first: 20) { totalCount nodes { documentNumber title issuedOn status issuer { name } } } }' '{}' ""
measure Q14 680000 'query($o: ID) { auditEvents(first: 20, filter: { objectId: $o }) { totalCount nodes { occurredAt actor actorUnit { name } action objectType before after } pageInfo { hasNextPage } } }' "{\"o\": \"$AUDITED\"}" "$TOKEN"
measure Q1 2200000 'query($id: ID!) { plan(id: $id) { tasks(first: 50) { nodes { code title status assignments { role unit { name } } latestProgress { percent reportedAt } } } } }' "{\"id\": \"$BUSIEST\"}" ""
measure Q10 1120000 '{ units(first: 50) { totalCount nodes { code name parent { name } children(first: 10) { totalCount nodes { name } } } } }' '{}' ""
measure Q4 1050000 'query($id: ID!, $period: String!) { planProgress(planId: $id, period: $period) { percent taskCount timeliness { timeliness count } areas { taskCount percent } reports { level dueOn expected onTime late missing { name } pending { name } } targets { actual met } } }' "{\"id\": \"$BUSIEST\", \"period\": \"${YEAR}Q2\"}" ""
measure Q5 760000 'query($id: ID!, $year: Int!) { unitScorecard(unitId: $id, year: $year) { asOf tasks { role timeliness count } reports { period { code } onTime late missing pending } targetsMet { met notMet unknown } } }' "{\"id\": \"$DIRECT\", \"year\": 2022}" ""
measure Q7 1360000 'query($n: ID!, $t: ID!, $asOf: Date) { eligibility(nomineeId: $n, awardTypeId: $t, asOf: $asOf) { eligible earliestEligibleYear conditions { code met description source evidence { kind id year description } } } }' "{\"n\": \"$PERSON\", \"t\": \"$ORDER\", \"asOf\": \"2025-03-01\"}" "$TOKEN"
measure Q13 2400000 'query($u: ID) { targets(first: 20, filter: { unitId: $u }) { totalCount nodes { code statement measureUnit targetValue targetYear plan { documentNumber } lead { name } breakdown { groups { code label rows { code label baseline target unit { name } } subtotal { baseline target } } total { baseline target } } } } }' "{\"u\": \"$LEAD\"}" ""
[ "$OVER" -eq 0 ] || { echo "over budget: see the rows marked **no**" >&2; exit 1; }
