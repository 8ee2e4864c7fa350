/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The one conversation between the helper's processes: the monitor (M),
 * the sandbox's first process (S, the init when the command needs one)
 * and the command's process until its execve (C). Every message is a
 * kind and the kind's payload; three channels carry them:
 *
 *   error pipe    S|C -> M  MSG_ERROR; its EOF without a message is the
 *                           command's execve (or a death: see monitor.c)
 *   sync pipe     M -> S    MSG_GO: the maps are written, S is in its
 *                           cgroups (only when S must wait for that)
 *   report socket S|C <-> M the rest, in this order: MSG_NET_SOCKETS
 *                           (S, first), MSG_NET_READY (M -> C),
 *                           MSG_SANDBOX (S), MSG_STARTED (init),
 *                           MSG_COMMAND (C, its last word), MSG_EXITED
 *                           (init)
 *
 * The command's process shares the init's memory until its execve
 * (CLONE_VM): nothing here allocates, uses stdio or keeps state. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "err.h"
#include "landlock.h"
#include "ns.h"

enum msg_kind {
	MSG_ERROR = 1,   /* S|C -> M, error pipe: struct sh_err */
	MSG_GO,          /* M -> S, sync pipe: no payload */
	MSG_NET_SOCKETS, /* S -> M: struct msg_net, SCM_RIGHTS the sockets */
	MSG_NET_READY,   /* M -> C: lo is configured, no payload */
	MSG_SANDBOX,     /* S -> M: struct sandbox_info */
	MSG_STARTED,     /* init -> M: struct msg_started (+ SCM_CREDENTIALS) */
	MSG_COMMAND,     /* C -> M: struct command_info (+ SCM_RIGHTS) */
	MSG_EXITED,      /* init -> M: struct msg_exited */
};

/* MSG_NET_SOCKETS: the sockets of the sandbox's network namespace
 * (struct net_sockets) in this order: route, then events and probe when
 * they opened. */
struct msg_net {
	bool events;
	bool probe;
};

/* MSG_SANDBOX: what the sandbox's first process tells the monitor of its
 * setup. */
struct sandbox_info {
	int cgroup_ns_errno; /* the cgroup namespace was refused (drop) */
	/* the inode of each namespace made for the sandbox (bubblewrap's
	 * *-namespace keys), by kind; 0: not known, the key is left out */
	unsigned long long ns_inodes[NS_COUNT];
};

/* MSG_STARTED: the init started the command. */
struct msg_started {
	pid_t ns_pid; /* the command's pid inside its pid namespace */
	/* the command's pid as the monitor sees it; 0 when SCM_CREDENTIALS
	 * carries it, -1 when unknown */
	pid_t monitor_pid;
};

/* MSG_COMMAND: what the command's process tells the monitor just before
 * execve. */
struct command_info {
	struct landlock_report landlock;
	struct landlock_report sandbox_read; /* --sandbox-read's layer */
	struct landlock_report abstract_unix; /* the host's uid 0's scope */
	bool bounding_cleared; /* false: no CAP_SETPCAP (no user namespace) */
	int cwd_errno; /* the helper's directory was not re-entered: in / */
};

/* MSG_EXITED: the command ended; its wait status, as the init saw it. */
struct msg_exited {
	int wait_status;
};

/* The most fds a message passes: the network's three sockets. */
#define CHAN_MAX_FDS 3

union msg_payload {
	struct sh_err error;
	struct msg_net net;
	struct sandbox_info sandbox;
	struct msg_started started;
	struct command_info command;
	struct msg_exited exited;
};

struct msg {
	enum msg_kind kind;
	union msg_payload u;
	int fds[CHAN_MAX_FDS]; /* SCM_RIGHTS, in order; -1 past n_fds */
	size_t n_fds;
	bool has_cred; /* SCM_CREDENTIALS came (always, with SO_PASSCRED) */
	struct ucred cred;
};

/* The monitor's ends and the sandbox's; -1: none. */
struct chan_monitor {
	int error, sync, report;
};
struct chan_sandbox {
	int error, sync, report;
};

/* The three channels, every end O_CLOEXEC; the sandbox's ends at or
 * above `above` (where the fd map cannot overwrite them before the
 * sandbox reports); the sync pipe only with_sync; SO_PASSCRED on the
 * monitor's report end before anything is sent on it. -errno with err
 * (stage monitor); whatever was opened is left in m and s to close. */
int chan_open(struct chan_monitor *m, struct chan_sandbox *s, bool with_sync,
	      int above, struct sh_err *err);
void chan_monitor_close(struct chan_monitor *m);

/* One message: kind and its payload (its size is the kind's), with n_fds
 * fds (at most CHAN_MAX_FDS) and credentials where the kind carries
 * them. write(2) on a pipe, send(2) or sendmsg(2) on the socket (see
 * channel.c, with MSG_NOSIGNAL); EINTR retried. 0 or -errno. */
int chan_send(int fd, enum msg_kind kind, const void *payload,
	      const int *fds, size_t n_fds, const struct ucred *cred);

/* The next message on the report socket (recvmsg(2), flags such as
 * MSG_DONTWAIT): 1 and *m; 0 at EOF; -EPROTO for a message of no kind,
 * of a size that is not its kind's, with more than CHAN_MAX_FDS fds or
 * whose control data the kernel truncated (MSG_CTRUNC: fds it dropped),
 * its fds all closed; -EAGAIN, -errno. Received fds are O_CLOEXEC and
 * m's to close (msg_close_fds). */
int chan_recv(int fd, struct msg *m, int flags);

/* The next message, which must be of kind: 1 and *m; 0 at EOF; -EPROTO
 * when another kind came (its fds closed); -errno. The kind's channel
 * decides the call: read(2) on a pipe, recv(2) for a socket kind that
 * carries nothing alongside. */
int chan_expect(int fd, enum msg_kind kind, struct msg *m);

void msg_close_fds(struct msg *m);
