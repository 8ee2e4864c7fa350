/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests of seccomp: the rule language (every action, operator and
 * error, with the line it names), the built-in profiles, the compiler
 * with its own program for calls libseccomp does not know, --seccomp-bpf,
 * and the filters at work in a forked child. */
#include "config.h"

#include <check.h>
#include "check-run.h"
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <pthread.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/io_uring.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "monitor-notify.h"
#include "seccomp-filter.h"
#include "seccomp-policy.h"
#include "seccomp-profiles.h"
#include "spec.h"

#define TIMEOUT 60
#define WHERE "FILE"
#define NR_SETXATTRAT 463

static void policy_clearp(struct seccomp_policy *policy)
{
	seccomp_policy_clear(policy);
}
#define _cleanup_policy_ __attribute__((cleanup(policy_clearp)))

static void plan_clearp(struct seccomp_plan *plan)
{
	seccomp_plan_clear(plan);
}
#define _cleanup_plan_ __attribute__((cleanup(plan_clearp)))

static int parse(struct seccomp_policy *policy, const char *text,
		 struct sh_err *err)
{
	return seccomp_policy_parse(policy, text, strlen(text), WHERE, err);
}

static void assert_error(int r, const struct sh_err *err, int errnum,
			 const char *stage, const char *message)
{
	ck_assert_msg(r == -errnum, "returned %d (`%s`), expected -%s", r,
		      r < 0 ? err->message : "", err_name(errnum));
	ck_assert_int_eq(err->errnum, errnum);
	ck_assert_str_eq(err->stage, stage);
	ck_assert_str_eq(err->message, message);
}

/* The one rule of text. */
static void parse_one(struct seccomp_policy *policy, const char *text)
{
	struct sh_err err = { 0 };
	int r = parse(policy, text, &err);

	ck_assert_msg(r == 0, "`%s`: %d %s", text, r, err.message);
	ck_assert_uint_eq(policy->n, 1);
	ck_assert_str_eq(policy->rules[0].source, WHERE);
	ck_assert_uint_eq(policy->rules[0].line, 1);
}

/* ---- actions ---- */

struct action_case {
	const char *text;
	const char *name;
	enum seccomp_action action;
	int errnum;
};

static const struct action_case action_cases[] = {
	{ "errno chmod", "chmod", SC_ACT_ERRNO, EPERM },
	{ "errno:EACCES chmod", "chmod", SC_ACT_ERRNO, EACCES },
	{ "errno:EPERM chmod", "chmod", SC_ACT_ERRNO, EPERM },
	{ "errno:ENOSYS chmod", "chmod", SC_ACT_ERRNO, ENOSYS },
	/* names glibc spells only as their twin */
	{ "errno:ENOTSUP setxattr", "setxattr", SC_ACT_ERRNO, 95 },
	{ "errno:EOPNOTSUPP setxattr", "setxattr", SC_ACT_ERRNO, 95 },
	{ "errno:EWOULDBLOCK chmod", "chmod", SC_ACT_ERRNO, EAGAIN },
	{ "errno:EAGAIN chmod", "chmod", SC_ACT_ERRNO, 11 },
	{ "errno:EDEADLOCK chmod", "chmod", SC_ACT_ERRNO, EDEADLK },
	{ "errno:EHWPOISON chmod", "chmod", SC_ACT_ERRNO, 133 },
	/* numbers, as C writes them */
	{ "errno:13 chmod", "chmod", SC_ACT_ERRNO, 13 },
	{ "errno:0x0d chmod", "chmod", SC_ACT_ERRNO, 13 },
	{ "errno:015 chmod", "chmod", SC_ACT_ERRNO, 13 },
	{ "errno:1 chmod", "chmod", SC_ACT_ERRNO, 1 },
	{ "errno:4095 chmod", "chmod", SC_ACT_ERRNO, 4095 },
	{ "enosys openat2", "openat2", SC_ACT_ERRNO, ENOSYS },
	{ "kill uname", "uname", SC_ACT_KILL, 0 },
	/* blanks around and between words */
	{ " \terrno:EIO\t \tchmod \t", "chmod", SC_ACT_ERRNO, EIO },
};

START_TEST(test_action)
{
	const struct action_case *c = &action_cases[_i];
	_cleanup_policy_ struct seccomp_policy policy = { 0 };
	const struct seccomp_rule *rule;

	parse_one(&policy, c->text);
	rule = &policy.rules[0];
	ck_assert_int_eq(rule->action, c->action);
	if (c->action == SC_ACT_ERRNO)
		ck_assert_int_eq(rule->errnum, c->errnum);
	ck_assert_uint_eq(rule->n_conds, 0);
	ck_assert_str_eq(rule->name, c->name);
}
END_TEST

static const char *const bad_actions[] = {
	"errno:", "errno:0", "errno:00", "errno:4096", "errno:0x1000",
	"errno:99999999999999999999", "errno:-1", "errno:+1", "errno:08",
	"errno:EBOGUS", "errno:eperm", "errno:E?", "errno:EPERM:", "Errno",
	"ERRNO", "errnoEPERM", "errno=EPERM", "allow", "log",
	"kill:9", "killall", "enosys:1", "trap", "errno:1x",
};

START_TEST(test_bad_action)
{
	_cleanup_policy_ struct seccomp_policy policy = { 0 };
	_cleanup_free_ char *text = NULL;
	struct sh_err err = { 0 };

	ck_assert_int_ge(asprintf(&text, "# first\n%s chmod\n", bad_actions[_i]),
			 0);
	assert_error(parse(&policy, text, &err), &err, EINVAL, "seccomp",
		     WHERE ":2: unknown action (errno, errno:NAME, enosys or "
			   "kill)");
	ck_assert_uint_eq(policy.n, 0);
}
END_TEST

/* ---- conditions ---- */

#define NAME63 "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0"

struct cond_case {
	const char *text;
	unsigned arg;
	enum seccomp_op op;
	uint64_t mask, value;
};

static const struct cond_case cond_cases[] = {
	{ "errno ioctl arg1 == 0x5412", 1, SC_OP_EQ, 0, 0x5412 },
	{ "errno ioctl arg0 != 3", 0, SC_OP_NE, 0, 3 },
	{ "errno ioctl arg2 < 010", 2, SC_OP_LT, 0, 8 },
	{ "errno ioctl arg3 <= 0", 3, SC_OP_LE, 0, 0 },
	{ "errno ioctl arg4 > 18446744073709551615", 4, SC_OP_GT, 0,
	  UINT64_MAX },
	{ "errno ioctl arg5 >= 0xffffffffffffffff", 5, SC_OP_GE, 0,
	  UINT64_MAX },
	{ "errno chmod arg1 & 04000 == 04000", 1, SC_OP_MASKED_EQ, 04000,
	  04000 },
	{ "errno ioctl arg1 & 0xffffffff == 0x541c", 1, SC_OP_MASKED_EQ,
	  0xffffffff, 0x541c },
	{ "errno ioctl\targ1\t&\t0\t==\t0", 1, SC_OP_MASKED_EQ, 0, 0 },
	{ "kill ioctl  arg5  ==  7  ", 5, SC_OP_EQ, 0, 7 },
};

/* Conditions on strings, for the monitor */
struct string_case {
	const char *text;
	unsigned arg;
	enum seccomp_op op;
	const char *string;
	bool prefix;
};

static const struct string_case string_cases[] = {
	{ "errno setxattr arg1 == \"security.capability\"", 1, SC_OP_STR_EQ,
	  "security.capability", false },
	{ "errno setxattr arg1 != \"user.*\"", 1, SC_OP_STR_NE, "user.",
	  true },
	{ "kill open arg0 == \"*\"", 0, SC_OP_STR_EQ, "", true },
	{ "errno open arg0 == \"\"", 0, SC_OP_STR_EQ, "", false },
	{ "errno open\targ5\t!=\t\"/a/b\"  ", 5, SC_OP_STR_NE, "/a/b",
	  false },
	{ "errno open arg0 == \"" NAME63 "\"", 0, SC_OP_STR_EQ, NAME63,
	  false },
	{ "errno open arg0 == \"" NAME63 "*\"", 0, SC_OP_STR_EQ, NAME63,
	  true },
};

/* The one condition of the one rule of text, with its arg and op. */
static const struct seccomp_cond *the_condition(struct seccomp_policy *policy,
						const char *text, unsigned arg,
						enum seccomp_op op)
{
	const struct seccomp_cond *cond;

	parse_one(policy, text);
	ck_assert_uint_eq(policy->rules[0].n_conds, 1);
	cond = &policy->rules[0].conds[0];
	ck_assert_uint_eq(cond->arg, arg);
	ck_assert_int_eq(cond->op, op);
	return cond;
}

START_TEST(test_condition)
{
	const struct cond_case *c = &cond_cases[_i];
	_cleanup_policy_ struct seccomp_policy policy = { 0 };
	const struct seccomp_cond *cond =
		the_condition(&policy, c->text, c->arg, c->op);

	ck_assert(!seccomp_cond_on_string(cond));
	if (c->op == SC_OP_MASKED_EQ)
		ck_assert_uint_eq(cond->mask, c->mask);
	ck_assert_uint_eq(cond->value, c->value);
}
END_TEST

START_TEST(test_string_condition)
{
	const struct string_case *c = &string_cases[_i];
	_cleanup_policy_ struct seccomp_policy policy = { 0 };
	const struct seccomp_cond *cond =
		the_condition(&policy, c->text, c->arg, c->op);

	ck_assert(seccomp_cond_on_string(cond));
	ck_assert_str_eq(cond->text, c->string);
	ck_assert_int_eq(cond->prefix, c->prefix);
}
END_TEST


START_TEST(test_six_conditions)
{
	static const char six[] = "errno mmap arg0 == 0 arg1 != 1 arg2 < 2 "
				  "arg3 <= 3 arg4 > 4 arg5 & 0x30 == 0x10\n";
	_cleanup_policy_ struct seccomp_policy policy = { 0 };
	_cleanup_free_ char *seven = NULL;
	struct sh_err err = { 0 };
	const struct seccomp_rule *rule;

	parse_one(&policy, six);
	rule = &policy.rules[0];
	ck_assert_str_eq(rule->name, "mmap");
	ck_assert_uint_eq(rule->n_conds, SECCOMP_MAX_CONDS);
	ck_assert_int_eq(SECCOMP_MAX_CONDS, 6);
	for (unsigned i = 0; i < 6; i++) {
		ck_assert_uint_eq(rule->conds[i].arg, i);
		ck_assert_int_eq(rule->conds[i].op, i == 5 ? SC_OP_MASKED_EQ
							   : (int)i);
		ck_assert_uint_eq(rule->conds[i].value, i == 5 ? 0x10 : i);
	}
	ck_assert_uint_eq(rule->conds[5].mask, 0x30);
	/* one more, even a valid one, is refused */
	ck_assert_int_ge(asprintf(&seven, "errno chmod\n%.*s arg0 == 9\n",
				  (int)strlen(six) - 1, six),
			 0);
	seccomp_policy_clear(&policy);
	assert_error(parse(&policy, seven, &err), &err, EINVAL, "seccomp",
		     WHERE ":2: more than 6 conditions");
}
END_TEST

/* ---- syntax errors, each naming its line ---- */

struct syntax_case {
	const char *text;
	const char *message; /* after "FILE:" */
};

