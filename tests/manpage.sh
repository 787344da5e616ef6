#!/bin/bash
# tests/manpage.sh - docs/dane-harness.1 and --help agree: the same
# options (the OPTIONS section's .TP items against the option lines of
# --help, which come from cli.c's table) and the same commands (the
# COMMANDS section's .SS titles against the usage lines); and the page
# renders without groff warnings.
#
#   tests/manpage.sh [BUILD_DIR]      (default: build)
set -u
cd "$(dirname "$0")/.." || exit 2
B=${1:-build}
M=${DH_MANPAGE:-docs/dane-harness.1}
status=0
T=$(mktemp -d /tmp/dh-manpage.XXXXXX)
trap 'rm -rf "$T"' EXIT

"$B/dane-harness" --help >"$T/help" || { echo "FAIL - --help exited $?"; exit 1; }
grep -E '^  (-[a-z], )? *--[a-z]' "$T/help" | grep -oE -- '--[a-z][a-z-]*' |
    head -n 1000 | sort -u >"$T/help.opts"
# the first --name of each line after a .TP in the OPTIONS section
awk '/^\.SH /{on = ($2 == "OPTIONS")} on && prev == ".TP" {print} {prev = $0}' "$M" |
    sed 's/\\-/-/g' | grep -oE -- '--[a-z][a-z-]*' | sort -u >"$T/man.opts"
sed -n 's/^ *\(usage: \)\{0,1\}dane-harness \([a-z][a-z-]*\).*/\2/p' "$T/help" | sort -u >"$T/help.cmds"
awk '/^\.SH /{on = ($2 == "COMMANDS")} on && /^\.SS /{print $2}' "$M" | sort -u >"$T/man.cmds"

for what in opts cmds; do
    n=$(wc -l <"$T/help.$what")
    if [ "$n" -lt 3 ]; then
        echo "FAIL - found only $n $what in --help: the test no longer reads it"
        status=1
    elif diff -u "$T/help.$what" "$T/man.$what" >"$T/diff"; then
        echo "ok   - $n $what: --help and $M agree"
    else
        echo "FAIL - $what of --help (-) and $M (+) differ:"
        sed 's/^/    /' "$T/diff"
        status=1
    fi
done
if command -v groff >/dev/null; then
    if groff -man -Tutf8 -ww -z "$M" 2>"$T/groff" && [ ! -s "$T/groff" ]; then
        echo "ok   - $M renders without warnings"
    else
        echo "FAIL - groff warns about $M:"
        sed 's/^/    /' "$T/groff"
        status=1
    fi
fi
exit $status
