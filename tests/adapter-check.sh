#!/bin/bash
# tests/adapter-check.sh - check an adapter against the adapter contract
# (docs/adapter-contract.md), without the scenario catalog.  Run it first
# when you write an adapter for your MTA.
#
#   tests/adapter-check.sh [-b BUILD_DIR] [-t SECS] ADAPTER [EXTRA...]
#
# ADAPTER is a bundled adapter name (refclient, postfix, exim) or a path;
# EXTRA words are passed to every verb, as with --client "ADAPTER EXTRA".
# It brings up the harness's world for two scenarios (dane-ee-honest, a
# DANE host that must get the message; starttls-stripped, one that must
# not) with `dane-harness shell`, and inside the sandbox, with the
# contract's environment, checks:
#   version       exit 0, one non-empty first line
#   capabilities  exit 0 (or 3), only the words parallel and ipv6
#   unknown verb  exit 3
#   setup         exit 0 (or 3) in an empty DH_WORKDIR
#   send          exit 0 and a first line "delivered|deferred|bounced
#                 REASON" for each scenario; "delivered" only when the
#                 fake MX received the message's X-DH-Token; a message
#                 without a token too; with capability parallel, three
#                 sends at once
#   teardown      exit 0 (or 3), and no process started by the adapter
#                 is left running afterwards
# Every verb must return within DH_TIMEOUT (-t, default 30 s): one that
# does not is reported as a HANG; one killed by a signal as a CRASH.
# Prints one line per check and "N passed, M failed"; exits 0 when the
# adapter conforms, 1 when it does not, 2 on a usage or harness error.
# Needs root.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)

