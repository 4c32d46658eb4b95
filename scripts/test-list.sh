#!/bin/bash
# Print the test list for one VM boot (format: see testbed/init).
#   test-list.sh ROLE MODE TESTS_DIR
# ROLE: ours | peer | base. The same binaries run everywhere; only the
# expectation about KVM_CAP_ARM_MTE differs: the peer (unmodified Debian)
# has it, base (removal patch applied) must not, ours has it once the series
# defines it.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
role=$1 mode=$2 tests=$3

case "$role" in
peer) cap=present ;;
base) cap=absent ;;
ours)
	if grep -q 'define KVM_CAP_ARM_MTE' "$here/build/linux/include/uapi/linux/kvm.h"; then
		cap=present
	else
		cap=absent
	fi ;;
esac

echo "kvm-mode 60 /tests/kvm-mode $mode"
echo "kvm-cap-arm-mte 60 /tests/kvm-cap 205 $cap"
# NAME TIMEOUT MODES [ARGS...] from testbed/tests.txt
grep -v '^#' "$here/testbed/tests.txt" | while read -r name tmo modes args; do
	[ -n "$name" ] || continue
	match=
	IFS=, read -ra pats <<<"$modes"
	for pat in "${pats[@]}"; do
		[ "$pat" = all ] && pat='*-*'
		case "$pat" in
		ours-*|peer-*|base-*|'*-'*) ;;
		*) echo "test-list: bad MODES '$modes' for $name" >&2; exit 1 ;;
		esac
		# shellcheck disable=SC2254
		case "$role-$mode" in $pat) match=1 ;; esac
	done
	[ -n "$match" ] || continue
	[ -x "$tests/$name" ] || { echo "$name 10 echo missing binary $name; exit 1"; continue; }
	echo "$name $tmo /tests/$name $args"
done
