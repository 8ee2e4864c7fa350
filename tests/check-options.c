/* Unit tests of the option table and the spec language: the table's
 * invariants, spec_parse on good and bad specs, --spec-fd, the status fd
 * scan, the emit/parse round trip and --help. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "options.h"
#include "spec.h"
#include "strv.h"

#define TIMEOUT 30
#define MAX_TOKENS 16

/* A NULL-terminated token list in a table. */
struct toks {
	const char *t[MAX_TOKENS];
};

static size_t toks_len(const struct toks *tk)
{
	size_t n = 0;

	while (n < MAX_TOKENS && tk->t[n])
		n++;
	return n;
}

static int parse_toks(struct spec *spec, const struct toks *tk, bool from_cli,
		      enum cli_action *action, struct sh_err *err)
{
	return spec_parse(spec, (char *const *)tk->t, toks_len(tk), from_cli,
			  action, err);
}

/* "a|b|c" for messages and for comparing against an expected list. */
static char *join(const struct strv *sv)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	for (size_t i = 0; i < sv->n; i++)
		fprintf(f, "%s%s", i ? "|" : "", sv->v[i]);
	fclose(f);
	return buf;
}

static void assert_emit(const struct spec *spec, const char *expected)
{
	_cleanup_strv_ struct strv out = { 0 };
	_cleanup_free_ char *got = NULL;

	ck_assert_int_eq(spec_emit(spec, &out), 0);
	got = join(&out);
	ck_assert_str_eq(got, expected);
}

static void assert_spec_error(int r, const struct sh_err *err, int errnum,
			      const char *needle)
{
	ck_assert_msg(r == -errnum, "returned %d (`%s`), expected -%s", r,
		      r < 0 ? err->message : "", err_name(errnum));
	ck_assert_int_eq(err->errnum, errnum);
	ck_assert_str_eq(err->stage, "spec");
	ck_assert_msg(strstr(err->message, needle) != NULL,
		      "message `%s` does not name `%s`", err->message, needle);
}

/* ---- the option table ---- */

START_TEST(test_table_entry)
{
	const struct option_def *opt = &option_table[_i];

	ck_assert_ptr_nonnull(opt->name);
	ck_assert_uint_gt(strlen(opt->name), 0);
	/* parse_one copies the name into a 64-byte buffer */
	ck_assert_uint_lt(strlen(opt->name), 64);
	ck_assert_msg(opt->name[0] != '-' && !strchr(opt->name, '='),
		      "bad option name `%s`", opt->name);
	ck_assert_msg(opt->help && *opt->help, "--%s has no help", opt->name);
	ck_assert_msg(opt->parse != NULL, "--%s has no parse fn", opt->name);
	if (opt->flags & OPT_VALUE)
		ck_assert_msg(opt->metavar && *opt->metavar,
			      "--%s takes a value but has no metavar",
			      opt->name);
	else
		ck_assert_msg(opt->metavar == NULL,
			      "--%s is a flag but has a metavar", opt->name);
	if (opt->flags & OPT_CLI_ONLY)
		ck_assert_msg(opt->emit == NULL,
			      "CLI-only --%s must not be emitted into a spec",
			      opt->name);
	else
		ck_assert_msg(opt->emit != NULL, "--%s has no emit fn",
			      opt->name);
	ck_assert_int_ge((int)opt->group, 0);
	ck_assert_int_lt((int)opt->group, GROUP_COUNT);
	ck_assert_ptr_nonnull(option_group_title(opt->group));
	ck_assert_ptr_eq(option_find(opt->name), opt);
	for (size_t j = 0; j < option_count; j++)
		if (j != (size_t)_i)
			ck_assert_msg(strcmp(option_table[j].name, opt->name),
				      "--%s is in the table twice", opt->name);
}
END_TEST

START_TEST(test_table_find)
{
	ck_assert_uint_ge(option_count, 1);
	ck_assert_ptr_null(option_find("no-such-option"));
	ck_assert_ptr_null(option_find(""));
	ck_assert_ptr_null(option_find("--fd"));
	ck_assert_ptr_null(option_find("f"));
	ck_assert_ptr_nonnull(option_find("fd"));
	/* the CLI-only options the brief and main rely on */
	ck_assert_uint_eq(option_find("help")->flags & OPT_CLI_ONLY,
			  OPT_CLI_ONLY);
	ck_assert_uint_eq(option_find("version")->flags & OPT_CLI_ONLY,
			  OPT_CLI_ONLY);
	ck_assert_uint_eq(option_find("spec-fd")->flags &
				  (OPT_CLI_ONLY | OPT_VALUE),
			  OPT_CLI_ONLY | OPT_VALUE);
	for (int g = 0; g < GROUP_COUNT; g++)
		ck_assert_ptr_nonnull(option_group_title((enum opt_group)g));
}
END_TEST

/* ---- good specs ---- */

struct good_case {
	struct toks in;
	const char *emit; /* the canonical tokens, '|'-separated */
};

