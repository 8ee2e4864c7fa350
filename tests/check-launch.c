/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests of the plan (launch.c): the namespaces, safe defaults and
 * mounts it decides for a spec on a host, and what it becomes when the
 * kernel refuses a namespace. The host is data (struct host_facts), so
 * the cases do not depend on who runs them; each is a row of a table. */
#include "config.h"

#include <check.h>
#include "check-run.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "launch.h"
#include "options.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_ARGS 16

#define U NS_BIT(NS_USER)
#define MNT NS_BIT(NS_MOUNT)
#define NET NS_BIT(NS_NET)
#define IPC NS_BIT(NS_IPC)
#define UTS NS_BIT(NS_UTS)
#define PID NS_BIT(NS_PID)
#define CG NS_BIT(NS_CGROUP)

#define IDENTITY_MAP "         0          0 4294967295\n"

/* ---- hosts ---- */

/* root on the host */
static const struct host_facts root = {
	.euid = 0, .egid = 0, .cap_sys_admin = true,
	.uid_map_read = true, .uid_map = IDENTITY_MAP,
};
/* an ordinary user */
static const struct host_facts user = {
	.euid = 1000, .egid = 1000, .uid_map_read = true,
	.uid_map = IDENTITY_MAP,
};
/* uid 0 of a user namespace whose 0 is the host's 1000 */
static const struct host_facts root_mapped_1000 = {
	.euid = 0, .egid = 0, .cap_sys_admin = true,
	.uid_map_read = true, .uid_map = "0 1000 1\n",
};
/* uid 0 of a user namespace whose 0 is the host's 0 */
static const struct host_facts root_mapped_0 = {
	.euid = 0, .egid = 0, .cap_sys_admin = true,
	.uid_map_read = true, .uid_map = "0 0 1\n",
};
/* root whose own map could not be read: counts as the host's */
static const struct host_facts root_map_unread = {
	.euid = 0, .egid = 0, .cap_sys_admin = true,
};

/* ---- the plan of a spec ---- */

/* One per test (Check forks each): the plan keeps pointers into it. */
static struct spec spec;
static struct launch launch;

/* The plan of args (options only; the command is `true`) on host. */
static int plan(const struct host_facts *host, const char *const *args,
		struct sh_err *err)
{
	char *tokens[MAX_ARGS + 2];
	enum cli_action action;
	size_t n = 0;
	int r;

	for (; args[n]; n++)
		tokens[n] = (char *)args[n];
	tokens[n++] = (char *)"--";
	tokens[n++] = (char *)"true";
	spec_init(&spec);
	r = spec_parse(&spec, tokens, n, false, &action, err);
	ck_assert_msg(r == 0, "the spec: %s", err->message);
	return launch_prepare_on(&launch, &spec, host, err);
}

static void assert_error(int r, const struct sh_err *err, int errnum,
			 const char *stage, const char *message)
{
	ck_assert_msg(r == -errnum, "r %d, want %d (%s)", r, -errnum,
		      err->message);
	ck_assert_str_eq(err->stage, stage);
	ck_assert_str_eq(err->message, message);
}

static void assert_hostname(const char *want)
{
	if (!want)
		ck_assert_msg(!launch.hostname, "hostname `%s`, want none",
			      launch.hostname);
	else
		ck_assert_msg(launch.hostname &&
				      strcmp(launch.hostname, want) == 0,
			      "hostname `%s`, want `%s`",
			      launch.hostname ? launch.hostname : "(none)",
			      want);
}

/* ---- the first plan ---- */

struct first_case {
	const char *what;
	const struct host_facts *host;
	const char *args[MAX_ARGS];
	/* an error: its errno and message (stage spec), nothing else */
	int errnum;
	const char *message;
	unsigned namespaces;
	bool privileged, read_only_host, caps_only, own_session;
	unsigned unsafe;
	const char *hostname;
	bool proc;
	bool hide_run; /* the host's IPC closed: an empty /run */
};

