/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "seccomp-policy.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"

/* Setting an xattr other than user.* or a POSIX ACL; the name is the
 * string at ARG (checked by the monitor) */
#define XATTR_RULE(call, arg)                                                  \
	"errno:ENOTSUP " call " " arg " != \"user.*\" " arg                    \
	" != \"system.posix_acl_access\" " arg                                 \
	" != \"system.posix_acl_default\"\n"

/* The build profile: what a build never needs and a sandbox must not
 * allow. Blocked calls fail with EPERM unless said otherwise. Its first
 * part, no setuid or setgid modes, is what the install profile leaves
 * out (an install sets them on the image it makes). */
static const char setid_rules[] =
	"# no setuid or setgid files: the mode of chmod and of creating calls\n"
	"errno chmod arg1 & 04000 == 04000\n"
	"errno chmod arg1 & 02000 == 02000\n"
	"errno fchmod arg1 & 04000 == 04000\n"
	"errno fchmod arg1 & 02000 == 02000\n"
	"errno fchmodat arg2 & 04000 == 04000\n"
	"errno fchmodat arg2 & 02000 == 02000\n"
	"errno fchmodat2 arg2 & 04000 == 04000\n"
	"errno fchmodat2 arg2 & 02000 == 02000\n"
	"errno creat arg1 & 04000 == 04000\n"
	"errno creat arg1 & 02000 == 02000\n"
	"# open and openat with O_CREAT (0100) or O_TMPFILE (020000000)\n"
	"errno open arg1 & 0100 == 0100 arg2 & 04000 == 04000\n"
	"errno open arg1 & 0100 == 0100 arg2 & 02000 == 02000\n"
	"errno open arg1 & 020000000 == 020000000 arg2 & 04000 == 04000\n"
	"errno open arg1 & 020000000 == 020000000 arg2 & 02000 == 02000\n"
	"errno openat arg2 & 0100 == 0100 arg3 & 04000 == 04000\n"
	"errno openat arg2 & 0100 == 0100 arg3 & 02000 == 02000\n"
	"errno openat arg2 & 020000000 == 020000000 arg3 & 04000 == 04000\n"
	"errno openat arg2 & 020000000 == 020000000 arg3 & 02000 == 02000\n"
	"errno mknod arg1 & 04000 == 04000\n"
	"errno mknod arg1 & 02000 == 02000\n"
	"errno mknodat arg2 & 04000 == 04000\n"
	"errno mknodat arg2 & 02000 == 02000\n";

/* The build profile's rules beside setid_rules; all of the install
 * profile's. */
static const char common_rules[] =
	"# openat2 hides its mode in a struct: callers fall back to openat\n"
	"enosys openat2\n"
	"# io_uring opens files (any mode), sets xattrs and more where\n"
	"# seccomp never sees it: ENOSYS, as on a kernel without io_uring, so\n"
	"# programs fall back to the plain calls the rules here check\n"
	"enosys io_uring_setup\n"
	"enosys io_uring_enter\n"
	"enosys io_uring_register\n"
	"# no file capabilities or other security xattrs: only user.* (PaX\n"
	"# flags, install-xattr) and the POSIX ACLs (no more than chmod\n"
	"# gives) go through; security.*, trusted.*, system.* and names no\n"
	"# file system knows do not. Tools take ENOTSUP as a file system\n"
	"# without xattrs. The monitor reads the name: without it (no\n"
	"# listener) every name is refused.\n"
	XATTR_RULE("setxattr", "arg1")
	XATTR_RULE("lsetxattr", "arg1")
	XATTR_RULE("fsetxattr", "arg1")
	XATTR_RULE("setxattrat", "arg3")
	"# no terminal input injection\n"
	"errno ioctl arg1 & 0xffffffff == 0x5412\n" /* TIOCSTI */
	"errno ioctl arg1 & 0xffffffff == 0x541c\n" /* TIOCLINUX */
	"# nothing a build needs from the kernel's own business\n"
	"errno init_module\n"
	"errno finit_module\n"
	"errno delete_module\n"
	"errno create_module\n"
	"errno kexec_load\n"
	"errno kexec_file_load\n"
	"errno reboot\n"
	"errno swapon\n"
	"errno swapoff\n"
	"errno add_key\n"
	"errno request_key\n"
	"errno keyctl\n"
	"errno bpf\n"
	"errno perf_event_open\n"
	"errno userfaultfd\n"
	"errno acct\n"
	"errno quotactl\n"
	"errno lookup_dcookie\n"
	"errno uselib\n"
	"errno iopl\n"
	"errno ioperm\n"
	"errno syslog\n"
	"errno open_by_handle_at\n"
	"errno vm86\n"
	"errno vm86old\n"
	"errno nfsservctl\n";

