#!/bin/bash
# Smoke test of the fake MX daemon (build/dane-fakemx), outside the harness:
# in a fresh network namespace (loopback only, so port 25 of any 127/8
# address is ours) it starts the daemon with one address per behaviour key
# (docs/fakemx.md): an honest one offering STARTTLS, one without, and one
# for each persona knob, plus an IPv6 address.  It talks SMTP to them with
# openssl s_client and small python3 socket scripts, and checks the
# replies and the events file: one check per key at least, then floods,
# garbage and many connections, and that the daemon still serves.
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
ip -6 addr add fd00:da1e::1:1/128 dev lo nodad ||
	{ echo "FAIL: cannot add fd00:da1e::1:1 to lo"; exit 1; }
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
openssl req -x509 -newkey rsa:2048 -nodes \
	-keyout "$T/rsa.key.pem" -out "$T/rsa.chain.pem" -days 2 \
	-subj /CN=mx1.x.danelab -addext subjectAltName=DNS:mx1.x.danelab \
	>"$T/openssl.log" 2>&1 || { cat "$T/openssl.log"; echo "FAIL: openssl req rsa"; exit 1; }
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout "$T/wrong.key.pem" -out "$T/wrong.chain.pem" -days 2 \
	-subj /CN=wrong.example -addext subjectAltName=DNS:wrong.example \
	>"$T/openssl.log" 2>&1 || { cat "$T/openssl.log"; echo "FAIL: openssl req wrong"; exit 1; }
# sha256_of PEM - hex SHA-256 of the first certificate in PEM (a file)
sha256_of() { openssl x509 -in "$1" -outform DER 2>/dev/null | sha256sum | cut -d' ' -f1; }
LEAF_SHA256=$(sha256_of "$T/mx1.chain.pem")
RSA_SHA256=$(sha256_of "$T/rsa.chain.pem")
WRONG_SHA256=$(sha256_of "$T/wrong.chain.pem")

cat >"$T/fakemx.conf" <<EOF
# fakemx smoke test
listen 127.1.1.1 scenario=smoke-tls host=mx1.x.danelab. persona=honest starttls=offer cert=$T/mx1.chain.pem key=$T/mx1.key.pem
listen 127.1.2.1 scenario=smoke-plain host=mx1.y.danelab. persona=no-starttls starttls=none cert=$T/mx1.chain.pem key=$T/mx1.key.pem
# one address per behaviour key
listen 127.1.3.1 scenario=k-reject host=mx1.x.danelab. persona=p starttls=reject cert=$T/mx1.chain.pem key=$T/mx1.key.pem
listen 127.1.3.2 scenario=k-acceptclose host=mx1.x.danelab. persona=p starttls=accept-close cert=$T/mx1.chain.pem key=$T/mx1.key.pem
listen 127.1.3.3 scenario=k-tlsmin host=mx1.x.danelab. persona=p starttls=offer tls-min=1.3 cert=$T/mx1.chain.pem key=$T/mx1.key.pem
listen 127.1.3.4 scenario=k-tlsmax host=mx1.x.danelab. persona=p starttls=offer tls-max=1.1 cert=$T/mx1.chain.pem key=$T/mx1.key.pem
listen 127.1.3.5 scenario=k-cert2 host=mx1.x.danelab. persona=p starttls=offer cert=$T/mx1.chain.pem key=$T/mx1.key.pem cert2=$T/rsa.chain.pem key2=$T/rsa.key.pem
listen 127.1.3.6 scenario=k-sni host=mx1.x.danelab. persona=p starttls=offer cert=$T/wrong.chain.pem key=$T/wrong.key.pem sni-name=MX1.x.danelab sni-cert=$T/mx1.chain.pem sni-key=$T/mx1.key.pem
listen 127.1.3.7 scenario=k-mail host=mx1.x.danelab. persona=p starttls=none mail-reply=451
listen 127.1.3.8 scenario=k-rcpt host=mx1.x.danelab. persona=p starttls=none rcpt-reply=550
listen 127.1.3.9 scenario=k-data host=mx1.x.danelab. persona=p starttls=none data-reply=451
listen 127.1.3.10 scenario=k-greet host=mx1.x.danelab. persona=p starttls=none greeting-delay=1.5
listen 127.1.3.11 scenario=k-ehlo host=mx1.x.danelab. persona=p starttls=none ehlo-delay=0.8
listen 127.1.3.12 scenario=k-alert host=mx1.x.danelab. persona=p starttls=offer tls-abort=alert cert=$T/mx1.chain.pem key=$T/mx1.key.pem
listen 127.1.3.13 scenario=k-reset host=mx1.x.danelab. persona=p starttls=offer tls-abort=reset cert=$T/mx1.chain.pem key=$T/mx1.key.pem
listen 127.1.3.14 scenario=k-ehloreply host=mx1.x.danelab. persona=p starttls=offer ehlo-reply=502 cert=$T/mx1.chain.pem key=$T/mx1.key.pem
listen 127.1.3.15 scenario=k-abortfirst host=mx1.x.danelab. persona=p starttls=offer tls-abort=alert abort-first=1 cert=$T/mx1.chain.pem key=$T/mx1.key.pem
listen fd00:da1e::1:1 scenario=k-v6 host=mx1.x.danelab. persona=p starttls=offer cert=$T/mx1.chain.pem key=$T/mx1.key.pem
EOF

