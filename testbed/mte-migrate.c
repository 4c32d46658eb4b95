// SPDX-License-Identifier: GPL-2.0
/*
 * mte-migrate: migrate a guest that uses MTE from one VM to another, the
 * way a VMM does for live migration, and check that the guest does not
 * notice.
 *
 *   live       (the default mode; see run_live()) VM A runs a bare-metal
 *              guest (AArch64 assembly, at the end of this file) that keeps
 *              changing the data and the tags of a 1 MiB buffer, recording
 *              what it did. The source sends all memory and tags to a child
 *              process over a socket, then rounds of dirty pages (dirty
 *              logging: tag-only stores must show there too), stops the
 *              vCPU, sends the last dirty pages and every register. VM B, in
 *              the child, restores memory, tags (KVM_ARM_MTE_COPY_TAGS
 *              TO_GUEST) and registers and resumes; the guest checks every
 *              granule against its record and takes a tag check fault on
 *              purpose. Prints each round (pages, tag bytes, time) and the
 *              downtime.
 *   stop-copy  VM A's guest tags the buffer once and stops; memory, every
 *              register of KVM_GET_REG_LIST and the tags are saved, VM A is
 *              destroyed, VM B restored from the saved state (see
 *              run_stop_copy()).
 *
 *   mte-migrate                      all three below, as TAP results
 *   mte-migrate --live | --stop-copy [--no-tags]
 *   mte-migrate --live --no-tags-control
 *     --no-tags          do not restore the tags on VM B: the guest must
 *                        then find wrong tags and this program fail
 *     --no-tags-control  the same as a negative control: succeed only if
 *                        the guest found a wrong tag
 *
 * Exit: 0 migration OK, 1 any failure, 4 (KSFT_SKIP) no KVM or no
 * KVM_CAP_ARM_MTE. Plain ioctls, no selftest library.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "kvm-helpers.h"
#include "tap.h"

/*
 * Guest physical layout, shared with the guest code (plain numbers: they
 * are pasted into the assembly as text).
 *   0x00000000-0x3fffffff  device (1 GiB block); MMIO window at 0x10000000,
 *                          outside every memslot, so stores exit to us
 *   0x40000000-0x403fffff  RAM, one memslot: code at the start, page table,
 *                          stack, and the tagged buffer at +1 MiB
 */
#define RAM_BASE	0x40000000
#define RAM_SIZE	0x400000
#define PGTABLE		0x40010000
#define STACK_TOP	0x40020000
#define BUF_BASE	0x40100000
#define BUF_GRANULES	0x10000		/* 1 MiB of 16-byte granules */
#define WRONG_GRANULE	5		/* the one accessed with a wrong tag */
#define MMIO_BASE	0x10000000
/* MMIO window: the guest stores arguments first, then a command */
#define MMIO_CMD	0x0
#define MMIO_ARG0	0x8
#define MMIO_ARG1	0x10
#define MMIO_ARG2	0x18
#define MMIO_ARG3	0x20
#define MMIO_SIZE	0x28
/* commands */
#define CMD_READY	1	/* A: buffer tagged and filled (granules, address) */
#define CMD_SYSREGS	2	/* B: GCR_EL1, RGSR_EL1, TFSR_EL1, TFSRE0_EL1 */
#define CMD_CHECKED	3	/* B: every tag and data word right (granules) */
#define CMD_BAD_TAG	4	/* B: granule, tag found, tag expected */
#define CMD_BAD_DATA	5	/* B: granule, words found */
#define CMD_EXCEPTION	6	/* ESR_EL1, FAR_EL1, ELR_EL1, vector number */
#define CMD_NO_FAULT	7	/* B: the wrong tag did not fault */
#define CMD_DONE	8

/* Live migration (the default mode): the guest's record and mailbox */
#define LIVE_REC	0x40200000	/* per granule: data version, tag version */
#define LIVE_MAILBOX	0x40300000	/* [0] "check now", [8] ops, [16..] per kind */
#define LIVE_MAX_ROUNDS	8		/* pre-copy rounds after the full copy */
#define LIVE_DIRTY_STOP	64		/* stop once a round finds this few pages */
#define LIVE_HOT_MASK	0x7ff		/* most changes: the first 2048 granules */
#define LIVE_ROUND_MS	30		/* the guest works at least this long a round */

#define STR_(x) #x
#define STR(x) STR_(x)

/* The guest's code, copied to RAM_BASE; see the end of this file. */
extern const unsigned char guest_start[], guest_resume[], guest_end[];
extern const unsigned char live_start[], live_end[];

#define GUEST_TIMEOUT	120	/* seconds per KVM_RUN phase, under emulation */
#define MAX_REG_BYTES	256	/* largest ONE_REG (an SVE Z register) */

struct vm {
	char name;			/* 'A' or 'B' */
	int fd, vcpu;
	struct kvm_run *run;
	size_t run_size;
	unsigned char *ram;		/* the VMM's (untagged) view of RAM */
	uint64_t arg[4];		/* last arguments the guest stored */
};

struct saved_reg {
	uint64_t id;
	uint64_t val[MAX_REG_BYTES / 8];
};

/* --abi-6.12: what Debian's 6.12 allows differs (show_shared_refused()) */
static int abi612;
/* the physical counter (6.12 has it in the register list): it runs too */
#define REG_ARM_PTIMER_CNT	ARM64_SYS_REG(3, 3, 14, 0, 1)

static int kvm_fd = -1;
static int failures;
static volatile sig_atomic_t timed_out;

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("  FAIL: ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	failures++;
}

/* What an errno from one of the ioctls used here means, per the KVM API. */
static const char *meaning(const char *op, int err)
{
	if (err == ENOTTY)
		return "this kernel does not know the ioctl";
	if (err == ENOMEM)
		return "the kernel is out of memory";
	if (!strcmp(op, "KVM_ENABLE_CAP") && err == EINVAL)
		return "the host has no MTE, a vCPU already exists, or a memslot is VM_SHARED";
	if (!strcmp(op, "KVM_SET_USER_MEMORY_REGION") && err == EINVAL)
		return "refused: VM_SHARED memory in an MTE VM, or bad alignment/overlap";
	if (!strcmp(op, "KVM_SET_USER_MEMORY_REGION") && err == EEXIST)
		return "the range overlaps another memslot";
	if (!strcmp(op, "KVM_ARM_MTE_COPY_TAGS") && err == EINVAL)
		return "MTE not enabled on the VM, unaligned ipa/length, bad flags or reserved";
	if (!strcmp(op, "KVM_ARM_MTE_COPY_TAGS") && err == EFAULT)
		return "a page is not in a memslot, cannot be brought in or is shared, or the buffer is bad";
	if (!strcmp(op, "KVM_ARM_VCPU_INIT") && err == EINVAL)
		return "target or feature not supported";
	if (!strcmp(op, "KVM_RUN") && err == EINTR)
		return timed_out ? "the watchdog alarm fired: the guest hangs"
				 : "interrupted by a signal before running the guest";
	if (!strcmp(op, "KVM_RUN") && err == EFAULT)
		return "guest memory could not be mapped (e.g. a shared mapping replaced the memslot)";
	if (!strcmp(op, "KVM_RUN") && err == ENOEXEC)
		return "the vCPU was not initialised (KVM_ARM_VCPU_INIT)";
	if (strstr(op, "ONE_REG") && err == ENOENT)
		return "no such register for this vCPU";
	if (strstr(op, "ONE_REG") && err == EINVAL)
		return "value or register id not accepted (e.g. an ID register that differs)";
	if (strstr(op, "ONE_REG") && err == EBUSY)
		return "cannot be changed once the vCPU has run";
	if (strstr(op, "ONE_REG") && err == EPERM)
		return "vCPU not finalised";
	if (!strcmp(op, "KVM_GET_REG_LIST") && err == E2BIG)
		return "the list has more registers than room was given";
	return "unexpected for this call";
}

/*
 * The result @r of @op, an ioctl that must work: if it failed (r < 0,
 * errno set), say what failed and why, and exit.
 */
static long xcheck(long r, const char *op)
{
	if (r < 0) {
		int e = errno;

		printf("  FAIL: %s: %s (%s): %s\n", op, strerrorname_np(e),
		       strerror(e), meaning(op, e));
		printf("MIGRATION FAILED: %s\n", op);
		exit(1);
	}
	return r;
}
#define xioctl(fd, req, arg) xcheck(ioctl(fd, req, (void *)(arg)), #req)

/* Register ids (and CORE_REG(), in kvm-helpers.h) */
#define SYS_REG(op0, op1, crn, crm, op2) ARM64_SYS_REG(op0, op1, crn, crm, op2)

static const struct {
	uint64_t id;
	const char *name;
} named_regs[] = {
	{ CORE_REG(regs.pc),	"PC" },
	{ CORE_REG(sp_el1),	"SP_EL1" },
	{ CORE_REG(regs.pstate), "PSTATE" },
	{ CORE_REG(regs.regs[19]), "X19 (buffer)" },
	{ CORE_REG(regs.regs[20]), "X20 (granules)" },
	{ SYS_REG(3, 0, 1, 0, 0),  "SCTLR_EL1" },
	{ SYS_REG(3, 0, 2, 0, 2),  "TCR_EL1" },
	{ SYS_REG(3, 0, 2, 0, 0),  "TTBR0_EL1" },
	{ SYS_REG(3, 0, 10, 2, 0), "MAIR_EL1" },
	{ SYS_REG(3, 0, 12, 0, 0), "VBAR_EL1" },
	{ SYS_REG(3, 0, 1, 0, 6),  "GCR_EL1" },
	{ SYS_REG(3, 0, 1, 0, 5),  "RGSR_EL1" },
	{ SYS_REG(3, 0, 5, 6, 0),  "TFSR_EL1" },
	{ SYS_REG(3, 0, 5, 6, 1),  "TFSRE0_EL1" },
};
#define NR_NAMED (sizeof(named_regs) / sizeof(named_regs[0]))
#define NAMED_MTE_FIRST 10	/* GCR_EL1 onwards: the MTE registers */

