/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The helper's status records (JSON lines, see spawn-helper(1)) into a
 * struct sh_result. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "libspawnhelper.h"
#include "ns.h"
#include "utf8.h"

static unsigned ns_bit(const char *name)
{
	int kind = ns_kind_by_name(name, strlen(name));

	return kind < 0 ? 0 : NS_BIT(kind);
}

static void visit(void *data, const char *path, const char *value,
		  bool is_string)
{
	struct sh_result *r = data;
	long long number = is_string ? 0 : atoll(value);
	bool yes = strcmp(value, "true") == 0;

	if (strcmp(path, "command-pid") == 0)
		r->command_pid = (pid_t)number;
	else if (strcmp(path, "namespaces[]") == 0)
		r->namespaces |= ns_bit(value);
	else if (strcmp(path, "dropped[].namespace") == 0)
		r->dropped |= ns_bit(value);
	else if (strcmp(path, "error.stage") == 0) {
		r->setup_failed = true;
		snprintf(r->stage, sizeof(r->stage), "%s", value);
	} else if (strcmp(path, "error.errno") == 0)
		r->error = (int)number;
	else if (strcmp(path, "error.message") == 0)
		utf8_format(r->message, sizeof(r->message), "%s", value);
	else if (strcmp(path, "exit-code") == 0)
		r->exit_code = (int)number;
	else if (strcmp(path, "signal") == 0)
		r->signal = (int)number;
	else if (strcmp(path, "core-dumped") == 0)
		r->core_dumped = yes;
	else if (strcmp(path, "timed-out") == 0)
		r->timed_out = yes;
	else if (strcmp(path, "usage.user-cpu-usec") == 0)
		r->user_cpu_usec = number;
	else if (strcmp(path, "usage.system-cpu-usec") == 0)
		r->system_cpu_usec = number;
	else if (strcmp(path, "usage.max-rss-kib") == 0)
		r->max_rss_kib = number;
	else if (strcmp(path, "usage.wall-usec") == 0)
		r->wall_usec = number;
	else if (strcmp(path, "cgroup.cpu-usec") == 0)
		r->cgroup_cpu_usec = number;
	else if (strcmp(path, "cgroup.memory-peak") == 0)
		r->memory_peak = number;
	else if (strcmp(path, "cgroup.oom-kills") == 0)
		r->oom_kills = number;
}

int result_from_records(struct sh_result *result, const char *records,
			size_t len)
{
	int r = 0;

	for (size_t pos = 0, end; pos < len; pos = end + 1) {
		for (end = pos; end < len && records[end] != '\n'; end++)
			;
		if (end == len)
			break; /* an incomplete last line: the helper died */
		if (json_walk(records + pos, end - pos, visit, result) < 0)
			r = -EBADMSG;
	}
	return r;
}
