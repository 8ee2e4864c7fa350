/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "rlimits.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

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
	return err_set(err, STAGE_RLIMIT, EMFILE,
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
			return err_sys(err, STAGE_RLIMIT, errno,
				       "--rlimit `%s`: setrlimit %s", s->text,
				       rlimit_name(s->resource));
	}
	return 0;
}
