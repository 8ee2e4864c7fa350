/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "cgroup.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "fileio.h"
#include "ns.h"

#define CGROUP2_MAGIC 0x63677270
#define CGROUP1_MAGIC 0x27e0eb
#define LEAF_PREFIX "spawn-helper-"

static const struct {
	unsigned bit;
	const char *name;
} controller_names[] = {
	{ CG_MEMORY, "memory" }, { CG_PIDS, "pids" },
	{ CG_CPU, "cpu" },       { CG_CPUACCT, "cpuacct" },
	{ CG_FREEZER, "freezer" },
};

/* dir + suffix into buf; false when it does not fit. */
static bool join_path(char *buf, size_t size, const char *dir,
		      const char *suffix)
{
	int n = snprintf(buf, size, "%s%s", dir, suffix);

	return n >= 0 && (size_t)n < size;
}

/* The number after KEY (a line "KEY VALUE"), or -1. */
static long long read_key(const char *dir, const char *name, const char *key)
{
	char buf[4096], *line, *save = NULL;
	size_t len = strlen(key);

	if (read_file_at(dir, name, buf, sizeof(buf)) < 0)
		return -1;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		if (strncmp(line, key, len) == 0 && line[len] == ' ')
			return atoll(line + len + 1);
	return -1;
}

static long long read_number(const char *dir, const char *name)
{
	char buf[64];

	if (read_file_at(dir, name, buf, sizeof(buf)) < 0 || !isdigit(*buf))
		return -1;
	return atoll(buf);
}

/* The cgroup hierarchies of the machine: mount point, version and (v1)
 * controllers. */
struct cg_mount {
	char path[PATH_MAX];
	int version;
	unsigned controllers;
};

static unsigned parse_controllers(const char *options)
{
	unsigned bits = 0;
	char copy[256], *item, *save = NULL;

	snprintf(copy, sizeof(copy), "%s", options);
	for (item = strtok_r(copy, ",", &save); item;
	     item = strtok_r(NULL, ",", &save))
		for (size_t i = 0; i < sizeof(controller_names) /
					       sizeof(controller_names[0]);
		     i++)
			if (strcmp(item, controller_names[i].name) == 0)
				bits |= controller_names[i].bit;
	return bits;
}

/* The number of cgroup mounts (v1 and v2) found, or -errno. */
static int find_mounts(struct cg_mount *mounts, size_t max)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096];
	int n = 0;

	if (!f)
		return -errno;
	while ((size_t)n < max && fgets(line, sizeof(line), f)) {
		char mnt[PATH_MAX], fstype[64], super[256];
		const char *dash = strstr(line, " - ");

		if (!dash || sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1 ||
		    sscanf(dash + 3, "%63s %*s %255s", fstype, super) != 2)
			continue;
		if (strcmp(fstype, "cgroup") == 0)
			mounts[n].version = 1;
		else if (strcmp(fstype, "cgroup2") == 0)
			mounts[n].version = 2;
		else
			continue;
		snprintf(mounts[n].path, sizeof(mounts[n].path), "%s", mnt);
		mounts[n].controllers =
			mounts[n].version == 1 ? parse_controllers(super) : 0;
		n++;
	}
	if (ferror(f))
		n = -(errno ? errno : EIO);
	fclose(f);
	return n;
}

/* The controllers of a v2 directory in *out, or -errno. */
static int v2_controllers(const char *dir, unsigned *out)
{
	char buf[512];
	int r = read_file_at(dir, "cgroup.controllers", buf, sizeof(buf));

	if (r < 0)
		return r;
	for (char *p = buf; *p; p++)
		if (*p == ' ' || *p == '\n')
			*p = ',';
	/* cpu.stat and cgroup.kill need no controller */
	*out = parse_controllers(buf) | CG_CPUACCT | CG_FREEZER;
	return 0;
}

