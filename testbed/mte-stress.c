// SPDX-License-Identifier: GPL-2.0
/*
 * mte-stress: KVM_ARM_MTE_COPY_TAGS racing memslot changes, reclaim and a
 * running vCPU, and the tags of a guest pushed through swap under a
 * memory cgroup limit.
 *
 *   mte-stress [-s SEED] [-t RACE_SECONDS] [-m SWAP_MIB] [-l LIMIT_MIB]
 *              [-p PASSES]
 *
 * Every race runs for RACE_SECONDS (default 10) on a fresh MTE VM with a
 * stable memslot A (2 MiB, never deleted, random tags kept in a shadow)
 * and a memslot B (1 MiB, tags of a fixed pattern). A copier thread does
 * random FROM_GUEST/TO_GUEST calls on A (new random tags; every result
 * must be the full length and every read must equal the shadow) and on B
 * (TO_GUEST writes the pattern again; a result must be the full length, a
 * whole number of pages less than it, or -EFAULT, and every page read must
 * hold the pattern). Other threads meanwhile:
 *   race_slot_delete  delete B (size 0) and add it again, in a loop
 *   race_slot_move    move B between two IPAs; the copier uses both
 *   race_pageout      only reclaim: B must then always copy whole
 *   race_vcpu         delete/re-add B, and a vCPU runs a guest that
 *                     loads from every page of A and B (stage-2 faults,
 *                     MTE tag initialisation of the pages it maps)
 * and in all four a thread runs MADV_PAGEOUT over A and B in a loop. At
 * the end A must equal the shadow and B the pattern, tag for tag.
 *
 * swap_cgroup: a SWAP_MIB (default 256) memslot filled with data and
 * tags (TO_GUEST), the process in a cgroup v2 with memory.max LIMIT_MIB
 * (default 96); PASSES (default 3) rounds of MADV_PAGEOUT and reading
 * everything back (FROM_GUEST and the data, which itself swaps the rest
 * out through the limit); every tag and byte must match. Reports the MiB
 * swapped out (/proc/vmstat pswpout) and verified.
 *
 * Output: kselftest TAP. Exit 0 all passed, 1 a failure, 4 (KSFT_SKIP)
 * without /dev/kvm or KVM_CAP_ARM_MTE.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "kvm-helpers.h"
#include "tap.h"

#define PG		4096UL
#define TPP		256UL
#define SZ_1M		(1UL << 20)

#define A_IPA		0x40000000UL
#define A_SIZE		(2 * SZ_1M)
#define B_IPA1		0x48000000UL
#define B_IPA2		0x4c000000UL
#define B_SIZE		SZ_1M
#define CODE_IPA	0x50000000UL
#define CODE_SIZE	(64UL << 10)
#define MMIO_IPA	0x10000000UL
#define SWAP_IPA	0x80000000UL

extern const unsigned char guest_start[], guest_end[];

/* ---- helpers ---- */
static int kvm_fd;
static uint64_t seed;

