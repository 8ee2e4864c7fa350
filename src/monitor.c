/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "monitor.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "clock.h"
#include "init.h"
#include "proc.h"
#include "sandbox-grants.h"

/* The monitor's ends of the channels to the sandbox. */
struct channels {
	int error_read;
	int sync_write;
	int report_read;
};

static void channels_close(struct channels *ch)
{
	cleanup_closep(&ch->error_read);
	cleanup_closep(&ch->sync_write);
	cleanup_closep(&ch->report_read);
	ch->error_read = ch->sync_write = ch->report_read = -1;
}

/* The --die-with-parent race: a parent that died before the prctl is seen
 * as a changed parent pid right after it. */
static int watch_parent(const struct launch *launch, pid_t helper_parent,
			struct sh_err *err)
{
	if (!launch->spec->die_with_parent)
		return 0;
	if (prctl(PR_SET_PDEATHSIG, SIGNAL_PARENT_DIED) < 0)
		return err_sys(err, "process", errno, "prctl PDEATHSIG");
	if (getppid() != helper_parent)
		return err_set(err, "process", ESRCH,
			       "--die-with-parent: the parent already exited");
	return 0;
}

/* The sandbox's ends sit above every fd of the map, so the fd map cannot
 * overwrite them before the sandbox reports. */
static int move_above(int *fd, int base, struct sh_err *err)
{
	int moved = fcntl(*fd, F_DUPFD_CLOEXEC, base);

	close(*fd);
	*fd = moved;
	if (moved < 0)
		return err_sys(err, "monitor", errno, "move a channel fd");
	return 0;
}

static int open_channels(struct launch *launch, struct channels *ch,
			 struct sh_err *err)
{
	int fds[2], one = 1, r;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return err_sys(err, "monitor", errno, "pipe2");
	ch->error_read = fds[0];
	launch->error_fd = fds[1];
	if ((r = move_above(&launch->error_fd, launch->temp_base, err)) < 0)
		return r;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0)
		return err_sys(err, "monitor", errno, "socketpair");
	ch->report_read = fds[0];
	launch->report_fd = fds[1];
	/* SCM_CREDENTIALS translates the command's pid into ours */
	if (setsockopt(ch->report_read, SOL_SOCKET, SO_PASSCRED, &one,
		       sizeof(one)) < 0)
		return err_sys(err, "monitor", errno, "setsockopt SO_PASSCRED");
	if ((r = move_above(&launch->report_fd, launch->temp_base, err)) < 0)
		return r;
	if (!launch_needs_sync(launch))
		return 0;
	if (pipe2(fds, O_CLOEXEC) < 0)
		return err_sys(err, "monitor", errno, "pipe2");
	launch->sync_fd = fds[0];
	ch->sync_write = fds[1];
	return move_above(&launch->sync_fd, launch->temp_base, err);
}

static void reap(struct proc *sandbox)
{
	proc_kill_and_reap(sandbox);
}

/* SIGTERM, SIGINT or SIGHUP during setup end the helper there: the
 * sandbox (if any) is killed and reaped, and the error names the
 * signal. Once the command runs, they are passed on to it instead. The
 * library's kill (SIGNAL_KILL_SANDBOX) ends the setup the same way. */
void monitor_termination_sigset(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGNAL_KILL_SANDBOX);
}

int monitor_interrupted(int sig, struct sh_err *err)
{
	const char *abbrev = err_signal_abbrev(sig);

	if (sig == SIGNAL_KILL_SANDBOX)
		return err_set(err, "signals", EINTR,
			       "killed through libspawnhelper (signal %d) "
			       "during setup: the helper stopped before the "
			       "command ran",
			       sig);
	return err_set(err, "signals", EINTR,
		       "SIG%s received during setup: the helper stopped "
		       "before the command ran",
		       abbrev ? abbrev : "?");
}

/* A termination signal taken from sfd (a non-blocking signalfd of
 * monitor_termination_sigset), as the error; 0 when none is pending. */
static int take_termination(int sfd, struct sh_err *err)
{
	struct signalfd_siginfo si;

	if (read(sfd, &si, sizeof(si)) != (ssize_t)sizeof(si))
		return 0;
	return monitor_interrupted((int)si.ssi_signo, err);
}

