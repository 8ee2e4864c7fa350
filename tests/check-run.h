/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The end of every Check runner's main: its suite, run as CK_ENV and
 * CK_TAP_LOG_FILE_NAME say, with stdout unbuffered so that what a test
 * prints (diagnostics, "# " lines) stays in order with the TAP lines. */
#pragma once

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

static inline int check_run(Suite *suite)
{
	SRunner *sr;
	int failed;

	setvbuf(stdout, NULL, _IONBF, 0);
	sr = srunner_create(suite);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