static const struct first_case first_cases[] = {
	{ "root, plain: the read-only view, a pid and an IPC namespace",
	  &root, { NULL },
	  .namespaces = MNT | PID | IPC, .privileged = true,
	  .read_only_host = true, .own_session = true, .proc = true,
	  .hide_run = true },
	{ "root --unsafe-host-ipc: the view, a pid namespace, the host's IPC",
	  &root, { "--unsafe-host-ipc", NULL },
	  .namespaces = MNT | PID, .privileged = true, .read_only_host = true,
	  .own_session = true, .unsafe = UNSAFE_HOST_IPC, .proc = true },
	{ "root --unsafe-host-ipc --unshare-ipc: the IPC namespace asked for",
	  &root, { "--unsafe-host-ipc", "--unshare-ipc", NULL },
	  .namespaces = MNT | PID | IPC, .privileged = true,
	  .read_only_host = true, .own_session = true,
	  .unsafe = UNSAFE_HOST_IPC, .proc = true },
	{ "root --uid 1000 --unsafe-host-ipc: nothing to turn off",
	  &root, { "--uid", "1000", "--gid", "1000", "--unsafe-host-ipc",
		   NULL },
	  .namespaces = MNT | PID, .privileged = true, .own_session = true,
	  .proc = true },
	{ "root --join-ns ipc: the joined one, /run still hidden",
	  &root, { "--join-ns", "ipc=/proc/self/ns/ipc", NULL },
	  .namespaces = MNT | PID, .privileged = true, .read_only_host = true,
	  .own_session = true, .proc = true, .hide_run = true },
	{ "root --uid 1000: a pid namespace, no view",
	  &root, { "--uid", "1000", "--gid", "1000", NULL },
	  .namespaces = MNT | PID, .privileged = true, .own_session = true,
	  .proc = true },
	{ "root, every default turned off",
	  &root, { "--unsafe-writable-host", "--unsafe-share-pids",
		   "--unsafe-share-session", NULL },
	  .namespaces = 0, .privileged = true,
	  .unsafe = UNSAFE_WRITABLE_HOST | UNSAFE_SHARE_PIDS |
		    UNSAFE_SHARE_SESSION },
	{ "root --unsafe-writable-host: a pid namespace still",
	  &root, { "--unsafe-writable-host", NULL },
	  .namespaces = MNT | PID, .privileged = true, .own_session = true,
	  .unsafe = UNSAFE_WRITABLE_HOST, .proc = true },
	{ "root --unsafe-share-pids: the view, no pid namespace",
	  &root, { "--unsafe-share-pids", NULL },
	  .namespaces = MNT | IPC, .privileged = true, .read_only_host = true,
	  .own_session = true, .unsafe = UNSAFE_SHARE_PIDS, .hide_run = true },
	{ "user, plain: a user namespace only for the caps",
	  &user, { NULL },
	  .namespaces = U, .caps_only = true, .own_session = true },
	{ "user --unshare-net: user, net, uts, localhost",
	  &user, { "--unshare-net", NULL },
	  .namespaces = U | NET | UTS, .own_session = true,
	  .hostname = "localhost" },
	{ "user --unshare-net --hostname h",
	  &user, { "--unshare-net", "--hostname", "h", NULL },
	  .namespaces = U | NET | UTS, .own_session = true, .hostname = "h" },
	{ "user --map-root: the user namespace asked for",
	  &user, { "--map-root", NULL },
	  .namespaces = U, .own_session = true },
	{ "user --unshare-user: the user namespace asked for",
	  &user, { "--unshare-user", NULL },
	  .namespaces = U, .own_session = true },
	{ "root --unshare-user: asked for, not only for the caps",
	  &root, { "--unshare-user", "--unsafe-writable-host",
		   "--unsafe-share-pids", NULL },
	  .namespaces = U, .privileged = true, .own_session = true,
	  .unsafe = UNSAFE_WRITABLE_HOST | UNSAFE_SHARE_PIDS },
	{ "user --join-ns user with --unshare-net",
	  &user, { "--join-ns", "user=/proc/self/ns/user", "--unshare-net",
		   NULL },
	  .errnum = EINVAL,
	  .message = "--join-ns user: cannot also make new namespaces or "
		     "maps (they would not be inside the joined one)" },
	{ "root --join-ns user with --map-root",
	  &root, { "--join-ns", "user=/proc/self/ns/user", "--map-root",
		   NULL },
	  .errnum = EINVAL,
	  .message = "--join-ns user: cannot also make new namespaces or "
		     "maps (they would not be inside the joined one)" },
	{ "user --join-ns net: no user namespace only for the caps",
	  &user, { "--join-ns", "net=/proc/self/ns/net", NULL },
	  .namespaces = U, .own_session = true },
	{ "host root --join-ns mount",
	  &root, { "--join-ns", "mount=/proc/self/ns/mnt", NULL },
	  .errnum = EINVAL,
	  .message = "--join-ns mnt: a command that is the host's uid 0 sees "
		     "the host read-only, which the helper cannot make in a "
		     "joined mount namespace (give --uid, or "
		     "--unsafe-writable-host)" },
	{ "helper uid 0 under the map 0 1000 1: not the host's root",
	  &root_mapped_1000, { NULL },
	  .namespaces = 0, .privileged = true, .own_session = true },
	{ "helper uid 0 under the map 0 0 1: the host's root",
	  &root_mapped_0, { NULL },
	  .namespaces = MNT | PID | IPC, .privileged = true,
	  .read_only_host = true, .own_session = true, .proc = true,
	  .hide_run = true },
	{ "root, its map unread: counts as the host's root",
	  &root_map_unread, { NULL },
	  .namespaces = MNT | PID | IPC, .privileged = true,
	  .read_only_host = true, .own_session = true, .proc = true,
	  .hide_run = true },
	{ "user --uid-map 0 1000 1 --uid 0: the host's 1000",
	  &user, { "--uid-map", "0 1000 1", "--uid", "0", "--gid", "0",
		   NULL },
	  .namespaces = U, .own_session = true },
	{ "user --uid-map not covering the caller",
	  &user, { "--uid-map", "0 2000 1", NULL },
	  .errnum = EINVAL,
	  .message = "--uid-map does not map the caller's uid 1000: give "
		     "--uid" },
	{ "user --gid-map not covering the caller",
	  &user, { "--gid-map", "0 2000 1", NULL },
	  .errnum = EINVAL,
	  .message = "--gid-map does not map the caller's gid 1000: give "
		     "--gid" },
	{ "user --uid-map covering the caller",
	  &user, { "--uid-map", "0 1000 1", NULL },
	  .namespaces = U, .own_session = true },
	{ "root --unshare-ipc --unsafe-writable-host: /dev/shm",
	  &root, { "--unshare-ipc", "--unsafe-writable-host", NULL },
	  .namespaces = IPC | MNT | PID, .privileged = true,
	  .own_session = true, .unsafe = UNSAFE_WRITABLE_HOST, .proc = true },
};

