/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "launch.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <linux/nsfs.h>
#include <unistd.h>

#include "exec.h"

extern char **environ;

/* A file that is no namespace of the kind named would only fail at the
 * setns, in the sandbox, with a bare EINVAL: say it here, where nothing
 * runs yet. NS_GET_NSTYPE answers since Linux 4.11. */
static int check_ns_file(int fd, int kind, const char *value,
			 struct sh_err *err)
{
	int type = ioctl(fd, NS_GET_NSTYPE);

	if (type < 0 && (errno == ENOTTY || errno == EINVAL))
		return err_set(err, STAGE_SPEC, EINVAL,
			       "--join-ns `%s`: not a namespace file (such as "
			       "/proc/PID/ns/%s)",
			       value, ns_table[kind].proc_name);
	if (type < 0)
		return err_sys(err, STAGE_SPEC, errno,
			       "--join-ns `%s`: NS_GET_NSTYPE", value);
	if ((unsigned long)type != ns_table[kind].flag)
		return err_set(err, STAGE_SPEC, EINVAL,
			       "--join-ns `%s`: not a `%s` namespace", value,
			       ns_table[kind].name);
	return 0;
}

static int open_join_fds(struct launch *launch, struct sh_err *err)
{
	const struct join_list *joins = &launch->spec->join_ns;

	for (size_t i = 0; i < joins->n; i++) {
		const struct join_spec *j = &joins->v[i];
		int fd = open(j->path, O_RDONLY | O_CLOEXEC), r;

		if (fd < 0)
			return err_sys(err, STAGE_SPEC, errno,
				       "--join-ns `%s`: open", j->text);
		launch->join_fds[j->kind] = fd;
		launch->join_values[j->kind] = j->text;
		if ((r = check_ns_file(fd, j->kind, j->text, err)) < 0)
			return r;
	}
	return 0;
}

/* Maps of the user namespace: the spec's, or the caller's own ids (to 0
 * with --map-root), which is all an unprivileged caller may map. */
static int prepare_user(struct launch *launch, struct sh_err *err)
{
	const struct spec *spec = launch->spec;
	uid_t uid = geteuid();
	gid_t gid = getegid();
	int setgid_cap = caps_effective(CAP_SETGID);

	if (setgid_cap < 0)
		return err_sys(err, STAGE_CAPS, -setgid_cap,
			       "read the helper's capabilities");
	id_map_single(&launch->uid_map, spec->map_root ? 0 : uid, uid);
	id_map_single(&launch->gid_map, spec->map_root ? 0 : gid, gid);
	if (spec->uid_map)
		launch->uid_map = spec->uid_map->map;
	if (spec->gid_map)
		launch->gid_map = spec->gid_map->map;
	/* without CAP_SETGID outside, the kernel wants setgroups denied */
	launch->deny_setgroups = !setgid_cap;
	return 0;
}

static int prepare_network(struct launch *launch, struct sh_err *err)
{
	const struct addr_list *given = &launch->spec->loopback_addrs;
	const char *defaults[] = { NET_DEFAULT_ADDR4, NET_DEFAULT_ADDR6 };

	if (given->n) {
		memcpy(launch->addrs, given->v, given->n * sizeof(*given->v));
		launch->n_addrs = given->n;
	} else {
		/* constants: they parse */
		for (size_t i = 0; i < 2; i++)
			(void)net_parse_addr(defaults[i], &launch->addrs[i]);
		launch->n_addrs = 2;
	}
	launch->hostname = launch->spec->hostname;
	if (!launch->hostname && (launch->namespaces & NS_BIT(NS_NET)))
		launch->hostname = "localhost"; /* as portage */
	return 0;
}

static const char *const mount_options[] = {
	[MOUNT_BIND] = "bind",
	[MOUNT_RO_BIND] = "ro-bind",
	[MOUNT_TMPFS] = "tmpfs",
	[MOUNT_WRITABLE] = "writable",
};

/* One more entry of the plan; its destination checked. */
static int add_mount(struct launch *launch, enum mount_kind kind,
		     const char *source, const char *dest, const char *value,
		     struct sh_err *err)
{
	struct mount_entry *e = &launch->mounts[launch->mount_plan.n++];

	e->kind = kind;
	e->option = mount_options[kind];
	e->value = value;
	e->source = source;
	e->dest = dest;
	/* the command would keep the root below it, unchanged (on a new
	 * root, the mount is what pivot_root enters) */
	if (!launch->spec->chroot && mount_path_is_root(dest))
		return err_set(err, STAGE_SPEC, EINVAL,
			       "--%s `%s`: a mount on / is not seen (the "
			       "command keeps the root below it): give "
			       "--chroot DIR for a new root",
			       e->option, value);
	return 0;
}

