/* The command's process: from the fork to execve, as a flat pipeline of
 * stages. A failing stage sends its struct sh_err down error_fd (the
 * monitor reads it) and the process exits; a successful execve closes
 * error_fd, which tells the monitor the command runs. */
#pragma once

#include <signal.h>
#include <sys/types.h>

#include "creds.h"
#include "fdmap.h"
#include "spec.h"

/* Everything the command's process needs, prepared by the helper before
 * it forks, so the child only applies and never decides. */
struct launch {
	const struct spec *spec;
	struct creds creds;
	struct fd_plan fd_plan;
	int temp_base; /* above every fd of the map: temps and error_fd */
	struct strv env;
	pid_t monitor_pid;
	int error_fd;
};

int launch_prepare(struct launch *launch, const struct spec *spec,
		   struct sh_err *err);
void launch_clear(struct launch *launch);

__attribute__((noreturn)) void child_run(const struct launch *launch);
