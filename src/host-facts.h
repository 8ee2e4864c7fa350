/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the helper's plan decides on about the host it runs on: its ids,
 * whether it is privileged, its own user namespace's uid map. Read once,
 * where the plan first needs them; the plan takes them as data, so its
 * unit tests (tests/check-launch.c) give them as data too. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "err.h"

struct host_facts {
	uid_t euid;
	gid_t egid;
	bool cap_sys_admin; /* privileged: no user namespace needed */
	/* /proc/self/uid_map: a map that cannot be read counts as the
	 * host's own (the safe side: uid 0 is root) */
	bool uid_map_read;
	char uid_map[4096];
};

/* The facts of the calling process; -errno with err (stage caps). */
int host_facts_read(struct host_facts *host, struct sh_err *err);
