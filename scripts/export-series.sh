#!/bin/bash
# Regenerate patches/ (and base/*.patch) from the commits of build/linux:
#   pristine..base  -> base/0001-*.patch      (the removal patch)
#   base..master    -> patches/NNNN-*.patch, patches/0000-cover-letter.patch,
#                      patches/series (quilt order, cover letter excluded)
# The cover letter's subject and text come from cover-letter.txt (first
# line: subject after "[PATCH 0/N]"; the rest: the blurb).
# KLINE=6.12: build/linux-6.12 to patches-6.12/ with cover-letter-6.12.txt
# (its base is the unmodified tree: no removal patch).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$here/scripts/lib.sh"
kline "${KLINE:-6.1}"
tree=$KL_TREE
out=$KL_PATCHES
cd "$tree"
git diff --quiet HEAD || { echo "export: ${tree#"$here"/} has uncommitted changes; commit them first" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ "$(git rev-list --count pristine..base)" -gt 0 ]; then
	git format-patch -q --no-signature -o "$tmp/base" pristine..base
	rm -f "$KL_BASEDIR"/*.patch
	cp "$tmp"/base/*.patch "$KL_BASEDIR/"
fi

rm -f "$out"/*.patch "$out/series"
mkdir -p "$out"
n=$(git rev-list --count base..master)
if [ "$n" = 0 ]; then
	echo "# quilt series: empty (no patches on top of base yet)" > "$out/series"
	echo "export: series is empty"
	exit 0
fi
git format-patch -q --no-signature --cover-letter --thread=shallow \
	--subject-prefix="$KL_PREFIX" \
	-o "$tmp/series" base..master
subject=$(head -n 1 "$KL_COVER")
python3 - "$tmp/series/0000-cover-letter.patch" "$KL_COVER" "$subject" <<'PY'
import sys
path, cover, subject = sys.argv[1:]
text = open(path).read()
blurb = open(cover).read().split("\n", 1)[1].strip("\n")
text = text.replace("*** SUBJECT HERE ***", subject)
text = text.replace("*** BLURB HERE ***", blurb)
open(path, "w").write(text)
PY
cp "$tmp"/series/*.patch "$out/"
(cd "$out" && ls [0-9]*.patch | grep -v '^0000-cover-letter' > series)
echo "export: $n patch(es) + cover letter written to ${out#"$here"/}/"
