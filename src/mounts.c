/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <linux/magic.h>

#include "cleanup.h"
#include "cgroup.h"
#include "fileio.h"
#include "proc.h"

static int target_path(const struct mount_plan *plan, const char *path,
		       char *buf, size_t size, struct sh_err *err)
{
	int n = snprintf(buf, size, "%s%s", plan->new_root ? plan->new_root : "",
			 path);

	if (n < 0 || (size_t)n >= size)
		return err_set(err, STAGE_MOUNT, ENAMETOOLONG,
			       "mount target `%s` is too long", path);
	return 0;
}

/* A read-only remount must keep the flags the kernel locked on the mount
 * (nosuid, nodev, noexec...) or a user namespace gets EPERM. */
static int locked_flags(const char *path, unsigned long *out)
{
	struct statvfs st;
	unsigned long flags = 0;

	if (statvfs(path, &st) < 0)
		return -errno;
	if (st.f_flag & ST_NOSUID)
		flags |= MS_NOSUID;
	if (st.f_flag & ST_NODEV)
		flags |= MS_NODEV;
	if (st.f_flag & ST_NOEXEC)
		flags |= MS_NOEXEC;
	if (st.f_flag & ST_NOATIME)
		flags |= MS_NOATIME;
	if (st.f_flag & ST_NODIRATIME)
		flags |= MS_NODIRATIME;
	if (st.f_flag & ST_RELATIME)
		flags |= MS_RELATIME;
	*out = flags;
	return 0;
}

/* mount_setattr(2) (Linux 5.12), by number: the C libraries' headers and
 * <linux/mount.h> do not mix. */
#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif
#define SH_AT_RECURSIVE 0x8000
#define SH_MOUNT_ATTR_RDONLY 0x00000001ULL
#define SH_MOUNT_ATTR_NODEV 0x00000004ULL
#define SH_AT_FDCWD -100

struct sh_mount_attr {
	unsigned long long attr_set, attr_clr, propagation, userns_fd;
};

/* Whether a mount sits below target: /proc/self/mountinfo's mount
 * points are octal-escaped (space, tab, newline, backslash). */
static bool mounts_below(const char *target)
{
	char escaped[PATH_MAX * 4 + 2], line[PATH_MAX * 4 + 512];
	size_t n = 0;
	bool found = false;
	FILE *f;

	for (const char *c = target; *c && n + 5 < sizeof(escaped); c++)
		n += (size_t)(strchr(" \t\n\\", *c)
				      ? snprintf(escaped + n, 5, "\\%03o",
						 (unsigned char)*c)
				      : snprintf(escaped + n, 2, "%c", *c));
	snprintf(escaped + n, sizeof(escaped) - n, "/");
	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return true; /* cannot tell: as if there were */
	while (!found && fgets(line, sizeof(line), f)) {
		char *point = line;

		for (int field = 0; field < 4 && point; field++)
			point = strchr(point, ' ') ? strchr(point, ' ') + 1
						   : NULL;
		found = point && strncmp(point, escaped, strlen(escaped)) == 0;
	}
	fclose(f);
	return found;
}

/* Read-only (attr: and nodev too, for the view), the whole tree at
 * target: a recursive bind brings the mounts below its source along, and
 * each needs it. Before Linux 5.12 (no mount_setattr) the top mount is
 * remounted, and mounts below it refuse the spawn: they would stay
 * writable. */
static int set_tree_attr(const char *target, unsigned long long attr_set,
			 struct sh_err *err)
{
	struct sh_mount_attr attr = { .attr_set = attr_set };
	unsigned long flags = 0;
	int r;

	if (syscall(SYS_mount_setattr, SH_AT_FDCWD, target, SH_AT_RECURSIVE,
		    &attr, sizeof(attr)) == 0)
		return 0;
	if (errno != ENOSYS)
		return err_sys(err, STAGE_MOUNT, errno,
			       "make `%s` and what is mounted below it "
			       "read-only (mount_setattr)",
			       target);
	if ((r = locked_flags(target, &flags)) < 0)
		return err_sys(err, STAGE_MOUNT, -r, "statvfs `%s`", target);
	if (attr_set & SH_MOUNT_ATTR_NODEV)
		flags |= MS_NODEV;
	if (mount(NULL, target, NULL,
		  MS_BIND | MS_REMOUNT | MS_RDONLY | flags, NULL) < 0)
		return err_sys(err, STAGE_MOUNT, errno,
			       "remount `%s` read-only", target);
	if (mounts_below(target))
		return err_set(err, STAGE_MOUNT, EOPNOTSUPP,
			       "`%s` has mounts below it, which this kernel "
			       "cannot make read-only (mount_setattr needs "
			       "Linux 5.12)",
			       target);
	return 0;
}

int make_readonly(const char *target, struct sh_err *err)
{
	return set_tree_attr(target, SH_MOUNT_ATTR_RDONLY, err);
}

