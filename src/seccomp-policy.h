/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The seccomp rule language: one rule a line, the same for the built-in
 * profiles and for --seccomp-policy files.
 *
 *     # a comment
 *     ACTION SYSCALL [CONDITION...]
 *
 * ACTION is `errno` (EPERM), `errno:NAME` or `errno:NUMBER`, `enosys`
 * (ENOSYS, "no such call": callers fall back), or `kill` (the process
 * that made the call dies before it runs: of SIGKILL from the monitor,
 * of SIGSYS where the filter acts alone). A CONDITION is `argN OP
 * VALUE` with OP one of == != < <= > >=, or `argN & MASK == VALUE`, or
 * `argN == "TEXT"` / `argN != "TEXT"` on the string argN points to (a
 * trailing `*` in TEXT matches any rest); all conditions of a rule must
 * hold. N is 0 to 5, values are C numbers (0x.., 0.. for octal). Calls no
 * rule names behave as the kernel makes them.
 *
 * Seccomp sees numbers only: a string condition is checked by the
 * monitor, which reads the string from the caller's memory; where the
 * rules act without it (no listener) they leave string conditions out,
 * so such a rule acts on every string. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "spec-types.h"

enum seccomp_op {
	SC_OP_EQ,
	SC_OP_NE,
	SC_OP_LT,
	SC_OP_LE,
	SC_OP_GT,
	SC_OP_GE,
	SC_OP_MASKED_EQ,
	SC_OP_STR_EQ, /* the string at argN, in the monitor only */
	SC_OP_STR_NE,
};

enum seccomp_action {
	SC_ACT_ERRNO,
	SC_ACT_KILL,
};

/* the longest TEXT of a string condition, with its NUL */
#define SECCOMP_MAX_TEXT 64

struct seccomp_cond {
	unsigned arg;
	enum seccomp_op op;
	uint64_t mask; /* SC_OP_MASKED_EQ */
	uint64_t value;
	char text[SECCOMP_MAX_TEXT]; /* SC_OP_STR_*, without quotes and `*` */
	bool prefix;                 /* TEXT ended in `*` */
};

static inline bool seccomp_cond_on_string(const struct seccomp_cond *c)
{
	return c->op == SC_OP_STR_EQ || c->op == SC_OP_STR_NE;
}

#define SECCOMP_MAX_CONDS 6

struct seccomp_rule {
	char name[64];
	enum seccomp_action action;
	int errnum; /* SC_ACT_ERRNO */
	unsigned n_conds;
	struct seccomp_cond conds[SECCOMP_MAX_CONDS];
	const char *source; /* the where of seccomp_policy_parse */
	unsigned line;
};

struct seccomp_policy {
	struct seccomp_rule *rules;
	size_t n, cap;
};

/* Parse text (len bytes, need not end in NUL) and append its rules.
 * where names the source in messages (the file, "profile build") and
 * must live as long as the rules.
 * Syscall names are checked by the caller (the known set depends on
 * libseccomp). */
int seccomp_policy_parse(struct seccomp_policy *policy, const char *text,
			 size_t len, const char *where, struct sh_err *err);
void seccomp_policy_clear(struct seccomp_policy *policy);

/* The bounds of a --seccomp-policy file, generous for real policies (the
 * built-in profiles have about 70 rules) and small enough that the
 * helper refuses anything beyond them at once, without compiling it.
 * Besides these, a rule has at most SECCOMP_MAX_CONDS conditions, and the
 * program the rules compile to (with the profile's) must fit the
 * kernel's 4096 instructions. */
#define SECCOMP_MAX_RULES 1024
#define SECCOMP_MAX_RULES_PER_CALL 256
#define SECCOMP_MAX_CONDS_TOTAL 2048

/* seccomp_policy_parse for a policy file, within the bounds above: -E2BIG
 * with a message naming the bound ("1500 rules, at most 1024") when the
 * text goes beyond one (rules past SECCOMP_MAX_RULES are counted, not
 * kept). */
int seccomp_policy_parse_bounded(struct seccomp_policy *policy,
				 const char *text, size_t len,
				 const char *where, struct sh_err *err);

/* What a built-in profile may leave out at the caller's request. */
enum seccomp_profile_flags {
	/* --allow-nested-userns: the build profile's rules against user
	 * namespaces (unshare and clone with CLONE_NEWUSER, clone3); the
	 * strict profile keeps them whatever flags say */
	SECCOMP_PROFILE_NESTED_USERNS = 1 << 0,
};

/* The built-in profiles' names, as errors list them. */
/* Append the rules of a built-in profile: "build", "install" (build
 * without the rules against setuid and setgid modes), "strict" (build
 * and more) or "none"; flags are seccomp_profile_flags. */
int seccomp_profile_parse_flags(struct seccomp_policy *policy,
				const char *name, unsigned flags,
				struct sh_err *err);
/* The same with no flags: the profile whole. */
int seccomp_profile_parse(struct seccomp_policy *policy, const char *name,
			  struct sh_err *err);
