#!/usr/bin/env python3
"""Print the result table of a check run and the closing count line.

Reads build/results/*.tsv, one file per column (LABEL-MODE for VM boots,
'static' for the static checks), rows NAME<TAB>STATUS<TAB>SECONDS<TAB>NSUB.
Rows whose NSUB is 'sub' are kselftest subtests (NAME is BINARY/SUBTEST).

Counting: a test binary that printed TAP subtests counts one result per
subtest (plus one failure if it crashed or timed out with no failing
subtest); other tests count once. Failures of the peer listed in
testbed/peer-known.txt are expected findings about the unmodified kernel:
they are shown and counted apart ("known peer failures"), not as failed.
Exit status 1 if anything failed.
"""
import glob
import os
import sys

ORDER = ["static", "ours-vhe", "ours-nvhe", "peer-vhe", "peer-nvhe", "base-vhe",
         "ours-debug-vhe", "ours-debug-nvhe", "peer-debug-vhe", "peer-debug-nvhe"]
SHOW = {"pass": "ok", "fail": "FAIL", "skip": "skip", "timeout": "TIMEOUT"}
HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load_known():
    known = {}
    path = os.path.join(HERE, "testbed", "peer-known.txt")
    if os.path.exists(path):
        for line in open(path):
            line = line.strip()
            if line and not line.startswith("#"):
                name, _, why = line.partition(" ")
                known[name] = why.strip()
    return known


def main(resdir):
    known = load_known()
    cols = {}
    for path in glob.glob(os.path.join(resdir, "*.tsv")):
        col = os.path.basename(path)[:-4]
        tests, subs = {}, {}
        for line in open(path):
            f = line.rstrip("\n").split("\t")
            if len(f) < 2:
                continue
            f += [""] * (4 - len(f))
            if f[3] == "sub":
                binary = f[0].split("/", 1)[0]
                subs.setdefault(binary, []).append((f[0], f[1]))
            else:
                tests[f[0]] = (f[1], f[2])
        cols[col] = (tests, subs)
    names = sorted(cols, key=lambda c: (ORDER.index(c) if c in ORDER else 99, c))
    rows = []
    for c in names:
        for t in cols[c][0]:
            if t not in rows:
                rows.append(t)
    width = max([len(t) for t in rows] + [10])
    counts = {"pass": 0, "fail": 0, "skip": 0, "xfail": 0}
    failures, xfails = [], []

    def count(col, name, st):
        key = "fail" if st in ("fail", "timeout") else st
        if key == "fail" and col.startswith("peer") and name in known:
            counts["xfail"] += 1
            xfails.append((col, name, known[name]))
            return
        counts[key] += 1
        if key == "fail":
            failures.append((col, name, st))

    print("--- results (cells: result, seconds under emulation, passed/subtests)")
    print("  " + "test".ljust(width) + "".join(c.rjust(17) for c in names))
    for t in rows:
        line = "  " + t.ljust(width)
        for c in names:
            tests, subs = cols[c]
            if t not in tests:
                line += "-".rjust(17)
                continue
            st, secs = tests[t]
            cell = SHOW.get(st, st)
            if secs and secs != "-":
                cell += " " + secs
            sl = subs.get(t, [])
            if sl and st == "fail" and c.startswith("peer") and all(
                    s != "fail" or n in known for n, s in sl):
                cell = "known" + cell[len(SHOW["fail"]):]
            if sl:
                cell += " %d/%d" % (sum(1 for _, s in sl if s == "pass"), len(sl))
                for sname, sst in sl:
                    count(c, sname, sst)
                if st in ("fail", "timeout") and not any(s == "fail" for _, s in sl):
                    count(c, t, st)
            else:
                count(c, t, st)
            line += cell.rjust(17)
        print(line)
    for c, t, why in xfails:
        print("  known peer failure: %s on %s: %s" % (t, c, why))
    for c, t, st in failures:
        log = "build/logs/%s.console" % c if c != "static" else "build/logs/static/"
        print("  FAILED: %s on %s: %s (see %s)" % (t, c, st, log))
    if counts["xfail"]:
        print("known peer failures (findings about the unmodified kernel): %d"
              % counts["xfail"])
    tail = "%d passed, %d failed" % (counts["pass"], counts["fail"])
    if counts["skip"]:
        tail += ", %d skipped" % counts["skip"]
    print(tail)
    return 1 if counts["fail"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "build", "results")))