/* The host's tree in the view: read-only, and nodev, since a read-only
 * mount does not stop writes to a device: the command is the owner of
 * every root-owned node (a block device in a chroot tree, a copy of
 * /dev/mem), without any capability. Its own /dev is mounted after, and
 * a device the caller binds on purpose opens (allow_device). */
static int make_view_readonly(struct sh_err *err)
{
	return set_tree_attr("/", SH_MOUNT_ATTR_RDONLY | SH_MOUNT_ATTR_NODEV,
			     err);
}

/* A device bound alone (the caller's --bind of one, or the host's node
 * bound into the view's /dev): its mount opens as a device again. */
static int allow_device(const char *target, struct sh_err *err)
{
	struct sh_mount_attr attr = { .attr_clr = SH_MOUNT_ATTR_NODEV };
	struct stat st;

	if (stat(target, &st) < 0)
		return err_sys(err, STAGE_MOUNT, errno, "stat `%s`", target);
	if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode))
		return 0;
	if (syscall(SYS_mount_setattr, SH_AT_FDCWD, target, 0, &attr,
		    sizeof(attr)) < 0)
		return err_sys(err, STAGE_MOUNT, errno,
			       "let the device `%s` open (mount_setattr)",
			       target);
	return 0;
}

/* Read-only or writable, the mount at target alone: a bind in the
 * read-only view copies the read-only flag of its source's mount, made
 * writable again for a writable path (the mounts below it stay
 * read-only); the view's own /dev is made read-only once filled. */
static int set_top_readonly(const char *target, bool readonly,
			    struct sh_err *err)
{
	struct sh_mount_attr attr = { 0 };
	const char *what = readonly ? "read-only" : "writable";
	unsigned long flags = 0;
	int r;

	if (readonly)
		attr.attr_set = SH_MOUNT_ATTR_RDONLY;
	else
		attr.attr_clr = SH_MOUNT_ATTR_RDONLY;
	if (syscall(SYS_mount_setattr, SH_AT_FDCWD, target, 0, &attr,
		    sizeof(attr)) == 0)
		return 0;
	if (errno != ENOSYS)
		return err_sys(err, STAGE_MOUNT, errno,
			       "make `%s` %s (mount_setattr)", target, what);
	if ((r = locked_flags(target, &flags)) < 0)
		return err_sys(err, STAGE_MOUNT, -r, "statvfs `%s`", target);
	if (mount(NULL, target, NULL,
		  MS_BIND | MS_REMOUNT | flags | (readonly ? MS_RDONLY : 0),
		  NULL) < 0)
		return err_sys(err, STAGE_MOUNT, errno, "remount `%s` %s",
			       target,
			       what);
	return 0;
}

enum bind_access {
	BIND_AS_SOURCE, /* the flags of the source's mount */
	BIND_READ_ONLY,
	BIND_WRITABLE, /* writable again, in the read-only view */
};

static int bind_mount(const char *source, const char *target,
		      enum bind_access access, struct sh_err *err)
{
	if (mount(source, target, NULL, MS_BIND | MS_REC, NULL) < 0)
		return err_sys(err, STAGE_MOUNT, errno, "bind `%s` on `%s`",
			       source, target);
	if (access == BIND_READ_ONLY)
		return make_readonly(target, err);
	return access == BIND_WRITABLE ? set_top_readonly(target, false, err)
				       : 0;
}

static int mount_fs(const char *type, const char *target, unsigned long flags,
		    const char *data, struct sh_err *err)
{
	if (mount(type, target, type, flags, data) < 0)
		return err_sys(err, STAGE_MOUNT, errno, "mount %s on `%s`",
			       type,
			       target);
	return 0;
}

/* A writable directory where the command may make device nodes: nodev,
 * it and what is below it. devpts makes no nodes (and its own must
 * open). The view needs mount_setattr anyway. */
static int nodev_if_dir(const char *target, struct sh_err *err)
{
	struct sh_mount_attr attr = { .attr_set = SH_MOUNT_ATTR_NODEV };
	struct statfs fs;
	struct stat st;

	if (stat(target, &st) < 0)
		return err_sys(err, STAGE_MOUNT, errno, "stat `%s`", target);
	if (!S_ISDIR(st.st_mode) ||
	    (statfs(target, &fs) == 0 && fs.f_type == DEVPTS_SUPER_MAGIC))
		return 0;
	if (syscall(SYS_mount_setattr, SH_AT_FDCWD, target, SH_AT_RECURSIVE,
		    &attr, sizeof(attr)) < 0)
		return err_sys(err, STAGE_MOUNT, errno,
			       "make `%s` nodev (mount_setattr)", target);
	return 0;
}

