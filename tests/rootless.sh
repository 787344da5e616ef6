#!/bin/bash
# tests/rootless.sh - rootless runs: as an unprivileged user (a uid
# that no account and no process uses, via setpriv), the harness makes
# its namespaces inside an unprivileged user namespace.  The reference
# client passes the whole catalog; Postfix (no 'rootless' capability) is
# refused with a clear reason; kill -9 mid-run leaves no process, no
# mount and the host's resolv.conf untouched; the next run sweeps the
# killed run's folder.  Run as root (to pick the user); exits 77 when
# unprivileged user namespaces are off.
#
#   tests/rootless.sh [BUILD_DIR]      (default: build)
set -u
TEST_NAME=rootless
# shellcheck source=tests/lib/checks.sh
. "$(dirname "$0")/lib/checks.sh"
cd "$here" || exit 2
[ "$(id -u)" = 0 ] || { echo "tests/rootless.sh: run as root (it picks the unprivileged user)"; exit 2; }
U=$((64000 + $$ % 1000))
while getent passwd "$U" >/dev/null || pgrep -U "$U" >/dev/null; do U=$((U + 1)); done
# as_user CMD... - CMD as uid/gid U, no supplementary groups, a clean
# environment (the sanitizers' options kept: ci/check.sh sets them)
as_user() {
    setpriv --reuid="$U" --regid="$U" --clear-groups \
        env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin NO_COLOR=1 \
        ${ASAN_OPTIONS:+ASAN_OPTIONS=$ASAN_OPTIONS} \
        ${UBSAN_OPTIONS:+UBSAN_OPTIONS=$UBSAN_OPTIONS} "$@"
}
if ! as_user unshare -rn true 2>/dev/null; then
    echo "unprivileged user namespaces are off here: rootless runs cannot be tested"
    exit 77
fi
chown "$U:$U" "$T"
check "uid $U is not root" test "$(as_user id -u)" = "$U"

# 1. the whole catalog, reference client
as_user "$H" run --client refclient --json "$T/r.json" --junit "$T/r.xml" >"$T/out" 2>"$T/err"
rc=$?
check "rootless, refclient, whole catalog: exit $rc (want 0)" test "$rc" = 0
python3 - "$T/r.json" "$("$H" list)" >"$T/py" 2>&1 <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
ids = [x["scenario"] for x in r["results"]]
assert ids == sys.argv[2].split("\n"), "not every scenario of the catalog"
bad = [x["scenario"] + " " + x["verdict"] for x in r["results"] if x["verdict"] != "PASS"]
assert not bad, "not PASS: " + ", ".join(bad)
PY
check "rootless: every scenario of the catalog is a PASS" test ! -s "$T/py"
sed 's/^/    /' "$T/py"
[ "$rc" = 0 ] || sed 's/^/    /' "$T/err" | tail -5

# 2. an adapter without the capability is refused, saying why
as_user "$H" run --client postfix --only dane-ee-honest >"$T/out" 2>"$T/err"
rc=$?
check "rootless, postfix: exit $rc (want 2)" test "$rc" = 2
check "rootless, postfix: the reason names the missing capability and root" \
    grep -q "adapter 'postfix' does not declare the capability 'rootless'.*run dane-harness as root" "$T/out"
check "rootless, postfix: not a FAIL or a PASS, an ERROR" grep -q '0 PASS, 0 FAIL, 1 ERROR' "$T/out"

# 3. kill -9 during a run
before=$(sha256sum /etc/resolv.conf)
mounts_before=$(wc -l </proc/self/mounts)
# exec: $! is the harness itself (setpriv and env exec too)
(exec setpriv --reuid="$U" --regid="$U" --clear-groups env -i \
    PATH=/usr/sbin:/usr/bin:/sbin:/bin ${ASAN_OPTIONS:+ASAN_OPTIONS=$ASAN_OPTIONS} \
    "$H" run --client refclient) >/dev/null 2>&1 &
hpid=$!
for _ in $(seq 1 200); do
    pgrep -U "$U" -f dane-smtp-send >/dev/null && break
    sleep 0.05
done
started=$(pgrep -U "$U" | wc -l)
nsd_uid=$(pgrep -f '^/usr/sbin/nsd ' -U "$U" | head -1)
check "rootless: the run's daemons run as uid $U on the host ($started processes)" \
    test -n "$nsd_uid" -a "$started" -gt 3
kill -9 "$hpid"
disown "$hpid"
left=""
for _ in $(seq 1 100); do
    left=$(pgrep -aU "$U")
    [ -z "$left" ] && break
    sleep 0.05
done
check "rootless kill -9: no process of uid $U left" test -z "$left"
[ -n "$left" ] && echo "$left" | sed 's/^/    /'
check "rootless kill -9: host /etc/resolv.conf unchanged" test "$(sha256sum /etc/resolv.conf)" = "$before"
check "rootless kill -9: no mount left on the host" test "$(wc -l </proc/self/mounts)" = "$mounts_before"
stale=$(ls -d /tmp/dane-harness."$hpid".* 2>/dev/null)
as_user "$H" run --client refclient --only dane-ee-honest >/dev/null 2>&1
check "the next rootless run sweeps the killed run's empty folder${stale:+ ($stale)}" \
    test -z "$(ls -d /tmp/dane-harness."$hpid".* 2>/dev/null)"

echo
summary
