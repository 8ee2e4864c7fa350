/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Compiling seccomp rules to BPF: with libseccomp for every ABI the
 * kernel runs here, and with a small program of our own for calls
 * libseccomp does not know yet. Used at run time for policy files and at
 * build time (gen-filters) for the built-in profiles. */
#include "config.h"

#include "seccomp-compile.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"


/* Calls newer than some libseccomp releases: one number on every
 * architecture since Linux 5.1's unified table. */
static const struct {
	const char *name;
	int nr;
} new_syscalls[] = {
	{ "cachestat", 451 },	      { "fchmodat2", 452 },
	{ "map_shadow_stack", 453 },  { "futex_wake", 454 },
	{ "futex_wait", 455 },	      { "futex_requeue", 456 },
	{ "statmount", 457 },	      { "listmount", 458 },
	{ "lsm_get_self_attr", 459 }, { "lsm_set_self_attr", 460 },
	{ "lsm_list_modules", 461 },  { "mseal", 462 },
	{ "setxattrat", 463 },	      { "getxattrat", 464 },
	{ "listxattrat", 465 },	      { "removexattrat", 466 },
};

static int new_syscall_nr(const char *name)
{
	for (size_t i = 0; i < sizeof(new_syscalls) / sizeof(new_syscalls[0]);
	     i++)
		if (strcmp(new_syscalls[i].name, name) == 0)
			return new_syscalls[i].nr;
	return -1;
}

const char *seccomp_new_syscall_name(int nr)
{
	nr &= ~(int)X32_SYSCALL_BIT;
	for (size_t i = 0; i < sizeof(new_syscalls) / sizeof(new_syscalls[0]);
	     i++)
		if (new_syscalls[i].nr == nr)
			return new_syscalls[i].name;
	return NULL;
}

static void ctx_releasep(scmp_filter_ctx *ctx)
{
	if (*ctx)
		seccomp_release(*ctx);
}

static uint32_t rule_action(const struct seccomp_rule *rule)
{
	return rule->action == SC_ACT_KILL ? SCMP_ACT_KILL_PROCESS
					   : SCMP_ACT_ERRNO(rule->errnum);
}

static const enum scmp_compare compare_ops[] = {
	[SC_OP_EQ] = SCMP_CMP_EQ,	  [SC_OP_NE] = SCMP_CMP_NE,
	[SC_OP_LT] = SCMP_CMP_LT,	  [SC_OP_LE] = SCMP_CMP_LE,
	[SC_OP_GT] = SCMP_CMP_GT,	  [SC_OP_GE] = SCMP_CMP_GE,
	[SC_OP_MASKED_EQ] = SCMP_CMP_MASKED_EQ,
};

/* String conditions are left out: the filter sees only the pointer, so
 * the rule goes to the monitor for every string (or, acting directly,
 * acts on every string). */
static int add_rule(scmp_filter_ctx ctx, const struct seccomp_rule *rule,
		    int nr, uint32_t action, struct sh_err *err)
{
	struct scmp_arg_cmp cmps[SECCOMP_MAX_CONDS];
	unsigned n = 0;
	int r;

	for (unsigned i = 0; i < rule->n_conds; i++) {
		const struct seccomp_cond *c = &rule->conds[i];

		if (seccomp_cond_on_string(c))
			continue;
		cmps[n++] = (struct scmp_arg_cmp){
			.arg = c->arg,
			.op = compare_ops[c->op],
			.datum_a = c->op == SC_OP_MASKED_EQ ? c->mask : c->value,
			.datum_b = c->value,
		};
	}
	r = seccomp_rule_add_array(ctx, action, nr, n, cmps);
	if (r < 0)
		return err_sys(err, STAGE_SECCOMP, -r,
			       "%s:%u: libseccomp refuses the rule for `%s`",
			       rule->source, rule->line, rule->name);
	return 0;
}

static int export_program(scmp_filter_ctx ctx, struct bpf_program *prog,
			  struct sh_err *err)
{
	_cleanup_close_ int fd = memfd_create("seccomp", MFD_CLOEXEC);
	struct stat st;
	int r;

