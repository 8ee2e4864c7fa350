/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Credentials: --uid, --gid and --groups resolved in the helper before the
 * command's process exists (so an unknown user is a spec error and nothing
 * runs), and applied in the command's process in a safe order. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "err.h"
#include "spec.h"

struct creds {
	bool set_uid, set_gid, set_groups;
	uid_t uid;
	gid_t gid;
	gid_t *groups;
	size_t n_groups;
};

int creds_resolve(const struct spec *spec, struct creds *creds,
		  struct sh_err *err);
void creds_clear(struct creds *creds);

/* Supplementary groups, then the gid, then the uid (a uid change first
 * would lose the right to change the others). A step that would change
 * nothing is skipped, so an unprivileged caller may name itself. */
int creds_apply(const struct creds *creds, struct sh_err *err);
