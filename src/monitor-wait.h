/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The monitor's wait loop (monitor-wait.c), for monitor.c and
 * monitor-notify.c. */
#pragma once

#include <signal.h>
#include <stdbool.h>

#include "launch.h"
#include "memread.h"
#include "status.h"

struct waiter {
	const struct launch *launch;
	struct seccomp_plan *seccomp; /* the launch's: rules parsed on demand */
	pid_t helper_parent;
	sigset_t set;
	long long deadline; /* usec, 0: none */
	bool killing;       /* SIGTERM sent on timeout, SIGKILL is next */
	bool kill_group;    /* a timeout kills the command's process group */
	struct memreader reader; /* reads the command's strings, lazily */
};

/* What a timeout's SIGKILL reaches besides the helper's child. */
bool timeout_kills_group(const struct launch *launch);
/* SIGKILL to the helper's child (and its group, with kill_group). */
void kill_sandbox(const struct waiter *w, const struct outcome *out);
/* The forwarded signals, SIGCHLD, the parent's death signal and the
 * library's kill. */
void monitor_sigset(sigset_t *set);
/* Until the helper's child is reaped: 0, or -errno (stage monitor). */
int wait_for_command(struct waiter *w, struct outcome *out,
		     struct sh_err *err);
