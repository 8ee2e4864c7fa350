/* SPDX-License-Identifier: LGPL-2.1-or-later */
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
#include <linux/io_uring.h>
#include <limits.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static const char *progname = "inside";

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
		{ "USR2", SIGUSR2 }, { "SYS", SIGSYS },
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
 * its pid namespace sees it) to FILE and sleeps with TOKEN in its
 * command line, for the test to find it from the host, until it is
 * killed (by its pid namespace's or cgroup's end, or by the test: a
 * daemon that ended by itself would pass a test that it was killed, or
 * fail one that it was not, however slow the machine). Returns once FILE
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
		execl("/proc/self/exe", "inside", "sleep", "100000", "mark",
		      token, (char *)NULL);
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

/* Allocate MIB MiB and touch every page: "alloc MIB ok" (a memory limit
 * kills it first). */
static void cmd_alloc(const char *mib_arg)
{
	long mib = parse_long(mib_arg, "alloc");
	size_t size = (size_t)mib << 20;
	long page = sysconf(_SC_PAGESIZE);
	char *p;

	if (mib <= 0)
		die("alloc: `%s` is not a positive number of MiB", mib_arg);
	p = malloc(size);
	if (!p)
		die("alloc: malloc %ld MiB: %s", mib, strerror(errno));
	for (size_t i = 0; i < size; i += (size_t)page)
		((volatile char *)p)[i] = 1;
	printf("alloc %ld ok\n", mib);
	free(p);
}

/* Fork N children that wait for the parent to reap them, without
 * retrying: "forks N ok" or "forks DONE of N ERRNAME". */
static void cmd_forks(const char *n_arg)
{
	long n = parse_long(n_arg, "forks"), done = 0;
	pid_t pids[256];
	int err = 0;

	if (n <= 0 || n > (long)(sizeof(pids) / sizeof(pids[0])))
		die("forks: `%s` is not 1 to 256", n_arg);
	fflush(stdout);
	for (; done < n; done++) {
		pids[done] = fork();
		if (pids[done] < 0) {
			err = errno;
			break;
		}
		if (pids[done] == 0) {
			sleep(10);
			_exit(0);
		}
	}
	for (long i = 0; i < done; i++) {
		kill(pids[i], SIGKILL);
		while (waitpid(pids[i], NULL, 0) < 0 && errno == EINTR)
			;
	}
	if (err)
		printf("forks %ld of %ld %s\n", done, n, errname(err));
	else
		printf("forks %ld ok\n", n);
}

/* A child in the same session that ignores SIGTERM: it writes its pid
 * to FILE and sleeps 30 s with TOKEN in its command line. Returns once
 * FILE exists (up to 3 s): "child PID". */
static void cmd_spawn(const char *file, const char *token)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		signal(SIGTERM, SIG_IGN);
		write_pid_file(file);
		execl("/proc/self/exe", "inside", "sleep", "30", "mark", token,
		      (char *)NULL);
		_exit(95);
	}
	for (int i = 0; i < 300; i++) {
		if (access(file, F_OK) == 0) {
			printf("child %d\n", (int)pid);
			return;
		}
		usleep(10000);
	}
	die("spawn: %s did not appear", file);
}

/* Busy-loop on the CPU for SECS of wall time: "spin SECS". */
static void cmd_spin(const char *secs)
{
	char *end;
	double d = strtod(secs, &end);
	struct timespec start, now;

	if (*end || d < 0)
		die("spin: `%s` is not a duration", secs);
	clock_gettime(CLOCK_MONOTONIC, &start);
	do
		clock_gettime(CLOCK_MONOTONIC, &now);
	while ((double)(now.tv_sec - start.tv_sec) +
		       (double)(now.tv_nsec - start.tv_nsec) / 1e9 <
	       d);
	printf("spin %s\n", secs);
}

/* --- hardening: capabilities, seccomp, Landlock, limits --- */

