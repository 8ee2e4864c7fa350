#include "config.h"

#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
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
