/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The built-in seccomp profiles, compiled when the helper was built
 * (by gen-filters, into seccomp-profiles.c) so a spawn does not pay for
 * libseccomp's compiler. A unit test checks they are what compiling the
 * profile now gives. */
#pragma once

#include <linux/filter.h>
#include <stddef.h>

struct precompiled_profile {
	const char *name;
	unsigned flags; /* seccomp_profile_flags */
	const struct sock_filter *lib; /* notifying; libseccomp's */
	size_t lib_len;
	const struct sock_filter *own; /* calls libseccomp did not know */
	size_t own_len;
};

/* The programs of the profile's variant (seccomp_profile_flags), or NULL
 * ("none", or not built in). */
const struct precompiled_profile *precompiled_profile_flags(const char *name,
							    unsigned flags);
/* The same with no flags: the profile whole. */
const struct precompiled_profile *precompiled_profile(const char *name);
/* The version of the libseccomp that compiled them ("" when none is
 * precompiled: a cross build), for spawn-helper --version. */
extern const char precompiled_profiles_libseccomp[];
