#!/usr/bin/env bash
# A partial restore (`restore --where-key`) of the latest snapshot of a repository the scheduled
# benchmark wrote (bench/incremental-every.sh: a 1M-row events table, a base and its change layers),
# for a few key patterns: into an empty database (its rows checked equal, by md5, to the source's
# rows whose key matches), then `--dry-run` against the source itself (nothing to change: every
# matching row is unchanged). Each timed alternately with another build, if given. The source must
# not have changed since that snapshot was taken (the restored rows are checked against its rows now).
#
#   bench/restore-where-key.sh [PATTERN…]          # default: '12345*' '1*'
#
# BENCH_REPO: the repository (default /tmp/cutover-bench-every/repo); BENCH_PORT: the server that
# holds bench_backup_src (default 5433); BENCH_OTHER: another build's launcher to time beside this one.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${BENCH_PORT:-5433}
repo=${BENCH_REPO:-/tmp/cutover-bench-every/repo}
export PGPORT=$port CUTOVER_PASSWORD=bench-passphrase
pg="psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -qAt"
patterns=("${@:-12345*}"); [ $# -eq 0 ] && patterns=('12345*' '1*')
builds=(./cutover); [ -n "${BENCH_OTHER:-}" ] && builds=("$BENCH_OTHER" ./cutover)
for b in "${builds[@]}"; do $b --version >/dev/null; done
work=$(mktemp -d)
trap 'rm -rf "$work"; $pg -d postgres -c "drop database if exists bench_where_key with (force)" >/dev/null' EXIT
seconds_since() { echo "$(date +%s.%N) - $1" | bc; }
for pattern in "${patterns[@]}"; do
  like=$(printf '%s' "$pattern" | sed 's/\*/%/g; s/?/_/g')
  expected=$($pg -d bench_backup_src -c "select count(*) || ' ' || md5(coalesce(string_agg(e::text, '|' order by id), '')) from events e where id::text like '$like'")
  for b in "${builds[@]}"; do
    $pg -d postgres -c "drop database if exists bench_where_key with (force)" -c "create database bench_where_key" >/dev/null
    rm -rf "$work/state"
    s=$(date +%s.%N)
    $b restore --repo "$repo" latest "postgresql://postgres@127.0.0.1:$port/bench_where_key" --where-key "$pattern" --state "$work/state" --quiet
    restore_s=$(seconds_since "$s")
    got=$($pg -d bench_where_key -c "select count(*) || ' ' || md5(coalesce(string_agg(e::text, '|' order by id), '')) from events e")
    [ "$got" = "$expected" ] || { echo "restore of $pattern by $b: rows differ from the source's ($got, expected $expected)"; exit 1; }
    s=$(date +%s.%N)
    forecast=$($b restore --repo "$repo" latest "postgresql://postgres@127.0.0.1:$port/bench_backup_src" --where-key "$pattern" --dry-run --json --state "$work/state-dry")
    dry_s=$(seconds_since "$s")
    echo "$b, --where-key '$pattern' (${expected%% *} rows): restore $restore_s s (rows checked) | dry run over the source $dry_s s: $(echo "$forecast" | python3 -c 'import json,sys; d=json.load(sys.stdin); t=d["tables"]["events"]; print("insert %d, update %d, unchanged %d, only in target %d" % (t["insert"], t["update"], t["unchanged"], t["onlyInTarget"]))')"
  done
done