static const struct syntax_case syntax_cases[] = {
	{ "errno\n", "1: no syscall" },
	{ "errno chmod\nkill # no call\n", "2: no syscall" },
	{ "bogus chmod\n", "1: unknown action (errno, errno:NAME, enosys or "
			   "kill)" },
	{ "# c\n\n  \t\nerrno chmod\nbogus x\n",
	  "5: unknown action (errno, errno:NAME, enosys or kill)" },
	{ "\n\nerrno chmod arg6 == 1\n",
	  "3: expected a condition argN (N from 0 to 5)" },
	{ "errno chmod Arg1 == 1", "1: expected a condition argN (N from 0 to "
				   "5)" },
	{ "errno chmod arg == 1", "1: expected a condition argN (N from 0 to "
				  "5)" },
	{ "errno chmod arg10 == 1", "1: expected a condition argN (N from 0 "
				    "to 5)" },
	{ "errno chmod arg1==1", "1: expected a condition argN (N from 0 to "
				 "5)" },
	{ "errno chmod arg-1 == 1", "1: expected a condition argN (N from 0 "
				    "to 5)" },
	{ "errno chmod 1 == 1", "1: expected a condition argN (N from 0 to "
			       "5)" },
	{ "errno chmod arg1", "1: a condition lacks its operator" },
	{ "errno chmod arg1 # == 1", "1: a condition lacks its operator" },
	{ "errno chmod arg1 =~ 1",
	  "1: unknown operator (== != < <= > >= or &)" },
	{ "errno chmod arg1 = 1", "1: unknown operator (== != < <= > >= or &)" },
	{ "errno chmod arg1 === 1",
	  "1: unknown operator (== != < <= > >= or &)" },
	{ "errno chmod arg1 && 1 == 1",
	  "1: unknown operator (== != < <= > >= or &)" },
	{ "errno chmod arg1 ==", "1: expected a number to compare with" },
	{ "errno chmod arg1 == x", "1: expected a number to compare with" },
	{ "errno chmod arg1 == -1", "1: expected a number to compare with" },
	{ "errno chmod arg1 == +1", "1: expected a number to compare with" },
	{ "errno chmod arg1 == 08", "1: expected a number to compare with" },
	{ "errno chmod arg1 == 0x", "1: expected a number to compare with" },
	{ "errno chmod arg1 == 1k", "1: expected a number to compare with" },
	{ "errno chmod arg1 == 18446744073709551616",
	  "1: expected a number to compare with" },
	{ "errno chmod arg1 == 0x10000000000000000",
	  "1: expected a number to compare with" },
	{ "errno chmod arg1 == 1 arg2", "1: a condition lacks its operator" },
	{ "errno chmod arg1 &", "1: expected a MASK after `&`" },
	{ "errno chmod arg1 & x == 1", "1: expected a MASK after `&`" },
	{ "errno chmod arg1 & -1 == 1", "1: expected a MASK after `&`" },
	{ "errno chmod arg1 & 1", "1: expected `==` after `& MASK`" },
	{ "errno chmod arg1 & 1 != 1", "1: expected `==` after `& MASK`" },
	{ "errno chmod arg1 & 1 & 1", "1: expected `==` after `& MASK`" },
	{ "errno chmod arg1 & 1 ==", "1: expected a number to compare with" },
	{ "errno chmod arg1 & 1 == 09", "1: expected a number to compare "
				       "with" },
	{ "errno " NAME63 "x\n", "1: the syscall name is too long" },
	/* strings */
	{ "errno open arg0 == \"a", "1: expected \"TEXT\" (no blanks or "
				    "quotes inside)" },
	{ "errno open arg0 == \"", "1: expected \"TEXT\" (no blanks or "
				   "quotes inside)" },
	{ "errno open arg0 == \"a b\"", "1: expected \"TEXT\" (no blanks "
					"or quotes inside)" },
	{ "errno open arg0 == \"a\"b\"", "1: expected \"TEXT\" (no blanks "
					 "or quotes inside)" },
	{ "errno open arg0 == \"a\"\"", "1: expected \"TEXT\" (no blanks "
					"or quotes inside)" },
	{ "errno open arg0 == \"a*b\"", "1: a `*` may only end a \"TEXT\"" },
	{ "errno open arg0 == \"a**\"", "1: a `*` may only end a \"TEXT\"" },
	{ "errno open arg0 == \"" NAME63 "x\"",
	  "1: the \"TEXT\" is too long (63 bytes at most)" },
	{ "errno open arg0 < \"a\"", "1: a \"TEXT\" compares with == or != "
				     "only" },
	{ "errno open arg0 & 1 == \"a\"", "1: a \"TEXT\" compares with == "
					 "or != only" },
	{ "errno open arg0 == a\"", "1: expected a number to compare with" },
	/* the first bad line counts, whatever follows */
	{ "errno chmod\nerrno\nbogus\n", "2: no syscall" },
	/* no newline at the end */
	{ "errno chmod\n\n\nerrno chmod arg1 <", "4: expected a number to "
						 "compare with" },
};

START_TEST(test_syntax_error)
{
	const struct syntax_case *c = &syntax_cases[_i];
	_cleanup_policy_ struct seccomp_policy policy = { 0 };
	_cleanup_free_ char *message = NULL;
	struct sh_err err = { 0 };

	ck_assert_int_ge(asprintf(&message, WHERE ":%s", c->message), 0);
	assert_error(parse(&policy, c->text, &err), &err, EINVAL, "seccomp",
		     message);
}
END_TEST

START_TEST(test_name_limit)
{
	_cleanup_policy_ struct seccomp_policy policy = { 0 };

	ck_assert_uint_eq(strlen(NAME63), 63);
	parse_one(&policy, "kill " NAME63);
	ck_assert_str_eq(policy.rules[0].name, NAME63);
}
END_TEST

/* Comments, blank lines, blanks: rules keep their own line numbers. */
START_TEST(test_comments_and_lines)
{
	static const char text[] =
		"# a policy\n"
		"\n"
		"   \t \n"
		"errno chmod # the rest is a comment: bogus == x\n"
		"#errno chown\n"
		"\t  # indented comment\n"
		"kill\tuname#no blank before it\n"
		"errno:EIO fchmod arg1 & 07000 == 04000 # trailing\n"
		"\n"
		"enosys openat2";
	_cleanup_policy_ struct seccomp_policy policy = { 0 };
	struct sh_err err = { 0 };
	int r;

	r = seccomp_policy_parse(&policy, text, sizeof(text) - 1, "/etc/p",
				 &err);
	ck_assert_msg(r == 0, "%d %s", r, err.message);
	ck_assert_uint_eq(policy.n, 4);
	ck_assert_str_eq(policy.rules[0].name, "chmod");
	ck_assert_uint_eq(policy.rules[0].line, 4);
	ck_assert_uint_eq(policy.rules[0].n_conds, 0);
	ck_assert_str_eq(policy.rules[1].name, "uname");
	ck_assert_uint_eq(policy.rules[1].line, 7);
	ck_assert_int_eq(policy.rules[1].action, SC_ACT_KILL);
	ck_assert_str_eq(policy.rules[2].name, "fchmod");
	ck_assert_uint_eq(policy.rules[2].line, 8);
	ck_assert_int_eq(policy.rules[2].errnum, EIO);
	ck_assert_uint_eq(policy.rules[2].n_conds, 1);
	ck_assert_uint_eq(policy.rules[2].conds[0].mask, 07000);
	ck_assert_str_eq(policy.rules[3].name, "openat2");
	ck_assert_uint_eq(policy.rules[3].line, 10);
	for (size_t i = 0; i < policy.n; i++)
		ck_assert_str_eq(policy.rules[i].source, "/etc/p");

	/* a second text appends, with its own where and line numbers */
	r = seccomp_policy_parse(&policy, "\nerrno chown\n", 13, "/other",
				 &err);
	ck_assert_msg(r == 0, "%d %s", r, err.message);
	ck_assert_uint_eq(policy.n, 5);
	ck_assert_str_eq(policy.rules[4].source, "/other");
	ck_assert_uint_eq(policy.rules[4].line, 2);
	ck_assert_str_eq(policy.rules[0].source, "/etc/p");
}
END_TEST

/* Empty texts and texts of comments only have no rules. */
START_TEST(test_no_rules)
{
	static const char *const texts[] = { "", "\n", "\n\n\n", "# x",
					     "  \t", "#\n#\n", " # x\n\t\n" };
	_cleanup_policy_ struct seccomp_policy policy = { 0 };
	struct sh_err err = { 0 };

	ck_assert_int_eq(parse(&policy, texts[_i], &err), 0);
	ck_assert_uint_eq(policy.n, 0);
}
END_TEST

/* len bounds the text: what follows is not read. */
START_TEST(test_length_bounds)
{
	static const char text[] = "errno chmod\nbogus line";
	_cleanup_policy_ struct seccomp_policy policy = { 0 };
	struct sh_err err = { 0 };

	ck_assert_int_eq(seccomp_policy_parse(&policy, text, 12, WHERE, &err),
			 0);
	ck_assert_uint_eq(policy.n, 1);
	/* one byte short of the name */
	seccomp_policy_clear(&policy);
	ck_assert_int_eq(seccomp_policy_parse(&policy, text, 10, WHERE, &err),
			 0);
	ck_assert_str_eq(policy.rules[0].name, "chmo");
}
END_TEST

START_TEST(test_nul_byte)
{
	static const char text[] = "errno chmod\nerrno\0chown\nerrno x\n";
	static const char comment[] = "# a \0 in a comment\n";
	_cleanup_policy_ struct seccomp_policy policy = { 0 };
	struct sh_err err = { 0 };
	int r;

	r = seccomp_policy_parse(&policy, text, sizeof(text) - 1, WHERE, &err);
	assert_error(r, &err, EINVAL, "seccomp", WHERE ":2: a NUL byte");
	r = seccomp_policy_parse(&policy, comment, sizeof(comment) - 1, WHERE,
				 &err);
	assert_error(r, &err, EINVAL, "seccomp", WHERE ":1: a NUL byte");
	r = seccomp_policy_parse(&policy, "\n\n\0", 3, WHERE, &err);
	assert_error(r, &err, EINVAL, "seccomp", WHERE ":3: a NUL byte");
}
END_TEST

/* A line may have 511 bytes (without its newline), not 512. */
START_TEST(test_long_line)
{
	size_t len = _i ? 512 : 511;
	char *line = malloc(len + 1);
	_cleanup_free_ char *text = NULL;
	_cleanup_policy_ struct seccomp_policy policy = { 0 };
	struct sh_err err = { 0 };
	int r;

	ck_assert_ptr_nonnull(line);
	memset(line, 'x', len);
	memcpy(line, "errno chmod #", 13);
	line[len] = '\0';
	ck_assert_int_ge(asprintf(&text, "errno chown\n%s\nerrno fchown\n",
				  line),
			 0);
	free(line);
	r = parse(&policy, text, &err);
	if (_i) {
		assert_error(r, &err, EINVAL, "seccomp",
			     WHERE ":2: the line is too long");
		return;
	}
	ck_assert_msg(r == 0, "%d %s", r, err.message);
	ck_assert_uint_eq(policy.n, 3);
	ck_assert_str_eq(policy.rules[1].name, "chmod");
	ck_assert_uint_eq(policy.rules[2].line, 3);
}
END_TEST

/* DOS line ends: the CR stays in the line's last word, so such a policy
 * is refused, naming the line, rather than misread. */
START_TEST(test_crlf)
{
	_cleanup_policy_ struct seccomp_policy policy = { 0 };
	struct sh_err err = { 0 };

	assert_error(parse(&policy, "errno chmod arg1 == 1\r\n", &err), &err,
		     EINVAL, "seccomp",
		     WHERE ":1: expected a number to compare with");
	seccomp_policy_clear(&policy);
	assert_error(parse(&policy, "# dos\r\n\r\nerrno chmod\r\n", &err),
		     &err, EINVAL, "seccomp",
		     WHERE ":2: unknown action (errno, errno:NAME, enosys or "
			   "kill)");
	/* the name with its CR is no syscall: see test_prepare_crlf */
	seccomp_policy_clear(&policy);
	ck_assert_int_eq(parse(&policy, "# dos\r\nkill uname\r\n", &err), 0);
	ck_assert_uint_eq(policy.n, 1);
	ck_assert_str_eq(policy.rules[0].name, "uname\r");
}
END_TEST

/* ---- the built-in profiles ---- */

static const struct seccomp_rule *find_rule(const struct seccomp_policy *p,
					    const char *name, size_t nth)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->rules[i].name, name) == 0 && nth-- == 0)
			return &p->rules[i];
	return NULL;
}

