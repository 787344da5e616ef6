#!/bin/bash
# tests/faults.sh - a fixture that misbehaves during the sends gives ERROR
# with the fixture's own reason, never a client verdict (PASS included);
# evidence fails closed; a scenario's zone data reaches NSD byte for byte
# or the scenario is an ERROR naming its line.  Needs root.
#
#   tests/faults.sh [BUILD_DIR]      (default: build)
#
# The faults are injected for real (dane-harness run --inject, see
# harness/inject.h): NSD stopped, the resolver's caches flushed, the fake
# MX stopped, the fake MX's events file refusing writes.  Nothing tells
# the judge about them: the run-time oracle has to notice.  Set
# DH_SKIP_POSTFIX=1 to leave out the Postfix runs, DH_SKIP_EXIM=1 the Exim
# runs.
set -u
TEST_NAME=faults
# shellcheck source=tests/lib/checks.sh
. "$(dirname "$0")/lib/checks.sh"

# run NAME EXPECTED_EXIT CLIENT [harness args...]
run() {
    local name=$1 want=$2 client=$3
    shift 3
    "$H" run --client "$client" --json "$T/$name.json" "$@" \
        >"$T/$name.out" 2>"$T/$name.err"
    local rc=$?
    if [ "$rc" = "$want" ]; then
        ok "$name: exit $rc"
    else
        bad "$name: exit $rc, expected $want"
        sed 's/^/    /' "$T/$name.out" "$T/$name.err" | tail -20
    fi
}

# verdicts NAME - "scenario verdict reason" lines of run NAME
verdicts() {
    python3 -c '
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(r["scenario"], r["verdict"], r["reason"].replace("\n", " "))
' "$T/$1.json" 2>/dev/null
}

# count NAME VERDICT - how many scenarios of run NAME have VERDICT
count() { verdicts "$1" | awk -v v="$2" '$2 == v' | wc -l; }

# all_error NAME WHY - every verdict of run NAME is ERROR, and the reasons
# quote the fixture (WHY, an extended regex, in every one)
all_error() {
    local name=$1 why=$2 n other nowhy
    n=$(verdicts "$name" | wc -l)
    other=$(verdicts "$name" | awk '$2 != "ERROR"' | head -3)
    nowhy=$(verdicts "$name" | grep -Ev "$why" | head -3)
    if [ "$n" -gt 0 ] && [ -z "$other" ]; then
        ok "$name: all $n scenarios ERROR"
    else
        bad "$name: not all ERROR: $other"
    fi
    if [ -z "$nowhy" ]; then
        ok "$name: every reason names the fixture's failure"
    else
        bad "$name: reasons without the fixture's failure: $nowhy"
    fi
}

clients=refclient
[ "${DH_SKIP_POSTFIX:-0}" != 1 ] && clients="$clients postfix"
[ "${DH_SKIP_EXIM:-0}" != 1 ] && clients="$clients exim"

# 1. NSD stopped and the resolver's cache and infrastructure cache
# flushed while the sends run: every lookup breaks, so every scenario is
# an ERROR quoting the resolver (a SERVFAIL, a late or a missing answer),
# and never a FAIL or a PASS; exit 2.
for c in $clients; do
    run "dns-down-$c" 2 "$c" --inject nsd-stop,resolver-flush
    all_error "dns-down-$c" 'the resolver|after the sends|before attempt'
done

# 2. NSD stopped only: what the resolver has cached still answers, the
# rest fails; whatever the split, no FAIL.
run nsd-stop 2 refclient --inject nsd-stop
[ "$(count nsd-stop FAIL)" = 0 ] && ok "nsd-stop: no FAIL" ||
    bad "nsd-stop: $(verdicts nsd-stop | awk '$2 == "FAIL"' | head -3)"
[ "$(count nsd-stop ERROR)" -gt 0 ] && ok "nsd-stop: $(count nsd-stop ERROR) ERROR" ||
    bad "nsd-stop: no ERROR though NSD was stopped"

# 3. The fake MX stopped for 4 s when the sends begin: every attempt that
# overlaps the gap in its heartbeat is an ERROR, the others are judged.
run fakemx-stall 2 refclient --inject fakemx-stop=4
n=$(verdicts fakemx-stall | awk '$2 == "ERROR"' | grep -c "heartbeat stopped")
[ "$n" -gt 0 ] && [ "$(count fakemx-stall FAIL)" = 0 ] &&
    ok "fakemx-stall: $n ERROR (heartbeat stopped), no FAIL" ||
    bad "fakemx-stall: $n heartbeat ERRORs, $(count fakemx-stall FAIL) FAIL"