START_TEST(test_first_plan)
{
	const struct first_case *c = &first_cases[_i];
	struct sh_err err = { 0 };
	int r = plan(c->host, c->args, &err);
	struct ns_state now;

	if (c->errnum) {
		assert_error(r, &err, c->errnum, "spec", c->message);
		return;
	}
	ck_assert_msg(r == 0, "%s: %s", c->what, err.message);
	now = launch_ns(&launch);
	ck_assert_uint_eq(launch.namespaces, c->namespaces);
	ck_assert_uint_eq(launch.dropped, 0);
	ck_assert_int_eq(launch.privileged, c->privileged);
	ck_assert_int_eq(launch.read_only_host, c->read_only_host);
	ck_assert_int_eq(ns_user_only_for_caps(&launch.nsin, &now),
			 c->caps_only);
	ck_assert_int_eq(launch.own_session, c->own_session);
	ck_assert_uint_eq(launch.unsafe, c->unsafe);
	assert_hostname(c->hostname);
	ck_assert_int_eq(launch.mount_plan.proc, c->proc);
	ck_assert_int_eq(launch.mount_plan.read_only_host, c->read_only_host);
	ck_assert_int_eq(launch.mount_plan.hide_run, c->hide_run);
	ck_assert_int_eq(launch.host_ipc_closed, c->hide_run);
	ck_assert_int_eq(launch.mount_plan.dev_shm,
			 (c->namespaces & IPC) && !c->read_only_host);
	launch_clear(&launch);
}
END_TEST

/* Mounts are made in the order of their destinations. */
START_TEST(test_mount_order)
{
	struct sh_err err = { 0 };
	const char *args[] = { "--uid", "1000", "--gid", "1000", "--tmpfs",
			       "/b/c", "--tmpfs", "/a", "--bind", "/x:/b",
			       NULL };
	const char *want[] = { "/a", "/b", "/b/c" };

	ck_assert_int_eq(plan(&root, args, &err), 0);
	ck_assert_uint_eq(launch.mount_plan.n, N(want));
	for (size_t i = 0; i < N(want); i++)
		ck_assert_str_eq(launch.mount_plan.entries[i].dest, want[i]);
	ck_assert_str_eq(launch.mount_plan.entries[1].source, "/x");
	launch_clear(&launch);
}
END_TEST

