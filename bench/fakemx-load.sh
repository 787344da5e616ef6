#!/bin/bash
# Load test of the fake MX daemon, on loopback only.
#
#   bench/fakemx-load.sh [-c CONNS] [-t SECS] [-r REPS] [-s SESSIONS]
#
#   (a) full STARTTLS handshakes per second: CONNS parallel connections
#       (default 32) for SECS seconds (default 5), each a loop of greeting,
#       EHLO, STARTTLS, full TLS handshake, QUIT; repeated REPS times
#       (default 3), the median is printed;
#   (b) SESSIONS concurrent sessions (default 1000): each says EHLO and
#       waits until all have their reply, then all QUIT; every one must be
#       served, and the events file must hold SESSIONS connect and SESSIONS
#       ehlo events for them, and as many disconnects with reason quit.
#
# Runs inside "unshare --net --fork" (a fresh network namespace with only
# lo up: nothing leaves the machine), with a throwaway ECDSA P-256
# certificate made by openssl.  Builds $B/dane-fakemx and $B/fakemx-load
# (B=build by default).  Everything it starts is stopped on exit.  Must run
# as root.  Exit status: 0 all good, 1 a check failed, 2 usage, 77 skipped.
set -u

here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here" || exit 2
B=${B:-build}
conns=32 secs=5 reps=3 sessions=1000
while getopts c:t:r:s: opt; do
	case $opt in
	c) conns=$OPTARG ;;
	t) secs=$OPTARG ;;
	r) reps=$OPTARG ;;
	s) sessions=$OPTARG ;;
	*) sed -n '3,4p' "$0" >&2; exit 2 ;;
	esac
done
# bounded in count and time
for v in "$conns:1:1000" "$secs:1:60" "$reps:1:9" "$sessions:1:5000"; do
	IFS=: read -r val lo hi <<<"$v"
	case $val in '' | *[!0-9]*) echo "not a number: $val" >&2; exit 2 ;; esac
	if [ "$val" -lt "$lo" ] || [ "$val" -gt "$hi" ]; then
		echo "$val: out of range $lo..$hi" >&2
		exit 2
	fi
done

# ---------------------------------------------------------------- outside
if [ "${DH_LOAD_INNER:-}" != 1 ]; then
	if [ "$(id -u)" != 0 ]; then echo "SKIP: must run as root"; exit 77; fi
	for tool in unshare ip openssl python3; do
		command -v "$tool" >/dev/null 2>&1 || { echo "SKIP: $tool missing"; exit 77; }
	done
	make --no-print-directory B="$B" "$B/dane-fakemx" "$B/fakemx-load" >/dev/null ||
		{ echo "FAIL: build"; exit 2; }
	DH_LOAD_INNER=1 B=$B exec unshare --net --fork "$0" "$@"
fi

# ----------------------------------------------------------------- inside
ip link set lo up || { echo "FAIL: cannot bring lo up"; exit 1; }
# Many short connections: wide port range, TIME_WAIT reuse (this netns only).
sysctl -qw net.ipv4.ip_local_port_range="1024 65000" net.ipv4.tcp_tw_reuse=1 \
	net.core.somaxconn=4096 2>/dev/null
ulimit -n "$(ulimit -Hn)"
T=$(mktemp -d /tmp/dh-fakemx-load.XXXXXX)
EV=$T/events.jsonl
pid=

# cleanup - stop the daemon (TERM, then KILL) and remove the scratch folder
# shellcheck disable=SC2317 # called by the trap
cleanup() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout "$T/key.pem" -out "$T/chain.pem" -days 1 -subj /CN=mx.load.danelab \
	>"$T/openssl.log" 2>&1 || { cat "$T/openssl.log"; exit 1; }
cat >"$T/fakemx.conf" <<CONF
listen 127.0.0.1 scenario=load-handshakes host=mx.load.danelab. persona=honest starttls=offer cert=$T/chain.pem key=$T/key.pem
listen 127.0.0.2 scenario=load-hold host=mx.load.danelab. persona=honest starttls=offer cert=$T/chain.pem key=$T/key.pem
CONF

mkfifo "$T/ready"
exec 4<>"$T/ready"
"$B/dane-fakemx" --config "$T/fakemx.conf" --events "$EV" --ready-fd 3 \
	--idle-timeout 120 3>"$T/ready" 2>"$T/fakemx.log" &
pid=$!
ready=
for _ in $(seq 100); do
	read -r -t 0.1 -u 4 ready && break
	kill -0 "$pid" 2>/dev/null || break
done
exec 4<&-
[ "$ready" = ready ] || { echo "FAIL: dane-fakemx not ready"; cat "$T/fakemx.log"; exit 1; }

rc=0
echo "(a) STARTTLS handshakes: $conns connections, $secs s, $reps repetitions"
for r in $(seq "$reps"); do
	out=$(timeout $((secs + 30)) "$B/fakemx-load" handshakes 127.0.0.1 "$conns" "$secs")
	echo "    run $r: $out"
	case $out in *" errors=0") ;; *) rc=1 ;; esac
	echo "$out" | sed -n 's/.* rate=\([0-9.]*\).*/\1/p' >>"$T/rates"
done
median=$(sort -n "$T/rates" | awk '{ v[NR] = $1 } END {
	if (NR == 0) print "n/a"; else if (NR % 2) print v[(NR + 1) / 2];
	else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
echo "    median: $median handshakes/s"

echo "(b) $sessions concurrent sessions, EHLO each, hold, QUIT all"
out=$(timeout 120 "$B/fakemx-load" hold 127.0.0.2 "$sessions" 30)
echo "    client: $out"
case $out in *" lost=0 "*) ;; *) rc=1 ;; esac
# the daemon writes the last disconnect events as the sockets close: wait
# for them (bounded), rather than for a fixed time
for _ in $(seq 100); do
	[ "$(grep -c '"event":"disconnect"' "$EV")" -ge "$sessions" ] && break
	sleep 0.05
done
counts=$(python3 - "$EV" <<'PY'
import json, sys
n = {"connect": 0, "ehlo": 0, "disconnect-quit": 0, "other": 0}
for line in open(sys.argv[1], "rb"):
    ev = json.loads(line)
    if ev["scenario"] != "load-hold":
        continue
    if ev["event"] in ("connect", "ehlo"):
        n[ev["event"]] += 1
    elif ev["event"] == "disconnect" and ev["reason"] == "quit":
        n["disconnect-quit"] += 1
    elif ev["event"] != "disconnect":
        n["other"] += 1
print("connect=%(connect)d ehlo=%(ehlo)d disconnect_quit=%(disconnect-quit)d other=%(other)d" % n)
PY
)
echo "    events: $counts"
[ "$counts" = "connect=$sessions ehlo=$sessions disconnect_quit=$sessions other=0" ] || rc=1
if ! kill -0 "$pid" 2>/dev/null; then
	echo "FAIL: dane-fakemx died"; cat "$T/fakemx.log"; rc=1
fi
[ "$rc" = 0 ] && echo "ok - all sessions served, none lost" || echo "FAIL: see above"
exit $rc