	if (fd < 0)
		return err_sys(err, STAGE_SECCOMP, errno, "memfd_create");
	if ((r = seccomp_export_bpf(ctx, fd)) < 0)
		return err_sys(err, STAGE_SECCOMP, -r, "export the filter");
	if (fstat(fd, &st) < 0 || st.st_size % sizeof(struct sock_filter))
		return err_set(err, STAGE_SECCOMP, EIO, "export the filter");
	prog->len = (size_t)st.st_size / sizeof(struct sock_filter);
	prog->insns = malloc((size_t)st.st_size + 1);
	if (!prog->insns)
		return err_set(err, STAGE_SECCOMP, ENOMEM, "out of memory");
	if (pread(fd, prog->insns, (size_t)st.st_size, 0) != st.st_size)
		return err_sys(err, STAGE_SECCOMP, errno, "read the filter");
	return 0;
}

static int add_architectures(scmp_filter_ctx ctx, struct sh_err *err)
{
	/* an x86-64 kernel also runs i386 (int 0x80) and x32 code */
	static const uint32_t companions[] = { SCMP_ARCH_X86, SCMP_ARCH_X32 };

	if (seccomp_arch_native() != SCMP_ARCH_X86_64)
		return 0;
	for (size_t i = 0; i < 2; i++) {
		int r = seccomp_arch_add(ctx, companions[i]);

		if (r < 0 && r != -EEXIST)
			return err_sys(err, STAGE_SECCOMP, -r,
				       "add an architecture to the filter");
	}
	return 0;
}

/* libseccomp takes time cubic in the length of the program it makes
 * (each long jump it has to insert starts its jump resolution over the
 * whole program again): 200 rules of three conditions on one call took
 * a second, 500 took 40 s. So it gets the rules in chunks whose programs
 * stay short, and the chunks run one after the other (bpf_join): where
 * two rules for a call both hold, the one in the earlier chunk acts.
 * Rules for different calls never both hold, so only a call's own rules
 * need keep their order: a chunk takes whole calls (with the calls
 * i386 carries in the same multiplexed one), a call's rules are split,
 * in order, only when they do not fit one chunk, and each chunk gets
 * its rules in the policy's order. A call whose rules fit a chunk is
 * compiled from the same rules in the same order as in one program,
 * its dispatch is made once, and only the architectures' (about 10
 * instructions) is repeated for each chunk: a policy compiles to about
 * as many instructions as in one program. */
/* estimated instructions of one chunk: chunks of about 1,000 take
 * libseccomp 30 to 130 ms on this machine, of 1,500 up to 400 ms */
#define CHUNK_BUDGET 1000
/* whatever the estimate: what libseccomp does before it shares identical
 * blocks grows with the rules (256 rules of a call, or 1,024 on many,
 * that make a short program take it about 50 ms) */
#define CHUNK_MAX_RULES 256

static bool same_cond(const struct seccomp_cond *a,
		      const struct seccomp_cond *b)
{
	return a->arg == b->arg && a->op == b->op && a->mask == b->mask &&
	       a->value == b->value;
}

/* A rule's number conditions (its string conditions are the
 * monitor's) in the order libseccomp compares them: by argument. */
static unsigned number_conds(const struct seccomp_rule *rule,
			     const struct seccomp_cond **out)
{
	unsigned n = 0;

	for (unsigned i = 0; i < rule->n_conds; i++) {
		const struct seccomp_cond *c = &rule->conds[i];
		unsigned j = n;

		if (seccomp_cond_on_string(c))
			continue;
		for (n++; j > 0 && out[j - 1]->arg > c->arg; j--)
			out[j] = out[j - 1];
		out[j] = c;
	}
	return n;
}

/* How many comparisons, from the first, two rules have in common; *same
 * when they are the same rule. */