/* The build profile's rules against user namespaces of the command's
 * own, which --allow-nested-userns leaves out. In one, the command is
 * root over mounts of its own: an overlay copy-up writes a setgid
 * directory or file to the host's upper directory (a FUSE lower layer a
 * setuid file with security.capability) with no chmod or setxattr for
 * the rules above to see. clone3 hides its flags in a struct seccomp
 * cannot read: ENOSYS, on which glibc falls back to clone. */
static const char nested_userns_rules[] =
	"# no user namespaces of its own (CLONE_NEWUSER 0x10000000; flags\n"
	"# are arg0 of unshare, and of clone on x86-64, i386 and x32)\n"
	"errno unshare arg0 & 0x10000000 == 0x10000000\n"
	"errno clone arg0 & 0x10000000 == 0x10000000\n"
	"enosys clone3\n";

/* The strict profile: the build profile (with its user-namespace
 * rules, always), and no debugging of other processes, no mounts or
 * namespaces of its own: unshare and setns whole, clone with any
 * CLONE_NEW* flag but CLONE_NEWUSER, which the build rules refuse
 * (CLONE_NEWTIME is no clone flag: its bit is part of the signal). */
static const char strict_extra[] =
	"errno ptrace\n"
	"errno process_vm_readv\n"
	"errno process_vm_writev\n"
	"errno kcmp\n"
	"errno mount\n"
	"errno umount\n" /* i386's, beside umount2 */
	"errno umount2\n"
	"errno pivot_root\n"
	"errno chroot\n"
	"errno fsopen\n"
	"errno fsconfig\n"
	"errno fsmount\n"
	"errno fspick\n"
	"errno move_mount\n"
	"errno open_tree\n"
	"errno mount_setattr\n"
	"errno unshare\n"
	"errno setns\n"
	"# clone with a namespace flag: NEWNS, NEWCGROUP, NEWUTS, NEWIPC,\n"
	"# NEWPID, NEWNET (NEWUSER: the build profile's rules)\n"
	"errno clone arg0 & 0x00020000 == 0x00020000\n"
	"errno clone arg0 & 0x02000000 == 0x02000000\n"
	"errno clone arg0 & 0x04000000 == 0x04000000\n"
	"errno clone arg0 & 0x08000000 == 0x08000000\n"
	"errno clone arg0 & 0x20000000 == 0x20000000\n"
	"errno clone arg0 & 0x40000000 == 0x40000000\n";

void seccomp_policy_clear(struct seccomp_policy *policy)
{
	free(policy->rules);
	memset(policy, 0, sizeof(*policy));
}

static const char *next_word(const char **p, size_t *len)
{
	const char *start;

	while (**p == ' ' || **p == '\t')
		(*p)++;
	start = *p;
	while (**p && **p != ' ' && **p != '\t')
		(*p)++;
	*len = (size_t)(*p - start);
	return *len ? start : NULL;
}

