/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "strv.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int strv_reserve(struct strv *sv)
{
	size_t cap;
	char **v;

	if (sv->n + 1 < sv->cap)
		return 0;
	cap = sv->cap ? sv->cap * 2 : 8;
	v = realloc(sv->v, cap * sizeof(*v));
	if (!v)
		return -ENOMEM;
	sv->v = v;
	sv->cap = cap;
	return 0;
}

int strv_push_take(struct strv *sv, char *s)
{
	if (sv->borrowed) {
		free(s);
		return -EINVAL;
	}
	if (!s || strv_reserve(sv) < 0) {
		free(s);
		return -ENOMEM;
	}
	sv->v[sv->n++] = s;
	sv->v[sv->n] = NULL;
	return 0;
}

int strv_push_ref(struct strv *sv, const char *s)
{
	if (sv->n && !sv->borrowed)
		return -EINVAL;
	if (strv_reserve(sv) < 0)
		return -ENOMEM;
	sv->borrowed = true;
	sv->v[sv->n++] = (char *)s;
	sv->v[sv->n] = NULL;
	return 0;
}

int strv_push(struct strv *sv, const char *s)
{
	return strv_push_take(sv, strdup(s));
}

int strv_pushf(struct strv *sv, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	return strv_push_take(sv, s);
}

void strv_clear(struct strv *sv)
{
	for (size_t i = 0; !sv->borrowed && i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = sv->cap = 0;
	sv->borrowed = false;
}

bool strv_equal(const struct strv *a, const struct strv *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i], b->v[i]) != 0)
			return false;
	return true;
}