/* host_writable: whether the entry's source was writable on the host,
 * before the read-only view (which must not make writable what the host
 * itself has read-only); from: the source as the host has it, held
 * open before the empty /run covered it, or NULL (the entry's own). */
static int apply_entry_as(const struct mount_plan *plan,
			  const struct mount_entry *e, bool host_writable,
			  const char *from, struct sh_err *err)
{
	char target[PATH_MAX];
	enum bind_access access = BIND_AS_SOURCE;
	int r = target_path(plan, e->dest, target, sizeof(target), err);

	if (r < 0)
		return r;
	if (e->kind == MOUNT_TMPFS)
		return mount_fs("tmpfs", target, MS_NOSUID | MS_NODEV,
				"mode=0755", err);
	if (e->kind == MOUNT_RO_BIND)
		access = BIND_READ_ONLY;
	else if (plan->read_only_host && host_writable)
		access = BIND_WRITABLE;
	if (!from)
		from = e->kind == MOUNT_WRITABLE ? target : e->source;
	r = bind_mount(from, target, access, err);
	if (r == 0 && plan->nodev_binds && access != BIND_READ_ONLY)
		r = nodev_if_dir(target, err);
	if (r == 0 && plan->read_only_host && e->kind != MOUNT_WRITABLE)
		r = allow_device(target, err);
	return r;
}

/* A failure names the option and its value, as the caller gave them. */
static int apply_entry(const struct mount_plan *plan,
		       const struct mount_entry *e, bool host_writable,
		       const char *from, struct sh_err *err)
{
	int r = apply_entry_as(plan, e, host_writable, from, err);

	if (r < 0 && e->option)
		err_prefix(err, "--%s `%s`: ", e->option, e->value);
	return r;
}

/* The fresh /proc's files that act on the whole machine, read-only: a
 * root caller's command is uid 0 (without capabilities), and /proc/sys
 * checks the file's owner, not capabilities (kernel.core_pattern would
 * run a program as root on the host). As bubblewrap's --proc. */
static int protect_proc(const char *proc, struct sh_err *err)
{
	static const char *const global[] = { "sys", "sysrq-trigger", "irq",
					      "bus" };
	char path[PATH_MAX];
	int r;

	for (size_t i = 0; i < sizeof(global) / sizeof(global[0]); i++) {
		if (snprintf(path, sizeof(path), "%s/%s", proc, global[i]) >=
		    (int)sizeof(path))
			return err_set(err, STAGE_MOUNT, ENAMETOOLONG,
				       "`%s`: too long", proc);
		if (access(path, F_OK) < 0) {
			if (errno == ENOENT)
				continue; /* not in this kernel's /proc */
			return err_sys(err, STAGE_MOUNT, errno, "access `%s`",
				       path);
		}
		if ((r = bind_mount(path, path, BIND_READ_ONLY, err)) < 0)
			return r;
	}
	return 0;
}

/* Whether a new root lacks path, where the view's /dev and the pid
 * namespace's /proc then are not mounted at all (nothing of the host's
 * is there either). */
static bool missing_in_new_root(const struct mount_plan *plan,
				const char *path)
{
	struct stat st;

	return plan->new_root && stat(path, &st) < 0 && errno == ENOENT;
}

/* In a user namespace the kernel mounts a fresh proc only where the
 * proc above shows all of itself: a sandbox inside another (whose
 * /proc/sys, irq and bus are covered read-only) cannot have one. */
static int mount_proc(const char *target, struct sh_err *err)
{
	if (mount("proc", target, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL) == 0)
		return 0;
	if (errno == EPERM)
		return err_sys(err, STAGE_MOUNT, errno,
			       "mount proc on `%s` (refused where the /proc "
			       "above has covered parts, as inside another "
			       "sandbox: give --unsafe-share-pids or --uid)",
			       target);
	return err_sys(err, STAGE_MOUNT, errno, "mount proc on `%s`", target);
}

static int mount_special(const struct mount_plan *plan, struct sh_err *err)
{
	char target[PATH_MAX];
	int r;

	if (plan->proc) {
		if ((r = target_path(plan, "/proc", target, sizeof(target),
				     err)) < 0)
			return r;
		if (!missing_in_new_root(plan, target) &&
		    ((r = mount_proc(target, err)) < 0 ||
		     (r = protect_proc(target, err)) < 0))
			return r;
	}
	if (plan->dev_shm) {
		if ((r = target_path(plan, "/dev/shm", target, sizeof(target),
				     err)) < 0 ||
		    (r = mount_fs("tmpfs", target, MS_NOSUID | MS_NODEV,
				  "mode=1777", err)) < 0)
			return r;
	}
	return 0;
}

int mounts_widen(const char *path, bool nodev, struct sh_err *err)
{
	int r = bind_mount(path, path, BIND_WRITABLE, err);

	return r == 0 && nodev ? nodev_if_dir(path, err) : r;
}

