#!/bin/bash
# Build the fake MX fuzz targets (tests/fuzz/*.c, with clang-14 and
# libFuzzer, ASan and UBSan) and run each for SECONDS.
#
#   tests/fuzz.sh [SECONDS] [TARGET...]     default: 20 s, every target
#   B=build-x tests/fuzz.sh 600 fuzz_smtp_cmd
#
# Targets: fuzz_smtp_cmd (the command parser), fuzz_hello (ClientHello
# vectors), fuzz_conf (the config parser), fuzz_session (whole sessions in
# memory).  The committed seeds in tests/fuzz/corpus/TARGET/ are read, never
# written: what the fuzzer finds goes to $B/fuzz/corpus/TARGET/, which is
# kept between runs, and a crashing input to $B/fuzz/artifacts/.  Prints
# the number of executions per target.  Exit status: 0 no crash, 1 a
# target crashed (or found a leak, a timeout, ...), 2 build or usage
# error, 77 clang-14/libFuzzer missing.
set -u

here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here" || exit 2
B=${B:-build}
secs=${1:-20}
[ $# -gt 0 ] && shift
all="fuzz_smtp_cmd fuzz_hello fuzz_conf fuzz_session"
targets=${*:-$all}

case $secs in
'' | *[!0-9]*) echo "usage: $0 [SECONDS] [TARGET...]" >&2; exit 2 ;;
esac
for t in $targets; do
	case " $all " in *" $t "*) ;; *) echo "$0: unknown target $t (have: $all)" >&2; exit 2 ;; esac
done
if ! command -v clang-14 >/dev/null 2>&1; then
	echo "SKIP: clang-14 not installed (apt-get install clang-14 libclang-rt-14-dev)"
	exit 77
fi

bins=
for t in $targets; do bins="$bins $B/fuzz/$t"; done
# shellcheck disable=SC2086 # word splitting of the list is meant
make --no-print-directory B="$B" $bins >"$B.fuzz-build.log" 2>&1 ||
	{ cat "$B.fuzz-build.log"; echo "FAIL: building the fuzz targets"; exit 2; }
rm -f "$B.fuzz-build.log"

# dict_of TARGET - libFuzzer dictionary option for TARGET, if there is one
dict_of() {
	case $1 in
	fuzz_smtp_cmd | fuzz_session) echo "-dict=tests/fuzz/smtp.dict" ;;
	fuzz_conf) echo "-dict=tests/fuzz/conf.dict" ;;
	esac
}

rc=0
for t in $targets; do
	work=$B/fuzz/corpus/$t
	log=$B/fuzz/$t.log
	mkdir -p "$work" "$B/fuzz/artifacts"
	# shellcheck disable=SC2046 # an empty dictionary option must vanish
	"$B/fuzz/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$B/fuzz/artifacts/$t-" \
		$(dict_of "$t") "$work" "tests/fuzz/corpus/$t" >"$log" 2>&1
	status=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	corpus=$(find "$work" -type f | wc -l)
	if [ "$status" = 0 ]; then
		echo "ok - $t: ${execs:-?} executions in $secs s, corpus $corpus inputs"
	else
		rc=1
		echo "FAIL: $t exited $status after ${execs:-?} executions; log $log:"
		grep -E 'ERROR|SUMMARY|Test unit written|==[0-9]+==' "$log" | head -20 | sed 's/^/    /'
	fi
done
exit $rc
