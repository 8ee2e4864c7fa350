/* SPDX-License-Identifier: LGPL-2.1-or-later */
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

#include <linux/seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"
#include "proc.h"

/* The bound of one read, first read's fork included. A read of memory
 * the command does not hold back takes microseconds, a page swapped
 * out a disk read; 200 ms leaves room for that, while a command that
 * stalls a read holds up the signals, the timeout and its other calls
 * by no more than that (and only once while the stalled reader lives:
 * see memread_string). A stalled reader sleeps in the kernel, on a page
 * the command serves; one that is runnable at the bound only waits for
 * a CPU (a loaded machine: a build's make -j, a throttled cgroup), and
 * is given a bound more at a time, up to MEMREAD_SLOW_MS in all: were
 * it dropped, the read would count as failed, and a write the view
 * refuses would go to the kernel unreported (EROFS, not the violation
 * it is). */
#define MEMREAD_BOUND_MS 200
#define MEMREAD_SLOW_MS 10000

/* The longest string the seccomp rules compare (with its NUL). */
#define MEMREAD_MAX 256

/* A job's input and output at most (a path and a bit; a read of the
 * command's memory, the facts of a path). */
#define MEMREAD_JOB_IN 8192
#define MEMREAD_JOB_OUT 65536

/* Work the reader does for the monitor on the command's memory or files
 * (a path the command names may lead through a mount it serves): in the
 * reader, on the process pid; out_size bytes at most into out; the bytes
 * made, or -errno. */
typedef ssize_t (*memread_job)(pid_t pid, const void *in, size_t in_len,
			       void *out, size_t out_size);

/* For jobs: size bytes at addr in pid (at most MEMREAD_JOB_OUT), those
 * before the first it cannot read; -errno when none. By pid with
 * process_vm_readv, whose fault waits SIGKILL ends. */
ssize_t memread_bytes(pid_t pid, uint64_t addr, void *buf, size_t size);

/* In a serving reader (memread_serve): answer the notification req on
 * listener, or leave it to the monitor (false). */
typedef bool (*memread_serve_fn)(void *ctx, int listener,
				 struct seccomp_notif *req);

struct memread_page; /* shared with a serving reader (memread.c) */

struct memreader {
	struct proc proc; /* the reader; pid 0 when none (or reaped) */
	int sock;    /* the monitor's end of the socketpair, -1 when none */
	bool killed; /* killed at a deadline and not reaped yet */
	/* memread_serve's: the listener the reader receives from (not
	 * ours to close), the monitor's end of the hand-over socket, the
	 * page, what the reader answers by */
	int listener;
	int handoff, handoff_peer; /* ours; the reader's, kept for the next */
	struct memread_page *page;
	memread_serve_fn serve;
	void *serve_ctx;
	/* a notification a reader ended on unanswered, for the monitor */
	bool orphan;
	struct seccomp_notif orphan_req;
};

#define MEMREAD_INIT \
	{ PROC_NONE, -1, false, -1, -1, -1, NULL, NULL, NULL, false, { 0 } }

/* job in the reader, within MEMREAD_BOUND_MS (in_len at most
 * MEMREAD_JOB_IN, out_size MEMREAD_JOB_OUT): the bytes it made into
 * out; 0 when it made none, failed, or did not end in time (as
 * memread_string's 0); -errno with err set when no reader could be
 * started. */
ssize_t memread_run(struct memreader *r, memread_job job, pid_t pid,
		    const void *in, size_t in_len, void *out, size_t out_size,
		    struct sh_err *err);

/* The NUL-terminated string at addr in the process pid into buf (size
 * bytes with the NUL, at most MEMREAD_JOB_OUT), within MEMREAD_BOUND_MS.
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

/* The reader receives the notifications of listener itself (so that a
 * call it can answer wakes one process of ours, not two): each goes to
 * serve, in the reader, and what serve leaves is handed over to the
 * monitor (memread_take). Jobs go on as before. The reader is watched
 * through a page it shares with the monitor, which says which
 * notification it is on and since when: memread_watch kills a reader
 * on one for longer than MEMREAD_BOUND_MS (a read the command stalls),
 * and the notification is the monitor's to answer (memread_orphan); a
 * reader killed at a job's deadline leaves its notification so too. A
 * new reader is started when the killed one is gone (one at most, as
 * for jobs); meanwhile the monitor receives itself. 0, or -errno with
 * err (nothing changed: the monitor receives). */
int memread_serve(struct memreader *r, int listener, memread_serve_fn serve,
		  void *ctx, struct sh_err *err);

/* The fd the monitor polls for notifications: the hand-over socket
 * while a reader serves (started here when none runs and none is held
 * in a fault), else -1 (the monitor receives from the listener
 * itself). */
int memread_serving(struct memreader *r);

/* A notification handed over, into req (the kernel's struct, zeroed
 * beyond ours): 1, or 0 when none is waiting. */
int memread_take(struct memreader *r, struct seccomp_notif *req);

/* The watchdog, on each of the monitor's wake-ups: a serving reader on
 * one notification for longer than MEMREAD_BOUND_MS is killed (its
 * notification left for memread_orphan). The time the monitor may
 * sleep before it should look again (ms), -1: no need. */
int memread_watch(struct memreader *r);

/* A notification a reader ended on unanswered (killed, or dead on its
 * own), into req: 1, or 0 when none. */
int memread_orphan(struct memreader *r, struct seccomp_notif *req);
