#!/bin/bash
# ci/run-catalog.sh - the main job: the whole scenario catalog against
# every bundled client (the reference client, Postfix, Exim, mx-connect),
# printing the conformance reports, then the clients side by side.
# Reports go to build/reports/: per client JSON, JUnit and HTML; all of
# them as matrix.html and matrix.md (dane-harness matrix).
set -u
cd "$(dirname "$0")/.." || exit 2
mkdir -p build/reports
status=0
reports=()
for client in refclient postfix exim mx-connect; do
    # a real client's known deviations (docs/results/) become XFAIL
    exp=()
    [ -f "harness/adapters/$client.expectations" ] &&
        exp=(--expectations "harness/adapters/$client.expectations")
    build/dane-harness run --client "$client" "${exp[@]}" \
        --json "build/reports/$client.json" \
        --junit "build/reports/$client.xml" \
        --html "build/reports/$client.html"
    rc=$?
    [ $rc -gt $status ] && status=$rc
    [ -s "build/reports/$client.json" ] && reports+=("build/reports/$client.json")
done
build/dane-harness matrix --html build/reports/matrix.html \
    --md build/reports/matrix.md "${reports[@]}" || status=2
echo
echo "reports: build/reports/{refclient,postfix,exim,mx-connect}.{json,xml,html}"
echo "matrix:  build/reports/matrix.html, build/reports/matrix.md"
exit $status
