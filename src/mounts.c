#include "config.h"

#include "mounts.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

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

static int bind_mount(const char *source, const char *target, bool ro,
		      struct sh_err *err)
{
	unsigned long flags = 0;
	int r;

	if (mount(source, target, NULL, MS_BIND | MS_REC, NULL) < 0)
		return err_sys(err, "mount", errno, "bind `%s` on `%s`",
			       source, target);
	if (!ro)
		return 0;
	if ((r = locked_flags(target, &flags)) < 0)
		return err_sys(err, "mount", -r, "statvfs `%s`", target);
	if (mount(NULL, target, NULL,
		  MS_BIND | MS_REMOUNT | MS_RDONLY | flags, NULL) < 0)
		return err_sys(err, "mount", errno,
			       "remount `%s` read-only", target);
	return 0;
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

static int mount_special(const struct mount_plan *plan, struct sh_err *err)
{
	char target[PATH_MAX];
	int r;

	if (plan->proc) {
		if ((r = target_path(plan, "/proc", target, sizeof(target),
				     err)) < 0 ||
		    (r = mount_fs("proc", target,
				  MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL,
				  err)) < 0)
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
	return plan->new_root ? enter_new_root(plan->new_root, err) : 0;
}
