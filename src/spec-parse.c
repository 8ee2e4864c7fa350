/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The parser's driver: tokens into a spec through the option table, the
 * checks a whole spec must pass, the canonical tokens back, and --help. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "mounts.h"
#include "options.h"

static int oom(struct sh_err *err)
{
	return err_set(err, STAGE_SPEC, ENOMEM, "out of memory");
}

static int compare_env_names(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	size_t lx = strcspn(x, "="), ly = strcspn(y, "=");
	int r = memcmp(x, y, lx < ly ? lx : ly);

	return r ? r : (lx > ly) - (lx < ly);
}

/* Every NAME at most once across --setenv and --unsetenv: a spec that both
 * sets and removes a variable, or sets it twice, is contradictory. */
static int check_env_conflicts(const struct spec *spec, struct sh_err *err)
{
	size_t n = spec->setenv.n + spec->unsetenv.n;
	_cleanup_free_ char **names = NULL;

	if (n < 2)
		return 0;
	names = malloc(n * sizeof(*names));
	if (!names)
		return oom(err);
	if (spec->setenv.n)
		memcpy(names, spec->setenv.v, spec->setenv.n * sizeof(*names));
	if (spec->unsetenv.n)
		memcpy(names + spec->setenv.n, spec->unsetenv.v,
		       spec->unsetenv.n * sizeof(*names));
	qsort(names, n, sizeof(*names), compare_env_names);
	for (size_t i = 1; i < n; i++)
		if (compare_env_names(&names[i - 1], &names[i]) == 0)
			return err_set(err, STAGE_SPEC, EINVAL,
				       "--setenv/--unsetenv: `%.*s` is named "
				       "twice",
				       (int)strcspn(names[i], "="), names[i]);
	return 0;
}

/* The next component of a path, past empty and "." ones. */
static const char *next_component(const char *p, size_t *len)
{
	for (;;) {
		while (*p == '/')
			p++;
		*len = strcspn(p, "/");
		if (!(*len == 1 && *p == '.'))
			return p;
		p++;
	}
}

/* Paths equal as the kernel resolves them: "//x/./" is "/x". */
static bool same_path(const char *a, const char *b)
{
	size_t la, lb;

	for (;;) {
		a = next_component(a, &la);
		b = next_component(b, &lb);
		if (la != lb || strncmp(a, b, la) != 0)
			return false;
		if (!la)
			return true;
		a += la;
		b += lb;
	}
}

/* Two mounts on one destination: which one wins is not for us to guess. */
static int check_mount_destinations(const struct spec *spec,
				    struct sh_err *err)
{
	const char *names[] = { "bind", "ro-bind", "tmpfs", "writable" };
	size_t n = spec->binds.n + spec->ro_binds.n + spec->tmpfs.n +
		   spec->writable.n;
	_cleanup_free_ const char **dests = calloc(n + 1, sizeof(*dests));
	_cleanup_free_ size_t *lists = calloc(n + 1, sizeof(*lists));
	size_t k = 0;

	if (!dests || !lists)
		return err_set(err, STAGE_SPEC, ENOMEM, "out of memory");
	for (size_t i = 0; i < spec->binds.n; i++, k++)
		dests[k] = spec->binds.v[i].dest, lists[k] = 0;
	for (size_t i = 0; i < spec->ro_binds.n; i++, k++)
		dests[k] = spec->ro_binds.v[i].dest, lists[k] = 1;
	for (size_t i = 0; i < spec->tmpfs.n; i++, k++)
		dests[k] = spec->tmpfs.v[i], lists[k] = 2;
	for (size_t i = 0; i < spec->writable.n; i++, k++)
		dests[k] = spec->writable.v[i], lists[k] = 3;
	/* in option order, so the first pair named is the same whatever
	 * the lists hold */
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (same_path(dests[i], dests[j]))
				return err_set(err, STAGE_SPEC, EINVAL,
					       "--%s and --%s: two mounts on "
					       "`%.64s`",
					       names[lists[i]], names[lists[j]],
					       dests[i]);
	return 0;
}

/* A denied / would leave the command nothing to run (portage keeps its
 * SANDBOX_DENY="/" commented out for that reason). */
static int check_sandbox_deny(const struct spec *spec, struct sh_err *err)
{
	for (size_t i = 0; i < spec->sandbox_deny.n; i++)
		if (mount_path_is_root(spec->sandbox_deny.v[i]))
			return err_set(err, STAGE_SPEC, EINVAL,
				       "--sandbox-deny `%.64s`: denying / "
				       "leaves nothing to run",
				       spec->sandbox_deny.v[i]);
	return 0;
}

