/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The mount namespace: private propagation, the read-only view of the
 * host (for a command that is the host's uid 0), bind mounts, tmpfs, a
 * fresh /proc for a pid namespace, a private /dev/shm for an IPC
 * namespace, a minimal /dev, and a new root. Runs in the sandbox's first process (pid 1 of a new pid
 * namespace, which is what may mount a /proc that shows it). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "spec-types.h"

enum mount_kind {
	MOUNT_BIND,
	MOUNT_RO_BIND,
	MOUNT_TMPFS,
	MOUNT_WRITABLE, /* --writable: the path bound on itself, writable */
};

struct mount_entry {
	enum mount_kind kind;
	const char *source; /* host path; NULL for tmpfs */
	const char *dest;   /* path in the sandbox's view */
	const char *option; /* "bind"..., and its value, for messages */
	const char *value;
};

struct mount_plan {
	const struct mount_entry *entries;
	size_t n;
	const char *new_root; /* --chroot DIR, or NULL */
	bool proc;            /* a fresh /proc (pid namespace) */
	bool dev_shm;         /* a private /dev/shm (IPC namespace) */
	bool read_only_host;  /* every mount read-only but the writable
				 entries (--bind, --writable, --tmpfs), and
				 a minimal /dev */
	bool hide_run;        /* an empty tmpfs on /run (and on /var/run
				 when it is a directory), read-only as the
				 view: the host daemons' sockets are not
				 there; entries below it are bound on it,
				 their sources taken from the host's */
	bool cgroups_readonly; /* every cgroup mount read-only, last */
	bool nodev_binds;      /* the writable directories nodev: the
				  command may make device nodes there
				  (--cap-keep mknod), not open them */
	const char *const *deny; /* --sandbox-deny paths, covered last */
	size_t n_deny;
};

int mounts_apply(const struct mount_plan *plan, struct sh_err *err);

/* Read-only, the mount at target and those below it (before Linux 5.12
 * the top one alone, and mounts below it are an error). */
int make_readonly(const char *target, struct sh_err *err);

/* In the sandbox's mount namespace, later (a run-time grant): path bound
 * on itself, writable (nodev, as nodev_binds, when asked), its
 * host's mount permitting. */
int mounts_widen(const char *path, bool nodev, struct sh_err *err);
