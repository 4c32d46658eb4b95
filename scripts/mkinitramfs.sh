#!/bin/bash
# Make the test VM's initramfs.
#   mkinitramfs.sh OUT.cpio TEST_LIST TESTS_DIR
# Busybox (arm64, static) + testbed/init + every file in TESTS_DIR under
# /tests + the test list as /tests/list. Uses the kernel's gen_init_cpio, so
# /dev/console is a real node without needing root.
# INIT=FILE: another /init (scripts/build-tests.sh makes the L2 guest's
# initramfs with testbed/l2/init). L2_IMAGE=FILE: also FILE as
# /tests/l2-Image, the kernel testbed/qemu-mte.sh boots under QEMU.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=$1 list=$2 tests=$3
gen=$here/build/tools/gen_init_cpio
busybox=${BUSYBOX:-$here/build/deps/busybox-arm64/bin/busybox}

if [ ! -x "$gen" ]; then
	# from whichever kernel tree is there (make check-6.12 has no 6.1 one)
	src=
	for f in "$here"/build/linux{,-6.12}/usr/gen_init_cpio.c; do
		[ -f "$f" ] && { src=$f; break; }
	done
	[ -n "$src" ] || { echo "mkinitramfs: no kernel tree with usr/gen_init_cpio.c" >&2; exit 1; }
	mkdir -p "$(dirname "$gen")"
	gcc -O2 -o "$gen" "$src"
fi
spec=$out.spec
{
	echo "dir /dev 0755 0 0"
	echo "nod /dev/console 0600 0 0 c 5 1"
	echo "nod /dev/null 0666 0 0 c 1 3"
	for d in /bin /sbin /proc /sys /tmp /tests /usr /usr/bin /usr/sbin; do
		echo "dir $d 0755 0 0"
	done
	echo "file /bin/busybox $busybox 0755 0 0"
	echo "slink /bin/sh busybox 0777 0 0"
	echo "file /init ${INIT:-$here/testbed/init} 0755 0 0"
	[ -n "${L2_IMAGE:-}" ] && echo "file /tests/l2-Image $L2_IMAGE 0644 0 0"
	echo "file /tests/list $list 0644 0 0"
	find "$tests" -maxdepth 1 -type f | sort | while read -r f; do
		echo "file /tests/$(basename "$f") $f 0755 0 0"
	done
} > "$spec"
"$gen" "$spec" > "$out"
rm -f "$spec"
