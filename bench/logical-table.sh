# Sourced by the benchmarks of backups that follow the write-ahead log (incremental-*.sh): the
# server with wal_level = logical ($BENCH_PORT, 5433: scripts/test-servers.sh's cutover_logical),
# the table bench/backup-vs-restic.sh loads there (events in bench_backup_src), a fresh work folder
# ($BENCH_DIR, else $1), the replication slot $2 dropped, and figures said to $work/figures.txt.
port=${BENCH_PORT:-5433}
work=${BENCH_DIR:-$1}
export PGPORT=$port CUTOVER_PASSWORD=bench-passphrase
pg="psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -qAt"
src=postgresql://postgres@127.0.0.1:$port/bench_backup_src
rows=$($pg -d bench_backup_src -c "select count(*) from events")
./cutover --version >/dev/null
rm -rf "$work"; mkdir -p "$work"
$pg -d bench_backup_src -c "select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = '$2'" >/dev/null
out="$work/figures.txt"; : > "$out"
say() { echo "$*" | tee -a "$out"; }
