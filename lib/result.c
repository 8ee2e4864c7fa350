/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The helper's status records (JSON lines, see spawn-helper(1)) into a
 * struct sh_result. */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "libspawnhelper.h"
#include "ns.h"
#include "record-keys.h"
#include "utf8.h"

static unsigned ns_bit(const char *name)
{
	int kind = ns_kind_by_name(name, strlen(name));

	return kind < 0 ? 0 : NS_BIT(kind);
}

/* Where a key's value goes: a member of struct sh_result (size 0: the
 * library keeps nothing of it). */
struct reader {
	size_t offset, size;
};

#define READ(m)                                                               \
	{ offsetof(struct sh_result, m), sizeof(((struct sh_result *)0)->m) }
#define NOT_READ { 0, 0 }
#define RECORD_READER(id, path, kind, reader) [RK_##id] = reader,
static const struct reader readers[RK_COUNT] = { RECORD_KEYS(RECORD_READER) };
#undef READ
#undef NOT_READ

/* A member the table names has the size its kind stores (strings: any). */
#define KIND_SIZE(kind)                                                       \
	((kind) == REC_INT    ? sizeof(int)                                   \
	 : (kind) == REC_LONG ? sizeof(long long)                             \
	 : (kind) == REC_BOOL ? sizeof(bool)                                  \
	 : (kind) == REC_NAMESPACES || (kind) == REC_NAMESPACE                \
		 ? sizeof(unsigned)                                           \
		 : 0)
#define READ(m) sizeof(((struct sh_result *)0)->m)
#define NOT_READ 0
#define RECORD_SIZE_CHECK(id, path, kind, reader)                             \
	_Static_assert(reader == 0 || KIND_SIZE(kind) == 0 ||                 \
			       reader == KIND_SIZE(kind),                     \
		       "the member for " path " fits its kind");
RECORD_KEYS(RECORD_SIZE_CHECK)
#undef READ
#undef NOT_READ

/* The key at path: a scalar's own path, or an array's with "[]" for
 * each of its items. RK_COUNT for a key the library does not read. */
static enum record_key read_key(const char *path)
{
	size_t len = strlen(path);
	bool item = len > 2 && strcmp(path + len - 2, "[]") == 0;

	for (int k = 0; k < RK_COUNT; k++) {
		const struct record_key_def *def = &record_keys[k];
		bool array = def->kind == REC_NAMESPACES ||
			     def->kind == REC_STRINGS;

		if (readers[k].size && array == item &&
		    strncmp(path, def->path, len - (item ? 2 : 0)) == 0 &&
		    strlen(def->path) == len - (item ? 2 : 0))
			return (enum record_key)k;
	}
	return RK_COUNT;
}

static void visit(void *data, const char *path, const char *value,
		  bool is_string)
{
	struct sh_result *r = data;
	enum record_key k = read_key(path);
	long long number = is_string ? 0 : atoll(value);
	bool yes = strcmp(value, "true") == 0;
	char *to;
	int i = (int)number;
	unsigned bits;

	if (k == RK_COUNT)
		return;
	to = (char *)r + readers[k].offset;
	switch (record_keys[k].kind) {
	case REC_INT:
		memcpy(to, &i, sizeof(i));
		break;
	case REC_LONG:
		memcpy(to, &number, sizeof(number));
		break;
	case REC_BOOL:
		memcpy(to, &yes, sizeof(yes));
		break;
	case REC_NAMESPACES:
	case REC_NAMESPACE:
		memcpy(&bits, to, sizeof(bits));
		bits |= ns_bit(value);
		memcpy(to, &bits, sizeof(bits));
		break;
	case REC_STAGE:
		r->setup_failed = true;
		snprintf(to, readers[k].size, "%s", value);
		break;
	case REC_TEXT:
		utf8_format(to, readers[k].size, "%s", value);
		break;
	default: /* the others are not read (readers[k].size is 0) */
		break;
	}
}

int result_from_records(struct sh_result *result, const char *records,
			size_t len)
{
	int r = 0;

	for (size_t pos = 0, end; pos < len; pos = end + 1) {
		for (end = pos; end < len && records[end] != '\n'; end++)
			;
		if (end == len)
			break; /* an incomplete last line: the helper died */
		if (json_walk(records + pos, end - pos, visit, result) < 0)
			r = -EBADMSG;
	}
	return r;
}
