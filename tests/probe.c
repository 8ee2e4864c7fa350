/* probe: runs inside the sandbox and prints what it sees, so integration
 * tests check what the command really gets rather than what the helper
 * meant to give it. No dependencies beyond libc.
 *
 * Usage: probe SUBCOMMAND [ARG...] [SUBCOMMAND [ARG...]]...
 * Subcommands run in order; each takes a fixed number of arguments
 * (except `wait`, which takes the rest of the line). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static const char *progname = "probe";

static void die(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));

static void die(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fflush(stdout);
	dprintf(STDERR_FILENO, "%s: %s\n", progname, msg);
	exit(99);
}

static long parse_long(const char *s, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || !*s || *end)
		die("%s: `%s` is not a number", what, s);
	return v;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* One line per open fd, "N TARGET", sorted, without the directory's own
 * fd. */
static void cmd_fds(void)
{
	DIR *dir = opendir("/proc/self/fd");
	int fds[1024], n = 0;
	struct dirent *de;

	if (!dir)
		die("opendir /proc/self/fd: %s", strerror(errno));
	while ((de = readdir(dir))) {
		int fd;

		if (de->d_name[0] == '.')
			continue;
		fd = atoi(de->d_name);
		if (fd == dirfd(dir))
			continue;
		if (n == (int)(sizeof(fds) / sizeof(fds[0])))
			die("too many open fds");
		fds[n++] = fd;
	}
	closedir(dir);
	qsort(fds, (size_t)n, sizeof(int), cmp_int);
	for (int i = 0; i < n; i++) {
		char path[64], target[PATH_MAX];
		ssize_t len;

		snprintf(path, sizeof(path), "/proc/self/fd/%d", fds[i]);
		len = readlink(path, target, sizeof(target) - 1);
		if (len < 0)
			die("readlink %s: %s", path, strerror(errno));
		target[len] = '\0';
		printf("%d %s\n", fds[i], target);
	}
}

/* Print the lines of /proc/self/status whose key is in keys, verbatim. */
static void print_status_keys(const char *const *keys, size_t n_keys)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[4096];

	if (!f)
		die("open /proc/self/status: %s", strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		size_t key_len = strcspn(line, ":");

		for (size_t i = 0; i < n_keys; i++)
			if (strlen(keys[i]) == key_len &&
			    strncmp(line, keys[i], key_len) == 0)
				fputs(line, stdout);
	}
	fclose(f);
}

static void cmd_status(void)
{
	static const char *const keys[] = { "Uid", "Gid", "Groups", "Umask" };

	print_status_keys(keys, sizeof(keys) / sizeof(keys[0]));
}

/* Room for later stages: capabilities, no_new_privs, seccomp. */
static void cmd_security(void)
{
	static const char *const keys[] = { "CapInh", "CapPrm", "CapEff",
					    "CapBnd", "CapAmb", "NoNewPrivs",
					    "Seccomp" };

	print_status_keys(keys, sizeof(keys) / sizeof(keys[0]));
}

/* One line per namespace: "NAME TARGET" of /proc/self/ns/NAME. */
static void cmd_ns(void)
{
	static const char *const names[] = { "cgroup", "ipc",  "mnt",
					     "net",    "pid",  "time",
					     "user",   "uts" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char path[64], target[256];
		ssize_t len;

		snprintf(path, sizeof(path), "/proc/self/ns/%s", names[i]);
		len = readlink(path, target, sizeof(target) - 1);
		if (len < 0)
			continue; /* a kernel without this namespace */
		target[len] = '\0';
		printf("%s %s\n", names[i], target);
	}
}

static void cmd_env(const char *name)
{
	const char *value = getenv(name);

	if (!value) {
		fflush(stdout);
		exit(1);
	}
	printf("%s\n", value);
}

static void cmd_environ(void)
{
	for (char **e = environ; *e; e++)
		printf("%s\n", *e);
}

static void cmd_cwd(void)
{
	char buf[PATH_MAX];

	if (!getcwd(buf, sizeof(buf)))
		die("getcwd: %s", strerror(errno));
	printf("%s\n", buf);
}

static void cmd_sid(void)
{
	printf("sid %d pgid %d pid %d ppid %d\n", (int)getsid(0),
	       (int)getpgid(0), (int)getpid(), (int)getppid());
}

static void write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("write fd %d: %s", fd, strerror(errno));
		buf += n;
		len -= (size_t)n;
	}
}

static void cmd_write(const char *fd_arg, const char *text)
{
	int fd = (int)parse_long(fd_arg, "write");

	fflush(stdout);
	write_all(fd, text, strlen(text));
	write_all(fd, "\n", 1);
}

static void cmd_read(const char *fd_arg)
{
	int fd = (int)parse_long(fd_arg, "read");
	char buf[4096];
	ssize_t n;

	fflush(stdout);
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("read fd %d: %s", fd, strerror(errno));
		write_all(STDOUT_FILENO, buf, (size_t)n);
	}
}

