/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A Go-style writer (raw.h). Usage: raw-write FILE DIR FROM TO:
 * openat(AT_FDCWD, FILE, O_CREAT|O_WRONLY), mkdir(DIR), rename(FROM,
 * TO); prints the three return values ("openat: -13") and exits 0. */
#include "raw.h"

#define SYS_rename 82
#define SYS_mkdir 83
#define SYS_openat 257
#define O_WRONLY_ 01
#define O_CREAT_ 0100

static void start_c(long *sp)
{
	long argc = sp[0];
	char **argv = (char **)(sp + 1);

	if (argc == 5) {
		say("openat", raw(SYS_openat, AT_FDCWD_, (long)argv[1],
				  O_CREAT_ | O_WRONLY_, 0644));
		say("mkdir", raw(SYS_mkdir, (long)argv[2], 0755, 0, 0));
		say("rename", raw(SYS_rename, (long)argv[3], (long)argv[4], 0,
				  0));
	}
	raw(SYS_exit_group, argc == 5 ? 0 : 2, 0, 0, 0);
	for (;;)
		;
}