/* Whether each writable entry's source is writable on the host, read
 * before the view makes every mount read-only. */
static int note_host_writable(const struct mount_plan *plan, bool **out,
			      struct sh_err *err)
{
	char path[PATH_MAX];
	struct statvfs st;
	int r;

	*out = calloc(plan->n + 1, sizeof(**out));
	if (!*out)
		return err_set(err, STAGE_MOUNT, ENOMEM, "out of memory");
	for (size_t i = 0; i < plan->n; i++) {
		const struct mount_entry *e = &plan->entries[i];
		const char *source = path;

		if (e->kind == MOUNT_BIND)
			source = e->source;
		else if (e->kind != MOUNT_WRITABLE)
			continue;
		else if ((r = target_path(plan, e->dest, path, sizeof(path),
					  err)) < 0)
			return r;
		if (statvfs(source, &st) < 0)
			return err_sys(err, STAGE_MOUNT, errno,
				       "--%s `%s`: statvfs `%s`", e->option,
				       e->value, source);
		(*out)[i] = !(st.f_flag & ST_RDONLY);
	}
	return 0;
}

/* The minimal /dev of the read-only view: these nodes, a devpts of its
 * own, a private /dev/shm and the links to /proc/self/fd. No block
 * devices, fuse, userfaultfd, mem, kmsg or anything else. The numbers
 * are the kernel's fixed ones (devices.txt). */
static const struct {
	const char *name;
	unsigned major, minor;
} dev_nodes[] = {
	{ "null", 1, 3 },   { "zero", 1, 5 },	 { "full", 1, 7 },
	{ "random", 1, 8 }, { "urandom", 1, 9 }, { "tty", 5, 0 },
};
#define N_DEVICES (sizeof(dev_nodes) / sizeof(dev_nodes[0]))

static void close_devices(int (*fds)[N_DEVICES])
{
	for (size_t i = 0; i < N_DEVICES; i++)
		if ((*fds)[i] >= 0)
			close((*fds)[i]);
}

/* The host's nodes, held while /dev is covered by the view's own. */
static int open_host_devices(int fds[N_DEVICES], struct sh_err *err)
{
	char path[64];

	for (size_t i = 0; i < N_DEVICES; i++) {
		snprintf(path, sizeof(path), "/dev/%s", dev_nodes[i].name);
		fds[i] = open(path, O_PATH | O_CLOEXEC);
		if (fds[i] < 0)
			return err_sys(err, STAGE_MOUNT, errno, "open `%s`",
				       path);
	}
	return 0;
}

static int dev_path(const struct mount_plan *plan, const char *name,
		    char *buf, size_t size, struct sh_err *err)
{
	char path[64];

	snprintf(path, sizeof(path), "/dev%s%s", *name ? "/" : "", name);
	return target_path(plan, path, buf, size, err);
}

static int dev_symlink(const struct mount_plan *plan, const char *name,
		       const char *to, struct sh_err *err)
{
	char path[PATH_MAX];
	int r = dev_path(plan, name, path, sizeof(path), err);

	if (r < 0)
		return r;
	if (symlink(to, path) < 0)
		return err_sys(err, STAGE_MOUNT, errno, "symlink `%s`", path);
	return 0;
}

static int dev_dir(const struct mount_plan *plan, const char *name,
		   char *path, size_t size, struct sh_err *err)
{
	int r = dev_path(plan, name, path, size, err);

	if (r < 0)
		return r;
	if (mkdir(path, 0755) < 0)
		return err_sys(err, STAGE_MOUNT, errno, "mkdir `%s`", path);
	return 0;
}

/* Node i made with mknod (CAP_MKNOD, a helper in the host's user
 * namespace: no mount to make, or to tear down at the end), else the
 * host's node (fd) bound on an empty file of the same name. */
static int dev_node(const struct mount_plan *plan, size_t i, int fd,
		    struct sh_err *err)
{
	const char *name = dev_nodes[i].name;
	char path[PATH_MAX], source[64];
	int file, r = dev_path(plan, name, path, sizeof(path), err);

	if (r < 0)
		return r;
	if (mknod(path, S_IFCHR | 0666,
		  makedev(dev_nodes[i].major, dev_nodes[i].minor)) == 0)
		return chmod(path, 0666) < 0 ? err_sys(err, STAGE_MOUNT, errno,
						       "chmod `%s`", path)
					     : 0;
	if (errno != EPERM)
		return err_sys(err, STAGE_MOUNT, errno, "mknod `%s`", path);
	file = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (file < 0)
		return err_sys(err, STAGE_MOUNT, errno, "create `%s`", path);
	close(file);
	snprintf(source, sizeof(source), "/proc/self/fd/%d", fd);
	if (mount(source, path, NULL, MS_BIND, NULL) < 0)
		return err_sys(err, STAGE_MOUNT, errno,
			       "bind `/dev/%s` on `%s`",
			       name, path);
	return allow_device(path, err);
}

