/* Seccomp: the rules of a profile (build by default, strict, none) and of
 * --seccomp-policy files are compiled with libseccomp in the helper,
 * before any child exists, for every ABI the kernel runs on this machine
 * (x86-64, i386 and x32 on an x86-64 kernel), so that no other ABI can
 * get around them. Calls libseccomp does not know yet get a small filter
 * of our own by their number. A raw BPF program on --seccomp-bpf FD is
 * installed too, for bubblewrap users. The command's process installs
 * the programs last, just before execve. */
#pragma once

#include <linux/filter.h>
#include <stddef.h>

#include "err.h"
#include "spec.h"

struct bpf_program {
	struct sock_filter *insns;
	size_t len;
};

#define SECCOMP_MAX_PROGRAMS 3

struct seccomp_plan {
	struct bpf_program programs[SECCOMP_MAX_PROGRAMS];
	size_t n;
};

int seccomp_prepare(const struct spec *spec, struct seccomp_plan *plan,
		    struct sh_err *err);
void seccomp_plan_clear(struct seccomp_plan *plan);

/* In the command's process, after no_new_privs (or with CAP_SYS_ADMIN). */
int seccomp_install(const struct seccomp_plan *plan, struct sh_err *err);
