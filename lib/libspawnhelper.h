/* libspawnhelper's own declarations: the objects behind the public
 * handles. Only what spawnhelper.h declares is exported (SH_EXPORT with
 * -fvisibility=hidden, and the version script). */
#pragma once

#include <spawn.h>
#include <stdbool.h>
#include <sys/types.h>

#include "err.h"
#include "spawnhelper.h"
#include "spec.h"

#define SH_EXPORT __attribute__((visibility("default")))

struct sh_spec {
	struct spec spec;
	struct sh_err err; /* why the last setter failed */
};

struct sh_process {
	pid_t pid;
	int status_fd;
	/* status records read so far: an incomplete last line waits here */
	char *records;
	size_t len, cap;
	bool reaped;
	bool status_known; /* wait_status is the helper's (not ECHILD) */
	int wait_status;
	int pidfd; /* the helper's, or -1 */
};

/* The helper to run: $SPAWNHELPER_PATH, else the installed one. */
const char *helper_path(void);

/* posix_spawn the helper with argv and fa, its signal mask emptied and
 * every disposition reset; -errno. */
int helper_run(char *const *argv, const posix_spawn_file_actions_t *fa,
	       pid_t *pid);

/* Fill result from the helper's status records (JSON lines); -EBADMSG
 * when a complete line is not valid JSON (the rest is still read). */
int result_from_records(struct sh_result *result, const char *records,
			size_t len);
