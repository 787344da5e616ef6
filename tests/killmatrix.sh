#!/bin/bash
# tests/killmatrix.sh - every scenario can fail, every mutant is caught.
#
#   tests/killmatrix.sh [BUILD_DIR]          (default: build)
#
# Runs the whole catalog against the reference client (which must pass
# everything) and against the reference client with each of its mutants
# (deliberate defects, `dane-smtp-send --help` lists them).  A scenario is
# "killed" by a mutant when the mutant's verdict there is FAIL, HANG or
# CRASH.  Prints the kill matrix and fails when a scenario is killed by no
# mutant, when a mutant kills no scenario, or when any run has an ERROR.
# Needs root.  Set JOBS to change how many runs go at once (default 2).
set -u
B=${1:-build}
H="$B/dane-harness"
T=$(mktemp -d /tmp/dh-killmatrix.XXXXXX)
trap 'rm -rf "$T"' EXIT
jobs=${JOBS:-2}

mutants=$("$B/dane-smtp-send" --help 2>&1 |
    sed -n 's/^ *--mutant=\([a-z0-9-]*\).*/\1/p')
scenarios=$("$H" list)
[ -n "$mutants" ] || { echo "killmatrix: no mutants found in dane-smtp-send --help"; exit 1; }

# verdicts NAME - "scenario verdict" lines of run NAME (from its TAP file)
verdicts() {
    sed -n 's/^\(not \)\{0,1\}ok [0-9]* - \([a-z0-9-]*\) # \([A-Z]*\).*/\2 \3/p' "$T/$1.tap"
}

run_one() {
    local name=$1 client=$2
    "$H" run --client "$client" --tap "$T/$name.tap" >"$T/$name.out" 2>&1
}

run_one correct refclient &
n=1
for m in $mutants; do
    if [ "$n" -ge "$jobs" ]; then wait -n; n=$((n - 1)); fi
    run_one "m-$m" "refclient --mutant=$m" &
    n=$((n + 1))
done
wait

fail=0
bad=$(verdicts correct | awk '$2 != "PASS"')
if [ -n "$bad" ]; then
    echo "killmatrix: the reference client does not pass everything:"
    echo "$bad" | sed 's/^/    /'
    fail=1
fi
for m in $mutants; do
    if grep -q " # ERROR" "$T/m-$m.tap"; then
        echo "killmatrix: mutant $m: ERROR verdicts (fixture fault):"
        grep " # ERROR" "$T/m-$m.tap" | sed 's/^/    /'
        fail=1
    fi
done

# The matrix: one row per scenario, one column per mutant (numbered).
i=0
echo
echo "Kill matrix: X = the mutant fails the scenario (FAIL, HANG or CRASH)"
for m in $mutants; do
    i=$((i + 1))
    printf '  %2d %s\n' "$i" "$m"
done
printf '\n%-32s' "scenario"
i=0
for m in $mutants; do i=$((i + 1)); printf '%3d' "$i"; done
printf '  killers\n'
for s in $scenarios; do
    row=""
    k=0
    for m in $mutants; do
        v=$(verdicts "m-$m" | awk -v s="$s" '$1 == s {print $2}')
        case $v in
        FAIL | HANG | CRASH) row="$row  X"; k=$((k + 1)); echo "$m" >>"$T/kills" ;;
        *) row="$row  ." ;;
        esac
    done
    printf '%-32s%s  %d\n' "$s" "$row" "$k"
    if [ "$k" = 0 ]; then
        echo "killmatrix: scenario $s is failed by no mutant" >>"$T/holes"
    fi
done
for m in $mutants; do
    c=$(grep -cx -- "$m" "$T/kills" 2>/dev/null)
    printf '%-32s kills %d scenario(s)\n' "$m" "${c:-0}" >>"$T/mutants"
    [ "${c:-0}" = 0 ] && echo "killmatrix: mutant $m fails no scenario" >>"$T/holes"
done
echo
cat "$T/mutants"
if [ -s "$T/holes" ]; then
    echo
    cat "$T/holes"
    fail=1
fi
nm=$(echo "$mutants" | wc -w)
ns=$(echo "$scenarios" | wc -w)
echo
if [ "$fail" = 0 ]; then
    echo "killmatrix: $ns scenarios x $nm mutants, no hole: 1 passed, 0 failed"
else
    echo "killmatrix: 0 passed, 1 failed"
fi
exit $fail
