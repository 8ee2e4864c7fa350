/* Status records: JSON lines on --status-fd, a superset of bubblewrap's
 * --json-status-fd keys. Without a status fd, errors go to stderr as text
 * and nothing else is written. */
#pragma once

#include <stdbool.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "err.h"

struct outcome {
	pid_t pid;
	int wait_status;
	struct rusage usage;
	long long wall_usec;
};

/* {"child-pid":N}: the command is running (its exec succeeded). */
void status_started(int fd, pid_t pid);

/* {"error":{"stage":..,"errno":..,"errname":..,"message":..},
 *  "exit-code":N}; to stderr as "spawn-helper: STAGE: MESSAGE" when fd < 0. */
void status_error(int fd, const struct sh_err *err, int exit_code);

/* {"child-pid":N,"exit-code":N[,"signal":N,"signal-name":..,
 *  "core-dumped":B],"usage":{...}}. */
void status_outcome(int fd, const struct outcome *outcome);

/* The exit code the helper reports for a wait status: the command's own,
 * or 128 + the signal (what a shell shows). */
int status_exit_code(int wait_status);
