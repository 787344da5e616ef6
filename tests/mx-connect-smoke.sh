#!/bin/bash
# tests/mx-connect-smoke.sh - the whole catalog against the mx-connect
# adapter (harness/adapters/mx-connect, Node.js), in both variants, each
# against its expectations file: every scenario judged, no ERROR, no
# unexpected FAIL, no XPASS (exit 0).  And what Node 20 gives by default
# (--tlsa=native): no TLSA query at all.  Needs root.
#
#   tests/mx-connect-smoke.sh [BUILD_DIR]    (default: build)
set -u
TEST_NAME=mxc
# shellcheck source=tests/lib/checks.sh
. "$(dirname "$0")/lib/checks.sh"
need_root
if ! command -v node >/dev/null || [ ! -d "$here/harness/adapters/mx-connect/node_modules/mx-connect" ]; then
	echo "FAIL - node or the adapter's node_modules are missing: run ci/deps.sh"
	exit 1
fi

# json FILE EXPR - a Python expression over the report d
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

for v in "mx-connect:mx-connect" "mx-connect --dnssec-check:mx-connect-dnssec-check"; do
	client=${v%%:*} exp=$here/harness/adapters/${v##*:}.expectations
	"$H" run --client "$client" --expectations "$exp" --json "$T/r.json" \
		>"$T/out" 2>&1
	rc=$?
	s=$(json "$T/r.json" '" ".join(f"{k}={v}" for k, v in sorted(d["summary"].items()))')
	n=$(json "$T/r.json" 'len(d["results"])')
	all=$(ls "$here"/scenarios/*.scn | wc -l)
	if [ "$rc" = 0 ] && [ "$n" = "$all" ] &&
		[ "$(json "$T/r.json" 'd["summary"]["ERROR"] + d["summary"]["FAIL"] + d["summary"]["XPASS"]')" = 0 ]; then
		ok "$client: exit 0, $n scenarios, $s"
	else
		bad "$client: exit $rc, $n of $all scenarios, $s"
		grep -E 'FAIL|ERROR|XPASS' "$T/out" | head -20
	fi
	ver=$(json "$T/r.json" 'd["client"]["version"]')
	case $ver in
	"mx-connect 2.0.0 (node v"*) ok "$client: version line '$ver'" ;;
	*) bad "$client: version line '$ver'" ;;
	esac
done

major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$(node -p 'typeof require("dns").resolveTlsa')" = function ]; then
	echo "-- node $major has dns.resolveTlsa: the --tlsa=native check does not apply"
else
	"$H" run --client "mx-connect --tlsa=native" --json "$T/n.json" >"$T/n.out" 2>&1
	q=$(json "$T/n.json" 'sum(x.endswith(" TLSA") for r in d["results"] for x in r["evidence"]["dns_queries"])')
	f=$(json "$T/n.json" 'd["summary"]["FAIL"]')
	if [ "$q" = 0 ] && [ "$f" -gt 0 ]; then
		ok "node $major, no resolveTlsa hook: no TLSA query in the whole catalog, $f FAIL (docs/results/mx-connect-2.0.0.md)"
	else
		bad "node $major, no resolveTlsa hook: $q TLSA queries, $f FAIL"
	fi
fi
summary
