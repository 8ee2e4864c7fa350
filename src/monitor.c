#include "config.h"

#include "monitor.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"

/* Signals the monitor passes on to the command. */
static const int forwarded_signals[] = { SIGTERM, SIGINT,  SIGHUP,
					 SIGQUIT, SIGUSR1, SIGUSR2 };

static void monitor_sigset(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGCHLD);
	sigaddset(set, SIGNAL_PARENT_DIED);
	for (size_t i = 0;
	     i < sizeof(forwarded_signals) / sizeof(forwarded_signals[0]); i++)
		sigaddset(set, forwarded_signals[i]);
}

static long long now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
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

/* The error pipe's write end sits above every fd of the map, so the fd
 * map cannot overwrite it before the child reports. */
static int open_error_pipe(struct launch *launch, int *read_end,
			   struct sh_err *err)
{
	int fds[2];

	if (pipe2(fds, O_CLOEXEC) < 0)
		return err_sys(err, "monitor", errno, "pipe2");
	*read_end = fds[0];
	launch->error_fd = fcntl(fds[1], F_DUPFD_CLOEXEC, launch->temp_base);
	close(fds[1]);
	if (launch->error_fd < 0)
		return err_sys(err, "monitor", errno, "move the error pipe");
	return 0;
}

static pid_t spawn_child(const struct launch *launch)
{
	/* clone without a new stack is fork; later stages add CLONE_NEW* */
	pid_t pid = (pid_t)syscall(SYS_clone, SIGCHLD, NULL, NULL, NULL, 0);

	if (pid == 0)
		child_run(launch);
	return pid;
}

/* Setup succeeded when the error pipe closes without a record. */
static int read_setup_result(int fd, pid_t pid, struct sh_err *err)
{
	struct sh_err child_err;
	ssize_t n;

	do
		n = read(fd, &child_err, sizeof(child_err));
	while (n < 0 && errno == EINTR);
	if (n == 0)
		return 0;
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	if (n != sizeof(child_err))
		return err_sys(err, "monitor", n < 0 ? errno : EPROTO,
			       "read the setup result");
	*err = child_err;
	err->stage[sizeof(err->stage) - 1] = '\0';
	err->message[sizeof(err->message) - 1] = '\0';
	return -err->errnum;
}

static bool parent_died(pid_t helper_parent)
{
	return getppid() != helper_parent;
}

static int wait_for_command(const struct launch *launch, pid_t helper_parent,
			    const sigset_t *set, struct outcome *out,
			    struct sh_err *err)
{
	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(set, &si);
		pid_t r;

		if (sig < 0 && errno == EINTR)
			continue;
		if (sig < 0)
			return err_sys(err, "monitor", errno, "sigwaitinfo");
		if (sig == SIGCHLD) {
			r = wait4(out->pid, &out->wait_status, WNOHANG,
				  &out->usage);
			if (r == out->pid)
				return 0;
			if (r < 0 && errno != EINTR)
				return err_sys(err, "monitor", errno, "wait4");
		} else if (sig == SIGNAL_PARENT_DIED) {
			if (parent_died(helper_parent))
				kill(out->pid, SIGKILL);
		} else if (si.si_code != SI_KERNEL ||
			   launch->spec->new_session) {
			/* A terminal's signal reached the command already
			 * when it shares our process group. */
			kill(out->pid, sig);
		}
	}
}

int monitor_run(struct launch *launch, pid_t helper_parent,
		struct outcome *out, struct sh_err *err)
{
	_cleanup_close_ int read_end = -1;
	sigset_t set;
	long long start;
	int r;

	memset(out, 0, sizeof(*out));
	monitor_sigset(&set);
	/* Blocked before the fork so no signal is lost in between; the
	 * child unblocks everything before exec. */
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return err_sys(err, "monitor", errno, "sigprocmask");
	signal(SIGPIPE, SIG_IGN);
	launch->monitor_pid = getpid();
	if ((r = watch_parent(launch, helper_parent, err)) < 0 ||
	    (r = open_error_pipe(launch, &read_end, err)) < 0)
		return r;
	start = now_usec();
	out->pid = spawn_child(launch);
	if (out->pid < 0)
		return err_sys(err, "clone", errno, "clone");
	close(take_fd(&launch->error_fd));
	r = read_setup_result(read_end, out->pid, err);
	if (r < 0)
		return r;
	status_started(launch->spec->status_fd, out->pid);
	r = wait_for_command(launch, helper_parent, &set, out, err);
	out->wall_usec = now_usec() - start;
	return r;
}

void monitor_exit_like(int wait_status)
{
	if (WIFSIGNALED(wait_status)) {
		int sig = WTERMSIG(wait_status);
		struct rlimit no_core = { 0, 0 };
		sigset_t only;

		/* not dumpable: no core even with a piped core_pattern */
		prctl(PR_SET_DUMPABLE, 0);
		setrlimit(RLIMIT_CORE, &no_core);
		signal(sig, SIG_DFL);
		sigemptyset(&only);
		sigaddset(&only, sig);
		sigprocmask(SIG_UNBLOCK, &only, NULL);
		raise(sig);
	}
	exit(status_exit_code(wait_status));
}
