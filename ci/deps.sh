#!/bin/sh
# ci/deps.sh - install the Debian packages dane-harness needs, when they
# are missing, then the npm packages of the mx-connect adapter (npm ci in
# harness/adapters/mx-connect, pinned by its package-lock.json; nothing
# when they are already installed as locked).  As root it runs apt-get;
# otherwise it prints the exact command to run and exits 1.  Safe to run
# again: it does nothing when everything is present.
set -eu
cd "$(dirname "$0")/.."

PACKAGES="make gcc libc6-dev pkg-config
nsd unbound libunbound-dev libldns-dev libssl-dev openssl
libevent-dev libjansson-dev check libsubunit-dev
postfix iproute2 bind9-dnsutils python3 clang-14 libclang-rt-14-dev
clang-format chromium"
# Node.js and npm run the mx-connect adapter.  A machine may carry a
# newer Node from another source (its npm comes with it); Debian's are
# installed only when there is none.
command -v node >/dev/null 2>&1 || PACKAGES="$PACKAGES nodejs"
command -v npm >/dev/null 2>&1 || PACKAGES="$PACKAGES npm"

# npm_adapter - the mx-connect adapter's packages, as locked: npm ci when
# a dependency of package.json is missing or at another version
npm_adapter() {
    dir=harness/adapters/mx-connect
    if (cd "$dir" && node -e '
        const deps = require("./package.json").dependencies;
        for (const [n, v] of Object.entries(deps))
            if (require(`./node_modules/${n}/package.json`).version !== v)
                process.exit(1);' 2>/dev/null); then
        return 0
    fi
    echo "ci/deps.sh: npm ci in $dir" >&2
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
}

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null |
        grep -qx installed; then
        missing="$missing $p"
    fi
done
if [ -z "$missing" ]; then
    npm_adapter
    exit 0
fi

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
npm_adapter
echo "ci/deps.sh: done" >&2
