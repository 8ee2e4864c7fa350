/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "fdmap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/syscall.h>

#include "cleanup.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

struct pending {
	int target;
	struct fd_ref src;
};

static bool ref_is_fd(struct fd_ref ref, int fd)
{
	return !ref.temp && ref.fd == fd;
}

/* A target may be written once no other pending mapping still reads it. */
static bool target_is_free(const struct pending *p, size_t n, size_t self)
{
	for (size_t j = 0; j < n; j++)
		if (j != self && ref_is_fd(p[j].src, p[self].target))
			return false;
	return true;
}

static void push_op(struct fd_plan *plan, enum fd_op_kind kind,
		    struct fd_ref src, int dst)
{
	plan->ops[plan->n_ops++] = (struct fd_op){ kind, src, dst };
}

/* Every target blocked means the rest are cycles: move the fd of the
 * first target aside and read it from the temp copy instead. */
static void break_cycle(struct pending *p, size_t n, struct fd_plan *plan)
{
	int fd = p[0].target;
	struct fd_ref temp = { (int)plan->n_temps++, true };

	push_op(plan, FD_OP_SAVE, (struct fd_ref){ fd, false }, temp.fd);
	for (size_t j = 0; j < n; j++)
		if (ref_is_fd(p[j].src, fd))
			p[j].src = temp;
}

int fdmap_plan(const struct fd_mapping *map, size_t n, struct fd_plan *plan)
{
	_cleanup_free_ struct pending *p = calloc(n ? n : 1, sizeof(*p));
	size_t n_pending = 0;

	memset(plan, 0, sizeof(*plan));
	if (!p)
		return -ENOMEM;
	/* each mapping needs one op, plus one save at most per cycle */
	plan->ops = calloc(2 * n + 1, sizeof(*plan->ops));
	if (!plan->ops)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < i; j++)
			if (map[j].child == map[i].child) {
				fdmap_plan_clear(plan);
				return -EINVAL;
			}
		if (map[i].child == map[i].parent)
			push_op(plan, FD_OP_KEEP,
				(struct fd_ref){ map[i].child, false }, -1);
		else
			p[n_pending++] = (struct pending){
				map[i].child, { map[i].parent, false }
			};
	}
	while (n_pending) {
		size_t i;

		for (i = 0; i < n_pending; i++)
			if (target_is_free(p, n_pending, i))
				break;
		if (i == n_pending) {
			break_cycle(p, n_pending, plan);
			continue;
		}
		push_op(plan, FD_OP_DUP2, p[i].src, p[i].target);
		p[i] = p[--n_pending];
	}
	return 0;
}

void fdmap_plan_clear(struct fd_plan *plan)
{
	free(plan->ops);
	memset(plan, 0, sizeof(*plan));
}

int fdmap_temp_base(const struct fd_mapping *map, size_t n)
{
	int base = 3;

	for (size_t i = 0; i < n; i++) {
		if (map[i].child >= base)
			base = map[i].child + 1;
		if (map[i].parent >= base)
			base = map[i].parent + 1;
	}
	return base;
}

/* Kernels before 5.11 lack CLOSE_RANGE_CLOEXEC: mark fds one by one. An
 * fd that cannot be marked would reach the command: an error. */
static int cloexec_all_slow(struct sh_err *err)
{
	DIR *dir = opendir("/proc/self/fd");
	struct dirent *de;
	int r = 0;

	if (!dir)
		return err_sys(err, STAGE_FDS, errno,
			       "opendir `/proc/self/fd`");
	while (r == 0 && (de = readdir(dir))) {
		int fd = atoi(de->d_name);

		if (de->d_name[0] != '.' && fd != dirfd(dir) &&
		    fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
			r = err_sys(err, STAGE_FDS, errno,
				    "mark fd %d close-on-exec", fd);
	}
	closedir(dir);
	return r;
}

static int cloexec_all(struct sh_err *err)
{
	if (syscall(SYS_close_range, 0U, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return err_sys(err, STAGE_FDS, errno, "close_range CLOEXEC");
	return cloexec_all_slow(err);
}

static int resolve(struct fd_ref ref, const int *temps)
{
	return ref.temp ? temps[ref.fd] : ref.fd;
}

int fdmap_apply(const struct fd_plan *plan, int temp_base, struct sh_err *err)
{
	_cleanup_free_ int *temps = calloc(plan->n_temps + 1, sizeof(int));
	int r = cloexec_all(err);

	if (r < 0)
		return r;
	if (!temps)
		return err_set(err, STAGE_FDS, ENOMEM, "out of memory");
	for (size_t i = 0; i < plan->n_ops; i++) {
		const struct fd_op *op = &plan->ops[i];
		int src = resolve(op->src, temps);

		switch (op->kind) {
		case FD_OP_KEEP:
			if (fcntl(src, F_SETFD, 0) < 0)
				return err_sys(err, STAGE_FDS, errno,
					       "keep fd %d", src);
			break;
		case FD_OP_SAVE:
			temps[op->dst] = fcntl(src, F_DUPFD_CLOEXEC, temp_base);
			if (temps[op->dst] < 0)
				return err_sys(err, STAGE_FDS, errno,
					       "move fd %d aside", src);
			break;
		case FD_OP_DUP2:
			if (dup2(src, op->dst) < 0)
				return err_sys(err, STAGE_FDS, errno,
					       "dup2 %d to %d", src, op->dst);
			break;
		}
	}
	return 0;
}