static size_t reg_size(uint64_t id)
{
	return 1UL << ((id & KVM_REG_SIZE_MASK) >> KVM_REG_SIZE_SHIFT);
}

static const char *reg_name(uint64_t id)
{
	static char buf[64];
	unsigned int i;

	for (i = 0; i < NR_NAMED; i++)
		if (named_regs[i].id == id)
			return named_regs[i].name;
	if ((id & KVM_REG_ARM_COPROC_MASK) == KVM_REG_ARM64_SYSREG)
		snprintf(buf, sizeof(buf), "sysreg(%u,%u,%u,%u,%u)",
			 (unsigned int)((id & KVM_REG_ARM64_SYSREG_OP0_MASK) >> KVM_REG_ARM64_SYSREG_OP0_SHIFT),
			 (unsigned int)((id & KVM_REG_ARM64_SYSREG_OP1_MASK) >> KVM_REG_ARM64_SYSREG_OP1_SHIFT),
			 (unsigned int)((id & KVM_REG_ARM64_SYSREG_CRN_MASK) >> KVM_REG_ARM64_SYSREG_CRN_SHIFT),
			 (unsigned int)((id & KVM_REG_ARM64_SYSREG_CRM_MASK) >> KVM_REG_ARM64_SYSREG_CRM_SHIFT),
			 (unsigned int)((id & KVM_REG_ARM64_SYSREG_OP2_MASK) >> KVM_REG_ARM64_SYSREG_OP2_SHIFT));
	else
		snprintf(buf, sizeof(buf), "reg 0x%llx", (unsigned long long)id);
	return buf;
}

static uint64_t get_reg64(struct vm *vm, uint64_t id)
{
	uint64_t v = 0;
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)&v };

	xioctl(vm->vcpu, KVM_GET_ONE_REG, &reg);
	return v;
}

static void alarm_handler(int sig)
{
	timed_out = 1;
}

/*
 * An MTE VM must refuse MAP_SHARED guest memory: show that @vm does. With
 * --abi-6.12, as Debian's 6.12 does, it takes shared memory that allows
 * MTE (shmem): show that instead.
 */
static void show_shared_refused(struct vm *vm)
{
	void *shared = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE,
			    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int r;

	if (shared == MAP_FAILED)
		die_with("  FAIL: ", "mmap(MAP_SHARED)", 0);
	r = kvm_set_slot(vm->fd, 0, 0, RAM_BASE, RAM_SIZE, shared);
	if (abi612) {
		if (r)
			fail("%c: MAP_SHARED memslot: %s (%s), 6.12 takes it",
			     vm->name, strerrorname_np(-r), strerror(-r));
		else
			printf("  %c: MAP_SHARED memslot taken, as 6.12 does for shmem\n", vm->name);
		if (!r)
			xcheck(kvm_set_slot(vm->fd, 0, 0, RAM_BASE, 0, shared),
			       "KVM_SET_USER_MEMORY_REGION");
	} else if (r == 0) {
		fail("%c: a MAP_SHARED memslot was accepted in an MTE VM (must be EINVAL)", vm->name);
		/* delete it again */
		xcheck(kvm_set_slot(vm->fd, 0, 0, RAM_BASE, 0, shared),
		       "KVM_SET_USER_MEMORY_REGION");
	} else if (r != -EINVAL) {
		fail("%c: MAP_SHARED memslot: %s (%s), expected EINVAL",
		     vm->name, strerrorname_np(-r), strerror(-r));
	} else {
		printf("  %c: MAP_SHARED memslot refused as it must be: KVM_SET_USER_MEMORY_REGION -> "
		       "EINVAL (%s)\n", vm->name, strerror(EINVAL));
	}
	munmap(shared, RAM_SIZE);
}

/* Create a VM with MTE, its RAM memslot and one vCPU at the guest's entry. */
static void vm_create(struct vm *vm, char name, int *target, int show_shared)
{
	struct kvm_vcpu_init init;
	int r;

	memset(vm, 0, sizeof(*vm));
	vm->name = name;
	vm->fd = xioctl(kvm_fd, KVM_CREATE_VM, 0);

	r = ioctl(vm->fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_MTE);
	if (r < 0)
		die_with("  FAIL: ", "KVM_CHECK_EXTENSION on the VM fd", 0);
	if (r == 0) {
		printf("mte-migrate: SKIP: KVM_CHECK_EXTENSION(KVM_CAP_ARM_MTE=%d) = %d: "
		       "this kernel/host cannot give guests MTE, nothing to migrate\n",
		       KVM_CAP_ARM_MTE, r);
		exit(KSFT_SKIP);
	}
	xcheck(kvm_enable_mte(vm->fd), "KVM_ENABLE_CAP");
	printf("  %c: KVM_CHECK_EXTENSION(KVM_CAP_ARM_MTE=%d) = %d, KVM_ENABLE_CAP: ok (before any vCPU)\n",
	       name, KVM_CAP_ARM_MTE, r);

	if (show_shared)
		show_shared_refused(vm);

	vm->ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->ram == MAP_FAILED)
		die_with("  FAIL: ", "mmap(guest RAM)", 0);
	xcheck(kvm_set_slot(vm->fd, 0, 0, RAM_BASE, RAM_SIZE, vm->ram),
	       "KVM_SET_USER_MEMORY_REGION");
	printf("  %c: memslot 0: %d KiB private anonymous memory at IPA 0x%x\n",
	       name, RAM_SIZE >> 10, RAM_BASE);

	vm->vcpu = xioctl(vm->fd, KVM_CREATE_VCPU, 0);
	xioctl(vm->fd, KVM_ARM_PREFERRED_TARGET, &init);
	if (*target >= 0 && (int)init.target != *target)
		fail("%c: preferred vCPU target %u differs from VM A's %d", name, init.target, *target);
	*target = init.target;
	xioctl(vm->vcpu, KVM_ARM_VCPU_INIT, &init);
	vm->run_size = xioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	vm->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vm->vcpu, 0);
	if (vm->run == MAP_FAILED)
		die_with("  FAIL: ", "mmap(kvm_run)", 0);
	printf("  %c: vCPU 0: KVM_ARM_VCPU_INIT with the preferred target (%u)\n", name, init.target);
}

static void vm_destroy(struct vm *vm)
{
	munmap(vm->run, vm->run_size);
	munmap(vm->ram, RAM_SIZE);
	close(vm->vcpu);
	close(vm->fd);
}

/*
 * Run the guest until it stores a command to the MMIO window; return the
 * command (its arguments are in vm->arg). Any other exit is a failure.
 */
static uint64_t guest_event(struct vm *vm)
{
	struct kvm_run *run = vm->run;
	uint64_t off, val;

	for (;;) {
		timed_out = 0;
		alarm(GUEST_TIMEOUT);
		xioctl(vm->vcpu, KVM_RUN, 0);
		alarm(0);
		if (run->exit_reason != KVM_EXIT_MMIO) {
			printf("  FAIL: %c: unexpected exit reason %u%s (PC 0x%llx)\n", vm->name,
			       run->exit_reason,
			       run->exit_reason == KVM_EXIT_FAIL_ENTRY ? " (KVM_EXIT_FAIL_ENTRY)" :
			       run->exit_reason == KVM_EXIT_INTERNAL_ERROR ? " (KVM_EXIT_INTERNAL_ERROR)" :
			       run->exit_reason == KVM_EXIT_SYSTEM_EVENT ? " (KVM_EXIT_SYSTEM_EVENT)" : "",
			       (unsigned long long)get_reg64(vm, CORE_REG(regs.pc)));
			printf("MIGRATION FAILED: guest stopped unexpectedly\n");
			exit(1);
		}
		off = run->mmio.phys_addr - MMIO_BASE;
		if (!run->mmio.is_write || run->mmio.len != 8 || off >= MMIO_SIZE || off % 8) {
			printf("  FAIL: %c: unexpected MMIO %s of %u bytes at 0x%llx\n", vm->name,
			       run->mmio.is_write ? "write" : "read", run->mmio.len,
			       (unsigned long long)run->mmio.phys_addr);
			printf("MIGRATION FAILED: guest stopped unexpectedly\n");
			exit(1);
		}
		memcpy(&val, run->mmio.data, 8);
		if (off == MMIO_CMD)
			return val;
		vm->arg[off / 8 - 1] = val;
	}
}

static void report_exception(struct vm *vm)
{
	fail("%c: the guest took an unexpected exception: ESR_EL1 0x%llx (EC 0x%llx), FAR_EL1 0x%llx, "
	     "ELR_EL1 0x%llx, vector %llu", vm->name, (unsigned long long)vm->arg[0],
	     (unsigned long long)(vm->arg[0] >> 26), (unsigned long long)vm->arg[1],
	     (unsigned long long)vm->arg[2], (unsigned long long)vm->arg[3]);
}

/*
 * The guest on VM B checked its buffer and did not report CMD_CHECKED:
 * say what it found. Return 1 if that was a wrong tag: one its check
 * found, or a tag check fault (the live guest may resume in the middle of
 * a change, whose store then meets the wrong tag first).
 */
static int check_failed(struct vm *b, uint64_t cmd)
{
	switch (cmd) {
	case CMD_BAD_TAG:
		fail("the guest on VM B finds tag %llu on granule %llu of its buffer, expected %llu",
		     (unsigned long long)b->arg[1], (unsigned long long)b->arg[0],
		     (unsigned long long)b->arg[2]);
		return 1;
	case CMD_BAD_DATA:
		fail("the guest on VM B finds 0x%llx 0x%llx in granule %llu of its buffer",
		     (unsigned long long)b->arg[1], (unsigned long long)b->arg[2],
		     (unsigned long long)b->arg[0]);
		break;
	case CMD_EXCEPTION:
		report_exception(b);
		/* a synchronous tag check fault (EC 0x25, DFSC 0x11): a wrong tag */
		return b->arg[0] >> 26 == 0x25 && (b->arg[0] & 0x3f) == 0x11;
	default:
		fail("unexpected guest command %llu", (unsigned long long)cmd);
	}
	return 0;
}

