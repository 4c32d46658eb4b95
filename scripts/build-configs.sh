#!/bin/bash
# The series in configurations other than the test bed's. Rows go to
# build/results/configs.tsv (NAME STATUS SECONDS); a build error, or a
# compiler warning in a file the series touches, fails a row. Logs:
# build/logs/configs/.
#
# Cheap forms, run by make check (a few minutes: only the objects of the
# C files the series touches are compiled):
#   nomte-objs    CONFIG_ARM64_MTE=n: those objects and all of
#                 arch/arm64/kvm/, which must then reference no mte_*
#                 symbol (they exist only with MTE: the link would fail)
#   16k-objs      16 KiB pages
#   debian-objs   Debian's own arm64 config (linux-config-6.1)
# Full forms, on request (make configs; each is a whole kernel build,
# 10-15 minutes cold on 2 cores):
#   nomte-link    ours with CONFIG_ARM64_MTE=n, Image linked
#   64k-link      ours with 64 KiB pages, Image linked (for the 64K boot)
#   64k-peer      the peer with 64 KiB pages (for its 64K boot; no row)
#   build-configs.sh [CONFIG...]   default: the cheap forms
#   build-configs.sh full          every form
# KLINE=6.12: the 6.12 series (build/linux-6.12), its cheap forms with
# MTE=n and 16 KiB pages (no Debian 6.12 config is unpacked), rows in
# build/results/configs-6.12.tsv, logs in build/logs/configs-6.12/.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$here/scripts/lib.sh"
kline "${KLINE:-6.1}" || exit 2
tree=$KL_TREE
logs=$here/build/logs/configs$KL_SUFFIX
tsv=$here/build/results/configs$KL_SUFFIX.tsv
mkdir -p "$logs" "$(dirname "$tsv")"
: > "$tsv"

cheap=(nomte-objs 16k-objs debian-objs)
full=("${cheap[@]}" nomte-link 64k-link 64k-peer)
if [ "$KL_LINE" != 6.1 ]; then
	cheap=(nomte-objs 16k-objs)
	full=("${cheap[@]}")
fi
configs=("$@")
[ ${#configs[@]} -gt 0 ] || configs=("${cheap[@]}")
[ "${configs[*]}" = full ] && configs=("${full[@]}")

# The C files of the series outside tools/, as kbuild targets. Hyp code
# is built with the flags of arch/arm64/kvm/hyp/{vhe,nvhe}/ (a file of
# hyp/ itself in both): those directories are the targets.
candidates=$(git -C "$tree" diff --name-only base..HEAD -- '*.c' | grep -v '^tools/' |
	sed -E 's#^arch/arm64/kvm/hyp/.*#arch/arm64/kvm/hyp/vhe/ arch/arm64/kvm/hyp/nvhe/#; s#\.c$#.o#' |
	tr ' ' '\n' | sort -u)

# objs_in VARIANT: the candidates this configuration builds: an object
# whose Makefile line names a CONFIG_ option (obj-$(CONFIG_HIBERNATION) +=
# hibernate.o) only when the option is set in TREE/.o-VARIANT/.config.
objs_in() {
	local cfg=$tree/.o-$1/.config o opts opt on
	for o in $candidates; do
		on=1
		case "$o" in
		*/) ;;
		*)
			opts=$(grep -E "(^|[[:space:]])${o##*/}([[:space:]]|\\\\|$)" \
				"$tree/${o%/*}/Makefile" | grep -oE 'CONFIG_[A-Z0-9_]+' | sort -u)
			for opt in $opts; do
				grep -qE "^$opt=(y|m)" "$cfg" || on=
			done ;;
		esac
		[ -n "$on" ] && echo "$o"
	done
}
touched=$(git -C "$tree" diff --name-only base..HEAD -- '*.c' '*.h' | grep -v '^tools/' |
	sed 's/\./\\./g' | paste -sd'|')

row() {	# row NAME STATUS START
	printf 'config:%s\t%s\t%s\n' "$1" "$2" $(( $(date +%s) - $3 )) >> "$tsv"
}

build() {	# build NAME TREE VARIANT TARGET...: one row, log in $logs/NAME.log
	local name=$1 t=$2 variant=$3 s rc targets d
	shift 3
	s=$(date +%s)
	if [ "$1" = OBJS ]; then
		# configure first, then the objects this configuration builds
		shift
		"$here/scripts/build-kernel.sh" "$t" "$variant" prepare > "$logs/$name.log" 2>&1 &&
		targets=$(objs_in "$variant") &&
		# a directory target covers its files (and two targets that
		# overlap race each other in one make)
		for d in "$@"; do targets=$(echo "$targets" | grep -v "^$d"); done &&
		echo "configs: $name: $(echo $targets "$@")" >> "$logs/$name.log" &&
		"$here/scripts/build-kernel.sh" "$t" "$variant" $targets "$@" >> "$logs/$name.log" 2>&1
	else
		"$here/scripts/build-kernel.sh" "$t" "$variant" "$@" > "$logs/$name.log" 2>&1
	fi
	rc=$?
	if [ "$rc" = 0 ] && grep -E "(^|/)($touched):[0-9]+:[0-9]+: warning:" "$logs/$name.log"; then
		echo "configs: $name: warnings in files the series touches" >&2
		rc=1
	fi
	if [ "$rc" = 0 ] && [ "$name" = nomte-objs ]; then
		# What an MTE=n link would trip over, without linking.
		if aarch64-linux-gnu-nm -u "$t/.o-$variant/arch/arm64/kvm/built-in.a" |
			grep -E ' U mte_' > "$logs/$name.undefined"; then
			echo "configs: $name: arch/arm64/kvm references symbols that exist only with MTE:" >&2
			sort -u "$logs/$name.undefined" >&2
			rc=1
		fi
	fi
	if [ "$rc" = 0 ]; then
		row "$name" pass "$s"
	else
		tail -n 20 "$logs/$name.log" | sed "s/^/   $name| /" >&2
		row "$name" fail "$s"
	fi
	return "$rc"
}

rc=0
for c in "${configs[@]}"; do
	# shellcheck disable=SC2086
	case "$KL_LINE:$c" in
	6.1:*) ;;
	*:nomte-objs | *:16k-objs) ;;
	*) echo "build-configs: no '$c' for the $KL_LINE line" >&2; exit 2 ;;
	esac
	case "$c" in
	nomte-objs) build "$c" "$tree" nomte OBJS arch/arm64/kvm/ || rc=1 ;;
	16k-objs) build "$c" "$tree" 16k OBJS || rc=1 ;;
	debian-objs) build "$c" "$tree" debian OBJS || rc=1 ;;
	nomte-link) build "$c" "$tree" nomte Image || rc=1 ;;
	64k-link) build "$c" "$tree" 64k Image || rc=1 ;;
	64k-peer)
		"$here/scripts/build-kernel.sh" "$here/build/peer" 64k Image \
			> "$logs/64k-peer.log" 2>&1 ||
			{ echo "configs: the peer's 64K kernel does not build" >&2; rc=1; } ;;
	*) echo "build-configs: unknown config '$c'" >&2; exit 2 ;;
	esac
done
exit "$rc"
