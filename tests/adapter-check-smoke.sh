#!/bin/bash
# tests/adapter-check-smoke.sh - the adapter kit (tests/adapter-check.sh)
# passes every bundled adapter and the template (docs/adapter-template.sh),
# and fails, with the reason, for deliberately broken adapters: a wrong
# outcome line, an unknown verb accepted, a "delivered" no server saw, a
# send that hangs, one that crashes, a process left after teardown.
#
#   tests/adapter-check-smoke.sh [BUILD_DIR]      (default: build; root)
#
# Prints one line per check and "N passed, M failed"; exit 0 all passed,
# 1 a check failed, 77 skipped (not root).
set -u
cd "$(dirname "$0")/.." || exit 2
B=${1:-build}
[ "$(id -u)" = 0 ] || { echo "SKIP: $0 must run as root"; exit 77; }
T=$(mktemp -d /tmp/dh-kit-smoke.XXXXXX)
trap 'rm -rf "$T"' EXIT
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok   - $*"; }
bad() { failed=$((failed + 1)); echo "FAIL - $*"; }

# kit NAME ADAPTER [ARGS...] - run the kit; sets $rc, output in $T/NAME.out
kit() {
	local name=$1
	shift
	rc=0
	tests/adapter-check.sh -b "$B" "$@" >"$T/$name.out" 2>&1 || rc=$?
}

adapters="refclient postfix exim"
[ -x "$B/exim/usr/sbin/exim4" ] || adapters="refclient postfix"
for a in $adapters docs/adapter-template.sh; do
	kit "$(basename "$a")" "$a"
	if [ "$rc" = 0 ]; then
		ok "kit passes $a: $(tail -n 1 "$T/$(basename "$a").out")"
	else
		bad "kit fails $a (exit $rc)"
		sed 's/^/    /' "$T/$(basename "$a").out"
	fi
done

# broken NAME REASON-REGEX - an adapter made from the template with one
# change (a sed script on stdin); the kit must fail it and say REASON
broken() {
	local name=$1 want=$2
	sed -f - docs/adapter-template.sh >"$T/$name"
	chmod 755 "$T/$name"
	kit "$name" -t 4 "$T/$name"
	if [ "$rc" = 1 ] && grep -Eq "^FAIL - .*($want)" "$T/$name.out"; then
		ok "kit fails $name: $(grep -E -m 1 "^FAIL - .*($want)" "$T/$name.out" | cut -c8-120)"
	else
		bad "kit does not fail $name as it should (exit $rc, want a FAIL matching '$want')"
		sed 's/^/    /' "$T/$name.out"
	fi
}

broken bad-outcome 'first line is not' <<'SED'
s/^	0 | 69 | 75) echo "\$out" ;;.*/	0 | 69 | 75) echo "sent: $out" ;;/
SED
broken unknown-verb-ok 'unknown verb: exit 0' <<'SED'
s/^\*) exit 3 ;;.*/*) exit 0 ;;/
SED
broken false-delivery 'no fake MX received' <<'SED'
s/^	0 | 69 | 75) echo "\$out" ;;.*/	0 | 69 | 75) echo "delivered (whatever happened)" ;;/
SED
broken hang 'HANG' <<'SED'
s/^	local from=\$1 rcpt=\$2 msg=\$3 out rc=0 sig$/&; sleep 600/
SED
broken crash 'CRASH: killed by signal 11' <<'SED'
s/^	local from=\$1 rcpt=\$2 msg=\$3 out rc=0 sig$/&; kill -SEGV $$/
SED
broken leftover 'processes left running' <<'SED'
s/^	# dane-smtp-send has no instance to start.$/	setsid sleep 600 <\/dev\/null >\/dev\/null 2>\&1 \&/
SED

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
