#!/bin/bash
# Self-test of the test harness, on the host, in a few seconds (no kernel,
# no VM, no cross compiler). Each check feeds one harness check a case,
# usually a broken one (missing binary, garbled @@END line, unexpected
# skip, stale known entry, bad boot pattern, ...), and expects the harness
# to fail it; healthy cases must pass. It runs the real scripts on copies
# of the repository's files in a temporary directory: scripts/test-list.sh,
# build-tests.sh (with a fake make and ccache), parse-console.sh (the
# parser run-vm.sh uses), summary.py, the run_list function of
# testbed/init and testbed/l2/results.awk (the L2 guest's console parser
# of testbed/qemu-mte.sh).
#   harness-selftest.sh [-v]      (-v: show the output of every check)
# Prints kselftest-style TAP and ends with "harness-selftest: N passed, N
# failed"; exit status 1 when any check failed.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$here/scripts/lib.sh"
verbose=
[ "${1:-}" = -v ] && verbose=1
py=$(python3 -c 'import sys; print(sys.executable)') || { echo "Bail out! no python3"; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/harness-selftest.XXXXXX")
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
nt=0 nfail=0

# check DESCRIPTION COMMAND...: one TAP result, ok when COMMAND succeeds
check() {
	local desc=$1
	shift
	nt=$((nt + 1))
	if "$@" > "$tmp/check.out" 2>&1; then
		echo "ok $nt $desc"
		[ -z "$verbose" ] || sed 's/^/#   /' "$tmp/check.out"
	else
		echo "not ok $nt $desc"
		nfail=$((nfail + 1))
		sed 's/^/#   /' "$tmp/check.out" | tail -n 30
	fi
}
# fails CMD...: CMD must exit non-zero (its output is kept for the check)
fails() {
	if "$@"; then
		echo "expected a failure, got exit 0"
		return 1
	fi
	return 0
}
# has FILE TEXT: FILE contains the fixed string TEXT
has() { grep -F -q -e "$2" "$1" || { echo "no '$2' in $1:"; cat "$1"; return 1; }; }

# --- a copy of the harness: REPO/scripts, REPO/testbed, REPO/build
mkrepo() {	# mkrepo DIR
	local d=$1 f
	mkdir -p "$d/scripts" "$d/testbed" "$d/build/linux/include/uapi/linux"
	cp "$here"/scripts/{lib.sh,test-list.sh,build-tests.sh,parse-console.sh,summary.py} "$d/scripts/"
	cp "$here"/testbed/{tests.txt,peer-known.txt,expected-skips.txt,init} "$d/testbed/"
	for f in "$here"/testbed/*.c "$here"/testbed/*.sh; do
		echo "/* stand-in */" > "$d/testbed/$(basename "$f")"
	done
	mkdir -p "$d/testbed/l2"
	cp "$here"/testbed/l2/{init,list,results.awk} "$d/testbed/l2/"
	# stand-in: the initramfs of the L2 guest (build-tests.sh makes it)
	printf '#!/bin/sh\necho cpio > "$1"\n' > "$d/scripts/mkinitramfs.sh"
	chmod +x "$d/scripts/mkinitramfs.sh"
	echo '#define KVM_CAP_ARM_MTE 205' > "$d/build/linux/include/uapi/linux/kvm.h"
}
repo=$tmp/repo
mkrepo "$repo"

# the binaries the boots need, and a tests dir with all of them
entries=$(tests_txt "$here/testbed/tests.txt") || { echo "Bail out! testbed/tests.txt is invalid"; exit 1; }
# shellcheck disable=SC2046,SC2086
need=$(printf '%s\n' $HARNESS_TOOLS $(tests_bins <<<"$entries") | sort -u)
mkdir -p "$tmp/tests"
for b in $need; do
	printf '#!/bin/sh\necho "%s $*"\nexit 0\n' "$b" > "$tmp/tests/$b"
	chmod +x "$tmp/tests/$b"
done

echo "TAP version 13"

# === item 1 and 4: test lists
lists_ok() {
	local bt
	for bt in $HARNESS_BOOTS $HARNESS_BOOTS_64K $HARNESS_BOOTS_612; do
		"$repo/scripts/test-list.sh" "${bt%-*}" "${bt#*-}" "$tmp/tests" > "$tmp/list-$bt.txt" || return 1
		[ "$(wc -l < "$tmp/list-$bt.txt")" = $(( $(awk -v b="$bt" '$3 == b' <<<"$entries" | wc -l) + 2 )) ] ||
			{ echo "$bt: wrong number of entries"; return 1; }
	done
}
check "test-list: a list for every boot, all binaries present" lists_ok

missing_list() {
	mkdir -p "$tmp/tests-missing"
	cp -p "$tmp/tests"/* "$tmp/tests-missing/"
	rm "$tmp/tests-missing/mte_test"
	fails "$repo/scripts/test-list.sh" ours vhe "$tmp/tests-missing" > "$tmp/list-missing.txt" 2> "$tmp/err" &&
		has "$tmp/err" "not in $tmp/tests-missing: mte_test" &&
		has "$tmp/list-missing.txt" "mte_test 600 /tests/mte_test"
}
check "test-list: a missing binary fails the list" missing_list

bad_pattern() {	# bad_pattern LINE MESSAGE: tests.txt plus LINE is refused
	local r=$tmp/repo-bad
	rm -rf "$r" && mkrepo "$r"
	echo "$1" >> "$r/testbed/tests.txt"
	fails "$r/scripts/test-list.sh" ours vhe "$tmp/tests" > /dev/null 2> "$tmp/err" &&
		has "$tmp/err" "$2" &&
		fails "$r/scripts/build-tests.sh" "$tmp" > /dev/null 2> "$tmp/err" &&
		has "$tmp/err" "$2"
}
check "tests.txt: a boot pattern that matches no boot (ours-vhee) is an error" \
	bad_pattern "mte_test 600 ours-vhee" "MODES pattern 'ours-vhee' of mte_test matches no boot"
check "tests.txt: a test given twice for one boot is an error" \
	bad_pattern "mte_test 600 ours-vhe -x" "mte_test runs in ours-vhe already"
debug_boots() {	# the debug boots run their own lines of tests.txt, and only those
	local d s
	d=$("$repo/scripts/test-list.sh" ours debug-nvhe "$tmp/tests") &&
		s=$("$repo/scripts/test-list.sh" ours nvhe "$tmp/tests") || return 1
	grep -qx 'kvm-mode 60 /tests/kvm-mode nvhe' <<<"$d" &&
		grep -qx 'mte-stress 1800 /tests/mte-stress -m 64 -l 32 -p 1' <<<"$d" &&
		! grep -q '/tests/get-reg-list' <<<"$d" &&
		grep -q '/tests/get-reg-list' <<<"$s" && ! grep -q '^mte_test 1800 ' <<<"$s"
}
check "tests.txt: the debug boots get the lines naming them, the others not" debug_boots
check "test-list: a boot that is not one of HARNESS_BOOTS is an error" \
	fails "$repo/scripts/test-list.sh" base nvhe "$tmp/tests"

# === item 1: init
run_init_list() {	# run_init_list LIST: testbed/init's run_list on the host
	local fn
	fn=$(sed -n '/^run_list() {/,/^}/p' "$repo/testbed/init")
	[ -n "$fn" ] || { echo "no run_list() in testbed/init"; return 1; }
	sed "s# /tests/# $tmp/vm-tests/#" "$1" > "$tmp/vm-list"
	PATH=$tmp/vm-tests:$PATH sh -c "$fn
run_list $tmp/vm-list"
}
init_missing() {
	rm -rf "$tmp/vm-tests" && cp -rp "$tmp/tests" "$tmp/vm-tests" && rm "$tmp/vm-tests/mte_test"
	printf '%s\n' "kvm-mode 60 /tests/kvm-mode vhe" "mte_test 60 /tests/mte_test" \
		"old 10 echo missing binary old; exit 1" "psci_test 60 psci_test" > "$tmp/l"
	run_init_list "$tmp/l" > "$tmp/con" &&
		has "$tmp/con" "@@END kvm-mode 0 " && has "$tmp/con" "@@END mte_test missing " &&
		has "$tmp/con" "@@END old missing " && has "$tmp/con" "@@END psci_test 0 "
}
check "init: a missing binary (or a command that is no program) ends as 'missing'" init_missing

# end to end: the list of a boot with a missing binary, run by init's
# run_list, parsed, summarised: the run fails
e2e_missing() {
	rm -rf "$tmp/vm-tests" && cp -rp "$tmp/tests-missing" "$tmp/vm-tests"
	{ run_init_list "$tmp/list-missing.txt"; echo "@@BEGIN dmesg-clean"; echo "@@END dmesg-clean 0 0"; echo "@@DONE"; } > "$tmp/con"
	rm -rf "$tmp/e2e" && mkdir -p "$tmp/e2e"
	"$repo/scripts/parse-console.sh" "$tmp/con" "$tmp/list-missing.txt" 0 5 > "$tmp/e2e/ours-vhe.tsv" &&
		has "$tmp/e2e/ours-vhe.tsv" "$(printf 'mte_test\tfail\t0\t0\tmissing binary')" &&
		fails "$py" "$repo/scripts/summary.py" "$tmp/e2e" > "$tmp/out" &&
		has "$tmp/out" "FAILED: mte_test on ours-vhe: fail (missing binary)"
}
check "run: a missing binary in a boot's list fails the run (init, parser, summary)" e2e_missing

# === item 1: build-tests with a fake make and ccache
mkdir -p "$tmp/bin"
cat > "$tmp/bin/make" <<'EOF'
#!/bin/bash
# fake make: "headers" succeeds; the selftests build creates
# O/kselftest/$FAKE_BUILD (executables), prints $FAKE_LOG, exits $FAKE_RC
o=
for a; do case "$a" in O=*) o=${a#O=} ;; esac; done
case " $* " in *" headers "*) exit 0 ;; esac
for p in $FAKE_BUILD; do
	mkdir -p "$(dirname "$o/kselftest/$p")"
	printf '#!/bin/sh\n' > "$o/kselftest/$p" && chmod +x "$o/kselftest/$p"
done
printf '%s\n' "${FAKE_LOG:-}"
exit "${FAKE_RC:-0}"
EOF
cat > "$tmp/bin/ccache" <<'EOF'
#!/bin/bash
# fake ccache CC ... -o OUT SRC: creates OUT
while [ $# -gt 0 ]; do
	[ "$1" = -o ] && { printf '#!/bin/sh\n' > "$2"; chmod +x "$2"; }
	shift
done
EOF
chmod +x "$tmp/bin/make" "$tmp/bin/ccache"
tree=$tmp/tree
mkdir -p "$tree/tools/testing/selftests/kvm/aarch64"
git -C "$tree" init -q && git -C "$tree" -c user.name=t -c user.email=t@t commit -q --allow-empty -m base &&
	git -C "$tree" tag base &&
	echo 'int main(void) { return 0; }' > "$tree/tools/testing/selftests/kvm/aarch64/mte_test.c" &&
	git -C "$tree" add -A && git -C "$tree" -c user.name=t -c user.email=t@t commit -q -m series
selftests=$(for b in $need; do
	[ -e "$here/testbed/$b.c" ] || [ -e "$here/testbed/$b.sh" ] && continue
	case "$b" in mte-*) echo "arm64/mte/${b#mte-}" ;; *) echo "kvm/aarch64/$b" ;; esac
done)
build_tests() {	# build_tests: scripts/build-tests.sh of the copy, fake tools
	PATH=$tmp/bin:$PATH "$repo/scripts/build-tests.sh" "$tree"
}
build_ok() {
	FAKE_BUILD=$selftests build_tests > /dev/null &&
		for b in $need; do [ -x "$repo/build/tests/$b" ] || { echo "no $b"; return 1; }; done
}
check "build-tests: every binary of tests.txt built" build_ok
build_stale() {
	# warm tree: mte_test is there from an earlier build, and fails to link now
	[ -x "$tree/.o-std/kselftest/kvm/aarch64/mte_test" ] || return 1
	FAKE_BUILD=$(grep -v '/mte_test$' <<<"$selftests") FAKE_RC=2 \
		FAKE_LOG="make[3]: *** [../lib.mk:152: mte_test] Error 1" fails build_tests 2> "$tmp/err" &&
		has "$tmp/err" "not built (make -k exited 2" && has "$tmp/err" ": mte_test" &&
		[ ! -e "$repo/build/tests" ] || { echo "build/tests left behind"; return 1; }
}
check "build-tests: a test that fails to link on a warm tree fails the build" build_stale
build_warning() {	# build_warning FILE: a warning about FILE in the log
	FAKE_BUILD=$selftests FAKE_LOG="$1:10:5: warning: unused variable 'x'" build_tests
}
check "build-tests: a warning in the series' selftest files fails the build" \
	fails build_warning tools/testing/selftests/kvm/aarch64/mte_test.c
check "build-tests: a warning in the tree's own tests does not" \
	build_warning tools/testing/selftests/arm64/mte/check_ksm_options.c

# === item 2 and 3 and 4: consoles, parser, summary
# gen_consoles DIR [BOOT:MUTATION...]: DIR.BOOT.console for every boot of
# HARNESS_BOOTS, from its list $tmp/list-BOOT.txt: the console of a
# healthy boot as testbed/init prints it (the failures listed in
# testbed/peer-known.txt fail on the peer), and the boot's expected
# "pass skip known" counts on stdout. BOOT is a shell pattern, MUTATION
# KIND:TEST[=ARG]:
#   pass:T/S  skip:T/S (a subtest)   rc:T=RC   truncate:T=K (first K subtests)
#   timeout:T   garble:T (a kernel message splits @@END)   prefix:T (one
#   before @@END on the same line)   dup:T (two @@END)   stop:T (the VM
#   stops in T)   missing:T (binary missing)
gen_consoles() {
	"$py" - "$repo/testbed/peer-known.txt" "$tmp" "$HARNESS_BOOTS" "$@" <<'PY'
import fnmatch
import sys
known_file, tmp, boots, dest, allmuts = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
known = {l.split()[0] for l in open(known_file) if l.strip() and not l.startswith("#")}
SUBS = {
    "mte_test": ["cap", "tags", "fresh_tags_hugetlb", "cap_shared_memslot", "swap"],
    "mte_copy_tags": ["invalid_args", "partial_to_guest", "round_trip", "thp"],
    "mte-fuzz": ["fuzz_model", "fuzz_wrap", "fuzz_too_long", "fuzz_short_buffer",
                 "shared_slot_then_cap", "shared_remap_copy"],
    "mte-stress": ["race_slot", "race_vcpu", "swap_cgroup"],
    "kvm_binary_stats_test": ["vm0", "vcpu0"],
    "mte-check_buffer_fill": ["Check buffer correctness by byte with sync err mode and mmap memory",
                              "Check buffer write underflow by byte with sync mode and mmap memory"],
}
SERIES = {"mte_test", "mte_copy_tags", "mte-migrate", "mte-fuzz", "mte-stress"}
def console(boot, lst, muts):
    role = boot.split("-")[0]
    mut = {}
    for m in muts:
        kind, _, arg = m.partition(":")
        mut.setdefault(kind, {})[arg.split("=")[0]] = arg.partition("=")[2]
    npass = nskip = nknown = 0
    out = ["@@KERNEL 6.1.0 console=ttyAMA0", "mte-selfcheck: 256 tag round trips OK"]
    names = [l.split()[0] for l in open(lst) if l.strip()] + ["dmesg-clean"]
    stopped = False
    for name in names:
        out.append("@@BEGIN " + name)
        if name in mut.get("missing", {}):
            out.append("init: %s: /tests/%s is not an executable file" % (name, name))
            rc = "missing"
        elif name == "aarch32_id_regs":
            out.append("1..0 # SKIP - Requirement not met: vcpu_aarch64_only(vcpu)")
            rc, nskip = "4", nskip + 1
        elif role == "base" and name in SERIES:
            out.append("1..0 # SKIP KVM_CAP_ARM_MTE (205) absent")
            rc, nskip = "4", nskip + 1
        elif name in SUBS:
            subs = SUBS[name]
            out += ["TAP version 13", "1..%d" % len(subs)]
            k = int(mut.get("truncate", {}).get(name, len(subs)))
            bad = False
            for i, s in enumerate(subs[:k], 1):
                full = name + "/" + s
                if full in mut.get("skip", {}):
                    out.append("ok %d # SKIP %s: no swap device in /proc/swaps" % (i, s))
                    nskip += 1
                elif role == "peer" and full in known and full not in mut.get("pass", {}):
                    out.append("not ok %d %s" % (i, s))
                    bad, nknown = True, nknown + 1
                else:
                    out.append("ok %d %s" % (i, s))
                    npass += 1
            rc = "1" if bad else "0"
        else:
            out.append("%s: done" % name)
            rc, npass = "0", npass + 1
        rc = mut.get("rc", {}).get(name, rc)
        if name in mut.get("timeout", {}):
            out.append("Killed")
            rc = "timeout"
        if name in mut.get("stop", {}):
            out.append("Kernel panic - not syncing: Oops: Fatal exception")
            stopped = True
            break
        end = "@@END %s %s 12" % (name, rc)
        if name in mut.get("garble", {}):
            out.append(end[:9] + "kvm [123]: Unsupported guest sys_reg access")
            out.append(end[9:])
        elif name in mut.get("prefix", {}):
            out.append("child output without newline" + "kvm [123]: a kernel message" + end)
        else:
            out.append(end)
        if name in mut.get("dup", {}):
            out.append(end)
    if not stopped:
        out.append("@@DONE")
    open("%s.%s.console" % (dest, boot), "w").write("\n".join(out) + "\n")
    print(npass + 1, nskip, nknown)   # + vm-completed


for boot in boots.split():
    muts = [m.split(":", 1)[1] for m in allmuts if fnmatch.fnmatchcase(boot, m.split(":", 1)[0])]
    console(boot, "%s/list-%s.txt" % (tmp, boot), muts)
PY
}
# results DIR [BOOT:MUTATION...]: consoles of every boot, parsed into
# DIR/*.tsv, plus static.tsv and the debug row check.sh writes
results() {
	local d=$1 bt
	shift
	rm -rf "$d" && mkdir -p "$d"
	printf 'series-applies\tpass\t\ncheckpatch:0001\tpass\t\n' > "$d/static.tsv"
	printf 'debug-kernel-run\tskip\t-\t0\n' > "$d/ours-debug-vhe.tsv"
	echo "2 1 0" > "$d.expect"
	gen_consoles "$d" "$@" >> "$d.expect" || return 1
	for bt in $HARNESS_BOOTS; do
		"$repo/scripts/parse-console.sh" "$d.$bt.console" "$tmp/list-$bt.txt" 0 300 > "$d/$bt.tsv" || return 1
	done
}
summary() {	# summary DIR [REPO]: summary.py of REPO (default: the copy)
	"$py" "${2:-$repo}/scripts/summary.py" "$1" > "$1.out"
}
# row DIR BOOT ROW: DIR/BOOT.tsv has the row (fields separated by |)
row() { has "$1/$2.tsv" "$(tr '|' '\t' <<<"$3")"; }

healthy() {
	local p s k
	results "$tmp/ok" || return 1
	read -r p s k < <(awk '{p += $1; s += $2; k += $3} END {print p, s, k}' "$tmp/ok.expect")
	summary "$tmp/ok" || { cat "$tmp/ok.out"; return 1; }
	has "$tmp/ok.out" "known peer failures (findings about the unmodified kernel): $k" &&
		[ "$(tail -n 1 "$tmp/ok.out")" = "$p passed, 0 failed, $s skipped" ] ||
		{ echo "expected: $p passed, 0 failed, $s skipped"; tail -n 1 "$tmp/ok.out"; return 1; }
	! grep -q -e FAILED -e stale -e 'did not happen' "$tmp/ok.out" || { cat "$tmp/ok.out"; return 1; }
}
check "summary: a healthy run passes with the expected counts" healthy
parse_healthy() {
	local bt n
	for bt in $HARNESS_BOOTS; do
		n=$(awk -F'\t' '$4 != "sub"' "$tmp/ok/$bt.tsv" | wc -l)
		# every list entry, dmesg-clean, vm-completed
		[ "$n" = $(( $(wc -l < "$tmp/list-$bt.txt") + 2 )) ] || { echo "$bt: $n rows"; return 1; }
		! awk -F'\t' 'NF > 4' "$tmp/ok/$bt.tsv" | grep . || return 1
	done
	row "$tmp/ok" ours-vhe "mte_test|pass|12|5" && row "$tmp/ok" ours-vhe "mte_test/swap|pass|-|sub" &&
		row "$tmp/ok" peer-vhe "mte_test|fail|12|5" && row "$tmp/ok" base-vhe "mte_test|skip|12|0"
}
check "parse-console: one row per list entry, no notes, on healthy consoles" parse_healthy

# broken BOOT:MUTATION ROW TEXT: with the mutation, the boot's rows have
# ROW, and the summary fails with TEXT
broken() {
	local d=$tmp/b bt=${1%%:*}
	results "$d" "$1" && row "$d" "${bt/\*/vhe}" "$2" &&
		fails summary "$d" && has "$d.out" "$3"
}
check "parse-console: a garbled @@END line (kernel message in it) fails the test" \
	broken ours-vhe:garble:mte_test "mte_test|fail|-|5|no @@END line (garbled console line?)" \
	"FAILED: mte_test on ours-vhe: fail (no @@END line (garbled console line?))"
