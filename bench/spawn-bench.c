/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* spawn-bench: the median wall time of starting a command and waiting for
 * it, N times, either as a plain command line (posix_spawn + waitpid:
 * what a caller pays for spawn-helper, unshare(1) or bwrap) or through
 * libspawnhelper (--lib, with the spawn-helper options given).
 *
 *     spawn-bench [-n N] [-j STREAMS] -- COMMAND [ARG...]
 *     spawn-bench [-n N] [-j STREAMS] --lib [HELPER-OPTION...] -- COMMAND...
 *     spawn-bench [-n N] -j STREAMS -r ROUNDS [--lib ...] -- COMMAND...
 *
 * Prints "median_us N" and, with -j, the spawns per second of all
 * streams together.
 *
 * With -r ROUNDS and -j STREAMS (scaling): ROUNDS rounds of N spawns in
 * one stream, then N in each of STREAMS streams at once, so that both
 * sides see the same drifting machine; prints the spawns per second of
 * each side over all rounds, their ratio, the median of the rounds'
 * ratios, and "penalty_us": how much longer a spawn takes when the
 * streams run side by side than alone (what they cost each other; on 2
 * cores with 2 streams the ratio is 2 * one / (one + penalty)).
 *
 * Several jobs separated by ":::" (each [--lib [OPTION...]] -- COMMAND...)
 * are run in turn, one spawn of each per round, N rounds (each round
 * starting with the next job), so that a
 * machine getting busier or quieter during the run weighs on all of them
 * alike; it prints "median_us K N" for job K (0, 1, ...). */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <spawn.h>
#include <spawnhelper.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

struct job {
	char **argv;
	char **options; /* --lib: spawn-helper options, "name" or "name=value" */
	size_t n_options;
	bool lib;
	int runs;
	double *times;
	int failures;
};

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int run_plain(char **argv)
{
	int status;
	pid_t pid;

	if (posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ))
		return -1;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static int run_lib(const struct job *job)
{
	sh_spec *spec = sh_spec_new();
	struct sh_result result;
	sh_process *p;
	int r = -1;

	if (!spec || sh_spec_set_argv(spec, (const char *const *)job->argv))
		goto out;
	for (size_t i = 0; i < job->n_options; i++) {
		char name[64];
		const char *eq = strchr(job->options[i], '=');

		snprintf(name, sizeof(name), "%.*s",
			 eq ? (int)(eq - job->options[i])
			    : (int)strlen(job->options[i]),
			 job->options[i]);
		if (sh_spec_set_option(spec, name, eq ? eq + 1 : NULL) < 0) {
			fprintf(stderr, "--%s: %s\n", name, sh_spec_error(spec));
			goto out;
		}
	}
	if (sh_spawn(spec, &p) < 0)
		goto out;
	if (sh_wait(p, &result, 0) == 0 && result.exit_code == 0)
		r = 0;
	sh_process_free(p);
out:
	sh_spec_free(spec);
	return r;
}

static void *stream(void *arg)
{
	struct job *job = arg;

	for (int i = 0; i < job->runs; i++) {
		double start = now_us();

		if ((job->lib ? run_lib(job) : run_plain(job->argv)) < 0)
			job->failures++;
		job->times[i] = now_us() - start;
	}
	return NULL;
}