/* poll p (n fds) during setup, until one of them has news or a
 * termination signal comes: 0, or -errno with err (a signal: stage
 * signals). News of the sandbox win over a signal that came with them:
 * the setup's end is known, and the signal is not lost (a later wait,
 * or the command, gets it). */
static int wait_setup(struct pollfd *p, nfds_t n, int sfd,
		      struct sh_err *err)
{
	struct pollfd all[4];
	int r;

	memcpy(all, p, n * sizeof(*p));
	all[n] = (struct pollfd){ sfd, POLLIN, 0 };
	for (;;) {
		do
			r = poll(all, n + 1, -1);
		while (r < 0 && errno == EINTR);
		if (r < 0)
			return err_sys(err, "monitor", errno, "poll");
		memcpy(p, all, n * sizeof(*p));
		for (nfds_t i = 0; i < n; i++)
			if (all[i].revents)
				return 0;
		if ((r = take_termination(sfd, err)) < 0)
			return r;
	}
}

/* Which namespaces the kernel refuses, each tried alone in a throwaway
 * child. A privileged caller makes the others without the user namespace,
 * so a refused user namespace takes only itself with it there. */
static void diagnose(const struct launch *launch, unsigned *refused,
		     int errnos[NS_COUNT])
{
	unsigned others = launch->namespaces & ~NS_BIT(NS_USER);
	bool with_user = launch->namespaces & NS_BIT(NS_USER);
	int user_errno;

	ns_diagnose(others, with_user, refused, errnos);
	if (!launch->privileged || !(*refused & NS_BIT(NS_USER)))
		return;
	user_errno = errnos[NS_USER];
	ns_diagnose(others, false, refused, errnos);
	*refused |= NS_BIT(NS_USER);
	errnos[NS_USER] = user_errno;
}

/* A sandbox that no longer needs the monitor (no user namespace left to
 * map, no cgroup to enter) must not wait for it: start_sandbox would
 * never write the sync pipe, and the sandbox, which holds a copy of the
 * write end too, would read it for ever. Without the read end it does
 * not wait at all. */
static void close_sync_unless_needed(struct launch *launch, struct channels *ch)
{
	if (launch_needs_sync(launch))
		return;
	cleanup_closep(&launch->sync_fd);
	cleanup_closep(&ch->sync_write);
	launch->sync_fd = ch->sync_write = -1;
}

/* The plan after a refusal replaces the one cloned (ns_replan decides:
 * fail, or leave the refused namespaces out). */
static int replan(struct launch *launch, const struct ns_refusal *refusal,
		  struct sh_err *err)
{
	struct ns_state now = launch_ns(launch), next;
	int r = ns_replan(&launch->nsin, &now, refusal, &next, err);

	if (r == 0)
		launch_replace_ns(launch, &next);
	return r;
}

/* The clone failed: learn which namespace the kernel refuses, and which
 * sysctl refuses it (for the message, when the run fails), then replan. */
static int handle_refusal(struct launch *launch, struct channels *ch,
			  int clone_errno, struct sh_err *err)
{
	struct ns_refusal refusal = { .at = NS_REFUSED_AT_CLONE,
				      .clone_errno = clone_errno };
	char buf[160];
	int kind, r;

	diagnose(launch, &refusal.refused, refusal.errnos);
	if ((kind = ns_first_refused(refusal.refused)) >= 0)
		refusal.sysctl = ns_refused_by_sysctl(kind, !launch->privileged,
						      buf, sizeof(buf));
	if ((r = replan(launch, &refusal, err)) < 0)
		return r;
	close_sync_unless_needed(launch, ch);
	return 0;
}

/* The user namespace's maps were refused (r, with err): in drop mode,
 * run without. */
static int maps_refused(struct launch *launch, struct channels *ch, int r,
			struct sh_err *err)
{
	struct ns_refusal refusal = { .at = NS_REFUSED_AT_MAPS,
				      .refused = NS_BIT(NS_USER) };

	refusal.errnos[NS_USER] = -r;
	if ((r = replan(launch, &refusal, err)) < 0)
		return r;
	/* kept when cgroups still need it: the sandbox is moved first */
	close_sync_unless_needed(launch, ch);
	return 0;
}