/* The tag the guest gives the granule at RAM offset @off: 0 outside the buffer. */
static unsigned char expected_tag(uint64_t off)
{
	uint64_t buf = BUF_BASE - RAM_BASE;

	if (off < buf || off >= buf + BUF_GRANULES * 16ULL)
		return 0;
	return ((off - buf) / 16) % 16;
}

/* The tags of all of RAM, which must all be copied */
static long copy_ram_tags(struct vm *vm, unsigned char *tags, uint64_t flags)
{
	long r = xcheck(mte_copy_tags(vm->fd, RAM_BASE, RAM_SIZE, tags, flags),
			"KVM_ARM_MTE_COPY_TAGS");

	if (r != RAM_SIZE)
		fail("%c: KVM_ARM_MTE_COPY_TAGS copied the tags of %ld bytes, not %d",
		     vm->name, r, RAM_SIZE);
	return r;
}

/*
 * Stop-and-copy: the guest is stopped, saved, VM A destroyed, then VM B.
 * The steps below share this: what is kept of VM A once it is gone.
 */
struct stop_copy {
	struct vm a, b;
	int target;			/* VM A's vCPU target, for VM B */
	uint64_t resume_pc;		/* where VM B resumes the guest */
	unsigned char *mem;		/* RAM */
	unsigned char *tags;		/* a tag byte per granule of RAM */
	unsigned char *tags_back;	/* VM B's, read back */
	struct saved_reg *saved;	/* every register of KVM_GET_REG_LIST */
	uint64_t n;			/* how many */
};

/* [1] VM A: run the guest until it has tagged its buffer; 1 if it did not */
static int stop_copy_run_a(struct stop_copy *sc)
{
	size_t code_size = guest_end - guest_start;
	struct vm *a = &sc->a;
	uint64_t cmd, pc = RAM_BASE;
	struct kvm_one_reg one = { .id = CORE_REG(regs.pc), .addr = (uintptr_t)&pc };
	double t;

	printf("[1] VM A: create, run the guest until it has tagged its buffer\n");
	vm_create(a, 'A', &sc->target, 1);
	memcpy(a->ram, guest_start, code_size);
	xioctl(a->vcpu, KVM_SET_ONE_REG, &one);
	printf("  A: guest code: %zu bytes at IPA 0x%x; it enables the MMU (RAM Normal-Tagged, MAIR 0xf0), "
	       "SCTLR_EL1.ATA, TCF=sync, tags %d granules\n", code_size, RAM_BASE, BUF_GRANULES);
	t = now_ms();
	cmd = guest_event(a);
	if (cmd == CMD_EXCEPTION)
		report_exception(a);
	if (cmd != CMD_READY) {
		printf("MIGRATION FAILED: VM A's guest did not get ready (command %llu)\n",
		       (unsigned long long)cmd);
		return 1;
	}
	printf("  A: guest ready: %llu granules at 0x%llx tagged (tag = index %% 16) and filled "
	       "through tagged pointers (%.1f ms)\n", (unsigned long long)a->arg[0],
	       (unsigned long long)a->arg[1], now_ms() - t);
	return 0;
}

/* [2] Stop VM A's vCPU right after the guest's "ready" store; 1 on failure */
static int stop_copy_stop_a(struct stop_copy *sc)
{
	struct vm *a = &sc->a;
	uint64_t pc;

	printf("[2] save VM A's state\n");
	/*
	 * The "ready" store is still pending (the PC points at it): KVM
	 * completes an MMIO access on the next KVM_RUN. immediate_exit makes
	 * that KVM_RUN complete it and return EINTR without running the guest.
	 */
	a->run->immediate_exit = 1;
	if (ioctl(a->vcpu, KVM_RUN, 0) != -1 || errno != EINTR) {
		printf("  FAIL: KVM_RUN with immediate_exit: expected EINTR, got %s\n", strerror(errno));
		return 1;
	}
	a->run->immediate_exit = 0;
	pc = get_reg64(a, CORE_REG(regs.pc));
	printf("  A: vCPU stopped; pending MMIO completed (KVM_RUN with immediate_exit -> EINTR); "
	       "PC 0x%llx\n", (unsigned long long)pc);
	if (pc != sc->resume_pc)
		fail("A: PC 0x%llx is not the instruction after the guest's \"ready\" store (0x%llx)",
		     (unsigned long long)pc, (unsigned long long)sc->resume_pc);
	return 0;
}

/* [2] Save VM A's memory, which must hold the guest's data; 1 on failure */
static int stop_copy_save_memory(struct stop_copy *sc)
{
	uint64_t i, bad;
	double t;

	t = now_ms();
	sc->mem = malloc(RAM_SIZE);
	sc->tags = malloc(RAM_SIZE / 16);
	sc->tags_back = malloc(RAM_SIZE / 16);
	if (!sc->mem || !sc->tags || !sc->tags_back) {
		printf("  FAIL: out of memory\n");
		return 1;
	}
	memcpy(sc->mem, sc->a.ram, RAM_SIZE);
	printf("  memory: %d KiB read through the VMM's untagged mapping (%.1f ms)\n",
	       RAM_SIZE >> 10, now_ms() - t);
	for (i = 0, bad = 0; i < BUF_GRANULES; i++) {
		uint64_t w[2];

		memcpy(w, sc->mem + BUF_BASE - RAM_BASE + 16 * i, 16);
		bad += w[0] != i || w[1] != ~i;
	}
	if (bad)
		fail("memory: %llu granules of the buffer do not hold the guest's data",
		     (unsigned long long)bad);
	return 0;
}

/* [2] Save every register of VM A's vCPU, and show the named ones; 1 on failure */
static int stop_copy_save_registers(struct stop_copy *sc)
{
	struct kvm_reg_list probe = { .n = 0 }, *list;
	struct saved_reg *saved;
	struct kvm_one_reg one;
	struct vm *a = &sc->a;
	uint64_t i, n, reg_bytes, pstate = 0, sctlr = 0;
	double t;

	t = now_ms();
	if (ioctl(a->vcpu, KVM_GET_REG_LIST, &probe) == 0 || errno != E2BIG) {
		printf("  FAIL: KVM_GET_REG_LIST with n=0: expected E2BIG, got %s\n", strerror(errno));
		return 1;
	}
	list = malloc(sizeof(*list) + probe.n * sizeof(__u64));
	saved = calloc(probe.n, sizeof(*saved));
	if (!list || !saved) {
		printf("  FAIL: out of memory\n");
		return 1;
	}
	sc->saved = saved;
	list->n = probe.n;
	xioctl(a->vcpu, KVM_GET_REG_LIST, list);
	n = list->n;
	sc->n = n;
	reg_bytes = 0;
	for (i = 0; i < n; i++) {
		saved[i].id = list->reg[i];
		if (reg_size(saved[i].id) > MAX_REG_BYTES) {
			printf("  FAIL: register %s is %zu bytes\n", reg_name(saved[i].id),
			       reg_size(saved[i].id));
			return 1;
		}
		one.id = saved[i].id;
		one.addr = (uintptr_t)saved[i].val;
		xioctl(a->vcpu, KVM_GET_ONE_REG, &one);
		reg_bytes += reg_size(saved[i].id);
	}
	printf("  registers: all %llu of KVM_GET_REG_LIST, %llu bytes, with KVM_GET_ONE_REG (%.1f ms)\n",
	       (unsigned long long)n, (unsigned long long)reg_bytes, now_ms() - t);
	for (i = 0; i < NR_NAMED; i++) {
		uint64_t j;

		for (j = 0; j < n && saved[j].id != named_regs[i].id; j++)
			;
		if (j == n) {
			fail("%s is not in VM A's register list%s", named_regs[i].name,
			     i >= NAMED_MTE_FIRST ? " (an MTE VM must have it)" : "");
			continue;
		}
		printf("    %-15s 0x%016llx\n", named_regs[i].name, (unsigned long long)saved[j].val[0]);
		if (named_regs[i].id == SYS_REG(3, 0, 1, 0, 0))
			sctlr = saved[j].val[0];
		if (named_regs[i].id == CORE_REG(regs.pstate))
			pstate = saved[j].val[0];
	}
	if ((sctlr & 0x80000001005ULL) != 0x80000001005ULL || ((sctlr >> 40) & 3) != 1)
		fail("SCTLR_EL1 0x%llx: the guest's M, C, I, ATA and TCF=sync are not all there",
		     (unsigned long long)sctlr);
	if ((pstate & 0xf) != 5)
		fail("PSTATE 0x%llx: the guest is not at EL1h", (unsigned long long)pstate);
	return 0;
}

/* [2] Save VM A's tags, which must be the ones the guest stored */
static void stop_copy_save_tags(struct stop_copy *sc)
{
	uint64_t i, nonzero, bad;
	double t;

	t = now_ms();
	copy_ram_tags(&sc->a, sc->tags, KVM_ARM_TAGS_FROM_GUEST);
	for (i = 0, nonzero = 0, bad = 0; i < RAM_SIZE / 16; i++) {
		nonzero += sc->tags[i] != 0;
		bad += sc->tags[i] != expected_tag(16 * i);
	}
	printf("  tags: %d tag bytes (one per 16-byte granule of %d KiB) with KVM_ARM_MTE_COPY_TAGS "
	       "FROM_GUEST (%.1f ms); %llu non-zero\n", RAM_SIZE / 16, RAM_SIZE >> 10, now_ms() - t,
	       (unsigned long long)nonzero);
	if (bad)
		fail("tags: %llu granules do not carry the tag the guest gave them", (unsigned long long)bad);
	else
		printf("  tags: every granule has the tag the guest stored (buffer: index %% 16, "
		       "elsewhere 0)\n");
}

