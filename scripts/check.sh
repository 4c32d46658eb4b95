#!/bin/bash
# The test command (make check): build, static checks, every test on our
# kernel and on the peer, in VHE and nVHE; prints a table and ends with
#   N passed, N failed[, N skipped]
#   check.sh [--only kernels]
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
S=$here/scripts
b=$here/build
res=$b/results
cd "$here"
t0=$(date +%s)
declare -a stage_names stage_secs

stage() {	# stage NAME COMMAND...: run, time, stop the run on failure
	local name=$1 s rc
	shift
	s=$(date +%s)
	echo "=== $name"
	"$@"
	rc=$?
	stage_names+=("$name")
	stage_secs+=($(( $(date +%s) - s )))
	if [ "$rc" != 0 ]; then
		echo "!!! stage '$name' failed (rc=$rc)"
		timings
		echo "0 passed, 1 failed"
		exit 1
	fi
}

timings() {
	local i
	echo "--- stage timings (s)"
	for i in "${!stage_names[@]}"; do
		printf '  %-28s %5s\n' "${stage_names[$i]}" "${stage_secs[$i]}"
	done
	printf '  %-28s %5s\n' total $(( $(date +%s) - t0 ))
}

stage "prepare trees" "$S/prepare-tree.sh"
nseries=$(git -C "$b/linux" rev-list --count base..HEAD)
# kernels: label=tree
kernels=("ours=$b/linux" "peer=$b/peer")
[ "$nseries" -gt 0 ] && kernels+=("base=$b/base")
for k in "${kernels[@]}"; do
	stage "build ${k%%=*} kernel" "$S/build-kernel.sh" "${k#*=}" std
done
[ "${1:-}" = --only ] && [ "${2:-}" = kernels ] && { timings; exit 0; }
stage "build tests" "$S/build-tests.sh" "$b/linux"

rm -rf "$res" && mkdir -p "$res"
stage "static checks" "$S/static-checks.sh"
if [ "${CI:-}" = true ]; then
	stage "bisect build (if changed)" "$S/bisect-build.sh" --if-changed
fi

# boots: role mode
boots=("ours vhe" "ours nvhe" "peer vhe" "peer nvhe")
[ "$nseries" -gt 0 ] && boots+=("base vhe")
for bt in "${boots[@]}"; do
	read -r role mode <<<"$bt"
	[ "$nseries" = 0 ] && [ "$role" = ours ] && label="ours" || label=$role
	case "$role" in
	ours) img=$b/linux/.o-std/arch/arm64/boot/Image ;;
	*) img=$b/$role/.o-std/arch/arm64/boot/Image ;;
	esac
	"$S/test-list.sh" "$role" "$mode" "$b/tests" > "$b/list-$role-$mode.txt"
	stage "run $label/$mode" "$S/run-vm.sh" "$label" "$img" "$mode" \
		"$b/list-$role-$mode.txt" "$b/tests"
done

# Debug kernels (KASAN, lockdep: scripts/check-debug.sh) cost one more
# kernel build and boots about three times slower: CI runs the ours part
# when the run so far left room for it (CHECK_DEBUG_BUDGET seconds, 1800),
# elsewhere only on request (CHECK_DEBUG=yes, or make check-debug). When
# it does not run, the summary shows it as skipped.
debug=${CHECK_DEBUG:-auto}
if [ "$debug" = auto ]; then
	debug=no
	[ "${CI:-}" = true ] && [ $(( $(date +%s) - t0 )) -lt "${CHECK_DEBUG_BUDGET:-1800}" ] &&
		debug=yes
fi
if [ "$debug" = yes ]; then
	stage "debug kernel (ours)" "$S/check-debug.sh" ours
else
	echo "=== debug kernel run: skipped (CHECK_DEBUG=$debug; make check-debug runs it)"
	printf 'debug-kernel-run\tskip\t-\t0\n' > "$res/ours-debug-vhe.tsv"
fi

timings
python3 "$S/summary.py" "$res"
