/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* seccomp-profiles.c of a cross build: gen-filters, which compiles the
 * built-in profiles for the machine it runs on, is not run, and none is
 * precompiled. The helper compiles a built-in profile at each spawn, as
 * it does a --seccomp-policy file (the same compiler, the same BPF). */
#include "config.h"

#include "seccomp-profiles.h"

const struct precompiled_profile *precompiled_profile_flags(const char *name,
							    unsigned flags)
{
	(void)name;
	(void)flags;
	return NULL;
}

const struct precompiled_profile *precompiled_profile(const char *name)
{
	return precompiled_profile_flags(name, 0);
}

const char precompiled_profiles_libseccomp[] = "";
