/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The fd map: portage's fd_pipes. The command gets fd CHILD as a copy of
 * the helper's fd PARENT for every mapping and no other fd. The planner
 * turns the map into a short sequence of operations that is safe whatever
 * the collisions (swaps, chains, a target that is also a source); the
 * executor runs it in the command's process just before exec. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "spec.h"

enum fd_op_kind {
	FD_OP_KEEP, /* CHILD == PARENT: clear close-on-exec on it */
	FD_OP_SAVE, /* copy src to a fresh close-on-exec temp fd */
	FD_OP_DUP2, /* dup2(src, dst) */
};

struct fd_ref {
	int fd;       /* a real fd, or a temp slot when temp is set */
	bool temp;
};

struct fd_op {
	enum fd_op_kind kind;
	struct fd_ref src; /* KEEP: the fd; SAVE/DUP2: where to copy from */
	int dst;           /* DUP2: the target fd; SAVE: the temp slot */
};

struct fd_plan {
	struct fd_op *ops;
	size_t n_ops;
	size_t n_temps;
};

/* Plan the map (children must be distinct). -ENOMEM or -EINVAL. */
int fdmap_plan(const struct fd_mapping *map, size_t n, struct fd_plan *plan);
void fdmap_plan_clear(struct fd_plan *plan);

/* Temp fds are made at or above temp_base, which must be above every fd
 * of the map. Every fd of the process ends close-on-exec except the
 * targets of the map. */
int fdmap_apply(const struct fd_plan *plan, int temp_base, struct sh_err *err);

/* Lowest fd number above every fd the map mentions. */
int fdmap_temp_base(const struct fd_mapping *map, size_t n);