START_TEST(test_profile_build)
{
	static const char *const blocked[] = {
		"init_module", "kexec_load", "reboot", "bpf", "keyctl",
		"perf_event_open", "userfaultfd", "open_by_handle_at",
	};
	_cleanup_policy_ struct seccomp_policy policy = { 0 };
	const struct seccomp_rule *rule;
	struct sh_err err = { 0 };
	int r = seccomp_profile_parse(&policy, "build", &err);

	ck_assert_msg(r == 0, "%d %s", r, err.message);
	ck_assert_uint_gt(policy.n, 40);
	for (size_t i = 0; i < policy.n; i++) {
		ck_assert_str_eq(policy.rules[i].source, "profile build");
		ck_assert_uint_gt(policy.rules[i].line, 0);
		ck_assert_int_eq(policy.rules[i].action, SC_ACT_ERRNO);
	}
	/* setuid and setgid bits by chmod */
	rule = find_rule(&policy, "chmod", 0);
	ck_assert_ptr_nonnull(rule);
	ck_assert_int_eq(rule->errnum, EPERM);
	ck_assert_uint_eq(rule->n_conds, 1);
	ck_assert_uint_eq(rule->conds[0].arg, 1);
	ck_assert_int_eq(rule->conds[0].op, SC_OP_MASKED_EQ);
	ck_assert_uint_eq(rule->conds[0].mask, 04000);
	ck_assert_uint_eq(rule->conds[0].value, 04000);
	rule = find_rule(&policy, "chmod", 1);
	ck_assert_ptr_nonnull(rule);
	ck_assert_uint_eq(rule->conds[0].mask, 02000);
	ck_assert_ptr_nonnull(find_rule(&policy, "fchmodat", 1));
	/* openat with O_CREAT and a setuid mode: two conditions */
	rule = find_rule(&policy, "openat", 0);
	ck_assert_ptr_nonnull(rule);
	ck_assert_uint_eq(rule->n_conds, 2);
	ck_assert_uint_eq(rule->conds[0].arg, 2);
	ck_assert_uint_eq(rule->conds[0].mask, 0100);
	ck_assert_uint_eq(rule->conds[1].arg, 3);
	/* openat2: ENOSYS, callers fall back */
	rule = find_rule(&policy, "openat2", 0);
	ck_assert_ptr_nonnull(rule);
	ck_assert_int_eq(rule->errnum, ENOSYS);
	ck_assert_uint_eq(rule->n_conds, 0);
	/* io_uring, whose operations seccomp does not see: ENOSYS */
	for (size_t i = 0; i < 3; i++) {
		static const char *const uring[] = { "io_uring_setup",
						     "io_uring_enter",
						     "io_uring_register" };

		rule = find_rule(&policy, uring[i], 0);
		ck_assert_msg(rule != NULL, "build lets %s through", uring[i]);
		ck_assert_int_eq(rule->errnum, ENOSYS);
		ck_assert_uint_eq(rule->n_conds, 0);
	}
	/* xattrs: ENOTSUP, but for user.* and the POSIX ACLs */
	for (size_t i = 0; i < 4; i++) {
		static const char *const calls[] = { "setxattr", "lsetxattr",
						     "fsetxattr", "setxattrat" };
		static const char *const texts[] = {
			"user.", "system.posix_acl_access",
			"system.posix_acl_default"
		};

		rule = find_rule(&policy, calls[i], 0);
		ck_assert_ptr_nonnull(rule);
		ck_assert_ptr_null(find_rule(&policy, calls[i], 1));
		ck_assert_int_eq(rule->errnum, ENOTSUP);
		ck_assert_uint_eq(rule->n_conds, 3);
		for (size_t c = 0; c < 3; c++) {
			ck_assert_uint_eq(rule->conds[c].arg, i == 3 ? 3 : 1);
			ck_assert_int_eq(rule->conds[c].op, SC_OP_STR_NE);
			ck_assert_str_eq(rule->conds[c].text, texts[c]);
			ck_assert_int_eq(rule->conds[c].prefix, c == 0);
		}
	}
	/* TIOCSTI */
	rule = find_rule(&policy, "ioctl", 0);
	ck_assert_ptr_nonnull(rule);
	ck_assert_uint_eq(rule->conds[0].value, 0x5412);
	for (size_t i = 0; i < sizeof(blocked) / sizeof(blocked[0]); i++) {
		rule = find_rule(&policy, blocked[i], 0);
		ck_assert_msg(rule != NULL, "build lets %s through", blocked[i]);
		ck_assert_int_eq(rule->errnum, EPERM);
		ck_assert_uint_eq(rule->n_conds, 0);
	}
	/* no user namespaces of its own: flags are arg0 of unshare and of
	 * clone on every x86 ABI; clone3 hides them, so ENOSYS */
	for (size_t i = 0; i < 2; i++) {
		static const char *const calls[] = { "unshare", "clone" };

		rule = find_rule(&policy, calls[i], 0);
		ck_assert_msg(rule != NULL, "build lets %s through", calls[i]);
		ck_assert_ptr_null(find_rule(&policy, calls[i], 1));
		ck_assert_int_eq(rule->errnum, EPERM);
		ck_assert_uint_eq(rule->n_conds, 1);
		ck_assert_uint_eq(rule->conds[0].arg, 0);
		ck_assert_int_eq(rule->conds[0].op, SC_OP_MASKED_EQ);
		ck_assert_uint_eq(rule->conds[0].mask, CLONE_NEWUSER);
		ck_assert_uint_eq(rule->conds[0].value, CLONE_NEWUSER);
	}
	rule = find_rule(&policy, "clone3", 0);
	ck_assert_ptr_nonnull(rule);
	ck_assert_int_eq(rule->errnum, ENOSYS);
	ck_assert_uint_eq(rule->n_conds, 0);
	/* nothing a build needs */
	ck_assert_ptr_null(find_rule(&policy, "ptrace", 0));
	ck_assert_ptr_null(find_rule(&policy, "mount", 0));
	ck_assert_ptr_null(find_rule(&policy, "execve", 0));
}
END_TEST

START_TEST(test_profile_strict)
{
	static const char *const extra[] = { "ptrace", "mount", "unshare",
					     "setns", "process_vm_readv",
					     "chroot" };
	static const unsigned long clone_new[] = {
		CLONE_NEWNS,  CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC,
		CLONE_NEWUSER, CLONE_NEWPID,   CLONE_NEWNET,
	};
	_cleanup_policy_ struct seccomp_policy build = { 0 }, strict = { 0 };
	struct sh_err err = { 0 };

	ck_assert_int_eq(seccomp_profile_parse(&build, "build", &err), 0);
	ck_assert_int_eq(seccomp_profile_parse(&strict, "strict", &err), 0);
	ck_assert_uint_gt(strict.n, build.n);
	/* the build profile first, then its own rules */
	for (size_t i = 0; i < build.n; i++) {
		ck_assert_str_eq(strict.rules[i].name, build.rules[i].name);
		ck_assert_str_eq(strict.rules[i].source, "profile build");
	}
	for (size_t i = build.n; i < strict.n; i++)
		ck_assert_str_eq(strict.rules[i].source, "profile strict");
	for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]); i++) {
		const struct seccomp_rule *rule = find_rule(&strict, extra[i], 0);

		ck_assert_msg(rule != NULL, "strict lets %s through", extra[i]);
		ck_assert_int_eq(rule->action, SC_ACT_ERRNO);
		ck_assert_int_eq(rule->errnum, EPERM);
	}
	/* clone with any CLONE_NEW* flag (NEWUSER by the build rules) */
	for (size_t i = 0; i < sizeof(clone_new) / sizeof(clone_new[0]); i++) {
		const struct seccomp_rule *r;
		bool found = false;

		for (size_t n = 0;
		     !found && (r = find_rule(&strict, "clone", n)); n++)
			found = r->errnum == EPERM && r->n_conds == 1 &&
				r->conds[0].arg == 0 &&
				r->conds[0].op == SC_OP_MASKED_EQ &&
				r->conds[0].mask == clone_new[i] &&
				r->conds[0].value == clone_new[i];
		ck_assert_msg(found, "strict lets clone %#lx through",
			      clone_new[i]);
	}
	ck_assert_ptr_nonnull(find_rule(&strict, "clone3", 0));
}
END_TEST

/* --allow-nested-userns: build without its user-namespace rules, and
 * otherwise the same; strict keeps them whatever the flags. */
START_TEST(test_profile_nested_userns)
{
	_cleanup_policy_ struct seccomp_policy build = { 0 }, nested = { 0 },
					       strict = { 0 },
					       strict_flag = { 0 };
	struct sh_err err = { 0 };
	size_t j = 0;

	ck_assert_int_eq(seccomp_profile_parse(&build, "build", &err), 0);
	ck_assert_int_eq(seccomp_profile_parse_flags(
				 &nested, "build",
				 SECCOMP_PROFILE_NESTED_USERNS, &err),
			 0);
	ck_assert_uint_eq(nested.n + 3, build.n);
	for (size_t i = 0; i < build.n; i++) {
		const char *name = build.rules[i].name;

		if (strcmp(name, "unshare") == 0 ||
		    strcmp(name, "clone") == 0 || strcmp(name, "clone3") == 0)
			continue;
		ck_assert_uint_lt(j, nested.n);
		ck_assert_str_eq(nested.rules[j].name, name);
		ck_assert_uint_eq(nested.rules[j].line, build.rules[i].line);
		j++;
	}
	ck_assert_uint_eq(j, nested.n);
	ck_assert_ptr_null(find_rule(&nested, "unshare", 0));
	ck_assert_ptr_null(find_rule(&nested, "clone", 0));
	ck_assert_ptr_null(find_rule(&nested, "clone3", 0));
	ck_assert_int_eq(seccomp_profile_parse(&strict, "strict", &err), 0);
	ck_assert_int_eq(seccomp_profile_parse_flags(
				 &strict_flag, "strict",
				 SECCOMP_PROFILE_NESTED_USERNS, &err),
			 0);
	ck_assert_uint_eq(strict_flag.n, strict.n);
	ck_assert_ptr_nonnull(find_rule(&strict_flag, "clone3", 0));
	ck_assert_int_eq(seccomp_profile_parse_flags(
				 &strict_flag, "none",
				 SECCOMP_PROFILE_NESTED_USERNS, &err),
			 0);
	ck_assert_uint_eq(strict_flag.n, strict.n);
}
END_TEST

/* install is build without the rules on modes: every rule of install
 * is build's, and build's others all look at a mode */
START_TEST(test_profile_install)
{
	_cleanup_policy_ struct seccomp_policy build = { 0 }, install = { 0 };
	struct sh_err err = { 0 };
	size_t setid = 0;
	static const char *const moded[] = { "chmod",	 "fchmod", "fchmodat",
					     "fchmodat2", "creat",  "open",
					     "openat",	 "mknod",  "mknodat" };

	ck_assert_int_eq(seccomp_profile_parse(&build, "build", &err), 0);
	ck_assert_int_eq(seccomp_profile_parse(&install, "install", &err), 0);
	for (size_t i = 0; i < install.n; i++)
		for (size_t k = 0; k < sizeof(moded) / sizeof(moded[0]); k++)
			ck_assert_str_ne(install.rules[i].name, moded[k]);
	for (size_t i = 0; i < build.n; i++)
		for (size_t k = 0; k < sizeof(moded) / sizeof(moded[0]); k++)
			setid += strcmp(build.rules[i].name, moded[k]) == 0;
	ck_assert_uint_gt(setid, 0);
	ck_assert_uint_eq(install.n + setid, build.n);
}
END_TEST

START_TEST(test_profile_none_and_unknown)
{
	_cleanup_policy_ struct seccomp_policy policy = { 0 };
	struct sh_err err = { 0 };

	ck_assert_int_eq(seccomp_profile_parse(&policy, "none", &err), 0);
	ck_assert_uint_eq(policy.n, 0);
	assert_error(seccomp_profile_parse(&policy, "bogus", &err), &err,
		     EINVAL, "spec",
		     "--seccomp-profile `bogus`: expected build, install, "
		     "strict or none");
	assert_error(seccomp_profile_parse(&policy, "", &err), &err, EINVAL,
		     "spec",
		     "--seccomp-profile ``: expected build, install, strict or "
		     "none");
	assert_error(seccomp_profile_parse(&policy, "Build", &err), &err,
		     EINVAL, "spec",
		     "--seccomp-profile `Build`: expected build, install, "
		     "strict or none");
	ck_assert_uint_eq(policy.n, 0);
}
END_TEST

/* ---- the compiler ---- */

/* A policy file in a fresh directory; the directory goes with it. */
struct policy_file {
	char dir[64];
	char path[96];
};

