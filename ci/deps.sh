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
clang-format chromium yamllint"
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

# Exim, the second real MTA, conflicts with Postfix as a Debian package
# (both are the system MTA): its packages are downloaded and unpacked into
# a private prefix, build/exim, never installed.  See exim_install below.
ROOT=$(cd "$(dirname "$0")/.." && pwd)
EXIM_PREFIX=$ROOT/build/exim
EXIM_DEBS="exim4-base exim4-config exim4-daemon-heavy"

installed() {
    dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null | grep -qx installed
}

# exim_ok - the private Exim is unpacked, runs and knows its system user
exim_ok() {
    [ -x "$EXIM_PREFIX/usr/sbin/exim4" ] && [ -f "$EXIM_PREFIX/.installed" ] &&
        id Debian-exim >/dev/null 2>&1 &&
        LD_LIBRARY_PATH=$EXIM_PREFIX/usr/lib/x86_64-linux-gnu:$EXIM_PREFIX/usr/lib \
            "$EXIM_PREFIX/usr/sbin/exim4" -C /dev/null -bV 2>/dev/null | grep -q '^Exim version'
}

# exim_libs - the library packages Exim needs that are not installed,
# following their own library dependencies
exim_libs() {
    todo=$(apt-cache depends --no-recommends --no-suggests --no-conflicts \
        --no-breaks --no-replaces --no-enhances exim4-daemon-heavy |
        sed -n 's/^ *Depends: \(lib[^ <>]*\)$/\1/p')
    seen=""
    while [ -n "$todo" ]; do
        next=""
        for p in $todo; do
            case " $seen " in *" $p "*) continue ;; esac
            seen="$seen $p"
            installed "$p" && continue
            echo "$p"
            next="$next $(apt-cache depends --no-recommends --no-suggests \
                --no-conflicts --no-breaks --no-replaces --no-enhances "$p" |
                sed -n 's/^ *Depends: \(lib[^ <>]*\)$/\1/p')"
        done
        todo=$next
    done
}

# exim_install - download Exim's packages (and the libraries it needs that
# are missing) and unpack them into $EXIM_PREFIX; the binary loses its
# set-uid bit (the adapter runs it as root with its own -C configuration,
# and LD_LIBRARY_PATH, for the unpacked libraries, is ignored by set-uid
# programs).  Creates the Debian-exim system user Exim runs deliveries as.
exim_install() {
    echo "ci/deps.sh: unpacking Exim into $EXIM_PREFIX" >&2
    id Debian-exim >/dev/null 2>&1 ||
        useradd --system --user-group --home-dir /var/spool/exim4 \
            --no-create-home --shell /usr/sbin/nologin Debian-exim
    dl=$(mktemp -d /tmp/dh-exim-debs.XXXXXX)
    chmod 755 "$dl" # apt's _apt user downloads into it
    libs=$(exim_libs)
    # shellcheck disable=SC2086
    if ! (cd "$dl" && apt-get download -q $EXIM_DEBS $libs >download.log 2>&1); then
        cat "$dl/download.log" >&2
        rm -rf "$dl"
        echo "ci/deps.sh: apt-get download of Exim failed" >&2
        exit 1
    fi
    rm -rf "$EXIM_PREFIX"
    mkdir -p "$EXIM_PREFIX"
    for deb in "$dl"/*.deb; do
        dpkg-deb -x "$deb" "$EXIM_PREFIX"
    done
    chmod u-s,g-s "$EXIM_PREFIX/usr/sbin/exim4"
    (cd "$dl" && ls ./*.deb) >"$EXIM_PREFIX/.installed"
    rm -rf "$dl"
    exim_ok || {
        echo "ci/deps.sh: the unpacked Exim does not run:" >&2
        LD_LIBRARY_PATH=$EXIM_PREFIX/usr/lib/x86_64-linux-gnu:$EXIM_PREFIX/usr/lib \
            "$EXIM_PREFIX/usr/sbin/exim4" -C /dev/null -bV >&2 || true
        exit 1
    }
}

if [ -z "$missing" ]; then
    if ! exim_ok; then
        if [ "$(id -u)" != 0 ]; then
            echo "dane-harness needs Exim unpacked in $EXIM_PREFIX: run ci/deps.sh as root" >&2
            exit 1
        fi
        apt-get update -qq
        exim_install
    fi
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
exim_ok || exim_install
npm_adapter
echo "ci/deps.sh: done" >&2
