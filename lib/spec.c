/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The spec builder: typed setters over the helper's own option table, so
 * a value is checked by the parser that spawn-helper runs. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "cleanup.h"
#include "libspawnhelper.h"
#include "options.h"

_Static_assert(SH_NS_USER == NS_BIT(NS_USER) &&
		       SH_NS_MOUNT == NS_BIT(NS_MOUNT) &&
		       SH_NS_NET == NS_BIT(NS_NET) &&
		       SH_NS_IPC == NS_BIT(NS_IPC) &&
		       SH_NS_UTS == NS_BIT(NS_UTS) &&
		       SH_NS_PID == NS_BIT(NS_PID) &&
		       SH_NS_CGROUP == NS_BIT(NS_CGROUP) &&
		       SH_NS_TIME == NS_BIT(NS_TIME),
	       "SH_NS_* are the helper's namespace bits");

SH_EXPORT sh_spec *sh_spec_new(void)
{
	sh_spec *spec = calloc(1, sizeof(*spec));

	if (!spec) {
		errno = ENOMEM;
		return NULL;
	}
	spec_init(&spec->spec);
	return spec;
}

SH_EXPORT void sh_spec_free(sh_spec *spec)
{
	if (!spec)
		return;
	spec_clear(&spec->spec);
	env_clear(&spec->env);
	free(spec);
}

SH_EXPORT const char *sh_spec_error(const sh_spec *spec)
{
	/* a caller printing why sh_spec_new's NULL was refused */
	if (!spec)
		return "no spec (NULL)";
	return spec->err.message;
}

/* One option through the table's parser into target, its error in
 * spec. */
static int set_in(struct spec *target, sh_spec *spec, const char *name,
		  const char *value)
{
	spec->err.message[0] = '\0';
	return spec_set_option(target, name, value, &spec->err);
}

static int set(sh_spec *spec, const char *name, const char *value)
{
	if (!spec)
		return -EINVAL;
	return set_in(&spec->spec, spec, name, value);
}

/* A NULL spec has no room for a message: the errno says it all. */
static int refuse(sh_spec *spec, int errnum, const char *what)
{
	if (!spec)
		return -EINVAL;
	err_set(&spec->err, STAGE_SPEC, errnum, "%s", what);
	return -errnum;
}

