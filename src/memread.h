/* Reading the command's memory without waiting on it. The monitor reads
 * strings (the names of the calls the seccomp filter sends it) from the
 * command's memory, and the command decides how long a read of its
 * memory takes: a page it serves itself (userfaultfd, a FUSE mapping)
 * blocks a reader until the command answers. So the monitor never reads
 * itself: a reader process, forked on the first read and fed over a
 * socketpair, reads for it, and a read that does not finish within
 * MEMREAD_BOUND_MS counts as one that failed (a string that cannot be
 * read holds every string condition: the rule acts). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"
#include "proc.h"

/* The bound of one read, first read's fork included. A read of memory
 * the command does not hold back takes microseconds, a page swapped
 * out a disk read; 200 ms leaves room for that on a loaded machine,
 * while a command that stalls a read holds up the signals, the timeout
 * and its other calls by no more than that (and only once while the
 * stalled reader lives: see memread_string). */
#define MEMREAD_BOUND_MS 200

/* The longest string a read brings (with its NUL). */
#define MEMREAD_MAX 256

struct memreader {
	struct proc proc; /* the reader; pid 0 when none (or reaped) */
	int sock;    /* the monitor's end of the socketpair, -1 when none */
	bool killed; /* killed at a deadline and not reaped yet */
};

#define MEMREAD_INIT { PROC_NONE, -1, false }

/* The NUL-terminated string at addr in the process pid into buf (size
 * bytes with the NUL, at most MEMREAD_MAX), within MEMREAD_BOUND_MS.
 * 1: read; 0: not read (no such memory, no NUL within size bytes, no
 * leave from the kernel to read pid's memory, the deadline passed, or
 * the reader a past deadline killed is not gone yet); -errno with err
 * set when no reader could be started. A read past its deadline kills
 * the reader; the next read starts another once that one is reaped. */
int memread_string(struct memreader *r, pid_t pid, uint64_t addr, char *buf,
		   size_t size, struct sh_err *err);

/* Reap the reader if it has ended (on SIGCHLD); never waits. */
void memread_reap(struct memreader *r);

/* End the reader: SIGKILL, then reaped, waiting MEMREAD_BOUND_MS at
 * most. A reader held in the kernel past that (a fault that ignores
 * SIGKILL until its server answers) dies as soon as it is let go, and
 * is reaped by whoever inherits it. */
void memread_stop(struct memreader *r);
