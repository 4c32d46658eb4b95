// SPDX-License-Identifier: GPL-2.0
/*
 * mte-fuzz: random KVM_ARM_MTE_COPY_TAGS calls checked against a model of
 * the documented semantics, and the leak checks of guest MTE.
 *
 *   mte-fuzz [-s SEED] [-n CALLS] [-a 6.1|6.12]
 *
 * One MTE VM (default IPA size, KVM_CAP_ARM_MTE enabled before any vCPU)
 * gets six memslots of private anonymous memory with holes between them
 * (one 2M-aligned THP region, one KVM_MEM_READONLY slot whose tags were
 * set before it became read-only, two adjacent slots, one ending at the
 * top of the 40-bit IPA space). CALLS (default 100000) random COPY_TAGS
 * calls follow, each drawn from one category (the fuzz_* subtests below):
 * aligned and unaligned IPAs in slots, in holes, straddling slot ends,
 * near 2^64; lengths 0, unaligned, past the slot, beyond INT_MAX and
 * wrapping; flags 0, 1 and others; reserved words set; buffers NULL,
 * PROT_NONE, unmapped, kernel, non-canonical, PROT_READ, ending part-way
 * (into a guard page) and inside the memslots' own mapping. Every result
 * must equal the model's (exact byte count, -EINVAL, -EFAULT), and the
 * tags must equal a shadow copy: TO_GUEST updates it, FROM_GUEST output
 * is compared with it, the page where a TO_GUEST stopped must keep its old
 * tags, and all slots are compared at the end. KVM_ENABLE_CAP is repeated
 * at random moments (0); after KVM_CREATE_VCPU (at 95% of the calls) it
 * must fail with EINVAL.
 *
 * The model (the spec, ../shared/spec/kvm-arm-mte-api.txt, and where the
 * spec says nothing, the series' implementation):
 *   -EINVAL  reserved[] not zero, flags other than 0/1, guest_ipa or
 *            length not page aligned, guest_ipa + length past 2^64
 *            (wrapping, including ending exactly at 2^64), length whose
 *            byte count does not fit the int ioctl(2) returns
 *            (> INT_MAX rounded down to a page)
 *   0        length 0
 *   then page by page, stopping at the first page that is not in a
 *   memslot, is in a read-only memslot for TO_GUEST, or whose 256 tag
 *   bytes do not fit whole in the accessible part of the buffer:
 *   length if none stops it, else the bytes of guest memory before that
 *   page if there are any, else -EFAULT.
 *
 * Leak subtests: a VM without the capability gets EINVAL; MAP_SHARED
 * (anonymous and memfd) memslots are refused with EINVAL, and so is
 * enabling the capability while such a memslot exists; a private memslot
 * later replaced by a MAP_SHARED mapping gives EFAULT; pages recycled
 * from a destroyed VM whose memory was tagged read as zero tags.
 *
 * Output: kselftest TAP. Exit 0 all passed, 1 a failure, 4 (KSFT_SKIP)
 * without /dev/kvm or KVM_CAP_ARM_MTE. Deterministic for a given seed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "kvm-helpers.h"
#include "tap.h"

/* Host page size and tag bytes per page: 4K and 256, or 64K and 4096 */
static unsigned long pg, tpp;
#define SZ_1M		(1UL << 20)
#define SZ_2M		(2UL << 20)
/* The largest length whose byte count fits the int ioctl(2) returns */
#define MAX_LEN		(0x7fffffffUL & ~(pg - 1))
/* -a 6.12: the ABI of Debian's 6.12 (see model(), test_shared_slots()) */
static int abi612;
#define IPA_TOP		(1UL << 40)	/* default IPA size: 40 bits */
#define TBUF_SIZE	(256UL << 10)
#define ROBUF_SIZE	(64UL << 10)
#define MAX_PRINT	8		/* detailed lines per category */

/* ---- random numbers (splitmix64) ---- */
static uint64_t rng;

