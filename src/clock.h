/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The monotonic clock in microseconds: deadlines and durations. */
#pragma once

#include <time.h>

static inline long long now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}
