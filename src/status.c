/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "status.h"

#include "json.h"
#include "record-keys.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* A key of the table (record-keys.h), as its object holds it. */
#define K(id) record_key_leaf(RK_##id)

static void error_to_stderr(const struct sh_err *err)
{
	dprintf(STDERR_FILENO, "spawn-helper: %s: %s\n", err->stage,
		err->message);
}

/* snprintf at the end of buf: what does not fit is cut */
static void append(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void append(char *buf, size_t size, const char *fmt, ...)
{
	size_t len = strlen(buf);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf + len, size - len, fmt, ap);
	va_end(ap);
}

void status_summary(const struct launch *launch, const struct outcome *out)
{
	const struct seccomp_report *r = &out->seccomp;
	char line[1024] = "";
	const char *sep;

	for (size_t i = 0; i < r->n_blocked; i++)
		append(line, sizeof(line), "%s%s (%s) x%u",
		       i ? ", " : "refused system calls: ", r->blocked[i].name,
		       err_name(r->blocked[i].errnum), r->blocked[i].count);
	if (r->unlisted)
		append(line, sizeof(line), " and %lu more", r->unlisted);
	sep = *line ? "; dropped namespaces:" : "dropped namespaces:";
	for (int k = 0; k < NS_COUNT; k++) {
		if (!(launch->dropped & NS_BIT(k)))
			continue;
		append(line, sizeof(line), "%s %s (%s)", sep, ns_table[k].name,
		       err_name(launch->dropped_errno[k]));
		sep = ",";
	}
	if (*line)
		dprintf(STDERR_FILENO, "spawn-helper: %s\n", line);
}

static void json_namespaces(struct json *j, const char *key, unsigned mask)
{
	json_array_open(j, key);
	for (int k = 0; k < NS_COUNT; k++)
		if (mask & NS_BIT(k))
			json_array_item(j, ns_table[k].name);
	json_array_close(j);
}

/* bubblewrap's keys: "mnt-namespace" and so on, the inode of each
 * namespace made for the sandbox (its /proc/PID/ns name), as `stat -L
 * /proc/PID/ns/mnt` or lsns(8) give it. The sandbox's first process
 * took them before the command ran (take_ns_inodes in child.c): one
 * that exits at once takes its /proc/PID/ns links with it. */
static void json_ns_inodes(struct json *j, unsigned mask,
			   const unsigned long long *inodes)
{
	for (int k = 0; k < NS_COUNT; k++) {
		char key[32];

		if (!(mask & NS_BIT(k)) || !inodes[k])
			continue;
		/* the table's "*-namespace" with the name for the "*" */
		snprintf(key, sizeof(key), "%s%s", ns_table[k].proc_name,
			 K(NS_INODE) + 1);
		json_int(j, key, (long long)inodes[k]);
	}
}

static void json_dropped(struct json *j, const struct launch *launch)
{
	json_array_open(j, K(DROPPED));
	for (int k = 0; k < NS_COUNT; k++) {
		if (!(launch->dropped & NS_BIT(k)))
			continue;
		json_open(j, NULL);
		json_string(j, K(DROPPED_NAMESPACE), ns_table[k].name);
		json_int(j, K(DROPPED_ERRNO), launch->dropped_errno[k]);
		json_string(j, K(DROPPED_ERRNAME),
			    err_name(launch->dropped_errno[k]));
		json_close(j);
	}
	json_array_close(j);
}

/* lo's addresses: the kernel's own and the ones the sandbox added; and
 * the IPv6 ones the kernel had not routed yet when the command started. */
static void json_network(struct json *j, const struct net_result *net)
{
	char text[64];

	json_open(j, K(NETWORK));
	json_bool(j, K(NETWORK_IPV6), net->ipv6);
	json_array_open(j, K(NETWORK_ADDRESSES));
	json_array_item(j, "127.0.0.1/8");
	if (net->ipv6)
		json_array_item(j, "::1/128");
	for (size_t i = 0; i < net->n_added; i++) {
		net_format_addr(&net->added[i], text, sizeof(text));
		json_array_item(j, text);
	}
	json_array_close(j);
	if (net->n_unrouted) {
		json_array_open(j, K(NETWORK_UNROUTED));
		for (size_t i = 0; i < net->n_unrouted; i++) {
			net_format_addr(&net->unrouted[i], text, sizeof(text));
			json_array_item(j, text);
		}
		json_array_close(j);
	}
	json_close(j);
}

