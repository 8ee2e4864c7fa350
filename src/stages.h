/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The stages of the setup, in its order: the name a setup error carries
 * (struct sh_err's stage, the error record's "stage"). One table for the
 * helper, the library and tests/check-stages.sh, which holds README.md,
 * spawn-helper(1) and the Python binding's STAGES to it. The names are
 * the wire's: a library reads a newer helper's stage as it comes, so a
 * name is never reused for another stage. */
#pragma once

#define STAGES(X)                                                           \
	X(PRIVILEGE, "privilege")                                           \
	X(SPEC, "spec")                                                     \
	X(CGROUP, "cgroup")                                                 \
	X(NS, "ns")                                                         \
	X(USERNS, "userns")                                                 \
	X(NET, "net")                                                       \
	X(UTS, "uts")                                                       \
	X(MOUNT, "mount")                                                   \
	X(INIT, "init")                                                     \
	X(SIGNALS, "signals")                                               \
	X(PROCESS, "process")                                               \
	X(FDS, "fds")                                                       \
	X(RLIMIT, "rlimit")                                                 \
	X(CAPS, "caps")                                                     \
	X(CREDS, "creds")                                                   \
	X(CHDIR, "chdir")                                                   \
	X(NNP, "nnp")                                                       \
	X(LANDLOCK, "landlock")                                             \
	X(SECCOMP, "seccomp")                                               \
	X(ENV, "env")                                                       \
	X(EXEC, "exec")                                                     \
	X(MONITOR, "monitor")

#define STAGES_ENUM(id, name) STAGE_##id,
enum stage { STAGES(STAGES_ENUM) STAGE_COUNT };

const char *stage_name(enum stage s);

/* The stage of that name, or -1. */
int stage_by_name(const char *name);
