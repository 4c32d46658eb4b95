#!/bin/bash
# make profile: where the instructions go, by kernel symbol, in
# KVM_ARM_MTE_COPY_TAGS and in a guest exit round trip, our kernel against
# the peer.
#
# Boots each kernel (VHE, one vCPU) under QEMU with scripts/run-vm.sh and a TCG
# plugin (tools/qemu-prof/prof.c, built into build/profile/prof.so) that
# counts executed instructions per translation block at kernel addresses
# (the host kernel and, in VHE, its EL2 code). Markers split a boot into
# phases, so boot noise stays out of the figures:
#   copy: bench-mte scale -r PROF_REPS PROF_SIZE (4K pages, FROM and
#         TO alternating); the phase is "from" from the first tag read
#         of a call on, "to" from the first tag write on (ours:
#         mte_save_pages_tags_bytes / mte_restore_pages_tags_bytes, a
#         NEON section's pages per call, or without them
#         mte_save_page_tags / mte_restore_page_tags; peer:
#         mte_copy_tags_to_user / mte_copy_tags_from_user), "end" once a
#         VM is released. The lookup of a call's first batch (up to 2 MiB)
#         is counted in the previous phase, which loses its own. Pages:
#         the peer's are calls of its per-page function; ours are the
#         pages the work copies (v7 has no per-page function call).
#   thp:  the same over a memslot of THP (bench-mte scale -b thp), and
#         how often the kernel looks pages up: calls of
#         get_user_pages_fast_only() (ours) or gfn_to_pfn_prot() (peer)
#         per 2 MiB THP copied.
#   exit: bench-mte exit -n PROF_HVC -r PROF_EXIT_REPS -m 1; the phase is
#         the vCPU (x0 at kvm_arch_vcpu_ioctl_run): bench-mte creates and
#         runs the non-MTE VM first, then the MTE VM (the short MMIO
#         part that follows is left out).
# One vCPU (-smp 1 after run-vm.sh's -smp 2): phases are global, and with
# two vCPUs a vCPU spinning on a lock whose holder's QEMU thread the host
# had descheduled counted up to 75% of an exit's instructions.
# Figures per unit divide by how often the phase entered a per-unit kernel
# function (tag read/write per page for the peer's copy, handle_exit per
# exit), or by the pages the work copies (ours' copy).
# Under TCG an instruction count is a stable measure (timings are not):
# it shows what code runs, not what it costs on hardware (a cache miss
# counts as nothing, an LDGM as one instruction).
#
# Environment: PROF_KERNELS ("ours peer"), PROF_WORK ("copy thp exit"),
# PROF_SIZE (64, MiB), PROF_REPS (2), PROF_HVC (10000), PROF_EXIT_REPS (3),
# PROF_TOP (25).
# Output: build/profile/{copy-from,copy-to,exit-nomte,exit-mte,summary}.txt,
# raw counts build/profile/raw/KERNEL-WORK.txt, consoles
# build/logs/prof-KERNEL-WORK-vhe.console.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$here/scripts/lib.sh"
b=$here/build
out=$b/profile
kernels=${PROF_KERNELS:-ours peer}
works=${PROF_WORK:-copy thp exit}
size=${PROF_SIZE:-64}
reps=${PROF_REPS:-2}
n_hvc=${PROF_HVC:-10000}
exit_reps=${PROF_EXIT_REPS:-3}
top=${PROF_TOP:-25}
t0=$(date +%s)

declare -A tree=([ours]=$b/linux [peer]=$b/peer)
mkdir -p "$out/raw"

echo "=== profile: building the plugin (build/profile/prof.so)"
gcc -shared -fPIC -O2 -Wall -o "$out/prof.so" "$here/tools/qemu-prof/prof.c" -lpthread

# The same binaries as make bench (scripts/bench.sh); the VM's init runs
# /tests/mte-selfcheck first.
echo "=== profile: building build/profile/tests/bench-mte"
rm -rf "$out/tests" && mkdir -p "$out/tests"
testbed_cc "$out/tests/bench-mte" "$here/testbed/bench-mte.c" "$b/linux/.o-std/usr/include"
testbed_cc "$out/tests/mte-selfcheck" "$here/testbed/mte-selfcheck.c"