static const struct good_case good_cases[] = {
	{ { { "true" } }, "--|true" },
	{ { { "--", "true" } }, "--|true" },
	{ { { "--status-fd", "5", "true" } }, "--status-fd|5|--|true" },
	{ { { "--status-fd=5", "true" } }, "--status-fd|5|--|true" },
	{ { { "--status-fd", "007", "true" } }, "--status-fd|7|--|true" },
	{ { { "--fd", "1=2", "--fd", "0=0", "--", "cat", "-n" } },
	  "--fd|1=2|--fd|0=0|--|cat|-n" },
	{ { { "--fd=3=4", "x" } }, "--fd|3=4|--|x" },
	{ { { "--fd", "10=2147483647", "x" } }, "--fd|10=2147483647|--|x" },
	{ { { "--chdir", "/tmp", "x" } }, "--chdir|/tmp|--|x" },
	{ { { "--chdir=/a=b", "x" } }, "--chdir|/a=b|--|x" },
	{ { { "--clearenv", "x" } }, "--clearenv|--|x" },
	{ { { "--setenv", "A=1", "--setenv", "B=", "--setenv=C==x", "x" } },
	  "--setenv|A=1|--setenv|B=|--setenv|C==x|--|x" },
	{ { { "--setenv", "A=b c", "--", "x" } }, "--setenv|A=b c|--|x" },
	{ { { "--unsetenv", "A", "--unsetenv=B", "x" } },
	  "--unsetenv|A|--unsetenv|B|--|x" },
	{ { { "--setenv", "A=1", "--unsetenv", "AB", "x" } },
	  "--setenv|A=1|--unsetenv|AB|--|x" },
	{ { { "--argv0", "foo", "x" } }, "--argv0|foo|--|x" },
	{ { { "--argv0", "", "x" } }, "--argv0||--|x" },
	{ { { "--argv0=", "x" } }, "--argv0||--|x" },
	{ { { "--umask", "0", "x" } }, "--umask|0000|--|x" },
	{ { { "--umask", "22", "x" } }, "--umask|0022|--|x" },
	{ { { "--umask=0777", "x" } }, "--umask|0777|--|x" },
	{ { { "--umask", "00007", "x" } }, "--umask|0007|--|x" },
	{ { { "--new-session", "x" } }, "--new-session|--|x" },
	{ { { "--die-with-parent", "x" } }, "--die-with-parent|--|x" },
	{ { { "--uid", "nobody", "--gid", "65534", "--groups", "", "x" } },
	  "--uid|nobody|--gid|65534|--groups||--|x" },
	{ { { "--groups", "1,2,wheel", "x" } }, "--groups|1,2,wheel|--|x" },
	/* emitted in table order whatever the input order */
	{ { { "--groups", "1", "--clearenv", "--status-fd", "2", "x" } },
	  "--status-fd|2|--clearenv|--groups|1|--|x" },
	/* the first non-option ends the options */
	{ { { "--clearenv", "make", "--fd", "1=1", "--bogus" } },
	  "--clearenv|--|make|--fd|1=1|--bogus" },
	{ { { "-x", "--clearenv" } }, "--|-x|--clearenv" },
	/* "--" ends the options, a second one is the command */
	{ { { "--", "--clearenv", "x" } }, "--|--clearenv|x" },
	{ { { "--clearenv", "--", "--", "x" } }, "--clearenv|--|--|x" },
	{ { { "--", "x", "" } }, "--|x|" },
	/* a value is taken as is, even when it looks like an option */
	{ { { "--chdir", "--fd", "x" } }, "--chdir|--fd|--|x" },
	{ { { "--argv0", "--", "x" } }, "--argv0|--|--|x" },
};

START_TEST(test_parse_good)
{
	const struct good_case *c = &good_cases[_i];
	_cleanup_spec_ struct spec spec;
	struct sh_err err = { 0 };
	enum cli_action action = CLI_HELP;
	int r;

	spec_init(&spec);
	r = parse_toks(&spec, &c->in, false, &action, &err);
	ck_assert_msg(r == 0, "case %d: %d %s: %s", _i, r, err.stage,
		      err.message);
	ck_assert_int_eq(action, CLI_RUN);
	assert_emit(&spec, c->emit);
}
END_TEST

START_TEST(test_parse_fields)
{
	struct toks in = { {
		"--status-fd", "9", "--fd", "1=2", "--fd=0=7", "--chdir", "/d",
		"--clearenv", "--setenv", "A=1=2", "--unsetenv", "B",
		"--argv0=zz", "--umask", "0", "--new-session",
	} };
	struct toks in2 = { {
		"--die-with-parent", "--uid", "u", "--gid", "g", "--groups",
		"", "--", "cmd", "arg 1", "", "--",
	} };
	_cleanup_spec_ struct spec spec;
	struct sh_err err = { 0 };
	enum cli_action action;
	char *all[2 * MAX_TOKENS];
	size_t n = 0;

	for (size_t i = 0; i < toks_len(&in); i++)
		all[n++] = (char *)in.t[i];
	for (size_t i = 0; i < toks_len(&in2); i++)
		all[n++] = (char *)in2.t[i];
	spec_init(&spec);
	ck_assert_int_eq(spec_parse(&spec, all, n, false, &action, &err), 0);
	ck_assert_int_eq(spec.status_fd, 9);
	ck_assert_uint_eq(spec.n_fds, 2);
	ck_assert_int_eq(spec.fds[0].child, 1);
	ck_assert_int_eq(spec.fds[0].parent, 2);
	ck_assert_int_eq(spec.fds[1].child, 0);
	ck_assert_int_eq(spec.fds[1].parent, 7);
	ck_assert_str_eq(spec.chdir, "/d");
	ck_assert(spec.clearenv);
	ck_assert_uint_eq(spec.setenv.n, 1);
	ck_assert_str_eq(spec.setenv.v[0], "A=1=2");
	ck_assert_uint_eq(spec.unsetenv.n, 1);
	ck_assert_str_eq(spec.unsetenv.v[0], "B");
	ck_assert_str_eq(spec.argv0, "zz");
	ck_assert(spec.has_umask);
	ck_assert_uint_eq(spec.umask, 0);
	ck_assert(spec.new_session);
	ck_assert(spec.die_with_parent);
	ck_assert_str_eq(spec.uid, "u");
	ck_assert_str_eq(spec.gid, "g");
	ck_assert_str_eq(spec.groups, "");
	ck_assert_uint_eq(spec.command.n, 4);
	ck_assert_str_eq(spec.command.v[0], "cmd");
	ck_assert_str_eq(spec.command.v[1], "arg 1");
	ck_assert_str_eq(spec.command.v[2], "");
	ck_assert_str_eq(spec.command.v[3], "--");
	ck_assert_ptr_null(spec.command.v[4]);
}
END_TEST

START_TEST(test_parse_defaults)
{
	struct toks in = { { "x" } };
	_cleanup_spec_ struct spec spec;
	struct sh_err err = { 0 };
	enum cli_action action;

	spec_init(&spec);
	ck_assert_int_eq(parse_toks(&spec, &in, false, &action, &err), 0);
	ck_assert_int_eq(spec.status_fd, -1);
	ck_assert_uint_eq(spec.n_fds, 0);
	ck_assert(!spec.has_umask);
	ck_assert(!spec.clearenv && !spec.new_session &&
		  !spec.die_with_parent);
	ck_assert_ptr_null(spec.chdir);
	ck_assert_ptr_null(spec.argv0);
	ck_assert_ptr_null(spec.uid);
	ck_assert_ptr_null(spec.gid);
	ck_assert_ptr_null(spec.groups);
	ck_assert_uint_eq(spec.setenv.n + spec.unsetenv.n, 0);
	ck_assert_uint_eq(spec.command.n, 1);
}
END_TEST

START_TEST(test_parse_cli_actions)
{
	struct toks help = { { "--help" } }, version = { { "--version" } };
	struct toks help_late = { { "--clearenv", "--help", "--bogus" } };
	_cleanup_spec_ struct spec spec;
	struct sh_err err = { 0 };
	enum cli_action action;

	spec_init(&spec);
	ck_assert_int_eq(parse_toks(&spec, &help, true, &action, &err), 0);
	ck_assert_int_eq(action, CLI_HELP);
	spec_clear(&spec);
	ck_assert_int_eq(parse_toks(&spec, &version, true, &action, &err), 0);
	ck_assert_int_eq(action, CLI_VERSION);
	spec_clear(&spec);
	ck_assert_int_eq(parse_toks(&spec, &help_late, true, &action, &err),
			 0);
	ck_assert_int_eq(action, CLI_HELP);
}
END_TEST

