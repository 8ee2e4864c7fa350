/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "child.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "exec.h"
#include "init.h"

/* The command starts with default signal dispositions and an empty mask,
 * whatever the caller had (Python callers ignore SIGPIPE, for one); by
 * system call (signal_default_raw), or signals of the C library's own
 * would stay ignored or blocked across execve. */
static int reset_signals(struct sh_err *err)
{
	int r;

	signal_default_all();
	/* SIG_UNBLOCK, not SIG_SETMASK: what musl does around set*id
	 * (blocking all, then setting the old mask back) is told apart in
	 * tests/faults.sh */
	if ((r = signal_unblock_raw(~(uint64_t)0)) < 0)
		return err_sys(err, "signals", -r, "sigprocmask");
	return 0;
}

/* Each process of the sandbox dies with its parent (the monitor, or the
 * init). The setting is lost on every credential change, so the command
 * sets it again after its credentials. expected is the parent's pid as
 * this process sees it: 0 for a parent outside our pid namespace. */
static int die_with_parent(pid_t expected, struct sh_err *err)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		return err_sys(err, "process", errno, "prctl PDEATHSIG");
	if (getppid() != expected)
		return err_set(err, "process", ESRCH,
			       "the helper exited during setup");
	return 0;
}

/* The whole sandbox, its init included, in a session and process group
 * of its own: kill(0, ...) reaches no further, and the caller's terminal
 * is nobody's controlling terminal in here (/dev/tty does not open). The
 * terminal's signals reach the helper, which passes them on. */
static int enter_session(const struct launch *launch, struct sh_err *err)
{
	if (launch->own_session && setsid() < 0)
		return err_sys(err, "process", errno, "setsid");
	return 0;
}

/* --chdir, or back into the helper's directory by its path (see
 * prepare_cwd); where the command may not enter that one, it starts in
 * / and the started record says why. */
static int enter_directory(const struct launch *launch,
			   struct command_info *info, struct sh_err *err)
{
	if (launch->spec->has_umask)
		umask(launch->spec->umask);
	if (launch->spec->chdir && chdir(launch->spec->chdir) < 0)
		return err_sys(err, "chdir", errno, "--chdir `%s`",
			       launch->spec->chdir);
	if (!launch->cwd_errno && !launch->cwd)
		return 0;
	info->cwd_errno = launch->cwd_errno;
	if (launch->cwd && chdir(launch->cwd) < 0)
		info->cwd_errno = errno;
	if (info->cwd_errno && chdir("/") < 0)
		return err_sys(err, "chdir", errno, "chdir `/`");
	return 0;
}

/* The command's own process: from the fd map to execve. */
/* Clearing the bounding set and locking the securebits need
 * CAP_SETPCAP: root's, or ours in a user namespace. */
static bool can_setpcap(const struct launch *launch)
{
	return launch->privileged || (launch->namespaces & NS_BIT(NS_USER)) ||
	       launch->join_fds[NS_USER] >= 0;
}

static int drop_caps_before_creds(const struct launch *launch,
				  struct command_info *info,
				  struct sh_err *err)
{
	info->bounding_cleared = can_setpcap(launch);
	return info->bounding_cleared ? caps_before_creds(launch->cap_keep, err)
				      : 0;
}

