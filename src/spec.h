/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The spawn spec: what the caller asked for, exactly as the option table
 * parsed it. Values that need the system to interpret (user names, fds)
 * stay raw here and are resolved by their stage. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"
#include "ns.h"
#include "spec-types.h"
#include "strv.h"

/* A spec read from --spec-fd may be this large (the environment travels in
 * it); one byte more is refused. */
#define SPEC_MAX_BYTES (16u * 1024 * 1024)

struct fd_mapping {
	int child;  /* the fd number the command sees */
	int parent; /* the helper's fd it is a copy of */
};

/* --caller-fd: the helper's fd was the caller's fd of another number
 * (libspawnhelper renumbers what it hands over); messages use the
 * caller's. */
struct fd_alias {
	int helper;
	int caller;
};

enum ns_fallback {
	NS_FALLBACK_UNSET, /* strict */
	NS_FALLBACK_STRICT,
	NS_FALLBACK_DROP,
};

enum landlock_mode {
	LANDLOCK_MODE_UNSET, /* strict */
	LANDLOCK_MODE_STRICT,
	LANDLOCK_MODE_BEST_EFFORT,
};

/* in the order of seccomp_profile_choices, from 1 */
enum seccomp_profile {
	SECCOMP_PROFILE_UNSET, /* build */
	SECCOMP_PROFILE_BUILD,
	SECCOMP_PROFILE_INSTALL,
	SECCOMP_PROFILE_STRICT,
	SECCOMP_PROFILE_NONE,
};

struct spec {
	/* the --spec-fd buffer the spec was parsed from (NULL: none); the
	 * spec's strings may point into it (spec_holds), so it is freed
	 * last, by spec_clear */
	char *buf;
	size_t buf_len;
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
	bool new_session; /* the default; see unsafe_share_session */
	bool timeout_exit_124; /* a timeout ends the helper with 124 */
	bool die_with_parent;
	int parent_pid; /* --parent-pid: the parent to watch; 0: at start */
	int status_fd; /* -1 when none */
	struct fd_alias *caller_fds;
	size_t n_caller_fds;

	/* isolation */
	unsigned unshare;  /* NS_BIT()s of the --unshare-TYPE options */
	bool unshare_all;  /* --unshare-all: see SPEC_UNSHARE_ALL */
	struct join_list join_ns; /* in the order given */
	enum ns_fallback ns_fallback;
	bool map_root;
	struct id_map_spec *uid_map; /* NULL: none given */
	struct id_map_spec *gid_map;
	char *hostname;
	struct addr_list loopback_addrs;
	struct bind_list binds;
	struct bind_list ro_binds;
	struct strv tmpfs; /* "DEST" */
	struct strv writable; /* "PATH": writable in the read-only view */
	char *chroot;
	char *cgroup;        /* --cgroup: join this cgroup */
	char *cgroup_parent; /* --cgroup-parent: make a transient leaf */
	long long memory_max;    /* bytes, 0: none */
	long long pids_max;      /* 0: none */
	long long cpu_max_milli; /* thousandths of a CPU, 0: none */
	long long timeout_ms;    /* 0: none */

	/* hardening */
	uint64_t cap_keep;
	char *cap_keep_text; /* as given, for the emitter; NULL: none */
	bool allow_new_privs;
	bool allow_nested_userns; /* the build profile lets them be */
	enum seccomp_profile seccomp_profile;
	char *seccomp_policy; /* a policy file */
	int seccomp_bpf_fd;   /* -1 when none */
	struct strv landlock_read;
	struct strv landlock_write;
	enum landlock_mode landlock_mode;
	struct rlimit_list rlimits;
	char *selinux_exec_context; /* written to attr/exec before execve */
	bool report_e2big; /* portage's E2BIG report on the command's fd 2 */
	long long kill_after_ms; /* grace between SIGTERM and SIGKILL */

	/* the kernel-enforced FEATURES=sandbox (sandbox.h): any of these
	 * turns it on */
	struct strv sandbox_write;   /* "PATH": writable in the view */
	struct strv sandbox_predict; /* "PATH": refused without a report */
	struct strv sandbox_deny;    /* "PATH": not even readable (mounts) */
	struct strv sandbox_read;    /* "PATH": readable (Landlock) */
	char *sandbox_log;           /* violations appended here */
	bool sandbox_grants;         /* SANDBOX_WRITE/PREDICT at run time */
	int sandbox_report;          /* SANDBOX_REPORT_* */

	/* the safe defaults a caller turned off (see launch.h) */
	bool unsafe_writable_host;
	bool unsafe_share_pids;
	bool unsafe_host_ipc;
	bool unsafe_share_session;
};

enum { SANDBOX_REPORT_UNSET, SANDBOX_REPORT_YES, SANDBOX_REPORT_NO };

/* Whether a --sandbox-* option turned the sandbox on. */
bool spec_sandbox_on(const struct spec *spec);

/* Whether --sandbox-read restricts reads: given, and none of its paths
 * is / (Gentoo's default SANDBOX_READ, which restricts nothing). */
bool spec_sandbox_reads_restricted(const struct spec *spec);

/* What --unshare-all asks: every namespace but user (made when needed)
 * and time (new in 5.6), as `unshare -n -i -m -p -u -C`. */
#define SPEC_UNSHARE_ALL                                                       \
	(NS_BIT(NS_NET) | NS_BIT(NS_IPC) | NS_BIT(NS_MOUNT) | NS_BIT(NS_PID) | \
	 NS_BIT(NS_UTS) | NS_BIT(NS_CGROUP))

/* The namespaces the spec asks for, with those they imply: pid and ipc
 * a mount namespace (for /proc and /dev/shm), any mount option a mount
 * namespace, net a UTS namespace (the hostname becomes "localhost").
 * The user namespace of an unprivileged caller and the namespaces of the
 * safe defaults are added later, by the launch. */
unsigned spec_namespaces(const struct spec *spec);

/* The default grace of --timeout before SIGKILL. */
#define SPEC_DEFAULT_KILL_AFTER_MS 5000

/* The number the caller knows the helper's fd by (see --caller-fd). */
int spec_caller_fd(const struct spec *spec, int fd);

void spec_init(struct spec *spec);
void spec_clear(struct spec *spec);

static inline void spec_clearp(struct spec *spec)
{
	spec_clear(spec);
}
#define _cleanup_spec_ __attribute__((cleanup(spec_clearp)))

/* Read a NUL-separated spec from fd until EOF (at most SPEC_MAX_BYTES)
 * into spec->buf (which must be NULL) and split it into tokens, which
 * point into spec->buf: they are valid until spec_clear. */
int spec_read_fd(int fd, struct spec *spec, struct strv *tokens,
		 struct sh_err *err);

/* Whether s points into spec->buf: a string the spec owns already. */
bool spec_holds(const struct spec *spec, const char *s);

/* Split a buffer of NUL-terminated tokens; the last byte must be NUL. The
 * tokens point into buf (tokens is a borrowing strv). */
int spec_split(const char *buf, size_t len, struct strv *tokens,
	       struct sh_err *err);

/* Checks that need the running system: every parent fd of the map is open,
 * child fds fit under RLIMIT_NOFILE, the status fd is writable. */
int spec_check_fds(const struct spec *spec, struct sh_err *err);

/* The fd map the command gets: the --fd entries, or when there are none
 * 0=0, 1=1 and 2=2 for those of them the helper has open. */
int spec_effective_fds(const struct spec *spec, struct fd_mapping **out,
		       size_t *n_out);