/* ---- bad specs ---- */

struct bad_case {
	struct toks in;
	bool from_cli;
	int errnum;
	const char *needle; /* must appear in the message */
};

static const struct bad_case bad_cases[] = {
	{ { { "--bogus", "x" } }, false, EINVAL, "--bogus" },
	{ { { "--bogus=1", "x" } }, true, EINVAL, "--bogus" },
	{ { { "--=x", "y" } }, false, EINVAL, "unknown option" },
	{ { { "--fd-", "y" } }, false, EINVAL, "--fd-" },
	{ { { "--aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	      "aaaaaaaaaaaa",
	      "x" } },
	  false, EINVAL, "unknown option" },
	/* missing values */
	{ { { "--fd" } }, false, EINVAL, "--fd" },
	{ { { "--chdir" } }, false, EINVAL, "--chdir" },
	{ { { "--status-fd" } }, true, EINVAL, "--status-fd" },
	/* malformed values */
	{ { { "--fd", "1", "x" } }, false, EINVAL, "--fd" },
	{ { { "--fd", "a=1", "x" } }, false, EINVAL, "--fd" },
	{ { { "--fd", "1=-2", "x" } }, false, EINVAL, "--fd" },
	{ { { "--fd", "1=", "x" } }, false, EINVAL, "--fd" },
	{ { { "--fd", "=1", "x" } }, false, EINVAL, "--fd" },
	{ { { "--fd", "1=2=3", "x" } }, false, EINVAL, "--fd" },
	{ { { "--fd", "+1=2", "x" } }, false, EINVAL, "--fd" },
	{ { { "--fd", " 1=2", "x" } }, false, EINVAL, "--fd" },
	{ { { "--fd", "1= 2", "x" } }, false, EINVAL, "--fd" },
	{ { { "--fd", "1=\t2", "x" } }, false, EINVAL, "--fd" },
	{ { { "--fd", "2147483648=1", "x" } }, false, EINVAL, "--fd" },
	{ { { "--fd", "", "x" } }, false, EINVAL, "--fd" },
	{ { { "--umask", "8", "x" } }, false, EINVAL, "--umask" },
	{ { { "--umask", "01000", "x" } }, false, EINVAL, "--umask" },
	{ { { "--umask", "", "x" } }, false, EINVAL, "--umask" },
	{ { { "--umask", "-1", "x" } }, false, EINVAL, "--umask" },
	{ { { "--umask", "0x1", "x" } }, false, EINVAL, "--umask" },
	{ { { "--status-fd", "x", "x" } }, false, EINVAL, "--status-fd" },
	{ { { "--status-fd", "-1", "x" } }, false, EINVAL, "--status-fd" },
	{ { { "--status-fd", "1x", "x" } }, false, EINVAL, "--status-fd" },
	{ { { "--status-fd=", "x" } }, false, EINVAL, "--status-fd" },
	{ { { "--chdir", "", "x" } }, false, EINVAL, "--chdir" },
	{ { { "--uid", "", "x" } }, false, EINVAL, "--uid" },
	{ { { "--gid=", "x" } }, false, EINVAL, "--gid" },
	/* flags take no value */
	{ { { "--clearenv=1", "x" } }, false, EINVAL, "--clearenv" },
	{ { { "--new-session=", "x" } }, false, EINVAL, "--new-session" },
	/* once-only options given twice */
	{ { { "--chdir", "a", "--chdir", "b", "x" } }, false, EINVAL,
	  "--chdir given twice" },
	{ { { "--clearenv", "--clearenv", "x" } }, false, EINVAL,
	  "--clearenv given twice" },
	{ { { "--status-fd", "1", "--status-fd=1", "x" } }, false, EINVAL,
	  "--status-fd given twice" },
	{ { { "--umask", "0", "--umask", "0", "x" } }, false, EINVAL,
	  "--umask given twice" },
	{ { { "--groups", "", "--groups", "", "x" } }, false, EINVAL,
	  "--groups given twice" },
	/* no command, empty command */
	{ { { NULL } }, false, EINVAL, "no command" },
	{ { { "--clearenv" } }, false, EINVAL, "no command" },
	{ { { "--clearenv", "--" } }, true, EINVAL, "no command" },
	{ { { "" } }, false, ENOENT, "command is empty" },
	{ { { "--", "", "x" } }, false, ENOENT, "command is empty" },
	/* environment */
	{ { { "--setenv", "A", "x" } }, false, EINVAL, "--setenv" },
	{ { { "--setenv", "=1", "x" } }, false, EINVAL, "--setenv" },
	{ { { "--setenv", "", "x" } }, false, EINVAL, "--setenv" },
	{ { { "--unsetenv", "", "x" } }, false, EINVAL, "--unsetenv" },
	{ { { "--unsetenv", "A=1", "x" } }, false, EINVAL, "--unsetenv" },
	{ { { "--setenv", "A=1", "--unsetenv", "A", "x" } }, false, EINVAL,
	  "`A`" },
	{ { { "--unsetenv", "A", "--setenv", "A=", "x" } }, false, EINVAL,
	  "--setenv/--unsetenv" },
	{ { { "--setenv", "A=1", "--setenv", "A=2", "x" } }, false, EINVAL,
	  "--setenv" },
	{ { { "--unsetenv", "B", "--setenv", "A=1", "--unsetenv", "C",
	      "--setenv", "B=2", "x" } },
	  false, EINVAL, "`B`" },
	{ { { "--unsetenv", "A", "--unsetenv", "A", "x" } }, false, EINVAL,
	  "`A`" },
	/* the fd map */
	{ { { "--fd", "1=1", "--fd", "1=2", "x" } }, false, EINVAL,
	  "--fd 1=2" },
	{ { { "--fd", "0=0", "--fd", "2=0", "--fd=0=5", "x" } }, false,
	  EINVAL, "--fd 0=5" },
	/* CLI-only options inside a spec */
	{ { { "--help", "x" } }, false, EINVAL, "--help" },
	{ { { "--version" } }, false, EINVAL, "--version" },
	{ { { "--spec-fd", "3" } }, false, EINVAL, "--spec-fd" },
	{ { { "--spec-fd=3" } }, false, EINVAL, "--spec-fd" },
	{ { { "--clearenv", "--help" } }, false, EINVAL, "--help" },
	/* --spec-fd not alone on the command line */
	{ { { "--clearenv", "--spec-fd", "3" } }, true, EINVAL, "--spec-fd" },
	{ { { "--status-fd=2", "--spec-fd=3" } }, true, EINVAL, "--spec-fd" },
	{ { { "--help=1" } }, true, EINVAL, "--help" },
};

