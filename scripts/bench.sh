#!/bin/bash
# make bench: guest MTE benchmarks, our kernel against the peer, side by side.
#
# Builds testbed/bench-mte.c (static arm64) into build/bench/, then boots
# the two kernels in turn under QEMU (scripts/run-vm.sh), interleaved so
# that a change in the host's load hits both alike:
#   round r: bench-ours-r vhe, bench-peer-r vhe, then BENCH_NVHE_BOOTS (3)
#            times bench-ours-r nvhe, bench-peer-r nvhe
# VHE boots run everything (COPY_TAGS throughput, per-call probe, exits);
# nVHE boots run the exit benchmark only (COPY_TAGS is host kernel code,
# the same in both modes). nVHE exits are the noisiest figure under TCG
# (every world switch flips HCR_EL2.VM, which makes QEMU flush its TLB:
# per-boot medians move by 50%), hence more, short, boots. Each figure printed by a boot is already the
# median of BENCH_REPS runs inside that boot; the table gives, per kernel,
# the median over the boots, the spread (min..max over the boots), the
# ratio ours/peer of the medians, the ratio of the best single runs (the
# least disturbed by other jobs on the machine) and a verdict, then the
# project's targets.
#
# Environment: BENCH_ROUNDS (2), BENCH_REPS (5), BENCH_SIZES ("64 512",
# MiB; 4k and thp at every size, hugetlb (at most 48 MiB), swapped and
# untagged at the first), BENCH_BUDGET (240: seconds for the COPY_TAGS
# sizes of one boot; a size that would not fit is skipped and the table
# says so),
# BENCH_EXIT_REPS (9: exit samples per VM, short ones alternating between
# the non-MTE and the MTE VM), BENCH_HVC (10000 HVC exits per sample),
# BENCH_MMIO (1000 MMIO exits per sample).
# Logs: build/logs/bench-{ours,peer}-R-{vhe,nvhe}.console; the table is
# also written to build/bench/table.txt.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$here/scripts/lib.sh"
b=$here/build
out=$b/bench
rounds=${BENCH_ROUNDS:-2}
reps=${BENCH_REPS:-5}
sizes=${BENCH_SIZES:-64 512}
budget=${BENCH_BUDGET:-240}
exit_reps=${BENCH_EXIT_REPS:-9}
nvhe_boots=${BENCH_NVHE_BOOTS:-3}
n_hvc=${BENCH_HVC:-10000}
n_mmio=${BENCH_MMIO:-1000}
t0=$(date +%s)

declare -A image=(
	[ours]=$b/linux/.o-std/arch/arm64/boot/Image
	[peer]=$b/peer/.o-std/arch/arm64/boot/Image
)
declare -A tree=([ours]=$b/linux [peer]=$b/peer)
for k in ours peer; do
	if [ ! -f "${image[$k]}" ]; then
		echo "=== bench: no $k kernel yet, building it (${tree[$k]})"
		"$here/scripts/build-kernel.sh" "${tree[$k]}" std >/dev/null
	fi
done

echo "=== bench: building build/bench/tests/bench-mte"
rm -rf "$out/tests" && mkdir -p "$out/tests"
testbed_cc "$out/tests/bench-mte" "$here/testbed/bench-mte.c" "$b/linux/.o-std/usr/include"
# The VM's init runs /tests/mte-selfcheck first: it needs to be there.
testbed_cc "$out/tests/mte-selfcheck" "$here/testbed/mte-selfcheck.c"

# NAME TIMEOUT COMMAND ARGS (testbed/init)
cat > "$out/list-vhe.txt" <<LIST
bench-exit 300 /tests/bench-mte exit -r $exit_reps -n $n_hvc -m $n_mmio
bench-probe 300 /tests/bench-mte probe -r $reps
bench-copy $((budget + 300)) /tests/bench-mte copy -r $reps -t $budget $sizes
LIST
cat > "$out/list-nvhe.txt" <<LIST
bench-exit 300 /tests/bench-mte exit -r $exit_reps -n $n_hvc -m $n_mmio
LIST

# CPU time (ticks) of this script's finished children, i.e. of QEMU: a
# boot that got much less than one host core was slowed down by other
# work on the machine, and its figures with it.
child_ticks() { sed 's/^.*) //' /proc/$$/stat | awk '{print $14 + $15}'; }
hz=$(getconf CLK_TCK)

echo "=== bench: $rounds round(s) of ours/peer x vhe/nvhe; load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "    (qemu cpu = CPU time QEMU got / wall time: ~100% or more on an idle machine, less when other jobs compete)"
consoles=()
for r in $(seq 1 "$rounds"); do
	for mode in vhe nvhe; do
		n=1
		[ "$mode" = nvhe ] && n=$nvhe_boots
		for i in $(seq 1 "$n"); do
		for k in ours peer; do
			label=bench-$k-$r
			[ "$i" -gt 1 ] && label=$label.$i
			s=$(date +%s) c=$(child_ticks)
			rc=0
			"$here/scripts/run-vm.sh" "$label" "${image[$k]}" "$mode" \
				"$out/list-$mode.txt" "$out/tests" || rc=$?
			con=$b/logs/$label-$mode.console
			w=$(( $(date +%s) - s ))
			cpu=$(( ($(child_ticks) - c) * 100 / (hz * (w > 0 ? w : 1)) ))
			printf '  %-16s %-4s %4ss  qemu cpu %3s%%  load %s\n' "$label" "$mode" "$w" \
				"$cpu" "$(cut -d' ' -f1 /proc/loadavg)"
			[ "$rc" = 3 ] && { echo "!!! bench: the emulator cannot run MTE; stopping"; exit 1; }
			consoles+=("$k $mode $r.$i $con $cpu")
		done
		done
	done
done

printf '%s\n' "${consoles[@]}" > "$out/consoles.txt"
python3 - "$out/consoles.txt" "$reps" "$(( $(date +%s) - t0 ))" "$exit_reps" <<'PY' | tee "$out/table.txt"
import re, statistics, sys

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
print(f"\n=== make bench: ours = build/linux, peer = build/peer (unmodified Debian 6.1); "
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
	ok = all(r >= 4 for _, r in four)
	print(f"  COPY_TAGS >= 4x the peer, resident 4K pages, both directions: {'met' if ok else 'NOT MET'} ("
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
PY
