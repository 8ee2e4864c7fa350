/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libspawnhelper: run commands in spawn-helper's sandbox from C.
 *
 * Build a spec with the sh_spec_* setters (typed: namespaces are flags,
 * fds are numbers, limits are integers), start it with sh_spawn(), which
 * runs the spawn-helper executable with posix_spawn (never fork in the
 * caller), and collect what happened with sh_wait(). The spec goes
 * through the same option table that spawn-helper parses, so a setter
 * refuses what the helper would refuse.
 *
 * Conventions: functions return 0 (or a count) on success and a negative
 * errno on failure, and never print, exit or abort. A setter that refuses
 * its value returns -EINVAL and leaves a message for sh_spec_error().
 * Any pointer may be NULL: a NULL spec or process is -EINVAL (with no
 * message: there is no spec to keep it), a NULL value is refused like a
 * bad one, unless said otherwise below.
 * Every fd the library makes is close-on-exec. The library keeps no
 * global state but a probe result computed once; different specs and
 * processes may be used from different threads at once, one object by
 * one thread at a time.
 *
 * The helper is found at run time: $SPAWNHELPER_PATH when set (for
 * tests), else the spawn-helper installed with the library.
 */
#ifndef SPAWNHELPER_H
#define SPAWNHELPER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Namespaces, for sh_spec_unshare() and the result's masks. */
#define SH_NS_USER (1u << 0)
#define SH_NS_MOUNT (1u << 1)
#define SH_NS_NET (1u << 2)
#define SH_NS_IPC (1u << 3)
#define SH_NS_UTS (1u << 4)
#define SH_NS_PID (1u << 5)
#define SH_NS_CGROUP (1u << 6)
#define SH_NS_TIME (1u << 7)
/* What spawn-helper --unshare-all makes. */
#define SH_NS_ALL                                                              \
	(SH_NS_NET | SH_NS_IPC | SH_NS_MOUNT | SH_NS_PID | SH_NS_UTS |         \
	 SH_NS_CGROUP)

/* ------------------------------------------------------------------ */
/* The spec                                                           */

typedef struct sh_spec sh_spec;

/* A new empty spec, or NULL with errno ENOMEM. */
sh_spec *sh_spec_new(void);
void sh_spec_free(sh_spec *spec);

/* Why the last setter of spec failed ("" when none did); for a NULL
 * spec a fixed text, never NULL. */
const char *sh_spec_error(const sh_spec *spec);

/* The command: argv[0] is looked up in the command's PATH. */
int sh_spec_set_argv(sh_spec *spec, const char *const *argv);
/* What the command sees as argv[0] (portage's opt_name). */
int sh_spec_set_argv0(sh_spec *spec, const char *argv0);
int sh_spec_set_chdir(sh_spec *spec, const char *dir);

/* The environment: the caller's by default; sh_spec_clearenv() starts
 * from none; sh_spec_set_environ() is clearenv plus every NAME=VALUE
 * (envp NULL: none). The last word on a name wins; the command gets the
 * caller's variables the spec does not name, then the spec's in the
 * order of their last setting. Each call takes time linear in its own
 * arguments, whatever the spec holds already. */
int sh_spec_clearenv(sh_spec *spec);
int sh_spec_setenv(sh_spec *spec, const char *name, const char *value);
int sh_spec_unsetenv(sh_spec *spec, const char *name);
int sh_spec_set_environ(sh_spec *spec, const char *const *envp);

/* Give the command the caller's fd parent_fd as child_fd. Without any,
 * the command gets the caller's 0, 1 and 2; with some, exactly those
 * (portage's fd_pipes). The caller's fd must stay open until sh_spawn. */
int sh_spec_map_fd(sh_spec *spec, int child_fd, int parent_fd);

int sh_spec_set_umask(sh_spec *spec, mode_t mask);
int sh_spec_set_new_session(sh_spec *spec, bool on);
/* The command dies with the caller (sh_spawn passes the caller's pid, so
 * a caller that dies before the helper starts is caught too). */
int sh_spec_set_die_with_parent(sh_spec *spec, bool on);

