/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The launch: everything the sandbox's processes need, decided by the
 * helper before it clones, so the children only apply and never decide.
 * Bad input found here is a spec error and nothing runs. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "caps.h"
#include "cgroup.h"
#include "creds.h"
#include "fdmap.h"
#include "host-facts.h"
#include "mounts.h"
#include "net.h"
#include "ns-plan.h"
#include "ns.h"
#include "rlimits.h"
#include "sandbox.h"
#include "seccomp-filter.h"
#include "spec.h"

/* The sandbox's channels to the monitor: error, report, sync. */
#define LAUNCH_OWN_FDS 3

struct launch {
	const struct spec *spec;
	struct host_facts host; /* read once, before any decision */
	struct creds creds;
	struct fd_plan fd_plan;
	int temp_base; /* above every fd of the map: temps and our own fds */
	struct strv env; /* borrowed: environ's and the spec's strings */

	unsigned namespaces; /* NS_BIT()s to create (after any fallback) */
	unsigned dropped;    /* refused by the kernel, left out (drop mode) */
	int dropped_errno[NS_COUNT];
	bool privileged;     /* CAP_SYS_ADMIN: no user namespace needed */
	struct ns_inputs nsin; /* what the namespace plan depends on */
	bool cgroup_ns_fatal;  /* the sandbox fails when the kernel refuses
				  its cgroup namespace; else reports it */
	int join_fds[NS_COUNT];
	const char *join_values[NS_COUNT]; /* the --join-ns values, for
					      messages */
	struct id_map uid_map, gid_map;
	bool deny_setgroups;
	struct net_addr addrs[NET_MAX_ADDRS];
	size_t n_addrs;
	const char *hostname;
	struct mount_entry *mounts;
	struct strv mount_storage;
	struct mount_plan mount_plan;
	struct cgroup_set cgroups;

	uint64_t cap_keep;
	struct rlimit_setting rlimits[16];
	size_t n_rlimits;
	struct seccomp_plan seccomp;
	struct sandbox sandbox; /* --sandbox-*: its view, its reports */

	/* The safe defaults (design.md, "Safe by default"): what a caller
	 * forgets must not open the host. */
	bool read_only_host; /* the command is the host's uid 0: it sees the
				host read-only but for --writable paths,
				with a minimal /dev */
	bool host_ipc_closed; /* the command is the host's uid 0: an IPC
				 namespace of its own, an empty /run in the
				 view, abstract UNIX sockets scoped */
	bool own_session;    /* the sandbox's own session and group */
	unsigned unsafe;     /* UNSAFE_*: defaults the spec turned off */
	char *cwd; /* re-entered by path after the mounts and the
		      credentials, or NULL (--chdir, --chroot, or nothing
		      changed) */
	int cwd_errno; /* getcwd failed: the command starts in / */

	/* set by the monitor */
	pid_t monitor_pid;
	int error_fd;  /* write end: a struct sh_err when setup fails */
	int sync_fd;   /* read end: the monitor wrote the maps, go on */
	int report_fd; /* the sandbox's end of the report socket */
};

/* The defaults a spec turned off, where they would have applied: the
 * started record lists them. */
enum {
	UNSAFE_WRITABLE_HOST = 1 << 0,
	UNSAFE_SHARE_PIDS = 1 << 1,
	UNSAFE_SHARE_SESSION = 1 << 2,
	UNSAFE_HOST_IPC = 1 << 3,
};

/* Everything but the cgroups: nothing that outlives the helper is made
 * yet (a signal may still end it here, see main.c). */
int launch_prepare(struct launch *launch, const struct spec *spec,
		   struct sh_err *err);
/* The same on the host facts given (the unit tests), or, with host
 * NULL, on the calling process's own. */
int launch_prepare_on(struct launch *launch, const struct spec *spec,
		      const struct host_facts *host, struct sh_err *err);
/* The transient cgroups made (or the joined ones opened); launch_clear
 * removes them. */
int launch_make_cgroups(struct launch *launch, struct sh_err *err);
void launch_clear(struct launch *launch);

/* The sandbox's first process must stay as an init above the command:
 * a new or joined pid namespace, or a joined time namespace (both take
 * effect for children only). */
bool launch_needs_init(const struct launch *launch);

/* Abstract UNIX sockets are per network namespace: the command's own
 * one (not a joined one) has none of the host's. */
bool launch_own_network(const struct launch *launch);
/* The command of the host's uid 0 in the host's network namespace gets
 * the Landlock scope (not with --allow-new-privs: no no_new_privs, and
 * no capability left to restrict itself with). */
bool launch_scopes_abstract_unix(const struct launch *launch);

/* NS_BIT()s of the namespaces entered with --join-ns. */
unsigned launch_joined(const struct launch *launch);

/* Whether the sandbox's first process waits for the monitor (to be
 * moved into its cgroups, to get its user namespace maps) before it goes
 * on. */
bool launch_needs_sync(const struct launch *launch);

/* The namespace part of the plan (ns-plan.h), as the launch holds it. */
struct ns_state launch_ns(const struct launch *launch);
/* Replaced whole by the next plan; the mount stage follows it. */
void launch_replace_ns(struct launch *launch, const struct ns_state *next);
