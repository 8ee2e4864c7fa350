/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Small whole-file reads and writes of kernel interfaces (/proc, cgroup
 * files): one call, the kernel's errno back. */
#pragma once

#include <stddef.h>

/* Write text to dir/name (opened write-only, close-on-exec); -errno. */
int write_file_at(const char *dir, const char *name, const char *text);

/* Read at most size-1 bytes of dir/name into buf, NUL-terminated. */
int read_file_at(const char *dir, const char *name, char *buf, size_t size);

/* Close every fd of the process but the n of keep (-1 entries are
 * skipped); -errno. */
int close_all_but(const int *keep, size_t n);
