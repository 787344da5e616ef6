#!/bin/bash
# docs/adapter-template.sh - a commented template for a dane-harness adapter
# (adapter contract version 1, docs/adapter-contract.md), walked through in
# docs/adapters.md.  Copy it, replace the parts marked MTA, and check your
# copy with   tests/adapter-check.sh ./my-adapter   before the catalog.
#
# As it stands it is a working adapter: its "MTA" is the harness's own
# reference client, dane-smtp-send, which delivers in the foreground and
# needs no private instance.  A real MTA needs what the comments say.
#
#   my-adapter version | capabilities | setup | teardown
#   my-adapter send FROM RCPT MESSAGE-FILE
#
# Extra words (--client "my-adapter WORD...") come after each verb's own
# arguments; use them for configuration variants.
set -eu

me="template adapter"
die() {
	echo "$me: $*" >&2
	exit 1 # any status but 0 and 3: an adapter failure, the scenario is an ERROR
}

verb=${1:-}
[ $# -gt 0 ] && shift

# MTA: the program(s) of your MTA.  Find them from an environment variable
# of your own, then a fixed path; say what is missing when they are not
# there (that message is the user's only clue).
client=${DH_LIBEXEC:-}/dane-smtp-send

# version: one line, "NAME VERSION"; it goes into every report.
do_version() {
	[ -x "$client" ] || die "$client is missing (is DH_LIBEXEC set?)"
	"$client" --version </dev/null | head -n 1
}

# capabilities: "parallel" only if several sends may overlap (for
# different recipients); "ipv6" only if the MTA delivers over IPv6
# (otherwise the IPv6 scenarios are a SKIP).
do_capabilities() {
	echo parallel
	echo ipv6
}

# setup: start a PRIVATE instance in $DH_WORKDIR (exists, empty, every
# parent folder searchable).  MTA: write its configuration there (queue,
# logs, hints databases too), never touching the system's; turn on
# DNSSEC-aware lookups and DANE as your MTA's documentation says; add
# $DH_PKIX_CA to its PKIX trust store if it has one; use $DH_HELO as its
# host name; short connect and SMTP timeouts; no listener on port 25 (the
# fake servers own it); no bounce or delay notices.  Check that it came
# up, with a deadline, never a fixed sleep.
do_setup() {
	[ -n "${DH_WORKDIR:-}" ] || die "DH_WORKDIR is not set"
	[ -x "$client" ] || die "$client is missing"
	# dane-smtp-send has no instance to start.
}

# send FROM RCPT FILE: submit one message, return when the FIRST delivery
# attempt has concluded.  First line of stdout: "delivered REASON",
# "deferred REASON" or "bounced REASON", REASON being the MTA's own words
# (its log line); then any evidence lines.  MTA: submit, find your message
# in the log by its X-DH-Token header (unique per send), poll the log
# until its first outcome line, then make sure nothing retries it later
# (delete or freeze it).  If the MTA's delivery process died from a
# signal, print the outcome and evidence, then kill yourself with the same
# signal: the harness records a CRASH.
do_send() {
	local from=$1 rcpt=$2 msg=$3 out rc=0 sig
	[ -r "$msg" ] || die "cannot read message file $msg"
	out=$("$client" --from "$from" --rcpt "$rcpt" --message "$msg" \
		--resolver "${DH_RESOLVER:?}" --trust-anchor "${DH_TRUST_ANCHOR:?}" \
		--helo "${DH_HELO:?}" ${DH_PKIX_CA:+--ca-file "$DH_PKIX_CA"} \
		</dev/null) || rc=$?
	case $rc in
	0 | 69 | 75) echo "$out" ;; # delivered / bounced / deferred, its own words
	*)
		[ -z "$out" ] || echo "$out"
		if [ "$rc" -gt 128 ] && [ "$rc" -le 192 ]; then
			sig=$((rc - 128))
			echo "$me: the client was killed by signal $sig" >&2
			trap - "$sig"
			kill -s "$sig" $$ # CRASH, not ERROR
		fi
		die "the client failed (exit $rc)"
		;;
	esac
}

# teardown: stop the instance and EVERY process it started (an MTA's
# delivery processes may have left your process group: find them by your
# private configuration's path); leave the logs in $DH_WORKDIR, they are
# the evidence of the run.
do_teardown() {
	:
}

case $verb in
version) do_version ;;
capabilities) do_capabilities ;;
setup) do_setup "$@" ;;
send)
	[ $# -ge 3 ] || die "usage: send FROM RCPT MESSAGE-FILE"
	do_send "$@"
	;;
teardown) do_teardown ;;
*) exit 3 ;; # a verb this adapter does not know: exit 3
esac
