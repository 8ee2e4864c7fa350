#include "config.h"

#include "child.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exec.h"

extern char **environ;

int launch_prepare(struct launch *launch, const struct spec *spec,
		   struct sh_err *err)
{
	_cleanup_free_ struct fd_mapping *map = NULL;
	size_t n_map = 0;
	int r;

	memset(launch, 0, sizeof(*launch));
	launch->spec = spec;
	launch->error_fd = -1;
	r = spec_check_fds(spec, err);
	if (r < 0)
		return r;
	r = creds_resolve(spec, &launch->creds, err);
	if (r < 0)
		return r;
	r = env_build(spec, environ, &launch->env, err);
	if (r < 0)
		return r;
	if (spec_effective_fds(spec, &map, &n_map) < 0 ||
	    fdmap_plan(map, n_map, &launch->fd_plan) < 0)
		return err_set(err, "fds", ENOMEM, "out of memory");
	launch->temp_base = fdmap_temp_base(map, n_map);
	return 0;
}

void launch_clear(struct launch *launch)
{
	creds_clear(&launch->creds);
	fdmap_plan_clear(&launch->fd_plan);
	strv_clear(&launch->env);
	if (launch->error_fd >= 0)
		close(launch->error_fd);
	launch->error_fd = -1;
}

/* The command starts with default signal dispositions and an empty mask,
 * whatever the caller had (Python callers ignore SIGPIPE, for one). */
static int reset_signals(struct sh_err *err)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigset_t none;

	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			sigaction(sig, &dfl, NULL); /* EINVAL for glibc's own */
	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, NULL) < 0)
		return err_sys(err, "signals", errno, "sigprocmask");
	return 0;
}

/* The command dies with the monitor; the setting is lost on every
 * credential change, so this runs again after the credentials. */
static int die_with_monitor(const struct launch *launch, struct sh_err *err)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		return err_sys(err, "process", errno, "prctl PDEATHSIG");
	if (getppid() != launch->monitor_pid)
		return err_set(err, "process", ESRCH,
			       "the helper exited during setup");
	return 0;
}

static int enter_session(const struct launch *launch, struct sh_err *err)
{
	if (launch->spec->new_session && setsid() < 0)
		return err_sys(err, "process", errno, "setsid");
	return 0;
}

static int enter_directory(const struct launch *launch, struct sh_err *err)
{
	if (launch->spec->has_umask)
		umask(launch->spec->umask);
	if (launch->spec->chdir && chdir(launch->spec->chdir) < 0)
		return err_sys(err, "chdir", errno, "chdir `%s`",
			       launch->spec->chdir);
	return 0;
}

static int setup(const struct launch *launch, struct sh_err *err)
{
	int r;

	if ((r = reset_signals(err)) < 0 ||
	    (r = die_with_monitor(launch, err)) < 0 ||
	    (r = enter_session(launch, err)) < 0 ||
	    (r = fdmap_apply(&launch->fd_plan, launch->temp_base, err)) < 0 ||
	    (r = creds_apply(&launch->creds, err)) < 0 ||
	    (r = die_with_monitor(launch, err)) < 0 ||
	    (r = enter_directory(launch, err)) < 0)
		return r;
	return exec_command(launch->spec, launch->env.v, err);
}

void child_run(const struct launch *launch)
{
	struct sh_err err = { 0 };
	ssize_t n;

	setup(launch, &err); /* returns only on failure */
	do
		n = write(launch->error_fd, &err, sizeof(err));
	while (n < 0 && errno == EINTR);
	_exit(exit_code_for_error(&err));
}
