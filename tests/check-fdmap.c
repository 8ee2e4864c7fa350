/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests of the fd-map planner: every plan runs on a simulated fd
 * table with the executor's semantics, and once for real (in the test's
 * own process and across an exec). */
#include "config.h"

#include <check.h>
#include "check-run.h"
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fdmap.h"

#define TIMEOUT 60
#define SIM_FDS 64
#define MAX_MAP 16

/* ---- the simulator ---- */

struct sim {
	bool open[SIM_FDS];
	bool cloexec[SIM_FDS];
	int file[SIM_FDS]; /* which file the fd refers to */
};

static void sim_open(struct sim *s, int fd, int file)
{
	ck_assert_int_ge(fd, 0);
	ck_assert_int_lt(fd, SIM_FDS);
	s->open[fd] = true;
	s->cloexec[fd] = false;
	s->file[fd] = file;
}

/* The file id of fd before anything ran. */
static int file_of_fd(int fd)
{
	return 1000 + fd;
}

/* An fd table where every parent of the map is open (spec_check_fds
 * guarantees it) plus the extra fds given in mask. */
static void sim_init(struct sim *s, const struct fd_mapping *map, size_t n,
		     uint64_t extra)
{
	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < n; i++)
		sim_open(s, map[i].parent, file_of_fd(map[i].parent));
	for (int fd = 0; fd < SIM_FDS; fd++)
		if (extra & (UINT64_C(1) << fd))
			sim_open(s, fd, file_of_fd(fd));
}

static int sim_resolve(const struct sim *s, struct fd_ref ref,
		       const int *temps, size_t n_temps, int temp_base)
{
	int fd;

	if (ref.temp) {
		ck_assert_msg(ref.fd >= 0 && (size_t)ref.fd < n_temps,
			      "temp slot %d out of range (%zu temps)", ref.fd,
			      n_temps);
		fd = temps[ref.fd];
		ck_assert_msg(fd >= 0, "temp slot %d read before it was saved",
			      ref.fd);
	} else {
		fd = ref.fd;
		ck_assert_msg(fd >= 0 && fd < temp_base,
			      "op reads fd %d outside the map (base %d)", fd,
			      temp_base);
	}
	ck_assert_msg(s->open[fd], "op reads closed fd %d", fd);
	return fd;
}

/* fdmap_apply's semantics, then exec; asserts every op is well formed. */
static void sim_run(struct sim *s, const struct fd_plan *plan, int temp_base)
{
	int temps[SIM_FDS];

	ck_assert_uint_le(plan->n_temps, SIM_FDS);
	for (size_t i = 0; i < SIM_FDS; i++)
		temps[i] = -1;
	for (int fd = 0; fd < SIM_FDS; fd++)
		s->cloexec[fd] = s->open[fd];
	for (size_t i = 0; i < plan->n_ops; i++) {
		const struct fd_op *op = &plan->ops[i];
		int src = sim_resolve(s, op->src, temps, plan->n_temps,
				      temp_base);
		int fd;

		switch (op->kind) {
		case FD_OP_KEEP:
			ck_assert_msg(!op->src.temp, "KEEP of a temp slot");
			s->cloexec[src] = false;
			break;
		case FD_OP_SAVE:
			ck_assert_msg(op->dst >= 0 &&
					      (size_t)op->dst < plan->n_temps &&
					      temps[op->dst] < 0,
				      "SAVE to bad or reused slot %d", op->dst);
			for (fd = temp_base; fd < SIM_FDS && s->open[fd]; fd++)
				;
			ck_assert_int_lt(fd, SIM_FDS);
			sim_open(s, fd, s->file[src]);
			s->cloexec[fd] = true;
			temps[op->dst] = fd;
			break;
		case FD_OP_DUP2:
			ck_assert_msg(op->dst >= 0 && op->dst < temp_base,
				      "DUP2 to fd %d outside the map (base %d)",
				      op->dst, temp_base);
			/* dup2(fd, fd) changes nothing, not even cloexec */
			if (src != op->dst)
				sim_open(s, op->dst, s->file[src]);
			break;
		default:
			ck_abort_msg("unknown op kind %d", (int)op->kind);
		}
	}
	for (int fd = 0; fd < SIM_FDS; fd++)
		if (s->cloexec[fd])
			s->open[fd] = false;
}

