#!/bin/bash
# make bench: guest MTE benchmarks, our kernel against the peer, side by side.
#
# Builds testbed/bench-mte.c (static arm64) into build/bench/, then boots
# the two kernels in turn under QEMU (scripts/run-vm.sh), interleaved so
# that a change in the host's load hits both alike, and the kernel that
# boots first alternating from round to round (ours first in odd rounds,
# the peer first in even ones):
#   round r: bench-ours-r vhe, bench-peer-r vhe, then BENCH_NVHE_BOOTS (3)
#            times bench-ours-r nvhe, bench-peer-r nvhe (in either order)
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
# The table starts with what was measured: the repository's commit, the
# series' commit in build/linux and the SHA-256 of each kernel Image.
# Environment: BENCH_ROUNDS (3), BENCH_REPS (5), BENCH_SIZES ("64 512",
# MiB; 4k and thp at every size, hugetlb (at most 48 MiB), swapped and
# untagged at the first), BENCH_BUDGET (240: seconds for the COPY_TAGS
# sizes of one boot; a size that would not fit is skipped and the table
# says so),
# BENCH_EXIT_REPS (9: exit samples per VM, short ones alternating between
# the non-MTE and the MTE VM), BENCH_HVC (10000 HVC exits per sample),
# BENCH_MMIO (1000 MMIO exits per sample).
# Logs: build/logs/bench-{ours,peer}-R-{vhe,nvhe}.console; the table is
# also written to build/bench/table.txt.
# KLINE=6.12 (make bench-6.12): the 6.12 series against the unmodified
# 6.12 instead, in build/bench-6.12 and build/logs/bench-6.12-*.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$here/scripts/lib.sh"
kline "${KLINE:-6.1}"
b=$here/build
out=$b/bench$KL_SUFFIX
rounds=${BENCH_ROUNDS:-3}
reps=${BENCH_REPS:-5}
sizes=${BENCH_SIZES:-64 512}
budget=${BENCH_BUDGET:-240}
exit_reps=${BENCH_EXIT_REPS:-9}
nvhe_boots=${BENCH_NVHE_BOOTS:-3}
n_hvc=${BENCH_HVC:-10000}
n_mmio=${BENCH_MMIO:-1000}
t0=$(date +%s)

declare -A tree=([ours]=$KL_TREE [peer]=$KL_PEER)
declare -A image=(
	[ours]=${tree[ours]}/.o-std/arch/arm64/boot/Image
	[peer]=${tree[peer]}/.o-std/arch/arm64/boot/Image
)
for k in ours peer; do
	if [ ! -f "${image[$k]}" ]; then
		echo "=== bench: no $k kernel yet, building it (${tree[$k]})"
		"$here/scripts/build-kernel.sh" "${tree[$k]}" std >/dev/null
	fi
done

echo "=== bench: building build/bench/tests/bench-mte"
rm -rf "$out/tests" && mkdir -p "$out/tests"
testbed_cc "$out/tests/bench-mte" "$here/testbed/bench-mte.c" "${tree[ours]}/.o-std/usr/include"
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

# The host side of a boot's memory: QEMU backs guest RAM with
# transparent huge pages where the host has free 2 MiB blocks (it
# madvises it), and under TCG a guest page on a 4 KiB host page costs
# more host TLB misses. So that every boot runs on the same kind of host
# memory, each gets its RAM at once (-mem-prealloc), after the host
# compacted its free memory (when this runs as root), and the share of
# it on huge pages is printed for each boot ("thp"). (This is not what
# makes figures swing from run to run inside a boot: they still do with
# 97% of the memory on huge pages.)
export QEMU_EXTRA="${QEMU_EXTRA:+$QEMU_EXTRA }-mem-prealloc"
compact() { [ -w /proc/sys/vm/compact_memory ] && echo 1 > /proc/sys/vm/compact_memory || true; }
# thp_share FILE: after 20 s, the huge page share of the newest QEMU's
# memory into FILE (in the background; "?" when it is gone by then)
thp_share() {
	sleep 20
	local pid
	pid=$(pgrep -nf qemu-system-aarch64) &&
		awk '/^Rss:/ {r = $2} /^AnonHugePages:/ {h = $2}
		     END {if (r) printf "%d%%", 100 * h / r; else print "?"}' \
			"/proc/$pid/smaps_rollup" > "$1" 2>/dev/null || echo "?" > "$1"
}

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
		order="ours peer"
		[ $((r % 2)) = 0 ] && order="peer ours"
		for k in $order; do
			label=bench$KL_SUFFIX-$k-$r
			[ "$i" -gt 1 ] && label=$label.$i
			compact
			thp_share "$out/thp.txt" &
			sampler=$!
			s=$(date +%s) c=$(child_ticks)
			rc=0
			"$here/scripts/run-vm.sh" "$label" "${image[$k]}" "$mode" \
				"$out/list-$mode.txt" "$out/tests" || rc=$?
			con=$b/logs/$label-$mode.console
			w=$(( $(date +%s) - s ))
			cpu=$(( ($(child_ticks) - c) * 100 / (hz * (w > 0 ? w : 1)) ))
			wait "$sampler" || true
			printf '  %-16s %-4s %4ss  qemu cpu %3s%%  load %-5s thp %s\n' "$label" "$mode" "$w" \
				"$cpu" "$(cut -d' ' -f1 /proc/loadavg)" "$(cat "$out/thp.txt")"
			[ "$rc" = 3 ] && { echo "!!! bench: the emulator cannot run MTE; stopping"; exit 1; }
			consoles+=("$k $mode $r.$i $con $cpu")
		done
		done
	done
done

printf '%s\n' "${consoles[@]}" > "$out/consoles.txt"
{
	echo "measured: repository $(git -C "$here" rev-parse --short HEAD)$(git -C "$here" diff --quiet || echo ' (with local changes)'), series ${KL_TREE#"$here"/} $(git -C "$KL_TREE" rev-parse --short HEAD)"
	for k in ours peer; do
		echo "  $k Image sha256 $(sha256sum "${image[$k]}" | cut -c1-16)"
	done
	python3 "$here/scripts/bench-report.py" "$out/consoles.txt" "$reps" "$(( $(date +%s) - t0 ))" "$exit_reps"
} | tee "$out/table.txt"
