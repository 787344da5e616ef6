# tests/lib/mta-smoke.sh - what the smoke tests of the MTA adapters
# (tests/adapter-postfix-smoke.sh, tests/adapter-exim-smoke.sh) share:
# entering a sandbox made by hand (net + mount + pid namespaces: the test
# re-runs itself inside with unshare), NSD and Unbound serving an UNSIGNED
# zone smoke.danelab., smtp-sink as the MX (127.1.1.1), a slow one
# (127.1.1.3), a minimal STARTTLS server (127.1.1.4), the environment the
# harness gives an adapter, and the helpers pass, fail, wait_for,
# run_adapter and make_message.  Sourced, not run, after `set -eu` and:
#
#   here        the source tree
#   ADAPTER     the adapter under test
#   MTA         its name in messages ("Postfix")
#   MTA_TOOLS   the commands it needs besides the common ones
#   MTA_TMP     the prefix of its temporary folder under /tmp
#   SINK_USER   the user smtp-sink runs as
#   mta_precheck  (optional function) prints why the test cannot run and
#               fails, when something else it needs is missing
#
# On return the test runs inside, as PID 1 of its namespace, with $T its
# folder, $W the adapter's work folder and $D the DNS folder.
# ---------------------------------------------------------------- outside
if [ "${DH_SMOKE_INNER:-}" != 1 ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "SKIP: $0 must run as root"
		exit 77
	fi
	for tool in unshare ip nsd unbound dig smtp-sink setpriv $MTA_TOOLS; do
		if ! command -v "$tool" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$tool" ]; then
			echo "SKIP: $tool is not installed"
			exit 77
		fi
	done
	if declare -F mta_precheck >/dev/null && ! why=$(mta_precheck); then
		echo "SKIP: $why"
		exit 77
	fi
	T=$(mktemp -d "/tmp/$MTA_TMP.XXXXXX")
	chmod 755 "$T" # the MTA's own user must reach its queue below it
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
chown "$SINK_USER": "$T/sink"
smtp-sink -u "$SINK_USER" -d "$T/sink/%M." 127.1.1.1:25 100 >"$T/sink.out" 2>&1 &
daemon_pids+=($!)
# A slow one on 127.1.1.3 (waits before answering DATA), to crash the
# delivery agent while it waits.
smtp-sink -u "$SINK_USER" -w 10 127.1.1.3:25 10 >"$T/slow.out" 2>&1 &
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
		echo "Hello from the $MTA adapter smoke test."
		echo "."
		echo "A line with a single dot above must not end the message."
	} >"$1"
}