START_TEST(test_parse_bad)
{
	const struct bad_case *c = &bad_cases[_i];
	_cleanup_spec_ struct spec spec;
	struct sh_err err = { 0 };
	enum cli_action action;
	int r;

	spec_init(&spec);
	r = parse_toks(&spec, &c->in, c->from_cli, &action, &err);
	if (r != -c->errnum) {
		_cleanup_strv_ struct strv in = { 0 };
		_cleanup_free_ char *s = NULL;

		for (size_t i = 0; i < toks_len(&c->in); i++)
			ck_assert_int_eq(strv_push(&in, c->in.t[i]), 0);
		s = join(&in);
		ck_abort_msg("bad case %d `%s`: returned %d (%s), expected -%s",
			     _i, s, r, r < 0 ? err.message : "no error",
			     err_name(c->errnum));
	}
	assert_spec_error(r, &err, c->errnum, c->needle);
}
END_TEST

/* ---- spec_parse_cli ---- */

struct cli_case {
	struct toks argv; /* without argv[0] */
	int errnum;       /* 0: success */
	enum cli_action action;
	const char *needle;
};

static const struct cli_case cli_cases[] = {
	{ { { "--help" } }, 0, CLI_HELP, NULL },
	{ { { "--version" } }, 0, CLI_VERSION, NULL },
	{ { { "--clearenv", "--", "true" } }, 0, CLI_RUN, NULL },
	{ { { "true" } }, 0, CLI_RUN, NULL },
	{ { { NULL } }, EINVAL, CLI_RUN, "no command" },
	{ { { "--spec-fd" } }, EINVAL, CLI_RUN, "--spec-fd" },
	{ { { "--spec-fd", "0", "x" } }, EINVAL, CLI_RUN, "--spec-fd" },
	{ { { "--spec-fd=0", "x" } }, EINVAL, CLI_RUN, "--spec-fd" },
	{ { { "--spec-fd", "x" } }, EINVAL, CLI_RUN, "--spec-fd" },
	{ { { "--spec-fd=" } }, EINVAL, CLI_RUN, "--spec-fd" },
	{ { { "--spec-fd", "-1" } }, EINVAL, CLI_RUN, "--spec-fd" },
	{ { { "--clearenv", "--spec-fd", "0" } }, EINVAL, CLI_RUN,
	  "--spec-fd" },
	{ { { "true", "--spec-fd", "0" } }, 0, CLI_RUN, NULL },
	{ { { "--spec-fd", "987654" } }, EBADF, CLI_RUN, "--spec-fd" },
	{ { { "--spec-fd=987654" } }, EBADF, CLI_RUN, "--spec-fd 987654" },
};

START_TEST(test_parse_cli)
{
	const struct cli_case *c = &cli_cases[_i];
	_cleanup_spec_ struct spec spec;
	struct sh_err err = { 0 };
	enum cli_action action = CLI_RUN;
	char *argv[MAX_TOKENS + 2];
	int argc = 0, r;

	argv[argc++] = "spawn-helper";
	for (size_t i = 0; i < toks_len(&c->argv); i++)
		argv[argc++] = (char *)c->argv.t[i];
	argv[argc] = NULL;
	spec_init(&spec);
	r = spec_parse_cli(&spec, argc, argv, &action, &err);
	if (c->errnum) {
		assert_spec_error(r, &err, c->errnum, c->needle);
		return;
	}
	ck_assert_msg(r == 0, "%d: %s", r, err.message);
	ck_assert_int_eq(action, c->action);
}
END_TEST

/* A pipe whose read end delivers len bytes of buf from a forked writer. */
static int spec_pipe(const char *buf, size_t len, pid_t *writer)
{
	int p[2];

	ck_assert_int_eq(pipe(p), 0);
	*writer = fork();
	ck_assert_int_ge(*writer, 0);
	if (*writer == 0) {
		signal(SIGPIPE, SIG_IGN);
		close(p[0]);
		while (len > 0) {
			ssize_t n = write(p[1], buf, len);

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				_exit(1);
			buf += n;
			len -= (size_t)n;
		}
		_exit(0);
	}
	close(p[1]);
	return p[0];
}

static void reap_writer(pid_t writer)
{
	int status;

	ck_assert_int_eq(waitpid(writer, &status, 0), writer);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "the spec writer failed: %#x", status);
}

/* Run spec_parse_cli on "--spec-fd N" (or "--spec-fd=N") reading buf. */
static int parse_spec_fd(struct spec *spec, const char *buf, size_t len,
			 bool inline_form, enum cli_action *action,
			 struct sh_err *err)
{
	char fdbuf[32], optbuf[48];
	char *argv[4];
	pid_t writer;
	int fd = spec_pipe(buf, len, &writer), r;

	snprintf(fdbuf, sizeof(fdbuf), "%d", fd);
	snprintf(optbuf, sizeof(optbuf), "--spec-fd=%d", fd);
	argv[0] = "spawn-helper";
	if (inline_form) {
		argv[1] = optbuf;
		argv[2] = NULL;
		r = spec_parse_cli(spec, 2, argv, action, err);
	} else {
		argv[1] = "--spec-fd";
		argv[2] = fdbuf;
		argv[3] = NULL;
		r = spec_parse_cli(spec, 3, argv, action, err);
	}
	/* spec_parse_cli may or may not close the fd; leave none behind */
	if (fcntl(fd, F_GETFD) >= 0)
		close(fd);
	reap_writer(writer);
	return r;
}

START_TEST(test_spec_fd_good)
{
	static const char buf[] = "--clearenv\0--fd\0001=1\0--setenv=A=\0"
				  "--\0make\0-j2\0";
	_cleanup_spec_ struct spec spec;
	struct sh_err err = { 0 };
	enum cli_action action = CLI_HELP;
	int r;

	spec_init(&spec);
	r = parse_spec_fd(&spec, buf, sizeof(buf) - 1, _i, &action, &err);
	ck_assert_msg(r == 0, "%d: %s", r, err.message);
	ck_assert_int_eq(action, CLI_RUN);
	ck_assert(spec.clearenv);
	ck_assert_uint_eq(spec.n_fds, 1);
	ck_assert_int_eq(spec.fds[0].child, 1);
	ck_assert_int_eq(spec.fds[0].parent, 1);
	ck_assert_uint_eq(spec.setenv.n, 1);
	ck_assert_str_eq(spec.setenv.v[0], "A=");
	assert_emit(&spec, "--fd|1=1|--clearenv|--setenv|A=|--|make|-j2");
}
END_TEST

