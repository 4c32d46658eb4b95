#!/bin/bash
# Boot one kernel under QEMU (TCG) at EL2 and run a test list inside it.
#   run-vm.sh LABEL IMAGE MODE LIST TESTS_DIR
# MODE: vhe | nvhe (kvm-arm.mode=nvhe) | vhe64k (VHE, a 64K-page IMAGE). Writes
#   build/logs/LABEL-MODE.console   the whole serial console
#   build/results/LABEL-MODE.tsv    NAME<TAB>pass|fail|skip|timeout<TAB>SECONDS
#                                   <TAB>NSUB[<TAB>NOTE] (scripts/parse-console.sh)
# A VM that panics, hangs or never reaches the end of its list is a failure
# with the console tail shown.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
label=$1 image=$2 mode=$3 list=$4 tests=$5
logs=$here/build/logs res=$here/build/results
mkdir -p "$logs" "$res" "$here/build/initramfs"
con=$logs/$label-$mode.console
tsv=$res/$label-$mode.tsv
cpio=$here/build/initramfs/$label-$mode.cpio

# For a list that runs testbed/qemu-mte.sh: the L2 kernel it boots under
# QEMU, always ours (the kernel under test is the L1 host here), and
# Debian's arm64 QEMU (scripts/mkrootfs.sh) as a read-only virtio-blk
# disk, each when it is built (qemu-mte.sh fails its row without them).
l2img= disk=()
if grep -q ' /tests/qemu-mte' "$list"; then
	l2img=$here/build/linux/.o-std/arch/arm64/boot/Image
	[ -f "$l2img" ] || l2img=
	rootfs=$here/build/rootfs/qemu-arm64.img
	[ -s "$rootfs" ] && disk=(-drive "file=$rootfs,if=none,format=raw,readonly=on,id=qemu-arm64"
		-device virtio-blk-device,drive=qemu-arm64)
fi
L2_IMAGE=$l2img "$here/scripts/mkinitramfs.sh" "$cpio" "$list" "$tests" || exit 1

append="console=ttyAMA0 panic=-1 oops=panic rdinit=/init loglevel=4"
[ "$mode" = nvhe ] && append="$append kvm-arm.mode=nvhe"

# Whole-VM limit: the sum of the per-test limits plus boot time.
limit=$(awk '$1 !~ /^#/ && NF >= 3 {s += $2} END {print s + 300}' "$list")

start=$(date +%s)
# QEMU_EXTRA: optional extra QEMU arguments, appended to the command line
# (word-split; scripts/profile.sh passes -plugin this way).
# shellcheck disable=SC2086
timeout -s KILL "$limit" qemu-system-aarch64 \
	-machine virt,virtualization=on,mte=on,gic-version=3 \
	-cpu max,pauth-impdef=on -smp 2 -m 2G \
	-nographic -no-reboot -monitor none -serial stdio -nic none \
	-kernel "$image" -initrd "$cpio" -append "$append" "${disk[@]}" ${QEMU_EXTRA:-} \
	</dev/null >"$con" 2>&1
qrc=$?
secs=$(( $(date +%s) - start ))
tr -d '\r' < "$con" > "$con.tmp" && mv "$con.tmp" "$con"

# Rows (format, and what fails a row: scripts/parse-console.sh): every
# entry of LIST gives exactly one row, a missing or repeated one a failure.
"$here/scripts/parse-console.sh" "$con" "$list" "$qrc" "$secs" > "$tsv" || exit 1

if grep -q '^@@ABORT' "$con"; then
	echo "!! $label/$mode: $(grep '^@@ABORT' "$con" | sed 's/^@@ABORT //')" >&2
	exit 3
fi
if ! grep -q '^@@DONE' "$con"; then
	echo "!! $label/$mode: the VM did not finish its test list (qemu rc=$qrc after ${secs}s); console tail:" >&2
	tail -n 40 "$con" | sed 's/^/   | /' >&2
fi
exit 0
