/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests of libspawnhelper through its public API: every call spawns
 * the built helper ($SPAWNHELPER_PATH, set by make check).
 *
 * SH_LIB_THREADS and SH_LIB_SPAWNS (default 8 and 100) size the
 * concurrent-spawn test; CI makes them small under valgrind and sets
 * SH_LIB_VALGRIND (valgrind's posix_spawn cannot report an exec error). */
#include "config.h"

#include <check.h>
#include "check-run.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/filter.h>
#include <linux/landlock.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <spawnhelper.h>

extern char **environ;

#define TIMEOUT 120
#define MAX_FDS 256

static const char *const true_argv[] = { "/bin/true", NULL };
/* this program, to run again with --list-fds (not /proc/self/exe: under
 * valgrind that is valgrind) */
static char self_path[4096] = "/proc/self/exe";
static const char *const false_argv[] = { "/bin/false", NULL };

/* ---- helpers ---- */

static int env_int(const char *name, int fallback)
{
	const char *v = getenv(name);

	return v && *v ? atoi(v) : fallback;
}

static void wait_ok(sh_process *p, struct sh_result *r)
{
	int e = sh_wait(p, r, 0);

	ck_assert_msg(e == 0, "sh_wait: %s", sh_strerror(e));
}

/* Spawn spec, wait, free: the result. */
static void run(const sh_spec *spec, struct sh_result *r)
{
	sh_process *p = NULL;
	int e = sh_spawn(spec, &p);

	ck_assert_msg(e == 0, "sh_spawn: %s", sh_strerror(e));
	wait_ok(p, r);
	sh_process_free(p);
}

static sh_spec *spec_argv(const char *const *argv)
{
	sh_spec *s = sh_spec_new();

	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(sh_spec_set_argv(s, argv), 0);
	return s;
}

static sh_spec *spec_sh(const char *script)
{
	const char *argv[] = { "/bin/sh", "-c", script, NULL };

	return spec_argv(argv);
}

/* Everything up to EOF from fd, NUL-terminated. */
static size_t read_all(int fd, char *buf, size_t size)
{
	size_t len = 0;

	for (;;) {
		ssize_t n = read(fd, buf + len, size - 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		ck_assert_msg(n >= 0, "read: %s", strerror(errno));
		if (n == 0)
			break;
		len += (size_t)n;
		ck_assert_uint_lt(len, size - 1);
	}
	buf[len] = '\0';
	return len;
}

/* The command's stdout (and the result) of spec, run with stdout on a
 * pipe and stderr the caller's. */
static void run_output(sh_spec *spec, struct sh_result *r, char *out,
		       size_t size)
{
	sh_process *p = NULL;
	int fds[2], e;

	ck_assert_int_eq(pipe2(fds, O_CLOEXEC), 0);
	ck_assert_int_eq(sh_spec_map_fd(spec, 1, fds[1]), 0);
	ck_assert_int_eq(sh_spec_map_fd(spec, 2, 2), 0);
	e = sh_spawn(spec, &p);
	ck_assert_msg(e == 0, "sh_spawn: %s", sh_strerror(e));
	close(fds[1]);
	read_all(fds[0], out, size);
	close(fds[0]);
	wait_ok(p, r);
	sh_process_free(p);
}

/* The caller's fds: number, fd flags, status flags and file. */
struct fd_state {
	int fd, fd_flags, fl_flags;
	dev_t dev;
	ino_t ino;
};

static int fd_snapshot(struct fd_state *st, size_t max)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d))) {
		struct stat sb;
		int fd;

		if (de->d_name[0] == '.')
			continue;
		fd = atoi(de->d_name);
		if (fd == dirfd(d) || fstat(fd, &sb) < 0)
			continue;
		ck_assert_uint_lt((size_t)n, max);
		st[n].fd = fd;
		st[n].fd_flags = fcntl(fd, F_GETFD);
		st[n].fl_flags = fcntl(fd, F_GETFL);
		st[n].dev = sb.st_dev;
		st[n].ino = sb.st_ino;
		n++;
	}
	closedir(d);
	return n;
}

static const struct fd_state *fd_find(const struct fd_state *st, int n, int fd)
{
	for (int i = 0; i < n; i++)
		if (st[i].fd == fd)
			return &st[i];
	return NULL;
}

static void fd_assert_same(const struct fd_state *a, int na,
			   const struct fd_state *b, int nb)
{
	for (int i = 0; i < na; i++) {
		const struct fd_state *o = fd_find(b, nb, a[i].fd);

		ck_assert_msg(o, "fd %d was closed", a[i].fd);
		ck_assert_msg(o->fd_flags == a[i].fd_flags &&
				      o->fl_flags == a[i].fl_flags &&
				      o->dev == a[i].dev && o->ino == a[i].ino,
			      "fd %d changed", a[i].fd);
	}
	for (int i = 0; i < nb; i++)
		ck_assert_msg(fd_find(a, na, b[i].fd), "fd %d appeared",
			      b[i].fd);
}

static int fd_count(void)
{
	struct fd_state st[MAX_FDS];

	return fd_snapshot(st, MAX_FDS);
}

/* --list-fds: print the fds this process has above 2, one a line. */
static int list_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;

	if (!d)
		return 1;
	while ((de = readdir(d))) {
		int fd = atoi(de->d_name);

		if (de->d_name[0] != '.' && fd > 2 && fd != dirfd(d))
			printf("%d\n", fd);
	}
	closedir(d);
	return 0;
}

/* --print-env: print the environment, one variable a line. */
static int print_env(void)
{
	for (char **e = environ; *e; e++)
		if (puts(*e) == EOF)
			return 1;
	return fflush(stdout) == 0 ? 0 : 1;
}

/* --print-seals FD: print FD's memfd seals. */
static int print_seals(const char *fd_arg)
{
	int seals = fcntl(atoi(fd_arg), F_GET_SEALS);

	if (seals < 0)
		printf("seals %s\n", strerrorname_np(errno));
	else
		printf("seals %#x\n", (unsigned)seals);
	return 0;
}

/* The library runs a script of the test's instead of the helper. Only
 * for a test with a process of its own (Check forks). */
struct wrapper {
	char dir[32];
	char real[4096]; /* the helper */
};

/* The script: body, run by sh; "$W" is a directory of its own. */
static void fake_helper(struct wrapper *w, const char *body)
{
	const char *real = getenv("SPAWNHELPER_PATH");
	char script[64];
	FILE *f;

	ck_assert_ptr_nonnull(real);
	snprintf(w->real, sizeof(w->real), "%s", real);
	snprintf(w->dir, sizeof(w->dir), "/tmp/check-lib.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(w->dir));
	snprintf(script, sizeof(script), "%s/helper", w->dir);
	f = fopen(script, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "#!/bin/sh\nW=%s\n%s\n", w->dir, body);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(script, 0755), 0);
	setenv("SPAWNHELPER_PATH", script, 1);
}

/* A wrapper: it writes what the shell command line prints to a file,
 * then execs the helper. */
static void wrap_helper(struct wrapper *w, const char *line)
{
	const char *real = getenv("SPAWNHELPER_PATH");
	char body[8192];

	ck_assert_ptr_nonnull(real);
	snprintf(body, sizeof(body), "%s >>\"$W\"/out\nexec '%s' \"$@\"", line,
		 real);
	fake_helper(w, body);
}

