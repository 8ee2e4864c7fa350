/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "ns-plan.h"

#include <errno.h>

int ns_plan_first(const struct ns_inputs *in, struct ns_state *out,
		  struct sh_err *err)
{
	*out = (struct ns_state){.namespaces = in->asked};
	/* the maps are those of a new user namespace: asking for them asks
	 * for one (they were silently ignored otherwise) */
	if (in->map_root || in->maps_given)
		out->namespaces |= NS_BIT(NS_USER);
	if (in->joined & NS_BIT(NS_USER)) {
		/* the joined user namespace gives the rights to join the
		 * others; the clone happens before the join, so nothing can
		 * be made inside it */
		if (out->namespaces &
		    (in->privileged ? NS_BIT(NS_USER)
				    : NS_ALL_BUT_USER | NS_BIT(NS_USER)))
			return err_set(err, STAGE_SPEC, EINVAL,
				       "--join-ns user: cannot also make new "
				       "namespaces or maps (they would not be "
				       "inside the joined one)");
	} else if (!in->privileged) {
		/* setuid-free: an unprivileged caller gets its rights from
		 * a user namespace of its own, if only to clear the bounding
		 * set */
		out->namespaces |= NS_BIT(NS_USER);
	}
	return 0;
}

bool ns_user_only_for_caps(const struct ns_inputs *in, const struct ns_state *s)
{
	/* the maps are the identity the spec asked for: their user
	 * namespace is there for them, after a drop as before it */
	bool maps = in->map_root || in->maps_given;

	return !in->privileged && !in->joined &&
	       !(in->asked & NS_BIT(NS_USER)) && !maps &&
	       !(s->namespaces & ~NS_BIT(NS_USER));
}

bool ns_refusal_fails(const struct ns_inputs *in, const struct ns_state *s)
{
	return !in->drop && !ns_user_only_for_caps(in, s);
}

int ns_first_refused(unsigned refused)
{
	for (int k = 0; k < NS_COUNT; k++)
		if (refused & NS_BIT(k))
			return k;
	return -1;
}

static int errno_of(const struct ns_refusal *r, int kind)
{
	return r->errnos[kind] ? r->errnos[kind] : EPERM;
}

/* Strict: the run fails, and says which kind and, when it can, why. */
static int refused_error(const struct ns_inputs *in, const struct ns_refusal *r,
			 int kind, struct sh_err *err)
{
	const char *name = ns_table[kind].name;
	int errnum = r->errnos[kind];
	char hint[160];

	if (r->sysctl)
		return err_sys(err, STAGE_NS, errnum,
			       "namespace `%s` refused: the sysctl %s allows "
			       "none%s",
			       name, r->sysctl,
			       in->privileged ? ""
					      : " (as root the helper needs no "
						"user namespace)");
	return err_sys(err, STAGE_NS, errnum, "namespace `%s` refused%s", name,
		       ns_refusal_hint(kind, errnum, hint, sizeof(hint)));
}

/* Drop: the refused kinds are left out, unless the spec needs them. */
static int leave_out(const struct ns_inputs *in, const struct ns_state *now,
		     const struct ns_refusal *r, struct ns_state *next,
		     struct sh_err *err)
{
	unsigned refused = r->refused;

	*next = *now;
	/* an unprivileged caller made everything else inside the refused
	 * user namespace; a privileged one makes the others without it */
	if ((refused & NS_BIT(NS_USER)) && !in->privileged)
		refused = now->namespaces;
	if (ns_user_only_for_caps(in, now) && refused == NS_BIT(NS_USER)) {
		/* hardening without it: the bounding set stays, and
		 * no_new_privs keeps it from mattering */
		next->dropped_errno[NS_USER] = errno_of(r, NS_USER);
		next->dropped |= NS_BIT(NS_USER);
		next->namespaces = 0;
		return 0;
	}
	/* outside a user namespace --uid and --gid name host ids, not the
	 * mapped ones the spec meant */
	if ((refused & NS_BIT(NS_USER)) && in->maps_given)
		return err_set(err, STAGE_NS, errno_of(r, NS_USER),
			       "namespace `user` refused, and the --uid-map "
			       "or --gid-map the spec gives needs it");
	if ((refused & NS_BIT(NS_MOUNT)) && in->mount_ns_needed_by)
		return err_set(err, STAGE_NS, errno_of(r, NS_MOUNT),
			       "namespace `mount` refused (needed for %s)",
			       in->mount_ns_needed_by);
	for (int k = 0; k < NS_COUNT; k++)
		if (refused & now->namespaces & NS_BIT(k))
			next->dropped_errno[k] = errno_of(r, k);
	next->dropped |= refused & now->namespaces;
	next->namespaces &= ~refused;
	/* "localhost" is the network sandbox's; without it, the host's */
	if (!(next->namespaces & NS_BIT(NS_UTS)) ||
	    (!(next->namespaces & NS_BIT(NS_NET)) && !in->hostname_given))
		next->hostname = NULL;
	return 0;
}

/* The sandbox failed by itself when the refusal of its cgroup namespace
 * fails the run (ns_refusal_fails): here it is reported. */
static void leave_out_cgroup_ns(const struct ns_state *now,
				const struct ns_refusal *r,
				struct ns_state *next)
{
	*next = *now;
	next->namespaces &= ~NS_BIT(NS_CGROUP);
	next->dropped |= NS_BIT(NS_CGROUP);
	next->dropped_errno[NS_CGROUP] = r->errnos[NS_CGROUP];
}

int ns_replan(const struct ns_inputs *in, const struct ns_state *now,
	      const struct ns_refusal *r, struct ns_state *next,
	      struct sh_err *err)
{
	int kind = ns_first_refused(r->refused);

	if (r->at == NS_REFUSED_AT_CGROUP_NS) {
		leave_out_cgroup_ns(now, r, next);
		return 0;
	}
	if (r->at == NS_REFUSED_AT_MAPS && ns_refusal_fails(in, now))
		return -r->errnos[NS_USER];
	if (kind < 0)
		return err_sys(err, STAGE_NS, r->clone_errno,
			       "clone with namespaces (no single namespace "
			       "is refused alone)");
	if (ns_refusal_fails(in, now))
		return refused_error(in, r, kind, err);
	return leave_out(in, now, r, next, err);
}
