#!/bin/bash
# tests/diff-smoke.sh - `dane-harness diff` end to end: two live runs of
# the same scenarios (the reference client, then a mutant of it), then
# the diff must list exactly the mutant's FAILs as regressions and exit 1;
# the reverse lists them as fixes and exits 0; a run against itself has
# no change; unreadable input is exit 2 naming the file.  Needs root.
#
#   tests/diff-smoke.sh [BUILD_DIR]          (default: build)
set -u
TEST_NAME=diff
# shellcheck source=tests/lib/checks.sh
. "$(dirname "$0")/lib/checks.sh"
need_root

S=dane-ee-honest,sni-required,insecure-no-dnssec,tlsa-wrong-key,mx-cname-secure,starttls-stripped,tlsa-servfail,mx-fallback-next
"$H" run --client refclient --only "$S" --json "$T/base.json" >"$T/base.out" 2>&1
"$H" run --client "refclient --mutant=no-sni" --only "$S" --json "$T/new.json" >"$T/new.out" 2>&1

# ids DIFF-OUTPUT SECTION - the scenario ids listed under a section
ids() { awk -v s="$2" '/^[a-z].*\([0-9]+\):$/ {on = ($0 ~ "^" s " ")} on && /^  / {print $1}' "$1" | sort; }
fails() { python3 -c 'import json,sys
for r in json.load(open(sys.argv[1]))["results"]:
    if r["verdict"] == "FAIL": print(r["scenario"])' "$1" | sort; }

fails "$T/new.json" >"$T/want"
"$H" diff "$T/base.json" "$T/new.json" --json "$T/d.json" >"$T/d.out" 2>&1
rc=$?
ids "$T/d.out" regressions >"$T/got"
if [ "$rc" = 1 ] && [ -s "$T/want" ] && cmp -s "$T/want" "$T/got"; then
	ok "base -> mutant: exit 1, regressions = the mutant's FAILs ($(tr '\n' ' ' <"$T/want"))"
else
	bad "base -> mutant: exit $rc, regressions $(tr '\n' ' ' <"$T/got"), want $(tr '\n' ' ' <"$T/want")"
	cat "$T/d.out"
fi
if python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
r = sorted(c["scenario"] for c in d["changes"] if c["kind"] == "regression")
sys.exit(r != open(sys.argv[2]).read().split())' "$T/d.json" "$T/want"; then
	ok "--json lists the same regressions"
else
	bad "--json regressions differ"
fi
"$H" diff "$T/new.json" "$T/base.json" >"$T/r.out" 2>&1
rc=$?
ids "$T/r.out" fixes >"$T/got"
if [ "$rc" = 0 ] && cmp -s "$T/want" "$T/got" && [ -z "$(ids "$T/r.out" regressions)" ]; then
	ok "mutant -> base: exit 0, the same scenarios as fixes"
else
	bad "mutant -> base: exit $rc, fixes $(tr '\n' ' ' <"$T/got")"
fi
"$H" diff "$T/base.json" "$T/base.json" >"$T/s.out" 2>&1
rc=$?
if [ "$rc" = 0 ] && grep -q ": 0 regressions, 0 fixes, 0 other changes, 0 new, 0 removed" "$T/s.out"; then
	ok "a run against itself: exit 0, no change"
else
	bad "a run against itself: exit $rc"
fi
"$H" diff "$T/base.json" "$T/missing.json" >"$T/m.out" 2>&1
rc=$?
if [ "$rc" = 2 ] && grep -q "$T/missing.json" "$T/m.out"; then
	ok "missing report: exit 2, the message names the file"
else
	bad "missing report: exit $rc: $(cat "$T/m.out")"
fi
echo '{"results": 5}' >"$T/bad.json"
"$H" diff "$T/bad.json" "$T/base.json" >"$T/b.out" 2>&1
rc=$?
if [ "$rc" = 2 ] && grep -q "$T/bad.json: not a dane-harness JSON report" "$T/b.out"; then
	ok "not a report: exit 2, the message names the file"
else
	bad "not a report: exit $rc: $(cat "$T/b.out")"
fi
"$H" diff "$T/base.json" >"$T/u.out" 2>&1
rc=$?
if [ "$rc" = 2 ] && grep -q "usage: dane-harness diff" "$T/u.out"; then
	ok "one report only: exit 2 with the usage"
else
	bad "one report only: exit $rc"
fi
summary
