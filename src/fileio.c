/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "fileio.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"

static int open_at(const char *dir, const char *name, int flags)
{
	char path[PATH_MAX + 64];
	int n = snprintf(path, sizeof(path), "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;
	n = open(path, flags | O_CLOEXEC);
	return n < 0 ? -errno : n;
}

int write_file_at(const char *dir, const char *name, const char *text)
{
	_cleanup_close_ int fd = open_at(dir, name, O_WRONLY);
	size_t len = strlen(text);

	if (fd < 0)
		return fd;
	if (write(fd, text, len) != (ssize_t)len)
		return -errno;
	return 0;
}

int read_file_at(const char *dir, const char *name, char *buf, size_t size)
{
	_cleanup_close_ int fd = open_at(dir, name, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return fd;
	n = read(fd, buf, size - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

static bool kept(int fd, const int *keep, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (keep[i] == fd)
			return true;
	return false;
}

/* Before Linux 5.9 (no close_range): one by one, as /proc lists them. */
static int close_listed_but(const int *keep, size_t n)
{
	DIR *dir = opendir("/proc/self/fd");
	struct dirent *de;

	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		int fd = atoi(de->d_name);

		if (de->d_name[0] != '.' && fd != dirfd(dir) &&
		    !kept(fd, keep, n))
			close(fd);
	}
	closedir(dir);
	return 0;
}

int close_all_but(const int *keep, size_t n)
{
	unsigned from = 0;

	/* the gaps between the kept fds, lowest first */
	for (;;) {
		unsigned next = ~0U;

		for (size_t i = 0; i < n; i++)
			if (keep[i] >= 0 && (unsigned)keep[i] >= from &&
			    (unsigned)keep[i] < next)
				next = (unsigned)keep[i];
		if (next > from &&
		    syscall(SYS_close_range, from, next == ~0U ? ~0U : next - 1,
			    0U) < 0)
			return errno == ENOSYS ? close_listed_but(keep, n)
					       : -errno;
		if (next == ~0U)
			return 0;
		from = next + 1;
	}
}
