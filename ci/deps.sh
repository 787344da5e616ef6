#!/bin/sh
# ci/deps.sh - install the Debian packages dane-harness needs, when they
# are missing.  As root it runs apt-get; otherwise it prints the exact
# command to run and exits 1.  Safe to run again: it does nothing when
# everything is present.
set -eu

PACKAGES="make gcc libc6-dev pkg-config
nsd unbound libunbound-dev libldns-dev libssl-dev openssl
libevent-dev libjansson-dev check libsubunit-dev
postfix iproute2 bind9-dnsutils python3 clang-14 libclang-rt-14-dev
clang-format yamllint"

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null |
        grep -qx installed; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" != 0 ]; then
    echo "dane-harness needs these Debian packages:$missing" >&2
    echo "install them as root with:" >&2
    echo "  $cmd" >&2
    exit 1
fi
echo "ci/deps.sh: installing:$missing" >&2
# Postfix asks how to configure the system's mail; the harness never uses
# the system instance (it runs a private one in its sandbox).
echo "postfix postfix/main_mailer_type select No configuration" |
    debconf-set-selections 2>/dev/null || true
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "ci/deps.sh: done" >&2
