# Sourced by the benchmarks that migrate from one PostgreSQL database into another (key-claims,
# refused-rows, orphans), once in the repository's folder with $work set: the server
# (127.0.0.1:${BENCH_PORT:-5432}), psql as `$pg`, locations under `$base`; builds Cutover if needed.
port=${BENCH_PORT:-5432}
pg="env PGOPTIONS=-cclient_min_messages=warning psql -h 127.0.0.1 -p $port -U postgres -v ON_ERROR_STOP=1 -q"
base="postgresql://postgres@127.0.0.1:$port"
mkdir -p "$work"
./cutover --version >/dev/null

# Drops each database named, and makes it again empty.
recreate() {
  for db in "$@"; do $pg -d postgres -c "drop database if exists $db with (force)" -c "create database $db"; done
}

# Seconds since a `date +%s.%N` reading, to two decimals' use.
seconds_since() {
  echo "$(date +%s.%N) - $1" | bc
}
