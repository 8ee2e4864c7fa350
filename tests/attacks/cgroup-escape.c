/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup-escape: run as the sandboxed command in a transient cgroup
 * (--cgroup-parent), tries to leave it and the end-of-run kill. Each step
 * prints one line; the suite passes a case when every escape was
 * refused, the forks stopped at the limit, and the daemon is dead once
 * the helper has exited.
 *
 * Usage: cgroup-escape [forks N] [daemon TOKEN]
 *   (always)      in every cgroup hierarchy it can see (cgroup and
 *                 cgroup2 mounts of /proc/self/mountinfo, its own
 *                 directory found from /proc/self/cgroup, else by a walk
 *                 of the mount), write its own pid into the cgroup.procs
 *                 of its directory's parent, then of the hierarchy's
 *                 root: "escape PATH: ok" when the move worked,
 *                 "escape PATH: ERRNAME" when it was refused; a mount
 *                 whose tree does not hold it: "lost MOUNT"; then
 *                 "hierarchies: N" (the mounts it found itself in)
 *   forks N       fork up to N + 2 children (each waits to be killed):
 *                 "forks N: ERRNAME after K" or "forks N: ok"
 *   daemon TOKEN  double fork and setsid; the grandchild runs
 *                 "cgroup-escape sleep TOKEN" (60 s, found from the host
 *                 by TOKEN): "daemon: started" or "daemon: ERRNAME"
 *   sleep TOKEN   (the daemon itself)
 *
 * No dependencies beyond libc. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void say(const char *what, int errnum)
{
	printf("%s: %s\n", what, errnum ? strerrorname_np(errnum) : "ok");
	fflush(stdout);
}

/* mountinfo's octal escapes (\040 for a space...) undone in place. */
static void unescape(char *s)
{
	char *out = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' &&
		    s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 +
					(s[3] - '0'));
			s += 3;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

/* Whether dir/cgroup.procs lists our pid. */
static bool holds_us(const char *dir)
{
	char path[4200], line[64];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = atoi(line) == (int)getpid();
	fclose(f);
	return found;
}

static char walk_found[4200];

static int walk_one(const char *path, const struct stat *st, int type,
		    struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type != FTW_D || !holds_us(path))
		return FTW_CONTINUE;
	snprintf(walk_found, sizeof(walk_found), "%s", path);
	return FTW_STOP;
}

/* Whether every item of list (comma-separated) is among options. */
static bool all_in(const char *list, const char *options)
{
	char copy[256], *item, *save = NULL;
	char padded[1100];

	snprintf(copy, sizeof(copy), "%s", list);
	snprintf(padded, sizeof(padded), ",%s,", options);
	for (item = strtok_r(copy, ",", &save); item;
	     item = strtok_r(NULL, ",", &save)) {
		char want[300];

		snprintf(want, sizeof(want), ",%s,", item);
		if (!strstr(padded, want))
			return false;
	}
	return true;
}

/* Our directory under a mount, from /proc/self/cgroup: the line of the
 * mount's hierarchy, its path taken relative to the mount's root. */
static bool dir_from_proc(const char *point, const char *root, bool v2,
			  const char *options, char *out, size_t size)
{
	char line[4200];
	bool found = false;
	FILE *f = fopen("/proc/self/cgroup", "re");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char *ctl = strchr(line, ':'), *path;
		size_t len = strlen(root);

		if (!ctl || !(path = strchr(ctl + 1, ':')))
			continue;
		*path++ = '\0';
		path[strcspn(path, "\n")] = '\0';
		ctl++;
		if (v2 ? *ctl != '\0' : (!*ctl || !all_in(ctl, options)))
			continue;
		if (strcmp(root, "/") == 0)
			len = 0;
		else if (strncmp(path, root, len) != 0 ||
			 (path[len] && path[len] != '/'))
			continue;
		snprintf(out, size, "%s%s", point, path + len);
		found = holds_us(out);
	}
	fclose(f);
	return found;
}

