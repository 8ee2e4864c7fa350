/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The soak (issue 6): many sandboxed spawns through libspawnhelper's
 * public API in parallel streams, none may fail, and afterwards nothing
 * may be left behind: not an fd of the caller, not a child (zombie or
 * not), not a helper or command anywhere, not a cgroup, not a mount, and
 * the caller's memory must be steady. Prints TAP, one line per check,
 * and a summary line with the rate.
 *
 * Each spawn runs /bin/true MARKER with SH_NS_ALL (--unshare-all), a
 * tmpfs on /tmp, the default seccomp profile and, when one can be made,
 * a transient cgroup below a parent this program makes: as root
 * sh-soak-PID under the cgroup2 of /sys/fs/cgroup or
 * /sys/fs/cgroup/unified, else under the v1 /sys/fs/cgroup/pids; as
 * another user under $SH_DELEGATED_CGROUP (tests/run-as.sh). MARKER,
 * unique to the run, is in the command's argv and, through the caller's
 * environment (SH_SOAK_MARKER), in every helper's and init's: a
 * leftover is any process whose cmdline or environ holds it.
 *
 * Memory: the caller's anonymous RSS (/proc/self/statm: resident less
 * shared, as file-backed pages of code first run late would count) and
 * malloc's bytes in use, after the warm-up and after the run; the
 * streams' threads live through both, so their stacks and arenas are in
 * the first sample.
 *
 * Environment: SOAK_SPAWNS (5000, warm-up included), SOAK_STREAMS (2),
 * SOAK_WARMUP (200, at most a quarter of the spawns), SOAK_RSS_SLACK_KIB
 * (128) and SOAK_HEAP_SLACK_KIB (64), the growth allowed after the
 * warm-up; SOAK_CGROUP (auto, v2, v1 or none); SPAWNHELPER_PATH, the
 * helper. Exit status 1 when a check failed. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <spawnhelper.h>

#define CGROUP2_MAGIC 0x63677270
#define CGROUP1_MAGIC 0x27e0eb
#define MAX_STREAMS 64
#define MAX_FAILURES 3 /* described per stream */

/* ASan's allocator (its quarantine) makes the memory checks meaningless */
#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED "AddressSanitizer's allocator"
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED "AddressSanitizer's allocator"
#endif
#endif
#ifndef SANITIZED
#define SANITIZED NULL
#endif

/* ---- TAP ---- */

static int tap_n, tap_failed;

static void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void check(bool ok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void check_unless(const char *skip, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* A result, or a skip with its reason when skip is not NULL. */
static void vresult(const char *skip, bool ok, const char *fmt, va_list ap)
{
	ok = ok || skip;
	tap_n++;
	if (!ok)
		tap_failed++;
	printf("%s %d - ", ok ? "ok" : "not ok", tap_n);
	vprintf(fmt, ap);
	if (skip)
		printf(" # SKIP %s", skip);
	putchar('\n');
}

static void check(bool ok, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vresult(NULL, ok, fmt, ap);
	va_end(ap);
}

static void check_unless(const char *skip, bool ok, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vresult(skip, ok, fmt, ap);
	va_end(ap);
}

/* ---- the caller's state ---- */

static int fd_count(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' && atoi(de->d_name) != dirfd(d))
			n++;
	closedir(d);
	return n;
}

static int mountinfo_lines(void)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	int c, n = 0;

	if (!f)
		return -1;
	while ((c = getc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

/* The resident set (/proc/self/statm) and its anonymous part: resident
 * less shared (file-backed pages, such as code first run late). */
static void rss_kib(long *total, long *anon)
{
	FILE *f = fopen("/proc/self/statm", "re");
	long size, resident, shared, kib = sysconf(_SC_PAGESIZE) / 1024;

	*total = *anon = -1;
	if (!f)
		return;
	if (fscanf(f, "%ld %ld %ld", &size, &resident, &shared) == 3) {
		*total = resident * kib;
		*anon = (resident - shared) * kib;
	}
	fclose(f);
}

static long heap_kib(void)
{
	return (long)(mallinfo2().uordblks / 1024);
}

/* Does /proc/PID/NAME hold needle? (NUL-separated: memmem) */
static bool proc_file_holds(const char *pid, const char *name,
			    const char *needle)
{
	static char buf[1 << 20];
	char path[64];
	size_t len = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%.20s/%.16s", pid, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false; /* gone, or not ours to read */
	while (len < sizeof(buf) &&
	       ((n = read(fd, buf + len, sizeof(buf) - len)) > 0 ||
		(n < 0 && errno == EINTR)))
		if (n > 0)
			len += (size_t)n;
	close(fd);
	return memmem(buf, len, needle, strlen(needle)) != NULL;
}

/* Processes other than this one whose argv or environment holds the
 * marker; the first is described in first. */
static int marked_processes(const char *marker, const char *env_marker,
			    char *first, size_t size)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d))) {
		char comm[64] = "?";

		if (de->d_name[0] < '1' || de->d_name[0] > '9' ||
		    atoi(de->d_name) == getpid())
			continue;
		if (!proc_file_holds(de->d_name, "cmdline", marker) &&
		    !proc_file_holds(de->d_name, "environ", env_marker))
			continue;
		if (!n++) {
			char path[64];
			FILE *f;

			snprintf(path, sizeof(path), "/proc/%.20s/comm",
				 de->d_name);
			f = fopen(path, "re");
			if (f) {
				if (fgets(comm, sizeof(comm), f))
					comm[strcspn(comm, "\n")] = '\0';
				fclose(f);
			}
			snprintf(first, size, "pid %.20s (%s)", de->d_name,
				 comm);
		}
	}
	closedir(d);
	return n;
}