/* The sandbox could not make its cgroup namespace, and the plan let it
 * go on without (launch->cgroup_ns_fatal): the record says so. A
 * refusal there never fails the replan. */
static void cgroup_ns_refused(struct launch *launch, int errnum)
{
	struct ns_refusal refusal = { .at = NS_REFUSED_AT_CGROUP_NS,
				      .refused = NS_BIT(NS_CGROUP) };
	struct sh_err unused;

	refusal.errnos[NS_CGROUP] = errnum;
	replan(launch, &refusal, &unused);
}

static int release(struct channels *ch, struct sh_err *err)
{
	if (write(ch->sync_write, "", 1) != 1)
		return err_sys(err, "monitor", errno, "release the sandbox");
	return 0;
}

static int take_child_error(const struct sh_err *child_err,
			    struct sh_err *err)
{
	*err = *child_err;
	err->stage[sizeof(err->stage) - 1] = '\0';
	err->message[sizeof(err->message) - 1] = '\0';
	return -err->errnum;
}

/* The sandbox is reaped after a step of ours on it failed: when it had
 * failed first, its record (written before it exited) says why, and our
 * step failed only because it was gone. */
static bool sandbox_failed_first(int error_read, struct sh_err *err)
{
	struct pollfd p = { error_read, POLLIN, 0 };
	struct sh_err child_err;

	if (poll(&p, 1, 0) != 1 || !(p.revents & POLLIN) ||
	    read(error_read, &child_err, sizeof(child_err)) !=
		    (ssize_t)sizeof(child_err))
		return false;
	take_child_error(&child_err, err);
	return true;
}

/* Clone the sandbox with what the kernel allows and, for a user
 * namespace, write its maps before letting it go on. */
static int start_sandbox(struct launch *launch, struct channels *ch,
			 struct proc *sandbox, struct sh_err *err)
{
	for (;;) {
		/* the sandbox makes its cgroup namespace itself, once it is
		 * in its cgroup */
		pid_t pid = ns_clone(launch->namespaces & ~NS_BIT(NS_CGROUP),
				     sandbox);
		int r;

		if (pid == 0)
			child_run(launch);
		if (pid < 0) {
			r = handle_refusal(launch, ch, -pid, err);
			if (r < 0)
				return r;
			continue;
		}
		if (!launch_needs_sync(launch))
			return 0;
		if ((r = cgroup_enter(&launch->cgroups, pid, err)) < 0) {
			reap(sandbox);
			return sandbox_failed_first(ch->error_read, err)
				       ? -err->errnum
				       : r;
		}
		if (!(launch->namespaces & NS_BIT(NS_USER)))
			return release(ch, err);
		r = userns_write_maps(pid, &launch->uid_map, &launch->gid_map,
				      launch->deny_setgroups, err);
		if (r == 0)
			return release(ch, err);
		reap(sandbox);
		if (sandbox_failed_first(ch->error_read, err))
			return -err->errnum;
		if ((r = maps_refused(launch, ch, r, err)) < 0)
			return r;
	}
}

static int read_reports(int fd, struct outcome *out);

/* Setup succeeded when the error pipe closes without a record. Until the
 * command's last word before its execve (its report), a termination
 * signal ends the setup; from that word on the command runs, or is about
 * to, and the signal stays pending for the monitor to pass on: a caller
 * that saw the command start never gets "stopped before the command
 * ran". */
static int read_setup_result(const struct channels *ch, int sfd,
			     struct outcome *out, struct sh_err *err)
{
	struct pollfd p[2] = { { ch->error_read, POLLIN, 0 },
			       { ch->report_read, POLLIN, 0 } };
	struct sh_err child_err;
	ssize_t n;
	int r;

	while (out->command.kind != REPORT_COMMAND) {
		if ((r = wait_setup(p, 2, sfd, err)) < 0) {
			reap(&out->child);
			return r;
		}
		if (p[0].revents)
			break;
		/* the sandbox's end closed, or reset by a sandbox that died
		 * with our word unread: its pipe tells why */
		if (read_reports(ch->report_read, out) < 0 ||
		    (p[1].revents & (POLLHUP | POLLERR)))
			p[1].fd = -1;
	}
	do
		n = read(ch->error_read, &child_err, sizeof(child_err));
	while (n < 0 && errno == EINTR);
	if (n == 0)
		return 0;
	reap(&out->child);
	if (n != sizeof(child_err))
		return err_sys(err, "monitor", n < 0 ? errno : EPROTO,
			       "read the setup result");
	return take_child_error(&child_err, err);
}

