#!/bin/bash
# ci/run-catalog.sh - the main job: the whole scenario catalog against
# every bundled client (the reference client, Postfix, Exim, mx-connect),
# printing the conformance reports, then the clients side by side.
# Reports go to build/reports/: per client JSON, JUnit, HTML and the
# certification record (verified against the JSON report); all of them
# as matrix.html and matrix.md (dane-harness matrix).
set -u
cd "$(dirname "$0")/.." || exit 2
mkdir -p build/reports
status=0
reports=()
# expectations CLIENT - exp=(--expectations FILE) for a real client's
# known deviations (docs/results/), which become XFAIL; else exp=()
expectations() {
    exp=()
    [ -f "harness/adapters/$1.expectations" ] &&
        exp=(--expectations "harness/adapters/$1.expectations")
}
for client in refclient postfix exim mx-connect; do
    expectations "$client"
    build/dane-harness run --client "$client" "${exp[@]}" \
        --json "build/reports/$client.json" \
        --junit "build/reports/$client.xml" \
        --html "build/reports/$client.html" \
        --record "build/reports/$client.record.json"
    rc=$?
    [ $rc -gt $status ] && status=$rc
    [ -s "build/reports/$client.json" ] && reports+=("build/reports/$client.json")
done
echo
for client in refclient postfix exim mx-connect; do
    expectations "$client"
    [ -s "build/reports/$client.record.json" ] || continue
    build/dane-harness verify-record --client "$client" "${exp[@]}" \
        "build/reports/$client.record.json" "build/reports/$client.json" |
        tail -n 1
    [ "${PIPESTATUS[0]}" = 0 ] || status=2
done
build/dane-harness matrix --html build/reports/matrix.html \
    --md build/reports/matrix.md "${reports[@]}" || status=2
echo
echo "reports: build/reports/{refclient,postfix,exim,mx-connect}.{json,xml,html,record.json}"
echo "matrix:  build/reports/matrix.html, build/reports/matrix.md"
exit $status
