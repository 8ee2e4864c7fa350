/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The helper's own children, named by a pidfd: every signal the helper
 * sends to a process it started goes through one, so a pid the kernel
 * has already given to another process can never be hit. And a
 * process's death with its parent. */
#pragma once

#include <sched.h>
#include <stdbool.h>
#include <sys/types.h>

#include "err.h"

struct proc {
	pid_t pid;
	int pidfd; /* -1: the kernel has no pidfds (Linux before 5.3) */
};

#define PROC_NONE { 0, -1 }

/* fork-like clone3 with CLONE_PIDFD and the CLONE_* flags given: the
 * child has a pidfd from birth, or no child is made. Where the kernel
 * lacks clone3 (and flags allow plain clone) p->pidfd is -1. Returns the
 * pid (also in p->pid), 0 in the child, or -errno. */
pid_t proc_clone(unsigned long flags, struct proc *p);

/* sig to the process. Without a pidfd (Linux before 5.3) by pid: the
 * callers signal only children they have not reaped, whose pid the
 * kernel cannot give away (the helper resets an inherited ignored
 * SIGCHLD first thing, so the kernel never reaps them for it). 0 or
 * -errno. */
int proc_signal(const struct proc *p, int sig);

/* sig to the process group p leads (PIDFD_SIGNAL_PROCESS_GROUP, Linux
 * 6.9), or by its number while p is not reaped: its pid, and so the
 * group's id, stays taken until then. 0 or -errno. */
int proc_signal_group(const struct proc *p, int sig);

/* SIGKILL, then the wait; the pidfd is closed. */
void proc_kill_and_reap(struct proc *p);

/* After the wait: the pidfd closed, p named nothing. */
void proc_forget(struct proc *p);

/* sig to this process when its parent dies (PR_SET_PDEATHSIG), then a
 * check that the parent had not died before: getppid() is still
 * expected. 0, or -errno with err (stage process; ESRCH with the message
 * gone when the parent was gone already). */
int proc_die_with_parent(int sig, pid_t expected, const char *gone,
			 struct sh_err *err);