static int set_no_new_privs(const struct launch *launch, struct sh_err *err)
{
	if (!launch->spec->allow_new_privs &&
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return err_sys(err, "nnp", errno, "prctl NO_NEW_PRIVS");
	return 0;
}

static int restrict_files(const struct launch *launch,
			  struct command_info *info, struct sh_err *err)
{
	const struct spec *spec = launch->spec;
	bool strict = spec->landlock_mode != LANDLOCK_MODE_BEST_EFFORT;
	int r = landlock_apply(&spec->landlock_read, &spec->landlock_write,
			       strict, &info->landlock, err);

	if (r < 0 || !spec_sandbox_reads_restricted(spec))
		return r;
	return landlock_restrict_reads(&spec->sandbox_read,
				       &spec->sandbox_write, strict,
				       &info->sandbox_read, err);
}

/* One message to the monitor with n fds (n <= REPORT_MAX_FDS) passed
 * along with SCM_RIGHTS. 0 or -errno. */
static int send_with_fds(int sock, const void *msg, size_t size,
			 const int *fds, size_t n)
{
	union {
		char buf[CMSG_SPACE(REPORT_MAX_FDS * sizeof(int))];
		struct cmsghdr align;
	} control;
	struct iovec iov = { (void *)msg, size };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (n) {
		struct cmsghdr *cm;

		memset(&control, 0, sizeof(control));
		mh.msg_control = control.buf;
		mh.msg_controllen = CMSG_SPACE(n * sizeof(int));
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(n * sizeof(int));
		memcpy(CMSG_DATA(cm), fds, n * sizeof(int));
	}
	return sendmsg(sock, &mh, MSG_NOSIGNAL) < 0 ? -errno : 0;
}

/* The last word before execve, with the seccomp listener (if any) for
 * the monitor to answer blocked calls on. */
static int report_command(const struct launch *launch,
			  const struct command_info *info, int listener,
			  struct sh_err *err)
{
	int r = send_with_fds(launch->report_fd, info, sizeof(*info),
			      &listener, listener >= 0);

	if (r < 0)
		return err_sys(err, "monitor", -r, "report the command");
	return 0;
}

/* Handshake: the monitor configures the loopback while the sandbox sets
 * up; the command goes on to execve only on its word. */
static int wait_for_network(const struct launch *launch, struct sh_err *err)
{
	int kind = 0;
	ssize_t n;

	if (!(launch->namespaces & NS_BIT(NS_NET)))
		return 0;
	do
		n = recv(launch->report_fd, &kind, sizeof(kind), 0);
	while (n < 0 && errno == EINTR);
	if (n != sizeof(kind) || kind != NET_CONFIGURED)
		return err_set(err, "monitor", n < 0 ? errno : EPROTO,
			       "the helper did not configure the network");
	return 0;
}

/* The filter and the wait for the monitor's word. A built-in profile
 * leaves the recv alone, so its filter goes in first: the kernel
 * prepares it (about 0.2 ms) while the monitor configures the loopback.
 * A caller's policy or BPF could refuse the recv, or send it to a
 * listener the monitor does not answer yet: then the wait comes first. */
static int filter_and_wait(const struct launch *launch, int *listener,
			   struct sh_err *err)
{
	int r;

	if (launch->seccomp.builtin_only) {
		if ((r = seccomp_install(&launch->seccomp, listener, err)) < 0)
			return r;
		return wait_for_network(launch, err);
	}
	if ((r = wait_for_network(launch, err)) < 0)
		return r;
	return seccomp_install(&launch->seccomp, listener, err);
}

/* What the setup opens at most at once after the limits: a Landlock
 * ruleset and one rule's path (both closed before the filter), or the
 * seccomp listener. */
static unsigned fds_after_limits(const struct launch *launch)
{
	if (launch->spec->landlock_read.n || launch->spec->landlock_write.n ||
	    spec_sandbox_reads_restricted(launch->spec))
		return 2;
	return launch->seccomp.notify ? 1 : 0;
}

/* Whether SELinux is the security module of this kernel: it registers
 * selinuxfs only when it is enabled, and no other module then owns
 * /proc/PID/attr/exec (AppArmor reads its own requests there). */
static bool selinux_enabled(void)
{
	_cleanup_close_ int fd = open("/proc/filesystems", O_RDONLY | O_CLOEXEC);
	char buf[4096];
	ssize_t n;

	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return strstr(buf, "\tselinuxfs\n") != NULL;
}

/* portage's setexeccon pre_exec: the context the kernel gives the
 * command at its execve. Before no_new_privs and Landlock, which could
 * refuse the write. */
static int set_exec_context(const char *context, struct sh_err *err)
{
	_cleanup_close_ int fd = -1;
	size_t len;

	if (!context)
		return 0;
	if (!selinux_enabled())
		return err_set(err, "creds", ENOTSUP,
			       "--selinux-exec-context `%s`: SELinux is not "
			       "enabled here (no selinuxfs in /proc/filesystems)",
			       context);
	fd = open("/proc/thread-self/attr/exec", O_WRONLY | O_CLOEXEC);
	len = strlen(context);
	if (fd < 0 || write(fd, context, len) != (ssize_t)len)
		return err_sys(err, "creds", errno,
			       "--selinux-exec-context `%s`: write "
			       "/proc/thread-self/attr/exec",
			       context);
	return 0;
}

/* The command's own process: from the fd map to execve. The order is
 * the man page's: limits while they may still be raised, capabilities
 * around the credential change, no_new_privs before Landlock, seccomp
 * last, after every call the setup needs. */
static int setup_command(const struct launch *launch, pid_t parent,
			 struct sh_err *err)
{
	struct command_info info = { .kind = REPORT_COMMAND };
	int listener = -1, r;

	if ((r = reset_signals(err)) < 0 ||
	    (r = die_with_parent(parent, err)) < 0 ||
	    (r = fdmap_apply(&launch->fd_plan, launch->temp_base, err)) < 0 ||
	    (r = rlimits_apply(launch->rlimits, launch->n_rlimits,
			       fds_after_limits(launch), err)) < 0 ||
	    (r = drop_caps_before_creds(launch, &info, err)) < 0 ||
	    (r = creds_apply(&launch->creds, err)) < 0 ||
	    (r = caps_after_creds(launch->cap_keep, err)) < 0 ||
	    (r = die_with_parent(parent, err)) < 0 ||
	    (r = enter_directory(launch, &info, err)) < 0 ||
	    (r = set_exec_context(launch->spec->selinux_exec_context, err)) <
		    0 ||
	    (r = set_no_new_privs(launch, err)) < 0 ||
	    (r = restrict_files(launch, &info, err)) < 0 ||
	    (r = filter_and_wait(launch, &listener, err)) < 0 ||
	    (r = report_command(launch, &info, listener, err)) < 0)
		return r;
	return exec_command(launch->spec, launch->env.v, err);
}

static __attribute__((noreturn)) void fail(const struct launch *launch,
					   const struct sh_err *err)
{
	ssize_t n;

	do
		n = write(launch->error_fd, err, sizeof(*err));
	while (n < 0 && errno == EINTR);
	_exit(exit_code_for_error(err));
}

/* The monitor writes the user namespace's maps, then closes its end. */
static int wait_for_monitor(const struct launch *launch, struct sh_err *err)
{
	char byte;
	ssize_t n;

	if (launch->sync_fd < 0)
		return 0;
	do
		n = read(launch->sync_fd, &byte, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		return err_set(err, "userns", n < 0 ? errno : EPROTO,
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
	return err_sys(err, "ns", errno, "namespace `cgroup` refused");
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
	struct net_passed msg = { .kind = REPORT_NET };
	struct net_sockets s;
	int fds[REPORT_MAX_FDS], r;
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
	r = send_with_fds(launch->report_fd, &msg, sizeof(msg), fds, n);
	net_close(&s);
	if (r < 0)
		return err_sys(err, "monitor", -r, "pass the network sockets");
	return 0;
}

static int set_hostname(const struct launch *launch, struct sh_err *err)
{
	if (launch->hostname &&
	    sethostname(launch->hostname, strlen(launch->hostname)) < 0)
		return err_sys(err, "uts", errno, "sethostname `%s`",
			       launch->hostname);
	return 0;
}

static int report_to_monitor(const struct launch *launch,
			     const struct sandbox_info *info,
			     struct sh_err *err)
{
	if (send(launch->report_fd, info, sizeof(*info), MSG_NOSIGNAL) < 0)
		return err_sys(err, "monitor", errno, "report the setup");
	return 0;
}

/* The sandbox's first process: pid 1 of a new pid namespace. */
static int setup_sandbox(const struct launch *launch, struct sh_err *err)
{
	pid_t parent = (launch->namespaces & NS_BIT(NS_PID))
			       ? 0
			       : launch->monitor_pid;
	struct sandbox_info info = { .kind = REPORT_SANDBOX };
	int r;

	if ((r = die_with_parent(parent, err)) < 0 ||
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

struct command_start {
	const struct launch *launch;
	pid_t parent; /* the init, as the command sees it */
	pid_t ns_pid; /* the command's pid in its own pid namespace */
};

static int command_main(void *arg)
{
	struct command_start *start = arg;
	struct sh_err err = { 0 };

	/* the init reads it once we exec or die (CLONE_VFORK, shared
	 * memory): in a joined pid namespace it cannot tell by itself */
	start->ns_pid = getpid();

	setup_command(start->launch, start->parent, &err); /* fails only */
	fail(start->launch, &err);
}

/* The command's process shares the init's memory and runs on its own
 * stack until its execve, while the init waits (CLONE_VM|CLONE_VFORK, as
 * posix_spawn does): no page tables copied for a process that is about
 * to replace them, which fork pays for on every spawn. The command has
 * its own fd table, signal handlers, root and cwd; of what it writes to
 * memory before execve (errno, libcap's allocations) the init reads only
 * start->ns_pid. */
#define COMMAND_STACK_SIZE (1024 * 1024)

static pid_t start_command(struct command_start *start, struct proc *proc,
			   struct sh_err *err)
{
	char *stack = mmap(NULL, COMMAND_STACK_SIZE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE |
				   MAP_STACK,
			   -1, 0);
	pid_t command;

	if (stack == MAP_FAILED)
		return err_sys(err, "init", errno,
			       "map a stack for the command");
	/* a guard page: an overflow faults instead of writing the init's
	 * memory */
	if (mprotect(stack, (size_t)sysconf(_SC_PAGESIZE), PROT_NONE) < 0) {
		err_sys(err, "init", errno, "guard the command's stack");
		munmap(stack, COMMAND_STACK_SIZE);
		return -1;
	}
	/* the pidfd the init passes signals on through (a kernel before
	 * 5.2 leaves it -1: signalled by pid, see proc_signal) */
	proc->pidfd = -1;
	command = clone(command_main, stack + COMMAND_STACK_SIZE,
			CLONE_VM | CLONE_VFORK | CLONE_PIDFD | SIGCHLD, start,
			&proc->pidfd);
	if (command < 0)
		err_sys(err, "init", errno, "start the command");
	munmap(stack, COMMAND_STACK_SIZE);
	proc->pid = command;
	return command;
}

/* Start the command and stay as its init; returns only on failure. */
static int become_init(const struct launch *launch, struct sh_err *err)
{
	/* as the command will see its parent: outside a joined pid
	 * namespace it sees none */
	struct command_start start = {
		.launch = launch,
		.parent = launch->join_fds[NS_PID] >= 0 ? 0 : getpid(),
	};
	struct proc command;

	if (start_command(&start, &command, err) < 0)
		return -1;
	init_report_started(launch->report_fd, command.pid, start.ns_pid,
			    !(launch->namespaces & NS_BIT(NS_PID)));
	/* the command's exec alone must close the monitor's error pipe */
	close(launch->error_fd);
	init_supervise(&command, launch->report_fd, launch->own_session);
}

void child_run(const struct launch *launch)
{
	struct sh_err err = { 0 };

	/* the guard of the cgroup leaves must see EOF when the monitor dies,
	 * whatever becomes of us */
	cgroup_forget_guard(&launch->cgroups);
	if (setup_sandbox(launch, &err) < 0)
		fail(launch, &err);
	if (launch_needs_init(launch))
		become_init(launch, &err); /* returns only on failure */
	else
		setup_command(launch, launch->monitor_pid, &err);
	fail(launch, &err);
}
