// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmarks of guest MTE support, run inside the test VM (make bench):
 *
 *   bench-mte copy [-r REPS] [-t BUDGET_SECONDS] SIZE_MIB...
 *	KVM_ARM_MTE_COPY_TAGS throughput, in MiB of guest memory per second,
 *	FROM_GUEST and TO_GUEST, for memslots backed by 4K anonymous pages
 *	and THP (MADV_HUGEPAGE, 2M aligned), resident, at every size; at the
 *	first size only, also hugetlbfs (MAP_HUGETLB, at most 48 MiB),
 *	FROM_GUEST with the pages swapped out (MADV_PAGEOUT before every
 *	repetition, at most 256 MiB) and, as a reference point that has no
 *	tag accesses at all, FROM_GUEST on resident pages whose tags were
 *	never set ("untagged": the kernel only looks the pages up and writes
 *	zeros to the buffer). Sizes run in the order given; with -t, a size
 *	whose estimated time (the previous size's, scaled) does not fit in
 *	what is left of the budget is skipped, with a @@BENCHSKIP line.
 *   bench-mte probe [-r REPS]
 *	COPY_TAGS per-call cost for 1, 16, 256 and 4096 resident 4K pages:
 *	separates the fixed cost of a call from the cost per page.
 *   bench-mte scale [-r REPS] [-b 4k|thp] SIZE_MIB...
 *	For analysis (make profile), not run by make bench: FROM/TO_GUEST
 *	throughput over the first SIZE MiB of one memslot as big as the
 *	largest size, one call per size, then over the whole memslot in
 *	64 MiB calls; 4K pages, or with -b thp THP as for copy.
 *   bench-mte exit [-r REPS] [-n HVC_EXITS] [-m MMIO_EXITS]
 *	Guest exit round trips, in ns per exit, for a VM without and with
 *	KVM_CAP_ARM_MTE: "hvc" is a guest loop of HVC #0 (SMCCC_VERSION,
 *	answered inside the kernel; one KVM_RUN per batch), "mmio" a guest
 *	loop of stores to an IPA outside every memslot (one exit to the VMM
 *	and one KVM_RUN per store). The two VMs' samples alternate.
 *
 * Every figure is the median of REPS (default 5) timed repetitions within
 * this run (CLOCK_MONOTONIC), after one untimed warm-up. Output, one line
 * per figure, parsed by scripts/bench.sh:
 *   @@BENCH NAME MEDIAN UNIT min=MIN max=MAX n=REPS
 * and lines starting with "# " for information. A figure that cannot be
 * measured prints "@@BENCHSKIP NAME reason". Exit 0, 1 on a failed
 * ioctl or a tag round trip that does not read back, 4 without
 * KVM_CAP_ARM_MTE.
 *
 * Plain KVM ioctls, no selftest library: builds with
 *   aarch64-linux-gnu-gcc -static -O2 -o bench-mte bench-mte.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "kvm-helpers.h"
#ifndef MAP_HUGETLB
#define MAP_HUGETLB		0x40000
#endif

#define PAGE			4096UL
#define MIB			(1UL << 20)
#define HUGE_2M			(2UL << 20)
#define GRANULE			16
#define HUGETLB_MAX		(48 * MIB)	/* init reserves 32 x 2M */
#define SWAP_MAX		(256 * MIB)	/* zram swap is 512M */
#define SLOT_IPA		(1UL << 32)
#define CODE_IPA		0x40000000UL
#define CODE_SIZE		0x10000UL
#define MMIO_IPA		0x20000000UL
#define SMCCC_VERSION		0x80000000UL

static int reps = 5;
static int failed;
static int kvm_fd = -1;

