#include "config.h"

#include "status.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct json {
	char buf[4096];
	size_t len;
	bool first;
};

static void json_raw(struct json *j, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void json_raw(struct json *j, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (j->len >= sizeof(j->buf))
		return;
	va_start(ap, fmt);
	n = vsnprintf(j->buf + j->len, sizeof(j->buf) - j->len, fmt, ap);
	va_end(ap);
	j->len = n < 0 ? sizeof(j->buf) : j->len + (size_t)n;
}

static void json_key(struct json *j, const char *key)
{
	json_raw(j, "%s\"%s\":", j->first ? "" : ",", key);
	j->first = false;
}

static void json_open(struct json *j, const char *key)
{
	if (key)
		json_key(j, key);
	json_raw(j, "{");
	j->first = true;
}

static void json_close(struct json *j)
{
	json_raw(j, "}");
	j->first = false;
}

static void json_int(struct json *j, const char *key, long long value)
{
	json_key(j, key);
	json_raw(j, "%lld", value);
}

static void json_bool(struct json *j, const char *key, bool value)
{
	json_key(j, key);
	json_raw(j, "%s", value ? "true" : "false");
}

static void json_string(struct json *j, const char *key, const char *value)
{
	json_key(j, key);
	json_raw(j, "\"");
	for (const unsigned char *c = (const unsigned char *)value; *c; c++) {
		if (*c == '"' || *c == '\\')
			json_raw(j, "\\%c", *c);
		else if (*c < 0x20 || *c == 0x7f)
			json_raw(j, "\\u%04x", *c);
		else
			json_raw(j, "%c", *c);
	}
	json_raw(j, "\"");
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1; /* the caller decides what is lost */
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int json_send(struct json *j, int fd)
{
	if (j->len >= sizeof(j->buf) - 1)
		j->len = sizeof(j->buf) - 2; /* cannot happen: bounded fields */
	j->buf[j->len++] = '\n';
	return write_all(fd, j->buf, j->len);
}

static void error_to_stderr(const struct sh_err *err)
{
	dprintf(STDERR_FILENO, "spawn-helper: %s: %s\n", err->stage,
		err->message);
}

static void json_namespaces(struct json *j, const char *key, unsigned mask)
{
	bool first = true;

	json_key(j, key);
	json_raw(j, "[");
	for (int k = 0; k < NS_COUNT; k++)
		if (mask & NS_BIT(k)) {
			json_raw(j, "%s\"%s\"", first ? "" : ",",
				 ns_table[k].name);
			first = false;
		}
	json_raw(j, "]");
}

static void json_dropped(struct json *j, const struct launch *launch)
{
	bool first = true;

	json_key(j, "dropped");
	json_raw(j, "[");
	for (int k = 0; k < NS_COUNT; k++) {
		if (!(launch->dropped & NS_BIT(k)))
			continue;
		json_raw(j, "%s", first ? "" : ",");
		json_open(j, NULL);
		json_string(j, "namespace", ns_table[k].name);
		json_int(j, "errno", launch->dropped_errno[k]);
		json_string(j, "errname", err_name(launch->dropped_errno[k]));
		json_close(j);
		first = false;
	}
	json_raw(j, "]");
}

/* lo's addresses: the kernel's own and the ones the sandbox added. */
static void json_network(struct json *j, const struct sandbox_info *info)
{
	char text[64];

	json_open(j, "network");
	json_bool(j, "ipv6", info->ipv6);
	json_key(j, "addresses");
	json_raw(j, "[\"127.0.0.1/8\"%s", info->ipv6 ? ",\"::1/128\"" : "");
	for (size_t i = 0; i < info->n_addrs; i++) {
		net_format_addr(&info->addrs[i], text, sizeof(text));
		json_raw(j, ",\"%s\"", text);
	}
	json_raw(j, "]");
	json_close(j);
}

void status_started(const struct launch *launch, const struct outcome *out)
{
	struct json j = { .first = true };
	int fd = launch->spec->status_fd;

	if (fd < 0)
		return;
	json_open(&j, NULL);
	json_int(&j, "child-pid", out->pid);
	json_int(&j, "command-pid", out->command_pid);
	if (out->command_ns_pid)
		json_int(&j, "command-ns-pid", out->command_ns_pid);
	json_namespaces(&j, "namespaces", launch->namespaces);
	if (launch->dropped)
		json_dropped(&j, launch);
	if (launch->namespaces & NS_BIT(NS_NET))
		json_network(&j, &out->info);
	if (launch->hostname)
		json_string(&j, "hostname", launch->hostname);
	json_close(&j);
	json_send(&j, fd);
}

void status_error(int fd, const struct sh_err *err, int exit_code)
{
	struct json j = { .first = true };

	if (fd < 0) {
		error_to_stderr(err);
		return;
	}
	json_open(&j, NULL);
	json_open(&j, "error");
	json_string(&j, "stage", err->stage);
	json_int(&j, "errno", err->errnum);
	json_string(&j, "errname", err_name(err->errnum));
	json_string(&j, "message", err->message);
	json_close(&j);
	json_int(&j, "exit-code", exit_code);
	json_close(&j);
	/* a status fd that is not open or not writable is itself the error
	 * (a spec error): it must not swallow its own message */
	if (json_send(&j, fd) < 0)
		error_to_stderr(err);
}

static long long timeval_usec(struct timeval tv)
{
	return (long long)tv.tv_sec * 1000000 + tv.tv_usec;
}

int status_exit_code(int wait_status)
{
	if (WIFSIGNALED(wait_status))
		return 128 + WTERMSIG(wait_status);
	return WEXITSTATUS(wait_status);
}

void status_outcome(int fd, const struct outcome *o)
{
	struct json j = { .first = true };

	if (fd < 0)
		return;
	json_open(&j, NULL);
	json_int(&j, "child-pid", o->pid);
	json_int(&j, "exit-code", status_exit_code(o->wait_status));
	if (o->timed_out)
		json_bool(&j, "timed-out", true);
	if (WIFSIGNALED(o->wait_status)) {
		const char *abbrev = sigabbrev_np(WTERMSIG(o->wait_status));
		char name[32];

		snprintf(name, sizeof(name), "SIG%s", abbrev ? abbrev : "?");
		json_int(&j, "signal", WTERMSIG(o->wait_status));
		json_string(&j, "signal-name", name);
		json_bool(&j, "core-dumped", WCOREDUMP(o->wait_status));
	}
	json_open(&j, "usage");
	json_int(&j, "user-cpu-usec", timeval_usec(o->usage.ru_utime));
	json_int(&j, "system-cpu-usec", timeval_usec(o->usage.ru_stime));
	json_int(&j, "max-rss-kib", o->usage.ru_maxrss);
	json_int(&j, "wall-usec", o->wall_usec);
	json_close(&j);
	json_close(&j);
	json_send(&j, fd);
}
