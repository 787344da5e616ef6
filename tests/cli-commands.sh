#!/bin/bash
# tests/cli-commands.sh - the commands around run: lint, explain, list
# --requirements, run --shard K/N and merge; output files that cannot be
# written; shell's reaping.  The shard runs bring the
# real world up (root); the rest reads files only.
#
#   tests/cli-commands.sh [BUILD_DIR]      (default: build)
#
# Prints one line per check and "N passed, M failed"; exits non-zero
# when any check failed.
set -u
TEST_NAME=cli
# shellcheck source=tests/lib/checks.sh
. "$(dirname "$0")/lib/checks.sh"
cd "$here" || exit 2
# status WANT DESCRIPTION CMD... - CMD's exit status must be WANT (its
# stdout and stderr are in $T/out, $T/err)
status() {
    local want=$1 d=$2 rc
    shift 2
    "$@" >"$T/out" 2>"$T/err"
    rc=$?
    if [ "$rc" = "$want" ]; then
        ok "$d: exit $rc"
    else
        bad "$d: exit $rc, expected $want"
        sed 's/^/    /' "$T/out" "$T/err" | head -20
    fi
}
has() { grep -qF -- "$1" "$2"; }

ALL=$("$H" list)
N=$(echo "$ALL" | wc -l)

# ---- lint
status 0 "lint of the catalog" "$H" lint
check "lint: $N files, all parsed, no error" has "lint: $N scenario file(s), $N parsed, 0 error(s)" "$T/out"
check "lint: a coverage summary per level" has "  MUST NOT " "$T/out"
mkdir "$T/bad"
sed 's/^requirement .*/requirement R7672-2.2-a R7672-99-z/' scenarios/dane-ee-honest.scn >"$T/bad/dane-ee-honest.scn"
line=$(grep -n '^requirement' "$T/bad/dane-ee-honest.scn" | cut -d: -f1)
status 2 "lint: an unknown requirement ID" "$H" lint "$T/bad/dane-ee-honest.scn"
check "lint names the file and line of the unknown ID" \
    has "$T/bad/dane-ee-honest.scn:$line: unknown requirement 'R7672-99-z'" "$T/err"
mkdir "$T/syntax"
sed 's/persona=honest/persona=grumpy/' scenarios/dane-ee-honest.scn >"$T/syntax/dane-ee-honest.scn"
line=$(grep -n 'persona=grumpy' "$T/syntax/dane-ee-honest.scn" | cut -d: -f1)
status 2 "lint: a file that does not parse, beside a good one" \
    "$H" lint "$T/syntax/dane-ee-honest.scn" scenarios/mx-cname-secure.scn
check "lint names the file and line of the parse error" \
    has "$T/syntax/dane-ee-honest.scn:$line: unknown persona 'grumpy'" "$T/err"
check "lint goes on after an error (2 files, 1 parsed)" has "2 scenario file(s), 1 parsed, 1 error(s)" "$T/out"
status 2 "lint: the same id in two files" "$H" lint scenarios/dane-ee-honest.scn "$T/bad/dane-ee-honest.scn"
check "lint names the other file" has "is also the id of scenarios/dane-ee-honest.scn" "$T/err"
mkdir "$T/warn"
sed 's/^rfc .*/rfc         7672 §2.2/' scenarios/dane-ee-honest.scn >"$T/warn/dane-ee-honest.scn"
status 0 "lint: an 'rfc' line that misses a requirement's section is a warning" \
    "$H" lint "$T/warn/dane-ee-honest.scn"
check "lint warns: R7672-8.1-a's section 8.1 not cited" \
    has "warning: R7672-8.1-a is a requirement of 7672 §8.1" "$T/err"
