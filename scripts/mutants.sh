#!/bin/bash
# make mutants: show that the tests can fail. Each testbed/mutants/*.patch
# removes one behaviour the series adds; its header names the tests that
# must then fail:
#   Mutant: what the patch breaks
#   Tests: BINARY/SUBTEST ...
# For each mutant the series (build/linux at master) is copied to the
# worktree build/mutant, the patch applied, the kernel built incrementally
# there (objects in build/mutant/.o-std, ccache shared with ours), and a
# VHE boot runs the named tests' binaries only. A mutant is "killed" when
# at least one named subtest fails, "survived" when all pass. Prints a
# table (also build/mutants/table.txt) and fails if any mutant survived or
# could not be built.
#   mutants.sh [NAME...]     default: every patch in testbed/mutants/
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
tree=$here/build/linux
wt=$here/build/mutant
out=$here/build/mutants
tests=$here/build/tests
mkdir -p "$out"

names=("$@")
if [ ${#names[@]} = 0 ]; then
	for p in "$here"/testbed/mutants/*.patch; do
		names+=("$(basename "$p" .patch)")
	done
fi
[ -d "$tests" ] || { echo "mutants: build/tests missing (make tests)" >&2; exit 1; }

[ -d "$wt" ] || git -C "$tree" worktree add -q --detach "$wt" master || exit 1
reset_wt() {
	git -C "$wt" checkout -q -f --detach master && git -C "$wt" clean -q -fd
}
trap reset_wt EXIT
commit=$(git -C "$tree" rev-parse --short master)

table=$out/table.txt
printf '%-28s %-9s %s\n' mutant result "tests (failed ones marked !)" > "$table"
rc=0
for n in "${names[@]}"; do
	p=$here/testbed/mutants/$n.patch
	want=$(sed -n 's/^Tests: //p' "$p")
	reset_wt || exit 1
	if ! git -C "$wt" apply "$p"; then
		printf '%-28s %-9s %s\n' "$n" NO-APPLY "$want" >> "$table"; rc=1; continue
	fi
	echo "=== mutant $n: $(sed -n 's/^Mutant: //p' "$p")"
	if ! "$here/scripts/build-kernel.sh" "$wt" std > "$out/$n.build.log" 2>&1; then
		printf '%-28s %-9s %s\n' "$n" NO-BUILD "$want" >> "$table"; rc=1; continue
	fi
	# each named test as the ours-vhe boot runs it (its binary, its
	# arguments: a tests.txt NAME:BINARY entry too), with more time
	list=$out/$n.list
	"$here/scripts/test-list.sh" ours vhe "$tests" > "$out/ours-vhe.list" || { rc=1; continue; }
	for b in $(printf '%s\n' $want | cut -d/ -f1 | sort -u); do
		awk -v b="$b" '$1 == b { $2 = 900; print; f = 1 } END { exit !f }' "$out/ours-vhe.list" ||
			echo "mutants: $n: $b is not a test of the ours-vhe boot" >&2
	done > "$list"
	"$here/scripts/run-vm.sh" "mutant-$n" "$wt/.o-std/arch/arm64/boot/Image" vhe \
		"$list" "$tests" > "$out/$n.run.log" 2>&1
	res=$here/build/results/mutant-$n-vhe.tsv
	mv "$res" "$out/$n.tsv" 2>/dev/null
	mv "$here/build/logs/mutant-$n-vhe.console" "$out/$n.console" 2>/dev/null
	killed= shown=
	for t in $want; do
		st=$(awk -F'\t' -v t="$t" '$1 == t { print $2 ($5 ~ /missing binary|not in the list/ ? "-norun" : ""); exit }' \
			"$out/$n.tsv" 2>/dev/null)
		# a test that did not run did not kill the mutant
		case "$st" in *-norun) st=; rc=1 ;; esac
		if [ -n "$st" ] && [ "$st" != pass ] && [ "$st" != skip ]; then
			killed=1
			shown="$shown !$t"
		else
			shown="$shown $t(${st:-no result})"
		fi
	done
	if [ -n "$killed" ]; then
		printf '%-28s %-9s %s\n' "$n" killed "${shown# }" >> "$table"
	else
		printf '%-28s %-9s %s\n' "$n" SURVIVED "${shown# }" >> "$table"
		rc=1
	fi
done
echo "--- mutants of the series at $commit (VHE boots)"
cat "$table"
exit "$rc"