static void policy_file_write(struct policy_file *pf, const char *text,
			      size_t len)
{
	int fd;

	snprintf(pf->dir, sizeof(pf->dir), "/tmp/check-seccomp.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(pf->dir));
	snprintf(pf->path, sizeof(pf->path), "%s/policy", pf->dir);
	fd = open(pf->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
	ck_assert_int_eq(close(fd), 0);
}

static void policy_file_remove(struct policy_file *pf)
{
	unlink(pf->path);
	rmdir(pf->dir);
}

/* seccomp_prepare with a profile, a policy text (NULL: no file) and a
 * --seccomp-bpf fd (-1: none). */
static int prepare(const char *profile, const char *text, int bpf_fd,
		   struct seccomp_plan *plan, struct sh_err *err,
		   char *path_out, size_t path_size)
{
	_cleanup_spec_ struct spec spec;
	struct policy_file pf;
	int r;

	spec_init(&spec);
	if (profile) {
		spec.seccomp_profile =
			choice_index(seccomp_profile_choices, profile);
		ck_assert_int_ne(spec.seccomp_profile, SECCOMP_PROFILE_UNSET);
	}
	if (text) {
		policy_file_write(&pf, text, strlen(text));
		spec.seccomp_policy = strdup(pf.path);
		ck_assert_ptr_nonnull(spec.seccomp_policy);
		if (path_out)
			snprintf(path_out, path_size, "%s", pf.path);
	}
	spec.seccomp_bpf_fd = bpf_fd;
	r = seccomp_prepare(&spec, plan, err);
	if (text)
		policy_file_remove(&pf);
	return r;
}

/* Whether libseccomp compiles a rule for name itself. */
static bool libseccomp_knows(const char *name)
{
	return seccomp_syscall_resolve_name(name) != __NR_SCMP_ERROR;
}

START_TEST(test_prepare_profiles)
{
	_cleanup_plan_ struct seccomp_plan build = { 0 }, strict = { 0 },
					   dflt = { 0 }, none = { 0 };
	struct sh_err err = { 0 };
	/* the calls libseccomp does not know are joined in: one program */
	size_t expected = 1;
	int r;

	r = prepare("build", NULL, -1, &build, &err, NULL, 0);
	ck_assert_msg(r == 0, "%d %s", r, err.message);
	ck_assert_uint_eq(build.n, expected);
	ck_assert_uint_gt(build.programs[0].len, 50);
	ck_assert_ptr_nonnull(build.programs[0].insns);
	/* no profile named: build */
	r = prepare(NULL, NULL, -1, &dflt, &err, NULL, 0);
	ck_assert_msg(r == 0, "%d %s", r, err.message);
	ck_assert_uint_eq(dflt.n, build.n);
	for (size_t i = 0; i < build.n; i++) {
		ck_assert_uint_eq(dflt.programs[i].len, build.programs[i].len);
		ck_assert_int_eq(memcmp(dflt.programs[i].insns,
					build.programs[i].insns,
					build.programs[i].len *
						sizeof(struct sock_filter)),
				 0);
	}
	r = prepare("strict", NULL, -1, &strict, &err, NULL, 0);
	ck_assert_msg(r == 0, "%d %s", r, err.message);
	ck_assert_uint_eq(strict.n, expected);
	ck_assert_uint_gt(strict.programs[0].len, build.programs[0].len);
	/* none: no program at all */
	r = prepare("none", NULL, -1, &none, &err, NULL, 0);
	ck_assert_msg(r == 0, "%d %s", r, err.message);
	ck_assert_uint_eq(none.n, 0);
	ck_assert_ptr_null(none.programs[0].insns);
}
END_TEST

/* The own program for calls libseccomp does not know, instruction by
 * instruction; joined, its "allow" jumps to libseccomp's program, which
 * follows. */
static void assert_own_program(const struct bpf_program *p, uint32_t ret,
			       bool joined)
{
	static const struct sock_filter head[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_I386, 0, 5),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NR_SETXATTRAT, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NR_SETXATTRAT | X32_SYSCALL_BIT, 0,
			 1),
		BPF_STMT(BPF_RET | BPF_K, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};

	const struct sock_filter go_on = BPF_JUMP(BPF_JMP | BPF_JA, 0, 0, 0);

	if (joined)
		ck_assert_uint_gt(p->len, 9);
	else
		ck_assert_uint_eq(p->len, 9);
	for (size_t i = 0; i < 9; i++) {
		const struct sock_filter *want =
			joined && i == 8 ? &go_on : &head[i];
		uint32_t k = (i == 5 || i == 7) ? ret : want->k;

		ck_assert_msg(p->insns[i].code == want->code &&
				      p->insns[i].jt == want->jt &&
				      p->insns[i].jf == want->jf &&
				      p->insns[i].k == k,
			      "instruction %zu: %#x %u %u %#x", i,
			      p->insns[i].code, p->insns[i].jt,
			      p->insns[i].jf, p->insns[i].k);
	}
}

struct own_case {
	const char *text;
	uint32_t ret; /* acting directly; the monitor's plan notifies */
};

static const struct own_case own_cases[] = {
	{ "errno setxattrat\n", SECCOMP_RET_ERRNO | EPERM },
	{ "errno:ENOTSUP setxattrat\n", SECCOMP_RET_ERRNO | 95 },
	{ "errno:4095 setxattrat\n", SECCOMP_RET_ERRNO | 4095 },
	{ "enosys setxattrat\n", SECCOMP_RET_ERRNO | ENOSYS },
	{ "kill setxattrat\n", SECCOMP_RET_KILL_PROCESS },
	/* string conditions are the monitor's: the whole call here, once */
	{ "errno setxattrat arg3 == \"a*\"\n"
	  "errno:EIO setxattrat arg3 != \"b\"\n",
	  SECCOMP_RET_ERRNO | EPERM },
};

START_TEST(test_prepare_unknown_to_libseccomp)
{
	const struct own_case *c = &own_cases[_i];
	_cleanup_plan_ struct seccomp_plan alone = { 0 }, both = { 0 };
	_cleanup_free_ char *text = NULL;
	struct bpf_program lib, own;
	struct sh_err err = { 0 };
	int r;

	if (libseccomp_knows("setxattrat")) {
		fprintf(stderr, "# libseccomp knows setxattrat: no own "
				"program to test\n");
		return;
	}
	/* alone: the plan's only program, which notifies the monitor */
	r = prepare("none", c->text, -1, &alone, &err, NULL, 0);
	ck_assert_msg(r == 0, "%d %s", r, err.message);
	ck_assert_uint_eq(alone.n, 1);
	ck_assert(alone.notify);
	assert_own_program(&alone.programs[0], SECCOMP_RET_USER_NOTIF, false);
	/* acting directly (no listener): the rule's own action */
	ck_assert_int_eq(seccomp_compile(&alone.policy, false, &lib, &own,
					 &err),
			 0);
	ck_assert_uint_eq(lib.len, 0);
	assert_own_program(&own, c->ret, false);
	free(lib.insns);
	free(own.insns);
	/* with a rule libseccomp compiles: joined in front of it */
	ck_assert_int_ge(asprintf(&text, "errno chmod\n%s", c->text), 0);
	r = prepare("none", text, -1, &both, &err, NULL, 0);
	ck_assert_msg(r == 0, "%d %s", r, err.message);
	ck_assert_uint_eq(both.n, 1);
	assert_own_program(&both.programs[0], SECCOMP_RET_USER_NOTIF, true);
}
END_TEST

struct prepare_bad_case {
	const char *text;
	int errnum;
	const char *message; /* after "PATH:" */
};

static const struct prepare_bad_case prepare_bad_cases[] = {
	/* an unknown syscall is named, with its line */
	{ "errno chmod\n\nerrno no_such_call\n", EINVAL,
	  "3: unknown syscall `no_such_call`" },
	{ "kill CHMOD\n", EINVAL, "1: unknown syscall `CHMOD`" },
	/* a CR is part of the name */
	{ "# dos\r\nkill uname\r\n", EINVAL, "2: unknown syscall `uname\r`" },
	/* syntax errors of a file are bad input too: stage spec */
	{ "errno chmod\nerrno chmod arg7 == 1\n", EINVAL,
	  "2: expected a condition argN (N from 0 to 5)" },
	{ "\n\n\nbogus\n", EINVAL,
	  "4: unknown action (errno, errno:NAME, enosys or kill)" },
	/* our own program takes whole calls only */
	{ "errno chmod\nerrno setxattrat arg0 == 1\n", EOPNOTSUPP,
	  "2: conditions on `setxattrat` need a libseccomp that knows it" },
};

START_TEST(test_prepare_bad)
{
	const struct prepare_bad_case *c = &prepare_bad_cases[_i];
	_cleanup_plan_ struct seccomp_plan plan = { 0 };
	_cleanup_free_ char *message = NULL;
	struct sh_err err = { 0 };
	char path[128] = "";
	int r;

	if (c->errnum == EOPNOTSUPP && libseccomp_knows("setxattrat"))
		return;
	r = prepare(_i % 2 ? "build" : "none", c->text, -1, &plan, &err, path,
		    sizeof(path));
	ck_assert_int_ge(asprintf(&message, "%s:%s", path, c->message), 0);
	assert_error(r, &err, c->errnum, "spec", message);
}
END_TEST

START_TEST(test_prepare_missing_file)
{
	_cleanup_plan_ struct seccomp_plan plan = { 0 };
	_cleanup_spec_ struct spec spec;
	struct sh_err err = { 0 };

	spec_init(&spec);
	spec.seccomp_policy = strdup("/nonexistent/check-seccomp.policy");
	ck_assert_ptr_nonnull(spec.seccomp_policy);
	assert_error(seccomp_prepare(&spec, &plan, &err), &err, ENOENT, "spec",
		     "--seccomp-policy `/nonexistent/check-seccomp.policy`: "
		     "No such file or directory");
}
END_TEST

/* ---- --seccomp-bpf ---- */

/* A pipe's read end with len bytes of buf in it and the write end
 * closed (len fits in the pipe). */
static int bpf_pipe(const void *buf, size_t len)
{
	int p[2];

	ck_assert_int_eq(pipe(p), 0);
	if (len)
		ck_assert_int_eq(write(p[1], buf, len), (ssize_t)len);
	ck_assert_int_eq(close(p[1]), 0);
	return p[0];
}

/* Return EXDEV from getppid, allow everything else. */
static const struct sock_filter getppid_exdev[] = {
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_getppid, 0, 1),
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EXDEV),
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
};

START_TEST(test_bpf_fd_good)
{
	_cleanup_plan_ struct seccomp_plan plan = { 0 };
	struct sh_err err = { 0 };
	int fd = bpf_pipe(getppid_exdev, sizeof(getppid_exdev)), r;

	/* after the profile's programs, as the last one */
	r = prepare("build", NULL, fd, &plan, &err, NULL, 0);
	close(fd);
	ck_assert_msg(r == 0, "%d %s", r, err.message);
	ck_assert_uint_ge(plan.n, 2);
	ck_assert_uint_eq(plan.programs[plan.n - 1].len, 4);
	ck_assert_int_eq(memcmp(plan.programs[plan.n - 1].insns, getppid_exdev,
				sizeof(getppid_exdev)),
			 0);
	seccomp_plan_clear(&plan);
	ck_assert_uint_eq(plan.n, 0);
	/* alone */
	fd = bpf_pipe(getppid_exdev, sizeof(getppid_exdev));
	r = prepare("none", NULL, fd, &plan, &err, NULL, 0);
	close(fd);
	ck_assert_msg(r == 0, "%d %s", r, err.message);
	ck_assert_uint_eq(plan.n, 1);
	ck_assert_uint_eq(plan.programs[0].len, 4);
}
END_TEST

/* The most instructions the kernel takes (BPF_MAXINSNS), and one more. */
START_TEST(test_bpf_fd_limit)
{
	size_t n = 4096 + (size_t)_i;
	_cleanup_free_ struct sock_filter *prog = calloc(n, sizeof(*prog));
	_cleanup_plan_ struct seccomp_plan plan = { 0 };
	struct sh_err err = { 0 };
	char message[128];
	int fd, r;

	ck_assert_ptr_nonnull(prog);
	for (size_t i = 0; i < n; i++)
		prog[i] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
						       SECCOMP_RET_ALLOW);
	fd = bpf_pipe(prog, n * sizeof(*prog));
	r = prepare("none", NULL, fd, &plan, &err, NULL, 0);
	if (_i) {
		snprintf(message, sizeof(message),
			 "--seccomp-bpf %d: read: Argument list too long", fd);
		close(fd);
		assert_error(r, &err, E2BIG, "spec", message);
		return;
	}
	close(fd);
	ck_assert_msg(r == 0, "%d %s", r, err.message);
	ck_assert_uint_eq(plan.n, 1);
	ck_assert_uint_eq(plan.programs[0].len, 4096);
}
END_TEST