struct spec_fd_bad_case {
	const char *buf;
	size_t len;
	int errnum;
	const char *needle;
};

#define BUF(s) s, sizeof(s) - 1

static const struct spec_fd_bad_case spec_fd_bad_cases[] = {
	{ "", 0, EINVAL, "empty" },
	{ BUF("--\0true"), EINVAL, "NUL" },
	{ BUF("true"), EINVAL, "NUL" },
	{ BUF("--help\0"), EINVAL, "--help" },
	{ BUF("--version\0--\0x\0"), EINVAL, "--version" },
	{ BUF("--spec-fd\0003\0"), EINVAL, "--spec-fd" },
	{ BUF("--clearenv\0"), EINVAL, "no command" },
	{ BUF("\0"), ENOENT, "empty" },
	{ BUF("--fd\0001\0x\0"), EINVAL, "--fd" },
};

START_TEST(test_spec_fd_bad)
{
	const struct spec_fd_bad_case *c = &spec_fd_bad_cases[_i];
	_cleanup_spec_ struct spec spec;
	struct sh_err err = { 0 };
	enum cli_action action;
	int r;

	spec_init(&spec);
	r = parse_spec_fd(&spec, c->buf, c->len, false, &action, &err);
	assert_spec_error(r, &err, c->errnum, c->needle);
}
END_TEST

/* "--setenv\0A=xxx...\0--\0true\0", exactly len bytes. */
static char *big_spec(size_t len)
{
	static const char head[] = "--setenv\0A=";
	static const char tail[] = "\0--\0true\0";
	size_t hl = sizeof(head) - 1, tl = sizeof(tail) - 1;
	char *buf = malloc(len);

	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_gt(len, hl + tl);
	memcpy(buf, head, hl);
	memset(buf + hl, 'x', len - hl - tl);
	memcpy(buf + len - tl, tail, tl);
	return buf;
}

START_TEST(test_spec_fd_max)
{
	size_t len = SPEC_MAX_BYTES;
	_cleanup_free_ char *buf = big_spec(len);
	_cleanup_spec_ struct spec spec;
	struct sh_err err = { 0 };
	enum cli_action action;
	int r;

	spec_init(&spec);
	r = parse_spec_fd(&spec, buf, len, false, &action, &err);
	ck_assert_msg(r == 0, "%d: %s", r, err.message);
	ck_assert_uint_eq(spec.setenv.n, 1);
	/* "--setenv\0" 9 bytes, "\0--\0true\0" 9 bytes */
	ck_assert_uint_eq(strlen(spec.setenv.v[0]), len - 9 - 9);
	ck_assert_uint_eq(spec.command.n, 1);
	ck_assert_str_eq(spec.command.v[0], "true");
}
END_TEST

START_TEST(test_spec_fd_oversize)
{
	size_t len = (size_t)SPEC_MAX_BYTES + 1;
	_cleanup_free_ char *buf = big_spec(len);
	_cleanup_spec_ struct spec spec;
	struct sh_err err = { 0 };
	enum cli_action action;
	int r;

	spec_init(&spec);
	r = parse_spec_fd(&spec, buf, len, _i, &action, &err);
	assert_spec_error(r, &err, E2BIG, "--spec-fd");
	ck_assert_msg(strstr(err.message, "16777216"),
		      "message `%s` does not give the limit", err.message);
	ck_assert_uint_eq(spec.command.n, 0);
}
END_TEST

START_TEST(test_spec_split)
{
	_cleanup_strv_ struct strv tokens = { 0 };
	struct sh_err err = { 0 };

	ck_assert_int_eq(spec_split("a\0\0b\0", 5, &tokens, &err), 0);
	ck_assert_uint_eq(tokens.n, 3);
	ck_assert_str_eq(tokens.v[0], "a");
	ck_assert_str_eq(tokens.v[1], "");
	ck_assert_str_eq(tokens.v[2], "b");
	ck_assert_ptr_null(tokens.v[3]);
	assert_spec_error(spec_split("a", 1, &tokens, &err), &err, EINVAL,
			  "NUL");
	assert_spec_error(spec_split("", 0, &tokens, &err), &err, EINVAL,
			  "empty");
}
END_TEST

/* ---- the status fd of a bad spec ---- */

struct scan_case {
	struct toks in;
	int fd;
};

static const struct scan_case scan_cases[] = {
	{ { { "--status-fd", "5", "x" } }, 5 },
	{ { { "--status-fd=7", "x" } }, 7 },
	{ { { "--bogus", "--status-fd", "5" } }, 5 },
	{ { { "--fd", "1", "--status-fd=12", "x" } }, 12 },
	{ { { "--status-fd", "x", "--status-fd", "3" } }, 3 },
	{ { { "--", "--status-fd", "5" } }, -1 },
	{ { { "--status-fd", "x" } }, -1 },
	{ { { "--status-fd", "-1" } }, -1 },
	{ { { "--status-fd" } }, -1 },
	{ { { "--status-fd=" } }, -1 },
	{ { { NULL } }, -1 },
	/* the command's own arguments name no status fd */
	{ { { "--clearenv", "prog", "--status-fd", "4" } }, -1 },
	/* nor does the value of another option */
	{ { { "--argv0", "--status-fd", "9", "prog" } }, -1 },
};

START_TEST(test_scan_status_fd)
{
	const struct scan_case *c = &scan_cases[_i];

	int fd = spec_scan_status_fd((char *const *)c->in.t, toks_len(&c->in));

	ck_assert_msg(fd == c->fd, "scan case %d (`%s` ...): %d, expected %d",
		      _i, c->in.t[0] ? c->in.t[0] : "", fd, c->fd);
}
END_TEST

static const struct scan_case bad_status_cases[] = {
	{ { { "--status-fd", "5", "--bogus", "x" } }, 5 },
	{ { { "--bogus", "--status-fd", "5", "x" } }, 5 },
	{ { { "--status-fd=6", "--fd", "1", "x" } }, 6 },
	{ { { "--fd", "1", "--status-fd=6", "x" } }, 6 },
	{ { { "--umask", "8", "--status-fd", "2", "x" } }, 2 },
	{ { { "--setenv", "A=1", "--status-fd", "3", "--unsetenv", "A",
	      "x" } },
	  3 },
	{ { { "--status-fd", "3", "--clearenv" } }, 3 },
	{ { { "--help", "--status-fd", "4", "x" } }, 4 },
};