/* The strict profile promises no namespaces of the command's own. */
static int check_hardening_conflicts(const struct spec *spec,
				     struct sh_err *err)
{
	if (spec->allow_nested_userns &&
	    spec->seccomp_profile == SECCOMP_PROFILE_STRICT)
		return err_set(err, STAGE_SPEC, EINVAL,
			       "--allow-nested-userns and --seccomp-profile "
			       "strict: the strict profile refuses every "
			       "namespace (use the build profile)");
	return 0;
}

static int check_isolation_conflicts(const struct spec *spec,
				     struct sh_err *err)
{
	unsigned mask = spec_namespaces(spec);

	if (spec->cgroup && spec->cgroup_parent)
		return err_set(err, STAGE_SPEC, EINVAL,
			       "--cgroup and --cgroup-parent: give one");
	if ((spec->memory_max || spec->pids_max || spec->cpu_max_milli) &&
	    !spec->cgroup_parent)
		return err_set(err, STAGE_SPEC, EINVAL,
			       "--memory-max, --pids-max or --cpu-max needs "
			       "--cgroup-parent (a cgroup of the spawn's own)");
	if (spec->landlock_mode && !spec->landlock_read.n &&
	    !spec->landlock_write.n && !spec->sandbox_read.n)
		return err_set(err, STAGE_SPEC, EINVAL,
			       "--landlock-mode needs --landlock-write or "
			       "--landlock-read (or --sandbox-read)");
	if (spec->unsafe_share_pids && (mask & NS_BIT(NS_PID)))
		return err_set(err, STAGE_SPEC, EINVAL,
			       "--unsafe-share-pids and a new pid namespace: "
			       "give one");
	if (spec->new_session && spec->unsafe_share_session)
		return err_set(err, STAGE_SPEC, EINVAL,
			       "--new-session and --unsafe-share-session: "
			       "give one");
	if (spec->parent_pid && !spec->die_with_parent)
		return err_set(err, STAGE_SPEC, EINVAL,
			       "--parent-pid needs --die-with-parent");
	if (spec->map_root && (spec->uid_map || spec->gid_map))
		return err_set(err, STAGE_SPEC, EINVAL,
			       "--map-root and --uid-map/--gid-map: give one");
	for (size_t i = 0; i < spec->join_ns.n; i++) {
		int kind = spec->join_ns.v[i].kind;
		const char *type = ns_table[kind].name;

		if (spec->cgroup_parent && kind == NS_MOUNT)
			return err_set(err, STAGE_SPEC, EINVAL,
				       "--cgroup-parent and --join-ns mount: "
				       "the command sees the cgroup file "
				       "systems read-only in a mount namespace "
				       "of its own");
		if (mask & NS_BIT(kind))
			return err_set(err, STAGE_SPEC, EINVAL,
				       "--join-ns %s and a new %s "
				       "namespace: give one",
				       type, type);
	}
	if (spec->kill_after_ms >= 0 && !spec->timeout_ms)
		return err_set(err, STAGE_SPEC, EINVAL,
			       "--kill-after needs --timeout");
	if (spec->timeout_exit_124 && !spec->timeout_ms)
		return err_set(err, STAGE_SPEC, EINVAL,
			       "--timeout-exit-124 needs --timeout");
	if (spec->hostname && !(mask & NS_BIT(NS_UTS)))
		return err_set(err, STAGE_SPEC, EINVAL,
			       "--hostname needs --unshare-uts (or "
			       "--unshare-net)");
	if (spec->loopback_addrs.n && !(mask & NS_BIT(NS_NET)))
		return err_set(err, STAGE_SPEC, EINVAL,
			       "--loopback-addr needs --unshare-net");
	return check_mount_destinations(spec, err);
}

static int split_option(const char *token, char *name, size_t size,
			const char **inline_value)
{
	const char *eq = strchr(token + 2, '=');
	size_t len = eq ? (size_t)(eq - token - 2) : strlen(token + 2);

	if (len >= size)
		return -ENAMETOOLONG;
	memcpy(name, token + 2, len);
	name[len] = '\0';
	*inline_value = eq ? eq + 1 : NULL;
	return 0;
}

static int parse_one(struct spec *spec, char *const *tokens, size_t n,
		     size_t *i, bool from_cli, unsigned char *seen,
		     enum cli_action *action, struct sh_err *err)
{
	const char *token = tokens[*i], *value;
	const struct option_def *opt;
	char name[64];

