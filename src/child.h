/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The sandbox's processes, from the clone to execve, as flat pipelines of
 * stages. The first process enters the namespaces' setup (maps, joins,
 * loopback, hostname, mounts); when the command needs an init above it,
 * it forks the command and stays as init. A failing stage sends its
 * struct sh_err down error_fd and the process exits; a successful execve
 * closes error_fd, which tells the monitor the command runs. */
#pragma once

#include "launch.h"
#include "status.h"

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

__attribute__((noreturn)) void child_run(const struct launch *launch);

/* Shared by the sandbox's processes (child-setup.c, child-init.c,
 * child-command.c), not by the monitor. */
int child_die_with_parent(pid_t expected, struct sh_err *err);
__attribute__((noreturn)) void child_fail(const struct launch *launch,
					  const struct sh_err *err);
int child_send_with_fds(int sock, const void *msg, size_t size,
			const int *fds, size_t n);
int child_setup_command(const struct launch *launch, pid_t parent,
			struct sh_err *err);
int child_become_init(const struct launch *launch, struct sh_err *err);