/* "securebits 0xN" (PR_GET_SECUREBITS) */
static void cmd_securebits(void)
{
	int bits = prctl(PR_GET_SECUREBITS);

	if (bits < 0)
		printf("securebits %s\n", errname(errno));
	else
		printf("securebits 0x%x\n", (unsigned)bits);
}

/* Try to clear the securebits: "securebits-clear ok|ERRNAME". */
static void cmd_securebits_clear(void)
{
	if (prctl(PR_SET_SECUREBITS, 0UL, 0UL, 0UL, 0UL) < 0)
		printf("securebits-clear %s\n", errname(errno));
	else
		printf("securebits-clear ok\n");
}

/* PR_SET_KEEPCAPS, as ping does before dropping root:
 * "keepcaps ok|ERRNAME" */
static void cmd_keepcaps(void)
{
	if (prctl(PR_SET_KEEPCAPS, 1UL, 0UL, 0UL, 0UL) < 0)
		printf("keepcaps %s\n", errname(errno));
	else
		printf("keepcaps ok\n");
}

/* setresuid(UID, UID, UID): "setresuid UID ok|ERRNAME" */
static void cmd_setresuid(const char *uid_arg)
{
	uid_t uid = (uid_t)parse_long(uid_arg, "setresuid");

	if (syscall(SYS_setresuid, uid, uid, uid) < 0)
		printf("setresuid %s %s\n", uid_arg, errname(errno));
	else
		printf("setresuid %s ok\n", uid_arg);
}

/* Take interface NAME down (needs CAP_NET_ADMIN over its network
 * namespace): "ifdown NAME ok|ERRNAME". */
static void cmd_ifdown(const char *name)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int e = 0;

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		e = errno;
	ifr.ifr_flags &= ~IFF_UP;
	if (!e && ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		e = errno;
	if (fd >= 0)
		close(fd);
	printf("ifdown %s %s\n", name, e ? errname(e) : "ok");
}


/* An i386 system call from this 64-bit process (int 0x80): the call
 * uses the low halves of the registers, the kernel hands the filter and
 * the monitor the registers whole. */
static long int80(long nr, long a, long b, long c, long d, long e)
{
#ifdef __x86_64__
	long ret;

	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e)
			 : "memory", "cc", "r8", "r9", "r10", "r11");
	return ret;
#else
	(void)nr, (void)a, (void)b, (void)c, (void)d, (void)e;
	return -ENOSYS;
#endif
}

/* "int80 NR RESULT": the i386 call NR with the numbers given. */
static void cmd_int80(int argc, char **argv)
{
	long a[5] = { 0 }, nr = parse_long(argv[1], "int80"), r;

	for (int i = 0; i < 5 && i + 2 < argc; i++)
		a[i] = parse_long(argv[i + 2], "int80");
	r = int80(nr, a[0], a[1], a[2], a[3], a[4]);
	if (r < 0 && r > -4096)
		printf("int80 %ld %s\n", nr, errname((int)-r));
	else
		printf("int80 %ld ok\n", nr);
}

/* i386 setxattr(FILE, name, "1", 1, 0) with the name's pointer at 4 GiB
 * plus the address of BELOW: the call uses the low half (BELOW), a reader
 * of the whole register finds ABOVE. */
static void cmd_int80_setxattr(const char *file, const char *below,
			       const char *above)
{
	char *low = mmap((void *)0x10000000UL, 4096, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1,
			 0);
	char *high = mmap((void *)0x110000000UL, 4096, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
			  -1, 0);
	long r;

	if (low == MAP_FAILED || high == MAP_FAILED || strlen(file) > 2000 ||
	    strlen(below) > 200 || strlen(above) > 200)
		die("int80-setxattr: cannot map the names");
	strcpy(low, file);
	strcpy(low + 2048, below);
	strcpy(high + 2048, above);
	strcpy(low + 3072, "1");
	r = int80(226 /* i386 setxattr */, (long)low, (long)(high + 2048),
		  (long)(low + 3072), 1, 0);
	printf("int80-setxattr %s\n", r < 0 && r > -4096 ? errname((int)-r)
							 : "ok");
}

