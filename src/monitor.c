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

#include "channel.h"
#include "cleanup.h"
#include "clock.h"
#include "monitor-wait.h"
#include "signals.h"
#include "proc.h"
#include "sandbox-grants.h"

/* The --die-with-parent race: a parent that died before the prctl is seen
 * as a changed parent pid right after it. */
static int watch_parent(const struct launch *launch, pid_t helper_parent,
			struct sh_err *err)
{
	if (!launch->spec->die_with_parent)
		return 0;
	return proc_die_with_parent(SIGNAL_PARENT_DIED, helper_parent,
				    "--die-with-parent: the parent already exited",
				    err);
}

/* The monitor's ends in ch; the sandbox's in the launch. */
static int open_channels(struct launch *launch, struct chan_monitor *ch,
			 struct sh_err *err)
{
	struct chan_sandbox s = { -1, -1, -1 };
	int r = chan_open(ch, &s, launch_needs_sync(launch), launch->temp_base,
			  err);

	launch->error_fd = s.error;
	launch->sync_fd = s.sync;
	launch->report_fd = s.report;
	return r;
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
		return err_set(err, STAGE_SIGNALS, EINTR,
			       "killed through libspawnhelper (signal %d) "
			       "during setup: the helper stopped before the "
			       "command ran",
			       sig);
	return err_set(err, STAGE_SIGNALS, EINTR,
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
			return err_sys(err, STAGE_MONITOR, errno, "poll");
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
static void close_sync_unless_needed(struct launch *launch,
				     struct chan_monitor *ch)
{
	if (launch_needs_sync(launch))
		return;
	cleanup_closep(&launch->sync_fd);
	cleanup_closep(&ch->sync);
	launch->sync_fd = ch->sync = -1;
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
static int handle_refusal(struct launch *launch, struct chan_monitor *ch,
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
static int maps_refused(struct launch *launch, struct chan_monitor *ch, int r,
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

static int release(struct chan_monitor *ch, struct sh_err *err)
{
	int r = chan_send(ch->sync, MSG_GO, NULL, NULL, 0, NULL);

	if (r < 0)
		return err_sys(err, STAGE_MONITOR, -r, "release the sandbox");
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
	struct msg m;

	if (poll(&p, 1, 0) != 1 || !(p.revents & POLLIN) ||
	    chan_expect(error_read, MSG_ERROR, &m) != 1)
		return false;
	take_child_error(&m.u.error, err);
	return true;
}

/* Clone the sandbox with what the kernel allows and, for a user
 * namespace, write its maps before letting it go on. */
static int start_sandbox(struct launch *launch, struct chan_monitor *ch,
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
			return sandbox_failed_first(ch->error, err)
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
		if (sandbox_failed_first(ch->error, err))
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
static int read_setup_result(const struct chan_monitor *ch, int sfd,
			     struct outcome *out, struct sh_err *err)
{
	struct pollfd p[2] = { { ch->error, POLLIN, 0 },
			       { ch->report, POLLIN, 0 } };
	struct msg m;
	int r;

	while (!out->command_reported) {
		if ((r = wait_setup(p, 2, sfd, err)) < 0) {
			reap(&out->child);
			return r;
		}
		if (p[0].revents)
			break;
		/* the sandbox's end closed, or reset by a sandbox that died
		 * with our word unread: its pipe tells why */
		if (read_reports(ch->report, out) < 0 ||
		    (p[1].revents & (POLLHUP | POLLERR)))
			p[1].fd = -1;
	}
	r = chan_expect(ch->error, MSG_ERROR, &m);
	if (r == 0)
		return 0;
	reap(&out->child);
	if (r < 0)
		return err_sys(err, STAGE_MONITOR, -r, "read the setup result");
	return take_child_error(&m.u.error, err);
}

/* One report into the outcome; the fds it brought stay in m, but the
 * command's seccomp listener, which the outcome takes. */
static void take_report(struct msg *m, struct outcome *out)
{
	switch (m->kind) {
	case MSG_SANDBOX:
		out->info = m->u.sandbox;
		break;
	case MSG_COMMAND:
		out->command = m->u.command;
		out->command_reported = true;
		out->seccomp_listener = m->n_fds ? take_fd(&m->fds[0]) : -1;
		break;
	case MSG_STARTED:
		out->command_ns_pid = m->u.started.ns_pid;
		out->command_pid = m->u.started.monitor_pid > 0
					   ? m->u.started.monitor_pid
				   : m->u.started.monitor_pid == 0 ? m->cred.pid
								   : 0;
		break;
	case MSG_EXITED:
		out->wait_status = m->u.exited.wait_status;
		out->init_reported = true;
		break;
	default: /* the network's sockets came first, or never */
		break;
	}
}

/* Every message the sandbox has sent so far, by kind: its setup, the
 * command's pid under an init, the command's hardening and, at the end,
 * the command's status from the init. One of no kind's size is passed
 * over. 0, or -errno when reading fails. */
static int read_reports(int fd, struct outcome *out)
{
	struct msg m;
	int r;

	while ((r = chan_recv(fd, &m, MSG_DONTWAIT)) != 0) {
		if (r == -EAGAIN)
			return 0;
		if (r == -EPROTO)
			continue;
		if (r < 0)
			return r;
		take_report(&m, out);
		msg_close_fds(&m);
	}
	return 0;
}

/* The sockets the sandbox passes first when it has a network namespace
 * (MSG_NET_SOCKETS): 1 when they came, 0 when the sandbox failed or died
 * first (its record, or its silence, says why), -errno. */
static int receive_net_sockets(const struct chan_monitor *ch, int sfd,
			       struct net_sockets *s, struct sh_err *err)
{
	struct pollfd p[2] = { { ch->report, POLLIN, 0 },
			       { ch->error, POLLIN, 0 } };
	struct msg m;
	size_t next = 1;
	int r;

	if ((r = wait_setup(p, 2, sfd, err)) < 0)
		return r;
	if (p[1].revents)
		return 0;
	r = chan_expect(ch->report, MSG_NET_SOCKETS, &m);
	if (r == 0)
		return 0;
	if (r == 1 &&
	    m.n_fds >= (size_t)(1 + m.u.net.events + m.u.net.probe)) {
		s->route = take_fd(&m.fds[0]);
		s->events = m.u.net.events ? take_fd(&m.fds[next++]) : -1;
		s->probe = m.u.net.probe ? take_fd(&m.fds[next++]) : -1;
		msg_close_fds(&m); /* any more it passed */
		return 1;
	}
	if (r == 1) /* fewer sockets than it says */
		msg_close_fds(&m);
	return err_sys(err, STAGE_MONITOR, r < 0 ? -r : EPROTO,
		       "receive the network sockets");
}

/* Handshake: lo is configured through the sockets the sandbox passes,
 * into net, while it goes on with its setup; the command waits for our
 * word before its execve. A failure kills the sandbox. */
static int configure_network(const struct launch *launch,
			     const struct chan_monitor *ch, int sfd,
			     struct proc *sandbox, struct net_result *net,
			     struct sh_err *err)
{
	struct net_sockets s = { -1, -1, -1 };
	int r;

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
	r = chan_send(ch->report, MSG_NET_READY, NULL, NULL, 0, NULL);
	if (r < 0) {
		r = err_sys(err, STAGE_MONITOR, -r, "let the command go on");
		goto failed;
	}
	net_close(&s); /* the command goes on meanwhile */
	return 0;
failed:
	net_close(&s);
	reap(sandbox);
	/* not ours when the sandbox failed first (it died, and our call
	 * failed for it): its record says why */
	return sandbox_failed_first(ch->error, err) ? -err->errnum : r;
}


/* From the clone to the command's execve; a termination signal ends it
 * early (one that came while the cgroups were made: before the clone). */
static int run_setup(struct launch *launch, struct chan_monitor *ch,
		     struct outcome *out, struct sh_err *err)
{
	_cleanup_close_ int sfd = -1;
	sigset_t set;
	int r;

	monitor_termination_sigset(&set);
	if ((sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK)) < 0)
		return err_sys(err, STAGE_MONITOR, errno, "signalfd");
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
	if ((r = read_reports(ch->report, out)) < 0) {
		reap(&out->child);
		return err_sys(err, STAGE_MONITOR, -r,
			       "read the sandbox's reports");
	}
	/* the command reports just before its execve: a closed error pipe
	 * without that report is a death during setup, not an exec */
	if (!out->command_reported) {
		reap(&out->child);
		return err_set(err, STAGE_PROCESS, ECHILD,
			       "the sandbox died during setup, before the "
			       "command's execve");
	}
	return 0;
}

int monitor_run(struct launch *launch, pid_t helper_parent,
		struct outcome *out, struct sh_err *err)
{
	struct chan_monitor ch = { -1, -1, -1 };
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
	read_reports(ch.report, out); /* what came: the status is known */
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
	chan_monitor_close(&ch);
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
