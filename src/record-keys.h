/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The status records' keys, in one table: the writer (status.c) takes
 * each key from it, the library's reader (lib/result.c) reads the ones a
 * struct sh_result member holds, and tests/check-record-keys.sh holds
 * struct sh_result, the Python binding's _Result, the man page and the
 * README to it. A new key is one line here.
 *
 * X(ID, "path", kind, reader) with path as json_walk names a value
 * ("usage.wall-usec"; "dropped[].errno" inside an array of objects); an
 * array is named without its "[]". reader: READ(member of struct
 * sh_result), or NOT_READ. In the order the records write them:
 * started, error, outcome. */
#pragma once

enum record_kind {
	REC_OBJECT,
	REC_OBJECTS, /* an array of objects */
	REC_STRINGS, /* an array of strings */
	REC_NAMESPACES, /* an array of namespace names: an SH_NS_* mask */
	REC_NAMESPACE,  /* a namespace name: a bit of an SH_NS_* mask */
	REC_INT,
	REC_LONG, /* a long long */
	REC_BOOL,
	REC_STRING,
	REC_STAGE, /* error.stage: the setup failed */
	REC_TEXT,  /* a string cut between UTF-8 characters */
};

#define RECORD_KEYS(X)                                                       \
	/* started */                                                        \
	X(CHILD_PID, "child-pid", REC_INT, NOT_READ)                         \
	X(COMMAND_PID, "command-pid", REC_INT, READ(command_pid))            \
	X(COMMAND_NS_PID, "command-ns-pid", REC_INT, NOT_READ)               \
	X(NAMESPACES, "namespaces", REC_NAMESPACES, READ(namespaces))        \
	/* "*" is the namespace's /proc/PID/ns name: mnt-namespace, ... */   \
	X(NS_INODE, "*-namespace", REC_LONG, NOT_READ)                       \
	X(JOINED, "joined", REC_STRINGS, NOT_READ)                           \
	X(DROPPED, "dropped", REC_OBJECTS, NOT_READ)                         \
	X(DROPPED_NAMESPACE, "dropped[].namespace", REC_NAMESPACE,           \
	  READ(dropped))                                                     \
	X(DROPPED_ERRNO, "dropped[].errno", REC_INT, NOT_READ)               \
	X(DROPPED_ERRNAME, "dropped[].errname", REC_STRING, NOT_READ)        \
	X(NETWORK, "network", REC_OBJECT, NOT_READ)                          \
	X(NETWORK_IPV6, "network.ipv6", REC_BOOL, NOT_READ)                  \
	X(NETWORK_ADDRESSES, "network.addresses", REC_STRINGS, NOT_READ)     \
	X(NETWORK_UNROUTED, "network.unrouted", REC_STRINGS, NOT_READ)       \
	X(HOSTNAME, "hostname", REC_STRING, NOT_READ)                         \
	/* landlock and sandbox-read hold the same keys */                   \
	X(LANDLOCK, "landlock", REC_OBJECT, NOT_READ)                         \
	X(SANDBOX_READ, "sandbox-read", REC_OBJECT, NOT_READ)                 \
	X(LANDLOCK_ABI, "landlock.abi", REC_INT, NOT_READ)                   \
	X(LANDLOCK_ENFORCED, "landlock.enforced", REC_BOOL, NOT_READ)        \
	X(LANDLOCK_NOT_ENFORCED, "landlock.not-enforced", REC_STRINGS,       \
	  NOT_READ)                                                          \
	X(BOUNDING_SET_CLEARED, "bounding-set-cleared", REC_BOOL, NOT_READ)  \
	X(HOST, "host", REC_STRING, NOT_READ)                                 \
	X(ABSTRACT_SOCKETS, "abstract-sockets", REC_STRING, NOT_READ)         \
	X(UNSAFE, "unsafe", REC_STRINGS, NOT_READ)                           \
	X(CWD_REFUSED, "cwd-refused", REC_OBJECT, NOT_READ)                   \
	X(CWD_REFUSED_PATH, "cwd-refused.path", REC_STRING, NOT_READ)         \
	X(CWD_REFUSED_ERRNO, "cwd-refused.errno", REC_INT, NOT_READ)          \
	X(CWD_REFUSED_ERRNAME, "cwd-refused.errname", REC_STRING, NOT_READ)   \
	X(NESTED_USERNS, "nested-userns", REC_BOOL, NOT_READ)                 \
	/* error */                                                          \
	X(ERROR, "error", REC_OBJECT, NOT_READ)                               \
	X(ERROR_STAGE, "error.stage", REC_STAGE, READ(stage))                 \
	X(ERROR_ERRNO, "error.errno", REC_INT, READ(error))                   \
	X(ERROR_ERRNAME, "error.errname", REC_STRING, NOT_READ)               \
	X(ERROR_MESSAGE, "error.message", REC_TEXT, READ(message))            \
	X(EXIT_CODE, "exit-code", REC_INT, READ(exit_code))                   \
	/* outcome (child-pid and exit-code as above) */                     \
	X(TIMED_OUT, "timed-out", REC_BOOL, READ(timed_out))                  \
	X(SIGNAL, "signal", REC_INT, READ(signal))                            \
	X(SIGNAL_NAME, "signal-name", REC_STRING, NOT_READ)                   \
	X(CORE_DUMPED, "core-dumped", REC_BOOL, READ(core_dumped))            \
	X(CGROUP, "cgroup", REC_OBJECT, NOT_READ)                             \
	X(CGROUP_CPU_USEC, "cgroup.cpu-usec", REC_LONG, READ(cgroup_cpu_usec)) \
	X(CGROUP_USER_CPU_USEC, "cgroup.user-cpu-usec", REC_LONG, NOT_READ)   \
	X(CGROUP_SYSTEM_CPU_USEC, "cgroup.system-cpu-usec", REC_LONG,         \
	  NOT_READ)                                                          \
	X(CGROUP_MEMORY_PEAK, "cgroup.memory-peak", REC_LONG,                 \
	  READ(memory_peak))                                                 \
	X(CGROUP_OOM_KILLS, "cgroup.oom-kills", REC_LONG, READ(oom_kills))    \
	X(SECCOMP, "seccomp", REC_OBJECT, NOT_READ)                           \
	X(SECCOMP_BLOCKED, "seccomp.blocked", REC_OBJECTS, NOT_READ)          \
	X(SECCOMP_SYSCALL, "seccomp.blocked[].syscall", REC_STRING, NOT_READ) \
	X(SECCOMP_ERRNO, "seccomp.blocked[].errno", REC_INT, NOT_READ)        \
	X(SECCOMP_ERRNAME, "seccomp.blocked[].errname", REC_STRING, NOT_READ) \
	X(SECCOMP_COUNT, "seccomp.blocked[].count", REC_INT, NOT_READ)        \
	X(SECCOMP_UNLISTED, "seccomp.unlisted", REC_LONG, NOT_READ)           \
	X(SECCOMP_KILLED_BY, "seccomp.killed-by", REC_STRING, NOT_READ)       \
	X(SANDBOX, "sandbox", REC_OBJECT, NOT_READ)                           \
	X(SANDBOX_REPORTED, "sandbox.reported", REC_BOOL, NOT_READ)           \
	X(SANDBOX_VIOLATION_COUNT, "sandbox.violation-count", REC_LONG,       \
	  NOT_READ)                                                          \
	X(SANDBOX_VIOLATIONS, "sandbox.violations", REC_OBJECTS, NOT_READ)    \
	X(VIOLATION_OPERATION, "sandbox.violations[].operation", REC_STRING,  \
	  NOT_READ)                                                          \
	X(VIOLATION_PATH, "sandbox.violations[].path", REC_STRING, NOT_READ)  \
	X(VIOLATION_ABSOLUTE, "sandbox.violations[].absolute", REC_STRING,    \
	  NOT_READ)                                                          \
	X(VIOLATION_CANONICAL, "sandbox.violations[].canonical", REC_STRING,  \
	  NOT_READ)                                                          \
	X(VIOLATION_PID, "sandbox.violations[].pid", REC_INT, NOT_READ)       \
	X(VIOLATION_COMMAND, "sandbox.violations[].command", REC_STRING,      \
	  NOT_READ)                                                          \
	X(SANDBOX_UNLISTED, "sandbox.unlisted", REC_LONG, NOT_READ)           \
	X(SANDBOX_PREDICTED, "sandbox.predicted", REC_LONG, NOT_READ)         \
	X(SANDBOX_GRANT_COUNT, "sandbox.grant-count", REC_LONG, NOT_READ)     \
	X(SANDBOX_GRANTS, "sandbox.grants", REC_OBJECTS, NOT_READ)            \
	X(GRANT_VARIABLE, "sandbox.grants[].variable", REC_STRING, NOT_READ)  \
	X(GRANT_PREFIX, "sandbox.grants[].prefix", REC_STRING, NOT_READ)      \
	X(GRANT_PATH, "sandbox.grants[].path", REC_STRING, NOT_READ)          \
	X(GRANT_PID, "sandbox.grants[].pid", REC_INT, NOT_READ)               \
	X(SANDBOX_LOG_ERRNO, "sandbox.log-errno", REC_INT, NOT_READ)          \
	X(SANDBOX_LOG_ERRNAME, "sandbox.log-errname", REC_STRING, NOT_READ)   \
	X(USAGE, "usage", REC_OBJECT, NOT_READ)                               \
	X(USAGE_USER_CPU_USEC, "usage.user-cpu-usec", REC_LONG,               \
	  READ(user_cpu_usec))                                               \
	X(USAGE_SYSTEM_CPU_USEC, "usage.system-cpu-usec", REC_LONG,           \
	  READ(system_cpu_usec))                                             \
	X(USAGE_MAX_RSS_KIB, "usage.max-rss-kib", REC_LONG,                   \
	  READ(max_rss_kib))                                                 \
	X(USAGE_WALL_USEC, "usage.wall-usec", REC_LONG, READ(wall_usec))

#define RECORD_KEY_ENUM(id, path, kind, reader) RK_##id,
enum record_key { RECORD_KEYS(RECORD_KEY_ENUM) RK_COUNT };

struct record_key_def {
	const char *path;
	enum record_kind kind;
};

extern const struct record_key_def record_keys[RK_COUNT];

/* The key as its object holds it: the path's last part ("wall-usec"). */
const char *record_key_leaf(enum record_key k);
