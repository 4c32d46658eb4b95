#!/bin/sh
# Check that KVM came up in the mode this boot asked for: vhe or nvhe,
# and with a 64k suffix (vhe64k) that the kernel uses 64 KiB pages.
want=$1
# 6.1 says "Hyp mode" for nVHE, 6.12 "Hyp nVHE mode"
log=$(dmesg | grep -E 'kvm \[[0-9]+\]: (VHE|Hyp|Hyp nVHE|Protected nVHE) mode initialized')
page=$(awk '/^KernelPageSize:/ { print $2; exit }' /proc/self/smaps)
echo "kvm-mode: ${log:-KVM did not initialise}; pages of ${page:-?} kB"
case "$want" in
*64k) [ "$page" = 64 ] || exit 1; want=${want%64k} ;;
*) [ "$page" = 4 ] || exit 1 ;;
esac
case "$want" in
vhe) echo "$log" | grep -Eq ': VHE mode initialized' ;;
nvhe) echo "$log" | grep -Eq ': Hyp (nVHE )?mode initialized' ;;
*) exit 2 ;;
esac
