/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The monitor's seccomp notification server: the calls the filter sends
 * (SECCOMP_RET_USER_NOTIF) answered as the rules say, in the monitor or,
 * with the sandbox's reports, first in the memory reader (memread.c). */
#include "config.h"

#include "monitor-notify.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "memread.h"
#include "seccomp-policy.h"

/* A call the seccomp filter sent us. The first one brings a built-in
 * profile's rules in: parsed only now, since most commands never make
 * one. Rules that cannot be had (no memory) fail closed: the sandbox is
 * killed rather than a call let through unchecked, the error is the
 * outcome's, and the listener is no longer heard (false). */
bool notify_answer_call(struct waiter *w, int listener, struct outcome *out,
			struct sh_err *err)
{
	struct sh_err rules_err = { 0 };

	if (seccomp_plan_rules(w->seccomp, &rules_err) < 0) {
		kill_sandbox(w, out);
		if (!err->errnum)
			err_set(err, STAGE_MONITOR, rules_err.errnum,
				"the seccomp rules to answer by: %s",
				rules_err.message);
		return false;
	}
	seccomp_answer(w->seccomp, listener, &w->reader, &out->seccomp);
	return true;
}

/* The notifications the memory reader leaves to us: handed over, or
 * left behind by a reader that was killed (or died) on one. */
bool notify_answer_left(struct waiter *w, int listener, bool handed,
			struct outcome *out, struct sh_err *err)
{
	struct seccomp_notif req = { 0 };

	while (handed ? memread_take(&w->reader, &req)
		      : memread_orphan(&w->reader, &req)) {
		if (seccomp_answer_notif(w->seccomp, listener, &w->reader,
					 &req, &out->seccomp) == -ENOMEM &&
		    !err->errnum) {
			/* unanswered, the caller would wait for ever */
			kill_sandbox(w, out);
			err_set(err, STAGE_MONITOR, ENOMEM,
				"answer a seccomp notification: %s",
				err_description(ENOMEM));
			return false;
		}
		memset(&req, 0, sizeof(req));
	}
	return true;
}

/* The strings a call's rules compare, each read from the caller's memory
 * at most once, through the monitor's reader (memread.h: a read the
 * caller stalls ends at its bound, unread). */
struct call_strings {
	pid_t pid;
	struct memreader *reader;
	bool read_any;
	bool tried[6], readable[6];
	char text[6][MEMREAD_MAX]; /* an xattr name (XATTR_NAME_MAX), NUL */
};

/* The string at args[arg], or NULL when it cannot be read (no such
 * memory, no NUL within MEMREAD_MAX bytes, the kernel lets us not read
 * the caller's memory, the read did not end within MEMREAD_BOUND_MS, or
 * no reader could be started). */
static const char *call_string(struct call_strings *s, unsigned arg,
			       const __u64 *args)
{
	struct sh_err err = { 0 };

	if (!s->tried[arg]) {
		s->tried[arg] = true;
		s->read_any = true;
		s->readable[arg] = memread_string(s->reader, s->pid, args[arg],
						  s->text[arg],
						  sizeof(s->text[arg]),
						  &err) > 0;
	}
	return s->readable[arg] ? s->text[arg] : NULL;
}

static bool text_holds(const struct seccomp_cond *c, const char *s)
{
	bool same = c->prefix ? strncmp(s, c->text, strlen(c->text)) == 0
			      : strcmp(s, c->text) == 0;

	return same == (c->op == SC_OP_STR_EQ);
}

/* Whether c holds; with strings NULL, string conditions count as held
 * (what the filter, which cannot read them, matched). */
static bool cond_holds(const struct seccomp_cond *c, const __u64 *args,
		       struct call_strings *strings)
{
	uint64_t v = args[c->arg];
	const char *s;

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
	case SC_OP_STR_EQ:
	case SC_OP_STR_NE:
		/* a string we cannot read holds them all: the rule acts, as
		 * it does where no monitor checks strings */
		if (!strings || !(s = call_string(strings, c->arg, args)))
			return true;
		return text_holds(c, s);
	}
	return false;
}

static bool rule_holds(const struct seccomp_rule *rule, const __u64 *args,
		       struct call_strings *strings)
{
	for (unsigned c = 0; c < rule->n_conds; c++)
		if (!cond_holds(&rule->conds[c], args, strings))
			return false;
	return true;
}

/* The first rule for name whose conditions hold: the one that acts.
 * *passed gets the first rule the filter matched (its number conditions
 * hold) whatever its strings: when no rule acts, that rule sent the call
 * here only for its strings, which do not match, and the call goes on. */