/* The fds of an SCM_RIGHTS message: the first max into passed (in
 * order), the others closed. */
static void take_fds(const struct cmsghdr *cm, int *passed, size_t max)
{
	size_t n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);

	for (size_t i = 0; i < n; i++) {
		int fd;

		memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
		if (i < max)
			passed[i] = fd;
		else
			close(fd);
	}
}

/* One message, with its SCM_CREDENTIALS in cred and up to max fds passed
 * with SCM_RIGHTS in passed (-1 for those that did not come; any others
 * are closed). */
static ssize_t receive(int fd, void *buf, size_t size, struct ucred *cred,
		       int *passed, size_t max, int flags)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct ucred)) +
			 CMSG_SPACE(REPORT_MAX_FDS * sizeof(int))];
		struct cmsghdr align;
	} control;
	struct iovec iov = { buf, size };
	struct msghdr mh = { .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = control.buf,
			     .msg_controllen = sizeof(control.buf) };
	ssize_t n;

	do
		n = recvmsg(fd, &mh, flags | MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	for (size_t i = 0; i < max; i++)
		passed[i] = -1;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); n > 0 && cm;
	     cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level != SOL_SOCKET)
			continue;
		if (cm->cmsg_type == SCM_CREDENTIALS && cred)
			memcpy(cred, CMSG_DATA(cm), sizeof(*cred));
		else if (cm->cmsg_type == SCM_RIGHTS)
			take_fds(cm, passed, max);
	}
	return n;
}

/* Every message the sandbox has sent so far, by kind: its setup, the
 * command's pid under an init, the command's hardening and, at the end,
 * the command's status from the init. 0, or -errno when reading fails. */
static int read_reports(int fd, struct outcome *out)
{
	union {
		int kind;
		struct sandbox_info sandbox;
		struct init_message init;
		struct command_info command;
	} msg;
	struct ucred cred;
	ssize_t n;

	for (;;) {
		memset(&cred, 0, sizeof(cred));
		int passed = -1;

		n = receive(fd, &msg, sizeof(msg), &cred, &passed, 1,
			    MSG_DONTWAIT);
		if (n < 0 && errno != EAGAIN)
			return -errno;
		if (n < (ssize_t)sizeof(int))
			return 0;
		if (msg.kind == REPORT_SANDBOX && n == sizeof(msg.sandbox)) {
			out->info = msg.sandbox;
		} else if (msg.kind == REPORT_COMMAND &&
			   n == sizeof(msg.command)) {
			out->command = msg.command;
			out->seccomp_listener = passed;
			passed = -1;
		} else if (msg.kind == INIT_STARTED && n == sizeof(msg.init)) {
			out->command_ns_pid = msg.init.ns_pid;
			out->command_pid = msg.init.monitor_pid > 0
						   ? msg.init.monitor_pid
					   : msg.init.monitor_pid == 0 ? cred.pid
								       : 0;
		} else if (msg.kind == INIT_EXITED && n == sizeof(msg.init)) {
			out->wait_status = msg.init.wait_status;
			out->init_reported = true;
		}
		if (passed >= 0)
			close(passed);
	}
}

/* The sockets the sandbox passes first when it has a network namespace
 * (REPORT_NET): 1 when they came, 0 when the sandbox failed or died
 * first (its record, or its silence, says why), -errno. */
static int receive_net_sockets(const struct channels *ch, int sfd,
			       struct net_sockets *s, struct sh_err *err)
{
	struct pollfd p[2] = { { ch->report_read, POLLIN, 0 },
			       { ch->error_read, POLLIN, 0 } };
	struct net_passed msg = { 0 };
	int fds[REPORT_MAX_FDS], next = 1, r;
	ssize_t n;

