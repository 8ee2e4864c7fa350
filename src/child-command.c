/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The command's process, from the fd map to execve (a child of the
 * sandbox's first process, or that process itself without an init). */
#include "config.h"

#include "child.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "exec.h"
#include "signals.h"

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
		return err_sys(err, STAGE_SIGNALS, -r, "sigprocmask");
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
		return err_sys(err, STAGE_CHDIR, errno, "--chdir `%s`",
			       launch->spec->chdir);
	if (!launch->cwd_errno && !launch->cwd)
		return 0;
	info->cwd_errno = launch->cwd_errno;
	if (launch->cwd && chdir(launch->cwd) < 0)
		info->cwd_errno = errno;
	if (info->cwd_errno && chdir("/") < 0)
		return err_sys(err, STAGE_CHDIR, errno, "chdir `/`");
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
		return err_sys(err, STAGE_NNP, errno, "prctl NO_NEW_PRIVS");
	return 0;
}

static int restrict_files(const struct launch *launch,
			  struct command_info *info, struct sh_err *err)
{
	const struct spec *spec = launch->spec;
	bool strict = spec->landlock_mode != LANDLOCK_MODE_BEST_EFFORT;
	int r = landlock_apply(&spec->landlock_read, &spec->landlock_write,
			       strict, &info->landlock, err);

	/* (after the --landlock-* layer, whose ABI query comes first) */
	if (r == 0 && launch_scopes_abstract_unix(launch))
		r = landlock_scope_abstract_unix(&info->abstract_unix, err);
	if (r < 0 || !spec_sandbox_reads_restricted(spec))
		return r;
	return landlock_restrict_reads(&spec->sandbox_read,
				       &spec->sandbox_write, strict,
				       &info->sandbox_read, err);
}

/* The last word before execve, with the seccomp listener (if any) for
 * the monitor to answer blocked calls on. */
static int report_command(const struct launch *launch,
			  const struct command_info *info, int listener,
			  struct sh_err *err)
{
	int r = chan_send(launch->report_fd, MSG_COMMAND, info, &listener,
			  listener >= 0, NULL);

	if (r < 0)
		return err_sys(err, STAGE_MONITOR, -r, "report the command");
	return 0;
}

/* Handshake: the monitor configures the loopback while the sandbox sets
 * up; the command goes on to execve only on its word. */
static int wait_for_network(const struct launch *launch, struct sh_err *err)
{
	struct msg m;
	int r;

	if (!(launch->namespaces & NS_BIT(NS_NET)))
		return 0;
	r = chan_expect(launch->report_fd, MSG_NET_READY, &m);
	if (r != 1)
		return err_set(err, STAGE_MONITOR, r < 0 ? -r : EPROTO,
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
	return launch->seccomp.notify || launch_scopes_abstract_unix(launch)
		       ? 1
		       : 0;
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
		return err_set(err, STAGE_CREDS, ENOTSUP,
			       "--selinux-exec-context `%s`: SELinux is not "
			       "enabled here (no selinuxfs in /proc/filesystems)",
			       context);
	fd = open("/proc/thread-self/attr/exec", O_WRONLY | O_CLOEXEC);
	len = strlen(context);
	if (fd < 0 || write(fd, context, len) != (ssize_t)len)
		return err_sys(err, STAGE_CREDS, errno,
			       "--selinux-exec-context `%s`: write "
			       "/proc/thread-self/attr/exec",
			       context);
	return 0;
}

/* The command's own process: from the fd map to execve. The order is
 * the man page's: limits while they may still be raised, capabilities
 * around the credential change, no_new_privs before Landlock, seccomp
 * last, after every call the setup needs. */
int child_setup_command(const struct launch *launch, pid_t parent,
			struct sh_err *err)
{
	struct command_info info = { .cwd_errno = 0 };
	int listener = -1, r;

	if ((r = reset_signals(err)) < 0 ||
	    (r = child_die_with_parent(parent, err)) < 0 ||
	    (r = fdmap_apply(&launch->fd_plan, launch->temp_base, err)) < 0 ||
	    (r = rlimits_apply(launch->rlimits, launch->n_rlimits,
			       fds_after_limits(launch), err)) < 0 ||
	    (r = drop_caps_before_creds(launch, &info, err)) < 0 ||
	    (r = creds_apply(&launch->creds, err)) < 0 ||
	    (r = caps_after_creds(launch->cap_keep, err)) < 0 ||
	    (r = child_die_with_parent(parent, err)) < 0 ||
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