static int fs_version(const char *path, struct sh_err *err,
		      const char *option)
{
	struct statfs st;

	if (statfs(path, &st) < 0)
		return err_sys(err, "cgroup", errno, "%s `%s`", option, path);
	if (st.f_type == CGROUP2_MAGIC)
		return 2;
	if (st.f_type == CGROUP1_MAGIC)
		return 1;
	return err_set(err, "cgroup", ENOTDIR,
		       "%s `%s`: not in a cgroup file system", option, path);
}

static int add_dir(struct cgroup_set *set, const char *path, int version,
		   unsigned controllers)
{
	struct cg_dir *d;

	if (set->n >= CG_MAX_DIRS)
		return -E2BIG;
	d = &set->dirs[set->n++];
	snprintf(d->path, sizeof(d->path), "%s", path);
	d->version = version;
	d->controllers = controllers;
	d->created = false;
	d->lock_fd = -1;
	return 0;
}

static unsigned required_controllers(const struct spec *spec)
{
	return (spec->memory_max ? CG_MEMORY : 0) |
	       (spec->pids_max ? CG_PIDS : 0) | (spec->cpu_max_milli ? CG_CPU : 0);
}

static const char *controller_name(unsigned bit)
{
	for (size_t i = 0;
	     i < sizeof(controller_names) / sizeof(controller_names[0]); i++)
		if (controller_names[i].bit == bit)
			return controller_names[i].name;
	return "?";
}

#define CG_MAX_MOUNTS 32

/* parent's path relative to the mount (of the version, 0 for either) it
 * is in, the deepest; that mount's index in *own. NULL for none. */
static const char *relative_path(const char *parent,
				 const struct cg_mount *mounts, size_t n,
				 int version, size_t *own)
{
	size_t best = 0;

	*own = n;
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(mounts[i].path);

		if ((!version || mounts[i].version == version) &&
		    strncmp(parent, mounts[i].path, len) == 0 &&
		    (parent[len] == '/' || !parent[len]) && len > best) {
			*own = i;
			best = len;
		}
	}
	return *own == n ? NULL : parent + best;
}

/* On v1 the parent's path relative to its hierarchy, found again in
 * every hierarchy with a controller we need or can measure with. */
static int resolve_v1_parents(const char *parent, unsigned required,
			      struct cgroup_set *set, struct sh_err *err)
{
	struct cg_mount mounts[CG_MAX_MOUNTS];
	int found = find_mounts(mounts, CG_MAX_MOUNTS);
	size_t n = found < 0 ? 0 : (size_t)found, own;
	const char *relative;
	char path[PATH_MAX];
	unsigned wanted = required | CG_MEMORY | CG_CPUACCT | CG_FREEZER;
	struct stat st;

	if (found < 0)
		return err_sys(err, "cgroup", -found,
			       "--cgroup-parent `%s`: read "
			       "/proc/self/mountinfo",
			       parent);
	relative = relative_path(parent, mounts, n, 1, &own);
	if (!relative)
		return err_set(err, "cgroup", ENOENT,
			       "--cgroup-parent `%s`: no cgroup v1 hierarchy "
			       "holds it",
			       parent);
	for (size_t i = 0; i < n; i++) {
		if (mounts[i].version != 1 ||
		    (i != own && !(mounts[i].controllers & wanted)))
			continue;
		if (!join_path(path, sizeof(path), mounts[i].path, relative))
			return err_set(err, "cgroup", ENAMETOOLONG,
				       "--cgroup-parent `%s`: too long", parent);
		if (stat(path, &st) < 0) {
			if (mounts[i].controllers & required)
				return err_sys(err, "cgroup", errno,
					       "--cgroup-parent: `%s` in the "
					       "hierarchy of %s",
					       path,
					       controller_name(
						       mounts[i].controllers &
						       required & -required));
			continue;
		}
		if (add_dir(set, path, 1, mounts[i].controllers) < 0)
			return err_set(err, "cgroup", E2BIG,
				       "too many cgroup hierarchies");
	}
	return 0;
}

