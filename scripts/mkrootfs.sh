#!/bin/bash
# The disk of the test VM that holds Debian's arm64 QEMU (the VMM of
# testbed/qemu-mte.sh): qemu-system-arm from bookworm-backports and its
# libraries, unpacked from Debian's packages on this (x86) machine
# without running any arm64 maintainer script (mmdebstrap's extract
# variant), then made into an ext2 image without a loop mount
# (mke2fs -d). run-vm.sh attaches it read-only as a virtio-blk disk.
#   mkrootfs.sh            -> build/rootfs/qemu-arm64.img
# Cached: rebuilt only when this script changes (its hash is the stamp).
# The packages it holds, with versions, are listed in
# build/rootfs/packages.txt.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$here/scripts/lib.sh"
dir=$here/build/rootfs
img=$dir/qemu-arm64.img
stamp=$(sha256sum "$0" | cut -c1-16)

if [ -s "$img" ] && [ "$(cat "$dir/stamp" 2>/dev/null)" = "$stamp" ]; then
	echo "rootfs: $img is up to date"
	exit 0
fi
uri=$(archive_uri)
mkdir -p "$dir"
rm -rf "$dir/tree" "$img" "$img.tmp" "$dir/stamp"
t0=$(date +%s)
# bookworm's QEMU 7.2 keeps one MTE tag per page in TCG; the VMM here
# runs under KVM, but the backports release is what users of MTE get.
# APT's default release is backports, so qemu-system-arm and every
# dependency it needs a newer version of come from there.
mmdebstrap --quiet --variant=extract --architectures=arm64 \
	--include=qemu-system-arm \
	--aptopt='APT::Default-Release "bookworm-backports"' \
	--aptopt='APT::Install-Recommends "false"' \
	--extract-hook='cd "$1"/var/cache/apt/archives && ls -1 ./*.deb | sed "s|^\./||; s|\.deb$||; s|%3a|:|g" > "$1"/packages.txt' \
	bookworm "$dir/tree" \
	"deb $uri bookworm main" "deb $uri bookworm-backports main"
mv "$dir/tree/packages.txt" "$dir/packages.txt"
# Mount points qemu-mte.sh uses inside the chroot (extract makes no
# /proc or /sys), and /l2 for the L2 guest's kernel and initramfs.
mkdir -p "$dir/tree/proc" "$dir/tree/sys" "$dir/tree/dev" "$dir/tree/tmp" "$dir/tree/l2"
size=$(( $(du -sm "$dir/tree" | cut -f1) * 5 / 4 + 32 ))
mke2fs -q -F -t ext2 -L qemu-arm64 -d "$dir/tree" "$img.tmp" "${size}M"
rm -rf "$dir/tree"
mv "$img.tmp" "$img"
echo "$stamp" > "$dir/stamp"
echo "rootfs: $img, ${size} MiB, $(wc -l < "$dir/packages.txt") packages, $(( $(date +%s) - t0 )) s"
