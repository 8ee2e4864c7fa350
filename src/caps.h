/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Capabilities: by default the command ends with empty effective,
 * permitted, inheritable, ambient and bounding sets, also as uid 0 in a
 * user namespace; --cap-keep keeps named ones where the caller has them
 * (in all five sets, so they survive the exec). Securebits make sure no
 * later setuid or exec of a uid-0 process brings capabilities back. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "spec-types.h"

/* Whether the calling process has cap (CAP_SYS_ADMIN, ...) effective:
 * 1 or 0, -errno when its capabilities cannot be read. */
int caps_effective(int cap);

/* Before the credentials change, while CAP_SETPCAP is still there: drop
 * the bounding set to keep, lock the securebits. */
int caps_before_creds(uint64_t keep, struct sh_err *err);

/* After the credentials: set permitted, effective, inheritable to keep
 * and raise keep in the ambient set, so it survives execve. */
int caps_after_creds(uint64_t keep, struct sh_err *err);

/* The file capabilities of path as text ("cap_net_raw=ep") into buf:
 * 1 when it has some, 0 when not or they cannot be read. */
int caps_of_file(const char *path, char *buf, size_t size);