	if ((r = wait_setup(p, 2, sfd, err)) < 0)
		return r;
	if (p[1].revents)
		return 0;
	n = receive(ch->report_read, &msg, sizeof(msg), NULL, fds,
		    REPORT_MAX_FDS, 0);
	if (n < 0)
		return err_sys(err, "monitor", errno,
			       "receive the network sockets");
	if (n != sizeof(msg))
		msg.events = msg.probe = false;
	s->route = fds[0];
	s->events = msg.events ? fds[next++] : -1;
	s->probe = msg.probe ? fds[next++] : -1;
	for (int i = next; i < REPORT_MAX_FDS; i++)
		cleanup_closep(&fds[i]);
	if (n == 0)
		return 0;
	if (n != sizeof(msg) || msg.kind != REPORT_NET || s->route < 0 ||
	    (msg.events && s->events < 0) || (msg.probe && s->probe < 0))
		return err_set(err, "monitor", EPROTO,
			       "receive the network sockets: %s",
			       err_description(EPROTO));
	return 1;
}

/* Handshake: lo is configured through the sockets the sandbox passes,
 * into net, while it goes on with its setup; the command waits for our
 * word before its execve. A failure kills the sandbox. */
static int configure_network(const struct launch *launch,
			     const struct channels *ch, int sfd,
			     struct proc *sandbox, struct net_result *net,
			     struct sh_err *err)
{
	struct net_sockets s = { -1, -1, -1 };
	int kind = NET_CONFIGURED, r;

	if (!(launch->namespaces & NS_BIT(NS_NET)))
		return 0;
	r = receive_net_sockets(ch, sfd, &s, err);
	if (r == 0) /* the sandbox failed first: its record says why */
		return 0;
	if (r < 0)
		goto failed;
	r = net_setup_loopback(&s, launch->addrs, launch->n_addrs, net, err);
	if (r < 0) {
		/* the network came first in the sandbox's setup: its
		 * failure is the one to report */
		net_close(&s);
		reap(sandbox);
		return r;
	}
	if (send(ch->report_read, &kind, sizeof(kind), MSG_NOSIGNAL) < 0) {
		r = err_sys(err, "monitor", errno, "let the command go on");
		goto failed;
	}
	net_close(&s); /* the command goes on meanwhile */
	return 0;
failed:
	net_close(&s);
	reap(sandbox);
	/* not ours when the sandbox failed first (it died, and our call
	 * failed for it): its record says why */
	return sandbox_failed_first(ch->error_read, err) ? -err->errnum : r;
}

static bool parent_died(pid_t helper_parent)
{
	return getppid() != helper_parent;
}

struct waiter {
	const struct launch *launch;
	struct seccomp_plan *seccomp; /* the launch's: rules parsed on demand */
	pid_t helper_parent;
	sigset_t set;
	long long deadline; /* usec, 0: none */
	bool killing;       /* SIGTERM sent on timeout, SIGKILL is next */
	bool kill_group;    /* a timeout kills the command's process group */
	struct memreader reader; /* reads the command's strings, lazily */
};

/* What a timeout's SIGKILL reaches besides the helper's child: an init's
 * death takes its whole pid namespace, a transient cgroup is emptied when
 * the command ends; the command's process group is ours to kill only
 * when the command leads it (--new-session) and is our child (no init
 * between us). Otherwise it shares our group or the caller's. */
static bool timeout_kills_group(const struct launch *launch)
{
	return launch->own_session && !launch_needs_init(launch);
}

static void kill_sandbox(const struct waiter *w, const struct outcome *out)
{
	proc_signal(&out->child, SIGKILL);
	if (w->kill_group)
		proc_signal_group(&out->child, SIGKILL);
}

/* The caller's SIGKILL (SIGNAL_KILL_SANDBOX): the command, its process
 * group when the sandbox has a session of its own (an init's death takes
 * its pid namespace too) and everything in the transient cgroup. */
static void kill_everything(const struct waiter *w, const struct outcome *out)
{
	kill_sandbox(w, out);
	if (w->launch->own_session)
		proc_signal_group(&out->child, SIGKILL);
	cgroup_kill_all(&w->launch->cgroups);
}

/* The timeout: SIGTERM to the command first (an init passes it on),
 * SIGKILL to the sandbox after the grace. */
static void timeout_expired(struct waiter *w, struct outcome *out)
{
	long long grace = w->launch->spec->kill_after_ms;

	out->timed_out = true;
	if (w->killing) {
		kill_sandbox(w, out);
		w->deadline = 0;
		return;
	}
	proc_signal(&out->child, SIGTERM);
	w->killing = true;
	w->deadline = now_usec() +
		      (grace < 0 ? SPEC_DEFAULT_KILL_AFTER_MS : grace) * 1000;
}

