/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "record-keys.h"

#include <string.h>

#define RECORD_KEY_DEF(id, path, kind, reader) [RK_##id] = { path, kind },
const struct record_key_def record_keys[RK_COUNT] = { RECORD_KEYS(
	RECORD_KEY_DEF) };

const char *record_key_leaf(enum record_key k)
{
	const char *dot = strrchr(record_keys[k].path, '.');

	return dot ? dot + 1 : record_keys[k].path;
}
