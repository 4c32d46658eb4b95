#!/bin/bash
# Print the test list for one VM boot (format: see testbed/init).
#   test-list.sh ROLE MODE TESTS_DIR
# MODE: vhe, nvhe, vhe64k (64 KiB pages), debug-vhe, debug-nvhe (the debug
# kernels): the boot ROLE-MODE must be one of scripts/lib.sh.
# ROLE: ours | peer | base | ours612 | peer612. The same binaries run on
# every boot of a kernel line (TESTS_DIR: build/tests, or build/tests-6.12
# for the 6.12 boots); only the expectation about KVM_CAP_ARM_MTE differs:
# the peers (unmodified Debian) and ours612 have it, base (removal patch
# applied) must not, ours has it once the series defines it.
# Fails (status 1, a message on stderr) when testbed/tests.txt is invalid
# (see tests_txt in scripts/lib.sh) or when a binary this boot needs is
# not in TESTS_DIR; the list is still printed then, and the VM's init
# reports such a test as missing, a failure.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$here/scripts/lib.sh"
role=$1 mode=$2 tests=$3
boot=$role-$mode

boots="$HARNESS_BOOTS $HARNESS_BOOTS_64K $HARNESS_BOOTS_DEBUG $HARNESS_BOOTS_612"
case " $boots " in
*" $boot "*) ;;
*) echo "test-list: no boot $boot (boots: $boots)" >&2; exit 1 ;;
esac
entries=$(tests_txt "$here/testbed/tests.txt") ||
	{ echo "test-list: testbed/tests.txt is invalid" >&2; exit 1; }

case "$role" in
peer | ours612 | peer612) cap=present ;;
base) cap=absent ;;
ours)
	if grep -qs 'define KVM_CAP_ARM_MTE' "$here/build/linux/include/uapi/linux/kvm.h"; then
		cap=present
	else
		cap=absent
	fi ;;
esac

missing=()
for t in $HARNESS_TOOLS; do
	[ -f "$tests/$t" ] && [ -s "$tests/$t" ] || missing+=("$t")
done
entry() {	# entry NAME TIMEOUT BINARY ARGS
	[ -f "$tests/$3" ] && [ -s "$tests/$3" ] || missing+=("$3")
	echo "$1 $2 /tests/$3${4:+ $4}"
}
entry kvm-mode 60 kvm-mode "${mode#debug-}"
entry kvm-cap-arm-mte 60 kvm-cap "205 $cap"
while read -r name tmo b args; do
	if [ "$b" = "$boot" ]; then entry "${name%%:*}" "$tmo" "${name#*:}" "$args"; fi
done <<<"$entries"

if [ "${#missing[@]}" -gt 0 ]; then
	echo "test-list: $boot: not in $tests: ${missing[*]} (scripts/build-tests.sh builds them)" >&2
	exit 1
fi