/* Subdirectories (cgroups) of dir; the first is named in first. */
static int subdirs(const char *dir, char *first, size_t size)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (de->d_type == DT_DIR && strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0 && !n++)
			snprintf(first, size, "%s", de->d_name);
	closedir(d);
	return n;
}

/* After a failed check: kill what is left below dir (cgroup.kill on
 * v2), then remove the leaves and dir, for a few seconds at most. */
static void remove_cgroup_tree(const char *dir)
{
	char path[4096 + 320], leaf[320];
	int fd;

	snprintf(path, sizeof(path), "%s/cgroup.kill", dir);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (write(fd, "1", 1) < 0)
			diag("%s: %s", path, strerror(errno));
		close(fd);
	}
	for (int i = 0; i < 300 && rmdir(dir) < 0 && errno == EBUSY; i++) {
		while (subdirs(dir, leaf, sizeof(leaf)) > 0) {
			snprintf(path, sizeof(path), "%s/%s", dir, leaf);
			if (rmdir(path) < 0)
				break;
		}
		usleep(10000);
	}
	if (access(dir, F_OK) == 0)
		diag("could not remove %s", dir);
}

static long env_long(const char *name, long fallback, long min, long max)
{
	const char *v = getenv(name);
	char *end;
	long n;

	if (!v || !*v)
		return fallback;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || *end || n < min || n > max) {
		printf("Bail out! %s=%s: not a number from %ld to %ld\n", name,
		       v, min, max);
		exit(1);
	}
	return n;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- the cgroup parent ---- */

static bool fs_is(const char *path, long magic)
{
	struct statfs st;

	return statfs(path, &st) == 0 && (long)st.f_type == magic;
}

/* Make the parent below base (cgroup v2 or v1 by magic); true when made. */
static bool make_parent(const char *base, long magic, char *parent,
			size_t size)
{
	if (!fs_is(base, magic))
		return false;
	snprintf(parent, size, "%s/sh-soak-%d", base, (int)getpid());
	return mkdir(parent, 0755) == 0;
}

