#!/bin/bash
# The reliability run on debug kernels (config/debug.config: KASAN,
# lockdep, PROVE_RCU, DEBUG_VM, DEBUG_ATOMIC_SLEEP on top of the normal
# fragment): build, boot VHE and nVHE, run the series' MTE selftests, the
# demo VMM and the fuzz/race/stress tools. Any kernel splat in dmesg fails
# the boot's "dmesg-clean" row.
#   check-debug.sh [ours|peer ...]     (default: ours peer)
# DEBUG_MODES: the boots per kernel ("vhe nvhe").
# Results: build/results/LABEL-debug-MODE.tsv, read by scripts/summary.py.
# make check calls it for "ours" only with CHECK_DEBUG=yes (see check.sh);
# make check-debug runs it on its own and prints the summary.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
b=$here/build
S=$here/scripts
# shellcheck source=scripts/lib.sh
. "$S/lib.sh"
roles=("$@")
[ ${#roles[@]} -gt 0 ] || roles=(ours peer)

# KASAN and lockdep under TCG: about three times slower than std.
tests=(mte_test mte_copy_tags mte-migrate mte-fuzz mte-stress)
# Smaller swap stress than the std run's 256 MiB x 3 passes (which the
# std boots already verify): under KASAN that alone takes over 10 minutes.
declare -A debug_args=([mte-stress]="-m 64 -l 32 -p 1")
rc=0
for role in "${roles[@]}"; do
	tree=$(role_tree "$role") || exit 2
	echo "=== build $role debug kernel"
	"$S/build-kernel.sh" "$tree" debug >/dev/null || { rc=1; continue; }
	for mode in ${DEBUG_MODES:-vhe nvhe}; do
		list=$b/list-$role-debug-$mode.txt
		# the std list of this boot (first two: mode and cap checks),
		# cut down to the tests above, with three times the time
		"$S/test-list.sh" "$role" "$mode" "$b/tests" > "$list.std" || rc=1
		head -2 "$list.std" > "$list"
		for t in "${tests[@]}"; do
			read -r _ tmo bin args < <(awk -v t="$t" '$1 == t' "$list.std") ||
				{ echo "check-debug: $t is not in the $role-$mode list" >&2; rc=1; continue; }
			[ -n "${debug_args[$t]:-}" ] && args=${debug_args[$t]}
			echo "$t $((tmo * 3)) $bin $args" >> "$list"
		done
		echo "=== run $role-debug/$mode"
		"$S/run-vm.sh" "$role-debug" "$tree/.o-debug/arch/arm64/boot/Image" \
			"$mode" "$list" "$b/tests" || rc=1
	done
done
exit $rc