static void json_landlock(struct json *j, const char *key,
			  const struct landlock_report *ll)
{
	json_open(j, key);
	json_int(j, K(LANDLOCK_ABI), ll->abi);
	json_bool(j, K(LANDLOCK_ENFORCED), ll->enforced);
	if (ll->missing) {
		json_array_open(j, K(LANDLOCK_NOT_ENFORCED));
		for (unsigned bit = 1; bit & LL_FEATURE_ALL; bit <<= 1)
			if (ll->missing & bit)
				json_array_item(j, landlock_feature_name(bit));
		json_array_close(j);
	}
	json_close(j);
}

/* How the host's abstract UNIX sockets are out of a uid-0 command's
 * reach: its own network namespace has none, or Landlock scopes them;
 * "reachable": neither (a kernel before Landlock ABI 6,
 * --allow-new-privs). */
static const char *abstract_sockets(const struct launch *launch,
				    const struct command_info *info)
{
	if (launch_own_network(launch))
		return "network-namespace";
	return info->abstract_unix.enforced ? "landlock" : "reachable";
}

/* The safe defaults the spec turned off where they would have applied,
 * by the names of their options. */
static void json_unsafe(struct json *j, unsigned unsafe)
{
	json_array_open(j, K(UNSAFE));
	if (unsafe & UNSAFE_WRITABLE_HOST)
		json_array_item(j, "writable-host");
	if (unsafe & UNSAFE_SHARE_PIDS)
		json_array_item(j, "share-pids");
	if (unsafe & UNSAFE_SHARE_SESSION)
		json_array_item(j, "share-session");
	if (unsafe & UNSAFE_HOST_IPC)
		json_array_item(j, "host-ipc");
	json_array_close(j);
}

/* The command could not go back into the helper's directory: it runs
 * in /. */
static void json_cwd_refused(struct json *j, const char *path, int errnum)
{
	json_open(j, K(CWD_REFUSED));
	if (path)
		json_string(j, K(CWD_REFUSED_PATH), path);
	json_int(j, K(CWD_REFUSED_ERRNO), errnum);
	json_string(j, K(CWD_REFUSED_ERRNAME), err_name(errnum));
	json_close(j);
}

/* A record that cannot be written is an error of its own: the caller
 * asked for it and would learn nothing. But a reader that has gone
 * (EPIPE) stopped listening on purpose (sh_process_free, the Python
 * binding's returnpid): nobody is left to tell, and the command goes on. */
static int send_record(struct json *j, int fd, const char *what,
		       struct sh_err *err)
{
	errno = 0;
	if (json_send(j, fd) == 0 || errno == EPIPE)
		return 0;
	return err_sys(err, STAGE_MONITOR, errno ? errno : EIO,
		       "--status-fd %d: write the %s record", fd, what);
}

int status_started(const struct launch *launch, const struct outcome *out,
		   struct sh_err *err)
{
	struct json j = JSON_INIT;
	int fd = launch->spec->status_fd;

	if (fd < 0)
		return 0;
	json_open(&j, NULL);
	json_int(&j, K(CHILD_PID), out->child.pid);
	json_int(&j, K(COMMAND_PID), out->command_pid);
	if (out->command_ns_pid)
		json_int(&j, K(COMMAND_NS_PID), out->command_ns_pid);
	json_namespaces(&j, K(NAMESPACES), launch->namespaces);
	json_ns_inodes(&j, launch->namespaces, out->info.ns_inodes);
	if (launch->spec->join_ns.n)
		json_namespaces(&j, K(JOINED), launch_joined(launch));
	if (launch->dropped)
		json_dropped(&j, launch);
	if (launch->namespaces & NS_BIT(NS_NET))
		json_network(&j, &out->net);
	if (launch->hostname)
		json_string(&j, K(HOSTNAME), launch->hostname);
	if (launch->spec->landlock_read.n || launch->spec->landlock_write.n)
		json_landlock(&j, K(LANDLOCK), &out->command.landlock);
	if (spec_sandbox_reads_restricted(launch->spec))
		json_landlock(&j, K(SANDBOX_READ),
			      &out->command.sandbox_read);
	if (!out->command.bounding_cleared)
		json_bool(&j, K(BOUNDING_SET_CLEARED), false);
	if (launch->read_only_host)
		json_string(&j, K(HOST), "read-only");
	if (launch->host_ipc_closed)
		json_string(&j, K(ABSTRACT_SOCKETS),
			    abstract_sockets(launch, &out->command));
	if (launch->unsafe)
		json_unsafe(&j, launch->unsafe);
	if (out->command.cwd_errno)
		json_cwd_refused(&j, launch->cwd, out->command.cwd_errno);
	if (launch->spec->allow_nested_userns)
		json_bool(&j, K(NESTED_USERNS), true);
	json_close(&j);
	return send_record(&j, fd, "started", err);
}

