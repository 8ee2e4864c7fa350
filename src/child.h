/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The sandbox's processes, from the clone to execve, as flat pipelines of
 * stages. The first process enters the namespaces' setup (maps, joins,
 * loopback, hostname, mounts); when the command needs an init above it,
 * it forks the command and stays as init. A failing stage sends its
 * struct sh_err down error_fd (MSG_ERROR, channel.h) and the process
 * exits; a successful execve closes error_fd, which tells the monitor
 * the command runs. */
#pragma once

#include "channel.h"
#include "launch.h"
#include "status.h"

__attribute__((noreturn)) void child_run(const struct launch *launch);

/* Shared by the sandbox's processes (child-setup.c, child-init.c,
 * child-command.c), not by the monitor. */
int child_die_with_parent(pid_t expected, struct sh_err *err);
__attribute__((noreturn)) void child_fail(const struct launch *launch,
					  const struct sh_err *err);
int child_setup_command(const struct launch *launch, pid_t parent,
			struct sh_err *err);
int child_become_init(const struct launch *launch, struct sh_err *err);
