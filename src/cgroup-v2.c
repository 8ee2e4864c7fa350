/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup v2: one hierarchy; a parent enables the controllers its leaves
 * use (cgroup.subtree_control), cgroup.kill empties a leaf at once
 * (Linux 5.14), cgroup.freeze stops forks before that. */
#include "config.h"

#include "cgroup-backend.h"

#include <stdio.h>

#include "fileio.h"

#define CGROUP2_MAGIC 0x63677270

/* The controllers of directory dir in *out, or -errno. */
static int read_controllers(const char *dir, unsigned *out)
{
	char buf[512];
	int r = read_file_at(dir, "cgroup.controllers", buf, sizeof(buf));

	if (r < 0)
		return r;
	for (char *p = buf; *p; p++)
		if (*p == ' ' || *p == '\n')
			*p = ',';
	/* cpu.stat and cgroup.kill need no controller */
	*out = cg_parse_controllers(buf) | CG_CPUACCT | CG_FREEZER;
	return 0;
}

/* What a mount says no more than: any directory can be frozen and
 * killed (cgroup.freeze, cgroup.kill), the rest its cgroup.controllers
 * tells. */
static unsigned mount_controllers(const char *options)
{
	return CG_FREEZER;
}

static int add_parents(const char *parent, unsigned required,
		       struct cgroup_set *set, struct sh_err *err)
{
	unsigned controllers;
	int r = read_controllers(parent, &controllers);

	if (r < 0)
		return err_sys(err, STAGE_CGROUP, -r,
			       "--cgroup-parent `%s`: read "
			       "cgroup.controllers",
			       parent);
	return cg_add_dir(set, parent, &cg_v2, controllers);
}

/* Controllers a leaf needs must be on in its parent's subtree. */
static int enable_controllers(struct cg_dir *d, unsigned required,
			      struct sh_err *err)
{
	for (unsigned bit = 1; bit <= CG_FREEZER; bit <<= 1) {
		const char *name = cg_controller_name(bit);
		char change[32];
		int r;

		if (!(required & bit))
			continue;
		if (!(d->controllers & bit))
			return err_set(err, STAGE_CGROUP, EOPNOTSUPP,
				       "--cgroup-parent `%s`: controller `%s` "
				       "is not available there",
				       d->path, name);
		snprintf(change, sizeof(change), "+%s", name);
		r = write_file_at(d->path, "cgroup.subtree_control", change);
		if (r < 0)
			return err_sys(err, STAGE_CGROUP, -r,
				       "enable controller `%s` in `%s`", name,
				       d->path);
	}
	return 0;
}

static int leaf_controllers(struct cg_dir *d, struct sh_err *err)
{
	int r = read_controllers(d->path, &d->controllers);

	if (r < 0)
		return err_sys(err, STAGE_CGROUP, -r,
			       "read `%s/cgroup.controllers`", d->path);
	return 0;
}

static int set_cpu_max(const struct cg_dir *d, long long quota_usec,
		       long long period_usec, struct sh_err *err)
{
	char cpu[64];
	int r;

	snprintf(cpu, sizeof(cpu), "%lld %lld", quota_usec, period_usec);
	if ((r = write_file_at(d->path, "cpu.max", cpu)) < 0)
		return err_sys(err, STAGE_CGROUP, -r,
			       "write cpu.max=%s in `%s`",
			       cpu, d->path);
	return 0;
}

static bool kill_fast(const struct cg_dir *d)
{
	return write_file_at(d->path, "cgroup.kill", "1") == 0;
}

static int freeze(const struct cg_dir *d, bool frozen)
{
	return write_file_at(d->path, "cgroup.freeze", frozen ? "1" : "0");
}

static void usage(const struct cg_dir *d, struct cgroup_usage *u)
{
	u->cpu_usec = cg_read_key(d->path, "cpu.stat", "usage_usec");
	u->user_usec = cg_read_key(d->path, "cpu.stat", "user_usec");
	u->system_usec = cg_read_key(d->path, "cpu.stat", "system_usec");
	if (d->controllers & CG_MEMORY) {
		u->memory_peak = cg_read_number(d->path, "memory.peak");
		u->oom_kills =
			cg_read_key(d->path, "memory.events", "oom_kill");
	}
}

const struct cg_backend cg_v2 = {
	.fstype = "cgroup2",
	.magic = CGROUP2_MAGIC,
	.mount_controllers = mount_controllers,
	.add_parents = add_parents,
	.enable_controllers = enable_controllers,
	.leaf_controllers = leaf_controllers,
	.memory_max_file = "memory.max",
	.set_cpu_max = set_cpu_max,
	.kill_fast = kill_fast,
	.freeze = freeze,
	.usage = usage,
};
