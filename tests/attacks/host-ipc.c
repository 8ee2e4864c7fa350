/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* host-ipc: run as the sandboxed command, tries to reach the host's
 * daemons and IPC objects (a daemon trusts a peer of uid 0: root code
 * outside the view). Each step prints one line, "STEP ARG: ok" when the
 * attack worked or "STEP ARG: ERRNAME" when the kernel refused it; the
 * suite passes a case when every step it asked for was refused.
 *
 * Usage: host-ipc STEP ARG [STEP ARG]...
 *   connect PATH           connect to the UNIX socket at PATH
 *   connect-abstract NAME  connect to the abstract UNIX socket @NAME
 *   shm KEY                shmget the SysV segment KEY, attach it
 *                          writable and write a byte
 *   msg KEY                msgget the SysV queue KEY, msgsnd to it
 *   mq NAME                mq_open the POSIX queue /NAME for writing
 *
 * The suite's side, outside the sandbox (it runs these too):
 *   listen PATH | listen-abstract NAME
 *                          listen there, print "listening", wait for
 *                          a signal
 *   make-ipc KEY NAME      make the segment and the queue KEY (mode 600)
 *                          and the POSIX queue /NAME (mode 600)
 *   remove-ipc KEY NAME    remove them
 *
 * No dependencies beyond libc. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static void report(const char *step, const char *arg, int r)
{
	printf("%s %s: %s\n", step, arg, r == 0 ? "ok" : strerrorname_np(errno));
	fflush(stdout);
}

/* addr for PATH, or for @NAME when abstract; its length in *len */
static int unix_addr(const char *name, int abstract, struct sockaddr_un *addr,
		     socklen_t *len)
{
	size_t n = strlen(name);

	memset(addr, 0, sizeof(*addr));
	addr->sun_family = AF_UNIX;
	if (n + 1 >= sizeof(addr->sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(addr->sun_path + (abstract ? 1 : 0), name, n);
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n +
			   (abstract ? 1 : 0));
	return 0;
}

static int try_connect(const char *name, int abstract)
{
	struct sockaddr_un addr;
	socklen_t len;
	int fd, r;

	if (unix_addr(name, abstract, &addr, &len) < 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	r = connect(fd, (struct sockaddr *)&addr, len);
	if (r < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	close(fd);
	return 0;
}

static int listen_at(const char *name, int abstract)
{
	struct sockaddr_un addr;
	socklen_t len;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || unix_addr(name, abstract, &addr, &len) < 0 ||
	    bind(fd, (struct sockaddr *)&addr, len) < 0 || listen(fd, 64) < 0) {
		perror(name);
		return 1;
	}
	printf("listening\n");
	fflush(stdout);
	for (;;)
		pause();
}

static int try_shm(const char *key)
{
	int id = shmget((key_t)strtol(key, NULL, 0), 0, 0);
	char *p;

	if (id < 0)
		return -1;
	p = shmat(id, NULL, 0);
	if (p == (void *)-1)
		return -1;
	p[0] = 'x';
	return shmdt(p);
}

static int try_msg(const char *key)
{
	struct {
		long type;
		char text[1];
	} m = { 1, { 'x' } };
	int id = msgget((key_t)strtol(key, NULL, 0), 0);

	if (id < 0)
		return -1;
	return msgsnd(id, &m, sizeof(m.text), IPC_NOWAIT);
}

static int try_mq(const char *name)
{
	char path[256];
	mqd_t q;

	snprintf(path, sizeof(path), "/%s", name);
	q = mq_open(path, O_WRONLY | O_CLOEXEC);
	if (q == (mqd_t)-1)
		return -1;
	return mq_close(q);
}

static int make_ipc(const char *key, const char *name)
{
	key_t k = (key_t)strtol(key, NULL, 0);
	struct mq_attr attr = { .mq_maxmsg = 4, .mq_msgsize = 16 };
	char path[256];
	mqd_t q;

	snprintf(path, sizeof(path), "/%s", name);
	q = mq_open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0600, &attr);
	if (shmget(k, 4096, IPC_CREAT | 0600) < 0 ||
	    msgget(k, IPC_CREAT | 0600) < 0 || q == (mqd_t)-1) {
		perror("make-ipc");
		return 1;
	}
	mq_close(q);
	return 0;
}

static int remove_ipc(const char *key, const char *name)
{
	key_t k = (key_t)strtol(key, NULL, 0);
	char path[256];
	int id;

	snprintf(path, sizeof(path), "/%s", name);
	if ((id = shmget(k, 0, 0)) >= 0)
		shmctl(id, IPC_RMID, NULL);
	if ((id = msgget(k, 0)) >= 0)
		msgctl(id, IPC_RMID, NULL);
	mq_unlink(path);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "listen") == 0)
		return listen_at(argv[2], 0);
	if (argc == 3 && strcmp(argv[1], "listen-abstract") == 0)
		return listen_at(argv[2], 1);
	if (argc == 4 && strcmp(argv[1], "make-ipc") == 0)
		return make_ipc(argv[2], argv[3]);
	if (argc == 4 && strcmp(argv[1], "remove-ipc") == 0)
		return remove_ipc(argv[2], argv[3]);
	for (int i = 1; i + 1 < argc; i += 2) {
		const char *step = argv[i], *arg = argv[i + 1];
		int r;

		if (strcmp(step, "connect") == 0)
			r = try_connect(arg, 0);
		else if (strcmp(step, "connect-abstract") == 0)
			r = try_connect(arg, 1);
		else if (strcmp(step, "shm") == 0)
			r = try_shm(arg);
		else if (strcmp(step, "msg") == 0)
			r = try_msg(arg);
		else if (strcmp(step, "mq") == 0)
			r = try_mq(arg);
		else {
			fprintf(stderr, "host-ipc: unknown step %s\n", step);
			return 2;
		}
		report(step, arg, r);
	}
	return argc % 2 == 1 ? 0 : 2;
}
