/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the Go-style attacks (raw-write, raw-read) share: no libc at all,
 * every call made with the syscall instruction itself (-nostdlib
 * -static), so nothing in user space can see their calls; results
 * printed as "what: N". Each defines start_c(long *sp), which gets the
 * initial stack (argc, argv...). x86-64 only. */
#pragma once

#define SYS_write 1
#define SYS_exit_group 231
#define AT_FDCWD_ (-100)

static long raw(long nr, long a, long b, long c, long d)
{
	long ret;
	register long r10 __asm__("r10") = d;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10)
			 : "rcx", "r11", "memory");
	return ret;
}

static void say(const char *what, long v)
{
	char buf[64];
	int n = 0, len = 0;
	char digits[24];
	unsigned long u = v < 0 ? (unsigned long)-v : (unsigned long)v;

	while (what[len])
		buf[n++] = what[len++];
	buf[n++] = ':';
	buf[n++] = ' ';
	if (v < 0)
		buf[n++] = '-';
	len = 0;
	do {
		digits[len++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	while (len)
		buf[n++] = digits[--len];
	buf[n++] = '\n';
	raw(SYS_write, 1, (long)buf, n, 0);
}

static void start_c(long *sp) __attribute__((used, noreturn));

__asm__(".text\n"
	".global _start\n"
	"_start:\n"
	"	mov %rsp, %rdi\n"
	"	and $-16, %rsp\n"
	"	call start_c\n"
	"	hlt\n");
