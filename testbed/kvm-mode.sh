#!/bin/sh
# Check that KVM came up in the mode this boot asked for: vhe or nvhe.
want=$1
log=$(dmesg | grep -E 'kvm \[[0-9]+\]: (VHE|Hyp|Protected nVHE) mode initialized')
echo "kvm-mode: ${log:-KVM did not initialise}"
case "$want" in
vhe) echo "$log" | grep -q 'VHE mode initialized' ;;
nvhe) echo "$log" | grep -q 'Hyp mode initialized' ;;
*) exit 2 ;;
esac
