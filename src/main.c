/* spawn-helper: read and check the spec, prepare the command's process,
 * run it under the monitor and report what happened. Only this file
 * prints or exits. */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <unistd.h>

#include "child.h"
#include "exec.h"
#include "monitor.h"
#include "names.h"
#include "options.h"
#include "probe.h"
#include "status.h"

/* Setuid-free by design: a helper that was given privileges by its file
 * (setuid, setgid, file capabilities) would hand them to any caller. */
static int refuse_secure_exec(struct sh_err *err)
{
	if (getauxval(AT_SECURE))
		return err_set(err, "privilege", EPERM,
			       "refusing to run with AT_SECURE set (installed "
			       "setuid, setgid or with file capabilities); "
			       "spawn-helper must be installed without them");
	return 0;
}

static __attribute__((noreturn)) void fail(const struct spec *spec,
					   const struct sh_err *err)
{
	int code = exit_code_for_error(err);

	status_error(spec->status_fd, err, code);
	exit(code);
}

int main(int argc, char **argv)
{
	pid_t helper_parent = getppid();
	_cleanup_spec_ struct spec spec;
	struct launch launch = { .error_fd = -1 };
	struct sh_err err = { 0 };
	enum cli_action action;

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
		printf("spawn-helper %s\n", PACKAGE_VERSION);
		return 0;
	}
	if (spec.parent_pid)
		helper_parent = spec.parent_pid;
	if (monitor_block_signals(&err) < 0 ||
	    launch_prepare(&launch, &spec, &err) < 0 ||
	    monitor_run(&launch, helper_parent, &outcome, &err) < 0) {
		launch_clear(&launch);
		fail(&spec, &err);
	}
	launch_clear(&launch);
	if (status_outcome(spec.status_fd, &outcome, &err) < 0)
		fail(&spec, &err); /* on stderr: the status fd failed */
	spec_clear(&spec);
	monitor_exit_like(outcome.wait_status);
}