check "parse-console: a garbled @@END line of a test with known failures still fails" \
	broken peer-vhe:garble:mte_test "mte_test|fail|-|5|no @@END line" "FAILED: mte_test on peer-vhe"
check "parse-console: two @@END lines for one test fail it" \
	broken ours-nvhe:dup:psci_test "psci_test|fail|-|0|2 @@END lines" "FAILED: psci_test on ours-nvhe"
check "parse-console: a VM that stops fails the test and every one after it" \
	broken ours-vhe:stop:mte_copy_tags "mte-check_prctl|fail|-|0|no @@END line: the VM did not finish" \
	"FAILED: vm-completed on ours-vhe"
tolerant() {
	results "$tmp/t" ours-vhe:prefix:mte_test && row "$tmp/t" ours-vhe "mte_test|pass|12|5" && summary "$tmp/t"
}
check "parse-console: an @@END found after other output on its line still counts" tolerant
check "summary: a skipped subtest of the series' tests on our kernel fails" \
	broken ours-vhe:skip:mte_test/swap "mte_test/swap|skip|-|sub" \
	"FAILED: mte_test/swap on ours-vhe: skip, not in testbed/expected-skips.txt"
check "summary: a skip of the reliability tools (no zram) on our kernel fails" \
	broken ours-nvhe:skip:mte-stress/swap_cgroup "mte-stress/swap_cgroup|skip|-|sub" \
	"FAILED: mte-stress/swap_cgroup on ours-nvhe: skip, not in"