static int add_binds(struct launch *launch, const struct bind_list *binds,
		     enum mount_kind kind, struct sh_err *err)
{
	for (size_t i = 0; i < binds->n; i++) {
		const struct bind_spec *b = &binds->v[i];
		int r = add_mount(launch, kind, b->source, b->dest, b->text,
				  err);

		if (r < 0)
			return r;
	}
	return 0;
}

/* --tmpfs and --writable: the value is the destination */
static int add_mounts(struct launch *launch, const struct strv *values,
		      enum mount_kind kind, struct sh_err *err)
{
	for (size_t i = 0; i < values->n; i++) {
		int r = add_mount(launch, kind, NULL, values->v[i],
				  values->v[i], err);

		if (r < 0)
			return r;
	}
	return 0;
}

/* The new root must be a directory: checked here, where nothing runs,
 * and named as the option, not as the bind the mount stage makes of it. */
static int check_chroot(const char *dir, struct sh_err *err)
{
	struct stat st;

	if (stat(dir, &st) < 0)
		return err_sys(err, STAGE_SPEC, errno, "--chroot `%s`", dir);
	if (!S_ISDIR(st.st_mode))
		return err_set(err, STAGE_SPEC, ENOTDIR,
			       "--chroot `%s`: not a directory", dir);
	return 0;
}

/* The id that id maps to through map (one "INNER OUTER COUNT" record a
 * line): the outer one of an inner id, or with outward false the inner
 * one of an outer id; -1 when the map does not map it. */
static long map_id(const char *map, unsigned long id, bool outward)
{
	const char *p = map;
	unsigned long in, out, count;
	int used = 0;

	for (; sscanf(p, "%lu %lu %lu\n%n", &in, &out, &count, &used) == 3 &&
	       used;
	     p += used) {
		unsigned long from = outward ? in : out, to = outward ? out : in;

		if (id >= from && id - from < count)
			return (long)(to + (id - from));
	}
	return -1;
}

/* The uid the command has in the helper's own user namespace, or -1
 * when the helper cannot tell (a joined user namespace, an unmapped
 * uid). */
static long command_uid(const struct launch *launch)
{
	if (launch->join_fds[NS_USER] >= 0)
		return -1;
	/* without --uid the command keeps the caller's identity outside */
	if (!launch->creds.set_uid)
		return (long)launch->host.euid;
	if (!(launch->namespaces & NS_BIT(NS_USER)))
		return (long)launch->creds.uid;
	return map_id(launch->uid_map.text, launch->creds.uid, true);
}

/* The command's uid as the host sees it: through the helper's own user
 * namespace's map, when the helper runs in one (its uid 0 may be an
 * ordinary user outside). A map that cannot be read counts as the
 * host's own (the safe side: uid 0 is root). */
static long command_host_uid(const struct launch *launch)
{
	long uid = command_uid(launch);

	if (uid < 0 || !launch->host.uid_map_read)
		return uid;
	return map_id(launch->host.uid_map, (unsigned long)uid, true);
}

static bool changes_identity(const struct launch *launch)
{
	return launch->creds.set_uid &&
	       command_uid(launch) != (long)launch->host.euid;
}

/* What a caller forgets must not open the host: a command that is the
 * host's uid 0 (root owns the host's files, /sys, cgroupfs and every
 * root process) gets the read-only view and a pid namespace; one whose
 * uid changed gets a pid namespace (another process of that uid would
 * be within its reach: /proc/PID/root, /proc/PID/mem, ptrace); the
 * sandbox gets a session of its own. Each takes an UNSAFE option to
 * turn off, which the started record lists. The host's uid 0 does not
 * reach the host's IPC objects and root's daemons either (their sockets
 * under /run, abstract sockets: the daemon sees a peer of uid 0), but
 * with a writable host, which gives all of that anyway. */