/* Controllers a v2 leaf needs must be on in its parent's subtree. */
static int enable_v2_controllers(struct cg_dir *d, unsigned required,
				 struct sh_err *err)
{
	for (size_t i = 0;
	     i < sizeof(controller_names) / sizeof(controller_names[0]); i++) {
		char change[32];
		int r;

		if (!(required & controller_names[i].bit))
			continue;
		if (!(d->controllers & controller_names[i].bit))
			return err_set(err, "cgroup", EOPNOTSUPP,
				       "--cgroup-parent `%s`: controller `%s` "
				       "is not available there",
				       d->path, controller_names[i].name);
		snprintf(change, sizeof(change), "+%s",
			 controller_names[i].name);
		r = write_file_at(d->path, "cgroup.subtree_control", change);
		if (r < 0)
			return err_sys(err, "cgroup", -r,
				       "enable controller `%s` in `%s`",
				       controller_names[i].name, d->path);
	}
	return 0;
}

/* Whether pid is a line of procs (a cgroup.procs). */
static bool listed(const char *procs, pid_t pid)
{
	for (const char *line = procs; *line;) {
		char *end;
		long v = strtol(line, &end, 10);

		if (end != line && v == pid && (*end == '\n' || !*end))
			return true;
		line = strchrnul(line, '\n');
		if (*line)
			line++;
	}
	return false;
}

#define KILL_BATCH 512

/* SIGKILL to every process in dir. A pid read from cgroup.procs may be
 * another process's by the time it is signalled (the one listed ended,
 * the number was given again): each is pinned by a pidfd first, and
 * signalled only when the list, read again, still has it: a process
 * alive after that read is the one it listed. Without pidfds (Linux
 * before 5.3) by pid, as the freezer, where there is one, keeps the
 * listed processes from ending. The caller repeats until dir is empty,
 * so a batch may leave some for the next round. */
static int kill_procs(const char *dir)
{
	char buf[65536], *line, *save = NULL;
	int pidfds[KILL_BATCH], killed = 0;
	pid_t pids[KILL_BATCH];
	size_t n = 0;

	if (read_file_at(dir, "cgroup.procs", buf, sizeof(buf)) < 0)
		return 0;
	for (line = strtok_r(buf, "\n", &save); line && n < KILL_BATCH;
	     line = strtok_r(NULL, "\n", &save)) {
		pid_t pid = (pid_t)atoi(line);
		int fd;

		if (pid <= 0)
			continue;
		fd = (int)syscall(SYS_pidfd_open, pid, 0);
		if (fd >= 0) {
			pids[n] = pid;
			pidfds[n++] = fd;
		} else if (errno == ENOSYS && kill(pid, SIGKILL) == 0) {
			killed++;
		}
	}
	if (n && read_file_at(dir, "cgroup.procs", buf, sizeof(buf)) == 0)
		for (size_t i = 0; i < n; i++)
			if (listed(buf, pids[i]) &&
			    syscall(SYS_pidfd_send_signal, pidfds[i], SIGKILL,
				    NULL, 0) == 0)
				killed++;
	for (size_t i = 0; i < n; i++)
		close(pidfds[i]);
	return killed;
}

static bool is_empty(const char *dir)
{
	char buf[16];

	return read_file_at(dir, "cgroup.procs", buf, sizeof(buf)) < 0 ||
	       buf[0] == '\0';
}

static void pause_ms(long ms)
{
	struct timespec ts = { 0, ms * 1000000 };

	nanosleep(&ts, NULL);
}

/* Every process in dir dies: cgroup.kill on v2; otherwise frozen (so
 * none can fork away) and killed one by one. Waits until it is empty. */
static void kill_dir(const struct cg_dir *d)
{
	bool frozen = false;

	if (d->version == 2 && write_file_at(d->path, "cgroup.kill", "1") == 0)
		goto wait;
	if (d->controllers & CG_FREEZER)
		frozen = write_file_at(d->path,
				    d->version == 2 ? "cgroup.freeze"
						    : "freezer.state",
				    d->version == 2 ? "1" : "FROZEN") == 0;
	for (int round = 0; round < 100 && kill_procs(d->path); round++)
		;
	if (frozen)
		write_file_at(d->path,
			   d->version == 2 ? "cgroup.freeze" : "freezer.state",
			   d->version == 2 ? "0" : "THAWED");
wait:
	for (int i = 0; i < 2000 && !is_empty(d->path); i++) {
		if (i % 100 == 99)
			kill_procs(d->path);
		pause_ms(1);
	}
}