check "summary: a skipped test (exit 4) on our kernel fails" \
	broken ours-vhe:rc:psci_test=4 "psci_test|skip|12|0" "FAILED: psci_test on ours-vhe: skip, not in"
skip_elsewhere() {
	results "$tmp/s" peer-vhe:skip:mte_test/swap && summary "$tmp/s"
}
check "summary: the same skip on the peer does not fail" skip_elsewhere
skip_listed() {
	local r=$tmp/repo-skip
	rm -rf "$r" && mkrepo "$r"
	echo "ours-*:mte_test/swap no swap device (a test of the test)" >> "$r/testbed/expected-skips.txt"
	results "$tmp/s" ours-vhe:skip:mte_test/swap && summary "$tmp/s" "$r" &&
		printf 'ours-vhe:mte_test/swap\n' > "$r/testbed/expected-skips.txt" &&
		fails summary "$tmp/s" "$r" && has "$tmp/s.out" "expected-skips.txt:1: expected BOOT:NAME REASON"
}
check "summary: a skip listed with its reason passes, one without a reason fails" skip_listed
check "summary: a known peer failure that now passes is a stale entry" \
	broken "peer-*:pass:mte_test/fresh_tags_hugetlb" "mte_test/fresh_tags_hugetlb|pass|-|sub" \
	"stale known entry: mte_test/fresh_tags_hugetlb (passes on peer-vhe, peer-nvhe)"
