#!/usr/bin/env python3
"""Print the result table of a check run and the closing count line.

Reads build/results/*.tsv, one file per column (LABEL-MODE for VM boots,
'static' for the static checks), rows NAME<TAB>STATUS<TAB>SECONDS<TAB>NSUB
[<TAB>NOTE] (format: scripts/parse-console.sh). Rows whose NSUB is 'sub'
are kselftest subtests (NAME is BINARY/SUBTEST).

Counting: a test binary that printed TAP subtests counts one result per
subtest, plus one failure of its own when it timed out, when its exit is
not explained by failed subtests (a NOTE: a crash, TAP cut short) or when
it failed with no failing subtest; other tests count once. Any status other
than pass and skip is a failure.

Failures of the peer listed in testbed/peer-known.txt (the unmodified
6.1; testbed/peer-6.12-known.txt for the unmodified 6.12, columns
peer612-*) are expected findings about the unmodified kernel: they are
shown and counted apart ("known peer failures"), not as failed. An entry of that file that passes on the peer
(and fails on no peer boot) is stale: reported and counted as failed.

Skips on our kernels (columns ours-*, ours612-*) fail unless testbed/expected-skips.txt
lists them with a reason; on the peer and the base kernel a skip is a skip.
Exit status 1 if anything failed.
"""
import fnmatch
import glob
import os
import sys

ORDER = ["static", "configs", "ours-vhe", "ours-nvhe", "peer-vhe", "peer-nvhe",
         "base-vhe", "ours-vhe64k", "peer-vhe64k", "static-6.12", "configs-6.12",
         "ours612-vhe", "ours612-nvhe", "peer612-vhe", "peer612-nvhe",
         "ours-debug-vhe", "ours-debug-nvhe", "peer-debug-vhe", "peer-debug-nvhe"]
SHOW = {"pass": "ok", "fail": "FAIL", "skip": "skip", "timeout": "TIMEOUT"}
HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KNOWN = "testbed/peer-known.txt"
# the unmodified 6.12's known failures (columns peer612-*)
KNOWN_612 = "testbed/peer-6.12-known.txt"
EXPECTED_SKIPS = "testbed/expected-skips.txt"


def entries(rel):
    """(line number, first word, rest) of each entry of a testbed file."""
    path = os.path.join(HERE, rel)
    if not os.path.exists(path):
        return
    for n, line in enumerate(open(path), 1):
        line = line.strip()
        if line and not line.startswith("#"):
            first, _, rest = line.partition(" ")
            yield n, first, rest.strip()


def load_known(errors, rel=KNOWN):
    known = {}
    for n, name, why in entries(rel):
        if not why:
            errors.append("%s:%d: %s has no reason" % (rel, n, name))
        known[name] = why
    return known


def known_for(col, known, known612):
    """The known-failure list that applies to a result column."""
    return known612 if col.startswith("peer612") else known


def load_expected_skips(errors):
    """[(boot pattern, name pattern, reason)] from BOOT:NAME REASON lines."""
    skips = []
    for n, pat, why in entries(EXPECTED_SKIPS):
        boot, sep, name = pat.partition(":")
        if not sep or not boot or not name or not why:
            errors.append("%s:%d: expected BOOT:NAME REASON" % (EXPECTED_SKIPS, n))
            continue
        skips.append((boot, name, why))
    return skips


def is_fail(st):
    return st not in ("pass", "skip")


