/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A Go-style reader (raw.h). Usage: raw-read FILE DIR: opens FILE
 * read-only and reads it, opens DIR and lists it (getdents64); prints
 * "read: N" and "list: N", N the bytes read or listed or the -errno of
 * the first call that failed, and exits 0. */
#include "raw.h"

#define SYS_read 0
#define SYS_getdents64 217
#define SYS_openat 257
#define O_DIRECTORY_ 0200000

static char buf[4096];

/* open then read (getdents64 for a directory): bytes, or -errno */
static long open_and_read(const char *path, long flags, long call)
{
	long fd = raw(SYS_openat, AT_FDCWD_, (long)path, flags, 0);

	if (fd < 0)
		return fd;
	return raw(call, fd, (long)buf, sizeof(buf), 0);
}

static void start_c(long *sp)
{
	long argc = sp[0];
	char **argv = (char **)(sp + 1);

	if (argc == 3) {
		say("read", open_and_read(argv[1], 0, SYS_read));
		say("list", open_and_read(argv[2], O_DIRECTORY_,
					  SYS_getdents64));
	}
	raw(SYS_exit_group, argc == 3 ? 0 : 2, 0, 0, 0);
	for (;;)
		;
}
