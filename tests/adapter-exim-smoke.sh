#!/bin/bash
# Smoke test of the Exim adapter (harness/adapters/exim), outside the
# harness: builds a tiny sandbox by hand (net + mount + pid namespaces, NSD
# and Unbound serving an UNSIGNED zone smoke.danelab., smtp-sink as the MX),
# then runs the adapter verbs and checks their results: outcomes, evidence,
# no retry after a deferral, parallel sends, a crashed delivery process,
# and a teardown that leaves no Exim process behind, also after the
# adapter itself was killed (Exim's delivery processes leave its process
# group).
#
#   sudo tests/adapter-exim-smoke.sh        (ADAPTER=path to test another copy)
#   KEEP=1 ...                              keep the temporary folder
#
# Uses the Exim that ci/deps.sh unpacked into build/exim.  Must run as
# root.  Changes nothing on the host: everything lives in a temporary
# folder and in namespaces that die with the test.
# Exit status: 0 all passed, 1 a check failed, 77 skipped (not root, tools
# or the unpacked Exim missing).
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
ADAPTER=${ADAPTER:-$here/harness/adapters/exim}

# The sandbox, the DNS, the sinks and the adapter's environment.
MTA=Exim
MTA_TOOLS="ss pgrep"
MTA_TMP=dh-exim-smoke
SINK_USER=nobody
# mta_precheck - the Exim that ci/deps.sh unpacks
mta_precheck() {
	[ -x "$here/build/exim/usr/sbin/exim4" ] && return 0
	echo "no Exim in $here/build/exim (run ci/deps.sh)"
	return 1
}
# shellcheck source=tests/lib/mta-smoke.sh
. "$here/tests/lib/mta-smoke.sh"
conf=$W/exim.conf

# exim_pids - the processes of our private Exim (this PID namespace)
exim_pids() { pgrep -f -- "-C $conf" || true; }

# ---- version, capabilities
run_adapter version version
if [ "$rc" = 0 ] && [[ $out =~ ^exim\ 4\.[0-9]+ ]]; then
	pass "version: $out"
else
	fail "version" "rc=$rc out=$out" "$err"
fi
run_adapter capabilities capabilities
if [ "$rc" = 0 ] && grep -qx parallel <<<"$out" && grep -qx ipv6 <<<"$out"; then
	pass "capabilities lists parallel and ipv6"
else
	fail "capabilities" "rc=$rc out=$out" "$err"
fi
run_adapter nosuchverb frobnicate
if [ "$rc" = 3 ]; then pass "unknown verb exits 3"; else fail "unknown verb exits 3" "rc=$rc"; fi
run_adapter badword setup no-such-word
if [ "$rc" != 0 ] && [[ $err == *"unknown extra word"* ]]; then
	pass "setup refuses an unknown extra word"
else
	fail "setup refuses an unknown extra word" "rc=$rc" "$err"
fi

# ---- setup
setup_done=1
run_adapter setup setup log_selector=+all
if [ "$rc" = 0 ] && [ -f "$conf" ] && [ "$(stat -c %U "$W/spool")" = Debian-exim ]; then
	pass "setup writes a private configuration and spool"
else
	fail "setup writes a private configuration and spool" "rc=$rc" "$err"
	echo "$passed passed, $failed failed"
	exit 1
fi
if grep -q '^dns_dnssec_ok = 1$' "$conf" && grep -q '^  dnssec_request_domains = \*$' "$conf" &&
	grep -q '^  hosts_try_dane = \*$' "$conf" && grep -q '^log_selector = +all$' "$conf" &&
	[ -z "$(exim_pids)" ]; then
	pass "configuration: DANE as the how-to says, the extra main option, no daemon"
else
	fail "configuration: DANE as the how-to says, the extra main option, no daemon" "$(cat "$conf")"
fi

# check_outcome NAME WORD RCPT TOKEN: the send result in $out/$rc.
check_outcome() {
	local first
	first=$(head -n 1 <<<"$out")
	if [ "$rc" = 0 ] && [ "${first%% *}" = "$2" ] && [[ $first == *" $3"* ]]; then
		pass "$1: $2"
	else
		fail "$1: expected $2" "rc=$rc" "stdout: $out" "stderr: $err"
		return 0
	fi
	if [ "$2" = delivered ] && [ -n "$4" ]; then
		if grep -rqF "X-DH-Token: $4" "$T/sink"; then
			pass "$1: smtp-sink received the message"
		else
			fail "$1: smtp-sink received the message" "token $4 not in $T/sink"
		fi
	fi
}