"$H" lint >/dev/null 2>"$T/lint.err"
unc=$(grep -c 'is covered by no scenario' "$T/lint.err")
"$H" list --requirements >"$T/reqs"
unc_list=$(grep '(no scenario)' "$T/reqs" | while read -r id _; do
    awk -F'\t' -v id="$id" '$1 == id {print $3}' scenarios/requirements.tsv
done | grep -vc '^INFO$')
check "lint's $unc uncovered requirements are list --requirements' non-INFO '(no scenario)' lines" \
    test "$unc" -gt 0 -a "$unc" = "$unc_list"
check "list --requirements lists every catalog requirement once" \
    test "$(cut -d' ' -f1 "$T/reqs" | sort -u | wc -l)" = "$(grep -vc '^#' scenarios/requirements.tsv)"

# ---- explain
status 0 "explain dane-ee-honest" "$H" explain dane-ee-honest
E="$T/out"
check "explain: the title" has "$(sed -n 's/^title *//p' scenarios/dane-ee-honest.scn)" "$E"
check "explain: the requirement with its level" has "R7672-8.1-a  MUST  (RFC 7672 §8.1)" "$E"
check "explain: the requirement's text from the catalog" \
    has "$(awk -F'\t' '$1 == "R7672-8.1-a" {print $5}' scenarios/requirements.tsv | cut -c1-40)" "$E"
check "explain: the expected outcome and SNI" has "TLS SNI must be mx1.dane-ee-honest.danelab." "$E"
check "explain: the host's persona and what it does" \
    has "persona honest: presents own; $("$H" list --personas | awk '$1 == "honest" {$1 = $2 = $3 = ""; print}' | sed 's/^ *//' | cut -c1-30)" "$E"
check "explain: the zone as served, placeholders symbolic" has "_25._tcp.mx1    TLSA  3 1 1 <association data of mx1's own key/certificate>" "$E"
check "explain: the zone's origin" has "\$ORIGIN dane-ee-honest.danelab." "$E"
check "explain: no escape sequence into a pipe" test "$(grep -c $'\033' "$E")" = 0
status 0 "explain tlsa-rrsig-expired" "$H" explain tlsa-rrsig-expired
check "explain: the fault with its effect" \
    has "_25._tcp.mx1 TLSA rrsig-expired: $("$H" list --faults | awk '$1 == "rrsig-expired" {$1 = ""; print}' | sed 's/^ *//' | cut -c1-30)" "$T/out"
status 2 "explain of an unknown id" "$H" explain no-such-scenario
status 2 "explain without an id" "$H" explain

# ---- shards: list level
for n in 1 2 3 5 7; do
    : >"$T/shards"
    for k in $(seq 1 "$n"); do "$H" list --shard "$k/$n" >>"$T/shards" 2>/dev/null; done
    check "list --shard K/$n for K=1..$n: each of the $N scenarios once" \
        test "$(sort "$T/shards" | uniq -d | wc -l)" = 0 -a "$(sort -u "$T/shards")" = "$ALL"
done
mkdir "$T/more"
cp scenarios/*.scn "$T/more/"
sed 's/^id .*/id          zz-added-later/' scenarios/dane-ee-honest.scn >"$T/more/zz-added-later.scn"
moved=0
for k in 1 2 3; do
    "$H" list --shard "$k/3" >"$T/a"
    "$H" list --scenarios "$T/more" --shard "$k/3" | grep -vx zz-added-later >"$T/b"
    cmp -s "$T/a" "$T/b" || moved=1
done
check "a scenario added to the catalog moves no other between shards" test "$moved" = 0
for bad in 0/3 4/3 3 a/b 1/0; do
    status 2 "--shard $bad is refused" "$H" list --shard "$bad"
done

# ---- shards: real runs, then merge
if [ "$(id -u)" != 0 ]; then
    echo "ok   - (the shard runs need root: skipped)"
