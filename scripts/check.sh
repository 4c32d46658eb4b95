#!/bin/bash
# The test command (make check): build, static checks, every test on our
# kernel and on the peer, in VHE and nVHE; prints a table and ends with
#   N passed, N failed[, N skipped]
#   check.sh [--only kernels]
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
S=$here/scripts
# shellcheck source=scripts/lib.sh
. "$S/lib.sh"
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

# The harness first: a harness that cannot fail makes every result below
# meaningless (host only, about 30 s).
stage "harness self-test" "$S/harness-selftest.sh"
stage "prepare trees" "$S/prepare-tree.sh"
nseries=$(git -C "$b/linux" rev-list --count base..HEAD)
# kernels: label=tree
kernels=("ours=$b/linux" "peer=$b/peer")
[ "$nseries" -gt 0 ] && kernels+=("base=$b/base")
# The 6.12 line (patches-6.12/ on Debian's linux-source-6.12, against
# the unmodified 6.12): CHECK_612=no leaves it out (make check-6.12 runs
# only it).
line612=${CHECK_612:-yes}
only612=${CHECK_ONLY_612:-no}
# The unmodified 6.12 (peer612): one more kernel build (5-6 minutes cold
# after ours612) and two boots. CHECK_PEER_612=no leaves them out; the
# static checks of the 6.12 series then compile their base side's
# objects only.
peer612=${CHECK_PEER_612:-yes}
[ "$only612" = yes ] && kernels=()
if [ "$line612" = yes ]; then
	stage "prepare 6.12 trees" env KLINE=6.12 "$S/prepare-tree.sh"
	kernels+=("ours612=$b/linux-6.12")
	[ "$peer612" = yes ] && kernels+=("peer612=$b/peer-6.12")
fi
for k in "${kernels[@]}"; do
	stage "build ${k%%=*} kernel" "$S/build-kernel.sh" "${k#*=}" std
done
[ "${1:-}" = --only ] && [ "${2:-}" = kernels ] && { timings; exit 0; }
[ "$only612" = yes ] || stage "build tests" "$S/build-tests.sh" "$b/linux"
[ "$line612" = yes ] && stage "build 6.12 tests" env KLINE=6.12 "$S/build-tests.sh" "$b/linux-6.12"
# Debian's arm64 QEMU for testbed/qemu-mte.sh: about 30 s once (a download
# of 83 packages), then cached until scripts/mkrootfs.sh changes.
stage "QEMU rootfs image" "$S/mkrootfs.sh"

rm -rf "$res" && mkdir -p "$res"
[ "$only612" = yes ] || stage "static checks" "$S/static-checks.sh"
[ "$line612" = yes ] && stage "static checks 6.12" env KLINE=6.12 "$S/static-checks.sh"
# Other configurations (scripts/build-configs.sh): the series' objects with
# MTE=n, 16K pages and Debian's config, a few minutes; each is a row of its
# own, so a failure does not stop the run. CHECK_64K=yes also links our
# 64K-page kernel (and CHECK_PEER_64K=yes the peer's) and boots it below:
# one more cold kernel build each, 10-15 minutes on 2 cores, which the
# 90-minute CI run cannot afford; make configs links them all.
configs=(nomte-objs 16k-objs debian-objs)
[ "${CHECK_64K:-no}" = yes ] && configs+=(64k-link)
[ "${CHECK_PEER_64K:-no}" = yes ] && configs+=(64k-peer)
if [ "$nseries" -gt 0 ] && [ "$only612" != yes ]; then
	stage "other configurations" bash -c '"$0" "$@" || true' "$S/build-configs.sh" "${configs[@]}"
fi
# The 6.12 series' objects with MTE=n and with 16 KiB pages (its own row
# each, column configs-6.12).
if [ "$line612" = yes ]; then
	stage "other configurations 6.12" bash -c '"$0" "$@" || true' env KLINE=6.12 "$S/build-configs.sh"
fi
if [ "${CI:-}" = true ]; then
	[ "$only612" = yes ] || stage "bisect build (if changed)" "$S/bisect-build.sh" --if-changed
	[ "$line612" = yes ] && stage "bisect build 6.12 (if changed)" env KLINE=6.12 "$S/bisect-build.sh" --if-changed
