#!/bin/bash
# tests/record-smoke.sh - the certification record end to end
# (docs/record-json.md): live runs write records with `run --record`,
# then `verify-record` must accept each fresh one and reject every
# change a third party must see: a scenario file changed, removed or
# added, a verdict changed (naively, or with the record's digest, summary
# and exit status made up to match, which only the run's report shows),
# evidence changed in the report, another adapter, another expectations
# file.  It also recomputes the record's digest and the evidence digests
# in Python from the schema's description alone, so that the
# documentation is enough to check a record without this harness.
# Needs root.
#
#   tests/record-smoke.sh [BUILD_DIR]          (default: build)
set -u
TEST_NAME=record
# shellcheck source=tests/lib/checks.sh
. "$(dirname "$0")/lib/checks.sh"
need_root

# verify WANT_RC GREP TEXT ARGS... - verify-record exits WANT_RC and its
# output holds the line GREP (a fixed string)
verify() {
	local want=$1 grep=$2 text=$3 rc
	shift 3
	"$H" verify-record "$@" >"$T/v.out" 2>&1
	rc=$?
	if [ "$rc" = "$want" ] && grep -qF -- "$grep" "$T/v.out"; then
		ok "$text (exit $rc)"
	else
		bad "$text: exit $rc, want $want and a line with '$grep'"
		sed 's/^/    /' "$T/v.out"
	fi
}

# A folder of five scenarios: the run takes all of it (no --only), so
# that a scenario added to the folder is one the record leaves out.
mkdir "$T/scn"
for s in dane-ee-honest sni-required tlsa-wrong-key starttls-stripped insecure-no-dnssec; do
	cp "$here/scenarios/$s.scn" "$T/scn/"
done
"$H" run --client refclient --scenarios "$T/scn" --json "$T/r.json" \
	--record "$T/rec.json" >"$T/run.out" 2>&1
rc=$?
if [ "$rc" = 0 ] && [ -s "$T/rec.json" ]; then
	ok "run --record: exit 0, the record is written"
else
	bad "run --record: exit $rc"
	cat "$T/run.out"
fi

verify 0 "verify-record: $T/rec.json holds" "a fresh record holds, with its report and adapter" \
	--scenarios "$T/scn" --client refclient "$T/rec.json" "$T/r.json"
if grep -q "^  FAIL" "$T/v.out" || [ "$(grep -c '^  ok' "$T/v.out")" != 9 ]; then
	bad "a fresh record: not nine 'ok' lines"
else
	ok "a fresh record: all nine checks ok"
fi

# What the record names: this harness, from this source revision.
python3 - "$T/rec.json" "$H" "$here" <<'EOF' && ok "the record names this executable, its source revision and the client's version" || bad "harness or client identity"
import hashlib, json, subprocess, sys
rec = json.load(open(sys.argv[1]))
exe = hashlib.sha256(open(sys.argv[2], "rb").read()).hexdigest()
assert rec["harness"]["executable_sha256"] == exe, "executable digest"
try:
    head = subprocess.run(["git", "-C", sys.argv[3], "rev-parse", "HEAD"],
                          capture_output=True, text=True, check=True).stdout.strip()
    rev = rec["harness"]["source_revision"]
    assert rev.split("-")[0] == head, f"built from {rev}, HEAD is {head}: run make"
except (OSError, subprocess.CalledProcessError):
    assert rec["harness"]["source_revision"] == "unknown"
assert rec["client"]["version"].startswith("dane-smtp-send"), "client version"
assert rec["world"]["started_unix"] <= rec["world"]["ended_unix"]
EOF

# The digests, recomputed from docs/record-json.md alone.
python3 - "$T/rec.json" "$T/r.json" <<'EOF' && ok "Python recomputes the record's digest and every evidence digest from the documented canonical form" || bad "the documented canonical form does not reproduce the digests"
import hashlib, json, math, re, sys

def real(x):
    s = "%.17g" % x
    if "." not in s and "e" not in s:
        s += ".0"
    return re.sub(r"e([-+]?)0*(\d)", lambda m: "e" + m.group(1).replace("+", "") + m.group(2), s)

def canon(v):
    if isinstance(v, bool) or v is None:
        return json.dumps(v)
    if isinstance(v, float):
        return real(v)
    if isinstance(v, (int, str)):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return "[" + ",".join(canon(x) for x in v) + "]"
    return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + canon(v[k])
                          for k in sorted(v)) + "}"

def sha(v):
    return hashlib.sha256(canon(v).encode()).hexdigest()

