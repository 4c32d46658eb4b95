#!/bin/bash
# The series in configurations other than the test bed's (make configs):
#   config:nomte-link    ours with CONFIG_ARM64_MTE=n, Image linked
#   config:64k-link      ours with 64 KiB pages, Image linked (booted
#                        by make check)
#   (64k-peer)           the peer with 64 KiB pages, for its 64K boot:
#                        not a row; built when asked for by name, or with
#                        CHECK_PEER_64K=yes (about 8 minutes cold)
#   config:16k-objs      ours with 16 KiB pages: the objects of every C
#                        file the series touches
#   config:debian-objs   ours with Debian's own arm64 config
#                        (linux-config-6.1): the same objects
# Rows go to build/results/configs.tsv (NAME STATUS SECONDS); a build
# error, or a compiler warning in a file the series touches, fails a row.
# Logs: build/logs/configs/.
#   build-configs.sh [CONFIG...]    default: nomte 64k 16k debian
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
tree=$here/build/linux
logs=$here/build/logs/configs
tsv=$here/build/results/configs.tsv
mkdir -p "$logs" "$(dirname "$tsv")"
: > "$tsv"

configs=("$@")
if [ ${#configs[@]} = 0 ]; then
	configs=(nomte 64k 16k debian)
	[ "${CHECK_PEER_64K:-no}" = yes ] && configs+=(64k-peer)
fi

# The C files of the series outside tools/, as kbuild targets. nVHE hyp
# objects are built as NAME.nvhe.o, so their directory is the target.
objs=$(git -C "$tree" diff --name-only base..HEAD -- '*.c' | grep -v '^tools/' |
	sed -E 's#^(arch/arm64/kvm/hyp/nvhe)/.*#\1/#; s#\.c$#.o#' | sort -u)
# shellcheck disable=SC2086
touched=$(git -C "$tree" diff --name-only base..HEAD -- '*.c' '*.h' | grep -v '^tools/' |
	sed 's/\./\\./g' | paste -sd'|')

build() {	# build NAME TREE VARIANT TARGET...: one row, log in $logs/NAME.log
	local name=$1 t=$2 variant=$3 s rc
	shift 3
	s=$(date +%s)
	"$here/scripts/build-kernel.sh" "$t" "$variant" "$@" > "$logs/$name.log" 2>&1
	rc=$?
	if [ "$rc" = 0 ] && grep -E "(^|/)($touched):[0-9]+:[0-9]+: warning:" "$logs/$name.log"; then
		echo "configs: $name: warnings in files the series touches" >&2
		rc=1
	fi
	if [ "$rc" = 0 ]; then
		printf 'config:%s\tpass\t%s\n' "$name" $(( $(date +%s) - s )) >> "$tsv"
	else
		tail -n 20 "$logs/$name.log" | sed "s/^/   $name| /" >&2
		printf 'config:%s\tfail\t%s\n' "$name" $(( $(date +%s) - s )) >> "$tsv"
	fi
	return "$rc"
}

rc=0
for c in "${configs[@]}"; do
	case "$c" in
	nomte) build nomte-link "$tree" nomte Image || rc=1 ;;
	64k) build 64k-link "$tree" 64k Image || rc=1 ;;
	64k-peer)
		"$here/scripts/build-kernel.sh" "$here/build/peer" 64k Image \
			> "$logs/64k-peer.log" 2>&1 ||
			{ echo "configs: the peer's 64K kernel does not build" >&2; rc=1; } ;;
	# shellcheck disable=SC2086
	16k) build 16k-objs "$tree" 16k $objs || rc=1 ;;
	# shellcheck disable=SC2086
	debian) build debian-objs "$tree" debian $objs || rc=1 ;;
	*) echo "build-configs: unknown config '$c'" >&2; exit 2 ;;
	esac
done
exit "$rc"