/* [3] VM B: create it, restore memory and (unless @skip_tags) tags */
static void stop_copy_restore_memory(struct stop_copy *sc, int skip_tags)
{
	struct vm *b = &sc->b;
	uint64_t i, bad;
	double t;

	printf("[3] VM B: create, restore memory, tags and registers, resume\n");
	vm_create(b, 'B', &sc->target, 0);
	t = now_ms();
	memcpy(b->ram, sc->mem, RAM_SIZE);
	printf("  memory: %d KiB written through the VMM's mapping (%.1f ms)\n",
	       RAM_SIZE >> 10, now_ms() - t);

	if (skip_tags) {
		printf("  tags: NOT restored (--no-tags): the guest must notice\n");
		return;
	}
	t = now_ms();
	copy_ram_tags(b, sc->tags, KVM_ARM_TAGS_TO_GUEST);
	printf("  tags: %d tag bytes with KVM_ARM_MTE_COPY_TAGS TO_GUEST (%.1f ms)\n",
	       RAM_SIZE / 16, now_ms() - t);
	copy_ram_tags(b, sc->tags_back, KVM_ARM_TAGS_FROM_GUEST);
	for (i = 0, bad = 0; i < RAM_SIZE / 16; i++)
		bad += sc->tags_back[i] != sc->tags[i];
	if (bad)
		fail("tags: %llu granules of VM B read back differently", (unsigned long long)bad);
	else
		printf("  tags: read back from VM B, identical\n");
}

/* [3] Restore every register on VM B, and read them back */
static void stop_copy_restore_registers(struct stop_copy *sc)
{
	struct kvm_reg_list probe = { .n = 0 };
	struct saved_reg *saved = sc->saved;
	struct kvm_one_reg one;
	struct vm *b = &sc->b;
	uint64_t i, n = sc->n;
	int set_failed = 0, read_differs = 0;
	double t;

	t = now_ms();
	if (ioctl(b->vcpu, KVM_GET_REG_LIST, &probe) == 0 || errno != E2BIG || probe.n != n)
		fail("VM B has %llu registers, VM A had %llu", (unsigned long long)probe.n,
		     (unsigned long long)n);
	for (i = 0; i < n; i++) {
		one.id = saved[i].id;
		one.addr = (uintptr_t)saved[i].val;
		if (ioctl(b->vcpu, KVM_SET_ONE_REG, &one) < 0) {
			fail("KVM_SET_ONE_REG %s: %s (%s): %s", reg_name(one.id), strerrorname_np(errno),
			     strerror(errno), meaning("KVM_SET_ONE_REG", errno));
			set_failed++;
		}
	}
	printf("  registers: %llu of %llu restored with KVM_SET_ONE_REG (%.1f ms)\n",
	       (unsigned long long)(n - set_failed), (unsigned long long)n, now_ms() - t);
	/* Read them all back: each must be what was saved, but the counter, which runs. */
	for (i = 0; i < n; i++) {
		uint64_t v[MAX_REG_BYTES / 8] = { 0 };

		if (saved[i].id == KVM_REG_ARM_TIMER_CNT ||
		    saved[i].id == REG_ARM_PTIMER_CNT)
			continue;
		one.id = saved[i].id;
		one.addr = (uintptr_t)v;
		xioctl(b->vcpu, KVM_GET_ONE_REG, &one);
		if (memcmp(v, saved[i].val, reg_size(one.id))) {
			fail("%s reads back 0x%llx on VM B, saved 0x%llx", reg_name(one.id),
			     (unsigned long long)v[0], (unsigned long long)saved[i].val[0]);
			read_differs++;
		}
	}
	if (!read_differs)
		printf("  registers: all read back equal on VM B (but the counters, which run)\n");
}

/* [3] Resume the guest on VM B: it shows its MTE registers and checks its buffer */
static void stop_copy_resume_b(struct stop_copy *sc)
{
	struct saved_reg *saved = sc->saved;
	struct vm *b = &sc->b;
	uint64_t cmd, i, n = sc->n;
	double t;

	printf("  B: resuming the guest at PC 0x%llx\n", (unsigned long long)sc->resume_pc);
	t = now_ms();
	cmd = guest_event(b);
	if (cmd == CMD_SYSREGS) {
		static const char *const mte_names[] = { "GCR_EL1", "RGSR_EL1", "TFSR_EL1", "TFSRE0_EL1" };

		printf("  B: guest reads its MTE registers:");
		for (i = 0; i < 4; i++) {
			uint64_t j, id = named_regs[NAMED_MTE_FIRST + i].id;

			for (j = 0; j < n && saved[j].id != id; j++)
				;
			printf(" %s 0x%llx", mte_names[i], (unsigned long long)b->arg[i]);
			if (j == n || saved[j].val[0] != b->arg[i])
				fail("the guest on VM B sees %s 0x%llx, VM A had 0x%llx", mte_names[i],
				     (unsigned long long)b->arg[i],
				     (unsigned long long)(j < n ? saved[j].val[0] : 0));
		}
		printf(" (as saved on VM A)\n");
		cmd = guest_event(b);
	}
	if (cmd == CMD_CHECKED) {
		printf("  B: guest checked all %llu granules: every tag (LDG) and every data word, "
		       "read through its tagged pointers with sync tag checking (%.1f ms)\n",
		       (unsigned long long)b->arg[0], now_ms() - t);
		if (b->arg[0] != BUF_GRANULES)
			fail("the guest checked %llu granules, not %d",
			     (unsigned long long)b->arg[0], BUF_GRANULES);
	} else {
		check_failed(b, cmd);
	}
}

/* [3] The guest on VM B accesses a granule with a wrong tag: it must fault */
static void stop_copy_wrong_tag(struct stop_copy *sc)
{
	uint64_t fault_addr, cmd;
	struct vm *b = &sc->b;

	fault_addr = (BUF_BASE + 16 * WRONG_GRANULE) | (uint64_t)((WRONG_GRANULE + 1) % 16) << 56;
	cmd = guest_event(b);
	if (cmd == CMD_EXCEPTION) {
		uint64_t esr = b->arg[0], far = b->arg[1];

		printf("  B: wrong tag %d on granule %d (tag %d): exception ESR_EL1 0x%llx (EC 0x%llx, "
		       "DFSC 0x%llx), FAR_EL1 0x%llx, vector %llu\n", (WRONG_GRANULE + 1) % 16,
		       WRONG_GRANULE, WRONG_GRANULE % 16, (unsigned long long)esr,
		       (unsigned long long)(esr >> 26), (unsigned long long)(esr & 0x3f),
		       (unsigned long long)far, (unsigned long long)b->arg[3]);
		if (esr >> 26 != 0x25 || (esr & 0x3f) != 0x11)
			fail("expected a data abort from EL1 (EC 0x25) with a synchronous tag check fault "
			     "(DFSC 0x11)");
		/* FAR_EL1 bits 63:60 are UNKNOWN for a tag check fault */
		if ((far & ~(0xfULL << 60)) != fault_addr)
			fail("FAR_EL1 0x%llx, expected 0x%llx", (unsigned long long)far,
			     (unsigned long long)fault_addr);
		cmd = guest_event(b);
	} else if (cmd == CMD_NO_FAULT) {
		fail("the access with a wrong tag did not fault");
		cmd = guest_event(b);
	}
	if (cmd != CMD_DONE)
		fail("the guest did not finish (command %llu)", (unsigned long long)cmd);
}

static int run_stop_copy(int skip_tags)
{
	struct stop_copy sc = {
		.target = -1,
		.resume_pc = RAM_BASE + (guest_resume - guest_start),
	};
	double t_total;

	printf("mte-migrate: stop-and-copy: migrate an MTE guest from VM A to VM B (memory, registers, "
	       "tags)\n");
	t_total = now_ms();

	/* ---- 1. VM A: run the guest until it has tagged its buffer ---- */
	if (stop_copy_run_a(&sc))
		return 1;

	/* ---- 2. stop it and save everything ---- */
	if (stop_copy_stop_a(&sc) || stop_copy_save_memory(&sc) ||
	    stop_copy_save_registers(&sc))
		return 1;
	stop_copy_save_tags(&sc);
	vm_destroy(&sc.a);
	printf("  A: destroyed; from here on only the saved state exists\n");

	/* ---- 3. VM B: restore and resume ---- */
	stop_copy_restore_memory(&sc, skip_tags);
	stop_copy_restore_registers(&sc);
	stop_copy_resume_b(&sc);
	if (failures) {
		printf("MIGRATION FAILED: %d problem(s), see FAIL lines above\n", failures);
		return 1;
	}

	/* ---- the wrong tag ---- */
	stop_copy_wrong_tag(&sc);
	vm_destroy(&sc.b);

	if (failures) {
		printf("MIGRATION FAILED: %d problem(s), see FAIL lines above\n", failures);
		return 1;
	}
	printf("MIGRATION OK: %d tagged granules (%d KiB), %llu registers and %d tag bytes moved from "
	       "VM A to VM B; the guest found every tag and all its data, and a wrong tag still faults "
	       "(DFSC 0x11) (%.0f ms in all)\n", BUF_GRANULES, BUF_GRANULES * 16 >> 10,
	       (unsigned long long)sc.n, RAM_SIZE / 16, now_ms() - t_total);
	return 0;
}

/*
 * Live migration. Two processes, no memory shared between them: the
 * source (VM A, this process) and the destination (VM B, a child), joined
 * by a socket that carries this stream of records, each a struct
 * live_hdr and its payload:
 *   LIVE_PAGE   addr = IPA, count = page size: the page's data (count
 *               bytes) and its tags (count / 16 bytes, one per granule)
 *   LIVE_ROUND  count = round number, addr = pages the round sent
 *   LIVE_REGS   count = n: n times { u64 id; u64 size; size bytes }
 *   LIVE_END    addr = CLOCK_MONOTONIC (ns) when the source stopped the vCPU
 * The destination answers with one struct live_result.
 *
 * The source runs the guest in a thread of its own while it copies: all
 * of memory and tags first, then rounds of the pages the dirty log shows
 * (data and tags: a tag-only store must dirty its page), until a round
 * finds few pages or the round limit is hit; then it stops the vCPU, sends
 * the last dirty pages and every register, and exits. The guest keeps
 * changing data only, tags only, or both, of random granules, and keeps a
 * record of what it did in its own memory; on VM B the destination sets
 * the guest's mailbox, and the guest checks every granule against its
 * record, then takes a tag check fault on purpose.
 */
enum { LIVE_PAGE = 1, LIVE_ROUND, LIVE_REGS, LIVE_END };

struct live_hdr {
	uint32_t type;
	uint32_t count;
	uint64_t addr;
};