/* Credentials, by name or number; groups set exactly. */
int sh_spec_set_user(sh_spec *spec, const char *user);
int sh_spec_set_uid(sh_spec *spec, uid_t uid);
int sh_spec_set_group(sh_spec *spec, const char *group);
int sh_spec_set_gid(sh_spec *spec, gid_t gid);
int sh_spec_set_groups(sh_spec *spec, const gid_t *groups, size_t n);

/* Namespaces: SH_NS_* flags, added to those already asked. */
int sh_spec_unshare(sh_spec *spec, unsigned namespaces);
/* Enter an existing namespace (one SH_NS_* flag) by its path. */
int sh_spec_join_ns(sh_spec *spec, unsigned ns, const char *path);
/* Leave out namespaces the kernel refuses instead of failing. */
int sh_spec_set_ns_fallback_drop(sh_spec *spec, bool drop);
int sh_spec_set_map_root(sh_spec *spec, bool on);
/* pyspaces' records: "INNER OUTER COUNT[,INNER OUTER COUNT...]". */
int sh_spec_set_uid_map(sh_spec *spec, const char *records);
int sh_spec_set_gid_map(sh_spec *spec, const char *records);
int sh_spec_set_hostname(sh_spec *spec, const char *hostname);
/* "ADDR/PREFIX" for lo instead of the defaults 10.0.0.1/8, fd00::1/8. */
int sh_spec_add_loopback_addr(sh_spec *spec, const char *addr);

/* Mounts in the mount namespace. */
int sh_spec_add_bind(sh_spec *spec, const char *source, const char *dest,
		     bool read_only);
int sh_spec_add_tmpfs(sh_spec *spec, const char *dest);
int sh_spec_set_chroot(sh_spec *spec, const char *dir);

/* Cgroups: join one, or make a transient one below a parent, with
 * limits (0: none). cpus_milli is thousandths of a CPU. */
int sh_spec_set_cgroup(sh_spec *spec, const char *path);
int sh_spec_set_cgroup_parent(sh_spec *spec, const char *path);
int sh_spec_set_memory_max(sh_spec *spec, uint64_t bytes);
int sh_spec_set_pids_max(sh_spec *spec, uint64_t pids);
int sh_spec_set_cpu_max(sh_spec *spec, unsigned cpus_milli);

/* SIGTERM after timeout_ms, SIGKILL kill_after_ms later (0: 5 s). */
int sh_spec_set_timeout(sh_spec *spec, unsigned timeout_ms,
			unsigned kill_after_ms);

/* Hardening. Capabilities as capsh names them, comma-separated. */
int sh_spec_keep_caps(sh_spec *spec, const char *caps);
/* No no_new_privs: then seccomp and Landlock need "cap_sys_admin" kept,
 * or the profile "none" and no policy, BPF program or Landlock path
 * (else the spawn fails in stage "spec"). */
int sh_spec_set_allow_new_privs(sh_spec *spec, bool allow);
/* "build" (default), "install" (build with setuid and setgid modes
 * allowed), "strict" or "none". */
int sh_spec_set_seccomp_profile(sh_spec *spec, const char *profile);
int sh_spec_set_seccomp_policy(sh_spec *spec, const char *path);
/* Also install the raw seccomp BPF program (struct sock_filter
 * instructions) the helper reads from the caller's fd, from its offset
 * to EOF: a pipe's write end must be closed (spawn-helper
 * --seccomp-bpf). The fd must stay open until sh_spawn; -1 for none. */
int sh_spec_set_seccomp_bpf(sh_spec *spec, int fd);
int sh_spec_landlock_write(sh_spec *spec, const char *path);
int sh_spec_landlock_read(sh_spec *spec, const char *path);
int sh_spec_set_landlock_best_effort(sh_spec *spec, bool best_effort);
/* A resource limit of the command: "nofile", "core", ... as in
 * spawn-helper --rlimit; RLIM_INFINITY for unlimited. */
int sh_spec_set_rlimit(sh_spec *spec, const char *name, uint64_t soft,
		       uint64_t hard);

