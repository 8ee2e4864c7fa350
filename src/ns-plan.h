/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The namespace plan: which namespaces the sandbox is cloned into, and
 * what that becomes when the kernel refuses one. Decisions only, from
 * data (what the spec asks, what the host is, what the monitor found
 * refused): no system call, no allocation, so tests/check-launch.c runs
 * every case as a row of a table. The monitor loops clone, diagnose,
 * ns_replan; the plan it clones is replaced whole, never edited. */
#pragma once

#include <stdbool.h>

#include "err.h"
#include "ns.h"

/* What the plan depends on, fixed before the first clone. */
struct ns_inputs {
	unsigned asked;	     /* spec_namespaces(): --unshare-*, and what the
				mounts and cgroups need */
	unsigned joined;     /* NS_BIT()s of the --join-ns kinds */
	bool privileged;     /* CAP_SYS_ADMIN: no user namespace needed */
	bool map_root;	     /* --map-root */
	bool maps_given;     /* --uid-map or --gid-map: outside a user namespace
				--uid and --gid would name host ids */
	bool hostname_given; /* --hostname */
	bool drop;	     /* --ns-fallback drop */
	/* what cannot go without the mount namespace, for the message, or
	 * NULL */
	const char *mount_ns_needed_by;
};

/* What the monitor clones now. */
struct ns_state {
	unsigned namespaces; /* NS_BIT()s to create */
	unsigned dropped;    /* refused by the kernel, left out */
	int dropped_errno[NS_COUNT];
	const char *hostname; /* set in the new UTS namespace, or NULL */
};

enum ns_refused_at {
	NS_REFUSED_AT_CLONE,	 /* the clone: refused and errnos as the
				    throwaway children found them */
	NS_REFUSED_AT_MAPS,	 /* the user namespace's maps */
	NS_REFUSED_AT_CGROUP_NS, /* the sandbox's own cgroup namespace */
};

struct ns_refusal {
	enum ns_refused_at at;
	unsigned refused;     /* NS_BIT()s refused */
	int errnos[NS_COUNT]; /* each one's errno; 0 counts as EPERM */
	int clone_errno;      /* the clone's own: no kind refused alone */
	const char *sysctl;   /* "name=value" of the sysctl that refuses
				 the first kind refused, or NULL */
};

/* The first plan's namespaces: the spec's, those its maps imply, and a
 * user namespace for an unprivileged caller (if only to clear the
 * bounding set); the safe defaults add theirs after (launch.c). 0, or
 * -EINVAL with err (stage spec) for new namespaces beside a joined user
 * namespace. */
int ns_plan_first(const struct ns_inputs *in, struct ns_state *out,
		  struct sh_err *err);

/* The user namespace is there only so the bounding set can be cleared:
 * a refusal of it leaves it out, in strict mode too. Maps given
 * (--map-root, --uid-map, --gid-map) always count, also once the kernel
 * has refused another namespace: a later refusal of the user namespace
 * then fails a spec with --uid-map or --gid-map, as it would have
 * before the drop. */
bool ns_user_only_for_caps(const struct ns_inputs *in,
			   const struct ns_state *s);

/* Whether a refusal fails the run (rather than leave the namespace
 * out): also what the sandbox does when its cgroup namespace is refused,
 * which the monitor cannot replan before it happens. */
bool ns_refusal_fails(const struct ns_inputs *in, const struct ns_state *s);

/* The first kind of refused (in ns_table's order), or -1. */
int ns_first_refused(unsigned refused);

/* The plan after the refusal r of now: 0 and *next, or -errno with err
 * (stage ns) when the spec cannot run without it. At the maps, err holds
 * the maps' own error, which a failing refusal returns as it is. */
int ns_replan(const struct ns_inputs *in, const struct ns_state *now,
	      const struct ns_refusal *r, struct ns_state *next,
	      struct sh_err *err);
