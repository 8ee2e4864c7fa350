#include "config.h"

#include "seccomp-filter.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "seccomp-policy.h"

#define X32_SYSCALL_BIT 0x40000000u
#define MAX_BPF_INSNS 4096

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

static int add_rule(scmp_filter_ctx ctx, const struct seccomp_rule *rule,
		    int nr, uint32_t action, struct sh_err *err)
{
	struct scmp_arg_cmp cmps[SECCOMP_MAX_CONDS];
	int r;

	for (unsigned i = 0; i < rule->n_conds; i++) {
		const struct seccomp_cond *c = &rule->conds[i];

		cmps[i] = (struct scmp_arg_cmp){
			.arg = c->arg,
			.op = compare_ops[c->op],
			.datum_a = c->op == SC_OP_MASKED_EQ ? c->mask : c->value,
			.datum_b = c->value,
		};
	}
	r = seccomp_rule_add_array(ctx, action, nr, rule->n_conds, cmps);
	if (r < 0)
		return err_sys(err, "seccomp", -r,
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
		return err_sys(err, "seccomp", errno, "memfd_create");
	if ((r = seccomp_export_bpf(ctx, fd)) < 0)
		return err_sys(err, "seccomp", -r, "export the filter");
	if (fstat(fd, &st) < 0 || st.st_size % sizeof(struct sock_filter))
		return err_set(err, "seccomp", EIO, "export the filter");
	prog->len = (size_t)st.st_size / sizeof(struct sock_filter);
	prog->insns = malloc((size_t)st.st_size + 1);
	if (!prog->insns)
		return err_set(err, "seccomp", ENOMEM, "out of memory");
	if (pread(fd, prog->insns, (size_t)st.st_size, 0) != st.st_size)
		return err_sys(err, "seccomp", errno, "read the filter");
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
			return err_sys(err, "seccomp", -r,
				       "add an architecture to the filter");
	}
	return 0;
}

/* Rules libseccomp can compile go to ctx; the others are left in
 * unknown (by index) for our own filter. */
static int compile(const struct seccomp_policy *policy,
		   struct bpf_program *prog, bool *unknown, bool notify,
		   struct sh_err *err)
{
	__attribute__((cleanup(ctx_releasep))) scmp_filter_ctx ctx =
		seccomp_init(SCMP_ACT_ALLOW);
	size_t known = 0;
	int r;

	if (!ctx)
		return err_set(err, "seccomp", ENOMEM, "seccomp_init");
	if ((r = add_architectures(ctx, err)) < 0)
		return r;
	for (size_t i = 0; i < policy->n; i++) {
		int nr = seccomp_syscall_resolve_name(policy->rules[i].name);

		unknown[i] = nr == __NR_SCMP_ERROR;
		if (unknown[i])
			continue;
		if ((r = add_rule(ctx, &policy->rules[i], nr,
				  notify ? SCMP_ACT_NOTIFY
					 : rule_action(&policy->rules[i]),
				  err)) < 0)
			return r;
		known++;
	}
	return known ? export_program(ctx, prog, err) : 0;
}

static void emit(struct bpf_program *p, unsigned short code, unsigned char jt,
		 unsigned char jf, uint32_t k)
{
	p->insns[p->len++] = (struct sock_filter){ code, jt, jf, k };
}

static uint32_t raw_action(const struct seccomp_rule *rule)
{
	return rule->action == SC_ACT_KILL
		       ? SECCOMP_RET_KILL_PROCESS
		       : SECCOMP_RET_ERRNO | ((uint32_t)rule->errnum &
					      SECCOMP_RET_DATA);
}

/* Our own filter for calls libseccomp does not know: x86-64, x32 and
 * i386 share their numbers. Only whole calls, no conditions. */
static int compile_new_syscalls(const struct seccomp_policy *policy,
				const bool *unknown, struct bpf_program *prog,
				struct sh_err *err)
{
	size_t n = 0;

	for (size_t i = 0; i < policy->n; i++)
		n += unknown[i];
	if (!n)
		return 0;
	prog->insns = calloc(5 + 4 * n, sizeof(*prog->insns));
	if (!prog->insns)
		return err_set(err, "seccomp", ENOMEM, "out of memory");
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
			return err_set(err, "spec", EINVAL,
				       "%s:%u: unknown syscall `%s`",
				       rule->source, rule->line, rule->name);
		if (rule->n_conds)
			return err_set(err, "spec", EOPNOTSUPP,
				       "%s:%u: conditions on `%s` need a "
				       "libseccomp that knows it",
				       rule->source, rule->line, rule->name);
		emit(prog, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, (uint32_t)nr);
		emit(prog, BPF_RET | BPF_K, 0, 0, raw_action(rule));
		emit(prog, BPF_JMP | BPF_JEQ | BPF_K, 0, 1,
		     (uint32_t)nr | X32_SYSCALL_BIT);
		emit(prog, BPF_RET | BPF_K, 0, 0, raw_action(rule));
	}
	emit(prog, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW);
	return 0;
}