/* The command goes back to the working directory by path when its mounts
 * or its ids change, unless the spec names one. */
struct cwd_case {
	const struct host_facts *host;
	const char *args[MAX_ARGS];
	bool kept;
};

static const struct cwd_case cwd_cases[] = {
	{ &root, { "--uid", "1000", "--gid", "1000", NULL }, true },
	{ &user, { "--unshare-net", "--unshare-ipc", NULL }, true },
	{ &root, { "--uid", "1000", "--gid", "1000", "--chdir", "/tmp",
		   NULL }, false },
	{ &user, { NULL }, false },
	{ &root, { "--unsafe-writable-host", "--unsafe-share-pids", NULL },
	  false },
};

START_TEST(test_cwd)
{
	const struct cwd_case *c = &cwd_cases[_i];
	struct sh_err err = { 0 };
	_cleanup_free_ char *here = getcwd(NULL, 0);

	ck_assert_int_eq(plan(c->host, c->args, &err), 0);
	if (c->kept)
		ck_assert_str_eq(launch.cwd, here);
	else
		ck_assert_ptr_null(launch.cwd);
	launch_clear(&launch);
}
END_TEST

/* ---- the plan after a refusal ---- */

/* A later refusal, of the plan an earlier one left. */
struct refusal_step {
	enum ns_refused_at at;
	unsigned refused;
	int errnos[NS_COUNT];
};

struct refusal_case {
	const char *what;
	const struct host_facts *host;
	const char *args[MAX_ARGS];
	enum ns_refused_at at;
	unsigned refused;    /* as the diagnosis finds it */
	int errnos[NS_COUNT];
	int clone_errno;
	const char *sysctl;  /* the sysctl that refuses it, as read */
	struct refusal_step then; /* none when then.refused is 0 */
	/* an error: its errno and message (stage ns unless given) */
	int errnum;
	const char *message;
	const char *stage;
	unsigned namespaces, dropped;
	int dropped_errno[NS_COUNT];
	bool caps_only;
	const char *hostname;
	bool proc, dev_shm;
};

