#!/usr/bin/env bash
# Checks Q7's ceiling statement (bench/src/eligibility.sql) against the API on varied histories:
# the benchmark's own check compares one person's answer; this one compares 1 600.
#
# Usage: bench/eligibility-check.sh [DIR-WITH-api]   (default: target/release)
# Needs python3, curl, psql, and the benchmark's database `plans_bench` on the local PostgreSQL
# with nobody connected to it (it is copied). On the copy the first 400 people's histories are
# shuffled with a fixed seed: ratings redrawn and some dropped, a 2025 rating for some, the
# Prime Minister's Bằng khen and the province's (valid, revoked, some revoked without a
# decision number), base-level titles, the Huân chương Lao động hạng Ba already held,
# disciplines. Then each of them is judged for both award-then-years award types, proposed on
# 2023-06-01 and 2025-03-01, by the API and by the statement, and the answers are compared.
# The copy is dropped afterwards.
set -euo pipefail

BIN=${1:-${CARGO_TARGET_DIR:-target}/release}
PORT=${PORT:-18082}
ROOT="postgres://root@127.0.0.1:5432"
COPY=plans_bench_eligibility
DATA=$(mktemp -d)
HERE=$(cd "$(dirname "$0")" && pwd)

SERVER=
cleanup() {
  if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
  psql -q "$ROOT/test" -c "DROP DATABASE IF EXISTS $COPY"
  rm -rf "$DATA"
}
trap cleanup EXIT
psql -q "$ROOT/test" -c "DROP DATABASE IF EXISTS $COPY" -c "CREATE DATABASE $COPY TEMPLATE plans_bench" 2> /dev/null
psql -q -v ON_ERROR_STOP=1 "$ROOT/$COPY" > /dev/null <<'SQL'
SELECT setseed(0.42);
CREATE TEMP TABLE people AS
  SELECT ('01910000-0000-7000-8000-' || lpad(to_hex(n), 12, '0'))::uuid AS id FROM generate_series(1, 400) n;
DELETE FROM duty_rating d USING people p WHERE d.subject_id = p.id AND random() < 0.12;
UPDATE duty_rating d
  SET rating = (ARRAY['EXCELLENT','EXCELLENT','GOOD','GOOD','GOOD','COMPLETED','NOT_COMPLETED'])[1 + floor(random() * 7)::int]
  FROM people p WHERE d.subject_id = p.id;
INSERT INTO duty_rating (id, subject_kind, subject_id, year, rating, created_at)
  SELECT gen_random_uuid(), 'INDIVIDUAL', p.id, 2025, (ARRAY['EXCELLENT','GOOD','COMPLETED'])[1 + floor(random() * 3)::int], now()
  FROM people p WHERE random() < 0.3 ON CONFLICT DO NOTHING;
CREATE TEMP TABLE extra (code text, f date, t date, status text, p uuid);
INSERT INTO extra SELECT 'BANG_KHEN_THU_TUONG', make_date(y - 4, 1, 1), make_date(y, 12, 31),
    CASE WHEN random() < 0.25 THEN 'REVOKED' ELSE 'VALID' END, p.id
  FROM people p, LATERAL (SELECT 2014 + floor(random() * 9)::int AS y) s WHERE random() < 0.45;
INSERT INTO extra SELECT 'BANG_KHEN_TINH', make_date(y - 1, 1, 1), make_date(y, 12, 31),
    CASE WHEN random() < 0.2 THEN 'REVOKED' ELSE 'VALID' END, p.id
  FROM people p, LATERAL (SELECT 2012 + floor(random() * 12)::int AS y) s WHERE random() < 0.45;
INSERT INTO extra SELECT 'CSTD_CO_SO', make_date(y, 1, 1), make_date(y, 12, 31),
    CASE WHEN random() < 0.1 THEN 'REVOKED' ELSE 'VALID' END, p.id
  FROM people p, generate_series(2015, 2025) y WHERE random() < 0.5
    AND NOT EXISTS (SELECT 1 FROM award_record a WHERE a.recipient_id = p.id AND a.award_code = 'CSTD_CO_SO'
      AND extract(year FROM a.achievement_to) = y);
INSERT INTO extra SELECT 'HUAN_CHUONG_LAO_DONG_HANG_BA', make_date(y - 4, 1, 1), make_date(y, 12, 31), 'VALID', p.id
  FROM people p, LATERAL (SELECT 2016 + floor(random() * 9)::int AS y) s WHERE random() < 0.08;