cat >"$T/smtp.py" <<'EOF'
# smtp.py - scripted SMTP sessions and event queries for fakemx-smoke.sh
import json, os, select, socket, ssl, sys, time

def fail(msg):
    print(msg)
    sys.exit(1)

class Conn:
    def __init__(self, addr, timeout=5):
        self.s = socket.create_connection((addr, 25), timeout=timeout)
        self.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
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
    if "TLSv1.3" not in ev["client_versions"] \
            or "TLSv1.2" not in ev["client_versions"] \
            or ev["client_legacy_version"] != "TLSv1.2" \
            or ev["client_hello"] is not True \
            or "x25519" not in ev["client_groups"] \
            or "ecdsa_secp256r1_sha256" not in ev["client_sigalgs"] \
            or ev["alert_sent"] is not None or ev["alert_received"] is not None \
            or ev["sni_matched"] is not False \
            or not 0 <= ev["handshake_ms"] < 5000:
        fail("tls event, client hello fields: %r" % ev)
    conn = ev["conn"]
    bye = find(evpath, event="disconnect", conn=conn)
    if bye is None or not bye["bytes_in"] > 300 or not bye["bytes_out"] > 300:
        fail("disconnect event %r" % bye)
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
            # the daemon's own records (heartbeat, start, accept errors)
            # have a time and a name; a connection's events have it all
            own = ev.get("event") in ("start", "tick", "accept_error", "reload", "stop")
            for k in ("ts", "event") if own else (
                    "ts", "conn", "scenario", "host", "persona", "local",
                    "peer", "event"):
                if k not in ev:
                    fail("line %d lacks %s: %r" % (n + 1, k, ev))
            if n == 0 and ev.get("event") != "start":
                fail("the first line is not the start record: %r" % ev)
            n += 1
    if n == 0:
        fail("empty events file")
    print("%d events" % n)

def conn_of(evpath, ehlo_name):
    ev = find(evpath, event="ehlo", name=ehlo_name)
    if ev is None:
        fail("no ehlo event with name %r" % ehlo_name)
    return ev["conn"], ev["scenario"]

def cmd_expect(evpath, ehlo_name, event, want):
    """The first EVENT on the connection that said EHLO EHLO_NAME has the
    fields of the JSON object WANT ("*" as a value: present, not null,
    not empty)."""
    conn, scn = conn_of(evpath, ehlo_name)
    ev = find(evpath, event=event, conn=conn, scenario=scn)
    if ev is None:
        fail("no %s event on conn %d" % (event, conn))
    for k, v in json.loads(want).items():
        if v == "*":
            if ev.get(k) in (None, "", [], {}):
                fail("%s: %s missing or empty in %r" % (event, k, ev))
        elif ev.get(k, "<absent>") != v:
            fail("%s: %s is %r, want %r; event %r" % (event, k, ev.get(k, "<absent>"), v, ev))
    print(json.dumps(ev))

def cmd_reject(addr, evpath):
    c = Conn(addr)
    c.expect(220)
    r = c.expect(250, b"EHLO reject.client\r\n")
    if "250-STARTTLS" not in r:
        fail("STARTTLS not advertised: %r" % r)
    r = c.expect(454, b"STARTTLS\r\n")
    if r != ["454 4.7.0 TLS not available"]:
        fail("reply %r" % r)
    c.expect(250, b"EHLO reject.client\r\n")  # the session goes on in clear
    c.expect(250, b"MAIL FROM:<a@b>\r\n")
    c.expect(221, b"QUIT\r\n")
    conn, _ = conn_of(evpath, "reject.client")
    if find(evpath, event="starttls", conn=conn, reply=454) is None:
        fail("no starttls event with reply 454")