rec = json.load(open(sys.argv[1]))
want = rec.pop("digest")
assert sha(rec) == want, "record digest"
rep = {r["scenario"]: r for r in json.load(open(sys.argv[2]))["results"]}
for r in rec["results"]:
    assert sha(rep[r["scenario"]]["evidence"]) == r["evidence_sha256"], r["scenario"]
EOF

# The personas and zone templates give the scenarios their meaning: a
# copy of this harness with one persona changed must reject the record.
mkdir -p "$T/lay/build"
cp "$H" "$B/dane-fakemx" "$T/lay/build/"
cp -r "$here/certs" "$here/zones" "$T/lay/"
H0=$H
H=$T/lay/build/dane-harness
verify 0 "the personas and zone templates of $T/lay are the record's" \
	"a copy of the harness with the same data accepts the record" --scenarios "$T/scn" "$T/rec.json"
grep -qF "this dane-harness and dane-fakemx are the record's" "$T/v.out" &&
	ok "... and its programs are the record's" || bad "the copied programs are not recognised"
echo "# one more line" >>"$T/lay/certs/personas.conf"
echo "; one more line" >>"$T/lay/zones/mxlab.zone"
verify 1 "$T/lay/certs/personas.conf: not the record's" \
	"a changed persona definition is rejected" --scenarios "$T/scn" "$T/rec.json"
grep -qF "$T/lay/zones/mxlab.zone: not the record's" "$T/v.out" &&
	ok "... and so is a changed zone template" || bad "a changed zone template is not named"
H=$H0

# A scenario file changed, removed, added.
cp -r "$T/scn" "$T/scn2"
echo "# one more line" >>"$T/scn2/tlsa-wrong-key.scn"
verify 1 "tlsa-wrong-key: $T/scn2/tlsa-wrong-key.scn does not match the record's digest" \
	"a changed scenario file is rejected, by name" --scenarios "$T/scn2" "$T/rec.json"
rm -rf "$T/scn2" && cp -r "$T/scn" "$T/scn2" && rm "$T/scn2/sni-required.scn"
verify 1 "sni-required: $T/scn2/sni-required.scn: No such file" \
	"a removed scenario file is rejected" --scenarios "$T/scn2" "$T/rec.json"
rm -rf "$T/scn2" && cp -r "$T/scn" "$T/scn2" && cp "$here/scenarios/mx-cname-secure.scn" "$T/scn2/"
verify 1 "the record leaves out scenario mx-cname-secure" \
	"a scenario the selection takes but the record lacks is rejected" --scenarios "$T/scn2" "$T/rec.json"