static int prepare_safe_defaults(struct launch *launch, struct sh_err *err)
{
	const struct spec *spec = launch->spec;
	bool host_root = command_host_uid(launch) == 0;

	if (host_root && spec->unsafe_writable_host && !launch->sandbox.on)
		launch->unsafe |= UNSAFE_WRITABLE_HOST;
	else if (host_root || launch->sandbox.on)
		launch->read_only_host = true; /* the sandbox's enforcement */
	/* the view of the host's uid 0 is a safe default, not QA: the
	 * command's own grants (its SANDBOX_WRITE) do not widen it */
	if (host_root && launch->sandbox.on && spec->sandbox_grants) {
		if (spec->unsafe_writable_host)
			launch->unsafe |= UNSAFE_WRITABLE_HOST;
		else
			launch->sandbox.root_view = true;
	}
	if (launch->read_only_host && launch->join_fds[NS_MOUNT] >= 0)
		return err_set(err, STAGE_SPEC, EINVAL,
			       "--join-ns mnt: a command that is the host's "
			       "uid 0 sees the host read-only, which the "
			       "helper cannot make in a joined mount "
			       "namespace (give --uid, or "
			       "--unsafe-writable-host)");
	if (launch->read_only_host)
		launch->namespaces |= NS_BIT(NS_MOUNT);
	if ((host_root || changes_identity(launch)) &&
	    !(launch->namespaces & NS_BIT(NS_PID)) &&
	    launch->join_fds[NS_PID] < 0) {
		if (spec->unsafe_share_pids)
			launch->unsafe |= UNSAFE_SHARE_PIDS;
		else
			launch->namespaces |= NS_BIT(NS_PID) | NS_BIT(NS_MOUNT);
	}
	if (host_root && spec->unsafe_host_ipc)
		launch->unsafe |= UNSAFE_HOST_IPC;
	launch->host_ipc_closed = host_root && launch->read_only_host &&
				  !spec->unsafe_host_ipc &&
				  !spec->unsafe_writable_host;
	if (launch->host_ipc_closed && launch->join_fds[NS_IPC] < 0)
		launch->namespaces |= NS_BIT(NS_IPC);
	launch->own_session = !spec->unsafe_share_session;
	if (spec->unsafe_share_session)
		launch->unsafe |= UNSAFE_SHARE_SESSION;
	return 0;
}

/* The command goes back to the helper's working directory by its path
 * once its mounts and credentials are in place: the directory handle it
 * inherits would be the one below the mounts (a --writable bind on the
 * path would not be seen) and one its new uid may not be allowed to
 * enter. */
static int prepare_cwd(struct launch *launch, struct sh_err *err)
{
	const struct spec *spec = launch->spec;

	if (spec->chdir || spec->chroot ||
	    !((launch->namespaces & NS_BIT(NS_MOUNT)) ||
	      launch->creds.set_uid || launch->creds.set_gid ||
	      launch->creds.set_groups))
		return 0;
	launch->cwd = getcwd(NULL, 0);
	if (!launch->cwd && errno == ENOMEM)
		return err_set(err, STAGE_SPEC, ENOMEM, "out of memory");
	/* a directory without a path (removed): the command goes to / */
	if (!launch->cwd)
		launch->cwd_errno = errno;
	return 0;
}

/* Whether the plan mounts something on path already. */
static bool mounted_on(const struct launch *launch, const char *path)
{
	for (size_t i = 0; i < launch->mount_plan.n; i++)
		if (strcmp(launch->mounts[i].dest, path) == 0)
			return true;
	return false;
}

/* The --sandbox-write paths that are there to bind, writable in the
 * view: portage's list names paths that need not exist (the reports
 * still count them through the view's verdict: a path left out is
 * refused), /dev and /proc ones the view's own /dev and /proc serve,
 * and / leaves the host read-only (the view would not be seen). */
static void add_sandbox_writes(struct launch *launch)
{
	const struct strv *paths = &launch->spec->sandbox_write;
	struct stat st;

	for (size_t i = 0; i < paths->n; i++) {
		const char *p = paths->v[i];
		struct mount_entry *e;

		if (mount_path_is_root(p) || strncmp(p, "/dev/", 5) == 0 ||
		    strcmp(p, "/dev") == 0 || strncmp(p, "/proc/", 6) == 0 ||
		    strcmp(p, "/proc") == 0 || stat(p, &st) < 0 ||
		    mounted_on(launch, p))
			continue;
		e = &launch->mounts[launch->mount_plan.n++];
		*e = (struct mount_entry){ MOUNT_WRITABLE, NULL, p,
					   "sandbox-write", p };
	}
}

static int compare_dests(const void *a, const void *b)
{
	return strcmp(((const struct mount_entry *)a)->dest,
		      ((const struct mount_entry *)b)->dest);
}

/* Mounts are made in the order of their destinations, so a mount on
 * /a comes before one on /a/b whatever the order of the options. */
