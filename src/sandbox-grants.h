/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Run-time grants of the kernel sandbox (--sandbox-grants): the view
 * widened at a granted path by a child of the monitor. A grant of a
 * path the view does not have yet (portage's `addwrite DIR` before
 * `mkdir DIR`) widens the path's nearest existing ancestor instead, and
 * that ancestor, with the grant, is written down in a page the monitor
 * shares with its memory readers: on the ancestor's mount a reader,
 * which judges every write-meaning call, refuses what lies below none
 * of the grants that widened it (sandbox.c), so a sibling of the
 * granted path stays a refused, reported write. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "sandbox.h"

/* Ancestors widened for grants of paths not made yet, at most (more
 * such grants are not honoured: their writes stay violations). */
#define SANDBOX_PARTIAL_MAX 32

/* Gentoo's prefix rule: path is prefix (len bytes) or below it (a
 * prefix ending in "/" covers what starts with it). */
bool sandbox_covers(const char *prefix, size_t len, const char *path);

/* In the monitor, once the sandbox runs (init_pid: a process in its
 * namespaces): the shared page, when grants are asked (none when it
 * cannot be had: grants of paths not made yet are then not honoured). */
void sandbox_grants_start(struct sandbox *sb, pid_t init_pid);

/* In the monitor: the view widened for a grant of prefix to a call on
 * canon (its canonical path, below prefix): at prefix, at the call's
 * directory when it is below prefix, or at prefix's nearest existing
 * ancestor (written down first) when prefix is not there yet. Whether
 * it was. */
bool sandbox_widen_for(const struct sandbox *sb, const char *prefix,
		       const char *canon);

/* In a reader: the i-th ancestor widened for a grant and the grant,
 * when it is one in force (i below SANDBOX_PARTIAL_MAX). */
bool sandbox_partial(size_t i, const char **ancestor, const char **prefix);

/* Whether any is (sandbox_partial). */
bool sandbox_partial_any(void);

void sandbox_grants_close(void);
