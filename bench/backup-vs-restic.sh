#!/usr/bin/env bash
# Benchmark of the backup repository (issue 5): `cutover backup postgresql://…` against
# `pg_dump | restic backup --stdin` of the same database (ROWS rows), then 1% of the rows updated at
# random (BENCH_CHANGED rows) and a second backup with both; then `cutover restore` into an empty database against a
# plain `psql \copy` of the same rows (table with its primary key created first, as restore does).
# Each side runs ROUNDS times, alternating which goes first; every figure of every round is printed.
# With BENCH_FOLLOW_CHANGES, then ROUNDS processes that stay up (`backup --every --follow-changes`),
# each a full backup and two incrementals after the same change (bench/incremental-every.sh).
#
#   bench/backup-vs-restic.sh [ROWS] [ROUNDS]     # default 1000000 rows, 2 rounds
#   BENCH_PORT=5433 BENCH_FOLLOW_CHANGES=1 bench/backup-vs-restic.sh …
#       # on the test cluster with wal_level = logical (scripts/test-servers.sh), Cutover's backups
#       # finding the changes in the write-ahead log (--follow-changes) instead of by scans
#   BENCH_CUTOVER_ARGS="--compression-level 1" bench/backup-vs-restic.sh …   # more flags for Cutover's backups
#
# Needs PostgreSQL on 127.0.0.1:$BENCH_PORT (5432; trust auth) and restic (apt-get install restic).
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
rounds=${2:-2}
changed=${BENCH_CHANGED:-$((rows / 100))} # rows updated at random before the second backup (1%)
work=${BENCH_DIR:-/tmp/cutover-bench-backup}
port=${BENCH_PORT:-5432}
follow=()
[ -n "${BENCH_FOLLOW_CHANGES:-}" ] && follow=(--follow-changes=bench_backup)
read -r -a extra <<< "${BENCH_CUTOVER_ARGS:-}"
export PGPORT=$port
pg="psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -q"
src=postgresql://postgres@127.0.0.1:$port/bench_backup_src
export CUTOVER_PASSWORD=bench-passphrase RESTIC_PASSWORD=bench-passphrase
command -v restic >/dev/null || apt-get install -y -qq restic >/dev/null
mkdir -p "$work"
./cutover --version >/dev/null

fresh() {
  $pg -d postgres -c "select pg_drop_replication_slot(slot_name) from pg_replication_slots where database = '$1'" >/dev/null
  $pg -d postgres -c "drop database if exists $1 with (force)" -c "create database $1"
}
now() { date +%s.%N; }
size() { du -sb "$1" | cut -f1; }
out="$work/figures.txt"; : > "$out"
say() { echo "$*" | tee -a "$out"; }

echo "== loading $rows rows"
fresh bench_backup_src
$pg -d bench_backup_src <<SQL
create table events (id bigint primary key, account text not null, kind text not null, amount numeric(12,2),
                     created timestamptz not null, payload text);
insert into events select g, 'acct_' || (g % 50000), (array['click','view','buy','refund'])[1 + g % 4], (g % 100000) / 100.0,
       timestamptz '2024-01-01 00:00:00+00' + g * interval '7 seconds', md5(g::text) || ' ' || md5((g * 31)::text) || ' ' || repeat('x', g % 60)
from generate_series(1, $rows) g;
vacuum analyze events;
SQL
dump_bytes=$(pg_dump -h 127.0.0.1 -U postgres -d bench_backup_src | wc -c)
say "machine: $(nproc) cores, $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p; s/^CPU family: *\(.*\)/family \1/p; s/^Model: *\(.*\)/model \1/p' | paste -sd' ')"
say "database: port $port${follow:+, cutover ${follow[*]}}${extra:+, cutover ${extra[*]}}, $rows rows, pg_dump output $dump_bytes bytes, table $($pg -d bench_backup_src -Atc "select pg_size_pretty(pg_total_relation_size('events'))")"

restic_backup() { # $1 repo; prints seconds
  local s e; s=$(now)
  pg_dump -h 127.0.0.1 -U postgres -d bench_backup_src | restic -r "$1" backup --stdin --stdin-filename bench.sql -q >/dev/null
  e=$(now); echo "$e - $s" | bc
}
cutover_backup() { # $1 repo; prints seconds
  local s e; s=$(now)
  ./cutover backup "$src" --repo "$1" --state "$work/state" --quiet "${follow[@]}" ${extra[@]+"${extra[@]}"}
  e=$(now); echo "$e - $s" | bc
}