static const struct refusal_case refusal_cases[] = {
	/* R1 */
	{ "drop, unprivileged, user refused: everything made goes",
	  &user, { "--unshare-net", "--unshare-ipc", "--ns-fallback", "drop",
		   NULL },
	  .refused = U,
	  .namespaces = 0, .dropped = U | NET | UTS | IPC | MNT,
	  .dropped_errno = { [NS_USER] = EPERM, [NS_MOUNT] = EPERM,
			     [NS_NET] = EPERM, [NS_IPC] = EPERM,
			     [NS_UTS] = EPERM },
	  .caps_only = true },
	{ "drop, unprivileged, user refused with ENOSPC: each its errno",
	  &user, { "--unshare-net", "--ns-fallback", "drop", NULL },
	  .refused = U | NET | UTS,
	  .errnos = { [NS_USER] = ENOSPC, [NS_NET] = ENOSPC,
		      [NS_UTS] = ENOSPC },
	  .namespaces = 0, .dropped = U | NET | UTS,
	  .dropped_errno = { [NS_USER] = ENOSPC, [NS_NET] = ENOSPC,
			     [NS_UTS] = ENOSPC },
	  .caps_only = true },
	/* R2 */
	{ "caps only, user refused: user dropped, no error",
	  &user, { NULL },
	  .refused = U, .errnos = { [NS_USER] = EPERM },
	  .namespaces = 0, .dropped = U,
	  .dropped_errno = { [NS_USER] = EPERM }, .caps_only = true },
	{ "caps only, user refused without an errno: EPERM",
	  &user, { "--ns-fallback", "drop", NULL },
	  .refused = U,
	  .namespaces = 0, .dropped = U,
	  .dropped_errno = { [NS_USER] = EPERM }, .caps_only = true },
	/* R3 */
	{ "drop, user refused with --uid-map",
	  &user, { "--uid-map", "0 1000 1", "--ns-fallback", "drop", NULL },
	  .refused = U, .errnos = { [NS_USER] = ENOSPC },
	  .errnum = ENOSPC,
	  .message = "namespace `user` refused, and the --uid-map or "
		     "--gid-map the spec gives needs it" },
	{ "drop, user refused with --gid-map",
	  &user, { "--gid-map", "0 1000 1", "--ns-fallback", "drop", NULL },
	  .refused = U,
	  .errnum = EPERM,
	  .message = "namespace `user` refused, and the --uid-map or "
		     "--gid-map the spec gives needs it" },
	/* R4 */
	{ "drop, mount refused with --bind",
	  &root, { "--uid", "1000", "--gid", "1000", "--bind", "/x:/y",
		   "--ns-fallback", "drop", NULL },
	  .refused = MNT, .errnos = { [NS_MOUNT] = EACCES },
	  .errnum = EACCES,
	  .message = "namespace `mount` refused (needed for the mounts the "
		     "spec asks for)" },
	{ "drop, unprivileged, mount refused with --tmpfs",
	  &user, { "--tmpfs", "/y", "--ns-fallback", "drop", NULL },
	  .refused = MNT,
	  .errnum = EPERM,
	  .message = "namespace `mount` refused (needed for the mounts the "
		     "spec asks for)" },
	{ "drop, mount refused with the read-only view",
	  &root, { "--ns-fallback", "drop", NULL },
	  .refused = MNT,
	  .errnum = EPERM,
	  .message = "namespace `mount` refused (needed for the read-only "
		     "view of a command that is the host's uid 0)" },
	{ "drop, mount refused with --cgroup-parent",
	  &root, { "--uid", "1000", "--gid", "1000", "--cgroup-parent",
		   "/sys/fs/cgroup/x", "--ns-fallback", "drop", NULL },
	  .refused = MNT,
	  .errnum = EPERM,
	  .message = "namespace `mount` refused (needed for --cgroup-parent "
		     "(the command sees the cgroup file systems "
		     "read-only))" },
	/* R5 */
	{ "privileged, net refused: net out, no hostname",
	  &root, { "--uid", "1000", "--gid", "1000", "--unshare-net",
		   "--ns-fallback", "drop", NULL },
	  .refused = NET, .errnos = { [NS_NET] = ENOSPC },
	  .namespaces = UTS | PID | MNT, .dropped = NET,
	  .dropped_errno = { [NS_NET] = ENOSPC }, .proc = true },
	{ "privileged, net refused: --hostname kept",
	  &root, { "--uid", "1000", "--gid", "1000", "--unshare-net",
		   "--hostname", "h", "--ns-fallback", "drop", NULL },
	  .refused = NET,
	  .namespaces = UTS | PID | MNT, .dropped = NET,
	  .dropped_errno = { [NS_NET] = EPERM }, .hostname = "h",
	  .proc = true },
	{ "privileged, uts refused: no hostname, even --hostname",
	  &root, { "--uid", "1000", "--gid", "1000", "--unshare-net",
		   "--hostname", "h", "--ns-fallback", "drop", NULL },
	  .refused = UTS,
	  .namespaces = NET | PID | MNT, .dropped = UTS,
	  .dropped_errno = { [NS_UTS] = EPERM }, .proc = true },
	{ "privileged, pid refused: no /proc",
	  &root, { "--uid", "1000", "--gid", "1000", "--unshare-net",
		   "--ns-fallback", "drop", NULL },
	  .refused = PID,
	  .namespaces = NET | UTS | MNT, .dropped = PID,
	  .dropped_errno = { [NS_PID] = EPERM }, .hostname = "localhost" },
	{ "privileged, ipc refused: no /dev/shm",
	  &root, { "--unshare-ipc", "--unsafe-writable-host",
		   "--ns-fallback", "drop", NULL },
	  .refused = IPC,
	  .namespaces = MNT | PID, .dropped = IPC,
	  .dropped_errno = { [NS_IPC] = EPERM }, .proc = true },
	/* R6 */
	{ "unprivileged, net and uts refused: only user left, caps only",
	  &user, { "--unshare-net", "--ns-fallback", "drop", NULL },
	  .refused = NET | UTS,
	  .namespaces = U, .dropped = NET | UTS,
	  .dropped_errno = { [NS_NET] = EPERM, [NS_UTS] = EPERM },
	  .caps_only = true },
	{ "unprivileged, net refused, uts left: not caps only",
	  &user, { "--unshare-net", "--ns-fallback", "drop", NULL },
	  .refused = NET,
	  .namespaces = U | UTS, .dropped = NET,
	  .dropped_errno = { [NS_NET] = EPERM } },
	/* the maps keep their user namespace after a drop (risk 10 of the
	 * plan, fixed: it became "caps only", and a refusal of it then ran
	 * the command as the caller despite --uid-map) */
	{ "unprivileged --map-root, net and uts refused: not caps only",
	  &user, { "--map-root", "--unshare-net", "--ns-fallback", "drop",
		   NULL },
	  .refused = NET | UTS,
	  .namespaces = U, .dropped = NET | UTS,
	  .dropped_errno = { [NS_NET] = EPERM, [NS_UTS] = EPERM } },
	{ "unprivileged --uid-map, net and uts refused: not caps only",
	  &user, { "--uid-map", "0 1000 1", "--unshare-net", "--ns-fallback",
		   "drop", NULL },
	  .refused = NET | UTS,
	  .namespaces = U, .dropped = NET | UTS,
	  .dropped_errno = { [NS_NET] = EPERM, [NS_UTS] = EPERM } },
	{ "unprivileged --uid-map, net and uts dropped, then the maps "
	  "refused: the --uid-map needs it",
	  &user, { "--uid-map", "0 1000 2", "--unshare-net", "--ns-fallback",
		   "drop", NULL },
	  .refused = NET | UTS,
	  .then = { NS_REFUSED_AT_MAPS, U, { [NS_USER] = EPERM } },
	  .errnum = EPERM,
	  .message = "namespace `user` refused, and the --uid-map or "
		     "--gid-map the spec gives needs it" },
	{ "unprivileged --gid-map, net and uts dropped, then user refused: "
	  "the --gid-map needs it",
	  &user, { "--gid-map", "0 1000 1", "--unshare-net", "--ns-fallback",
		   "drop", NULL },
	  .refused = NET | UTS,
	  .then = { NS_REFUSED_AT_CLONE, U, { [NS_USER] = ENOSPC } },
	  .errnum = ENOSPC,
	  .message = "namespace `user` refused, and the --uid-map or "
		     "--gid-map the spec gives needs it" },
	{ "unprivileged --map-root, net and uts dropped, then the maps "
	  "refused: user dropped too, and listed",
	  &user, { "--map-root", "--unshare-net", "--ns-fallback", "drop",
		   NULL },
	  .refused = NET | UTS,
	  .then = { NS_REFUSED_AT_MAPS, U, { [NS_USER] = EPERM } },
	  .namespaces = 0, .dropped = U | NET | UTS,
	  .dropped_errno = { [NS_USER] = EPERM, [NS_NET] = EPERM,
			     [NS_UTS] = EPERM } },
	{ "unprivileged --unshare-user, net and uts refused: not caps only",
	  &user, { "--unshare-user", "--unshare-net", "--ns-fallback", "drop",
		   NULL },
	  .refused = NET | UTS,
	  .namespaces = U, .dropped = NET | UTS,
	  .dropped_errno = { [NS_NET] = EPERM, [NS_UTS] = EPERM } },
	{ "unprivileged --join-ns net, cgroup refused: not caps only",
	  &user, { "--join-ns", "net=/proc/self/ns/net", "--unshare-cgroup",
		   "--ns-fallback", "drop", NULL },
	  .refused = CG,
	  .namespaces = U, .dropped = CG,
	  .dropped_errno = { [NS_CGROUP] = EPERM } },
	/* R7: the maps refused, as the monitor passes it on */
	{ "maps refused, caps only: user dropped with the maps' errno",
	  &user, { NULL },
	  .at = NS_REFUSED_AT_MAPS, .refused = U, .errnos = { [NS_USER] = EACCES },
	  .namespaces = 0, .dropped = U,
	  .dropped_errno = { [NS_USER] = EACCES }, .caps_only = true },
	{ "maps refused, drop: everything goes, the others EPERM",
	  &user, { "--unshare-net", "--ns-fallback", "drop", NULL },
	  .at = NS_REFUSED_AT_MAPS, .refused = U, .errnos = { [NS_USER] = EACCES },
	  .namespaces = 0, .dropped = U | NET | UTS,
	  .dropped_errno = { [NS_USER] = EACCES, [NS_NET] = EPERM,
			     [NS_UTS] = EPERM },
	  .caps_only = true },
	/* R8 */
	{ "cgroup namespace refused in the sandbox, drop",
	  &user, { "--unshare-cgroup", "--unshare-net", "--ns-fallback",
		   "drop", NULL },
	  .at = NS_REFUSED_AT_CGROUP_NS, .errnos = { [NS_CGROUP] = EACCES },
	  .namespaces = U | NET | UTS, .dropped = CG,
	  .dropped_errno = { [NS_CGROUP] = EACCES },
	  .hostname = "localhost" },
	/* R9 */
	{ "privileged, user refused: only user dropped",
	  &root, { "--unshare-user", "--unshare-net", "--ns-fallback", "drop",
		   NULL },
	  .refused = U, .errnos = { [NS_USER] = ENOSPC },
	  .namespaces = NET | UTS | MNT | PID | IPC, .dropped = U,
	  .dropped_errno = { [NS_USER] = ENOSPC }, .hostname = "localhost",
	  .proc = true },
	/* R10: strict, the messages the monitor made before ns_replan */
	{ "strict, unprivileged, user refused by a sysctl",
	  &user, { "--unshare-net", NULL },
	  .refused = U | NET | UTS,
	  .errnos = { [NS_USER] = EPERM, [NS_NET] = EPERM, [NS_UTS] = EPERM },
	  .sysctl = "kernel.unprivileged_userns_clone=0",
	  .errnum = EPERM,
	  .message = "namespace `user` refused: the sysctl "
		     "kernel.unprivileged_userns_clone=0 allows none (as root "
		     "the helper needs no user namespace): Operation not "
		     "permitted" },
	{ "strict, privileged, net refused by a sysctl",
	  &root, { "--unshare-net", NULL },
	  .refused = NET, .errnos = { [NS_NET] = ENOSPC },
	  .sysctl = "user.max_net_namespaces=0",
	  .errnum = ENOSPC,
	  .message = "namespace `net` refused: the sysctl "
		     "user.max_net_namespaces=0 allows none: No space left on "
		     "device" },
	{ "strict, net refused with ENOSPC: the limit's hint",
	  &root, { "--unshare-net", "--unshare-pid", NULL },
	  .refused = NET | PID,
	  .errnos = { [NS_NET] = ENOSPC, [NS_PID] = EPERM },
	  .errnum = ENOSPC,
	  .message = "namespace `net` refused (the limit "
		     "user.max_net_namespaces is reached, or 0, which forbids "
		     "them: sysctl user.max_net_namespaces, per user "
		     "namespace): No space left on device" },
	{ "strict, pid refused with EPERM: no hint",
	  &root, { "--unshare-net", "--unshare-pid", NULL },
	  .refused = PID, .errnos = { [NS_PID] = EPERM },
	  .errnum = EPERM,
	  .message = "namespace `pid` refused: Operation not permitted" },
	{ "drop, no kind refused alone: the clone's errno",
	  &user, { "--unshare-net", "--ns-fallback", "drop", NULL },
	  .clone_errno = EINVAL,
	  .errnum = EINVAL,
	  .message = "clone with namespaces (no single namespace is refused "
		     "alone): Invalid argument" },
	{ "strict, caps only, user refused by a sysctl: dropped",
	  &user, { NULL },
	  .refused = U, .errnos = { [NS_USER] = EPERM },
	  .sysctl = "kernel.unprivileged_userns_clone=0",
	  .namespaces = 0, .dropped = U,
	  .dropped_errno = { [NS_USER] = EPERM }, .caps_only = true },
	/* R7, strict */
	{ "strict, maps refused: the maps' own error",
	  &user, { "--unshare-net", NULL },
	  .at = NS_REFUSED_AT_MAPS, .refused = U,
	  .errnos = { [NS_USER] = EPERM },
	  .errnum = EPERM, .stage = "userns",
	  .message = "the maps' own error" },
	{ "strict, caps only, maps refused: dropped",
	  &user, { NULL },
	  .at = NS_REFUSED_AT_MAPS, .refused = U,
	  .errnos = { [NS_USER] = EPERM },
	  .namespaces = 0, .dropped = U,
	  .dropped_errno = { [NS_USER] = EPERM }, .caps_only = true },
};