/* The parent, or NULL with why in reason. */
static const char *cgroup_parent(char *parent, size_t size, char *reason,
				 size_t rsize)
{
	const char *want = getenv("SOAK_CGROUP");
	const char *deleg = getenv("SH_DELEGATED_CGROUP");
	bool v2, v1;

	if (!want || !*want)
		want = "auto";
	if (strcmp(want, "none") == 0) {
		snprintf(reason, rsize, "SOAK_CGROUP=none");
		return NULL;
	}
	v2 = strcmp(want, "auto") == 0 || strcmp(want, "v2") == 0;
	v1 = strcmp(want, "auto") == 0 || strcmp(want, "v1") == 0;
	if (!v1 && !v2) {
		printf("Bail out! SOAK_CGROUP=%s: auto, v2, v1 or none\n",
		       want);
		exit(1);
	}
	if (v2 && deleg && *deleg &&
	    make_parent(deleg, CGROUP2_MAGIC, parent, size))
		return parent;
	if (geteuid() != 0) {
		snprintf(reason, rsize, "not root and no delegated cgroup");
		return NULL;
	}
	if (v2 && (make_parent("/sys/fs/cgroup", CGROUP2_MAGIC, parent,
			       size) ||
		   make_parent("/sys/fs/cgroup/unified", CGROUP2_MAGIC, parent,
			       size)))
		return parent;
	if (v1 &&
	    make_parent("/sys/fs/cgroup/pids", CGROUP1_MAGIC, parent, size))
		return parent;
	snprintf(reason, rsize, "no cgroup %s to make a parent in",
		 v1 && v2 ? "v2 or v1 (pids)" : want);
	return NULL;
}

/* ---- the streams ---- */

struct soak {
	const char *marker;
	const char *cgroup_parent;
	bool cgroup_v2; /* then every run is measured (cpu.stat) */
	pthread_barrier_t warm, go; /* the warm-up is over; go on */
};

struct stream {
	struct soak *soak;
	int index, warmup, spawns; /* this stream's share */
	int warm_failures, failures;
	char failure[MAX_FAILURES][640];
	double *wall_ms; /* each spawn's, warm-up included */
	int n_wall;
};

/* Why r is not what /bin/true under SH_NS_ALL gives, or "". */
static void judge(const struct soak *soak, const struct sh_result *r,
		  char *why, size_t size)
{
	*why = '\0';
	if (r->setup_failed)
		snprintf(why, size, "setup failed: stage %s, errno %d: %.400s",
			 r->stage, r->error, r->message);
	else if (r->signal)
		snprintf(why, size, "signal %d", r->signal);
	else if (r->exit_code != 0)
		snprintf(why, size, "exit %d", r->exit_code);
	else if (r->command_pid <= 0)
		snprintf(why, size, "no command pid");
	else if ((r->namespaces & SH_NS_ALL) != SH_NS_ALL || r->dropped)
		snprintf(why, size, "namespaces %#x, dropped %#x",
			 r->namespaces, r->dropped);
	else if (soak->cgroup_v2 && r->cgroup_cpu_usec < 0)
		snprintf(why, size, "no cgroup usage measured");
}

static int spawn_wait(const struct soak *soak, struct sh_result *r)
{
	const char *argv[] = { "/bin/true", soak->marker, NULL };
	sh_spec *s = sh_spec_new();
	sh_process *p = NULL;
	int e;

	if (!s)
		return -ENOMEM;
	/* the default seccomp profile ("build"): nothing to set */
	e = sh_spec_set_argv(s, argv);
	if (!e)
		e = sh_spec_unshare(s, SH_NS_ALL);
	if (!e)
		e = sh_spec_add_tmpfs(s, "/tmp");
	if (!e && soak->cgroup_parent)
		e = sh_spec_set_cgroup_parent(s, soak->cgroup_parent);
	/* stderr only: stdout is the TAP stream */
	if (!e)
		e = sh_spec_map_fd(s, 2, 2);
	if (!e)
		e = sh_spawn(s, &p);
	sh_spec_free(s);
	if (e)
		return e;
	e = sh_wait(p, r, 0);
	sh_process_free(p);
	return e;
}

static void spawn_one(struct stream *st, int i, bool warm)
{
	struct sh_result r = { 0 };
	char why[512];
	double t0 = now_s();
	int e = spawn_wait(st->soak, &r);

	st->wall_ms[st->n_wall++] = (now_s() - t0) * 1000;
	if (e)
		snprintf(why, sizeof(why), "%s", sh_strerror(e));
	else
		judge(st->soak, &r, why, sizeof(why));
	if (!*why)
		return;
	if (st->warm_failures + st->failures < MAX_FAILURES)
		snprintf(st->failure[st->warm_failures + st->failures],
			 sizeof(st->failure[0]), "stream %d %s spawn %d: %s",
			 st->index, warm ? "warm-up" : "main", i, why);
	if (warm)
		st->warm_failures++;
	else
		st->failures++;
}