/* Any option of spawn-helper by name, for what has no setter yet
 * (value NULL for a flag). */
int sh_spec_set_option(sh_spec *spec, const char *name, const char *value);

/* ------------------------------------------------------------------ */
/* Running                                                            */

typedef struct sh_process sh_process;

/* Start the helper on spec. The spec may be freed or reused after. */
int sh_spawn(const sh_spec *spec, sh_process **process);

/* The helper's pid (the command runs below it). */
pid_t sh_process_pid(const sh_process *process);

/* The read end of the helper's status fd, for an event loop: readable
 * when a record came or the helper ended; sh_wait(SH_WAIT_NOHANG) takes
 * what came, so it is quiet until the next one. Non-blocking, owned by
 * the process object. */
int sh_process_status_fd(const sh_process *process);

/* Forward a signal to the command (through the helper). SIGKILL ends
 * the whole sandbox: the helper kills it (its cgroup too), removes its
 * leaf, writes the outcome and dies of the command's SIGKILL. */
int sh_process_kill(sh_process *process, int sig);

/* The struct only grows, at its end: a release that adds a field
 * appends it, and a caller built against an older header passes its
 * smaller size (sh_wait does) and gets the fields it knows, so neither
 * side needs a new soname. */
struct sh_result {
	size_t size;        /* bytes sh_wait filled: the smaller of the
			     * caller's sizeof and the library's */
	int exit_code;      /* the helper's: the command's, 125, 126, 127 */
	int signal;         /* the command died of this signal, or 0 */
	bool core_dumped;
	bool timed_out;
	bool setup_failed;  /* then stage, error and message say why */
	char stage[16];
	int error;          /* the failing call's errno */
	char message[512];
	pid_t command_pid;  /* as the caller sees it; 0 when unknown */
	unsigned namespaces; /* SH_NS_* made */
	unsigned dropped;    /* SH_NS_* refused and left out */
	long long user_cpu_usec, system_cpu_usec, max_rss_kib, wall_usec;
	long long cgroup_cpu_usec, memory_peak, oom_kills; /* -1: none */
};

#define SH_WAIT_NOHANG 1

/* Wait for the helper and fill result. With SH_WAIT_NOHANG returns
 * -EAGAIN while it runs; -EBADMSG when a status record is not valid
 * JSON. Strings in result are the helper's bytes (the record's escapes
 * decoded, see spawn-helper(1)). Frees nothing: call sh_process_free
 * after. The helper is not trusted without limit: past 1 MiB of status
 * records it is killed and reaped (-EMSGSIZE, on every later call too);
 * one that exits without its final record is -EPROTO (result filled
 * from its exit status all the same). */
int sh_wait_result(sh_process *process, struct sh_result *result,
		   size_t size, int flags);
/* ... with the caller's sizeof(struct sh_result): -EINVAL for a size
 * smaller than the first release's struct. */
#define sh_wait(process, result, flags)                                        \
	sh_wait_result((process), (result), sizeof(*(result)), (flags))

/* This library's sizeof(struct sh_result), for bindings that lay the
 * struct out themselves (ctypes): a larger one than this is not filled
 * whole. */
size_t sh_result_size(void);

/* Free the process object. A helper still running is left to run (and
 * reaped by nobody): wait first. */
void sh_process_free(sh_process *process);

/* ------------------------------------------------------------------ */
/* What the machine supports (spawn-helper --probe), computed once.    */

struct sh_probe {
	bool privileged;       /* CAP_SYS_ADMIN: no user namespace needed */
	unsigned namespaces;   /* SH_NS_* the kernel allows the caller */
	bool ipv6;
	int landlock_abi;      /* 0: none */
	bool seccomp;
	char cgroup_layout[16]; /* "unified", "hybrid", "legacy", "none" */
	bool may_create_cgroups;
};

/* *probe points to the cached result, valid for the process's life. */
int sh_probe(const struct sh_probe **probe);

/* The text of a negative errno returned by this library; never NULL
 * ("unknown error" for a number that is no errno). */
const char *sh_strerror(int error);

#ifdef __cplusplus
}
#endif

#endif
