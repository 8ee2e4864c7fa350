/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* spawn-helper: read and check the spec, prepare the command's process,
 * run it under the monitor and report what happened. Only this file
 * prints or exits. */
#include "config.h"

#include <seccomp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/capability.h>
#include <sys/time.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <gnu/libc-version.h>
#endif

#include "child.h"
#include "exec.h"
#include "signals.h"
#include "monitor.h"
#include "names.h"
#include "options.h"
#include "machine-probe.h"
#include "seccomp-profiles.h"
#include "status.h"

/* Setuid-free by design: a helper that was given privileges by its file
 * (setuid, setgid, file capabilities) would hand them to any caller. */
static int refuse_secure_exec(struct sh_err *err)
{
	if (getauxval(AT_SECURE))
		return err_set(err, STAGE_PRIVILEGE, EPERM,
			       "refusing to run with AT_SECURE set (installed "
			       "setuid, setgid or with file capabilities); "
			       "spawn-helper must be installed without them");
	return 0;
}

/* What a caller leaves that survives execve, reset first: an ignored
 * SIGCHLD would have the kernel reap our children (their pids free for
 * others while we still signal and wait for them), an ignored or blocked
 * signal would stay so, an interval timer's SIGALRM would end the helper
 * in the middle of a run. By system call, for the C library's own
 * signals too (see signal_default_raw). Pending signals are delivered. */
static void reset_inherited(void)
{
	const struct itimerval off = { { 0, 0 }, { 0, 0 } };

	signal_default_all();
	signal_unblock_raw(~(uint64_t)0);
	setitimer(ITIMER_REAL, &off, NULL);
	setitimer(ITIMER_VIRTUAL, &off, NULL);
	setitimer(ITIMER_PROF, &off, NULL);
}

/* A termination signal before the cgroups are made finds nothing to
 * undo (no process started, nothing made that outlives us): the handler
 * writes the record made in advance, as a handler may (write(2) only),
 * and ends the helper with 125. */
#define N_TERMINATION 4
static struct termination_notice {
	int sig;
	int fd;
	size_t len;
	char text[1024];
} notices[N_TERMINATION];

static void on_termination(int sig)
{
	for (size_t i = 0; i < N_TERMINATION; i++)
		if (notices[i].sig == sig &&
		    write(notices[i].fd, notices[i].text, notices[i].len) < 0)
			break;
	_exit(EXIT_SETUP_FAILED);
}

static int catch_termination(const struct spec *spec, struct sh_err *err)
{
	struct sigaction sa = { .sa_handler = on_termination };
	size_t n = 0;

	monitor_termination_sigset(&sa.sa_mask); /* one record at most */
	for (int sig = 1; sig < NSIG && n < N_TERMINATION; sig++) {
		struct termination_notice *t = &notices[n];
		struct sh_err why;

		if (sigismember(&sa.sa_mask, sig) != 1)
			continue;
		monitor_interrupted(sig, &why);
		t->sig = sig;
		t->fd = spec->status_fd >= 0 ? spec->status_fd : STDERR_FILENO;
		t->len = status_error_line(spec->status_fd, &why,
					   EXIT_SETUP_FAILED, t->text,
					   sizeof(t->text));
		if (sigaction(sig, &sa, NULL) < 0)
			return err_sys(err, STAGE_SIGNALS, errno, "sigaction");
		n++;
	}
	return 0;
}

/* From here the monitor takes them (blocked, then read from a
 * signalfd): the default action back, for its children to inherit. */
static int hold_termination(struct sh_err *err)
{
	sigset_t set;
	int r = monitor_block_termination(err);

	monitor_termination_sigset(&set);
	for (int sig = 1; sig < NSIG; sig++)
		if (sigismember(&set, sig) == 1)
			signal_default_raw(sig);
	return r;
}

static __attribute__((noreturn)) void fail(const struct spec *spec,
					   const struct sh_err *err)
{
	int code = exit_code_for_error(err);

	status_error(spec->status_fd, err, code);
	exit(code);
}

/* --version: the release, then the libraries in the helper and how they
 * are linked: a static library is the version built in, a shared one
 * the version loaded now (libcap has no call that says: the version of
 * its headers at build time). */