struct live_result {
	int32_t ok;		/* the guest checked everything and faulted */
	int32_t bad_tag;	/* the guest found a wrong tag */
	double downtime_ms;	/* source stopped the vCPU -> B resumed it */
	uint64_t ops;		/* changes the guest made, A and B together */
};

struct live_vcpu {
	struct vm *vm;
	pthread_t thread;
	volatile int ready;	/* the guest set up its memory */
	volatile int stop;	/* the source is stopping the vCPU */
	volatile int failed;	/* the guest or KVM_RUN failed: see cmd */
	uint64_t cmd;
};

static void sig_nop(int sig)
{
}

static void xsend(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t r;

	while (len) {
		r = write(fd, p, len);
		if (r <= 0) {
			printf("  FAIL: migration stream: write: %s\n", r ? strerror(errno) : "closed");
			printf("MIGRATION FAILED: the destination went away\n");
			exit(1);
		}
		p += r;
		len -= r;
	}
}

static void xrecv(int fd, void *buf, size_t len)
{
	char *p = buf;
	ssize_t r;

	while (len) {
		r = read(fd, p, len);
		if (r <= 0) {
			printf("  FAIL: migration stream: read: %s\n", r ? strerror(errno) : "closed early");
			printf("MIGRATION FAILED: the stream from the source ended early\n");
			exit(1);
		}
		p += r;
		len -= r;
	}
}

/* Runs VM A's guest until the source stops it or it reports a problem. */
static void *live_vcpu_thread(void *data)
{
	struct live_vcpu *v = data;
	struct kvm_run *run = v->vm->run;
	uint64_t off, val;

	for (;;) {
		if (ioctl(v->vm->vcpu, KVM_RUN, 0) < 0) {
			if (errno == EINTR && v->stop)
				return NULL;
			if (errno == EINTR)
				continue;
			printf("  FAIL: A: KVM_RUN: %s (%s): %s\n", strerrorname_np(errno),
			       strerror(errno), meaning("KVM_RUN", errno));
			v->failed = 1;
			return NULL;
		}
		off = run->mmio.phys_addr - MMIO_BASE;
		if (run->exit_reason != KVM_EXIT_MMIO || !run->mmio.is_write ||
		    run->mmio.len != 8 || off >= MMIO_SIZE || off % 8) {
			printf("  FAIL: A: unexpected exit (reason %u)\n", run->exit_reason);
			v->failed = 1;
			return NULL;
		}
		memcpy(&val, run->mmio.data, 8);
		if (off != MMIO_CMD) {
			v->vm->arg[off / 8 - 1] = val;
			continue;
		}
		if (val != CMD_READY) {
			v->cmd = val;
			v->failed = 1;
			return NULL;
		}
		v->ready = 1;
	}
}

static void set_dirty_logging(struct vm *vm, int on)
{
	xcheck(kvm_set_slot(vm->fd, 0, on ? KVM_MEM_LOG_DIRTY_PAGES : 0, RAM_BASE,
			    RAM_SIZE, vm->ram), "KVM_SET_USER_MEMORY_REGION");
}

/* KVM_GET_DIRTY_LOG (which also clears it): the number of dirty pages */
static uint64_t get_dirty_log(struct vm *vm, uint64_t *bitmap, uint64_t npages)
{
	struct kvm_dirty_log log = { .slot = 0, .dirty_bitmap = bitmap };
	uint64_t i, n = 0;

	xioctl(vm->fd, KVM_GET_DIRTY_LOG, &log);
	for (i = 0; i < npages; i++)
		n += (bitmap[i / 64] >> (i % 64)) & 1;
	return n;
}

/* One page of VM A, data and tags, while the guest may be changing both. */
static void send_page(int fd, struct vm *vm, uint64_t pg, uint64_t psz, unsigned char *tags)
{
	struct live_hdr h = { .type = LIVE_PAGE, .count = psz, .addr = RAM_BASE + pg * psz };

	if (xcheck(mte_copy_tags(vm->fd, h.addr, psz, tags, KVM_ARM_TAGS_FROM_GUEST),
		   "KVM_ARM_MTE_COPY_TAGS") != (long)psz) {
		printf("  FAIL: A: KVM_ARM_MTE_COPY_TAGS FROM_GUEST of page 0x%llx was partial\n",
		       (unsigned long long)h.addr);
		printf("MIGRATION FAILED: tags could not be read\n");
		exit(1);
	}
	xsend(fd, &h, sizeof(h));
	xsend(fd, vm->ram + pg * psz, psz);
	xsend(fd, tags, psz / 16);
}

/* Send the pages set in bitmap (all of them if bitmap is NULL). */
static uint64_t send_pages(int fd, struct vm *vm, const uint64_t *bitmap, uint64_t npages,
			   uint64_t psz, unsigned char *tags)
{
	uint64_t i, sent = 0;

	for (i = 0; i < npages; i++) {
		if (bitmap && !((bitmap[i / 64] >> (i % 64)) & 1))
			continue;
		send_page(fd, vm, i, psz, tags);
		sent++;
	}
	return sent;
}

static void send_regs(int fd, struct vm *vm)
{
	struct kvm_reg_list probe = { .n = 0 }, *list;
	uint64_t val[MAX_REG_BYTES / 8], i, size;
	struct live_hdr h = { .type = LIVE_REGS };
	struct kvm_one_reg one;

	if (ioctl(vm->vcpu, KVM_GET_REG_LIST, &probe) == 0 || errno != E2BIG) {
		printf("  FAIL: KVM_GET_REG_LIST with n=0: expected E2BIG, got %s\n", strerror(errno));
		exit(1);
	}
	list = malloc(sizeof(*list) + probe.n * sizeof(__u64));
	if (!list) {
		printf("  FAIL: out of memory\n");
		exit(1);
	}
	list->n = probe.n;
	xioctl(vm->vcpu, KVM_GET_REG_LIST, list);
	h.count = list->n;
	xsend(fd, &h, sizeof(h));
	for (i = 0; i < list->n; i++) {
		size = reg_size(list->reg[i]);
		if (size > MAX_REG_BYTES) {
			printf("  FAIL: register %s is %llu bytes\n", reg_name(list->reg[i]),
			       (unsigned long long)size);
			exit(1);
		}
		one.id = list->reg[i];
		one.addr = (uintptr_t)val;
		xioctl(vm->vcpu, KVM_GET_ONE_REG, &one);
		xsend(fd, &one.id, 8);
		xsend(fd, &size, 8);
		xsend(fd, val, size);
	}
	free(list);
}

static uint64_t guest_ops(struct vm *vm)
{
	return *(volatile uint64_t *)(vm->ram + LIVE_MAILBOX - RAM_BASE + 8);
}

static int live_source(int fd)
{
	struct sigaction sa = { .sa_handler = sig_nop };	/* no SA_RESTART */
	uint64_t psz = getpagesize(), npages = RAM_SIZE / psz, *bitmap, *more;
	uint64_t round, dirty, sent, total_pages = 0, pc = RAM_BASE, stop_ns, i;
	struct live_hdr h = { 0 };
	struct kvm_one_reg one = { .id = CORE_REG(regs.pc), .addr = (uintptr_t)&pc };
	struct live_vcpu v = { 0 };
	unsigned char *tags;
	int target = -1;
	double t, t0;
	struct vm a;

	sigaction(SIGUSR1, &sa, NULL);
	bitmap = calloc((npages + 63) / 64, 8);
	more = calloc((npages + 63) / 64, 8);
	tags = malloc(psz / 16);
	if (!bitmap || !more || !tags) {
		printf("  FAIL: out of memory\n");
		return 1;
	}
	vm_create(&a, 'A', &target, 0);
	memcpy(a.ram, live_start, live_end - live_start);
	xioctl(a.vcpu, KVM_SET_ONE_REG, &one);
	v.vm = &a;
	pthread_create(&v.thread, NULL, live_vcpu_thread, &v);
	for (t = now_ms(); !v.ready && !v.failed && now_ms() - t < GUEST_TIMEOUT * 1000.0; )
		usleep(1000);
	if (!v.ready) {
		if (v.cmd == CMD_EXCEPTION)
			report_exception(&a);
		printf("MIGRATION FAILED: VM A's guest did not get ready\n");
		return 1;
	}
	printf("  A: guest ready: %llu granules tagged (tag = index %% 16) and filled; it now keeps "
	       "changing data only, tags only, or both, of random granules\n",
	       (unsigned long long)a.arg[0]);

	set_dirty_logging(&a, 1);
	get_dirty_log(&a, bitmap, npages);
	t0 = t = now_ms();
	sent = send_pages(fd, &a, NULL, npages, psz, tags);
	total_pages += sent;
	h.type = LIVE_ROUND;
	h.count = 0;
	h.addr = sent;
	xsend(fd, &h, sizeof(h));
	printf("  A: dirty logging on (KVM_MEM_LOG_DIRTY_PAGES); round 0: all %llu pages, %llu tag "
	       "bytes (%.1f ms), guest at %llu changes\n", (unsigned long long)sent,
	       (unsigned long long)(sent * psz / 16), now_ms() - t,
	       (unsigned long long)guest_ops(&a));

	for (round = 1; ; round++) {
		while (now_ms() - t < LIVE_ROUND_MS)
			usleep(1000);
		t = now_ms();
		dirty = get_dirty_log(&a, bitmap, npages);
		/* few enough (or enough rounds): these go with the last round */
		if (v.failed || dirty <= LIVE_DIRTY_STOP || round > LIVE_MAX_ROUNDS)
			break;
		sent = send_pages(fd, &a, bitmap, npages, psz, tags);
		total_pages += sent;
		h.count = round;
		h.addr = sent;
		xsend(fd, &h, sizeof(h));
		printf("  A: round %llu: %llu dirty pages, %llu tag bytes (%.1f ms), guest at %llu "
		       "changes\n", (unsigned long long)round, (unsigned long long)sent,
		       (unsigned long long)(sent * psz / 16), now_ms() - t,
		       (unsigned long long)guest_ops(&a));
	}

	/* stop the vCPU: immediate_exit, then a signal in case it is in the guest */
	stop_ns = now_ns();
	v.stop = 1;
	a.run->immediate_exit = 1;
	pthread_kill(v.thread, SIGUSR1);
	pthread_join(v.thread, NULL);
	if (v.failed) {
		if (v.cmd == CMD_EXCEPTION)
			report_exception(&a);
		printf("MIGRATION FAILED: VM A's guest stopped while migrating (command %llu)\n",
		       (unsigned long long)v.cmd);
		return 1;
	}
	t = now_ms();
	get_dirty_log(&a, more, npages);
	for (i = 0; i < (npages + 63) / 64; i++)
		bitmap[i] |= more[i];
	sent = send_pages(fd, &a, bitmap, npages, psz, tags);
	total_pages += sent;
	h.count = round;
	h.addr = sent;
	xsend(fd, &h, sizeof(h));
	send_regs(fd, &a);
	h.type = LIVE_END;
	h.addr = stop_ns;
	xsend(fd, &h, sizeof(h));
	printf("  A: vCPU stopped after %llu changes; last round %llu: %llu dirty pages, %llu tag "
	       "bytes, and all registers (%.1f ms); %llu pages sent in %.0f ms in all\n",
	       (unsigned long long)guest_ops(&a), (unsigned long long)round,
	       (unsigned long long)sent, (unsigned long long)(sent * psz / 16), now_ms() - t,
	       (unsigned long long)total_pages, now_ms() - t0);
	vm_destroy(&a);
	return 0;
}