def cmd_acceptclose(addr, evpath):
    c = Conn(addr)
    c.expect(220)
    r = c.expect(250, b"EHLO acceptclose.client\r\n")
    if "250-STARTTLS" not in r:
        fail("STARTTLS not advertised: %r" % r)
    c.expect(220, b"STARTTLS\r\n")
    rest = c.eof()
    if rest not in (b"", b"<reset>"):
        fail("bytes after the 220: %r" % rest)
    conn, _ = conn_of(evpath, "acceptclose.client")
    time.sleep(0.2)
    if find(evpath, event="tls", conn=conn, scenario="k-acceptclose"):
        fail("a tls event after accept-close")
    ev = find(evpath, event="disconnect", conn=conn)
    if ev is None or ev["reason"] != "dropped":
        fail("disconnect %r" % ev)

def cmd_replies(evpath):
    c = Conn("127.1.3.7")  # mail-reply=451
    c.expect(220)
    c.expect(250, b"EHLO mailreply.client\r\n")
    r = c.expect(451, b"MAIL FROM:<a@b>\r\n")
    if not r[-1].startswith("451 4."):
        fail("mail reply %r" % r)
    c.expect(503, b"RCPT TO:<c@d>\r\n")
    c.expect(221, b"QUIT\r\n")
    conn, _ = conn_of(evpath, "mailreply.client")
    if find(evpath, event="mail", conn=conn, scenario="k-mail", reply=451) is None:
        fail("no mail event with reply 451")
    c = Conn("127.1.3.8")  # rcpt-reply=550
    c.expect(220)
    c.expect(250, b"EHLO rcptreply.client\r\n")
    c.expect(250, b"MAIL FROM:<a@b>\r\n")
    r = c.expect(550, b"RCPT TO:<c@d>\r\n")
    if not r[-1].startswith("550 5."):
        fail("rcpt reply %r" % r)
    c.expect(503, b"DATA\r\n")
    c.expect(221, b"QUIT\r\n")
    conn, _ = conn_of(evpath, "rcptreply.client")
    if find(evpath, event="rcpt", conn=conn, scenario="k-rcpt", reply=550) is None:
        fail("no rcpt event with reply 550")
    c = Conn("127.1.3.9")  # data-reply=451
    c.expect(220)
    c.expect(250, b"EHLO datareply.client\r\n")
    c.expect(250, b"MAIL FROM:<a@b>\r\n")
    c.expect(250, b"RCPT TO:<c@d>\r\n")
    c.expect(354, b"DATA\r\n")
    r = c.expect(451, b"X-DH-Token: refused1\r\n\r\nbody\r\n.\r\n")
    conn, _ = conn_of(evpath, "datareply.client")
    ev = find(evpath, event="message", conn=conn, scenario="k-data")
    if ev is None or ev["accepted"] is not False or ev["reply"] != 451 \
            or ev["token"] != "refused1":
        fail("message event %r (reply %r)" % (ev, r))
    c.expect(221, b"QUIT\r\n")
    ev = find(evpath, event="message", scenario="smoke-plain")
    if ev is None or ev["accepted"] is not True or ev["reply"] != 250:
        fail("honest message event %r" % ev)

def cmd_greetdelay(addr, other, secs):
    secs = float(secs)
    t = time.time()
    c = Conn(addr, timeout=10)
    t2 = time.time()
    o = Conn(other)  # another session must not wait
    o.expect(220)
    if time.time() - t2 > 0.5:
        fail("another session waited %.2f s" % (time.time() - t2))
    n = 6000  # an early talker: commands before the greeting wait
    c.send(b"NOOP\r\n" * n)
    c.expect(220)
    dt = time.time() - t
    if dt < secs:
        fail("greeting after %.2f s, want >= %.2f" % (dt, secs))
    for i in range(n):
        c.expect(250)
    c.expect(221, b"QUIT\r\n")
    print("greeting after %.2f s" % dt)