static char *map_str(const struct fd_mapping *map, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s%d=%d", i ? " " : "", map[i].child,
			map[i].parent);
	fclose(f);
	return buf;
}

/* Plan map, simulate it and check the outcome: exactly the children are
 * open, each with its parent's original file. Returns the plan. */
static void check_map(const struct fd_mapping *map, size_t n, uint64_t extra,
		      struct fd_plan *plan)
{
	_cleanup_free_ char *desc = map_str(map, n);
	size_t keeps = 0, saves = 0, dups = 0, open = 0;
	int temp_base = fdmap_temp_base(map, n);
	struct sim s;
	int r;

	r = fdmap_plan(map, n, plan);
	ck_assert_msg(r == 0, "plan `%s`: %d", desc, r);
	for (size_t i = 0; i < plan->n_ops; i++) {
		keeps += plan->ops[i].kind == FD_OP_KEEP;
		saves += plan->ops[i].kind == FD_OP_SAVE;
		dups += plan->ops[i].kind == FD_OP_DUP2;
	}
	ck_assert_msg(keeps + dups == n && saves == plan->n_temps &&
			      saves <= n / 2 &&
			      plan->n_ops == keeps + saves + dups,
		      "plan `%s`: %zu keep, %zu save, %zu dup2, %zu temps",
		      desc, keeps, saves, dups, plan->n_temps);
	sim_init(&s, map, n, extra);
	sim_run(&s, plan, temp_base);
	for (size_t i = 0; i < n; i++) {
		int c = map[i].child;

		ck_assert_msg(s.open[c], "map `%s`: fd %d closed", desc, c);
		ck_assert_msg(s.file[c] == file_of_fd(map[i].parent),
			      "map `%s`: fd %d is a copy of fd %d, not %d",
			      desc, c, s.file[c] - 1000, map[i].parent);
	}
	for (int fd = 0; fd < SIM_FDS; fd++)
		open += s.open[fd];
	ck_assert_msg(open == n, "map `%s`: %zu fds open after exec", desc,
		      open);
}

/* ---- fixed cases ---- */

struct map_case {
	const char *what;
	struct fd_mapping map[MAX_MAP];
	size_t n;
	size_t ops, temps;
};

#define M(c, p) { c, p }

static const struct map_case map_cases[] = {
	{ "empty", { M(0, 0) }, 0, 0, 0 },
	{ "identity", { M(0, 0), M(1, 1), M(2, 2) }, 3, 3, 0 },
	{ "identity high", { M(9, 9), M(3, 3) }, 2, 2, 0 },
	{ "swap", { M(1, 2), M(2, 1) }, 2, 3, 1 },
	{ "swap high", { M(7, 5), M(5, 7) }, 2, 3, 1 },
	{ "swap and keep", { M(0, 0), M(1, 2), M(2, 1) }, 3, 4, 1 },
	{ "3-cycle", { M(3, 4), M(4, 5), M(5, 3) }, 3, 4, 1 },
	{ "3-cycle other order", { M(5, 3), M(3, 4), M(4, 5) }, 3, 4, 1 },
	{ "10-cycle",
	  { M(0, 1), M(1, 2), M(2, 3), M(3, 4), M(4, 5), M(5, 6), M(6, 7),
	    M(7, 8), M(8, 9), M(9, 0) },
	  10, 11, 1 },
	{ "two swaps", { M(0, 1), M(1, 0), M(2, 3), M(3, 2) }, 4, 6, 2 },
	{ "chain", { M(3, 4), M(4, 5), M(5, 6) }, 3, 3, 0 },
	{ "chain reversed", { M(5, 6), M(4, 5), M(3, 4) }, 3, 3, 0 },
	{ "target is a source", { M(3, 4), M(5, 3) }, 2, 2, 0 },
	{ "parent of several", { M(1, 0), M(2, 0), M(3, 0) }, 3, 3, 0 },
	{ "parent of several, kept", { M(0, 1), M(1, 1), M(2, 1) }, 3, 3, 0 },
	{ "cycle with a tail", { M(1, 2), M(2, 1), M(3, 1) }, 3, 4, 1 },
	{ "tail into a cycle", { M(3, 1), M(1, 2), M(2, 1), M(4, 3) }, 4, 5,
	  1 },
	{ "stdio from high fds", { M(0, 10), M(1, 11), M(2, 11) }, 3, 3, 0 },
	{ "portage fd_pipes", { M(0, 0), M(1, 5), M(2, 5), M(5, 1) }, 4, 5,
	  1 },
	{ "unmapped source", { M(3, 9), M(9, 3), M(4, 9) }, 3, 4, 1 },
};