# 4. The fake MX cannot write its events while one scenario is sent: it
# refuses the message with 451, and that scenario is an ERROR; the other
# is judged as usual.
for c in $clients; do
    run "events-full-$c" 2 "$c" --only dane-ee-honest,starttls-stripped \
        --jobs 1 --inject events-full=dane-ee-honest
    v=$(verdicts "events-full-$c" | awk '$1 == "dane-ee-honest" {print $2}')
    r=$(verdicts "events-full-$c" | awk '$1 == "dane-ee-honest"')
    [ "$v" = ERROR ] && echo "$r" | grep -q "could not record" &&
        ok "events-full-$c: dane-ee-honest is ERROR (events not recorded)" ||
        bad "events-full-$c: $r"
    python3 -c '
import json, sys
r = [r for r in json.load(open(sys.argv[1]))["results"] if r["scenario"] == "dane-ee-honest"][0]
said = r["evidence"]["client_said"] or ""
assert "451" in said or "4.3.0" in said or "cannot record" in said, said
' "$T/events-full-$c.json" 2>"$T/events-full-$c.py" &&
        ok "events-full-$c: the client was refused with 451" ||
        bad "events-full-$c: the client was not refused: $(cat "$T/events-full-$c.py")"
    [ "$(verdicts "events-full-$c" | awk '$1 == "starttls-stripped" {print $2}')" = PASS ] &&
        ok "events-full-$c: starttls-stripped still judged (PASS)" ||
        bad "events-full-$c: starttls-stripped: $(verdicts "events-full-$c" | grep starttls-stripped)"
done

# 5. Zone data NSD rejects: the scenario is an ERROR naming the scenario
# file and line and quoting NSD; the others are judged.
mkdir -p "$T/rejected"
sed -e 's/^id .*/id          rejected-tlsa/' \
    -e 's/^_25._tcp.mx1    TLSA  3 1 1 {tlsa mx1}/_25._tcp.mx1    TLSA  \\# 0/' \
    scenarios/dane-ee-honest.scn >"$T/rejected/rejected-tlsa.scn"
cp scenarios/dane-ee-honest.scn "$T/rejected/"
line=$(grep -n 'TLSA  \\# 0' "$T/rejected/rejected-tlsa.scn" | cut -d: -f1)
run rejected 2 refclient --scenarios "$T/rejected"
r=$(verdicts rejected | awk '$1 == "rejected-tlsa"')
echo "$r" | grep -q "ERROR NSD rejected the zone rejected-tlsa.danelab.: $T/rejected/rejected-tlsa.scn:$line: .*(NSD," &&
    ok "rejected: ERROR names rejected-tlsa.scn:$line and quotes NSD" ||
    bad "rejected: $r"
[ "$(verdicts rejected | awk '$1 == "dane-ee-honest" {print $2}')" = PASS ] &&
    ok "rejected: the other scenario is judged (PASS)" ||
    bad "rejected: $(verdicts rejected | grep dane-ee-honest)"

# 6. Malformed and generic records round-trip: served, signed, judged;
# no file of the run folder has "(null)" in its name.
run roundtrip 0 refclient --keep "$T/keep" \
    --only tlsa-malformed-beside-usable,tlsa-malformed-only-stripped,tlsa-generic-syntax
grep -q 'TLSA	\\# 3 030101' "$T/keep/zones/tlsa-malformed-beside-usable.danelab.zone" &&
    ok "roundtrip: the 3-byte TLSA record is written in RFC 3597 syntax" ||
    bad "roundtrip: no generic TLSA record in the zone file"
[ "$(count roundtrip PASS)" = 3 ] && ok "roundtrip: all three judged PASS" ||
    bad "roundtrip: $(verdicts roundtrip)"
nulls=$(find "$T/keep" -name '*null*')
[ -z "$nulls" ] && ok "no '(null)' in any file name of the run folder" ||
    bad "files named (null): $nulls"

# 7. Between two attempts: NSD stopped while the world of a scenario
# across time changes (its zones cannot be reloaded and served as built):
# that scenario is an ERROR naming the attempt, never a verdict on the
# client; a scenario whose world does not change is still judged.
for c in $clients; do
    run "step-nsd-stop-$c" 2 "$c" --only rollover-current-next,dane-ee-honest \
        --inject step-nsd-stop=rollover-current-next
    r=$(verdicts "step-nsd-stop-$c" | awk '$1 == "rollover-current-next"')
    echo "$r" | grep -Eq "^rollover-current-next ERROR before attempt 2: (nsd-control reload|NSD)" &&
        ok "step-nsd-stop-$c: rollover-current-next is ERROR before attempt 2 (NSD)" ||
        bad "step-nsd-stop-$c: $r"
    [ "$(verdicts "step-nsd-stop-$c" | awk '$1 == "dane-ee-honest" {print $2}')" != FAIL ] &&
        ok "step-nsd-stop-$c: dane-ee-honest is no FAIL" ||
        bad "step-nsd-stop-$c: $(verdicts "step-nsd-stop-$c" | grep dane-ee-honest)"
done

echo
echo "faults: $pass passed, $fail failed"
[ "$fail" = 0 ]
