#!/bin/sh
# Unmodified QEMU as the VMM: Debian's arm64 qemu-system-aarch64 (from
# bookworm-backports, on the test VM's virtio-blk disk: scripts/mkrootfs.sh)
# runs an L2 Linux guest under KVM on the kernel under test.
#   qemu-mte MODE
# MODE:
#   kselftests  -M virt,mte=on: the L2 guest must see MTE and pass the
#               arm64 MTE kselftests (testbed/l2/list); each of their TAP
#               results is a subtest here, named PROGRAM N DESCRIPTION
#   nomte       -M virt without mte=on: the same L2 guest boots, sees no
#               MTE and finishes (no regression for non-MTE guests)
#   refused     -M virt,mte=on on a kernel without KVM_CAP_ARM_MTE: QEMU
#               must refuse to start, with its own message
# The L2 kernel is our Image (/tests/l2-Image, put there by
# scripts/mkinitramfs.sh), its initramfs /tests/l2-initramfs.cpio
# (testbed/l2/init and the kselftests; scripts/build-tests.sh).
# Prints TAP; exit 0 when every subtest passed.
mode=${1:-kselftests}
mnt=/tmp/qemu-root
con=/tmp/l2-$mode.console
n=0 failed=0

tap() {	# tap ok|not-ok DESCRIPTION
	n=$((n + 1))
	if [ "$1" = ok ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2"
		failed=$((failed + 1))
	fi
}
bail() {
	echo "1..1"
	echo "not ok 1 $mode: $*"
	exit 1
}

echo "TAP version 13"
[ -e /dev/kvm ] || bail "no /dev/kvm"
[ -b /dev/vda ] || bail "no /dev/vda: the test VM has no QEMU disk (scripts/mkrootfs.sh)"
[ -f /tests/l2-Image ] || bail "no L2 kernel /tests/l2-Image"
[ -f /tests/l2-initramfs.cpio ] || bail "no L2 initramfs /tests/l2-initramfs.cpio"
[ -f /tests/l2-results.awk ] || bail "no /tests/l2-results.awk"
if ! grep -q " $mnt " /proc/mounts; then
	mkdir -p $mnt
	mount -t ext2 -o ro /dev/vda $mnt || bail "cannot mount /dev/vda"
	mount --bind /dev $mnt/dev
	mount -t proc proc $mnt/proc
	mount -t sysfs sysfs $mnt/sys
	mount -t tmpfs tmpfs $mnt/tmp
	mount --bind /tests $mnt/l2
fi
qemu=/usr/bin/qemu-system-aarch64
echo "# $(chroot $mnt $qemu --version | head -1)"

# Each mode's limit stays below its row's in testbed/tests.txt, so that
# the row ends with this script's report, not the harness's kill.
machine=virt,gic-version=3
case "$mode" in
kselftests) machine=$machine,mte=on run=all tmo=1500 ;;
refused) machine=$machine,mte=on run=none tmo=200 ;;
nomte) run=none tmo=600 ;;
*) bail "unknown mode" ;;
esac
# One vCPU: the L2 guest's tests are single-threaded but for fork(), and
# a second vCPU would compete with the test VM's own two for the host.
start=$(date +%s)
timeout -s KILL "$tmo" chroot $mnt $qemu -accel kvm -M $machine -cpu host \
	-smp 1 -m 512 -nodefaults -no-user-config -display none \
	-serial stdio -monitor none -no-reboot \
	-kernel /l2/l2-Image -initrd /l2/l2-initramfs.cpio \
	-append "console=ttyAMA0 panic=-1 oops=panic rdinit=/init loglevel=3 l2.run=$run" \
	</dev/null >$con 2>&1
rc=$?
secs=$(( $(date +%s) - start ))
tr -d '\r' <$con | sed 's/@@/@ @/g; s/^/# | /'
echo "# qemu exited $rc after $secs s"

if [ "$mode" = refused ]; then
	echo "1..2"
	[ "$rc" != 0 ] && ! grep -q 'L2:' $con
	[ $? = 0 ] && tap ok "qemu does not start" || tap not-ok "qemu does not start (exit $rc)"
	# QEMU 10's words when KVM lacks KVM_CAP_ARM_MTE (older QEMUs said
	# "mach-virt: KVM does not support providing MTE to the guest CPU")
	if grep -q -e 'MTE requested, but not supported by KVM' \
		-e 'KVM does not support providing MTE' $con; then
		tap ok "qemu says KVM does not support MTE"
	else
		tap not-ok "qemu says KVM does not support MTE"
	fi
	exit $((failed > 0))
fi

# The L2 console's results, as TAP subtests (testbed/l2/results.awk)
awk -v mode="$mode" -v qrc="$rc" -v list=/tests/l2-list \
	-f /tests/l2-results.awk $con