/* VM B: take the stream, resume the guest and let it check everything. */
static int live_destination(int fd, int skip_tags)
{
	struct live_result res = { 0 };
	uint64_t psz = getpagesize(), pages = 0, stop_ns = 0, i, id, size, regs = 0;
	uint64_t val[MAX_REG_BYTES / 8], cmd, *counts;
	struct kvm_one_reg one = { .addr = (uintptr_t)val };
	unsigned char *page = malloc(psz + psz / 16);
	struct live_hdr h;
	int target = -1;
	struct vm b;
	double t;

	if (!page) {
		printf("  FAIL: out of memory\n");
		return 1;
	}
	vm_create(&b, 'B', &target, 0);
	for (;;) {
		xrecv(fd, &h, sizeof(h));
		if (h.type == LIVE_END) {
			stop_ns = h.addr;
			break;
		}
		switch (h.type) {
		case LIVE_PAGE:
			if (h.count != psz || h.addr < RAM_BASE || h.addr + psz > RAM_BASE + RAM_SIZE) {
				printf("  FAIL: B: page record 0x%llx/%u outside RAM\n",
				       (unsigned long long)h.addr, h.count);
				return 1;
			}
			xrecv(fd, page, psz + psz / 16);
			memcpy(b.ram + h.addr - RAM_BASE, page, psz);
			if (!skip_tags &&
			    xcheck(mte_copy_tags(b.fd, h.addr, psz, page + psz,
						 KVM_ARM_TAGS_TO_GUEST),
				   "KVM_ARM_MTE_COPY_TAGS") != (long)psz) {
				printf("  FAIL: B: KVM_ARM_MTE_COPY_TAGS TO_GUEST of page 0x%llx was "
				       "partial\n", (unsigned long long)h.addr);
				return 1;
			}
			pages++;
			break;
		case LIVE_ROUND:
			printf("  B: round %u: %llu pages and their tags %s\n", h.count,
			       (unsigned long long)h.addr,
			       skip_tags ? "received, tags NOT restored (--no-tags)" :
			       "restored (memory through the VMM's mapping, tags with TO_GUEST)");
			break;
		case LIVE_REGS:
			for (i = 0; i < h.count; i++) {
				xrecv(fd, &id, 8);
				xrecv(fd, &size, 8);
				if (size > MAX_REG_BYTES) {
					printf("  FAIL: B: register of %llu bytes\n",
					       (unsigned long long)size);
					return 1;
				}
				xrecv(fd, val, size);
				one.id = id;
				if (ioctl(b.vcpu, KVM_SET_ONE_REG, &one) < 0) {
					fail("B: KVM_SET_ONE_REG %s: %s (%s): %s", reg_name(id),
					     strerrorname_np(errno), strerror(errno),
					     meaning("KVM_SET_ONE_REG", errno));
					continue;
				}
				regs++;
			}
			printf("  B: %llu registers restored with KVM_SET_ONE_REG\n",
			       (unsigned long long)regs);
			break;
		default:
			printf("  FAIL: B: unknown record type %u in the stream\n", h.type);
			return 1;
		}
	}

	/* tell the guest to check, then resume it */
	*(volatile uint64_t *)(b.ram + LIVE_MAILBOX - RAM_BASE) = 1;
	t = now_ms();
	res.downtime_ms = (now_ns() - stop_ns) / 1e6;
	printf("  B: %llu pages received; resuming the guest %.1f ms after the source stopped it "
	       "(downtime)\n", (unsigned long long)pages, res.downtime_ms);
	cmd = guest_event(&b);
	counts = (uint64_t *)(b.ram + LIVE_MAILBOX - RAM_BASE + 16);
	if (cmd == CMD_CHECKED) {
		res.ops = b.arg[1];
		printf("  B: guest checked all %llu granules against its record: every tag (LDG) and "
		       "data word, through tagged pointers with sync tag checks (%.1f ms); %llu "
		       "changes before it moved: %llu data only, %llu tags only, %llu both\n",
		       (unsigned long long)b.arg[0], now_ms() - t, (unsigned long long)res.ops,
		       (unsigned long long)counts[0], (unsigned long long)counts[1],
		       (unsigned long long)counts[2]);
		if (b.arg[0] != BUF_GRANULES)
			fail("the guest checked %llu granules, not %d", (unsigned long long)b.arg[0],
			     BUF_GRANULES);
		if (!counts[0] || !counts[1] || !counts[2])
			fail("the guest did not make every kind of change before it moved");
	} else {
		res.bad_tag = check_failed(&b, cmd);
	}
	if (!failures) {
		cmd = guest_event(&b);
		if (cmd == CMD_EXCEPTION && b.arg[0] >> 26 == 0x25 && (b.arg[0] & 0x3f) == 0x11) {
			printf("  B: a wrong tag still faults: ESR_EL1 0x%llx (DFSC 0x11), FAR_EL1 "
			       "0x%llx\n", (unsigned long long)b.arg[0],
			       (unsigned long long)b.arg[1]);
			cmd = guest_event(&b);
		} else {
			fail("the access with a wrong tag did not take a tag check fault (command "
			     "%llu, ESR_EL1 0x%llx)", (unsigned long long)cmd,
			     (unsigned long long)b.arg[0]);
		}
		if (cmd != CMD_DONE)
			fail("the guest did not finish (command %llu)", (unsigned long long)cmd);
	}
	vm_destroy(&b);
	res.ok = !failures;
	xsend(fd, &res, sizeof(res));
	return !res.ok;
}

/*
 * control: --no-tags as a negative control; success means the guest
 * noticed the tags were not moved.
 */
static int run_live(int skip_tags, int control)
{
	struct live_result res = { 0 };
	int sv[2], status, src;
	pid_t pid;

	printf("mte-migrate: live: migrate a running MTE guest from VM A (this process) to VM B "
	       "(a child process) over a socket, with pre-copy rounds%s\n",
	       skip_tags ? "; tags NOT moved (--no-tags)" : "");
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) {
		printf("  FAIL: socketpair: %s\n", strerror(errno));
		return 1;
	}
	pid = fork();
	if (pid < 0) {
		printf("  FAIL: fork: %s\n", strerror(errno));
		return 1;
	}
	if (!pid) {
		close(sv[0]);
		exit(live_destination(sv[1], skip_tags));
	}
	close(sv[1]);
	src = live_source(sv[0]);
	if (!src && read(sv[0], &res, sizeof(res)) != sizeof(res))
		res.ok = 0;
	close(sv[0]);
	if (src)
		kill(pid, SIGKILL);
	waitpid(pid, &status, 0);

	if (control) {
		if (!src && res.bad_tag) {
			printf("NEGATIVE CONTROL OK: without its tags the guest met a wrong one\n");
			return 0;
		}
		printf("NEGATIVE CONTROL FAILED: the guest did not notice that its tags were not "
		       "moved\n");
		return 1;
	}
	if (src || !res.ok || !WIFEXITED(status) || WEXITSTATUS(status)) {
		printf("MIGRATION FAILED: see FAIL lines above\n");
		return 1;
	}
	printf("MIGRATION OK: live, %.1f ms downtime; the guest made %llu changes across the move and "
	       "found every tag and data word as it left them; a wrong tag still faults\n",
	       res.downtime_ms, (unsigned long long)res.ops);
	return 0;
}

static void usage(const char *prog)
{
	fprintf(stderr, "usage: %s [--abi-6.12] [--live | --stop-copy] [--no-tags | --no-tags-control]\n", prog);
	exit(2);
}

/* One mode in a child process, as one TAP result. */
static void run_part(const char *name, int stop_copy, int skip_tags, int control)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (!pid)
		exit(stop_copy ? run_stop_copy(skip_tags) : run_live(skip_tags, control));
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		result(0, name, "fork/wait failed");
		return;
	}
	result(WIFEXITED(status) && !WEXITSTATUS(status), name, NULL);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = alarm_handler };	/* no SA_RESTART */
	int i, live = 0, stop_copy = 0, skip_tags = 0, control = 0, nabi = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--abi-6.12"))
			abi612 = ++nabi;
		else if (!strcmp(argv[i], "--live"))
			live = 1;
		else if (!strcmp(argv[i], "--stop-copy"))
			stop_copy = 1;
		else if (!strcmp(argv[i], "--no-tags"))
			skip_tags = 1;
		else if (!strcmp(argv[i], "--no-tags-control"))
			skip_tags = control = 1;
		else
			usage(argv[0]);
	}
	if ((stop_copy && (control || live)) || (argc - nabi > 1 && !live && !stop_copy))
		usage(argv[0]);
	setvbuf(stdout, NULL, _IOLBF, 0);
	sigaction(SIGALRM, &sa, NULL);

	kvm_fd = open("/dev/kvm", O_RDWR);
	if (kvm_fd < 0) {
		printf("mte-migrate: SKIP: /dev/kvm: %s: no KVM on this kernel/host\n", strerror(errno));
		return KSFT_SKIP;
	}
	if (ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_MTE) <= 0) {
		printf("mte-migrate: SKIP: KVM_CHECK_EXTENSION(KVM_CAP_ARM_MTE=%d) = 0: "
		       "this kernel/host cannot give guests MTE, nothing to migrate\n", KVM_CAP_ARM_MTE);
		return KSFT_SKIP;
	}
	if (argc - nabi > 1)
		return stop_copy ? run_stop_copy(skip_tags) : run_live(skip_tags, control);

	/* no arguments: every mode, as TAP results */
	printf("TAP version 13\n1..3\n");
	run_part("live", 0, 0, 0);
	run_part("stop_copy", 1, 0, 0);
	run_part("no_tags_control", 0, 1, 1);
	return failed_tests ? 1 : 0;
}

