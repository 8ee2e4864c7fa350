/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The one error type: it carries the stage that failed, the errno of the
 * failing call and a message, from that call up to the status record.
 * It is a plain fixed-size struct so a child can send it down a pipe. */
#pragma once

#include <stddef.h>

#include "stages.h"

#define SH_ERR_MESSAGE_MAX 512

struct sh_err {
	char stage[16];
	int errnum;
	char message[SH_ERR_MESSAGE_MAX];
};

/* Record an error and return -errnum (or -EINVAL when errnum is 0), so a
 * caller can write `return err_set(err, ...)`. The message is cut between
 * UTF-8 characters, at SH_ERR_MESSAGE_MAX and where the format writes a
 * precision ("%.64s"): see utf8_vformat. */
int err_set(struct sh_err *err, enum stage stage, int errnum,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* err_set with the message followed by ": " and err_description(errnum)
 * (glibc's strerror text, whichever C library the helper links). */
int err_sys(struct sh_err *err, enum stage stage, int errnum,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* The error as it is, of another stage: bad input found late (the spec
 * stage of a seccomp policy that does not compile). */
void err_restage(struct sh_err *err, enum stage stage);

/* Put context in front of an existing message ("--fd: " + message). */
void err_prefix(struct sh_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The errno's symbolic name ("ENOENT"), or "E?" when unknown. */
const char *err_name(int errnum);

/* The errno's description ("No such file or directory"), the same
 * whichever C library the helper is linked with; "unknown error" for a
 * number that is no errno. */
const char *err_description(int errnum);

/* The errno value of the name's first len characters, or -1. */
int err_number(const char *name, size_t len);

/* The signal's abbreviation ("TERM"), or NULL when unknown. */
const char *err_signal_abbrev(int sig);
