#!/bin/bash
# Build one kernel Image.
#   build-kernel.sh TREE VARIANT      VARIANT: std | debug
# The object tree is TREE/.o-VARIANT: a direct subdirectory of the source,
# so kbuild uses relative paths and ccache hits across the ours/base/peer
# worktrees for every file they share.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
tree=$(cd "$1" && pwd)
variant=${2:-std}
out=$tree/.o-$variant

frags=("$here/config/kvm-mte.config")
[ "$variant" = debug ] && frags+=("$here/config/debug.config")

export ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
export CCACHE_BASEDIR=$here/build CCACHE_NOHASHDIR=1 CCACHE_COMPILERCHECK=content
export KBUILD_BUILD_TIMESTAMP='1970-01-01' KBUILD_BUILD_USER=kvm-mte KBUILD_BUILD_HOST=build
MAKE=(make -s -C "$tree" O="$out" CC="ccache ${CROSS_COMPILE}gcc" -j"$(nproc)")

# One kernel build at a time on this machine (2 cores).
exec 9>"${TMPDIR:-/tmp}/kvm-mte-kbuild.lock"
flock 9

mkdir -p "$out"
cat "${frags[@]}" > "$out/fragment.config.new"
if ! cmp -s "$out/fragment.config.new" "$out/fragment.config" || [ ! -f "$out/.config" ]; then
	mv "$out/fragment.config.new" "$out/fragment.config"
	"${MAKE[@]}" KCONFIG_ALLCONFIG="$out/fragment.config" allnoconfig
	# allnoconfig silently drops options whose dependencies are missing.
	missing=0
	while IFS= read -r line; do
		case "$line" in CONFIG_*=*) ;; *) continue ;; esac
		grep -qx "$line" "$out/.config" || { echo "config: $line did not stick" >&2; missing=1; }
	done < "$out/fragment.config"
	[ "$missing" = 0 ] || exit 1
else
	rm -f "$out/fragment.config.new"
fi
"${MAKE[@]}" Image
echo "$out/arch/arm64/boot/Image"
