/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Cgroups: join an existing cgroup (--cgroup, as portage), or create a
 * transient leaf below a parent (--cgroup-parent) that gets the limits,
 * is measured, has every leftover process killed and is removed at the
 * end. cgroup v2 first (cgroup.kill, memory.peak); on a v1 hierarchy the
 * leaf is made at the same relative path in each v1 hierarchy whose
 * controller it needs (memory, pids, cpu, cpuacct, freezer), so hybrid
 * layouts work too. */
#pragma once

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "err.h"
#include "proc.h"
#include "spec.h"

enum cg_controller {
	CG_MEMORY = 1 << 0,
	CG_PIDS = 1 << 1,
	CG_CPU = 1 << 2,
	CG_CPUACCT = 1 << 3,
	CG_FREEZER = 1 << 4,
};

struct cg_backend; /* cgroup-backend.h: what v1 and v2 do differently */

struct cg_dir {
	char path[PATH_MAX];
	const struct cg_backend *backend; /* its hierarchy's (v1 or v2) */
	unsigned controllers; /* what this directory can limit or measure */
	bool created;         /* ours: removed at the end */
	int lock_fd;          /* a created leaf's, flock'd while in use, or -1 */
};

#define CG_MAX_DIRS 8

struct cgroup_set {
	struct cg_dir dirs[CG_MAX_DIRS];
	size_t n;
	bool transient; /* leaves of ours: kill leftovers, measure, remove */
	/* the guard of the leaves (see cgroup_prepare): the process (pid
	 * 0: none) and our end of its pipe */
	struct proc guard;
	int guard_fd;
};

struct cgroup_usage {
	long long cpu_usec, user_usec, system_usec; /* -1: unknown */
	long long memory_peak;                      /* bytes, -1: unknown */
	long long oom_kills;                        /* -1: unknown */
};

/* Find the cgroups of the spec and, for --cgroup-parent, create the
 * leaves (named spawn-helper-PID) with their limits. Leaves left behind
 * by a helper that was killed are removed on the way. The leaves get a
 * guard: a process of ours, outside them, that kills what is in them and
 * removes them when the helper dies without cgroup_remove (killed with
 * SIGKILL), so that no sandbox outlives its helper. */
int cgroup_prepare(const struct spec *spec, struct cgroup_set *set,
		   struct sh_err *err);

/* Move pid into every cgroup of the set. */
int cgroup_enter(const struct cgroup_set *set, pid_t pid, struct sh_err *err);

/* Kill every process left in the transient leaves and wait until they
 * are empty. */
void cgroup_kill_all(const struct cgroup_set *set);

void cgroup_usage(const struct cgroup_set *set, struct cgroup_usage *usage);

/* Remove the leaves we created (after cgroup_kill_all), then stop their
 * guard. */
void cgroup_remove(struct cgroup_set *set);

/* In a process forked after cgroup_prepare (the sandbox): let go of the
 * guard's pipe, which only the helper may hold open. */
void cgroup_forget_guard(const struct cgroup_set *set);

/* Every cgroup and cgroup2 mount the calling process can reach in its
 * mount namespace made read-only, with what is mounted below them
 * (cgroup-view.c): with a transient cgroup the command cannot move itself
 * out of its leaf. */
int cgroup_mounts_readonly(struct sh_err *err);