static int mount_minimal_dev(const struct mount_plan *plan,
			     const int devices[N_DEVICES], struct sh_err *err)
{
	static const char *const links[][2] = {
		{ "fd", "/proc/self/fd" },	   { "stdin", "/proc/self/fd/0" },
		{ "stdout", "/proc/self/fd/1" }, { "stderr", "/proc/self/fd/2" },
		{ "ptmx", "pts/ptmx" },
	};
	char dev[PATH_MAX], path[PATH_MAX];
	int r;

	if ((r = dev_path(plan, "", dev, sizeof(dev), err)) < 0)
		return r;
	if (missing_in_new_root(plan, dev))
		return 0;
	/* not nodev: the nodes made here are its own; nothing else can
	 * make one (CAP_MKNOD is dropped), and it is read-only at the end */
	if ((r = mount_fs("tmpfs", dev, MS_NOSUID | MS_NOEXEC, "mode=0755",
			  err)) < 0)
		return r;
	for (size_t i = 0; i < N_DEVICES; i++)
		if ((r = dev_node(plan, i, devices[i], err)) < 0)
			return r;
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++)
		if ((r = dev_symlink(plan, links[i][0], links[i][1], err)) < 0)
			return r;
	if ((r = dev_dir(plan, "pts", path, sizeof(path), err)) < 0 ||
	    (r = mount_fs("devpts", path, MS_NOSUID | MS_NOEXEC,
			  "newinstance,ptmxmode=0666,mode=620", err)) < 0 ||
	    (r = dev_dir(plan, "shm", path, sizeof(path), err)) < 0 ||
	    (r = mount_fs("tmpfs", path, MS_NOSUID | MS_NODEV, "mode=1777",
			  err)) < 0)
		return r;
	return set_top_readonly(dev, true, err);
}

/* The new mount API (Linux 5.2), by number as mount_setattr above. */
#ifndef SYS_open_tree
#define SYS_open_tree 428
#endif
#ifndef SYS_move_mount
#define SYS_move_mount 429
#endif
#ifndef SYS_fsopen
#define SYS_fsopen 430
#endif
#ifndef SYS_fsconfig
#define SYS_fsconfig 431
#endif
#ifndef SYS_fsmount
#define SYS_fsmount 432
#endif
#define SH_FSOPEN_CLOEXEC 0x1
#define SH_FSCONFIG_CMD_CREATE 6
#define SH_FSMOUNT_CLOEXEC 0x1
#define SH_MOUNT_ATTR_NOSUID 0x00000002ULL
#define SH_MOUNT_ATTR_NOEXEC 0x00000008ULL
#define SH_MOUNT_ATTR_IDMAP 0x00100000ULL
#define SH_OPEN_TREE_CLONE 1
#define SH_MOVE_MOUNT_F_EMPTY_PATH 0x4
#define SH_MOVE_MOUNT_T_SYMLINKS 0x10

/* --sandbox-deny (SANDBOX_DENY) hides a path under an object nobody can
 * read, whatever the command's capabilities: mode 000 alone would not
 * stop a root install phase (CAP_DAC_OVERRIDE). The objects live on a
 * detached tmpfs, nodev, nosuid, noexec:
 * - for a file, a character device 0:0 (the whiteout, which a user
 *   namespace may make too): a nodev mount refuses to open a device
 *   (EACCES) before any driver or capability is asked;
 * - for a directory, an empty one of mode 000, idmapped where it can be
 *   (unmapped_userns) so that no capability opens it (EACCES); where it
 *   cannot, a command that kept CAP_DAC_OVERRIDE finds it empty.
 * Each is then read-only on the path, after every other mount, so a
 * --sandbox-write above or below it does not undo it, and nothing can be
 * made in it. */
static int deny_store(int *out, struct sh_err *err)
{
	_cleanup_close_ int fs = (int)syscall(SYS_fsopen, "tmpfs",
					      SH_FSOPEN_CLOEXEC);

	if (fs < 0 ||
	    syscall(SYS_fsconfig, fs, SH_FSCONFIG_CMD_CREATE, NULL, NULL, 0) <
		    0 ||
	    (*out = (int)syscall(SYS_fsmount, fs, SH_FSMOUNT_CLOEXEC,
				 SH_MOUNT_ATTR_NOSUID | SH_MOUNT_ATTR_NODEV |
					 SH_MOUNT_ATTR_NOEXEC)) < 0)
		return err_sys(err, STAGE_MOUNT, errno,
			       "--sandbox-deny: make a tmpfs for the "
			       "inaccessible objects (fsopen, Linux 5.2)");
	if (mknodat(*out, "file", S_IFCHR, makedev(0, 0)) < 0 ||
	    mkdirat(*out, "dir", 0) < 0)
		return err_sys(err, STAGE_MOUNT, errno,
			       "--sandbox-deny: make the inaccessible objects");
	return 0;
}

