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
#include "spec-types.h"


/* CLONE_NEW* flags of a mask of NS_BIT()s. */
unsigned long ns_clone_flags(unsigned mask);

/* proc_clone into the namespaces of mask: the pid, 0 in the child,
 * -errno; the child's pidfd in p. */
pid_t ns_clone(unsigned mask, struct proc *p);


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
