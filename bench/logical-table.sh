# Sourced by the benchmarks of backups that follow the write-ahead log (incremental-*.sh): the
# server with wal_level = logical ($BENCH_PORT, 5433: scripts/test-servers.sh's cutover_logical),
# the table bench/backup-vs-restic.sh loads there (events in bench_backup_src, bigint keys) or,
# with BENCH_TEXT_KEYS=1, the one bench/text-keys-table.sh loads (docs in bench_text, random text
# keys as document ids are), a fresh work folder ($BENCH_DIR, else $1), the replication slot $2
# dropped (before and when the benchmark ends), figures said to $work/figures.txt, and `update_rows N`, which updates N rows at random.
# $cutover runs Cutover ($BENCH_CUTOVER, else ./cutover: e.g. "java -jar other-build.jar").
port=${BENCH_PORT:-5433}
work=${BENCH_DIR:-$1}
export PGPORT=$port CUTOVER_PASSWORD=bench-passphrase
pg="psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -qAt"
if [ -n "${BENCH_TEXT_KEYS:-}" ]; then db=bench_text table=docs; else db=bench_backup_src table=events; fi
src=postgresql://postgres@127.0.0.1:$port/$db
rows=$($pg -d $db -c "select count(*) from $table")
cutover=${BENCH_CUTOVER:-./cutover}
$cutover --version >/dev/null
rm -rf "$work"; mkdir -p "$work"
slot=$2
# a slot left behind keeps every byte of WAL from its position on: dropped before and after
drop_slot() { $pg -d $db -c "select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = '$slot' and not active" >/dev/null; }
drop_slot
trap drop_slot EXIT
update_rows() {
  if [ $table = docs ]; then
    $pg -d $db -c "update docs set amount = amount + 1 where id in (select 'doc_' || md5((1 + floor(random() * $rows))::int::text) from generate_series(1, $1))"
  else
    $pg -d $db -c "update events set amount = amount + 1, payload = payload || '!' where id in (select (1 + floor(random() * $rows))::bigint from generate_series(1, $1))"
  fi
}
out="$work/figures.txt"; : > "$out"
say() { echo "$*" | tee -a "$out"; }
