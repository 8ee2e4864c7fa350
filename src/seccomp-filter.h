/* SPDX-License-Identifier: LGPL-2.1-or-later */
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
#include <linux/seccomp.h>
#include <stddef.h>

#include "err.h"
#include "memread.h"
#include "sandbox.h"
#include "seccomp-compile.h"
#include "seccomp-policy.h"
#include "spec.h"

#define SECCOMP_MAX_PROGRAMS 3

/* The first program is ours: libseccomp's, compiled so that a blocked
 * call goes to the monitor (SECCOMP_RET_USER_NOTIF), which answers it as
 * the rule says and so learns the call's name for the status record,
 * behind our own for the calls libseccomp does not know, which notifies
 * too (bpf_join). The second, if any, is --seccomp-bpf's. */
struct seccomp_plan {
	struct bpf_program programs[SECCOMP_MAX_PROGRAMS];
	size_t n;
	bool notify;                 /* programs[0] notifies the monitor */
	struct seccomp_policy policy; /* its rules, for the answers */
	/* a precompiled built-in profile whose rules are not in policy yet:
	 * the text is parsed only where the rules are needed (the monitor's
	 * first call to answer, seccomp_plan_rules) */
	const char *unparsed_profile;
	unsigned profile_flags; /* its seccomp_profile_flags */
	/* a built-in profile alone (no policy file, no BPF of the caller's):
	 * rules that leave the setup's own calls (recv, sendmsg) alone */
	bool builtin_only;
	/* the sandbox whose calls programs[0] sends too, or NULL */
	struct sandbox *sandbox;
};

/* What the monitor saw blocked, for the status record. */
#define SECCOMP_REPORT_MAX 16

struct seccomp_report {
	struct {
		char name[32];
		int errnum;
		unsigned count;
	} blocked[SECCOMP_REPORT_MAX];
	/* refusals of further (call, errno) pairs once blocked is full */
	unsigned long unlisted;
	size_t n_blocked;
	char killed_by[32]; /* the call a kill rule met, "" when none */
	struct sandbox_report sandbox; /* the sandbox's answers */
};

int seccomp_prepare(const struct spec *spec, struct seccomp_plan *plan,
		    struct sh_err *err);
void seccomp_plan_clear(struct seccomp_plan *plan);

/* The sandbox's calls sent to the monitor too (sandbox_bpf's program
 * before the rules', in the one that notifies), and answered by
 * sandbox_answer where no rule acts. */
int seccomp_plan_sandbox(struct seccomp_plan *plan, struct sandbox *sb,
			 struct sh_err *err);

/* The plan's rules in plan->policy (for seccomp_answer): parses a
 * precompiled profile's text the first time. */
int seccomp_plan_rules(struct seccomp_plan *plan, struct sh_err *err);

/* In the command's process, after no_new_privs (or with CAP_SYS_ADMIN).
 * *listener gets the fd the monitor answers blocked calls on, or -1 when
 * the kernel gives none (a listener up the chain already, as in a nested
 * sandbox; an old kernel): then the rules act directly, unreported. */
int seccomp_install(const struct seccomp_plan *plan, int *listener,
		    struct sh_err *err);
