/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "proc.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef PIDFD_SIGNAL_PROCESS_GROUP
#define PIDFD_SIGNAL_PROCESS_GROUP (1U << 2)
#endif

/* struct clone_args of <linux/sched.h>, version 0 (64 bytes). */
struct clone_args_v0 {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack,
		stack_size, tls;
};

pid_t proc_clone(unsigned long flags, struct proc *p)
{
	int pidfd = -1;
	struct clone_args_v0 args = { .flags = flags | CLONE_PIDFD,
				      .pidfd = (uint64_t)(uintptr_t)&pidfd,
				      .exit_signal = SIGCHLD };
	long pid = syscall(SYS_clone3, &args, sizeof(args));

	/* clone() has no room for CLONE_NEWTIME: its bit is the signal's */
	if (pid < 0 && errno == ENOSYS && !(flags & CLONE_NEWTIME))
		pid = syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, 0);
	if (pid < 0)
		return -errno;
	if (pid > 0) {
		p->pid = (pid_t)pid;
		p->pidfd = pidfd;
	}
	return (pid_t)pid;
}

int proc_signal(const struct proc *p, int sig)
{
	long r;

	if (p->pid <= 0)
		return -ESRCH;
	if (p->pidfd >= 0)
		r = syscall(SYS_pidfd_send_signal, p->pidfd, sig, NULL, 0);
	else
		r = kill(p->pid, sig);
	return r < 0 ? -errno : 0;
}

int proc_signal_group(const struct proc *p, int sig)
{
	if (p->pid <= 0)
		return -ESRCH;
	if (p->pidfd >= 0 &&
	    syscall(SYS_pidfd_send_signal, p->pidfd, sig, NULL,
		    PIDFD_SIGNAL_PROCESS_GROUP) == 0)
		return 0;
	if (p->pidfd >= 0 && errno != EINVAL)
		return -errno;
	return kill(-p->pid, sig) < 0 ? -errno : 0;
}

void proc_kill_and_reap(struct proc *p)
{
	if (p->pid <= 0)
		return;
	/* by pid when the pidfd's signal fails (our unreaped child: its
	 * pid is its own); one that cannot be signalled at all is not
	 * waited for, forever */
	if (proc_signal(p, SIGKILL) < 0 && p->pidfd >= 0 &&
	    kill(p->pid, SIGKILL) < 0) {
		proc_forget(p);
		return;
	}
	while (waitpid(p->pid, NULL, 0) < 0 && errno == EINTR)
		;
	proc_forget(p);
}

void proc_forget(struct proc *p)
{
	if (p->pidfd >= 0)
		close(p->pidfd);
	p->pid = 0;
	p->pidfd = -1;
}

int proc_die_with_parent(int sig, pid_t expected, const char *gone,
			 struct sh_err *err)
{
	if (prctl(PR_SET_PDEATHSIG, sig) < 0)
		return err_sys(err, STAGE_PROCESS, errno, "prctl PDEATHSIG");
	if (getppid() != expected)
		return err_set(err, STAGE_PROCESS, ESRCH, "%s", gone);
	return 0;
}
