/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "channel.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"

/* What travels: the kind, then the kind's payload (no more). */
struct wire {
	int kind;
	union msg_payload u;
};

/* How a kind travels. Each kind keeps one system call, the same on
 * every run: a pipe's messages are written and read; on the socket,
 * only the kinds that may carry fds or credentials use sendmsg, the
 * others plain send and recv. tests/faults.sh fails each call of the
 * setup by its name and fd, and tells the sandbox's report (send) from
 * the init's (sendmsg, retried without credentials when they are
 * refused) only so; a filter the command installs before its wait for
 * the monitor (child-command.c) may leave recv alone and nothing else. */
enum via { VIA_PIPE, VIA_SEND, VIA_SENDMSG };

static const struct {
	size_t size;
	enum via via;
} kinds[] = {
	[MSG_ERROR] = { sizeof(struct sh_err), VIA_PIPE },
	[MSG_GO] = { 0, VIA_PIPE },
	[MSG_NET_SOCKETS] = { sizeof(struct msg_net), VIA_SENDMSG },
	[MSG_NET_READY] = { 0, VIA_SEND },
	[MSG_SANDBOX] = { sizeof(struct sandbox_info), VIA_SEND },
	[MSG_STARTED] = { sizeof(struct msg_started), VIA_SENDMSG },
	[MSG_COMMAND] = { sizeof(struct command_info), VIA_SENDMSG },
	[MSG_EXITED] = { sizeof(struct msg_exited), VIA_SEND },
};

static bool known(int kind)
{
	return kind >= MSG_ERROR && kind <= MSG_EXITED;
}

static size_t wire_size(enum msg_kind kind)
{
	return offsetof(struct wire, u) + kinds[kind].size;
}

/* The sandbox's ends sit above every fd of the map, so the fd map cannot
 * overwrite them before the sandbox reports. */
static int move_above(int *fd, int base, struct sh_err *err)
{
	int moved = fcntl(*fd, F_DUPFD_CLOEXEC, base);

	close(*fd);
	*fd = moved;
	if (moved < 0)
		return err_sys(err, STAGE_MONITOR, errno, "move a channel fd");
	return 0;
}

int chan_open(struct chan_monitor *m, struct chan_sandbox *s, bool with_sync,
	      int above, struct sh_err *err)
{
	int fds[2], one = 1, r;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return err_sys(err, STAGE_MONITOR, errno, "pipe2");
	m->error = fds[0];
	s->error = fds[1];
	if ((r = move_above(&s->error, above, err)) < 0)
		return r;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0)
		return err_sys(err, STAGE_MONITOR, errno, "socketpair");
	m->report = fds[0];
	s->report = fds[1];
	/* SCM_CREDENTIALS translates the command's pid into ours */
	if (setsockopt(m->report, SOL_SOCKET, SO_PASSCRED, &one,
		       sizeof(one)) < 0)
		return err_sys(err, STAGE_MONITOR, errno,
			       "setsockopt SO_PASSCRED");
	if ((r = move_above(&s->report, above, err)) < 0)
		return r;
	if (!with_sync)
		return 0;
	if (pipe2(fds, O_CLOEXEC) < 0)
		return err_sys(err, STAGE_MONITOR, errno, "pipe2");
	s->sync = fds[0];
	m->sync = fds[1];
	return move_above(&s->sync, above, err);
}

void chan_monitor_close(struct chan_monitor *m)
{
	cleanup_closep(&m->error);
	cleanup_closep(&m->sync);
	cleanup_closep(&m->report);
	m->error = m->sync = m->report = -1;
}

/* sendmsg with the fds (SCM_RIGHTS) and the credentials (SCM_CREDENTIALS)
 * given, each in a control message of its own. */
static ssize_t send_ancillary(int fd, const struct wire *w, size_t size,
			      const int *fds, size_t n_fds,
			      const struct ucred *cred)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct ucred)) +
			 CMSG_SPACE(CHAN_MAX_FDS * sizeof(int))];
		struct cmsghdr align;
	} control;
	struct iovec iov = { (void *)w, size };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cm;

	memset(&control, 0, sizeof(control));
	mh.msg_control = control.buf;
	mh.msg_controllen = (n_fds ? CMSG_SPACE(n_fds * sizeof(int)) : 0) +
			    (cred ? CMSG_SPACE(sizeof(*cred)) : 0);
	cm = CMSG_FIRSTHDR(&mh);
	if (n_fds) {
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(n_fds * sizeof(int));
		memcpy(CMSG_DATA(cm), fds, n_fds * sizeof(int));
		cm = CMSG_NXTHDR(&mh, cm);
	}
	if (cred) {
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_CREDENTIALS;
		cm->cmsg_len = CMSG_LEN(sizeof(*cred));
		memcpy(CMSG_DATA(cm), cred, sizeof(*cred));
	}
	if (!mh.msg_controllen)
		mh.msg_control = NULL;
	return sendmsg(fd, &mh, MSG_NOSIGNAL);
}

