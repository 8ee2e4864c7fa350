/* The built-in seccomp profiles, compiled when the helper was built
 * (by gen-filters, into seccomp-profiles.c) so a spawn does not pay for
 * libseccomp's compiler. A unit test checks they are what compiling the
 * profile now gives. */
#pragma once

#include <linux/filter.h>
#include <stddef.h>

struct precompiled_profile {
	const char *name;
	const struct sock_filter *lib; /* notifying; libseccomp's */
	size_t lib_len;
	const struct sock_filter *own; /* calls libseccomp did not know */
	size_t own_len;
};

/* The profile's programs, or NULL ("none", or not built in). */
const struct precompiled_profile *precompiled_profile(const char *name);
