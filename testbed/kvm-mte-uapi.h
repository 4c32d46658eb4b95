/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest MTE uapi the test bed's tools use, for building them against
 * kernel headers that predate it (the base tree's): numbers as in
 * include/uapi/linux/kvm.h of the series, which are the ones QEMU, kvmtool
 * and crosvm compile in.
 */
#ifndef KVM_MTE_UAPI_H
#define KVM_MTE_UAPI_H

#include <sys/mman.h>
#include <linux/kvm.h>

#ifndef KVM_CAP_ARM_MTE
#define KVM_CAP_ARM_MTE		205
#endif
#ifndef KVM_ARM_TAGS_TO_GUEST
struct kvm_arm_copy_mte_tags {
	__u64 guest_ipa;
	__u64 length;
	void *addr;
	__u64 flags;
	__u64 reserved[2];
};
#define KVM_ARM_TAGS_TO_GUEST	0
#define KVM_ARM_TAGS_FROM_GUEST	1
#endif
#ifndef KVM_ARM_MTE_COPY_TAGS
#define KVM_ARM_MTE_COPY_TAGS	_IOR(KVMIO, 0xb4, struct kvm_arm_copy_mte_tags)
#endif
#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT		21
#endif

#define KSFT_SKIP		4

#endif
