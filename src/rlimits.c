/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "rlimits.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name;
	int resource;
} rlimit_names[] = {
	{ "as", RLIMIT_AS },
	{ "core", RLIMIT_CORE },
	{ "cpu", RLIMIT_CPU },
	{ "data", RLIMIT_DATA },
	{ "fsize", RLIMIT_FSIZE },
	{ "locks", RLIMIT_LOCKS },
	{ "memlock", RLIMIT_MEMLOCK },
	{ "msgqueue", RLIMIT_MSGQUEUE },
	{ "nice", RLIMIT_NICE },
	{ "nofile", RLIMIT_NOFILE },
	{ "nproc", RLIMIT_NPROC },
	{ "rss", RLIMIT_RSS },
	{ "rtprio", RLIMIT_RTPRIO },
	{ "rttime", RLIMIT_RTTIME },
	{ "sigpending", RLIMIT_SIGPENDING },
	{ "stack", RLIMIT_STACK },
};

const char *rlimit_name(int resource)
{
	for (size_t i = 0; i < sizeof(rlimit_names) / sizeof(rlimit_names[0]);
	     i++)
		if (rlimit_names[i].resource == resource)
			return rlimit_names[i].name;
	return "?";
}

static int parse_value(const char *s, size_t len, rlim_t *out)
{
	char buf[32];
	char *end;

	if (len == 0 || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (strcmp(buf, "unlimited") == 0 || strcmp(buf, "infinity") == 0) {
		*out = RLIM_INFINITY;
		return 0;
	}
	if (!isdigit((unsigned char)buf[0]))
		return -EINVAL;
	errno = 0;
	*out = strtoull(buf, &end, 10);
	return errno || *end || *out == RLIM_INFINITY ? -EINVAL : 0;
}

int rlimit_parse(const char *text, struct rlimit_setting *out,
		 const char **bad)
{
	size_t name_len = strcspn(text, "=");
	const char *soft = text + name_len + 1, *colon;
	size_t i;

	*bad = strchr(text, '=') ? "NAME" : "form";
	for (i = 0; i < sizeof(rlimit_names) / sizeof(rlimit_names[0]); i++)
		if (strlen(rlimit_names[i].name) == name_len &&
		    strncmp(rlimit_names[i].name, text, name_len) == 0)
			break;
	if (i == sizeof(rlimit_names) / sizeof(rlimit_names[0]) ||
	    !text[name_len])
		return -EINVAL;
	out->resource = rlimit_names[i].resource;
	colon = strchr(soft, ':');
	*bad = "SOFT";
	if (parse_value(soft, colon ? (size_t)(colon - soft) : strlen(soft),
			&out->value.rlim_cur) < 0)
		return -EINVAL;
	out->value.rlim_max = out->value.rlim_cur;
	*bad = "HARD";
	if (colon && parse_value(colon + 1, strlen(colon + 1),
				 &out->value.rlim_max) < 0)
		return -EINVAL;
	*bad = "SOFT above HARD";
	if (out->value.rlim_cur > out->value.rlim_max)
		return -EINVAL;
	return 0;
}

/* A new fd takes the lowest free number, which must be below the limit:
 * the fd map's targets and the sandbox's own fds (above the map until
 * the execve) take numbers the setup can no longer have. */
static int check_nofile_room(const struct rlimit_setting *s,
			     unsigned fds_needed, struct sh_err *err)
{
	unsigned free_fds = 0;

	for (rlim_t fd = 0; fd < s->value.rlim_cur && free_fds < fds_needed;
	     fd++)
		free_fds += fcntl((int)fd, F_GETFD) < 0 && errno == EBADF;
	if (free_fds >= fds_needed)
		return 0;
	return err_set(err, "rlimit", EMFILE,
		       "--rlimit `%s`: the setup still opens %u fd%s after "
		       "the limits (Landlock's, the seccomp listener), and "
		       "%u of the numbers below %llu are free (the fd map's "
		       "and the helper's own take the others): give a higher "
		       "limit",
		       s->text, fds_needed, fds_needed == 1 ? "" : "s", free_fds,
		       (unsigned long long)s->value.rlim_cur);
}

int rlimits_apply(const struct rlimit_setting *settings, size_t n,
		  unsigned fds_needed, struct sh_err *err)
{
	for (size_t i = 0; i < n; i++) {
		const struct rlimit_setting *s = &settings[i];
		int r;

		if (s->resource == RLIMIT_NOFILE &&
		    (r = check_nofile_room(s, fds_needed, err)) < 0)
			return r;
		if (setrlimit(s->resource, &s->value) < 0)
			return err_sys(err, "rlimit", errno,
				       "--rlimit `%s`: setrlimit %s", s->text,
				       rlimit_name(s->resource));
	}
	return 0;
}
