#!/bin/bash
# bench/bench.sh - how fast is the harness?  Medians of several runs.
#
#   bench/bench.sh [-n RUNS] [-z ZONES] [CLIENT...]
#
# For each client (default: refclient postfix) it runs the whole catalog
# RUNS times (default 5) and prints the median world build time, world
# bring-up time (NSD + Unbound + fake MX, until a validated answer) and
# full run time (wall clock of `dane-harness run`).  With -z ZONES it also
# measures a world of ZONES signed scenario zones (copies of
# dane-ee-honest) against the reference client.  Needs root.
set -u
cd "$(dirname "$0")/.." || exit 2
runs=5
zones=0
while getopts n:z: opt; do
    case $opt in
    n) runs=$OPTARG ;;
    z) zones=$OPTARG ;;
    *) echo "usage: bench/bench.sh [-n RUNS] [-z ZONES] [CLIENT...]" >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || set -- refclient postfix
H=build/dane-harness
T=$(mktemp -d /tmp/dh-bench.XXXXXX)
trap 'rm -rf "$T"' EXIT

# measure LABEL ARGS... - RUNS runs, medians of build/up/run
measure() {
    local label=$1 i start end
    shift
    for i in $(seq 1 "$runs"); do
        start=$(date +%s.%N)
        "$H" run --json "$T/r.json" "$@" >/dev/null 2>&1
        end=$(date +%s.%N)
        python3 - "$T/r.json" "$start" "$end" >>"$T/$label.tsv" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print(d["world_build_seconds"], d["world_up_seconds"],
      float(sys.argv[3]) - float(sys.argv[2]), len(d["results"]),
      sum(r["verdict"] == "PASS" for r in d["results"]), sep="\t")
PY
    done
    python3 - "$T/$label.tsv" "$label" <<'PY'
import statistics, sys
rows = [list(map(float, l.split())) for l in open(sys.argv[1])]
med = [statistics.median(c) for c in zip(*rows)]
print(f"{sys.argv[2]:<28} {int(med[3]):>4} scenarios  build {med[0]*1000:6.1f} ms"
      f"  up {med[1]*1000:6.1f} ms  world {1000*(med[0]+med[1]):6.1f} ms"
      f"  full run {med[2]:6.2f} s  (median of {len(rows)}, {int(min(r[4] for r in rows))}+ PASS)")
PY
}

echo "dane-harness benchmark: $(nproc) cores, $runs runs each, $(date -u +%FT%TZ)"
for client in "$@"; do
    measure "$client" --client "$client"
done
if [ "$zones" -gt 0 ]; then
    mkdir -p "$T/zones"
    for i in $(seq 1 "$zones"); do
        sed "s/^id .*/id          bench-$i/" scenarios/dane-ee-honest.scn \
            >"$T/zones/bench-$i.scn"
    done
    measure "refclient, $zones zones" --client refclient --scenarios "$T/zones"
fi
