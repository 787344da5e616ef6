#!/bin/bash
# Smoke test of the fake MX daemon (build/dane-fakemx), outside the harness:
# in a fresh network namespace (loopback only, so port 25 of any 127/8
# address is ours) it starts the daemon with two addresses, one offering
# STARTTLS and one without, talks SMTP to it with openssl s_client and small
# python3 socket scripts, and checks the replies and the events file.
#
#   sudo tests/fakemx-smoke.sh
#   FAKEMX=build-san/dane-fakemx sudo -E tests/fakemx-smoke.sh
#   KEEP=1 ...                      keep the temporary folder
#
# Must run as root.  Changes nothing on the host.  Exit status: 0 all
# passed, 1 a check failed, 77 skipped (not root, tools missing).
set -u

here=$(cd "$(dirname "$0")/.." && pwd)
FAKEMX=${FAKEMX:-$here/build/dane-fakemx}
case $FAKEMX in /*) ;; *) FAKEMX=$here/$FAKEMX ;; esac

# ---------------------------------------------------------------- outside
if [ "${DH_SMOKE_INNER:-}" != 1 ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "SKIP: $0 must run as root"
		exit 77
	fi
	for tool in unshare ip openssl python3 timeout; do
		if ! command -v "$tool" >/dev/null 2>&1; then
			echo "SKIP: $tool is not installed"
			exit 77
		fi
	done
	if [ ! -x "$FAKEMX" ]; then
		echo "FAIL: $FAKEMX not built (make build/dane-fakemx)"
		exit 1
	fi
	DH_SMOKE_INNER=1 FAKEMX=$FAKEMX exec unshare --net --fork "$0" "$@"
fi

# ----------------------------------------------------------------- inside
ip link set lo up || { echo "FAIL: cannot bring lo up"; exit 1; }
T=$(mktemp -d /tmp/dh-fakemx-smoke.XXXXXX)
EV=$T/events.jsonl
pid=
passed=0
failed=0

# cleanup - stop the daemon (TERM, then KILL), remove the scratch folder
cleanup() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	if [ "${KEEP:-}" = 1 ]; then echo "kept $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# check WHAT CMD... - run one check, count it, show its output on failure
check() {
	local what=$1
	shift
	if "$@" >"$T/out" 2>&1; then
		passed=$((passed + 1))
		echo "ok - $what"
	else
		failed=$((failed + 1))
		echo "FAIL: $what"
		sed 's/^/    /' "$T/out"
	fi
}

# ------------------------------------------------------------ the fixture
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout "$T/mx1.key.pem" -out "$T/mx1.chain.pem" -days 2 \
	-subj /CN=mx1.x.danelab -addext subjectAltName=DNS:mx1.x.danelab \
	>"$T/openssl.log" 2>&1 || { cat "$T/openssl.log"; echo "FAIL: openssl req"; exit 1; }
LEAF_SHA256=$(openssl x509 -in "$T/mx1.chain.pem" -outform DER | sha256sum | cut -d' ' -f1)

cat >"$T/fakemx.conf" <<EOF
# fakemx smoke test
listen 127.1.1.1 scenario=smoke-tls host=mx1.x.danelab. persona=honest starttls=offer cert=$T/mx1.chain.pem key=$T/mx1.key.pem
listen 127.1.2.1 scenario=smoke-plain host=mx1.y.danelab. persona=no-starttls starttls=none cert=$T/mx1.chain.pem key=$T/mx1.key.pem
EOF

cat >"$T/smtp.py" <<'EOF'
# smtp.py - scripted SMTP sessions and event queries for fakemx-smoke.sh
import json, os, socket, sys, time

def fail(msg):
    print(msg)
    sys.exit(1)

class Conn:
    def __init__(self, addr, timeout=5):
        self.s = socket.create_connection((addr, 25), timeout=timeout)
        self.f = self.s.makefile("rb")
    def send(self, data):
        self.s.sendall(data)
    def reply(self):
        lines = []
        while True:
            l = self.f.readline()
            if not l:
                fail("connection closed; got so far: %r" % lines)
            lines.append(l.decode("latin-1").rstrip("\r\n"))
            if len(l) < 4 or l[3:4] != b"-":
                return lines
    def expect(self, code, cmd=None):
        if cmd is not None:
            self.send(cmd)
        r = self.reply()
        if not r[-1].startswith(str(code)):
            fail("after %r: expected %d, got %r" % (cmd, code, r))
        return r
    def eof(self):
        try:
            rest = self.f.read()
        except socket.timeout:
            fail("no EOF from the server")
        except ConnectionResetError:
            return b"<reset>"
        return rest

def events(path):
    with open(path, "rb") as fp:
        return [json.loads(l) for l in fp]

def find(path, **want):
    for ev in events(path):
        if all(ev.get(k) == v for k, v in want.items()):
            return ev
    return None

def cmd_plain(addr, evpath):
    c = Conn(addr)
    g = c.expect(220)
    if "mx1.y.danelab" not in g[0]:
        fail("greeting %r" % g)
    r = c.expect(250, b"EHLO smoke.client\r\n")
    if any("STARTTLS" in l for l in r):
        fail("STARTTLS offered by starttls=none: %r" % r)
    c.expect(502, b"STARTTLS\r\n")
    c.expect(503, b"DATA\r\n")
    c.expect(250, b"MAIL FROM:<sender@smoke.client> SIZE=100\r\n")
    c.expect(250, b"RCPT TO:<rcpt@x.danelab>\r\n")
    c.expect(354, b"DATA\r\n")
    body = (b"From: sender@smoke.client\r\nX-DH-Token: abc\r\n"
            b"Subject: smoke\r\n\r\n..leading dot\r\nline two\r\n")
    r = c.expect(250, body + b".\r\n")
    # The message event must be in the file before the 250 was sent:
    # look right now, without waiting.
    ev = find(evpath, event="message", scenario="smoke-plain")
    if ev is None:
        fail("no message event in the file when 250 arrived")
    qid = r[-1].split()[-1]
    if ev["token"] != "abc" or ev["tls"] is not False or ev["queue_id"] != qid:
        fail("message event %r, reply %r" % (ev, r))
    if ev["bytes"] != len(body) - 1:
        fail("bytes %r, want %d (dot-unstuffed)" % (ev["bytes"], len(body) - 1))
    c.expect(221, b"QUIT\r\n")
    c.eof()
    ev = find(evpath, event="disconnect", scenario="smoke-plain", conn=ev["conn"])
    if ev is None or ev["reason"] != "quit" or ev["quit"] is not True:
        fail("disconnect event %r" % ev)
    for want in ({"event": "mail", "from": "sender@smoke.client", "tls": False},
                 {"event": "rcpt", "to": "rcpt@x.danelab", "tls": False},
                 {"event": "starttls", "reply": 502},
                 {"event": "ehlo", "name": "smoke.client", "tls": False,
                  "starttls_offered": False}):
        if find(evpath, scenario="smoke-plain", **want) is None:
            fail("no event %r" % want)

def cmd_garbage(addr, evpath):
    c = Conn(addr)
    c.expect(220)
    c.expect(500, b"A" * 5000 + b"\r\n")
    c.expect(250, b"NOOP\r\n")
    junk = bytes((i * 151 + 7) % 256 for i in range(6000))
    c.send(junk + b"\r\n\x00\xff\xfe\r\n" + os.urandom(3000) + b"\r\n")
    try:
        while True:
            c.reply()
    except SystemExit:
        pass  # the daemon gave up on us (too many errors) and closed
    ev = find(evpath, event="command_error", reason="line too long",
              scenario="smoke-plain")
    if ev is None or ev["line"] != "A" * 80:
        fail("line-too-long event %r" % ev)

def cmd_alive(addr):
    c = Conn(addr)
    c.expect(220)
    c.expect(250, b"EHLO again\r\n")
    c.expect(221, b"QUIT\r\n")

def cmd_noscenario(addr, evpath):
    c = Conn(addr)
    c.expect(554)
    c.eof()
    if find(evpath, event="no_scenario", local=addr + ":25") is None:
        fail("no no_scenario event")

def cmd_injection(addr, evpath):
    c = Conn(addr)
    c.expect(220)
    c.expect(250, b"EHLO smoke.client\r\n")
    c.expect(554, b"STARTTLS\r\nMAIL FROM:<evil@x>\r\n")
    c.eof()
    ev = find(evpath, event="command_error", reason="starttls injection")
    if ev is None or not ev["line"].startswith("MAIL FROM:<evil@x>"):
        fail("injection event %r" % ev)

def cmd_badtls(addr, evpath):
    c = Conn(addr)
    c.expect(220)
    c.expect(250, b"EHLO smoke.client\r\n")
    c.expect(220, b"STARTTLS\r\n")
    c.send(b"this is not a ClientHello\r\n" * 4)
    c.eof()
    ev = find(evpath, event="tls", ok=False, scenario="smoke-tls")
    if ev is None or not ev.get("error"):
        fail("failed-handshake event %r" % ev)

def cmd_idle(addr, evpath):
    c = Conn(addr, timeout=10)
    c.expect(220)
    t = time.time()
    c.expect(421)
    c.eof()
    if time.time() - t > 8:
        fail("idle timeout took %.1f s" % (time.time() - t))
    if find(evpath, event="disconnect", reason="timeout") is None:
        fail("no timeout disconnect event")

def cmd_tls_events(evpath, sha256):
    ev = find(evpath, event="tls", ok=True, scenario="smoke-tls")
    if ev is None:
        fail("no successful tls event")
    if ev["sni"] != "mx1.x.danelab." or not ev["version"].startswith("TLS") \
            or not ev["cipher"] or ev["chain_sha256"] != [sha256]:
        fail("tls event %r (want leaf %s)" % (ev, sha256))
    conn = ev["conn"]
    for want in ({"event": "starttls", "reply": 220},
                 {"event": "ehlo", "tls": True, "starttls_offered": False},
                 {"event": "mail", "tls": True},
                 {"event": "message", "tls": True, "token": "tls123"}):
        if find(evpath, conn=conn, **want) is None:
            fail("no event %r on conn %d" % (want, conn))

def cmd_valid(evpath):
    n = 0
    with open(evpath, "rb") as fp:
        for line in fp:
            ev = json.loads(line)  # raises on broken JSON
            for k in ("ts", "conn", "scenario", "host", "persona", "local",
                      "peer", "event"):
                if k not in ev:
                    fail("line %d lacks %s: %r" % (n + 1, k, ev))
            n += 1
    if n == 0:
        fail("empty events file")
    print("%d events" % n)

getattr(sys.modules[__name__], "cmd_" + sys.argv[1])(*sys.argv[2:])
EOF

py() { timeout 20 python3 "$T/smtp.py" "$@"; }

# --------------------------------------------------------- start the daemon
mkfifo "$T/ready"
exec 4<>"$T/ready" # read-write: opening never blocks
"$FAKEMX" --config "$T/fakemx.conf" --events "$EV" --ready-fd 3 \
	--idle-timeout 2 3>"$T/ready" 2>"$T/fakemx.log" &
pid=$!
ready=
for _ in $(seq 100); do # up to 10 s, but give up as soon as it dies
	read -r -t 0.1 -u 4 ready && break
	kill -0 "$pid" 2>/dev/null || break
done
if [ "$ready" != ready ]; then
	echo "FAIL: dane-fakemx did not report ready; its log:"
	sed 's/^/    /' "$T/fakemx.log"
	exit 1
fi
exec 4<&-
passed=$((passed + 1))
echo "ok - daemon ready"

# ------------------------------------------------------------- the checks
# tls_session - STARTTLS with SNI, then EHLO and a message inside TLS
tls_session() {
	printf '%s\n' 'EHLO smoke.client' 'MAIL FROM:<s@smoke.client>' \
		'RCPT TO:<r@x.danelab>' 'DATA' 'X-DH-Token: tls123' '' 'hello' '.' \
		'QUIT' |
		timeout 10 openssl s_client -starttls smtp -connect 127.1.1.1:25 \
			-servername mx1.x.danelab. -crlf -quiet >"$T/s_client.out" 2>&1
	cat "$T/s_client.out"
	grep -q '^250 2.0.0 Ok: queued as' "$T/s_client.out" &&
		grep -q '^221' "$T/s_client.out"
}

check "STARTTLS handshake and message over TLS (openssl s_client)" tls_session
check "tls event: SNI, version, cipher, chain; events inside TLS" \
	py tls_events "$EV" "$LEAF_SHA256"
check "plaintext message with X-DH-Token: abc to starttls=none" \
	py plain 127.1.2.1 "$EV"
check "over-long line and binary garbage" py garbage 127.1.2.1 "$EV"
check "a new session is served after the garbage" py alive 127.1.2.1
check "address without scenario gets 554" py noscenario 127.1.9.9 "$EV"
check "commands pipelined after STARTTLS are refused" \
	py injection 127.1.1.1 "$EV"
check "failed handshake is recorded" py badtls 127.1.1.1 "$EV"
check "idle client gets 421 after --idle-timeout" py idle 127.1.2.1 "$EV"
check "still serving after all that" py alive 127.1.1.1
check "every event line is valid JSON with the common fields" py valid "$EV"

# stop_daemon - SIGTERM must end it cleanly, exit 0
stop_daemon() {
	local rc
	kill -TERM "$pid" || return 1
	for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
	if kill -0 "$pid" 2>/dev/null; then
		echo "still running 5 s after SIGTERM"
		return 1
	fi
	wait "$pid"
	rc=$?
	pid=
	echo "exit status $rc"
	cat "$T/fakemx.log"
	[ "$rc" = 0 ]
}
check "SIGTERM stops the daemon with exit 0" stop_daemon

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