START_TEST(test_bpf_fd_bad)
{
	static const size_t lens[] = { 0, 1, 7, 12, 31 };
	_cleanup_plan_ struct seccomp_plan plan = { 0 };
	struct sh_err err = { 0 };
	char message[128];
	int fd = bpf_pipe(getppid_exdev, lens[_i]), r;

	r = prepare("none", NULL, fd, &plan, &err, NULL, 0);
	snprintf(message, sizeof(message),
		 "--seccomp-bpf %d: %zu bytes is not a BPF program (8 bytes an "
		 "instruction)",
		 fd, lens[_i]);
	close(fd);
	assert_error(r, &err, EINVAL, "spec", message);
}
END_TEST

START_TEST(test_bpf_fd_closed)
{
	_cleanup_plan_ struct seccomp_plan plan = { 0 };
	struct sh_err err = { 0 };

	assert_error(prepare("none", NULL, 987654, &plan, &err, NULL, 0), &err,
		     EBADF, "spec",
		     "--seccomp-bpf 987654: read: Bad file descriptor");
}
END_TEST

/* ---- the profiles compiled at build time ---- */

/* What gen-filters wrote is what compiling the profile gives now: the
 * built-in programs cannot drift from the profiles' text. */
static const struct {
	const char *name;
	unsigned flags;
} precompiled_cases[] = {
	{ "build", 0 },
	{ "build", SECCOMP_PROFILE_NESTED_USERNS },
	{ "install", 0 },
	{ "install", SECCOMP_PROFILE_NESTED_USERNS },
	{ "strict", 0 },
};

START_TEST(test_precompiled_profiles)
{
	const char *name = precompiled_cases[_i].name;
	unsigned flags = precompiled_cases[_i].flags;
	const struct precompiled_profile *pre =
		precompiled_profile_flags(name, flags);
	struct seccomp_policy policy = { 0 };
	struct bpf_program lib, own;
	struct sh_err err = { 0 };

#ifdef SH_PROFILES_AT_SPAWN
	/* a cross build precompiles none (src/seccomp-profiles-none.c):
	 * the helper compiles each at spawn, below */
	ck_assert_ptr_null(pre);
#else
	ck_assert_ptr_nonnull(pre);
	ck_assert_str_eq(pre->name, name);
	ck_assert_uint_eq(pre->flags, flags);
	if (!flags)
		ck_assert_ptr_eq(precompiled_profile(name), pre);
#endif
	ck_assert_int_eq(seccomp_profile_parse_flags(&policy, name, flags,
						     &err),
			 0);
	ck_assert_int_eq(seccomp_compile(&policy, true, &lib, &own, &err), 0);
	ck_assert_int_gt(lib.len, 0);
	if (pre) {
		ck_assert_uint_eq(pre->lib_len, lib.len);
		ck_assert_uint_eq(pre->own_len, own.len);
		ck_assert_int_eq(memcmp(pre->lib, lib.insns,
					lib.len * sizeof(*lib.insns)),
				 0);
	}
	if (pre && own.len)
		ck_assert_int_eq(memcmp(pre->own, own.insns,
					own.len * sizeof(*own.insns)),
				 0);
	free(lib.insns);
	free(own.insns);
	seccomp_policy_clear(&policy);
}
END_TEST

START_TEST(test_precompiled_none)
{
	ck_assert_ptr_null(precompiled_profile("none"));
	ck_assert_ptr_null(precompiled_profile("bogus"));
	/* strict has no variant: the spec refuses the flag with it */
	ck_assert_ptr_null(precompiled_profile_flags(
		"strict", SECCOMP_PROFILE_NESTED_USERNS));
}
END_TEST

/* ---- the namespace rules on every ABI, by the program itself ---- */

/* What a classic BPF program answers for d: the instructions
 * libseccomp and our own compiler emit for these profiles (another one
 * fails the test; SECCOMP_RET_* in the result). */
static uint32_t bpf_run(const struct bpf_program *p,
			const struct seccomp_data *d)
{
	uint32_t a = 0;

	for (size_t pc = 0; pc < p->len; pc++) {
		const struct sock_filter *i = &p->insns[pc];

		switch (i->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			ck_assert_uint_le(i->k + 4, sizeof(*d));
			memcpy(&a, (const char *)d + i->k, 4);
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			a &= i->k;
			break;
		case BPF_JMP | BPF_JA:
			pc += i->k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += a == i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JGT | BPF_K:
			pc += a > i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			pc += a >= i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			pc += (a & i->k) ? i->jt : i->jf;
			break;
		case BPF_RET | BPF_K:
			return i->k;
		default:
			ck_abort_msg("instruction %zu: code %#x not modelled", pc,
				     i->code);
		}
	}
	ck_abort_msg("the program ends without a verdict");
	return 0;
}

#define NR_X32 0x40000000
#define NR_I386_CLONE 120
#define NR_I386_UNSHARE 310
#define NR_CLONE3 435 /* the same on every x86 ABI */
#define NOTIFY SECCOMP_RET_USER_NOTIF
#define ALLOW SECCOMP_RET_ALLOW

struct abi_case {
	const char *what;
	uint32_t arch;
	int nr;
	uint64_t arg0;
	uint32_t build, nested, strict; /* the verdict of each variant */
};

static const struct abi_case abi_cases[] = {
	/* x86-64 */
	{ "unshare(NEWUSER)", AUDIT_ARCH_X86_64, __NR_unshare, CLONE_NEWUSER,
	  NOTIFY, ALLOW, NOTIFY },
	{ "unshare(NEWNS|NEWUSER)", AUDIT_ARCH_X86_64, __NR_unshare,
	  CLONE_NEWNS | CLONE_NEWUSER, NOTIFY, ALLOW, NOTIFY },
	{ "unshare(NEWNS)", AUDIT_ARCH_X86_64, __NR_unshare, CLONE_NEWNS,
	  ALLOW, ALLOW, NOTIFY },
	{ "unshare(FILES)", AUDIT_ARCH_X86_64, __NR_unshare, CLONE_FILES,
	  ALLOW, ALLOW, NOTIFY },
	{ "clone(NEWUSER)", AUDIT_ARCH_X86_64, __NR_clone,
	  CLONE_NEWUSER | SIGCHLD, NOTIFY, ALLOW, NOTIFY },
	{ "clone(fork)", AUDIT_ARCH_X86_64, __NR_clone,
	  CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | SIGCHLD, ALLOW, ALLOW,
	  ALLOW },
	{ "clone(thread)", AUDIT_ARCH_X86_64, __NR_clone,
	  CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
		  CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID |
		  CLONE_CHILD_CLEARTID,
	  ALLOW, ALLOW, ALLOW },
	{ "clone(NEWNET)", AUDIT_ARCH_X86_64, __NR_clone,
	  CLONE_NEWNET | SIGCHLD, ALLOW, ALLOW, NOTIFY },
	{ "clone(NEWPID)", AUDIT_ARCH_X86_64, __NR_clone, CLONE_NEWPID,
	  ALLOW, ALLOW, NOTIFY },
	{ "clone3", AUDIT_ARCH_X86_64, NR_CLONE3, 0, NOTIFY, ALLOW, NOTIFY },
	/* x32: x86-64's arch, the x32 bit in the number */
	{ "x32 unshare(NEWUSER)", AUDIT_ARCH_X86_64, NR_X32 | __NR_unshare,
	  CLONE_NEWUSER, NOTIFY, ALLOW, NOTIFY },
	{ "x32 clone(NEWUSER)", AUDIT_ARCH_X86_64, NR_X32 | __NR_clone,
	  CLONE_NEWUSER | SIGCHLD, NOTIFY, ALLOW, NOTIFY },
	{ "x32 clone(fork)", AUDIT_ARCH_X86_64, NR_X32 | __NR_clone, SIGCHLD,
	  ALLOW, ALLOW, ALLOW },
	{ "x32 clone(NEWUTS)", AUDIT_ARCH_X86_64, NR_X32 | __NR_clone,
	  CLONE_NEWUTS, ALLOW, ALLOW, NOTIFY },
	{ "x32 clone3", AUDIT_ARCH_X86_64, NR_X32 | NR_CLONE3, 0, NOTIFY,
	  ALLOW, NOTIFY },
	/* i386 (int 0x80): flags are arg0 of clone too; the high halves of
	 * the registers are not the call's */
	{ "i386 unshare(NEWUSER)", AUDIT_ARCH_I386, NR_I386_UNSHARE,
	  CLONE_NEWUSER, NOTIFY, ALLOW, NOTIFY },
	{ "i386 clone(NEWUSER)", AUDIT_ARCH_I386, NR_I386_CLONE,
	  CLONE_NEWUSER | SIGCHLD, NOTIFY, ALLOW, NOTIFY },
	{ "i386 clone(NEWUSER), high half set", AUDIT_ARCH_I386,
	  NR_I386_CLONE, 0xffffffff00000000ull | CLONE_NEWUSER, NOTIFY, ALLOW,
	  NOTIFY },
	{ "i386 clone(fork)", AUDIT_ARCH_I386, NR_I386_CLONE, SIGCHLD, ALLOW,
	  ALLOW, ALLOW },
	{ "i386 clone(NEWIPC)", AUDIT_ARCH_I386, NR_I386_CLONE, CLONE_NEWIPC,
	  ALLOW, ALLOW, NOTIFY },
	{ "i386 clone3", AUDIT_ARCH_I386, NR_CLONE3, 0, NOTIFY, ALLOW,
	  NOTIFY },
};

/* The precompiled programs as installed (ours joined in front), on
 * every ABI: what each variant sends to the monitor. */
START_TEST(test_namespace_rules_per_abi)
{
	const struct abi_case *c = &abi_cases[_i];
	static const struct {
		const char *profile;
		bool nested;
	} variants[] = { { "build", false }, { "build", true },
			 { "strict", false } };
	struct seccomp_data d = { .nr = c->nr, .arch = c->arch,
				  .args = { c->arg0 } };

	if (seccomp_arch_native() != SCMP_ARCH_X86_64) {
		fprintf(stderr, "# not an x86-64 machine\n");
		return;
	}
	for (size_t v = 0; v < 3; v++) {
		_cleanup_plan_ struct seccomp_plan plan = { 0 };
		_cleanup_spec_ struct spec spec;
		struct sh_err err = { 0 };
		uint32_t want = v == 0 ? c->build : v == 1 ? c->nested
							   : c->strict;
		uint32_t got;

		spec_init(&spec);
		spec.seccomp_profile = choice_index(seccomp_profile_choices,
						    variants[v].profile);
		spec.allow_nested_userns = variants[v].nested;
		ck_assert_int_eq(seccomp_prepare(&spec, &plan, &err), 0);
		ck_assert_uint_eq(plan.n, 1);
		got = bpf_run(&plan.programs[0], &d) & SECCOMP_RET_ACTION_FULL;
		ck_assert_msg(got == want, "%s%s, %s: %#x, expected %#x",
			      variants[v].profile,
			      variants[v].nested ? " (nested userns)" : "",
			      c->what, got, want);
	}
}
END_TEST

/* ---- the filters at work ---- */

static struct seccomp_report last_report;

/* run_filtered's child takes a listener first, as a sandbox nested in
 * another would find one taken: our rules then act directly. */
static bool listener_taken;

static void take_listener(void)
{
	struct sock_filter allow[] = {
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = 1, .filter = allow };

	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
		    SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog) < 0)
		_exit(103);
}

static void send_listener(int sock, int listener)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control = { 0 };
	char byte = listener >= 0;
	struct iovec iov = { &byte, 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (listener >= 0) {
		struct cmsghdr *cm;

		mh.msg_control = control.buf;
		mh.msg_controllen = sizeof(control.buf);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &listener, sizeof(int));
	}
	if (sendmsg(sock, &mh, 0) != 1)
		_exit(102);
}

