#!/bin/bash
# tests/progress.sh - the progress line and colours: on a terminal (a pty
# made by script(1)) a run shows the progress line on stderr and colours;
# with NO_COLOR set, or into pipes, no escape sequence at all, and into
# a pipe no progress line.  Needs root (real runs).
#
#   tests/progress.sh [BUILD_DIR]      (default: build)
set -u
TEST_NAME=progress
# shellcheck source=tests/lib/checks.sh
. "$(dirname "$0")/lib/checks.sh"
cd "$here" || exit 2
command -v script >/dev/null || { echo "script(1) missing (bsdutils)"; exit 77; }
ONLY=dane-ee-honest,evil-self-signed,mx-cname-secure,tlsa-rrsig-expired
N=4
esc=$'\033'
cr=$'\r'

# 1. stdout and stderr on a terminal
script -qfec "$H run --client refclient --only $ONLY" "$T/tty" </dev/null >/dev/null
check "on a terminal: the run passes" grep -q 'COMMAND_EXIT_CODE="0"' "$T/tty"
check "on a terminal: the progress line shows the sends" grep -qa "sending | [0-9]*/$N sent: " "$T/tty"
check "on a terminal: the last progress line has the verdicts and the time" \
    grep -qaE "dane-harness: $N/$N judged: .*PASS $N.* \| [0-9.]+ s" "$T/tty"
check "on a terminal: the line is redrawn with carriage returns" grep -qa "${cr}dane-harness: sending" "$T/tty"
check "on a terminal: colours" grep -qa "$esc\[32m" "$T/tty"

# 2. a terminal, NO_COLOR set
NO_COLOR=1 script -qfec "$H run --client refclient --only $ONLY" "$T/nocolor" </dev/null >/dev/null
check "NO_COLOR on a terminal: the progress line still shows" grep -qa "$N/$N judged" "$T/nocolor"
check "NO_COLOR on a terminal: no escape sequence at all" test "$(grep -ca "$esc" "$T/nocolor")" = 0

# 3. pipes
"$H" run --client refclient --only "$ONLY" 2>"$T/err" | cat >"$T/out"
check "into pipes: no progress line on stderr" test "$(grep -c 'judged\|sending |' "$T/err")" = 0
check "into pipes: no carriage return, no escape sequence" \
    test "$(grep -c "$cr\|$esc" "$T/err" "$T/out" | awk -F: '{s += $2} END {print s}')" = 0
check "into pipes: the report is there" grep -q "^$N scenarios: $N PASS" "$T/out"

echo
summary