/* The time poll may wait, -1 for ever; a deadline that passed fires. */
static int poll_timeout(struct waiter *w, struct outcome *out)
{
	long long left = 0;

	while (w->deadline && (left = w->deadline - now_usec()) <= 0)
		timeout_expired(w, out);
	if (!w->deadline)
		return -1;
	/* a timeout of more than 24.8 days: wake and look again */
	return left >= (long long)INT_MAX * 1000 ? INT_MAX
						 : (int)((left + 999) / 1000);
}

static void on_child(struct waiter *w, struct outcome *out, bool *exited,
		     struct sh_err *err)
{
	siginfo_t child = { 0 };
	int status;
	pid_t r;

	/* a timed-out command that ended on the SIGTERM takes the rest of
	 * its group with it, as an init or a transient cgroup would: seen
	 * before the reap (WNOWAIT), while its pid still names the group */
	if (w->kill_group && out->timed_out &&
	    waitid(P_PID, out->child.pid, &child,
		   WEXITED | WNOHANG | WNOWAIT) == 0 &&
	    child.si_pid == out->child.pid)
		proc_signal_group(&out->child, SIGKILL);
	r = wait4(out->child.pid, &status, WNOHANG, &out->usage);
	if (r == out->child.pid)
		*exited = true;
	/* the init's report of the command, if it came already, is the
	 * status; the init's own is what it made of it */
	if (r == out->child.pid && !out->init_reported)
		out->wait_status = status;
	else if (r < 0 && errno != EINTR)
		err_sys(err, "monitor", errno, "wait4");
	memread_reap(&w->reader);
}

static void on_signal(struct waiter *w, const struct signalfd_siginfo *si,
		      struct outcome *out, bool *exited, struct sh_err *err)
{
	if (si->ssi_signo == SIGCHLD) {
		on_child(w, out, exited, err);
	} else if (si->ssi_signo == SIGNAL_KILL_SANDBOX) {
		kill_everything(w, out);
	} else if ((int)si->ssi_signo == SIGNAL_PARENT_DIED) {
		if (parent_died(w->helper_parent))
			kill_sandbox(w, out);
	} else if (should_forward(si->ssi_code, w->launch->own_session)) {
		/* in the caller's session, a terminal's signal (SI_KERNEL)
		 * reached the sandbox too: passing it on would deliver it
		 * twice (or, merged in the pending set, not at all) */
		proc_signal(&out->child, (int)si->ssi_signo);
	}
}

/* A call the seccomp filter sent us. The first one brings a built-in
 * profile's rules in: parsed only now, since most commands never make
 * one. Rules that cannot be had (no memory) fail closed: the sandbox is
 * killed rather than a call let through unchecked, the error is the
 * outcome's, and the listener is no longer heard (false). */
static bool answer_call(struct waiter *w, int listener, struct outcome *out,
			struct sh_err *err)
{
	struct sh_err rules_err = { 0 };

	if (seccomp_plan_rules(w->seccomp, &rules_err) < 0) {
		kill_sandbox(w, out);
		if (!err->errnum)
			err_set(err, "monitor", rules_err.errnum,
				"the seccomp rules to answer by: %s",
				rules_err.message);
		return false;
	}
	seccomp_answer(w->seccomp, listener, &w->reader, &out->seccomp);
	return true;
}

/* The notifications the memory reader leaves to us: handed over, or
 * left behind by a reader that was killed (or died) on one. */
static bool answer_left(struct waiter *w, int listener, bool handed,
			struct outcome *out, struct sh_err *err)
{
	struct seccomp_notif req = { 0 };

	while (handed ? memread_take(&w->reader, &req)
		      : memread_orphan(&w->reader, &req)) {
		if (seccomp_answer_notif(w->seccomp, listener, &w->reader,
					 &req, &out->seccomp) == -ENOMEM &&
		    !err->errnum) {
			/* unanswered, the caller would wait for ever */
			kill_sandbox(w, out);
			err_set(err, "monitor", ENOMEM,
				"answer a seccomp notification: %s",
				err_description(ENOMEM));
			return false;
		}
		memset(&req, 0, sizeof(req));
	}
	return true;
}