# A verdict changed: naively, then with everything the record itself
# can check made up to match.
python3 - "$T/rec.json" "$T/naive.json" "$T/forged.json" <<'EOF'
import hashlib, json, sys
rec = json.load(open(sys.argv[1]))
r = next(r for r in rec["results"] if r["scenario"] == "tlsa-wrong-key")
r["verdict"], r["severity"] = "FAIL", "security"
json.dump(rec, open(sys.argv[2], "w"), indent=2)
rec["summary"]["PASS"] -= 1
rec["summary"]["FAIL"] += 1
rec["exit_status"] = 1
del rec["digest"]
canon = json.dumps(rec, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
rec["digest"] = hashlib.sha256(canon.encode()).hexdigest()
json.dump(rec, open(sys.argv[3], "w"), indent=2)
EOF
verify 1 "the record was changed after it was written" "a changed verdict is rejected (digest)" \
	--scenarios "$T/scn" "$T/naive.json"
grep -qF "the summary says 5 PASS, the results have 4" "$T/v.out" &&
	ok "... and its summary no longer agrees" || bad "summary disagreement not reported"
"$H" verify-record --scenarios "$T/scn" "$T/forged.json" >"$T/f.out" 2>&1
if [ $? = 0 ]; then
	ok "a verdict changed with digest, summary and exit status made up passes the record's own checks (a digest is not a signature)"
else
	bad "the forged record fails its own checks: the test's forgery is wrong"
	cat "$T/f.out"
fi
verify 1 "tlsa-wrong-key: the record says FAIL security, the report PASS" \
	"... and the run's report rejects it" --scenarios "$T/scn" "$T/forged.json" "$T/r.json"

# Evidence changed in the report.
python3 - "$T/r.json" "$T/r2.json" <<'EOF'
import json, sys
rep = json.load(open(sys.argv[1]))
r = next(r for r in rep["results"] if r["scenario"] == "dane-ee-honest")
r["evidence"]["connections"][0]["tls_version"] = "TLSv1.2"
json.dump(rep, open(sys.argv[2], "w"), indent=2)
EOF
verify 1 "dane-ee-honest: the report's evidence" "changed evidence in the report is rejected" \
	--scenarios "$T/scn" "$T/rec.json" "$T/r2.json"
verify 1 "the adapter $B/adapters/postfix" "another adapter is rejected" \
	--scenarios "$T/scn" --client postfix "$T/rec.json"

# Expectations: a run of a mutant with an expectations file.
printf 'sni-required xfail the mutant sends no SNI\n' >"$T/exp"
"$H" run --client "refclient --mutant=no-sni" --scenarios "$T/scn" --expectations "$T/exp" \
	--json "$T/m.json" --record "$T/mrec.json" >"$T/m.out" 2>&1
verify 0 "the expectations file $T/exp is the record's" "a record with XFAIL holds with its expectations file" \
	--scenarios "$T/scn" --client "refclient --mutant=no-sni" --expectations "$T/exp" "$T/mrec.json" "$T/m.json"
printf 'starttls-stripped xfail another file\n' >"$T/exp2"
verify 1 "is not the record's expectations file" "another expectations file is rejected" \
	--scenarios "$T/scn" --expectations "$T/exp2" "$T/mrec.json"
python3 - "$T/mrec.json" "$T/noexp.json" <<'EOF'
import hashlib, json, sys
rec = json.load(open(sys.argv[1]))
rec["expectations"] = None
del rec["digest"]
canon = json.dumps(rec, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
rec["digest"] = hashlib.sha256(canon.encode()).hexdigest()
json.dump(rec, open(sys.argv[2], "w"), indent=2)
EOF
verify 1 "sni-required is XFAIL, but the expectations file does not name it" \
	"an XFAIL in a record without an expectations file is rejected" --scenarios "$T/scn" "$T/noexp.json"
verify 0 "no expectations file, and no XFAIL or XPASS" "a record without expectations and without XFAIL holds" \
	--scenarios "$T/scn" "$T/rec.json"

# A shard's record: its selection is the shard.
"$H" run --client refclient --scenarios "$T/scn" --shard 1/2 --record "$T/shard.json" >"$T/s.out" 2>&1
verify 0 "the shard of the folder selects the same" "a shard's record holds" \
	--scenarios "$T/scn" "$T/shard.json"

# Random damage: one to three members of the record replaced by values
# of other types or deleted, 200 times; verify-record must exit 0, 1 or
# 2 (never crash or hang), and never say that a changed record holds.
python3 - "$H" "$T/rec.json" "$T/r.json" "$T/scn" <<'EOF' && ok "200 damaged records: each rejected or refused, none holds, no crash" || bad "a damaged record was not rejected"
import copy, json, random, subprocess, sys
h, recfile, report, scn = sys.argv[1:5]
random.seed(7672)
base = json.load(open(recfile))
vals = [None, True, 0, -1, 2**63, 1.5, "", "x" * 5000, "../../etc/passwd", [],
        {}, [1, 2], {"a": 1}, "FAIL", "security", "0" * 64]
def paths(o, p=()):
    yield p
    items = o.items() if isinstance(o, dict) else enumerate(o) if isinstance(o, list) else ()
    for k, v in items:
        yield from paths(v, p + (k,))
allp = [p for p in paths(base) if p]
out = recfile + ".damaged"
for it in range(200):
    r = copy.deepcopy(base)
    for _ in range(random.randint(1, 3)):
        p = random.choice(allp)
        o = r
        try:
            for k in p[:-1]:
                o = o[k]
            if random.random() < 0.2 and isinstance(o, dict):
                del o[p[-1]]
            else:
                o[p[-1]] = copy.deepcopy(random.choice(vals))
        except (KeyError, IndexError, TypeError):
            pass
    if r == base:
        continue
    json.dump(r, open(out, "w"))
    for extra in ([], [report]):
        pr = subprocess.run([h, "verify-record", "--scenarios", scn, out] + extra,
                            capture_output=True, text=True, timeout=30)
        if pr.returncode not in (1, 2):
            print("    exit", pr.returncode, "after changing", p, pr.stdout[-800:], pr.stderr[-800:])
            sys.exit(1)
EOF

# Bad input: exit 2, the file named.
verify 2 "$T/none.json" "a missing record: exit 2 naming it" "$T/none.json"
verify 2 "$T/r.json: not a dane-harness record" "a report given as a record: exit 2" "$T/r.json"
verify 2 "usage: dane-harness verify-record" "no record: exit 2 with the usage"
summary
