/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "stages.h"

#include <string.h>

#define STAGES_NAME(id, name) [STAGE_##id] = name,
static const char *const names[STAGE_COUNT] = { STAGES(STAGES_NAME) };

const char *stage_name(enum stage s)
{
	return (unsigned)s < STAGE_COUNT ? names[s] : "?";
}

int stage_by_name(const char *name)
{
	for (int s = 0; s < STAGE_COUNT; s++)
		if (strcmp(names[s], name) == 0)
			return s;
	return -1;
}