START_TEST(test_map_case)
{
	const struct map_case *c = &map_cases[_i];
	struct fd_plan plan;

	/* a few unmapped fds open too: 0-2, 6, 20 */
	check_map(c->map, c->n, 0x100047, &plan);
	ck_assert_msg(plan.n_ops == c->ops && plan.n_temps == c->temps,
		      "%s: %zu ops, %zu temps; expected %zu and %zu", c->what,
		      plan.n_ops, plan.n_temps, c->ops, c->temps);
	fdmap_plan_clear(&plan);
	ck_assert_ptr_null(plan.ops);
	ck_assert_uint_eq(plan.n_ops, 0);
}
END_TEST

START_TEST(test_swap_ops)
{
	static const struct fd_mapping map[] = { { 1, 2 }, { 2, 1 } };
	struct fd_plan plan;

	check_map(map, 2, 0, &plan);
	ck_assert_uint_eq(plan.n_ops, 3);
	ck_assert_uint_eq(plan.n_temps, 1);
	ck_assert_int_eq(plan.ops[0].kind, FD_OP_SAVE);
	ck_assert(!plan.ops[0].src.temp);
	ck_assert_int_eq(plan.ops[0].dst, 0);
	ck_assert_int_eq(plan.ops[1].kind, FD_OP_DUP2);
	ck_assert_int_eq(plan.ops[2].kind, FD_OP_DUP2);
	/* the last copy reads the saved fd */
	ck_assert(plan.ops[2].src.temp);
	ck_assert_int_eq(plan.ops[2].src.fd, 0);
	fdmap_plan_clear(&plan);
}
END_TEST

START_TEST(test_identity_ops)
{
	static const struct fd_mapping map[] = { { 2, 2 }, { 0, 0 }, { 7, 7 },
						 { 1, 1 } };
	struct fd_plan plan;

	check_map(map, 4, 0, &plan);
	ck_assert_uint_eq(plan.n_ops, 4);
	ck_assert_uint_eq(plan.n_temps, 0);
	for (size_t i = 0; i < plan.n_ops; i++) {
		ck_assert_int_eq(plan.ops[i].kind, FD_OP_KEEP);
		ck_assert(!plan.ops[i].src.temp);
		ck_assert_int_eq(plan.ops[i].src.fd, map[i].child);
	}
	fdmap_plan_clear(&plan);
}
END_TEST

static const struct {
	struct fd_mapping map[4];
	size_t n;
} dup_cases[] = {
	{ { { 1, 1 }, { 1, 2 } }, 2 },
	{ { { 3, 4 }, { 5, 6 }, { 3, 7 } }, 3 },
	{ { { 0, 1 }, { 1, 0 }, { 0, 1 } }, 3 },
	{ { { 4, 4 }, { 4, 4 } }, 2 },
};

START_TEST(test_duplicate_children)
{
	struct fd_plan plan;

	memset(&plan, 0xa5, sizeof(plan));
	ck_assert_int_eq(fdmap_plan(dup_cases[_i].map, dup_cases[_i].n, &plan),
			 -EINVAL);
	ck_assert_ptr_null(plan.ops);
	ck_assert_uint_eq(plan.n_ops, 0);
	ck_assert_uint_eq(plan.n_temps, 0);
	fdmap_plan_clear(&plan);
}
END_TEST

START_TEST(test_temp_base)
{
	static const struct fd_mapping a[] = { { 0, 0 } };
	static const struct fd_mapping b[] = { { 10, 2 } };
	static const struct fd_mapping c[] = { { 1, 20 }, { 4, 3 } };

	ck_assert_int_eq(fdmap_temp_base(NULL, 0), 3);
	ck_assert_int_eq(fdmap_temp_base(a, 1), 3);
	ck_assert_int_eq(fdmap_temp_base(b, 1), 11);
	ck_assert_int_eq(fdmap_temp_base(c, 2), 21);
}
END_TEST