not_stale() {
	results "$tmp/s" "peer-nvhe:pass:mte_test/fresh_tags_hugetlb" && summary "$tmp/s"
}
check "summary: a known failure that still fails on one peer boot is not stale" not_stale
check "summary: a crash of a binary with known failed subtests fails" \
	broken peer-vhe:rc:mte_test=139 "mte_test|fail|12|5|exit 139" "FAILED: mte_test on peer-vhe: fail (exit 139)"
check "summary: a binary whose TAP stops short after known failures fails" \
	broken peer-nvhe:truncate:mte-fuzz=3 "mte-fuzz|fail|12|3|exit 1, 3 of 6 subtests reported" \
	"FAILED: mte-fuzz on peer-nvhe: fail (exit 1, 3 of 6 subtests reported)"
check "summary: a timeout of a binary with known failed subtests fails" \
	broken peer-vhe:timeout:mte_copy_tags "mte_copy_tags|timeout|12|4" "FAILED: mte_copy_tags on peer-vhe: timeout"
binary_known() {
	local r=$tmp/repo-known
	rm -rf "$r" && mkrepo "$r"
	echo "mte_copy_tags a test of the test: the binary itself is listed" >> "$r/testbed/peer-known.txt"
	results "$tmp/k" peer-vhe:timeout:mte_copy_tags && summary "$tmp/k" "$r" &&
		has "$tmp/k.out" "known peer failure: mte_copy_tags on peer-vhe"
}
check "summary: ... unless the binary itself is a known entry" binary_known
check "summary: a failure on our kernel is never known" \
	broken ours-vhe:rc:mte-migrate=1 "mte-migrate|fail|12|0|exit 1" "FAILED: mte-migrate on ours-vhe: fail (exit 1)"

