/* --rlimit NAME=SOFT[:HARD]: resource limits of the command only (the
 * helper and the init keep theirs). One value sets both. */
#pragma once

#include <stddef.h>
#include <sys/resource.h>

#include "err.h"

struct rlimit_setting {
	int resource;
	struct rlimit value;
};

/* "nofile=1024:4096", "core=0", "as=unlimited". -EINVAL when malformed;
 * *bad says which part. */
int rlimit_parse(const char *text, struct rlimit_setting *out,
		 const char **bad);

/* The rlimit's name ("nofile"), for messages. */
const char *rlimit_name(int resource);

int rlimits_apply(const struct rlimit_setting *settings, size_t n,
		  struct sh_err *err);
