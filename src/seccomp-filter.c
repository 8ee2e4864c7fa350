/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "seccomp-filter.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdint.h>
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
#include "memread.h"
#include "seccomp-compile.h"
#include "seccomp-policy.h"
#include "seccomp-profiles.h"

#define MAX_BPF_INSNS 4096

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
		return err_sys(err, STAGE_SPEC, errno, "--seccomp-policy `%s`",
			       path);
	if ((r = read_all(fd, &text, &len, 1 << 20)) < 0)
		return err_sys(err, STAGE_SPEC, -r,
			       "--seccomp-policy `%s`: read",
			       path);
	r = seccomp_policy_parse_bounded(policy, text, len, path, err);
	if (r == -E2BIG)
		err_prefix(err, "--seccomp-policy `%s`: ", path);
	if (r < 0)
		err_restage(err, STAGE_SPEC); /* bad input, nothing runs */
	return r;
}

/* The rules of the profile and the policy file as one program (own's
 * calls first), within the kernel's limit. */
static int compile_policy(const struct spec *spec,
			  const struct seccomp_policy *policy,
			  struct bpf_program *joined, struct sh_err *err)
{
	struct bpf_program lib, own;
	int r = seccomp_compile(policy, true, &lib, &own, err);

	if (r == 0) {
		r = bpf_join(&own, &lib, joined, err);
		free(lib.insns);
		free(own.insns);
	}
	if (r == -E2BIG && spec->seccomp_policy) {
		/* too long a policy: bad input, nothing runs */
		err_prefix(err, "--seccomp-policy `%s`: ", spec->seccomp_policy);
		err_restage(err, STAGE_SPEC);
	}
	return r;
}

/* bubblewrap's --seccomp: struct sock_filter instructions until EOF. */
static int read_bpf_fd(int fd, int caller_fd, struct bpf_program *prog,
		       struct sh_err *err)
{
	char *buf = NULL;
	size_t len;
	int r = read_all(fd, &buf, &len, MAX_BPF_INSNS * sizeof(struct sock_filter));

	prog->insns = (struct sock_filter *)buf;
	if (r < 0)
		return err_sys(err, STAGE_SPEC, -r, "--seccomp-bpf %d: read",
			       caller_fd);
	if (len == 0 || len % sizeof(struct sock_filter))
		return err_set(err, STAGE_SPEC, EINVAL,
			       "--seccomp-bpf %d: %zu bytes is not a BPF "
			       "program (8 bytes an instruction)",
			       caller_fd, len);
	prog->len = len / sizeof(struct sock_filter);
	return 0;
}

static void add_program(struct seccomp_plan *plan, struct bpf_program prog)
{
	if (!prog.len) {
		free(prog.insns);
		return;
	}
	plan->programs[plan->n++] = prog;
}

int seccomp_prepare(const struct spec *spec, struct seccomp_plan *plan,
		    struct sh_err *err)
{
	const char *profile =
		seccomp_profile_choices[spec->seccomp_profile
						? spec->seccomp_profile - 1
						: SECCOMP_PROFILE_BUILD - 1];
	unsigned flags = spec->allow_nested_userns
				 ? SECCOMP_PROFILE_NESTED_USERNS
				 : 0;
	/* a built-in profile alone was compiled when the helper was built,
	 * in each variant */
	const struct precompiled_profile *pre =
		spec->seccomp_policy
			? NULL
			: precompiled_profile_flags(profile, flags);
	struct seccomp_policy *policy = &plan->policy;
	struct bpf_program joined = { 0 };
	int r;