/* The refusal r as the monitor hands it to the plan (monitor.c:
 * replan); at the maps, err holds the maps' own error. */
static int replan(struct ns_refusal *r, const int errnos[NS_COUNT],
		  struct sh_err *err)
{
	struct ns_state now = launch_ns(&launch), next;
	int ret;

	memcpy(r->errnos, errnos, sizeof(r->errnos));
	if (r->at == NS_REFUSED_AT_MAPS)
		err_set(err, STAGE_USERNS, errnos[NS_USER],
			"the maps' own error");
	ret = ns_replan(&launch.nsin, &now, r, &next, err);
	if (ret == 0)
		launch_replace_ns(&launch, &next);
	return ret;
}

/* The case's refusal, then its later one if it has one. */
static int apply_refusal(const struct refusal_case *c, struct sh_err *err)
{
	struct ns_refusal r = { .at = c->at, .refused = c->refused,
				.clone_errno = c->clone_errno,
				.sysctl = c->sysctl };
	struct ns_refusal then = { .at = c->then.at,
				   .refused = c->then.refused };
	int ret = replan(&r, c->errnos, err);

	if (ret == 0 && c->then.refused)
		ret = replan(&then, c->then.errnos, err);
	return ret;
}

static void assert_refusal(const struct refusal_case *c, int r,
			   const struct sh_err *err)
{
	struct ns_state s = launch_ns(&launch);

	if (c->errnum) {
		assert_error(r, err, c->errnum, c->stage ? c->stage : "ns",
			     c->message);
		return;
	}
	ck_assert_msg(r == 0, "%s: %s", c->what, err->message);
	ck_assert_uint_eq(launch.namespaces, c->namespaces);
	ck_assert_uint_eq(launch.dropped, c->dropped);
	for (int k = 0; k < NS_COUNT; k++)
		ck_assert_msg(launch.dropped_errno[k] == c->dropped_errno[k],
			      "%s: dropped_errno[%s] %d, want %d", c->what,
			      ns_table[k].name, launch.dropped_errno[k],
			      c->dropped_errno[k]);
	ck_assert_int_eq(ns_user_only_for_caps(&launch.nsin, &s),
			 c->caps_only);
	assert_hostname(c->hostname);
	ck_assert_int_eq(launch.mount_plan.proc, c->proc);
	ck_assert_int_eq(launch.mount_plan.dev_shm, c->dev_shm);
}