static const struct seccomp_rule *find_rule(const struct seccomp_policy *p,
					    const char *name,
					    const __u64 *args,
					    struct call_strings *strings,
					    const struct seccomp_rule **passed)
{
	*passed = NULL;
	for (size_t i = 0; i < p->n; i++) {
		const struct seccomp_rule *rule = &p->rules[i];

		if (strcmp(rule->name, name) != 0 ||
		    !rule_holds(rule, args, NULL))
			continue;
		if (!*passed)
			*passed = rule;
		if (rule_holds(rule, args, strings))
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
		if (i == SECCOMP_REPORT_MAX) {
			report->unlisted++; /* counted, not named */
			return;
		}
		snprintf(report->blocked[i].name,
			 sizeof(report->blocked[i].name), "%s", name);
		report->blocked[i].errnum = errnum;
		report->n_blocked++;
	}
	report->blocked[i].count++;
}

/* Send resp; a caller that died meanwhile (ENOENT) needs no answer. */
static int send_answer(int listener, struct seccomp_notif_resp *resp)
{
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, resp) < 0 &&
	    errno != ENOENT)
		return -errno;
	return 0;
}

/* A kill rule: SIGKILL, which no handler, mask or SIG_IGN stops, while
 * the caller waits for our answer, so the call never runs. (SIGSYS, which
 * SECCOMP_RET_KILL_PROCESS sends from the kernel, is an ordinary signal
 * when we send it: ignored or caught, the command would live on.) The
 * pidfd pins the process: the notification still pending after
 * pidfd_open means the pid was the caller's, not a reused one.
 * 1: killed, 0: the caller is gone already, -1: it cannot be killed. */
static int kill_caller(int listener, const struct seccomp_notif *req)
{
	_cleanup_close_ int pidfd =
		(int)syscall(SYS_pidfd_open, (pid_t)req->pid, 0);

	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &req->id) < 0)
		return 0;
	if (pidfd >= 0)
		return syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL,
			       0) == 0
			       ? 1
			       : -1;
	/* a thread that is not the leader (pidfd_open takes processes) or
	 * a kernel before 5.3: the caller is still blocked in the call, so
	 * its id is still its own */
	return kill((pid_t)req->pid, SIGKILL) == 0 ? 1 : -1;
}

/* Act as rule says: kill, or answer with its errno (EPERM without a
 * rule: a call the filter sent that no rule names, refused). */
static int act(const struct seccomp_rule *rule, const char *name,
	       int listener, const struct seccomp_notif *req,
	       struct seccomp_notif_resp *resp, struct seccomp_report *report)
{
	int errnum = rule && rule->action == SC_ACT_ERRNO ? rule->errnum
							  : EPERM;

	if (rule && rule->action == SC_ACT_KILL) {
		int killed = kill_caller(listener, req);

		if (killed >= 0) {
			if (killed)
				snprintf(report->killed_by,
					 sizeof(report->killed_by), "%s",
					 name);
			return 0;
		}
	}
	note_blocked(report, name ? name : "?", errnum);
	resp->error = -errnum;
	return send_answer(listener, resp);
}

/* A call of the sandbox's that no rule refuses: as the view does. What
 * was read was the caller's only if it still waits for us. */
static int sandbox_reply(struct sandbox *sb, int listener,
			 struct memreader *reader, const char *name,
			 const struct seccomp_notif *req,
			 struct seccomp_notif_resp *resp,
			 struct seccomp_report *report)
{
	int errnum = sandbox_answer(sb, reader, name, (pid_t)req->pid,
				    req->data.args, &report->sandbox);

	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &req->id) < 0)
		return -errno;
	if (errnum) {
		resp->error = -errnum;
		return send_answer(listener, resp);
	}
	resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	return send_answer(listener, resp);
}

/* The call's name (malloc'd), or NULL. The kernel gives x32 calls
 * x86-64's arch with the x32 bit in the number, which libseccomp names
 * only as x32's; calls libseccomp does not know are named by ours. */
static char *call_name(uint32_t arch, int nr)
{
	char *name = seccomp_syscall_resolve_num_arch(arch, nr);
	const char *ours;

	if (!name && arch == AUDIT_ARCH_X86_64 && (nr & X32_SYSCALL_BIT))
		name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_X32, nr);
	if (!name && (ours = seccomp_new_syscall_name(nr)))
		name = strdup(ours);
	return name;
}

/* Buffers of the kernel's sizes for a notification and its answer,
 * had once (the monitor is one thread); NULL when none. */
static struct seccomp_notif_resp *answer_buffer(void)
{
	static struct seccomp_notif_resp *resp;
	static size_t size;
	struct seccomp_notif_sizes sizes;

	if (!resp &&
	    syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) == 0) {
		size = sizes.seccomp_notif_resp > sizeof(*resp)
			       ? sizes.seccomp_notif_resp
			       : sizeof(*resp);
		resp = malloc(size);
	}
	if (resp)
		memset(resp, 0, size);
	return resp;
}

