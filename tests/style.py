#!/usr/bin/env python3
"""tests/style.py - the house style that a tool can check.

    tests/style.py [--lengths-only] [FILE...]   (default: every C file)

1. clang-format (the repository's .clang-format) changes nothing;
2. no function in harness/ is longer than 60 lines, unless the comment
   above it says why with "(long: REASON)".
Prints each violation with file:line; exits 1 if there is any.
"""
import os, re, subprocess, sys

LIMIT = 60
top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
os.chdir(top)
args = [a for a in sys.argv[1:] if not a.startswith("--")]
files = args or subprocess.run(["git", "ls-files", "*.c", "*.h"],
                               capture_output=True, text=True,
                               check=True).stdout.split()
bad = 0

if "--lengths-only" not in sys.argv:
    for f in files:
        r = subprocess.run(["clang-format", "--dry-run", "--Werror", f],
                           capture_output=True, text=True)
        if r.returncode != 0:
            first = (r.stderr.strip().splitlines() or ["?"])[0]
            print(f"{f}: not clang-formatted ({first}); run clang-format -i {f}")
            bad += 1

def functions(path):
    """(name, first line, length, exempt) of each function definition."""
    lines = open(path).read().split("\n")
    i = 0
    while i < len(lines):
        if lines[i] == "{" and i > 0:
            # the signature: lines above, back to one at column 0
            j = i - 1
            while j > 0 and (lines[j].startswith(" ") or lines[j] == ""):
                j -= 1
            sig = " ".join(lines[j:i])
            m = re.search(r"(\w+)\s*\(", sig)
            k = i + 1
            while k < len(lines) and lines[k] != "}":
                k += 1
            above = "\n".join(lines[max(0, j - 8):j])
            exempt = "(long:" in above
            if m and not re.match(r"(struct|enum|union|typedef|static const)\b.*=", sig):
                yield m.group(1), j + 1, k - j + 1, exempt
            i = k
        i += 1

for f in files:
    if not f.startswith("harness/") or not f.endswith(".c"):
        continue
    for name, line, n, exempt in functions(f):
        if n > LIMIT and not exempt:
            print(f"{f}:{line}: {name} is {n} lines (limit {LIMIT}; split it, "
                  f"or say why in its comment with '(long: ...)')")
            bad += 1
print(f"style: {len(files)} files, {bad} problem(s)")
sys.exit(1 if bad else 0)