/* Signals (through a signalfd), the timeout, and the calls the seccomp
 * filter sends us to answer, until the helper's child is reaped. With
 * the sandbox's reports, the memory reader receives the calls (and
 * answers the allowed ones) while it can, and we take what it hands
 * over; while none serves, we receive from the listener ourselves. */
static int wait_for_command(struct waiter *w, struct outcome *out,
			    struct sh_err *err)
{
	_cleanup_close_ int sfd = signalfd(-1, &w->set, SFD_CLOEXEC);
	int listener = out->seccomp_listener;
	struct sh_err serve_err = { 0 };
	bool exited = false;

	if (sfd < 0)
		return err_sys(err, "monitor", errno, "signalfd");
	/* not served (no memory, no socket): we receive, as without */
	if (listener >= 0)
		seccomp_serve(w->seccomp, listener, &w->reader, &serve_err);
	while (!exited) {
		struct signalfd_siginfo si;
		int handoff = listener >= 0 ? memread_serving(&w->reader) : -1;
		struct pollfd fds[2] = {
			{ sfd, POLLIN, 0 },
			{ handoff >= 0 ? handoff : listener, POLLIN, 0 }
		};
		int timeout = poll_timeout(w, out);
		int watch = memread_watch(&w->reader);
		int n;

		if (watch >= 0 && (timeout < 0 || watch < timeout))
			timeout = watch;
		n = poll(fds, fds[1].fd >= 0 ? 2 : 1, timeout);
		if (n < 0 && errno != EINTR)
			return err_sys(err, "monitor", errno, "poll");
		if (n > 0 && (fds[0].revents & POLLIN) &&
		    read(sfd, &si, sizeof(si)) == sizeof(si))
			on_signal(w, &si, out, &exited, err);
		if (n > 0 && handoff >= 0 && fds[1].revents &&
		    !answer_left(w, listener, true, out, err))
			listener = -1;
		else if (n > 0 && handoff < 0 && (fds[1].revents & POLLIN) &&
			 !answer_call(w, fds[1].fd, out, err))
			listener = -1;
		else if (n > 0 && handoff < 0 &&
			 (fds[1].revents & (POLLHUP | POLLERR)))
			listener = -1; /* every filtered process is gone */
		memread_watch(&w->reader);
		if (listener >= 0 && !answer_left(w, listener, false, out, err))
			listener = -1;
	}
	return err->errnum && strcmp(err->stage, "monitor") == 0
		       ? -err->errnum
		       : 0;
}

/* The forwarded signals, SIGCHLD, the parent's death signal and the
 * library's kill. */
static void monitor_sigset(sigset_t *set)
{
	forwarded_sigset(set);
	sigaddset(set, SIGNAL_PARENT_DIED);
	sigaddset(set, SIGNAL_KILL_SANDBOX);
}

static int block(const sigset_t *set, struct sh_err *err)
{
	if (sigprocmask(SIG_BLOCK, set, NULL) < 0)
		return err_sys(err, "monitor", errno, "sigprocmask");
	return 0;
}

int monitor_block_signals(struct sh_err *err)
{
	sigset_t set, termination;

	monitor_sigset(&set);
	monitor_termination_sigset(&termination);
	for (int sig = 1; sig < NSIG; sig++)
		if (sigismember(&termination, sig) == 1)
			sigdelset(&set, sig);
	return block(&set, err);
}

int monitor_block_termination(struct sh_err *err)
{
	sigset_t set;

	monitor_termination_sigset(&set);
	return block(&set, err);
}

/* From the clone to the command's execve; a termination signal ends it
 * early (one that came while the cgroups were made: before the clone). */
static int run_setup(struct launch *launch, struct channels *ch,
		     struct outcome *out, struct sh_err *err)
{
	_cleanup_close_ int sfd = -1;
	sigset_t set;
	int r;