# === the L2 guest's console under Debian's QEMU (testbed/qemu-mte.sh)
printf 'check_a 300\ncheck_b 300\n' > "$tmp/l2-list"
l2_console() {	# l2_console [EDIT...]: a healthy console, EDITs applied (sed)
	local e=(-e '') x
	for x; do e+=(-e "$x"); done
	printf '%s\n' "L2:KERNEL 6.1" "L2:MTE yes" \
		"L2:BEGIN check_a" "TAP version 13" "1..2" "ok 1 first" "ok 2 second" \
		"# Totals: pass:2 fail:0 xfail:0 xpass:0 skip:0 error:0" "L2:END check_a 0 1" \
		"L2:BEGIN check_b" "1..1" "ok 1 third" "L2:END check_b 0 1" \
		"L2:DMESG clean" "L2:DONE" | sed "${e[@]}" > "$tmp/l2.console"
}
l2_results() {	# l2_results MODE QEMU_RC: results.awk on $tmp/l2.console
	awk -v mode="$1" -v qrc="$2" -v list="${L2_LIST:-$tmp/l2-list}" \
		-f "$here/testbed/l2/results.awk" "$tmp/l2.console" > "$tmp/l2.tap"
	local rc=$?
	cat "$tmp/l2.tap"
	return $rc
}
l2_ok() {
	l2_console && l2_results kselftests 0 && has "$tmp/l2.tap" "1..8" &&
		! grep -q "not ok" "$tmp/l2.tap" && has "$tmp/l2.tap" "ok 1 check_a 1 first"
}
check "qemu-mte: a healthy L2 console passes, one subtest per result" l2_ok
l2_broken() {	# l2_broken MODE QEMU_RC 'NOT OK TEXT' EDIT...: must fail with TEXT
	local mode=$1 qrc=$2 text=$3
	shift 3
	l2_console "$@" && fails l2_results "$mode" "$qrc" && has "$tmp/l2.tap" "$text"
}
check "qemu-mte: a program that crashes after part of its plan fails" \
	l2_broken kselftests 0 "not ok 2 check_a: exit status 139, 1 of 2 results" \
	'/ok 2 second/d' 's/L2:END check_a 0/L2:END check_a 139/' '/# Totals/d'
