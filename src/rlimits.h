/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* --rlimit NAME=SOFT[:HARD]: resource limits of the command only (the
 * helper and the init keep theirs). One value sets both. */
#pragma once

#include <stddef.h>
#include <sys/resource.h>

#include "err.h"
#include "spec-types.h"

/* In the command's process, after its fd map: a limit on the number of
 * fds must leave room below it for the fds_needed the setup still opens
 * at once (Landlock's, the seccomp listener), or it is refused by name. */
int rlimits_apply(const struct rlimit_setting *settings, size_t n,
		  unsigned fds_needed, struct sh_err *err);