/* A user namespace that maps uid and gid 1 alone, not the owner (0) of
 * the store's files: on a mount idmapped with it, no capability of the
 * command covers the inaccessible directory, so its mode 000 refuses
 * root too (EACCES). -1 where it cannot be made, as in a user namespace
 * of one id (the directory is still empty and read-only there). The
 * child is found in the /proc of the helper's pid namespace: the fresh
 * one when there is one, mounted already. */
static int unmapped_userns(const struct mount_plan *plan)
{
	struct proc child = PROC_NONE;
	char dir[PATH_MAX + 32];
	int fd = -1;
	pid_t pid = proc_clone(CLONE_NEWUSER, &child);

	if (pid == 0)
		for (;;)
			pause();
	if (pid < 0)
		return -1;
	snprintf(dir, sizeof(dir), "%s/proc/%d",
		 plan->proc && plan->new_root ? plan->new_root : "", (int)pid);
	if (write_file_at(dir, "uid_map", "1 1 1\n") == 0 &&
	    write_file_at(dir, "gid_map", "1 1 1\n") == 0) {
		strncat(dir, "/ns/user", sizeof(dir) - strlen(dir) - 1);
		fd = open(dir, O_RDONLY | O_CLOEXEC);
	}
	proc_kill_and_reap(&child);
	return fd;
}

/* An older kernel's open_tree cannot clone from a detached mount
 * (EINVAL, seen on 6.1; 6.18 can): there a store of its own is attached
 * for a moment on the directory above the target (in the helper's mount
 * namespace, before the command exists), the object is cloned from it
 * and the store is unmounted again. */
static int clone_attached(const char *target, const char *name, int *out,
			  struct sh_err *err)
{
	_cleanup_close_ int store = -1;
	char at[PATH_MAX], self[64];
	char *slash;
	int r, saved;