# ---------------------------------------------------------------- outside
if [ "${DH_KIT_INNER:-}" != 1 ]; then
	B=$here/build
	tmo=30
	while getopts b:t: opt; do
		case $opt in
		b) B=$(cd "$OPTARG" && pwd) ;;
		t) tmo=$OPTARG ;;
		*)
			sed -n '6p' "$0" | sed 's/^# *//' >&2
			exit 2
			;;
		esac
	done
	shift $((OPTIND - 1))
	[ $# -ge 1 ] || {
		echo "usage: tests/adapter-check.sh [-b BUILD_DIR] [-t SECS] ADAPTER [EXTRA...]" >&2
		exit 2
	}
	adapter=$1
	shift
	case $adapter in
	*/*) adapter=$(cd "$(dirname "$adapter")" && pwd)/$(basename "$adapter") ;;
	*) adapter=$B/adapters/$adapter ;;
	esac
	[ -x "$adapter" ] || {
		echo "adapter-check: $adapter is not an executable file" >&2
		exit 2
	}
	[ -x "$B/dane-harness" ] || {
		echo "adapter-check: $B/dane-harness not built (run make)" >&2
		exit 2
	}
	[ "$(id -u)" = 0 ] || {
		echo "adapter-check: must run as root (namespaces, port 25)" >&2
		exit 2
	}
	DH_KIT_INNER=1 DH_KIT_ADAPTER=$adapter DH_TIMEOUT=$tmo \
		"$B/dane-harness" shell --only dane-ee-honest,starttls-stripped \
		-- /bin/bash "$0" "$@" 2>"${TMPDIR:-/tmp}/adapter-check.$$.err"
	rc=$?
	if [ "$rc" != 0 ] && [ "$rc" != 1 ]; then
		cat "${TMPDIR:-/tmp}/adapter-check.$$.err" >&2
		rc=2
	fi
	rm -f "${TMPDIR:-/tmp}/adapter-check.$$.err"
	exit "$rc"
fi

# ---------------------------------------------------------------- inside
# In the sandbox, with the contract's environment (dane-harness shell).
A=$DH_KIT_ADAPTER
W=$DH_WORKDIR
run_dir=$(dirname "$W")
T=$(mktemp -d /tmp/adapter-check.XXXXXX)
trap 'rm -rf "$T"' EXIT
mkdir -p "$W"
passed=0
failed=0

pass() {
	passed=$((passed + 1))
	echo "ok   - $1"
}
fail() {
	failed=$((failed + 1))
	echo "FAIL - $1"
	shift
	[ $# -eq 0 ] || printf '       %s\n' "$@" | head -n 20
}

# pids - every live process of this PID namespace but this script's own
# (no fork: a glob in this shell); zombies do not count (dane-harness
# shell, PID 1 here, does not reap the orphans it inherits)
pids() {
	local d p st
	for d in /proc/[0-9]*; do
		p=${d#/proc/}
		[ "$p" = $$ ] || [ "$p" = "$BASHPID" ] && continue
		read -r st <"$d/stat" 2>/dev/null || continue
		st=${st##*) }
		[ "${st%% *}" = Z ] || echo "$p"
	done
}

# verb NAME ARGS... - run the adapter with its extra words; sets $rc, $out,
# $err, $how ("", "HANG", "CRASH: signal N")
verb() {
	local name=$1
	shift
	rc=0
	how=
	timeout -s KILL "$DH_TIMEOUT" "$A" "$@" "${EXTRA[@]}" \
		>"$T/$name.out" 2>"$T/$name.err" </dev/null || rc=$?
	out=$(cat "$T/$name.out")
	err=$(tail -n 20 "$T/$name.err")
	if [ "$rc" = 137 ]; then
		how="HANG: no return within ${DH_TIMEOUT}s (killed)"
	elif [ "$rc" -gt 128 ]; then
		how="CRASH: killed by signal $((rc - 128))"
	fi
}

# status_ok WANT... - $rc is one of WANT, else a failure with the reason
status_ok() {
	local w
	for w in "$@"; do [ "$rc" = "$w" ] && return 0; done
	return 1
}

# message FILE TOKEN RCPT - a message as the harness writes it (CRLF)
message() {
	{
		printf 'From: <dh-sender@%s>\r\nTo: <%s>\r\n' "$DH_HELO" "$3"
		printf 'Subject: adapter-check\r\nMessage-ID: <%s@%s>\r\n' "$2" "$DH_HELO"
		[ -z "$2" ] || printf 'X-DH-Token: %s\r\n' "$2"
		printf '\r\nThis message was sent by tests/adapter-check.sh.\r\n'
	} >"$1"
}

# received TOKEN - did a fake MX record the message with this token?
received() {
	local i
	for i in $(seq 1 40); do
		grep -qF "$1" "$run_dir/events.jsonl" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# check_send NAME RCPT TOKEN - one send and its outcome line
check_send() {
	local first word
	verb "$1" send "dh-sender@$DH_HELO" "$2" "$T/$1.eml"
	first=$(head -n 1 <<<"$out")
	word=${first%% *}
	if [ -n "$how" ]; then
		fail "send ($1): $how" "$err"
	elif [ "$rc" != 0 ]; then
		fail "send ($1): exit $rc, expected 0 (an adapter failure is an ERROR)" "$out" "$err"
	elif ! [[ $first =~ ^(delivered|deferred|bounced)(\ .*)?$ ]]; then
		fail "send ($1): first line is not 'delivered|deferred|bounced REASON...': '$first'" "$err"
	elif [ "$word" = delivered ] && [ -n "$3" ] && ! received "$3"; then
		fail "send ($1): says delivered, but no fake MX received token $3" "$first"
	else
		pass "send ($1): exit 0, outcome '${first:0:100}'"
	fi
}

EXTRA=("$@")
echo "adapter-check: $A${EXTRA[*]:+ ${EXTRA[*]}}; DH_TIMEOUT ${DH_TIMEOUT}s"

# ---- version
verb version version
if [ -n "$how" ]; then
	fail "version: $how"
elif [ "$rc" = 0 ] && [ -n "$(head -n 1 <<<"$out")" ]; then
	pass "version: $(head -n 1 <<<"$out")"
else
	fail "version: exit $rc, first line '$(head -n 1 <<<"$out")' (want exit 0 and one line)" "$err"
fi

# ---- capabilities
verb capabilities capabilities
caps=
if [ -n "$how" ]; then
	fail "capabilities: $how"
elif status_ok 0 3; then
	bad_words=$(grep -v -x -e parallel -e ipv6 -e retry -e batch -e rootless -e '' <<<"$out" | tr '\n' ' ')
	if [ -z "$bad_words" ]; then
		caps=$(tr '\n' ' ' <<<"$out")
		pass "capabilities: exit $rc, '${caps% }'"
	else
		fail "capabilities: unknown words: $bad_words(the contract knows parallel, ipv6, retry, batch and rootless)"
	fi
else
	fail "capabilities: exit $rc (want 0, or 3 for none)" "$err"
fi

# ---- an unknown verb
verb unknown adapter-check-no-such-verb
if [ -z "$how" ] && [ "$rc" = 3 ]; then
	pass "unknown verb: exit 3"
else
	fail "unknown verb: exit $rc ${how:+($how) }(want 3: verb not supported)" "$err"
fi

# ---- setup
before=$(pids)
before=$(sort -n <<<"$before")
verb setup setup
if [ -n "$how" ]; then
	fail "setup: $how" "$err"
elif status_ok 0 3; then
	pass "setup: exit $rc"
else
	fail "setup: exit $rc (want 0, or 3 if not needed); every other scenario would be an ERROR" "$out" "$err"
fi

# ---- send
rcpt_ok=postmaster@dane-ee-honest.danelab
rcpt_no=postmaster@starttls-stripped.danelab
message "$T/s1.eml" "kit-s1-$$" "$rcpt_ok"
check_send s1 "$rcpt_ok" "kit-s1-$$"
message "$T/s2.eml" "kit-s2-$$" "$rcpt_no"
check_send s2 "$rcpt_no" "kit-s2-$$"
message "$T/s3.eml" "" "$rcpt_ok"
check_send s3 "$rcpt_ok" ""
if [[ " $caps " == *" parallel "* ]]; then
	for i in 1 2 3; do
		message "$T/p$i.eml" "kit-p$i-$$" "$rcpt_ok"
		(check_send "p$i" "$rcpt_ok" "kit-p$i-$$" >"$T/par$i.res") &
	done
	wait
	for i in 1 2 3; do
		if grep -q '^ok' "$T/par$i.res"; then
			pass "parallel send $i of 3: $(sed -n 's/^ok   - //p' "$T/par$i.res" | head -c 100)"
		else
			fail "parallel send $i of 3 (capability parallel)" "$(cat "$T/par$i.res")"
		fi
	done
fi

# ---- teardown
verb teardown teardown
if [ -n "$how" ]; then
	fail "teardown: $how" "$err"
elif status_ok 0 3; then
	pass "teardown: exit $rc"
else
	fail "teardown: exit $rc (want 0, or 3 if not needed)" "$err"
fi
sleep 0.2
after=$(pids)
after=$(sort -n <<<"$after")
left=$(comm -13 <(echo "$before") <(echo "$after"))
if [ -z "$left" ]; then
	pass "teardown: no process of the adapter is left"
else
	fail "teardown: processes left running after teardown" \
		"$(for p in $left; do printf '%s: %s\n' "$p" "$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)"; done)"
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