# Snapshot each kernel with its System.map: the trees change under us.
for k in $kernels; do
	o=${tree[$k]}/.o-std
	if [ ! -f "$o/arch/arm64/boot/Image" ]; then
		echo "=== profile: no $k kernel yet, building it (${tree[$k]})"
		"$here/scripts/build-kernel.sh" "${tree[$k]}" std >/dev/null
	fi
	mkdir -p "$out/$k"
	cp "$o/arch/arm64/boot/Image" "$o/System.map" "$out/$k/"
	d=$(( $(stat -c %Y "$o/arch/arm64/boot/Image") - $(stat -c %Y "$o/System.map") ))
	[ "${d#-}" -le 300 ] || echo "!!! profile: $k Image and System.map are ${d#-} s apart (a build in progress?)" >&2
	echo "$k: Image built $(date -r "$o/arch/arm64/boot/Image" '+%F %T'); tree now at" \
		"$(git -C "${tree[$k]}" log -1 --format='%h %s' 2>/dev/null)," \
		"$(git -C "${tree[$k]}" status --short -uno 2>/dev/null | wc -l) modified file(s)" > "$out/$k/version.txt"
done

addr() {	# KERNEL SYMBOL
	awk -v s="$2" '$3 == s { print $1; exit }' "$out/$1/System.map"
}

cat > "$out/list-copy.txt" <<LIST
prof-copy 1200 /tests/bench-mte scale -r $reps $size
LIST
cat > "$out/list-thp.txt" <<LIST
prof-thp 1200 /tests/bench-mte scale -b thp -r $reps $size
LIST
cat > "$out/list-exit.txt" <<LIST
prof-exit 600 /tests/bench-mte exit -r $exit_reps -n $n_hvc -m 1
LIST

# Pages each direction copies in a copy or thp run (testbed/bench-mte.c,
# bench_scale() with one size): an untimed pass, then PROF_REPS timed
# ones of SIZE MiB and PROF_REPS over the memslot in 64 MiB calls.
pages=$(( (1 + 2 * reps) * size * 256 ))

runs=()
for w in $works; do
	for k in $kernels; do
		case $w in
		copy | thp)
			lookup=get_user_pages_fast_only
			if [ "$k" = peer ]; then
				rd=mte_copy_tags_to_user wr=mte_copy_tags_from_user
				lookup=gfn_to_pfn_prot
				unit="from:$rd to:$wr"
			else
				# the series' one-tag-per-byte routines (NEON, a
				# NEON section's pages per call: the pages are
				# counted from the work, #N), or those of the
				# packed form (a page per call) where it has none
				rd=mte_save_pages_tags_bytes wr=mte_restore_pages_tags_bytes
				unit="from:#$pages to:#$pages"
				[ -n "$(addr "$k" $rd)" ] || {
					rd=mte_save_page_tags wr=mte_restore_page_tags
					unit="from:$rd to:$wr"
				}
			fi
			marks="arg=mark=from@$(addr "$k" $rd),arg=mark=to@$(addr "$k" $wr)"
			marks="$marks,arg=mark=end@$(addr "$k" kvm_vm_release)"
			unit="$unit lookup:$lookup" ;;
		exit)
			marks="arg=mark=run@$(addr "$k" kvm_arch_vcpu_ioctl_run)@x0"
			marks="$marks,arg=mark=end@$(addr "$k" kvm_vm_release)"
			unit="run:handle_exit" ;;
		*) echo "profile: unknown work $w" >&2; exit 1 ;;
		esac
		label=prof-$k-$w
		raw=$out/raw/$k-$w.txt
		rm -f "$raw"
		s=$(date +%s)
		QEMU_EXTRA="-smp 1 -plugin file=$out/prof.so,arg=out=$raw,$marks" \
			"$here/scripts/run-vm.sh" "$label" "$out/$k/Image" vhe \
			"$out/list-$w.txt" "$out/tests" || true
		con=$b/logs/$label-vhe.console
		printf '  %-18s %4ss  load %s\n' "$label" "$(( $(date +%s) - s ))" \
			"$(cut -d' ' -f1 /proc/loadavg)"
		if [ ! -s "$raw" ] || ! grep -q '^@@END prof-[a-z]* 0 ' "$con"; then
			echo "!!! profile: $label failed (see $con)" >&2
			grep -E '^(bench-mte|@@END|@@ABORT)' "$con" | sed 's/^/   | /' >&2 || true
			exit 1
		fi
		runs+=("$k $w $raw $out/$k/System.map $unit $con")
	done
done

printf '%s\n' "${runs[@]}" > "$out/runs.txt"
python3 "$here/scripts/profile-report.py" "$out" "$top" "$(( $(date +%s) - t0 ))"
