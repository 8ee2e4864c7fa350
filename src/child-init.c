/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The sandbox's init: when the command needs a pid 1 above it (a new or
 * joined pid namespace, a time namespace), the sandbox's first process
 * forks the command and stays as its supervisor. It reaps every orphan,
 * passes the forwarded signals on to the command and, when the command
 * ends, sends its wait status to the monitor and exits, which makes the
 * kernel kill whatever is left in the pid namespace. */
#include "config.h"

#include "child.h"

#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "signals.h"

/* Send MSG_STARTED for the command's pid with SCM_CREDENTIALS, so the
 * monitor learns the pid as its own namespace sees it. */
static int init_report_started(int report_fd, pid_t command, pid_t ns_pid,
			       bool in_monitor_pid_ns)
{
	struct msg_started msg = { .ns_pid = ns_pid };
	struct ucred cred = { command, getuid(), getgid() };

	/* without a new pid namespace (one joined: only the command entered
	 * it) we are in the monitor's, and command is its pid there */
	if (in_monitor_pid_ns) {
		msg.monitor_pid = command;
		return chan_send(report_fd, MSG_STARTED, &msg, NULL, 0, NULL);
	}
	/* naming another process's pid needs CAP_SYS_ADMIN over our pid
	 * namespace; without it the monitor learns only the inner pid */
	if (chan_send(report_fd, MSG_STARTED, &msg, NULL, 0, &cred) == 0)
		return 0;
	msg.monitor_pid = -1;
	return chan_send(report_fd, MSG_STARTED, &msg, NULL, 0, NULL);
}

/* Supervise the command (pid 1's loop); never returns. */
static __attribute__((noreturn)) void
init_supervise(const struct proc *command, int report_fd, bool own_session)
{
	struct msg_exited msg = { 0 };
	sigset_t set;

	forwarded_sigset(&set);
	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(&set, &si), status;
		pid_t pid;

		if (sig < 0)
			continue; /* EINTR: nothing else can child_fail here */
		if (sig != SIGCHLD) {
			/* the terminal's own (SI_KERNEL) reached the monitor
			 * too, which leaves passing it on to us */
			if (should_forward(si.si_code, own_session))
				proc_signal(command, sig);
			continue;
		}
		/* pid 1 inherits every orphan of the namespace: reap them */
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			if (pid != command->pid)
				continue;
			msg.wait_status = status;
			chan_send(report_fd, MSG_EXITED, &msg, NULL, 0, NULL);
			/* what a shell would show, should the message be lost */
			_exit(WIFSIGNALED(status) ? 128 + WTERMSIG(status)
						  : WEXITSTATUS(status));
		}
	}
}

struct command_start {
	const struct launch *launch;
	pid_t parent; /* the init, as the command sees it */
	pid_t ns_pid; /* the command's pid in its own pid namespace */
};

static int command_main(void *arg)
{
	struct command_start *start = arg;
	struct sh_err err = { 0 };

	/* the init reads it once we exec or die (CLONE_VFORK, shared
	 * memory): in a joined pid namespace it cannot tell by itself */
	start->ns_pid = getpid();

	/* returns only on failure */
	child_setup_command(start->launch, start->parent, &err);
	child_fail(start->launch, &err);
}

/* The command's process shares the init's memory and runs on its own
 * stack until its execve, while the init waits (CLONE_VM|CLONE_VFORK, as
 * posix_spawn does): no page tables copied for a process that is about
 * to replace them, which fork pays for on every spawn. The command has
 * its own fd table, signal handlers, root and cwd; of what it writes to
 * memory before execve (errno, libcap's allocations) the init reads only
 * start->ns_pid. */
#define COMMAND_STACK_SIZE (1024 * 1024)

static pid_t start_command(struct command_start *start, struct proc *proc,
			   struct sh_err *err)
{
	char *stack = mmap(NULL, COMMAND_STACK_SIZE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE |
				   MAP_STACK,
			   -1, 0);
	pid_t command;

	if (stack == MAP_FAILED)
		return err_sys(err, STAGE_INIT, errno,
			       "map a stack for the command");
	/* a guard page: an overflow faults instead of writing the init's
	 * memory */
	if (mprotect(stack, (size_t)sysconf(_SC_PAGESIZE), PROT_NONE) < 0) {
		err_sys(err, STAGE_INIT, errno, "guard the command's stack");
		munmap(stack, COMMAND_STACK_SIZE);
		return -1;
	}
	/* the pidfd the init passes signals on through (a kernel before
	 * 5.2 leaves it -1: signalled by pid, see proc_signal) */
	proc->pidfd = -1;
	command = clone(command_main, stack + COMMAND_STACK_SIZE,
			CLONE_VM | CLONE_VFORK | CLONE_PIDFD | SIGCHLD, start,
			&proc->pidfd);
	if (command < 0)
		err_sys(err, STAGE_INIT, errno, "start the command");
	munmap(stack, COMMAND_STACK_SIZE);
	proc->pid = command;
	return command;
}

/* Start the command and stay as its init; returns only on failure. */
int child_become_init(const struct launch *launch, struct sh_err *err)
{
	/* as the command will see its parent: outside a joined pid
	 * namespace it sees none */
	struct command_start start = {
		.launch = launch,
		.parent = launch->join_fds[NS_PID] >= 0 ? 0 : getpid(),
	};
	struct proc command;

	if (start_command(&start, &command, err) < 0)
		return -1;
	init_report_started(launch->report_fd, command.pid, start.ns_pid,
			    !(launch->namespaces & NS_BIT(NS_PID)));
	/* the command's exec alone must close the monitor's error pipe */
	close(launch->error_fd);
	init_supervise(&command, launch->report_fd, launch->own_session);
}
