#!/bin/bash
# Regenerate patches/ (and base/*.patch) from the commits of build/linux:
#   pristine..base  -> base/0001-*.patch      (the removal patch)
#   base..master    -> patches/NNNN-*.patch, patches/0000-cover-letter.patch,
#                      patches/series (quilt order, cover letter excluded)
# The cover letter's subject and text come from cover-letter.txt (first
# line: subject after "[PATCH 0/N]"; the rest: the blurb).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
tree=$here/build/linux
cd "$tree"
git diff --quiet HEAD || { echo "export: build/linux has uncommitted changes; commit them first" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

git format-patch -q --no-signature -o "$tmp/base" pristine..base
rm -f "$here"/base/*.patch
cp "$tmp"/base/*.patch "$here/base/"

rm -f "$here"/patches/*.patch "$here/patches/series"
mkdir -p "$here/patches"
n=$(git rev-list --count base..master)
if [ "$n" = 0 ]; then
	echo "# quilt series: empty (no patches on top of base yet)" > "$here/patches/series"
	echo "export: series is empty"
	exit 0
fi
git format-patch -q --no-signature --cover-letter --thread=shallow \
	--subject-prefix="PATCH v4" \
	-o "$tmp/series" base..master
subject=$(head -n 1 "$here/cover-letter.txt")
python3 - "$tmp/series/0000-cover-letter.patch" "$here/cover-letter.txt" "$subject" <<'PY'
import sys
path, cover, subject = sys.argv[1:]
text = open(path).read()
blurb = open(cover).read().split("\n", 1)[1].strip("\n")
text = text.replace("*** SUBJECT HERE ***", subject)
text = text.replace("*** BLURB HERE ***", blurb)
open(path, "w").write(text)
PY
cp "$tmp"/series/*.patch "$here/patches/"
(cd "$here/patches" && ls [0-9]*.patch | grep -v '^0000-cover-letter' > series)
echo "export: $n patch(es) + cover letter written to patches/"
