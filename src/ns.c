/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "ns.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "fileio.h"

unsigned long ns_clone_flags(unsigned mask)
{
	unsigned long flags = 0;

	for (int k = 0; k < NS_COUNT; k++)
		if (mask & NS_BIT(k))
			flags |= ns_table[k].flag;
	return flags;
}

pid_t ns_clone(unsigned mask, struct proc *p)
{
	return proc_clone(ns_clone_flags(mask), p);
}

static int write_proc_file(pid_t pid, const char *name, const char *text)
{
	char dir[32];

	snprintf(dir, sizeof(dir), "/proc/%d", (int)pid);
	return write_file_at(dir, name, text);
}

/* Whether a map gives an inner id to the outer uid or gid 0. */
static bool maps_outer_root(const struct id_map *map)
{
	for (const char *line = map->text; *line;) {
		unsigned inner, outer, count;

		if (sscanf(line, "%u %u %u", &inner, &outer, &count) == 3 &&
		    outer == 0)
			return true;
		line += strcspn(line, "\n");
		line += *line == '\n';
	}
	return false;
}

static int map_error(struct sh_err *err, int errnum, const char *file,
		     const struct id_map *map, bool unprivileged)
{
	const char *why = "";

	/* Linux 5.12+: mapping the outer root needs CAP_SETFCAP, which a
	 * root without capabilities (a helper inside another sandbox)
	 * lacks */
	if (errnum == EPERM && strcmp(file, "uid_map") == 0 &&
	    maps_outer_root(map))
		why = " (mapping uid 0 needs CAP_SETFCAP: run as another "
		      "uid, or keep cap_setfcap)";
	else if (unprivileged && errnum == EPERM)
		why = " (an unprivileged caller may map only its own id, once)";
	return err_sys(err, STAGE_USERNS, errnum,
		       "namespace `user`: write %s `%.*s`%s", file,
		       (int)strcspn(map->text, "\n"), map->text, why);
}

int userns_write_maps(pid_t pid, const struct id_map *uid_map,
		      const struct id_map *gid_map, bool deny_setgroups,
		      struct sh_err *err)
{
	int r;

	if (deny_setgroups &&
	    (r = write_proc_file(pid, "setgroups", "deny")) < 0 && r != -ENOENT)
		return err_sys(err, STAGE_USERNS, -r,
			       "namespace `user`: write setgroups");
	if ((r = write_proc_file(pid, "uid_map", uid_map->text)) < 0)
		return map_error(err, -r, "uid_map", uid_map, deny_setgroups);
	if ((r = write_proc_file(pid, "gid_map", gid_map->text)) < 0)
		return map_error(err, -r, "gid_map", gid_map, deny_setgroups);
	return 0;
}

int ns_join(const int fds[NS_COUNT], const char *const values[NS_COUNT],
	    struct sh_err *err)
{
	for (int k = 0; k < NS_COUNT; k++)
		if (fds[k] >= 0 && setns(fds[k], (int)ns_table[k].flag) < 0)
			return err_sys(err, STAGE_NS, errno,
				       "--join-ns `%s`: join namespace `%s`",
				       values[k], ns_table[k].name);
	return 0;
}

/* In a throwaway child: become root of a fresh user namespace the way
 * the real sandbox does, so a system that allows the namespace but
 * refuses its maps or its mounts is caught here. */
static int try_user_namespace(bool private_mounts)
{
	struct id_map uid_map, gid_map;
	uid_t uid = getuid();
	gid_t gid = getgid();
	struct sh_err ignored;
	int r;

	if (unshare(CLONE_NEWUSER) < 0)
		return errno;
	id_map_single(&uid_map, uid, uid);
	id_map_single(&gid_map, gid, gid);
	r = userns_write_maps(getpid(), &uid_map, &gid_map, true, &ignored);
	if (r < 0)
		return -r;
	if (private_mounts &&
	    (unshare(CLONE_NEWNS) < 0 ||
	     mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0))
		return errno;
	return 0;
}

static int try_namespace(int kind, bool with_user)
{
	pid_t pid = fork();
	int status, r;

	if (pid < 0)
		return errno;
	if (pid == 0) {
		r = with_user ? try_user_namespace(kind == NS_MOUNT) : 0;
		if (!r && !(with_user && kind == NS_USER) &&
		    unshare((int)ns_table[kind].flag) < 0)
			r = errno;
		_exit(r & 0xff);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return errno;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return EIO;
}

const char *ns_refusal_hint(int kind, int errnum, char *buf, size_t size)
{
	if (errnum != ENOSPC)
		return "";
	snprintf(buf, size,
		 " (the limit user.max_%s_namespaces is reached, or 0, which "
		 "forbids them: sysctl user.max_%s_namespaces, per user "
		 "namespace)",
		 ns_table[kind].proc_name, ns_table[kind].proc_name);
	return buf;
}

/* the value of /proc/sys/DIR/NAME is value */
static bool sysctl_is(const char *dir, const char *name, long value)
{
	char buf[32], *end;
	long v;

	if (read_file_at(dir, name, buf, sizeof(buf)) < 0)
		return false;
	errno = 0;
	v = strtol(buf, &end, 10);
	return !errno && end != buf && v == value;
}

const char *ns_refused_by_sysctl(int kind, bool unprivileged, char *buf,
				 size_t size)
{
	static const struct {
		const char *name;
		long value;
	} userns_switches[] = {
		{ "unprivileged_userns_clone", 0 },
		{ "apparmor_restrict_unprivileged_userns", 1 },
	};
	char max[64];

	snprintf(max, sizeof(max), "max_%s_namespaces",
		 ns_table[kind].proc_name);
	if (sysctl_is("/proc/sys/user", max, 0)) {
		snprintf(buf, size, "user.%s=0", max);
		return buf;
	}
	if (kind != NS_USER || !unprivileged)
		return NULL;
	for (size_t i = 0;
	     i < sizeof(userns_switches) / sizeof(userns_switches[0]); i++)
		if (sysctl_is("/proc/sys/kernel", userns_switches[i].name,
			      userns_switches[i].value)) {
			snprintf(buf, size, "kernel.%s=%ld",
				 userns_switches[i].name,
				 userns_switches[i].value);
			return buf;
		}
	return NULL;
}

void ns_diagnose(unsigned mask, bool with_user, unsigned *refused,
		 int errnos[NS_COUNT])
{
	*refused = 0;
	memset(errnos, 0, NS_COUNT * sizeof(int));
	if (with_user) {
		errnos[NS_USER] = try_namespace(NS_USER, true);
		if (errnos[NS_USER]) {
			*refused = mask | NS_BIT(NS_USER);
			for (int k = 0; k < NS_COUNT; k++)
				if (mask & NS_BIT(k))
					errnos[k] = errnos[NS_USER];
			return;
		}
	}
	for (int k = 0; k < NS_COUNT; k++) {
		if ((k == NS_USER && with_user) || !(mask & NS_BIT(k)))
			continue;
		errnos[k] = try_namespace(k, with_user);
		if (errnos[k])
			*refused |= NS_BIT(k);
	}
}
