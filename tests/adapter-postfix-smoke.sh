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

# ---------------------------------------------------------------- outside
if [ "${DH_SMOKE_INNER:-}" != 1 ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "SKIP: $0 must run as root"
		exit 77
	fi
	for tool in unshare ip nsd unbound dig smtp-sink postfix postconf setpriv; do
		if ! command -v "$tool" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$tool" ]; then
			echo "SKIP: $tool is not installed"
			exit 77
		fi
	done
	T=$(mktemp -d /tmp/dh-pf-smoke.XXXXXX)
	chmod 755 "$T" # the postfix user must reach the queue below it
	# shellcheck disable=SC2317 # called by the trap
	cleanup_outer() {
		if [ "${KEEP:-}" = 1 ]; then
			echo "kept $T"
		else
			rm -rf "$T"
		fi
	}
	trap cleanup_outer EXIT
	trap 'exit 130' INT TERM
	rc=0
	DH_SMOKE_INNER=1 DH_SMOKE_DIR=$T ADAPTER=$ADAPTER \
		unshare --net --mount --pid --fork --mount-proc "$0" "$@" || rc=$?
	exit "$rc"
fi

# ---------------------------------------------------------------- inside
# PID 1 of a new PID namespace: every process started here dies with us.
T=$DH_SMOKE_DIR
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH
passed=0
failed=0
setup_done=
daemon_pids=()

pass() {
	passed=$((passed + 1))
	echo "ok   - $1"
}
fail() {
	failed=$((failed + 1))
	echo "FAIL - $1"
	shift
	[ $# -eq 0 ] || printf '       %s\n' "$@"
}

cleanup_inner() {
	local pid
	if [ -n "$setup_done" ]; then
		timeout 20 "$ADAPTER" teardown >/dev/null 2>&1 || true
	fi
	for pid in "${daemon_pids[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
}
trap cleanup_inner EXIT
trap 'exit 130' INT TERM

# Microseconds since the epoch.
now_us() { echo "${EPOCHREALTIME/./}"; }

# wait_for SECONDS COMMAND...: poll until COMMAND succeeds.
wait_for() {
	local deadline=$(($(now_us) + $1 * 1000000))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$(now_us)" -lt "$deadline" ] || return 1
		sleep 0.05
	done
}

# ---- network and resolv.conf (inside the namespace only)
ip link set lo up
mount --make-rprivate /
printf 'nameserver 127.0.0.1\noptions trust-ad\n' >"$T/resolv.conf"
mount --bind "$T/resolv.conf" /etc/resolv.conf

# ---- DNS: NSD (127.0.0.2) serves ., danelab., smoke.danelab.; Unbound
# (127.0.0.1) resolves from NSD.
D=$T/dns
mkdir -p "$D"
soa='IN SOA ns.nic. hostmaster.nic. 1 3600 600 86400 60'
cat >"$D/root.zone" <<EOF
\$TTL 60
. $soa
. IN NS ns.nic.
ns.nic. IN A 127.0.0.2
danelab. IN NS ns.nic.
EOF
cat >"$D/danelab.zone" <<EOF
\$TTL 60
danelab. $soa
danelab. IN NS ns.nic.
smoke.danelab. IN NS ns.nic.
EOF
cat >"$D/smoke.danelab.zone" <<EOF
\$TTL 60
\$ORIGIN smoke.danelab.
@ $soa
@ IN NS ns.nic.
@ IN MX 10 mx
mx IN A 127.1.1.1
dead IN MX 10 mx.dead
mx.dead IN A 127.1.1.2
slow IN MX 10 mx.slow
mx.slow IN A 127.1.1.3
tls IN MX 10 mx.tls
mx.tls IN A 127.1.1.4
EOF
cat >"$D/nsd.conf" <<EOF
server:
	ip-address: 127.0.0.2
	port: 53
	do-ip6: no
	username: ""
	chroot: ""
	database: ""
	zonesdir: "$D"
	zonelistfile: "$D/zone.list"
	xfrdfile: "$D/xfrd.state"
	xfrdir: "$D"
	pidfile: "$D/nsd.pid"
	logfile: "$D/nsd.log"
	server-count: 1
	verbosity: 1
remote-control:
	control-enable: no
zone:
	name: "."
	zonefile: "root.zone"
zone:
	name: "danelab."
	zonefile: "danelab.zone"
zone:
	name: "smoke.danelab."
	zonefile: "smoke.danelab.zone"
EOF
printf '. 3600000 IN NS ns.nic.\nns.nic. 3600000 IN A 127.0.0.2\n' >"$D/root.hints"
cat >"$D/unbound.conf" <<EOF
server:
	interface: 127.0.0.1
	port: 53
	do-ip6: no
	username: ""
	chroot: ""
	directory: "$D"
	pidfile: "$D/unbound.pid"
	logfile: "$D/unbound.log"
	use-syslog: no
	verbosity: 1
	log-queries: yes
	do-not-query-localhost: no
	root-hints: "$D/root.hints"
	module-config: "iterator"
	qname-minimisation: no
remote-control:
	control-enable: no
EOF
nsd -d -c "$D/nsd.conf" >"$D/nsd.out" 2>&1 &
daemon_pids+=($!)
unbound -d -c "$D/unbound.conf" >"$D/unbound.out" 2>&1 &
daemon_pids+=($!)
mx_ok() { [ "$(dig @127.0.0.1 +short +time=1 +tries=1 MX smoke.danelab.)" = "10 mx.smoke.danelab." ]; }
if wait_for 10 mx_ok; then
	pass "test DNS answers MX smoke.danelab"
else
	fail "test DNS answers MX smoke.danelab" "$(cat "$D"/*.out "$D"/*.log 2>/dev/null)"
	echo "$passed passed, $failed failed"
	exit 1
fi

# ---- the receiving MX: smtp-sink on 127.1.1.1:25, one file per message.
mkdir -p "$T/sink"
chown postfix: "$T/sink"
smtp-sink -u postfix -d "$T/sink/%M." 127.1.1.1:25 100 >"$T/sink.out" 2>&1 &
daemon_pids+=($!)
# A slow one on 127.1.1.3 (waits before answering DATA), to crash the
# delivery agent while it waits.
smtp-sink -u postfix -w 10 127.1.1.3:25 10 >"$T/slow.out" 2>&1 &
daemon_pids+=($!)
# A minimal STARTTLS server on 127.1.1.4 (python3), to see TLS evidence.
tls_mx=
if command -v python3 >/dev/null && command -v openssl >/dev/null; then
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$T/tls.key" -out "$T/tls.crt" -days 2 \
		-subj /CN=mx.tls.smoke.danelab >/dev/null 2>&1
	cat >"$T/tls-mx.py" <<'EOF'
import socket, ssl, sys
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[2], sys.argv[3])
s = socket.socket()
s.bind((sys.argv[1], 25))
s.listen(5)
def serve(c):
    f = c.makefile("rwb", buffering=0)
    def out(x):
        f.write(x.encode() + b"\r\n")
    out("220 tls ESMTP")
    tls = False
    while True:
        line = f.readline()
        if not line:
            break
        cmd = line.decode().strip().upper()
        if cmd.startswith("EHLO"):
            out("250-tls")
            out("250 8BITMIME" if tls else "250 STARTTLS")
        elif cmd == "STARTTLS":
            out("220 go")
            c = ctx.wrap_socket(c, server_side=True)
            f = c.makefile("rwb", buffering=0)
            tls = True
        elif cmd == "DATA":
            out("354 go")
            while f.readline() not in (b".\r\n", b""):
                pass
            out("250 ok")
        elif cmd == "QUIT":
            out("221 bye")
            break
        else:
            out("250 ok")
    return c
while True:
    c, _ = s.accept()
    try:
        c = serve(c)
    except Exception as e:  # a probe that hangs up, a failed handshake
        print("tls-mx:", e, flush=True)
    c.close()
EOF
	python3 "$T/tls-mx.py" 127.1.1.4 "$T/tls.crt" "$T/tls.key" >"$T/tls-mx.out" 2>&1 &
	daemon_pids+=($!)
	tls_mx=1
fi
sink_up() { (exec 3<>"/dev/tcp/$1/25"); }
if wait_for 5 sink_up 127.1.1.1 && wait_for 5 sink_up 127.1.1.3; then
	pass "smtp-sink listens on 127.1.1.1:25 and 127.1.1.3:25"
else
	fail "smtp-sink listens on 127.1.1.1:25 and 127.1.1.3:25" "$(cat "$T/sink.out" "$T/slow.out")"
fi

# ---- the adapter's environment (as the harness sets it)
W=$T/work
mkdir -m 700 "$W"
export DH_ADAPTER_API=1 DH_WORKDIR=$W DH_RESOLVER=127.0.0.1 \
	DH_TRUST_ANCHOR=$D/no-trust-anchor DH_RESOLV_CONF=$T/resolv.conf \
	DH_LIBEXEC=$here/build DH_HELO=client.smoke.danelab DH_TIMEOUT=30
: >"$DH_TRUST_ANCHOR"

# run_adapter NAME VERB ARGS...: run with a time limit; sets $out, $err, $rc.
run_adapter() {
	local name=$1
	shift
	rc=0
	timeout 60 "$ADAPTER" "$@" >"$T/$name.out" 2>"$T/$name.err" || rc=$?
	out=$(cat "$T/$name.out")
	err=$(cat "$T/$name.err")
}

# make_message FILE TOKEN RCPT: a small RFC 5322 message (TOKEN may be "").
make_message() {
	{
		echo "From: sender@client.smoke.danelab"
		echo "To: $3"
		echo "Subject: adapter smoke test"
		echo "Message-ID: <$(cat /proc/sys/kernel/random/uuid)@client.smoke.danelab>"
		[ -z "$2" ] || echo "X-DH-Token: $2"
		echo
		echo "Hello from the Postfix adapter smoke test."
		echo "."
		echo "A line with a single dot above must not end the message."
	} >"$1"
}

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
