/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The sandbox's first process, from the clone to the command (or to the
 * init that starts it): the pipeline of setup_sandbox, then child_run. */
#include "config.h"

#include "child.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exec.h"
#include "proc.h"

/* Each process of the sandbox dies with its parent (the monitor, or the
 * init). The setting is lost on every credential change, so the command
 * sets it again after its credentials. expected is the parent's pid as
 * this process sees it: 0 for a parent outside our pid namespace. */
int child_die_with_parent(pid_t expected, struct sh_err *err)
{
	return proc_die_with_parent(SIGKILL, expected,
				    "the helper exited during setup", err);
}

/* The whole sandbox, its init included, in a session and process group
 * of its own: kill(0, ...) reaches no further, and the caller's terminal
 * is nobody's controlling terminal in here (/dev/tty does not open). The
 * terminal's signals reach the helper, which passes them on. */
static int enter_session(const struct launch *launch, struct sh_err *err)
{
	if (launch->own_session && setsid() < 0)
		return err_sys(err, STAGE_PROCESS, errno, "setsid");
	return 0;
}

/* A failed stage's last word, in any process of the sandbox: its error
 * to the monitor (MSG_ERROR), then the exit. Should the write fail, the
 * monitor sees the error pipe close without the command's report: a
 * death during setup. */
__attribute__((noreturn)) void child_fail(const struct launch *launch,
					  const struct sh_err *err)
{
	chan_send(launch->error_fd, MSG_ERROR, err, NULL, 0, NULL);
	_exit(exit_code_for_error(err));
}

/* The monitor moves us into the cgroups and writes the user namespace's
 * maps, then sends its word (MSG_GO). */
static int wait_for_monitor(const struct launch *launch, struct sh_err *err)
{
	struct msg m;
	int r;

	if (launch->sync_fd < 0)
		return 0;
	r = chan_expect(launch->sync_fd, MSG_GO, &m);
	if (r != 1)
		return err_set(err, STAGE_USERNS, r < 0 ? -r : EPROTO,
			       "the helper did not set up the user namespace");
	close(launch->sync_fd);
	return 0;
}

/* Made here, not by the clone, so that its root is the cgroup the
 * monitor just moved us into. A refusal the plan does not fail on
 * (drop mode) is reported. */
static int enter_cgroup_namespace(const struct launch *launch,
				  struct sandbox_info *info,
				  struct sh_err *err)
{
	if (!(launch->namespaces & NS_BIT(NS_CGROUP)) ||
	    unshare(CLONE_NEWCGROUP) == 0)
		return 0;
	if (!launch->cgroup_ns_fatal) {
		info->cgroup_ns_errno = errno;
		return 0;
	}
	return err_sys(err, STAGE_NS, errno, "namespace `cgroup` refused");
}

/* bubblewrap's *-namespace keys, taken here for the monitor: it cannot
 * stat /proc/PID/ns itself once the command runs, since a command that
 * exits at once leaves a zombie whose links are gone. This process is
 * in every namespace made for the sandbox by now (the cgroup namespace
 * just made, the others by the clone; the command, itself or its child,
 * is in the same ones), and /proc is still the helper's: the mounts
 * come after, the joins too (a joined mount namespace may have no
 * /proc; a kind is made or joined, never both). A namespace that was
 * not made (dropped) has no key; a stat that fails leaves its key out. */
static void take_ns_inodes(const struct launch *launch,
			   struct sandbox_info *info)
{
	for (int k = 0; k < NS_COUNT; k++) {
		char path[32];
		struct stat st;

		if (!(launch->namespaces & NS_BIT(k)) ||
		    (k == NS_CGROUP && info->cgroup_ns_errno))
			continue;
		snprintf(path, sizeof(path), "/proc/self/ns/%s",
			 ns_table[k].proc_name);
		if (stat(path, &st) == 0)
			info->ns_inodes[k] = st.st_ino;
	}
}

/* Handshake: the sockets of the new network namespace go to the monitor,
 * which configures lo through them while we go on. */
static int pass_network(const struct launch *launch, struct sh_err *err)
{
	struct msg_net msg = { false, false };
	struct net_sockets s;
	int fds[CHAN_MAX_FDS], r;
	size_t n = 0;

	if (!(launch->namespaces & NS_BIT(NS_NET)))
		return 0;
	if ((r = net_open(&s, err)) < 0)
		return r;
	fds[n++] = s.route;
	if ((msg.events = s.events >= 0))
		fds[n++] = s.events;
	if ((msg.probe = s.probe >= 0))
		fds[n++] = s.probe;
	r = chan_send(launch->report_fd, MSG_NET_SOCKETS, &msg, fds, n, NULL);
	net_close(&s);
	if (r < 0)
		return err_sys(err, STAGE_MONITOR, -r,
			       "pass the network sockets");
	return 0;
}

static int set_hostname(const struct launch *launch, struct sh_err *err)
{
	if (launch->hostname &&
	    sethostname(launch->hostname, strlen(launch->hostname)) < 0)
		return err_sys(err, STAGE_UTS, errno, "sethostname `%s`",
			       launch->hostname);
	return 0;
}

static int report_to_monitor(const struct launch *launch,
			     const struct sandbox_info *info,
			     struct sh_err *err)
{
	int r = chan_send(launch->report_fd, MSG_SANDBOX, info, NULL, 0, NULL);

	if (r < 0)
		return err_sys(err, STAGE_MONITOR, -r, "report the setup");
	return 0;
}

/* The sandbox's first process: pid 1 of a new pid namespace. */
static int setup_sandbox(const struct launch *launch, struct sh_err *err)
{
	pid_t parent = (launch->namespaces & NS_BIT(NS_PID))
			       ? 0
			       : launch->monitor_pid;
	struct sandbox_info info = { .cgroup_ns_errno = 0 };
	int r;

	if ((r = child_die_with_parent(parent, err)) < 0 ||
	    (r = enter_session(launch, err)) < 0 ||
	    (r = wait_for_monitor(launch, err)) < 0 ||
	    (r = enter_cgroup_namespace(launch, &info, err)) < 0)
		return r;
	take_ns_inodes(launch, &info);
	if ((r = ns_join(launch->join_fds, launch->join_values, err)) < 0 ||
	    (r = pass_network(launch, err)) < 0 ||
	    (r = set_hostname(launch, err)) < 0 ||
	    (r = report_to_monitor(launch, &info, err)) < 0)
		return r;
	if ((launch->namespaces & NS_BIT(NS_MOUNT)) &&
	    (r = mounts_apply(&launch->mount_plan, err)) < 0)
		return r;
	return 0;
}

void child_run(const struct launch *launch)
{
	struct sh_err err = { 0 };

	/* the guard of the cgroup leaves must see EOF when the monitor dies,
	 * whatever becomes of us */
	cgroup_forget_guard(&launch->cgroups);
	if (setup_sandbox(launch, &err) < 0)
		child_fail(launch, &err);
	if (launch_needs_init(launch))
		child_become_init(launch, &err); /* returns only on failure */
	else
		child_setup_command(launch, launch->monitor_pid, &err);
	child_fail(launch, &err);
}
