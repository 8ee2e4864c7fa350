#include "config.h"

#include "mounts.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup.h"

int mount_parse_bind(const char *value, char **storage, const char **source,
		     const char **dest)
{
	char *colon;

	*storage = strdup(value);
	if (!*storage)
		return -ENOMEM;
	colon = strchr(*storage, ':');
	*source = *storage;
	*dest = *storage;
	if (colon) {
		*colon = '\0';
		*dest = colon + 1;
	}
	if (!**source || **dest != '/')
		return -EINVAL;
	return 0;
}

static int target_path(const struct mount_plan *plan, const char *path,
		       char *buf, size_t size, struct sh_err *err)
{
	int n = snprintf(buf, size, "%s%s", plan->new_root ? plan->new_root : "",
			 path);

	if (n < 0 || (size_t)n >= size)
		return err_set(err, "mount", ENAMETOOLONG,
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

/* Read-only, the whole tree at target: a recursive bind brings the
 * mounts below its source along, and each needs it. Before Linux 5.12
 * (no mount_setattr) the top mount is remounted, and mounts below it
 * refuse the spawn: they would stay writable. */
int make_readonly(const char *target, struct sh_err *err)
{
	struct sh_mount_attr attr = { .attr_set = SH_MOUNT_ATTR_RDONLY };
	unsigned long flags = 0;
	int r;

	if (syscall(SYS_mount_setattr, -100 /* AT_FDCWD */, target,
		    SH_AT_RECURSIVE, &attr, sizeof(attr)) == 0)
		return 0;
	if (errno != ENOSYS)
		return err_sys(err, "mount", errno,
			       "make `%s` and what is mounted below it "
			       "read-only (mount_setattr)",
			       target);
	if ((r = locked_flags(target, &flags)) < 0)
		return err_sys(err, "mount", -r, "statvfs `%s`", target);
	if (mount(NULL, target, NULL,
		  MS_BIND | MS_REMOUNT | MS_RDONLY | flags, NULL) < 0)
		return err_sys(err, "mount", errno,
			       "remount `%s` read-only", target);
	if (mounts_below(target))
		return err_set(err, "mount", EOPNOTSUPP,
			       "`%s` has mounts below it, which this kernel "
			       "cannot make read-only (mount_setattr needs "
			       "Linux 5.12)",
			       target);
	return 0;
}

static int bind_mount(const char *source, const char *target, bool ro,
		      struct sh_err *err)
{
	if (mount(source, target, NULL, MS_BIND | MS_REC, NULL) < 0)
		return err_sys(err, "mount", errno, "bind `%s` on `%s`",
			       source, target);
	return ro ? make_readonly(target, err) : 0;
}

static int mount_fs(const char *type, const char *target, unsigned long flags,
		    const char *data, struct sh_err *err)
{
	if (mount(type, target, type, flags, data) < 0)
		return err_sys(err, "mount", errno, "mount %s on `%s`", type,
			       target);
	return 0;
}

static int apply_entry(const struct mount_plan *plan,
		       const struct mount_entry *e, struct sh_err *err)
{
	char target[PATH_MAX];
	int r = target_path(plan, e->dest, target, sizeof(target), err);

	if (r < 0)
		return r;
	if (e->kind == MOUNT_TMPFS)
		return mount_fs("tmpfs", target, MS_NOSUID | MS_NODEV,
				"mode=0755", err);
	return bind_mount(e->source, target, e->kind == MOUNT_RO_BIND, err);
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
			return err_set(err, "mount", ENAMETOOLONG,
				       "`%s`: too long", proc);
		if (access(path, F_OK) < 0) {
			if (errno == ENOENT)
				continue; /* not in this kernel's /proc */
			return err_sys(err, "mount", errno, "access `%s`",
				       path);
		}
		if ((r = bind_mount(path, path, true, err)) < 0)
			return r;
	}
	return 0;
}

static int mount_special(const struct mount_plan *plan, struct sh_err *err)
{
	char target[PATH_MAX];
	int r;

	if (plan->proc) {
		if ((r = target_path(plan, "/proc", target, sizeof(target),
				     err)) < 0 ||
		    (r = mount_fs("proc", target,
				  MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL,
				  err)) < 0 ||
		    (r = protect_proc(target, err)) < 0)
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

/* pivot_root into the new root and detach the old one, so nothing of the
 * host's tree stays reachable (chroot alone can be escaped). */
static int enter_new_root(const char *root, struct sh_err *err)
{
	if (chdir(root) < 0)
		return err_sys(err, "mount", errno, "chdir `%s`", root);
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return err_sys(err, "mount", errno, "pivot_root `%s`", root);
	if (umount2(".", MNT_DETACH) < 0)
		return err_sys(err, "mount", errno, "detach the old root");
	if (chdir("/") < 0)
		return err_sys(err, "mount", errno, "chdir `/`");
	return 0;
}

int mounts_apply(const struct mount_plan *plan, struct sh_err *err)
{
	int r;

	/* nothing mounted here may propagate back to the host */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return err_sys(err, "mount", errno,
			       "make `/` private (MS_REC|MS_PRIVATE)");
	/* pivot_root needs the new root to be a mount point */
	if (plan->new_root &&
	    (r = bind_mount(plan->new_root, plan->new_root, false, err)) < 0)
		return r;
	for (size_t i = 0; i < plan->n; i++)
		if ((r = apply_entry(plan, &plan->entries[i], err)) < 0)
			return r;
	if ((r = mount_special(plan, err)) < 0)
		return r;
	if (plan->new_root && (r = enter_new_root(plan->new_root, err)) < 0)
		return r;
	/* last: what the binds and the new root brought along too */
	return plan->cgroups_readonly ? cgroup_mounts_readonly(err) : 0;
}
