/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The seccomp notification server (monitor-notify.c): the monitor's
 * answers to the calls the filter sends it. */
#pragma once

#include <linux/seccomp.h>
#include <stdbool.h>

#include "monitor-wait.h"
#include "seccomp-filter.h"

/* A call the filter sent (the listener is readable), answered; false when
 * the listener is no longer heard (the sandbox killed, err set). */
bool notify_answer_call(struct waiter *w, int listener, struct outcome *out,
			struct sh_err *err);
/* The notifications the memory reader handed over (handed) or left
 * behind, answered; false as notify_answer_call. */
bool notify_answer_left(struct waiter *w, int listener, bool handed,
			struct outcome *out, struct sh_err *err);

/* In the monitor, after seccomp_plan_rules: answer one call the filter
 * sent as its rule says: an errno (noted in report), or SIGKILL for a
 * kill rule (the call never runs; report->killed_by names it). A rule's
 * string conditions are checked here, on the string read from the
 * caller's memory through reader (memread.h: a string the caller keeps
 * from being read within MEMREAD_BOUND_MS holds them, the rule acts); a
 * call whose strings match no rule goes on
 * (SECCOMP_USER_NOTIF_FLAG_CONTINUE). That
 * is no barrier against another thread changing the string in between:
 * what the build profile checks so (xattr names) the kernel refuses
 * anyway to a command without capabilities. -errno when no call could be
 * read or answered (ENOENT: its caller died meanwhile). */
int seccomp_answer(const struct seccomp_plan *plan, int listener,
		   struct memreader *reader, struct seccomp_report *report);

/* seccomp_answer for a notification already received (req, whose i386
 * arguments it cuts to their low halves). */
int seccomp_answer_notif(const struct seccomp_plan *plan, int listener,
			 struct memreader *reader, struct seccomp_notif *req,
			 struct seccomp_report *report);

/* With the sandbox's reports: the memory reader receives the listener's
 * notifications and lets the sandbox's allowed calls go on itself
 * (memread_serve); it hands the monitor the others, which it answers
 * with seccomp_answer_notif. The rules are parsed here, before the
 * reader starts. 0 (nothing done without reports), or -errno with err
 * (the monitor receives as before). */
int seccomp_serve(struct seccomp_plan *plan, int listener,
		  struct memreader *reader, struct sh_err *err);