for round in $(seq 1 "$rounds"); do
  rr="$work/restic-$round"; cr="$work/cutover-$round"
  rm -rf "$rr" "$cr"
  restic -r "$rr" init -q >/dev/null
  ./cutover backup init --repo "$cr" >/dev/null
  $pg -d bench_backup_src -c "select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = 'bench_backup'" >/dev/null
  $pg -d postgres -c checkpoint
  if [ $((round % 2)) -eq 1 ]; then rt=$(restic_backup "$rr"); ct=$(cutover_backup "$cr"); else ct=$(cutover_backup "$cr"); rt=$(restic_backup "$rr"); fi
  rs=$(size "$rr"); cs=$(size "$cr")
  say "round $round full:        restic $rt s, repo $rs bytes | cutover $ct s, repo $cs bytes"
  $pg -d bench_backup_src -c "update events set amount = amount + 1, payload = payload || '!' where id in (select id from events order by random() limit $changed)"
  $pg -d postgres -c checkpoint
  if [ $((round % 2)) -eq 1 ]; then rti=$(restic_backup "$rr"); cti=$(cutover_backup "$cr"); else cti=$(cutover_backup "$cr"); rti=$(restic_backup "$rr"); fi
  say "round $round incremental ($changed rows changed): restic $rti s, added $(( $(size "$rr") - rs )) bytes | cutover $cti s, added $(( $(size "$cr") - cs )) bytes"
  # a command per backup pays the JVM's start, the key's derivation and connecting each time;
  # the schedule that stays up (backup --every --follow-changes) is measured by bench/incremental-every.sh
  say "round $round incremental against the full backup: restic $(echo "scale=1; 100 * $rti / $rt" | bc)% | cutover $(echo "scale=1; 100 * $cti / $ct" | bc)% of its time (a command per backup; bench/incremental-every.sh for a process that stays up), $(echo "scale=1; 100 * ($(size "$cr") - $cs) / $cs" | bc)% of its size"
done

echo "== restore vs COPY"
csv="$work/events.csv"
$pg -d bench_backup_src -c "\\copy events to '$csv' csv"
ddl="create table events (id bigint primary key, account text not null, kind text not null, amount numeric(12,2), created timestamptz not null, payload text)"
for round in $(seq 1 "$rounds"); do
  copy_once() {
    fresh bench_backup_copy; $pg -d bench_backup_copy -c "$ddl"; $pg -d postgres -c checkpoint
    local s e; s=$(now); $pg -d bench_backup_copy -c "\\copy events from '$csv' csv"; e=$(now); echo "$e - $s" | bc
  }
  restore_once() {
    fresh bench_backup_restore; rm -rf "$work/state-restore"; $pg -d postgres -c checkpoint
    local s e; s=$(now)
    ./cutover restore --repo "$work/cutover-1" latest postgresql://postgres@127.0.0.1:$port/bench_backup_restore --state "$work/state-restore" --quiet
    e=$(now); echo "$e - $s" | bc
  }
  if [ $((round % 2)) -eq 1 ]; then cp=$(copy_once); rt=$(restore_once); else rt=$(restore_once); cp=$(copy_once); fi
  restored=$($pg -d bench_backup_restore -Atc "select count(*) from events")
  say "round $round restore:     copy $cp s | cutover restore $rt s ($restored rows restored)"
done
if [ -n "${BENCH_FOLLOW_CHANGES:-}" ]; then
  # The goal's other reading: backups taken by a process that stays up (`backup --every
  # --follow-changes`), as a schedule takes them; the same change each time (BENCH_CHANGED rows at
  # random), its runs timed against its own full backup (bench/incremental-every.sh, ROUNDS times).
  echo "== a process that stays up"
  interval=${BENCH_EVERY:-$([ "$rows" -gt 2000000 ] && echo 30s || echo 5s)}
  # the restores' databases gone and the source vacuumed: autovacuum on a freshly loaded table is
  # a burst of work on the same two cores, which a run of 100 ms meets and a full backup averages out
  $pg -d postgres -c "drop database if exists bench_backup_copy with (force)" -c "drop database if exists bench_backup_restore with (force)"
  $pg -d bench_backup_src -c "vacuum analyze events"
  for round in $(seq 1 "$rounds"); do
    $pg -d postgres -c checkpoint
    for _ in $(seq 1 60); do
      [ "$($pg -d postgres -Atc "select count(*) from pg_stat_activity where backend_type = 'autovacuum worker'")" = 0 ] && break
      sleep 1
    done
    BENCH_DIR="$work/every-$round" BENCH_PORT=$port BENCH_EVERY=$interval bench/incremental-every.sh 2 "$changed" > "$work/every-$round.out"
    say "round $round scheduled, every $interval:$(grep 'against the full backup' "$work/every-$round.out" | sed 's/^runs 2-3//')"
  done
fi
say "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
# the slot would keep every byte of WAL written from now on (17 GB after a few benchmarks here)
[ -n "${BENCH_FOLLOW_CHANGES:-}" ] && $pg -d bench_backup_src -Atc "select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = 'bench_backup' and not active" >/dev/null
echo "== figures in $out"
