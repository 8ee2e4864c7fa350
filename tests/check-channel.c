/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests of the channel between the helper's processes (src/channel.c)
 * on real pipes and socket pairs: every kind goes through with its
 * payload; fds arrive in order and are closed when their message is
 * refused; the kernel's credentials name the sender; EOF and an empty
 * socket are told apart; a sender that shares our memory (CLONE_VM, as
 * the command's process does) works as any other. */
#include "config.h"

#include <check.h>
#include "check-run.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "channel.h"
#include "cleanup.h"

#define TIMEOUT 30

static void socket_pair(int sv[2])
{
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0,
				    sv),
			 0);
}

static void pass_cred(int fd)
{
	int one = 1;

	ck_assert_int_eq(setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one,
				    sizeof(one)),
			 0);
}

static ino_t inode_of(int fd)
{
	struct stat st;

	ck_assert_int_eq(fstat(fd, &st), 0);
	return st.st_ino;
}

/* Whether the pipe whose read end is r has no writer left. */
static bool writers_gone(int r)
{
	char c;

	ck_assert_int_eq(fcntl(r, F_SETFL, O_NONBLOCK), 0);
	return read(r, &c, 1) == 0;
}

/* A payload of each kind, with bytes of its own. */
static void fill(enum msg_kind kind, union msg_payload *p)
{
	memset(p, 0, sizeof(*p));
	switch (kind) {
	case MSG_ERROR:
		err_set(&p->error, STAGE_MOUNT, ENOENT, "mount `%s`", "/x");
		break;
	case MSG_NET_SOCKETS:
		p->net.events = true;
		break;
	case MSG_SANDBOX:
		p->sandbox.cgroup_ns_errno = EPERM;
		p->sandbox.ns_inodes[NS_COUNT - 1] = 4026531835ULL;
		break;
	case MSG_STARTED:
		p->started.ns_pid = 2;
		p->started.monitor_pid = 4242;
		break;
	case MSG_COMMAND:
		p->command.bounding_cleared = true;
		p->command.cwd_errno = EACCES;
		break;
	case MSG_EXITED:
		p->exited.wait_status = 0x0900;
		break;
	default:
		break;
	}
}

static const enum msg_kind all_kinds[] = {
	MSG_ERROR,   MSG_GO,	      MSG_NET_SOCKETS, MSG_NET_READY,
	MSG_SANDBOX, MSG_STARTED, MSG_COMMAND,	   MSG_EXITED,
};
#define N_KINDS (sizeof(all_kinds) / sizeof(all_kinds[0]))

static bool on_pipe(enum msg_kind kind)
{
	return kind == MSG_ERROR || kind == MSG_GO;
}

/* Each kind, sent as its sender sends it, comes back with its payload,
 * by chan_expect and (on the socket) by chan_recv. */
START_TEST(test_round_trip)
{
	enum msg_kind kind = all_kinds[_i];
	union msg_payload sent;
	struct msg m;
	int fds[2];

	fill(kind, &sent);
	if (on_pipe(kind))
		ck_assert_int_eq(pipe2(fds, O_CLOEXEC), 0);
	else
		socket_pair(fds);
	/* chan_send writes to [1], reads from [0]; both ends of a socket
	 * pair work either way */
	ck_assert_int_eq(chan_send(fds[1], kind, &sent, NULL, 0, NULL), 0);
	ck_assert_int_eq(chan_expect(fds[0], kind, &m), 1);
	ck_assert_int_eq(m.kind, kind);
	ck_assert_int_eq(m.n_fds, 0);
	if (kind == MSG_ERROR) {
		ck_assert_str_eq(m.u.error.stage, "mount");
		ck_assert_int_eq(m.u.error.errnum, ENOENT);
		ck_assert_str_eq(m.u.error.message, "mount `/x`");
	}
	if (!on_pipe(kind)) {
		ck_assert_int_eq(chan_send(fds[1], kind, &sent, NULL, 0, NULL),
				 0);
		ck_assert_int_eq(chan_recv(fds[0], &m, 0), 1);
		ck_assert_int_eq(m.kind, kind);
	}
	switch (kind) {
	case MSG_SANDBOX:
		ck_assert_int_eq(m.u.sandbox.cgroup_ns_errno, EPERM);
		ck_assert(m.u.sandbox.ns_inodes[NS_COUNT - 1] == 4026531835ULL);
		break;
	case MSG_STARTED:
		ck_assert_int_eq(m.u.started.monitor_pid, 4242);
		break;
	case MSG_COMMAND:
		ck_assert(m.u.command.bounding_cleared);
		ck_assert_int_eq(m.u.command.cwd_errno, EACCES);
		break;
	case MSG_EXITED:
		ck_assert_int_eq(m.u.exited.wait_status, 0x0900);
		break;
	case MSG_NET_SOCKETS:
		ck_assert(m.u.net.events && !m.u.net.probe);
		break;
	default:
		break;
	}
	close(fds[0]);
	close(fds[1]);
}
END_TEST

