/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The command's environment, PATH lookup in that environment, and exec. */
#pragma once

#include "err.h"
#include "spec.h"
#include "strv.h"

/* The command's environment: the helper's own (or none with --clearenv),
 * without the --unsetenv names, with the --setenv values. env borrows
 * its strings from base and spec: it must not outlive them. */
int env_build(const struct spec *spec, char *const *base, struct strv *env,
	      struct sh_err *err);

/* Look the command up in PATH of env (when it has no '/') and execve it.
 * Returns only on failure: ENOENT when nothing was found, EACCES or the
 * exec error of a file that was found. */
int exec_command(const struct spec *spec, char *const *env, struct sh_err *err);

/* The exit status the helper uses for a setup error. */
int exit_code_for_error(const struct sh_err *err);

#define EXIT_TIMED_OUT 124 /* --timeout-exit-124, as timeout(1) */
#define EXIT_SETUP_FAILED 125
#define EXIT_NOT_EXECUTABLE 126
#define EXIT_NOT_FOUND 127
