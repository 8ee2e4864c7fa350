/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The kernel-enforced FEATURES=sandbox. The read-only view (mounts.c)
 * is the enforcement: every write outside the --sandbox-write paths
 * fails in the kernel, whatever the program (static, raw system calls).
 * The reports are QA, as Gentoo's sandbox log is: a seccomp prefix sends
 * the calls that mean to write to the monitor, which works out whether
 * the view refuses each (in its memory reader: the path may lead through
 * what the command serves), lets the allowed ones go on for the kernel
 * to check again, and answers the refused ones itself with EACCES, as
 * Gentoo's sandbox does: reported (the outcome record, --sandbox-log),
 * silently for a predicted path, or let through after a run-time grant
 * (--sandbox-grants: the caller's SANDBOX_WRITE, the view widened). */
#pragma once

#include <linux/types.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"
#include "memread.h"
#include "seccomp-compile.h"
#include "spec.h"

/* The listed violations and grants of a record; more are counted. */
#define SANDBOX_LIST_MAX 32

struct sandbox_violation {
	char op[24];  /* Gentoo's name: open_wr, mkdir, unlink, ... */
	char *path;   /* as passed */
	char *abs;    /* absolute, not canonical */
	char *canon;  /* canonical */
	char *cmdline; /* NUL-separated, as /proc/PID/cmdline */
	size_t cmdline_len;
	pid_t pid;
};

struct sandbox_grant {
	bool predict; /* SANDBOX_PREDICT: refused unreported */
	char *prefix; /* the entry of the variable that covered the path */
	char *path;   /* the canonical path of the call */
	pid_t pid;
};

struct sandbox_report {
	bool on;       /* the sandbox was asked for */
	bool reported; /* and its writes heard (--sandbox-report yes) */
	struct sandbox_violation violations[SANDBOX_LIST_MAX];
	size_t n_violations;
	unsigned long violation_count; /* listed or not */
	struct sandbox_grant grants[SANDBOX_LIST_MAX];
	size_t n_grants;
	unsigned long grant_count;
	unsigned long predicted; /* refused unreported (--sandbox-predict) */
	int log_errno; /* the log could not be written */
};

struct sandbox {
	bool on;
	bool report;        /* the monitor hears of writes */
	const struct spec *spec;
	bool nodev;         /* widened paths nodev too (--cap-keep mknod) */
	bool chroot;        /* paths of the view are not the host's */
	bool root_view;     /* the command is the host's uid 0: its own
			       SANDBOX_WRITE widens nothing (a violation) */
	pid_t init_pid;     /* a process in the sandbox's namespaces */
	int log_fd;         /* opened on the first violation, -1 */
};

/* The launch's part: on when the spec asks. */
void sandbox_prepare(struct sandbox *sb, const struct spec *spec);

/* A BPF program that sends the write-meaning calls of x86-64, x32 and
 * i386 to the monitor and allows everything else (to be joined before
 * the rules' program: bpf_join). malloc'd. */
int sandbox_bpf(struct bpf_program *out, struct sh_err *err);

/* Whether the call name is one sandbox_bpf sends. */
bool sandbox_watches(const char *name);

/* In the monitor: the call name of pid with args (i386's already cut to
 * their low halves). 0: let it go on (the kernel decides); an errno to
 * answer with (EACCES) otherwise, noted in rep. */
int sandbox_answer(struct sandbox *sb, struct memreader *reader,
		   const char *name, pid_t pid, const __u64 *args,
		   struct sandbox_report *rep);

/* In the memory reader (it reads pid's memory and files itself): whether
 * the view lets the call name of pid with args go on, or the kernel is
 * left to decide it (a path that cannot be read); false when the view
 * refuses it (then sandbox_answer, in the monitor, answers it). */
bool sandbox_goes(const char *name, pid_t pid, const __u64 *args);

/* The summary on fd 2 that Gentoo's sandbox prints when writes were
 * refused (nothing when none were). */
void sandbox_summary(const struct sandbox *sb,
		     const struct sandbox_report *rep);

void sandbox_report_clear(struct sandbox_report *rep);
void sandbox_close(struct sandbox *sb);
