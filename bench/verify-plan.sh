#!/usr/bin/env bash
# Benchmark of verify's streamed engine (issue 4): `cutover verify plan.yaml` of the 2.1M-document
# export that bench/migrate-vs-copy.sh generates and migrates (run that first: it leaves the export,
# the plan and the migrated database bench_cutover behind). The export is read and mapped through
# the plan, the six tables are read back from PostgreSQL, and both sides are compared by hash
# buckets. Runs ROUNDS times with -Xmx256m under GNU time; prints wall time, rows/s and peak RSS.
#
#   bench/verify-plan.sh [ROUNDS]     # default 3
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
work=${BENCH_DIR:-/tmp/cutover-bench}
[ -f "$work/plan.yaml" ] || { echo "run bench/migrate-vs-copy.sh first (no $work/plan.yaml)"; exit 2; }
command -v /usr/bin/time >/dev/null || { apt-get install -y -qq time >/dev/null; }
./cutover --version >/dev/null
for r in $(seq 1 "$rounds"); do
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  CUTOVER_JAVA_OPTS="-Xmx256m" /usr/bin/time -v -o "$work/time-verify-$r.txt" \
    ./cutover verify "$work/plan.yaml" --state "$work/verify-state" --quiet --json > "$work/verify-$r.json" || [ $? = 1 ]
  python3 - "$work" "$r" "$load" <<'PY'
import json, sys
work, r, load = sys.argv[1], sys.argv[2], sys.argv[3]
d = json.load(open(f"{work}/verify-{r}.json"))
rss = max(int(l.split()[-1]) for l in open(f"{work}/time-verify-{r}.txt") if "Maximum resident" in l) // 1024
secs = d["durationMillis"] / 1000
print(f"round {r}: equal={d['equal']} {d['rowsCompared']:,} rows in {secs:.1f} s = {d['rowsCompared'] / secs:,.0f} rows/s,"
      f" {len(d['differenceList'])} differences, refused {d['summary'].get('refusedBySource', {})}, peak RSS {rss} MiB (load {load})")
PY
done
