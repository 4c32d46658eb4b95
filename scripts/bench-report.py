#!/usr/bin/env python3
# Report of scripts/bench.sh (run by it; see there for the arguments).
import os, re, statistics, sys

reps, secs, exit_reps = sys.argv[2], int(sys.argv[3]), sys.argv[4]
vals = {}	# (mode, name) -> {kernel: [per-boot medians]}
units = {}
skips = []
perboot = {}	# (kernel, mode, round) -> {name: value}
extremes = {}	# (mode, name) -> {kernel: [every boot's min and max sample]}
problems = []
boots = {("ours", "vhe"): 0, ("peer", "vhe"): 0, ("ours", "nvhe"): 0, ("peer", "nvhe"): 0}
busy = []
for line in open(sys.argv[1]):
	k, mode, r, con, cpu = line.split()
	if int(cpu) < 90:
		busy.append(f"{k}-{r}/{mode} {cpu}%")
	boots[(k, mode)] += 1
	try:
		text = open(con, errors="replace").read()
	except OSError:
		problems.append(f"{k}-{r}/{mode}: no console log")
		continue
	if "@@DONE" not in text:
		problems.append(f"{k}-{r}/{mode}: the VM did not finish (see {con})")
	for m in re.finditer(r"^@@END (\S+) (\S+) (\S+)", text, re.M):
		if m.group(2) != "0":
			problems.append(f"{k}-{r}/{mode}: {m.group(1)} exited {m.group(2)} (see {con})")
	for m in re.finditer(r"^bench-mte: (.*)$", text, re.M):
		problems.append(f"{k}-{r}/{mode}: {m.group(1)}")
	for m in re.finditer(r"^@@BENCH (\S+) (\S+) (\S+) min=(\S+) max=(\S+)", text, re.M):
		name, v, unit, lo, hi = m.groups()
		ext = extremes.setdefault((mode, name), {}).setdefault(k, [])
		ext += [float(lo), float(hi)]
		vals.setdefault((mode, name), {}).setdefault(k, []).append(float(v))
		perboot.setdefault((k, mode, r), {})[name] = float(v)
		units[name] = unit
	for m in re.finditer(r"^@@BENCHSKIP (\S+) (.*)$", text, re.M):
		skips.append(f"{m.group(1)} in {k}-{r}/{mode}: {m.group(2)}")

def fmt(v):
	return f"{v:.0f}" if v >= 100 else f"{v:.1f}"

def cell(l):
	if not l:
		return "-", "-"
	return fmt(statistics.median(l)), f"{fmt(min(l))}..{fmt(max(l))}"

verdicts = {}	# (mode, name) -> (ratio, verdict)

def section(title, names, better):
	print(f"\n{title}")
	print(f"  {'figure':<32} {'ours':>8} {'(spread)':>15} {'peer':>8} {'(spread)':>15} {'ours/peer':>9} {'best':>7}  verdict")
	for mode, name in names:
		d = vals.get((mode, name), {})
		o, p = d.get("ours", []), d.get("peer", [])
		om, osp = cell(o)
		pm, psp = cell(p)
		ratio, verdict, best = "-", "", "-"
		eo, ep = extremes.get((mode, name), {}).get("ours"), extremes.get((mode, name), {}).get("peer")
		if eo and ep:
			pick = max if better == "higher" else min
			best = f"{pick(eo) / pick(ep):.2f}x"
		if o and p:
			mo, mp = statistics.median(o), statistics.median(p)
			ratio = f"{mo / mp:.2f}x"
			overlap = min(o) <= max(p) and min(p) <= max(o)
			if better == "higher":
				verdict = "faster" if mo > mp else "SLOWER"
			else:
				verdict = "faster" if mo < mp else "SLOWER"
			if overlap or abs(mo / mp - 1) < 0.03:
				verdict = "within noise"
		if o and p:
			verdicts[(mode, name)] = (mo / mp, verdict)
		label = f"{name} [{mode}]" if name.startswith("exit.") else name
		print(f"  {label:<32} {om:>8} {osp:>15} {pm:>8} {psp:>15} {ratio:>9} {best:>7}  {verdict}")

def order(n):
	kind = ["4k", "thp", "hugetlb", "4k-swapped", "4k-untagged"]
	m = re.match(r"copy\.(\S+?)\.(from|to)\.(\d+)M", n)
	if not m:
		return (9, 0, n)
	return (kind.index(m.group(1)) if m.group(1) in kind else 8, int(m.group(3)), m.group(2) != "from")

copy = sorted([k for k in vals if k[1].startswith("copy.")], key=lambda k: order(k[1]))
probe = sorted([k for k in vals if k[1].startswith("probe.")],
	       key=lambda k: (int(re.search(r"(\d+)pages", k[1]).group(1)), k[1]))
exits = sorted([k for k in vals if k[1].startswith("exit.")],
	       key=lambda k: (k[0] != "vhe", k[1].split(".")[1], k[1].endswith(".mte")))