/* The file-mode calls the build profile watches, one at a time, with
 * MODE (octal) on PATH: "CALL PATH ok|ERRNAME". chmod fchmod fchmodat
 * fchmodat2 open openat creat mknod mkdir int80-chmod x32-chmod. */
static void cmd_setmode(const char *call, const char *path,
			const char *mode_arg)
{
	char *end;
	unsigned long mode = strtoul(mode_arg, &end, 8);
	long r = -1;
	int fd;

	if (!*mode_arg || *end)
		die("setmode: `%s` is not an octal mode", mode_arg);
	fflush(stdout); /* what came before survives a SIGSYS */
	errno = 0;
	if (strcmp(call, "chmod") == 0) {
		r = syscall(SYS_chmod, path, mode);
	} else if (strcmp(call, "fchmod") == 0) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			r = syscall(SYS_fchmod, fd, mode);
			close(fd);
		}
	} else if (strcmp(call, "fchmodat") == 0) {
		r = syscall(SYS_fchmodat, AT_FDCWD, path, mode);
	} else if (strcmp(call, "fchmodat2") == 0) {
		r = syscall(452, AT_FDCWD, path, mode, 0);
	} else if (strcmp(call, "open") == 0) {
		r = syscall(SYS_open, path, O_WRONLY | O_CREAT | O_CLOEXEC,
			    mode);
	} else if (strcmp(call, "openat") == 0) {
		r = syscall(SYS_openat, AT_FDCWD, path,
			    O_WRONLY | O_CREAT | O_CLOEXEC, mode);
	} else if (strcmp(call, "creat") == 0) {
		r = syscall(SYS_creat, path, mode);
	} else if (strcmp(call, "mknod") == 0) {
		r = syscall(SYS_mknod, path, S_IFREG | mode, 0);
	} else if (strcmp(call, "mkdir") == 0) {
		r = syscall(SYS_mkdir, path, mode);
	} else if (strcmp(call, "x32-chmod") == 0) {
		r = syscall(0x40000000 | 90, path, mode);
	} else if (strcmp(call, "int80-chmod") == 0) {
#if defined(__x86_64__)
		/* the i386 ABI takes a pointer below 4 GiB */
		char *low = mmap(NULL, PATH_MAX, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1,
				 0);

		if (low == MAP_FAILED)
			die("mmap MAP_32BIT: %s", strerror(errno));
		if ((unsigned long)low >> 32)
			die("mmap MAP_32BIT: %p is above 4 GiB", (void *)low);
		snprintf(low, PATH_MAX, "%s", path);
		r = int80(15, (long)low, (long)mode, 0, 0, 0); /* i386 chmod */
		if (r < 0 && r > -4096) {
			errno = (int)-r;
			r = -1;
		}
		munmap(low, PATH_MAX);
#else
		errno = ENOSYS;
#endif
	} else {
		die("setmode: unknown call `%s`", call);
	}
	if (r < 0) {
		printf("%s %s %s\n", call, path, errname(errno));
		return;
	}
	if (strcmp(call, "open") == 0 || strcmp(call, "openat") == 0 ||
	    strcmp(call, "creat") == 0)
		close((int)r);
	printf("%s %s ok\n", call, path);
}

/* setxattr(PATH, NAME, "x"): "setxattr PATH NAME ok|ERRNAME" */
static void cmd_setxattr(const char *path, const char *name)
{
	if (setxattr(path, name, "x", 1, 0) < 0)
		printf("setxattr %s %s %s\n", path, name, errname(errno));
	else
		printf("setxattr %s %s ok\n", path, name);
}

