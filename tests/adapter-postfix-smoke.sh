#!/bin/bash
# Smoke test of the Postfix adapter (harness/adapters/postfix), outside the
# harness: builds a tiny sandbox by hand (net + mount + pid namespaces, NSD
# and Unbound serving an UNSIGNED zone smoke.danelab., smtp-sink as the MX),
# then runs the adapter verbs and checks their results.
#
#   sudo tests/adapter-postfix-smoke.sh        (ADAPTER=path to test another copy)
#   KEEP=1 ...                                 keep the temporary folder
#
# Must run as root.  Changes nothing on the host: everything lives in a
# temporary folder and in namespaces that die with the test.
# Exit status: 0 all passed, 1 a check failed, 77 skipped (not root, tools
# missing).
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
ADAPTER=${ADAPTER:-$here/harness/adapters/postfix}

# The sandbox, the DNS, the sinks and the adapter's environment.
MTA=Postfix
MTA_TOOLS="postfix postconf"
MTA_TMP=dh-pf-smoke
SINK_USER=postfix
# shellcheck source=tests/lib/mta-smoke.sh
. "$here/tests/lib/mta-smoke.sh"

# ---- version, capabilities
run_adapter version version
if [ "$rc" = 0 ] && [[ $out =~ ^postfix\ [0-9] ]]; then
	pass "version: $out"
else
	fail "version" "rc=$rc out=$out" "$err"
fi
run_adapter capabilities capabilities
if [ "$rc" = 0 ] && grep -qx parallel <<<"$out"; then
	pass "capabilities lists parallel"
else
	fail "capabilities" "rc=$rc out=$out" "$err"
fi
run_adapter nosuchverb frobnicate
if [ "$rc" = 3 ]; then pass "unknown verb exits 3"; else fail "unknown verb exits 3" "rc=$rc"; fi

# ---- setup
setup_done=1
run_adapter setup setup
if [ "$rc" = 0 ] && postfix -c "$W/etc" status >/dev/null 2>&1; then
	pass "setup starts a private Postfix"
else
	fail "setup starts a private Postfix" "rc=$rc" "$err" "$(tail -n 20 "$W/maillog" 2>/dev/null)"
	echo "$passed passed, $failed failed"
	exit 1
fi
if [ -z "$(postconf -c "$W/etc" -M smtp/inet 2>/dev/null)" ] &&
	[ "$(postconf -c "$W/etc" -h queue_directory)" = "$W/queue" ]; then
	pass "private instance: own queue, no smtpd on port 25"
else
	fail "private instance: own queue, no smtpd on port 25" "$(postconf -c "$W/etc" -M)"
fi