static void *stream_run(void *data)
{
	struct stream *st = data;

	for (int i = 0; i < st->warmup; i++)
		spawn_one(st, i, true);
	pthread_barrier_wait(&st->soak->warm);
	pthread_barrier_wait(&st->soak->go);
	for (int i = 0; i < st->spawns; i++)
		spawn_one(st, i, false);
	return NULL;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(void)
{
	static struct stream streams[MAX_STREAMS];
	static char marker[64], env_marker[96], parent_buf[4096];
	long spawns = env_long("SOAK_SPAWNS", 5000, 1, 10000000);
	long nstreams = env_long("SOAK_STREAMS", 2, 1, MAX_STREAMS);
	long warmup = env_long("SOAK_WARMUP",
			       spawns / 4 < 200 ? spawns / 4 : 200, 0,
			       spawns - 1);
	long rss_slack = env_long("SOAK_RSS_SLACK_KIB", 128, 0, 1 << 30);
	long heap_slack = env_long("SOAK_HEAP_SLACK_KIB", 64, 0, 1 << 30);
	struct soak soak = { .marker = marker };
	long main_spawns = spawns - warmup, rss_warm, rss_end, anon_warm,
	     anon_end, heap_warm, heap_end;
	int fds_before, fds_after, mounts_before, mounts_after, n;
	int warm_failures = 0, failures = 0, n_wall = 0;
	char reason[256], first[320];
	pthread_t threads[MAX_STREAMS];
	double t_warm, t_end, *all;
	siginfo_t si;

	setvbuf(stdout, NULL, _IOLBF, 0);
	snprintf(marker, sizeof(marker), "sh-soak-%d-%ld", (int)getpid(),
		 (long)time(NULL));
	snprintf(env_marker, sizeof(env_marker), "SH_SOAK_MARKER=%s", marker);
	if (setenv("SH_SOAK_MARKER", marker, 1) < 0) {
		printf("Bail out! setenv: %s\n", strerror(errno));
		return 1;
	}
	fds_before = fd_count();
	mounts_before = mountinfo_lines();
	soak.cgroup_parent = cgroup_parent(parent_buf, sizeof(parent_buf),
					   reason, sizeof(reason));
	soak.cgroup_v2 = soak.cgroup_parent &&
			 fs_is(soak.cgroup_parent, CGROUP2_MAGIC);
	diag("%ld spawns (%ld warm-up) in %ld streams as uid %d of %s; "
	     "cgroup parent %s; marker %s",
	     spawns, warmup, nstreams, (int)geteuid(),
	     getenv("SPAWNHELPER_PATH") ? getenv("SPAWNHELPER_PATH")
					: "the installed helper",
	     soak.cgroup_parent ? soak.cgroup_parent : reason, marker);

	if (pthread_barrier_init(&soak.warm, NULL, (unsigned)nstreams + 1) ||
	    pthread_barrier_init(&soak.go, NULL, (unsigned)nstreams + 1)) {
		puts("Bail out! pthread_barrier_init");
		return 1;
	}
	for (int i = 0; i < nstreams; i++) {
		struct stream *st = &streams[i];

		st->soak = &soak;
		st->index = i;
		st->warmup = (int)((warmup + i) / nstreams);
		st->spawns = (int)((main_spawns + i) / nstreams);
		/* touched now, so that it is in the warm-up's RSS */
		st->wall_ms = malloc((size_t)(st->warmup + st->spawns + 1) *
				     sizeof(double));
		if (!st->wall_ms) {
			puts("Bail out! out of memory");
			return 1;
		}
		for (int j = 0; j <= st->warmup + st->spawns; j++)
			st->wall_ms[j] = 0;
	}
	for (int i = 0; i < nstreams; i++)
		if (pthread_create(&threads[i], NULL, stream_run,
				   &streams[i])) {
			puts("Bail out! pthread_create");
			return 1;
		}
	pthread_barrier_wait(&soak.warm);
	rss_kib(&rss_warm, &anon_warm);
	heap_warm = heap_kib();
	t_warm = now_s();
	pthread_barrier_wait(&soak.go);
	for (int i = 0; i < nstreams; i++)
		pthread_join(threads[i], NULL);
	t_end = now_s();
	rss_kib(&rss_end, &anon_end);
	heap_end = heap_kib();
	pthread_barrier_destroy(&soak.warm);
	pthread_barrier_destroy(&soak.go);

	for (int i = 0; i < nstreams; i++) {
		for (int j = 0;
		     j < MAX_FAILURES &&
		     j < streams[i].warm_failures + streams[i].failures;
		     j++)
			diag("%s", streams[i].failure[j]);
		warm_failures += streams[i].warm_failures;
		failures += streams[i].failures;
	}
	check(warm_failures == 0, "warm-up: %ld spawns, %d failed", warmup,
	      warm_failures);
	check(failures == 0, "%ld spawns in %ld streams, %d failed",
	      main_spawns, nstreams, failures);

	fds_after = fd_count();
	check(fds_before >= 0 && fds_after == fds_before,
	      "the caller's fds: %d before, %d after", fds_before, fds_after);

	memset(&si, 0, sizeof(si));
	n = waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT);
	if (n == 0 && si.si_pid)
		diag("child %d is a zombie", (int)si.si_pid);
	else if (n == 0)
		diag("a child is still running");
	check(n < 0 && errno == ECHILD, "no child of the caller is left");

	*first = '\0';
	n = marked_processes(marker, env_marker, first, sizeof(first));
	check(n == 0, "no process with the marker is left: %d%s%s", n,
	      *first ? ", first " : "", first);

	if (soak.cgroup_parent) {
		*first = '\0';
		n = subdirs(soak.cgroup_parent, first, sizeof(first));
		check(n == 0, "no cgroup left below %s: %d%s%s",
		      soak.cgroup_parent, n, *first ? ", first " : "", first);
		n = rmdir(soak.cgroup_parent);
		check(n == 0, "the cgroup parent is empty and removed");
		if (n < 0)
			remove_cgroup_tree(soak.cgroup_parent);
	} else {
		check_unless(reason, false, "no cgroup left");
		check_unless(reason, false,
			     "the cgroup parent is empty and removed");
	}

	mounts_after = mountinfo_lines();
	check(mounts_before > 0 && mounts_after == mounts_before,
	      "mounts: %d lines of /proc/self/mountinfo before, %d after",
	      mounts_before, mounts_after);

	check_unless(SANITIZED,
		     anon_warm > 0 && anon_end - anon_warm <= rss_slack,
		     "RSS steady: %ld KiB anonymous (%ld in all) after the "
		     "warm-up, %ld KiB (%ld) after (%+ld, at most +%ld)",
		     anon_warm, rss_warm, anon_end, rss_end,
		     anon_end - anon_warm, rss_slack);
	check_unless(SANITIZED, heap_end - heap_warm <= heap_slack,
		     "heap steady: %ld KiB in use after the warm-up, %ld KiB "
		     "after (%+ld, at most +%ld)",
		     heap_warm, heap_end, heap_end - heap_warm, heap_slack);

	all = malloc((size_t)spawns * sizeof(double));
	for (int i = 0; all && i < nstreams; i++) {
		memcpy(all + n_wall, streams[i].wall_ms,
		       (size_t)streams[i].n_wall * sizeof(double));
		n_wall += streams[i].n_wall;
	}
	if (all && n_wall) {
		qsort(all, (size_t)n_wall, sizeof(double), cmp_double);
		diag("soak: %ld spawns in %ld streams (after %ld warm-up) in "
		     "%.2f s: %.0f spawns/s; each spawn+wait median %.2f ms, "
		     "p99 %.2f ms, max %.2f ms",
		     main_spawns, nstreams, warmup, t_end - t_warm,
		     (double)main_spawns / (t_end - t_warm),
		     all[n_wall / 2], all[(size_t)n_wall * 99 / 100],
		     all[n_wall - 1]);
	}
	free(all);
	for (int i = 0; i < nstreams; i++)
		free(streams[i].wall_ms);
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}