START_TEST(test_refusal)
{
	const struct refusal_case *c = &refusal_cases[_i];
	struct sh_err err = { 0 };
	int r = plan(c->host, c->args, &err);

	ck_assert_msg(r == 0, "%s: the first plan: %s", c->what, err.message);
	r = apply_refusal(c, &err);
	assert_refusal(c, r, &err);
	launch_clear(&launch);
}
END_TEST

/* The sandbox makes its cgroup namespace after the clone: the plan says
 * beforehand whether a refusal fails it (strict) or is reported. */
struct cgroup_ns_case {
	const struct host_facts *host;
	const char *args[MAX_ARGS];
	bool fatal;
};

static const struct cgroup_ns_case cgroup_ns_cases[] = {
	{ &user, { "--unshare-cgroup", NULL }, true },
	{ &user, { "--unshare-cgroup", "--ns-fallback", "strict", NULL },
	  true },
	{ &user, { "--unshare-cgroup", "--ns-fallback", "drop", NULL }, false },
	{ &root, { "--unshare-all", NULL }, true },
	{ &root, { "--unshare-all", "--ns-fallback", "drop", NULL }, false },
};

START_TEST(test_cgroup_ns_fatal)
{
	const struct cgroup_ns_case *c = &cgroup_ns_cases[_i];
	struct sh_err err = { 0 };

	ck_assert_int_eq(plan(c->host, c->args, &err), 0);
	ck_assert(launch.namespaces & CG);
	ck_assert_int_eq(launch.cgroup_ns_fatal, c->fatal);
	launch_clear(&launch);
}
END_TEST

static Suite *make_launch_suite(void)
{
	Suite *s = suite_create("launch");
	TCase *tc = tcase_create("first plan");

	tcase_add_loop_test(tc, test_first_plan, 0, N(first_cases));
	tcase_add_test(tc, test_mount_order);
	tcase_add_loop_test(tc, test_cwd, 0, N(cwd_cases));
	suite_add_tcase(s, tc);
	tc = tcase_create("refusals");
	tcase_add_loop_test(tc, test_refusal, 0, N(refusal_cases));
	tcase_add_loop_test(tc, test_cgroup_ns_fatal, 0, N(cgroup_ns_cases));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(make_launch_suite());
}
