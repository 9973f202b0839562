#!/usr/bin/env bash
# Scheduled backups that follow the write-ahead log (`backup --every 30s --follow-changes`): one
# process stays up, reads the slot ahead between runs, and each run stores what changed. After the
# first run (a full backup), before each later run, N rows are updated at random just after the
# previous run ended; the run's own time (its log line) is the incremental's. Prints every run.
#
#   bench/incremental-every.sh [ROUNDS] [N…]     # default 3 rounds of 100000 (1% of 10M rows)
#
# Needs the table bench/backup-vs-restic.sh loads (events, database bench_backup_src) on a server
# with wal_level = logical: BENCH_PORT=5433 BENCH_FOLLOW_CHANGES=1 bench/backup-vs-restic.sh 10000000 1;
# or, with BENCH_TEXT_KEYS=1, the one bench/text-keys-table.sh loads. BENCH_EVERY sets the interval
# (default 30s: longer than the full backup's first run leaves it waiting for nothing).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}; shift || true
sizes=("${@:-100000}"); sizes=(${sizes[*]})
. bench/logical-table.sh /tmp/cutover-bench-every bench_every
$cutover backup init --repo "$work/repo" >/dev/null
log="$work/runs.log"
$cutover backup "$src" --repo "$work/repo" --state "$work/state" --follow-changes=bench_every --every "${BENCH_EVERY:-30s}" > "$log" 2>/dev/null &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; drop_slot' EXIT
runs() { grep -c "backup run" "$log" || true; }
wait_runs() { while [ "$(runs)" -lt "$1" ]; do sleep 0.2; done; }
wait_runs 1
say "table $table: $rows rows, port $port; run 1 (full): $(grep "backup run 1:" "$log" | sed 's/.* in \(.*\); next.*/\1/')"
run=1
for round in $(seq 1 "$rounds"); do
  for n in "${sizes[@]}"; do
    update_rows $n
    run=$((run + 1)); wait_runs $run
    say "round $round, $n rows updated: run $run $(grep "backup run $run:" "$log" | sed 's/.*records, 0 files, \(.*\); next.*/\1/')"
  done
done
say "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
