/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The monitor: the helper's own process outside the sandbox. It clones
 * the sandbox (diagnosing a refused namespace in a throwaway child),
 * writes a user namespace's maps, learns whether setup succeeded,
 * forwards signals, enforces the timeout and waits for the end. */
#pragma once

#include <signal.h>

#include "child.h"
#include "status.h"

/* The signal the kernel sends the monitor when its parent dies (with
 * --die-with-parent); a catchable one so the monitor can clean up. */
#define SIGNAL_PARENT_DIED (SIGRTMIN + 2)

/* Block the signals the monitor takes (forwarded ones, SIGCHLD, the
 * parent's death signal) from the start of the setup, but the
 * termination ones: one that came before the monitor watches for it
 * would kill the helper with a transient cgroup made and not removed,
 * or be lost; the command unblocks everything before its execve.
 * -errno, stage monitor. */
int monitor_block_signals(struct sh_err *err);

/* SIGTERM, SIGINT, SIGHUP: until the cgroups are made the caller ends
 * the helper on them (nothing to undo yet, see main.c); then they are
 * blocked (monitor_block_termination) and, until the command's execve,
 * end the setup: the sandbox killed and reaped, an error of stage
 * signals (monitor_interrupted). Afterwards they are passed on. */
void monitor_termination_sigset(sigset_t *set);
int monitor_block_termination(struct sh_err *err);

/* The error of a termination signal sig during setup: -EINTR. */
int monitor_interrupted(int sig, struct sh_err *err);

/* Start the command and wait for it. On a setup failure returns the
 * child's error (stage, errno, message); otherwise fills outcome. */
int monitor_run(struct launch *launch, pid_t helper_parent,
		struct outcome *outcome, struct sh_err *err);

/* End the helper as the command ended: the same exit code, or the same
 * signal raised again (without a core file of the helper's own). */
__attribute__((noreturn)) void monitor_exit_like(int wait_status);