/* getxattr(PATH, NAME): "getxattr PATH NAME VALUE|ERRNAME" */
static void cmd_getxattr(const char *path, const char *name)
{
	char value[256];
	ssize_t n = getxattr(path, name, value, sizeof(value) - 1);

	if (n < 0) {
		printf("getxattr %s %s %s\n", path, name, errname(errno));
		return;
	}
	value[n] = '\0';
	printf("getxattr %s %s %s\n", path, name, value);
}

/* Create PATH with MODE through io_uring (IORING_OP_OPENAT), where
 * seccomp sees no openat: "uring-create PATH ok|ERRNAME", the errno of
 * io_uring_setup (called with syscall(): no liburing needed), of
 * io_uring_enter or of the open itself. */
static void cmd_uring_create(const char *path, const char *mode_arg)
{
	struct io_uring_params p = { 0 };
	mode_t mode = (mode_t)strtol(mode_arg, NULL, 8);
	size_t sq_len, cq_len, sqes_len;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqe;
	unsigned *tail, head;
	char *sq, *cq;
	int fd, e = 0;

	fflush(stdout);
	fd = (int)syscall(SYS_io_uring_setup, 1, &p);
	if (fd < 0) {
		printf("uring-create %s %s\n", path, errname(errno));
		return;
	}
	sq_len = p.sq_off.array + p.sq_entries * sizeof(unsigned);
	cq_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	sqes_len = p.sq_entries * sizeof(struct io_uring_sqe);
	sq = mmap(NULL, sq_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		  IORING_OFF_SQ_RING);
	cq = mmap(NULL, cq_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		  IORING_OFF_CQ_RING);
	sqes = mmap(NULL, sqes_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		    IORING_OFF_SQES);
	if (sq == MAP_FAILED || cq == MAP_FAILED || sqes == MAP_FAILED)
		die("uring-create: mmap: %s", strerror(errno));
	memset(&sqes[0], 0, sizeof(sqes[0]));
	sqes[0].opcode = IORING_OP_OPENAT;
	sqes[0].fd = AT_FDCWD;
	sqes[0].addr = (uintptr_t)path;
	sqes[0].len = mode;
	sqes[0].open_flags = O_WRONLY | O_CREAT | O_CLOEXEC;
	tail = (unsigned *)(sq + p.sq_off.tail);
	((unsigned *)(sq + p.sq_off.array))[0] = 0;
	__atomic_store_n(tail, *tail + 1, __ATOMIC_RELEASE);
	if (syscall(SYS_io_uring_enter, fd, 1, 1, IORING_ENTER_GETEVENTS,
		    NULL, 0) < 0) {
		e = errno;
	} else {
		head = __atomic_load_n((unsigned *)(cq + p.cq_off.head),
				       __ATOMIC_ACQUIRE);
		cqe = (struct io_uring_cqe *)(cq + p.cq_off.cqes) +
		      (head & *(unsigned *)(cq + p.cq_off.ring_mask));
		if (cqe->res < 0)
			e = -cqe->res;
		else
			close(cqe->res);
	}
	printf("uring-create %s %s\n", path, e ? errname(e) : "ok");
	munmap(sq, sq_len);
	munmap(cq, cq_len);
	munmap(sqes, sqes_len);
	close(fd);
}

/* Push a byte into the input of a terminal of our own (a new pty, our
 * controlling terminal, in a child that made its own session):
 * "tiocsti ok|ERRNAME". */
