#!/bin/bash
# ci/run-catalog.sh - the main job: the whole scenario catalog against the
# bundled reference client, against Postfix and against Exim, printing the
# conformance reports.  Reports also go to build/reports/ (JSON, JUnit).
set -u
cd "$(dirname "$0")/.." || exit 2
mkdir -p build/reports
status=0
for client in refclient postfix exim; do
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
done
echo
echo "reports: build/reports/{refclient,postfix,exim}.{json,xml,html}"
exit $status