def main(resdir):
    errors = []
    known = load_known(errors)
    known612 = load_known(errors, KNOWN_612)
    exp_skips = load_expected_skips(errors)
    cols = {}
    for path in glob.glob(os.path.join(resdir, "*.tsv")):
        col = os.path.basename(path)[:-4]
        tests, subs = {}, {}
        for line in open(path):
            f = line.rstrip("\n").split("\t")
            if len(f) < 2:
                continue
            f += [""] * (5 - len(f))
            if f[3] == "sub":
                binary = f[0].split("/", 1)[0]
                subs.setdefault(binary, []).append((f[0], f[1]))
            else:
                tests[f[0]] = (f[1], f[2], f[4])
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
    cell_fails = {}     # (col, test) -> [failed, known]

    def count(col, binary, name, st, note=""):
        cf = cell_fails.setdefault((col, binary), [0, 0])
        if st == "pass":
            counts["pass"] += 1
        elif st == "skip":
            if col.startswith("ours") and not any(
                    fnmatch.fnmatchcase(col, b) and fnmatch.fnmatchcase(name, n)
                    for b, n, _ in exp_skips):
                counts["fail"] += 1
                cf[0] += 1
                failures.append((col, name, "skip, not in " + EXPECTED_SKIPS))
            else:
                counts["skip"] += 1
        elif col.startswith("peer") and name in known_for(col, known, known612):
            counts["xfail"] += 1
            cf[1] += 1
            xfails.append((col, name, known_for(col, known, known612)[name]))
        else:
            counts["fail"] += 1
            cf[0] += 1
            failures.append((col, name, st + (" (%s)" % note if note else "")))

    print("--- results (cells: result, seconds under emulation, passed/subtests)")
    print("  " + "test".ljust(width) + "".join(c.rjust(17) for c in names))
    for t in rows:
        line = "  " + t.ljust(width)
        for c in names:
            tests, subs = cols[c]
            if t not in tests:
                line += "-".rjust(17)
                continue
            st, secs, note = tests[t]
            sl = subs.get(t, [])
            for sname, sst in sl:
                count(c, t, sname, sst)
            if not sl or (is_fail(st) and (st == "timeout" or note or
                                           not any(is_fail(s) for _, s in sl))):
                count(c, t, t, st, note)
            failed, xfailed = cell_fails.get((c, t), [0, 0])
            word = SHOW.get(st, st.upper())
            if failed and st == "skip" and not sl:
                word = "SKIP"
            elif failed and not is_fail(st):
                word = "FAIL"
            elif xfailed and not failed:
                word = "known"
            cell = word
            if secs and secs != "-":
                cell += " " + secs
            if sl:
                cell += " %d/%d" % (sum(1 for _, s in sl if s == "pass"), len(sl))
            line += cell.rjust(17)
        print(line)

    # known entries that pass on the peer, and fail on no peer boot (each
    # list against its own columns)
    stale = []
    for lst, is612 in ((known, False), (known612, True)):
        passes, fails = {}, {}
        for c in names:
            if not c.startswith("peer") or c.startswith("peer612") != is612:
                continue
            tests, subs = cols[c]
            results = [(t, v[0]) for t, v in tests.items()]
            results += [r for sl in subs.values() for r in sl]
            for name, st in results:
                if name in lst:
                    if st == "pass":
                        passes.setdefault(name, []).append(c)
                    elif is_fail(st):
                        fails.setdefault(name, []).append(c)
        stale += [(name, passes[name]) for name in lst
                  if name in passes and name not in fails]

    # expected skips that did not happen where they apply (not a failure)
    unused = []
    for b, n, _ in exp_skips:
        ran, skipped = [], False
        for c in names:
            if not fnmatch.fnmatchcase(c, b):
                continue
            tests, subs = cols[c]
            results = [(t, v[0]) for t, v in tests.items()]
            results += [r for sl in subs.values() for r in sl]
            for name, st in results:
                if fnmatch.fnmatchcase(name, n):
                    skipped |= st == "skip"
                    ran.append(c)
        if ran and not skipped:
            unused.append(("%s:%s" % (b, n), ran))

    for c, t, why in xfails:
        print("  known peer failure: %s on %s: %s" % (t, c, why))
    for name, where in stale:
        print("  stale known entry: %s (passes on %s)" % (name, ", ".join(where)))
        counts["fail"] += 1
    for pat, where in unused:
        print("  expected skip did not happen: %s (ran on %s)"
              % (pat, ", ".join(sorted(set(where), key=where.index))))
    for e in errors:
        print("  FAILED: " + e)
        counts["fail"] += 1
    for c, t, st in failures:
        log = {"static": "build/logs/static/",
               "configs": "build/logs/configs/",
               "configs-6.12": "build/logs/configs-6.12/"}.get(c, "build/logs/%s.console" % c)
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