static void die(const char *what)
{
	die_with("bench-mte: ", what, 0);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Print the median (and spread) of n samples as one @@BENCH line. */
static void report(const char *name, double *v, int n, const char *unit,
		   int decimals)
{
	double s[64];
	int i;

	memcpy(s, v, n * sizeof(*v));
	qsort(s, n, sizeof(*s), cmp_double);
	printf("@@BENCH %s %.*f %s min=%.*f max=%.*f n=%d\n", name, decimals,
	       n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2, unit,
	       decimals, s[0], decimals, s[n - 1], n);
	printf("# %s samples:", name);
	for (i = 0; i < n; i++)
		printf(" %.*f", decimals, v[i]);
	printf("\n");
	fflush(stdout);
}

static int open_kvm(void)
{
	if (kvm_fd < 0) {
		kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
		if (kvm_fd < 0)
			die("open /dev/kvm");
	}
	return kvm_fd;
}

/* ---------------------------------------------------------------- copy */

enum backing { B_4K, B_THP, B_HUGETLB };
static const char *const backing_name[] = { "4k", "thp", "hugetlb" };

struct region {
	void *map;		/* what to munmap */
	unsigned long map_size;
	unsigned char *mem;	/* start of the memslot */
	unsigned long size;
};

static int map_region(struct region *r, enum backing b, unsigned long size)
{
	unsigned long a;

	memset(r, 0, sizeof(*r));
	r->size = size;
	switch (b) {
	case B_4K:
		r->map_size = size;
		r->map = mmap(NULL, size, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		break;
	case B_THP:
		r->map_size = size + HUGE_2M;
		r->map = mmap(NULL, r->map_size, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		break;
	case B_HUGETLB:
		r->map_size = size;
		r->map = mmap(NULL, size, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
		break;
	}
	if (r->map == MAP_FAILED)
		return -1;
	a = (unsigned long)r->map;
	if (b == B_THP) {
		a = (a + HUGE_2M - 1) & ~(HUGE_2M - 1);
		if (madvise((void *)a, size, MADV_HUGEPAGE))
			return -1;
	}
	r->mem = (unsigned char *)a;
	/* Resident: fault every page in from the VMM (untagged mapping). */
	for (a = 0; a < size; a += PAGE)
		r->mem[a] = (unsigned char)(a / PAGE);
	return 0;
}

/* AnonHugePages of the mapping holding @addr, in KiB, or -1. */
static long thp_kib(void *addr)
{
	unsigned long want = (unsigned long)addr, lo, hi;
	char line[256];
	long kib = -1;
	int in = 0;
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2) {
			in = want >= lo && want < hi;
			continue;
		}
		if (in && sscanf(line, "AnonHugePages: %ld kB", &kib) == 1)
			break;
	}
	fclose(f);
	return kib;
}

/* Pages of [mem, mem + size) that are resident (mincore). */
static unsigned long resident_pages(void *mem, unsigned long size)
{
	unsigned long n = size / PAGE, i, res = 0;
	unsigned char *v = malloc(n);

	if (!v || mincore(mem, size, v))
		die("mincore");
	for (i = 0; i < n; i++)
		res += v[i] & 1;
	free(v);
	return res;
}

/* One timed COPY_TAGS of @len bytes: seconds, or -1 after a failure. */
static double time_copy(int vm, unsigned long len, void *buf, int from)
{
	double t0 = now_s(), t;
	long ret = mte_copy_tags(vm, SLOT_IPA, len, buf,
				 from ? KVM_ARM_TAGS_FROM_GUEST :
					KVM_ARM_TAGS_TO_GUEST);

	t = now_s() - t0;
	if (ret != (long)len) {
		/* a failure as ioctl(2) returns it: -1 */
		printf("bench-mte: COPY_TAGS(%s, %lu bytes) returned %ld (%s)\n",
		       from ? "FROM_GUEST" : "TO_GUEST", len, ret < 0 ? -1 : ret,
		       ret < 0 ? strerror(-ret) : "short");
		failed = 1;
		return -1;
	}
	return t;
}

static void fill_tags(unsigned char *tags, unsigned long n, unsigned int seed)
{
	unsigned long i;

	for (i = 0; i < n; i++)
		tags[i] = (unsigned char)((i * 7 + seed + (i >> 8)) & 0xf);
}

static void bench_copy(enum backing b, unsigned long size)
{
	unsigned long ntags = size / GRANULE;
	unsigned char *tags, *back;
	const char *bn = backing_name[b];
	double fr[64], to[64], t;
	struct region r;
	char name[96];
	int vm, i, rc;

	snprintf(name, sizeof(name), "copy.%s.%luM", bn, size / MIB);
	if (map_region(&r, b, size)) {
		printf("@@BENCHSKIP %s.from cannot map %lu MiB (%s)\n", name,
		       size / MIB, strerror(errno));
		printf("@@BENCHSKIP %s.to cannot map %lu MiB (%s)\n", name,
		       size / MIB, strerror(errno));
		if (r.map && r.map != MAP_FAILED)
			munmap(r.map, r.map_size);
		return;
	}
	if (b == B_THP)
		printf("# %s: %ld of %lu KiB mapped by THP\n", name,
		       thp_kib(r.mem), size / 1024);
	tags = malloc(ntags);
	back = malloc(ntags);
	if (!tags || !back)
		die("malloc");
	/* Touch the buffers too: their faults are not what is measured. */
	memset(back, 0, ntags);
	fill_tags(tags, ntags, 3);

	vm = kvm_create_vm(open_kvm(), 1);
	rc = kvm_set_slot(vm, 0, 0, SLOT_IPA, size, r.mem);
	if (rc == -EINVAL && b == B_HUGETLB) {
		/* 6.12: hugetlbfs does not allow MTE, an MTE VM refuses it */
		printf("@@BENCHSKIP %s.from an MTE VM refuses hugetlbfs memory here\n", name);
		printf("@@BENCHSKIP %s.to an MTE VM refuses hugetlbfs memory here\n", name);
		goto out;
	}
	if (rc)
		die("KVM_SET_USER_MEMORY_REGION");

	/* Warm-up and check: set every tag, read them back. */
	if (time_copy(vm, size, tags, 0) < 0 || time_copy(vm, size, back, 1) < 0)
		goto out;
	if (memcmp(tags, back, ntags)) {
		printf("bench-mte: %s: tags did not read back\n", name);
		failed = 1;
		goto out;
	}
	for (i = 0; i < reps; i++) {
		t = time_copy(vm, size, back, 1);
		if (t < 0)
			goto out;
		fr[i] = size / MIB / t;
		t = time_copy(vm, size, tags, 0);
		if (t < 0)
			goto out;
		to[i] = size / MIB / t;
	}
	snprintf(name, sizeof(name), "copy.%s.from.%luM", bn, size / MIB);
	report(name, fr, reps, "MiB/s", 1);
	snprintf(name, sizeof(name), "copy.%s.to.%luM", bn, size / MIB);
	report(name, to, reps, "MiB/s", 1);
out:
	close(vm);
	munmap(r.map, r.map_size);
	free(tags);
	free(back);
}

/* FROM_GUEST on pages that never had tags set: lookup cost only. */
static void bench_copy_untagged(unsigned long size)
{
	unsigned char *back = malloc(size / GRANULE);
	double fr[64], t;
	struct region r;
	char name[96];
	int vm, i;

	snprintf(name, sizeof(name), "copy.4k-untagged.from.%luM", size / MIB);
	if (!back || map_region(&r, B_4K, size))
		die("mmap");
	memset(back, 0xff, size / GRANULE);
	vm = kvm_create_vm(open_kvm(), 1);
	kvm_add_slot(vm, 0, SLOT_IPA, size, r.mem);
	if (time_copy(vm, size, back, 1) < 0)
		goto out;
	for (i = 0; i < reps; i++) {
		t = time_copy(vm, size, back, 1);
		if (t < 0)
			goto out;
		fr[i] = size / MIB / t;
	}
	report(name, fr, reps, "MiB/s", 1);
out:
	close(vm);
	munmap(r.map, r.map_size);
	free(back);
}

/* FROM_GUEST with the memslot's pages swapped out before every run. */
static void bench_copy_swapped(unsigned long size)
{
	unsigned long ntags = size / GRANULE, npages = size / PAGE, res;
	unsigned char *tags = malloc(ntags), *back = malloc(ntags);
	double fr[64], t, out_frac = 0;
	struct region r;
	char name[96];
	int vm, i;

	snprintf(name, sizeof(name), "copy.4k-swapped.from.%luM", size / MIB);
	if (!tags || !back || map_region(&r, B_4K, size))
		die("mmap");
	fill_tags(tags, ntags, 5);
	memset(back, 0, ntags);
	vm = kvm_create_vm(open_kvm(), 1);
	kvm_add_slot(vm, 0, SLOT_IPA, size, r.mem);
	if (time_copy(vm, size, tags, 0) < 0)
		goto out;
	for (i = 0; i < reps + 1; i++) {
		if (madvise(r.mem, size, MADV_PAGEOUT)) {
			printf("@@BENCHSKIP %s MADV_PAGEOUT: %s\n", name,
			       strerror(errno));
			goto out;
		}
		res = resident_pages(r.mem, size);
		out_frac += (double)(npages - res) / npages;
		if (res * 2 > npages) {
			printf("@@BENCHSKIP %s MADV_PAGEOUT left %lu of %lu pages resident (no swap?)\n",
			       name, res, npages);
			goto out;
		}
		t = time_copy(vm, size, back, 1);
		if (t < 0)
			goto out;
		if (memcmp(tags, back, ntags)) {
			printf("bench-mte: %s: tags did not survive swap\n", name);
			failed = 1;
			goto out;
		}
		if (i)	/* the first run is the warm-up */
			fr[i - 1] = size / MIB / t;
	}
	printf("# %s: %.1f%% of the pages were swapped out before each run\n",
	       name, 100 * out_frac / (reps + 1));
	report(name, fr, reps, "MiB/s", 1);
out:
	close(vm);
	munmap(r.map, r.map_size);
	free(tags);
	free(back);
}

/* Per-call cost for a few lengths: fixed cost vs cost per page. */
static void bench_probe(void)
{
	static const unsigned long npages[] = { 1, 16, 256, 4096 };
	unsigned long size = 4096 * PAGE, ntags = size / GRANULE, k;
	unsigned char *tags = malloc(ntags), *back = malloc(ntags);
	double fr[64], to[64], t;
	struct region r;
	char name[96];
	int vm, i, j, calls;

	if (!tags || !back || map_region(&r, B_4K, size))
		die("mmap");
	fill_tags(tags, ntags, 9);
	memset(back, 0, ntags);
	vm = kvm_create_vm(open_kvm(), 1);
	kvm_add_slot(vm, 0, SLOT_IPA, size, r.mem);
	if (time_copy(vm, size, tags, 0) < 0)
		goto out;
	for (k = 0; k < sizeof(npages) / sizeof(npages[0]); k++) {
		unsigned long len = npages[k] * PAGE;

		/* about 16 MiB of guest memory per timed sample */
		calls = npages[k] >= 4096 ? 4 : 4096 * 4 / npages[k];
		if (calls > 2048)
			calls = 2048;
		for (i = 0; i < reps; i++) {
			double t0 = now_s();

			for (j = 0; j < calls; j++)
				if (mte_copy_tags(vm, SLOT_IPA, len, back,
						  KVM_ARM_TAGS_FROM_GUEST) != (long)len)
					die("COPY_TAGS");
			t = now_s() - t0;
			fr[i] = t / calls * 1e6;
			t0 = now_s();
			for (j = 0; j < calls; j++)
				if (mte_copy_tags(vm, SLOT_IPA, len, tags,
						  KVM_ARM_TAGS_TO_GUEST) != (long)len)
					die("COPY_TAGS");
			t = now_s() - t0;
			to[i] = t / calls * 1e6;
		}
		snprintf(name, sizeof(name), "probe.from.%lupages", npages[k]);
		report(name, fr, reps, "us/call", 1);
		snprintf(name, sizeof(name), "probe.to.%lupages", npages[k]);
		report(name, to, reps, "us/call", 1);
	}
out:
	close(vm);
	munmap(r.map, r.map_size);
	free(tags);
	free(back);
}

/*
 * Size scaling (analysis, not run by make bench): one memslot of @max
 * resident pages of backing @b; FROM/TO_GUEST over its first SIZE bytes in
 * one call for each size given, then over the whole slot in calls of
 * @chunk.
 */
static void bench_scale(unsigned long *sizes, int n, unsigned long chunk,
			enum backing b)
{
	const char *bn = backing_name[b];
	unsigned long max = 0, ntags, off;
	unsigned char *tags, *back;
	double fr[64], to[64], t0;
	struct region r;
	char name[96];
	int vm, i, k;

	for (k = 0; k < n; k++)
		max = sizes[k] > max ? sizes[k] : max;
	ntags = max / GRANULE;
	tags = malloc(ntags);
	back = malloc(ntags);
	if (!tags || !back || map_region(&r, b, max))
		die("mmap");
	if (b == B_THP)
		printf("# scale.%s: %ld of %lu KiB mapped by THP\n", bn,
		       thp_kib(r.mem), max / 1024);
	fill_tags(tags, ntags, 11);
	memset(back, 0, ntags);
	vm = kvm_create_vm(open_kvm(), 1);
	kvm_add_slot(vm, 0, SLOT_IPA, max, r.mem);
	if (time_copy(vm, max, tags, 0) < 0 || time_copy(vm, max, back, 1) < 0)
		goto out;
	for (k = 0; k < n; k++) {
		for (i = 0; i < reps; i++) {
			fr[i] = sizes[k] / MIB / time_copy(vm, sizes[k], back, 1);
			to[i] = sizes[k] / MIB / time_copy(vm, sizes[k], tags, 0);
		}
		snprintf(name, sizeof(name), "scale.%s.from.%luM", bn, sizes[k] / MIB);
		report(name, fr, reps, "MiB/s", 1);
		snprintf(name, sizeof(name), "scale.%s.to.%luM", bn, sizes[k] / MIB);
		report(name, to, reps, "MiB/s", 1);
	}
	for (i = 0; i < reps; i++) {
		t0 = now_s();
		for (off = 0; off < max; off += chunk)
			if (mte_copy_tags(vm, SLOT_IPA + off, chunk,
					  back + off / GRANULE,
					  KVM_ARM_TAGS_FROM_GUEST) != (long)chunk)
				die("COPY_TAGS");
		fr[i] = max / MIB / (now_s() - t0);
		t0 = now_s();
		for (off = 0; off < max; off += chunk)
			if (mte_copy_tags(vm, SLOT_IPA + off, chunk,
					  tags + off / GRANULE,
					  KVM_ARM_TAGS_TO_GUEST) != (long)chunk)
				die("COPY_TAGS");
		to[i] = max / MIB / (now_s() - t0);
	}
	snprintf(name, sizeof(name), "scale.%s.from.%luM-in-%luM-calls", bn, max / MIB, chunk / MIB);
	report(name, fr, reps, "MiB/s", 1);
	snprintf(name, sizeof(name), "scale.%s.to.%luM-in-%luM-calls", bn, max / MIB, chunk / MIB);
	report(name, to, reps, "MiB/s", 1);
out:
	close(vm);
	munmap(r.map, r.map_size);
	free(tags);
	free(back);
}

/* ---------------------------------------------------------------- exit */

/*
 * Guest code, position independent, run with the MMU off at EL1.
 * hvc: x4 = exits per batch, x6 = an IPA outside every memslot. Each
 * KVM_RUN runs one batch of x4 HVCs (SMCCC_VERSION: handled in the
 * kernel, no exit to the VMM) and ends with an MMIO exit.
 * mmio: every store is an exit to the VMM.
 */
static const unsigned int guest_hvc[] = {
	0xaa0403e5,	/* 0: mov	x5, x4 */
	0x52b00000,	/* 1: movz	w0, #0x8000, lsl #16  (SMCCC_VERSION) */
	0xd4000002,	/*    hvc	#0 */
	0xf10004a5,	/*    subs	x5, x5, #1 */
	0x54ffffa1,	/*    b.ne	1b */
	0xf90000c7,	/*    str	x7, [x6] */
	0x17fffffa,	/*    b	0b */
};
static const unsigned int guest_mmio[] = {
	0xf90000c7,	/* 2: str	x7, [x6] */
	0x17ffffff,	/*    b	2b */
};

static __u64 get_reg(int vcpu, __u64 id)
{
	__u64 val = 0;
	struct kvm_one_reg reg = { .id = id, .addr = (unsigned long)&val };

	ioctl(vcpu, KVM_GET_ONE_REG, &reg);
	return val;
}

struct exit_vm {
	int vm, vcpu;
	struct kvm_run *run;
	void *mem;
};

static void exit_vm_create(struct exit_vm *e, int mte, const unsigned int *code,
			   size_t code_size, unsigned long x4)
{
	struct kvm_vcpu_init init;
	int sz;

	e->vm = kvm_create_vm(open_kvm(), mte);
	e->mem = map_anon(CODE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	memcpy(e->mem, code, code_size);
	kvm_add_slot(e->vm, 0, CODE_IPA, CODE_SIZE, e->mem);

	e->vcpu = ioctl(e->vm, KVM_CREATE_VCPU, 0);
	if (e->vcpu < 0)
		die("KVM_CREATE_VCPU");
	if (ioctl(e->vm, KVM_ARM_PREFERRED_TARGET, &init))
		die("KVM_ARM_PREFERRED_TARGET");
	init.features[0] |= 1 << KVM_ARM_VCPU_PSCI_0_2;
	if (ioctl(e->vcpu, KVM_ARM_VCPU_INIT, &init))
		die("KVM_ARM_VCPU_INIT");
	sz = ioctl(open_kvm(), KVM_GET_VCPU_MMAP_SIZE, 0);
	e->run = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_SHARED, e->vcpu, 0);
	if (e->run == MAP_FAILED)
		die("mmap kvm_run");
	kvm_set_reg(e->vcpu, CORE_REG(regs.pc), CODE_IPA);
	kvm_set_reg(e->vcpu, CORE_REG(regs.regs[4]), x4);
	kvm_set_reg(e->vcpu, CORE_REG(regs.regs[6]), MMIO_IPA);
	kvm_set_reg(e->vcpu, CORE_REG(regs.regs[7]), 0x5a);
}

static void exit_vm_destroy(struct exit_vm *e)
{
	munmap(e->run, ioctl(open_kvm(), KVM_GET_VCPU_MMAP_SIZE, 0));
	close(e->vcpu);
	close(e->vm);
	munmap(e->mem, CODE_SIZE);
}

static void on_alarm(int sig)
{
	(void)sig;
}

/* A guest that never exits is stopped by SIGALRM: say where it was. */
static void run_to_mmio(struct exit_vm *e)
{
	if (ioctl(e->vcpu, KVM_RUN, 0)) {
		if (errno == EINTR)
			printf("bench-mte: guest did not exit in time: pc=0x%llx pstate=0x%llx x0=0x%llx x4=%llu x5=%llu elr_el1=0x%llx esr_el1=0x%llx\n",
			       get_reg(e->vcpu, CORE_REG(regs.pc)),
			       get_reg(e->vcpu, CORE_REG(regs.pstate)),
			       get_reg(e->vcpu, CORE_REG(regs.regs[0])),
			       get_reg(e->vcpu, CORE_REG(regs.regs[4])),
			       get_reg(e->vcpu, CORE_REG(regs.regs[5])),
			       get_reg(e->vcpu, CORE_REG(elr_el1)),
			       get_reg(e->vcpu, ARM64_SYS_REG(3, 0, 5, 2, 0)));
		die("KVM_RUN");
	}
	if (e->run->exit_reason != KVM_EXIT_MMIO ||
	    e->run->mmio.phys_addr != MMIO_IPA || !e->run->mmio.is_write) {
		printf("bench-mte: unexpected exit %u (mmio at 0x%llx)\n",
		       e->run->exit_reason,
		       (unsigned long long)e->run->mmio.phys_addr);
		exit(1);
	}
}

/*
 * The VMs without and with MTE run alternately (nomte, mte, nomte, ...)
 * so that a drift in the host's speed hits both alike.
 */
static void bench_exit(int with_mte, unsigned long n_hvc, unsigned long n_mmio)
{
	static const char *const mname[] = { "nomte", "mte" };
	double v[2][64], t0;
	struct exit_vm e[2];
	char name[64];
	unsigned long j;
	int i, m, nm = with_mte ? 2 : 1;

	alarm(300);
	for (m = 0; m < nm; m++) {
		exit_vm_create(&e[m], m, guest_hvc, sizeof(guest_hvc), n_hvc);
		run_to_mmio(&e[m]);		/* warm-up batch */
	}
	for (i = 0; i < reps; i++) {
		for (m = 0; m < nm; m++) {
			t0 = now_s();
			run_to_mmio(&e[m]);	/* n_hvc HVCs + 1 MMIO exit */
			v[m][i] = (now_s() - t0) * 1e9 / n_hvc;
		}
	}
	for (m = 0; m < nm; m++) {
		snprintf(name, sizeof(name), "exit.hvc.%s", mname[m]);
		report(name, v[m], reps, "ns/exit", 0);
		exit_vm_destroy(&e[m]);
	}

	alarm(300);
	for (m = 0; m < nm; m++) {
		exit_vm_create(&e[m], m, guest_mmio, sizeof(guest_mmio), 0);
		for (j = 0; j < n_mmio / 10; j++)	/* warm-up */
			run_to_mmio(&e[m]);
	}
	for (i = 0; i < reps; i++) {
		for (m = 0; m < nm; m++) {
			t0 = now_s();
			for (j = 0; j < n_mmio; j++)
				run_to_mmio(&e[m]);
			v[m][i] = (now_s() - t0) * 1e9 / n_mmio;
		}
	}
	for (m = 0; m < nm; m++) {
		snprintf(name, sizeof(name), "exit.mmio.%s", mname[m]);
		report(name, v[m], reps, "ns/exit", 0);
		exit_vm_destroy(&e[m]);
	}
	alarm(0);
}

/* ---------------------------------------------------------------- main */

static void usage(void)
{
	printf("usage: bench-mte copy [-r REPS] [-t BUDGET_SECONDS] SIZE_MIB...\n"
	       "       bench-mte probe [-r REPS]\n"
	       "       bench-mte scale [-r REPS] [-b 4k|thp] SIZE_MIB... (multiples of 64)\n"
	       "       bench-mte exit [-r REPS] [-n HVC_EXITS] [-m MMIO_EXITS]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned long n_hvc = 20000, n_mmio = 5000, size;
	const char *cmd;
	int opt, mte_cap, first, budget = 0;
	enum backing scale_backing = B_4K;
	double t_start = now_s(), t_size, last_secs = 0;
	unsigned long last_size = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		usage();
	cmd = argv[1];
	argv++;
	argc--;
	while ((opt = getopt(argc, argv, "r:n:m:t:b:")) != -1) {
		switch (opt) {
		case 'b':
			if (!strcmp(optarg, "thp"))
				scale_backing = B_THP;
			else if (strcmp(optarg, "4k"))
				usage();
			break;
		case 't':
			budget = atoi(optarg);
			break;
		case 'r':
			reps = atoi(optarg);
			break;
		case 'n':
			n_hvc = strtoul(optarg, NULL, 0);
			break;
		case 'm':
			n_mmio = strtoul(optarg, NULL, 0);
			break;
		default:
			usage();
		}
	}
	if (reps < 1 || reps > 64 || !n_hvc || !n_mmio)
		usage();

	mte_cap = ioctl(open_kvm(), KVM_CHECK_EXTENSION, KVM_CAP_ARM_MTE);
	printf("# bench-mte %s: KVM_CAP_ARM_MTE=%d, %d repetitions per figure\n",
	       cmd, mte_cap, reps);

	if (!strcmp(cmd, "exit")) {
		struct sigaction sa = { .sa_handler = on_alarm };

		sigaction(SIGALRM, &sa, NULL);	/* no SA_RESTART: KVM_RUN stops */
		if (mte_cap <= 0)
			printf("@@BENCHSKIP exit.*.mte no KVM_CAP_ARM_MTE\n");
		bench_exit(mte_cap > 0, n_hvc, n_mmio);
		return failed;
	}
	if (mte_cap <= 0) {
		printf("@@BENCHSKIP copy.* no KVM_CAP_ARM_MTE\n");
		return 4;
	}
	if (!strcmp(cmd, "probe")) {
		bench_probe();
		return failed;
	}
	if (!strcmp(cmd, "scale")) {
		unsigned long sz[16];
		int n = 0;

		for (; optind < argc && n < 16; optind++) {
			sz[n] = strtoul(argv[optind], NULL, 0) * MIB;
			if (!sz[n] || sz[n] % (64 * MIB))
				usage();
			n++;
		}
		if (!n)
			usage();
		bench_scale(sz, n, 64 * MIB, scale_backing);
		return failed;
	}
	if (strcmp(cmd, "copy") || optind >= argc)
		usage();
	for (first = 1; optind < argc; optind++, first = 0) {
		size = strtoul(argv[optind], NULL, 0) * MIB;
		if (!size || size % HUGE_2M)
			usage();
		/* Time budget: scale the last size's 4k + thp time. */
		if (budget && last_size) {
			double est = last_secs * size / last_size;
			double left = budget - (now_s() - t_start);

			if (est > left) {
				printf("@@BENCHSKIP copy.*.%luM estimated %.0f s, over the %.0f s left of the %d s budget (-t)\n",
				       size / MIB, est, left > 0 ? left : 0, budget);
				continue;
			}
		}
		t_size = now_s();
		bench_copy(B_4K, size);
		bench_copy(B_THP, size);
		last_secs = now_s() - t_size;
		last_size = size;
		printf("# copy %lu MiB, 4k and thp: %.1f s\n", size / MIB, last_secs);
		if (!first)
			continue;
		/* hugetlb, swapped and untagged at the first size only */
		t_size = now_s();
		bench_copy(B_HUGETLB, size < HUGETLB_MAX ? size : HUGETLB_MAX);
		bench_copy_swapped(size < SWAP_MAX ? size : SWAP_MAX);
		bench_copy_untagged(size);
		printf("# copy %lu MiB, hugetlb, swapped and untagged: %.1f s\n",
		       size / MIB, now_s() - t_size);
	}
	return failed;
}