static void json_error(struct json *j, const struct sh_err *err,
		       int exit_code)
{
	json_open(j, NULL);
	json_open(j, K(ERROR));
	json_string(j, K(ERROR_STAGE), err->stage);
	json_int(j, K(ERROR_ERRNO), err->errnum);
	json_string(j, K(ERROR_ERRNAME), err_name(err->errnum));
	json_string(j, K(ERROR_MESSAGE), err->message);
	json_close(j);
	json_int(j, K(EXIT_CODE), exit_code);
	json_close(j);
}

size_t status_error_line(int fd, const struct sh_err *err, int exit_code,
			 char *buf, size_t size)
{
	struct json j = JSON_INIT;
	int n;

	if (fd >= 0)
		json_error(&j, err, exit_code);
	n = fd < 0 ? snprintf(buf, size, "spawn-helper: %s: %s\n", err->stage,
			      err->message)
		   : snprintf(buf, size, "%.*s\n", (int)j.len, j.buf);
	return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
}

void status_error(int fd, const struct sh_err *err, int exit_code)
{
	struct json j = JSON_INIT;

	if (fd < 0) {
		error_to_stderr(err);
		return;
	}
	json_error(&j, err, exit_code);
	/* a status fd that is not open or not writable is itself the error
	 * (a spec error): it must not swallow its own message */
	if (json_send(&j, fd) < 0)
		error_to_stderr(err);
}

static long long timeval_usec(struct timeval tv)
{
	return (long long)tv.tv_sec * 1000000 + tv.tv_usec;
}

static void json_known(struct json *j, const char *key, long long value)
{
	if (value >= 0)
		json_int(j, key, value);
}

/* What the transient cgroup measured, where the kernel tells. */
static void json_cgroup_usage(struct json *j, const struct cgroup_usage *u)
{
	if (u->cpu_usec < 0 && u->memory_peak < 0 && u->oom_kills < 0)
		return;
	json_open(j, K(CGROUP));
	json_known(j, K(CGROUP_CPU_USEC), u->cpu_usec);
	json_known(j, K(CGROUP_USER_CPU_USEC), u->user_usec);
	json_known(j, K(CGROUP_SYSTEM_CPU_USEC), u->system_usec);
	json_known(j, K(CGROUP_MEMORY_PEAK), u->memory_peak);
	json_known(j, K(CGROUP_OOM_KILLS), u->oom_kills);
	json_close(j);
}

/* The calls the seccomp filter blocked, by name. */
static void json_seccomp(struct json *j, const struct seccomp_report *r)
{
	if (!r->n_blocked && !r->killed_by[0])
		return;
	json_open(j, K(SECCOMP));
	if (r->n_blocked)
		json_array_open(j, K(SECCOMP_BLOCKED));
	for (size_t i = 0; i < r->n_blocked; i++) {
		json_open(j, NULL);
		json_string(j, K(SECCOMP_SYSCALL), r->blocked[i].name);
		json_int(j, K(SECCOMP_ERRNO), r->blocked[i].errnum);
		json_string(j, K(SECCOMP_ERRNAME),
			    err_name(r->blocked[i].errnum));
		json_int(j, K(SECCOMP_COUNT), r->blocked[i].count);
		json_close(j);
	}
	if (r->n_blocked)
		json_array_close(j);
	/* past the first SECCOMP_REPORT_MAX kinds: how many, not which */
	if (r->unlisted)
		json_int(j, K(SECCOMP_UNLISTED), (long long)r->unlisted);
	if (r->killed_by[0])
		json_string(j, K(SECCOMP_KILLED_BY), r->killed_by);
	json_close(j);
}

/* The command line of a violation, its arguments joined by spaces. */
static void json_cmdline(struct json *j, const struct sandbox_violation *v)
{
	char line[4096];
	size_t n = v->cmdline_len < sizeof(line) ? v->cmdline_len
						 : sizeof(line) - 1;

	memcpy(line, v->cmdline, n);
	while (n && line[n - 1] == '\0')
		n--;
	for (size_t i = 0; i < n; i++)
		if (line[i] == '\0')
			line[i] = ' ';
	line[n] = '\0';
	json_string(j, K(VIOLATION_COMMAND), line);
}

