/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A growable NULL-terminated vector of strings: owned (strv_push*) or,
 * in a vector filled only by strv_push_ref, borrowed. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "cleanup.h"

struct strv {
	char **v; /* always NULL-terminated once anything was pushed */
	size_t n;
	size_t cap;
	bool borrowed; /* filled by strv_push_ref: strv_clear frees only v */
};

int strv_push(struct strv *sv, const char *s);
int strv_push_take(struct strv *sv, char *s);
/* Push s without copying it: s must outlive the vector. A vector holds
 * either owned or borrowed strings, never both: mixing is refused with
 * -EINVAL. */
int strv_push_ref(struct strv *sv, const char *s);
int strv_pushf(struct strv *sv, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void strv_clear(struct strv *sv);
bool strv_equal(const struct strv *a, const struct strv *b);

static inline void strv_clearp(struct strv *sv)
{
	int saved = errno;

	strv_clear(sv);
	errno = saved;
}
#define _cleanup_strv_ __attribute__((cleanup(strv_clearp)))
