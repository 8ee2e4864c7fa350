/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* host-write: run as the sandboxed command, tries to change the host.
 * Each step prints one line, "STEP: ok" when the attack worked or
 * "STEP: ERRNAME" when the kernel refused it, and the suite passes a
 * case when every step it asked for was refused. A step that cannot be
 * tried (a file that is not there) prints "STEP: absent".
 *
 * Usage: host-write STEP ARG... [STEP ARG...]...
 *   open-write PATH        open an existing file for writing (no O_TRUNC)
 *   create DIR             create (then remove) a new file in DIR
 *   mkdir DIR              make (then remove) a directory in DIR
 *   chmod PATH             chmod to the mode it has (a metadata write)
 *   chown PATH             chown to the owner it has
 *   utimes PATH            set its times to now
 *   setxattr PATH NAME     set the xattr NAME (user.*, system.posix_acl_*)
 *   chattr PATH            FS_IOC_SETFLAGS with the flags it has
 *   link PATH DIR          hard-link PATH into DIR (then remove it)
 *   open PATH              open for reading (devices: /dev/fuse, ...)
 *   kill PID               SIGKILL to PID
 *   kill-group             SIGKILL to its own process group (kill(0)):
 *                          prints nothing when it works (it dies)
 *   ptrace PID             PTRACE_ATTACH to PID (then detach)
 *   cwd                    print the working directory: "cwd: PATH"
 *   writable-count DIR     walk DIR (not across mounts) and count the
 *                          files that open for writing: "DIR: N"
 *
 * No dependencies beyond libc. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/fs.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

static void report(const char *step, int r)
{
	printf("%s: %s\n", step, r == 0 ? "ok"
			: errno == ENOENT ? "absent"
					  : strerrorname_np(errno));
	fflush(stdout);
}

static int open_write(const char *path)
{
	int fd = open(path, O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int open_read(const char *path)
{
	int fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int create_in(const char *dir, bool directory)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/.sh-attack-%d", dir, (int)getpid());
	if (directory)
		return mkdir(path, 0700) < 0 ? -1 : rmdir(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	close(fd);
	return unlink(path);
}

static int same_mode(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return -1;
	return chmod(path, st.st_mode & 07777);
}

static int same_owner(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return -1;
	return lchown(path, st.st_uid, st.st_gid);
}

static int set_xattr(const char *path, const char *name)
{
	/* an ACL needs a valid value: the header alone (version 2) */
	static const char acl_header[4] = { 2, 0, 0, 0 };

	if (strncmp(name, "system.posix_acl", 16) == 0)
		return lsetxattr(path, name, acl_header, sizeof(acl_header), 0);
	return lsetxattr(path, name, "x", 1, 0);
}

static int same_flags(const char *path)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC), flags, r;

	if (fd < 0)
		return -1;
	r = ioctl(fd, FS_IOC_GETFLAGS, &flags);
	if (r == 0)
		r = ioctl(fd, FS_IOC_SETFLAGS, &flags);
	close(fd);
	return r;
}

static int link_into(const char *path, const char *dir)
{
	char target[4096];

	snprintf(target, sizeof(target), "%s/.sh-attack-link-%d", dir,
		 (int)getpid());
	if (link(path, target) < 0)
		return -1;
	return unlink(target);
}

static int attach(pid_t pid)
{
	if (ptrace(PTRACE_ATTACH, pid, NULL, NULL) < 0)
		return -1;
	waitpid(pid, NULL, __WALL);
	return ptrace(PTRACE_DETACH, pid, NULL, NULL);
}

static void print_cwd(void)
{
	char path[4096];

	if (!getcwd(path, sizeof(path)))
		report("cwd", -1);
	else
		printf("cwd: %s\n", path);
	fflush(stdout);
}

static long writable;
static dev_t walk_dev;

static int count_one(const char *path, const struct stat *st, int type,
		     struct FTW *ftw)
{
	if (st->st_dev != walk_dev)
		return FTW_SKIP_SUBTREE;
	if (type == FTW_F && open_write(path) == 0)
		writable++;
	return FTW_CONTINUE;
}

static void writable_count(const char *dir)
{
	struct stat st;

	writable = 0;
	if (stat(dir, &st) < 0) {
		report(dir, -1);
		return;
	}
	walk_dev = st.st_dev;
	nftw(dir, count_one, 64, FTW_PHYS | FTW_ACTIONRETVAL);
	printf("%s: %ld\n", dir, writable);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc;) {
		const char *step = argv[i], *a = i + 1 < argc ? argv[i + 1] : "",
			   *b = i + 2 < argc ? argv[i + 2] : "";
		char label[4200];

		snprintf(label, sizeof(label), "%s %s", step, a);
		if (strcmp(step, "open-write") == 0) {
			report(label, open_write(a));
		} else if (strcmp(step, "open") == 0) {
			report(label, open_read(a));
		} else if (strcmp(step, "create") == 0) {
			report(label, create_in(a, false));
		} else if (strcmp(step, "mkdir") == 0) {
			report(label, create_in(a, true));
		} else if (strcmp(step, "chmod") == 0) {
			report(label, same_mode(a));
		} else if (strcmp(step, "chown") == 0) {
			report(label, same_owner(a));
		} else if (strcmp(step, "utimes") == 0) {
			report(label, lutimes(a, NULL));
		} else if (strcmp(step, "chattr") == 0) {
			report(label, same_flags(a));
		} else if (strcmp(step, "kill") == 0) {
			report(label, kill(atoi(a), SIGKILL));
		} else if (strcmp(step, "kill-group") == 0) {
			report(step, kill(0, SIGKILL));
			i--;
		} else if (strcmp(step, "ptrace") == 0) {
			report(label, attach(atoi(a)));
		} else if (strcmp(step, "cwd") == 0) {
			print_cwd();
			i--;
		} else if (strcmp(step, "writable-count") == 0) {
			writable_count(a);
		} else if (strcmp(step, "setxattr") == 0) {
			snprintf(label, sizeof(label), "%s %s %s", step, a, b);
			report(label, set_xattr(a, b));
			i++;
		} else if (strcmp(step, "link") == 0) {
			snprintf(label, sizeof(label), "%s %s %s", step, a, b);
			report(label, link_into(a, b));
			i++;
		} else {
			fprintf(stderr, "host-write: unknown step `%s`\n", step);
			return 2;
		}
		i += 2;
	}
	return 0;
}