static void cmd_tiocsti(void)
{
	int pipefd[2], status, e = 0;
	pid_t pid;

	fflush(stdout);
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		die("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		int m, s = -1;
		char c = '\n';
		const char *name;

		if (setsid() < 0 ||
		    (m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0 ||
		    grantpt(m) < 0 || unlockpt(m) < 0 || !(name = ptsname(m)) ||
		    (s = open(name, O_RDWR | O_CLOEXEC)) < 0 ||
		    ioctl(s, TIOCSCTTY, 0) < 0)
			e = errno ? errno : EIO;
		else if (ioctl(s, TIOCSTI, &c) < 0)
			e = errno;
		if (write(pipefd[1], &e, sizeof(e)) != sizeof(e))
			_exit(1);
		_exit(0);
	}
	close(pipefd[1]);
	if (read(pipefd[0], &e, sizeof(e)) != sizeof(e))
		die("tiocsti: the child did not answer");
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			die("waitpid: %s", strerror(errno));
	printf("tiocsti %s\n", e ? errname(e) : "ok");
}

/* One system call with harmless arguments (each fails or does nothing
 * lasting): "NAME ok|ERRNAME". */
static void cmd_try(const char *name)
{
	struct {
		uint64_t flags, mode, resolve;
	} how = { O_RDONLY | O_CLOEXEC, 0, 0 };
	struct utsname uts;
	char buf[8];
	long r;

	fflush(stdout); /* what came before survives a SIGSYS */
	errno = 0;
	if (strcmp(name, "init_module") == 0)
		r = syscall(SYS_init_module, NULL, 0UL, "");
	else if (strcmp(name, "finit_module") == 0)
		r = syscall(SYS_finit_module, -1, "", 0);
	else if (strcmp(name, "delete_module") == 0)
		r = syscall(SYS_delete_module, "sh_probe_none", O_NONBLOCK);
	else if (strcmp(name, "kexec_load") == 0)
		r = syscall(SYS_kexec_load, 0UL, 0UL, NULL, 0xffff0000UL);
	else if (strcmp(name, "kexec_file_load") == 0)
		r = syscall(SYS_kexec_file_load, -1, -1, 0UL, NULL, ~0UL);
	else if (strcmp(name, "bpf") == 0)
		r = syscall(SYS_bpf, 0x7fff, NULL, 0);
	else if (strcmp(name, "perf_event_open") == 0)
		r = syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0UL);
	else if (strcmp(name, "keyctl") == 0)
		r = syscall(SYS_keyctl, 0 /* GET_KEYRING_ID */,
			    -1 /* thread keyring */, 0);
	else if (strcmp(name, "add_key") == 0)
		r = syscall(SYS_add_key, NULL, NULL, NULL, 0, 0);
	else if (strcmp(name, "request_key") == 0)
		r = syscall(SYS_request_key, NULL, NULL, NULL, 0);
	else if (strcmp(name, "userfaultfd") == 0)
		r = syscall(SYS_userfaultfd, O_CLOEXEC | 1 /* USER_MODE_ONLY */);
	else if (strcmp(name, "clone3") == 0)
		r = syscall(SYS_clone3, NULL, 0UL);
	else if (strcmp(name, "faccessat2") == 0)
		r = syscall(SYS_faccessat2, AT_FDCWD, "/", F_OK, 0);
	else if (strcmp(name, "getrandom") == 0)
		r = syscall(SYS_getrandom, buf, sizeof(buf), 0);
	else if (strcmp(name, "openat2") == 0)
		r = syscall(SYS_openat2, AT_FDCWD, "/", &how, sizeof(how));
	else if (strcmp(name, "ptrace") == 0)
		r = syscall(SYS_ptrace, 2 /* PEEKDATA */, 0, NULL, NULL);
	else if (strcmp(name, "unshare") == 0)
		r = syscall(SYS_unshare, 0);
	else if (strcmp(name, "setns") == 0)
		r = syscall(SYS_setns, -1, 0);
	else if (strcmp(name, "mount") == 0)
		r = syscall(SYS_mount, "none", "/nonexistent/sh-probe", "tmpfs",
			    0UL, NULL);
	else if (strcmp(name, "io_uring_setup") == 0)
		r = syscall(SYS_io_uring_setup, 0, NULL);
	else if (strcmp(name, "io_uring_enter") == 0)
		r = syscall(SYS_io_uring_enter, -1, 0, 0, 0, NULL, 0);
	else if (strcmp(name, "io_uring_register") == 0)
		r = syscall(SYS_io_uring_register, -1, 0, NULL, 0);
	else if (strcmp(name, "nosys") == 0)
		r = syscall(1023, 0, 0, 0);
	else if (strcmp(name, "x32-nosys") == 0)
		r = syscall(0x40000000 | 1023, 0, 0, 0);
	else if (strcmp(name, "x32-uname") == 0)
		r = syscall(0x40000000 | 63, &uts);
	else
		die("try: unknown call `%s`", name);
	if (r < 0) {
		printf("%s %s\n", name, errname(errno));
		return;
	}
	if (strcmp(name, "userfaultfd") == 0 || strcmp(name, "openat2") == 0)
		close((int)r);
	printf("%s ok\n", name);
}

