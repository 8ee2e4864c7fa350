/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* spawn-helper --probe: what this machine supports, checked the way the
 * helper uses it (each namespace made in a throwaway child, under a user
 * namespace of its own for an unprivileged caller). */
#pragma once

#include <stdbool.h>
#include <stdio.h>

int probe_print(FILE *out, bool json);