	memset(plan, 0, sizeof(*plan));
	if (pre) {
		struct bpf_program lib = { (struct sock_filter *)pre->lib,
					   pre->lib_len },
				   own = { (struct sock_filter *)pre->own,
					   pre->own_len };

		/* its rules are parsed where needed (seccomp_plan_rules);
		 * the name is static, the spec may go */
		plan->unparsed_profile = pre->name;
		plan->profile_flags = pre->flags;
		r = bpf_join(&own, &lib, &joined, err);
	} else if ((r = seccomp_profile_parse_flags(policy, profile, flags,
						    err)) < 0 ||
		   (spec->seccomp_policy &&
		    (r = read_policy_file(spec->seccomp_policy, policy,
					  err)) < 0) ||
		   (r = compile_policy(spec, policy, &joined, err)) < 0) {
		return r;
	}
	if (r < 0)
		return r;
	plan->notify = joined.len > 0;
	add_program(plan, joined);
	if (spec->seccomp_bpf_fd >= 0) {
		struct bpf_program raw = { 0 };

		r = read_bpf_fd(spec->seccomp_bpf_fd,
				spec_caller_fd(spec, spec->seccomp_bpf_fd),
				&raw, err);
		add_program(plan, raw);
	}
	plan->builtin_only = !spec->seccomp_policy && spec->seccomp_bpf_fd < 0;
	return r;
}

void seccomp_plan_clear(struct seccomp_plan *plan)
{
	for (size_t i = 0; i < SECCOMP_MAX_PROGRAMS; i++)
		free(plan->programs[i].insns);
	seccomp_policy_clear(&plan->policy);
	memset(plan, 0, sizeof(*plan));
}

int seccomp_plan_sandbox(struct seccomp_plan *plan, struct sandbox *sb,
			 struct sh_err *err)
{
	struct bpf_program prefix = { 0 }, joined = { 0 };
	int r = sandbox_bpf(&prefix, err);

	if (r < 0)
		return r;
	if (plan->notify) {
		r = bpf_join(&prefix, &plan->programs[0], &joined, err);
		free(prefix.insns);
		if (r < 0)
			return r;
		free(plan->programs[0].insns);
		plan->programs[0] = joined;
	} else {
		if (plan->n == SECCOMP_MAX_PROGRAMS) {
			free(prefix.insns);
			return err_set(err, STAGE_SECCOMP, E2BIG,
				       "too many seccomp programs");
		}
		memmove(&plan->programs[1], &plan->programs[0],
			plan->n * sizeof(plan->programs[0]));
		plan->programs[0] = prefix;
		plan->n++;
		plan->notify = true;
	}
	plan->sandbox = sb;
	return 0;
}

static int load(const struct bpf_program *prog, unsigned flags)
{
	struct sock_fprog fprog = { .len = (unsigned short)prog->len,
				    .filter = prog->insns };

	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags,
			    &fprog);
}

int seccomp_plan_rules(struct seccomp_plan *plan, struct sh_err *err)
{
	int r;

	if (!plan->unparsed_profile)
		return 0;
	r = seccomp_profile_parse_flags(&plan->policy, plan->unparsed_profile,
					plan->profile_flags, err);
	if (r < 0) {
		seccomp_policy_clear(&plan->policy); /* no partial rules */
		return r;
	}
	plan->unparsed_profile = NULL;
	return 0;
}

/* No listener to be had: the same rules, acting directly. The rules of
 * a precompiled profile are parsed here, into memory of our own (the
 * plan is the init's: this process shares its memory until execve). */
static int load_direct(const struct seccomp_plan *plan, struct sh_err *err)
{
	struct bpf_program direct = { 0 }, own = { 0 }, joined = { 0 };
	struct seccomp_policy parsed = { 0 };
	const struct seccomp_policy *policy = &plan->policy;
	int r = 0;

	if (plan->unparsed_profile) {
		r = seccomp_profile_parse_flags(&parsed, plan->unparsed_profile,
						plan->profile_flags, err);
		policy = &parsed;
	}
	if (r == 0)
		r = seccomp_compile(policy, false, &direct, &own, err);
	seccomp_policy_clear(&parsed);
	if (r == 0)
		r = bpf_join(&own, &direct, &joined, err);
	if (r == 0 && joined.len && load(&joined, 0) < 0)
		r = err_sys(err, STAGE_SECCOMP, errno,
			    "install the seccomp filter (needs no_new_privs "
			    "or CAP_SYS_ADMIN)");
	free(direct.insns);
	free(own.insns);
	free(joined.insns);
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
			return err_sys(err, STAGE_SECCOMP, errno,
				       "install seccomp filter %zu of %zu "
				       "(needs no_new_privs or CAP_SYS_ADMIN)",
				       i + 1, plan->n);
		if (ours)
			*listener = r;
	}
	return 0;
}
