// SPDX-License-Identifier: GPL-2.0
/*
 * Report KVM_CHECK_EXTENSION for a capability and compare with what this
 * kernel is expected to say.
 *
 *   kvm-cap CAP present|absent
 *
 * Checks /dev/kvm and a VM fd. Exit 0 when the answer matches.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

int main(int argc, char **argv)
{
	int kvm, vm, cap, want, sys_r, vm_r;

	if (argc != 3 || (strcmp(argv[2], "present") && strcmp(argv[2], "absent"))) {
		fprintf(stderr, "usage: %s CAP present|absent\n", argv[0]);
		return 2;
	}
	cap = atoi(argv[1]);
	want = !strcmp(argv[2], "present");

	kvm = open("/dev/kvm", O_RDWR);
	if (kvm < 0) {
		printf("kvm-cap: open /dev/kvm: %s\n", strerror(errno));
		return 1;
	}
	sys_r = ioctl(kvm, KVM_CHECK_EXTENSION, cap);
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0) {
		printf("kvm-cap: KVM_CREATE_VM: %s\n", strerror(errno));
		return 1;
	}
	vm_r = ioctl(vm, KVM_CHECK_EXTENSION, cap);
	printf("kvm-cap: cap %d: /dev/kvm says %d, VM fd says %d, expected %s\n",
	       cap, sys_r, vm_r, argv[2]);
	if (want)
		return (sys_r > 0 && vm_r > 0) ? 0 : 1;
	return (sys_r == 0 && vm_r == 0) ? 0 : 1;
}
