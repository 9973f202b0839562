#!/usr/bin/env bash
# Loads the table the benchmarks of backups that follow the log use with BENCH_TEXT_KEYS=1
# (bench/logical-table.sh): docs in database bench_text, ROWS rows keyed by random text ids as
# Firestore's document ids are ('doc_' || md5(n)), so that key order and the heap's order differ.
#
#   bench/text-keys-table.sh [ROWS]     # default 10000000 (1.77 GB with its index; ~3 min)
set -euo pipefail
rows=${1:-10000000}
export PGPORT=${BENCH_PORT:-5433}
pg="psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -qAt"
$pg -d postgres -c "select pg_drop_replication_slot(slot_name) from pg_replication_slots where database = 'bench_text'" >/dev/null
$pg -d postgres -c "drop database if exists bench_text" -c "create database bench_text"
$pg -d bench_text -c "create table docs (id text primary key, owner text not null, title text, amount numeric(12,2), updated timestamptz not null)" \
  -c "insert into docs select 'doc_' || md5(g::text), 'user_' || (g % 5000), 'Title ' || g, g / 100.0, timestamptz '2024-01-01' + g * interval '1 second' from generate_series(1, $rows) g" \
  -c "vacuum analyze docs"
echo "docs: $rows rows, $($pg -d bench_text -c "select pg_size_pretty(pg_total_relation_size('docs'))")"