static int parse_u64(const char *word, size_t len, uint64_t *out)
{
	char buf[32], *end;

	if (len == 0 || len >= sizeof(buf) || !isdigit((unsigned char)*word))
		return -EINVAL;
	memcpy(buf, word, len);
	buf[len] = '\0';
	errno = 0;
	*out = strtoull(buf, &end, 0);
	return errno || *end ? -EINVAL : 0;
}

static int errno_by_name(const char *name, size_t len)
{
	/* names glibc knows only under their twin's name */
	static const struct {
		const char *name;
		int value;
	} aliases[] = { { "ENOTSUP", ENOTSUP },
			{ "EWOULDBLOCK", EWOULDBLOCK },
			{ "EDEADLOCK", EDEADLOCK } };

	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strlen(aliases[i].name) == len &&
		    strncmp(aliases[i].name, name, len) == 0)
			return aliases[i].value;
	return err_number(name, len);
}

static int parse_action(const char *word, size_t len,
			struct seccomp_rule *rule)
{
	uint64_t number;

	rule->action = SC_ACT_ERRNO;
	rule->errnum = EPERM;
	if (len == 5 && strncmp(word, "errno", 5) == 0)
		return 0;
	if (len == 6 && strncmp(word, "enosys", 6) == 0) {
		rule->errnum = ENOSYS;
		return 0;
	}
	if (len == 4 && strncmp(word, "kill", 4) == 0) {
		rule->action = SC_ACT_KILL;
		return 0;
	}
	if (len <= 6 || strncmp(word, "errno:", 6) != 0)
		return -EINVAL;
	if (parse_u64(word + 6, len - 6, &number) == 0)
		rule->errnum = number > 0 && number < 4096 ? (int)number : -1;
	else
		rule->errnum = errno_by_name(word + 6, len - 6);
	return rule->errnum > 0 ? 0 : -EINVAL;
}

static const struct {
	const char *text;
	enum seccomp_op op;
} ops[] = {
	{ "==", SC_OP_EQ }, { "!=", SC_OP_NE }, { "<", SC_OP_LT },
	{ "<=", SC_OP_LE }, { ">", SC_OP_GT },  { ">=", SC_OP_GE },
};

/* `"TEXT"` of a string condition: no blanks or quotes inside (a `#`
 * starts a comment), a `*` only at the end, where it matches any rest. */
static const char *parse_text(const char *word, size_t len,
			      struct seccomp_cond *c)
{
	if (len < 2 || word[len - 1] != '"' || memchr(word + 1, '"', len - 2))
		return "expected \"TEXT\" (no blanks or quotes inside)";
	word++;
	len -= 2;
	c->prefix = len > 0 && word[len - 1] == '*';
	if (c->prefix)
		len--;
	if (memchr(word, '*', len))
		return "a `*` may only end a \"TEXT\"";
	if (len >= sizeof(c->text))
		return "the \"TEXT\" is too long (63 bytes at most)";
	memcpy(c->text, word, len);
	c->text[len] = '\0';
	return NULL;
}

/* "argN OP VALUE", "argN & MASK == VALUE" or "argN ==|!= "TEXT""; the
 * words follow *p. */
static const char *parse_cond(const char **p, const char *arg, size_t len,
			      struct seccomp_cond *c)
{
	const char *word;
	size_t wlen;