static int receive_listener(int sock)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	char byte;
	struct iovec iov = { &byte, 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = control.buf,
			     .msg_controllen = sizeof(control.buf) };
	struct cmsghdr *cm;
	int fd = -1;

	if (recvmsg(sock, &mh, MSG_CMSG_CLOEXEC) != 1 || !byte)
		return -1;
	cm = CMSG_FIRSTHDR(&mh);
	if (cm && cm->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

/* Run check in a forked child under plan (with no_new_privs), answering
 * the calls the filter sends us as the monitor does; the child's exit
 * status or signal. What was answered is in last_report. */
static int run_filtered(struct seccomp_plan *plan,
			int (*check)(const char *), const char *arg)
{
	struct memreader reader = MEMREAD_INIT;
	int sv[2], status, listener;
	pid_t pid;

	memset(&last_report, 0, sizeof(last_report));
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0,
				    sv),
			 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct sh_err err = { 0 };

		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			_exit(100);
		if (listener_taken)
			take_listener();
		if (seccomp_install(plan, &listener, &err) < 0) {
			fprintf(stderr, "# %s\n", err.message);
			_exit(101);
		}
		send_listener(sv[1], listener);
		_exit(check(arg));
	}
	close(sv[1]);
	listener = receive_listener(sv[0]);
	close(sv[0]);
	if (listener >= 0) {
		struct sh_err err = { 0 };

		ck_assert_msg(seccomp_plan_rules(plan, &err) == 0, "%s",
			      err.message);
	}
	for (;;) {
		struct pollfd pfd = { listener, POLLIN, 0 };
		pid_t got = waitpid(pid, &status, WNOHANG);

		if (got == pid)
			break;
		ck_assert_int_eq(got, 0);
		if (listener >= 0 && poll(&pfd, 1, 10) > 0 &&
		    (pfd.revents & POLLIN))
			seccomp_answer(plan, listener, &reader,
				       &last_report);
		else if (listener < 0)
			poll(NULL, 0, 1);
	}
	memread_stop(&reader);
	if (listener >= 0)
		close(listener);
	return status;
}

/* What setxattr and setxattrat of a user.* name give without a filter
 * (0 or an errno: the file system's answer, which the build profile
 * leaves to it), learned before the filter. */
static int user_xattr_outside[2];

static int xattr_result(const char *file, const char *name, bool at)
{
	long r = at ? syscall(NR_SETXATTRAT, AT_FDCWD, file, 0, name, NULL, 0)
		    : syscall(SYS_setxattr, file, name, "v", 1, 0);

	return r == 0 ? 0 : errno;
}

/* The xattr checks of build_checks: 0, or the number of the first that
 * failed. */
static int xattr_checks(const char *file)
{
	static const char *const refused[] = { "security.capability",
					       "trusted.check",
					       "system.check" };
	long page = sysconf(_SC_PAGESIZE);
	char *map;

	/* security.*, trusted.*, system.*: ENOTSUP before the file system
	 * is asked, and from the call libseccomp does not know, by our own
	 * program, too */
	for (size_t i = 0; i < 3; i++) {
		if (xattr_result(file, refused[i], false) != ENOTSUP)
			return 8;
		if (xattr_result(file, refused[i], true) != ENOTSUP)
			return 9;
	}
	/* user.*: the file system's business */
	if (xattr_result(file, "user.check", false) != user_xattr_outside[0])
		return 11;
	if (xattr_result(file, "user.check", true) != user_xattr_outside[1])
		return 12;
	/* a name the monitor cannot read is refused */
	if (xattr_result(file, (const char *)8, false) != ENOTSUP)
		return 13;
	/* names that end where the mapped memory ends still read */
	map = mmap(NULL, 2 * (size_t)page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED || mprotect(map + page, (size_t)page, 0) < 0)
		return 14;
	memcpy(map + page - sizeof("user.check"), "user.check",
	       sizeof("user.check"));
	if (xattr_result(file, map + page - sizeof("user.check"), false) !=
	    user_xattr_outside[0])
		return 15;
	memcpy(map + page - sizeof("trusted.x"), "trusted.x",
	       sizeof("trusted.x"));
	if (xattr_result(file, map + page - sizeof("trusted.x"), false) !=
	    ENOTSUP)
		return 16;
	return 0;
}

/* 0, or the number of the first check that failed. */
static int build_checks(const char *file)
{
	struct open_how how = { .flags = O_RDONLY };
	pid_t pid = getpid();
	struct io_uring_params uring = { 0 };

	if (pid <= 0 || pid != (pid_t)syscall(SYS_getpid))
		return 1;
	/* setuid and setgid bits: EPERM, whichever call */
	if (chmod(file, 04755) != -1 || errno != EPERM)
		return 2;
	if (chmod(file, 02755) != -1 || errno != EPERM)
		return 3;
	if (fchmodat(AT_FDCWD, file, 06700, 0) != -1 || errno != EPERM)
		return 4;
	/* other modes are fine */
	if (chmod(file, 0755) != 0 || chmod(file, 01777) != 0)
		return 5;
	/* creating a setuid file */
	if (open(file, O_WRONLY | O_CREAT, 04755) != -1 || errno != EPERM)
		return 6;
	/* openat2: ENOSYS */
	if (syscall(SYS_openat2, AT_FDCWD, file, &how, sizeof(how)) != -1 ||
	    errno != ENOSYS)
		return 7;
	/* io_uring: ENOSYS, as on a kernel without it */
	if (syscall(SYS_io_uring_setup, 1, &uring) != -1 || errno != ENOSYS)
		return 10;
	return xattr_checks(file);
}

/* A fresh empty file in a fresh directory, for checks on a file. */
struct temp_file {
	char dir[32];
	char path[64];
};

static void temp_file_make(struct temp_file *t)
{
	int fd;

	snprintf(t->dir, sizeof(t->dir), "/tmp/check-seccomp.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(t->dir));
	snprintf(t->path, sizeof(t->path), "%s/f", t->dir);
	fd = open(t->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	ck_assert_int_ge(fd, 0);
	close(fd);
}

static void temp_file_remove(struct temp_file *t)
{
	unlink(t->path);
	rmdir(t->dir);
}

static unsigned blocked_count(const char *name, int errnum)
{
	for (size_t i = 0; i < last_report.n_blocked; i++)
		if (strcmp(last_report.blocked[i].name, name) == 0 &&
		    last_report.blocked[i].errnum == errnum)
			return last_report.blocked[i].count;
	return 0;
}

START_TEST(test_install_build)
{
	_cleanup_plan_ struct seccomp_plan plan = { 0 };
	struct sh_err err = { 0 };
	struct temp_file t;
	struct stat st;
	int status, r;

	temp_file_make(&t);
	user_xattr_outside[0] = xattr_result(t.path, "user.check", false);
	user_xattr_outside[1] = xattr_result(t.path, "user.check", true);
	r = prepare("build", NULL, -1, &plan, &err, NULL, 0);
	ck_assert_msg(r == 0, "%d %s", r, err.message);
	status = run_filtered(&plan, build_checks, t.path);
	ck_assert_int_eq(stat(t.path, &st), 0);
	temp_file_remove(&t);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "the filtered child: status %#x (check %d failed)",
		      status, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	/* the calls of our notifying program came to us, by name */
	ck_assert_msg(plan.notify, "the build profile notifies the monitor");
	ck_assert_int_ge(last_report.n_blocked, 4);
	ck_assert_str_eq(last_report.blocked[0].name, "chmod");
	ck_assert_int_eq(last_report.blocked[0].errnum, EPERM);
	ck_assert_uint_eq(last_report.blocked[0].count, 2);
	ck_assert_str_eq(last_report.blocked[1].name, "fchmodat");
	ck_assert_str_eq(last_report.killed_by, "");
	/* the names refused, not the user.* ones that went on */
	ck_assert_uint_eq(blocked_count("setxattr", ENOTSUP), 5);
	ck_assert_uint_eq(blocked_count("setxattrat", ENOTSUP), 3);
	/* the setuid bit never came */
	ck_assert_uint_eq(st.st_mode & 07777, 01777);
}
END_TEST

static void *thread_nothing(void *unused)
{
	return unused;
}

/* The build profile's user-namespace rules at work: 0, or the number of
 * the first check that failed. */
static int userns_checks(const char *unused)
{
	struct {
		uint64_t flags, pidfd, child_tid, parent_tid, exit_signal,
			stack, stack_size, tls;
	} args = { .flags = CLONE_NEWUSER, .exit_signal = SIGCHLD };
	pthread_t thread;
	int status;
	pid_t pid;

	(void)unused;
	if (unshare(CLONE_NEWUSER) != -1 || errno != EPERM)
		return 1;
	/* x86: flags first; with no stack the child goes on as a fork's */
	pid = (pid_t)syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, NULL, NULL,
			     NULL, 0UL);
	if (pid == 0)
		_exit(0);
	if (pid != -1 || errno != EPERM)
		return 2;
	pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
	if (pid == 0)
		_exit(0);
	if (pid != -1 || errno != ENOSYS)
		return 3;
	/* what processes and threads are made of still works: fork,
	 * unshare of no namespace, pthread_create (glibc falls back from
	 * clone3 to clone) */
	pid = fork();
	if (pid == 0)
		_exit(7);
	if (pid < 0 || waitpid(pid, &status, 0) != pid ||
	    !WIFEXITED(status) || WEXITSTATUS(status) != 7)
		return 4;
	if (unshare(CLONE_FILES) != 0)
		return 5;
	if (pthread_create(&thread, NULL, thread_nothing, NULL) != 0 ||
	    pthread_join(thread, NULL) != 0)
		return 6;
	return 0;
}

/* With --allow-nested-userns the same call works (where the kernel
 * lets this user make a user namespace at all). */
static int userns_allowed(const char *unused)
{
	(void)unused;
	return unshare(CLONE_NEWUSER) == 0 ? 0 : 1;
}

static bool can_make_userns(void)
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(unshare(CLONE_NEWUSER) == 0 ? 0 : 1);
	return pid > 0 && waitpid(pid, &status, 0) == pid &&
	       WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

START_TEST(test_install_userns)
{
	_cleanup_plan_ struct seccomp_plan plan = { 0 };
	_cleanup_spec_ struct spec spec;
	struct sh_err err = { 0 };
	int r, status;

	spec_init(&spec);
	spec.allow_nested_userns = _i == 1;
	r = seccomp_prepare(&spec, &plan, &err);
	ck_assert_msg(r == 0, "%d %s", r, err.message);
	if (_i == 0) {
		status = run_filtered(&plan, userns_checks, NULL);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			      "status %#x (check %d failed)", status,
			      WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		ck_assert_uint_eq(blocked_count("unshare", EPERM), 1);
		ck_assert_uint_eq(blocked_count("clone", EPERM), 1);
		ck_assert_uint_ge(blocked_count("clone3", ENOSYS), 1);
		return;
	}
	if (!can_make_userns()) {
		fprintf(stderr, "# this user cannot make a user namespace\n");
		return;
	}
	status = run_filtered(&plan, userns_allowed, NULL);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "status %#x", status);
	ck_assert_uint_eq(last_report.n_blocked, 0);
}
END_TEST

/* String conditions on a call libseccomp knows: mkdir's path. */
static int mkdir_checks(const char *dir)
{
	char path[128];

	/* == "TEXT*": EXDEV; == "TEXT": EIO (the first rule that holds) */
	snprintf(path, sizeof(path), "%s/x-one", dir);
	if (mkdir(path, 0700) != -1 || errno != EXDEV)
		return 1;
	snprintf(path, sizeof(path), "%s/exact", dir);
	if (mkdir(path, 0700) != -1 || errno != EIO)
		return 2;
	/* no rule holds: the call goes on and makes the directory */
	snprintf(path, sizeof(path), "%s/other", dir);
	if (mkdir(path, 0700) != 0)
		return 3;
	/* != with a number condition: mode 0750 anywhere but under dir */
	if (mkdir("/nonexistent/check-seccomp", 0750) != -1 ||
	    errno != EROFS)
		return 4;
	snprintf(path, sizeof(path), "%s/mode", dir);
	if (mkdir(path, 0750) != 0)
		return 5;
	return 0;
}

