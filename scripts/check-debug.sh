#!/bin/bash
# The reliability run on debug kernels (config/debug.config: KASAN,
# lockdep, PROVE_RCU, DEBUG_VM, DEBUG_ATOMIC_SLEEP on top of the normal
# fragment): build, boot VHE and nVHE, run the tests that
# testbed/tests.txt gives the boots *-debug-* (the series' MTE selftests,
# the demo VMM and the fuzz/race/stress tools). Any kernel splat in dmesg
# fails the boot's "dmesg-clean" row.
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

rc=0
for role in "${roles[@]}"; do
	tree=$(role_tree "$role") || exit 2
	echo "=== build $role debug kernel"
	"$S/build-kernel.sh" "$tree" debug >/dev/null || { rc=1; continue; }
	for mode in ${DEBUG_MODES:-vhe nvhe}; do
		list=$b/list-$role-debug-$mode.txt
		"$S/test-list.sh" "$role" "debug-$mode" "$b/tests" > "$list" || rc=1
		echo "=== run $role-debug/$mode"
		"$S/run-vm.sh" "$role-debug" "$tree/.o-debug/arch/arm64/boot/Image" \
			"$mode" "$list" "$b/tests" || rc=1
	done
done
exit $rc