	if (len != 4 || strncmp(arg, "arg", 3) != 0 || arg[3] < '0' ||
	    arg[3] > '5')
		return "expected a condition argN (N from 0 to 5)";
	c->arg = (unsigned)(arg[3] - '0');
	if (!(word = next_word(p, &wlen)))
		return "a condition lacks its operator";
	if (wlen == 1 && *word == '&') {
		c->op = SC_OP_MASKED_EQ;
		word = next_word(p, &wlen);
		if (!word || parse_u64(word, wlen, &c->mask) < 0)
			return "expected a MASK after `&`";
		if (!(word = next_word(p, &wlen)) || wlen != 2 ||
		    strncmp(word, "==", 2) != 0)
			return "expected `==` after `& MASK`";
	} else {
		size_t i;

		for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
			if (strlen(ops[i].text) == wlen &&
			    strncmp(ops[i].text, word, wlen) == 0)
				break;
		if (i == sizeof(ops) / sizeof(ops[0]))
			return "unknown operator (== != < <= > >= or &)";
		c->op = ops[i].op;
	}
	word = next_word(p, &wlen);
	if (word && *word == '"') {
		if (c->op != SC_OP_EQ && c->op != SC_OP_NE)
			return "a \"TEXT\" compares with == or != only";
		c->op = c->op == SC_OP_EQ ? SC_OP_STR_EQ : SC_OP_STR_NE;
		return parse_text(word, wlen, c);
	}
	if (!word || parse_u64(word, wlen, &c->value) < 0)
		return "expected a number to compare with";
	return NULL;
}

static const char *parse_rule(const char *line, struct seccomp_rule *rule)
{
	const char *p = line, *word, *why;
	size_t len;

	memset(rule, 0, sizeof(*rule));
	word = next_word(&p, &len);
	if (parse_action(word, len, rule) < 0)
		return "unknown action (errno, errno:NAME, enosys or kill)";
	if (!(word = next_word(&p, &len)))
		return "no syscall";
	if (len >= sizeof(rule->name))
		return "the syscall name is too long";
	memcpy(rule->name, word, len);
	while ((word = next_word(&p, &len))) {
		if (rule->n_conds == SECCOMP_MAX_CONDS)
			return "more than 6 conditions";
		why = parse_cond(&p, word, len, &rule->conds[rule->n_conds++]);
		if (why)
			return why;
	}
	return NULL;
}