static int prepare_mounts(struct launch *launch, struct sh_err *err)
{
	const struct spec *spec = launch->spec;
	size_t n = spec->binds.n + spec->ro_binds.n + spec->tmpfs.n +
		   spec->writable.n + spec->sandbox_write.n;
	int r;

	launch->mounts = calloc(n + 1, sizeof(*launch->mounts));
	if (!launch->mounts)
		return err_set(err, STAGE_SPEC, ENOMEM, "out of memory");
	if (spec->chroot && (r = check_chroot(spec->chroot, err)) < 0)
		return r;
	if ((r = add_binds(launch, &spec->binds, MOUNT_BIND, err)) < 0 ||
	    (r = add_binds(launch, &spec->ro_binds, MOUNT_RO_BIND, err)) < 0 ||
	    (r = add_mounts(launch, &spec->tmpfs, MOUNT_TMPFS, err)) < 0 ||
	    (launch->read_only_host &&
	     (r = add_mounts(launch, &spec->writable, MOUNT_WRITABLE, err)) <
		     0))
		return r;
	if (launch->read_only_host)
		add_sandbox_writes(launch);
	qsort(launch->mounts, launch->mount_plan.n, sizeof(*launch->mounts),
	      compare_dests);
	launch->mount_plan.entries = launch->mounts;
	launch->mount_plan.new_root = spec->chroot;
	return 0;
}

/* What the mount stage does follows the namespaces really made. */
static void plan_special_mounts(struct launch *launch)
{
	launch->mount_plan.proc = launch->namespaces & NS_BIT(NS_PID);
	/* the read-only view's minimal /dev has a /dev/shm of its own */
	launch->mount_plan.dev_shm = (launch->namespaces & NS_BIT(NS_IPC)) &&
				     !launch->read_only_host;
	launch->mount_plan.read_only_host = launch->read_only_host;
	launch->mount_plan.hide_run = launch->host_ipc_closed;
	launch->mount_plan.cgroups_readonly =
		launch->spec->cgroup_parent != NULL;
	launch->mount_plan.deny =
		(const char *const *)launch->spec->sandbox_deny.v;
	launch->mount_plan.n_deny = launch->spec->sandbox_deny.n;
}

/* What cannot go without the mount namespace, or NULL. */
static const char *mount_ns_needed_by(const struct launch *launch)
{
	const struct spec *spec = launch->spec;

	if (spec->binds.n || spec->ro_binds.n || spec->tmpfs.n || spec->chroot)
		return "the mounts the spec asks for";
	if (launch->read_only_host)
		return "the read-only view of a command that is the host's "
		       "uid 0";
	if (spec->cgroup_parent)
		return "--cgroup-parent (the command sees the cgroup file "
		       "systems read-only)";
	return NULL;
}

/* What the namespace plan depends on, but for what the mounts need:
 * the safe defaults decide that later. */
static void take_ns_inputs(struct launch *launch)
{
	const struct spec *spec = launch->spec;

	launch->nsin = (struct ns_inputs){
		.asked = spec_namespaces(spec),
		.joined = launch_joined(launch),
		.privileged = launch->privileged,
		.map_root = spec->map_root,
		.maps_given = spec->uid_map || spec->gid_map,
		.hostname_given = spec->hostname != NULL,
		.drop = spec->ns_fallback == NS_FALLBACK_DROP,
	};
}

static int prepare_namespaces(struct launch *launch, struct sh_err *err)
{
	struct ns_state first, now;
	int r;

	launch->privileged = launch->host.cap_sys_admin;
	if ((r = open_join_fds(launch, err)) < 0)
		return r;
	take_ns_inputs(launch);
	if ((r = ns_plan_first(&launch->nsin, &first, err)) < 0)
		return r;
	launch->namespaces = first.namespaces;
	if ((r = prepare_user(launch, err)) < 0 ||
	    (r = prepare_safe_defaults(launch, err)) < 0 ||
	    (r = prepare_network(launch, err)) < 0 ||
	    (r = prepare_mounts(launch, err)) < 0 ||
	    (r = prepare_cwd(launch, err)) < 0)
		return r;
	launch->nsin.mount_ns_needed_by = mount_ns_needed_by(launch);
	plan_special_mounts(launch);
	now = launch_ns(launch);
	/* the sandbox makes its cgroup namespace itself, after the clone,
	 * and decides on a refusal as the plan says now */
	launch->cgroup_ns_fatal = ns_refusal_fails(&launch->nsin, &now);
	return 0;
}