/* Put the helper back; what the wrapper's runs printed, "" for none. */
static void unwrap_helper(struct wrapper *w, char *out, size_t size)
{
	char path[64];
	int fd;

	setenv("SPAWNHELPER_PATH", w->real, 1);
	snprintf(path, sizeof(path), "%s/out", w->dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	out[0] = '\0';
	if (fd >= 0) {
		read_all(fd, out, size);
		close(fd);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/helper", w->dir);
	unlink(path);
	rmdir(w->dir);
}

/* ---- running ---- */

START_TEST(test_true_false)
{
	struct sh_result r;
	sh_spec *s = spec_argv(true_argv);

	run(s, &r);
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_int_eq(r.signal, 0);
	ck_assert(!r.setup_failed);
	ck_assert(!r.timed_out);
	ck_assert_str_eq(r.stage, "");
	/* the spec may be reused */
	ck_assert_int_eq(sh_spec_set_argv(s, false_argv), 0);
	run(s, &r);
	ck_assert_int_eq(r.exit_code, 1);
	sh_spec_free(s);
	s = spec_sh("exit 42");
	run(s, &r);
	ck_assert_int_eq(r.exit_code, 42);
	sh_spec_free(s);
}
END_TEST

START_TEST(test_exec_enoent)
{
	const char *argv[] = { "/nonexistent/command", NULL };
	const char *bare[] = { "no-such-command-anywhere", NULL };
	struct sh_result r;
	sh_spec *s = spec_argv(argv);

	run(s, &r);
	ck_assert(r.setup_failed);
	ck_assert_str_eq(r.stage, "exec");
	ck_assert_int_eq(r.error, ENOENT);
	ck_assert_int_eq(r.exit_code, 127);
	ck_assert_int_eq(r.signal, 0);
	ck_assert_ptr_nonnull(strstr(r.message, "/nonexistent/command"));
	/* a PATH lookup that finds nothing (in directories anyone may
	 * search: one that cannot be searched makes it EACCES) */
	ck_assert_int_eq(sh_spec_set_argv(s, bare), 0);
	ck_assert_int_eq(sh_spec_setenv(s, "PATH", "/usr/bin:/bin"), 0);
	run(s, &r);
	ck_assert(r.setup_failed);
	ck_assert_str_eq(r.stage, "exec");
	ck_assert_int_eq(r.error, ENOENT);
	ck_assert_int_eq(r.exit_code, 127);
	sh_spec_free(s);
}
END_TEST

/* A command reads its stdin and writes stdout and stderr through pipes
 * mapped to 0, 1 and 2 (stdout and stderr on the caller's swapped
 * numbers, to check the map is applied as given). */
START_TEST(test_mapped_pipes)
{
	int in[2], out[2], errp[2];
	char buf[256];
	struct sh_result r;
	sh_process *p = NULL;
	sh_spec *s = spec_sh("tr a-z A-Z; echo done >&2; exit 3");
	const char text[] = "hello through pipes\n";

	ck_assert_int_eq(pipe2(in, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(out, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(errp, O_CLOEXEC), 0);
	ck_assert_int_eq(sh_spec_map_fd(s, 0, in[0]), 0);
	ck_assert_int_eq(sh_spec_map_fd(s, 1, out[1]), 0);
	ck_assert_int_eq(sh_spec_map_fd(s, 2, errp[1]), 0);
	ck_assert_int_eq(sh_spawn(s, &p), 0);
	sh_spec_free(s);
	close(in[0]);
	close(out[1]);
	close(errp[1]);
	ck_assert_int_eq(write(in[1], text, strlen(text)), (ssize_t)strlen(text));
	close(in[1]);
	read_all(out[0], buf, sizeof(buf));
	ck_assert_str_eq(buf, "HELLO THROUGH PIPES\n");
	read_all(errp[0], buf, sizeof(buf));
	ck_assert_str_eq(buf, "done\n");
	close(out[0]);
	close(errp[0]);
	wait_ok(p, &r);
	ck_assert_int_eq(r.exit_code, 3);
	sh_process_free(p);
}
END_TEST

/* One fd given as two, and a swap through one pipe each. */
START_TEST(test_map_swap)
{
	int a[2], b[2];
	char buf[64];
	struct sh_result r;
	sh_process *p = NULL;
	sh_spec *s = spec_sh("echo out; echo err >&2; echo three >&3");

	ck_assert_int_eq(pipe2(a, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(b, O_CLOEXEC), 0);
	/* the caller's numbers 1 and 2 are what a and b land on in the
	 * helper only by accident; map the command's 1 and 2 crossed */
	ck_assert_int_eq(sh_spec_map_fd(s, 1, b[1]), 0);
	ck_assert_int_eq(sh_spec_map_fd(s, 2, a[1]), 0);
	ck_assert_int_eq(sh_spec_map_fd(s, 3, a[1]), 0);
	ck_assert_int_eq(sh_spawn(s, &p), 0);
	sh_spec_free(s);
	close(a[1]);
	close(b[1]);
	read_all(a[0], buf, sizeof(buf));
	ck_assert_str_eq(buf, "err\nthree\n");
	read_all(b[0], buf, sizeof(buf));
	ck_assert_str_eq(buf, "out\n");
	close(a[0]);
	close(b[0]);
	wait_ok(p, &r);
	ck_assert_int_eq(r.exit_code, 0);
	sh_process_free(p);
}
END_TEST

/* What every setter leaves: argv0, chdir, environment, umask 0,
 * hostname, rlimit, tmpfs, and a few options by name. */
START_TEST(test_process_options)
{
	const char *env[] = { "PATH=/usr/bin:/bin", "A=1", "B=2", NULL };
	char out[1024];
	struct sh_result r;
	sh_spec *s = spec_sh(
		"tr '\\0' ' ' </proc/$$/cmdline | cut -d' ' -f1,2; pwd; umask; "
		"echo \"A=$A B=${B-unset} C=$C\"; hostname; ulimit -n; "
		"ls -A /tmp | wc -l; echo x >/tmp/f && cat /tmp/f; "
		"env | sort | tr '\\n' ' '");

	ck_assert_int_eq(sh_spec_set_argv0(s, "renamed"), 0);
	ck_assert_int_eq(sh_spec_set_chdir(s, "/usr"), 0);
	ck_assert_int_eq(sh_spec_set_environ(s, env), 0);
	ck_assert_int_eq(sh_spec_unsetenv(s, "B"), 0);
	ck_assert_int_eq(sh_spec_setenv(s, "C", "three"), 0);
	ck_assert_int_eq(sh_spec_setenv(s, "C", "3"), 0);
	ck_assert_int_eq(sh_spec_set_umask(s, 0), 0);
	ck_assert_int_eq(sh_spec_unshare(s, SH_NS_UTS | SH_NS_MOUNT), 0);
	ck_assert_int_eq(sh_spec_set_hostname(s, "sh-test"), 0);
	ck_assert_int_eq(sh_spec_set_rlimit(s, "nofile", 100, 200), 0);
	ck_assert_int_eq(sh_spec_set_rlimit(s, "nofile", 77, 200), 0);
	ck_assert_int_eq(sh_spec_add_tmpfs(s, "/tmp"), 0);
	ck_assert_int_eq(sh_spec_set_option(s, "new-session", NULL), 0);
	run_output(s, &r, out, sizeof(out));
	ck_assert_msg(r.exit_code == 0 && !r.setup_failed,
		      "exit %d, %s: %s", r.exit_code, r.stage, r.message);
	ck_assert_str_eq(out, "renamed -c\n/usr\n0000\nA=1 B=unset C=3\n"
			      "sh-test\n77\n0\nx\n"
			      "A=1 C=3 PATH=/usr/bin:/bin PWD=/usr ");
	sh_spec_free(s);
}
END_TEST

START_TEST(test_credentials)
{
	gid_t groups[] = { 5, 7 };
	char out[256];
	struct sh_result r;
	sh_spec *s;

	if (geteuid() != 0) {
		puts("# SKIP credentials: not root");
		return;
	}
	s = spec_sh("id -u; id -g; id -G");
	ck_assert_int_eq(sh_spec_set_uid(s, 65534), 0);
	ck_assert_int_eq(sh_spec_set_gid(s, 65534), 0);
	ck_assert_int_eq(sh_spec_set_groups(s, groups, 2), 0);
	run_output(s, &r, out, sizeof(out));
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_str_eq(out, "65534\n65534\n65534 5 7\n");
	sh_spec_free(s);

	s = spec_sh("id -un; id -G");
	ck_assert_int_eq(sh_spec_set_user(s, "nobody"), 0);
	ck_assert_int_eq(sh_spec_set_group(s, "nogroup"), 0);
	run_output(s, &r, out, sizeof(out));
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_str_eq(out, "nobody\n65534\n");
	sh_spec_free(s);
}
END_TEST

/* ---- the spec's checks ---- */

static void assert_refused(sh_spec *s, int r, const char *what)
{
	ck_assert_msg(r == -EINVAL, "%s: got %d (%s), not -EINVAL", what, r,
		      r < 0 ? sh_strerror(r) : "accepted");
	ck_assert_msg(sh_spec_error(s)[0] != '\0', "%s: no message", what);
}

#define REFUSED(s, call) assert_refused(s, call, #call)

/* ---- NULL arguments: every function of spawnhelper.h ---- */

/* Each function with each of its pointers NULL in turn: -EINVAL (a
 * message too when there is a spec to keep it), never a crash. One case
 * per function, in null_cases: tests/check-symbols.sh checks that every
 * function the header declares has its NULL_CASE there. */
#define NULL_STRING_SETTER(fn)                                                 \
	static void null_##fn(sh_spec *s)                                      \
	{                                                                      \
		ck_assert_int_eq(fn(NULL, "x"), -EINVAL);                      \
		assert_refused(s, fn(s, NULL), #fn "(s, NULL)");               \
	}
#define NULL_FLAG_SETTER(fn)                                                   \
	static void null_##fn(sh_spec *s)                                      \
	{                                                                      \
		(void)s;                                                       \
		ck_assert_int_eq(fn(NULL, true), -EINVAL);                     \
		ck_assert_int_eq(fn(NULL, false), -EINVAL);                    \
	}
#define NULL_NUMBER_SETTER(fn, ...)                                            \
	static void null_##fn(sh_spec *s)                                      \
	{                                                                      \
		(void)s;                                                       \
		ck_assert_int_eq(fn(NULL, __VA_ARGS__), -EINVAL);              \
	}

NULL_STRING_SETTER(sh_spec_set_argv0)
NULL_STRING_SETTER(sh_spec_set_chdir)
NULL_STRING_SETTER(sh_spec_unsetenv)
NULL_STRING_SETTER(sh_spec_set_user)
NULL_STRING_SETTER(sh_spec_set_group)
NULL_STRING_SETTER(sh_spec_set_uid_map)
NULL_STRING_SETTER(sh_spec_set_gid_map)
NULL_STRING_SETTER(sh_spec_set_hostname)
NULL_STRING_SETTER(sh_spec_add_loopback_addr)
NULL_STRING_SETTER(sh_spec_add_tmpfs)
NULL_STRING_SETTER(sh_spec_set_chroot)
NULL_STRING_SETTER(sh_spec_set_cgroup)
NULL_STRING_SETTER(sh_spec_set_cgroup_parent)
NULL_STRING_SETTER(sh_spec_keep_caps)
NULL_STRING_SETTER(sh_spec_set_seccomp_profile)
NULL_STRING_SETTER(sh_spec_set_seccomp_policy)
NULL_STRING_SETTER(sh_spec_landlock_write)
NULL_STRING_SETTER(sh_spec_landlock_read)
NULL_FLAG_SETTER(sh_spec_set_new_session)
NULL_FLAG_SETTER(sh_spec_set_die_with_parent)
NULL_FLAG_SETTER(sh_spec_set_ns_fallback_drop)
NULL_FLAG_SETTER(sh_spec_set_map_root)
NULL_FLAG_SETTER(sh_spec_set_allow_new_privs)
NULL_FLAG_SETTER(sh_spec_set_landlock_best_effort)
NULL_NUMBER_SETTER(sh_spec_map_fd, 1, 1)
NULL_NUMBER_SETTER(sh_spec_set_umask, 022)
NULL_NUMBER_SETTER(sh_spec_set_uid, 0)
NULL_NUMBER_SETTER(sh_spec_set_gid, 0)
NULL_NUMBER_SETTER(sh_spec_unshare, SH_NS_NET)
NULL_NUMBER_SETTER(sh_spec_set_seccomp_bpf, -1)

static void null_sh_spec_clearenv(sh_spec *s)
{
	(void)s;
	ck_assert_int_eq(sh_spec_clearenv(NULL), -EINVAL);
}

/* 0 is "no limit": a path of its own in each */
static void null_sh_spec_set_memory_max(sh_spec *s)
{
	(void)s;
	ck_assert_int_eq(sh_spec_set_memory_max(NULL, 0), -EINVAL);
	ck_assert_int_eq(sh_spec_set_memory_max(NULL, 1 << 20), -EINVAL);
}

static void null_sh_spec_set_pids_max(sh_spec *s)
{
	(void)s;
	ck_assert_int_eq(sh_spec_set_pids_max(NULL, 0), -EINVAL);
	ck_assert_int_eq(sh_spec_set_pids_max(NULL, 10), -EINVAL);
}

static void null_sh_spec_set_cpu_max(sh_spec *s)
{
	(void)s;
	ck_assert_int_eq(sh_spec_set_cpu_max(NULL, 0), -EINVAL);
	ck_assert_int_eq(sh_spec_set_cpu_max(NULL, 500), -EINVAL);
}

static void null_sh_spec_set_timeout(sh_spec *s)
{
	(void)s;
	ck_assert_int_eq(sh_spec_set_timeout(NULL, 0, 0), -EINVAL);
	ck_assert_int_eq(sh_spec_set_timeout(NULL, 1000, 100), -EINVAL);
}

static void null_sh_spec_new(sh_spec *s)
{
	ck_assert_ptr_nonnull(s); /* the case's own */
}

static void null_sh_spec_free(sh_spec *s)
{
	(void)s;
	sh_spec_free(NULL);
}

static void null_sh_spec_error(sh_spec *s)
{
	const char *e = sh_spec_error(NULL);

	(void)s;
	ck_assert_ptr_nonnull(e);
	ck_assert_str_ne(e, "");
	ck_assert_str_eq(sh_spec_error(NULL), e); /* fixed */
}

static void null_sh_spec_set_argv(sh_spec *s)
{
	ck_assert_int_eq(sh_spec_set_argv(NULL, true_argv), -EINVAL);
	assert_refused(s, sh_spec_set_argv(s, NULL), "argv NULL");
}

static void null_sh_spec_setenv(sh_spec *s)
{
	ck_assert_int_eq(sh_spec_setenv(NULL, "A", "1"), -EINVAL);
	assert_refused(s, sh_spec_setenv(s, NULL, "1"), "name NULL");
	assert_refused(s, sh_spec_setenv(s, "A", NULL), "value NULL");
}

static void null_sh_spec_set_environ(sh_spec *s)
{
	const char *env[] = { "A=1", NULL };

	ck_assert_int_eq(sh_spec_set_environ(NULL, env), -EINVAL);
	/* documented: no variables at all */
	ck_assert_int_eq(sh_spec_set_environ(s, NULL), 0);
}

static void null_sh_spec_set_groups(sh_spec *s)
{
	const gid_t groups[] = { 5 };

	ck_assert_int_eq(sh_spec_set_groups(NULL, groups, 1), -EINVAL);
	assert_refused(s, sh_spec_set_groups(s, NULL, 3), "groups NULL, 3");
	/* no groups at all */
	ck_assert_int_eq(sh_spec_set_groups(s, NULL, 0), 0);
}

static void null_sh_spec_join_ns(sh_spec *s)
{
	ck_assert_int_eq(sh_spec_join_ns(NULL, SH_NS_NET, "/proc/self/ns/net"),
			 -EINVAL);
	assert_refused(s, sh_spec_join_ns(s, SH_NS_NET, NULL), "path NULL");
}

static void null_sh_spec_add_bind(sh_spec *s)
{
	ck_assert_int_eq(sh_spec_add_bind(NULL, "/usr", "/mnt", true), -EINVAL);
	assert_refused(s, sh_spec_add_bind(s, NULL, "/mnt", true), "source");
	assert_refused(s, sh_spec_add_bind(s, "/usr", NULL, false), "dest");
}

static void null_sh_spec_set_rlimit(sh_spec *s)
{
	ck_assert_int_eq(sh_spec_set_rlimit(NULL, "nofile", 64, 64), -EINVAL);
	assert_refused(s, sh_spec_set_rlimit(s, NULL, 64, 64), "name NULL");
}

static void null_sh_spec_set_option(sh_spec *s)
{
	ck_assert_int_eq(sh_spec_set_option(NULL, "umask", "022"), -EINVAL);
	ck_assert_int_eq(sh_spec_set_option(NULL, "setenv", "A=1"), -EINVAL);
	ck_assert_int_eq(sh_spec_set_option(NULL, NULL, NULL), -EINVAL);
	assert_refused(s, sh_spec_set_option(s, NULL, "x"), "name NULL");
	assert_refused(s, sh_spec_set_option(s, "setenv", NULL), "setenv");
}

static void null_sh_spawn(sh_spec *s)
{
	sh_process *p = NULL;

	ck_assert_int_eq(sh_spawn(NULL, &p), -EINVAL);
	ck_assert_ptr_null(p);
	ck_assert_int_eq(sh_spawn(s, NULL), -EINVAL);
}

static void null_sh_process_pid(sh_spec *s)
{
	(void)s;
	ck_assert_int_eq(sh_process_pid(NULL), -EINVAL);
}

static void null_sh_process_status_fd(sh_spec *s)
{
	(void)s;
	ck_assert_int_eq(sh_process_status_fd(NULL), -EINVAL);
}

static void null_sh_process_kill(sh_spec *s)
{
	(void)s;
	ck_assert_int_eq(sh_process_kill(NULL, SIGTERM), -EINVAL);
	ck_assert_int_eq(sh_process_kill(NULL, 0), -EINVAL);
}

static void null_sh_wait(sh_spec *s)
{
	struct sh_result r;
	sh_process *p = NULL;

	ck_assert_int_eq(sh_wait(NULL, &r, 0), -EINVAL);
	ck_assert_int_eq(sh_wait(NULL, NULL, SH_WAIT_NOHANG), -EINVAL);
	ck_assert_int_eq(sh_spec_set_argv(s, true_argv), 0);
	ck_assert_int_eq(sh_spawn(s, &p), 0);
	ck_assert_int_eq(sh_wait(p, NULL, 0), -EINVAL);
	wait_ok(p, &r);
	ck_assert_int_eq(r.exit_code, 0);
	sh_process_free(p);
}

/* a size below the first release's struct is refused; no pointer in */
static void null_sh_wait_result(sh_spec *s)
{
	struct sh_result r;

	(void)s;
	ck_assert_int_eq(sh_wait_result(NULL, &r, sizeof(r), 0), -EINVAL);
	ck_assert_int_eq(sh_wait_result(NULL, NULL, sizeof(r), 0), -EINVAL);
	ck_assert_uint_eq(sh_result_size(), sizeof(r));
}

static void null_sh_result_size(sh_spec *s)
{
	(void)s;
	ck_assert_uint_ge(sh_result_size(), sizeof(struct sh_result));
}

static void null_sh_process_free(sh_spec *s)
{
	(void)s;
	sh_process_free(NULL);
}

static void null_sh_probe(sh_spec *s)
{
	(void)s;
	ck_assert_int_eq(sh_probe(NULL), -EINVAL);
}

/* no pointer in: never NULL out */
static void null_sh_strerror(sh_spec *s)
{
	(void)s;
	ck_assert_ptr_nonnull(sh_strerror(0));
	ck_assert_ptr_nonnull(sh_strerror(-EINVAL));
	ck_assert_ptr_nonnull(sh_strerror(INT_MIN));
}

#define NULL_CASE(fn) { #fn, null_##fn }
static const struct null_case {
	const char *name;
	void (*check)(sh_spec *s);
} null_cases[] = {
	NULL_CASE(sh_spec_new),
	NULL_CASE(sh_spec_free),
	NULL_CASE(sh_spec_error),
	NULL_CASE(sh_spec_set_argv),
	NULL_CASE(sh_spec_set_argv0),
	NULL_CASE(sh_spec_set_chdir),
	NULL_CASE(sh_spec_clearenv),
	NULL_CASE(sh_spec_setenv),
	NULL_CASE(sh_spec_unsetenv),
	NULL_CASE(sh_spec_set_environ),
	NULL_CASE(sh_spec_map_fd),
	NULL_CASE(sh_spec_set_umask),
	NULL_CASE(sh_spec_set_new_session),
	NULL_CASE(sh_spec_set_die_with_parent),
	NULL_CASE(sh_spec_set_user),
	NULL_CASE(sh_spec_set_uid),
	NULL_CASE(sh_spec_set_group),
	NULL_CASE(sh_spec_set_gid),
	NULL_CASE(sh_spec_set_groups),
	NULL_CASE(sh_spec_unshare),
	NULL_CASE(sh_spec_join_ns),
	NULL_CASE(sh_spec_set_ns_fallback_drop),
	NULL_CASE(sh_spec_set_map_root),
	NULL_CASE(sh_spec_set_uid_map),
	NULL_CASE(sh_spec_set_gid_map),
	NULL_CASE(sh_spec_set_hostname),
	NULL_CASE(sh_spec_add_loopback_addr),
	NULL_CASE(sh_spec_add_bind),
	NULL_CASE(sh_spec_add_tmpfs),
	NULL_CASE(sh_spec_set_chroot),
	NULL_CASE(sh_spec_set_cgroup),
	NULL_CASE(sh_spec_set_cgroup_parent),
	NULL_CASE(sh_spec_set_memory_max),
	NULL_CASE(sh_spec_set_pids_max),
	NULL_CASE(sh_spec_set_cpu_max),
	NULL_CASE(sh_spec_set_timeout),
	NULL_CASE(sh_spec_keep_caps),
	NULL_CASE(sh_spec_set_allow_new_privs),
	NULL_CASE(sh_spec_set_seccomp_profile),
	NULL_CASE(sh_spec_set_seccomp_policy),
	NULL_CASE(sh_spec_set_seccomp_bpf),
	NULL_CASE(sh_spec_landlock_write),
	NULL_CASE(sh_spec_landlock_read),
	NULL_CASE(sh_spec_set_landlock_best_effort),
	NULL_CASE(sh_spec_set_rlimit),
	NULL_CASE(sh_spec_set_option),
	NULL_CASE(sh_spawn),
	NULL_CASE(sh_process_pid),
	NULL_CASE(sh_process_status_fd),
	NULL_CASE(sh_process_kill),
	NULL_CASE(sh_wait),
	NULL_CASE(sh_wait_result),
	NULL_CASE(sh_result_size),
	NULL_CASE(sh_process_free),
	NULL_CASE(sh_probe),
	NULL_CASE(sh_strerror),
};

START_TEST(test_null_arguments)
{
	const struct null_case *c = &null_cases[_i];
	sh_spec *s = sh_spec_new();

	printf("# %s with NULL arguments\n", c->name);
	c->check(s);
	sh_spec_free(s);
}
END_TEST

START_TEST(test_setters_refuse)
{
	const char *empty[] = { NULL };
	const char *bad_env[] = { "NOEQUALS", NULL };
	const char *bad_env2[] = { "=value", NULL };
	sh_spec *s = sh_spec_new();

	ck_assert_str_eq(sh_spec_error(s), "");
	REFUSED(s, sh_spec_set_argv(s, NULL));
	REFUSED(s, sh_spec_set_argv(s, empty));
	REFUSED(s, sh_spec_set_environ(s, bad_env));
	REFUSED(s, sh_spec_set_environ(s, bad_env2));
	REFUSED(s, sh_spec_setenv(s, NULL, "x"));
	REFUSED(s, sh_spec_setenv(s, "A=B", "x"));
	REFUSED(s, sh_spec_unsetenv(s, NULL));
	REFUSED(s, sh_spec_unsetenv(s, "A=B"));
	REFUSED(s, sh_spec_map_fd(s, -1, 1));
	REFUSED(s, sh_spec_map_fd(s, 1, -5));
	ck_assert_int_eq(sh_spec_map_fd(s, 1, 1), 0);
	ck_assert_str_eq(sh_spec_error(s), "");
	REFUSED(s, sh_spec_map_fd(s, 1, 2)); /* child 1 mapped twice */
	ck_assert_ptr_nonnull(strstr(sh_spec_error(s), "--fd"));
	REFUSED(s, sh_spec_set_umask(s, 01000));
	REFUSED(s, sh_spec_unshare(s, 1u << 20));
	REFUSED(s, sh_spec_join_ns(s, SH_NS_NET | SH_NS_PID, "/proc/self/ns/net"));
	REFUSED(s, sh_spec_join_ns(s, 0, "/proc/self/ns/net"));
	REFUSED(s, sh_spec_set_uid_map(s, "not a map"));
	REFUSED(s, sh_spec_set_gid_map(s, "0 1"));
	REFUSED(s, sh_spec_set_hostname(s, ""));
	REFUSED(s, sh_spec_set_hostname(s, "a-name-longer-than-the-64-characters-"
					   "that-the-kernel-allows-as-hostname"));
	REFUSED(s, sh_spec_add_loopback_addr(s, "not-an-address"));
	REFUSED(s, sh_spec_add_loopback_addr(s, "10.0.0.2/99"));
	REFUSED(s, sh_spec_add_bind(s, NULL, "/mnt", false));
	REFUSED(s, sh_spec_add_tmpfs(s, "relative/path"));
	REFUSED(s, sh_spec_set_timeout(s, 1000, 0) == 0 ?
			   sh_spec_set_option(s, "timeout", "-1") : 0);
	REFUSED(s, sh_spec_set_seccomp_profile(s, "no-such-profile"));
	REFUSED(s, sh_spec_set_rlimit(s, "no-such-limit", 1, 1));
	REFUSED(s, sh_spec_set_rlimit(s, "nofile", 10, 5)); /* soft > hard */
	REFUSED(s, sh_spec_set_rlimit(s, NULL, 1, 1));
	REFUSED(s, sh_spec_keep_caps(s, "cap_no_such_thing"));
	REFUSED(s, sh_spec_set_option(s, NULL, NULL));
	REFUSED(s, sh_spec_set_option(s, "no-such-option", "x"));
	ck_assert_ptr_nonnull(strstr(sh_spec_error(s), "no-such-option"));
	REFUSED(s, sh_spec_set_option(s, "umask", NULL)); /* needs a value */
	REFUSED(s, sh_spec_set_option(s, "spec-fd", "3")); /* CLI only */
	REFUSED(s, sh_spec_set_option(s, "help", NULL));
	/* a setter that succeeds clears the message */
	ck_assert_int_eq(sh_spec_set_umask(s, 022), 0);
	ck_assert_str_eq(sh_spec_error(s), "");
	sh_spec_free(s);
	sh_spec_free(NULL);
}
END_TEST

/* A refused setter leaves what was set before as it was. */
START_TEST(test_refused_setter_keeps_state)
{
	const char *half[] = { "X=1", "not-an-entry", NULL };
	char out[256];
	struct sh_result r;
	sh_spec *s = spec_sh("ulimit -n; echo \"A=${A-unset} HOME=${HOME-unset} "
			     "X=${X-unset}\"");

	ck_assert_int_eq(sh_spec_set_rlimit(s, "nofile", 100, 100), 0);
	REFUSED(s, sh_spec_set_rlimit(s, "nofile", 200, 100));
	ck_assert_int_eq(sh_spec_setenv(s, "A", "B"), 0);
	REFUSED(s, sh_spec_unsetenv(s, "A=B"));
	REFUSED(s, sh_spec_unsetenv(s, ""));
	ck_assert_int_eq(sh_spec_setenv(s, "HOME", "/h"), 0);
	REFUSED(s, sh_spec_set_environ(s, half));
	run_output(s, &r, out, sizeof(out));
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_str_eq(out, "100\nA=B HOME=/h X=unset\n");
	sh_spec_free(s);
}
END_TEST

/* sh_spec_set_timeout(t, 0) is the default grace, whatever came before:
 * a command that takes a second to end after SIGTERM ends by itself,
 * not by the SIGKILL an earlier 100 ms grace would send. */
START_TEST(test_timeout_default_grace_again)
{
	struct sh_result r;
	sh_spec *s = spec_sh("trap 'sleep 1; exit 3' TERM; sleep 30 & wait");

	ck_assert_int_eq(sh_spec_set_timeout(s, 300, 100), 0);
	ck_assert_int_eq(sh_spec_set_timeout(s, 300, 0), 0);
	run(s, &r);
	ck_assert(r.timed_out);
	ck_assert_msg(r.exit_code == 3 && r.signal == 0,
		      "exit %d signal %d", r.exit_code, r.signal);
	sh_spec_free(s);
}
END_TEST

/* Values longer than any fixed buffer reach the helper whole; a bind
 * source with ':' (the option's separator) is refused. */
START_TEST(test_long_and_odd_values)
{
	char source[300], *slash;
	struct sh_result r;
	sh_spec *s = spec_argv(true_argv);

	memset(source, 'd', sizeof(source));
	memcpy(source, "/nonexistent/", 13);
	slash = source + sizeof(source) - 12;
	memcpy(slash, "/end-marker", 12); /* with its NUL */
	ck_assert_int_eq(sh_spec_unshare(s, SH_NS_MOUNT), 0);
	ck_assert_int_eq(sh_spec_add_bind(s, source, "/mnt", false), 0);
	run(s, &r);
	ck_assert_int_eq(r.exit_code, 125);
	ck_assert_msg(strstr(r.message, source) != NULL,
		      "the whole source not in: %s", r.message);
	REFUSED(s, sh_spec_add_bind(s, "/tmp/a:b", "/mnt", true));
	sh_spec_free(s);
}
END_TEST

/* A spec larger than the helper reads is refused by sh_spawn, which
 * starts nothing. */
START_TEST(test_spec_too_large)
{
	static char value[1024 * 1024];
	sh_process *p = NULL;
	sh_spec *s = spec_argv(true_argv);
	char name[16];

	memset(value, 'x', sizeof(value) - 1);
	for (int i = 0; i < 17; i++) {
		snprintf(name, sizeof(name), "BIG%d", i);
		ck_assert_int_eq(sh_spec_setenv(s, name, value), 0);
	}
	ck_assert_int_eq(sh_spawn(s, &p), -E2BIG);
	ck_assert_ptr_null(p);
	ck_assert_int_eq(waitpid(-1, NULL, WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
	sh_spec_free(s);
}
END_TEST

/* A caller that ignores SIGCHLD (the kernel reaps its children) gets
 * the result from the helper's last record. */
START_TEST(test_sigchld_ignored)
{
	struct sh_result r;
	sh_spec *f = spec_argv(false_argv);
	sh_spec *k = spec_sh("kill -9 $$");

	signal(SIGCHLD, SIG_IGN);
	run(f, &r);
	ck_assert_int_eq(r.exit_code, 1);
	ck_assert_int_eq(r.signal, 0);
	run(k, &r);
	ck_assert_int_eq(r.signal, SIGKILL);
	ck_assert_int_eq(r.exit_code, 128 + SIGKILL);
	signal(SIGCHLD, SIG_DFL);
	sh_spec_free(f);
	sh_spec_free(k);
}
END_TEST

/* The fds the helper gets are numbered 3, 4...: a mapped fd just below
 * RLIMIT_NOFILE is handed over without a copy above the limit. */
START_TEST(test_fd_near_nofile_limit)
{
	struct rlimit lim = { 64, 64 };
	char out[64];
	int fds[2];
	sh_process *p = NULL;
	struct sh_result r;
	sh_spec *s = spec_sh("echo hi");

	if (getenv("SH_LIB_VALGRIND")) {
		/* it keeps fds of its own near the limit */
		puts("# valgrind: RLIMIT_NOFILE cannot be lowered to 64");
		sh_spec_free(s);
		return;
	}
	ck_assert_int_eq(pipe2(fds, O_CLOEXEC), 0);
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &lim), 0);
	ck_assert_int_eq(dup3(fds[1], 63, O_CLOEXEC), 63);
	close(fds[1]);
	ck_assert_int_eq(sh_spec_map_fd(s, 1, 63), 0);
	ck_assert_int_eq(sh_spawn(s, &p), 0);
	close(63);
	read_all(fds[0], out, sizeof(out));
	wait_ok(p, &r);
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_str_eq(out, "hi\n");
	sh_process_free(p);
	close(fds[0]);
	sh_spec_free(s);
}
END_TEST

/* A process the caller forks (without exec) while sh_spawn holds the
 * status pipe's write end keeps it open after the helper is gone:
 * sh_wait must return all the same. The holders never exit, so a wait
 * for EOF hangs (the test's timeout fails it). */
static volatile int forking = 1;
static pid_t holders[400];
static int n_holders;

static void *fork_holders(void *arg)
{
	(void)arg;
	while (forking && n_holders < 400) {
		pid_t pid = fork();

		if (pid == 0) {
			pause();
			_exit(0);
		}
		if (pid > 0)
			holders[n_holders++] = pid;
		usleep(500);
	}
	return NULL;
}

START_TEST(test_wait_with_forked_holder)
{
	pthread_t thread;
	struct sh_result r;
	sh_spec *s = spec_argv(true_argv);
	int pidfd = (int)syscall(SYS_pidfd_open, getpid(), 0);

	if (pidfd < 0 && errno == ENOSYS) {
		/* then sh_wait waits for EOF, which such a holder delays */
		puts("# no pidfd_open (valgrind, or Linux < 5.3): not tested");
		sh_spec_free(s);
		return;
	}
	if (pidfd >= 0)
		close(pidfd);
	ck_assert_int_eq(pthread_create(&thread, NULL, fork_holders, NULL), 0);
	for (int i = 0; i < 60; i++)
		run(s, &r);
	forking = 0;
	pthread_join(thread, NULL);
	for (int i = 0; i < n_holders; i++) {
		kill(holders[i], SIGKILL);
		waitpid(holders[i], NULL, 0);
	}
	sh_spec_free(s);
}
END_TEST

/* Every setter once with a good value. */
START_TEST(test_setters_accept)
{
	gid_t g = 0;
	sh_spec *s = spec_argv(true_argv);

#define OK(call) ck_assert_msg((call) == 0, "%s: %s", #call, sh_spec_error(s))
	OK(sh_spec_set_argv0(s, "x"));
	OK(sh_spec_set_chdir(s, "/"));
	OK(sh_spec_clearenv(s));
	OK(sh_spec_setenv(s, "A", "1"));
	OK(sh_spec_unsetenv(s, "B"));
	OK(sh_spec_map_fd(s, 0, 0));
	OK(sh_spec_set_umask(s, 0777));
	OK(sh_spec_set_new_session(s, true));
	OK(sh_spec_set_die_with_parent(s, true));
	OK(sh_spec_set_uid(s, 0));
	OK(sh_spec_set_gid(s, 0));
	OK(sh_spec_set_groups(s, &g, 1));
	OK(sh_spec_set_groups(s, NULL, 0));
	OK(sh_spec_unshare(s, SH_NS_ALL | SH_NS_USER | SH_NS_TIME));
	OK(sh_spec_join_ns(s, SH_NS_IPC, "/proc/self/ns/ipc"));
	OK(sh_spec_set_ns_fallback_drop(s, true));
	OK(sh_spec_set_map_root(s, true));
	OK(sh_spec_set_uid_map(s, "0 100000 65536"));
	OK(sh_spec_set_gid_map(s, "0 100000 65536,65536 1000 1"));
	OK(sh_spec_set_hostname(s, "box"));
	OK(sh_spec_add_loopback_addr(s, "10.1.2.3/8"));
	OK(sh_spec_add_loopback_addr(s, "fd00::2/64"));
	OK(sh_spec_add_bind(s, "/usr", "/usr", true));
	OK(sh_spec_add_bind(s, "/tmp", "/tmp", false));
	OK(sh_spec_add_tmpfs(s, "/run"));
	OK(sh_spec_set_chroot(s, "/"));
	OK(sh_spec_set_cgroup_parent(s, "/sys/fs/cgroup"));
	OK(sh_spec_set_memory_max(s, 1 << 30));
	OK(sh_spec_set_memory_max(s, 0));
	OK(sh_spec_set_pids_max(s, 100));
	OK(sh_spec_set_cpu_max(s, 1500));
	OK(sh_spec_set_timeout(s, 1500, 250));
	OK(sh_spec_set_timeout(s, 0, 0));
	OK(sh_spec_keep_caps(s, "cap_chown,cap_net_raw"));
	OK(sh_spec_set_allow_new_privs(s, true));
	OK(sh_spec_set_seccomp_profile(s, "strict"));
	OK(sh_spec_landlock_write(s, "/tmp"));
	OK(sh_spec_landlock_read(s, "/usr"));
	OK(sh_spec_set_landlock_best_effort(s, true));
	OK(sh_spec_set_rlimit(s, "core", 0, (uint64_t)-1));
	OK(sh_spec_set_option(s, "kill-after", "2"));
#undef OK
	ck_assert_str_eq(sh_spec_error(s), "");
	sh_spec_free(s);
}
END_TEST

/* A contradiction the setters cannot see is the helper's to refuse:
 * stage "spec", exit 125, nothing run. */
START_TEST(test_spec_error_at_spawn)
{
	struct sh_result r;
	sh_spec *s = spec_argv(true_argv);

	ck_assert_int_eq(sh_spec_set_option(s, "hostname", "x"), 0);
	run(s, &r);
	ck_assert(r.setup_failed);
	ck_assert_str_eq(r.stage, "spec");
	ck_assert_int_eq(r.error, EINVAL);
	ck_assert_int_eq(r.exit_code, 125);
	ck_assert_int_eq(r.command_pid, 0);
	ck_assert_ptr_nonnull(strstr(r.message, "hostname"));
	sh_spec_free(s);
}
END_TEST

START_TEST(test_bad_parent_fd)
{
	struct fd_state before[MAX_FDS], after[MAX_FDS];
	sh_process *p = NULL;
	sh_spec *s = spec_argv(true_argv);
	int fd, nb, na;

	/* the lowest free number, closed right before sh_spawn: the
	 * library's own fds must not make it look open */
	fd = fcntl(1, F_DUPFD_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(sh_spec_map_fd(s, 1, fd), 0);
	close(fd);
	ck_assert_int_eq(sh_spawn(s, &p), -EBADF);
	ck_assert_ptr_null(p);
	sh_spec_free(s);

	/* a high one; nothing is left open after the failure */
	s = spec_argv(true_argv);
	fd = fcntl(1, F_DUPFD_CLOEXEC, 200);
	ck_assert_int_ge(fd, 200);
	ck_assert_int_eq(sh_spec_map_fd(s, 0, 0), 0);
	ck_assert_int_eq(sh_spec_map_fd(s, 1, fd), 0);
	close(fd);
	nb = fd_snapshot(before, MAX_FDS);
	ck_assert_int_eq(sh_spawn(s, &p), -EBADF);
	ck_assert_ptr_null(p);
	na = fd_snapshot(after, MAX_FDS);
	fd_assert_same(before, nb, after, na);
	sh_spec_free(s);
}
END_TEST

/* The library hands the helper its fds under other numbers (3, 4...):
 * a message names them by the caller's (issue 12). */
START_TEST(test_messages_name_caller_fds)
{
	struct rlimit lim;
	struct sh_result r;
	char want[64];
	sh_spec *s = spec_argv(true_argv);
	int fd = fcntl(1, F_DUPFD_CLOEXEC, 200), bpf[2];

	ck_assert_int_ge(fd, 200);
	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &lim), 0);
	/* a CHILD at the limit: refused, naming the PARENT (not under
	 * valgrind, which reports a soft limit below the one the helper
	 * gets: it keeps fds of its own at the top) */
	if (!getenv("SH_LIB_VALGRIND")) {
		ck_assert_int_eq(sh_spec_map_fd(s, (int)lim.rlim_cur, fd), 0);
		run(s, &r);
		snprintf(want, sizeof(want), "--fd %d=%d:", (int)lim.rlim_cur,
			 fd);
		ck_assert_str_eq(r.stage, "spec");
		ck_assert_msg(strstr(r.message, want) != NULL,
			      "`%s` not in: %s", want, r.message);
	}
	sh_spec_free(s);

	/* three bytes are no BPF program */
	s = spec_argv(true_argv);
	ck_assert_int_eq(pipe2(bpf, O_CLOEXEC), 0);
	ck_assert_int_eq(dup3(bpf[0], fd, O_CLOEXEC), fd);
	close(bpf[0]);
	ck_assert_int_eq(write(bpf[1], "abc", 3), 3);
	close(bpf[1]);
	ck_assert_int_eq(sh_spec_set_seccomp_bpf(s, fd), 0);
	run(s, &r);
	snprintf(want, sizeof(want), "--seccomp-bpf %d:", fd);
	ck_assert_str_eq(r.stage, "spec");
	ck_assert_msg(strstr(r.message, want) != NULL, "`%s` not in: %s",
		      want, r.message);
	close(fd);
	sh_spec_free(s);
}
END_TEST

START_TEST(test_helper_missing)
{
	struct fd_state before[MAX_FDS], after[MAX_FDS];
	char *saved = getenv("SPAWNHELPER_PATH");
	sh_process *p = NULL;
	sh_spec *s = spec_argv(true_argv);
	int nb, na, e;

	saved = saved ? strdup(saved) : NULL;
	setenv("SPAWNHELPER_PATH", "/nonexistent", 1);
	nb = fd_snapshot(before, MAX_FDS);
	e = sh_spawn(s, &p);
	na = fd_snapshot(after, MAX_FDS);
	if (saved)
		setenv("SPAWNHELPER_PATH", saved, 1);
	else
		unsetenv("SPAWNHELPER_PATH");
	free(saved);
	if (e == 0 && getenv("SH_LIB_VALGRIND")) {
		struct sh_result r;

		/* valgrind runs posix_spawn as fork and exec: the exec's
		 * error cannot come back, only the child's exit 127. The
		 * spawn left the status fd alone, sh_wait reports the 127
		 * with no record (-EPROTO), and freeing the process closes
		 * the fd. */
		puts("# valgrind: a missing helper is exit 127, not -ENOENT");
		ck_assert_ptr_nonnull(p);
		ck_assert_int_eq(na, nb + 1);
		ck_assert_ptr_nonnull(
			fd_find(after, na, sh_process_status_fd(p)));
		ck_assert_int_eq(sh_wait(p, &r, 0), -EPROTO);
		ck_assert_int_eq(r.exit_code, 127);
		ck_assert(!r.setup_failed);
		ck_assert_int_eq(r.command_pid, 0);
		sh_process_free(p);
		p = NULL;
		na = fd_snapshot(after, MAX_FDS);
	} else {
		ck_assert_msg(e == -ENOENT, "sh_spawn: %d", e);
	}
	ck_assert_ptr_null(p);
	fd_assert_same(before, nb, after, na);
	ck_assert_int_eq(sh_spawn(NULL, &p), -EINVAL);
	ck_assert_int_eq(sh_spawn(s, NULL), -EINVAL);
	sh_spec_free(s);
}
END_TEST

/* ---- a helper the library cannot trust ---- */

/* The status pipe is the helper's fd 4 (sh_spawn: 3 the spec, 4 the
 * status pipe). What a script in the helper's place writes there, and
 * what sh_wait makes of it. */
static const struct untrusted {
	const char *what, *script;
	int wait; /* sh_wait's return */
	int exit_code, signal;
} untrusted[] = {
	/* the control: a record as the helper writes it is believed */
	{ "one final record", "echo '{\"exit-code\":3}' >&4; exit 3", 0, 3, 0 },
	/* a helper killed has no chance to write one */
	{ "killed", "kill -9 $$", 0, 128 + SIGKILL, SIGKILL },
	/* sh_process_kill(SIGKILL)'s request (signal 63) reaching a helper
	 * before its handler: a kill all the same, not signal 63 */
	{ "killed by the kill request before its handler",
	  "kill -63 $$", 0, 128 + SIGKILL, SIGKILL },
	{ "exits 0 without a record", "exit 0", -EPROTO, 0, 0 },
	{ "exits 0 after the started record only",
	  "echo '{\"child-pid\":1,\"command-pid\":1}' >&4", -EPROTO, 0, 0 },
	{ "a truncated record",
	  "printf '{\"child-pid\":1}\\n{\"exit-code\":0' >&4", -EPROTO, 0, 0 },
	/* without end: stopped at the bound, the writer killed and
	 * reaped; the same error again after */
	{ "records without end", "exec yes '{\"exit-code\":0}' >&4",
	  -EMSGSIZE, -1, -1 },
	{ "a line without end", "exec tr '\\0' x </dev/zero >&4", -EMSGSIZE,
	  -1, -1 },
};

/* ASan reserves terabytes of address space for its shadow (GCC says
 * so with __SANITIZE_ADDRESS__, clang with __has_feature). */
#if defined(__SANITIZE_ADDRESS__)
#define ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ASAN 1
#endif
#endif

/* A library that reads without bound fails with -ENOMEM at this limit
 * instead of taking the machine's memory; valgrind and ASan need their
 * address space. */
static void limit_address_space(void)
{
#ifndef ASAN
	struct rlimit lim = { 1ul << 30, 1ul << 30 };

	if (!getenv("SH_LIB_VALGRIND"))
		ck_assert_int_eq(setrlimit(RLIMIT_AS, &lim), 0);
#endif
}

START_TEST(test_untrusted_helper)
{
	const struct untrusted *u = &untrusted[_i];
	struct sh_result r;
	struct wrapper w;
	sh_process *p = NULL;
	sh_spec *s = spec_argv(true_argv);
	char out[16];
	int e;

	printf("# a helper whose status is: %s\n", u->what);
	limit_address_space();
	fake_helper(&w, u->script);
	e = sh_spawn(s, &p);
	ck_assert_msg(e == 0, "sh_spawn: %s", sh_strerror(e));
	e = sh_wait(p, &r, 0);
	unwrap_helper(&w, out, sizeof(out)); /* the script is read by now */
	ck_assert_msg(e == u->wait, "%s: sh_wait %d (%s), not %d", u->what, e,
		      sh_strerror(e), u->wait);
	if (u->exit_code >= 0) {
		ck_assert_int_eq(r.exit_code, u->exit_code);
		ck_assert_int_eq(r.signal, u->signal);
		ck_assert(!r.setup_failed);
	}
	ck_assert_int_eq(sh_wait(p, &r, 0), u->wait);
	/* nothing left running or unreaped */
	ck_assert_int_eq(sh_process_kill(p, 0), -ESRCH);
	ck_assert_int_eq(waitpid(-1, NULL, WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
	sh_process_free(p);
	sh_spec_free(s);
}
END_TEST

/* The same bound for what spawn-helper --probe prints. */
START_TEST(test_probe_without_end)
{
	const struct sh_probe *probe = NULL;
	struct wrapper w;
	char out[16];
	int e;

	limit_address_space();
	fake_helper(&w, "exec yes '{\"privileged\":true}'");
	e = sh_probe(&probe);
	unwrap_helper(&w, out, sizeof(out));
	ck_assert_msg(e == -EMSGSIZE, "sh_probe: %d (%s)", e, sh_strerror(e));
	ck_assert_int_eq(waitpid(-1, NULL, WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
}
END_TEST

START_TEST(test_strerror)
{
	ck_assert_str_eq(sh_strerror(-ENOENT), "No such file or directory");
	ck_assert_str_eq(sh_strerror(ENOENT), "No such file or directory");
	ck_assert_str_eq(sh_strerror(-EAGAIN), sh_strerror(EAGAIN));
	/* no errno: a text all the same, for callers that print it */
	ck_assert_str_eq(sh_strerror(-9999), "unknown error");
	ck_assert_str_eq(sh_strerror(9999), "unknown error");
	ck_assert_str_eq(sh_strerror(INT_MIN), "unknown error");
	ck_assert_str_eq(sh_strerror(INT_MAX), "unknown error");
}
END_TEST

/* The spec reaches the helper in a sealed memfd, which it still reads. */
START_TEST(test_spec_sealed)
{
	char line[4200], out[64];
	struct sh_result r;
	struct wrapper w;
	sh_spec *s = spec_argv(false_argv);

	snprintf(line, sizeof(line), "'%s' --print-seals 3", self_path);
	wrap_helper(&w, line);
	run(s, &r);
	unwrap_helper(&w, out, sizeof(out));
	ck_assert_int_eq(r.exit_code, 1);
	ck_assert(!r.setup_failed);
	/* F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE */
	ck_assert_str_eq(out, "seals 0xf\n");
	sh_spec_free(s);
}
END_TEST

/* ---- waiting, polling, signals ---- */

/* Wait until fd is readable; false after timeout_ms. */
static bool readable(int fd, int timeout_ms)
{
	struct pollfd pfd = { fd, POLLIN, 0 };
	int n;

	do
		n = poll(&pfd, 1, timeout_ms);
	while (n < 0 && errno == EINTR);
	ck_assert_int_ge(n, 0);
	return n > 0;
}

START_TEST(test_wait_nohang)
{
	int in[2];
	struct sh_result r;
	sh_process *p = NULL;
	sh_spec *s = spec_sh("read x; exit 0");
	int e;

	ck_assert_int_eq(pipe2(in, O_CLOEXEC), 0);
	ck_assert_int_eq(sh_spec_map_fd(s, 0, in[0]), 0);
	ck_assert_int_eq(sh_spawn(s, &p), 0);
	sh_spec_free(s);
	close(in[0]);
	ck_assert_int_gt(sh_process_pid(p), 0);
	e = sh_wait(p, &r, SH_WAIT_NOHANG);
	ck_assert_msg(e == -EAGAIN, "sh_wait: %d, exit %d %s %s", e,
		      r.exit_code, r.stage, r.message);
	usleep(50000);
	e = sh_wait(p, &r, SH_WAIT_NOHANG);
	ck_assert_msg(e == -EAGAIN, "sh_wait: %d, exit %d signal %d %s %s", e,
		      r.exit_code, r.signal, r.stage, r.message);
	ck_assert_int_eq(sh_wait(p, &r, 0x100), -EINVAL);
	ck_assert_int_eq(sh_wait(p, NULL, 0), -EINVAL);
	/* read ends at EOF: sh_wait blocks until then */
	close(in[1]);
	wait_ok(p, &r);
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_int_gt(r.command_pid, 0);
	/* again: the same result, nothing left to wait for */
	memset(&r, 0x55, sizeof(r));
	ck_assert_int_eq(sh_wait(p, &r, SH_WAIT_NOHANG), 0);
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_int_gt(r.command_pid, 0);
	ck_assert_int_eq(sh_process_kill(p, SIGTERM), -ESRCH);
	sh_process_free(p);
	sh_process_free(NULL);
}
END_TEST

/* An event loop: poll the status fd, sh_wait with SH_WAIT_NOHANG when it
 * is readable. The fd must not stay readable while nothing happens (the
 * loop would spin). */
START_TEST(test_status_fd_poll)
{
	int in[2], spins = 0, e;
	struct sh_result r;
	sh_process *p = NULL;
	sh_spec *s = spec_sh("read x; exit 4");

	ck_assert_int_eq(pipe2(in, O_CLOEXEC), 0);
	ck_assert_int_eq(sh_spec_map_fd(s, 0, in[0]), 0);
	ck_assert_int_eq(sh_spec_unshare(s, SH_NS_PID), 0);
	ck_assert_int_eq(sh_spawn(s, &p), 0);
	sh_spec_free(s);
	close(in[0]);
	ck_assert_int_ge(sh_process_status_fd(p), 0);
	ck_assert(fcntl(sh_process_status_fd(p), F_GETFD) & FD_CLOEXEC);
	/* the started record */
	ck_assert(readable(sh_process_status_fd(p), 10000));
	ck_assert_int_eq(sh_wait(p, &r, SH_WAIT_NOHANG), -EAGAIN);
	/* read, so quiet until the command ends */
	ck_assert_msg(!readable(sh_process_status_fd(p), 200),
		      "the status fd stays readable while the command runs: "
		      "an event loop would spin");
	ck_assert_int_eq(write(in[1], "go\n", 3), 3);
	close(in[1]);
	for (;;) {
		ck_assert(readable(sh_process_status_fd(p), 10000));
		e = sh_wait(p, &r, SH_WAIT_NOHANG);
		if (e == 0)
			break;
		ck_assert_int_eq(e, -EAGAIN);
		ck_assert_int_lt(++spins, 100000);
	}
	ck_assert_int_eq(r.exit_code, 4);
	ck_assert(r.namespaces & SH_NS_PID);
	ck_assert_int_gt(r.command_pid, 0);
	sh_process_free(p);
}
END_TEST

/* The command traps SIGTERM and exits 3: only a forwarded signal gets
 * there (the helper dying of it would give signal 15). */
START_TEST(test_kill_forwards)
{
	int out[2];
	char buf[16];
	struct sh_result r;
	sh_process *p = NULL;
	sh_spec *s = spec_sh("trap 'exit 3' TERM; echo ready; "
			     "while :; do sleep 0.02; done");

	ck_assert_int_eq(pipe2(out, O_CLOEXEC), 0);
	ck_assert_int_eq(sh_spec_map_fd(s, 1, out[1]), 0);
	ck_assert_int_eq(sh_spec_unshare(s, SH_NS_PID | SH_NS_NET), 0);
	ck_assert_int_eq(sh_spawn(s, &p), 0);
	close(out[1]);
	ck_assert_int_eq(read(out[0], buf, 6), 6);
	ck_assert_int_eq(memcmp(buf, "ready\n", 6), 0);
	ck_assert_int_eq(sh_process_kill(p, SIGTERM), 0);
	wait_ok(p, &r);
	ck_assert_int_eq(r.exit_code, 3);
	ck_assert_int_eq(r.signal, 0);
	sh_process_free(p);
	close(out[0]);

	/* a signal the command does not catch: its death, re-raised */
	sh_spec_free(s);
	s = spec_sh("echo ready; exec sleep 30");
	ck_assert_int_eq(pipe2(out, O_CLOEXEC), 0);
	ck_assert_int_eq(sh_spec_map_fd(s, 1, out[1]), 0);
	ck_assert_int_eq(sh_spec_unshare(s, SH_NS_PID), 0);
	ck_assert_int_eq(sh_spawn(s, &p), 0);
	close(out[1]);
	ck_assert_int_eq(read(out[0], buf, 6), 6);
	ck_assert_int_eq(sh_process_kill(p, SIGUSR1), 0);
	wait_ok(p, &r);
	ck_assert_int_eq(r.signal, SIGUSR1);
	ck_assert_int_eq(r.exit_code, 128 + SIGUSR1);
	ck_assert(!r.setup_failed);
	ck_assert(!r.timed_out);
	/* the final record came: the helper forwarded, it did not die */
	ck_assert_int_gt(r.wall_usec, 0);
	sh_process_free(p);
	close(out[0]);
	sh_spec_free(s);
}
END_TEST

/* A cgroup v2 directory to make leaves in, or NULL after a printed
 * skip. */
static const char *cgroup2_parent(void)
{
	const struct sh_probe *probe;

	ck_assert_int_eq(sh_probe(&probe), 0);
	if (geteuid() != 0 || !probe->may_create_cgroups) {
		puts("# SKIP cgroup: not root or no cgroup to make");
		return NULL;
	}
	if (access("/sys/fs/cgroup/cgroup.subtree_control", F_OK) == 0)
		return "/sys/fs/cgroup";
	if (access("/sys/fs/cgroup/unified/cgroup.procs", W_OK) == 0)
		return "/sys/fs/cgroup/unified";
	puts("# SKIP cgroup: no cgroup2 here");
	return NULL;
}

/* sh_process_kill(SIGKILL) ends the whole sandbox, not the helper
 * alone: a command in the background dies too, with and without a pid
 * namespace and a transient cgroup; the leaf is removed and the final
 * record written before sh_wait returns. Every process of the sandbox
 * holds the stdout pipe: its EOF says they are all gone. */
static const struct {
	bool pid_ns, cgroup;
} kill_cases[] = {
	{ true, false }, { false, false }, { true, true }, { false, true }
};

START_TEST(test_kill_whole_sandbox)
{
	const char *parent = NULL;
	char buf[16], leaf[PATH_MAX];
	struct pollfd pfd;
	struct sh_result r;
	sh_process *p = NULL;
	sh_spec *s = spec_sh("sleep 60 & echo ready; sleep 61");
	int out[2];

	if (kill_cases[_i].cgroup && !(parent = cgroup2_parent()))
		return;
	if (parent)
		ck_assert_int_eq(sh_spec_set_cgroup_parent(s, parent), 0);
	if (kill_cases[_i].pid_ns)
		ck_assert_int_eq(sh_spec_unshare(s, SH_NS_PID), 0);
	else if (geteuid() == 0) /* root's command gets one by default */
		ck_assert_int_eq(
			sh_spec_set_option(s, "unsafe-share-pids", NULL), 0);
	ck_assert_int_eq(pipe2(out, O_CLOEXEC), 0);
	ck_assert_int_eq(sh_spec_map_fd(s, 1, out[1]), 0);
	ck_assert_int_eq(sh_spawn(s, &p), 0);
	close(out[1]);
	ck_assert_int_eq(read(out[0], buf, 6), 6);
	snprintf(leaf, sizeof(leaf), "%s/spawn-helper-%d", parent ? parent : "",
		 (int)sh_process_pid(p));
	ck_assert_int_eq(sh_process_kill(p, SIGKILL), 0);
	wait_ok(p, &r);
	pfd = (struct pollfd){ out[0], POLLIN, 0 };
	ck_assert_msg(poll(&pfd, 1, 20000) == 1 && read(out[0], buf, 1) == 0,
		      "a process of the sandbox survived (its stdout is open)");
	if (parent)
		ck_assert_msg(access(leaf, F_OK) < 0, "%s is left", leaf);
	ck_assert_int_eq(r.signal, SIGKILL);
	ck_assert_msg(r.wall_usec > 0, "no final record");
	sh_process_free(p);
	close(out[0]);
	sh_spec_free(s);
}
END_TEST

START_TEST(test_timeout)
{
	const char *argv[] = { "sleep", "30", NULL };
	struct sh_result r;
	sh_spec *s = spec_argv(argv);

	ck_assert_int_eq(sh_spec_set_timeout(s, 200, 2000), 0);
	ck_assert_int_eq(sh_spec_unshare(s, SH_NS_PID), 0);
	run(s, &r);
	ck_assert(r.timed_out);
	ck_assert_int_eq(r.signal, SIGTERM);
	ck_assert_int_ge(r.wall_usec, 200000);
	ck_assert_int_lt(r.wall_usec, 10000000);
	sh_spec_free(s);

	/* SIGTERM ignored: SIGKILL after the grace period */
	s = spec_sh("trap '' TERM; sleep 30");
	ck_assert_int_eq(sh_spec_set_timeout(s, 100, 200), 0);
	run(s, &r);
	ck_assert(r.timed_out);
	ck_assert_int_eq(r.signal, SIGKILL);
	sh_spec_free(s);
}
END_TEST

/* ---- the result ---- */

/* The struct grows at its end: a caller built against an older header
 * (a smaller struct) gets its fields, one against a newer header (a
 * larger one) gets the library's and zeros, size saying which; below
 * the first release's struct nothing is written. */
START_TEST(test_result_sized)
{
	struct {
		struct sh_result r;
		char newer[64];
	} big;
	struct sh_result small;
	sh_process *p = NULL;
	sh_spec *s = spec_sh("exit 3");

	memset(&big, 0xa5, sizeof(big));
	ck_assert_int_eq(sh_spawn(s, &p), 0);
	ck_assert_int_eq(sh_wait_result(p, &big.r, sizeof(big), 0), 0);
	ck_assert_uint_eq(big.r.size, sizeof(struct sh_result));
	ck_assert_int_eq(big.r.exit_code, 3);
	for (size_t i = 0; i < sizeof(big.newer); i++)
		ck_assert_int_eq(big.newer[i], 0);
	memset(&small, 0xa5, sizeof(small));
	ck_assert_int_eq(sh_wait_result(p, &small, sizeof(small) - 1, 0),
			 -EINVAL);
	ck_assert_int_eq((unsigned char)small.exit_code & 0xff, 0xa5);
	ck_assert_int_eq(sh_wait(p, &small, 0), 0);
	ck_assert_uint_eq(small.size, sizeof(small));
	ck_assert_int_eq(small.exit_code, 3);
	sh_process_free(p);
	sh_spec_free(s);
}
END_TEST

START_TEST(test_result_fields)
{
	char out[64];
	struct sh_result r;
	sh_spec *s = spec_sh("echo $$");

	/* root's command, the host's uid 0, gets the read-only view (a
	 * mount namespace), an IPC and a pid namespace: the pid one turned
	 * off here, to see the same pid from both sides */
	ck_assert_int_eq(sh_spec_set_option(s, "unsafe-share-pids", NULL), 0);
	run_output(s, &r, out, sizeof(out));
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_int_eq(r.command_pid, atoi(out));
	/* as an ordinary user a user namespace is made anyway (to clear
	 * the bounding set) */
	ck_assert_uint_eq(r.namespaces,
			  geteuid() != 0 ? SH_NS_USER : SH_NS_MOUNT | SH_NS_IPC);
	ck_assert_int_eq(r.dropped, 0);
	ck_assert_int_gt(r.wall_usec, 0);
	ck_assert_int_gt(r.max_rss_kib, 0);
	ck_assert_int_ge(r.user_cpu_usec, 0);
	ck_assert_int_ge(r.system_cpu_usec, 0);
	ck_assert_int_eq(r.cgroup_cpu_usec, -1);
	ck_assert_int_eq(r.memory_peak, -1);
	ck_assert_int_eq(r.oom_kills, -1);
	ck_assert(!r.core_dumped);
	sh_spec_free(s);

	/* in a pid namespace the command sees itself as 1 or 2; the result
	 * gives its pid outside */
	s = spec_sh("echo $$");
	ck_assert_int_eq(sh_spec_unshare(s, SH_NS_NET | SH_NS_PID), 0);
	run_output(s, &r, out, sizeof(out));
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_int_le(atoi(out), 2);
	ck_assert_int_gt(r.command_pid, 2);
	/* net and pid, and what they imply (mount, uts); as an ordinary
	 * user also a user namespace, as root (the host's uid 0) IPC */
	ck_assert_uint_eq(r.namespaces & ~SH_NS_USER,
			  SH_NS_NET | SH_NS_PID | SH_NS_MOUNT | SH_NS_UTS |
				  (geteuid() == 0 ? SH_NS_IPC : 0));
	ck_assert_uint_eq(!!(r.namespaces & SH_NS_USER), geteuid() != 0);
	ck_assert_int_eq(r.dropped, 0);
	sh_spec_free(s);
}
END_TEST

/* dropped: in a user namespace of our own with max_uts_namespaces 0 the
 * kernel refuses uts; with the drop fallback the command runs without. */
START_TEST(test_result_dropped)
{
	int report[2], status;
	pid_t pid;

	ck_assert_int_eq(pipe(report), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct sh_result r;
		char map[64];
		int fd, e;
		sh_process *p = NULL;
		sh_spec *s;
		uid_t uid = geteuid();
		gid_t gid = getegid();

		close(report[0]);
		if (unshare(CLONE_NEWUSER) < 0) {
			dprintf(report[1], "skip unshare: %s", strerror(errno));
			_exit(0);
		}
		fd = open("/proc/self/setgroups", O_WRONLY);
		if (fd >= 0) {
			(void)!write(fd, "deny", 4);
			close(fd);
		}
		snprintf(map, sizeof(map), "0 %u 1", (unsigned)uid);
		fd = open("/proc/self/uid_map", O_WRONLY);
		if (fd < 0 || write(fd, map, strlen(map)) < 0)
			_exit(2);
		close(fd);
		snprintf(map, sizeof(map), "0 %u 1", (unsigned)gid);
		fd = open("/proc/self/gid_map", O_WRONLY);
		if (fd < 0 || write(fd, map, strlen(map)) < 0)
			_exit(3);
		close(fd);
		fd = open("/proc/sys/user/max_uts_namespaces", O_WRONLY);
		if (fd < 0 || write(fd, "0", 1) < 0) {
			dprintf(report[1], "skip max_uts_namespaces: %s",
				strerror(errno));
			_exit(0);
		}
		close(fd);
		s = sh_spec_new();
		if (sh_spec_set_argv(s, true_argv) < 0 ||
		    sh_spec_unshare(s, SH_NS_UTS | SH_NS_IPC) < 0 ||
		    sh_spec_set_ns_fallback_drop(s, true) < 0)
			_exit(4);
		if ((e = sh_spawn(s, &p)) < 0 || sh_wait(p, &r, 0) < 0)
			_exit(5);
		sh_process_free(p);
		dprintf(report[1], "exit %d ns %#x dropped %#x", r.exit_code,
			r.namespaces, r.dropped);
		/* strict: the same is a setup failure naming uts */
		sh_spec_set_ns_fallback_drop(s, false);
		if (sh_spawn(s, &p) < 0 || sh_wait(p, &r, 0) < 0)
			_exit(6);
		dprintf(report[1], "; exit %d stage %s error %d", r.exit_code,
			r.stage, r.error);
		sh_process_free(p);
		sh_spec_free(s);
		_exit(0);
	}
	{
		char buf[256], want[128];

		close(report[1]);
		read_all(report[0], buf, sizeof(buf));
		close(report[0]);
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			      "the child failed: %#x (%s)", status, buf);
		if (strncmp(buf, "skip", 4) == 0) {
			printf("# SKIP dropped: %s\n", buf);
			return;
		}
		/* root maps itself as root: its command, the host's uid 0,
		 * gets a pid namespace too (and the read-only view) */
		snprintf(want, sizeof(want),
			 "exit 0 ns %#x dropped %#x; exit 125 stage ns error %d",
			 SH_NS_IPC | SH_NS_MOUNT |
				 (geteuid() == 0 ? SH_NS_PID : 0),
			 SH_NS_UTS, ENOSPC);
		ck_assert_str_eq(buf, want);
	}
}
END_TEST

/* A transient cgroup: its usage fields are filled. */
START_TEST(test_result_cgroup)
{
	const char *dir = cgroup2_parent();
	struct sh_result r;
	sh_spec *s;

	if (!dir)
		return;
	s = spec_sh("i=0; while [ $i -lt 2000 ]; do i=$((i+1)); done");
	ck_assert_int_eq(sh_spec_set_cgroup_parent(s, dir), 0);
	run(s, &r);
	ck_assert_msg(r.exit_code == 0, "exit %d: %s", r.exit_code, r.message);
	ck_assert_int_ge(r.cgroup_cpu_usec, 0);
	sh_spec_free(s);
}
END_TEST

/* ---- the probe ---- */

START_TEST(test_probe_cached)
{
	char buf[64];
	const struct sh_probe *a = NULL, *b = NULL;
	struct wrapper w;
	long abi;

	/* a wrapper that counts its runs */
	wrap_helper(&w, "echo run");
	ck_assert_int_eq(sh_probe(&a), 0);
	ck_assert_int_eq(sh_probe(&b), 0);
	unwrap_helper(&w, buf, sizeof(buf));
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_eq(a, b);
	ck_assert_int_eq(sh_probe(NULL), -EINVAL);
	if (!getenv("CK_FORK") || strcmp(getenv("CK_FORK"), "no") != 0)
		ck_assert_str_eq(buf, "run\n");
	/* what it says agrees with the machine */
	ck_assert_uint_eq(a->privileged, geteuid() == 0);
	ck_assert(a->namespaces & SH_NS_NET);
	ck_assert(a->namespaces & SH_NS_PID);
	ck_assert(strcmp(a->cgroup_layout, "unified") == 0 ||
		  strcmp(a->cgroup_layout, "hybrid") == 0 ||
		  strcmp(a->cgroup_layout, "legacy") == 0 ||
		  strcmp(a->cgroup_layout, "none") == 0);
	abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
		      LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 0 && errno == ENOSYS && getenv("SH_LIB_VALGRIND"))
		puts("# valgrind knows no landlock_create_ruleset: the "
		     "Landlock ABI is not compared");
	else
		ck_assert_int_eq(a->landlock_abi, abi < 0 ? 0 : abi);
	ck_assert_uint_eq(a->seccomp, prctl(PR_GET_SECCOMP) >= 0);
}
END_TEST

/* ---- threads and fds ---- */

struct worker {
	int index, spawns, failures;
	char first_failure[1024];
};

static void *worker_run(void *data)
{
	struct worker *w = data;
	const char *argv[] = { "/bin/sh", "-c", NULL, NULL };
	char script[32];

	for (int i = 0; i < w->spawns; i++) {
		int want = (w->index * 31 + i) % 200;
		struct sh_result r = { 0 };
		sh_process *p = NULL;
		sh_spec *s = sh_spec_new();
		int e;

		/* most run /bin/true, some an exit code to tell apart */
		if (i % 4 == 3) {
			snprintf(script, sizeof(script), "exit %d", want);
			argv[2] = script;
			e = s ? sh_spec_set_argv(s, argv) : -ENOMEM;
		} else {
			want = i % 8 == 1;
			e = s ? sh_spec_set_argv(s, want ? false_argv :
							  true_argv) :
				-ENOMEM;
		}
		if (!e)
			e = sh_spec_unshare(s, SH_NS_NET | SH_NS_PID);
		if (!e)
			e = sh_spec_map_fd(s, 2, 2);
		if (!e)
			e = sh_spawn(s, &p);
		sh_spec_free(s);
		if (!e) {
			e = sh_wait(p, &r, 0);
			sh_process_free(p);
		}
		if (!e && (r.exit_code != want || r.signal || r.setup_failed ||
			   r.command_pid <= 0 ||
			   (r.namespaces & (SH_NS_NET | SH_NS_PID)) !=
				   (SH_NS_NET | SH_NS_PID)))
			e = 1;
		if (e && !w->failures++)
			snprintf(w->first_failure, sizeof(w->first_failure),
				 "thread %d spawn %d: %s; exit %d (want %d) "
				 "signal %d stage '%s' %.200s",
				 w->index, i, e < 0 ? sh_strerror(e) : "wrong",
				 r.exit_code, want, r.signal, r.stage,
				 r.message);
	}
	return NULL;
}

START_TEST(test_threads)
{
	int threads = env_int("SH_LIB_THREADS", 8);
	int spawns = env_int("SH_LIB_SPAWNS", 100);
	struct worker *w = calloc((size_t)threads, sizeof(*w));
	pthread_t *t = calloc((size_t)threads, sizeof(*t));
	int before, after, failures = 0;

	ck_assert(w && t);
	before = fd_count();
	for (int i = 0; i < threads; i++) {
		w[i].index = i;
		w[i].spawns = spawns;
		ck_assert_int_eq(pthread_create(&t[i], NULL, worker_run, &w[i]),
				 0);
	}
	for (int i = 0; i < threads; i++) {
		ck_assert_int_eq(pthread_join(t[i], NULL), 0);
		if (w[i].failures)
			printf("# %s\n", w[i].first_failure);
		failures += w[i].failures;
	}
	after = fd_count();
	free(w);
	free(t);
	ck_assert_msg(failures == 0, "%d of %d spawns went wrong", failures,
		      threads * spawns);
	ck_assert_int_eq(after, before);
}
END_TEST

static volatile int spawning;

static void *spawn_loop(void *data)
{
	int *errors = data;

	while (spawning) {
		struct sh_result r;
		sh_process *p = NULL;
		sh_spec *s = sh_spec_new();
		int fd = fcntl(1, F_DUPFD_CLOEXEC, 3);

		if (!s || fd < 0 || sh_spec_set_argv(s, true_argv) < 0 ||
		    sh_spec_map_fd(s, 1, fd) < 0 || sh_spawn(s, &p) < 0 ||
		    sh_wait(p, &r, 0) < 0 || r.exit_code != 0)
			(*errors)++;
		sh_process_free(p);
		sh_spec_free(s);
		close(fd);
	}
	return NULL;
}

/* While threads spawn, (a) every fd the process has beyond those it had
 * before is close-on-exec and (b) a child forked and exec'd meanwhile
 * gets none of them. */
START_TEST(test_fds_cloexec)
{
	struct fd_state base[MAX_FDS];
	int nbase = fd_snapshot(base, MAX_FDS), errors[2] = { 0, 0 };
	pthread_t t[2];
	int leaks = 0, execs = 0;
	char leaked[256] = "";

	spawning = 1;
	for (int i = 0; i < 2; i++)
		ck_assert_int_eq(
			pthread_create(&t[i], NULL, spawn_loop, &errors[i]), 0);
	for (int round = 0; round < 60; round++) {
		struct fd_state now[MAX_FDS];
		int n = fd_snapshot(now, MAX_FDS), out[2], status;
		char buf[512], *line, *save = NULL;
		pid_t pid;

		for (int i = 0; i < n; i++)
			if (!fd_find(base, nbase, now[i].fd) &&
			    now[i].fd_flags >= 0 &&
			    !(now[i].fd_flags & FD_CLOEXEC)) {
				/* a closed-and-reused number reads again */
				int flags = fcntl(now[i].fd, F_GETFD);

				if (flags >= 0 && !(flags & FD_CLOEXEC) &&
				    !leaks++)
					snprintf(leaked, sizeof(leaked),
						 "fd %d without FD_CLOEXEC",
						 now[i].fd);
			}
		ck_assert_int_eq(pipe2(out, O_CLOEXEC), 0);
		pid = fork();
		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			char *argv[] = { "check-lib", "--list-fds", NULL };

			if (dup2(out[1], 1) < 0)
				_exit(2);
			execv(self_path, argv);
			_exit(3);
		}
		close(out[1]);
		read_all(out[0], buf, sizeof(buf));
		close(out[0]);
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
		ck_assert_int_eq(status, 0);
		execs++;
		for (line = strtok_r(buf, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			const struct fd_state *b = fd_find(base, nbase,
							   atoi(line));

			if ((!b || (b->fd_flags & FD_CLOEXEC)) && !leaks++)
				snprintf(leaked, sizeof(leaked),
					 "fd %s reached an exec'd child", line);
		}
		usleep(2000);
	}
	spawning = 0;
	for (int i = 0; i < 2; i++)
		ck_assert_int_eq(pthread_join(t[i], NULL), 0);
	ck_assert_int_eq(errors[0] + errors[1], 0);
	ck_assert_msg(leaks == 0, "%d leaks, first: %s", leaks, leaked);
	ck_assert_int_eq(execs, 60);
}
END_TEST

/* The caller's fds, mapped or not, close-on-exec or not, blocking or
 * not, are as they were after spawning and waiting; while the process
 * object lives the only new fds are its status fd and the helper's
 * pidfd. */
START_TEST(test_caller_fds_unchanged)
{
	struct fd_state before[MAX_FDS], during[MAX_FDS], after[MAX_FDS];
	int a[2], b[2], high, nb, nd, na;
	char buf[64];
	struct sh_result r;
	sh_process *p = NULL;
	sh_spec *s = spec_sh("echo to-a; echo to-b >&5");

	ck_assert_int_eq(pipe(a), 0); /* not close-on-exec */
	ck_assert_int_eq(pipe2(b, O_CLOEXEC | O_NONBLOCK), 0);
	high = fcntl(b[1], F_DUPFD, 40);
	ck_assert_int_ge(high, 40);
	ck_assert_int_eq(sh_spec_map_fd(s, 1, a[1]), 0);
	ck_assert_int_eq(sh_spec_map_fd(s, 5, high), 0);
	nb = fd_snapshot(before, MAX_FDS);
	ck_assert_int_eq(sh_spawn(s, &p), 0);
	nd = fd_snapshot(during, MAX_FDS);
	/* the pidfd where pidfd_open works (not under valgrind) */
	ck_assert_msg(nd == nb + 1 || nd == nb + 2, "%d fds, %d before", nd, nb);
	for (int i = 0; i < nd; i++)
		if (!fd_find(before, nb, during[i].fd)) {
			char link[64], target[64] = "";

			/* the status fd, and the helper's pidfd */
			snprintf(link, sizeof(link), "/proc/self/fd/%d",
				 during[i].fd);
			(void)!readlink(link, target, sizeof(target) - 1);
			ck_assert_msg(during[i].fd == sh_process_status_fd(p) ||
					      strstr(target, "pidfd"),
				      "fd %d: %s", during[i].fd, target);
			ck_assert(during[i].fd_flags & FD_CLOEXEC);
		}
	wait_ok(p, &r);
	ck_assert_int_eq(r.exit_code, 0);
	na = fd_snapshot(after, MAX_FDS);
	ck_assert_int_eq(na, nd);
	sh_process_free(p);
	na = fd_snapshot(after, MAX_FDS);
	fd_assert_same(before, nb, after, na);
	close(a[1]);
	close(b[1]);
	close(high);
	read_all(a[0], buf, sizeof(buf));
	ck_assert_str_eq(buf, "to-a\n");
	fcntl(b[0], F_SETFL, 0);
	read_all(b[0], buf, sizeof(buf));
	ck_assert_str_eq(buf, "to-b\n");
	close(a[0]);
	close(b[0]);
	sh_spec_free(s);
}
END_TEST

/* The spec in the helper is the caller's spec: a large environment
 * travels whole. */
START_TEST(test_large_environment)
{
	/* 12 variables of 100 KiB: more than a pipe holds, each below
	 * the kernel's MAX_ARG_STRLEN */
	static char value[100 * 1024];
	char out[64], name[16];
	struct sh_result r;
	sh_spec *s = spec_sh("env | grep -c '^BIG[0-9]*=xxxx'; "
			     "printf %s \"$BIG7\" | wc -c");

	memset(value, 'x', sizeof(value) - 1);
	for (int i = 0; i < 12; i++) {
		snprintf(name, sizeof(name), "BIG%d", i);
		ck_assert_int_eq(sh_spec_setenv(s, name, value), 0);
	}
	run_output(s, &r, out, sizeof(out));
	ck_assert_msg(r.exit_code == 0, "exit %d: %s", r.exit_code, r.message);
	snprintf(name, sizeof(name), "%d", (int)sizeof(value) - 1);
	ck_assert_str_eq(strtok(out, "\n"), "12");
	ck_assert_str_eq(strtok(NULL, "\n"), name);
	sh_spec_free(s);
}
END_TEST

/* ---- a large environment, built in linear time ---- */

/* Variables in the environment tests: under valgrind a tenth. The
 * tcase's timeout is what fails a builder that is quadratic again (it
 * took 44 s for 100,000): no time is measured. */
static int env_size(void)
{
	return getenv("SH_LIB_VALGRIND") ? 10000 : 100000;
}

/* The command's environment as --print-env prints it, one a line, is
 * expected[0..n-1], in that order. */
static void assert_environment(sh_spec *s, char *const *expected, size_t n)
{
	const char *argv[] = { self_path, "--print-env", NULL };
	size_t size = 64u << 20, i = 0;
	struct rlimit stack;
	struct sh_result r;
	char *out = malloc(size), *line, *save = NULL;

	ck_assert_ptr_nonnull(out);
	ck_assert_int_eq(sh_spec_set_argv(s, argv), 0);
	/* room for the strings and their pointers at execve (a quarter of
	 * the stack limit) */
	ck_assert_int_eq(getrlimit(RLIMIT_STACK, &stack), 0);
	if (stack.rlim_cur != RLIM_INFINITY &&
	    (stack.rlim_max == RLIM_INFINITY || stack.rlim_max >= 64u << 20))
		ck_assert_int_eq(sh_spec_set_rlimit(s, "stack", 64u << 20,
						    stack.rlim_max),
				 0);
	run_output(s, &r, out, size);
	ck_assert_msg(r.exit_code == 0 && !r.setup_failed, "exit %d, %s: %s",
		      r.exit_code, r.stage, r.message);
	/* one assertion at the end: each one is a write to Check's pipe */
	for (line = strtok_r(out, "\n", &save);
	     line && i < n && strcmp(line, expected[i]) == 0;
	     line = strtok_r(NULL, "\n", &save))
		i++;
	ck_assert_msg(!line && i == n, "variable %zu is %.40s, not %.40s", i,
		      line ? line : "(none)", i < n ? expected[i] : "(none)");
	free(out);
}

static void free_strings(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* sh_spec_set_environ: the last of two entries with one name wins and
 * stands where it was given; the rest in their order. */
START_TEST(test_set_environ_large)
{
	size_t n = (size_t)env_size();
	char **envp = calloc(n + 3, sizeof(char *));
	char **expected = calloc(n + 1, sizeof(char *));
	sh_spec *s = sh_spec_new();

	ck_assert_ptr_nonnull(envp);
	ck_assert_ptr_nonnull(expected);
	ck_assert_ptr_nonnull(s);
	envp[0] = strdup("DUP=first");
	for (size_t i = 0; i < n; i++) {
		if (asprintf(&envp[i + 1], "V%zu=%zu", i, i % 10) < 0)
			ck_abort_msg("out of memory");
		expected[i] = envp[i + 1];
	}
	envp[n + 1] = strdup("DUP=last");
	expected[n] = envp[n + 1];
	ck_assert_int_eq(sh_spec_set_environ(s, (const char *const *)envp), 0);
	assert_environment(s, expected, n + 1);
	free(expected);
	free_strings(envp, n + 2);
	sh_spec_free(s);
}
END_TEST

/* sh_spec_setenv and sh_spec_unsetenv, each name many times: the last
 * word on a name wins, and the variables come in the order of their
 * last setting. */
struct env_var {
	size_t seq; /* of the last call on it */
	bool set;
	char value[24];
};

static void env_call(sh_spec *s, struct env_var *vars, size_t i, size_t *seq,
		     const char *value)
{
	char name[24];

	snprintf(name, sizeof(name), "V%zu", i);
	/* no assertion per call: each one is a write to Check's pipe */
	if ((value ? sh_spec_setenv(s, name, value)
		   : sh_spec_unsetenv(s, name)) < 0)
		ck_abort_msg("%s %s: %s", value ? "setenv" : "unsetenv", name,
			     sh_spec_error(s));
	vars[i].seq = (*seq)++;
	vars[i].set = value != NULL;
	if (value)
		snprintf(vars[i].value, sizeof(vars[i].value), "%s", value);
}

static const struct env_var *sort_vars;

static int by_seq(const void *a, const void *b)
{
	size_t x = sort_vars[*(const size_t *)a].seq;
	size_t y = sort_vars[*(const size_t *)b].seq;

	return (x > y) - (x < y);
}

START_TEST(test_setenv_large)
{
	size_t n = (size_t)env_size(), seq = 0, k = 0;
	struct env_var *vars = calloc(n, sizeof(*vars));
	size_t *order = calloc(n, sizeof(*order));
	char **expected = calloc(n, sizeof(char *));
	sh_spec *s = sh_spec_new();
	char value[24];

	ck_assert_ptr_nonnull(vars);
	ck_assert_ptr_nonnull(order);
	ck_assert_ptr_nonnull(expected);
	ck_assert_int_eq(sh_spec_clearenv(s), 0);
	for (size_t i = 0; i < n; i++)
		env_call(s, vars, i, &seq, "a");
	for (size_t i = 0; i < n; i += 10)
		env_call(s, vars, i, &seq, "b");
	for (size_t i = 0; i < n; i += 7)
		env_call(s, vars, i, &seq, NULL);
	for (size_t i = 0; i < n; i += 70)
		env_call(s, vars, i, &seq, "c");
	/* one name set again and again: what it replaces piles up */
	for (size_t j = 0; j < n; j++) {
		snprintf(value, sizeof(value), "%zu", j);
		env_call(s, vars, 1, &seq, value);
	}
	for (size_t i = 0; i < n; i++)
		if (vars[i].set)
			order[k++] = i;
	sort_vars = vars;
	qsort(order, k, sizeof(*order), by_seq);
	for (size_t j = 0; j < k; j++)
		if (asprintf(&expected[j], "V%zu=%s", order[j],
			     vars[order[j]].value) < 0)
			ck_abort_msg("out of memory");
	assert_environment(s, expected, k);
	free_strings(expected, k);
	free(order);
	free(vars);
	sh_spec_free(s);
}
END_TEST

/* Return EXDEV from uname, allow everything else. */
static const struct sock_filter uname_exdev[] = {
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_uname, 0, 1),
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EXDEV),
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
};

/* uname -s in the sandbox, with the BPF program on fd bpf (-1: none):
 * its output and exit code, "LINE rc=N". */
static void run_uname(int bpf, char *out, size_t size)
{
	struct sh_result r;
	sh_spec *s = spec_sh("uname -s 2>&1; echo rc=$?");

	ck_assert_int_eq(sh_spec_setenv(s, "LC_ALL", "C"), 0);
	if (bpf >= 0) {
		char number[16];

		/* by name, as a caller without the setter does */
		snprintf(number, sizeof(number), "%d", bpf);
		ck_assert_int_eq(sh_spec_set_option(s, "seccomp-bpf", number),
				 0);
	}
	run_output(s, &r, out, size);
	ck_assert_msg(r.exit_code == 0 && !r.setup_failed, "exit %d: %s %s",
		      r.exit_code, r.stage, r.message);
	sh_spec_free(s);
}

/* --seccomp-bpf FD: the program's fd reaches the helper under the number
 * the helper's spec gives it (not the caller's), and the command feels
 * the program. */
START_TEST(test_seccomp_bpf)
{
	char out[256];
	struct sh_result r;
	sh_process *p = NULL;
	sh_spec *s;
	int fds[2], bpf;

	ck_assert_int_eq(pipe2(fds, O_CLOEXEC), 0);
	ck_assert_int_eq(write(fds[1], uname_exdev, sizeof(uname_exdev)),
			 (ssize_t)sizeof(uname_exdev));
	close(fds[1]);
	/* a number the helper does not hand out itself */
	bpf = fcntl(fds[0], F_DUPFD_CLOEXEC, 60);
	ck_assert_int_ge(bpf, 60);
	close(fds[0]);
	run_uname(-1, out, sizeof(out));
	ck_assert_str_eq(out, "Linux\nrc=0\n");
	run_uname(bpf, out, sizeof(out));
	ck_assert_msg(strstr(out, "Invalid cross-device link\nrc=1\n"),
		      "uname under the program: %s", out);
	close(bpf);
	/* a closed fd: refused before anything starts */
	s = spec_argv(true_argv);
	ck_assert_int_eq(sh_spec_set_seccomp_bpf(s, bpf), 0);
	ck_assert_int_eq(sh_spawn(s, &p), -EBADF);
	ck_assert_ptr_null(p);
	ck_assert_int_eq(sh_spec_set_seccomp_bpf(s, -1), 0);
	run(s, &r);
	ck_assert_int_eq(r.exit_code, 0);
	ck_assert_int_eq(sh_spec_set_option(s, "seccomp-bpf", "-1"), -EINVAL);
	sh_spec_free(s);
}
END_TEST

/* The status fd is the library's: a caller's own is refused, not
 * silently replaced. */
START_TEST(test_status_fd_refused)
{
	sh_spec *s = spec_argv(true_argv);
	struct sh_result r;

	ck_assert_int_eq(sh_spec_set_option(s, "status-fd", "1"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(sh_spec_error(s), "--status-fd"));
	run(s, &r);
	ck_assert_int_eq(r.exit_code, 0);
	sh_spec_free(s);
}
END_TEST

static Suite *make_lib_suite(void)
{
	Suite *s = suite_create("lib");
	TCase *tc;

	tc = tcase_create("run");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_test(tc, test_true_false);
	tcase_add_test(tc, test_exec_enoent);
	tcase_add_test(tc, test_mapped_pipes);
	tcase_add_test(tc, test_map_swap);
	tcase_add_test(tc, test_process_options);
	tcase_add_test(tc, test_credentials);
	tcase_add_test(tc, test_large_environment);
	tcase_add_test(tc, test_seccomp_bpf);
	suite_add_tcase(s, tc);

	tc = tcase_create("spec");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_test(tc, test_setters_refuse);
	tcase_add_test(tc, test_refused_setter_keeps_state);
	tcase_add_test(tc, test_long_and_odd_values);
	tcase_add_test(tc, test_spec_too_large);
	tcase_add_test(tc, test_fd_near_nofile_limit);
	tcase_add_test(tc, test_setters_accept);
	tcase_add_test(tc, test_spec_error_at_spawn);
	tcase_add_test(tc, test_bad_parent_fd);
	tcase_add_test(tc, test_messages_name_caller_fds);
	tcase_add_test(tc, test_helper_missing);
	tcase_add_test(tc, test_strerror);
	tcase_add_test(tc, test_spec_sealed);
	tcase_add_test(tc, test_status_fd_refused);
	suite_add_tcase(s, tc);

	/* each case takes about a second here; a builder that is
	 * quadratic again takes 45 s and fails by this timeout */
	tc = tcase_create("environment");
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_set_environ_large);
	tcase_add_test(tc, test_setenv_large);
	suite_add_tcase(s, tc);

	tc = tcase_create("null");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_loop_test(tc, test_null_arguments, 0,
			    (int)(sizeof(null_cases) / sizeof(null_cases[0])));
	suite_add_tcase(s, tc);

	tc = tcase_create("untrusted");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_loop_test(tc, test_untrusted_helper, 0,
			    (int)(sizeof(untrusted) / sizeof(untrusted[0])));
	tcase_add_test(tc, test_probe_without_end);
	suite_add_tcase(s, tc);

	tc = tcase_create("wait");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_test(tc, test_wait_nohang);
	tcase_add_test(tc, test_sigchld_ignored);
	tcase_add_test(tc, test_wait_with_forked_holder);
	tcase_add_test(tc, test_timeout_default_grace_again);
	tcase_add_test(tc, test_status_fd_poll);
	tcase_add_test(tc, test_kill_forwards);
	tcase_add_loop_test(tc, test_kill_whole_sandbox, 0,
			    sizeof(kill_cases) / sizeof(kill_cases[0]));
	tcase_add_test(tc, test_timeout);
	suite_add_tcase(s, tc);

	tc = tcase_create("result");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_test(tc, test_result_fields);
	tcase_add_test(tc, test_result_sized);
	tcase_add_test(tc, test_result_dropped);
	tcase_add_test(tc, test_result_cgroup);
	tcase_add_test(tc, test_probe_cached);
	suite_add_tcase(s, tc);

	tc = tcase_create("threads");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_test(tc, test_threads);
	tcase_add_test(tc, test_fds_cloexec);
	tcase_add_test(tc, test_caller_fds_unchanged);
	suite_add_tcase(s, tc);
	return s;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--list-fds") == 0)
		return list_fds();
	if (argc == 2 && strcmp(argv[1], "--print-env") == 0)
		return print_env();
	if (argc == 3 && strcmp(argv[1], "--print-seals") == 0)
		return print_seals(argv[2]);
	if (strchr(argv[0], '/') && !realpath(argv[0], self_path))
		snprintf(self_path, sizeof(self_path), "/proc/self/exe");
	return check_run(make_lib_suite());
}