check "qemu-mte: a program that exits 0 short of its plan fails" \
	l2_broken kselftests 0 "check_a: exit status 0, 1 of 2 results" '/ok 2 second/d' '/# Totals/d'
check "qemu-mte: a program whose totals disagree with its results fails" \
	l2_broken kselftests 0 "check_a: its totals say 1 failed, 0 results failed" 's/fail:0/fail:1/'
check "qemu-mte: a garbled L2:BEGIN line fails (results outside a program)" \
	l2_broken kselftests 0 "a TAP result outside any program: third" 's/L2:BEGIN check_b/L2:BEG[  1.0] IN check_b/'
check "qemu-mte: a console cut short fails" \
	l2_broken kselftests 137 "check_b: cut short (no L2:END line)" '/L2:END check_b/,$d'
check "qemu-mte: a program that never ran fails" \
	l2_broken kselftests 0 "check_b: did not run" '/L2:BEGIN check_b/,/L2:END check_b/d'
l2_skip() {
	l2_console '/^ok 1 third/d' 's/^1\.\.1$/1..0 # SKIP no MTE/' 's/L2:END check_b 0/L2:END check_b 4/' &&
		l2_results kselftests 0 && has "$tmp/l2.tap" "check_b: skipped (exit status 4) # SKIP"
}
check "qemu-mte: a skipped program (exit 4) is a skip, never a pass" l2_skip
check "qemu-mte: a kernel splat in the L2 guest fails" \
	l2_broken kselftests 0 "not ok 7 L2 kernel log clean: dirty" 's/L2:DMESG clean/L2:DMESG dirty/'
check "qemu-mte: a missing L2 list fails" \
	env L2_LIST="$tmp/no-such-list" bash -c "$(declare -f l2_console l2_results l2_broken fails has); tmp=$tmp here=$here; l2_broken kselftests 0 'L2 list $tmp/no-such-list unreadable or empty'"
check "qemu-mte: nomte fails when the guest sees MTE" \
	l2_broken nomte 0 "L2 guest sees MTE: yes (want no)"
check "qemu-mte: a QEMU that fails fails the row" \
	l2_broken kselftests 1 "not ok 8 L2 guest finished (qemu exit 1)"

echo "1..$nt"
echo "# harness-selftest: $((nt - nfail)) passed, $nfail failed"
[ "$nfail" = 0 ]