static unsigned common_conds(const struct seccomp_rule *a,
			     const struct seccomp_rule *b, bool *same)
{
	const struct seccomp_cond *x[SECCOMP_MAX_CONDS], *y[SECCOMP_MAX_CONDS];
	unsigned nx = number_conds(a, x), ny = number_conds(b, y), i;

	for (i = 0; i < nx && i < ny && same_cond(x[i], y[i]); i++)
		;
	*same = i == nx && i == ny && a->action == b->action &&
		a->errnum == b->errnum;
	return i;
}

static bool same_rule(const struct seccomp_rule *a,
		      const struct seccomp_rule *b)
{
	bool same;

	common_conds(a, b, &same);
	return same;
}

/* A rule libseccomp knows and the first rule of its group: the rules
 * that may hold for one call of the command, whatever its ABI. */
struct member {
	size_t group, rule;
};

struct call_numbers {
	/* (not `i386`: a macro of gcc for that target) */
	int native, ia32;
};

static size_t group_of(const size_t *first, size_t i)
{
	while (first[i] != i)
		i = first[i];
	return i;
}

static bool may_meet(const struct call_numbers *a,
		     const struct call_numbers *b)
{
	/* i386's socketcall and ipc carry many calls under one number */
	return a->native == b->native ||
	       (a->ia32 != __NR_SCMP_ERROR && a->ia32 == b->ia32);
}

static int compare_members(const void *a, const void *b)
{
	const struct member *x = a, *y = b;

	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	return x->rule < y->rule ? -1 : x->rule > y->rule;
}

/* The rules libseccomp knows, call by call (groups in the order of
 * their first rules, each group's rules in the policy's order), in
 * members[0..*n); the others are left in unknown (by index) for our own
 * filter. */
static int group_rules(const struct seccomp_policy *policy, bool *unknown,
		       struct member *members, size_t *n, struct sh_err *err)
{
	_cleanup_free_ struct call_numbers *nrs =
		calloc(policy->n + 1, sizeof(*nrs));
	_cleanup_free_ size_t *first = calloc(policy->n + 1, sizeof(*first));
	bool x86 = seccomp_arch_native() == SCMP_ARCH_X86_64;

	if (!nrs || !first)
		return err_set(err, STAGE_SECCOMP, ENOMEM, "out of memory");
	*n = 0;
	for (size_t i = 0; i < policy->n; i++) {
		const char *name = policy->rules[i].name;

		nrs[i].native = seccomp_syscall_resolve_name(name);
		unknown[i] = nrs[i].native == __NR_SCMP_ERROR;
		nrs[i].ia32 = x86 ? seccomp_syscall_resolve_name_rewrite(
					    SCMP_ARCH_X86, name)
				  : __NR_SCMP_ERROR;
		first[i] = i;
		if (unknown[i])
			continue;
		for (size_t j = 0; j < i; j++) {
			size_t g = group_of(first, j), h = group_of(first, i);

			/* a group is named by its earliest rule */
			if (!unknown[j] && g != h && may_meet(&nrs[i], &nrs[j]))
				first[h > g ? h : g] = h > g ? g : h;
		}
	}
	for (size_t i = 0; i < policy->n; i++)
		if (!unknown[i])
			members[(*n)++] = (struct member){ group_of(first, i),
							   i };
	qsort(members, *n, sizeof(*members), compare_members);
	return 0;
}

static const struct seccomp_rule *member_rule(
	const struct seccomp_policy *policy, const struct member *m)
{
	return &policy->rules[m->rule];
}

/* Whether the groups at members[a] and members[b] have the same rules,
 * in the same order. */
static bool same_group(const struct seccomp_policy *policy,
		       const struct member *members, size_t n, size_t a,
		       size_t b)
{
	for (size_t i = 0;; i++) {
		bool a_ends = a + i == n ||
			      members[a + i].group != members[a].group,
		     b_ends = b + i == n ||
			      members[b + i].group != members[b].group;

		if (a_ends || b_ends)
			return a_ends && b_ends;
		if (!same_rule(member_rule(policy, &members[a + i]),
			       member_rule(policy, &members[b + i])))
			return false;
	}
}

static bool has_range(const struct seccomp_rule *rule)
{
	for (unsigned i = 0; i < rule->n_conds; i++)
		if (!seccomp_cond_on_string(&rule->conds[i]) &&
		    rule->conds[i].op != SC_OP_EQ)
			return true;
	return false;
}

