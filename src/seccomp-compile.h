/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Seccomp rules to BPF programs. */
#pragma once

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "seccomp-policy.h"

/* x32 calls come with x86-64's audit arch and this bit in the number */
#define X32_SYSCALL_BIT 0x40000000u

struct bpf_program {
	struct sock_filter *insns;
	size_t len;
};

/* Compile policy: the calls libseccomp knows into libseccomp_prog, the
 * others into own_prog by number; when notify, both send their calls to
 * the monitor as user notifications, else they act directly. Either may
 * come out empty (len 0); both are malloc'd. */
int seccomp_compile(const struct seccomp_policy *policy, bool notify,
		    struct bpf_program *libseccomp_prog,
		    struct bpf_program *own_prog, struct sh_err *err);

/* The name of a call libseccomp may not know by its number (x32's bit
 * or not; the same on x86-64 and i386), or NULL: the monitor names the
 * calls of own_prog with it. */
const char *seccomp_new_syscall_name(int nr);

/* One program that runs first, then, where first allows, then: the
 * kernel pays per filter (it compiles each, and runs each for every
 * syscall number to cache what it always allows), so two programs of
 * ours are installed as one. first's other verdicts stand. out is
 * malloc'd (len 0 when both are empty). */
int bpf_join(const struct bpf_program *first, const struct bpf_program *then,
	     struct bpf_program *out, struct sh_err *err);
