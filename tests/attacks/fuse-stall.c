/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fuse-stall: a FUSE file system for tests/stall.sh, run outside the
 * sandbox. Every name /stall* in its root is a read-only file of one
 * page whose reads never get an answer: whoever faults on a mapping of
 * it waits until the server is killed (SIGKILL: the suite's cleanup),
 * which aborts the connection. A stalled read keeps its page locked, so
 * each case takes a name of its own. Built only when pkg-config finds
 * fuse3.
 *
 * With --silent the server mounts and never reads a request, not even
 * the kernel's first (FUSE_INIT): every lookup below the mount point
 * waits, killably (a request no server has taken can be given up), until
 * the server is killed. tests/lifetime.sh holds the sandbox's setup so.
 *
 * Usage: fuse-stall [--silent] MOUNTPOINT
 * In the foreground. A user who cannot open /dev/fuse (0600 root on some
 * machines, where libfuse gives up rather than ask fusermount3) mounts
 * through fusermount3 here, which passes the connection back
 * (_FUSE_COMMFD, as libfuse does), and serves it as /dev/fd/N; the
 * mount is the caller's to remove (fusermount3 -u). */
#define _GNU_SOURCE
#define FUSE_USE_VERSION 31
#include <errno.h>
#include <fcntl.h>
#include <fuse.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int stall_getattr(const char *path, struct stat *st,
			 struct fuse_file_info *fi)
{
	(void)fi;
	if (strncmp(path, "/hang", 5) == 0)
		for (;;)
			pause();
	memset(st, 0, sizeof(*st));
	if (strcmp(path, "/") == 0) {
		st->st_mode = S_IFDIR | 0755;
		st->st_nlink = 2;
		return 0;
	}
	if (strncmp(path, "/stall", 6) != 0 || strchr(path + 1, '/'))
		return -ENOENT;
	st->st_mode = S_IFREG | 0444;
	st->st_nlink = 1;
	st->st_size = 4096;
	return 0;
}

static int stall_open(const char *path, struct fuse_file_info *fi)
{
	if (strncmp(path, "/stall", 6) != 0 || strchr(path + 1, '/'))
		return -ENOENT;
	return (fi->flags & O_ACCMODE) == O_RDONLY ? 0 : -EACCES;
}

static int stall_read(const char *path, char *buf, size_t size, off_t off,
		      struct fuse_file_info *fi)
{
	(void)path, (void)buf, (void)size, (void)off, (void)fi;
	for (;;)
		pause();
	return -EIO;
}

static const struct fuse_operations ops = {
	.getattr = stall_getattr,
	.open = stall_open,
	.read = stall_read,
};

/* The connection fusermount3 sends over sock (one byte, SCM_RIGHTS). */
static int receive_fd(int sock)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	char byte;
	struct iovec iov = { &byte, 1 };
	struct msghdr mh = { .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = control.buf,
			     .msg_controllen = sizeof(control.buf) };
	struct cmsghdr *cm;
	int fd = -1;

	if (recvmsg(sock, &mh, MSG_CMSG_CLOEXEC) != 1)
		return -1;
	cm = CMSG_FIRSTHDR(&mh);
	if (cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

/* Mount through fusermount3: the connection's fd, or -1. */
static int mount_fusermount(const char *mountpoint)
{
	int sv[2], fd;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		char env[16];

		close(sv[1]);
		snprintf(env, sizeof(env), "%d", sv[0]);
		setenv("_FUSE_COMMFD", env, 1);
		execlp("fusermount3", "fusermount3", "-o",
		       "ro,nosuid,nodev,fsname=fuse-stall", "--", mountpoint,
		       (char *)NULL);
		perror("fuse-stall: exec fusermount3");
		_exit(127);
	}
	close(sv[0]);
	fd = pid < 0 ? -1 : receive_fd(sv[1]);
	close(sv[1]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return fd;
}

/* Mounted, as root directly and otherwise through fusermount3, and
 * never served. */
static int silent(const char *mountpoint)
{
	char opts[128];
	int fd = -1;

	if (access("/dev/fuse", R_OK | W_OK) == 0 && geteuid() == 0) {
		fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
		snprintf(opts, sizeof(opts),
			 "fd=%d,rootmode=40000,user_id=0,group_id=0", fd);
		if (fd >= 0 && mount("fuse-stall", mountpoint, "fuse.fuse-stall",
				     MS_NOSUID | MS_NODEV, opts) < 0)
			fd = -1;
	} else {
		fd = mount_fusermount(mountpoint);
	}
	if (fd < 0) {
		fprintf(stderr, "fuse-stall: could not mount `%s`\n",
			mountpoint);
		return 1;
	}
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	char fdpath[32];
	char *args[] = { argv[0], "-f", argc > 1 ? argv[1] : NULL, NULL };
	int fd;

	if (argc == 3 && strcmp(argv[1], "--silent") == 0)
		return silent(argv[2]);
	if (argc != 2) {
		fprintf(stderr, "usage: fuse-stall MOUNTPOINT\n");
		return 2;
	}
	if (access("/dev/fuse", R_OK | W_OK) < 0) {
		if ((fd = mount_fusermount(argv[1])) < 0) {
			fprintf(stderr, "fuse-stall: fusermount3 did not mount "
					"`%s`\n",
				argv[1]);
			return 1;
		}
		snprintf(fdpath, sizeof(fdpath), "/dev/fd/%d", fd);
		args[2] = fdpath;
	}
	return fuse_main(3, args, &ops, NULL);
}
