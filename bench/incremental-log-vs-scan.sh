#!/usr/bin/env bash
# Incremental backups of one PostgreSQL table after N rows updated at random: changes found by
# scans (xmin, the default) against changes read from the write-ahead log (--follow-changes), each
# in a repository of its own, both backing up the same change, the order alternating per round.
# Prints each run's seconds and the WAL the change wrote (what the log's reader decodes).
#
#   bench/incremental-log-vs-scan.sh [ROUNDS] [N…]     # default 2 rounds of 1000 10000 100000
#
# Needs the table bench/backup-vs-restic.sh loads (events, database bench_backup_src) on a server
# with wal_level = logical: BENCH_PORT=5433 BENCH_FOLLOW_CHANGES=1 bench/backup-vs-restic.sh 10000000 1
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-2}; shift || true
sizes=("${@:-1000 10000 100000}"); sizes=(${sizes[*]})
. bench/logical-table.sh /tmp/cutover-bench-incremental bench_incremental
secs() { local s e; s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N); echo "$e - $s" | bc; }
scan() { $cutover backup "$src" --repo "$work/scan" --state "$work/state-scan" --quiet; }
log() { $cutover backup "$src" --repo "$work/log" --state "$work/state-log" --quiet --follow-changes=bench_incremental; }
$cutover backup init --repo "$work/scan" >/dev/null; $cutover backup init --repo "$work/log" >/dev/null
say "table $table: $rows rows, port $port; full backups: scan $(secs scan) s, log $(secs log) s"
for round in $(seq 1 "$rounds"); do
  for n in "${sizes[@]}"; do
    $pg -d postgres -c checkpoint >/dev/null
    before=$($pg -d $db -c "select pg_current_wal_lsn()")
    update_rows $n
    wal=$($pg -d $db -c "select pg_size_pretty(pg_wal_lsn_diff(pg_current_wal_lsn(), '$before'))")
    if [ $(( (round + n / 1000) % 2 )) -eq 0 ]; then s=$(secs scan); l=$(secs log); first=scan; else l=$(secs log); s=$(secs scan); first=log; fi
    say "round $round, $n rows updated (WAL $wal): scan $s s, log $l s ($first first)"
  done
done
say "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
