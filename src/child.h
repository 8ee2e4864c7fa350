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

__attribute__((noreturn)) void child_run(const struct launch *launch);
