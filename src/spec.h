/* The spawn spec: what the caller asked for, exactly as the option table
 * parsed it. Values that need the system to interpret (user names, fds)
 * stay raw here and are resolved by their stage. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "err.h"
#include "strv.h"

/* A spec read from --spec-fd may be this large (the environment travels in
 * it); one byte more is refused. */
#define SPEC_MAX_BYTES (16u * 1024 * 1024)

struct fd_mapping {
	int child;  /* the fd number the command sees */
	int parent; /* the helper's fd it is a copy of */
};

struct spec {
	struct strv command; /* argv of the command; argv[0] is looked up */
	char *argv0;         /* --argv0: what the command sees as argv[0] */
	char *chdir;
	bool clearenv;
	struct strv setenv;   /* "NAME=VALUE" */
	struct strv unsetenv; /* "NAME" */
	struct fd_mapping *fds;
	size_t n_fds;
	char *uid;    /* raw --uid: a name or a number */
	char *gid;    /* raw --gid */
	char *groups; /* raw --groups: comma-separated, "" for none */
	bool has_umask;
	mode_t umask;
	bool new_session;
	bool die_with_parent;
	int status_fd; /* -1 when none */
};

void spec_init(struct spec *spec);
void spec_clear(struct spec *spec);

static inline void spec_clearp(struct spec *spec)
{
	spec_clear(spec);
}
#define _cleanup_spec_ __attribute__((cleanup(spec_clearp)))

/* Read a NUL-separated spec from fd until EOF (at most SPEC_MAX_BYTES) and
 * split it into tokens. */
int spec_read_fd(int fd, struct strv *tokens, struct sh_err *err);

/* Split a buffer of NUL-terminated tokens; the last byte must be NUL. */
int spec_split(const char *buf, size_t len, struct strv *tokens,
	       struct sh_err *err);

/* Checks that need the running system: every parent fd of the map is open,
 * child fds fit under RLIMIT_NOFILE, the status fd is writable. */
int spec_check_fds(const struct spec *spec, struct sh_err *err);

/* The fd map the command gets: the --fd entries, or when there are none
 * 0=0, 1=1 and 2=2 for those of them the helper has open. */
int spec_effective_fds(const struct spec *spec, struct fd_mapping **out,
		       size_t *n_out);