static int setf(sh_spec *spec, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int setf(sh_spec *spec, const char *name, const char *fmt, ...)
{
	_cleanup_free_ char *value = NULL;
	va_list ap;
	int r;

	if (!spec)
		return -EINVAL;
	va_start(ap, fmt);
	r = vasprintf(&value, fmt, ap);
	va_end(ap);
	if (r < 0) {
		value = NULL;
		return refuse(spec, ENOMEM, "out of memory");
	}
	return set(spec, name, value);
}

SH_EXPORT int sh_spec_set_argv(sh_spec *spec, const char *const *argv)
{
	struct strv command = { 0 };

	if (!spec)
		return -EINVAL;
	if (!argv || !argv[0])
		return refuse(spec, EINVAL, "no command given");
	for (size_t i = 0; argv[i]; i++)
		if (strv_push(&command, argv[i]) < 0) {
			strv_clear(&command);
			return refuse(spec, ENOMEM, "out of memory");
		}
	strv_clear(&spec->spec.command);
	spec->spec.command = command;
	return 0;
}

SH_EXPORT int sh_spec_set_argv0(sh_spec *spec, const char *argv0)
{
	return set(spec, "argv0", argv0);
}

SH_EXPORT int sh_spec_set_chdir(sh_spec *spec, const char *dir)
{
	return set(spec, "chdir", dir);
}

SH_EXPORT int sh_spec_clearenv(sh_spec *spec)
{
	if (!spec)
		return -EINVAL;
	spec->spec.clearenv = true;
	return 0;
}

/* entry as the option parser would take it (its message when not), then
 * into the spec's environment, where the last word on a name wins */
static int put_env(sh_spec *spec, const char *option, char *entry)
{
	struct spec scratch;
	int r;

	spec_init(&scratch);
	r = set_in(&scratch, spec, option, entry);
	spec_clear(&scratch);
	if (r < 0) {
		free(entry);
		return r;
	}
	if (env_put(&spec->env, entry, strcmp(option, "unsetenv") == 0) < 0)
		return refuse(spec, ENOMEM, "out of memory");
	return 0;
}

SH_EXPORT int sh_spec_setenv(sh_spec *spec, const char *name,
			     const char *value)
{
	char *entry;

	if (!spec)
		return -EINVAL;
	if (!name || !value)
		return refuse(spec, EINVAL, "--setenv: no name or value");
	if (!*name || strchr(name, '='))
		return refuse(spec, EINVAL,
			      "--setenv: a name must be non-empty, without '='");
	if (asprintf(&entry, "%s=%s", name, value) < 0)
		return refuse(spec, ENOMEM, "out of memory");
	return put_env(spec, "setenv", entry);
}

SH_EXPORT int sh_spec_unsetenv(sh_spec *spec, const char *name)
{
	char *entry;

	if (!spec)
		return -EINVAL;
	if (!name || !*name || strchr(name, '='))
		return refuse(spec, EINVAL,
			      "--unsetenv: a name must be non-empty, without '='");
	if (!(entry = strdup(name)))
		return refuse(spec, ENOMEM, "out of memory");
	return put_env(spec, "unsetenv", entry);
}

SH_EXPORT int sh_spec_set_environ(sh_spec *spec, const char *const *envp)
{
	struct env env = { 0 };

	if (!spec)
		return -EINVAL;
	/* all or nothing: a refused entry leaves the environment as it was */
	for (size_t i = 0; envp && envp[i]; i++) {
		const char *eq = strchr(envp[i], '=');
		char *entry;

		if (!eq || eq == envp[i]) {
			env_clear(&env);
			return refuse(spec, EINVAL,
				      "an environment entry is not NAME=VALUE");
		}
		if (!(entry = strdup(envp[i])) || env_put(&env, entry, false) < 0) {
			env_clear(&env);
			return refuse(spec, ENOMEM, "out of memory");
		}
	}
	env_clear(&spec->env);
	spec->env = env;
	spec->spec.clearenv = true;
	spec->err.message[0] = '\0';
	return 0;
}

SH_EXPORT int sh_spec_map_fd(sh_spec *spec, int child_fd, int parent_fd)
{
	return setf(spec, "fd", "%d=%d", child_fd, parent_fd);
}

SH_EXPORT int sh_spec_set_umask(sh_spec *spec, mode_t mask)
{
	return setf(spec, "umask", "%04o", (unsigned)mask);
}

SH_EXPORT int sh_spec_set_new_session(sh_spec *spec, bool on)
{
	if (!spec)
		return -EINVAL;
	spec->spec.new_session = on;
	return 0;
}

SH_EXPORT int sh_spec_set_die_with_parent(sh_spec *spec, bool on)
{
	if (!spec)
		return -EINVAL;
	spec->spec.die_with_parent = on;
	return 0;
}

SH_EXPORT int sh_spec_set_user(sh_spec *spec, const char *user)
{
	return set(spec, "uid", user);
}

SH_EXPORT int sh_spec_set_uid(sh_spec *spec, uid_t uid)
{
	return setf(spec, "uid", "%u", (unsigned)uid);
}

SH_EXPORT int sh_spec_set_group(sh_spec *spec, const char *group)
{
	return set(spec, "gid", group);
}

SH_EXPORT int sh_spec_set_gid(sh_spec *spec, gid_t gid)
{
	return setf(spec, "gid", "%u", (unsigned)gid);
}

SH_EXPORT int sh_spec_set_groups(sh_spec *spec, const gid_t *groups, size_t n)
{
	struct strv list = { 0 };
	size_t len = 1;
	char *joined;
	int r;

	if (!spec)
		return -EINVAL;
	if (!groups && n)
		return refuse(spec, EINVAL, "--groups: no array of groups");
	for (size_t i = 0; i < n; i++)
		if (strv_pushf(&list, "%u", (unsigned)groups[i]) < 0) {
			strv_clear(&list);
			return refuse(spec, ENOMEM, "out of memory");
		}
	for (size_t i = 0; i < n; i++)
		len += strlen(list.v[i]) + 1;
	joined = calloc(1, len);
	if (!joined) {
		strv_clear(&list);
		return refuse(spec, ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		if (i)
			strcat(joined, ",");
		strcat(joined, list.v[i]);
	}
	r = set(spec, "groups", joined);
	free(joined);
	strv_clear(&list);
	return r;
}

SH_EXPORT int sh_spec_unshare(sh_spec *spec, unsigned namespaces)
{
	if (!spec)
		return -EINVAL;
	if (namespaces & ~(unsigned)(NS_BIT(NS_COUNT) - 1))
		return refuse(spec, EINVAL, "unknown SH_NS_* flags");
	spec->spec.unshare |= namespaces;
	return 0;
}

SH_EXPORT int sh_spec_join_ns(sh_spec *spec, unsigned ns, const char *path)
{
	for (int k = 0; k < NS_COUNT; k++)
		if (ns == NS_BIT(k))
			return setf(spec, "join-ns", "%s=%s", ns_table[k].name,
				    path ? path : "");
	return refuse(spec, EINVAL, "--join-ns: not one SH_NS_* flag");
}

SH_EXPORT int sh_spec_set_ns_fallback_drop(sh_spec *spec, bool drop)
{
	if (!spec)
		return -EINVAL;
	spec->spec.ns_fallback = drop ? NS_FALLBACK_DROP : NS_FALLBACK_UNSET;
	return 0;
}

SH_EXPORT int sh_spec_set_map_root(sh_spec *spec, bool on)
{
	if (!spec)
		return -EINVAL;
	spec->spec.map_root = on;
	return 0;
}

SH_EXPORT int sh_spec_set_uid_map(sh_spec *spec, const char *records)
{
	return set(spec, "uid-map", records);
}

SH_EXPORT int sh_spec_set_gid_map(sh_spec *spec, const char *records)
{
	return set(spec, "gid-map", records);
}

SH_EXPORT int sh_spec_set_hostname(sh_spec *spec, const char *hostname)
{
	return set(spec, "hostname", hostname);
}

SH_EXPORT int sh_spec_add_loopback_addr(sh_spec *spec, const char *addr)
{
	return set(spec, "loopback-addr", addr);
}

SH_EXPORT int sh_spec_add_bind(sh_spec *spec, const char *source,
			       const char *dest, bool read_only)
{
	/* the option is SOURCE:DEST, split at the first ':' */
	if (source && strchr(source, ':'))
		return refuse(spec, EINVAL,
			      read_only ? "--ro-bind: a source with ':' cannot be given"
					: "--bind: a source with ':' cannot be given");
	return setf(spec, read_only ? "ro-bind" : "bind", "%s:%s",
		    source ? source : "", dest ? dest : "");
}

SH_EXPORT int sh_spec_add_tmpfs(sh_spec *spec, const char *dest)
{
	return set(spec, "tmpfs", dest);
}

SH_EXPORT int sh_spec_set_chroot(sh_spec *spec, const char *dir)
{
	return set(spec, "chroot", dir);
}

SH_EXPORT int sh_spec_set_cgroup(sh_spec *spec, const char *path)
{
	return set(spec, "cgroup", path);
}

SH_EXPORT int sh_spec_set_cgroup_parent(sh_spec *spec, const char *path)
{
	return set(spec, "cgroup-parent", path);
}

SH_EXPORT int sh_spec_set_memory_max(sh_spec *spec, uint64_t bytes)
{
	if (!spec)
		return -EINVAL;
	if (!bytes) {
		spec->spec.memory_max = 0;
		return 0;
	}
	return setf(spec, "memory-max", "%" PRIu64, bytes);
}

SH_EXPORT int sh_spec_set_pids_max(sh_spec *spec, uint64_t pids)
{
	if (!spec)
		return -EINVAL;
	if (!pids) {
		spec->spec.pids_max = 0;
		return 0;
	}
	return setf(spec, "pids-max", "%" PRIu64, pids);
}

SH_EXPORT int sh_spec_set_cpu_max(sh_spec *spec, unsigned cpus_milli)
{
	if (!spec)
		return -EINVAL;
	if (!cpus_milli) {
		spec->spec.cpu_max_milli = 0;
		return 0;
	}
	return setf(spec, "cpu-max", "%u.%03u", cpus_milli / 1000,
		    cpus_milli % 1000);
}

SH_EXPORT int sh_spec_set_timeout(sh_spec *spec, unsigned timeout_ms,
				  unsigned kill_after_ms)
{
	int r;

	if (!spec)
		return -EINVAL;
	if (!timeout_ms) {
		spec->spec.timeout_ms = 0;
		spec->spec.kill_after_ms = -1;
		return 0;
	}
	r = setf(spec, "timeout", "%u.%03u", timeout_ms / 1000,
		 timeout_ms % 1000);
	if (r < 0)
		return r;
	if (!kill_after_ms) { /* the default grace, whatever was set before */
		spec->spec.kill_after_ms = -1;
		return 0;
	}
	return setf(spec, "kill-after", "%u.%03u", kill_after_ms / 1000,
		    kill_after_ms % 1000);
}

SH_EXPORT int sh_spec_keep_caps(sh_spec *spec, const char *caps)
{
	return set(spec, "cap-keep", caps);
}

SH_EXPORT int sh_spec_set_allow_new_privs(sh_spec *spec, bool allow)
{
	if (!spec)
		return -EINVAL;
	spec->spec.allow_new_privs = allow;
	return 0;
}

SH_EXPORT int sh_spec_set_seccomp_profile(sh_spec *spec, const char *profile)
{
	return set(spec, "seccomp-profile", profile);
}

SH_EXPORT int sh_spec_set_seccomp_policy(sh_spec *spec, const char *path)
{
	return set(spec, "seccomp-policy", path);
}

SH_EXPORT int sh_spec_set_seccomp_bpf(sh_spec *spec, int fd)
{
	if (!spec)
		return -EINVAL;
	if (fd < 0) {
		spec->spec.seccomp_bpf_fd = -1;
		return 0;
	}
	return setf(spec, "seccomp-bpf", "%d", fd);
}

SH_EXPORT int sh_spec_landlock_write(sh_spec *spec, const char *path)
{
	return set(spec, "landlock-write", path);
}

SH_EXPORT int sh_spec_landlock_read(sh_spec *spec, const char *path)
{
	return set(spec, "landlock-read", path);
}

SH_EXPORT int sh_spec_set_landlock_best_effort(sh_spec *spec,
					       bool best_effort)
{
	if (!spec)
		return -EINVAL;
	spec->spec.landlock_mode =
		best_effort ? LANDLOCK_MODE_BEST_EFFORT : LANDLOCK_MODE_UNSET;
	return 0;
}

static void format_limit(char *buf, size_t size, uint64_t value)
{
	if (value == (uint64_t)RLIM_INFINITY)
		snprintf(buf, size, "unlimited");
	else
		snprintf(buf, size, "%" PRIu64, value);
}

SH_EXPORT int sh_spec_set_rlimit(sh_spec *spec, const char *name,
				 uint64_t soft, uint64_t hard)
{
	char s[32], h[32];
	int resource = name ? rlimit_by_name(name, strlen(name)) : -1;
	struct rlimit_setting old;
	bool had;
	int r;

	if (!spec)
		return -EINVAL;
	format_limit(s, sizeof(s), soft);
	format_limit(h, sizeof(h), hard);
	/* set again: the new value replaces the old one, which comes back
	 * when the new one is refused */
	had = resource >= 0 &&
	      rlimit_list_take(&spec->spec.rlimits, resource, &old);
	r = setf(spec, "rlimit", "%s=%s:%s", name ? name : "", s, h);
	if (r < 0 && had) {
		rlimit_list_put(&spec->spec.rlimits, &old);
		return r;
	}
	if (had)
		free((char *)old.text);
	return r;
}

SH_EXPORT int sh_spec_set_option(sh_spec *spec, const char *name,
				 const char *value)
{
	char *entry;

	if (!name)
		return refuse(spec, EINVAL, "no option name");
	/* the library reads the records itself: sh_process_status_fd */
	if (strcmp(name, "status-fd") == 0)
		return refuse(spec, EINVAL,
			      "--status-fd is the library's own "
			      "(read the records with sh_process_status_fd "
			      "or sh_wait)");
	/* the same environment as sh_spec_setenv's: a name given again
	 * replaces its value */
	if (spec && value &&
	    (strcmp(name, "setenv") == 0 || strcmp(name, "unsetenv") == 0)) {
		if (!(entry = strdup(value)))
			return refuse(spec, ENOMEM, "out of memory");
		return put_env(spec, name, entry);
	}
	return set(spec, name, value);
}
