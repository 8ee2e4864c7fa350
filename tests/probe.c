/* probe: runs inside the sandbox and prints what it sees, so integration
 * tests check what the command really gets rather than what the helper
 * meant to give it. No dependencies beyond libc.
 *
 * Usage: probe SUBCOMMAND [ARG...] [SUBCOMMAND [ARG...]]...
 * Subcommands run in order; each takes a fixed number of arguments
 * (except `wait`, which takes the rest of the line). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <limits.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/utsname.h>
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

/* "pid N ppid M", as the command's pid namespace sees them. */
static void cmd_pid(void)
{
	printf("pid %d ppid %d\n", (int)getpid(), (int)getppid());
}

static void cmd_nspid(void)
{
	static const char *const keys[] = { "NSpid" };

	print_status_keys(keys, 1);
}

static void cmd_hostname(void)
{
	struct utsname u;

	if (uname(&u) < 0)
		die("uname: %s", strerror(errno));
	printf("%s\n", u.nodename);
}

static const char *errname(int e)
{
	const char *name = strerrorname_np(e);

	return name ? name : "E?";
}

static unsigned prefix_len(const struct sockaddr *mask)
{
	const unsigned char *b;
	size_t len;
	unsigned n = 0;

	if (!mask)
		return 0;
	if (mask->sa_family == AF_INET) {
		b = (const unsigned char *)&((const struct sockaddr_in *)mask)
			    ->sin_addr;
		len = 4;
	} else {
		b = (const unsigned char *)&((const struct sockaddr_in6 *)mask)
			    ->sin6_addr;
		len = 16;
	}
	for (size_t i = 0; i < len; i++)
		n += (unsigned)__builtin_popcount(b[i]);
	return n;
}

static void format_addr(const struct sockaddr *sa, char *buf, size_t size)
{
	const void *a = sa->sa_family == AF_INET
				? (const void *)&((const struct sockaddr_in *)sa)
					  ->sin_addr
				: (const void *)&((const struct sockaddr_in6 *)sa)
					  ->sin6_addr;

	if (!inet_ntop(sa->sa_family, a, buf, (socklen_t)size))
		snprintf(buf, size, "?");
}

/* "link NAME up|down" for each interface, "addr NAME ADDR/PREFIX" for
 * each IPv4 and IPv6 address, in the kernel's order. */
static void cmd_ifaddrs(void)
{
	struct ifaddrs *list;
	char buf[INET6_ADDRSTRLEN];

	if (getifaddrs(&list) < 0)
		die("getifaddrs: %s", strerror(errno));
	for (struct ifaddrs *i = list; i; i = i->ifa_next) {
		int family = i->ifa_addr ? i->ifa_addr->sa_family : AF_UNSPEC;

		if (family == AF_PACKET) {
			printf("link %s %s\n", i->ifa_name,
			       (i->ifa_flags & IFF_UP) ? "up" : "down");
		} else if (family == AF_INET || family == AF_INET6) {
			format_addr(i->ifa_addr, buf, sizeof(buf));
			printf("addr %s %s/%u\n", i->ifa_name, buf,
			       prefix_len(i->ifa_netmask));
		}
	}
	freeifaddrs(list);
}

static const char *gai_name(int r)
{
	switch (r) {
	case EAI_ADDRFAMILY: return "EAI_ADDRFAMILY";
	case EAI_AGAIN: return "EAI_AGAIN";
	case EAI_FAMILY: return "EAI_FAMILY";
	case EAI_NODATA: return "EAI_NODATA";
	case EAI_NONAME: return "EAI_NONAME";
	case EAI_SERVICE: return "EAI_SERVICE";
	case EAI_SYSTEM: return "EAI_SYSTEM";
	default: return "EAI_?";
	}
}

/* getaddrinfo(HOST) with AI_ADDRCONFIG, as a build would call it: one
 * line "gai FAMILY HOST: ADDR..." or "gai FAMILY HOST: EAI_..." */
static void cmd_gai(const char *family, const char *host)
{
	struct addrinfo hints = { .ai_flags = AI_ADDRCONFIG,
				  .ai_socktype = SOCK_STREAM };
	struct addrinfo *res;
	char buf[INET6_ADDRSTRLEN];
	int r;

	if (strcmp(family, "inet") == 0)
		hints.ai_family = AF_INET;
	else if (strcmp(family, "inet6") == 0)
		hints.ai_family = AF_INET6;
	else if (strcmp(family, "any") == 0)
		hints.ai_family = AF_UNSPEC;
	else
		die("gai: family `%s` is not inet, inet6 or any", family);
	printf("gai %s %s:", family, host);
	r = getaddrinfo(host, NULL, &hints, &res);
	if (r) {
		printf(" %s\n", gai_name(r));
		return;
	}
	for (struct addrinfo *a = res; a; a = a->ai_next) {
		format_addr(a->ai_addr, buf, sizeof(buf));
		printf(" %s", buf);
	}
	printf("\n");
	freeaddrinfo(res);
}