static void print_version(void)
{
#if defined(SH_STATIC_HELPER)
	const bool static_deps = true, static_libc = true;
#elif defined(SH_STATIC_DEPS)
	const bool static_deps = true, static_libc = false;
#else
	const bool static_deps = false, static_libc = false;
#endif
	const char *deps = static_deps ? "static" : "shared";
	const char *libc = static_libc ? "static" : "shared";
	const struct scmp_version *v = seccomp_version();

	printf("spawn-helper %s\n", PACKAGE_VERSION);
	printf("libseccomp %u.%u.%u (%s)\n", v->major, v->minor, v->micro,
	       deps);
#ifdef LIBCAP_MAJOR
	printf("libcap %d.%d (%s)\n", LIBCAP_MAJOR, LIBCAP_MINOR,
	       static_deps ? deps : "shared, built with its headers");
#else
	printf("libcap unknown (%s)\n", deps);
#endif
#ifdef __GLIBC__
	printf("glibc %s (%s)\n", gnu_get_libc_version(), libc);
#else
	printf("musl %s (%s)\n", SH_MUSL_VERSION, libc);
#endif
	/* what a libseccomp update reaches only with a rebuild */
	if (*precompiled_profiles_libseccomp)
		printf("built-in seccomp profiles precompiled by libseccomp %s\n",
		       precompiled_profiles_libseccomp);
	else
		printf("built-in seccomp profiles compiled at each spawn\n");
}

int main(int argc, char **argv)
{
	pid_t helper_parent = getppid();
	_cleanup_spec_ struct spec spec;
	struct launch launch = { .error_fd = -1 };
	struct sh_err err = { 0 };
	enum cli_action action;
	bool timeout_exit_124;

	reset_inherited();
	/* a status fd whose reader is gone: EPIPE and exit 125 with the
	 * message on stderr, not death by SIGPIPE without a word (the
	 * command's dispositions are reset before its execve) */
	signal(SIGPIPE, SIG_IGN);
#ifdef SH_STATIC_HELPER
	names_files_then_getent();
#endif
	struct outcome outcome;

	spec_init(&spec);
	if (refuse_secure_exec(&err) < 0)
		fail(&spec, &err);
	if (spec_parse_cli(&spec, argc, argv, &action, &err) < 0)
		fail(&spec, &err);
	if (action == CLI_HELP) {
		options_print_help(stdout, "spawn-helper");
		return 0;
	}
	if (action == CLI_PROBE || action == CLI_PROBE_JSON)
		return probe_print(stdout, action == CLI_PROBE_JSON);
	if (action == CLI_VERSION) {
		print_version();
		return 0;
	}
	if (spec.parent_pid)
		helper_parent = spec.parent_pid;
	if (monitor_block_signals(&err) < 0 ||
	    catch_termination(&spec, &err) < 0 ||
	    launch_prepare(&launch, &spec, &err) < 0 ||
	    hold_termination(&err) < 0 ||
	    launch_make_cgroups(&launch, &err) < 0 ||
	    monitor_run(&launch, helper_parent, &outcome, &err) < 0) {
		struct sh_err ignored;

		hold_termination(&ignored); /* no second record */
		launch_clear(&launch);
		fail(&spec, &err);
	}
	sandbox_summary(&launch.sandbox, &outcome.seccomp.sandbox);
	if (spec.status_fd < 0)
		status_summary(&launch, &outcome);
	launch_clear(&launch);
	if (status_outcome(spec.status_fd, &outcome, &err) < 0)
		fail(&spec, &err); /* on stderr: the status fd failed */
	timeout_exit_124 = spec.timeout_exit_124;
	spec_clear(&spec);
	/* as Gentoo's sandbox: a command that succeeded fails when writes
	 * were refused */
	if (outcome.seccomp.sandbox.violation_count &&
	    WIFEXITED(outcome.wait_status) &&
	    WEXITSTATUS(outcome.wait_status) == 0)
		outcome.wait_status = 1 << 8;
	sandbox_report_clear(&outcome.seccomp.sandbox);
	if (outcome.timed_out && timeout_exit_124)
		exit(EXIT_TIMED_OUT);
	monitor_exit_like(outcome.wait_status);
}