INSERT INTO award_record (id, recipient_kind, recipient_id, award_type_id, award_code, achievement_from,
    achievement_to, kind, decision_number, decided_on, issuer_name, status, revoked_on, revocation_reason,
    revocation_decision, version, created_at, updated_at)
  SELECT gen_random_uuid(), 'INDIVIDUAL', e.p,
    (SELECT t.id FROM award_type t WHERE t.code = e.code ORDER BY t.valid_from <= e.t DESC, t.valid_from DESC LIMIT 1),
    e.code, e.f, e.t, 'REGULAR', floor(random() * 900)::int || '/QĐ-X', e.t + 30, 'Giám đốc', e.status,
    CASE WHEN e.status = 'REVOKED' THEN e.t + 200 END, CASE WHEN e.status = 'REVOKED' THEN 'sai phạm' END,
    CASE WHEN e.status = 'REVOKED' AND random() < 0.7 THEN floor(random() * 900)::int || '/QĐ-TH' END, 1, now(), now()
  FROM extra e;
INSERT INTO discipline (id, person_id, form, decision_ref, decided_on, effective_from, effective_to, created_at)
  SELECT gen_random_uuid(), p.id, (ARRAY['REPRIMAND','WARNING','DEMOTION','DISMISSAL'])[1 + floor(random() * 4)::int],
    floor(random() * 900)::int || '/QĐ-KL', make_date(y, 3, 1), make_date(y, 3, 1), make_date(y + 1, 2, 28), now()
  FROM people p, LATERAL (SELECT 2014 + floor(random() * 11)::int AS y) s WHERE random() < 0.12;
SQL

APP_RATE_PRINCIPAL=1000000000 APP_RATE_PRINCIPAL_BURST=2000000000 RUST_LOG=warn \
  "$BIN/api" --listen "127.0.0.1:$PORT" --database-url "$ROOT/$COPY?sslmode=disable" \
  --data-dir "$DATA" > "$DATA/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 60); do
  curl -sf "localhost:$PORT/healthz" > /dev/null && break
  sleep 1
done
TOKEN=$("$BIN/api" token --role PROVINCE_ADMIN --data-dir "$DATA" 2>/dev/null | tail -1)

python3 - "$PORT" "$TOKEN" "$ROOT/$COPY" "$HERE/src/eligibility.sql" <<'PY'
import base64, json, subprocess, sys, urllib.request, uuid
port, token, db, statement = sys.argv[1], sys.argv[2], sys.argv[3], open(sys.argv[4]).read()
query = ("query($n: ID!, $t: ID!, $asOf: Date) { eligibility(nomineeId: $n, awardTypeId: $t, asOf: $asOf) "
         "{ eligible earliestEligibleYear conditions { code met description source evidence { kind id year description } } } }")
def glob(kind, id):
    return base64.urlsafe_b64encode(f"{kind}:{id}".encode()).decode().rstrip("=")
compared, differ, outcomes = 0, 0, {}
for code in ["HUAN_CHUONG_LAO_DONG_HANG_BA", "BANG_KHEN_THU_TUONG"]:
    award_type = subprocess.run(["psql", "-Atc", f"SELECT id FROM award_type WHERE code = '{code}' LIMIT 1", db],
                                capture_output=True, text=True, check=True).stdout.strip()
    for as_of in ["2023-06-01", "2025-03-01"]:
        for n in range(1, 401):
            person = str(uuid.UUID(int=0x0191_0000_0000_7000_8000_0000_0000_0000 | n))
            body = {"query": query, "variables": {"n": glob("Person", person), "t": glob("AwardType", award_type), "asOf": as_of}}
            request = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", data=json.dumps(body).encode(),
                                             headers={"content-type": "application/json", "authorization": f"Bearer {token}"})
            api = json.load(urllib.request.urlopen(request))
            api.pop("extensions", None)
            sql = statement.replace("$PERSON", person).replace("$AWARD_TYPE", award_type).replace("$THIS_YEAR", as_of[:4])
            ran = subprocess.run(["psql", "-Atq", "-v", "ON_ERROR_STOP=1", db], input=sql, capture_output=True, text=True)
            if ran.returncode != 0:
                sys.exit(f"{code} {as_of} person {n}: the statement failed: {ran.stderr}")
            mine = json.loads(ran.stdout)
            compared += 1
            answer = api["data"]["eligibility"]
            key = (answer["eligible"], answer["earliestEligibleYear"])
            outcomes[key] = outcomes.get(key, 0) + 1
            if mine != api:
                differ += 1
                if differ <= 3:
                    print(f"{code} {as_of} person {n}:\n  API       {json.dumps(api, ensure_ascii=False)}\n  statement {json.dumps(mine, ensure_ascii=False)}")
summary = ", ".join(f"{count} {'eligible' if e else 'not eligible'}{f' (earliest {y})' if y else ''}"
                    for (e, y), count in sorted(outcomes.items(), key=lambda kv: -kv[1]))
print(f"{compared} judgements compared, {differ} differ; the API answered: {summary}")
sys.exit(1 if differ else 0)
PY
