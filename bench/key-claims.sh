#!/usr/bin/env bash
# What guarding keys costs (docs/design.md, "One row, one source record"): a PostgreSQL table of ROWS
# users migrated into a new table keyed by its own id (as generated: no claims, loaded as bulk
# text), keyed by id but made to go record by record (a `trim` on a non-key column: no claims either,
# the baseline for the guard's own cost), and keyed by `lowercase(email)` (each key claimed in the
# batch's transaction; 1% of the emails differ only in case, so 1% of the records are set aside).
#
#   bench/key-claims.sh [ROWS] [ROUNDS]   # default 200000 rows, 3 rounds
#
# Needs PostgreSQL on 127.0.0.1:${BENCH_PORT:-5432}.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-200000}
rounds=${2:-3}
work=${BENCH_DIR:-/tmp/cutover-bench-claims}
. bench/two-databases.sh

recreate bench_claims_src bench_claims_dst
$pg -d bench_claims_src -c "create table users (id bigint primary key, email text not null, name text not null)" \
    -c "insert into users select g, case when g % 100 = 0 then 'User' || (g - 1) || '@Example.com' else 'user' || g || '@example.com' end,
        'name ' || g from generate_series(1, $rows) g"
./cutover plan "$base/bench_claims_src" "$base/bench_claims_dst" -o "$work/by-id.yaml" --force --quiet
sed -i 's/deadLetterLimit: "[^"]*"/deadLetterLimit: "none"/' "$work/by-id.yaml"
# record by record, still keyed by id: a transform on a column that is not the key
sed 's/      - name: name\n/&/; /      - name: name/{n;s/\(        from: name\)/\1\n        transform: trim/}' "$work/by-id.yaml" > "$work/records.yaml"
# keyed by the lowercased email
sed 's/key: \[id\]/key: [email]/; /      - name: email/{n;s/\(        from: email\)/\1\n        transform: lowercase/}' "$work/by-id.yaml" > "$work/by-email.yaml"
grep -q "transform: trim" "$work/records.yaml" && grep -q "transform: lowercase" "$work/by-email.yaml"

for plan in by-id records by-email; do
  for round in $(seq 1 "$rounds"); do
    $pg -d bench_claims_dst -c "drop table if exists users" -c "drop schema if exists cutover cascade" # a first run each time
    rm -rf "$work/state"
    start=$(date +%s.%N)
    set +e
    ./cutover migrate "$work/$plan.yaml" --no-backup --quiet --state "$work/state" >/dev/null
    code=$?
    set -e
    elapsed=$(seconds_since "$start")
    written=$($pg -At -d bench_claims_dst -c "select count(*) from users")
    aside=$(cat "$work"/state/runs/m-*/dead-letter.ndjson 2>/dev/null | wc -l)
    printf '%-9s %d rows, %d written, %d set aside, exit %d, %.2f s\n' "$plan" "$rows" "$written" "$aside" "$code" "$elapsed"
  done
done