/*
 * Guest code shared by both guests, as assembler macros (position
 * independent: each guest is copied to RAM_BASE and runs at EL1h).
 *   guest_setup VECTORS   x19 = buffer, x20 = its number of granules,
 *                         x21 = MMIO window, x22 = 0 (see below); stack,
 *                         VBAR_EL1, an identity map (0-1G Device, 1G-2G
 *                         Normal Tagged), recognisable MTE registers, MMU
 *                         on with tag access and synchronous tag checks
 *   guest_vectors VECTORS  a vector table whose entries report ESR_EL1,
 *                         FAR_EL1, ELR_EL1 and their number over MMIO,
 *                         then resume at x22 (and clear it) or, when x22
 *                         is 0, stop
 */
asm(
"	.arch_extension memtag\n"
"	.equ	MMIO_BASE, " STR(MMIO_BASE) "\n"
"	.equ	PGTABLE, " STR(PGTABLE) "\n"
"	.equ	STACK_TOP, " STR(STACK_TOP) "\n"
"	.equ	BUF_BASE, " STR(BUF_BASE) "\n"
"	.equ	BUF_GRANULES, " STR(BUF_GRANULES) "\n"
"	.equ	WRONG_GRANULE, " STR(WRONG_GRANULE) "\n"
	/* level-1 block descriptors (1 GiB): AttrIndx, SH, AF, XN */
"	.equ	DESC_DEVICE, 0x0 | (0 << 2) | (1 << 10) | (3 << 53) | 1\n"
"	.equ	DESC_RAM, 0x40000000 | (1 << 2) | (3 << 8) | (1 << 10) | 1\n"
	/* Attr0 Device-nGnRnE, Attr1 Normal Tagged (write-back) */
"	.equ	MAIR_VAL, 0xf0 << 8\n"
	/*
	 * T0SZ=25 (39-bit VA, starts at level 1), WB WA inner shareable walks,
	 * 4K granule, no TTBR1 walks (EPD1), 4 GiB IPS, TBI0 (needed for tags);
	 * TCMA0 clear, so tag 0 is checked too
	 */
"	.equ	TCR_VAL, 25 | (1 << 8) | (1 << 10) | (3 << 12) | (25 << 16) | (1 << 23) | (2 << 30) | (1 << 37)\n"
	/* M, C, I, TCF=01 (sync tag check faults at EL1), ATA (tag access at EL1) */
"	.equ	SCTLR_SET, (1 << 0) | (1 << 2) | (1 << 12) | (1 << 40) | (1 << 43)\n"
	/*
	 * recognisable MTE register values, to see them migrate: GCR_EL1
	 * excludes tag 0 from IRG (RRND=0), RGSR_EL1 seed 0xace1
	 */
"	.equ	GCR_VAL, 0x1\n"
"	.equ	RGSR_VAL, 0xace1 << 8\n"
"	.macro	guest_setup vectors\n"
"	ldr	x21, =MMIO_BASE\n"
"	ldr	x19, =BUF_BASE\n"
"	ldr	x20, =BUF_GRANULES\n"
"	mov	x22, #0\n"
"	ldr	x0, =STACK_TOP\n"
"	mov	sp, x0\n"
"	adr	x0, \\vectors\n"
"	msr	vbar_el1, x0\n"
	/* identity map: [0] 0-1G device, [1] 1G-2G normal tagged */
"	ldr	x0, =PGTABLE\n"
"	mov	x1, x0\n"
"	mov	x2, #512\n"
"1:	str	xzr, [x1], #8\n"
"	subs	x2, x2, #1\n"
"	b.ne	1b\n"
"	ldr	x1, =DESC_DEVICE\n"
"	str	x1, [x0]\n"
"	ldr	x1, =DESC_RAM\n"
"	str	x1, [x0, #8]\n"
	/* written with the MMU off: no stale cache lines for the walker */
"	mov	x1, x0\n"
"	add	x2, x0, #4096\n"
"2:	dc	ivac, x1\n"
"	add	x1, x1, #64\n"
"	cmp	x1, x2\n"
"	b.lo	2b\n"
"	dsb	sy\n"
"	msr	ttbr0_el1, x0\n"
"	ldr	x0, =MAIR_VAL\n"
"	msr	mair_el1, x0\n"
"	ldr	x0, =TCR_VAL\n"
"	msr	tcr_el1, x0\n"
"	ldr	x0, =GCR_VAL\n"
"	msr	gcr_el1, x0\n"
"	ldr	x0, =RGSR_VAL\n"
"	msr	rgsr_el1, x0\n"
"	msr	tfsr_el1, xzr\n"
"	mov	x0, #1\n"
"	msr	tfsre0_el1, x0\n"	/* TF0: a marker, nothing runs at EL0 */
"	isb\n"
"	tlbi	vmalle1\n"
"	dsb	nsh\n"
"	isb\n"
"	mrs	x0, sctlr_el1\n"
"	ldr	x1, =SCTLR_SET\n"
"	orr	x0, x0, x1\n"
"	msr	sctlr_el1, x0\n"
"	isb\n"
"	.endm\n"
"	.macro	guest_vectors vectors\n"
	/* 16 entries of 0x80 bytes; each reports its number */
"	.balign	2048\n"
"\\vectors:\n"
"	.set	vec_n, 0\n"
"	.rept	16\n"
"	.balign	128\n"
"	mov	x9, #vec_n\n"
"	b	\\vectors\\()_exc\n"
"	.set	vec_n, vec_n + 1\n"
"	.endr\n"
"\\vectors\\()_exc:\n"
"	mrs	x0, esr_el1\n"
"	str	x0, [x21, #" STR(MMIO_ARG0) "]\n"
"	mrs	x0, far_el1\n"
"	str	x0, [x21, #" STR(MMIO_ARG1) "]\n"
"	mrs	x0, elr_el1\n"
"	str	x0, [x21, #" STR(MMIO_ARG2) "]\n"
"	str	x9, [x21, #" STR(MMIO_ARG3) "]\n"
"	mov	x0, #" STR(CMD_EXCEPTION) "\n"
"	str	x0, [x21, #" STR(MMIO_CMD) "]\n"
"	cbz	x22, 1f\n"
"	msr	elr_el1, x22\n"
"	mov	x22, #0\n"
"	eret\n"
"1:	wfi\n"
"	b	1b\n"
"	.endm\n"
);

/*
 * The stop-and-copy guest. Registers kept for the whole run, and migrated
 * with the rest: x19 buffer, x20 number of granules, x21 MMIO window, x22
 * where the exception handler resumes (0: nowhere, stop).
 */
asm(
"	.pushsection .rodata.mte_guest, \"a\"\n"
"	.balign	4096\n"
"	.global	guest_start, guest_resume, guest_end\n"
"guest_start:\n"
"	guest_setup vectors\n"
	/* tag granule i with i % 16 and store i, ~i through the tagged pointer */
"	mov	x1, #0\n"
"3:	and	x2, x1, #0xf\n"
"	add	x3, x19, x1, lsl #4\n"
"	orr	x3, x3, x2, lsl #56\n"
"	stg	x3, [x3]\n"
"	mvn	x4, x1\n"
"	stp	x1, x4, [x3]\n"
"	add	x1, x1, #1\n"
"	cmp	x1, x20\n"
"	b.lo	3b\n"
"	dsb	sy\n"
"	str	x20, [x21, #" STR(MMIO_ARG0) "]\n"
"	str	x19, [x21, #" STR(MMIO_ARG1) "]\n"
"	mov	x0, #" STR(CMD_READY) "\n"
"	str	x0, [x21, #" STR(MMIO_CMD) "]\n"
	/* ===== VM A stops here; VM B resumes here ===== */
"guest_resume:\n"
"	mrs	x0, gcr_el1\n"
"	str	x0, [x21, #" STR(MMIO_ARG0) "]\n"
"	mrs	x0, rgsr_el1\n"
"	str	x0, [x21, #" STR(MMIO_ARG1) "]\n"
"	mrs	x0, tfsr_el1\n"
"	str	x0, [x21, #" STR(MMIO_ARG2) "]\n"
"	mrs	x0, tfsre0_el1\n"
"	str	x0, [x21, #" STR(MMIO_ARG3) "]\n"
"	mov	x0, #" STR(CMD_SYSREGS) "\n"
"	str	x0, [x21, #" STR(MMIO_CMD) "]\n"
	/* every granule: LDG must give i % 16, the checked load i and ~i */
"	mov	x1, #0\n"
"4:	and	x2, x1, #0xf\n"
"	add	x3, x19, x1, lsl #4\n"
"	mov	x4, x3\n"
"	ldg	x4, [x3]\n"
"	ubfx	x4, x4, #56, #4\n"
"	cmp	x4, x2\n"
"	b.ne	bad_tag\n"
"	orr	x3, x3, x2, lsl #56\n"
"	ldp	x5, x6, [x3]\n"
"	mvn	x7, x1\n"
"	cmp	x5, x1\n"
"	ccmp	x6, x7, #0, eq\n"
"	b.ne	bad_data\n"
"	add	x1, x1, #1\n"
"	cmp	x1, x20\n"
"	b.lo	4b\n"
"	str	x20, [x21, #" STR(MMIO_ARG0) "]\n"
"	mov	x0, #" STR(CMD_CHECKED) "\n"
"	str	x0, [x21, #" STR(MMIO_CMD) "]\n"
	/* one wrong tag: must take a synchronous tag check fault */
"	add	x3, x19, #(WRONG_GRANULE * 16)\n"
"	mov	x2, #((WRONG_GRANULE + 1) % 16)\n"
"	orr	x3, x3, x2, lsl #56\n"
"	adr	x22, 5f\n"
"	ldr	x5, [x3]\n"
"	mov	x22, #0\n"
"	mov	x0, #" STR(CMD_NO_FAULT) "\n"
"	str	x0, [x21, #" STR(MMIO_CMD) "]\n"
"5:	mov	x0, #" STR(CMD_DONE) "\n"
"	str	x0, [x21, #" STR(MMIO_CMD) "]\n"
"6:	wfi\n"
"	b	6b\n"
"bad_tag:\n"
"	str	x1, [x21, #" STR(MMIO_ARG0) "]\n"
"	str	x4, [x21, #" STR(MMIO_ARG1) "]\n"
"	str	x2, [x21, #" STR(MMIO_ARG2) "]\n"
"	mov	x0, #" STR(CMD_BAD_TAG) "\n"
"	str	x0, [x21, #" STR(MMIO_CMD) "]\n"
"	b	6b\n"
"bad_data:\n"
"	str	x1, [x21, #" STR(MMIO_ARG0) "]\n"
"	str	x5, [x21, #" STR(MMIO_ARG1) "]\n"
"	str	x6, [x21, #" STR(MMIO_ARG2) "]\n"
"	mov	x0, #" STR(CMD_BAD_DATA) "\n"
"	str	x0, [x21, #" STR(MMIO_CMD) "]\n"
"	b	6b\n"
"	.ltorg\n"
"	guest_vectors vectors\n"
"guest_end:\n"
"	.popsection\n"
);