START_TEST(test_install_strings)
{
	_cleanup_plan_ struct seccomp_plan plan = { 0 };
	_cleanup_free_ char *text = NULL;
	struct sh_err err = { 0 };
	char dir[] = "/tmp/check-seccomp.XXXXXX", path[128];
	struct stat st;
	int r, status;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_ge(asprintf(&text,
				  "errno:EXDEV mkdir arg0 == \"%s/x-*\"\n"
				  "errno:EIO mkdir arg0 == \"%s/exact\"\n"
				  "errno:EROFS mkdir arg1 == 0750 "
				  "arg0 != \"%s/*\"\n",
				  dir, dir, dir),
			 0);
	r = prepare("none", text, -1, &plan, &err, NULL, 0);
	ck_assert_msg(r == 0, "%d %s", r, err.message);
	status = run_filtered(&plan, mkdir_checks, dir);
	snprintf(path, sizeof(path), "%s/other", dir);
	r = stat(path, &st);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/mode", dir);
	rmdir(path);
	rmdir(dir);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "status %#x (check %d failed)", status,
		      WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	ck_assert_int_eq(r, 0);
	ck_assert_uint_eq(blocked_count("mkdir", EXDEV), 1);
	ck_assert_uint_eq(blocked_count("mkdir", EIO), 1);
	ck_assert_uint_eq(blocked_count("mkdir", EROFS), 1);
	ck_assert_uint_eq(last_report.n_blocked, 3);
}
END_TEST

/* Without a listener (nested) nobody reads the names: every name is
 * refused, user.* too. */
static int xattr_direct_checks(const char *file)
{
	if (xattr_result(file, "user.check", false) != ENOTSUP)
		return 1;
	if (xattr_result(file, "user.check", true) != ENOTSUP)
		return 2;
	if (xattr_result(file, "security.capability", false) != ENOTSUP)
		return 3;
	return 0;
}

START_TEST(test_install_xattr_direct)
{
	_cleanup_plan_ struct seccomp_plan plan = { 0 };
	struct sh_err err = { 0 };
	struct temp_file t;
	int status;

	temp_file_make(&t);
	ck_assert_int_eq(prepare("build", NULL, -1, &plan, &err, NULL, 0), 0);
	listener_taken = true;
	status = run_filtered(&plan, xattr_direct_checks, t.path);
	listener_taken = false;
	temp_file_remove(&t);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "status %#x (check %d failed)", status,
		      WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	ck_assert_uint_eq(last_report.n_blocked, 0);
}
END_TEST

/* Without a filter the same checks fail: they test the filter. */
START_TEST(test_install_none)
{
	_cleanup_plan_ struct seccomp_plan plan = { 0 };
	struct sh_err err = { 0 };
	struct temp_file t;
	int status;

	temp_file_make(&t);
	ck_assert_int_eq(prepare("none", NULL, -1, &plan, &err, NULL, 0), 0);
	ck_assert_uint_eq(plan.n, 0);
	status = run_filtered(&plan, build_checks, t.path);
	temp_file_remove(&t);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 2,
		      "status %#x", status);
}
END_TEST

static int call_uname(const char *unused)
{
	struct utsname u;

	(void)unused;
	return uname(&u) == 0 ? 0 : 1;
}

/* uname after SIGSYS is ignored (_i 0), caught (1), or from a thread
 * other than the leader (2); 0 when the process lives on. */
static void on_sigsys(int sig)
{
	(void)sig;
}

static void *uname_thread(void *unused)
{
	(void)unused;
	call_uname(NULL);
	return NULL;
}

static int call_uname_defiant(const char *how)
{
	pthread_t thread;

	if (strcmp(how, "ignore") == 0)
		signal(SIGSYS, SIG_IGN);
	else if (strcmp(how, "catch") == 0)
		signal(SIGSYS, on_sigsys);
	if (strcmp(how, "thread") != 0)
		return call_uname(NULL) == 0 ? 0 : 1;
	if (pthread_create(&thread, NULL, uname_thread, NULL) != 0)
		return 2;
	pthread_join(thread, NULL);
	return 0;
}

/* A kill rule kills with SIGKILL, which the process can neither ignore
 * nor catch; the call never returns. */
START_TEST(test_install_kill)
{
	static const char *const how[] = { "default", "ignore", "catch",
					   "thread" };
	_cleanup_plan_ struct seccomp_plan plan = { 0 };
	struct sh_err err = { 0 };
	int r, status;

	/* uname works before */
	ck_assert_int_eq(call_uname(NULL), 0);
	r = prepare("none", "# no uname\nkill uname\n", -1, &plan, &err, NULL,
		    0);
	ck_assert_msg(r == 0, "%d %s", r, err.message);
	ck_assert_uint_eq(plan.n, 1);
	status = run_filtered(&plan, call_uname_defiant, how[_i]);
	ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
		      "%s: status %#x, expected death by SIGKILL", how[_i],
		      status);
	ck_assert_str_eq(last_report.killed_by, "uname");
	ck_assert_uint_eq(last_report.n_blocked, 0);
}
END_TEST

/* Without a listener the filter kills by itself: SIGSYS, which the
 * kernel delivers even when it is ignored; nothing is reported. */
START_TEST(test_install_kill_direct)
{
	_cleanup_plan_ struct seccomp_plan plan = { 0 };
	struct sh_err err = { 0 };
	int r, status;

	r = prepare("none", "kill uname\n", -1, &plan, &err, NULL, 0);
	ck_assert_msg(r == 0, "%d %s", r, err.message);
	listener_taken = true;
	status = run_filtered(&plan, call_uname_defiant, "ignore");
	listener_taken = false;
	ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS,
		      "status %#x, expected death by SIGSYS", status);
	ck_assert_str_eq(last_report.killed_by, "");
}
END_TEST

static int call_getppid(const char *unused)
{
	(void)unused;
	/* glibc's getppid() cannot fail: it would return -EXDEV */
	if (syscall(SYS_getppid) != -1 || errno != EXDEV)
		return 1;
	return getpid() > 0 ? 0 : 2;
}

START_TEST(test_install_bpf_fd)
{
	_cleanup_plan_ struct seccomp_plan plan = { 0 };
	struct sh_err err = { 0 };
	int fd = bpf_pipe(getppid_exdev, sizeof(getppid_exdev)), r, status;

	r = prepare("build", NULL, fd, &plan, &err, NULL, 0);
	close(fd);
	ck_assert_msg(r == 0, "%d %s", r, err.message);
	status = run_filtered(&plan, call_getppid, NULL);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "status %#x", status);
}
END_TEST

/* A program the kernel refuses (a load past struct seccomp_data): the
 * error names which one, in a child with no_new_privs. */
START_TEST(test_install_refused)
{
	static const char expected[] =
		"install seccomp filter 2 of 2 (needs no_new_privs or "
		"CAP_SYS_ADMIN): Invalid argument";
	struct sock_filter bad[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 4096),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct seccomp_plan plan = { 0 };
	int status;
	pid_t pid;

	plan.programs[0].insns = (struct sock_filter *)getppid_exdev;
	plan.programs[0].len = 4;
	plan.programs[1].insns = bad;
	plan.programs[1].len = 2;
	plan.n = 2;
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct sh_err err = { 0 };
		int r;

		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			_exit(1);
		int listener;

		r = seccomp_install(&plan, &listener, &err);
		if (r != -EINVAL || err.errnum != EINVAL ||
		    strcmp(err.stage, "seccomp") != 0 ||
		    strcmp(err.message, expected) != 0) {
			fprintf(stderr, "# %d %s: %s\n", r, err.stage,
				err.message);
			_exit(2);
		}
		/* the first one is in force */
		_exit(syscall(SYS_getppid) == -1 && errno == EXDEV ? 0 : 3);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "status %#x", status);
}
END_TEST

/* ---- the bounds of a policy file ---- */

/* A policy text of n rules: `errno:EACCES CALL` with the calls in turn
 * (per_call rules each), and conds string conditions on arg0 each (what
 * BPF leaves to the monitor, so that the text stays small as a
 * program). The caller frees it. */
static char *policy_text(size_t n, size_t per_call, unsigned conds)
{
	static const char *const calls[] = { "mkdir", "rmdir", "unlink",
					     "chdir", "chroot" };
	size_t cap = n * 128 + 1, len = 0;
	char *text = malloc(cap);

	ck_assert_ptr_nonnull(text);
	for (size_t i = 0; i < n; i++) {
		len += (size_t)snprintf(text + len, cap - len, "errno:EACCES %s",
					calls[i / per_call % 5]);
		for (unsigned c = 0; c < conds; c++)
			len += (size_t)snprintf(text + len, cap - len,
						" arg0 != \"/r%zu/%u\"", i, c);
		text[len++] = '\n';
	}
	text[len] = '\0';
	return text;
}

struct bound_case {
	size_t rules, per_call;
	unsigned conds;
	size_t extra_cond; /* rules with one condition more */
	const char *message; /* NULL: within the bounds */
};

static const struct bound_case bound_cases[] = {
	{ SECCOMP_MAX_RULES, 256, 2, 0, NULL },
	{ SECCOMP_MAX_RULES + 1, 256, 0, 0, "1025 rules, at most 1024" },
	{ 6000, 256, 0, 0, "6000 rules, at most 1024" },
	{ SECCOMP_MAX_RULES_PER_CALL, 256, 6, 0, NULL },
	{ SECCOMP_MAX_RULES_PER_CALL + 1, 257, 0, 0,
	  "257 rules for `mkdir`, at most 256" },
	{ SECCOMP_MAX_RULES, 256, 2, 1, "2049 conditions, at most 2048" },
};

START_TEST(test_policy_bounds)
{
	const struct bound_case *c = &bound_cases[_i];
	_cleanup_policy_ struct seccomp_policy policy = { 0 };
	_cleanup_free_ char *text = policy_text(c->rules, c->per_call, c->conds);
	_cleanup_free_ char *more = NULL;
	struct sh_err err = { 0 };
	int r;

	if (c->extra_cond) {
		/* the first rule takes one condition more */
		ck_assert_int_ge(asprintf(&more, "%.*s arg1 == 1%s",
					  (int)strcspn(text, "\n"), text,
					  text + strcspn(text, "\n")),
				 0);
	}
	r = seccomp_policy_parse_bounded(&policy, more ? more : text,
					 strlen(more ? more : text), WHERE,
					 &err);
	if (!c->message) {
		ck_assert_msg(r == 0, "%d %s", r, err.message);
		ck_assert_uint_eq(policy.n, c->rules);
		return;
	}
	assert_error(r, &err, E2BIG, "seccomp", c->message);
	/* rules past the bound are counted, not kept */
	ck_assert_uint_le(policy.n, SECCOMP_MAX_RULES);
}
END_TEST

/* A policy whose program is past the kernel's 4096 instructions: refused
 * with the option and the bound, quickly (200 rules of six conditions on
 * one call took libseccomp minutes when it had them in one program). */
START_TEST(test_prepare_program_bound)
{
	_cleanup_plan_ struct seccomp_plan plan = { 0 };
	_cleanup_free_ char *text = NULL;
	struct sh_err err = { 0 };
	char path[96], message[256];
	size_t len = 0, cap = 200 * 160;
	int r;

	text = malloc(cap);
	ck_assert_ptr_nonnull(text);
	for (unsigned i = 1; i <= 200; i++)
		len += (size_t)snprintf(text + len, cap - len,
					"errno ioctl arg0 == %u arg1 == %u "
					"arg2 == %u arg3 == %u arg4 == %u "
					"arg5 == %u\n",
					i, i + 1, i + 2, i + 3, i + 4, i + 5);
	r = prepare(NULL, text, -1, &plan, &err, path, sizeof(path));
	snprintf(message, sizeof(message),
		 "--seccomp-policy `%s`: the rules compile to more than 4096 "
		 "BPF instructions, at most 4096",
		 path);
	assert_error(r, &err, E2BIG, "spec", message);
}
END_TEST

#define RULES_AT_LIMIT 100 /* of six conditions: with the build profile,
			    * about as many as the kernel's 4096 take */

/* Rule i (from 1) of the long policy: ioctl with arguments i, i + 1, ...
 * i + 5, its own errno (i, as errno:NUMBER). */
static char *long_policy(void)
{
	size_t cap = RULES_AT_LIMIT * 160, len = 0;
	char *text = malloc(cap);

	ck_assert_ptr_nonnull(text);
	for (unsigned i = 1; i <= RULES_AT_LIMIT; i++)
		len += (size_t)snprintf(text + len, cap - len,
					"errno:%u ioctl arg0 == %u arg1 == %u "
					"arg2 == %u arg3 == %u arg4 == %u "
					"arg5 == %u\n",
					i, i, i + 1, i + 2, i + 3, i + 4, i + 5);
	/* a later rule for what rule 1 holds for: rule 1 acts */
	snprintf(text + len, cap - len, "errno:EXDEV ioctl arg0 == 1\n");
	return text;
}