static void try_move(const char *dir)
{
	char path[4300], text[32], label[4400];
	int fd, len = snprintf(text, sizeof(text), "%d", (int)getpid()), e = 0;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	snprintf(label, sizeof(label), "escape %s", dir);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		e = errno;
	else if (write(fd, text, (size_t)len) != len)
		e = errno ? errno : EIO;
	if (fd >= 0)
		close(fd);
	say(label, e);
}

/* One cgroup mount: our directory in it, then the moves. */
static bool escape_mount(const char *point, const char *root, bool v2,
			 const char *options)
{
	char dir[4200], *slash;

	if (!dir_from_proc(point, root, v2, options, dir, sizeof(dir))) {
		walk_found[0] = '\0';
		nftw(point, walk_one, 32, FTW_PHYS | FTW_MOUNT |
						  FTW_ACTIONRETVAL);
		if (!walk_found[0]) {
			printf("lost %s\n", point);
			return false;
		}
		snprintf(dir, sizeof(dir), "%s", walk_found);
	}
	slash = strrchr(dir, '/');
	if (slash && strcmp(dir, point) != 0) {
		*slash = '\0';
		try_move(strlen(dir) >= strlen(point) ? dir : point);
	}
	try_move(point);
	return true;
}

static void escape_all(void)
{
	char line[8192];
	int n = 0;
	FILE *f = fopen("/proc/self/mountinfo", "re");

	if (!f) {
		say("mountinfo", errno);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		char root[4096], point[4096], type[64], super[1024] = "";
		const char *dash = strstr(line, " - ");

		if (!dash ||
		    sscanf(line, "%*s %*s %*s %4095s %4095s", root, point) != 2 ||
		    sscanf(dash + 3, "%63s %*s %1023s", type, super) < 1)
			continue;
		if (strcmp(type, "cgroup") != 0 && strcmp(type, "cgroup2") != 0)
			continue;
		unescape(root);
		unescape(point);
		n += escape_mount(point, root, strcmp(type, "cgroup2") == 0,
				  super);
	}
	fclose(f);
	printf("hierarchies: %d\n", n);
	fflush(stdout);
}

static void forks(long n)
{
	pid_t pids[512];
	long done = 0, max = n + 2;
	int e = 0;

	if (max > (long)(sizeof(pids) / sizeof(pids[0])))
		max = sizeof(pids) / sizeof(pids[0]);
	for (; done < max; done++) {
		pids[done] = fork();
		if (pids[done] < 0) {
			e = errno;
			break;
		}
		if (pids[done] == 0) {
			pause();
			_exit(0);
		}
	}
	for (long i = 0; i < done; i++) {
		kill(pids[i], SIGKILL);
		while (waitpid(pids[i], NULL, 0) < 0 && errno == EINTR)
			;
	}
	if (e)
		printf("forks %ld: %s after %ld\n", n, strerrorname_np(e),
		       done);
	else
		printf("forks %ld: ok\n", n);
	fflush(stdout);
}

/* The grandchild tells the command it runs through a pipe. */
static void daemon_start(const char *token)
{
	int p[2], status;
	char byte = 0;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0) {
		say("daemon", errno);
		return;
	}
	pid = fork();
	if (pid < 0) {
		say("daemon", errno);
		return;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);

		if (setsid() < 0 || (pid = fork()) < 0)
			_exit(errno);
		if (pid > 0)
			_exit(0);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
		}
		if (write(p[1], "s", 1) != 1)
			_exit(1);
		execl("/proc/self/exe", "cgroup-escape", "sleep", token,
		      (char *)NULL);
		_exit(1);
	}
	close(p[1]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (read(p[0], &byte, 1) == 1) {
		printf("daemon: started\n");
		fflush(stdout);
	} else {
		say("daemon", WIFEXITED(status) && WEXITSTATUS(status)
				      ? WEXITSTATUS(status)
				      : EIO);
	}
	close(p[0]);
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "sleep") == 0) {
		sleep(60);
		return 0;
	}
	escape_all();
	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "forks") == 0) {
			forks(atol(argv[i + 1]));
		} else if (strcmp(argv[i], "daemon") == 0) {
			daemon_start(argv[i + 1]);
		} else {
			fprintf(stderr, "cgroup-escape: unknown step `%s`\n",
				argv[i]);
			return 2;
		}
	}
	return 0;
}
