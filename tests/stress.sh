#!/bin/bash
# tests/stress.sh - are the verdicts stable when harness runs share a busy
# machine?  Counts verdict flips.
#
#   tests/stress.sh [-n PARALLEL] [-r ROUNDS] [-b BUILD_DIR] [-k DIR]
#                   [-x ARGS] [CLIENT...]
#
# For each CLIENT (default: refclient postfix exim) it starts PARALLEL harness
# runs at once (default 2), ROUNDS times (default 3), and compares every
# scenario's verdict across all of them.  A flip is a scenario whose
# verdict is not the same in every run; against a client that is correct
# (the bundled ones: every scenario PASS, or XFAIL with
# harness/adapters/CLIENT.expectations when present), any other verdict
# is counted too, FAIL and ERROR alike.  -x passes extra arguments to
# every run (e.g. -x "--only dane-ee-honest,tlsa-servfail").  -k keeps
# the reports and the output of every run in DIR.
#
# Prints one summary line per client and the scenarios that flipped, with
# the verdicts and reasons seen; exits 1 when any flip or unexpected
# verdict was seen, 2 on a usage or harness error.  Needs root.
set -u
cd "$(dirname "$0")/.." || exit 2
par=2
rounds=3
B=build
keep=
extra=
while getopts n:r:b:k:x: opt; do
    case $opt in
    n) par=$OPTARG ;;
    r) rounds=$OPTARG ;;
    b) B=$OPTARG ;;
    k) keep=$OPTARG ;;
    x) extra=$OPTARG ;;
    *)
        sed -n '4,6p' "$0" | sed 's/^# *//' >&2
        exit 2
        ;;
    esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || set -- refclient postfix exim
H=$B/dane-harness
[ -x "$H" ] || { echo "stress: $H not built (run make)" >&2; exit 2; }
if [ -n "$keep" ]; then
    mkdir -p "$keep" && T=$keep
else
    T=$(mktemp -d /tmp/dh-stress.XXXXXX)
    trap 'rm -rf "$T"' EXIT
fi

status=0
echo "stress: $par runs at once, $rounds rounds per client, $(nproc) cores, $(date -u +%FT%TZ)"
for client in "$@"; do
    name=${client%% *}
    exp=harness/adapters/$name.expectations
    dir=$T/$name
    mkdir -p "$dir"
    t0=$(date +%s.%N)
    for r in $(seq 1 "$rounds"); do
        for p in $(seq 1 "$par"); do
            args=(run --client "$client" --json "$dir/r$r.$p.json")
            [ -f "$exp" ] && args+=(--expectations "$exp")
            # shellcheck disable=SC2206
            [ -n "$extra" ] && args+=($extra)
            "$H" "${args[@]}" >"$dir/r$r.$p.out" 2>&1 &
        done
        wait
    done
    t1=$(date +%s.%N)
    python3 - "$dir" "$client" "$rounds" "$par" "$t0" "$t1" <<'PY' || status=1
import collections, glob, json, os, statistics, sys
d, client, rounds, par, t0, t1 = sys.argv[1:]
runs, seen, reasons, durations, bad_runs = 0, collections.defaultdict(list), {}, [], []
for f in sorted(glob.glob(os.path.join(d, "r*.json"))):
    try:
        rep = json.load(open(f))
    except (OSError, ValueError) as e:
        bad_runs.append(f"{os.path.basename(f)}: no report ({e})")
        continue
    runs += 1
    durations.append(rep.get("duration", 0))
    if rep.get("harness_error"):
        bad_runs.append(f"{os.path.basename(f)}: harness error: {rep['harness_error']}")
    for r in rep["results"]:
        seen[r["scenario"]].append(r["verdict"])
        reasons.setdefault((r["scenario"], r["verdict"]), r.get("reason", ""))
expected = int(rounds) * int(par)
if runs < expected:
    bad_runs.append(f"{expected - runs} of {expected} runs wrote no report")
flips = {s: v for s, v in seen.items() if len(set(v)) > 1}
unexpected = {s: v for s, v in seen.items() if set(v) - {"PASS", "XFAIL"}}
counts = collections.Counter(v for vs in seen.values() for v in vs)
print(f"{client}: {runs} runs, {len(seen)} scenarios, {len(flips)} flips, "
      f"{len(unexpected)} scenarios not PASS/XFAIL in some run; verdicts "
      + ", ".join(f"{k} {n}" for k, n in sorted(counts.items()))
      + f"; run median {statistics.median(durations) if durations else 0:.1f} s,"
      f" wall {float(t1) - float(t0):.0f} s")
for s in sorted(set(flips) | set(unexpected)):
    c = collections.Counter(seen[s])
    print(f"  {s}: " + ", ".join(f"{k} x{n}" for k, n in sorted(c.items())))
    for k in sorted(c):
        if k not in ("PASS", "XFAIL"):
            print(f"      {k}: {reasons[(s, k)][:300]}")
for b in bad_runs:
    print(f"  {b}")
sys.exit(1 if flips or unexpected or bad_runs else 0)
PY
done
exit $status