/* ---- random and exhaustive maps ---- */

static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16) % n;
}

START_TEST(test_random_maps)
{
	rng_state = 0x2545f4914f6cdd1dull + (uint64_t)_i;
	for (int iter = 0; iter < 5000; iter++) {
		struct fd_mapping map[10];
		bool used[10] = { false };
		size_t n = rnd(11);
		uint64_t extra = 0;
		struct fd_plan plan;

		for (size_t i = 0; i < n; i++) {
			int child;

			do
				child = (int)rnd(10);
			while (used[child]);
			used[child] = true;
			map[i] = (struct fd_mapping){ child, (int)rnd(10) };
		}
		/* unmapped fds, some of them where the temps go */
		for (int k = rnd(6); k > 0; k--)
			extra |= UINT64_C(1) << rnd(16);
		check_map(map, n, extra, &plan);
		fdmap_plan_clear(&plan);
	}
}
END_TEST

/* Every map of the fds 0-4 (each child unmapped or mapped to any of
 * them), in ascending and descending order of children. */
START_TEST(test_exhaustive_maps)
{
	enum { D = 5 };
	int total = 1;

	for (int i = 0; i < D; i++)
		total *= D + 1;
	for (int code = 0; code < total; code++) {
		struct fd_mapping map[D];
		size_t n = 0;
		struct fd_plan plan;

		for (int c = 0, x = code; c < D; c++, x /= D + 1) {
			int child = _i ? D - 1 - c : c;

			if (x % (D + 1))
				map[n++] = (struct fd_mapping){
					child, x % (D + 1) - 1
				};
		}
		check_map(map, n, 0, &plan);
		fdmap_plan_clear(&plan);
	}
}
END_TEST

/* ---- for real ---- */

static void file_id(int fd, dev_t *dev, ino_t *ino)
{
	struct stat st;

	ck_assert_msg(fstat(fd, &st) == 0, "fstat %d: %s", fd,
		      strerror(errno));
	*dev = st.st_dev;
	*ino = st.st_ino;
}

/* A swap, a chain and a keep among the test's own fds (Check's fds stay
 * where they are), applied in this forked test process. */
START_TEST(test_apply_real)
{
	enum { N_PIPES = 5 };
	int p[N_PIPES][2], a, b, c, d, e, f;
	dev_t dev[N_PIPES];
	ino_t ino[N_PIPES];
	struct fd_mapping map[5];
	struct fd_plan plan;
	struct sh_err err = { 0 };
	int temp_base;

	for (int i = 0; i < N_PIPES; i++) {
		ck_assert_int_eq(pipe(p[i]), 0);
		file_id(p[i][0], &dev[i], &ino[i]);
	}
	a = p[0][0], b = p[1][0], c = p[2][0], d = p[3][0], e = p[4][0];
	f = p[0][1];
	map[0] = (struct fd_mapping){ a, b }; /* swap a and b */
	map[1] = (struct fd_mapping){ b, a };
	map[2] = (struct fd_mapping){ c, d }; /* chain c <- d <- e */
	map[3] = (struct fd_mapping){ d, e };
	map[4] = (struct fd_mapping){ f, f }; /* keep */
	ck_assert_int_eq(fdmap_plan(map, 5, &plan), 0);
	temp_base = fdmap_temp_base(map, 5);
	ck_assert_msg(fdmap_apply(&plan, temp_base, &err) == 0, "%s: %s",
		      err.stage, err.message);
	fdmap_plan_clear(&plan);

	for (int fd = 0; fd < temp_base + 64; fd++) {
		int flags = fcntl(fd, F_GETFD), want = -1;
		dev_t dv;
		ino_t in;

		if (fd == a)
			want = 1;
		else if (fd == b || fd == f)
			want = 0;
		else if (fd == c)
			want = 3;
		else if (fd == d)
			want = 4;
		if (want < 0) {
			ck_assert_msg(flags < 0 || (flags & FD_CLOEXEC),
				      "unmapped fd %d is not close-on-exec",
				      fd);
			continue;
		}
		ck_assert_msg(flags == 0, "target fd %d has flags %#x", fd,
			      flags);
		file_id(fd, &dv, &in);
		ck_assert_msg(dv == dev[want] && in == ino[want],
			      "fd %d is not pipe %d", fd, want);
	}
	/* e is only a source: still open, close-on-exec */
	ck_assert_int_eq(fcntl(e, F_GETFD), FD_CLOEXEC);
}
END_TEST