# check_outcome NAME WORD RCPT TOKEN: the send result in $out/$rc.
check_outcome() {
	local first
	first=$(head -n 1 <<<"$out")
	if [ "$rc" = 0 ] && [ "${first%% *}" = "$2" ] && [[ $first == *"to=<$3>"* ]]; then
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

# ---- deferred: on hold for "retry" (the queue manager does not retry
# it by itself), and "retry" makes one more attempt
make_message "$T/m2" tok-m2 user@dead.smoke.danelab
run_adapter send2 send sender@client.smoke.danelab user@dead.smoke.danelab "$T/m2"
check_outcome "send to an MX without a listener" deferred user@dead.smoke.danelab ""
qid=$(head -n 1 <<<"$out" | sed -n 's/.*]: \([0-9A-Za-z]*\): to=.*/\1/p')
if [ -n "$qid" ] && postqueue -c "$W/etc" -j | grep -F "\"$qid\"" | grep -qF '"queue_name": "hold"'; then
	pass "deferred message $qid on hold for a retry"
else
	fail "deferred message on hold" "qid=$qid" "$(postqueue -c "$W/etc" -p)"
fi
run_adapter retry2 retry tok-m2
if grep -q "^tok-m2 deferred .*$qid" <<<"$out"; then
	pass "retry tok-m2: one more attempt of $qid, deferred again"
else
	fail "retry tok-m2" "$out"
fi

# ---- bounced (the domain does not exist)
make_message "$T/m3" tok-m3 user@nx.smoke.danelab
run_adapter send3 send sender@client.smoke.danelab user@nx.smoke.danelab "$T/m3"
check_outcome "send to a non-existent domain" bounced user@nx.smoke.danelab ""

# ---- message without X-DH-Token: the adapter adds its own
make_message "$T/m4" "" other@smoke.danelab
run_adapter send4 send sender@client.smoke.danelab other@smoke.danelab "$T/m4"
check_outcome "send a message without X-DH-Token" delivered other@smoke.danelab ""

# ---- several sends at once
pids=()
for i in 1 2 3 4; do
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

# ---- TLS (opportunistic: the zone is unsigned): TLS lines as evidence
if [ -n "$tls_mx" ] && wait_for 5 sink_up 127.1.1.4; then
	make_message "$T/m6" tok-m6 user@tls.smoke.danelab
	run_adapter send6 send sender@client.smoke.danelab user@tls.smoke.danelab "$T/m6"
	check_outcome "send to a STARTTLS MX" delivered user@tls.smoke.danelab ""
	if grep -q 'TLS connection established to mx.tls.smoke.danelab' <<<"$out"; then
		pass "TLS log line given as evidence"
	else
		fail "TLS log line given as evidence" "$out"
	fi
else
	echo "skip - STARTTLS MX (python3 or openssl missing, or it did not start)"
fi

# ---- the delivery agent crashes: the adapter dies by the same signal
daemon_dir=$(postconf -dh daemon_directory)
make_message "$T/m5" tok-m5 user@slow.smoke.danelab
timeout 60 "$ADAPTER" send sender@client.smoke.danelab user@slow.smoke.danelab "$T/m5" \
	>"$T/send5.out" 2>"$T/send5.err" &
send_pid=$!
# smtp_pids - the smtp(8) processes of our private instance (this PID
# namespace); false when there is none yet
smtp_pids() {
	local exe found=1
	for exe in /proc/[0-9]*/exe; do
		[ "$(readlink "$exe" 2>/dev/null)" = "$daemon_dir/smtp" ] || continue
		exe=${exe#/proc/}
		echo "${exe%/exe}"
		found=0
	done
	return $found
}
# Once the message is queued and an smtp(8) process is delivering it (the
# sink delays its DATA reply), kill the delivery agents with SEGV.
if wait_for 10 grep -qF tok-m5 "$W/maillog" && wait_for 10 smtp_pids; then
	for pid in $(smtp_pids); do
		kill -SEGV "$pid" 2>/dev/null || true
	done
fi
rc=0
wait "$send_pid" || rc=$?
out=$(cat "$T/send5.out")
err=$(cat "$T/send5.err")
if [ "$rc" = $((128 + 11)) ] && [[ $out == deferred* ]]; then
	pass "crashed delivery agent: adapter killed by SIGSEGV, outcome deferred"
else
	fail "crashed delivery agent: adapter killed by SIGSEGV" "rc=$rc" "stdout: $out" "stderr: $err"
fi

# ---- teardown: nothing of Postfix is left running
run_adapter teardown teardown
setup_done=
left=
for exe in /proc/[0-9]*/exe; do
	path=$(readlink "$exe" 2>/dev/null) || continue
	case $path in "$daemon_dir"/*) left="$left ${exe#/proc/}:$path" ;; esac
done
if [ "$rc" = 0 ] && [ -z "$left" ]; then
	pass "teardown stops every Postfix process"
else
	fail "teardown stops every Postfix process" "rc=$rc" "left:$left" "$err"
fi
if [ -s "$W/maillog" ]; then
	pass "teardown leaves the log ($W/maillog)"
else
	fail "teardown leaves the log"
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