static int tcp_loop(const char *addr, const char **step)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
	socklen_t len = sizeof(ss);
	int l = -1, c = -1, a = -1, r = 0;
	char byte = 'x';

	*step = "address";
	if (inet_pton(AF_INET, addr, &in4->sin_addr) == 1)
		in4->sin_family = AF_INET;
	else if (inet_pton(AF_INET6, addr, &in6->sin6_addr) == 1)
		in6->sin6_family = AF_INET6;
	else
		return EINVAL;
	if ((*step = "socket", l = socket(ss.ss_family, SOCK_STREAM, 0)) < 0 ||
	    (*step = "bind", bind(l, (struct sockaddr *)&ss, sizeof(ss))) < 0 ||
	    (*step = "listen", listen(l, 1)) < 0 ||
	    getsockname(l, (struct sockaddr *)&ss, &len) < 0 ||
	    (*step = "socket", c = socket(ss.ss_family, SOCK_STREAM, 0)) < 0 ||
	    (*step = "connect",
	     connect(c, (struct sockaddr *)&ss, len)) < 0 ||
	    (*step = "accept", a = accept(l, NULL, NULL)) < 0 ||
	    (*step = "send", send(a, &byte, 1, 0)) != 1 ||
	    (*step = "recv", recv(c, &byte, 1, 0)) != 1)
		r = errno ? errno : EPROTO;
	if (l >= 0)
		close(l);
	if (c >= 0)
		close(c);
	if (a >= 0)
		close(a);
	return r;
}

/* Listen on ADDR (an ephemeral port), connect to it, pass a byte:
 * "tcp ADDR ok" or "tcp ADDR STEP ERRNAME". */
static void cmd_tcp(const char *addr)
{
	const char *step;
	int r;

	errno = 0;
	r = tcp_loop(addr, &step);
	if (r)
		printf("tcp %s %s %s\n", addr, step, errname(r));
	else
		printf("tcp %s ok\n", addr);
}

/* "create PATH ok" or "create PATH ERRNAME" */
static void cmd_create(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

	if (fd < 0) {
		printf("create %s %s\n", path, errname(errno));
		return;
	}
	close(fd);
	printf("create %s ok\n", path);
}

static void cmd_cat(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char buf[4096];
	ssize_t n;

	fflush(stdout);
	if (fd < 0) {
		printf("cat %s %s\n", path, errname(errno));
		return;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		write_all(STDOUT_FILENO, buf, (size_t)n);
	close(fd);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One line: the sorted entries of DIR without . and .. ("ls DIR: a b");
 * with digits_only, the numeric ones (pids) sorted as numbers. */
static void list_dir(const char *path, bool digits_only)
{
	DIR *dir = opendir(path);
	char *names[4096];
	size_t n = 0;
	struct dirent *de;

	if (!dir) {
		printf("ls %s %s\n", path, errname(errno));
		return;
	}
	while ((de = readdir(dir)) && n < sizeof(names) / sizeof(names[0])) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (digits_only &&
		    strspn(de->d_name, "0123456789") != strlen(de->d_name))
			continue;
		names[n++] = strdup(de->d_name);
	}
	closedir(dir);
	if (digits_only) {
		int pids[4096];

		for (size_t i = 0; i < n; i++)
			pids[i] = atoi(names[i]);
		qsort(pids, n, sizeof(int), cmp_int);
		printf("pids:");
		for (size_t i = 0; i < n; i++)
			printf(" %d", pids[i]);
	} else {
		qsort(names, n, sizeof(char *), cmp_str);
		printf("ls %s:", path);
		for (size_t i = 0; i < n; i++)
			printf(" %s", names[i]);
	}
	printf("\n");
	for (size_t i = 0; i < n; i++)
		free(names[i]);
}

/* The command's own mount: "mount DIR ok" or "mount DIR ERRNAME". */
static void cmd_mount_tmpfs(const char *path)
{
	if (mount("tmpfs", path, "tmpfs", 0, NULL) < 0)
		printf("mount %s %s\n", path, errname(errno));
	else
		printf("mount %s ok\n", path);
}

static const int catchable[] = { SIGTERM, SIGINT,  SIGHUP,
				 SIGQUIT, SIGUSR1, SIGUSR2 };

/* Block the forwarded signals, create FILE (the test waits for it), then
 * wait up to SECS for one: "caught SIGNAME" or "caught nothing". */
static void cmd_catch(const char *file, const char *secs)
{
	struct timespec ts = { .tv_sec = parse_long(secs, "catch") };
	sigset_t set;
	int sig, fd;

	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(catchable) / sizeof(catchable[0]); i++)
		sigaddset(&set, catchable[i]);
	sigprocmask(SIG_BLOCK, &set, NULL);
	fd = open(file, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		die("catch: create %s: %s", file, strerror(errno));
	close(fd);
	do
		sig = sigtimedwait(&set, NULL, &ts);
	while (sig < 0 && errno == EINTR);
	if (sig < 0)
		printf("caught nothing\n");
	else
		printf("caught SIG%s\n", sigabbrev_np(sig));
}

static void write_pid_file(const char *file)
{
	char tmp[PATH_MAX], text[32];
	int fd, len = snprintf(text, sizeof(text), "%d\n", (int)getpid());

	snprintf(tmp, sizeof(tmp), "%s.tmp", file);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, text, (size_t)len) != len || close(fd) < 0 ||
	    rename(tmp, file) < 0)
		_exit(97);
}