int seccomp_answer_notif(const struct seccomp_plan *plan, int listener,
			 struct memreader *reader,
			 struct seccomp_notif *req,
			 struct seccomp_report *report)
{
	struct seccomp_notif_resp *resp = answer_buffer();
	_cleanup_free_ char *name = NULL;
	struct call_strings strings;
	const struct seccomp_rule *rule = NULL, *passed = NULL;
	int r;

	if (!resp)
		return -ENOMEM;
	memset(&strings, 0, offsetof(struct call_strings, text));
	name = call_name(req->data.arch, req->data.nr);
	strings.pid = (pid_t)req->pid;
	strings.reader = reader;
	/* an i386 call uses the low halves of the registers, which the
	 * kernel passes whole (a 64-bit process's int 0x80 can set the high
	 * halves): compare and read what the call will use, or a name read
	 * above 4 GiB is approved and the one below it is set */
	if (req->data.arch == AUDIT_ARCH_I386)
		for (size_t i = 0; i < 6; i++)
			req->data.args[i] &= 0xffffffffu;
	if (name)
		rule = find_rule(&plan->policy, name, req->data.args, &strings,
				 &passed);
	/* what we read was the caller's only if it still waits for us (its
	 * pid was not reused) */
	if (strings.read_any &&
	    ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &req->id) < 0)
		return -errno;
	resp->id = req->id;
	if (!rule && plan->sandbox && name && sandbox_watches(name))
		return sandbox_reply(plan->sandbox, listener, reader, name,
				     req, resp, report);
	if (!rule && passed) {
		resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		r = send_answer(listener, resp);
		if (r != -EINVAL)
			return r;
		/* a kernel before 5.5 cannot let the call go on: the rule
		 * acts on every string, as without a monitor */
		resp->flags = 0;
		rule = passed;
	}
	return act(rule, name, listener, req, resp, report);
}

int seccomp_answer(const struct seccomp_plan *plan, int listener,
		   struct memreader *reader, struct seccomp_report *report)
{
	static struct seccomp_notif *req;
	static size_t req_size;
	struct seccomp_notif_sizes sizes;

	if (!req) {
		if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0)
			return -errno;
		req_size = sizes.seccomp_notif > sizeof(*req)
				   ? sizes.seccomp_notif
				   : sizeof(*req);
		if (!(req = calloc(1, req_size)))
			return -ENOMEM;
	}
	memset(req, 0, req_size); /* the kernel wants it zeroed */
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, req) < 0)
		return -errno;
	return seccomp_answer_notif(plan, listener, reader, req, report);
}

/* Whether a rule of the policy's for name takes the call by its numbers
 * (its string conditions unread): then the monitor answers it. */
static bool rules_take(const struct seccomp_policy *p, const char *name,
		       const __u64 *args)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->rules[i].name, name) == 0 &&
		    rule_holds(&p->rules[i], args, NULL))
			return true;
	return false;
}

/* In the serving reader: a call of the sandbox's alone (no rule takes
 * it) that the view lets go on goes on from here; the rest is the
 * monitor's (refused or predicted writes, grants, the rules). */
static bool serve_call(void *ctx, int listener, struct seccomp_notif *req)
{
	const struct seccomp_plan *plan = ctx;
	struct seccomp_notif_resp *resp = answer_buffer();
	_cleanup_free_ char *name = call_name(req->data.arch, req->data.nr);
	__u64 args[6];

	memcpy(args, req->data.args, sizeof(args));
	if (req->data.arch == AUDIT_ARCH_I386) /* as seccomp_answer_notif */
		for (size_t i = 0; i < 6; i++)
			args[i] &= 0xffffffffu;
	if (!resp || !name || !sandbox_watches(name) ||
	    rules_take(&plan->policy, name, args) ||
	    !sandbox_goes(name, (pid_t)req->pid, args))
		return false;
	resp->id = req->id;
	resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	/* a kernel that cannot let calls go on (before 5.5): the monitor
	 * answers, as it would */
	return send_answer(listener, resp) == 0;
}

/* Linux 6.6's: the caller and the one answering it hand the CPU to each
 * other (WF_CURRENT_CPU) instead of each waiting for a core to be
 * free, which on a busy machine is most of a call's time. */
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

int seccomp_serve(struct seccomp_plan *plan, int listener,
		  struct memreader *reader, struct sh_err *err)
{
	if (!plan->sandbox || !plan->sandbox->report || listener < 0)
		return 0;
	/* older kernels: EINVAL, and the wake-ups are ordinary ones */
	ioctl(listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS,
	      SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP);
	/* the rules in the reader's copy of the plan */
	if (seccomp_plan_rules(plan, err) < 0)
		return -err->errnum;
	return memread_serve(reader, listener, serve_call, plan, err);
}