fi

# boots: role mode, one after the other. CHECK_VM_JOBS=2 runs two at a
# time (each has its own console, initramfs and results): about 20% less
# wall time on 2 cores, but each VM's two vCPU threads then often wait
# for a host core, which changes what some tests see (an expedited RCU
# grace period waits for the descheduled vCPU: set_memory_region_test
# takes 95 s instead of 4 s) and thins out the races; hence not the default.
boots=("ours vhe" "peer vhe" "ours nvhe" "peer nvhe")
[ "$only612" = yes ] && boots=()
if [ "$line612" = yes ]; then
	if [ "$peer612" = yes ]; then
		boots+=("ours612 vhe" "peer612 vhe" "ours612 nvhe" "peer612 nvhe")
	else
		boots+=("ours612 vhe" "ours612 nvhe")
	fi
fi
# The 64K-page kernels boot once each (VHE), when built (see above).
[ "$nseries" -gt 0 ] && [ "$only612" != yes ] && boots+=("base vhe")
[ "$nseries" -gt 0 ] && [ "${CHECK_64K:-no}" = yes ] && boots+=("ours vhe64k")
[ "$nseries" -gt 0 ] && [ "${CHECK_PEER_64K:-no}" = yes ] && boots+=("peer vhe64k")
run_boot() {	# run_boot ROLE MODE
	local role=$1 mode=$2 label img
	[ "$nseries" = 0 ] && [ "$role" = ours ] && label="ours" || label=$role
	local variant=std tree
	tree=$(role_tree "$role") || return 1
	case "$mode" in *64k) variant=64k ;; esac
	img=$tree/.o-$variant/arch/arm64/boot/Image
	local lrc=0 tsv=$res/$label-$mode.tsv tests=$b/tests
	case "$role" in *612) tests=$b/tests-6.12 ;; esac
	# A list with a missing binary still boots: init reports it missing.
	"$S/test-list.sh" "$role" "$mode" "$tests" > "$b/list-$role-$mode.txt" || lrc=1
	"$S/run-vm.sh" "$label" "$img" "$mode" "$b/list-$role-$mode.txt" "$tests"
	[ "$lrc" = 0 ] || printf 'test-list\tfail\t-\t0\n' >> "$tsv"
	# A boot that left no results at all is a failure, not an absence.
	[ -s "$tsv" ] || printf 'vm-results\tfail\t-\t0\n' >> "$tsv"
}
run_boots() {
	local jobs=${CHECK_VM_JOBS:-1} rc=0 bt role mode n=0
	for bt in "${boots[@]}"; do
		read -r role mode <<<"$bt"
		if [ "$n" -ge "$jobs" ]; then
			wait -n || rc=1
			n=$((n - 1))
		fi
		echo "--- boot $role/$mode"
		run_boot "$role" "$mode" &
		n=$((n + 1))
	done
	while [ "$n" -gt 0 ]; do
		wait -n || rc=1
		n=$((n - 1))
	done
	for bt in "${boots[@]}"; do
		read -r role mode <<<"$bt"
		awk -F'\t' -v b="$role/$mode" '$1 == "vm-completed" {
			printf "  boot %-10s %s after %s s\n", b, $2, $3 }' "$res/$role-$mode.tsv"
	done
	return $rc
}
stage "run the test VMs" run_boots

# Debug kernels (KASAN, lockdep: scripts/check-debug.sh) cost one more
# kernel build and boots about three times slower (about 35 minutes
# here), which would double the test command's time: make check runs
# them only on request (CHECK_DEBUG=yes; make check-debug runs them on
# their own, ours and the peer). When they do not run, the summary shows
# them as one skipped row.
debug=${CHECK_DEBUG:-no}
if [ "$debug" = yes ]; then
	stage "debug kernel (ours)" "$S/check-debug.sh" ours
else
	echo "=== debug kernel run: skipped (CHECK_DEBUG=$debug; make check-debug runs it)"
	printf 'debug-kernel-run\tskip\t-\t0\n' > "$res/ours-debug-vhe.tsv"
fi

timings
python3 "$S/summary.py" "$res"