/* The share of members[i] in its chunk's program, estimated from what
 * libseccomp 2.5 makes for x86-64, x32 and i386: about 4 instructions
 * for the rule and 5 for each number condition, but only for the
 * conditions after those it has in common with an earlier rule of its
 * call from members[from] on (libseccomp makes a tree of each call's
 * comparisons). Comparisons other than == are not shared: each earlier
 * rule of the call that has one makes libseccomp repeat the later
 * rules' comparisons where it does not hold, for every condition past
 * the first (four rules of six != conditions make a program that takes
 * it minutes), so the estimate grows as fast, up to the budget. */
static size_t rule_cost(const struct seccomp_policy *policy,
			const struct member *members, size_t from, size_t i)
{
	const struct seccomp_rule *rule = member_rule(policy, &members[i]);
	const struct seccomp_cond *conds[SECCOMP_MAX_CONDS];
	unsigned n = number_conds(rule, conds), shared = 0;
	size_t ranges = 0, cost;

	for (size_t j = from; j < i; j++) {
		const struct seccomp_rule *earlier =
			member_rule(policy, &members[j]);
		bool same;
		unsigned common = common_conds(earlier, rule, &same);

		if (same)
			return 0;
		if (common > shared)
			shared = common;
		ranges += has_range(earlier);
	}
	cost = 4 + 5 * (size_t)(n - shared);
	for (unsigned c = 1; c < n && ranges && cost <= CHUNK_BUDGET; c++)
		cost *= 1 + ranges;
	return cost;
}

/* Where the group at members[start] ends, at most max rules on; *cost
 * is its estimate: about 4 instructions for the call, and its rules',
 * unless a group in members[chunk..start) has the same rules (libseccomp
 * makes identical blocks once: policies that repeat a call's rules on
 * many calls stay as small as one program of them would be). */
static size_t group_end(const struct seccomp_policy *policy,
			const struct member *members, size_t n, size_t chunk,
			size_t start, size_t max, size_t *cost)
{
	size_t end = start;
	bool repeated = false;

	for (size_t g = chunk; g < start && !repeated; g++)
		repeated = (g == chunk ||
			    members[g].group != members[g - 1].group) &&
			   same_group(policy, members, n, g, start);
	*cost = 4;
	for (; end < n && end - start < max &&
	       members[end].group == members[start].group;
	     end++)
		*cost += repeated ? 0 : rule_cost(policy, members, start, end);
	return end;
}

/* Where the chunk that starts at members[start] ends: whole groups
 * while they fit, or the first rules of a group that does not fit a
 * chunk of its own. */
static size_t chunk_end(const struct seccomp_policy *policy,
			const struct member *members, size_t n, size_t start)
{
	size_t end = start, cost = 0;

	while (end < n) {
		size_t group_cost,
		       next = group_end(policy, members, n, start, end,
					CHUNK_MAX_RULES - (end - start),
					&group_cost);
		bool whole = next == n ||
			     members[next].group != members[end].group;

		if (whole && cost + group_cost <= CHUNK_BUDGET) {
			cost += group_cost;
			end = next;
			continue;
		}
		if (end > start)
			return end;
		/* one call, more than a chunk: its first rules */
		for (cost = 4; end < next && cost < CHUNK_BUDGET; end++)
			cost += rule_cost(policy, members, start, end);
		return end;
	}
	return end;
}