/* kill(PID, SIG): "signal PID ok|ERRNAME" */
static void cmd_signal(const char *pid_arg, const char *sig_arg)
{
	pid_t pid = (pid_t)parse_long(pid_arg, "signal");

	if (kill(pid, signal_number(sig_arg)) < 0)
		printf("signal %s %s\n", pid_arg, errname(errno));
	else
		printf("signal %s ok\n", pid_arg);
}

/* The abstract unix socket address NAME (no file behind it). */
static socklen_t abstract_addr(const char *name, struct sockaddr_un *sun)
{
	size_t len = strlen(name);

	if (len + 1 > sizeof(sun->sun_path))
		die("abstract socket name `%s` too long", name);
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	memcpy(sun->sun_path + 1, name, len);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + len);
}

/* Bind a stream socket to the abstract NAME and listen, for the life of
 * the process: "abstract-listen NAME ok|ERRNAME". */
static void cmd_abstract_listen(const char *name)
{
	struct sockaddr_un sun;
	socklen_t len = abstract_addr(name, &sun);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&sun, len) < 0 ||
	    listen(fd, 8) < 0)
		printf("abstract-listen %s %s\n", name, errname(errno));
	else
		printf("abstract-listen %s ok\n", name);
}

/* Connect to the abstract NAME: "abstract-connect NAME ok|ERRNAME". */
static void cmd_abstract_connect(const char *name)
{
	struct sockaddr_un sun;
	socklen_t len = abstract_addr(name, &sun);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, len) < 0)
		printf("abstract-connect %s %s\n", name, errname(errno));
	else
		printf("abstract-connect %s ok\n", name);
	if (fd >= 0)
		close(fd);
}

/* "landlock-abi N" or "landlock-abi ERRNAME" */
static void cmd_landlock_abi(void)
{
	long abi = syscall(444 /* landlock_create_ruleset */, NULL, 0UL,
			   1UL /* VERSION */);

	if (abi < 0)
		printf("landlock-abi %s\n", errname(errno));
	else
		printf("landlock-abi %ld\n", abi);
}

/* Write BYTES bytes to PATH (created, truncated): "fill PATH ok" or
 * "fill PATH ERRNAME"; RLIMIT_FSIZE sends SIGXFSZ first. */
static void cmd_fill(const char *path, const char *bytes_arg)
{
	long left = parse_long(bytes_arg, "fill");
	char block[4096];
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int e = 0;

	memset(block, 'x', sizeof(block));
	fflush(stdout);
	if (fd < 0)
		e = errno;
	while (!e && left > 0) {
		ssize_t n = write(fd, block,
				  left < (long)sizeof(block) ? (size_t)left
							     : sizeof(block));

		if (n < 0 && errno != EINTR)
			e = errno;
		else if (n > 0)
			left -= n;
	}
	if (fd >= 0)
		close(fd);
	printf("fill %s %s\n", path, e ? errname(e) : "ok");
}