struct long_case {
	const char *what;
	uint32_t arch;
	int nr;
	uint64_t arg0; /* the others follow it: arg0 + 1, ... */
	uint32_t direct; /* the verdict acting without the monitor */
};

#define NR_I386_IOCTL 54
#define RET_ERRNO(e) (SECCOMP_RET_ERRNO | (e))

static const struct long_case long_cases[] = {
	{ "the last rule", AUDIT_ARCH_X86_64, __NR_ioctl, RULES_AT_LIMIT,
	  RET_ERRNO(RULES_AT_LIMIT) },
	{ "the first rule, before a later one", AUDIT_ARCH_X86_64,
	  __NR_ioctl, 1, RET_ERRNO(1) },
	{ "a rule in the middle", AUDIT_ARCH_X86_64, __NR_ioctl, 57,
	  RET_ERRNO(57) },
	{ "no rule", AUDIT_ARCH_X86_64, __NR_ioctl, RULES_AT_LIMIT + 1, ALLOW },
	{ "x32: the last rule", AUDIT_ARCH_X86_64, NR_X32 | 514,
	  RULES_AT_LIMIT, RET_ERRNO(RULES_AT_LIMIT) },
	{ "i386: the last rule", AUDIT_ARCH_I386, NR_I386_IOCTL,
	  RULES_AT_LIMIT, RET_ERRNO(RULES_AT_LIMIT) },
	{ "another call", AUDIT_ARCH_X86_64, __NR_fcntl, RULES_AT_LIMIT,
	  ALLOW },
};

/* A policy as long as the kernel takes, compiled in chunks: every rule
 * acts on every ABI (the first that holds), through the monitor and
 * without it. */
START_TEST(test_prepare_program_at_limit)
{
	const struct long_case *c = &long_cases[_i];
	_cleanup_plan_ struct seccomp_plan plan = { 0 };
	_cleanup_policy_ struct seccomp_policy policy = { 0 };
	_cleanup_free_ char *text = long_policy();
	struct bpf_program direct = { 0 }, own = { 0 };
	struct seccomp_data d = { .nr = c->nr, .arch = c->arch };
	struct sh_err err = { 0 };
	int r;

	for (unsigned i = 0; i < 6; i++)
		d.args[i] = c->arg0 + i;

	if (seccomp_arch_native() != SCMP_ARCH_X86_64) {
		fprintf(stderr, "# not an x86-64 machine\n");
		return;
	}
	r = prepare(NULL, text, -1, &plan, &err, NULL, 0);
	ck_assert_msg(r == 0, "%d %s", r, err.message);
	ck_assert_uint_le(plan.programs[0].len, 4096);
	ck_assert_uint_gt(plan.programs[0].len, 3000);
	ck_assert_uint_eq(bpf_run(&plan.programs[0], &d),
			  c->direct == ALLOW ? ALLOW : NOTIFY);
	ck_assert_int_eq(seccomp_policy_parse(&policy, text, strlen(text),
					      WHERE, &err),
			 0);
	r = seccomp_compile(&policy, false, &direct, &own, &err);
	ck_assert_msg(r == 0, "%d %s", r, err.message);
	ck_assert_uint_eq(own.len, 0);
	ck_assert_msg(bpf_run(&direct, &d) == c->direct, "%s: %#x, expected %#x",
		      c->what, bpf_run(&direct, &d), c->direct);
	free(direct.insns);
}
END_TEST

/* 32 calls of x86-64, x32 and i386 (no multiplexed socket or ipc call) */
static const char *const spread_calls[] = {
	"read",	    "write",	  "open",     "close",	  "stat",
	"fstat",    "lstat",	  "poll",     "lseek",	  "mmap",
	"mprotect", "munmap",	  "brk",      "ioctl",	  "pread64",
	"pwrite64", "readv",	  "writev",   "access",	  "pipe",
	"select",   "sched_yield", "mremap",  "msync",	  "mincore",
	"madvise",  "dup",	  "dup2",     "pause",	  "nanosleep",
	"getitimer", "alarm",
};

#define SPREAD_RULES 500

/* Rule i: errno i % 4000 + 1 for spread_calls[i % 32] when arg0 is i. */
static char *spread_policy(void)
{
	size_t cap = SPREAD_RULES * 48, len = 0;
	char *text = malloc(cap);

	ck_assert_ptr_nonnull(text);
	for (unsigned i = 0; i < SPREAD_RULES; i++)
		len += (size_t)snprintf(text + len, cap - len,
					"errno:%u %s arg0 == %u\n", i % 4000 + 1,
					spread_calls[i % 32], i);
	return text;
}

static const unsigned spread_probes[] = { 0, 1, 31, 32, 250, 467, 498, 499 };

/* 500 rules of one condition over 32 calls, which one libseccomp program
 * makes 750 instructions of: compiled in chunks, each call's rules
 * together, they stay about as short (chunks of rules in the policy's
 * order repeated the calls' dispatch and came to more than 4096 with a
 * profile), and every rule acts on every ABI, the others' calls and
 * values pass. */
START_TEST(test_prepare_rules_spread_over_calls)
{
	unsigned rule = spread_probes[_i];
	const char *call = spread_calls[rule % 32];
	_cleanup_plan_ struct seccomp_plan plan = { 0 };
	_cleanup_policy_ struct seccomp_policy policy = { 0 };
	_cleanup_free_ char *text = spread_policy();
	struct bpf_program direct = { 0 }, own = { 0 };
	struct seccomp_data d = { .arch = AUDIT_ARCH_X86_64 };
	struct sh_err err = { 0 };
	int r;

	if (seccomp_arch_native() != SCMP_ARCH_X86_64) {
		fprintf(stderr, "# not an x86-64 machine\n");
		return;
	}
	r = prepare("build", text, -1, &plan, &err, NULL, 0);
	ck_assert_msg(r == 0, "%d %s", r, err.message);
	ck_assert_uint_lt(plan.programs[0].len, 2048);
	ck_assert_int_eq(seccomp_policy_parse(&policy, text, strlen(text),
					      WHERE, &err),
			 0);
	r = seccomp_compile(&policy, false, &direct, &own, &err);
	ck_assert_msg(r == 0, "%d %s", r, err.message);

	d.nr = seccomp_syscall_resolve_name(call);
	d.args[0] = rule;
	ck_assert_uint_eq(bpf_run(&plan.programs[0], &d), NOTIFY);
	ck_assert_uint_eq(bpf_run(&direct, &d), RET_ERRNO(rule % 4000 + 1));
	d.nr |= NR_X32;
	ck_assert_uint_eq(bpf_run(&direct, &d), RET_ERRNO(rule % 4000 + 1));
	d.arch = AUDIT_ARCH_I386;
	d.nr = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86, call);
	ck_assert_uint_eq(bpf_run(&direct, &d), RET_ERRNO(rule % 4000 + 1));
	/* the next call's rules are for other values */
	d.arch = AUDIT_ARCH_X86_64;
	d.nr = seccomp_syscall_resolve_name(spread_calls[(rule + 1) % 32]);
	ck_assert_uint_eq(bpf_run(&direct, &d), ALLOW);
	free(direct.insns);
}
END_TEST

/* Six rules of six > conditions on one call: libseccomp, given four of
 * them in one program, takes minutes (each repeats the later rules'
 * comparisons where it does not hold), so they go to it apart; they
 * compile within the case's timeout and act where they hold. */
START_TEST(test_prepare_rules_of_ranges)
{
	_cleanup_plan_ struct seccomp_plan plan = { 0 };
	_cleanup_policy_ struct seccomp_policy policy = { 0 };
	char text[6 * 96];
	size_t len = 0;
	struct bpf_program direct = { 0 }, own = { 0 };
	struct seccomp_data d = { .arch = AUDIT_ARCH_X86_64,
				  .nr = __NR_ioctl,
				  .args = { 0 } };
	struct sh_err err = { 0 };
	int r;

	for (unsigned i = 1; i <= 6; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len,
					"errno:EXDEV ioctl arg0 > %u arg1 > %u "
					"arg2 > %u arg3 > %u arg4 > %u "
					"arg5 > %u\n",
					i, i, i, i, i, i);
	r = prepare(NULL, text, -1, &plan, &err, NULL, 0);
	ck_assert_msg(r == 0, "%d %s", r, err.message);
	ck_assert_int_eq(seccomp_policy_parse(&policy, text, strlen(text),
					      WHERE, &err),
			 0);
	r = seccomp_compile(&policy, false, &direct, &own, &err);
	ck_assert_msg(r == 0, "%d %s", r, err.message);
	ck_assert_uint_eq(bpf_run(&plan.programs[0], &d), ALLOW);
	ck_assert_uint_eq(bpf_run(&direct, &d), ALLOW);
	for (unsigned i = 0; i < 6; i++)
		d.args[i] = 7; /* all hold */
	ck_assert_uint_eq(bpf_run(&plan.programs[0], &d), NOTIFY);
	ck_assert_uint_eq(bpf_run(&direct, &d), RET_ERRNO(EXDEV));
	free(direct.insns);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *make_seccomp_suite(void)
{
	Suite *s = suite_create("seccomp");
	TCase *tc;

	tc = tcase_create("policy");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_loop_test(tc, test_action, 0, N(action_cases));
	tcase_add_loop_test(tc, test_bad_action, 0, N(bad_actions));
	tcase_add_loop_test(tc, test_condition, 0, N(cond_cases));
	tcase_add_loop_test(tc, test_string_condition, 0, N(string_cases));
	tcase_add_test(tc, test_six_conditions);
	tcase_add_loop_test(tc, test_syntax_error, 0, N(syntax_cases));
	tcase_add_test(tc, test_name_limit);
	tcase_add_test(tc, test_comments_and_lines);
	tcase_add_loop_test(tc, test_no_rules, 0, 7);
	tcase_add_test(tc, test_length_bounds);
	tcase_add_test(tc, test_nul_byte);
	tcase_add_loop_test(tc, test_long_line, 0, 2);
	tcase_add_test(tc, test_crlf);
	suite_add_tcase(s, tc);

	tc = tcase_create("profiles");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_test(tc, test_profile_build);
	tcase_add_test(tc, test_profile_strict);
	tcase_add_test(tc, test_profile_nested_userns);
	tcase_add_test(tc, test_profile_install);
	tcase_add_test(tc, test_profile_none_and_unknown);
	suite_add_tcase(s, tc);

	tc = tcase_create("compile");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_test(tc, test_prepare_profiles);
	tcase_add_loop_test(tc, test_prepare_unknown_to_libseccomp, 0,
			    N(own_cases));
	tcase_add_loop_test(tc, test_prepare_bad, 0, N(prepare_bad_cases));
	tcase_add_test(tc, test_prepare_missing_file);
	tcase_add_test(tc, test_bpf_fd_good);
	tcase_add_loop_test(tc, test_bpf_fd_limit, 0, 2);
	tcase_add_loop_test(tc, test_bpf_fd_bad, 0, 5);
	tcase_add_loop_test(tc, test_policy_bounds, 0, N(bound_cases));
	tcase_add_test(tc, test_prepare_program_bound);
	tcase_add_loop_test(tc, test_prepare_program_at_limit, 0,
			    N(long_cases));
	tcase_add_loop_test(tc, test_prepare_rules_spread_over_calls, 0,
			    N(spread_probes));
	tcase_add_test(tc, test_prepare_rules_of_ranges);
	tcase_add_test(tc, test_bpf_fd_closed);
	suite_add_tcase(s, tc);

	tc = tcase_create("install");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_test(tc, test_install_build);
	tcase_add_loop_test(tc, test_precompiled_profiles, 0,
			    N(precompiled_cases));
	tcase_add_loop_test(tc, test_namespace_rules_per_abi, 0,
			    N(abi_cases));
	tcase_add_test(tc, test_precompiled_none);
	tcase_add_test(tc, test_install_none);
	tcase_add_test(tc, test_install_strings);
	tcase_add_loop_test(tc, test_install_userns, 0, 2);
	tcase_add_test(tc, test_install_xattr_direct);
	tcase_add_loop_test(tc, test_install_kill, 0, 4);
	tcase_add_test(tc, test_install_kill_direct);
	tcase_add_test(tc, test_install_bpf_fd);
	tcase_add_test(tc, test_install_refused);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(make_seccomp_suite());
}
