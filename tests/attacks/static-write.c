/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Linked statically (no LD_PRELOAD library can wrap it, as Gentoo's
 * sandbox would): writes and reads where it is told, through libc, and
 * prints each call's result as "CALL PATH: ERRNAME" (or "ok"; "ok N"
 * for a listing of N entries besides . and ..).
 * Usage: static-write create FILE | mkdir DIR | rename FROM TO |
 *        read FILE | list DIR ... */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *result(int r)
{
	if (r >= 0)
		return "ok";
	switch (errno) {
	case EACCES:
		return "EACCES";
	case EROFS:
		return "EROFS";
	case EPERM:
		return "EPERM";
	case ENOENT:
		return "ENOENT";
	default:
		return strerror(errno);
	}
}

/* Open and read a file: 0, or -1 with errno. */
static int read_file(const char *path)
{
	char buf[4096];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	return n < 0 ? -1 : 0;
}

/* List a directory: the entries besides . and .., or -1 with errno. */
static int list_dir(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	errno = 0;
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	if (errno)
		n = -1;
	closedir(d);
	return n;
}

int main(int argc, char **argv)
{
	for (int i = 1; i + 1 < argc; i += 2) {
		int r = -1;

		if (strcmp(argv[i], "create") == 0) {
			r = open(argv[i + 1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
			if (r >= 0)
				close(r);
		} else if (strcmp(argv[i], "mkdir") == 0) {
			r = mkdir(argv[i + 1], 0755);
		} else if (strcmp(argv[i], "read") == 0) {
			r = read_file(argv[i + 1]);
		} else if (strcmp(argv[i], "list") == 0) {
			r = list_dir(argv[i + 1]);
			if (r >= 0) {
				printf("list %s: ok %d\n", argv[i + 1], r);
				continue;
			}
		} else if (strcmp(argv[i], "rename") == 0 && i + 2 < argc) {
			r = rename(argv[i + 1], argv[i + 2]);
			printf("rename %s: %s\n", argv[i + 2], result(r));
			i++;
			continue;
		}
		printf("%s %s: %s\n", argv[i], argv[i + 1], result(r));
	}
	return 0;
}