static int read_all(int fd, char **buf, size_t *len, size_t max)
{
	size_t cap = 4096;

	*len = 0;
	*buf = malloc(cap);
	for (;;) {
		ssize_t n;

		if (!*buf)
			return -ENOMEM;
		if (*len == cap && cap >= max) {
			char extra;

			/* max bytes are fine when nothing follows them */
			n = read(fd, &extra, 1);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return -errno;
			return n == 0 ? 0 : -E2BIG;
		}
		if (*len == cap) {
			char *grown = realloc(*buf, cap * 2);

			if (!grown)
				return -ENOMEM;
			*buf = grown;
			cap *= 2;
		}
		n = read(fd, *buf + *len, cap - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		*len += (size_t)n;
	}
}

static int read_policy_file(const char *path, struct seccomp_policy *policy,
			    struct sh_err *err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r;

	if (fd < 0)
		return err_sys(err, "spec", errno, "--seccomp-policy `%s`",
			       path);
	if ((r = read_all(fd, &text, &len, 1 << 20)) < 0)
		return err_sys(err, "spec", -r, "--seccomp-policy `%s`: read",
			       path);
	r = seccomp_policy_parse(policy, text, len, path, err);
	if (r < 0)
		memcpy(err->stage, "spec", 5); /* bad input, nothing runs */
	return r;
}

/* bubblewrap's --seccomp: struct sock_filter instructions until EOF. */
static int read_bpf_fd(int fd, struct bpf_program *prog, struct sh_err *err)
{
	char *buf = NULL;
	size_t len;
	int r = read_all(fd, &buf, &len, MAX_BPF_INSNS * sizeof(struct sock_filter));

	prog->insns = (struct sock_filter *)buf;
	if (r < 0)
		return err_sys(err, "spec", -r, "--seccomp-bpf %d: read", fd);
	if (len == 0 || len % sizeof(struct sock_filter))
		return err_set(err, "spec", EINVAL,
			       "--seccomp-bpf %d: %zu bytes is not a BPF "
			       "program (8 bytes an instruction)",
			       fd, len);
	prog->len = len / sizeof(struct sock_filter);
	return 0;
}

int seccomp_prepare(const struct spec *spec, struct seccomp_plan *plan,
		    struct sh_err *err)
{
	struct seccomp_policy *policy = &plan->policy;
	_cleanup_free_ bool *unknown = NULL;
	int r;

	memset(plan, 0, sizeof(*plan));
	if ((r = seccomp_profile_parse(policy,
				       spec->seccomp_profile
					       ? spec->seccomp_profile
					       : "build",
				       err)) < 0 ||
	    (spec->seccomp_policy &&
	     (r = read_policy_file(spec->seccomp_policy, policy, err)) < 0))
		return r;
	unknown = calloc(policy->n + 1, sizeof(bool));
	if (!unknown)
		return err_set(err, "seccomp", ENOMEM, "out of memory");
	if ((r = compile(policy, &plan->programs[plan->n], unknown, true,
			 err)) < 0)
		return r;
	plan->notify = plan->programs[0].len > 0;
	plan->n += plan->programs[plan->n].len > 0;
	if ((r = compile_new_syscalls(policy, unknown,
				      &plan->programs[plan->n], err)) < 0)
		return r;
	plan->n += plan->programs[plan->n].len > 0;
	if (spec->seccomp_bpf_fd >= 0 &&
	    (r = read_bpf_fd(spec->seccomp_bpf_fd, &plan->programs[plan->n],
			     err)) < 0)
		return r;
	plan->n += plan->programs[plan->n].len > 0;
	return 0;
}

void seccomp_plan_clear(struct seccomp_plan *plan)
{
	for (size_t i = 0; i < SECCOMP_MAX_PROGRAMS; i++)
		free(plan->programs[i].insns);
	seccomp_policy_clear(&plan->policy);
	memset(plan, 0, sizeof(*plan));
}

static int load(const struct bpf_program *prog, unsigned flags)
{
	struct sock_fprog fprog = { .len = (unsigned short)prog->len,
				    .filter = prog->insns };

	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags,
			    &fprog);
}

