/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The sandbox's init: when the command needs a pid 1 above it (a new or
 * joined pid namespace, a time namespace), the sandbox's first process
 * forks the command and stays as its supervisor. It reaps every orphan,
 * passes the forwarded signals on to the command and, when the command
 * ends, sends its wait status to the monitor and exits, which makes the
 * kernel kill whatever is left in the pid namespace. */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "proc.h"

/* Messages on the report socket, the sandbox to the monitor but the
 * last one. */
enum report_kind {
	INIT_STARTED = 1,   /* SCM_CREDENTIALS carries the command's pid */
	INIT_EXITED = 2,    /* wait_status is the command's */
	REPORT_SANDBOX = 3, /* struct sandbox_info */
	REPORT_COMMAND = 4, /* struct command_info */
	REPORT_NET = 5,     /* struct net_passed, SCM_RIGHTS the sockets */
	NET_CONFIGURED = 6, /* the monitor to the command: lo is ready */
};

struct init_message {
	int kind;
	int wait_status;
	pid_t ns_pid; /* the command's pid inside its pid namespace */
	/* INIT_STARTED: the command's pid as the monitor sees it; 0 when
	 * SCM_CREDENTIALS carries it, -1 when unknown */
	pid_t monitor_pid;
};

/* The library's SIGKILL (sh_process_kill): the helper kills the whole
 * sandbox, removes its cgroup leaves, writes the outcome and dies of the
 * command's SIGKILL itself. A fixed number: SIGRTMIN is glibc's 34 but
 * musl's 35, and a static helper may not share the library's C library. */
#define SIGNAL_KILL_SANDBOX 63

/* The signals the helper passes on to the command, plus SIGCHLD. */
void forwarded_sigset(sigset_t *set);

/* Set sig's disposition to the default, and unblock the signals of
 * mask (bit sig-1 for sig), by system call: the C library keeps its own
 * signals (glibc 32 and 33, musl 32 to 34) out of sigaction() and
 * sigprocmask(), and one of those ignored or blocked would stay so.
 * -errno. */
int signal_default_raw(int sig);
/* Every signal's disposition to the default, the same way. */
void signal_default_all(void);
int signal_unblock_raw(uint64_t mask);

/* Whether a signal that reached us should be passed on: one the terminal
 * sent to the whole process group reached the command already, unless
 * the sandbox runs in a session of its own. */
bool should_forward(int si_code, bool own_session);

/* Supervise the command (pid 1's loop); never returns. */
__attribute__((noreturn)) void init_supervise(const struct proc *command,
					      int report_fd, bool own_session);

/* Send INIT_STARTED for the command's pid with SCM_CREDENTIALS, so the
 * monitor learns the pid as its own namespace sees it. */
int init_report_started(int report_fd, pid_t command, pid_t ns_pid,
			bool in_monitor_pid_ns);
