// SPDX-License-Identifier: GPL-2.0
/*
 * Emulator self-check, run first inside the test VM.
 *
 * MTE keeps one 4-bit tag per 16-byte granule. QEMU before 8.x (bookworm's
 * 7.2) kept a single tag per page when the page is mapped by a nested
 * stage of translation, so every STG in a page overwrote the same tag and
 * every tag round-trip test then fails for reasons that have nothing to do
 * with the kernel. Detect that here and say so in one line.
 *
 * Exit: 0 sane, 1 broken emulator, 4 (KSFT_SKIP) no MTE at all.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/prctl.h>

#ifndef HWCAP2_MTE
#define HWCAP2_MTE		(1 << 18)
#endif
#ifndef PROT_MTE
#define PROT_MTE		0x20
#endif
#ifndef PR_SET_TAGGED_ADDR_CTRL
#define PR_SET_TAGGED_ADDR_CTRL	55
#define PR_TAGGED_ADDR_ENABLE	(1UL << 0)
#endif
#ifndef PR_MTE_TCF_NONE
#define PR_MTE_TCF_NONE		0
#endif
#ifndef PR_MTE_TAG_SHIFT
#define PR_MTE_TAG_SHIFT	3
#endif

static inline void *tag_ptr(void *p, unsigned int tag)
{
	return (void *)(((uintptr_t)p & ~(0xfUL << 56)) | ((uintptr_t)tag << 56));
}

static inline void stg(void *p)
{
	asm volatile(".arch_extension memtag\n stg %0, [%0]" : : "r"(p) : "memory");
}

static inline unsigned int ldg(void *p)
{
	void *r = p;

	asm volatile(".arch_extension memtag\n ldg %0, [%0]" : "+r"(r) : : "memory");
	return ((uintptr_t)r >> 56) & 0xf;
}

int main(void)
{
	unsigned char *page;
	unsigned int i, bad = 0;

	if (!(getauxval(AT_HWCAP2) & HWCAP2_MTE)) {
		printf("mte-selfcheck: no MTE on this CPU/kernel (HWCAP2_MTE clear)\n");
		return 4;
	}
	if (prctl(PR_SET_TAGGED_ADDR_CTRL, PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_NONE |
		  (0xfffeUL << PR_MTE_TAG_SHIFT), 0, 0, 0)) {
		perror("mte-selfcheck: PR_SET_TAGGED_ADDR_CTRL");
		return 1;
	}
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_MTE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED) {
		perror("mte-selfcheck: mmap(PROT_MTE)");
		return 1;
	}
	/* A different tag in each of the 256 granules of the page. */
	for (i = 0; i < 256; i++)
		stg(tag_ptr(page + 16 * i, i & 0xf));
	for (i = 0; i < 256; i++)
		if (ldg(page + 16 * i) != (i & 0xf))
			bad++;
	if (bad) {
		printf("mte-selfcheck: EMULATOR BROKEN: %u of 256 granule tags did not read back; "
		       "this QEMU does not keep one tag per 16-byte granule. "
		       "Use qemu-system-arm >= 8 (bookworm-backports).\n", bad);
		return 1;
	}
	printf("mte-selfcheck: ok, 256 granule tags round-trip\n");
	return 0;
}