def cmd_ehlodelay(addr, secs):
    secs = float(secs)
    c = Conn(addr, timeout=10)
    c.expect(220)
    t = time.time()
    c.send(b"EHLO ehlodelay.client\r\nNOOP\r\n")  # NOOP waits too
    r = c.expect(250)
    dt = time.time() - t
    if dt < secs or len(r) < 2:
        fail("EHLO reply %r after %.2f s, want >= %.2f" % (r, dt, secs))
    r = c.expect(250)
    if r != ["250 2.0.0 Ok"]:
        fail("NOOP reply %r" % r)
    t = time.time()
    c.expect(250, b"HELO again\r\n")
    if time.time() - t < secs:
        fail("HELO not delayed")
    c.expect(221, b"QUIT\r\n")
    print("EHLO reply after %.2f s" % dt)

def cmd_reset(addr, evpath):
    c = Conn(addr)
    c.expect(220)
    c.expect(250, b"EHLO reset.client\r\n")
    c.expect(220, b"STARTTLS\r\n")
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    try:
        ctx.wrap_socket(c.s, server_hostname="mx1.x.danelab")
    except ConnectionResetError:
        pass
    except Exception as e:
        fail("expected a TCP reset, got %r" % e)
    else:
        fail("handshake succeeded against tls-abort=reset")
    conn, _ = conn_of(evpath, "reset.client")
    time.sleep(0.2)
    ev = find(evpath, event="tls", conn=conn, scenario="k-reset")
    if ev is None or ev["ok"] or ev["alert_sent"] is not None \
            or "TLSv1.3" not in ev["client_versions"]:
        fail("tls event %r" % ev)
    ev = find(evpath, event="disconnect", conn=conn, scenario="k-reset")
    if ev is None or ev["reason"] != "aborted":
        fail("disconnect event %r" % ev)

def cmd_ehloreply(addr, evpath):
    c = Conn(addr)
    c.expect(220)
    c.expect(502, b"EHLO ehloreply.client\r\n")
    r = c.expect(250, b"HELO ehloreply.client\r\n")
    if any("STARTTLS" in l for l in r):
        fail("HELO reply lists extensions: %r" % r)
    c.expect(250, b"MAIL FROM:<a@smoke.client>\r\n")
    c.expect(221, b"QUIT\r\n")
    evs = [e for e in events(evpath) if e.get("event") == "ehlo"
           and e.get("scenario") == "k-ehloreply"]
    if [(e["verb"], e["reply"]) for e in evs] != [("EHLO", 502), ("HELO", 250)]:
        fail("ehlo events %r" % evs)
    if evs[0]["starttls_offered"] is not False:
        fail("refused EHLO says STARTTLS offered: %r" % evs[0])

def cmd_waitreload(evpath, gen, want):
    deadline = time.time() + 5
    while time.time() < deadline:
        for e in events(evpath):
            if e.get("event") == "reload" and e.get("generation") == int(gen):
                if want == "error":
                    if "error" not in e or "entries" in e:
                        fail("reload event %r, want an error" % e)
                    print("reload error: %s" % e["error"])
                elif e.get("entries") != int(want):
                    fail("reload event %r, want %s entries" % (e, want))
                return
        time.sleep(0.05)
    fail("no reload event of generation %s" % gen)

def cmd_flood(addr, n):
    n = int(n)
    c = Conn(addr, timeout=20)
    c.expect(220)
    c.send(b"EHLO flood.client\r\n" + b"NOOP\r\n" * n + b"QUIT\r\n")
    c.expect(250)
    for i in range(n):
        c.expect(250)
    c.expect(221)
    c.eof()

def cmd_many(addr, n):
    n = int(n)
    conns = []
    for i in range(n):
        conns.append(Conn(addr, timeout=20))
    for c in conns:
        c.expect(220)
    for c in conns:
        c.send(b"EHLO many.client\r\n")
    for c in conns:
        c.expect(250)
    for c in conns:
        c.send(b"QUIT\r\n")
    for c in conns:
        c.expect(221)
        c.eof()
    print("%d sessions" % n)

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
# ---------------------------------------------------- the behaviour keys
# sc ADDR NAME ARGS... - openssl s_client STARTTLS to ADDR:25 that says
# EHLO NAME and then QUIT; output in $T/sc.out, status of s_client
sc() {
	local addr=$1 name=$2
	shift 2
	echo QUIT | timeout 10 openssl s_client -starttls smtp -connect "$addr" \
		-name "$name" -crlf "$@" >"$T/sc.out" 2>&1
}
# presented WANT_SHA256 - s_client saw that leaf
presented() {
	local got
	got=$(sha256_of "$T/sc.out")
	[ "$got" = "$1" ] || { echo "presented leaf $got, want $1"; return 1; }
}
# expect_ev NAME EVENT JSON - the EVENT of the EHLO NAME session has JSON
expect_ev() { py expect "$EV" "$@"; }

