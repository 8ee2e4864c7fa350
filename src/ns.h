/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Namespaces: the table of the eight types, the clone that creates them,
 * uid/gid maps for a user namespace, joining existing namespaces, and the
 * throwaway-child validator that names the namespace the kernel refused. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "err.h"
#include "proc.h"

/* In the order they are joined: the user namespace first, since it gives
 * the rights to join the others. */
enum ns_kind {
	NS_USER,
	NS_MOUNT,
	NS_NET,
	NS_IPC,
	NS_UTS,
	NS_PID,
	NS_CGROUP,
	NS_TIME,
	NS_COUNT,
};

#define NS_BIT(kind) (1u << (kind))
#define NS_ALL_BUT_USER ((NS_BIT(NS_COUNT) - 1) & ~NS_BIT(NS_USER))

struct ns_info {
	const char *name;      /* as in --unshare-NAME and --join-ns NAME=... */
	const char *proc_name; /* /proc/PID/ns/NAME */
	unsigned long flag;    /* CLONE_NEW* */
};

extern const struct ns_info ns_table[NS_COUNT];

/* The kind named NAME, or -1. */
int ns_kind_by_name(const char *name, size_t len);

/* CLONE_NEW* flags of a mask of NS_BIT()s. */
unsigned long ns_clone_flags(unsigned mask);

/* proc_clone into the namespaces of mask: the pid, 0 in the child,
 * -errno; the child's pidfd in p. */
pid_t ns_clone(unsigned mask, struct proc *p);

/* One uid_map/gid_map: records "INNER OUTER COUNT", one per line. */
struct id_map {
	char text[256];
};

/* pyspaces' comma-separated records ("0 1000 1,1 100000 65536"). */
int id_map_parse(const char *value, struct id_map *map);
void id_map_single(struct id_map *map, unsigned inner, unsigned outer);

/* Write the maps of pid's new user namespace (setgroups "deny" first
 * when deny_setgroups, as an unprivileged writer must). */
int userns_write_maps(pid_t pid, const struct id_map *uid_map,
		      const struct id_map *gid_map, bool deny_setgroups,
		      struct sh_err *err);

/* setns into each opened fd (-1 for none), user namespace first; the
 * --join-ns values name them in messages. */
int ns_join(const int fds[NS_COUNT], const char *const values[NS_COUNT],
	    struct sh_err *err);

/* The sysctl that refuses namespaces of this kind, as "name=value" in
 * buf, or NULL: user.max_KIND_namespaces at 0 (for root too) and, for an
 * unprivileged caller's user namespace, Debian's
 * kernel.unprivileged_userns_clone=0 or Ubuntu's
 * kernel.apparmor_restrict_unprivileged_userns=1. */
const char *ns_refused_by_sysctl(int kind, bool unprivileged, char *buf,
				 size_t size);

/* Which namespaces of mask the kernel refuses, each tried alone in a
 * throwaway child (under a fresh user namespace with written maps when
 * with_user, since some systems allow the namespace and refuse everything
 * in it). refused gets the bits, errnos[kind] the errno of each: with a
 * refused user namespace, the user namespace's for every kind (none of
 * them can be made without it). */
/* Why the kernel may refuse a namespace of kind with errnum, for a
 * message: ENOSPC is the per-user limit user.max_<kind>_namespaces
 * (0 forbids them); "" for other errors. */
const char *ns_refusal_hint(int kind, int errnum, char *buf, size_t size);

void ns_diagnose(unsigned mask, bool with_user, unsigned *refused,
		 int errnos[NS_COUNT]);