/* With maps of the caller's choosing, the command must get an identity
 * in them: left unmapped it would still be the caller outside. */
static int check_maps_cover_caller(struct launch *launch, struct sh_err *err)
{
	const struct spec *spec = launch->spec;
	uid_t uid = launch->host.euid;
	gid_t gid = launch->host.egid;

	if (!(launch->namespaces & NS_BIT(NS_USER)))
		return 0;
	if (spec->uid_map && !spec->uid &&
	    map_id(launch->uid_map.text, uid, false) < 0)
		return err_set(err, STAGE_SPEC, EINVAL,
			       "--uid-map does not map the caller's uid %u: "
			       "give --uid",
			       (unsigned)uid);
	if (spec->gid_map && !spec->gid && !spec->uid &&
	    map_id(launch->gid_map.text, gid, false) < 0)
		return err_set(err, STAGE_SPEC, EINVAL,
			       "--gid-map does not map the caller's gid %u: "
			       "give --gid",
			       (unsigned)gid);
	return 0;
}

static int prepare_hardening(struct launch *launch, struct sh_err *err)
{
	const struct spec *spec = launch->spec;
	int r;

	launch->cap_keep = spec->cap_keep;
	/* an install makes device nodes for the image; opened, they would
	 * be the host's devices */
	launch->mount_plan.nodev_binds =
		launch->read_only_host &&
		(launch->cap_keep & (UINT64_C(1) << CAP_MKNOD));
	/* the spec holds one setting of each resource at most */
	_Static_assert(sizeof(launch->rlimits) ==
			       sizeof(spec->rlimits.v),
		       "a launch holds every rlimit of a spec");
	memcpy(launch->rlimits, spec->rlimits.v,
	       spec->rlimits.n * sizeof(*spec->rlimits.v));
	launch->n_rlimits = spec->rlimits.n;
	launch->sandbox.nodev = launch->mount_plan.nodev_binds;
	if ((r = seccomp_prepare(spec, &launch->seccomp, err)) < 0 ||
	    (launch->sandbox.report &&
	     (r = seccomp_plan_sandbox(&launch->seccomp, &launch->sandbox,
				       err)) < 0))
		return r;
	/* seccomp and Landlock come after the capabilities are dropped:
	 * without no_new_privs they need CAP_SYS_ADMIN kept */
	if (spec->allow_new_privs &&
	    (launch->seccomp.n || spec->landlock_read.n ||
	     spec->landlock_write.n || spec_sandbox_reads_restricted(spec)) &&
	    !(launch->cap_keep & (UINT64_C(1) << CAP_SYS_ADMIN)))
		return err_set(err, STAGE_SPEC, EINVAL,
			       "--allow-new-privs with a seccomp filter (the "
			       "build profile by default, --seccomp-policy, "
			       "--seccomp-bpf) or Landlock needs --cap-keep "
			       "cap_sys_admin (or --seccomp-profile none, no "
			       "policy or BPF program, and no Landlock)");
	return check_maps_cover_caller(launch, err);
}

/* The sandbox keeps its own fds (LAUNCH_OWN_FDS channels to the monitor,
 * and the temp copies of the map's cycles) above every fd of the map
 * until the execve, so the map cannot overwrite them: there must be room
 * for them below the open-files limit. */
static int check_fd_room(const struct launch *launch,
			 const struct fd_mapping *map, size_t n_map,
			 struct sh_err *err)
{
	size_t need = LAUNCH_OWN_FDS + launch->fd_plan.n_temps;
	struct rlimit nofile;

	if (getrlimit(RLIMIT_NOFILE, &nofile) < 0)
		return err_sys(err, STAGE_SPEC, errno, "getrlimit NOFILE");
	if ((rlim_t)launch->temp_base + need <= nofile.rlim_cur)
		return 0;
	for (size_t i = 0; i < n_map; i++)
		if (map[i].child == launch->temp_base - 1 ||
		    map[i].parent == launch->temp_base - 1)
			return err_set(err, STAGE_SPEC, EMFILE,
				       "--fd %d=%d: the helper needs %zu fds "
				       "above fd %d until the command starts, "
				       "and the open-files limit is %llu",
				       map[i].child,
				       spec_caller_fd(launch->spec,
						      map[i].parent),
				       need, launch->temp_base - 1,
				       (unsigned long long)nofile.rlim_cur);
	return err_set(err, STAGE_SPEC, EMFILE,
		       "the helper needs %zu fds from fd %d, and the "
		       "open-files limit is %llu",
		       need, launch->temp_base,
		       (unsigned long long)nofile.rlim_cur);
}

