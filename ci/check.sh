#!/bin/bash
# ci/check.sh - the whole test suite, as `make check` runs it.
#
#   ci/check.sh [unit|integration|sanitize|all]     (default: all)
#
# static:      house style, generated docs, the catalog's lint, the
#              manual page against --help, the CI recipes' YAML
# unit:        the Check unit tests (build/tests/check_*)
# integration: tests/*.sh against the real world (needs root)
# sanitize:    rebuild into build-san/ with ASan + UBSan and run the unit
#              tests and the reference-client integration runs again
# Ends with one line "N passed, M failed" and a non-zero exit on failure.
set -u
cd "$(dirname "$0")/.." || exit 2
what=${1:-all}
passed=0
failed=0

# suite NAME CMD... - run one test program, count it
suite() {
    local name=$1
    shift
    echo "== $name"
    "$@"
    case $? in
    0) passed=$((passed + 1)) ;;
    77) echo "-- $name skipped" ;;
    *) failed=$((failed + 1)); echo "!! $name FAILED" ;;
    esac
}

# static checks: one house style, docs that say what the data says
static() {
    suite "style (clang-format, function lengths)" tests/style.py
    suite "docs match the data" tests/docs-check.sh build
    suite "scenario catalog lint" build/dane-harness lint
    suite "manual page matches --help" tests/manpage.sh build
    if command -v yamllint >/dev/null; then
        suite "CI recipes (yamllint)" yamllint --strict -c ci/examples/.yamllint ci/examples/
    else
        echo "!! yamllint missing (ci/deps.sh installs it)"
        failed=$((failed + 1))
    fi
}

unit() {
    local b=$1 t
    for t in "$b"/tests/check_*; do
        [ -x "$t" ] || continue
        suite "unit $(basename "$t")${2:-}" env CK_DEFAULT_TIMEOUT=30 "$t"
    done
}

integration() {
    local b=$1 t
    suite "integration harness${2:-}" env ${DH_SKIP_POSTFIX:+DH_SKIP_POSTFIX=1} ${DH_SKIP_EXIM:+DH_SKIP_EXIM=1} tests/integration.sh "$b"
    suite "fixture faults${2:-}" env ${DH_SKIP_POSTFIX:+DH_SKIP_POSTFIX=1} ${DH_SKIP_EXIM:+DH_SKIP_EXIM=1} tests/faults.sh "$b"
    suite "kill matrix${2:-}" tests/killmatrix.sh "$b"
    suite "lint, explain, shard, merge${2:-}" tests/cli-commands.sh "$b"
    suite "progress line and colours${2:-}" tests/progress.sh "$b"
    suite "rootless runs (unprivileged user)${2:-}" tests/rootless.sh "$b"
    [ -n "${2:-}" ] && return 0
    # short: 2 runs at once, 2 rounds (the long one: tests/stress.sh -r 25)
    suite "stress (no verdict flips)" tests/stress.sh -b "$b" -n 2 -r 2 refclient postfix exim
    suite "fuzz (10 s per target)" env B="$b" tests/fuzz.sh 10
    for t in tests/*-smoke.sh; do
        [ -x "$t" ] || continue
        suite "smoke $(basename "$t")" "$t"
    done
}

if [ "$(id -u)" != 0 ] && [ "$what" != unit ]; then
    echo "ci/check.sh: the integration tests need root (namespaces, port 25)" >&2
    exit 2
fi

case $what in
unit) unit build ;;
integration) integration build ;;
sanitize | all)
    if [ "$what" = all ]; then
        static
        unit build
        integration build
    fi
    echo "== building with AddressSanitizer + UndefinedBehaviorSanitizer"
    san="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
    if make --no-print-directory -s B=build-san SAN="$san" CFLAGS="-O1 -g" all >build-san.log 2>&1; then
        export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99
        export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
        # LeakSanitizer cannot follow the children of the sandboxed
        # PID 1 with ptrace; leak checks run in the unit tests only.
        # Postfix stays in: a real MTA drives the sanitized fake MX in ways
        # the reference client does not (it found a use-after-free).
        unit build-san " (asan+ubsan)"
        # Exim is left out: it adds no fake MX path Postfix does not drive,
        # and its private copy is unpacked under build/, not build-san/.
        ASAN_OPTIONS=detect_leaks=0:exitcode=99 DH_SKIP_EXIM=1 \
            integration build-san " (asan+ubsan)"
    else
        cat build-san.log
        failed=$((failed + 1))
    fi
    ;;
*) echo "usage: ci/check.sh [unit|integration|sanitize|all]" >&2; exit 2 ;;
esac

echo
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