/* The sandbox's refused writes and run-time grants. */
static void json_sandbox(struct json *j, const struct sandbox_report *r)
{
	if (!r->on)
		return;
	json_open(j, K(SANDBOX));
	json_bool(j, K(SANDBOX_REPORTED), r->reported);
	json_int(j, K(SANDBOX_VIOLATION_COUNT),
		 (long long)r->violation_count);
	json_array_open(j, K(SANDBOX_VIOLATIONS));
	for (size_t i = 0; i < r->n_violations; i++) {
		const struct sandbox_violation *v = &r->violations[i];

		json_open(j, NULL);
		json_string(j, K(VIOLATION_OPERATION), v->op);
		json_string(j, K(VIOLATION_PATH), v->path);
		json_string(j, K(VIOLATION_ABSOLUTE), v->abs);
		json_string(j, K(VIOLATION_CANONICAL), v->canon);
		json_int(j, K(VIOLATION_PID), v->pid);
		json_cmdline(j, v);
		json_close(j);
	}
	json_array_close(j);
	json_int(j, K(SANDBOX_UNLISTED),
		 (long long)(r->violation_count - r->n_violations));
	json_int(j, K(SANDBOX_PREDICTED), (long long)r->predicted);
	json_int(j, K(SANDBOX_GRANT_COUNT), (long long)r->grant_count);
	json_array_open(j, K(SANDBOX_GRANTS));
	for (size_t i = 0; i < r->n_grants; i++) {
		const struct sandbox_grant *g = &r->grants[i];

		json_open(j, NULL);
		json_string(j, K(GRANT_VARIABLE),
			    g->predict ? "SANDBOX_PREDICT" : "SANDBOX_WRITE");
		json_string(j, K(GRANT_PREFIX), g->prefix);
		json_string(j, K(GRANT_PATH), g->path);
		json_int(j, K(GRANT_PID), g->pid);
		json_close(j);
	}
	json_array_close(j);
	if (r->log_errno) {
		json_int(j, K(SANDBOX_LOG_ERRNO), r->log_errno);
		json_string(j, K(SANDBOX_LOG_ERRNAME), err_name(r->log_errno));
	}
	json_close(j);
}

/* Real-time signals count from glibc's SIGRTMIN (34), as Python's
 * signal module and kill -l do, whichever C library the helper links
 * (musl's is 35); the kernel's 32 and 33, which C libraries keep for
 * themselves, are SIG32 and SIG33. */
#define STATUS_SIGRTMIN 34
#define STATUS_SIGRTMAX 64

void status_signal_name(int sig, char *buf, size_t size)
{
	const char *abbrev = err_signal_abbrev(sig);

	if (abbrev)
		snprintf(buf, size, "SIG%s", abbrev);
	else if (sig == STATUS_SIGRTMIN)
		snprintf(buf, size, "SIGRTMIN");
	else if (sig > STATUS_SIGRTMIN && sig <= STATUS_SIGRTMAX)
		snprintf(buf, size, "SIGRTMIN+%d", sig - STATUS_SIGRTMIN);
	else
		snprintf(buf, size, "SIG%d", sig);
}

int status_exit_code(int wait_status)
{
	if (WIFSIGNALED(wait_status))
		return 128 + WTERMSIG(wait_status);
	return WEXITSTATUS(wait_status);
}

int status_outcome(int fd, const struct outcome *o, struct sh_err *err)
{
	struct json j = JSON_INIT;
	int r;

	if (fd < 0)
		return 0;
	json_open(&j, NULL);
	json_int(&j, K(CHILD_PID), o->child.pid);
	json_int(&j, K(EXIT_CODE), status_exit_code(o->wait_status));
	if (o->timed_out)
		json_bool(&j, K(TIMED_OUT), true);
	if (WIFSIGNALED(o->wait_status)) {
		char name[32];

		status_signal_name(WTERMSIG(o->wait_status), name, sizeof(name));
		json_int(&j, K(SIGNAL), WTERMSIG(o->wait_status));
		json_string(&j, K(SIGNAL_NAME), name);
		json_bool(&j, K(CORE_DUMPED), WCOREDUMP(o->wait_status));
	}
	json_cgroup_usage(&j, &o->cgroup);
	json_seccomp(&j, &o->seccomp);
	json_sandbox(&j, &o->seccomp.sandbox);
	json_open(&j, K(USAGE));
	json_int(&j, K(USAGE_USER_CPU_USEC), timeval_usec(o->usage.ru_utime));
	json_int(&j, K(USAGE_SYSTEM_CPU_USEC),
		 timeval_usec(o->usage.ru_stime));
	json_int(&j, K(USAGE_MAX_RSS_KIB), o->usage.ru_maxrss);
	json_int(&j, K(USAGE_WALL_USEC), o->wall_usec);
	json_close(&j);
	json_close(&j);
	r = send_record(&j, fd, "outcome", err);
	/* the status the record would have carried is not lost with it */
	if (r < 0)
		err_prefix(err, "(the command's exit code was %d) ",
			   status_exit_code(o->wait_status));
	return r;
}
