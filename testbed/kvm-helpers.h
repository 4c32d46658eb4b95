/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the test bed's KVM tools (bench-mte, mte-fuzz,
 * mte-migrate, mte-stress): fatal errors, a monotonic clock,
 * KVM_ARM_MTE_COPY_TAGS, memslots, MTE VMs and vCPU registers. Plain
 * ioctls, no selftest library; all static, for single-file static
 * binaries built with _GNU_SOURCE.
 *
 * The helpers that cannot go on after a failure call die(), which every
 * tool defines in its own style (tap.h does, for the TAP tools), usually
 * with die_with().
 */
#ifndef TESTBED_KVM_HELPERS_H
#define TESTBED_KVM_HELPERS_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "kvm-mte-uapi.h"

/* ---- fatal errors ---- */

/*
 * Print "<prefix><what>: <strerror(errno)>", and for a TAP tool
 * (@bail_out) "Bail out! <what>" after it, then exit(1).
 */
static inline void __attribute__((noreturn))
die_with(const char *prefix, const char *what, int bail_out)
{
	printf("%s%s: %s\n", prefix, what, strerror(errno));
	if (bail_out)
		printf("Bail out! %s\n", what);
	exit(1);
}

/* The tool's own: say what failed (and errno) and exit(1) */
static void die(const char *what) __attribute__((noreturn));

/* ---- CLOCK_MONOTONIC ---- */

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static inline double now_s(void)
{
	return now_ns() / 1e9;
}

static inline double now_ms(void)
{
	return now_ns() / 1e6;
}

/* ---- KVM_ARM_MTE_COPY_TAGS ---- */

/*
 * The ioctl with @c as it is (reserved words included), and its result
 * as the kernel gives it: the bytes of guest memory whose tags were
 * copied, or -errno (errno is set too). Through syscall(2), whose long
 * holds any result; ioctl(3) would truncate it to an int.
 */
static inline long mte_copy_tags_args(int vm, struct kvm_arm_copy_mte_tags *c)
{
	long r = syscall(SYS_ioctl, vm, KVM_ARM_MTE_COPY_TAGS, c);

	return r < 0 ? -errno : r;
}

/* The tags of @len bytes of guest memory at @ipa; @flags: KVM_ARM_TAGS_* */
static inline long mte_copy_tags(int vm, uint64_t ipa, uint64_t len,
				 void *buf, uint64_t flags)
{
	struct kvm_arm_copy_mte_tags c = {
		.guest_ipa = ipa, .length = len, .addr = buf, .flags = flags,
	};

	return mte_copy_tags_args(vm, &c);
}

/* ---- VMs and memslots ---- */

/* KVM_SET_USER_MEMORY_REGION (size 0 deletes): 0 or -errno */
static inline int kvm_set_slot(int vm, uint32_t id, uint32_t flags,
			       uint64_t ipa, uint64_t size, void *hva)
{
	struct kvm_userspace_memory_region r = {
		.slot = id, .flags = flags, .guest_phys_addr = ipa,
		.memory_size = size, .userspace_addr = (uintptr_t)hva,
	};

	return ioctl(vm, KVM_SET_USER_MEMORY_REGION, &r) ? -errno : 0;
}

/* A memslot that must work */
static inline void kvm_add_slot(int vm, uint32_t id, uint64_t ipa,
				uint64_t size, void *hva)
{
	if (kvm_set_slot(vm, id, 0, ipa, size, hva))
		die("KVM_SET_USER_MEMORY_REGION");
}

/* KVM_ENABLE_CAP(KVM_CAP_ARM_MTE): 0 or -errno */
static inline int kvm_enable_mte(int vm)
{
	struct kvm_enable_cap cap = { .cap = KVM_CAP_ARM_MTE };

	return ioctl(vm, KVM_ENABLE_CAP, &cap) ? -errno : 0;
}

/* A VM, with MTE enabled (before any vCPU) if @mte */
static inline int kvm_create_vm(int kvm, int mte)
{
	int vm = ioctl(kvm, KVM_CREATE_VM, 0);

	if (vm < 0)
		die("KVM_CREATE_VM");
	if (mte && kvm_enable_mte(vm))
		die("KVM_ENABLE_CAP(KVM_CAP_ARM_MTE)");
	return vm;
}

/* Anonymous memory that must be there; @flags: MAP_PRIVATE or MAP_SHARED... */
static inline void *map_anon(size_t size, int prot, int flags)
{
	void *p = mmap(NULL, size, prot, flags | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap");
	return p;
}

/* ---- vCPU registers ---- */

#define CORE_REG(field)	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | \
			 (offsetof(struct kvm_regs, field) / sizeof(__u32)))

static inline void kvm_set_reg(int vcpu, uint64_t id, uint64_t val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)&val };

	if (ioctl(vcpu, KVM_SET_ONE_REG, &reg))
		die("KVM_SET_ONE_REG");
}

#endif
