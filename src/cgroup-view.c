/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "cgroup.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <sys/vfs.h>

#include "cleanup.h"
#include "mounts.h"
#include "strv.h"

#define CGROUP2_MAGIC 0x63677270
#define CGROUP1_MAGIC 0x27e0eb

/* mountinfo's octal escapes (\040 for a space, ...) undone in place. */
static void unescape(char *s)
{
	char *out = s;

	for (; *s; s++, out++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*out = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 +
				      (s[3] - '0'));
			s += 3;
		} else {
			*out = *s;
		}
	}
	*out = '\0';
}

/* The mount point of a mountinfo line when its file system is cgroup or
 * cgroup2 (unescaped, in place), else NULL. */
static char *cgroup_mount_point(char *line)
{
	char *dash = strstr(line, " - "), *point = line, *end;

	if (!dash || (strncmp(dash + 3, "cgroup ", 7) != 0 &&
		      strncmp(dash + 3, "cgroup2 ", 8) != 0))
		return NULL;
	for (int field = 0; field < 4 && point; field++)
		point = strchr(point, ' ') ? strchr(point, ' ') + 1 : NULL;
	if (!point || !(end = strchr(point, ' ')))
		return NULL;
	*end = '\0';
	unescape(point);
	return point;
}

/* The cgroup mount points of our mount namespace, read whole before any
 * is changed. */
static int list_cgroup_mounts(struct strv *points, struct sh_err *err)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	_cleanup_free_ char *line = NULL;
	size_t size = 0;
	int r = 0;

	if (!f)
		return err_sys(err, STAGE_MOUNT, errno,
			       "open /proc/self/mountinfo");
	errno = 0;
	while (r == 0 && getline(&line, &size, f) > 0) {
		char *point = cgroup_mount_point(line);

		if (point && strv_push(points, point) < 0)
			r = err_set(err, STAGE_MOUNT, ENOMEM, "out of memory");
	}
	if (r == 0 && ferror(f))
		r = err_sys(err, STAGE_MOUNT, errno ? errno : EIO,
			    "read /proc/self/mountinfo");
	fclose(f);
	return r;
}

/* 1 when path is in a cgroup file system, 0 when it is not or is not
 * there (its place covered by another mount), -errno when it cannot
 * tell: then the spawn fails rather than leave one writable. */
static int cgroup_fs(const char *path, struct sh_err *err)
{
	struct statfs st;

	if (statfs(path, &st) < 0)
		return errno == ENOENT || errno == ENOTDIR
			       ? 0
			       : err_sys(err, STAGE_MOUNT, errno, "statfs `%s`",
					 path);
	return st.f_type == CGROUP2_MAGIC || st.f_type == CGROUP1_MAGIC;
}

/* A mount listed but hidden (something mounted over it or over a
 * directory above it) is out of reach and stays as it is; so does one
 * whose place is now inside another cgroup mount (EINVAL: not a mount
 * root), which is made read-only in its own turn. */
static int readonly_if_reachable(const char *point, struct sh_err *err)
{
	struct sh_err mine = { 0 };
	int r = cgroup_fs(point, err);

	if (r <= 0)
		return r;
	r = make_readonly(point, &mine);
	if (r == -EINVAL)
		return 0;
	if (r < 0)
		*err = mine;
	return r;
}

int cgroup_mounts_readonly(struct sh_err *err)
{
	_cleanup_strv_ struct strv points = { 0 };
	struct statvfs st;
	int r = list_cgroup_mounts(&points, err);

	for (size_t i = 0; r == 0 && i < points.n; i++)
		r = readonly_if_reachable(points.v[i], err);
	/* what the command can reach of them is read-only, whatever
	 * stacking there was */
	for (size_t i = 0; r == 0 && i < points.n; i++) {
		if ((r = cgroup_fs(points.v[i], err)) <= 0)
			continue;
		r = 0;
		if (statvfs(points.v[i], &st) < 0)
			r = err_sys(err, STAGE_MOUNT, errno, "statvfs `%s`",
				    points.v[i]);
		else if (!(st.f_flag & ST_RDONLY))
			r = err_set(err, STAGE_MOUNT, EROFS,
				    "cgroup mount `%s` is still writable",
				    points.v[i]);
	}
	return r;
}