else
    # shards 2 and 3 accept an expectations file that names a scenario
    # of shard 1 only
    echo "$("$H" list --shard 1/3 | head -1) xfail a line for another shard" >"$T/expect"
    status 0 "run --client refclient --shard 1/3" \
        "$H" run --client refclient --shard 1/3 --json "$T/s1.json"
    for k in 2 3; do
        status 0 "run --client refclient --shard $k/3 --expectations (naming a scenario of shard 1)" \
            "$H" run --client refclient --shard "$k/3" --json "$T/s$k.json" \
            --expectations "$T/expect"
    done
    status 0 "merge of the 3 shards" "$H" merge "$T/s1.json" "$T/s2.json" "$T/s3.json" \
        --json "$T/all.json" --junit "$T/all.xml"
    python3 - "$T/all.json" "$ALL" >"$T/py" 2>&1 <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
ids = [x["scenario"] for x in r["results"]]
assert ids == sys.argv[2].split("\n"), "merged results are not the catalog, once each, in id order"
assert all(x["verdict"] == "PASS" for x in r["results"]), "a verdict is not PASS"
assert r["summary"]["PASS"] == len(ids) and r["report_schema"] == 1 and r["client"]["spec"] == "refclient"
assert len(r["merged_from"]) == 3 and sum(p["results"] for p in r["merged_from"]) == len(ids)
PY
    check "the merged report judges every scenario exactly once, all PASS" test ! -s "$T/py"
    cat "$T/py"
    check "the merged JUnit has $N testcases" has "tests=\"$N\" failures=\"0\" errors=\"0\"" "$T/all.xml"
    status 2 "merge of overlapping shards" "$H" merge "$T/s1.json" "$T/s1.json"
    check "merge says which scenario is twice" has "shards overlap" "$T/err"
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); r["client"]["spec"]="postfix"; json.dump(r,open(sys.argv[2],"w"))' "$T/s2.json" "$T/other.json"
    status 2 "merge of reports of two clients" "$H" merge "$T/s1.json" "$T/other.json"
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); r["results"][0]["verdict"]="FAIL"; json.dump(r,open(sys.argv[2],"w"))' "$T/s2.json" "$T/fail.json"
    status 1 "merge with a FAIL in one shard" "$H" merge "$T/s1.json" "$T/fail.json" "$T/s3.json"
    echo '{"harness": "x"}' >"$T/junk.json"
    status 2 "merge of a file that is not a report" "$H" merge "$T/s1.json" "$T/junk.json"
fi
status 2 "merge without reports" "$H" merge

# Output files: one that cannot be written stops the run before it
# starts (exit 2, naming option and path); one that fails after the run
# (a full device) is a harness error, exit 2, not a silent success.
for opt in --json --junit --tap --html --record; do
    status 2 "run $opt into a missing folder" "$H" run --client refclient --only dane-ee-honest "$opt" "$T/no/such/dir/out"
    check "... the message names $opt and the path, and no run started" \
        sh -c "grep -q -- '$opt $T/no/such/dir/out: cannot write it' '$T/err' && ! grep -q 'scenarios:' '$T/out'"
done
if [ "$(id -u)" = 0 ]; then
    status 2 "run --json /dev/full (the write fails after the run)" "$H" run --client refclient --only dane-ee-honest --json /dev/full --tap "$T/full.tap"
    check "... warns, and still writes the other reports" \
        sh -c "grep -q 'cannot write /dev/full' '$T/err' && grep -q '^ok 1 - dane-ee-honest' '$T/full.tap'"
    # shell: the harness is PID 1 of the sandbox and reaps the orphans
    # the command leaves, so that none stays a zombie
    status 0 "shell: a command leaving orphans" "$H" shell --only dane-ee-honest -- \
        sh -c '(sleep 0.1 &); (sleep 0.1 &); sleep 0.6; echo zombies=$(ps -eo stat= | grep -c "^Z")'
    check "... no zombie is left in the sandbox" grep -qx "zombies=0" "$T/out"
    status 0 "run --json /dev/stdout" "$H" run --client refclient --only dane-ee-honest --json /dev/stdout
    check "... the JSON report goes to standard output" grep -q '"report_schema": 1' "$T/out"
fi

echo
summary