static int push_rule(struct seccomp_policy *policy,
		     const struct seccomp_rule *rule)
{
	if (policy->n == policy->cap) {
		size_t cap = policy->cap ? policy->cap * 2 : 64;
		struct seccomp_rule *grown =
			realloc(policy->rules, cap * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		policy->rules = grown;
		policy->cap = cap;
	}
	policy->rules[policy->n++] = *rule;
	return 0;
}

/* Rules past max are checked and counted in *extra, not kept. */
static int parse_lines(struct seccomp_policy *policy, const char *text,
		       size_t len, const char *where, size_t max,
		       size_t *extra, struct sh_err *err)
{
	size_t first = policy->n;
	unsigned line_no = 0;

	for (size_t pos = 0, end; pos < len; pos = end + 1) {
		char line[512];
		struct seccomp_rule rule;
		const char *why, *p = line;
		size_t wlen;

		for (end = pos; end < len && text[end] != '\n'; end++)
			;
		line_no++;
		if (end - pos >= sizeof(line))
			return err_set(err, STAGE_SECCOMP, EINVAL,
				       "%s:%u: the line is too long", where,
				       line_no);
		if (memchr(text + pos, '\0', end - pos))
			return err_set(err, STAGE_SECCOMP, EINVAL,
				       "%s:%u: a NUL byte", where, line_no);
		memcpy(line, text + pos, end - pos);
		line[end - pos] = '\0';
		line[strcspn(line, "#")] = '\0';
		if (!next_word(&p, &wlen))
			continue; /* blank or comment */
		why = parse_rule(line, &rule);
		if (why)
			return err_set(err, STAGE_SECCOMP, EINVAL, "%s:%u: %s",
				       where, line_no, why);
		rule.line = line_no;
		rule.source = where;
		if (policy->n - first == max)
			(*extra)++;
		else if (push_rule(policy, &rule) < 0)
			return err_set(err, STAGE_SECCOMP, ENOMEM,
				       "out of memory");
	}
	return 0;
}

int seccomp_policy_parse(struct seccomp_policy *policy, const char *text,
			 size_t len, const char *where, struct sh_err *err)
{
	size_t extra = 0;

	return parse_lines(policy, text, len, where, SIZE_MAX, &extra, err);
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The call with the most rules among rules[0..n): *name points into
 * rules, *most is its count. */
static int busiest_call(const struct seccomp_rule *rules, size_t n,
			const char **name, size_t *most)
{
	_cleanup_free_ const char **names = malloc((n + 1) * sizeof(*names));

	*most = 0;
	if (!names)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		names[i] = rules[i].name;
	qsort(names, n, sizeof(*names), compare_names);
	for (size_t i = 0, run; i < n; i += run) {
		for (run = 1; i + run < n && strcmp(names[i], names[i + run]) == 0;
		     run++)
			;
		if (run > *most) {
			*most = run;
			*name = names[i];
		}
	}
	return 0;
}

static size_t count_conds(const struct seccomp_rule *rules, size_t n)
{
	size_t conds = 0;

	for (size_t i = 0; i < n; i++)
		conds += rules[i].n_conds;
	return conds;
}

int seccomp_policy_parse_bounded(struct seccomp_policy *policy,
				 const char *text, size_t len,
				 const char *where, struct sh_err *err)
{
	size_t first = policy->n, extra = 0, n, conds, most;
	const char *name = NULL;
	int r = parse_lines(policy, text, len, where, SECCOMP_MAX_RULES,
			    &extra, err);

	if (r < 0)
		return r;
	if (extra)
		return err_set(err, STAGE_SECCOMP, E2BIG,
			       "%zu rules, at most %d",
			       SECCOMP_MAX_RULES + extra, SECCOMP_MAX_RULES);
	n = policy->n - first;
	conds = count_conds(policy->rules + first, n);
	if (conds > SECCOMP_MAX_CONDS_TOTAL)
		return err_set(err, STAGE_SECCOMP, E2BIG,
			       "%zu conditions, at most %d", conds,
			       SECCOMP_MAX_CONDS_TOTAL);
	if (busiest_call(policy->rules + first, n, &name, &most) < 0)
		return err_set(err, STAGE_SECCOMP, ENOMEM, "out of memory");
	if (most > SECCOMP_MAX_RULES_PER_CALL)
		return err_set(err, STAGE_SECCOMP, E2BIG,
			       "%zu rules for `%s`, at most %d", most, name,
			       SECCOMP_MAX_RULES_PER_CALL);
	return 0;
}

int seccomp_profile_parse_flags(struct seccomp_policy *policy,
				const char *name, unsigned flags,
				struct sh_err *err)
{
	bool strict, install;
	char words[128];
	int r = 0;

	if (strcmp(name, "none") == 0)
		return 0;
	if (!choice_index(seccomp_profile_choices, name)) {
		choices_text(seccomp_profile_choices, words, sizeof(words));
		return err_set(err, STAGE_SPEC, EINVAL,
			       "--seccomp-profile `%s`: expected %s", name,
			       words);
	}
	strict = strcmp(name, "strict") == 0;
	install = strcmp(name, "install") == 0;
	if (!install)
		r = seccomp_policy_parse(policy, setid_rules,
					 sizeof(setid_rules) - 1,
					 "profile build", err);
	if (r == 0)
		r = seccomp_policy_parse(policy, common_rules,
					 sizeof(common_rules) - 1,
					 install ? "profile install"
						 : "profile build",
					 err);
	if (r == 0 && (strict || !(flags & SECCOMP_PROFILE_NESTED_USERNS)))
		r = seccomp_policy_parse(policy, nested_userns_rules,
					 sizeof(nested_userns_rules) - 1,
					 "profile build", err);
	if (r == 0 && strict)
		r = seccomp_policy_parse(policy, strict_extra,
					 sizeof(strict_extra) - 1,
					 "profile strict", err);
	return r;
}

int seccomp_profile_parse(struct seccomp_policy *policy, const char *name,
			  struct sh_err *err)
{
	return seccomp_profile_parse_flags(policy, name, 0, err);
}