/* A daemon: double fork and setsid; the grandchild writes its pid (as
 * its pid namespace sees it) to FILE and sleeps 30 s with TOKEN in its
 * command line, for the test to find it from the host. Returns once FILE
 * exists (up to 3 s): "daemon PID". */
static void cmd_daemonize(const char *file, const char *token)
{
	int status, null;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		if (setsid() < 0 || (pid = fork()) < 0)
			_exit(96);
		if (pid > 0)
			_exit(0);
		null = open("/dev/null", O_RDWR);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
		}
		write_pid_file(file);
		execl("/proc/self/exe", "probe", "sleep", "30", "mark", token,
		      (char *)NULL);
		_exit(95);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			die("waitpid: %s", strerror(errno));
	for (int i = 0; i < 300; i++) {
		char buf[32] = "";
		int fd = open(file, O_RDONLY | O_CLOEXEC);

		if (fd >= 0) {
			ssize_t n = read(fd, buf, sizeof(buf) - 1);

			close(fd);
			buf[n > 0 ? n : 0] = '\0';
			printf("daemon %s", buf);
			return;
		}
		usleep(10000);
	}
	die("daemonize: %s did not appear", file);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: %s SUBCOMMAND [ARG...] [SUBCOMMAND [ARG...]]...\n"
		"  fds | status | security | ns | environ | cwd | argv0 | sid\n"
		"  env NAME | write FD TEXT | read FD | kill SIG | exit N\n"
		"  sleep SECS | wait COMMAND [ARG...] (takes the rest)\n"
		"  pid | nspid | hostname | ifaddrs | gai inet|inet6|any HOST\n"
		"  tcp ADDR | create PATH | cat PATH | ls DIR | pids\n"
		"  mount-tmpfs DIR | trap-term | catch FILE SECS\n"
		"  daemonize FILE TOKEN | mark TOKEN (does nothing)\n",
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
	} else if (strcmp(cmd, "pid") == 0) {
		cmd_pid();
	} else if (strcmp(cmd, "nspid") == 0) {
		cmd_nspid();
	} else if (strcmp(cmd, "hostname") == 0) {
		cmd_hostname();
	} else if (strcmp(cmd, "ifaddrs") == 0) {
		cmd_ifaddrs();
	} else if (strcmp(cmd, "pids") == 0) {
		list_dir("/proc", true);
	} else if (strcmp(cmd, "trap-term") == 0) {
		signal(SIGTERM, SIG_IGN);
	} else if (strcmp(cmd, "gai") == 0) {
		NEED(2);
		cmd_gai(argv[1], argv[2]);
		return 3;
	} else if (strcmp(cmd, "tcp") == 0) {
		NEED(1);
		cmd_tcp(argv[1]);
		return 2;
	} else if (strcmp(cmd, "create") == 0) {
		NEED(1);
		cmd_create(argv[1]);
		return 2;
	} else if (strcmp(cmd, "cat") == 0) {
		NEED(1);
		cmd_cat(argv[1]);
		return 2;
	} else if (strcmp(cmd, "ls") == 0) {
		NEED(1);
		list_dir(argv[1], false);
		return 2;
	} else if (strcmp(cmd, "mount-tmpfs") == 0) {
		NEED(1);
		cmd_mount_tmpfs(argv[1]);
		return 2;
	} else if (strcmp(cmd, "catch") == 0) {
		NEED(2);
		cmd_catch(argv[1], argv[2]);
		return 3;
	} else if (strcmp(cmd, "daemonize") == 0) {
		NEED(2);
		cmd_daemonize(argv[1], argv[2]);
		return 3;
	} else if (strcmp(cmd, "mark") == 0) {
		NEED(1);
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