int launch_prepare(struct launch *launch, const struct spec *spec,
		   struct sh_err *err)
{
	return launch_prepare_on(launch, spec, NULL, err);
}

/* The host's facts are read after the names are resolved, where the
 * plan first needs them: tests/faults.sh numbers its sites by the order
 * of the helper's calls. */
static int take_host_facts(struct launch *launch, const struct host_facts *host,
			   struct sh_err *err)
{
	if (!host)
		return host_facts_read(&launch->host, err);
	launch->host = *host;
	return 0;
}

int launch_prepare_on(struct launch *launch, const struct spec *spec,
		      const struct host_facts *host, struct sh_err *err)
{
	_cleanup_free_ struct fd_mapping *map = NULL;
	size_t n_map = 0;
	int r;

	memset(launch, 0, sizeof(*launch));
	launch->spec = spec;
	launch->error_fd = launch->sync_fd = launch->report_fd = -1;
	for (int k = 0; k < NS_COUNT; k++)
		launch->join_fds[k] = -1;
	sandbox_prepare(&launch->sandbox, spec);
	if ((r = spec_check_fds(spec, err)) < 0 ||
	    (r = creds_resolve(spec, &launch->creds, err)) < 0 ||
	    (r = env_build(spec, environ, &launch->env, err)) < 0 ||
	    (r = take_host_facts(launch, host, err)) < 0 ||
	    (r = prepare_namespaces(launch, err)) < 0 ||
	    (r = prepare_hardening(launch, err)) < 0)
		return r;
	if (spec_effective_fds(spec, &map, &n_map) < 0 ||
	    fdmap_plan(map, n_map, &launch->fd_plan) < 0)
		return err_set(err, STAGE_FDS, ENOMEM, "out of memory");
	launch->temp_base = fdmap_temp_base(map, n_map);
	return check_fd_room(launch, map, n_map, err);
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void launch_clear(struct launch *launch)
{
	creds_clear(&launch->creds);
	sandbox_close(&launch->sandbox);
	fdmap_plan_clear(&launch->fd_plan);
	strv_clear(&launch->env);
	strv_clear(&launch->mount_storage);
	cgroup_remove(&launch->cgroups);
	seccomp_plan_clear(&launch->seccomp);
	free(launch->mounts);
	launch->mounts = NULL;
	free(launch->cwd);
	launch->cwd = NULL;
	for (int k = 0; k < NS_COUNT; k++)
		close_fd(&launch->join_fds[k]);
	close_fd(&launch->error_fd);
	close_fd(&launch->sync_fd);
	close_fd(&launch->report_fd);
}

int launch_make_cgroups(struct launch *launch, struct sh_err *err)
{
	return cgroup_prepare(launch->spec, &launch->cgroups, err);
}

bool launch_needs_init(const struct launch *launch)
{
	return (launch->namespaces & NS_BIT(NS_PID)) ||
	       launch->join_fds[NS_PID] >= 0 || launch->join_fds[NS_TIME] >= 0;
}

bool launch_own_network(const struct launch *launch)
{
	return (launch->namespaces & NS_BIT(NS_NET)) &&
	       launch->join_fds[NS_NET] < 0;
}

bool launch_scopes_abstract_unix(const struct launch *launch)
{
	return launch->host_ipc_closed && !launch_own_network(launch) &&
	       !launch->spec->allow_new_privs;
}

unsigned launch_joined(const struct launch *launch)
{
	unsigned mask = 0;

	for (int k = 0; k < NS_COUNT; k++)
		if (launch->join_fds[k] >= 0)
			mask |= NS_BIT(k);
	return mask;
}

bool launch_needs_sync(const struct launch *launch)
{
	return (launch->namespaces & NS_BIT(NS_USER)) || launch->cgroups.n;
}

struct ns_state launch_ns(const struct launch *launch)
{
	struct ns_state s = { .namespaces = launch->namespaces,
			      .dropped = launch->dropped,
			      .hostname = launch->hostname };

	memcpy(s.dropped_errno, launch->dropped_errno,
	       sizeof(s.dropped_errno));
	return s;
}

void launch_replace_ns(struct launch *launch, const struct ns_state *next)
{
	launch->namespaces = next->namespaces;
	launch->dropped = next->dropped;
	memcpy(launch->dropped_errno, next->dropped_errno,
	       sizeof(launch->dropped_errno));
	launch->hostname = next->hostname;
	plan_special_mounts(launch);
}
