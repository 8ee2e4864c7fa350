/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Landlock: --landlock-write PATH and --landlock-read PATH restrict the
 * command's file system access with the newest ABI the kernel offers.
 * Writes are restricted as soon as any --landlock-* option is given (the
 * write paths, plus the few devices every build writes to); reads only
 * when a --landlock-read is given. Signals and abstract unix sockets are
 * scoped to the sandbox where the ABI has it (6). strict fails when a
 * file system right cannot be enforced; the scoping is hardening nobody
 * asked for by name, so its absence never fails a spawn. Both modes
 * report what was not enforced. */
#pragma once

#include <stdbool.h>

#include "err.h"
#include "strv.h"

enum landlock_feature {
	LL_FEATURE_REFER = 1 << 0,       /* ABI 2: links/renames */
	LL_FEATURE_TRUNCATE = 1 << 1,    /* ABI 3 */
	LL_FEATURE_IOCTL_DEV = 1 << 2,   /* ABI 5 */
	LL_FEATURE_SCOPE_SIGNAL = 1 << 3, /* ABI 6 */
	LL_FEATURE_SCOPE_ABSTRACT_UNIX = 1 << 4, /* ABI 6 */
	LL_FEATURE_ALL = (1 << 5) - 1,
	/* what the path options ask for: strict needs all of it */
	LL_FEATURE_FS = LL_FEATURE_REFER | LL_FEATURE_TRUNCATE |
			LL_FEATURE_IOCTL_DEV,
};

struct landlock_report {
	int abi;          /* 0: Landlock not available */
	bool enforced;    /* a ruleset was applied */
	unsigned missing; /* features the ABI lacks (not enforced) */
};

/* The name of one LL_FEATURE_ bit ("truncate"). */
const char *landlock_feature_name(unsigned bit);

/* The kernel's Landlock ABI, or -errno. */
int landlock_abi(void);

/* Apply the rules in the command's process (after no_new_privs). */
int landlock_apply(const struct strv *read, const struct strv *write,
		   bool strict, struct landlock_report *report,
		   struct sh_err *err);

/* A layer of its own that handles no file system right: the command and
 * its children connect to no abstract UNIX socket made outside it
 * (LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET, ABI 6). Before ABI 6 nothing is
 * applied and the report says so (enforced false). */
int landlock_scope_abstract_unix(struct landlock_report *report,
				 struct sh_err *err);

/* --sandbox-read (SANDBOX_READ): a layer of its own, stacked on any
 * --landlock-* one, that handles the read rights alone (read a file,
 * list a directory, execute): they are left below read, below write
 * (what may be written may be read back) and on the device paths. Paths
 * that cannot be opened (do not exist) are left out, as portage's lists
 * name such paths. Writes are the read-only view's business, widened at
 * run time by grants, which a Landlock layer could not follow. */
int landlock_restrict_reads(const struct strv *read,
			    const struct strv *write, bool strict,
			    struct landlock_report *report, struct sh_err *err);
