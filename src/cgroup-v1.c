/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup v1: one hierarchy per controller (or a few together), so a
 * leaf is a directory at the same relative path in each hierarchy whose
 * controller it needs; the freezer stops forks while the processes are
 * killed one by one, as there is no cgroup.kill. */
#include "config.h"

#include "cgroup-backend.h"

#include <errno.h>
#include <sys/stat.h>

#include "fileio.h"

#define CGROUP1_MAGIC 0x27e0eb

/* The parent's path relative to its hierarchy, found again in every
 * hierarchy with a controller we need or can measure with. */
static int add_parents(const char *parent, unsigned required,
		       struct cgroup_set *set, struct sh_err *err)
{
	struct cg_mount mounts[CG_MAX_MOUNTS];
	int found = cg_find_mounts(mounts, CG_MAX_MOUNTS);
	size_t n = found < 0 ? 0 : (size_t)found, own;
	const char *relative;
	char path[PATH_MAX];
	unsigned wanted = required | CG_MEMORY | CG_CPUACCT | CG_FREEZER;
	struct stat st;

	if (found < 0)
		return err_sys(err, STAGE_CGROUP, -found,
			       "--cgroup-parent `%s`: read "
			       "/proc/self/mountinfo",
			       parent);
	relative = cg_relative_path(parent, mounts, n, &cg_v1, &own);
	if (!relative)
		return err_set(err, STAGE_CGROUP, ENOENT,
			       "--cgroup-parent `%s`: no cgroup v1 hierarchy "
			       "holds it",
			       parent);
	for (size_t i = 0; i < n; i++) {
		if (mounts[i].backend != &cg_v1 ||
		    (i != own && !(mounts[i].controllers & wanted)))
			continue;
		if (!cg_join_path(path, sizeof(path), mounts[i].path, relative))
			return err_set(err, STAGE_CGROUP, ENAMETOOLONG,
				       "--cgroup-parent `%s`: too long",
				       parent);
		if (stat(path, &st) < 0) {
			if (mounts[i].controllers & required)
				return err_sys(err, STAGE_CGROUP, errno,
					       "--cgroup-parent: `%s` in the "
					       "hierarchy of %s",
					       path,
					       cg_controller_name(
						       mounts[i].controllers &
						       required & -required));
			continue;
		}
		if (cg_add_dir(set, path, &cg_v1, mounts[i].controllers) < 0)
			return err_set(err, STAGE_CGROUP, E2BIG,
				       "too many cgroup hierarchies");
	}
	return 0;
}

/* A hierarchy's controllers are those it was mounted with, in a parent
 * and its leaves alike: nothing to enable, nothing to read again. */
static int nothing_to_enable(struct cg_dir *d, unsigned required,
			     struct sh_err *err)
{
	return 0;
}

static int nothing_to_read(struct cg_dir *d, struct sh_err *err)
{
	return 0;
}

static int set_cpu_max(const struct cg_dir *d, long long quota_usec,
		       long long period_usec, struct sh_err *err)
{
	int r = cg_set_limit(d, CG_CPU, "cpu.cfs_period_us", period_usec, err);

	return r < 0 ? r
		     : cg_set_limit(d, CG_CPU, "cpu.cfs_quota_us", quota_usec,
				    err);
}

static bool no_kill_file(const struct cg_dir *d)
{
	return false;
}

static int freeze(const struct cg_dir *d, bool frozen)
{
	return write_file_at(d->path, "freezer.state",
			     frozen ? "FROZEN" : "THAWED");
}

static long long ns_to_usec(long long ns)
{
	return ns < 0 ? -1 : ns / 1000;
}

static void usage(const struct cg_dir *d, struct cgroup_usage *u)
{
	if (d->controllers & CG_CPUACCT) {
		u->cpu_usec =
			ns_to_usec(cg_read_number(d->path, "cpuacct.usage"));
		u->user_usec = ns_to_usec(
			cg_read_number(d->path, "cpuacct.usage_user"));
		u->system_usec = ns_to_usec(
			cg_read_number(d->path, "cpuacct.usage_sys"));
	}
	if (d->controllers & CG_MEMORY) {
		u->memory_peak =
			cg_read_number(d->path, "memory.max_usage_in_bytes");
		u->oom_kills = cg_read_key(d->path, "memory.oom_control",
					   "oom_kill");
	}
}

const struct cg_backend cg_v1 = {
	.fstype = "cgroup",
	.magic = CGROUP1_MAGIC,
	.mount_controllers = cg_parse_controllers,
	.add_parents = add_parents,
	.enable_controllers = nothing_to_enable,
	.leaf_controllers = nothing_to_read,
	.memory_max_file = "memory.limit_in_bytes",
	.set_cpu_max = set_cpu_max,
	.kill_fast = no_kill_file,
	.freeze = freeze,
	.usage = usage,
};