START_TEST(test_bad_spec_status_fd)
{
	const struct scan_case *c = &bad_status_cases[_i];
	_cleanup_spec_ struct spec spec;
	struct sh_err err = { 0 };
	enum cli_action action;

	spec_init(&spec);
	ck_assert_int_eq(parse_toks(&spec, &c->in, false, &action, &err),
			 -EINVAL);
	ck_assert_str_eq(err.stage, "spec");
	ck_assert_msg(spec.status_fd == c->fd,
		      "status fd %d after `%s`, expected %d", spec.status_fd,
		      err.message, c->fd);
}
END_TEST

START_TEST(test_bad_spec_fd_status_fd)
{
	static const char buf[] = "--bogus\0--status-fd\0007\0x\0";
	_cleanup_spec_ struct spec spec;
	struct sh_err err = { 0 };
	enum cli_action action;
	int r;

	spec_init(&spec);
	r = parse_spec_fd(&spec, buf, sizeof(buf) - 1, false, &action, &err);
	assert_spec_error(r, &err, EINVAL, "--bogus");
	ck_assert_int_eq(spec.status_fd, 7);
}
END_TEST

/* ---- round trips ---- */

/* Canonical sample values of each option taking one (as spec_emit
 * writes them), so parse -> emit gives the input back. */
struct sample {
	const char *name;
	const char *values[3];
};

static const struct sample samples[] = {
	{ "status-fd", { "0", "17" } },
	{ "fd", { "0=0", "5=1", "2=2147483647" } },
	{ "chdir", { "/", "a dir=x" } },
	{ "setenv", { "A=1", "B=", "C===" } },
	{ "unsetenv", { "A", "B-C", "D.E" } },
	{ "argv0", { "", "--fd" } },
	{ "umask", { "0000", "0777", "0022" } },
	{ "uid", { "0", "nobody" } },
	{ "gid", { "65534", "-" } },
	{ "groups", { "", "1,2,3" } },
};

static const struct sample *find_sample(const char *name)
{
	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++)
		if (strcmp(samples[i].name, name) == 0)
			return &samples[i];
	return NULL;
}

/* parse -> emit -> parse -> emit; the two emits must be equal. */
static void assert_fixed_point(const struct strv *in, bool from_cli,
			       struct strv *first)
{
	_cleanup_spec_ struct spec a, b;
	_cleanup_strv_ struct strv second = { 0 };
	_cleanup_free_ char *s1 = NULL, *s2 = NULL, *sin = NULL;
	struct sh_err err = { 0 };
	enum cli_action action;
	int r;

	spec_init(&a);
	spec_init(&b);
	sin = join(in);
	r = spec_parse(&a, in->v, in->n, from_cli, &action, &err);
	ck_assert_msg(r == 0, "`%s`: %s", sin, err.message);
	ck_assert_int_eq(action, CLI_RUN);
	ck_assert_int_eq(spec_emit(&a, first), 0);
	r = spec_parse(&b, first->v, first->n, false, &action, &err);
	s1 = join(first);
	ck_assert_msg(r == 0, "`%s` -> `%s`: %s", sin, s1, err.message);
	ck_assert_int_eq(spec_emit(&b, &second), 0);
	s2 = join(&second);
	ck_assert_msg(strv_equal(first, &second), "`%s` -> `%s` -> `%s`", sin,
		      s1, s2);
}

START_TEST(test_roundtrip_option)
{
	const struct option_def *opt = &option_table[_i];
	const struct sample *s = find_sample(opt->name);
	_cleanup_strv_ struct strv in = { 0 }, out = { 0 };
	_cleanup_free_ char *sin = NULL, *sout = NULL;
	size_t uses;

	if (opt->flags & OPT_CLI_ONLY)
		return; /* refused inside a spec: see test_parse_bad */
	if (opt->flags & OPT_VALUE) {
		ck_assert_msg(s != NULL, "no round-trip sample for --%s",
			      opt->name);
		uses = (opt->flags & OPT_REPEAT) ? 3 : 1;
		for (size_t i = 0; i < uses && s->values[i]; i++) {
			ck_assert_int_eq(strv_pushf(&in, "--%s", opt->name), 0);
			ck_assert_int_eq(strv_push(&in, s->values[i]), 0);
		}
	} else {
		ck_assert_int_eq(strv_pushf(&in, "--%s", opt->name), 0);
	}
	ck_assert_int_eq(strv_push(&in, "--"), 0);
	ck_assert_int_eq(strv_push(&in, "cmd"), 0);
	ck_assert_int_eq(strv_push(&in, "--arg"), 0);
	assert_fixed_point(&in, false, &out);
	sin = join(&in);
	sout = join(&out);
	ck_assert_str_eq(sout, sin);
}
END_TEST

/* Same for every single sample value in the --name=VALUE form, one per
 * spec, so a non-repeatable option sees all its samples. */
START_TEST(test_roundtrip_samples)
{
	const struct sample *s = &samples[_i];
	const struct option_def *opt = option_find(s->name);

	ck_assert_msg(opt != NULL, "sample for unknown --%s", s->name);
	for (size_t i = 0; i < 3 && s->values[i]; i++) {
		_cleanup_strv_ struct strv in = { 0 }, out = { 0 };
		_cleanup_free_ char *sout = NULL, *expected = NULL;

		ck_assert_int_eq(
			strv_pushf(&in, "--%s=%s", opt->name, s->values[i]), 0);
		ck_assert_int_eq(strv_push(&in, "x"), 0);
		assert_fixed_point(&in, true, &out);
		sout = join(&out);
		ck_assert_int_ge(asprintf(&expected, "--%s|%s|--|x", opt->name,
					  s->values[i]),
				 0);
		ck_assert_str_eq(sout, expected);
	}
}
END_TEST

/* The fuzz: random valid specs built from the table, with a model of
 * what the parser must make of them. */

static uint64_t rng_state;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

static uint32_t rnd(uint32_t n)
{
	return rng() % n;
}

static char *random_string(bool nonempty)
{
	static const char *const pieces[] = {
		"a", "Z", "0", "9", "=", "-", "--", " ", "/", ",", ".", "\t",
		"\xc3\xa9", "'", "\"", "$", "x=y", "--fd",
	};
	size_t n = rnd(6) + (nonempty ? 1 : 0);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	for (size_t i = 0; i < n; i++)
		fputs(pieces[rnd(sizeof(pieces) / sizeof(pieces[0]))], f);
	fclose(f);
	return buf;
}

/* An environment name, unique within one spec (the index makes it so). */
static char *random_env_name(unsigned index)
{
	static const char *const stems[] = { "PATH", "a", "X-Y", "_", "é",
					     "A B" };
	char *s;

	ck_assert_int_ge(asprintf(&s, "%s%u", stems[rnd(6)], index), 0);
	return s;
}

