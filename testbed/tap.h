/* SPDX-License-Identifier: GPL-2.0 */
/* kselftest-style TAP results for the test bed's tools. */
#ifndef TESTBED_TAP_H
#define TESTBED_TAP_H

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "kvm-helpers.h"

static int test_no, failed_tests;

/* A TAP tool's die(): a diagnostic, then "Bail out!" */
static void die(const char *what)
{
	die_with("# FATAL: ", what, 1);
}

/* "ok N name" or "not ok N name", with an optional " # comment" */
static void result(int ok, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void result(int ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("%s %d %s", ok ? "ok" : "not ok", ++test_no, name);
	if (fmt) {
		printf(" # ");
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
	}
	printf("\n");
	if (!ok)
		failed_tests++;
}

/*
 * Print the TAP header and open /dev/kvm for a tool whose tests all need
 * KVM_CAP_ARM_MTE. Without KVM or the capability, print the plan
 * "1..0 # SKIP why" and return -1: the caller then exits with KSFT_SKIP.
 */
static inline int tap_open_kvm_mte(void)
{
	int kvm, vm, r;

	printf("TAP version 13\n");
	kvm = open("/dev/kvm", O_RDWR);
	if (kvm < 0) {
		printf("1..0 # SKIP /dev/kvm: %s\n", strerror(errno));
		return -1;
	}
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	r = vm < 0 ? 0 : ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_ARM_MTE);
	if (vm >= 0)
		close(vm);
	if (r <= 0) {
		printf("1..0 # SKIP KVM_CAP_ARM_MTE (%d) absent\n", KVM_CAP_ARM_MTE);
		close(kvm);
		return -1;
	}
	return kvm;
}

/*
 * The end of a run that started at @t0 (now_s()): the failed count and
 * the kselftest totals. Returns the exit status: 0 all passed, 1 not.
 */
static inline int tap_finish(double t0)
{
	printf("# %d of %d subtests failed, %.1f s\n", failed_tests, test_no,
	       now_s() - t0);
	printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:0 error:0\n",
	       test_no - failed_tests, failed_tests);
	return failed_tests ? 1 : 0;
}

#endif