# ---- delivered
make_message "$T/m1" tok-m1 user@smoke.danelab
run_adapter send1 send sender@client.smoke.danelab user@smoke.danelab "$T/m1"
check_outcome "send to a listening MX" delivered user@smoke.danelab tok-m1
if grep -q "dot above must not end" "$T"/sink/* 2>/dev/null; then
	pass "a line with a single dot does not end the message"
else
	fail "a line with a single dot does not end the message"
fi

# ---- deferred: held in the spool for "retry" (no queue runner retries
# it by itself), and "retry" makes one more attempt
make_message "$T/m2" tok-m2 user@dead.smoke.danelab
run_adapter send2 send sender@client.smoke.danelab user@dead.smoke.danelab "$T/m2"
check_outcome "send to an MX without a listener" deferred user@dead.smoke.danelab ""
id=$(head -n 1 <<<"$out" | awk '{print $2}')
queue=$(LD_LIBRARY_PATH=$here/build/exim/usr/lib/x86_64-linux-gnu:$here/build/exim/usr/lib \
	"$here/build/exim/usr/sbin/exim4" -C "$conf" -bp 2>/dev/null)
if [ -n "$id" ] && grep -qF "$id" <<<"$queue"; then
	pass "deferred message $id held in the queue for a retry"
else
	fail "deferred message held in the queue" "id=$id" "$queue"
fi
run_adapter retry2 retry tok-m2
if grep -q "^tok-m2 deferred .*$id" <<<"$out"; then
	pass "retry tok-m2: one more attempt of $id, deferred again"
else
	fail "retry tok-m2" "$out"
fi
run_adapter retry3 retry tok-nothing
if grep -q "^tok-nothing gone" <<<"$out"; then
	pass "retry of a token not held: gone"
else
	fail "retry tok-nothing" "$out"
fi

# ---- bounced (the domain does not exist); no notice is mailed anywhere
make_message "$T/m3" tok-m3 user@nx.smoke.danelab
run_adapter send3 send sender@client.smoke.danelab user@nx.smoke.danelab "$T/m3"
check_outcome "send to a non-existent domain" bounced user@nx.smoke.danelab ""
if grep -q 'R=drop_notices' "$W/log/mainlog"; then
	pass "the bounce notice is dropped, not mailed into the world"
else
	fail "the bounce notice is dropped" "$(tail -n 5 "$W/log/mainlog")"
fi

# ---- message without X-DH-Token: the adapter adds its own
make_message "$T/m4" "" other@smoke.danelab
run_adapter send4 send sender@client.smoke.danelab other@smoke.danelab "$T/m4"
check_outcome "send a message without X-DH-Token" delivered other@smoke.danelab ""

# ---- several sends at once
pids=()
for i in 1 2 3 4 5 6; do
	make_message "$T/p$i" "tok-p$i" "p$i@smoke.danelab"
	timeout 60 "$ADAPTER" send sender@client.smoke.danelab "p$i@smoke.danelab" "$T/p$i" \
		>"$T/par$i.out" 2>"$T/par$i.err" &
	pids+=($!)
done
i=0
for pid in "${pids[@]}"; do
	i=$((i + 1))
	rc=0
	wait "$pid" || rc=$?
	out=$(cat "$T/par$i.out")
	err=$(cat "$T/par$i.err")
	check_outcome "parallel send $i" delivered "p$i@smoke.danelab" "tok-p$i"
done

# ---- TLS (opportunistic: the zone is unsigned): TLS fields as evidence
if [ -n "$tls_mx" ] && wait_for 5 sink_up 127.1.1.4; then
	make_message "$T/m6" tok-m6 user@tls.smoke.danelab
	run_adapter send6 send sender@client.smoke.danelab user@tls.smoke.danelab "$T/m6"
	check_outcome "send to a STARTTLS MX" delivered user@tls.smoke.danelab ""
	if grep -q ' X=TLS1\.[23]:.* CV=no ' <<<"$out"; then
		pass "TLS fields (X=, CV=no: not DANE, unsigned zone) given as evidence"
	else
		fail "TLS fields given as evidence" "$out"
	fi
else
	echo "skip - STARTTLS MX (python3 or openssl missing, or it did not start)"
fi

# connected_slow - an SMTP connection to the slow MX is open
connected_slow() { ss -Htn state established dst 127.1.1.3 | grep -q .; }

# ---- a delivery process crashes: the adapter dies by the same signal
make_message "$T/m5" tok-m5 user@slow.smoke.danelab
timeout 60 "$ADAPTER" send sender@client.smoke.danelab user@slow.smoke.danelab "$T/m5" \
	>"$T/send5.out" 2>"$T/send5.err" &
send_pid=$!
# Once the transport is connected (the sink delays its DATA reply), kill
# the youngest process of the instance (the smtp transport's) with SEGV.
if wait_for 10 connected_slow; then
	kill -SEGV "$(pgrep -n -f -- "-C $conf")" 2>/dev/null || true
fi
rc=0
wait "$send_pid" || rc=$?
out=$(cat "$T/send5.out")
err=$(cat "$T/send5.err")
if [ "$rc" = $((128 + 11)) ] && [[ $out == deferred* ]]; then
	pass "crashed delivery process: adapter killed by SIGSEGV, outcome deferred"
else
	fail "crashed delivery process: adapter killed by SIGSEGV" "rc=$rc" "stdout: $out" "stderr: $err"
fi

# ---- the adapter is killed (as the harness does at its deadline, by
# process group): Exim's delivery goes on outside that group; teardown
# must stop it.
make_message "$T/m7" tok-m7 user@slow.smoke.danelab
setsid "$ADAPTER" send sender@client.smoke.danelab user@slow.smoke.danelab "$T/m7" \
	>"$T/send7.out" 2>"$T/send7.err" &
send_pid=$!
if wait_for 10 connected_slow; then
	kill -KILL -- "-$send_pid" 2>/dev/null || true
	wait "$send_pid" 2>/dev/null || true
	sleep 0.2
	if [ -n "$(exim_pids)" ]; then
		pass "Exim's delivery survives the adapter's process group (as expected)"
	else
		echo "note - no Exim process outlived the adapter's process group"
	fi
else
	fail "second connection to the slow MX" "$(cat "$T/send7.err")"
fi

# ---- teardown: nothing of Exim is left running
run_adapter teardown teardown
setup_done=
left=$(exim_pids)
if [ "$rc" = 0 ] && [ -z "$left" ]; then
	pass "teardown stops every Exim process"
else
	fail "teardown stops every Exim process" "rc=$rc" "left: $left" "$err"
fi
if [ -s "$W/log/mainlog" ]; then
	pass "teardown leaves the log ($W/log/mainlog)"
else
	fail "teardown leaves the log"
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