/*
 * The live guest. Registers kept for the whole run, and migrated with the
 * rest: x19-x22 as above, x23 the state of its random number generator,
 * x24 changes made, x25 the record, x26 the mailbox, x27/x28 the
 * generator's constants, x29 granules - 1.
 *
 * Granule i holds data (i | dv << 32, its complement) and tag
 * (i + tv) % 16, where dv and tv, the data and tag versions, are bytes
 * 2i and 2i + 1 of the record. Each change picks a granule and a kind:
 * data only (dv + 1, stored through the granule's current tag), tag only
 * (tv + 1, STG; the data is not touched) or both; it counts the kinds at
 * mailbox + 16, + 24, + 32. Like most guests it has a working set: one
 * change in 1024 goes anywhere in the buffer, the others to its first
 * 32 KiB, so that the pre-copy rounds can converge.
 */
asm(
"	.pushsection .rodata.mte_guest, \"a\"\n"
"	.equ	LIVE_REC, " STR(LIVE_REC) "\n"
"	.equ	LIVE_MAILBOX, " STR(LIVE_MAILBOX) "\n"
"	.equ	LIVE_HOT_MASK, " STR(LIVE_HOT_MASK) "\n"
"	.balign	4096\n"
"	.global	live_start, live_end\n"
"live_start:\n"
"	guest_setup live_vectors\n"
"	ldr	x25, =LIVE_REC\n"
"	ldr	x26, =LIVE_MAILBOX\n"
"	ldr	x23, =0x2545f4914f6cdd1d\n"
"	ldr	x27, =6364136223846793005\n"
"	ldr	x28, =1442695040888963407\n"
"	sub	x29, x20, #1\n"
"	mov	x24, #0\n"
	/* version 0 everywhere: tag i % 16, data i and ~i */
"	mov	x1, #0\n"
"1:	and	x2, x1, #0xf\n"
"	add	x3, x19, x1, lsl #4\n"
"	orr	x3, x3, x2, lsl #56\n"
"	stg	x3, [x3]\n"
"	mvn	x4, x1\n"
"	stp	x1, x4, [x3]\n"
"	strh	wzr, [x25, x1, lsl #1]\n"
"	add	x1, x1, #1\n"
"	cmp	x1, x20\n"
"	b.lo	1b\n"
"	stp	xzr, xzr, [x26]\n"
"	stp	xzr, xzr, [x26, #16]\n"
"	str	xzr, [x26, #32]\n"
"	dsb	sy\n"
"	str	x20, [x21, #" STR(MMIO_ARG0) "]\n"
"	mov	x0, #" STR(CMD_READY) "\n"
"	str	x0, [x21, #" STR(MMIO_CMD) "]\n"
"live_loop:\n"
"	ldr	x0, [x26]\n"
"	cbnz	x0, live_check\n"
"	madd	x23, x23, x27, x28\n"
"	lsr	x1, x23, #33\n"
	/* one change in 1024 anywhere, the rest in the hot 32 KiB */
"	ubfx	x14, x23, #4, #10\n"
"	and	x1, x1, x29\n"
"	cbz	x14, 8f\n"
"	and	x1, x1, #LIVE_HOT_MASK\n"
"8:	ubfx	x2, x23, #16, #2\n"
"	cmp	x2, #3\n"
"	b.ne	2f\n"
"	mov	x2, #2\n"
"2:	add	x5, x25, x1, lsl #1\n"
"	ldrb	w6, [x5]\n"
"	ldrb	w7, [x5, #1]\n"
"	cmp	x2, #1\n"
"	b.eq	3f\n"
	/* data: a new version, through the granule's current tag */
"	add	w6, w6, #1\n"
"	and	w6, w6, #0xff\n"
"	strb	w6, [x5]\n"
"	add	x8, x1, x7\n"
"	and	x8, x8, #0xf\n"
"	add	x3, x19, x1, lsl #4\n"
"	orr	x3, x3, x8, lsl #56\n"
"	orr	x4, x1, x6, lsl #32\n"
"	mvn	x10, x4\n"
"	stp	x4, x10, [x3]\n"
"	cbz	x2, 4f\n"
	/* tag: a new version, STG only */
"3:	add	w7, w7, #1\n"
"	and	w7, w7, #0xff\n"
"	strb	w7, [x5, #1]\n"
"	add	x8, x1, x7\n"
"	and	x8, x8, #0xf\n"
"	add	x3, x19, x1, lsl #4\n"
"	orr	x3, x3, x8, lsl #56\n"
"	stg	x3, [x3]\n"
"4:	add	x24, x24, #1\n"
"	str	x24, [x26, #8]\n"
"	add	x8, x26, #16\n"
"	ldr	x10, [x8, x2, lsl #3]\n"
"	add	x10, x10, #1\n"
"	str	x10, [x8, x2, lsl #3]\n"
"	b	live_loop\n"
	/* on VM B: every granule against the record */
"live_check:\n"
"	mov	x1, #0\n"
"5:	add	x5, x25, x1, lsl #1\n"
"	ldrb	w6, [x5]\n"
"	ldrb	w7, [x5, #1]\n"
"	add	x2, x1, x7\n"
"	and	x2, x2, #0xf\n"
"	add	x3, x19, x1, lsl #4\n"
"	mov	x4, x3\n"
"	ldg	x4, [x3]\n"
"	ubfx	x4, x4, #56, #4\n"
"	cmp	x4, x2\n"
"	b.ne	live_bad_tag\n"
"	orr	x3, x3, x2, lsl #56\n"
"	ldp	x10, x11, [x3]\n"
"	orr	x12, x1, x6, lsl #32\n"
"	mvn	x13, x12\n"
"	cmp	x10, x12\n"
"	ccmp	x11, x13, #0, eq\n"
"	b.ne	live_bad_data\n"
"	add	x1, x1, #1\n"
"	cmp	x1, x20\n"
"	b.lo	5b\n"
"	str	x20, [x21, #" STR(MMIO_ARG0) "]\n"
"	str	x24, [x21, #" STR(MMIO_ARG1) "]\n"
"	mov	x0, #" STR(CMD_CHECKED) "\n"
"	str	x0, [x21, #" STR(MMIO_CMD) "]\n"
	/* one wrong tag: must take a synchronous tag check fault */
"	mov	x1, #" STR(WRONG_GRANULE) "\n"
"	add	x5, x25, x1, lsl #1\n"
"	ldrb	w7, [x5, #1]\n"
"	add	x2, x1, x7\n"
"	add	x2, x2, #1\n"
"	and	x2, x2, #0xf\n"
"	add	x3, x19, x1, lsl #4\n"
"	orr	x3, x3, x2, lsl #56\n"
"	adr	x22, 6f\n"
"	ldr	x5, [x3]\n"
"	mov	x22, #0\n"
"	mov	x0, #" STR(CMD_NO_FAULT) "\n"
"	str	x0, [x21, #" STR(MMIO_CMD) "]\n"
"6:	mov	x0, #" STR(CMD_DONE) "\n"
"	str	x0, [x21, #" STR(MMIO_CMD) "]\n"
"7:	wfi\n"
"	b	7b\n"
"live_bad_tag:\n"
"	str	x1, [x21, #" STR(MMIO_ARG0) "]\n"
"	str	x4, [x21, #" STR(MMIO_ARG1) "]\n"
"	str	x2, [x21, #" STR(MMIO_ARG2) "]\n"
"	mov	x0, #" STR(CMD_BAD_TAG) "\n"
"	str	x0, [x21, #" STR(MMIO_CMD) "]\n"
"	b	7b\n"
"live_bad_data:\n"
"	str	x1, [x21, #" STR(MMIO_ARG0) "]\n"
"	str	x10, [x21, #" STR(MMIO_ARG1) "]\n"
"	str	x11, [x21, #" STR(MMIO_ARG2) "]\n"
"	mov	x0, #" STR(CMD_BAD_DATA) "\n"
"	str	x0, [x21, #" STR(MMIO_CMD) "]\n"
"	b	7b\n"
"	.ltorg\n"
"	guest_vectors live_vectors\n"
"live_end:\n"
"	.popsection\n"
);
