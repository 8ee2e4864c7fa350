/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "sandbox-grants.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "memread.h"
#include "mounts.h"
#include "proc.h"

/* A slot of the shared page. The widening child moves it FREE ->
 * LIVE once its strings are written (before it widens anything); the
 * monitor moves a LIVE one to DROPPED when a grant of the whole
 * ancestor came later. A slot is never written again once LIVE, so a
 * reader that saw it LIVE reads whole strings. */
enum { SLOT_FREE, SLOT_LIVE, SLOT_DROPPED };

struct partial {
	_Atomic int state;
	char ancestor[PATH_MAX];
	char prefix[PATH_MAX];
};

/* MAP_SHARED, SANDBOX_PARTIAL_MAX slots: the monitor's, its widening
 * children's and its readers' (forks of the monitor: the pointer is
 * theirs too). NULL: none. */
static struct partial *partials;

bool sandbox_covers(const char *prefix, size_t len, const char *path)
{
	if (len == 0 || strncmp(path, prefix, len) != 0)
		return false;
	return prefix[len - 1] == '/' || path[len] == '/' ||
	       path[len] == '\0';
}

void sandbox_grants_start(struct sandbox *sb, pid_t init_pid)
{
	void *page;

	sb->init_pid = init_pid;
	if (partials || !sb->on || !sb->spec->sandbox_grants || sb->chroot)
		return;
	page = mmap(NULL, SANDBOX_PARTIAL_MAX * sizeof(*partials),
		    PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (page != MAP_FAILED)
		partials = page;
}

void sandbox_grants_close(void)
{
	if (partials)
		munmap(partials, SANDBOX_PARTIAL_MAX * sizeof(*partials));
	partials = NULL;
}

bool sandbox_partial(size_t i, const char **ancestor, const char **prefix)
{
	if (!partials || i >= SANDBOX_PARTIAL_MAX ||
	    atomic_load_explicit(&partials[i].state, memory_order_acquire) !=
		    SLOT_LIVE)
		return false;
	*ancestor = partials[i].ancestor;
	*prefix = partials[i].prefix;
	return true;
}

bool sandbox_partial_any(void)
{
	const char *ancestor, *prefix;

	for (size_t i = 0; partials && i < SANDBOX_PARTIAL_MAX; i++)
		if (sandbox_partial(i, &ancestor, &prefix))
			return true;
	return false;
}

/* In the widening child, in the view: the nearest existing ancestor of
 * path into anc (PATH_MAX), a directory other than "/" (widening the
 * root would make the whole view writable below the reader's check);
 * -errno. */
static int find_ancestor(const char *path, char *anc)
{
	struct stat st;
	char *slash;

	if (snprintf(anc, PATH_MAX, "%s", path) >= PATH_MAX)
		return -ENAMETOOLONG;
	while (stat(anc, &st) < 0) {
		if (errno != ENOENT || !(slash = strrchr(anc, '/')) ||
		    strcmp(anc, "/") == 0)
			return -ENOENT;
		slash[slash == anc ? 1 : 0] = '\0';
	}
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	return strcmp(anc, "/") == 0 ? -EPERM : 0;
}

/* Never writable what the host has read-only: path looked up from the
 * host's root (host, opened before the view was entered). */
static bool host_writable(int host, const char *path)
{
	struct statvfs st;
	int fd = path[1] ? openat(host, path + 1, O_PATH | O_CLOEXEC)
			 : dup(host);
	bool ok = fd >= 0 && fstatvfs(fd, &st) == 0 && !(st.f_flag & ST_RDONLY);

	if (fd >= 0)
		close(fd);
	return ok;
}

/* In the widening child: the sandbox's namespaces and root entered. */
static int enter_view(const struct sandbox *sb)
{
	char link[64];
	struct stat own, theirs;
	int user, mnt, root;

	snprintf(link, sizeof(link), "/proc/%d/ns/user", (int)sb->init_pid);
	user = open(link, O_RDONLY | O_CLOEXEC);
	snprintf(link, sizeof(link), "/proc/%d/ns/mnt", (int)sb->init_pid);
	mnt = open(link, O_RDONLY | O_CLOEXEC);
	snprintf(link, sizeof(link), "/proc/%d/root", (int)sb->init_pid);
	root = open(link, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (user < 0 || mnt < 0 || root < 0 || fstat(user, &theirs) < 0 ||
	    stat("/proc/self/ns/user", &own) < 0)
		return ESRCH;
	if ((own.st_ino != theirs.st_ino && setns(user, CLONE_NEWUSER) < 0) ||
	    setns(mnt, CLONE_NEWNS) < 0 || fchdir(root) < 0 ||
	    chroot(".") < 0 || chdir("/") < 0)
		return errno;
	return 0;
}

/* In the widening child: path bound on itself and made writable (nodev
 * where asked) in the view; with slot (>= 0), path is not there yet:
 * its nearest existing ancestor is, once written down in the slot for
 * the readers (an ancestor widened before is only written down). */
__attribute__((noreturn)) static void widen_child(const struct sandbox *sb,
						  const char *path, int slot)
{
	struct sh_err err = { 0 };
	const char *prefix = path;
	char anc[PATH_MAX];
	struct statvfs view;
	int host = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC), r;

	if (host < 0 || (r = enter_view(sb)) != 0)
		_exit(host < 0 ? errno : r);
	if (slot >= 0) {
		if ((r = find_ancestor(path, anc)) < 0)
			_exit(-r);
		path = anc;
	}
	if (!host_writable(host, path))
		_exit(EROFS);
	if (slot >= 0) {
		memcpy(partials[slot].ancestor, anc, sizeof(anc));
		snprintf(partials[slot].prefix, PATH_MAX, "%s", prefix);
		atomic_store_explicit(&partials[slot].state, SLOT_LIVE,
				      memory_order_release);
		if (statvfs(anc, &view) == 0 && !(view.f_flag & ST_RDONLY))
			_exit(0);
	}
	_exit(mounts_widen(path, sb->nodev, &err) < 0 ? err.errnum : 0);
}

/* The view widened at path (slot: as widen_child's) by a child of ours
 * (the monitor stays in the host's namespaces), waited for
 * MEMREAD_BOUND_MS at most: its lookups go through the command's view.
 * A child killed at the deadline may have written its slot down: the
 * slot stays (an ancestor written down and not widened is refused
 * nothing: the view refuses there first). */
static bool widen(const struct sandbox *sb, const char *path, int slot)
{
	struct proc child = PROC_NONE;
	long long deadline = now_usec() + MEMREAD_BOUND_MS * 1000LL;
	int status = -1;
	pid_t pid;

	if (sb->chroot || sb->init_pid <= 0)
		return false; /* the view's paths are not the host's */
	pid = proc_clone(0, &child);
	if (pid == 0)
		widen_child(sb, path, slot);
	if (pid < 0)
		return false;
	for (;;) {
		struct pollfd p = { child.pidfd, POLLIN, 0 };
		long long left = deadline - now_usec();

		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		if (left <= 0 || child.pidfd < 0) {
			proc_kill_and_reap(&child);
			return false;
		}
		poll(&p, 1, (int)((left + 999) / 1000));
	}
	proc_forget(&child);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* A grant of path widened the view at path: the ancestors below it
 * written down for grants of paths not made yet are wholly granted now
 * (else every write there would be refused, granted and bound again). */
static bool widened(const char *path)
{
	for (size_t i = 0; partials && i < SANDBOX_PARTIAL_MAX; i++) {
		int live = SLOT_LIVE;

		if (sandbox_covers(path, strlen(path), partials[i].ancestor))
			atomic_compare_exchange_strong(&partials[i].state,
						       &live, SLOT_DROPPED);
	}
	return true;
}

static int free_slot(void)
{
	for (int i = 0; partials && i < SANDBOX_PARTIAL_MAX; i++)
		if (atomic_load(&partials[i].state) == SLOT_FREE)
			return i;
	return -1;
}

bool sandbox_widen_for(const struct sandbox *sb, const char *prefix,
		       const char *canon)
{
	char dir[PATH_MAX];
	char *slash;
	int slot;

	if (widen(sb, prefix, -1))
		return widened(prefix);
	snprintf(dir, sizeof(dir), "%s", canon);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (sandbox_covers(prefix, strlen(prefix), dir) &&
		    widen(sb, dir, -1))
			return widened(dir);
	}
	/* prefix is not there yet (addwrite before mkdir) */
	return (slot = free_slot()) >= 0 && widen(sb, prefix, slot);
}
