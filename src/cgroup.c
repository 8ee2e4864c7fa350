/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "cgroup.h"
#include "cgroup-backend.h"

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

#define LEAF_PREFIX "spawn-helper-"

/* The backend of the file system path (given with option) is in. */
static int fs_backend(const char *path, const char *option,
		      const struct cg_backend **backend, struct sh_err *err)
{
	struct statfs st;

	if (statfs(path, &st) < 0)
		return err_sys(err, STAGE_CGROUP, errno, "%s `%s`", option,
			       path);
	*backend = cg_backend_by_magic(st.f_type);
	if (!*backend)
		return err_set(err, STAGE_CGROUP, ENOTDIR,
			       "%s `%s`: not in a cgroup file system", option,
			       path);
	return 0;
}

static unsigned required_controllers(const struct spec *spec)
{
	return (spec->memory_max ? CG_MEMORY : 0) |
	       (spec->pids_max ? CG_PIDS : 0) | (spec->cpu_max_milli ? CG_CPU : 0);
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

/* Every process in dir dies: at once where the backend can (cgroup.kill);
 * otherwise frozen (so none can fork away) and killed one by one. Waits
 * until it is empty. */
static void kill_dir(const struct cg_dir *d)
{
	bool frozen = false;

	if (d->backend->kill_fast(d))
		goto wait;
	if (d->controllers & CG_FREEZER)
		frozen = d->backend->freeze(d, true) == 0;
	for (int round = 0; round < 100 && kill_procs(d->path); round++)
		;
	if (frozen)
		d->backend->freeze(d, false);
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
		struct cg_dir stale = { .backend = parent_dir->backend,
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
		if (!cg_join_path(stale.path, sizeof(stale.path), parent,
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
	int found = cg_find_mounts(mounts, CG_MAX_MOUNTS);
	size_t n = found < 0 ? 0 : (size_t)found, own;
	const char *relative = cg_relative_path(parent, mounts, n, NULL, &own);

	for (size_t i = 0; relative && i < n; i++) {
		struct cg_dir d = { .backend = mounts[i].backend,
				    .controllers = mounts[i].controllers,
				    .lock_fd = -1 };
		_cleanup_close_ int fd = -1;
		_cleanup_closedir_ DIR *dir = NULL;
		struct statfs st;

		if (!cg_join_path(d.path, sizeof(d.path), mounts[i].path,
				  relative) ||
		    in_set(set, d.path) || statfs(d.path, &st) < 0 ||
		    !cg_backend_by_magic(st.f_type))
			continue;
		lock_and_clean(&d, &fd, &dir);
	}
}

#define CPU_PERIOD_USEC 100000

static int set_limits(const struct spec *spec, const struct cg_dir *d,
		      struct sh_err *err)
{
	long long quota = spec->cpu_max_milli * (CPU_PERIOD_USEC / 1000);
	int r = 0;

	if (spec->memory_max)
		r = cg_set_limit(d, CG_MEMORY, d->backend->memory_max_file,
				 spec->memory_max, err);
	if (r >= 0 && spec->pids_max)
		r = cg_set_limit(d, CG_PIDS, "pids.max", spec->pids_max, err);
	if (r < 0 || !spec->cpu_max_milli || !(d->controllers & CG_CPU))
		return r;
	return d->backend->set_cpu_max(d, quota, CPU_PERIOD_USEC, err);
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
			return err_set(err, STAGE_CGROUP, ENAMETOOLONG,
				       "`%s`: too long", parent);
		if (mkdir(leaf, 0755) == 0)
			return 0;
		if (errno != EEXIST)
			break;
	}
	return err_sys(err, STAGE_CGROUP, errno, "create cgroup `%s`", leaf);
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
		return err_sys(err, STAGE_CGROUP, -r, "%s `%s`",
			       parent_fd < 0 ? "open" : "lock", d->path);
	if ((r = d->backend->enable_controllers(d, required, err)) < 0)
		return r;
	if ((r = mkdir_leaf(d->path, leaf, sizeof(leaf), err)) < 0)
		return r;
	snprintf(d->path, sizeof(d->path), "%s", leaf);
	d->created = true;
	d->lock_fd = open(leaf, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d->lock_fd < 0)
		return err_sys(err, STAGE_CGROUP, errno, "open `%s`", leaf);
	if (flock(d->lock_fd, LOCK_EX | LOCK_NB) < 0)
		return err_sys(err, STAGE_CGROUP, errno, "lock `%s`", leaf);
	if ((r = d->backend->leaf_controllers(d, err)) < 0)
		return r;
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
		return err_sys(err, STAGE_MONITOR, errno,
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
		return err_sys(err, STAGE_MONITOR, -pid,
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
	unsigned required = required_controllers(spec);
	const struct cg_backend *backend;
	int r;

	memset(set, 0, sizeof(*set));
	set->guard = (struct proc)PROC_NONE;
	set->guard_fd = -1;
	if (spec->cgroup) {
		r = fs_backend(spec->cgroup, "--cgroup", &backend, err);
		return r < 0 ? r : cg_add_dir(set, spec->cgroup, backend, 0);
	}
	if (!spec->cgroup_parent)
		return 0;
	r = fs_backend(spec->cgroup_parent, "--cgroup-parent", &backend, err);
	if (r < 0)
		return r;
	r = backend->add_parents(spec->cgroup_parent, required, set, err);
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
		return err_set(err, STAGE_CGROUP, EOPNOTSUPP,
			       "--cgroup-parent `%s`: no hierarchy has the "
			       "controller `%s`",
			       spec->cgroup_parent,
			       cg_controller_name(required & -required));
	return start_guard(set, err);
}

int cgroup_enter(const struct cgroup_set *set, pid_t pid, struct sh_err *err)
{
	char text[32];

	snprintf(text, sizeof(text), "%d", (int)pid);
	for (size_t i = 0; i < set->n; i++) {
		int r = write_file_at(set->dirs[i].path, "cgroup.procs", text);

		if (r < 0)
			return err_sys(err, STAGE_CGROUP, -r,
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

void cgroup_usage(const struct cgroup_set *set, struct cgroup_usage *u)
{
	u->cpu_usec = u->user_usec = u->system_usec = -1;
	u->memory_peak = u->oom_kills = -1;
	for (size_t i = 0; set->transient && i < set->n; i++)
		set->dirs[i].backend->usage(&set->dirs[i], u);
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
