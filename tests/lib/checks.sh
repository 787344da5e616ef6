# tests/lib/checks.sh - what the test scripts share.  Sourced, not run,
# after `set -u`, with TEST_NAME set (the temporary folder's name) and
# the script's own arguments still in place ($1: the build folder).
# Sets:
#
#   here   the source tree
#   B      the build folder, absolute ($1, else $here/build)
#   H      the harness, $B/dane-harness
#   T      a new temporary folder, removed on exit (KEEP=1 keeps it)
#
# and defines ok TEXT and bad TEXT (one line each, counted in $pass and
# $fail), check TEXT CMD... (ok when CMD succeeds), need_root (exit 77,
# the suite's "skipped", unless root) and summary (the last line, "N
# passed, M failed", and the exit status).
here=$(cd "$(dirname "$0")/.." && pwd)
B=$(cd "${1:-$here/build}" && pwd) || exit 2
H=$B/dane-harness
T=$(mktemp -d "/tmp/dh-$TEST_NAME.XXXXXX")
# shellcheck disable=SC2064 # T is fixed now
trap "if [ -n \"\${KEEP:-}\" ]; then echo \"kept $T\"; else rm -rf '$T'; fi" EXIT
pass=0
fail=0

ok() {
    pass=$((pass + 1))
    echo "ok   - $*"
}
bad() {
    fail=$((fail + 1))
    echo "FAIL - $*"
}
# check DESCRIPTION CMD... - CMD must succeed
check() {
    local d=$1
    shift
    if "$@"; then ok "$d"; else bad "$d"; fi
}
need_root() {
    if [ "$(id -u)" != 0 ]; then
        echo "SKIP: $0 must run as root"
        exit 77
    fi
}
summary() {
    echo "$pass passed, $fail failed"
    [ "$fail" = 0 ]
}