	snprintf(at, sizeof(at), "%s", target);
	slash = strrchr(at, '/');
	if (slash == at)
		at[1] = '\0'; /* the target is right below `/` */
	else if (slash)
		*slash = '\0';
	if ((r = deny_store(&store, err)) < 0)
		return r;
	if (syscall(SYS_move_mount, store, "", SH_AT_FDCWD, at,
		    SH_MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return err_sys(err, STAGE_MOUNT, errno,
			       "attach the inaccessible objects on `%s` "
			       "(move_mount)",
			       at);
	*out = (int)syscall(SYS_open_tree, store, name,
			    SH_OPEN_TREE_CLONE | O_CLOEXEC);
	saved = errno;
	snprintf(self, sizeof(self), "/proc/self/fd/%d", store);
	if (umount2(self, MNT_DETACH) < 0) {
		saved = errno;
		if (*out >= 0)
			close(*out);
		*out = -1;
		return err_sys(err, STAGE_MOUNT, saved,
			       "detach the inaccessible objects from `%s`", at);
	}
	if (*out < 0)
		return err_sys(err, STAGE_MOUNT, saved,
			       "clone the inaccessible %s (open_tree)", name);
	return 0;
}

/* A detached mount of the store's inaccessible object for a directory
 * (dir) or a file, to be mounted on target. */
static int deny_object(int store, int userns, bool dir, const char *target,
		       int *out, struct sh_err *err)
{
	struct sh_mount_attr idmap = {.attr_set = SH_MOUNT_ATTR_IDMAP,
				      .userns_fd = (unsigned)userns};
	const char *name = dir ? "dir" : "file";
	int r;

	*out = (int)syscall(SYS_open_tree, store, name,
			    SH_OPEN_TREE_CLONE | O_CLOEXEC);
	if (*out < 0 && errno == EINVAL &&
	    (r = clone_attached(target, name, out, err)) < 0)
		return r;
	if (*out < 0)
		return err_sys(err, STAGE_MOUNT, errno,
			       "clone the inaccessible %s (open_tree)", name);
	/* best effort: tmpfs takes an idmapping since Linux 6.3 */
	if (dir && userns >= 0)
		syscall(SYS_mount_setattr, *out, "", AT_EMPTY_PATH, &idmap,
			sizeof(idmap));
	return 0;
}

static int deny_path(const struct mount_plan *plan, int store, int userns,
		     const char *path, struct sh_err *err)
{
	_cleanup_close_ int object = -1;
	char target[PATH_MAX];
	struct stat st;
	int r;

	if ((r = target_path(plan, path, target, sizeof(target), err)) < 0)
		return r;
	/* nothing there to read (in a writable directory the command may
	 * make it: the man page says so), or below a path denied already,
	 * which the helper itself cannot enter (EACCES) nor the command */
	if (stat(target, &st) < 0)
		return errno == ENOENT || errno == ENOTDIR || errno == EACCES
			       ? 0
			       : err_sys(err, STAGE_MOUNT, errno, "stat `%s`",
					 target);
	if ((r = deny_object(store, userns, S_ISDIR(st.st_mode), target,
			     &object, err)) < 0)
		return r;
	if (syscall(SYS_move_mount, object, "", SH_AT_FDCWD, target,
		    SH_MOVE_MOUNT_F_EMPTY_PATH | SH_MOVE_MOUNT_T_SYMLINKS) < 0)
		return err_sys(err, STAGE_MOUNT, errno,
			       "mount an inaccessible object on `%s` "
			       "(move_mount)",
			       target);
	return set_top_readonly(target, true, err);
}

static int deny_paths(const struct mount_plan *plan, struct sh_err *err)
{
	_cleanup_close_ int store = -1;
	_cleanup_close_ int userns = -1;
	int r;

	if (!plan->n_deny)
		return 0;
	if ((r = deny_store(&store, err)) < 0)
		return r;
	userns = unmapped_userns(plan);
	for (size_t i = 0; i < plan->n_deny; i++)
		if ((r = deny_path(plan, store, userns, plan->deny[i], err)) <
		    0) {
			err_prefix(err, "--sandbox-deny `%s`: ",
				   plan->deny[i]);
			return r;
		}
	return 0;
}

/* pivot_root into the new root and detach the old one, so nothing of the
 * host's tree stays reachable (chroot alone can be escaped). */
static int enter_new_root(const char *root, struct sh_err *err)
{
	if (chdir(root) < 0)
		return err_sys(err, STAGE_MOUNT, errno, "chdir `%s`", root);
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return err_sys(err, STAGE_MOUNT, errno, "pivot_root `%s`",
			       root);
	if (umount2(".", MNT_DETACH) < 0)
		return err_sys(err, STAGE_MOUNT, errno, "detach the old root");
	if (chdir("/") < 0)
		return err_sys(err, STAGE_MOUNT, errno, "chdir `/`");
	return 0;
}

/* hide_run: the directories an empty tmpfs covers. /var/run is mostly
 * a link to /run: then /run's covers it. */
static const char *const run_dirs[] = { "/run", "/var/run" };
#define N_RUN_DIRS (sizeof(run_dirs) / sizeof(run_dirs[0]))

static bool below_run(const struct mount_plan *plan, const char *path)
{
	for (size_t i = 0; plan->hide_run && i < N_RUN_DIRS; i++) {
		size_t n = strlen(run_dirs[i]);

		if (strncmp(path, run_dirs[i], n) == 0 &&
		    (path[n] == '\0' || path[n] == '/'))
			return true;
	}
	return false;
}

/* The host's sources below /run of the entries, held open before the
 * empty /run covers them: an fd, or -1 where the entry's path serves
 * (not below /run; or not there: the bind names the error). */
struct run_sources {
	int *fds;
	size_t n;
};

static void close_run_sources(struct run_sources *s)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->fds[i] >= 0)
			close(s->fds[i]);
	free(s->fds);
}

static int open_run_sources(const struct mount_plan *plan,
			    struct run_sources *s, struct sh_err *err)
{
	char path[PATH_MAX];
	int r;

	s->fds = malloc((plan->n + 1) * sizeof(*s->fds));
	if (!s->fds)
		return err_set(err, STAGE_MOUNT, ENOMEM, "out of memory");
	for (; s->n < plan->n; s->n++) {
		const struct mount_entry *e = &plan->entries[s->n];
		const char *source = e->source;

		s->fds[s->n] = -1;
		if (e->kind == MOUNT_TMPFS ||
		    !below_run(plan,
			       e->kind == MOUNT_WRITABLE ? e->dest : e->source))
			continue;
		if (e->kind == MOUNT_WRITABLE) {
			if ((r = target_path(plan, e->dest, path, sizeof(path),
					     err)) < 0)
				return r;
			source = path;
		}
		s->fds[s->n] = open(source, O_PATH | O_CLOEXEC);
	}
	return 0;
}

/* A mount point below the empty /run for an entry: its parents made,
 * then a directory or an empty file as its source is. */
static int make_run_mount_point(const char *target, int source,
				struct sh_err *err)
{
	char path[PATH_MAX];
	struct stat st;
	int fd;

	if (lstat(target, &st) == 0 || errno != ENOENT)
		return 0; /* there, or the bind names the error */
	snprintf(path, sizeof(path), "%s", target);
	for (char *p = strchr(path + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return err_sys(err, STAGE_MOUNT, errno, "mkdir `%s`",
				       path);
		*p = '/';
	}
	if (source >= 0 && fstat(source, &st) == 0 && !S_ISDIR(st.st_mode)) {
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd < 0)
			return err_sys(err, STAGE_MOUNT, errno, "create `%s`",
				       path);
		close(fd);
		return 0;
	}
	if (mkdir(path, 0755) < 0)
		return err_sys(err, STAGE_MOUNT, errno, "mkdir `%s`", path);
	return 0;
}