	monitor_termination_sigset(&set);
	if ((sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK)) < 0)
		return err_sys(err, "monitor", errno, "signalfd");
	if ((r = take_termination(sfd, err)) < 0 ||
	    (r = start_sandbox(launch, ch, &out->child, err)) < 0)
		return r;
	/* only the sandbox holds its ends now: EOF means exec or death */
	cleanup_closep(&launch->error_fd);
	cleanup_closep(&launch->sync_fd);
	cleanup_closep(&launch->report_fd);
	launch->error_fd = launch->sync_fd = launch->report_fd = -1;
	/* under an init the pid comes with its message */
	out->command_pid = launch_needs_init(launch) ? 0 : out->child.pid;
	if ((r = configure_network(launch, ch, sfd, &out->child, &out->net,
				   err)) < 0 ||
	    (r = read_setup_result(ch, sfd, out, err)) < 0)
		return r;
	if ((r = read_reports(ch->report_read, out)) < 0) {
		reap(&out->child);
		return err_sys(err, "monitor", -r,
			       "read the sandbox's reports");
	}
	/* the command reports just before its execve: a closed error pipe
	 * without that report is a death during setup, not an exec */
	if (out->command.kind != REPORT_COMMAND) {
		reap(&out->child);
		return err_set(err, "process", ECHILD,
			       "the sandbox died during setup, before the "
			       "command's execve");
	}
	return 0;
}

int monitor_run(struct launch *launch, pid_t helper_parent,
		struct outcome *out, struct sh_err *err)
{
	struct channels ch = { -1, -1, -1 };
	struct waiter w = { .launch = launch,
			    .seccomp = &launch->seccomp,
			    .helper_parent = helper_parent,
			    .kill_group = timeout_kills_group(launch),
			    .reader = MEMREAD_INIT };
	long long start;
	int r, started;

	memset(out, 0, sizeof(*out));
	out->child = (struct proc)PROC_NONE;
	out->seccomp_listener = -1;
	out->seccomp.sandbox.on = launch->sandbox.on;
	out->seccomp.sandbox.reported = launch->sandbox.report;
	cgroup_usage(&launch->cgroups, &out->cgroup);
	monitor_sigset(&w.set); /* blocked since monitor_block_signals */
	launch->monitor_pid = getpid();
	start = now_usec();
	if ((r = watch_parent(launch, helper_parent, err)) < 0 ||
	    (r = open_channels(launch, &ch, err)) < 0 ||
	    (r = run_setup(launch, &ch, out, err)) < 0)
		goto out;
	if (out->info.cgroup_ns_errno)
		cgroup_ns_refused(launch, out->info.cgroup_ns_errno);
	/* the sandbox's namespaces, for run-time grants: our child stays
	 * unreaped (its pid its own) while calls come */
	sandbox_grants_start(&launch->sandbox, out->child.pid);
	/* a caller that cannot learn the command runs must not have it
	 * running: killed at once, reaped as any other end */
	if ((started = status_started(launch, out, err)) < 0)
		kill_sandbox(&w, out);
	/* the timeout counts from the command's execve (the setup's end),
	 * as the man page says: a slow setup must not eat the command's
	 * time, nor send its SIGTERM before the command could act on it */
	if (launch->spec->timeout_ms)
		w.deadline = now_usec() + launch->spec->timeout_ms * 1000;
	r = wait_for_command(&w, out, err);
	if (started < 0)
		r = started;
	memread_stop(&w.reader);
	read_reports(ch.report_read, out); /* what came: the status is known */
	cgroup_kill_all(&launch->cgroups);
	cgroup_usage(&launch->cgroups, &out->cgroup);
	out->wall_usec = now_usec() - start;
out:
	/* the pid stays, for the record */
	cleanup_closep(&out->child.pidfd);
	out->child.pidfd = -1;
	if (out->seccomp_listener >= 0)
		close(out->seccomp_listener);
	out->seccomp_listener = -1;
	channels_close(&ch);
	return r;
}

void monitor_exit_like(int wait_status)
{
	if (WIFSIGNALED(wait_status)) {
		int sig = WTERMSIG(wait_status);
		struct rlimit no_core = { 0, 0 };

		/* not dumpable: no core even with a piped core_pattern */
		prctl(PR_SET_DUMPABLE, 0);
		setrlimit(RLIMIT_CORE, &no_core);
		/* by system call: the C library's own signals (32, 33) are
		 * refused by signal(), sigprocmask() and raise() */
		signal_default_raw(sig);
		signal_unblock_raw((uint64_t)1 << (sig - 1));
		kill(getpid(), sig);
	}
	exit(status_exit_code(wait_status));
}
