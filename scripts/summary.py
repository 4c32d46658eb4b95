#!/usr/bin/env python3
"""Print the result table of a check run and the closing count line.

Reads build/results/*.tsv (NAME<TAB>STATUS<TAB>SECONDS), one file per
column: LABEL-MODE for VM boots, 'static' for the static checks.
Exit status 1 if anything failed.
"""
import glob
import os
import sys

ORDER = ["static", "ours-vhe", "ours-nvhe", "peer-vhe", "peer-nvhe", "base-vhe"]
SHOW = {"pass": "ok", "fail": "FAIL", "skip": "skip", "timeout": "TIMEOUT"}


def main(resdir):
    cols = {}
    for path in glob.glob(os.path.join(resdir, "*.tsv")):
        col = os.path.basename(path)[:-4]
        rows = {}
        for line in open(path):
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 2:
                rows[parts[0]] = (parts[1], parts[2] if len(parts) > 2 else "")
        cols[col] = rows
    names = sorted(cols, key=lambda c: (ORDER.index(c) if c in ORDER else 99, c))
    tests = []
    for c in names:
        for t in cols[c]:
            if t not in tests:
                tests.append(t)
    width = max([len(t) for t in tests] + [10])
    print("--- results (time in s under emulation)")
    print("  " + "test".ljust(width) + "".join(c.rjust(16) for c in names))
    counts = {"pass": 0, "fail": 0, "skip": 0}
    failures = []
    for t in tests:
        line = "  " + t.ljust(width)
        for c in names:
            st, secs = cols[c].get(t, ("", ""))
            if not st:
                line += "-".rjust(16)
                continue
            cell = SHOW.get(st, st) + (" " + secs if secs and secs != "-" else "")
            line += cell.rjust(16)
            key = "fail" if st in ("fail", "timeout") else st
            counts[key] = counts.get(key, 0) + 1
            if key == "fail":
                failures.append((c, t, st))
        print(line)
    for c, t, st in failures:
        log = "build/logs/%s.console" % c if c != "static" else "build/logs/static/"
        print("  %s on %s: %s (see %s)" % (t, c, st, log))
    tail = "%d passed, %d failed" % (counts["pass"], counts["fail"])
    if counts["skip"]:
        tail += ", %d skipped" % counts["skip"]
    print(tail)
    return 1 if counts["fail"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "build/results"))