/* No listener to be had: the same rules, acting directly. */
static int load_direct(const struct seccomp_plan *plan, struct sh_err *err)
{
	_cleanup_free_ bool *unknown = calloc(plan->policy.n + 1, sizeof(bool));
	struct bpf_program direct = { 0 };
	int r;

	if (!unknown)
		return err_set(err, "seccomp", ENOMEM, "out of memory");
	r = compile(&plan->policy, &direct, unknown, false, err);
	if (r == 0 && load(&direct, 0) < 0)
		r = err_sys(err, "seccomp", errno,
			    "install the seccomp filter (needs no_new_privs "
			    "or CAP_SYS_ADMIN)");
	free(direct.insns);
	return r;
}

int seccomp_install(const struct seccomp_plan *plan, int *listener,
		    struct sh_err *err)
{
	*listener = -1;
	for (size_t i = 0; i < plan->n; i++) {
		bool ours = i == 0 && plan->notify;
		int r = load(&plan->programs[i],
			     ours ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0);

		if (r < 0 && ours && (errno == EBUSY || errno == EINVAL)) {
			if ((r = load_direct(plan, err)) < 0)
				return r;
			continue;
		}
		if (r < 0)
			return err_sys(err, "seccomp", errno,
				       "install seccomp filter %zu of %zu "
				       "(needs no_new_privs or CAP_SYS_ADMIN)",
				       i + 1, plan->n);
		if (ours)
			*listener = r;
	}
	return 0;
}

static bool cond_holds(const struct seccomp_cond *c, const __u64 *args)
{
	uint64_t v = args[c->arg];

	switch (c->op) {
	case SC_OP_EQ:
		return v == c->value;
	case SC_OP_NE:
		return v != c->value;
	case SC_OP_LT:
		return v < c->value;
	case SC_OP_LE:
		return v <= c->value;
	case SC_OP_GT:
		return v > c->value;
	case SC_OP_GE:
		return v >= c->value;
	case SC_OP_MASKED_EQ:
		return (v & c->mask) == c->value;
	}
	return false;
}

/* The first rule for name whose conditions hold: the one the filter
 * matched. */
static const struct seccomp_rule *find_rule(const struct seccomp_policy *p,
					    const char *name,
					    const __u64 *args)
{
	for (size_t i = 0; i < p->n; i++) {
		const struct seccomp_rule *rule = &p->rules[i];
		unsigned c;

		if (strcmp(rule->name, name) != 0)
			continue;
		for (c = 0; c < rule->n_conds; c++)
			if (!cond_holds(&rule->conds[c], args))
				break;
		if (c == rule->n_conds)
			return rule;
	}
	return NULL;
}

static void note_blocked(struct seccomp_report *report, const char *name,
			 int errnum)
{
	size_t i;

	for (i = 0; i < report->n_blocked; i++)
		if (strcmp(report->blocked[i].name, name) == 0 &&
		    report->blocked[i].errnum == errnum)
			break;
	if (i == report->n_blocked) {
		if (i == SECCOMP_REPORT_MAX)
			return;
		snprintf(report->blocked[i].name,
			 sizeof(report->blocked[i].name), "%s", name);
		report->blocked[i].errnum = errnum;
		report->n_blocked++;
	}
	report->blocked[i].count++;
}

int seccomp_answer(const struct seccomp_plan *plan, int listener,
		   struct seccomp_report *report)
{
	struct seccomp_notif_sizes sizes;
	_cleanup_free_ struct seccomp_notif *req = NULL;
	_cleanup_free_ struct seccomp_notif_resp *resp = NULL;
	_cleanup_free_ char *name = NULL;
	const struct seccomp_rule *rule;
	int errnum = EPERM;

	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0)
		return -errno;
	req = calloc(1, sizes.seccomp_notif);
	resp = calloc(1, sizes.seccomp_notif_resp);
	if (!req || !resp)
		return -ENOMEM;
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, req) < 0)
		return -errno;
	name = seccomp_syscall_resolve_num_arch(req->data.arch, req->data.nr);
	rule = name ? find_rule(&plan->policy, name, req->data.args) : NULL;
	if (rule && rule->action == SC_ACT_KILL) {
		kill((pid_t)req->pid, SIGSYS);
		snprintf(report->killed_by, sizeof(report->killed_by), "%s",
			 name);
	} else if (rule) {
		errnum = rule->errnum;
	}
	if (!rule || rule->action != SC_ACT_KILL)
		note_blocked(report, name ? name : "?", errnum);
	resp->id = req->id;
	resp->error = -errnum;
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, resp) < 0 &&
	    errno != ENOENT)
		return -errno;
	return 0;
}
