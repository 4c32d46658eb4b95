# KVM arm64 guest MTE series: build, boot and check under QEMU.
# The two commands (see README.md):
#   make demo    build our kernel, boot it under QEMU, show what it does
#   make check   everything: builds, static checks, all tests on our
#                kernel and the peer, VHE and nVHE; ends with the summary
SHELL := /bin/bash
S := scripts

.PHONY: all demo check setup tree kernels tests run static configs bisect series apply clean distclean bench profile check-debug mutants
.PHONY: tree-6.12 series-6.12 apply-6.12 static-6.12 bisect-6.12 check-6.12 bench-6.12

all: demo

demo: setup
	$(S)/demo.sh

check: setup
	$(S)/check.sh

# --- the steps the two commands are made of ---
setup:
	$(S)/setup.sh

tree:
	$(S)/prepare-tree.sh

kernels: tree
	$(S)/check.sh --only kernels

tests: tree
	$(S)/build-tests.sh build/linux

# static checks only: checkpatch --strict, sparse and W=1 on touched files
static: tree
	$(S)/static-checks.sh

# the series in other configurations: its objects with MTE=n, 16K pages
# and Debian's arm64 config (make check does these), and MTE=n and 64K
# pages linked, ours and the peer's 64K kernel (about 45 minutes cold)
configs: tree
	$(S)/build-configs.sh full

# build every patch of the series on its own (bisectability)
bisect: tree
	$(S)/bisect-build.sh

# the reliability run on debug kernels (KASAN, lockdep), ours and peer:
# MTE selftests, demo VMM, fuzz/race/stress tools; a dmesg splat fails
check-debug: tree tests
	rm -rf build/results && mkdir -p build/results
	$(S)/check-debug.sh
	python3 $(S)/summary.py build/results

# --- working on the series ---
# regenerate patches/ (cover letter, numbered patches, series) from the
# commits base..master of build/linux
series:
	$(S)/export-series.sh

# apply patches/ onto a fresh tree in build/fresh (checks that they apply)
apply:
	$(S)/apply-series.sh build/fresh

clean:
	rm -rf build/logs build/results build/initramfs build/tests

distclean:
	rm -rf build

# guest MTE benchmarks, our kernel against the peer (see README.md)
bench: tree
	$(S)/bench.sh

# instruction profile by kernel symbol of COPY_TAGS and of a guest exit,
# our kernel against the peer, with a QEMU TCG plugin (see README.md)
profile: tree
	$(S)/profile.sh

# each testbed/mutants/*.patch removes one behaviour of the series: its
# tests must fail (on request; see README.md for the last table)
mutants: tree tests
	$(S)/mutants.sh

# --- the 6.12 line: patches-6.12/ on Debian's linux-source-6.12, against
# the unmodified 6.12 (build/linux-6.12, build/peer-6.12; see README.md).
# make check runs it too (CHECK_612=no leaves it out); check-6.12 runs
# only the 6.12 kernels' builds, static checks and boots.
tree-6.12:
	KLINE=6.12 $(S)/prepare-tree.sh

series-6.12:
	KLINE=6.12 $(S)/export-series.sh

apply-6.12:
	KLINE=6.12 $(S)/apply-series.sh

static-6.12: tree-6.12
	KLINE=6.12 $(S)/static-checks.sh

bisect-6.12: tree-6.12
	KLINE=6.12 $(S)/bisect-build.sh

check-6.12: setup
	CHECK_612=yes CHECK_ONLY_612=yes $(S)/check.sh

bench-6.12: tree-6.12
	KLINE=6.12 $(S)/bench.sh