/* The mount points of the entries below the empty /run. */
static int make_run_mount_points(const struct mount_plan *plan,
				 const struct run_sources *s,
				 struct sh_err *err)
{
	char target[PATH_MAX];
	int r;

	for (size_t i = 0; i < plan->n; i++) {
		const struct mount_entry *e = &plan->entries[i];

		if (!below_run(plan, e->dest))
			continue;
		if ((r = target_path(plan, e->dest, target, sizeof(target),
				     err)) < 0 ||
		    (r = make_run_mount_point(target, s->fds[i], err)) < 0) {
			if (e->option)
				err_prefix(err, "--%s `%s`: ", e->option,
					   e->value);
			return r;
		}
	}
	return 0;
}

/* An empty tmpfs on /run, and on /var/run where it is a directory, with
 * the entries' mount points, then read-only as the rest of the view. */
static int hide_run(const struct mount_plan *plan,
		    const struct run_sources *s, struct sh_err *err)
{
	char target[N_RUN_DIRS][PATH_MAX];
	bool mounted[N_RUN_DIRS] = { false }, any = false;
	struct stat st;
	int r;

	for (size_t i = 0; i < N_RUN_DIRS; i++) {
		if ((r = target_path(plan, run_dirs[i], target[i],
				     sizeof(target[i]), err)) < 0)
			return r;
		if (lstat(target[i], &st) < 0 || !S_ISDIR(st.st_mode))
			continue;
		if ((r = mount_fs("tmpfs", target[i],
				  MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0755",
				  err)) < 0)
			return r;
		mounted[i] = any = true;
	}
	/* (nothing mounted, as in a --chroot tree without /run: nothing to
	 * make in a tree of the host's) */
	if (any && (r = make_run_mount_points(plan, s, err)) < 0)
		return r;
	for (size_t i = 0; i < N_RUN_DIRS; i++)
		if (mounted[i] && (r = set_top_readonly(target[i], true, err)) < 0)
			return r;
	return 0;
}

/* The entries, in order; below the empty /run, on a mount point made
 * there, from the host's source. */
static int apply_entries(const struct mount_plan *plan,
			 const bool *host_writable, struct sh_err *err)
{
	struct run_sources s __attribute__((cleanup(close_run_sources))) = {
		NULL, 0
	};
	char from[64];
	int r;

	if (plan->hide_run && ((r = open_run_sources(plan, &s, err)) < 0 ||
			       (r = hide_run(plan, &s, err)) < 0))
		return r;
	for (size_t i = 0; i < plan->n; i++) {
		bool held = i < s.n && s.fds[i] >= 0;

		if (held)
			snprintf(from, sizeof(from), "/proc/self/fd/%d",
				 s.fds[i]);
		if ((r = apply_entry(plan, &plan->entries[i],
				     !host_writable || host_writable[i],
				     held ? from : NULL, err)) < 0)
			return r;
	}
	return 0;
}

int mounts_apply(const struct mount_plan *plan, struct sh_err *err)
{
	_cleanup_free_ bool *host_writable = NULL;
	int devices[N_DEVICES] __attribute__((cleanup(close_devices)));
	int r;

	for (size_t i = 0; i < N_DEVICES; i++)
		devices[i] = -1;

	/* nothing mounted here may propagate back to the host */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return err_sys(err, STAGE_MOUNT, errno,
			       "make `/` private (MS_REC|MS_PRIVATE)");
	/* pivot_root needs the new root to be a mount point */
	if (plan->read_only_host &&
	    ((r = note_host_writable(plan, &host_writable, err)) < 0 ||
	     (r = open_host_devices(devices, err)) < 0 ||
	     (r = make_view_readonly(err)) < 0))
		return r;
	if (plan->new_root &&
	    (r = bind_mount(plan->new_root, plan->new_root, BIND_AS_SOURCE,
			    err)) < 0) {
		err_prefix(err, "--chroot `%s`: ", plan->new_root);
		return r;
	}
	if (plan->read_only_host && (r = mount_minimal_dev(plan, devices, err)) < 0)
		return r;
	if ((r = apply_entries(plan, host_writable, err)) < 0)
		return r;
	if ((r = mount_special(plan, err)) < 0 ||
	    (r = deny_paths(plan, err)) < 0)
		return r;
	if (plan->new_root && (r = enter_new_root(plan->new_root, err)) < 0) {
		err_prefix(err, "--chroot `%s`: ", plan->new_root);
		return r;
	}
	/* last: what the binds and the new root brought along too */
	return plan->cgroups_readonly ? cgroup_mounts_readonly(err) : 0;
}
