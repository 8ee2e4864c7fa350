/* Seccomp rules to BPF programs. */
#pragma once

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "seccomp-policy.h"

struct bpf_program {
	struct sock_filter *insns;
	size_t len;
};

/* Compile policy: the calls libseccomp knows into libseccomp_prog (their
 * actions sent to the monitor as user notifications when notify), the
 * others into own_prog by number (acting directly). Either may come out
 * empty (len 0); both are malloc'd. */
int seccomp_compile(const struct seccomp_policy *policy, bool notify,
		    struct bpf_program *libseccomp_prog,
		    struct bpf_program *own_prog, struct sh_err *err);
