/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The monitor's wait for the command: signals (passed on, the library's
 * kill, the parent's death), the timeout and its kills, the seccomp
 * listener (monitor-notify.c), until the helper's child is reaped. */
#include "config.h"

#include "monitor-wait.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "clock.h"
#include "monitor.h"
#include "monitor-notify.h"
#include "proc.h"
#include "signals.h"

static bool parent_died(pid_t helper_parent)
{
	return getppid() != helper_parent;
}


/* What a timeout's SIGKILL reaches besides the helper's child: an init's
 * death takes its whole pid namespace, a transient cgroup is emptied when
 * the command ends; the command's process group is ours to kill only
 * when the command leads it (--new-session) and is our child (no init
 * between us). Otherwise it shares our group or the caller's. */
bool timeout_kills_group(const struct launch *launch)
{
	return launch->own_session && !launch_needs_init(launch);
}

void kill_sandbox(const struct waiter *w, const struct outcome *out)
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
		err_sys(err, STAGE_MONITOR, errno, "wait4");
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

/* Signals (through a signalfd), the timeout, and the calls the seccomp
 * filter sends us to answer, until the helper's child is reaped. With
 * the sandbox's reports, the memory reader receives the calls (and
 * answers the allowed ones) while it can, and we take what it hands
 * over; while none serves, we receive from the listener ourselves. */
int wait_for_command(struct waiter *w, struct outcome *out,
			    struct sh_err *err)
{
	_cleanup_close_ int sfd = signalfd(-1, &w->set, SFD_CLOEXEC);
	int listener = out->seccomp_listener;
	struct sh_err serve_err = { 0 };
	bool exited = false;

	if (sfd < 0)
		return err_sys(err, STAGE_MONITOR, errno, "signalfd");
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
			return err_sys(err, STAGE_MONITOR, errno, "poll");
		if (n > 0 && (fds[0].revents & POLLIN) &&
		    read(sfd, &si, sizeof(si)) == sizeof(si))
			on_signal(w, &si, out, &exited, err);
		if (n > 0 && handoff >= 0 && fds[1].revents &&
		    !notify_answer_left(w, listener, true, out, err))
			listener = -1;
		else if (n > 0 && handoff < 0 && (fds[1].revents & POLLIN) &&
			 !notify_answer_call(w, fds[1].fd, out, err))
			listener = -1;
		else if (n > 0 && handoff < 0 &&
			 (fds[1].revents & (POLLHUP | POLLERR)))
			listener = -1; /* every filtered process is gone */
		memread_watch(&w->reader);
		if (listener >= 0 && !notify_answer_left(w, listener, false, out, err))
			listener = -1;
	}
	return err->errnum && strcmp(err->stage, stage_name(STAGE_MONITOR)) == 0
		       ? -err->errnum
		       : 0;
}

/* The forwarded signals, SIGCHLD, the parent's death signal and the
 * library's kill. */
void monitor_sigset(sigset_t *set)
{
	forwarded_sigset(set);
	sigaddset(set, SIGNAL_PARENT_DIED);
	sigaddset(set, SIGNAL_KILL_SANDBOX);
}

static int block(const sigset_t *set, struct sh_err *err)
{
	if (sigprocmask(SIG_BLOCK, set, NULL) < 0)
		return err_sys(err, STAGE_MONITOR, errno, "sigprocmask");
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
