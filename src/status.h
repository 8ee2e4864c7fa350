/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Status records: JSON lines on --status-fd, a superset of bubblewrap's
 * --json-status-fd keys. Without a status fd, errors go to stderr as text
 * and nothing else is written. */
#pragma once

#include <stdbool.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "channel.h"
#include "err.h"
#include "landlock.h"
#include "launch.h"

struct outcome {
	struct proc child;    /* the helper's child: the init, or the command */
	pid_t command_pid;    /* the command, as the helper sees it (0: unknown) */
	pid_t command_ns_pid; /* the command in its pid namespace (0: same) */
	struct sandbox_info info;
	struct net_result net; /* what the monitor did to lo */
	struct command_info command;
	bool command_reported; /* MSG_COMMAND came: its last word before execve */
	int wait_status; /* the command's */
	bool init_reported; /* wait_status is the init's word on the command */
	bool timed_out;
	int seccomp_listener;           /* -1: blocked calls go unreported */
	struct seccomp_report seccomp; /* what the monitor answered */
	struct rusage usage;
	struct cgroup_usage cgroup;
	long long wall_usec;
};

/* {"child-pid":N,"command-pid":N,"namespaces":[..],...}: the command is
 * running (its exec succeeded) in what was really set up. A record that
 * cannot be written is an error (stage monitor), as in status_outcome. */
int status_started(const struct launch *launch, const struct outcome *out,
		   struct sh_err *err);

/* {"error":{"stage":..,"errno":..,"errname":..,"message":..},
 *  "exit-code":N}; to stderr as "spawn-helper: STAGE: MESSAGE" when fd < 0. */
void status_error(int fd, const struct sh_err *err, int exit_code);

/* The line status_error would write, into buf (cut to size - 1 and
 * NUL-terminated); its length. For a writer that may call nothing but
 * write(2). */
size_t status_error_line(int fd, const struct sh_err *err, int exit_code,
			 char *buf, size_t size);

/* {"child-pid":N,"exit-code":N[,"signal":N,"signal-name":..,
 *  "core-dumped":B],"usage":{...}}. */
int status_outcome(int fd, const struct outcome *outcome,
		   struct sh_err *err);

/* A signal's name for the records: "SIGTERM", "SIGRTMIN+3". */
void status_signal_name(int sig, char *buf, size_t size);

/* The exit code the helper reports for a wait status: the command's own,
 * or 128 + the signal (what a shell shows). */
int status_exit_code(int wait_status);

/* Without --status-fd: the refused system calls and the dropped
 * namespaces the records would name, one line on stderr (none when
 * there are none). */
void status_summary(const struct launch *launch, const struct outcome *out);
