/* SPDX-License-Identifier: GPL-2.0 */
/* kselftest-style TAP results for the test bed's tools. */
#ifndef TESTBED_TAP_H
#define TESTBED_TAP_H

#include <stdarg.h>
#include <stdio.h>

static int test_no, failed_tests;

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

#endif