struct fuzz_item {
	const struct option_def *opt;
	char *value; /* NULL for a flag */
};

struct fuzz_spec {
	struct fuzz_item items[64];
	size_t n;
	unsigned env_index;
	bool used_child[64];
};

static void fuzz_add(struct fuzz_spec *fs, const struct option_def *opt,
		     char *value)
{
	ck_assert_uint_lt(fs->n, 64);
	fs->items[fs->n++] = (struct fuzz_item){ opt, value };
}

/* A random valid value for opt; NULL for a flag. */
static char *random_value(struct fuzz_spec *fs, const struct option_def *opt)
{
	const char *name = opt->name;
	char *s = NULL;
	int r = 0;

	if (!(opt->flags & OPT_VALUE))
		return NULL;
	if (strcmp(name, "fd") == 0) {
		unsigned child;

		do
			child = rnd(64);
		while (fs->used_child[child]);
		fs->used_child[child] = true;
		r = asprintf(&s, "%s%u=%u", rnd(4) ? "" : "0", child,
			     rnd(4) ? rnd(10) : rng() % 2147483647u);
	} else if (strcmp(name, "status-fd") == 0) {
		r = asprintf(&s, rnd(3) ? "%u" : "00%u", rnd(1000));
	} else if (strcmp(name, "umask") == 0) {
		static const char *const zeros[] = { "", "0", "000" };
		unsigned mask = rnd(01000);

		if (rnd(4))
			r = asprintf(&s, "%s%o", zeros[rnd(3)], mask);
		else
			r = asprintf(&s, "%04o", mask);
	} else if (strcmp(name, "setenv") == 0) {
		_cleanup_free_ char *n = random_env_name(fs->env_index++);
		_cleanup_free_ char *v = random_string(false);

		r = asprintf(&s, "%s=%s", n, v);
	} else if (strcmp(name, "unsetenv") == 0) {
		s = random_env_name(fs->env_index++);
	} else if (strcmp(name, "chdir") == 0 || strcmp(name, "uid") == 0 ||
		   strcmp(name, "gid") == 0) {
		s = random_string(true);
	} else if (strcmp(name, "argv0") == 0 || strcmp(name, "groups") == 0) {
		s = random_string(false);
	} else {
		ck_abort_msg("no random values for --%s: teach the fuzz",
			     name);
	}
	ck_assert_int_ge(r, 0);
	ck_assert_ptr_nonnull(s);
	return s;
}

static void fuzz_build(struct fuzz_spec *fs)
{
	memset(fs, 0, sizeof(*fs));
	for (size_t i = 0; i < option_count; i++) {
		const struct option_def *opt = &option_table[i];
		unsigned times;

		if (opt->flags & OPT_CLI_ONLY)
			continue;
		times = (opt->flags & OPT_REPEAT) ? rnd(4) : rnd(2);
		for (unsigned k = 0; k < times; k++)
			fuzz_add(fs, opt, random_value(fs, opt));
	}
	for (size_t i = fs->n; i > 1; i--) {
		size_t j = rnd((uint32_t)i);
		struct fuzz_item t = fs->items[i - 1];

		fs->items[i - 1] = fs->items[j];
		fs->items[j] = t;
	}
}

static void fuzz_free(struct fuzz_spec *fs)
{
	for (size_t i = 0; i < fs->n; i++)
		free(fs->items[i].value);
}

static void fuzz_tokens(const struct fuzz_spec *fs, struct strv *tokens,
			struct strv *command)
{
	size_t words = rnd(3) + 1;

	for (size_t i = 0; i < fs->n; i++) {
		const struct fuzz_item *it = &fs->items[i];

		if (!it->value) {
			ck_assert_int_eq(strv_pushf(tokens, "--%s",
						    it->opt->name),
					 0);
		} else if (rnd(2)) {
			ck_assert_int_eq(strv_pushf(tokens, "--%s=%s",
						    it->opt->name, it->value),
					 0);
		} else {
			ck_assert_int_eq(strv_pushf(tokens, "--%s",
						    it->opt->name),
					 0);
			ck_assert_int_eq(strv_push(tokens, it->value), 0);
		}
	}
	for (size_t i = 0; i < words; i++) {
		_cleanup_free_ char *w = random_string(i == 0);

		ck_assert_int_eq(strv_push(command, w), 0);
	}
	if (strncmp(command->v[0], "--", 2) == 0 || rnd(2))
		ck_assert_int_eq(strv_push(tokens, "--"), 0);
	for (size_t i = 0; i < command->n; i++)
		ck_assert_int_eq(strv_push(tokens, command->v[i]), 0);
}

static long parse_long(const char *s, int base)
{
	char *end;
	long v = strtol(s, &end, base);

	ck_assert_msg(*s && !*end, "bad number `%s`", s);
	return v;
}

/* The parsed spec must hold exactly what the items say. */
static void fuzz_check(const struct fuzz_spec *fs, const struct strv *command,
		       const struct spec *spec)
{
	size_t n_fds = 0, n_set = 0, n_unset = 0;

	ck_assert(strv_equal(&spec->command, command));
	for (size_t i = 0; i < fs->n; i++) {
		const struct fuzz_item *it = &fs->items[i];
		const char *name = it->opt->name, *v = it->value;

		if (strcmp(name, "fd") == 0) {
			char *eq;
			long child = strtol(v, &eq, 10);

			ck_assert_int_eq(*eq, '=');
			ck_assert_uint_lt(n_fds, spec->n_fds);
			ck_assert_int_eq(spec->fds[n_fds].child, child);
			ck_assert_int_eq(spec->fds[n_fds].parent,
					 parse_long(eq + 1, 10));
			n_fds++;
		} else if (strcmp(name, "status-fd") == 0) {
			ck_assert_int_eq(spec->status_fd, parse_long(v, 10));
		} else if (strcmp(name, "umask") == 0) {
			ck_assert(spec->has_umask);
			ck_assert_int_eq(spec->umask, parse_long(v, 8));
		} else if (strcmp(name, "setenv") == 0) {
			ck_assert_uint_lt(n_set, spec->setenv.n);
			ck_assert_str_eq(spec->setenv.v[n_set++], v);
		} else if (strcmp(name, "unsetenv") == 0) {
			ck_assert_uint_lt(n_unset, spec->unsetenv.n);
			ck_assert_str_eq(spec->unsetenv.v[n_unset++], v);
		} else if (strcmp(name, "chdir") == 0) {
			ck_assert_pstr_eq(spec->chdir, v);
		} else if (strcmp(name, "uid") == 0) {
			ck_assert_pstr_eq(spec->uid, v);
		} else if (strcmp(name, "gid") == 0) {
			ck_assert_pstr_eq(spec->gid, v);
		} else if (strcmp(name, "groups") == 0) {
			ck_assert_pstr_eq(spec->groups, v);
		} else if (strcmp(name, "argv0") == 0) {
			ck_assert_pstr_eq(spec->argv0, v);
		} else if (strcmp(name, "clearenv") == 0) {
			ck_assert(spec->clearenv);
		} else if (strcmp(name, "new-session") == 0) {
			ck_assert(spec->new_session);
		} else if (strcmp(name, "die-with-parent") == 0) {
			ck_assert(spec->die_with_parent);
		} else {
			ck_abort_msg("no model for --%s: teach the fuzz", name);
		}
	}
	ck_assert_uint_eq(spec->n_fds, n_fds);
	ck_assert_uint_eq(spec->setenv.n, n_set);
	ck_assert_uint_eq(spec->unsetenv.n, n_unset);
}