static int compare(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* One job's arguments from argv[*i]: [--lib [--OPTION[=VALUE]...]] --
 * COMMAND..., up to ":::" or the end. */
static int parse_job(int argc, char **argv, int *i, struct job *job)
{
	for (; *i < argc && strcmp(argv[*i], "--") != 0; ++*i) {
		if (strcmp(argv[*i], "--lib") == 0)
			job->lib = true;
		else if (job->lib && strncmp(argv[*i], "--", 2) == 0) {
			job->options = realloc(job->options,
					       (job->n_options + 1) *
						       sizeof(char *));
			job->options[job->n_options++] = argv[*i] + 2;
		} else
			return -1;
	}
	if (*i + 1 >= argc || strcmp(argv[*i + 1], ":::") == 0)
		return -1;
	job->argv = argv + *i + 1;
	for (++*i; *i < argc && strcmp(argv[*i], ":::") != 0; ++*i)
		;
	if (*i < argc) /* the command ends at ":::" */
		argv[(*i)++] = NULL;
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: spawn-bench [-n N] [-j STREAMS [-r ROUNDS]] [--lib "
			"[--OPTION[=VALUE]...]] -- COMMAND... [::: [--lib "
			"...] -- COMMAND...]...\n");
	return 2;
}

/* Jobs in turn, one spawn each per round. */
static int alternate(struct job *jobs, int n_jobs, int runs)
{
	int failures = 0;

	for (int k = 0; k < n_jobs; k++)
		jobs[k].times = calloc((size_t)runs, sizeof(double));
	/* each round starts with the next job: whichever goes first after
	 * the previous round's exits pays about 0.1 ms more here */
	for (int r = 0; r < runs; r++)
		for (int i = 0; i < n_jobs; i++) {
			int k = (r + i) % n_jobs;
			double start = now_us();

			if ((jobs[k].lib ? run_lib(&jobs[k])
					 : run_plain(jobs[k].argv)) < 0)
				failures++;
			jobs[k].times[r] = now_us() - start;
		}
	for (int k = 0; k < n_jobs; k++) {
		qsort(jobs[k].times, (size_t)runs, sizeof(double), compare);
		printf("median_us %d %.0f\n", k, jobs[k].times[runs / 2]);
	}
	printf("failures %d\n", failures);
	return failures ? 1 : 0;
}

/* streams streams of proto->runs spawns at once; returns the seconds
 * they took, times (runs * streams of them) filled. */
static double run_streams(const struct job *proto, int streams,
			  double *times, int *failures)
{
	pthread_t threads[16];
	struct job jobs[16];
	double start = now_us();

	for (int s = 0; s < streams; s++) {
		jobs[s] = *proto;
		jobs[s].times = times + s * proto->runs;
		jobs[s].failures = 0;
		pthread_create(&threads[s], NULL, stream, &jobs[s]);
	}
	for (int s = 0; s < streams; s++) {
		pthread_join(threads[s], NULL);
		*failures += jobs[s].failures;
	}
	return (now_us() - start) / 1e6;
}

/* One stream and then streams streams, rounds times over. */
static int scaling(struct job *proto, int streams, int rounds)
{
	double *times = calloc((size_t)(proto->runs * streams), sizeof(double));
	double *ratios = calloc((size_t)rounds, sizeof(double));
	double one = 0, many = 0;
	int failures = 0, runs = proto->runs;

	for (int r = 0; r < rounds; r++) {
		double a = run_streams(proto, 1, times, &failures);
		double b = run_streams(proto, streams, times, &failures);

		one += a;
		many += b;
		ratios[r] = streams * a / b;
	}
	qsort(ratios, (size_t)rounds, sizeof(double), compare);
	printf("one_stream_per_s %.1f\nstreams_per_s %.1f\nratio %.3f\n"
	       "median_round_ratio %.3f\npenalty_us %.0f\nfailures %d\n",
	       rounds * runs / one, rounds * runs * streams / many,
	       streams * one / many, ratios[rounds / 2],
	       (many - one) / (rounds * runs) * 1e6, failures);
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	int runs = 100, streams = 1, rounds = 0, i = 1, n_jobs = 0;
	struct job proto = { 0 }, many[16];
	double elapsed, *all;
	int failures = 0;

	for (; i < argc && argv[i][0] == '-' && argv[i][1] != '-'; i++) {
		if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
			runs = atoi(argv[++i]);
		else if (strcmp(argv[i], "-j") == 0 && i + 1 < argc)
			streams = atoi(argv[++i]);
		else if (strcmp(argv[i], "-r") == 0 && i + 1 < argc)
			rounds = atoi(argv[++i]);
		else
			return usage();
	}
	while (i < argc && n_jobs < 16) {
		many[n_jobs] = (struct job){ 0 };
		if (parse_job(argc, argv, &i, &many[n_jobs++]) < 0)
			return usage();
	}
	if (n_jobs == 0 || i < argc || runs < 1 || streams < 1 ||
	    streams > 16 || rounds < 0 || (n_jobs > 1 && streams > 1))
		return usage();
	if (n_jobs > 1)
		return alternate(many, n_jobs, runs);
	proto = many[0];
	proto.runs = runs;
	if (rounds > 0)
		return scaling(&proto, streams, rounds);
	all = calloc((size_t)(runs * streams), sizeof(double));
	elapsed = run_streams(&proto, streams, all, &failures);
	qsort(all, (size_t)(runs * streams), sizeof(double), compare);
	printf("median_us %.0f\nspawns_per_s %.1f\nfailures %d\n",
	       all[runs * streams / 2], runs * streams / elapsed, failures);
	return failures ? 1 : 0;
}
