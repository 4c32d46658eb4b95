#!/bin/bash
# The main job (make demo): build our kernel, boot it at EL2 under QEMU and
# show KVM running a guest inside it, with what it says about guest MTE:
# testbed/mte-migrate.c, a tiny VMM, live-migrates a running bare-metal
# guest that keeps changing its data and tags to a second VMM process
# (pre-copy rounds with dirty logging; memory, registers, and the tags with
# KVM_ARM_MTE_COPY_TAGS) and lets the guest check every granule there.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
S=$here/scripts b=$here/build
"$S/prepare-tree.sh"
echo "=== building our kernel (build/linux; ~7 min cold, seconds warm)"
"$S/build-kernel.sh" "$b/linux" std >/dev/null
"$S/build-tests.sh" "$b/linux" >/dev/null
if grep -q 'define KVM_CAP_ARM_MTE' "$b/linux/include/uapi/linux/kvm.h"; then cap=present; else cap=absent; fi
cat > "$b/list-demo.txt" <<LIST
kvm-mode 60 kvm-mode vhe
kvm-cap-arm-mte 60 kvm-cap 205 $cap
mte-migrate 600 /tests/mte-migrate --live
LIST
echo "=== booting it: qemu-system-aarch64 -M virt,virtualization=on,mte=on (TCG), VHE"
"$S/run-vm.sh" demo "$b/linux/.o-std/arch/arm64/boot/Image" vhe "$b/list-demo.txt" "$b/tests"
sed -n '/^@@KERNEL/,/^@@DONE/p' "$b/logs/demo-vhe.console" |
	grep -v '^@@BEGIN\|^@@DONE' | sed 's/^@@KERNEL /kernel: /; s/^@@KVMLOG /dmesg: /; s/^@@END \([^ ]*\) \([^ ]*\) \([^ ]*\)/--- \1: exit \2 (\3 s)/'
if awk -F'\t' '$2 == "fail" || $2 == "timeout" {bad=1} END {exit bad}' "$b/results/demo-vhe.tsv"; then
	what="runs KVM guests"
	grep -q '^mte-migrate	pass' "$b/results/demo-vhe.tsv" &&
		what="live-migrates a running MTE guest to a second VMM process with its tags"
	echo "=== demo: OK — our kernel $what (console: build/logs/demo-vhe.console)"
else
	echo "=== demo: FAILED (console: build/logs/demo-vhe.console)"; exit 1
fi
