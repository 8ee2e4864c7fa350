/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "names.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#ifdef __GLIBC__
#include <nss.h>
#endif
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"

#define ENTRY_BUF_SIZE 65536

static bool files_then_getent;

void names_files_then_getent(void)
{
	files_then_getent = true;
#ifdef __GLIBC__
	/* musl's lookups read the files (and nscd) only, as wanted */
	__nss_configure_lookup("passwd", "files");
	__nss_configure_lookup("group", "files");
#endif
}

bool names_parse_id(const char *s, unsigned long *out)
{
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	*out = strtoul(s, &end, 10);
	/* (uid_t)-1 means "unchanged" to the set*id calls */
	return !errno && !*end && *out < UINT_MAX;
}

/* getent DATABASE KEY's output, NUL-terminated, in out (size bytes):
 * 1 found, 0 not found (getent's exit 2), -errno on failure. Its own
 * path, not PATH's: the lookup decides who the command runs as. */
static int run_getent(const char *database, const char *key, char *out,
		      size_t size)
{
	static const char *const paths[] = { "/usr/bin/getent",
					     "/bin/getent" };
	/* "--": a key such as "-1" is no option of getent's */
	char *argv[] = { "getent", (char *)database, "--", (char *)key, NULL };
	char *envp[] = { "LC_ALL=C", NULL };
	posix_spawn_file_actions_t actions;
	int fds[2], status, r = ENOENT;
	size_t len = 0;
	ssize_t n;
	pid_t pid = -1;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	_cleanup_close_ int read_end = fds[0];
	_cleanup_close_ int write_end = fds[1];

	if ((r = posix_spawn_file_actions_init(&actions)))
		return -r;
	r = posix_spawn_file_actions_adddup2(&actions, write_end, 1);
	if (!r)
		r = posix_spawn_file_actions_addopen(&actions, 0, "/dev/null",
						     O_RDONLY, 0);
	if (!r)
		r = posix_spawn_file_actions_addopen(&actions, 2, "/dev/null",
						     O_WRONLY, 0);
	for (size_t i = 0; !r && i < sizeof(paths) / sizeof(paths[0]); i++) {
		r = posix_spawn(&pid, paths[i], &actions, NULL, argv, envp);
		if (r != ENOENT)
			break;
	}
	posix_spawn_file_actions_destroy(&actions);
	if (r)
		return -r;
	close(take_fd(&write_end)); /* EOF once getent exits */
	while (len + 1 < size &&
	       ((n = read(read_end, out + len, size - len - 1)) > 0 ||
		(n < 0 && errno == EINTR)))
		if (n > 0)
			len += (size_t)n;
	out[len] = '\0';
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 2)
		return 0; /* not found */
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return -EIO;
	return len + 1 < size ? 1 : -ERANGE;
}

static void *next_passwd(FILE *f)
{
	return fgetpwent(f);
}

static void *next_group(FILE *f)
{
	return fgetgrent(f);
}

/* getent DATABASE KEY's entry, its line read into buf and parsed by next
 * (the C library's fgetpwent or fgetgrent: glibc and musl both have
 * them), copied into entry (size bytes): 0, with *found; -errno. The
 * entry's strings stay in the C library's own buffer until its next
 * parse: the helper looks names up once, from one thread, and keeps only
 * the ids. */
static int entry_from_getent(const char *database, const char *key,
			     char *buf, void *(*next)(FILE *), void *entry,
			     size_t size, bool *found)
{
	int r = run_getent(database, key, buf, ENTRY_BUF_SIZE);
	const void *res;
	FILE *f;

	if (r <= 0)
		return r;
	f = fmemopen(buf, strlen(buf), "r");
	if (!f)
		return -errno;
	errno = 0;
	res = next(f);
	r = errno;
	fclose(f);
	*found = res != NULL;
	if (res)
		memcpy(entry, res, size);
	return res || !r || r == ENOENT ? 0 : -r;
}

int names_user(const char *key, struct passwd *pw, char **buf, bool *found)
{
	struct passwd *res = NULL;
	unsigned long id;
	int r;

	*found = false;
	*buf = malloc(ENTRY_BUF_SIZE);
	if (!*buf)
		return -ENOMEM;
	if (names_parse_id(key, &id))
		r = getpwuid_r((uid_t)id, pw, *buf, ENTRY_BUF_SIZE, &res);
	else
		r = getpwnam_r(key, pw, *buf, ENTRY_BUF_SIZE, &res);
	if (r)
		return -r;
	*found = res != NULL;
	if (*found || !files_then_getent)
		return 0;
	return entry_from_getent("passwd", key, *buf, next_passwd, pw,
				 sizeof(*pw), found);
}

int names_group(const char *name, struct group *gr, char **buf, bool *found)
{
	struct group *res = NULL;
	int r;

	*found = false;
	*buf = malloc(ENTRY_BUF_SIZE);
	if (!*buf)
		return -ENOMEM;
	r = getgrnam_r(name, gr, *buf, ENTRY_BUF_SIZE, &res);
	if (r)
		return -r;
	*found = res != NULL;
	if (*found || !files_then_getent)
		return 0;
	return entry_from_getent("group", name, *buf, next_group, gr,
				 sizeof(*gr), found);
}