check "starttls=reject: advertised, 454 4.7.0, session goes on" \
	py reject 127.1.3.1 "$EV"
check "starttls=accept-close: 220, then closed without TLS" \
	py acceptclose 127.1.3.2 "$EV"

tls_min() {
	if sc 127.1.3.3:25 tlsmin12.client -tls1_2; then
		cat "$T/sc.out"; echo "TLS 1.2 handshake succeeded"; return 1
	fi
	expect_ev tlsmin12.client tls '{"ok": false, "alert_sent": "protocol version", "client_versions": ["TLSv1.2"]}' || return 1
	sc 127.1.3.3:25 tlsmin13.client -tls1_3 || { cat "$T/sc.out"; return 1; }
	expect_ev tlsmin13.client tls '{"ok": true, "version": "TLSv1.3"}'
}
check "tls-min=1.3: s_client -tls1_2 fails, -tls1_3 works" tls_min

tls_max() {
	sc 127.1.3.4:25 tlsmax11.client -tls1_1 -cipher DEFAULT@SECLEVEL=0 ||
		{ cat "$T/sc.out"; return 1; }
	expect_ev tlsmax11.client tls '{"ok": true, "version": "TLSv1.1", "client_versions": ["TLSv1.1"]}' || return 1
	if sc 127.1.3.4:25 tlsmax12.client -tls1_2; then
		cat "$T/sc.out"; echo "TLS 1.2 handshake succeeded"; return 1
	fi
	expect_ev tlsmax12.client tls '{"ok": false}'
}
check "tls-max=1.1: s_client -tls1_1 works (SECLEVEL=0), -tls1_2 fails" tls_max

cert2() {
	sc 127.1.3.5:25 cert2rsa.client -sigalgs RSA-PSS+SHA256:rsa_pkcs1_sha256 ||
		{ cat "$T/sc.out"; return 1; }
	presented "$RSA_SHA256" || return 1
	expect_ev cert2rsa.client tls "{\"ok\": true, \"chain_sha256\": [\"$RSA_SHA256\"]}" || return 1
	sc 127.1.3.5:25 cert2ec.client || { cat "$T/sc.out"; return 1; }
	presented "$LEAF_SHA256" || return 1
	expect_ev cert2ec.client tls "{\"ok\": true, \"chain_sha256\": [\"$LEAF_SHA256\"]}"
}
check "cert2: RSA chain for an RSA-only client, ECDSA otherwise" cert2

sni() {
	sc 127.1.3.6:25 snimatch.client -servername mx1.X.danelab. || { cat "$T/sc.out"; return 1; }
	presented "$LEAF_SHA256" || return 1
	expect_ev snimatch.client tls "{\"ok\": true, \"sni_matched\": true, \"chain_sha256\": [\"$LEAF_SHA256\"]}" || return 1
	sc 127.1.3.6:25 sniother.client -servername other.example || { cat "$T/sc.out"; return 1; }
	presented "$WRONG_SHA256" || return 1
	expect_ev sniother.client tls "{\"ok\": true, \"sni_matched\": false, \"chain_sha256\": [\"$WRONG_SHA256\"]}" || return 1
	sc 127.1.3.6:25 sninone.client -noservername || { cat "$T/sc.out"; return 1; }
	presented "$WRONG_SHA256" || return 1
	expect_ev sninone.client tls '{"ok": true, "sni_matched": false, "sni": null}'
}
check "sni-name: sni-cert only for that name (case, final dot ignored)" sni

check "mail-reply=451, rcpt-reply=550, data-reply=451 (accepted: false)" \
	py replies "$EV"
check "greeting-delay=1.5: 220 after >= 1.5 s, others not delayed" \
	py greetdelay 127.1.3.10 127.1.2.1 1.5
check "ehlo-delay=0.8: EHLO and HELO replies after >= 0.8 s, in order" \
	py ehlodelay 127.1.3.11 0.8