/* Whether the leaf at path is in use: its helper holds an flock on it
 * for its life (and the sandbox's first process, which shares that open
 * file, for its own). */
static bool leaf_in_use(const char *path)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	return fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0;
}

/* A leaf whose helper is gone (killed with SIGKILL) is ours to clean:
 * one nobody holds the lock on. Not one whose pid lives in our pid
 * namespace, either: a helper from before the locks, or a pid number
 * taken again. dir is the parent's, read from its start. */
static void remove_stale_leaves(const struct cg_dir *parent_dir, DIR *dir)
{
	const char *parent = parent_dir->path;
	struct dirent *de;

	while ((de = readdir(dir))) {
		/* a leaf has its parent's hierarchy and controllers */
		struct cg_dir stale = { .version = parent_dir->version,
					.controllers = parent_dir->controllers,
					.lock_fd = -1 };
		char slash_name[300];
		int pid;

		if (strncmp(de->d_name, LEAF_PREFIX, strlen(LEAF_PREFIX)) != 0)
			continue;
		pid = atoi(de->d_name + strlen(LEAF_PREFIX));
		if (pid <= 0 || kill(pid, 0) == 0 || errno != ESRCH)
			continue;
		snprintf(slash_name, sizeof(slash_name), "/%s", de->d_name);
		if (!join_path(stale.path, sizeof(stale.path), parent,
			       slash_name) ||
		    leaf_in_use(stale.path))
			continue;
		kill_dir(&stale);
		rmdir(stale.path);
	}
}

/* The parent directory d locked (an flock held while *fd, or the stream
 * *dir that takes it over, stays open) and its stale leaves removed; the
 * scan is best effort. 0, or -errno of the open (*fd < 0) or the lock. */