	if (split_option(token, name, sizeof(name), &value) < 0 ||
	    !(opt = option_find(name)))
		return err_set(err, STAGE_SPEC, EINVAL,
			       "unknown option `%.64s`",
			       token);
	if ((opt->flags & OPT_CLI_ONLY) && !from_cli)
		return err_set(err, STAGE_SPEC, EINVAL,
			       "--%s is not allowed inside a spec", opt->name);
	if (seen[opt - option_table]++ && !(opt->flags & OPT_REPEAT))
		return err_set(err, STAGE_SPEC, EINVAL, "--%s given twice",
			       opt->name);
	if (!(opt->flags & OPT_VALUE) && value)
		return err_set(err, STAGE_SPEC, EINVAL, "--%s takes no value",
			       opt->name);
	if ((opt->flags & OPT_VALUE) && !value) {
		if (*i + 1 >= n)
			return err_set(err, STAGE_SPEC, EINVAL,
				       "--%s needs a value (%s)", opt->name,
				       opt->metavar);
		value = tokens[++*i];
	}
	if (strcmp(opt->name, "help") == 0)
		*action = CLI_HELP;
	else if (strcmp(opt->name, "version") == 0)
		*action = CLI_VERSION;
	return opt->parse(spec, opt, value ? value : "", err);
}

/* -h and -V, the table's short names, on the command line; any other
 * word that begins with '-' before "--" is a mistyped option or a
 * command that needs "--" first: refused rather than run. */
static int parse_short(struct spec *spec, const char *token, bool from_cli,
		       enum cli_action *action, struct sh_err *err)
{
	const struct option_def *opt =
		token[1] && !token[2] ? option_find_short(token[1]) : NULL;

	if (!opt)
		return err_set(err, STAGE_SPEC, EINVAL,
			       "the command `%.64s` begins with '-': options "
			       "are --NAME (-h, -V); put `--` before a command "
			       "that begins with '-'",
			       token);
	if (!from_cli)
		return err_set(err, STAGE_SPEC, EINVAL,
			       "-%c is not allowed inside a spec",
			       OPTION_SHORT_NAME(opt));
	*action = strcmp(opt->name, "help") == 0 ? CLI_HELP : CLI_VERSION;
	return opt->parse(spec, opt, "", err);
}

static int parse_tokens(struct spec *spec, char *const *tokens, size_t n,
			bool from_cli, enum cli_action *action,
			struct sh_err *err)
{
	unsigned char seen[OPTION_MAX] = { 0 };
	size_t i;
	int r;

	*action = CLI_RUN;
	for (i = 0; i < n; i++) {
		const char *token = tokens[i];

		if (strcmp(token, "--") == 0) {
			i++;
			break;
		}
		if (token[0] == '-' && token[1] != '-')
			r = parse_short(spec, token, from_cli, action, err);
		else if (strncmp(token, "--", 2) != 0)
			break;
		else
			r = parse_one(spec, tokens, n, &i, from_cli, seen,
				      action, err);
		if (r < 0)
			return r;
		if (*action != CLI_RUN)
			return 0;
	}
	for (; i < n; i++)
		if (strv_push(&spec->command, tokens[i]) < 0)
			return oom(err);
	return spec_validate(spec, err);
}

int spec_validate(const struct spec *spec, struct sh_err *err)
{
	int r;

	if (spec->command.n == 0)
		return err_set(err, STAGE_SPEC, EINVAL, "no command given");
	if (spec->command.v[0][0] == '\0')
		return err_set(err, STAGE_SPEC, ENOENT, "the command is empty");
	if ((r = check_env_conflicts(spec, err)) < 0 ||
	    (r = check_hardening_conflicts(spec, err)) < 0 ||
	    (r = check_sandbox_deny(spec, err)) < 0)
		return r;
	return check_isolation_conflicts(spec, err);
}

int spec_set_option(struct spec *spec, const char *name, const char *value,
		    struct sh_err *err)
{
	const struct option_def *opt = option_find(name);

	if (!opt || (opt->flags & OPT_CLI_ONLY))
		return err_set(err, STAGE_SPEC, EINVAL, "unknown option `--%s`",
			       name);
	if (!(opt->flags & OPT_VALUE) != !value)
		return err_set(err, STAGE_SPEC, EINVAL, "--%s %s", opt->name,
			       value ? "takes no value" : "needs a value");
	return opt->parse(spec, opt, value ? value : "", err);
}

int spec_parse(struct spec *spec, char *const *tokens, size_t n,
	       bool from_cli, enum cli_action *action, struct sh_err *err)
{
	int r = parse_tokens(spec, tokens, n, from_cli, action, err);

	/* a bad spec is still reported on the status fd it names */
	if (r < 0 && spec->status_fd < 0)
		spec->status_fd = spec_scan_status_fd(tokens, n);
	return r;
}

static bool is_spec_fd_option(const char *token, const char **inline_value)
{
	if (strcmp(token, "--spec-fd") == 0) {
		*inline_value = NULL;
		return true;
	}
	if (strncmp(token, "--spec-fd=", 10) == 0) {
		*inline_value = token + 10;
		return true;
	}
	return false;
}

int spec_parse_cli(struct spec *spec, int argc, char *const *argv,
		   enum cli_action *action, struct sh_err *err)
{
	_cleanup_strv_ struct strv tokens = { 0 };
	_cleanup_close_ int fd = -1;
	const char *value;
	long number;