START_TEST(test_roundtrip_fuzz)
{
	rng_state = 0x9e3779b97f4a7c15ull + (uint64_t)_i;
	for (int iter = 0; iter < 1000; iter++) {
		_cleanup_strv_ struct strv tokens = { 0 }, command = { 0 },
					   first = { 0 };
		_cleanup_spec_ struct spec again;
		struct sh_err err = { 0 };
		enum cli_action action;
		struct fuzz_spec fs;

		fuzz_build(&fs);
		fuzz_tokens(&fs, &tokens, &command);
		assert_fixed_point(&tokens, rnd(2), &first);
		spec_init(&again);
		ck_assert_int_eq(spec_parse(&again, tokens.v, tokens.n, false,
					    &action, &err),
				 0);
		fuzz_check(&fs, &command, &again);
		spec_clear(&again);
		ck_assert_int_eq(spec_parse(&again, first.v, first.n, false,
					    &action, &err),
				 0);
		fuzz_check(&fs, &command, &again);
		fuzz_free(&fs);
	}
}
END_TEST

/* ---- --help ---- */

/* Every run of spaces and newlines as one space. */
static char *squeeze(const char *s, size_t len)
{
	char *out = malloc(len + 1), *o = out;

	ck_assert_ptr_nonnull(out);
	for (size_t i = 0; i < len; i++) {
		bool blank = s[i] == ' ' || s[i] == '\n';

		if (!blank)
			*o++ = s[i];
		else if (o == out || o[-1] != ' ')
			*o++ = ' ';
	}
	*o = '\0';
	return out;
}

/* The entry of --name in the help: from its line to the next line that
 * is not an indented continuation. */
static char *help_entry(const char *buf, const struct option_def *opt)
{
	char left[128];
	const char *p = buf, *end;
	size_t ll;

	ll = (size_t)snprintf(left, sizeof(left), "\n  --%s%s%s", opt->name,
			      opt->metavar ? " " : "",
			      opt->metavar ? opt->metavar : "");
	while ((p = strstr(p, left)) && p[ll] != ' ' && p[ll] != '\n')
		p += ll;
	ck_assert_msg(p != NULL, "--help lacks `%s`", left + 3);
	p++;
	end = p;
	while ((end = strchr(end, '\n')) && strncmp(end + 1, "    ", 4) == 0)
		end++;
	ck_assert_ptr_nonnull(end);
	return squeeze(p, (size_t)(end - p));
}

START_TEST(test_help)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	const char *line;

	ck_assert_ptr_nonnull(f);
	options_print_help(f, "prog");
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_uint_eq(strlen(buf), len);
	ck_assert_ptr_nonnull(strstr(buf, "Usage: prog "));
	ck_assert_ptr_nonnull(strstr(buf, "prog --spec-fd FD"));
	for (line = buf; *line;) {
		size_t l = strcspn(line, "\n");

		ck_assert_msg(l <= 80, "--help line longer than 80: `%.*s`",
			      (int)l, line);
		line += l + (line[l] == '\n');
	}
	for (int g = 0; g < GROUP_COUNT; g++) {
		char title[64];

		snprintf(title, sizeof(title), "\n%s:\n",
			 option_group_title((enum opt_group)g));
		ck_assert_msg(strstr(buf, title), "no group `%s`",
			      option_group_title((enum opt_group)g));
	}
	for (size_t i = 0; i < option_count; i++) {
		const struct option_def *opt = &option_table[i];
		_cleanup_free_ char *entry = help_entry(buf, opt);
		_cleanup_free_ char *help = squeeze(opt->help,
						    strlen(opt->help));

		ck_assert_msg(strstr(entry, help),
			      "--%s's help text is not in `%s`", opt->name,
			      entry);
		ck_assert_int_eq(strstr(entry, "(repeatable)") != NULL,
				 (opt->flags & OPT_REPEAT) != 0);
	}
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *make_options_suite(void)
{
	Suite *s = suite_create("options");
	TCase *tc;

	tc = tcase_create("table");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_loop_test(tc, test_table_entry, 0, (int)option_count);
	tcase_add_test(tc, test_table_find);
	tcase_add_test(tc, test_help);
	suite_add_tcase(s, tc);

	tc = tcase_create("parse");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_loop_test(tc, test_parse_good, 0, N(good_cases));
	tcase_add_test(tc, test_parse_fields);
	tcase_add_test(tc, test_parse_defaults);
	tcase_add_test(tc, test_parse_cli_actions);
	tcase_add_loop_test(tc, test_parse_bad, 0, N(bad_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("cli");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_loop_test(tc, test_parse_cli, 0, N(cli_cases));
	tcase_add_loop_test(tc, test_spec_fd_good, 0, 2);
	tcase_add_loop_test(tc, test_spec_fd_bad, 0, N(spec_fd_bad_cases));
	tcase_add_test(tc, test_spec_fd_max);
	tcase_add_loop_test(tc, test_spec_fd_oversize, 0, 2);
	tcase_add_test(tc, test_spec_split);
	suite_add_tcase(s, tc);

	tc = tcase_create("status-fd");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_loop_test(tc, test_scan_status_fd, 0, N(scan_cases));
	tcase_add_loop_test(tc, test_bad_spec_status_fd, 0,
			    N(bad_status_cases));
	tcase_add_test(tc, test_bad_spec_fd_status_fd);
	suite_add_tcase(s, tc);

	tc = tcase_create("roundtrip");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_loop_test(tc, test_roundtrip_option, 0, (int)option_count);
	tcase_add_loop_test(tc, test_roundtrip_samples, 0, N(samples));
	tcase_add_loop_test(tc, test_roundtrip_fuzz, 0, 4);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr;
	int failed;

	setvbuf(stdout, NULL, _IONBF, 0);
	sr = srunner_create(make_options_suite());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