int chan_send(int fd, enum msg_kind kind, const void *payload,
	      const int *fds, size_t n_fds, const struct ucred *cred)
{
	struct wire w;
	size_t size;
	ssize_t n;

	if (!known(kind) || n_fds > CHAN_MAX_FDS ||
	    ((n_fds || cred) && kinds[kind].via != VIA_SENDMSG))
		return -EINVAL;
	size = wire_size(kind);
	memset(&w, 0, size);
	w.kind = kind;
	if (kinds[kind].size)
		memcpy(&w.u, payload, kinds[kind].size);
	do {
		if (kinds[kind].via == VIA_PIPE)
			n = write(fd, &w, size);
		else if (kinds[kind].via == VIA_SEND)
			n = send(fd, &w, size, MSG_NOSIGNAL);
		else
			n = send_ancillary(fd, &w, size, fds, n_fds, cred);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (size_t)n == size ? 0 : -EPROTO;
}

void msg_close_fds(struct msg *m)
{
	for (size_t i = 0; i < m->n_fds; i++)
		cleanup_closep(&m->fds[i]);
	for (size_t i = 0; i < CHAN_MAX_FDS; i++)
		m->fds[i] = -1;
	m->n_fds = 0;
}

static void msg_reset(struct msg *m)
{
	m->kind = 0;
	m->n_fds = 0;
	for (size_t i = 0; i < CHAN_MAX_FDS; i++)
		m->fds[i] = -1;
	m->has_cred = false;
	memset(&m->cred, 0, sizeof(m->cred));
}

/* The fds of an SCM_RIGHTS message: into m in order while there is
 * room, the others closed. Whether there were more than a message
 * carries (CHAN_MAX_FDS). */
static bool take_fds(const struct cmsghdr *cm, struct msg *m)
{
	size_t n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
	bool too_many = false;

	for (size_t i = 0; i < n; i++) {
		int fd;

		memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
		if (m->n_fds < CHAN_MAX_FDS) {
			m->fds[m->n_fds++] = fd;
		} else {
			close(fd);
			too_many = true;
		}
	}
	return too_many;
}

/* The credentials and fds that came; whether more fds came than a
 * message carries. */
static bool take_ancillary(struct msghdr *mh, struct msg *m)
{
	bool too_many = false;

	for (struct cmsghdr *cm = CMSG_FIRSTHDR(mh); cm;
	     cm = CMSG_NXTHDR(mh, cm)) {
		if (cm->cmsg_level != SOL_SOCKET)
			continue;
		if (cm->cmsg_type == SCM_CREDENTIALS) {
			memcpy(&m->cred, CMSG_DATA(cm), sizeof(m->cred));
			m->has_cred = true;
		} else if (cm->cmsg_type == SCM_RIGHTS) {
			too_many |= take_fds(cm, m);
		}
	}
	return too_many;
}

/* n bytes of w received: 1 and m's kind and payload, 0 at EOF, -EPROTO
 * (m's fds closed) for what no kind is, or a message that did not come
 * whole (truncated: its payload, or its fds). */
static int take_payload(const struct wire *w, size_t n, bool truncated,
			struct msg *m)
{
	if (n == 0 && !m->n_fds && !truncated)
		return 0;
	if (n < sizeof(w->kind) || truncated || !known(w->kind) ||
	    n != wire_size(w->kind)) {
		msg_close_fds(m);
		return -EPROTO;
	}
	m->kind = w->kind;
	memcpy(&m->u, &w->u, kinds[w->kind].size);
	return 1;
}

int chan_recv(int fd, struct msg *m, int flags)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct ucred)) +
			 CMSG_SPACE(CHAN_MAX_FDS * sizeof(int))];
		struct cmsghdr align;
	} control;
	struct wire w;
	struct iovec iov = { &w, sizeof(w) };
	struct msghdr mh = { .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = control.buf,
			     .msg_controllen = sizeof(control.buf) };
	bool truncated;
	ssize_t n;

	msg_reset(m);
	do
		n = recvmsg(fd, &mh, flags | MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	/* MSG_CTRUNC: the kernel closed the fds that did not fit (a
	 * message short of fds is as wrong as one short of bytes) */
	truncated = take_ancillary(&mh, m) ||
		    (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC));
	return take_payload(&w, (size_t)n, truncated, m);
}

int chan_expect(int fd, enum msg_kind kind, struct msg *m)
{
	struct wire w;
	ssize_t n;
	int r;

	if (!known(kind))
		return -EINVAL;
	if (kinds[kind].via == VIA_SENDMSG) {
		r = chan_recv(fd, m, 0);
	} else {
		msg_reset(m);
		do
			n = kinds[kind].via == VIA_PIPE
				    ? read(fd, &w, wire_size(kind))
				    : recv(fd, &w, sizeof(w), 0);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			return -errno;
		r = take_payload(&w, (size_t)n, false, m);
	}
	if (r == 1 && m->kind != kind) {
		msg_close_fds(m);
		return -EPROTO;
	}
	return r;
}