static int signal_number(const char *s)
{
	static const struct {
		const char *name;
		int sig;
	} names[] = {
		{ "HUP", SIGHUP },   { "INT", SIGINT },   { "QUIT", SIGQUIT },
		{ "ABRT", SIGABRT }, { "KILL", SIGKILL }, { "SEGV", SIGSEGV },
		{ "PIPE", SIGPIPE }, { "TERM", SIGTERM }, { "USR1", SIGUSR1 },
		{ "USR2", SIGUSR2 },
	};

	if (strncmp(s, "SIG", 3) == 0)
		s += 3;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i].name) == 0)
			return names[i].sig;
	return (int)parse_long(s, "kill");
}

static void cmd_kill(const char *sig_arg)
{
	int sig = signal_number(sig_arg);
	sigset_t set;

	fflush(stdout);
	signal(sig, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	kill(getpid(), sig);
	die("still alive after signal %d", sig);
}

static void cmd_sleep(const char *secs)
{
	char *end;
	double d = strtod(secs, &end);
	struct timespec ts;

	if (*end || d < 0)
		die("sleep: `%s` is not a duration", secs);
	ts.tv_sec = (time_t)d;
	ts.tv_nsec = (long)((d - (double)ts.tv_sec) * 1e9);
	fflush(stdout);
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Run a command and say how it ended: "exited N" or "signaled N core C".
 * Lets a test tell a helper's own signal death from an exit(128 + N). */
static void cmd_wait(char **argv)
{
	int status;
	pid_t pid;

	if (!argv[0])
		die("wait: no command");
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		execvp(argv[0], argv);
		dprintf(STDERR_FILENO, "%s: exec %s: %s\n", progname, argv[0],
			strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			die("waitpid: %s", strerror(errno));
	if (WIFSIGNALED(status))
		printf("signaled %d core %d\n", WTERMSIG(status),
		       WCOREDUMP(status) ? 1 : 0);
	else
		printf("exited %d\n", WEXITSTATUS(status));
}

static void usage(void)
{
	fprintf(stderr,
		"usage: %s SUBCOMMAND [ARG...] [SUBCOMMAND [ARG...]]...\n"
		"  fds | status | security | ns | environ | cwd | argv0 | sid\n"
		"  env NAME | write FD TEXT | read FD | kill SIG | exit N\n"
		"  sleep SECS | wait COMMAND [ARG...] (takes the rest)\n",
		progname);
	exit(99);
}

/* Run the subcommand at argv[0]; returns how many words it used. */
static int run_one(char **argv, int left, const char *argv0)
{
	const char *cmd = argv[0];

#define NEED(n)                                                                \
	do {                                                                   \
		if (left < (n) + 1)                                            \
			die("%s needs %d argument(s)", cmd, (n));              \
	} while (0)

	if (strcmp(cmd, "fds") == 0) {
		cmd_fds();
	} else if (strcmp(cmd, "status") == 0) {
		cmd_status();
	} else if (strcmp(cmd, "security") == 0) {
		cmd_security();
	} else if (strcmp(cmd, "ns") == 0) {
		cmd_ns();
	} else if (strcmp(cmd, "environ") == 0) {
		cmd_environ();
	} else if (strcmp(cmd, "cwd") == 0) {
		cmd_cwd();
	} else if (strcmp(cmd, "argv0") == 0) {
		printf("%s\n", argv0);
	} else if (strcmp(cmd, "sid") == 0) {
		cmd_sid();
	} else if (strcmp(cmd, "env") == 0) {
		NEED(1);
		cmd_env(argv[1]);
		return 2;
	} else if (strcmp(cmd, "write") == 0) {
		NEED(2);
		cmd_write(argv[1], argv[2]);
		return 3;
	} else if (strcmp(cmd, "read") == 0) {
		NEED(1);
		cmd_read(argv[1]);
		return 2;
	} else if (strcmp(cmd, "kill") == 0) {
		NEED(1);
		cmd_kill(argv[1]);
	} else if (strcmp(cmd, "exit") == 0) {
		NEED(1);
		fflush(stdout);
		exit((int)parse_long(argv[1], "exit"));
	} else if (strcmp(cmd, "sleep") == 0) {
		NEED(1);
		cmd_sleep(argv[1]);
		return 2;
	} else if (strcmp(cmd, "wait") == 0) {
		cmd_wait(argv + 1);
		return left;
	} else {
		usage();
	}
#undef NEED
	return 1;
}

int main(int argc, char **argv)
{
	const char *argv0 = argc > 0 ? argv[0] : "";
	int i = 1;

	if (argc < 2)
		usage();
	while (i < argc)
		i += run_one(argv + i, argc - i, argv0);
	fflush(stdout);
	return ferror(stdout) ? 98 : 0;
}