nv, nn = boots[("ours", "vhe")], boots[("ours", "nvhe")]
LINE = os.environ.get("KL_LINE", "6.1")
SUF = "" if LINE == "6.1" else "-" + LINE
print(f"\n=== make bench: ours = build/linux{SUF}, peer = build/peer{SUF} (unmodified Debian {LINE}); "
      f"{nv} VHE + {nn} nVHE boot(s) each, interleaved")
print(f"    each boot's figure is the median of {reps} runs ({exit_reps} for exits); below: median over boots, "
      f"spread = min..max over boots,\n    ours/peer = ratio of the medians, best = ratio of the best single runs "
      f"(least disturbed by other jobs); QEMU TCG, not hardware")
section("KVM_ARM_MTE_COPY_TAGS throughput, MiB of guest memory per second (higher is better); "
	"copy.KIND.DIR.SIZE", copy, "higher")
print("    4k = anonymous 4K pages, thp = MADV_HUGEPAGE 2M aligned, hugetlb = MAP_HUGETLB (at most 48 MiB),\n"
      "    all resident; 4k-swapped = MADV_PAGEOUT to zram before each run;\n"
      "    4k-untagged = pages whose tags were never set (page lookup and buffer copy only, no tag access)")
for sk in skips:
	print(f"    skipped: {sk}")
section("COPY_TAGS per-call cost on resident 4K pages, us per ioctl (lower is better)", probe, "lower")
section("Guest exit round trip, ns per exit (lower is better); hvc = in-kernel HVC, "
	"mmio = exit to the VMM", exits, "lower")
extra = []
overhead = []	# (mode, kind, ours per-boot %, peer per-boot %)
for mode in ("vhe", "nvhe"):
	for kind in ("hvc", "mmio"):
		row, per = [], {}
		for k in ("ours", "peer"):
			rs = [100 * (d[f"exit.{kind}.mte"] / d[f"exit.{kind}.nomte"] - 1)
			      for (k2, m2, _), d in sorted(perboot.items())
			      if k2 == k and m2 == mode and f"exit.{kind}.mte" in d and f"exit.{kind}.nomte" in d]
			per[k] = rs
			if rs:
				row.append(f"{k} {statistics.median(rs):+.1f}% ({min(rs):+.1f}..{max(rs):+.1f})")
		overhead.append((mode, kind, per["ours"], per["peer"]))
		if row:
			extra.append(f"    {kind} [{mode}]: " + ", ".join(row))
if extra:
	print("  extra cost of an MTE VM's exit over a non-MTE VM's, same kernel and boot (samples alternate;")
	print("  median over boots of mte/nomte - 1, spread over boots):")
	print("\n".join(extra))
print("\ntargets:")
four = [(n, verdicts[k][0]) for k in copy for n in [k[1]] if re.match(r"copy\.4k\.(from|to)\.", n) and k in verdicts]
if four:
	ok = all(r >= 10 for _, r in four)
	print(f"  COPY_TAGS >= 10x the peer, resident 4K pages, both directions: {'met' if ok else 'NOT MET'} ("
	      + ", ".join(f"{n} {r:.2f}x" for n, r in four) + ")")
slow = [k[1] for k in copy if verdicts.get(k, (0, ""))[1] == "SLOWER"]
print(f"  COPY_TAGS never slower than the peer: {'met' if not slow else 'NOT MET: ' + ', '.join(slow)}")
mx = [(k, verdicts[k]) for k in exits if k[1].endswith(".mte") and k in verdicts]
bad = [f"{k[1]} [{k[0]}] {v[0]:.2f}x" for k, v in mx if v[1] == "SLOWER"]
if mx:
	print(f"  MTE VM exit cost within noise of the peer (or lower): {'met' if not bad else 'NOT MET: ' + ', '.join(bad)}")
# The switch's own cost: an MTE VM's exit over a non-MTE VM's in the same
# boot (the boot-to-boot noise cancels); ours is within noise when its
# median is not above the peer's or the two spreads over boots overlap.
bad, seen = [], []
for mode, kind, o, p in overhead:
	if not o or not p:
		continue
	seen.append(1)
	mo, mp = statistics.median(o), statistics.median(p)
	if mo > mp and min(o) > max(p):
		bad.append(f"{kind} [{mode}] ours {mo:+.1f}% vs peer {mp:+.1f}%")
if seen:
	print(f"  MTE world-switch overhead (MTE over non-MTE exit) no more than the peer's, within noise: "
	      f"{'met' if not bad else 'NOT MET: ' + ', '.join(bad)}")
if busy:
	print(f"  note: other jobs competed for the CPU in {len(busy)} boot(s) (qemu cpu < 90%: "
	      + ", ".join(busy) + "); medians may be off, compare the 'best' column")
if problems:
	print("\nproblems:")
	for p in problems:
		print("  " + p)
print(f"\nbench: {secs} s; logs build/logs/bench-*.console")