static int compare_sizes(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

/* The rules of members[0..n) as one libseccomp program, given in the
 * policy's order (libseccomp may then make of a call's rules exactly
 * what it makes of them in one program). */
static int compile_chunk(const struct seccomp_policy *policy,
			 const struct member *members, size_t n,
			 struct bpf_program *prog, bool notify,
			 struct sh_err *err)
{
	__attribute__((cleanup(ctx_releasep))) scmp_filter_ctx ctx =
		seccomp_init(SCMP_ACT_ALLOW);
	size_t rules[CHUNK_MAX_RULES];
	int r;

	if (!ctx)
		return err_set(err, STAGE_SECCOMP, ENOMEM, "seccomp_init");
	/* a binary tree of syscall numbers: every call of the command
	 * pays a few comparisons, not one per rule */
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if ((r = add_architectures(ctx, err)) < 0)
		return r;
	for (size_t i = 0; i < n; i++)
		rules[i] = members[i].rule;
	qsort(rules, n, sizeof(*rules), compare_sizes);
	for (size_t i = 0; i < n; i++) {
		const struct seccomp_rule *rule = &policy->rules[rules[i]];

		if ((r = add_rule(ctx, rule,
				  seccomp_syscall_resolve_name(rule->name),
				  notify ? SCMP_ACT_NOTIFY : rule_action(rule),
				  err)) < 0)
			return r;
	}
	return export_program(ctx, prog, err);
}

/* The chunks joined into prog; a program past the kernel's limit stops
 * the compilation there, so that no policy, however long, takes long to
 * refuse. */
static int compile(const struct seccomp_policy *policy,
		   struct bpf_program *prog, bool *unknown, bool notify,
		   struct sh_err *err)
{
	_cleanup_free_ struct member *members =
		calloc(policy->n + 1, sizeof(*members));
	size_t n = 0, start, end;
	int r;

	if (!members)
		return err_set(err, STAGE_SECCOMP, ENOMEM, "out of memory");
	if ((r = group_rules(policy, unknown, members, &n, err)) < 0)
		return r;
	for (start = 0; start < n; start = end) {
		struct bpf_program chunk = { 0 }, joined;

		end = chunk_end(policy, members, n, start);
		if ((r = compile_chunk(policy, members + start, end - start,
				       &chunk, notify, err)) < 0)
			return r;
		r = bpf_join(prog, &chunk, &joined, err);
		free(chunk.insns);
		if (r == -E2BIG)
			return err_set(err, STAGE_SECCOMP, E2BIG,
				       "the rules compile to more than %d BPF "
				       "instructions, at most %d",
				       BPF_MAXINSNS, BPF_MAXINSNS);
		if (r < 0)
			return r;
		free(prog->insns);
		*prog = joined;
	}
	return 0;
}

static void emit(struct bpf_program *p, unsigned short code, unsigned char jt,
		 unsigned char jf, uint32_t k)
{
	p->insns[p->len++] = (struct sock_filter){ code, jt, jf, k };
}

static uint32_t raw_action(const struct seccomp_rule *rule, bool notify)
{
	if (notify)
		return SECCOMP_RET_USER_NOTIF;
	return rule->action == SC_ACT_KILL
		       ? SECCOMP_RET_KILL_PROCESS
		       : SECCOMP_RET_ERRNO | ((uint32_t)rule->errnum &
					      SECCOMP_RET_DATA);
}

static bool has_number_condition(const struct seccomp_rule *rule)
{
	for (unsigned i = 0; i < rule->n_conds; i++)
		if (!seccomp_cond_on_string(&rule->conds[i]))
			return true;
	return false;
}

/* Whether a rule before rules[i] is for the same call: our program
 * matches whole calls, so the first rule takes them all. */
static bool seen_before(const struct seccomp_policy *policy,
			const bool *unknown, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (unknown[j] &&
		    strcmp(policy->rules[j].name, policy->rules[i].name) == 0)
			return true;
	return false;
}

/* Our own filter for calls libseccomp does not know: x86-64, x32 and
 * i386 share their numbers. Whole calls only: no number conditions, and
 * string conditions are for the monitor, as in add_rule. */
static int compile_new_syscalls(const struct seccomp_policy *policy,
				const bool *unknown, bool notify,
				struct bpf_program *prog, struct sh_err *err)
{
	size_t n = 0;

	for (size_t i = 0; i < policy->n; i++)
		n += unknown[i] && !seen_before(policy, unknown, i);
	if (!n)
		return 0;
	prog->insns = calloc(5 + 4 * n, sizeof(*prog->insns));
	if (!prog->insns)
		return err_set(err, STAGE_SECCOMP, ENOMEM, "out of memory");
	emit(prog, BPF_LD | BPF_W | BPF_ABS, 0, 0,
	     offsetof(struct seccomp_data, arch));
	emit(prog, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, AUDIT_ARCH_X86_64);
	emit(prog, BPF_JMP | BPF_JEQ | BPF_K, 0, (unsigned char)(4 * n + 1),
	     AUDIT_ARCH_I386);
	emit(prog, BPF_LD | BPF_W | BPF_ABS, 0, 0,
	     offsetof(struct seccomp_data, nr));
	for (size_t i = 0; i < policy->n; i++) {
		const struct seccomp_rule *rule = &policy->rules[i];
		int nr;

		if (!unknown[i])
			continue;
		nr = new_syscall_nr(rule->name);
		if (nr < 0)
			return err_set(err, STAGE_SPEC, EINVAL,
				       "%s:%u: unknown syscall `%s`",
				       rule->source, rule->line, rule->name);
		if (has_number_condition(rule))
			return err_set(err, STAGE_SPEC, EOPNOTSUPP,
				       "%s:%u: conditions on `%s` need a "
				       "libseccomp that knows it",
				       rule->source, rule->line, rule->name);
		if (seen_before(policy, unknown, i))
			continue;
		emit(prog, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, (uint32_t)nr);
		emit(prog, BPF_RET | BPF_K, 0, 0, raw_action(rule, notify));
		emit(prog, BPF_JMP | BPF_JEQ | BPF_K, 0, 1,
		     (uint32_t)nr | X32_SYSCALL_BIT);
		emit(prog, BPF_RET | BPF_K, 0, 0, raw_action(rule, notify));
	}
	emit(prog, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW);
	return 0;
}

int seccomp_compile(const struct seccomp_policy *policy, bool notify,
		    struct bpf_program *libseccomp_prog,
		    struct bpf_program *own_prog, struct sh_err *err)
{
	_cleanup_free_ bool *unknown = calloc(policy->n + 1, sizeof(bool));
	int r;

	memset(libseccomp_prog, 0, sizeof(*libseccomp_prog));
	memset(own_prog, 0, sizeof(*own_prog));
	if (!unknown)
		return err_set(err, STAGE_SECCOMP, ENOMEM, "out of memory");
	if ((r = compile(policy, libseccomp_prog, unknown, notify, err)) < 0 ||
	    (r = compile_new_syscalls(policy, unknown, notify, own_prog,
				      err)) < 0) {
		free(libseccomp_prog->insns);
		free(own_prog->insns);
		memset(libseccomp_prog, 0, sizeof(*libseccomp_prog));
		memset(own_prog, 0, sizeof(*own_prog));
	}
	return r;
}

int bpf_join(const struct bpf_program *first, const struct bpf_program *then,
	     struct bpf_program *out, struct sh_err *err)
{
	size_t len = first->len + then->len;

	memset(out, 0, sizeof(*out));
	if (len > BPF_MAXINSNS)
		return err_set(err, STAGE_SECCOMP, E2BIG,
			       "the seccomp program would have %zu "
			       "instructions (the kernel takes %d)",
			       len, BPF_MAXINSNS);
	if (len == 0)
		return 0;
	out->insns = malloc(len * sizeof(*out->insns));
	if (!out->insns)
		return err_set(err, STAGE_SECCOMP, ENOMEM, "out of memory");
	if (first->len)
		memcpy(out->insns, first->insns,
		       first->len * sizeof(*out->insns));
	if (then->len)
		memcpy(out->insns + first->len, then->insns,
		       then->len * sizeof(*out->insns));
	out->len = len;
	/* first's "allow" goes on to then, whose verdict decides */
	for (size_t i = 0; then->len && i < first->len; i++) {
		struct sock_filter *f = &out->insns[i];

		if (f->code == (BPF_RET | BPF_K) && f->k == SECCOMP_RET_ALLOW)
			*f = (struct sock_filter)BPF_JUMP(
				BPF_JMP | BPF_JA,
				(uint32_t)(first->len - i - 1), 0, 0);
	}
	return 0;
}