/* Run by the exec test: print "fd:inode" for every open fd. */
static int list_fds(void)
{
	for (int fd = 0; fd < 4096; fd++) {
		struct stat st;

		if (fstat(fd, &st) == 0)
			dprintf(1, "%d:%lu\n", fd, (unsigned long)st.st_ino);
	}
	return 0;
}

/* Collisions with fixed numbers, then exec: only the children survive. */
START_TEST(test_apply_exec)
{
	static const struct fd_mapping map[] = {
		{ 10, 11 }, { 11, 10 }, /* swap */
		{ 3, 12 },  { 12, 13 }, /* chain */
		{ 13, 13 },             /* keep */
		{ 1, 14 },              /* stdout: the result pipe */
	};
	static const int from[] = { 10, 11, 12, 13, 14 };
	int p[5][2], hi[5], status;
	ino_t ino[5];
	char got[512] = "", want[512];
	size_t len = 0;
	pid_t pid;

	for (int i = 0; i < 5; i++) {
		dev_t dev;

		ck_assert_int_eq(pipe(p[i]), 0);
		file_id(p[i][0], &dev, &ino[i]);
		/* out of the way of the fixed numbers */
		hi[i] = fcntl(p[i][i == 4], F_DUPFD_CLOEXEC, 100);
		ck_assert_int_ge(hi[i], 100);
	}
	snprintf(want, sizeof(want),
		 "1:%lu\n3:%lu\n10:%lu\n11:%lu\n12:%lu\n13:%lu\n",
		 (unsigned long)ino[4], (unsigned long)ino[2],
		 (unsigned long)ino[1], (unsigned long)ino[0],
		 (unsigned long)ino[3], (unsigned long)ino[3]);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct sh_err err;
		struct fd_plan plan;
		char *argv[] = { "check-fdmap", "--list-fds", NULL };

		/* pipes 0-3 by their read end, pipe 4 by its write end */
		for (int i = 0; i < 5; i++)
			if (dup2(hi[i], from[i]) < 0)
				_exit(2);
		if (fdmap_plan(map, sizeof(map) / sizeof(map[0]), &plan) < 0 ||
		    fdmap_apply(&plan, fdmap_temp_base(map, 6), &err) < 0)
			_exit(3);
		execv("/proc/self/exe", argv);
		_exit(4);
	}
	close(p[4][1]);
	close(hi[4]);
	for (;;) {
		ssize_t n = read(p[4][0], got + len, sizeof(got) - 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		ck_assert_int_ge(n, 0);
		if (n == 0)
			break;
		len += (size_t)n;
	}
	got[len] = '\0';
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "the child failed: %#x", status);
	ck_assert_str_eq(got, want);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *make_fdmap_suite(void)
{
	Suite *s = suite_create("fdmap");
	TCase *tc;

	tc = tcase_create("plan");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_loop_test(tc, test_map_case, 0, N(map_cases));
	tcase_add_test(tc, test_swap_ops);
	tcase_add_test(tc, test_identity_ops);
	tcase_add_loop_test(tc, test_duplicate_children, 0, N(dup_cases));
	tcase_add_test(tc, test_temp_base);
	suite_add_tcase(s, tc);

	tc = tcase_create("random");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_loop_test(tc, test_random_maps, 0, 5);
	tcase_add_loop_test(tc, test_exhaustive_maps, 0, 2);
	suite_add_tcase(s, tc);

	tc = tcase_create("apply");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_test(tc, test_apply_real);
	tcase_add_test(tc, test_apply_exec);
	suite_add_tcase(s, tc);
	return s;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--list-fds") == 0)
		return list_fds();
	return check_run(make_fdmap_suite());
}
