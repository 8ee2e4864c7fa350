/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "exec.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "caps.h"

/* What execvp uses when PATH is unset (confstr _CS_PATH). */
#define DEFAULT_PATH "/bin:/usr/bin"

static size_t name_len(const char *entry)
{
	return strcspn(entry, "=");
}

static bool named_in(const struct strv *list, const char *entry)
{
	size_t len = name_len(entry);

	for (size_t i = 0; i < list->n; i++)
		if (name_len(list->v[i]) == len &&
		    strncmp(list->v[i], entry, len) == 0)
			return true;
	return false;
}

int env_build(const struct spec *spec, char *const *base, struct strv *env,
	      struct sh_err *err)
{
	for (size_t i = 0; !spec->clearenv && base && base[i]; i++) {
		if (named_in(&spec->unsetenv, base[i]) ||
		    named_in(&spec->setenv, base[i]))
			continue;
		if (strv_push_ref(env, base[i]) < 0)
			return err_set(err, STAGE_ENV, ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < spec->setenv.n; i++)
		if (strv_push_ref(env, spec->setenv.v[i]) < 0)
			return err_set(err, STAGE_ENV, ENOMEM, "out of memory");
	if (!env->v) {
		/* an empty environment is still a NULL-terminated array */
		env->v = calloc(1, sizeof(char *));
		if (!env->v)
			return err_set(err, STAGE_ENV, ENOMEM, "out of memory");
		env->cap = 1;
	}
	return 0;
}

static const char *env_get(char *const *env, const char *name)
{
	size_t len = strlen(name);

	for (size_t i = 0; env && env[i]; i++)
		if (strncmp(env[i], name, len) == 0 && env[i][len] == '=')
			return env[i] + len + 1;
	return NULL;
}

/* The argv the command sees: --argv0 replaces the first word. */
static char **command_argv(const struct spec *spec)
{
	char **argv;

	if (!spec->argv0)
		return spec->command.v;
	argv = calloc(spec->command.n + 1, sizeof(char *));
	if (!argv)
		return NULL;
	memcpy(argv, spec->command.v, spec->command.n * sizeof(char *));
	argv[0] = spec->argv0;
	return argv;
}

/* A small buffered writer for the E2BIG report: no stdio in the
 * command's process, and nothing left behind if a write fails. */
struct report {
	int fd;
	size_t n;
	char buf[4096];
};

static void report_flush(struct report *r)
{
	size_t off = 0;

	while (off < r->n) {
		ssize_t w = write(r->fd, r->buf + off, r->n - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break; /* a stderr that is gone: the record says it */
		off += (size_t)w;
	}
	r->n = 0;
}

static void report_put(struct report *r, const char *s, size_t len)
{
	while (len) {
		size_t room = sizeof(r->buf) - r->n,
		       take = len < room ? len : room;

		memcpy(r->buf + r->n, s, take);
		r->n += take;
		s += take;
		len -= take;
		if (r->n == sizeof(r->buf))
			report_flush(r);
	}
}

static void report_str(struct report *r, const char *s)
{
	report_put(r, s, strlen(s));
}

/* s as Python's repr() of a str writes it (portage's message shows the
 * command as a Python list): bytes above 0x7f are copied as they are. */
static void report_repr(struct report *r, const char *s)
{
	char quote = strchr(s, '\'') && !strchr(s, '"') ? '"' : '\'';
	char esc[5];

	report_put(r, &quote, 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == (unsigned char)quote || c == '\\')
			snprintf(esc, sizeof(esc), "\\%c", c);
		else if (c == '\t' || c == '\n' || c == '\r')
			snprintf(esc, sizeof(esc), "\\%c",
				 c == '\t' ? 't' : c == '\n' ? 'n' : 'r');
		else if (c < 0x20 || c == 0x7f)
			snprintf(esc, sizeof(esc), "\\x%02x", c);
		else
			esc[0] = (char)c, esc[1] = '\0';
		report_str(r, esc);
	}
	report_put(r, &quote, 1);
}

/* portage's words when its child's execve fails with E2BIG (its
 * calc_env_stats: each variable counted with its '=' and its NUL, the
 * first of the largest named), then the OSError and the command. */
static void report_e2big(const struct spec *spec, char *const *env,
			 const char *file)
{
	struct report r = { .fd = 2 };
	size_t size = 0, largest = 0, largest_len = 0;
	const char *largest_name = NULL;
	char num[64];

	for (size_t i = 0; env && env[i]; i++) {
		size_t n = strlen(env[i]) + 1;

		size += n;
		if (n > largest) {
			largest = n;
			largest_name = env[i];
			largest_len = name_len(env[i]);
		}
	}
	report_str(&r, "ERROR: Executing [");
	for (size_t i = 0; i < spec->command.n; i++) {
		if (i)
			report_str(&r, ", ");
		report_repr(&r, spec->command.v[i]);
	}
	snprintf(num, sizeof(num), "%zu", size);
	report_str(&r, "] failed with E2BIG. Child process environment size: ");
	report_str(&r, num);
	report_str(&r, " bytes. Largest environment variable: ");
	if (largest_name)
		report_put(&r, largest_name, largest_len);
	else
		report_str(&r, "None");
	snprintf(num, sizeof(num), " (%zu bytes)\n[Errno %d] ", largest, E2BIG);
	report_str(&r, num);
	report_str(&r, strerror(E2BIG));
	report_str(&r, ": ");
	report_repr(&r, file);
	report_str(&r, ":\n  ");
	for (size_t i = 0; i < spec->command.n; i++) {
		report_str(&r, " ");
		report_str(&r, spec->command.v[i]);
	}
	report_str(&r, "\n");
	report_flush(&r);
}

static int exec_failed(const struct spec *spec, char *const *env,
		       struct sh_err *err, int errnum, const char *file,
		       const char *path)
{
	char fcaps[256];

	if (errnum == E2BIG && spec->report_e2big)
		report_e2big(spec, env, file);

	/* the kernel refuses a file whose capabilities (with the effective
	 * bit) it cannot all grant: outside the bounding set */
	if (errnum == EPERM && caps_of_file(file, fcaps, sizeof(fcaps)))
		return err_sys(err, STAGE_EXEC, errnum,
			       "execve `%s`: its file capabilities `%s` are "
			       "not all kept (--cap-keep)",
			       file, fcaps);
	/* Landlock counts an execve as a read, of the loader too */
	if (errnum == EACCES && spec_sandbox_reads_restricted(spec))
		return err_sys(err, STAGE_EXEC, errnum,
			       "execve `%s`: the command, its loader and its "
			       "libraries must be below a --sandbox-read path",
			       file);
	if (path)
		return err_sys(err, STAGE_EXEC, errnum, "execve `%s` (PATH=%s)",
			       file, path);
	return err_sys(err, STAGE_EXEC, errnum, "execve `%s`", file);
}

int exec_command(const struct spec *spec, char *const *env, struct sh_err *err)
{
	const char *file = spec->command.v[0], *path, *p;
	char *const *argv = command_argv(spec);
	char candidate[PATH_MAX];
	int found_errno = ENOENT;

	if (!argv)
		return err_set(err, STAGE_EXEC, ENOMEM, "out of memory");

	if (strchr(file, '/')) {
		execve(file, argv, env);
		return exec_failed(spec, env, err, errno, file, NULL);
	}
	path = env_get(env, "PATH");
	if (!path)
		path = DEFAULT_PATH;
	for (p = path;; p++) {
		const char *end = strchrnul(p, ':');
		/* an empty PATH element means the current directory */
		int n = end == p ? snprintf(candidate, sizeof(candidate), "%s",
					    file)
				 : snprintf(candidate, sizeof(candidate),
					    "%.*s/%s", (int)(end - p), p, file);

		if (n > 0 && (size_t)n < sizeof(candidate)) {
			execve(candidate, argv, env);
			if (errno == EACCES)
				found_errno = EACCES;
			else if (errno != ENOENT && errno != ENOTDIR)
				return exec_failed(spec, env, err, errno, candidate,
						   NULL);
		}
		if (!*end)
			break;
		p = end;
	}
	return exec_failed(spec, env, err, found_errno, file, path);
}

int exit_code_for_error(const struct sh_err *err)
{
	if (strcmp(err->stage, stage_name(STAGE_EXEC)) != 0)
		return EXIT_SETUP_FAILED;
	return err->errnum == ENOENT ? EXIT_NOT_FOUND : EXIT_NOT_EXECUTABLE;
}