static int lock_and_clean(const struct cg_dir *d, int *fd, DIR **dir)
{
	*fd = open(d->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (*fd < 0 || flock(*fd, LOCK_EX) < 0)
		return -errno;
	*dir = fdopendir(*fd);
	if (*dir) {
		*fd = -1;
		remove_stale_leaves(d, *dir);
	}
	return 0;
}

static bool in_set(const struct cgroup_set *set, const char *path)
{
	for (size_t i = 0; i < set->n; i++)
		if (strcmp(set->dirs[i].path, path) == 0)
			return true;
	return false;
}

/* The parent's path in the hierarchies the run does not use (v1 and v2)
 * may hold the leaves of a helper killed with SIGKILL whose run used
 * them: those are scanned too, under the same lock discipline. */
static void remove_stale_elsewhere(const char *parent,
				   const struct cgroup_set *set)
{
	struct cg_mount mounts[CG_MAX_MOUNTS];
	int found = find_mounts(mounts, CG_MAX_MOUNTS);
	size_t n = found < 0 ? 0 : (size_t)found, own;
	const char *relative = relative_path(parent, mounts, n, 0, &own);

	for (size_t i = 0; relative && i < n; i++) {
		/* a v2 leaf is killed with cgroup.kill or cgroup.freeze */
		struct cg_dir d = { .version = mounts[i].version,
				    .controllers = mounts[i].version == 2
							   ? CG_FREEZER
							   : mounts[i].controllers,
				    .lock_fd = -1 };
		_cleanup_close_ int fd = -1;
		_cleanup_closedir_ DIR *dir = NULL;
		struct statfs st;

		if (!join_path(d.path, sizeof(d.path), mounts[i].path,
			       relative) ||
		    in_set(set, d.path) || statfs(d.path, &st) < 0 ||
		    (st.f_type != CGROUP1_MAGIC && st.f_type != CGROUP2_MAGIC))
			continue;
		lock_and_clean(&d, &fd, &dir);
	}
}

static int set_limit(const struct cg_dir *d, unsigned controller,
		     const char *file, long long value, struct sh_err *err)
{
	char text[32];
	int r;

	if (!(d->controllers & controller))
		return 0;
	snprintf(text, sizeof(text), "%lld", value);
	r = write_file_at(d->path, file, text);
	if (r < 0)
		return err_sys(err, "cgroup", -r, "write %s=%s in `%s`", file,
			       text, d->path);
	return 0;
}

#define CPU_PERIOD_USEC 100000

static int set_limits(const struct spec *spec, const struct cg_dir *d,
		      struct sh_err *err)
{
	long long quota = spec->cpu_max_milli * (CPU_PERIOD_USEC / 1000);
	char cpu[64];
	int r = 0;

	if (spec->memory_max)
		r = set_limit(d, CG_MEMORY,
			      d->version == 2 ? "memory.max"
					      : "memory.limit_in_bytes",
			      spec->memory_max, err);
	if (r >= 0 && spec->pids_max)
		r = set_limit(d, CG_PIDS, "pids.max", spec->pids_max, err);
	if (r < 0 || !spec->cpu_max_milli || !(d->controllers & CG_CPU))
		return r;
	if (d->version == 1)
		return (r = set_limit(d, CG_CPU, "cpu.cfs_period_us",
				      CPU_PERIOD_USEC, err)) < 0
			       ? r
			       : set_limit(d, CG_CPU, "cpu.cfs_quota_us", quota,
					   err);
	snprintf(cpu, sizeof(cpu), "%lld %d", quota, CPU_PERIOD_USEC);
	if ((r = write_file_at(d->path, "cpu.max", cpu)) < 0)
		return err_sys(err, "cgroup", -r, "write cpu.max=%s in `%s`",
			       cpu, d->path);
	return 0;
}

/* mkdir parent/spawn-helper-<pid>, or -<pid>-<n> when a helper of
 * another pid namespace with our pid has that one; the name into leaf. */
static int mkdir_leaf(const char *parent, char *leaf, size_t size,
		      struct sh_err *err)
{
	for (int n = 0; n < 100; n++) {
		int len = n ? snprintf(leaf, size, "%s/" LEAF_PREFIX "%d-%d",
				       parent, (int)getpid(), n)
			    : snprintf(leaf, size, "%s/" LEAF_PREFIX "%d",
				       parent, (int)getpid());

		if (len >= (int)size)
			return err_set(err, "cgroup", ENAMETOOLONG,
				       "`%s`: too long", parent);
		if (mkdir(leaf, 0755) == 0)
			return 0;
		if (errno != EEXIST)
			break;
	}
	return err_sys(err, "cgroup", errno, "create cgroup `%s`", leaf);
}

static int make_leaf(const struct spec *spec, struct cg_dir *d,
		     unsigned required, struct sh_err *err)
{
	/* one helper at a time from the scan for stale leaves to its own
	 * leaf's lock: no scan takes a new leaf for a stale one */
	_cleanup_close_ int parent_fd = -1;
	_cleanup_closedir_ DIR *parent_dir = NULL;
	char leaf[PATH_MAX];
	int r = lock_and_clean(d, &parent_fd, &parent_dir);

	if (r < 0)
		return err_sys(err, "cgroup", -r, "%s `%s`",
			       parent_fd < 0 ? "open" : "lock", d->path);
	if (d->version == 2 &&
	    (r = enable_v2_controllers(d, required, err)) < 0)
		return r;
	if ((r = mkdir_leaf(d->path, leaf, sizeof(leaf), err)) < 0)
		return r;
	snprintf(d->path, sizeof(d->path), "%s", leaf);
	d->created = true;
	d->lock_fd = open(leaf, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d->lock_fd < 0)
		return err_sys(err, "cgroup", errno, "open `%s`", leaf);
	if (flock(d->lock_fd, LOCK_EX | LOCK_NB) < 0)
		return err_sys(err, "cgroup", errno, "lock `%s`", leaf);
	if (d->version == 2 && (r = v2_controllers(leaf, &d->controllers)) < 0)
		return err_sys(err, "cgroup", -r, "read `%s/cgroup.controllers`",
			       leaf);
	return set_limits(spec, d, err);
}

/* Empty the leaf and remove it; a dying process may hold it a moment
 * longer (EBUSY). */
static void remove_leaf(const struct cg_dir *d)
{
	kill_dir(d);
	for (int tries = 0;
	     rmdir(d->path) < 0 && errno == EBUSY && tries < 1000; tries++)
		pause_ms(1);
}

/* The guard: it waits for the helper's word on the pipe. EOF without it
 * is the helper's death (only the helper holds the write end, whatever
 * killed it): then the guard empties and removes the leaves itself. In
 * a session of its own, it outlives a SIGKILL sent to the helper's
 * process group; it keeps the leaves' locks, so a scan for stale leaves
 * waits for it, and so can a caller (flock on the leaf). */
static __attribute__((noreturn)) void guard_main(const struct cgroup_set *set,
						 int pipe_fd)
{
	int keep[CG_MAX_DIRS + 1] = { pipe_fd };
	char word;
	ssize_t n;

	prctl(PR_SET_NAME, "sh-cgroup-guard");
	for (size_t i = 0; i < set->n; i++)
		keep[i + 1] = set->dirs[i].lock_fd;
	/* nothing of the caller's held open past the helper: its status
	 * fd and pipes reach EOF when the helper ends */
	close_all_but(keep, set->n + 1);
	setsid();
	do
		n = read(pipe_fd, &word, 1);
	while (n < 0 && errno == EINTR);
	/* the helper's word, or a read that failed: not its death */
	if (n != 0)
		_exit(0);
	for (size_t i = 0; i < set->n; i++)
		if (set->dirs[i].created)
			remove_leaf(&set->dirs[i]);
	_exit(0);
}

static int start_guard(struct cgroup_set *set, struct sh_err *err)
{
	int fds[2];
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return err_sys(err, "monitor", errno,
			       "pipe2 for the guard of the leaves");
	/* a clone as the sandbox's: no C library fork handlers (musl's
	 * blocks and restores every signal around it) */
	pid = ns_clone(0, &set->guard);
	if (pid == 0) {
		close(fds[1]);
		guard_main(set, fds[0]);
	}
	close(fds[0]);
	if (pid < 0) {
		close(fds[1]);
		return err_sys(err, "monitor", -pid,
			       "start the guard of the leaves");
	}
	set->guard_fd = fds[1];
	return 0;
}

/* The leaves are gone: the guard goes without a word of its own. */
static void stop_guard(struct cgroup_set *set)
{
	if (set->guard.pid <= 0)
		return;
	if (write(set->guard_fd, "", 1) != 1)
		proc_signal(&set->guard, SIGKILL);
	close(set->guard_fd);
	while (waitpid(set->guard.pid, NULL, 0) < 0 && errno == EINTR)
		;
	proc_forget(&set->guard);
	set->guard_fd = -1;
}

int cgroup_prepare(const struct spec *spec, struct cgroup_set *set,
		   struct sh_err *err)
{
	unsigned required = required_controllers(spec), controllers;
	int version, r;

	memset(set, 0, sizeof(*set));
	set->guard = (struct proc)PROC_NONE;
	set->guard_fd = -1;
	if (spec->cgroup) {
		version = fs_version(spec->cgroup, err, "--cgroup");
		return version < 0 ? version
				   : add_dir(set, spec->cgroup, version, 0);
	}
	if (!spec->cgroup_parent)
		return 0;
	version = fs_version(spec->cgroup_parent, err, "--cgroup-parent");
	if (version < 0)
		return version;
	if (version == 2) {
		r = v2_controllers(spec->cgroup_parent, &controllers);
		if (r < 0)
			return err_sys(err, "cgroup", -r,
				       "--cgroup-parent `%s`: read "
				       "cgroup.controllers",
				       spec->cgroup_parent);
		r = add_dir(set, spec->cgroup_parent, 2, controllers);
	} else {
		r = resolve_v1_parents(spec->cgroup_parent, required, set, err);
	}
	if (r < 0)
		return r;
	set->transient = true;
	remove_stale_elsewhere(spec->cgroup_parent, set);
	for (size_t i = 0; i < set->n; i++) {
		r = make_leaf(spec, &set->dirs[i], required, err);
		if (r < 0)
			return r;
		required &= ~set->dirs[i].controllers;
	}
	if (required)
		return err_set(err, "cgroup", EOPNOTSUPP,
			       "--cgroup-parent `%s`: no hierarchy has the "
			       "controller `%s`",
			       spec->cgroup_parent,
			       controller_name(required & -required));
	return start_guard(set, err);
}

int cgroup_enter(const struct cgroup_set *set, pid_t pid, struct sh_err *err)
{
	char text[32];

	snprintf(text, sizeof(text), "%d", (int)pid);
	for (size_t i = 0; i < set->n; i++) {
		int r = write_file_at(set->dirs[i].path, "cgroup.procs", text);

		if (r < 0)
			return err_sys(err, "cgroup", -r,
				       "move the sandbox into `%s`",
				       set->dirs[i].path);
	}
	return 0;
}

void cgroup_kill_all(const struct cgroup_set *set)
{
	for (size_t i = 0; set->transient && i < set->n; i++)
		if (set->dirs[i].created)
			kill_dir(&set->dirs[i]);
}

static void usage_v2(const struct cg_dir *d, struct cgroup_usage *u)
{
	u->cpu_usec = read_key(d->path, "cpu.stat", "usage_usec");
	u->user_usec = read_key(d->path, "cpu.stat", "user_usec");
	u->system_usec = read_key(d->path, "cpu.stat", "system_usec");
	if (d->controllers & CG_MEMORY) {
		u->memory_peak = read_number(d->path, "memory.peak");
		u->oom_kills = read_key(d->path, "memory.events", "oom_kill");
	}
}

static long long ns_to_usec(long long ns)
{
	return ns < 0 ? -1 : ns / 1000;
}

static void usage_v1(const struct cg_dir *d, struct cgroup_usage *u)
{
	if (d->controllers & CG_CPUACCT) {
		u->cpu_usec = ns_to_usec(read_number(d->path, "cpuacct.usage"));
		u->user_usec =
			ns_to_usec(read_number(d->path, "cpuacct.usage_user"));
		u->system_usec =
			ns_to_usec(read_number(d->path, "cpuacct.usage_sys"));
	}
	if (d->controllers & CG_MEMORY) {
		u->memory_peak =
			read_number(d->path, "memory.max_usage_in_bytes");
		u->oom_kills = read_key(d->path, "memory.oom_control",
					"oom_kill");
	}
}

void cgroup_usage(const struct cgroup_set *set, struct cgroup_usage *u)
{
	u->cpu_usec = u->user_usec = u->system_usec = -1;
	u->memory_peak = u->oom_kills = -1;
	for (size_t i = 0; set->transient && i < set->n; i++) {
		if (set->dirs[i].version == 2)
			usage_v2(&set->dirs[i], u);
		else
			usage_v1(&set->dirs[i], u);
	}
}

void cgroup_forget_guard(const struct cgroup_set *set)
{
	if (set->guard.pid > 0) {
		close(set->guard_fd);
		if (set->guard.pidfd >= 0)
			close(set->guard.pidfd);
	}
}

void cgroup_remove(struct cgroup_set *set)
{
	for (size_t i = 0; i < set->n; i++) {
		struct cg_dir *d = &set->dirs[i];

		if (!d->created)
			continue;
		remove_leaf(d);
		cleanup_closep(&d->lock_fd); /* after the rmdir: ours to the end */
		d->lock_fd = -1;
		d->created = false;
	}
	stop_guard(set);
}