/* Ignore SIG from now on (and in what this process runs). */
static void cmd_ignore(const char *sig_arg)
{
	signal(signal_number(sig_arg), SIG_IGN);
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
		"  daemonize FILE TOKEN | mark TOKEN (does nothing)\n"
		"  alloc MIB | forks N | spawn FILE TOKEN | spin SECS\n"
		"  securebits | securebits-clear | keepcaps | setresuid UID | ifdown NAME\n"
		"  setmode CALL PATH MODE | setxattr PATH NAME | tiocsti | try NAME\n"
		"  getxattr PATH NAME | uring-create PATH MODE\n"
		"  signal PID SIG | landlock-abi | fill PATH BYTES | ignore SIG\n"
		"  abstract-listen NAME | abstract-connect NAME\n",
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
	} else if (strcmp(cmd, "int80") == 0) {
		/* int80 NR [A1 ... A5], up to the next "--" */
		int n = 1;

		NEED(1);
		while (n < left && strcmp(argv[n], "--") != 0)
			n++;
		cmd_int80(n, argv);
		return n < left ? n + 1 : n;
	} else if (strcmp(cmd, "int80-setxattr") == 0) {
		NEED(3);
		cmd_int80_setxattr(argv[1], argv[2], argv[3]);
		return 4;
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
	} else if (strcmp(cmd, "alloc") == 0) {
		NEED(1);
		cmd_alloc(argv[1]);
		return 2;
	} else if (strcmp(cmd, "forks") == 0) {
		NEED(1);
		cmd_forks(argv[1]);
		return 2;
	} else if (strcmp(cmd, "spawn") == 0) {
		NEED(2);
		cmd_spawn(argv[1], argv[2]);
		return 3;
	} else if (strcmp(cmd, "spin") == 0) {
		NEED(1);
		cmd_spin(argv[1]);
		return 2;
	} else if (strcmp(cmd, "securebits") == 0) {
		cmd_securebits();
	} else if (strcmp(cmd, "securebits-clear") == 0) {
		cmd_securebits_clear();
	} else if (strcmp(cmd, "keepcaps") == 0) {
		cmd_keepcaps();
	} else if (strcmp(cmd, "setresuid") == 0) {
		NEED(1);
		cmd_setresuid(argv[1]);
		return 2;
	} else if (strcmp(cmd, "ifdown") == 0) {
		NEED(1);
		cmd_ifdown(argv[1]);
		return 2;
	} else if (strcmp(cmd, "setmode") == 0) {
		NEED(3);
		cmd_setmode(argv[1], argv[2], argv[3]);
		return 4;
	} else if (strcmp(cmd, "setxattr") == 0) {
		NEED(2);
		cmd_setxattr(argv[1], argv[2]);
		return 3;
	} else if (strcmp(cmd, "getxattr") == 0) {
		NEED(2);
		cmd_getxattr(argv[1], argv[2]);
		return 3;
	} else if (strcmp(cmd, "uring-create") == 0) {
		NEED(2);
		cmd_uring_create(argv[1], argv[2]);
		return 3;
	} else if (strcmp(cmd, "tiocsti") == 0) {
		cmd_tiocsti();
	} else if (strcmp(cmd, "try") == 0) {
		NEED(1);
		cmd_try(argv[1]);
		return 2;
	} else if (strcmp(cmd, "signal") == 0) {
		NEED(2);
		cmd_signal(argv[1], argv[2]);
		return 3;
	} else if (strcmp(cmd, "landlock-abi") == 0) {
		cmd_landlock_abi();
	} else if (strcmp(cmd, "abstract-listen") == 0) {
		NEED(1);
		cmd_abstract_listen(argv[1]);
		return 2;
	} else if (strcmp(cmd, "abstract-connect") == 0) {
		NEED(1);
		cmd_abstract_connect(argv[1]);
		return 2;
	} else if (strcmp(cmd, "fill") == 0) {
		NEED(2);
		cmd_fill(argv[1], argv[2]);
		return 3;
	} else if (strcmp(cmd, "ignore") == 0) {
		NEED(1);
		cmd_ignore(argv[1]);
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
