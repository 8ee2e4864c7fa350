/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sandbox-calls: the cost of one write-meaning call that the sandbox's
 * seccomp prefix sends to the monitor (issue 13, point 3), with reports
 * and without, in one run.
 *
 *     sandbox-calls [-n CALLS] [-r ROUNDS] [HELPER]
 *
 * Each round runs, through the helper (HELPER, or $SPAWN_HELPER, or
 * ../src/spawn-helper next to this program), this program as the
 * command three ways, one after the other: CALLS times
 * open(O_WRONLY | O_CREAT | O_TRUNC) + close of a file inside a
 * --sandbox-write directory with --sandbox-report no, the same with
 * reports, and no call at all (the start-up, subtracted). For each way
 * it takes the wall time and the CPU time of the helper and all its
 * processes (monitor, memory reader, command: wait4's rusage, user +
 * system, every one of them reaped by its parent before the helper
 * ends), and prints the medians over the rounds per call:
 *
 *     calls 20000 rounds 5
 *     no reports: wall 8.1 us/call  cpu 7.9 us/call
 *     reports:    wall 900.2 us/call  cpu 60.3 us/call
 *     reports cost: wall +892.1 us/call  cpu +52.4 us/call
 *
 * CPU time is the number to compare on a shared machine: wall time
 * counts the wait for a core at each of the call's wake-ups. No
 * assertions: numbers for bench/RESULTS.md.
 *
 *     sandbox-calls --work DIR CALLS    (the command: the calls)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int work(const char *dir, long calls)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/f", dir);
	for (long i = 0; i < calls; i++) {
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			      0644);

		if (fd < 0) {
			perror(path);
			return 1;
		}
		close(fd);
	}
	return 0;
}

static double usec(const struct timeval *t)
{
	return (double)t->tv_sec * 1e6 + (double)t->tv_usec;
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* One run of the helper on our own --work: its wall and CPU time (us). */
static int run(const char *helper, const char *self, const char *dir,
	       long calls, int report, double *wall, double *cpu)
{
	char n[32];
	const char *argv[] = { helper, "--sandbox-write", dir,
			       "--sandbox-report", report ? "yes" : "no",
			       "--", self, "--work", dir, n, NULL };
	struct rusage ru;
	double t0 = now_us();
	int status;
	pid_t pid;

	snprintf(n, sizeof(n), "%ld", calls);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		execv(helper, (char **)argv);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) != pid)
		return -1;
	*wall = now_us() - t0;
	*cpu = usec(&ru.ru_utime) + usec(&ru.ru_stime);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "sandbox-calls: the helper failed (status %d)\n",
			status);
		return -1;
	}
	return 0;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
	char self[PATH_MAX], dir[] = "/tmp/sh-bench-calls.XXXXXX";
	char def[PATH_MAX + 32];
	const char *helper;
	long calls = 20000;
	int rounds = 5, opt;
	double *v;

	if (argc == 4 && strcmp(argv[1], "--work") == 0)
		return work(argv[2], atol(argv[3]));
	while ((opt = getopt(argc, argv, "n:r:")) != -1) {
		if (opt == 'n')
			calls = atol(optarg);
		else if (opt == 'r')
			rounds = atoi(optarg);
		else
			return 2;
	}
	if (calls <= 0 || rounds <= 0 || rounds > 1000)
		return 2;
	if (!realpath("/proc/self/exe", self))
		return 1;
	snprintf(def, sizeof(def), "%.*s/../src/spawn-helper",
		 (int)(strrchr(self, '/') - self), self);
	helper = optind < argc		  ? argv[optind]
		 : getenv("SPAWN_HELPER") ? getenv("SPAWN_HELPER")
					  : def;
	if (!mkdtemp(dir) || chmod(dir, 0777) < 0) {
		perror("mkdtemp");
		return 1;
	}
	/* [way][wall, cpu][round]: no reports, reports, start-up */
	v = calloc(3 * 2 * (size_t)rounds, sizeof(*v));
	if (!v)
		return 1;
	for (int r = 0; r < rounds; r++)
		for (int way = 0; way < 3; way++)
			if (run(helper, self, dir, way == 2 ? 0 : calls,
				way == 1, &v[(way * 2 + 0) * rounds + r],
				&v[(way * 2 + 1) * rounds + r]) < 0)
				return 1;
	{
		double base_wall = median(&v[4 * rounds], rounds);
		double base_cpu = median(&v[5 * rounds], rounds);
		double q_wall = (median(&v[0], rounds) - base_wall) / calls;
		double q_cpu = (median(&v[rounds], rounds) - base_cpu) / calls;
		double r_wall = (median(&v[2 * rounds], rounds) - base_wall) /
				calls;
		double r_cpu = (median(&v[3 * rounds], rounds) - base_cpu) /
			       calls;

		printf("calls %ld rounds %d (start-up: wall %.0f us, cpu %.0f us, subtracted)\n",
		       calls, rounds, base_wall, base_cpu);
		printf("no reports: wall %.1f us/call  cpu %.1f us/call\n",
		       q_wall, q_cpu);
		printf("reports:    wall %.1f us/call  cpu %.1f us/call\n",
		       r_wall, r_cpu);
		printf("reports cost: wall %+.1f us/call  cpu %+.1f us/call\n",
		       r_wall - q_wall, r_cpu - q_cpu);
	}
	{
		char f[sizeof(dir) + 2];

		snprintf(f, sizeof(f), "%s/f", dir);
		unlink(f);
		rmdir(dir);
	}
	free(v);
	return 0;
}
