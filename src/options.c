/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "options.h"

#include "caps.h"
#include "mounts.h"
#include "net.h"
#include "rlimits.h"
#include "seccomp-policy.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FIELD(type, spec, opt) ((type *)((char *)(spec) + (opt)->offset))
#define CFIELD(type, spec, opt)                                                \
	((const type *)((const char *)(spec) + (opt)->offset))

static int oom(struct sh_err *err)
{
	return err_set(err, STAGE_SPEC, ENOMEM, "out of memory");
}

/* Strict decimal (or octal with base 8) in [min, max]. */
int option_parse_number(const char *s, int base, long min, long max,
			long *out)
{
	char *end;
	long v;

	/* strtol would skip any leading space and take a sign */
	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtol(s, &end, base);
	if (errno || *end || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

/* Generic kinds: a flag (bool field), a string (char * field), a list
 * (struct strv field). */

static int parse_flag(struct spec *spec, const struct option_def *opt,
		      const char *value, struct sh_err *err)
{
	*FIELD(bool, spec, opt) = true;
	return 0;
}

static int emit_flag(const struct spec *spec, const struct option_def *opt,
		     struct strv *out)
{
	if (!*CFIELD(bool, spec, opt))
		return 0;
	return strv_pushf(out, "--%s", opt->name);
}

static int parse_string(struct spec *spec, const struct option_def *opt,
			const char *value, struct sh_err *err)
{
	char **field = FIELD(char *, spec, opt);

	free(*field);
	*field = strdup(value);
	return *field ? 0 : oom(err);
}

static int parse_nonempty(struct spec *spec, const struct option_def *opt,
			  const char *value, struct sh_err *err)
{
	if (!*value)
		return err_set(err, STAGE_SPEC, EINVAL,
			       "--%s: the value is empty",
			       opt->name);
	return parse_string(spec, opt, value, err);
}

/* --sandbox-log: one absolute path. */
static int parse_abs_string(struct spec *spec, const struct option_def *opt,
			    const char *value, struct sh_err *err)
{
	if (value[0] != '/')
		return err_set(err, STAGE_SPEC, EINVAL,
			       "--%s `%.64s`: expected an absolute path",
			       opt->name, value);
	return parse_string(spec, opt, value, err);
}

static int emit_pair(struct strv *out, const struct option_def *opt,
		     const char *value)
{
	int r = strv_pushf(out, "--%s", opt->name);

	return r < 0 ? r : strv_push(out, value);
}

static int emit_valuef(struct strv *out, const struct option_def *opt,
		       const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* "--name" and a formatted value. */
static int emit_valuef(struct strv *out, const struct option_def *opt,
		       const char *fmt, ...)
{
	char value[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	return emit_pair(out, opt, value);
}

static int emit_string(const struct spec *spec, const struct option_def *opt,
		       struct strv *out)
{
	const char *value = *CFIELD(char *, spec, opt);

	return value ? emit_pair(out, opt, value) : 0;
}

static int emit_list(const struct spec *spec, const struct option_def *opt,
		     struct strv *out)
{
	const struct strv *list = CFIELD(struct strv, spec, opt);

	for (size_t i = 0; i < list->n; i++) {
		int r = emit_pair(out, opt, list->v[i]);

		if (r < 0)
			return r;
	}
	return 0;
}

static bool valid_env_name(const char *name, size_t len)
{
	return len > 0 && memchr(name, '=', len) == NULL;
}

static int parse_setenv(struct spec *spec, const struct option_def *opt,
			const char *value, struct sh_err *err)
{
	const char *eq = strchr(value, '=');

	if (!eq || !valid_env_name(value, (size_t)(eq - value)))
		return err_set(err, STAGE_SPEC, EINVAL,
			       "--setenv `%.64s`: expected NAME=VALUE with a "
			       "non-empty NAME",
			       value);
	/* the environment is most of a spec: its words are not copied when
	 * the spec's buffer holds them */
	return (spec_holds(spec, value) ? strv_push_ref(&spec->setenv, value)
					 : strv_push(&spec->setenv, value)) < 0
		       ? oom(err)
		       : 0;
}

static int parse_unsetenv(struct spec *spec, const struct option_def *opt,
			  const char *value, struct sh_err *err)
{
	if (!valid_env_name(value, strlen(value)))
		return err_set(err, STAGE_SPEC, EINVAL,
			       "--unsetenv `%.64s`: expected a non-empty NAME "
			       "without '='",
			       value);
	return strv_push(&spec->unsetenv, value) < 0 ? oom(err) : 0;
}

/* "A=B", two fd numbers: 0, -EINVAL or -ENOMEM. */
static int parse_fd_pair(const char *value, long *a, long *b)
{
	_cleanup_free_ char *copy = strdup(value);
	char *eq;

	if (!copy)
		return -ENOMEM;
	eq = strchr(copy, '=');
	if (eq)
		*eq = '\0';
	if (!eq || option_parse_number(copy, 10, 0, INT_MAX, a) < 0 ||
	    option_parse_number(eq + 1, 10, 0, INT_MAX, b) < 0)
		return -EINVAL;
	return 0;
}

static int parse_fd(struct spec *spec, const struct option_def *opt,
		    const char *value, struct sh_err *err)
{
	struct fd_mapping *grown;
	long child, parent;
	int r = parse_fd_pair(value, &child, &parent);

	if (r == -ENOMEM)
		return oom(err);
	if (r < 0)
		return err_set(err, STAGE_SPEC, EINVAL,
			       "--fd `%.64s`: expected CHILD=PARENT, two fd "
			       "numbers",
			       value);
	for (size_t i = 0; i < spec->n_fds; i++)
		if (spec->fds[i].child == child)
			return err_set(err, STAGE_SPEC, EINVAL,
				       "--fd %ld=%d: the command's fd %ld is "
				       "already mapped (from %d)",
				       child,
				       spec_caller_fd(spec, (int)parent),
				       child,
				       spec_caller_fd(spec,
						      spec->fds[i].parent));
	grown = realloc(spec->fds, (spec->n_fds + 1) * sizeof(*grown));
	if (!grown)
		return oom(err);
	spec->fds = grown;
	spec->fds[spec->n_fds++] = (struct fd_mapping){ (int)child, (int)parent };
	return 0;
}

static int parse_caller_fd(struct spec *spec, const struct option_def *opt,
			   const char *value, struct sh_err *err)
{
	struct fd_alias *grown;
	long helper, caller;
	int r = parse_fd_pair(value, &helper, &caller);

	if (r == -ENOMEM)
		return oom(err);
	if (r < 0)
		return err_set(err, STAGE_SPEC, EINVAL,
			       "--caller-fd `%.64s`: expected FD=CALLER, two "
			       "fd numbers",
			       value);
	grown = realloc(spec->caller_fds,
			(spec->n_caller_fds + 1) * sizeof(*grown));
	if (!grown)
		return oom(err);
	spec->caller_fds = grown;
	spec->caller_fds[spec->n_caller_fds++] =
		(struct fd_alias){ (int)helper, (int)caller };
	return 0;
}

static int emit_caller_fd(const struct spec *spec,
			  const struct option_def *opt, struct strv *out)
{
	for (size_t i = 0; i < spec->n_caller_fds; i++) {
		int r = emit_valuef(out, opt, "%d=%d",
				    spec->caller_fds[i].helper,
				    spec->caller_fds[i].caller);

		if (r < 0)
			return r;
	}
	return 0;
}

static int emit_fd(const struct spec *spec, const struct option_def *opt,
		   struct strv *out)
{
	for (size_t i = 0; i < spec->n_fds; i++) {
		int r = emit_valuef(out, opt, "%d=%d", spec->fds[i].child,
				    spec->fds[i].parent);

		if (r < 0)
			return r;
	}
	return 0;
}

static int parse_umask(struct spec *spec, const struct option_def *opt,
		       const char *value, struct sh_err *err)
{
	long mask;

	if (option_parse_number(value, 8, 0, 0777, &mask) < 0)
		return err_set(err, STAGE_SPEC, EINVAL,
			       "--umask `%.64s`: expected an octal mode from "
			       "0 to 0777",
			       value);
	spec->umask = (mode_t)mask;
	spec->has_umask = true;
	return 0;
}

static int emit_umask(const struct spec *spec, const struct option_def *opt,
		      struct strv *out)
{
	return spec->has_umask ? emit_valuef(out, opt, "%04o",
					     (unsigned)spec->umask)
			       : 0;
}


static int parse_unshare(struct spec *spec, const struct option_def *opt,
			 const char *value, struct sh_err *err)
{
	const char *type = opt->name + strlen("unshare-");

	spec->unshare |= NS_BIT(ns_kind_by_name(type, strlen(type)));
	return 0;
}

static int emit_unshare(const struct spec *spec, const struct option_def *opt,
			struct strv *out)
{
	const char *type = opt->name + strlen("unshare-");

	if (!(spec->unshare & NS_BIT(ns_kind_by_name(type, strlen(type)))))
		return 0;
	return strv_pushf(out, "--%s", opt->name);
}

static int parse_join_ns(struct spec *spec, const struct option_def *opt,
			 const char *value, struct sh_err *err)
{
	struct join_spec join;
	int r = join_spec_parse(value, &join);

	if (r == -ENOMEM)
		return oom(err);
	if (r < 0)
		return err_set(err, STAGE_SPEC, EINVAL,
			       "--join-ns `%.64s`: expected TYPE=PATH with TYPE "
			       "one of user, mount, net, ipc, uts, pid, cgroup, "
			       "time",
			       value);
	for (size_t i = 0; i < spec->join_ns.n; i++)
		if (spec->join_ns.v[i].kind == join.kind) {
			free(join.path);
			free(join.text);
			return err_set(err, STAGE_SPEC, EINVAL,
				       "--join-ns: namespace `%s` given twice",
				       ns_table[join.kind].name);
		}
	if (join_list_push(&spec->join_ns, &join) < 0) {
		free(join.path);
		free(join.text);
		return oom(err);
	}
	return 0;
}

/* The values as given of n typed items (size bytes each, their text
 * member at text_offset): the paths, names and numbers as the caller
 * wrote them. */
static int emit_texts(struct strv *out, const struct option_def *opt,
		      const void *items, size_t n, size_t size,
		      size_t text_offset)
{
	for (size_t i = 0; i < n; i++) {
		const char *item = (const char *)items + i * size;
		int r = emit_pair(out, opt,
				  *(char *const *)(item + text_offset));

		if (r < 0)
			return r;
	}
	return 0;
}

static int emit_join_ns(const struct spec *spec, const struct option_def *opt,
			struct strv *out)
{
	return emit_texts(out, opt, spec->join_ns.v, spec->join_ns.n,
			  sizeof(struct join_spec),
			  offsetof(struct join_spec, text));
}

/* Keyword options: the field is an int (an enum), 0 unset, else the
 * index of the word in the option's choices plus one. */
static int parse_keyword(struct spec *spec, const struct option_def *opt,
			 const char *value, struct sh_err *err)
{
	int v = choice_index(opt->choices, value);
	char words[128];

	if (v) {
		*FIELD(int, spec, opt) = v;
		return 0;
	}
	choices_text(opt->choices, words, sizeof(words));
	return err_set(err, STAGE_SPEC, EINVAL, "--%s `%.64s`: expected %s",
		       opt->name, value, words);
}

static int emit_keyword(const struct spec *spec, const struct option_def *opt,
			struct strv *out)
{
	int v = *CFIELD(int, spec, opt);

	return v ? emit_pair(out, opt, opt->choices[v - 1]) : 0;
}

static const char *const ns_fallback_choices[] = { "strict", "drop", NULL };
static const char *const landlock_mode_choices[] = { "strict", "best-effort",
						     NULL };
static const char *const sandbox_report_choices[] = { "yes", "no", NULL };
/* the enums count the words from 1, as parse_keyword does */
_Static_assert(NS_FALLBACK_STRICT == 1 && NS_FALLBACK_DROP == 2 &&
		       LANDLOCK_MODE_STRICT == 1 &&
		       LANDLOCK_MODE_BEST_EFFORT == 2 &&
		       SANDBOX_REPORT_YES == 1 && SANDBOX_REPORT_NO == 2 &&
		       SECCOMP_PROFILE_BUILD == 1 &&
		       SECCOMP_PROFILE_INSTALL == 2 &&
		       SECCOMP_PROFILE_STRICT == 3 && SECCOMP_PROFILE_NONE == 4,
	       "keyword enums follow their choices");
_Static_assert(sizeof(enum ns_fallback) == sizeof(int) &&
		       sizeof(enum landlock_mode) == sizeof(int) &&
		       sizeof(enum seccomp_profile) == sizeof(int),
	       "keyword fields are ints");

static int parse_id_map(struct spec *spec, const struct option_def *opt,
			const char *value, struct sh_err *err)
{
	struct id_map_spec **field = FIELD(struct id_map_spec *, spec, opt);
	struct id_map_spec *map;
	int r = id_map_spec_parse(value, &map);

	if (r == -ENOMEM)
		return oom(err);
	if (r < 0)
		return err_set(err, STAGE_SPEC, EINVAL,
			       "--%s `%.64s`: expected records \"INNER OUTER "
			       "COUNT\" separated by commas",
			       opt->name, value);
	id_map_spec_free(*field);
	*field = map;
	return 0;
}

/* the value as given: blanks and all */
static int emit_id_map(const struct spec *spec, const struct option_def *opt,
		       struct strv *out)
{
	const struct id_map_spec *map = *CFIELD(struct id_map_spec *, spec, opt);

	return map ? emit_pair(out, opt, map->text) : 0;
}

static int parse_hostname(struct spec *spec, const struct option_def *opt,
			  const char *value, struct sh_err *err)
{
	if (!*value || strlen(value) > 64 ||
	    strspn(value, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			  "0123456789.-_") != strlen(value))
		return err_set(err, STAGE_SPEC, EINVAL,
			       "--hostname `%.64s`: expected 1 to 64 letters, "
			       "digits, dots, hyphens or underscores",
			       value);
	return parse_string(spec, opt, value, err);
}

static int parse_loopback_addr(struct spec *spec, const struct option_def *opt,
			       const char *value, struct sh_err *err)
{
	struct net_addr addr;

	if (net_parse_addr(value, &addr) < 0)
		return err_set(err, STAGE_SPEC, EINVAL,
			       "--loopback-addr `%.64s`: expected an IPv4 or "
			       "IPv6 ADDR/PREFIX",
			       value);
	if (net_is_loopback(&addr))
		return err_set(err, STAGE_SPEC, EEXIST,
			       "--loopback-addr %s: lo has it already", value);
	for (size_t i = 0; i < spec->loopback_addrs.n; i++)
		if (net_same_addr(&addr, &spec->loopback_addrs.v[i]))
			return err_set(err, STAGE_SPEC, EEXIST,
				       "--loopback-addr %s: given twice",
				       value);
	if (spec->loopback_addrs.n >= NET_MAX_ADDRS)
		return err_set(err, STAGE_SPEC, E2BIG,
			       "--loopback-addr: at most %d addresses",
			       NET_MAX_ADDRS);
	spec->loopback_addrs.v[spec->loopback_addrs.n++] = addr;
	return 0;
}

static int emit_loopback_addrs(const struct spec *spec,
			       const struct option_def *opt, struct strv *out)
{
	for (size_t i = 0; i < spec->loopback_addrs.n; i++) {
		char text[INET6_ADDRSTRLEN + 8];
		int r;

		net_format_addr(&spec->loopback_addrs.v[i], text, sizeof(text));
		if ((r = emit_pair(out, opt, text)) < 0)
			return r;
	}
	return 0;
}

static int parse_bind(struct spec *spec, const struct option_def *opt,
		      const char *value, struct sh_err *err)
{
	struct bind_spec bind;
	int r = bind_spec_parse(value, &bind);

	if (r == -ENOMEM)
		return oom(err);
	if (r < 0)
		return err_set(err, STAGE_SPEC, EINVAL,
			       "--%s `%.64s`: expected SRC:DEST (or an absolute "
			       "PATH for PATH:PATH)",
			       opt->name, value);
	if (bind_list_push(FIELD(struct bind_list, spec, opt), &bind) < 0) {
		free(bind.source);
		free(bind.dest);
		free(bind.text);
		return oom(err);
	}
	return 0;
}

/* "PATH" stays one path */
static int emit_binds(const struct spec *spec, const struct option_def *opt,
		      struct strv *out)
{
	const struct bind_list *list = CFIELD(struct bind_list, spec, opt);

	return emit_texts(out, opt, list->v, list->n, sizeof(struct bind_spec),
			  offsetof(struct bind_spec, text));
}

/* --tmpfs and --writable: a destination, an absolute path. */
static int parse_dest(struct spec *spec, const struct option_def *opt,
		      const char *value, struct sh_err *err)
{
	if (value[0] != '/')
		return err_set(err, STAGE_SPEC, EINVAL,
			       "--%s `%.64s`: expected an absolute path",
			       opt->name, value);
	return strv_push(FIELD(struct strv, spec, opt), value) < 0 ? oom(err)
								   : 0;
}

/* Seconds with at most millisecond precision: "10", "0.25". */
static int parse_seconds(const char *value, long long *ms)
{
	long whole, frac = 0;
	const char *dot = strchr(value, '.');
	char buf[32];
	size_t len = dot ? (size_t)(dot - value) : strlen(value);

	if (len == 0 || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, value, len);
	buf[len] = '\0';
	if (option_parse_number(buf, 10, 0, 100000000, &whole) < 0)
		return -EINVAL;
	if (dot) {
		size_t digits = strlen(dot + 1);

		if (digits == 0 || digits > 3 ||
		    option_parse_number(dot + 1, 10, 0, 999, &frac) < 0)
			return -EINVAL;
		for (; digits < 3; digits++)
			frac *= 10;
	}
	*ms = (long long)whole * 1000 + frac;
	return 0;
}

static int parse_duration(struct spec *spec, const struct option_def *opt,
			  const char *value, struct sh_err *err)
{
	long long ms;

	if (parse_seconds(value, &ms) < 0 || ms < opt->min)
		return err_set(err, STAGE_SPEC, EINVAL,
			       "--%s `%.64s`: expected seconds (up to 3 "
			       "decimals)%s",
			       opt->name, value,
			       opt->min > 0 ? ", more than 0" : "");
	*FIELD(long long, spec, opt) = ms;
	return 0;
}

static int emit_duration(const struct spec *spec, const struct option_def *opt,
			 struct strv *out)
{
	long long ms = *CFIELD(long long, spec, opt);

	if (ms == opt->unset)
		return 0;
	return emit_valuef(out, opt, "%lld.%03lld", ms / 1000, ms % 1000);
}

static int parse_cap_keep(struct spec *spec, const struct option_def *opt,
			  const char *value, struct sh_err *err)
{
	char bad[64];
	uint64_t mask;
	int r = caps_parse(value, &mask, bad, sizeof(bad));

	if (r == -ENOMEM)
		return oom(err);
	if (r < 0 || !*value)
		return err_set(err, STAGE_SPEC, EINVAL,
			       "--cap-keep `%.64s`: unknown capability `%s`",
			       value, *value ? bad : "");
	/* the mask, and the names as given for the emitter */
	spec->cap_keep = mask;
	return parse_string(spec, opt, value, err);
}

static int parse_fd_number(struct spec *spec, const struct option_def *opt,
			   const char *value, struct sh_err *err)
{
	long fd;

	if (option_parse_number(value, 10, 0, INT_MAX, &fd) < 0)
		return err_set(err, STAGE_SPEC, EINVAL,
			       "--%s `%.64s`: expected an fd number", opt->name,
			       value);
	*FIELD(int, spec, opt) = (int)fd;
	return 0;
}

static int emit_fd_number(const struct spec *spec,
			  const struct option_def *opt, struct strv *out)
{
	int fd = *CFIELD(int, spec, opt);

	return fd < 0 ? 0 : emit_valuef(out, opt, "%d", fd);
}

static int parse_landlock_path(struct spec *spec, const struct option_def *opt,
			       const char *value, struct sh_err *err)
{
	if (!*value)
		return err_set(err, STAGE_SPEC, EINVAL,
			       "--%s: the path is empty",
			       opt->name);
	return strv_push(FIELD(struct strv, spec, opt), value) < 0 ? oom(err)
								   : 0;
}

static int parse_rlimit(struct spec *spec, const struct option_def *opt,
			const char *value, struct sh_err *err)
{
	struct rlimit_setting setting;
	const char *bad;
	int r;

	if (rlimit_parse(value, &setting, &bad) < 0)
		return err_set(err, STAGE_SPEC, EINVAL,
			       "--rlimit `%.64s`: bad %s (NAME=SOFT[:HARD], "
			       "a number or unlimited)",
			       value, bad);
	setting.text = value;
	r = rlimit_list_add(&spec->rlimits, &setting);
	if (r == -EEXIST)
		return err_set(err, STAGE_SPEC, EINVAL,
			       "--rlimit %s given twice",
			       rlimit_name(setting.resource));
	return r < 0 ? oom(err) : 0;
}

/* "infinity" stays as the caller wrote it */
static int emit_rlimits(const struct spec *spec, const struct option_def *opt,
			struct strv *out)
{
	return emit_texts(out, opt, spec->rlimits.v, spec->rlimits.n,
			  sizeof(struct rlimit_setting),
			  offsetof(struct rlimit_setting, text));
}

static int parse_cgroup_path(struct spec *spec, const struct option_def *opt,
			     const char *value, struct sh_err *err)
{
	if (value[0] != '/')
		return err_set(err, STAGE_SPEC, EINVAL,
			       "--%s `%.64s`: expected an absolute path",
			       opt->name, value);
	return parse_string(spec, opt, value, err);
}

/* A byte count with an optional K, M, G or T (powers of 1024). */
static int parse_size(struct spec *spec, const struct option_def *opt,
		      const char *value, struct sh_err *err)
{
	static const char units[] = "KMGT";
	size_t len = strlen(value);
	const char *unit = len ? strchr(units, value[len - 1]) : NULL;
	char digits[32];
	long number;
	int shift;

	if (len == 0 || len >= sizeof(digits))
		goto bad;
	memcpy(digits, value, len - (unit ? 1 : 0));
	digits[len - (unit ? 1 : 0)] = '\0';
	shift = unit ? 10 * (int)(unit - units + 1) : 0;
	if (option_parse_number(digits, 10, 1, LONG_MAX >> shift, &number) < 0)
		goto bad;
	*FIELD(long long, spec, opt) = (long long)number << shift;
	return 0;
bad:
	return err_set(err, STAGE_SPEC, EINVAL,
		       "--%s `%.64s`: expected a positive number of bytes, "
		       "with K, M, G or T",
		       opt->name, value);
}

static int parse_count(struct spec *spec, const struct option_def *opt,
		       const char *value, struct sh_err *err)
{
	long number;

	if (option_parse_number(value, 10, 1, INT_MAX, &number) < 0)
		return err_set(err, STAGE_SPEC, EINVAL,
			       "--%s `%.64s`: expected a positive number",
			       opt->name, value);
	*FIELD(long long, spec, opt) = number;
	return 0;
}

static int emit_number(const struct spec *spec, const struct option_def *opt,
		       struct strv *out)
{
	long long value = *CFIELD(long long, spec, opt);

	return value <= 0 ? 0 : emit_valuef(out, opt, "%lld", value);
}

/* CPUs as a decimal: "1.5" is one and a half CPUs of time per period. */
static int parse_cpus(struct spec *spec, const struct option_def *opt,
		      const char *value, struct sh_err *err)
{
	long long milli;

	if (parse_seconds(value, &milli) < 0 || milli == 0)
		return err_set(err, STAGE_SPEC, EINVAL,
			       "--%s `%.64s`: expected a number of CPUs above "
			       "0 (up to 3 decimals)",
			       opt->name, value);
	spec->cpu_max_milli = milli;
	return 0;
}

static int emit_cpus(const struct spec *spec, const struct option_def *opt,
		     struct strv *out)
{
	return spec->cpu_max_milli
		       ? emit_valuef(out, opt, "%lld.%03lld",
				     spec->cpu_max_milli / 1000,
				     spec->cpu_max_milli % 1000)
		       : 0;
}

static int parse_pid(struct spec *spec, const struct option_def *opt,
		     const char *value, struct sh_err *err)
{
	long pid;

	if (option_parse_number(value, 10, 1, INT_MAX, &pid) < 0)
		return err_set(err, STAGE_SPEC, EINVAL,
			       "--%s `%.64s`: expected a pid", opt->name, value);
	*FIELD(int, spec, opt) = (int)pid;
	return 0;
}

static int emit_pid(const struct spec *spec, const struct option_def *opt,
		    struct strv *out)
{
	int pid = *CFIELD(int, spec, opt);

	return pid <= 0 ? 0 : emit_valuef(out, opt, "%d", pid);
}

static int parse_cli_only(struct spec *spec, const struct option_def *opt,
			  const char *value, struct sh_err *err)
{
	/* --spec-fd and --probe are taken by spec_parse_cli when they come
	 * first and alone. */
	if (strcmp(opt->name, "json") == 0)
		return err_set(err, STAGE_SPEC, EINVAL,
			       "--json goes only with --probe");
	return err_set(err, STAGE_SPEC, EINVAL,
		       "--%s must be the only option on the command line",
		       opt->name);
}

static int parse_action(struct spec *spec, const struct option_def *opt,
			const char *value, struct sh_err *err)
{
	return 0; /* spec_parse turns --help and --version into an action */
}

#define OFF(field) offsetof(struct spec, field)

/* The columns after the offset (choices, unset, min) are given only by
 * the options they concern; the others leave them 0. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
const struct option_def option_table[] = {
	{ "help", OPT_CLI_ONLY | OPT_SHORT('h'), GROUP_GENERAL, NULL,
	  "print this help and exit", parse_action, NULL, 0 },
	{ "version", OPT_CLI_ONLY | OPT_SHORT('V'), GROUP_GENERAL, NULL,
	  "print the version, then those of libseccomp, libcap and the C "
	  "library, each static (built in) or shared, and the libseccomp "
	  "that precompiled the built-in seccomp profiles, and exit",
	  parse_action, NULL, 0 },
	{ "probe", OPT_CLI_ONLY, GROUP_GENERAL, NULL,
	  "print what this machine supports (namespaces, user namespace "
	  "limits, cgroups, IPv6, Landlock, seccomp) and exit; alone, or with "
	  "--json",
	  parse_cli_only, NULL, 0 },
	{ "json", OPT_CLI_ONLY, GROUP_GENERAL, NULL,
	  "with --probe: print one JSON object", parse_cli_only, NULL, 0 },
	{ "spec-fd", OPT_VALUE | OPT_CLI_ONLY, GROUP_GENERAL, "FD",
	  "read the options and the command, NUL-separated, from FD until EOF "
	  "(the only option then)",
	  parse_cli_only, NULL, 0 },

	{ "cap-keep", OPT_VALUE, GROUP_HARDENING, "CAPS",
	  "keep these capabilities (comma-separated, as capsh names them) "
	  "where the caller has them; all others are dropped from every set",
	  parse_cap_keep, emit_string, OFF(cap_keep_text) },
	{ "allow-new-privs", 0, GROUP_HARDENING, NULL,
	  "do not set no_new_privs (setuid binaries inside may elevate); "
	  "seccomp and Landlock then need CAP_SYS_ADMIN, so it is refused "
	  "(also alone: the default profile is seccomp) unless with "
	  "--cap-keep cap_sys_admin, or with --seccomp-profile none and no "
	  "--seccomp-policy, --seccomp-bpf or Landlock option",
	  parse_flag, emit_flag, OFF(allow_new_privs) },
	{ "seccomp-profile", OPT_VALUE, GROUP_HARDENING, "NAME",
	  "build (default), install (build, but setuid and setgid modes "
	  "allowed: for a root phase that installs into an image), strict or "
	  "none",
	  parse_keyword, emit_keyword, OFF(seccomp_profile),
	  seccomp_profile_choices },
	{ "allow-nested-userns", 0, GROUP_HARDENING, NULL,
	  "let the command make user namespaces of its own, which the build "
	  "profile refuses: in one it mounts what it likes, and an overlay "
	  "copy-up or a FUSE file system can leave setuid or setgid files and "
	  "file capabilities on the host where seccomp sees no chmod or "
	  "setxattr; refused with --seccomp-profile strict",
	  parse_flag, emit_flag, OFF(allow_nested_userns) },
	{ "seccomp-policy", OPT_VALUE, GROUP_HARDENING, "FILE",
	  "more seccomp rules, one a line: ACTION SYSCALL [argN OP VALUE]...",
	  parse_nonempty, emit_string, OFF(seccomp_policy) },
	{ "seccomp-bpf", OPT_VALUE, GROUP_HARDENING, "FD",
	  "also install the raw seccomp BPF program read from FD "
	  "(bubblewrap's --seccomp)",
	  parse_fd_number, emit_fd_number, OFF(seccomp_bpf_fd) },
	{ "landlock-write", OPT_VALUE | OPT_REPEAT, GROUP_HARDENING, "PATH",
	  "with Landlock, the command may write only below these paths",
	  parse_landlock_path, emit_list, OFF(landlock_write) },
	{ "landlock-read", OPT_VALUE | OPT_REPEAT, GROUP_HARDENING, "PATH",
	  "with Landlock, the command may read only below these paths (and "
	  "the write paths)",
	  parse_landlock_path, emit_list, OFF(landlock_read) },
	{ "landlock-mode", OPT_VALUE, GROUP_HARDENING, "strict|best-effort",
	  "for --landlock-read/--landlock-write and --sandbox-read: strict "
	  "(default): fail when a file system right cannot be "
	  "enforced; best-effort: run and report it in the status. Scoping "
	  "signals and abstract unix sockets to the sandbox (ABI 6) never "
	  "fails: it is applied where the kernel has it, reported where not",
	  parse_keyword, emit_keyword, OFF(landlock_mode),
	  landlock_mode_choices },
	{ "rlimit", OPT_VALUE | OPT_REPEAT, GROUP_HARDENING, "NAME=SOFT[:HARD]",
	  "a resource limit of the command (nofile, nproc, core, as, fsize, "
	  "cpu, stack, ...)",
	  parse_rlimit, emit_rlimits, 0 },
	{ "selinux-exec-context", OPT_VALUE, GROUP_HARDENING, "CONTEXT",
	  "run the command in this SELinux context (as setexeccon(3), which "
	  "portage passes as its pre_exec): written to "
	  "/proc/thread-self/attr/exec after the credentials change, before "
	  "no_new_privs (the policy must then allow the transition under it: "
	  "nnp_transition); an error where SELinux is not enabled",
	  parse_nonempty, emit_string, OFF(selinux_exec_context) },

	{ "status-fd", OPT_VALUE, GROUP_REPORTING, "FD",
	  "write JSON status records (child-pid, error, exit-code, usage) "
	  "to FD",
	  parse_fd_number, emit_fd_number, OFF(status_fd) },
	{ "caller-fd", OPT_VALUE | OPT_REPEAT, GROUP_REPORTING, "FD=CALLER",
	  "messages call the helper's fd FD by the number CALLER, the one "
	  "the caller knows (libspawnhelper gives it for each fd it "
	  "renumbers on the way in)",
	  parse_caller_fd, emit_caller_fd, 0 },

	{ "fd", OPT_VALUE | OPT_REPEAT, GROUP_PROCESS, "CHILD=PARENT",
	  "give the command the helper's fd PARENT as fd CHILD; every fd not "
	  "named is closed (default 0=0 1=1 2=2)",
	  parse_fd, emit_fd, 0 },
	{ "chdir", OPT_VALUE, GROUP_PROCESS, "DIR",
	  "run the command in DIR", parse_nonempty, emit_string, OFF(chdir) },
	{ "clearenv", 0, GROUP_PROCESS, NULL,
	  "start from an empty environment instead of the helper's",
	  parse_flag, emit_flag, OFF(clearenv) },
	{ "setenv", OPT_VALUE | OPT_REPEAT, GROUP_PROCESS, "NAME=VALUE",
	  "set an environment variable", parse_setenv, emit_list,
	  OFF(setenv) },
	{ "unsetenv", OPT_VALUE | OPT_REPEAT, GROUP_PROCESS, "NAME",
	  "remove an environment variable", parse_unsetenv, emit_list,
	  OFF(unsetenv) },
	{ "argv0", OPT_VALUE, GROUP_PROCESS, "NAME",
	  "the command's argv[0] (the program is still looked up by the "
	  "command's first word)",
	  parse_string, emit_string, OFF(argv0) },
	{ "umask", OPT_VALUE, GROUP_PROCESS, "MODE",
	  "set the umask (octal; 0 is honoured)", parse_umask, emit_umask, 0 },
	{ "new-session", 0, GROUP_PROCESS, NULL,
	  "the sandbox runs in a session and process group of its own "
	  "(setsid), away from the terminal: the default, kept for callers "
	  "that say it",
	  parse_flag, emit_flag, OFF(new_session) },
	{ "unsafe-share-session", 0, GROUP_PROCESS, NULL,
	  "UNSAFE: the sandbox stays in the caller's session and process "
	  "group (it can signal them and open the caller's terminal as "
	  "/dev/tty)",
	  parse_flag, emit_flag, OFF(unsafe_share_session) },
	{ "report-e2big", 0, GROUP_PROCESS, NULL,
	  "when the command's execve fails with E2BIG, write portage's "
	  "report (\"ERROR: Executing [...] failed with E2BIG. Child process "
	  "environment size: N bytes. Largest environment variable: NAME (N "
	  "bytes)\", the error and the command) to the command's fd 2, so "
	  "into its build log; the exit status stays 126",
	  parse_flag, emit_flag, OFF(report_e2big) },
	{ "die-with-parent", 0, GROUP_PROCESS, NULL,
	  "kill the command when the helper's parent dies", parse_flag,
	  emit_flag, OFF(die_with_parent) },
	{ "parent-pid", OPT_VALUE, GROUP_PROCESS, "PID",
	  "the parent --die-with-parent watches: when it is gone already, "
	  "nothing runs (default: the parent at start; give it to close the "
	  "race of a parent that dies before the helper starts)",
	  parse_pid, emit_pid, OFF(parent_pid) },

	{ "uid", OPT_VALUE, GROUP_CREDENTIALS, "USER",
	  "run as USER (name or number)", parse_nonempty, emit_string,
	  OFF(uid) },
	{ "gid", OPT_VALUE, GROUP_CREDENTIALS, "GROUP",
	  "run with primary group GROUP (default: USER's group)",
	  parse_nonempty, emit_string, OFF(gid) },
	{ "groups", OPT_VALUE, GROUP_CREDENTIALS, "LIST",
	  "set exactly these supplementary groups (comma-separated, empty for "
	  "none; default: none when --uid or --gid is given)",
	  parse_string, emit_string, OFF(groups) },

	{ "unshare-user", 0, GROUP_NAMESPACES, NULL,
	  "new user namespace (made anyway when an unprivileged caller asks "
	  "for any namespace)",
	  parse_unshare, emit_unshare, 0 },
	{ "unshare-mount", 0, GROUP_NAMESPACES, NULL,
	  "new mount namespace, propagation private", parse_unshare,
	  emit_unshare, 0 },
	{ "unshare-net", 0, GROUP_NAMESPACES, NULL,
	  "new network namespace: lo up with 127.0.0.1/8, ::1 and the "
	  "--loopback-addr addresses; implies --unshare-uts",
	  parse_unshare, emit_unshare, 0 },
	{ "unshare-ipc", 0, GROUP_NAMESPACES, NULL,
	  "new IPC namespace with a private /dev/shm; implies "
	  "--unshare-mount",
	  parse_unshare, emit_unshare, 0 },
	{ "unshare-uts", 0, GROUP_NAMESPACES, NULL,
	  "new UTS namespace (see --hostname)", parse_unshare, emit_unshare,
	  0 },
	{ "unshare-pid", 0, GROUP_NAMESPACES, NULL,
	  "new pid namespace: the command runs under an init that reaps "
	  "orphans, with a fresh /proc; implies --unshare-mount",
	  parse_unshare, emit_unshare, 0 },
	{ "unshare-cgroup", 0, GROUP_NAMESPACES, NULL,
	  "new cgroup namespace", parse_unshare, emit_unshare, 0 },
	{ "unshare-time", 0, GROUP_NAMESPACES, NULL,
	  "new time namespace (Linux 5.6)", parse_unshare, emit_unshare, 0 },
	{ "unsafe-share-pids", 0, GROUP_NAMESPACES, NULL,
	  "UNSAFE: no pid namespace unless asked for; by default a command "
	  "running as the host's uid 0 or under another uid than the caller's "
	  "gets one (it could signal or trace the host's processes of its uid "
	  "otherwise)",
	  parse_flag, emit_flag, OFF(unsafe_share_pids) },
	{ "unsafe-host-ipc", 0, GROUP_NAMESPACES, NULL,
	  "UNSAFE: a command running as the host's uid 0 keeps the host's "
	  "IPC namespace, its /run and its abstract UNIX sockets; by default "
	  "it gets an IPC namespace of its own, an empty /run (the host "
	  "daemons' sockets) and no connect() to abstract sockets made "
	  "outside the sandbox (Landlock ABI 6). --unsafe-writable-host "
	  "implies it",
	  parse_flag, emit_flag, OFF(unsafe_host_ipc) },
	{ "unshare-all", 0, GROUP_NAMESPACES, NULL,
	  "net, ipc, mount, pid, uts and cgroup namespaces", parse_flag,
	  emit_flag, OFF(unshare_all) },
	{ "join-ns", OPT_VALUE | OPT_REPEAT, GROUP_NAMESPACES, "TYPE=PATH",
	  "enter an existing namespace: /proc/PID/ns/TYPE or a bind-mounted "
	  "file",
	  parse_join_ns, emit_join_ns, 0 },
	{ "ns-fallback", OPT_VALUE, GROUP_NAMESPACES, "strict|drop",
	  "strict (default): a namespace the kernel refuses fails the spawn; "
	  "drop: continue without it and report it in the status",
	  parse_keyword, emit_keyword, OFF(ns_fallback),
	  ns_fallback_choices },
	{ "map-root", 0, GROUP_NAMESPACES, NULL,
	  "in the user namespace, map the caller's uid and gid to 0",
	  parse_flag, emit_flag, OFF(map_root) },
	{ "uid-map", OPT_VALUE, GROUP_NAMESPACES, "MAP",
	  "the user namespace's uid map: \"INNER OUTER COUNT\" records "
	  "separated by commas",
	  parse_id_map, emit_id_map, OFF(uid_map) },
	{ "gid-map", OPT_VALUE, GROUP_NAMESPACES, "MAP",
	  "the user namespace's gid map, as --uid-map", parse_id_map,
	  emit_id_map, OFF(gid_map) },

	{ "hostname", OPT_VALUE, GROUP_NETWORK, "NAME",
	  "the hostname in the UTS namespace (default \"localhost\" with "
	  "--unshare-net)",
	  parse_hostname, emit_string, OFF(hostname) },
	{ "loopback-addr", OPT_VALUE | OPT_REPEAT, GROUP_NETWORK,
	  "ADDR/PREFIX",
	  "an address for lo in the network namespace instead of the defaults "
	  "10.0.0.1/8 and fd00::1/8; IPv6 ones only when IPv6 works",
	  parse_loopback_addr, emit_loopback_addrs, 0 },

	{ "bind", OPT_VALUE | OPT_REPEAT, GROUP_MOUNTS, "SRC:DEST",
	  "bind-mount the host's SRC on DEST (PATH alone: the same path)",
	  parse_bind, emit_binds, OFF(binds) },
	{ "ro-bind", OPT_VALUE | OPT_REPEAT, GROUP_MOUNTS, "SRC:DEST",
	  "as --bind, read-only", parse_bind, emit_binds, OFF(ro_binds) },
	{ "tmpfs", OPT_VALUE | OPT_REPEAT, GROUP_MOUNTS, "DEST",
	  "mount an empty tmpfs on DEST", parse_dest, emit_list, OFF(tmpfs) },
	{ "writable", OPT_VALUE | OPT_REPEAT, GROUP_MOUNTS, "PATH",
	  "in the read-only view of a command running as the host's uid 0, "
	  "the command may write below PATH (bound on itself, writable where "
	  "the host's is; mounts below PATH stay read-only); without the "
	  "view it changes nothing",
	  parse_dest, emit_list, OFF(writable) },
	{ "unsafe-writable-host", 0, GROUP_MOUNTS, NULL,
	  "UNSAFE: a command running as the host's uid 0 sees the host as it "
	  "is, writable, with the host's /dev, instead of the read-only view; "
	  "with a --sandbox-* option the view stays and the command's "
	  "--sandbox-grants widen it (the started record lists it under "
	  "\"unsafe\")",
	  parse_flag, emit_flag, OFF(unsafe_writable_host) },
	{ "sandbox-write", OPT_VALUE | OPT_REPEAT, GROUP_SANDBOX, "PATH",
	  "turn the sandbox on (any --sandbox-* option does): the command, "
	  "whatever its uid, sees the host read-only but below these paths "
	  "(portage's SANDBOX_WRITE); a path that does not exist is left "
	  "out of the view and still counts for the reports",
	  parse_dest, emit_list, OFF(sandbox_write) },
	{ "sandbox-predict", OPT_VALUE | OPT_REPEAT, GROUP_SANDBOX, "PATH",
	  "a refused write below PATH fails with EACCES and is not reported "
	  "(SANDBOX_PREDICT)",
	  parse_dest, emit_list, OFF(sandbox_predict) },
	{ "sandbox-deny", OPT_VALUE | OPT_REPEAT, GROUP_SANDBOX, "PATH",
	  "SANDBOX_DENY: PATH neither readable nor writable, whatever the "
	  "command's capabilities: an inaccessible object is mounted on it "
	  "in the view, after every other mount (a denied path below a "
	  "write path stays denied); a PATH that does not exist is left "
	  "out; / is refused. A command that kept cap_dac_override finds "
	  "a denied directory empty rather than unopenable as uid 0 of a "
	  "user namespace, and before Linux 6.3 (no idmapped tmpfs)",
	  parse_dest, emit_list, OFF(sandbox_deny) },
	{ "sandbox-read", OPT_VALUE | OPT_REPEAT, GROUP_SANDBOX, "PATH",
	  "SANDBOX_READ: when given and none is /, the command may read, "
	  "list and execute only below the PATHs, the --sandbox-write "
	  "paths and the view's devices (Landlock; the command itself, "
	  "its loader and libraries included; --landlock-mode applies)",
	  parse_dest, emit_list, OFF(sandbox_read) },
	{ "sandbox-log", OPT_VALUE, GROUP_SANDBOX, "FILE",
	  "append each refused write to FILE, a path of the caller's, in "
	  "Gentoo sandbox's log format (SANDBOX_LOG), before the call returns",
	  parse_abs_string, emit_string, OFF(sandbox_log) },
	{ "sandbox-grants", 0, GROUP_SANDBOX, NULL,
	  "accept grants at run time: a write the view refuses goes on when "
	  "the calling process's SANDBOX_WRITE covers it (the view is widened "
	  "there), and fails unreported when its SANDBOX_PREDICT does, as "
	  "portage's addwrite and addpredict; no security boundary: the "
	  "command can set its own SANDBOX_WRITE and exec (leave it out for "
	  "one); a command that is the host's uid 0 gets no SANDBOX_WRITE "
	  "grants unless --unsafe-writable-host",
	  parse_flag, emit_flag, OFF(sandbox_grants) },
	{ "sandbox-report", OPT_VALUE, GROUP_SANDBOX, "yes|no",
	  "whether the monitor hears of writes to check them (default yes); "
	  "with no the view alone refuses them, unreported, and "
	  "--sandbox-predict and --sandbox-grants act not",
	  parse_keyword, emit_keyword, OFF(sandbox_report),
	  sandbox_report_choices },

	{ "chroot", OPT_VALUE, GROUP_MOUNTS, "DIR",
	  "make DIR the root (pivot_root); mount destinations are inside it",
	  parse_nonempty, emit_string, OFF(chroot) },

	{ "cgroup", OPT_VALUE, GROUP_LIMITS, "PATH",
	  "run in the existing cgroup PATH (v1 or v2), as portage; the "
	  "sandbox is moved there right after its clone, before it runs "
	  "anything",
	  parse_cgroup_path, emit_string, OFF(cgroup) },
	{ "cgroup-parent", OPT_VALUE, GROUP_LIMITS, "PATH",
	  "run in a new cgroup below PATH that gets the limits, is measured, "
	  "has every leftover process killed and is removed at the end; the "
	  "command sees cgroup file systems read-only (a mount namespace is "
	  "added)",
	  parse_cgroup_path, emit_string, OFF(cgroup_parent) },
	{ "memory-max", OPT_VALUE, GROUP_LIMITS, "BYTES",
	  "memory limit of the cgroup (K, M, G, T suffixes)", parse_size,
	  emit_number, OFF(memory_max) },
	{ "pids-max", OPT_VALUE, GROUP_LIMITS, "N",
	  "at most N processes and threads in the cgroup", parse_count,
	  emit_number, OFF(pids_max) },
	{ "cpu-max", OPT_VALUE, GROUP_LIMITS, "CPUS",
	  "CPU time of the cgroup, in CPUs (\"1.5\")", parse_cpus, emit_cpus,
	  0 },
	{ "timeout", OPT_VALUE, GROUP_LIMITS, "SECONDS",
	  "send SIGTERM to the command SECONDS after its execve (the "
	  "setup's time is not counted), then SIGKILL after "
	  "--kill-after more to the command and what it started: the pid "
	  "namespace with --unshare-pid, the cgroup with --cgroup-parent, "
	  "the process group with --new-session; else the command alone",
	  parse_duration, emit_duration, OFF(timeout_ms), NULL, 0, 1 },
	{ "timeout-exit-124", 0, GROUP_LIMITS, NULL,
	  "when --timeout ended the command, exit with 124 as timeout(1) "
	  "does, instead of the command's status (the outcome record still "
	  "has its signal or exit code); needs --timeout",
	  parse_flag, emit_flag, OFF(timeout_exit_124) },
	{ "kill-after", OPT_VALUE, GROUP_LIMITS, "SECONDS",
	  "the grace between a timeout's SIGTERM and SIGKILL (default 5)",
	  parse_duration, emit_duration, OFF(kill_after_ms), NULL, -1, 0 },
};

#pragma GCC diagnostic pop

const size_t option_count = sizeof(option_table) / sizeof(option_table[0]);
_Static_assert(sizeof(option_table) / sizeof(option_table[0]) <= OPTION_MAX,
	       "raise OPTION_MAX");

const struct option_def *option_find_short(char c)
{
	for (size_t i = 0; i < option_count; i++)
		if (c && OPTION_SHORT_NAME(&option_table[i]) == c)
			return &option_table[i];
	return NULL;
}

const struct option_def *option_find(const char *name)
{
	for (size_t i = 0; i < option_count; i++)
		if (strcmp(option_table[i].name, name) == 0)
			return &option_table[i];
	return NULL;
}

const char *option_group_title(enum opt_group group)
{
	static const char *const titles[GROUP_COUNT] = {
		[GROUP_GENERAL] = "General",
		[GROUP_PROCESS] = "Process",
		[GROUP_CREDENTIALS] = "Credentials",
		[GROUP_NAMESPACES] = "Namespaces",
		[GROUP_NETWORK] = "Network",
		[GROUP_MOUNTS] = "Mounts",
		[GROUP_LIMITS] = "Limits",
		[GROUP_HARDENING] = "Hardening",
		[GROUP_REPORTING] = "Reporting",
		[GROUP_SANDBOX] = "Sandbox (FEATURES=sandbox)",
	};

	return titles[group];
}
