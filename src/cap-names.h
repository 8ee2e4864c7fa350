/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The capability names libcap knows ("cap_chown"), indexed by number,
 * NULL where a number has none: generated at build time by gen-names
 * (cap-names.c) from the build machine's libcap. */
#define CAP_NAMES_MAX 64
extern const char *const cap_names[CAP_NAMES_MAX];