static uint64_t mix(uint64_t z)
{
	z += 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* per-thread random numbers */
static uint64_t rnd(uint64_t *s)
{
	*s += 0x9e3779b97f4a7c15ULL;
	return mix(*s);
}

static uint64_t below(uint64_t *s, uint64_t n)
{
	return n ? rnd(s) % n : 0;
}

/* Guest memory: private, anonymous, not reserved */
static void *map_guest(size_t size)
{
	return map_anon(size, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_NORESERVE);
}

/* The tag of B's granule @g: a fixed pattern */
static uint8_t b_tag(uint64_t g)
{
	return (g * 7 + 3 + (g >> 8)) & 0xf;
}

/* ---- races ---- */
enum race { R_DELETE, R_MOVE, R_PAGEOUT, R_VCPU, NR_RACE };
static const char *const race_names[NR_RACE] = {
	"race_slot_delete", "race_slot_move", "race_pageout", "race_vcpu",
};

struct race_ctx {
	enum race kind;
	int vm, vcpu;
	struct kvm_run *run;
	size_t run_size;
	uint8_t *a, *b, *code;
	uint8_t *a_shadow, *b_pattern;
	volatile int stop;
	double deadline;
	/* copier */
	unsigned long a_calls, b_calls, b_full, b_partial, b_efault;
	unsigned long bad, bad_a, bad_b_tags, pages;
	/* others */
	unsigned long slot_ops, slot_errors, pageouts, vcpu_rounds;
	unsigned long vcpu_mmio_reads, vcpu_errors;
	double copy_max, pageout_max, pageout_total;
	uint64_t b_ipa;		/* where B is, 0 while deleted */
};

static void copier_report(struct race_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void copier_report(struct race_ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (c->bad + c->bad_a + c->bad_b_tags > 10)
		return;
	printf("# %s: ", race_names[c->kind]);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static void *copier(void *arg)
{
	struct race_ctx *c = arg;
	uint64_t rs = seed ^ 0x1111, n, o, i, ipa;
	uint8_t *buf = malloc(64 * TPP);
	double t;
	long r;
	int to;

	if (!buf)
		die("malloc");
	while (!c->stop && now_s() < c->deadline) {
		to = below(&rs, 2);
		if (below(&rs, 5) < 2) {
			/* A: exact, and always as the shadow says */
			n = 1 + below(&rs, 32);
			o = below(&rs, A_SIZE / PG - n + 1);
			ipa = A_IPA + o * PG;
			if (to) {
				for (i = 0; i < n * TPP; i++)
					buf[i] = rnd(&rs) & 0xf;
			}
			t = now_s();
			r = mte_copy_tags(c->vm, ipa, n * PG, buf,
					  to ? KVM_ARM_TAGS_TO_GUEST :
					       KVM_ARM_TAGS_FROM_GUEST);
			t = now_s() - t;
			if (t > c->copy_max)
				c->copy_max = t;
			c->a_calls++;
			if (r != (long)(n * PG)) {
				c->bad_a++;
				copier_report(c, "slot A (never deleted): %s of %llu pages at 0x%llx returned %ld",
					      to ? "TO_GUEST" : "FROM_GUEST",
					      (unsigned long long)n,
					      (unsigned long long)ipa, r);
				/* the state of A is unknown now: reread it */
				mte_copy_tags(c->vm, A_IPA, A_SIZE,
					      c->a_shadow,
					      KVM_ARM_TAGS_FROM_GUEST);
				continue;
			}
			c->pages += n;
			if (to) {
				memcpy(c->a_shadow + o * TPP, buf, n * TPP);
			} else if (memcmp(buf, c->a_shadow + o * TPP, n * TPP)) {
				c->bad_a++;
				copier_report(c, "slot A: FROM_GUEST of %llu pages at 0x%llx differs from the shadow",
					      (unsigned long long)n,
					      (unsigned long long)ipa);
				memcpy(c->a_shadow + o * TPP, buf, n * TPP);
			}
			continue;
		}
		/* B: wherever it might be */
		n = 1 + below(&rs, 64);
		o = below(&rs, B_SIZE / PG - n + 1);
		ipa = (c->kind == R_MOVE && below(&rs, 2) ? B_IPA2 : B_IPA1) +
		      o * PG;
		if (to)
			memcpy(buf, c->b_pattern + o * TPP, n * TPP);
		else
			memset(buf, 0xa5, n * TPP);
		t = now_s();
		r = mte_copy_tags(c->vm, ipa, n * PG, buf,
				  to ? KVM_ARM_TAGS_TO_GUEST :
				       KVM_ARM_TAGS_FROM_GUEST);
		t = now_s() - t;
		if (t > c->copy_max)
			c->copy_max = t;
		c->b_calls++;
		if (r == (long)(n * PG)) {
			c->b_full++;
		} else if (r > 0 && r < (long)(n * PG) && !(r % PG)) {
			c->b_partial++;
		} else if (r == -EFAULT) {
			c->b_efault++;
		} else {
			c->bad++;
			copier_report(c, "slot B: %s of %llu pages at 0x%llx returned %ld: not a legal result",
				      to ? "TO_GUEST" : "FROM_GUEST",
				      (unsigned long long)n,
				      (unsigned long long)ipa, r);
			continue;
		}
		if (c->kind == R_PAGEOUT && r != (long)(n * PG)) {
			c->bad++;
			copier_report(c, "slot B (not deleted in this race): %s of %llu pages at 0x%llx returned %ld",
				      to ? "TO_GUEST" : "FROM_GUEST",
				      (unsigned long long)n,
				      (unsigned long long)ipa, r);
		}
		if (r > 0) {
			c->pages += r / PG;
			if (!to && memcmp(buf, c->b_pattern + o * TPP,
					  r / PG * TPP)) {
				c->bad_b_tags++;
				copier_report(c, "slot B: FROM_GUEST of %llu pages at 0x%llx: tags differ from the pattern",
					      (unsigned long long)n,
					      (unsigned long long)ipa);
			}
		}
	}
	free(buf);
	return NULL;
}

static void *slotter(void *arg)
{
	struct race_ctx *c = arg;
	uint64_t rs = seed ^ 0x2222;
	int r;

	while (!c->stop && now_s() < c->deadline) {
		if (c->kind == R_MOVE) {
			uint64_t to = c->b_ipa == B_IPA1 ? B_IPA2 : B_IPA1;

			r = kvm_set_slot(c->vm, 1, 0, to, B_SIZE, c->b);
			if (!r)
				c->b_ipa = to;
		} else if (c->b_ipa) {
			r = kvm_set_slot(c->vm, 1, 0, B_IPA1, 0, c->b);
			if (!r)
				c->b_ipa = 0;
		} else {
			r = kvm_set_slot(c->vm, 1, 0, B_IPA1, B_SIZE, c->b);
			if (!r)
				c->b_ipa = B_IPA1;
		}
		c->slot_ops++;
		if (r) {
			if (c->slot_errors++ < 5)
				printf("# %s: KVM_SET_USER_MEMORY_REGION: %s\n",
				       race_names[c->kind], strerror(-r));
		}
		usleep(below(&rs, 2000));
	}
	return NULL;
}

static void *pager(void *arg)
{
	struct race_ctx *c = arg;
	double t;

	while (!c->stop && now_s() < c->deadline) {
		t = now_s();
		madvise(c->a, A_SIZE, MADV_PAGEOUT);
		madvise(c->b, B_SIZE, MADV_PAGEOUT);
		t = now_s() - t;
		if (t > c->pageout_max)
			c->pageout_max = t;
		c->pageout_total += t;
		c->pageouts++;
		usleep(1000);
	}
	return NULL;
}

static void setup_vcpu(struct race_ctx *c)
{
	struct kvm_vcpu_init init;

	c->code = map_guest(CODE_SIZE);
	memcpy(c->code, guest_start, guest_end - guest_start);
	if (kvm_set_slot(c->vm, 2, 0, CODE_IPA, CODE_SIZE, c->code))
		die("KVM_SET_USER_MEMORY_REGION(code)");
	c->vcpu = ioctl(c->vm, KVM_CREATE_VCPU, 0);
	if (c->vcpu < 0)
		die("KVM_CREATE_VCPU");
	if (ioctl(c->vm, KVM_ARM_PREFERRED_TARGET, &init) ||
	    ioctl(c->vcpu, KVM_ARM_VCPU_INIT, &init))
		die("KVM_ARM_VCPU_INIT");
	c->run_size = ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	c->run = mmap(NULL, c->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      c->vcpu, 0);
	if (c->run == MAP_FAILED)
		die("mmap(kvm_run)");
	kvm_set_reg(c->vcpu, CORE_REG(regs.pc), CODE_IPA);
	kvm_set_reg(c->vcpu, CORE_REG(regs.regs[0]), A_IPA);
	kvm_set_reg(c->vcpu, CORE_REG(regs.regs[1]), A_IPA + A_SIZE);
	kvm_set_reg(c->vcpu, CORE_REG(regs.regs[2]), B_IPA1);
	kvm_set_reg(c->vcpu, CORE_REG(regs.regs[3]), B_IPA1 + B_SIZE);
	kvm_set_reg(c->vcpu, CORE_REG(regs.regs[4]), MMIO_IPA);
}

static void *vcpu_thread(void *arg)
{
	struct race_ctx *c = arg;
	struct kvm_run *run = c->run;

	while (!c->stop && now_s() < c->deadline) {
		if (ioctl(c->vcpu, KVM_RUN, 0)) {
			if (errno == EINTR)
				continue;
			printf("# race_vcpu: KVM_RUN: %s\n", strerror(errno));
			c->vcpu_errors++;
			break;
		}
		if (run->exit_reason != KVM_EXIT_MMIO) {
			printf("# race_vcpu: unexpected exit reason %u\n",
			       run->exit_reason);
			c->vcpu_errors++;
			break;
		}
		if (run->mmio.is_write && run->mmio.phys_addr == MMIO_IPA) {
			c->vcpu_rounds++;
		} else if (!run->mmio.is_write &&
			   run->mmio.phys_addr >= B_IPA1 &&
			   run->mmio.phys_addr < B_IPA1 + B_SIZE) {
			c->vcpu_mmio_reads++;	/* B deleted: a hole */
		} else {
			printf("# race_vcpu: unexpected MMIO %s at 0x%llx\n",
			       run->mmio.is_write ? "write" : "read",
			       (unsigned long long)run->mmio.phys_addr);
			c->vcpu_errors++;
			break;
		}
	}
	return NULL;
}

/* A counter of /proc/vmstat ("pswpout"), 0 if absent; below */
static unsigned long vmstat(const char *name);

static void run_race(enum race kind, double secs)
{
	struct race_ctx c = { .kind = kind, .vcpu = -1 };
	pthread_t th[4];
	int nth = 0, i, ok, raced;
	uint64_t g, first, bad_a = 0, bad_b = 0;
	unsigned long swapped;
	uint8_t *back;
	uint64_t rs = seed ^ kind;
	double t;

	c.vm = kvm_create_vm(kvm_fd, 1);
	c.a = map_guest(A_SIZE);
	c.b = map_guest(B_SIZE);
	c.a_shadow = malloc(A_SIZE / 16);
	c.b_pattern = malloc(B_SIZE / 16);
	back = malloc(A_SIZE / 16);
	if (!c.a_shadow || !c.b_pattern || !back)
		die("malloc");
	for (g = 0; g < A_SIZE / 16; g++)
		c.a_shadow[g] = below(&rs, 16);
	for (g = 0; g < B_SIZE / 16; g++)
		c.b_pattern[g] = b_tag(g);
	kvm_add_slot(c.vm, 0, A_IPA, A_SIZE, c.a);
	kvm_add_slot(c.vm, 1, B_IPA1, B_SIZE, c.b);
	c.b_ipa = B_IPA1;
	if (mte_copy_tags(c.vm, A_IPA, A_SIZE, c.a_shadow,
			  KVM_ARM_TAGS_TO_GUEST) != (long)A_SIZE ||
	    mte_copy_tags(c.vm, B_IPA1, B_SIZE, c.b_pattern,
			  KVM_ARM_TAGS_TO_GUEST) != (long)B_SIZE)
		die("initial TO_GUEST");
	if (kind == R_VCPU)
		setup_vcpu(&c);

	swapped = vmstat("pswpout");
	t = now_s();
	c.deadline = t + secs;
	pthread_create(&th[nth++], NULL, copier, &c);
	pthread_create(&th[nth++], NULL, pager, &c);
	if (kind != R_PAGEOUT)
		pthread_create(&th[nth++], NULL, slotter, &c);
	if (kind == R_VCPU)
		pthread_create(&th[nth++], NULL, vcpu_thread, &c);
	for (i = 0; i < nth; i++)
		pthread_join(th[i], NULL);
	t = now_s() - t;
	swapped = vmstat("pswpout") - swapped;

	/* B back where it started, then everything must be as expected */
	if (c.b_ipa != B_IPA1) {
		if (c.b_ipa)
			kvm_set_slot(c.vm, 1, 0, c.b_ipa, 0, c.b);
		if (kvm_set_slot(c.vm, 1, 0, B_IPA1, B_SIZE, c.b))
			die("KVM_SET_USER_MEMORY_REGION(B)");
	}
	if (mte_copy_tags(c.vm, A_IPA, A_SIZE, back,
			  KVM_ARM_TAGS_FROM_GUEST) != (long)A_SIZE)
		die("final FROM_GUEST of A");
	for (g = 0, first = ~0UL; g < A_SIZE / 16; g++) {
		if (back[g] != c.a_shadow[g]) {
			if (!bad_a++)
				first = g;
		}
	}
	if (bad_a)
		printf("# %s: slot A: %llu tags differ from the shadow, first at IPA 0x%llx\n",
		       race_names[kind], (unsigned long long)bad_a,
		       (unsigned long long)(A_IPA + first * 16));
	if (mte_copy_tags(c.vm, B_IPA1, B_SIZE, back,
			  KVM_ARM_TAGS_FROM_GUEST) != (long)B_SIZE)
		die("final FROM_GUEST of B");
	for (g = 0, first = ~0UL; g < B_SIZE / 16; g++) {
		if (back[g] != c.b_pattern[g]) {
			if (!bad_b++)
				first = g;
		}
	}
	if (bad_b)
		printf("# %s: slot B: %llu tags differ from the pattern, first at IPA 0x%llx\n",
		       race_names[kind], (unsigned long long)bad_b,
		       (unsigned long long)(B_IPA1 + first * 16));

	printf("# %s: %.1f s: A %lu calls, B %lu calls (full %lu, partial %lu, EFAULT %lu), %lu pages copied; %lu memslot %s, %lu MADV_PAGEOUT rounds",
	       race_names[kind], t, c.a_calls, c.b_calls, c.b_full,
	       c.b_partial, c.b_efault, c.pages, c.slot_ops,
	       kind == R_MOVE ? "moves" : "deletes/re-adds", c.pageouts);
	if (kind == R_VCPU)
		printf("; guest: %lu rounds over A and B, %lu loads from deleted B",
		       c.vcpu_rounds, c.vcpu_mmio_reads);
	printf("\n# %s: longest COPY_TAGS call %.1f ms, longest MADV_PAGEOUT round %.1f ms (%.1f ms on average)\n",
	       race_names[kind], c.copy_max * 1e3, c.pageout_max * 1e3,
	       c.pageouts ? c.pageout_total * 1e3 / c.pageouts : 0.0);
	/*
	 * The race must have happened, not only been tried: pages really
	 * went to swap, and where memslots change, the copier saw slot B both
	 * there (whole copies) and gone or moved (partial copies or EFAULT).
	 */
	raced = swapped && (kind == R_PAGEOUT ||
			    (c.b_full && c.b_partial + c.b_efault));
	if (!raced)
		printf("# %s: the race did not happen: %lu pages swapped out, %lu whole and %lu partial/EFAULT copies of slot B\n",
		       race_names[kind], swapped, c.b_full,
		       c.b_partial + c.b_efault);
	ok = !c.bad && !c.bad_a && !c.bad_b_tags && !bad_a && !bad_b &&
	     !c.slot_errors && !c.vcpu_errors && c.a_calls && c.b_calls &&
	     (kind != R_VCPU || c.vcpu_rounds) && raced;
	result(ok, race_names[kind], "%.0f s, %lu COPY_TAGS calls",
	       t, c.a_calls + c.b_calls);

	if (c.vcpu >= 0) {
		munmap(c.run, c.run_size);
		close(c.vcpu);
		munmap(c.code, CODE_SIZE);
	}
	close(c.vm);
	munmap(c.a, A_SIZE);
	munmap(c.b, B_SIZE);
	free(c.a_shadow);
	free(c.b_pattern);
	free(back);
}

/* ---- swap under a memory cgroup ---- */
#define CG_ROOT		"/sys/fs/cgroup"
#define CHUNK		SZ_1M

static int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY), ok;

	if (fd < 0)
		return -errno;
	ok = write(fd, val, strlen(val)) == (ssize_t)strlen(val);
	ok = ok ? 0 : -errno;
	close(fd);
	return ok;
}

static unsigned long vmstat(const char *name)
{
	char line[128];
	unsigned long v = 0;
	size_t n = strlen(name);
	FILE *f = fopen("/proc/vmstat", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, name, n) && line[n] == ' ')
			v = strtoul(line + n + 1, NULL, 10);
	fclose(f);
	return v;
}