static uint64_t rnd(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

static void fill_random(uint8_t *p, size_t n)
{
	uint64_t v;

	while (n >= 8) {
		v = rnd();
		memcpy(p, &v, 8);
		p += 8;
		n -= 8;
	}
	while (n--)
		*p++ = rnd();
}

/* ---- KVM helpers: kvm-helpers.h ---- */
static int kvm_fd;

static const char *errname(long r)
{
	static char bufs[4][32];
	static unsigned int next;
	char *buf = bufs[next++ % 4];

	if (r >= 0) {
		snprintf(buf, sizeof(bufs[0]), "%ld", r);
		return buf;
	}
	switch (-r) {
	case EINVAL: return "-EINVAL";
	case EFAULT: return "-EFAULT";
	case ENOMEM: return "-ENOMEM";
	case EINTR: return "-EINTR";
	case ENOTTY: return "-ENOTTY";
	}
	snprintf(buf, sizeof(bufs[0]), "-%ld", -r);
	return buf;
}

/* ---- the fuzzed VM ---- */
struct slot {
	const char *name;
	uint32_t id;
	uint64_t ipa, size;
	int ro, thp;
	uint8_t *hva;		/* followed by a PROT_NONE guard page */
	uint8_t *shadow;	/* the tag of every granule, as expected */
};

static struct slot slots[] = {
	{ "low",   0, 0x40000000, SZ_1M },
	{ "thp",   1, 0x40200000, SZ_2M, .thp = 1 },
	{ "ro",    2, 0x40400000, SZ_1M / 2, .ro = 1 },	/* right after thp */
	{ "pairA", 3, 0x40600000, 3 * SZ_1M / 4 },
	{ "pairB", 4, 0x406c0000, SZ_1M / 4 },		/* right after pairA */
	{ "top",   5, IPA_TOP - SZ_1M, SZ_1M },
};
#define NR_SLOTS	(sizeof(slots) / sizeof(slots[0]))

static int fvm;				/* the fuzzed VM */
static uint8_t *tbuf, *robuf, *nonebuf, *unmapped, *snap, *vbuf;

static struct slot *find_slot(uint64_t ipa)
{
	unsigned int i;

	for (i = 0; i < NR_SLOTS; i++)
		if (ipa >= slots[i].ipa && ipa - slots[i].ipa < slots[i].size)
			return &slots[i];
	return NULL;
}

static uint8_t *shadow_at(struct slot *s, uint64_t ipa)
{
	return s->shadow + (ipa - s->ipa) / 16;
}

/* Bytes accessible from @a on (for writing when @w), up to a fault. */
static uint64_t accessible(uintptr_t a, int w)
{
	unsigned int i;

	if (a >= (uintptr_t)tbuf && a < (uintptr_t)tbuf + TBUF_SIZE)
		return (uintptr_t)tbuf + TBUF_SIZE - a;
	if (a >= (uintptr_t)robuf && a < (uintptr_t)robuf + ROBUF_SIZE)
		return w ? 0 : (uintptr_t)robuf + ROBUF_SIZE - a;
	for (i = 0; i < NR_SLOTS; i++) {
		uintptr_t h = (uintptr_t)slots[i].hva;

		if (a >= h && a < h + slots[i].size)
			return h + slots[i].size - a;
	}
	return 0;
}

/*
 * The model: the result of @c with @acc accessible buffer bytes (see the
 * header comment).
 */
static long model(const struct kvm_arm_copy_mte_tags *c, uint64_t acc)
{
	int write = c->flags == KVM_ARM_TAGS_TO_GUEST;
	uint64_t n, p;
	struct slot *s;

	if (c->reserved[0] || c->reserved[1])
		return -EINVAL;
	if (c->flags & ~(uint64_t)KVM_ARM_TAGS_FROM_GUEST)
		return -EINVAL;
	if ((c->guest_ipa | c->length) & (pg - 1))
		return -EINVAL;
	if (c->guest_ipa + c->length < c->guest_ipa && !abi612)
		return -EINVAL;
	if (c->length > MAX_LEN)
		return -EINVAL;
	n = c->length / pg;
	for (p = 0; p < n; p++) {
		s = find_slot(c->guest_ipa + p * pg);
		if (!s || (write && s->ro) || (p + 1) * tpp > acc)
			break;
	}
	if (p == n)
		return c->length;
	return p ? (long)(p * pg) : -EFAULT;
}

/* Read a whole slot's tags into its shadow (after a mismatch). */
static void resync_slot(struct slot *s)
{
	long r = mte_copy_tags(fvm, s->ipa, s->size, s->shadow,
			       KVM_ARM_TAGS_FROM_GUEST);

	if (r != (long)s->size)
		printf("# resync of slot %s: FROM_GUEST returned %s\n",
		       s->name, errname(r));
}

static void resync_range(uint64_t ipa, uint64_t len)
{
	uint64_t end = ipa + len < ipa ? ~0UL : ipa + len;
	unsigned int i;

	for (i = 0; i < NR_SLOTS; i++)
		if (slots[i].ipa < end && ipa < slots[i].ipa + slots[i].size)
			resync_slot(&slots[i]);
}

/* ---- categories ---- */
enum cat {
	C_IN_SLOT, C_STRADDLE, C_HOLE, C_READONLY, C_BAD_BUF, C_SHORT_BUF,
	C_SELF_BUF, C_ZERO, C_UNALIGNED, C_WRAP, C_TOO_LONG, C_FLAGS,
	C_RESERVED, NR_CAT
};

static const struct {
	const char *name;
	unsigned int weight;
} cats[NR_CAT] = {
	[C_IN_SLOT]	= { "fuzz_in_slot", 20 },
	[C_STRADDLE]	= { "fuzz_straddle", 8 },
	[C_HOLE]	= { "fuzz_hole", 8 },
	[C_READONLY]	= { "fuzz_readonly_slot", 5 },
	[C_BAD_BUF]	= { "fuzz_bad_buffer", 8 },
	[C_SHORT_BUF]	= { "fuzz_short_buffer", 10 },
	[C_SELF_BUF]	= { "fuzz_self_buffer", 7 },
	[C_ZERO]	= { "fuzz_zero_length", 4 },
	[C_UNALIGNED]	= { "fuzz_unaligned", 6 },
	[C_WRAP]	= { "fuzz_wrap", 6 },
	[C_TOO_LONG]	= { "fuzz_too_long", 6 },
	[C_FLAGS]	= { "fuzz_flags", 6 },
	[C_RESERVED]	= { "fuzz_reserved", 6 },
};

enum outcome { O_FULL, O_PARTIAL, O_ZERO, O_EINVAL, O_EFAULT, O_OTHER, NR_O };
static const char *const outcome_names[NR_O] = {
	"full", "partial", "zero", "EINVAL", "EFAULT", "other",
};

static struct {
	unsigned long calls, verify_calls, pages, bad_result, bad_tags, one_short;
	unsigned long out[NR_O];
	unsigned int printed;
} st[NR_CAT];

static unsigned long call_no;
static uint64_t seed;

static enum outcome outcome_of(long r, uint64_t len)
{
	if (r == -EINVAL)
		return O_EINVAL;
	if (r == -EFAULT)
		return O_EFAULT;
	if (r < 0)
		return O_OTHER;
	if (r == 0)
		return len ? O_OTHER : O_ZERO;
	return (uint64_t)r == len ? O_FULL : O_PARTIAL;
}

/* What the spec says, when the model goes beyond it. */
static const char *model_note(const struct kvm_arm_copy_mte_tags *c)
{
	if (c->reserved[0] || c->reserved[1] || (c->flags & ~1ULL) ||
	    ((c->guest_ipa | c->length) & (pg - 1)))
		return "spec: -EINVAL for incorrect arguments";
	if (c->guest_ipa + c->length < c->guest_ipa)
		return abi612 ? "range wraps past 2^64: copied up to the first page without a memslot (6.12)" :
				"range wraps past 2^64: -EINVAL per the implementation (the spec does not say)";
	if (c->length > MAX_LEN)
		return "length > INT_MAX: -EINVAL per the implementation (the spec does not say)";
	return "spec: bytes copied, or -EFAULT if none";
}

static const char *buf_desc(uintptr_t a)
{
	static char d[64];
	unsigned int i;

	if (!a)
		return "NULL";
	if (a >= (uintptr_t)tbuf && a <= (uintptr_t)tbuf + TBUF_SIZE)
		snprintf(d, sizeof(d), "tbuf+0x%lx", a - (uintptr_t)tbuf);
	else if (a >= (uintptr_t)robuf && a <= (uintptr_t)robuf + ROBUF_SIZE)
		snprintf(d, sizeof(d), "robuf+0x%lx", a - (uintptr_t)robuf);
	else if (a >= (uintptr_t)nonebuf && a < (uintptr_t)nonebuf + pg)
		snprintf(d, sizeof(d), "PROT_NONE+0x%lx", a - (uintptr_t)nonebuf);
	else if (a >= (uintptr_t)unmapped && a < (uintptr_t)unmapped + pg)
		snprintf(d, sizeof(d), "unmapped+0x%lx", a - (uintptr_t)unmapped);
	else
		snprintf(d, sizeof(d), "0x%lx", a);
	for (i = 0; i < NR_SLOTS; i++)
		if (a >= (uintptr_t)slots[i].hva &&
		    a <= (uintptr_t)slots[i].hva + slots[i].size)
			snprintf(d, sizeof(d), "slot %s hva+0x%lx", slots[i].name,
				 a - (uintptr_t)slots[i].hva);
	return d;
}

static void report(enum cat k, const struct kvm_arm_copy_mte_tags *c,
		   const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void report(enum cat k, const struct kvm_arm_copy_mte_tags *c,
		   const char *fmt, ...)
{
	va_list ap;

	if (st[k].printed++ >= MAX_PRINT)
		return;
	printf("# MISMATCH %s (seed %llu call %lu): ipa 0x%llx length 0x%llx flags 0x%llx reserved 0x%llx,0x%llx buf %s: ",
	       cats[k].name, (unsigned long long)seed, call_no,
	       (unsigned long long)c->guest_ipa, (unsigned long long)c->length,
	       (unsigned long long)c->flags,
	       (unsigned long long)c->reserved[0],
	       (unsigned long long)c->reserved[1], buf_desc((uintptr_t)c->addr));
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* Compare the tags of @npages from @ipa with @tags (one byte each). */
static uint64_t compare_tags(const uint8_t *tags, uint64_t ipa, uint64_t npages,
			     uint64_t *first)
{
	uint64_t p, i, bad = 0;
	const uint8_t *sh;
	struct slot *s;

	for (p = 0; p < npages; p++) {
		s = find_slot(ipa + p * pg);
		if (!s)
			continue;
		sh = shadow_at(s, ipa + p * pg);
		if (!memcmp(tags + p * tpp, sh, tpp))
			continue;
		for (i = 0; i < tpp; i++) {
			if (tags[p * tpp + i] != sh[i] && !bad++)
				*first = (p * tpp + i) * 16;
		}
	}
	return bad;
}

/* After a TO_GUEST stopped at @ipa, the page there must be unchanged. */
static void check_stop_page(enum cat k, const struct kvm_arm_copy_mte_tags *c,
			    uint64_t ipa)
{
	uint64_t first = 0, bad;
	long r;

	r = mte_copy_tags(fvm, ipa, pg, vbuf, KVM_ARM_TAGS_FROM_GUEST);
	st[k].verify_calls++;
	if (r != (long)pg) {
		st[k].bad_tags++;
		report(k, c, "reading back the page 0x%llx where TO_GUEST stopped: %s",
		       (unsigned long long)ipa, errname(r));
		return;
	}
	bad = compare_tags(vbuf, ipa, 1, &first);
	if (bad) {
		st[k].bad_tags++;
		report(k, c, "TO_GUEST stopped before page 0x%llx but changed %llu of its tags (first at +0x%llx): a half-written page",
		       (unsigned long long)ipa, (unsigned long long)bad,
		       (unsigned long long)first);
		resync_slot(find_slot(ipa));
	}
}

static void fuzz_call(enum cat k, struct kvm_arm_copy_mte_tags *c)
{
	int write = c->flags == KVM_ARM_TAGS_TO_GUEST;
	uintptr_t a = (uintptr_t)c->addr;
	uint64_t acc = accessible(a, !write), pages, first = 0, bad, stop;
	long want, r;
	struct slot *s;

	want = model(c, acc);
	pages = want > 0 ? want / pg : 0;
	if (want > 0 && write)
		memcpy(snap, c->addr, pages * tpp);
	else if (want > 0)
		memset(c->addr, 0xa5, pages * tpp);	/* not a tag */

	r = mte_copy_tags_args(fvm, c);
	st[k].calls++;
	st[k].out[outcome_of(r, c->length)]++;

	if (r != want) {
		st[k].bad_result++;
		if (want > 0 && (r == want - (long)pg || (r == -EFAULT && want == (long)pg)))
			st[k].one_short++;
		report(k, c, "%s: expected %s, got %s (%s; %llu buffer bytes accessible%s)",
		       write ? "TO_GUEST" : "FROM_GUEST", errname(want),
		       errname(r), model_note(c), (unsigned long long)acc,
		       want > 0 && (r == want - (long)pg ||
				    (r == -EFAULT && want == (long)pg)) ?
		       ": one page short although its tags were all accessible" : "");
		resync_range(c->guest_ipa, c->length);
		return;
	}
	st[k].pages += pages;
	if (write) {
		for (stop = 0; stop < pages; stop++) {
			uint64_t ipa = c->guest_ipa + stop * pg;
			uint8_t *sh = shadow_at(find_slot(ipa), ipa);
			unsigned int i;

			for (i = 0; i < tpp; i++)
				sh[i] = snap[stop * tpp + i] & 0xf;
		}
		/* Stopped by the buffer: that page keeps its old tags */
		if (model(c, ~0UL) != want) {
			stop = c->guest_ipa + pages * pg;
			s = find_slot(stop);
			if (s && !s->ro)
				check_stop_page(k, c, stop);
		}
	} else if (pages) {
		bad = compare_tags(c->addr, c->guest_ipa, pages, &first);
		if (bad) {
			st[k].bad_tags++;
			report(k, c, "FROM_GUEST: %llu of %llu tags differ from the shadow, first at IPA 0x%llx",
			       (unsigned long long)bad,
			       (unsigned long long)pages * tpp,
			       (unsigned long long)(c->guest_ipa + first));
			resync_range(c->guest_ipa, pages * pg);
		}
	}
}

/* ---- generators ---- */
static struct slot *rand_slot(int writable)
{
	struct slot *s;

	do {
		s = &slots[below(NR_SLOTS)];
	} while (writable && s->ro);
	return s;
}

/* 1..max pages, mostly few (a page costs ~15 us under TCG, the peer's ~150) */
static uint64_t rand_pages(uint64_t max)
{
	uint64_t lim, r = below(64);

	if (r == 0)
		return max;
	if (r < 16)
		return 1;
	if (r < 56)
		lim = 4;
	else if (r < 63)
		lim = 32;
	else
		lim = max;
	return 1 + below(lim < max ? lim : max);
}

static uint8_t *aligned_in(uint8_t *base, uint64_t room)
{
	uint64_t off = below(room + 1);

	switch (below(3)) {
	case 0:
		off &= ~(tpp - 1);
		break;
	case 1:
		off &= ~15UL;
		break;
	}
	return base + off;
}

/* A buffer with room for @bytes when possible. */
static void *good_buf(uint64_t bytes, int write)
{
	uint8_t *b;

	if (write && bytes <= ROBUF_SIZE && !below(8))
		return aligned_in(robuf, ROBUF_SIZE - bytes);
	if (bytes > TBUF_SIZE)
		return tbuf;
	b = aligned_in(tbuf, TBUF_SIZE - bytes);
	if (write)
		fill_random(b, bytes);
	return b;
}

static void *bad_buf(int write)
{
	switch (below(write ? 6 : 7)) {
	case 0:
		return NULL;
	case 1:
		return tbuf + TBUF_SIZE;		/* the guard page */
	case 2:
		return nonebuf + below(pg);
	case 3:
		return unmapped + below(pg);
	case 4:
		return (void *)(0xffff800008000000UL + below(SZ_1M));
	case 5:
		return (void *)(1UL << 55 | below(1UL << 40));
	default:
		return robuf + below(ROBUF_SIZE);	/* for FROM_GUEST */
	}
}

/* Any buffer at all, for calls where it must not matter. */
static void *any_buf(int write)
{
	return below(2) ? bad_buf(write) : good_buf(below(4) * tpp, write);
}

/* A valid range within one slot. */
static void in_slot(struct kvm_arm_copy_mte_tags *c, int write)
{
	struct slot *s = rand_slot(write);
	uint64_t np = s->size / pg, o = below(np);

	c->guest_ipa = s->ipa + o * pg;
	c->length = rand_pages(np - o) * pg;
}

static uint64_t hole_ipa(uint64_t *room)
{
	uint64_t ipa;

	switch (below(6)) {
	case 0:		/* below the first slot */
		ipa = below(0x40000000 / pg) * pg;
		break;
	case 1:		/* between thp/ro and pairA */
		ipa = 0x40480000 + below(0x180000 / pg) * pg;
		break;
	case 2:		/* between low and thp */
		ipa = 0x40100000 + below(0x100000 / pg) * pg;
		break;
	case 3:		/* beyond the IPA space */
		ipa = IPA_TOP + below(1UL << 20) * pg;
		break;
	case 4:		/* anywhere below 2^63 */
		ipa = (rnd() >> 1) & ~(pg - 1);
		if (find_slot(ipa))
			ipa = IPA_TOP + pg;
		break;
	default:	/* the last pages below 2^64 */
		ipa = -(2 + below(63)) * pg;
		break;
	}
	/* pages until 2^64 minus one, so that the range does not wrap */
	*room = -ipa / pg - 1;
	if (!ipa)
		*room = ~0UL / pg;
	return ipa;
}

static void gen(enum cat k, struct kvm_arm_copy_mte_tags *c)
{
	int write = below(2) == 0;
	uint64_t n, room, x, j;
	struct slot *s;

	memset(c, 0, sizeof(*c));
	c->flags = write ? KVM_ARM_TAGS_TO_GUEST : KVM_ARM_TAGS_FROM_GUEST;

	switch (k) {
	case C_IN_SLOT:
		in_slot(c, write);
		c->addr = good_buf(c->length / pg * tpp, write);
		break;
	case C_STRADDLE:
		s = rand_slot(write);
		n = s->size / pg;
		x = 1 + below(n < 8 ? n : 8);		/* pages left in the slot */
		c->guest_ipa = s->ipa + (n - x) * pg;
		c->length = (x + 1 + (below(16) ? below(40) : below(600))) * pg;
		c->addr = good_buf(c->length / pg * tpp, write);
		break;
	case C_HOLE:
		c->guest_ipa = hole_ipa(&room);
		n = rand_pages(64);
		c->length = (n < room ? n : room) * pg;
		if (!c->length)
			c->length = pg;
		c->addr = good_buf(c->length / pg * tpp, write);
		break;
	case C_READONLY:
		c->flags = KVM_ARM_TAGS_TO_GUEST;
		s = &slots[2];
		if (below(2)) {		/* from the end of thp into ro */
			x = 1 + below(8);
			c->guest_ipa = s->ipa - x * pg;
			c->length = (x + 1 + below(8)) * pg;
		} else {
			n = s->size / pg;
			x = below(n);
			c->guest_ipa = s->ipa + x * pg;
			c->length = rand_pages(n - x) * pg;
		}
		c->addr = good_buf(c->length / pg * tpp, 1);
		break;
	case C_BAD_BUF:
		in_slot(c, write);
		c->addr = bad_buf(write);
		break;
	case C_SHORT_BUF:
		do {
			in_slot(c, write);
		} while (c->length < 2 * pg);
		n = c->length / pg;
		j = below(n);				/* whole pages that fit */
		switch (below(4)) {
		case 0:
			x = j * tpp;			/* ends at a page's tags */
			break;
		case 1:
			x = j * tpp + 16 * (1 + below(15));
			break;
		default:
			x = j * tpp + 1 + below(tpp - 1);
			break;
		}
		if (write && !below(4) && x <= ROBUF_SIZE) {
			c->addr = robuf + ROBUF_SIZE - x;
		} else if (!below(4)) {
			s = rand_slot(0);
			if (x > s->size)
				x = s->size;
			c->addr = s->hva + s->size - x;
		} else {
			c->addr = tbuf + TBUF_SIZE - x;
			if (write)
				fill_random(c->addr, x);
		}
		break;
	case C_SELF_BUF:
		in_slot(c, write);
		s = below(2) ? find_slot(c->guest_ipa) : rand_slot(0);
		x = c->length / pg * tpp;
		c->addr = aligned_in(s->hva, x < s->size ? s->size - x : 0);
		if (write && !below(2))
			fill_random(c->addr, accessible((uintptr_t)c->addr, 1) < x ?
				    accessible((uintptr_t)c->addr, 1) : x);
		break;
	case C_ZERO:
		if (below(2))
			c->guest_ipa = rand_slot(0)->ipa + below(64) * pg;
		else
			c->guest_ipa = rnd() & ~(pg - 1);
		c->length = 0;
		c->addr = any_buf(write);
		break;
	case C_UNALIGNED:
		in_slot(c, write);
		switch (below(4)) {
		case 0:
			c->guest_ipa += 1 + below(pg - 1);
			break;
		case 1:
			c->length += 1 + below(pg - 1);
			break;
		case 2:
			c->length = 1 + below(pg - 1);
			break;
		default:
			c->guest_ipa += 16 * (1 + below(255));
			c->length -= 16 * (1 + below(255));
			break;
		}
		c->addr = below(4) ? good_buf(c->length / pg * tpp, write) :
				     any_buf(write);
		break;
	case C_WRAP:
		switch (below(4)) {
		case 0:
			in_slot(c, write);
			break;
		case 1:
			c->guest_ipa = slots[NR_SLOTS - 1].ipa;
			break;
		case 2:
			c->guest_ipa = -(1 + below(16)) * pg;
			break;
		default:
			c->guest_ipa = (1 + below(~0UL / pg - 1)) * pg;
			break;
		}
		if (below(4))	/* ends 0 to 15 pages past 2^64 */
			c->length = -c->guest_ipa + below(16) * pg;
		else if (below(2))	/* 2^64 minus up to 16 pages */
			c->length = -(below(16) + 1) * pg;
		else			/* ends anywhere past 2^64 */
			c->length = -c->guest_ipa + (rnd() & ~(pg - 1));
		if (c->guest_ipa + c->length >= c->guest_ipa)
			c->length = -c->guest_ipa;	/* ends at 2^64 */
		c->addr = below(4) ? good_buf(tpp * 4, write) : any_buf(write);
		break;
	case C_TOO_LONG:
		if (below(2))
			in_slot(c, write);
		else
			c->guest_ipa = below(1UL << 28) * pg;
		switch (below(6)) {
		case 0:
			c->length = MAX_LEN + pg;
			break;
		case 1:
			c->length = 1UL << 31;
			break;
		case 2:
			c->length = 1UL << 32;
			break;
		case 3:
			c->length = 1UL << 62;
			break;
		case 4:
			c->length = (MAX_LEN + pg) << below(20);
			break;
		default:
			c->length = MAX_LEN + pg + below(1UL << 40) * pg;
			break;
		}
		c->addr = below(4) ? good_buf(tpp * 4, write) : any_buf(write);
		break;
	case C_FLAGS:
		in_slot(c, write);
		switch (below(6)) {
		case 0:
			c->flags = 2;
			break;
		case 1:
			c->flags = 3;
			break;
		case 2:
			c->flags = 1UL << 63;
			break;
		case 3:
			c->flags = ~0UL;
			break;
		case 4:
			c->flags = 1UL << (1 + below(63));
			break;
		default:
			c->flags = rnd() | 2;
			break;
		}
		c->addr = below(4) ? good_buf(c->length / pg * tpp, 1) :
				     any_buf(1);
		break;
	case C_RESERVED:
		in_slot(c, write);
		switch (below(3)) {
		case 0:
			c->reserved[0] = rnd() | 1UL << below(64);
			break;
		case 1:
			c->reserved[1] = rnd() | 1UL << below(64);
			break;
		default:
			c->reserved[0] = 1UL << below(64);
			c->reserved[1] = 1UL << below(64);
			break;
		}
		if (!below(8))
			c->flags = rnd();
		c->addr = below(4) ? good_buf(c->length / pg * tpp, write) :
				     any_buf(write);
		break;
	default:
		break;
	}
}

static enum cat pick_cat(void)
{
	unsigned int total = 0, i;
	uint64_t r;

	for (i = 0; i < NR_CAT; i++)
		total += cats[i].weight;
	r = below(total);
	for (i = 0; i < NR_CAT; i++) {
		if (r < cats[i].weight)
			return i;
		r -= cats[i].weight;
	}
	return C_IN_SLOT;
}

/* ---- setup of the fuzzed VM ---- */
static void setup_slot(struct slot *s)
{
	size_t align = s->thp ? SZ_2M : pg;
	uint8_t *res = map_anon(s->size + SZ_2M + pg, PROT_NONE,
				MAP_PRIVATE | MAP_NORESERVE);
	uint8_t *h = (uint8_t *)(((uintptr_t)res + align - 1) & ~(align - 1));
	uint64_t half = s->size / pg / 2 * pg;

	s->hva = mmap(h, s->size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (s->hva == MAP_FAILED)
		die("mmap(slot)");
	if (s->thp)
		madvise(s->hva, s->size, MADV_HUGEPAGE);
	s->shadow = calloc(s->size / 16, 1);
	if (!s->shadow)
		die("calloc");
	kvm_add_slot(fvm, s->id, s->ipa, s->size, s->hva);
	/* Tags for the first half; the rest stays never-written (zero) */
	fill_random(tbuf, half / 16);
	if (mte_copy_tags(fvm, s->ipa, half, tbuf, KVM_ARM_TAGS_TO_GUEST) != (long)half)
		die("initial TO_GUEST");
	for (uint64_t i = 0; i < half / 16; i++)
		s->shadow[i] = tbuf[i] & 0xf;
	/* Data in some pages, so that both touched and untouched exist */
	for (uint64_t o = 0; o < s->size; o += 3 * pg)
		s->hva[o] = 1;
	if (s->ro) {
		/* tags set while writable stay when it becomes read-only */
		if (kvm_set_slot(fvm, s->id, 0, s->ipa, 0, s->hva) ||
		    kvm_set_slot(fvm, s->id, KVM_MEM_READONLY, s->ipa,
				 s->size, s->hva))
			die("KVM_SET_USER_MEMORY_REGION(KVM_MEM_READONLY)");
	}
}

/*
 * The same tags through another path than COPY_TAGS itself: the VMM maps
 * the memslots' memory PROT_MTE and reads the tags of a sample of granules
 * with LDG. Pages nobody tagged get zero tags from the kernel when they
 * are mapped tagged, which is what the shadow says of them.
 */
static int verify_slots_ldg(unsigned long samples, unsigned long *checked)
{
	unsigned long n, bad = 0;
	unsigned int i;

	*checked = 0;
	for (i = 0; i < NR_SLOTS; i++) {
		struct slot *s = &slots[i];

		if (mprotect(s->hva, s->size, PROT_READ | PROT_WRITE | PROT_MTE)) {
			printf("# ldg: mprotect(PROT_MTE) of slot %s: %s\n",
			       s->name, strerror(errno));
			return 0;
		}
		for (n = 0; n < samples; n++) {
			uint64_t off = below(s->size / 16) * 16;
			uint64_t p = (uint64_t)(uintptr_t)(s->hva + off);

			asm volatile(".arch_extension memtag\n"
				     "ldg %0, [%0]" : "+r" (p) : : "memory");
			if (((p >> 56) & 0xf) != *shadow_at(s, s->ipa + off) &&
			    !bad++)
				printf("# ldg: slot %s IPA 0x%llx: tag %llu, shadow %u\n",
				       s->name, (unsigned long long)(s->ipa + off),
				       (unsigned long long)((p >> 56) & 0xf),
				       *shadow_at(s, s->ipa + off));
			(*checked)++;
		}
	}
	return !bad;
}

static int verify_slots(unsigned long *pages_checked)
{
	uint64_t first = 0, bad, total = 0;
	unsigned int i;
	long r;

	*pages_checked = 0;
	for (i = 0; i < NR_SLOTS; i++) {
		struct slot *s = &slots[i];
		uint8_t *b = malloc(s->size / 16);

		if (!b)
			die("malloc");
		r = mte_copy_tags(fvm, s->ipa, s->size, b, KVM_ARM_TAGS_FROM_GUEST);
		if (r != (long)s->size) {
			printf("# final: slot %s FROM_GUEST %s, expected %llu\n",
			       s->name, errname(r), (unsigned long long)s->size);
			total++;
		} else {
			bad = compare_tags(b, s->ipa, s->size / pg, &first);
			if (bad)
				printf("# final: slot %s: %llu tags differ from the shadow, first at IPA 0x%llx\n",
				       s->name, (unsigned long long)bad,
				       (unsigned long long)(s->ipa + first));
			total += bad;
			*pages_checked += s->size / pg;
		}
		free(b);
	}
	return total == 0;
}

static void run_fuzz(unsigned long ncalls)
{
	unsigned long cap_again = 0, cap_again_bad = 0, cap_after = 0;
	unsigned long cap_after_bad = 0, pages, i, vcpu_at = ncalls / 20 * 19;
	unsigned long total_pages = 0, total_verify = 0;
	int vcpu = -1, r, ok;
	double t = now_s();
	unsigned int k, o;
	char line[256];
	size_t len;

	fvm = kvm_create_vm(kvm_fd, 1);
	for (k = 0; k < NR_SLOTS; k++)
		setup_slot(&slots[k]);
	/* last mmap() before the calls: nothing is mapped here later */
	unmapped = map_anon(pg, PROT_NONE, MAP_PRIVATE);
	munmap(unmapped, pg);
	printf("# VM: %zu memslots with holes:", NR_SLOTS);
	for (k = 0; k < NR_SLOTS; k++)
		printf(" %s 0x%llx+%lluK%s", slots[k].name,
		       (unsigned long long)slots[k].ipa,
		       (unsigned long long)slots[k].size >> 10,
		       slots[k].ro ? " (read-only)" : "");
	printf("\n");

	for (i = 0; i < ncalls; i++) {
		struct kvm_arm_copy_mte_tags c;
		enum cat kk;

		call_no = i;
		if (i == vcpu_at) {
			vcpu = ioctl(fvm, KVM_CREATE_VCPU, 0);
			if (vcpu < 0)
				die("KVM_CREATE_VCPU");
			printf("# KVM_CREATE_VCPU after %lu calls\n", i);
		}
		if (!below(500) || i == vcpu_at) {
			r = kvm_enable_mte(fvm);
			if (vcpu < 0) {
				cap_again++;
				if (r) {
					cap_again_bad++;
					printf("# KVM_ENABLE_CAP again before any vCPU (call %lu): %s, expected 0\n",
					       i, errname(r));
				}
			} else {
				cap_after++;
				if (r != -EINVAL) {
					cap_after_bad++;
					printf("# KVM_ENABLE_CAP after KVM_CREATE_VCPU (call %lu): %s, expected -EINVAL\n",
					       i, errname(r));
				}
			}
		}
		kk = pick_cat();
		gen(kk, &c);
		fuzz_call(kk, &c);
	}
	t = now_s() - t;

	for (k = 0; k < NR_CAT; k++) {
		len = 0;
		for (o = 0; o < NR_O; o++)
			if (st[k].out[o])
				len += snprintf(line + len, sizeof(line) - len,
						" %s %lu", outcome_names[o],
						st[k].out[o]);
		printf("# %-20s calls %6lu:%s; pages %lu, verify calls %lu\n",
		       cats[k].name, st[k].calls, line, st[k].pages,
		       st[k].verify_calls);
		total_pages += st[k].pages;
		total_verify += st[k].verify_calls;
	}
	printf("# %lu COPY_TAGS calls (+%lu read-backs), %lu guest pages copied, in %.1f s\n",
	       ncalls, total_verify, total_pages, t);
	for (k = 0; k < NR_CAT; k++) {
		ok = !st[k].bad_result && !st[k].bad_tags;
		if (ok)
			result(1, cats[k].name, NULL);
		else
			result(0, cats[k].name,
			       "%lu of %lu results differ from the model (%lu one page short), %lu tag mismatches",
			       st[k].bad_result, st[k].calls, st[k].one_short,
			       st[k].bad_tags);
	}
	result(!cap_again_bad, "enable_cap_again", "%lu calls, %lu not 0",
	       cap_again, cap_again_bad);
	result(cap_after && !cap_after_bad, "enable_cap_after_vcpu",
	       "%lu calls, %lu not -EINVAL", cap_after, cap_after_bad);
	ok = verify_slots(&pages);
	result(ok, "final_tags", "%lu pages of %zu slots compared with the shadow",
	       pages, NR_SLOTS);
	ok = verify_slots_ldg(4096, &pages);
	result(ok, "final_tags_ldg", "%lu granules read with LDG through a PROT_MTE mapping",
	       pages);
	if (vcpu >= 0)
		close(vcpu);
	close(fvm);
	for (k = 0; k < NR_SLOTS; k++) {
		munmap(slots[k].hva, slots[k].size);
		free(slots[k].shadow);
	}
}

/* ---- leaks ---- */
#define LEAK_SIZE	(64UL << 10)

static int expect(long got, long want, const char *what)
{
	if (got == want)
		return 1;
	printf("# %s: %s, expected %s\n", what, errname(got), errname(want));
	return 0;
}

static void test_nonmte_vm(void)
{
	int vm = kvm_create_vm(kvm_fd, 0), ok = 1;
	uint8_t *mem = map_anon(LEAK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);

	kvm_add_slot(vm, 0, 0x40000000, LEAK_SIZE, mem);
	ok &= expect(mte_copy_tags(vm, 0x40000000, LEAK_SIZE, tbuf,
				   KVM_ARM_TAGS_FROM_GUEST), -EINVAL,
		     "non-MTE VM: FROM_GUEST");
	ok &= expect(mte_copy_tags(vm, 0x40000000, LEAK_SIZE, tbuf,
				   KVM_ARM_TAGS_TO_GUEST), -EINVAL,
		     "non-MTE VM: TO_GUEST");
	ok &= expect(mte_copy_tags(vm, 0x40000000, 0, NULL,
				   KVM_ARM_TAGS_FROM_GUEST), -EINVAL,
		     "non-MTE VM: length 0");
	result(ok, "nonmte_vm_einval", NULL);
	close(vm);
	munmap(mem, LEAK_SIZE);
}

/*
 * Shared memory as MTE guest memory: refused (the series on 6.1, whose
 * contract has no VM_SHARED memslots) or, with -a 6.12, accepted where
 * the mapping allows MTE (shmem), as 6.12 does; the results keep their
 * names, what they expect follows the ABI.
 */
static void test_shared_slots(void)
{
	int vm = kvm_create_vm(kvm_fd, 1), ok = 1, fd;
	uint8_t *sh = map_anon(LEAK_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED);
	uint8_t *mf, *mp;
	long refused = abi612 ? 0 : -EINVAL;

	ok &= expect(kvm_set_slot(vm, 0, 0, 0x40000000, LEAK_SIZE, sh), refused,
		     "MTE VM: MAP_SHARED|MAP_ANONYMOUS memslot");
	if (abi612)
		ok &= expect(kvm_set_slot(vm, 0, 0, 0x40000000, 0, sh), 0,
			     "deleting it");
	fd = memfd_create("mte-fuzz", 0);
	if (fd < 0 || ftruncate(fd, LEAK_SIZE))
		die("memfd_create");
	mf = mmap(NULL, LEAK_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	mp = mmap(NULL, LEAK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (mf == MAP_FAILED || mp == MAP_FAILED)
		die("mmap(memfd)");
	ok &= expect(kvm_set_slot(vm, 0, 0, 0x40000000, LEAK_SIZE, mf), refused,
		     "MTE VM: MAP_SHARED memfd memslot");
	if (abi612)
		ok &= expect(kvm_set_slot(vm, 0, 0, 0x40000000, 0, mf), 0,
			     "deleting it");
	/* A private mapping of the same memfd is fine, and its tags work */
	ok &= expect(kvm_set_slot(vm, 1, 0, 0x40000000, LEAK_SIZE, mp), 0,
		     "MTE VM: MAP_PRIVATE memfd memslot");
	memset(tbuf, 7, LEAK_SIZE / 16);
	ok &= expect(mte_copy_tags(vm, 0x40000000, LEAK_SIZE, tbuf,
				   KVM_ARM_TAGS_TO_GUEST), LEAK_SIZE,
		     "MAP_PRIVATE memfd memslot: TO_GUEST");
	memset(tbuf, 0, LEAK_SIZE / 16);
	ok &= expect(mte_copy_tags(vm, 0x40000000, LEAK_SIZE, tbuf,
				   KVM_ARM_TAGS_FROM_GUEST), LEAK_SIZE,
		     "MAP_PRIVATE memfd memslot: FROM_GUEST");
	for (unsigned long i = 0; i < LEAK_SIZE / 16; i++) {
		if (tbuf[i] != 7) {
			printf("# MAP_PRIVATE memfd memslot: tag %lu reads %u, wrote 7\n",
			       i, tbuf[i]);
			ok = 0;
			break;
		}
	}
	result(ok, "shared_slot_einval", NULL);
	close(vm);
	munmap(mf, LEAK_SIZE);
	munmap(mp, LEAK_SIZE);
	close(fd);

	/* A shared memslot that exists when the capability is enabled */
	vm = kvm_create_vm(kvm_fd, 0);
	ok = expect(kvm_set_slot(vm, 0, 0, 0x40000000, LEAK_SIZE, sh), 0,
		    "non-MTE VM: MAP_SHARED memslot");
	ok &= expect(kvm_enable_mte(vm), refused,
		     "KVM_ENABLE_CAP(MTE) with a MAP_SHARED memslot present (spec: MTE VMs have no VM_SHARED memslots; 6.12 allows it)");
	ok &= expect(kvm_set_slot(vm, 0, 0, 0x40000000, 0, sh), 0,
		     "deleting the shared memslot");
	ok &= expect(kvm_enable_mte(vm), 0,
		     "KVM_ENABLE_CAP(MTE) once the shared memslot is gone");
	result(ok, "shared_slot_then_cap", NULL);
	close(vm);
	munmap(sh, LEAK_SIZE);

	/* A private memslot whose mapping is replaced by a shared one */
	vm = kvm_create_vm(kvm_fd, 1);
	mp = map_anon(LEAK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	memset(mp, 1, LEAK_SIZE);
	ok = expect(kvm_set_slot(vm, 0, 0, 0x40000000, LEAK_SIZE, mp), 0,
		    "MTE VM: MAP_PRIVATE memslot");
	if (mmap(mp, LEAK_SIZE, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != mp)
		die("mmap(MAP_SHARED|MAP_FIXED)");
	memset(tbuf, 5, LEAK_SIZE / 16);
	ok &= expect(mte_copy_tags(vm, 0x40000000, LEAK_SIZE, tbuf,
				   KVM_ARM_TAGS_TO_GUEST), abi612 ? LEAK_SIZE : -EFAULT,
		     "TO_GUEST on a memslot now backed by MAP_SHARED memory");
	ok &= expect(mte_copy_tags(vm, 0x40000000, LEAK_SIZE, tbuf,
				   KVM_ARM_TAGS_FROM_GUEST), abi612 ? LEAK_SIZE : -EFAULT,
		     "FROM_GUEST on a memslot now backed by MAP_SHARED memory");
	result(ok, "shared_remap_copy", NULL);
	close(vm);
	munmap(mp, LEAK_SIZE);
}

#define RECYCLE_SIZE	(16UL << 20)
#define RECYCLE_ROUNDS	3

/*
 * Tag all memory of a VM, destroy it, then a new VM's memory (touched by
 * the VMM, so it reuses freed pages, and untouched) must read zero tags.
 */
static void test_recycled(void)
{
	uint8_t *tags = map_anon(RECYCLE_SIZE / 16, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE);
	unsigned long i, nonzero = 0, round;
	int ok = 1, vm;
	uint8_t *mem;
	long r;

	for (round = 0; round < RECYCLE_ROUNDS; round++) {
		vm = kvm_create_vm(kvm_fd, 1);
		mem = map_anon(RECYCLE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
		memset(mem, 0x5a, RECYCLE_SIZE);
		kvm_add_slot(vm, 0, 0x40000000, RECYCLE_SIZE, mem);
		for (i = 0; i < RECYCLE_SIZE / 16; i++)
			tags[i] = 1 + below(15);
		r = mte_copy_tags(vm, 0x40000000, RECYCLE_SIZE, tags,
				  KVM_ARM_TAGS_TO_GUEST);
		ok &= expect(r, RECYCLE_SIZE, "recycle: TO_GUEST");
		munmap(mem, RECYCLE_SIZE);
		close(vm);

		vm = kvm_create_vm(kvm_fd, 1);
		mem = map_anon(RECYCLE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
		memset(mem, 0x3c, RECYCLE_SIZE / 2);	/* the rest untouched */
		kvm_add_slot(vm, 0, 0x40000000, RECYCLE_SIZE, mem);
		memset(tags, 0xee, RECYCLE_SIZE / 16);
		r = mte_copy_tags(vm, 0x40000000, RECYCLE_SIZE, tags,
				  KVM_ARM_TAGS_FROM_GUEST);
		ok &= expect(r, RECYCLE_SIZE, "recycle: FROM_GUEST on the new VM");
		for (i = 0; i < RECYCLE_SIZE / 16; i++)
			nonzero += tags[i] != 0;
		munmap(mem, RECYCLE_SIZE);
		close(vm);
	}
	if (nonzero)
		printf("# recycle: %lu granules of a new VM read non-zero tags\n",
		       nonzero);
	result(ok && !nonzero, "recycled_pages_zero",
	       "%d rounds of %lu MiB", RECYCLE_ROUNDS, RECYCLE_SIZE >> 20);
	munmap(tags, RECYCLE_SIZE / 16);
}

int main(int argc, char **argv)
{
	unsigned long ncalls = 100000;
	double t0 = now_s();
	int opt;

	pg = sysconf(_SC_PAGESIZE);
	tpp = pg / 16;

	/* the test VM has no RTC: time() alone would repeat between boots */
	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != sizeof(seed))
		seed = (uint64_t)(now_s() * 1e9) ^ getpid();
	while ((opt = getopt(argc, argv, "s:n:a:")) != -1) {
		switch (opt) {
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'n':
			ncalls = strtoul(optarg, NULL, 0);
			break;
		case 'a':
			abi612 = !strcmp(optarg, "6.12");
			if (!abi612 && strcmp(optarg, "6.1"))
				goto usage;
			break;
		default:
usage:
			fprintf(stderr, "usage: %s [-s SEED] [-n CALLS] [-a 6.1|6.12]\n", argv[0]);
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	rng = seed;

	kvm_fd = tap_open_kvm_mte();
	if (kvm_fd < 0)
		return KSFT_SKIP;
	printf("1..%d\n", NR_CAT + 3 + 5);
	printf("# seed %llu (reproduce: mte-fuzz -s %llu -n %lu)\n",
	       (unsigned long long)seed, (unsigned long long)seed, ncalls);

	tbuf = map_anon(TBUF_SIZE + pg, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	if (mprotect(tbuf + TBUF_SIZE, pg, PROT_NONE))
		die("mprotect");
	robuf = map_anon(ROBUF_SIZE + pg, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	fill_random(robuf, ROBUF_SIZE);
	if (mprotect(robuf, ROBUF_SIZE, PROT_READ) ||
	    mprotect(robuf + ROBUF_SIZE, pg, PROT_NONE))
		die("mprotect");
	nonebuf = map_anon(pg, PROT_NONE, MAP_PRIVATE);
	snap = malloc(SZ_1M);
	vbuf = malloc(tpp);
	if (!snap || !vbuf)
		die("malloc");

	run_fuzz(ncalls);
	test_nonmte_vm();
	test_shared_slots();
	test_recycled();

	return tap_finish(t0);
}