/* The network's three sockets arrive in the order given, close-on-exec. */
START_TEST(test_three_fds_in_order)
{
	struct msg_net net = { true, true };
	_cleanup_close_ int a = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	_cleanup_close_ int b = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	_cleanup_close_ int c = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int sent[3] = { a, b, c }, sv[2];
	struct msg m;

	socket_pair(sv);
	ck_assert_int_eq(chan_send(sv[1], MSG_NET_SOCKETS, &net, sent, 3, NULL),
			 0);
	ck_assert_int_eq(chan_expect(sv[0], MSG_NET_SOCKETS, &m), 1);
	ck_assert_int_eq(m.n_fds, 3);
	for (int i = 0; i < 3; i++) {
		ck_assert(inode_of(m.fds[i]) == inode_of(sent[i]));
		ck_assert_int_eq(fcntl(m.fds[i], F_GETFD) & FD_CLOEXEC,
				 FD_CLOEXEC);
	}
	msg_close_fds(&m);
	ck_assert_int_eq(m.fds[0], -1);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

/* The most fds the tests send by hand: more than the room chan_recv
 * has for them. */
#define MANY_FDS 16

/* sendmsg(2) of size bytes of data with n fds (SCM_RIGHTS), as a sender
 * that does not keep to the channel's rules would: all of it sent. */
static void send_raw(int sock, const void *data, size_t size, const int *fds,
		     size_t n)
{
	union {
		char buf[CMSG_SPACE(MANY_FDS * sizeof(int))];
		struct cmsghdr align;
	} control;
	struct iovec iov = { (void *)data, size };
	struct msghdr mh = { .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = control.buf,
			     .msg_controllen = CMSG_SPACE(n * sizeof(int)) };
	struct cmsghdr *cm;

	ck_assert_uint_le(n, MANY_FDS);
	memset(&control, 0, sizeof(control));
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(n * sizeof(int));
	memcpy(CMSG_DATA(cm), fds, n * sizeof(int));
	ck_assert_int_eq(sendmsg(sock, &mh, 0), (ssize_t)size);
}

/* How many fds this process has open. */
static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

/* A message of no kind's size is refused, and the fd it brought is
 * closed: the pipe it is the write end of has no writer left. */
START_TEST(test_wrong_size_closes_fds)
{
	struct {
		int kind;
		char half[2];
	} bad = { MSG_COMMAND, { 0, 0 } };
	int p[2], sv[2];
	struct msg m;

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	socket_pair(sv);
	send_raw(sv[1], &bad, sizeof(bad), &p[1], 1);
	close(p[1]);
	ck_assert(!writers_gone(p[0])); /* the message holds it */
	ck_assert_int_eq(chan_recv(sv[0], &m, 0), -EPROTO);
	ck_assert_int_eq(m.n_fds, 0);
	ck_assert(writers_gone(p[0]));
	close(p[0]);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

/* A message of the right size with more fds than a message carries
 * (CHAN_MAX_FDS) is refused, and none of its fds is left open: those
 * that came are closed, and those the kernel dropped for want of room
 * (MSG_CTRUNC: with SO_PASSCRED the credentials take part of it) are
 * its to close. Before, the first CHAN_MAX_FDS came as a whole message. */
static const struct {
	size_t n_fds;
	bool pass_cred;
} too_many_cases[] = {
	{ CHAN_MAX_FDS + 1, false }, /* room for them: too many */
	{ CHAN_MAX_FDS + 1, true },
	{ MANY_FDS, false },	     /* no room: MSG_CTRUNC */
	{ MANY_FDS, true },
};

/* The channel's wire, as channel.c sends it: the kind, its payload. */
struct raw_wire {
	int kind;
	union msg_payload u;
};

START_TEST(test_too_many_fds)
{
	struct raw_wire w = { .kind = MSG_COMMAND };
	size_t n = too_many_cases[_i].n_fds;
	size_t size = offsetof(struct raw_wire, u) + sizeof(w.u.command);
	int p[MANY_FDS][2], ends[MANY_FDS], sv[2], before = count_fds();
	struct msg m;

	socket_pair(sv);
	if (too_many_cases[_i].pass_cred)
		pass_cred(sv[0]);
	for (size_t i = 0; i < n; i++) {
		ck_assert_int_eq(pipe2(p[i], O_CLOEXEC), 0);
		ends[i] = p[i][1];
	}
	send_raw(sv[1], &w, size, ends, n);
	for (size_t i = 0; i < n; i++)
		close(p[i][1]);
	ck_assert_int_eq(chan_recv(sv[0], &m, 0), -EPROTO);
	ck_assert_int_eq(m.n_fds, 0);
	for (size_t i = 0; i < n; i++) {
		ck_assert_msg(writers_gone(p[i][0]),
			      "%zu fds sent: the write end of pipe %zu is "
			      "still open",
			      n, i);
		close(p[i][0]);
	}
	/* and the channel goes on */
	ck_assert_int_eq(chan_send(sv[1], MSG_COMMAND, &w.u.command, NULL, 0,
				   NULL),
			 0);
	ck_assert_int_eq(chan_recv(sv[0], &m, 0), 1);
	ck_assert_int_eq(m.kind, MSG_COMMAND);
	close(sv[0]);
	close(sv[1]);
	ck_assert_int_eq(count_fds(), before);
}
END_TEST

/* chan_expect takes only its kind: another one is refused, its fds
 * closed. */
START_TEST(test_expect_other_kind)
{
	struct command_info info = { .cwd_errno = 0 };
	int p[2], sv[2];
	struct msg m;

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	socket_pair(sv);
	ck_assert_int_eq(chan_send(sv[1], MSG_COMMAND, &info, &p[1], 1, NULL),
			 0);
	close(p[1]);
	ck_assert_int_eq(chan_expect(sv[0], MSG_STARTED, &m), -EPROTO);
	ck_assert(writers_gone(p[0]));
	/* a kind sent by send(2) */
	ck_assert_int_eq(chan_send(sv[1], MSG_NET_READY, NULL, NULL, 0, NULL),
			 0);
	ck_assert_int_eq(chan_expect(sv[0], MSG_SANDBOX, &m), -EPROTO);
	close(p[0]);
	/* on a pipe: the go word where an error was expected */
	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	ck_assert_int_eq(chan_send(p[1], MSG_GO, NULL, NULL, 0, NULL), 0);
	ck_assert_int_eq(chan_expect(p[0], MSG_ERROR, &m), -EPROTO);
	close(p[0]);
	close(p[1]);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

/* EOF once the peer closed (0), an empty socket with MSG_DONTWAIT
 * (-EAGAIN): the monitor's reading of the reports tells them apart. */
START_TEST(test_eof_and_empty)
{
	int p[2], sv[2];
	struct msg m;

	socket_pair(sv);
	ck_assert_int_eq(chan_recv(sv[0], &m, MSG_DONTWAIT), -EAGAIN);
	close(sv[1]);
	ck_assert_int_eq(chan_recv(sv[0], &m, MSG_DONTWAIT), 0);
	ck_assert_int_eq(chan_expect(sv[0], MSG_NET_READY, &m), 0);
	close(sv[0]);
	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	close(p[1]);
	ck_assert_int_eq(chan_expect(p[0], MSG_ERROR, &m), 0);
	close(p[0]);
}
END_TEST

/* Fds and credentials go only with the kinds that carry them. */
START_TEST(test_refuses_misuse)
{
	struct ucred cred = { getpid(), getuid(), getgid() };
	int sv[2], fd = 0;

	socket_pair(sv);
	ck_assert_int_eq(chan_send(sv[1], MSG_SANDBOX, &(struct sandbox_info){ 0 },
				   &fd, 1, NULL),
			 -EINVAL);
	ck_assert_int_eq(chan_send(sv[1], MSG_NET_READY, NULL, NULL, 0, &cred),
			 -EINVAL);
	ck_assert_int_eq(chan_send(sv[1], 0, NULL, NULL, 0, NULL), -EINVAL);
	ck_assert_int_eq(chan_send(sv[1], MSG_NET_SOCKETS,
				   &(struct msg_net){ 0 }, &fd,
				   CHAN_MAX_FDS + 1, NULL),
			 -EINVAL);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

/* With SO_PASSCRED the kernel names the sender: a forked child's own pid
 * when it gives its credentials, and also when it gives none. */
START_TEST(test_credentials_of_a_child)
{
	struct msg_started started = { .ns_pid = 1 };
	struct msg m;
	pid_t child;
	int sv[2], status;

	socket_pair(sv);
	pass_cred(sv[0]);
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		struct ucred cred = { getpid(), getuid(), getgid() };

		_exit(chan_send(sv[1], MSG_STARTED, &started, NULL, 0, &cred) ||
		      chan_send(sv[1], MSG_STARTED, &started, NULL, 0, NULL));
	}
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert_int_eq(status, 0);
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(chan_recv(sv[0], &m, 0), 1);
		ck_assert_int_eq(m.kind, MSG_STARTED);
		ck_assert(m.has_cred);
		ck_assert_int_eq(m.cred.pid, child);
		ck_assert_int_eq(m.cred.uid, getuid());
	}
	close(sv[0]);
	close(sv[1]);
}
END_TEST

/* The command's process shares the init's memory and sends its report
 * from its own stack (CLONE_VM | CLONE_VFORK): nothing of the channel's
 * may depend on memory of its own. */
struct vm_sender {
	int sock, fd;
};

static int vm_send(void *arg)
{
	const struct vm_sender *s = arg;
	struct command_info info = { .bounding_cleared = true };

	return chan_send(s->sock, MSG_COMMAND, &info, &s->fd, 1, NULL) ? 1 : 0;
}

START_TEST(test_clone_vm_sender)
{
	size_t size = 256 * 1024;
	char *stack = mmap(NULL, size, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct vm_sender s = { -1, fd };
	struct msg m;
	int sv[2], status;
	pid_t child;

	ck_assert(stack != MAP_FAILED);
	socket_pair(sv);
	s.sock = sv[1];
	child = clone(vm_send, stack + size, CLONE_VM | CLONE_VFORK | SIGCHLD,
		      &s);
	ck_assert_int_gt(child, 0);
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert_int_eq(status, 0);
	munmap(stack, size);
	ck_assert_int_eq(chan_expect(sv[0], MSG_COMMAND, &m), 1);
	ck_assert(m.u.command.bounding_cleared);
	ck_assert_int_eq(m.n_fds, 1);
	ck_assert(inode_of(m.fds[0]) == inode_of(fd));
	msg_close_fds(&m);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

/* The channels as the monitor opens them: close-on-exec, the sandbox's
 * ends at or above the base, SO_PASSCRED on the monitor's report end,
 * the sync pipe only when asked for. */
START_TEST(test_open)
{
	struct chan_monitor m = { -1, -1, -1 };
	struct chan_sandbox s = { -1, -1, -1 };
	struct sh_err err = { 0 };
	int on = 0, base = 100 + _i;
	socklen_t len = sizeof(on);
	bool with_sync = _i;
	struct msg msg;

	ck_assert_int_eq(chan_open(&m, &s, with_sync, base, &err), 0);
	ck_assert_int_ge(s.error, base);
	ck_assert_int_ge(s.report, base);
	ck_assert_int_eq(getsockopt(m.report, SOL_SOCKET, SO_PASSCRED, &on,
				    &len),
			 0);
	ck_assert_int_ne(on, 0);
	if (with_sync) {
		ck_assert_int_ge(s.sync, base);
		ck_assert_int_eq(chan_send(m.sync, MSG_GO, NULL, NULL, 0, NULL),
				 0);
		ck_assert_int_eq(chan_expect(s.sync, MSG_GO, &msg), 1);
	} else {
		ck_assert_int_eq(s.sync, -1);
		ck_assert_int_eq(m.sync, -1);
	}
	{
		int ends[] = { m.error, m.sync, m.report,
			       s.error, s.sync, s.report };

		for (size_t i = 0; i < sizeof(ends) / sizeof(ends[0]); i++)
			if (ends[i] >= 0)
				ck_assert_int_eq(fcntl(ends[i], F_GETFD) &
							 FD_CLOEXEC,
						 FD_CLOEXEC);
	}
	chan_monitor_close(&m);
	cleanup_closep(&s.error);
	cleanup_closep(&s.sync);
	cleanup_closep(&s.report);
}
END_TEST

static Suite *make_channel_suite(void)
{
	Suite *s = suite_create("channel");
	TCase *tc = tcase_create("messages");

	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_loop_test(tc, test_round_trip, 0, N_KINDS);
	tcase_add_test(tc, test_three_fds_in_order);
	tcase_add_test(tc, test_wrong_size_closes_fds);
	tcase_add_loop_test(tc, test_too_many_fds, 0,
			    sizeof(too_many_cases) / sizeof(too_many_cases[0]));
	tcase_add_test(tc, test_expect_other_kind);
	tcase_add_test(tc, test_eof_and_empty);
	tcase_add_test(tc, test_refuses_misuse);
	suite_add_tcase(s, tc);
	tc = tcase_create("processes");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_test(tc, test_credentials_of_a_child);
	tcase_add_test(tc, test_clone_vm_sender);
	tcase_add_loop_test(tc, test_open, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(make_channel_suite());
}
