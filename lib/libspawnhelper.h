/* SPDX-License-Identifier: LGPL-2.1-or-later */
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

/* Where a name's entry is: the hash's key is that entry itself. */
struct env_slot {
	const char *key; /* "NAME=VALUE" or "NAME"; NULL: an empty slot */
	bool unset;
	size_t index;
};

/* The variables a spec sets and removes, each name once (the helper
 * refuses a name twice): the set ones in the order of their last
 * setting. Every change is O(1) amortized. */
struct env {
	/* in order, with holes: a NULL is where an entry was before its
	 * name was given again */
	struct strv set;   /* "NAME=VALUE" */
	struct strv unset; /* "NAME" */
	size_t holes;
	struct env_slot *slots;
	size_t n_slots, used;
};

struct sh_spec {
	struct spec spec; /* its setenv and unsetenv stay empty: see env */
	struct env env;
	struct sh_err err; /* why the last setter failed */
};

/* Set (unset false: entry is "NAME=VALUE") or remove ("NAME") a
 * variable, replacing what named it before; takes entry, even on
 * -ENOMEM. */
int env_put(struct env *env, char *entry, bool unset);
void env_clear(struct env *env);
/* The entries without holes, for the spec the helper reads: the
 * strings are env's (free only the arrays). */
int env_view(const struct env *env, struct strv *set, struct strv *unset);

/* The most a helper may write on its status fd: its records take a few
 * KiB; past this the library stops reading and kills it (-EMSGSIZE). */
#define SH_RECORDS_MAX (1u << 20)

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
	int broken; /* -errno: the helper's records could not be taken */
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