static int swap_present(void)
{
	char line[256];
	int lines = 0;
	FILE *f = fopen("/proc/swaps", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		lines++;
	fclose(f);
	return lines > 1;
}

static uint8_t swap_tag(uint64_t page, uint64_t g)
{
	return ((mix(seed ^ page) >> ((g & 15) * 4)) + (g >> 4)) & 0xf;
}

/* Compressible but unique per page: 8 words from the page number, x64 */
static void swap_page(uint64_t page, uint64_t *w)
{
	uint64_t h = mix(~seed ^ page), i;

	for (i = 0; i < 8; i++)
		w[i] = (h + i * 0x0101010101010101ULL) ^ page << 40;
	for (i = 8; i < PG / 8; i++)
		w[i] = w[i & 7];
}

static void test_swap(unsigned long mib, unsigned long limit_mib, int passes)
{
	uint64_t size = mib * SZ_1M, p, c, g, ch;
	uint64_t *page = malloc(PG);
	uint8_t *tags = malloc(CHUNK / 16), *mem;
	unsigned long out0, in0, out, in, bad_tags = 0, bad_pages = 0;
	unsigned long verified = 0;
	char cg[64], path[128], val[32];
	int vm, pass, r;
	double t0 = now_s(), t;
	long ret;

	if (!page || !tags)
		die("malloc");
	if (!swap_present()) {
		result(1, "swap_cgroup", "SKIP no swap device (/proc/swaps)");
		return;
	}
	snprintf(cg, sizeof(cg), CG_ROOT "/mte-stress-%d", getpid());
	write_file(CG_ROOT "/cgroup.subtree_control", "+memory");
	if (mkdir(cg, 0755) && errno != EEXIST) {
		result(1, "swap_cgroup", "SKIP mkdir %s: %s", cg, strerror(errno));
		return;
	}
	snprintf(path, sizeof(path), "%s/memory.max", cg);
	snprintf(val, sizeof(val), "%luM", limit_mib);
	r = write_file(path, val);
	if (r) {
		rmdir(cg);
		result(1, "swap_cgroup", "SKIP %s: %s (no memory controller?)",
		       path, strerror(-r));
		return;
	}
	snprintf(path, sizeof(path), "%s/cgroup.procs", cg);
	snprintf(val, sizeof(val), "%d", getpid());
	if (write_file(path, val))
		die("moving into the cgroup");
	printf("# swap_cgroup: %lu MiB memslot, cgroup %s memory.max %lu MiB\n",
	       mib, cg, limit_mib);

	out0 = vmstat("pswpout");
	in0 = vmstat("pswpin");
	vm = kvm_create_vm(kvm_fd, 1);
	mem = map_guest(size);
	madvise(mem, size, MADV_NOHUGEPAGE);
	kvm_add_slot(vm, 0, SWAP_IPA, size, mem);

	/* fill: data through the VMM's mapping, tags with TO_GUEST */
	t = now_s();
	for (c = 0; c < size / CHUNK; c++) {
		for (p = 0; p < CHUNK / PG; p++) {
			uint64_t pg = c * (CHUNK / PG) + p;

			swap_page(pg, page);
			memcpy(mem + pg * PG, page, PG);
			for (g = 0; g < TPP; g++)
				tags[p * TPP + g] = swap_tag(pg, g);
		}
		ret = mte_copy_tags(vm, SWAP_IPA + c * CHUNK, CHUNK, tags,
				    KVM_ARM_TAGS_TO_GUEST);
		if (ret != (long)CHUNK) {
			printf("# swap_cgroup: TO_GUEST of chunk %llu: %ld\n",
			       (unsigned long long)c, ret);
			bad_tags++;
		}
	}
	printf("# swap_cgroup: filled in %.1f s, %lu MiB swapped out so far\n",
	       now_s() - t, (vmstat("pswpout") - out0) * PG >> 20);

	for (pass = 0; pass < passes; pass++) {
		t = now_s();
		for (c = 0; c < size; c += 16 * SZ_1M)
			madvise(mem + c, 16 * SZ_1M < size - c ? 16 * SZ_1M :
				size - c, MADV_PAGEOUT);
		for (ch = 0; ch < size / CHUNK; ch++) {
			/* odd passes go backwards, and read data first */
			c = pass & 1 ? size / CHUNK - 1 - ch : ch;
			if (pass & 1) {
				for (p = 0; p < CHUNK / PG; p++) {
					uint64_t pg = c * (CHUNK / PG) + p;

					swap_page(pg, page);
					if (memcmp(mem + pg * PG, page, PG) &&
					    bad_pages++ < 5)
						printf("# swap_cgroup: pass %d: data of page %llu differ\n",
						       pass, (unsigned long long)pg);
				}
			}
			memset(tags, 0xee, CHUNK / 16);
			ret = mte_copy_tags(vm, SWAP_IPA + c * CHUNK, CHUNK,
					    tags, KVM_ARM_TAGS_FROM_GUEST);
			if (ret != (long)CHUNK) {
				printf("# swap_cgroup: FROM_GUEST of chunk %llu: %ld\n",
				       (unsigned long long)c, ret);
				bad_tags++;
				continue;
			}
			for (p = 0; p < CHUNK / PG; p++) {
				uint64_t pg = c * (CHUNK / PG) + p;

				for (g = 0; g < TPP; g++) {
					if (tags[p * TPP + g] == swap_tag(pg, g))
						continue;
					if (bad_tags++ < 5)
						printf("# swap_cgroup: pass %d: tag of granule %llu of page %llu is %u, expected %u\n",
						       pass, (unsigned long long)g,
						       (unsigned long long)pg,
						       tags[p * TPP + g],
						       swap_tag(pg, g));
				}
			}
			if (!(pass & 1)) {
				for (p = 0; p < CHUNK / PG; p++) {
					uint64_t pg = c * (CHUNK / PG) + p;

					swap_page(pg, page);
					if (memcmp(mem + pg * PG, page, PG) &&
					    bad_pages++ < 5)
						printf("# swap_cgroup: pass %d: data of page %llu differ\n",
						       pass, (unsigned long long)pg);
				}
			}
		}
		verified += mib;
		printf("# swap_cgroup: pass %d: MADV_PAGEOUT and %lu MiB of tags and data verified in %.1f s; %lu MiB swapped out so far\n",
		       pass + 1, mib, now_s() - t,
		       (vmstat("pswpout") - out0) * PG >> 20);
	}
	out = vmstat("pswpout") - out0;
	in = vmstat("pswpin") - in0;

	close(vm);
	munmap(mem, size);
	snprintf(val, sizeof(val), "%d", getpid());
	write_file(CG_ROOT "/cgroup.procs", val);
	rmdir(cg);
	free(page);
	free(tags);

	printf("# swap_cgroup: %lu MiB swapped out, %lu MiB swapped in, %lu MiB verified (%d passes x %lu MiB), %lu tag and %lu page mismatches, %.1f s\n",
	       out * PG >> 20, in * PG >> 20, verified, passes, mib, bad_tags,
	       bad_pages, now_s() - t0);
	if (out * PG < size)
		printf("# swap_cgroup: less than the memslot's size went to swap\n");
	result(!bad_tags && !bad_pages && out * PG >= size, "swap_cgroup",
	       "%lu MiB swapped out, %lu MiB verified", out * PG >> 20,
	       verified);
}

int main(int argc, char **argv)
{
	unsigned long swap_mib = 256, limit_mib = 96;
	double race_secs = 10, t0 = now_s();
	int opt, passes = 3;
	enum race k;

	/* the test VM has no RTC: time() alone would repeat between boots */
	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != sizeof(seed))
		seed = (uint64_t)(now_s() * 1e9) ^ getpid();
	while ((opt = getopt(argc, argv, "s:t:m:l:p:")) != -1) {
		switch (opt) {
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 't':
			race_secs = atof(optarg);
			break;
		case 'm':
			swap_mib = strtoul(optarg, NULL, 0);
			break;
		case 'l':
			limit_mib = strtoul(optarg, NULL, 0);
			break;
		case 'p':
			passes = atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: %s [-s SEED] [-t RACE_SECONDS] [-m SWAP_MIB] [-l LIMIT_MIB] [-p PASSES]\n",
				argv[0]);
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);

	kvm_fd = tap_open_kvm_mte();
	if (kvm_fd < 0)
		return KSFT_SKIP;
	printf("1..%d\n", NR_RACE + 1);
	printf("# seed %llu (reproduce: mte-stress -s %llu -t %g -m %lu -l %lu -p %d)\n",
	       (unsigned long long)seed, (unsigned long long)seed, race_secs,
	       swap_mib, limit_mib, passes);

	for (k = 0; k < NR_RACE; k++)
		run_race(k, race_secs);
	test_swap(swap_mib, limit_mib, passes);

	return tap_finish(t0);
}

/*
 * The guest of race_vcpu, at CODE_IPA, MMU off: load one word from every
 * page of [x0, x1) and of [x2, x3), store to the MMIO address in x4 (an
 * exit to the VMM, which checks whether to stop), and again.
 */
asm(
"	.pushsection .rodata.stress_guest, \"a\"\n"
"	.balign	4096\n"
"	.global	guest_start, guest_end\n"
"guest_start:\n"
"	mov	x9, x0\n"
"1:	ldr	x10, [x9]\n"
"	add	x9, x9, #4096\n"
"	cmp	x9, x1\n"
"	b.lo	1b\n"
"	mov	x9, x2\n"
"2:	ldr	x10, [x9]\n"
"	add	x9, x9, #4096\n"
"	cmp	x9, x3\n"
"	b.lo	2b\n"
"	str	x10, [x4]\n"
"	b	guest_start\n"
"guest_end:\n"
"	.popsection\n"
);
