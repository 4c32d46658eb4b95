#!/bin/bash
# Install everything the workspace needs from Debian's archive.
# Idempotent: when every tool is already present it returns at once.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

PKGS="gcc-aarch64-linux-gnu libc6-dev-arm64-cross make flex bison bc
      libssl-dev libelf-dev cpio sparse ccache linux-source-6.1 linux-source-6.12 xz-utils
      rsync git python3 python3-ply python3-git kmod mmdebstrap e2fsprogs"
# qemu-system-arm comes from bookworm-backports: bookworm's QEMU 7.2 keeps
# one MTE tag per page instead of one per 16-byte granule.
QEMU_MIN_MAJOR=8

have_all() {
	local p
	for p in $PKGS qemu-system-arm; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || return 1
	done
	qemu_ok && busybox_ok && debconfig_ok
}

qemu_ok() {
	local v
	v=$(qemu-system-aarch64 --version 2>/dev/null | sed -n 's/^QEMU emulator version \([0-9]*\).*/\1/p')
	[ -n "$v" ] && [ "$v" -ge "$QEMU_MIN_MAJOR" ]
}

BUSYBOX_DIR=${BUSYBOX_DIR:-$(cd "$(dirname "$0")/.." && pwd)/build/deps/busybox-arm64}
busybox_ok() { [ -x "$BUSYBOX_DIR/bin/busybox" ]; }
# Debian's own arm64 kernel config (package linux-config-6.1 of arm64,
# unpacked, not installed): the series' objects are built with it too.
DEBCONFIG=${DEBCONFIG:-$(cd "$(dirname "$0")/.." && pwd)/build/deps/config.arm64_none_arm64}
debconfig_ok() { [ -s "$DEBCONFIG" ]; }

if have_all; then
	echo "setup: all dependencies present"
	exit 0
fi

export DEBIAN_FRONTEND=noninteractive

# bookworm-backports, using the same archive address as the existing
# bookworm sources (no host name is written here).
add_backports() {
	if grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
		return
	fi
	local uri
	uri=$(archive_uri) || exit 1
	cat > /etc/apt/sources.list.d/bookworm-backports.sources <<SRC
Types: deb
URIs: $uri
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
	echo "setup: added bookworm-backports from $uri"
}

add_backports
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	dpkg --add-architecture arm64
fi
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $PKGS
apt-get install -y -q --no-install-recommends -t bookworm-backports qemu-system-arm
if ! qemu_ok; then
	echo "setup: qemu-system-aarch64 is older than $QEMU_MIN_MAJOR.x; MTE tag tests need a newer one" >&2
	exit 1
fi

if ! busybox_ok; then
	tmp=$(mktemp -d)
	chmod 755 "$tmp"  # apt-get download runs as _apt
	(cd "$tmp" && apt-get download busybox-static:arm64)
	mkdir -p "$BUSYBOX_DIR"
	dpkg-deb -x "$tmp"/busybox-static_*_arm64.deb "$tmp/x"
	cp "$tmp/x/bin/busybox" "$BUSYBOX_DIR/busybox.tmp"
	mkdir -p "$BUSYBOX_DIR/bin"
	mv "$BUSYBOX_DIR/busybox.tmp" "$BUSYBOX_DIR/bin/busybox"
	rm -rf "$tmp"
fi
if ! debconfig_ok; then
	tmp=$(mktemp -d)
	chmod 755 "$tmp"  # apt-get download runs as _apt
	(cd "$tmp" && apt-get download linux-config-6.1:arm64)
	dpkg-deb -x "$tmp"/linux-config-6.1_*_arm64.deb "$tmp/x"
	mkdir -p "$(dirname "$DEBCONFIG")"
	xz -dc "$tmp/x/usr/src/linux-config-6.1/config.arm64_none_arm64.xz" > "$DEBCONFIG.tmp"
	mv "$DEBCONFIG.tmp" "$DEBCONFIG"
	rm -rf "$tmp"
fi
echo "setup: done ($(qemu-system-aarch64 --version | head -1))"
