#!/bin/bash
# tests/matrix-smoke.sh - `dane-harness matrix` over real reports
# (tests/data/reports/), rendered by headless Chromium: the page must show
# the summary and every scenario, and the two filters must hide exactly
# the rows they should.  Leaves a screenshot of the failures filter in
# build/reports/matrix-failures.png.
#
#   tests/matrix-smoke.sh [BUILD_DIR]        (default: build)
#
# Chromium comes from ci/deps.sh (Debian package chromium); it runs with
# its own profile in a temporary folder and only opens a local file.
# Exit status: 0 all passed, 1 a check failed.
set -u
TEST_NAME=matrix
# shellcheck source=tests/lib/checks.sh
. "$(dirname "$0")/lib/checks.sh"
D="$here/tests/data/reports"

chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
	echo "FAIL - chromium is not installed: run ci/deps.sh"
	exit 1
fi

# dom FRAGMENT - the page's DOM after its script ran, with a filter
dom() {
	timeout 60 "$chromium" --headless --no-sandbox --disable-gpu \
		--user-data-dir="$T/profile" --dump-dom \
		"file://$T/m.html$1" 2>"$T/chromium.err"
}

# shown DOMFILE - "N scenarios shown" as the page says it
shown() { sed -n 's/.*<span id="shown">\([0-9]*\) scenarios shown<.*/\1/p' "$1"; }
# visible DOMFILE - the scenario rows not hidden, by id
visible() { grep -o '<tr class="scn" id="s-[^"]*"[^>]*>' "$1" | grep -v hidden |
	sed 's/.*id="s-\([^"]*\)".*/\1/' | sort; }

"$H" matrix "$D/refclient.json" "$D/no-sni.json" "$D/mx-connect.json" \
	--html "$T/m.html" --md "$T/m.md" >"$T/out" 2>&1
if [ $? = 0 ] && [ -s "$T/m.html" ] && [ -s "$T/m.md" ]; then
	ok "matrix wrote HTML and Markdown"
else
	bad "matrix failed: $(cat "$T/out")"
fi
if grep -qE '(src|href)="(https?:)?//' "$T/m.html"; then
	bad "the page fetches something from the network"
else
	ok "the page is self-contained (no src/href to the network)"
fi

# What the filters must show, from the reports themselves.
python3 - "$D" >"$T/want" <<'PY'
import json, sys
d = sys.argv[1]
cols = [json.load(open(f"{d}/{n}.json")) for n in ("refclient", "no-sni", "mx-connect")]
rows = {}
for c in cols:
    for r in c["results"]:
        rows.setdefault(r["scenario"], []).append((r["verdict"], r["severity"]))
bad = {"XFAIL", "XPASS", "FAIL", "HANG", "CRASH", "ERROR"}
for s, v in sorted(rows.items()):
    print(s, int(len(set(v)) > 1), int(any(x[0] in bad for x in v)))
PY
all=$(wc -l <"$T/want")
awk '$3 == 1 {print $1}' "$T/want" | sort >"$T/want-fail"
awk '$2 == 1 {print $1}' "$T/want" | sort >"$T/want-diff"

dom "" >"$T/all.html"
if [ "$(shown "$T/all.html")" = "$all" ] && [ "$(visible "$T/all.html" | wc -l)" = "$all" ]; then
	ok "no filter: all $all scenarios shown"
else
	bad "no filter: shown '$(shown "$T/all.html")', want $all"
fi
for client in "dane-smtp-send" "--mutant=no-sni" "mx-connect 2.0.0"; do
	if grep -q "<tr class=\"sum\"><td>[^<]*${client}" "$T/all.html" ||
		grep -q "<tr class=\"sum\"><td>.*<code>${client}</code>" "$T/all.html"; then
		ok "summary has a row for $client"
	else
		bad "summary has no row for $client"
	fi
done

for f in failures differences; do
	dom "#$f" >"$T/$f.html"
	want="$T/want-diff"
	[ "$f" = failures ] && want="$T/want-fail"
	visible "$T/$f.html" >"$T/got-$f"
	n=$(wc -l <"$want")
	if [ "$n" -gt 0 ] && [ "$n" -lt "$all" ] && cmp -s "$want" "$T/got-$f" &&
		[ "$(shown "$T/$f.html")" = "$n" ]; then
		ok "only $f: exactly the $n rows it should ($(tr '\n' ' ' <"$want"))"
	else
		bad "only $f: shown $(tr '\n' ' ' <"$T/got-$f"), want $(tr '\n' ' ' <"$want")"
	fi
done
if grep -q '<tr class="fam" data-family="tlsa" hidden' "$T/failures.html"; then
	ok "a family with no failure (tlsa) is hidden under only failures"
else
	bad "family row tlsa not hidden under only failures"
fi

# Two runs alike: failures, but no differences.
"$H" matrix "$D/no-sni.json" "$D/no-sni.json" --html "$T/m.html" >/dev/null 2>&1
dom "#differences" >"$T/same-d.html"
dom "#failures" >"$T/same-f.html"
nf=$(python3 -c 'import json,sys; print(sum(r["verdict"] == "FAIL" for r in json.load(open(sys.argv[1]))["results"]))' "$D/no-sni.json")
if [ "$(shown "$T/same-d.html")" = 0 ] && [ "$(visible "$T/same-d.html" | wc -l)" = 0 ] &&
	! grep -q '<tr class="fam" data-family="[^"]*">' "$T/same-d.html"; then
	ok "two equal runs, only differences: no row shown"
else
	bad "two equal runs, only differences: shown $(shown "$T/same-d.html")"
fi
if [ "$nf" -gt 0 ] && [ "$(shown "$T/same-f.html")" = "$nf" ] &&
	[ "$(visible "$T/same-f.html" | wc -l)" = "$nf" ]; then
	ok "two equal runs, only failures: the $nf FAIL rows"
else
	bad "two equal runs, only failures: shown $(shown "$T/same-f.html"), want $nf"
fi

# The screenshot: the three-client page with the failures filter.
"$H" matrix "$D/refclient.json" "$D/no-sni.json" "$D/mx-connect.json" \
	--html "$T/m.html" >/dev/null 2>&1
mkdir -p "$B/reports"
timeout 60 "$chromium" --headless --no-sandbox --disable-gpu \
	--user-data-dir="$T/profile" --window-size=1600,1000 \
	--screenshot="$B/reports/matrix-failures.png" "file://$T/m.html#failures" \
	>/dev/null 2>&1
if [ "$(head -c 8 "$B/reports/matrix-failures.png" 2>/dev/null | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; then
	ok "screenshot $B/reports/matrix-failures.png"
else
	bad "no screenshot"
fi
summary