	if (argc >= 2 && strcmp(argv[1], "--probe") == 0) {
		*action = CLI_PROBE;
		if (argc == 3 && strcmp(argv[2], "--json") == 0)
			*action = CLI_PROBE_JSON;
		else if (argc != 2)
			return err_set(err, STAGE_SPEC, EINVAL,
				       "--probe takes only --json");
		return 0;
	}
	if (argc < 2)
		return err_set(err, STAGE_SPEC, EINVAL,
			       "no command given (Try 'spawn-helper --help')");
	if (!is_spec_fd_option(argv[1], &value))
		return spec_parse(spec, argv + 1, (size_t)(argc - 1), true,
				  action, err);
	if (!value && argc >= 3)
		value = argv[2];
	if (!value || argc != (argv[1][9] == '=' ? 2 : 3))
		return err_set(err, STAGE_SPEC, EINVAL,
			       "--spec-fd takes one FD and must be the only "
			       "option on the command line");
	if (option_parse_number(value, 10, 0, INT_MAX, &number) < 0)
		return err_set(err, STAGE_SPEC, EINVAL,
			       "--spec-fd `%.64s`: expected an fd number",
			       value);
	fd = (int)number;
	if (spec_read_fd(fd, spec, &tokens, err) < 0)
		return -err->errnum;
	return spec_parse(spec, tokens.v, tokens.n, false, action, err);
}

int spec_scan_status_fd(char *const *tokens, size_t n)
{
	long fd;

	for (size_t i = 0; i < n; i++) {
		const struct option_def *opt;
		const char *value;
		char name[64];

		if (strcmp(tokens[i], "--") == 0 ||
		    strncmp(tokens[i], "--", 2) != 0)
			break; /* the command: its words are not options */
		if (split_option(tokens[i], name, sizeof(name), &value) < 0 ||
		    !(opt = option_find(name)))
			continue; /* unknown: taken as a flag */
		if ((opt->flags & OPT_VALUE) && !value && i + 1 < n)
			value = tokens[++i];
		if (strcmp(opt->name, "status-fd") == 0 && value &&
		    option_parse_number(value, 10, 0, INT_MAX, &fd) == 0)
			return (int)fd;
	}
	return -1;
}

int spec_emit(const struct spec *spec, struct strv *out)
{
	int r;

	for (size_t i = 0; i < option_count; i++) {
		const struct option_def *opt = &option_table[i];

		if (!opt->emit)
			continue;
		r = opt->emit(spec, opt, out);
		if (r < 0)
			return r;
	}
	r = strv_push(out, "--");
	for (size_t i = 0; r >= 0 && i < spec->command.n; i++)
		r = strv_push(out, spec->command.v[i]);
	return r;
}

/* Help text wrapped to 80 columns under its option. */
static void print_wrapped(FILE *out, const char *left, const char *text,
			  const char *suffix)
{
	char buf[512];
	const char *p = buf;
	int column = fprintf(out, "  %-26s", left);

	snprintf(buf, sizeof(buf), "%s%s", text, suffix);
	if (column > 28) {
		fprintf(out, "\n%28s", "");
		column = 28;
	}
	while (*p) {
		size_t word = strcspn(p, " ");

		if (column + 1 + (int)word > 79 && column > 29) {
			fprintf(out, "\n%28s", "");
			column = 28;
		}
		column += fprintf(out, " %.*s", (int)word, p);
		p += word;
		p += strspn(p, " ");
	}
	fputc('\n', out);
}

void options_print_help(FILE *out, const char *progname)
{
	fprintf(out,
		"Usage: %s [OPTIONS] [--] COMMAND [ARG...]\n"
		"       %s --spec-fd FD\n\n"
		"Run COMMAND in a sandbox and report what happened.\n",
		progname, progname);
	for (int g = 0; g < GROUP_COUNT; g++) {
		fprintf(out, "\n%s:\n", option_group_title((enum opt_group)g));
		for (size_t i = 0; i < option_count; i++) {
			const struct option_def *opt = &option_table[i];
			char left[64], short_name[8] = "";

			if (opt->group != (enum opt_group)g)
				continue;
			if (OPTION_SHORT_NAME(opt))
				snprintf(short_name, sizeof(short_name),
					 "-%c, ", OPTION_SHORT_NAME(opt));
			snprintf(left, sizeof(left), "%s--%s%s%s", short_name,
				 opt->name,
				 opt->metavar ? " " : "",
				 opt->metavar ? opt->metavar : "");
			print_wrapped(out, left, opt->help,
				      (opt->flags & OPT_REPEAT) ? " (repeatable)"
							       : "");
		}
	}
	fprintf(out,
		"\nExit status: the command's own; a signal death is raised "
		"again on the\nhelper; 125 setup failure, 126 command not "
		"executable, 127 command not found.\n");
}
