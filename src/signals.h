/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Signals every process of the helper's shares: the library's kill, the
 * forwarded set, and raw helpers that reach the C library's own signals. */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

/* The library's SIGKILL (sh_process_kill): the helper kills the whole
 * sandbox, removes its cgroup leaves, writes the outcome and dies of the
 * command's SIGKILL itself. A fixed number: SIGRTMIN is glibc's 34 but
 * musl's 35, and a static helper may not share the library's C library. */
#define SIGNAL_KILL_SANDBOX 63

/* The signals the helper passes on to the command, plus SIGCHLD. */
void forwarded_sigset(sigset_t *set);

/* Set sig's disposition to the default, and unblock the signals of
 * mask (bit sig-1 for sig), by system call: the C library keeps its own
 * signals (glibc 32 and 33, musl 32 to 34) out of sigaction() and
 * sigprocmask(), and one of those ignored or blocked would stay so.
 * -errno. */
int signal_default_raw(int sig);
/* Every signal's disposition to the default, the same way. */
void signal_default_all(void);
int signal_unblock_raw(uint64_t mask);

/* Whether a signal that reached us should be passed on: one the terminal
 * sent to the whole process group reached the command already, unless
 * the sandbox runs in a session of its own. */
bool should_forward(int si_code, bool own_session);
