/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sh_probe: spawn-helper --probe --json, run once per process. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "json.h"
#include "libspawnhelper.h"
#include "ns.h"

extern char **environ;

static pthread_once_t probe_once = PTHREAD_ONCE_INIT;
static struct sh_probe probe_result;
static int probe_error;

static void visit(void *data, const char *path, const char *value,
		  bool is_string)
{
	struct sh_probe *p = data;
	bool yes = strcmp(value, "true") == 0;
	const char *name;

	if (strcmp(path, "privileged") == 0)
		p->privileged = yes;
	else if (strcmp(path, "ipv6") == 0)
		p->ipv6 = yes;
	else if (strcmp(path, "landlock-abi") == 0)
		p->landlock_abi = atoi(value);
	else if (strcmp(path, "seccomp.available") == 0)
		p->seccomp = yes;
	else if (strcmp(path, "cgroup.layout") == 0)
		snprintf(p->cgroup_layout, sizeof(p->cgroup_layout), "%s",
			 value);
	else if (strcmp(path, "cgroup.may-create") == 0)
		p->may_create_cgroups = yes;
	else if (strncmp(path, "namespaces.", 11) == 0 && yes &&
		 (name = path + 11) &&
		 strcmp(name + strcspn(name, "."), ".available") == 0) {
		int kind = ns_kind_by_name(name, strcspn(name, "."));

		if (kind >= 0)
			p->namespaces |= NS_BIT(kind);
	}
}

/* Run the helper with its stdout on a pipe and read all of it. */
static int run_probe(char **out, size_t *len)
{
	char *argv[] = { (char *)"spawn-helper", (char *)"--probe",
			 (char *)"--json", NULL };
	posix_spawn_file_actions_t fa;
	_cleanup_close_ int rd = -1;
	size_t cap = 4096;
	int fds[2], r, status;
	pid_t pid, got;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	rd = fds[0];
	if ((r = posix_spawn_file_actions_init(&fa))) {
		close(fds[1]);
		return -r;
	}
	r = -posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	if (!r)
		r = -posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	if (!r)
		r = helper_run(argv, &fa, &pid);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	if (r)
		return r;
	*len = 0;
	*out = malloc(cap);
	for (ssize_t n = 1; *out && n > 0;) {
		/* a report takes a few KiB: a helper that prints without end
		 * is stopped, not read into all of the caller's memory */
		if (*len > SH_RECORDS_MAX) {
			kill(pid, SIGKILL);
			r = -EMSGSIZE;
			break;
		}
		if (*len + 1 == cap) {
			char *grown = realloc(*out, cap * 2);

			if (!grown) {
				kill(pid, SIGKILL);
				r = -ENOMEM;
				break;
			}
			*out = grown;
			cap *= 2;
		}
		n = read(rd, *out + *len, cap - *len - 1);
		if (n > 0)
			*len += (size_t)n;
		else if (n < 0 && errno == EINTR)
			n = 1;
	}
	/* ECHILD: a caller that ignores SIGCHLD (or reaps in a handler)
	 * took the status; the output, read to its end, decides */
	status = 0;
	while ((got = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
		;
	if (got < 0 && errno != ECHILD)
		r = -errno;
	if (!*out)
		return -ENOMEM;
	if (r)
		return r;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
}

static void probe_once_run(void)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;

	probe_error = run_probe(&text, &len);
	if (probe_error == 0 &&
	    json_walk(text, len, visit, &probe_result) < 0)
		probe_error = -EPROTO;
}

SH_EXPORT int sh_probe(const struct sh_probe **probe)
{
	if (!probe)
		return -EINVAL;
	pthread_once(&probe_once, probe_once_run);
	*probe = &probe_result;
	return probe_error;
}