tls_alert() {
	if sc 127.1.3.12:25 alert.client; then
		cat "$T/sc.out"; echo "handshake succeeded"; return 1
	fi
	grep -q 'alert handshake failure' "$T/sc.out" || { cat "$T/sc.out"; return 1; }
	expect_ev alert.client tls '{"ok": false, "alert_sent": "handshake failure", "client_versions": "*", "client_groups": "*"}' || return 1
	expect_ev alert.client disconnect '{"reason": "aborted"}'
}
check "tls-abort=alert: fatal handshake_failure after the ClientHello" tls_alert
check "tls-abort=reset: TCP RST after the ClientHello" py reset 127.1.3.13 "$EV"

ipv6() {
	sc '[fd00:da1e::1:1]:25' v6.client || { cat "$T/sc.out"; return 1; }
	expect_ev v6.client tls '{"ok": true, "local": "[fd00:da1e::1:1]:25", "scenario": "k-v6"}'
}
check "IPv6 address fd00:da1e::1:1" ipv6

check "ehlo-reply=502: EHLO refused without extensions, HELO works" \
	py ehloreply 127.1.3.14 "$EV"

abort_first() {
	if sc 127.1.3.15:25 abortfirst1.client; then
		cat "$T/sc.out"; echo "first handshake succeeded"; return 1
	fi
	expect_ev abortfirst1.client tls '{"ok": false, "alert_sent": "handshake failure", "handshake": 1}' || return 1
	sc 127.1.3.15:25 abortfirst2.client || { cat "$T/sc.out"; echo "second handshake failed"; return 1; }
	expect_ev abortfirst2.client tls '{"ok": true, "handshake": 2, "resumed": false}'
}
check "abort-first=1: the first handshake gets the alert, the next is honest" abort_first

resumption() {
	sc 127.1.1.1:25 resume1.client -tls1_2 -sess_out "$T/sess.pem" || { cat "$T/sc.out"; return 1; }
	expect_ev resume1.client tls '{"ok": true, "resumed": false}' || return 1
	sc 127.1.1.1:25 resume2.client -tls1_2 -sess_in "$T/sess.pem" || { cat "$T/sc.out"; return 1; }
	grep -q '^Reused' "$T/sc.out" || { cat "$T/sc.out"; echo "s_client did not resume"; return 1; }
	expect_ev resume2.client tls '{"ok": true, "resumed": true}'
}
check "tls event says whether the session was resumed (TLS 1.2 ticket)" resumption

reload() {
	cp "$T/fakemx.conf" "$T/fakemx.conf.orig"
	echo "listen 127.1.3.16 scenario=k-reload host=mx1.x.danelab. persona=p starttls=offer cert=$T/mx1.chain.pem key=$T/mx1.key.pem" >>"$T/fakemx.conf"
	local n
	n=$(grep -c '^listen' "$T/fakemx.conf")
	kill -HUP "$pid" || return 1
	py waitreload "$EV" 1 "$n" || return 1
	sc 127.1.3.16:25 reload.client || { cat "$T/sc.out"; return 1; }
	expect_ev reload.client tls '{"ok": true, "scenario": "k-reload"}' || return 1
	# the count of handshakes at an address survives the reload
	sc 127.1.3.15:25 abortfirst3.client || { cat "$T/sc.out"; return 1; }
	expect_ev abortfirst3.client tls '{"ok": true, "handshake": 3}' || return 1
	# a broken file: an error event, the old configuration stays
	echo "listen 127.1.3.17 no-such-key=1" >>"$T/fakemx.conf"
	kill -HUP "$pid" || return 1
	py waitreload "$EV" 2 error || return 1
	sc 127.1.3.16:25 reload2.client || { cat "$T/sc.out"; return 1; }
	cp "$T/fakemx.conf.orig" "$T/fakemx.conf"
}
check "SIGHUP reloads the configuration (reload event; bad file keeps the old)" reload

check "pipelining flood: 5000 commands in one write" py flood 127.1.2.1 5000
check "300 concurrent sessions" py many 127.1.2.1 300
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

# stop_record - the last line counts the lines before it, none lost
stop_record() {
	python3 - "$EV" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
stop = lines[-1]
assert stop["event"] == "stop", stop
assert stop["events"] == len(lines) - 1, (stop["events"], len(lines) - 1)
assert stop["lost"] == 0 and stop["lost_by_scenario"] == {}, stop
assert any(e["event"] == "tick" for e in lines), "no heartbeat"
print("stop record: %d events, none lost" % stop["events"])
PY
}
check "the stop record counts every event, none lost" stop_record

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
