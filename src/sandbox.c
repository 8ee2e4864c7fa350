/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "fileio.h"
#include "proc.h"
#include "sandbox-grants.h"

/* What a call does to its path, for the question whether the view
 * refuses it. */
enum call_kind {
	K_OPEN,   /* opens, writing when its flags say so */
	K_CREATE, /* makes a new name: the parent's mount */
	K_REMOVE, /* removes a name: the parent's mount */
	K_MODIFY, /* changes an existing file: its mount */
	K_FD,     /* changes the file an fd names */
};

#define NONE -1
#define AT_CWD_ARG -2 /* no dirfd argument: relative to the cwd */

/* A call's paths: (dirfd arg, path arg) for up to two operands. */
struct watched_call {
	const char *name;
	const char *op; /* Gentoo's name when it is not the call's */
	enum call_kind kind[2];
	signed char dirfd[2], path[2];
	signed char flags; /* the open flags' argument, NONE: fixed below */
	bool nofollow;
};

#define ONE(n, op, k, d, p) { n, op, { k, K_OPEN }, { d, NONE }, { p, NONE }, NONE, false }
#define TWO(n, k1, d1, p1, k2, d2, p2) \
	{ n, NULL, { k1, k2 }, { d1, d2 }, { p1, p2 }, NONE, false }

static const struct watched_call calls[] = {
	{ "open", NULL, { K_OPEN, K_OPEN }, { AT_CWD_ARG, NONE }, { 0, NONE }, 1, false },
	{ "openat", NULL, { K_OPEN, K_OPEN }, { 0, NONE }, { 1, NONE }, 2, false },
	{ "openat2", NULL, { K_OPEN, K_OPEN }, { 0, NONE }, { 1, NONE }, NONE, false },
	ONE("creat", "open_wr_creat", K_OPEN, AT_CWD_ARG, 0),
	ONE("mkdir", NULL, K_CREATE, AT_CWD_ARG, 0),
	ONE("mkdirat", NULL, K_CREATE, 0, 1),
	ONE("mknod", NULL, K_CREATE, AT_CWD_ARG, 0),
	ONE("mknodat", NULL, K_CREATE, 0, 1),
	ONE("symlink", NULL, K_CREATE, AT_CWD_ARG, 1),
	ONE("symlinkat", NULL, K_CREATE, 1, 2),
	ONE("link", NULL, K_CREATE, AT_CWD_ARG, 1),
	ONE("linkat", NULL, K_CREATE, 2, 3),
	ONE("unlink", NULL, K_REMOVE, AT_CWD_ARG, 0),
	ONE("unlinkat", NULL, K_REMOVE, 0, 1),
	ONE("rmdir", NULL, K_REMOVE, AT_CWD_ARG, 0),
	TWO("rename", K_REMOVE, AT_CWD_ARG, 0, K_CREATE, AT_CWD_ARG, 1),
	TWO("renameat", K_REMOVE, 0, 1, K_CREATE, 2, 3),
	TWO("renameat2", K_REMOVE, 0, 1, K_CREATE, 2, 3),
	ONE("chmod", NULL, K_MODIFY, AT_CWD_ARG, 0),
	ONE("fchmodat", NULL, K_MODIFY, 0, 1),
	ONE("fchmodat2", NULL, K_MODIFY, 0, 1),
	ONE("chown", NULL, K_MODIFY, AT_CWD_ARG, 0),
	{ "lchown", NULL, { K_MODIFY, K_OPEN }, { AT_CWD_ARG, NONE }, { 0, NONE }, NONE, true },
	ONE("fchownat", NULL, K_MODIFY, 0, 1),
	ONE("truncate", NULL, K_MODIFY, AT_CWD_ARG, 0),
	ONE("utime", NULL, K_MODIFY, AT_CWD_ARG, 0),
	ONE("utimes", NULL, K_MODIFY, AT_CWD_ARG, 0),
	ONE("utimensat", NULL, K_MODIFY, 0, 1),
	ONE("futimesat", NULL, K_MODIFY, 0, 1),
	ONE("setxattr", NULL, K_MODIFY, AT_CWD_ARG, 0),
	ONE("removexattr", NULL, K_MODIFY, AT_CWD_ARG, 0),
	{ "lsetxattr", NULL, { K_MODIFY, K_OPEN }, { AT_CWD_ARG, NONE }, { 0, NONE }, NONE, true },
	{ "lremovexattr", NULL, { K_MODIFY, K_OPEN }, { AT_CWD_ARG, NONE }, { 0, NONE }, NONE, true },
	ONE("fchmod", NULL, K_FD, 0, NONE),
	ONE("fchown", NULL, K_FD, 0, NONE),
	ONE("fsetxattr", NULL, K_FD, 0, NONE),
	ONE("fremovexattr", NULL, K_FD, 0, NONE),
};

#define N_CALLS (sizeof(calls) / sizeof(calls[0]))

/* open's flags that mean a write (O_TMPFILE needs one of the first two) */
#define WRITE_FLAGS (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC)

static const struct watched_call *find_call(const char *name)
{
	for (size_t i = 0; i < N_CALLS; i++)
		if (strcmp(calls[i].name, name) == 0)
			return &calls[i];
	return NULL;
}

bool sandbox_watches(const char *name)
{
	return find_call(name) != NULL;
}

void sandbox_prepare(struct sandbox *sb, const struct spec *spec)
{
	memset(sb, 0, sizeof(*sb));
	sb->log_fd = -1;
	sb->spec = spec;
	sb->on = spec_sandbox_on(spec);
	sb->report = sb->on && spec->sandbox_report != SANDBOX_REPORT_NO;
	sb->chroot = spec->chroot != NULL;
}

/* ---- the BPF prefix ---------------------------------------------- */

static void emit(struct bpf_program *p, unsigned short code, unsigned char jt,
		 unsigned char jf, uint32_t k)
{
	p->insns[p->len++] = (struct sock_filter){ code, jt, jf, k };
}

/* The low half of argument arg (little-endian: the first word). */
#define ARG_LOW(arg) (offsetof(struct seccomp_data, args) + 8 * (arg))

/* Each watched call of arch: "nr? notify" (with open's flags tested),
 * after a load of the number; allowed at the end when last. */
static void emit_arch_calls(struct bpf_program *p, uint32_t arch, bool last)
{
	emit(p, BPF_LD | BPF_W | BPF_ABS, 0, 0,
	     offsetof(struct seccomp_data, nr));
	for (size_t i = 0; i < N_CALLS; i++) {
		int nr = seccomp_syscall_resolve_name_arch(arch, calls[i].name);

		if (nr < 0)
			continue;
		if (arch == SCMP_ARCH_X32)
			nr |= (int)X32_SYSCALL_BIT;
		if (calls[i].flags == NONE) {
			emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, (uint32_t)nr);
			emit(p, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_USER_NOTIF);
			continue;
		}
		/* the argument loaded only on this call's way, which ends
		 * here: the number stays loaded for the others */
		emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 4, (uint32_t)nr);
		emit(p, BPF_LD | BPF_W | BPF_ABS, 0, 0,
		     (uint32_t)ARG_LOW(calls[i].flags));
		emit(p, BPF_JMP | BPF_JSET | BPF_K, 0, 1, WRITE_FLAGS);
		emit(p, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_USER_NOTIF);
		emit(p, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW);
	}
	if (last)
		emit(p, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW);
}

/* Laid out as: arch i386? to its calls; x86-64? to its calls, then
 * x32's (their numbers carry the x32 bit); else allowed. */
int sandbox_bpf(struct bpf_program *out, struct sh_err *err)
{
	size_t jump;

	out->len = 0;
	out->insns = calloc(16 + 3 * (N_CALLS * 5 + 2), sizeof(*out->insns));
	if (!out->insns)
		return err_set(err, STAGE_SECCOMP, ENOMEM, "out of memory");
	emit(out, BPF_LD | BPF_W | BPF_ABS, 0, 0,
	     offsetof(struct seccomp_data, arch));
	emit(out, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, AUDIT_ARCH_I386);
	jump = out->len;
	emit(out, BPF_JMP | BPF_JA, 0, 0, 0); /* to i386's, below */
	emit(out, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, AUDIT_ARCH_X86_64);
	emit(out, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW);
	emit_arch_calls(out, SCMP_ARCH_X86_64, false);
	emit_arch_calls(out, SCMP_ARCH_X32, true);
	out->insns[jump].k = (uint32_t)(out->len - jump - 1);
	emit_arch_calls(out, SCMP_ARCH_X86, true);
	return 0;
}

/* ---- in the reader: what the view does to a path -------------------- */

struct judge_in {
	enum call_kind kind;
	int dirfd;  /* AT_FDCWD, or the command's fd */
	int oflags; /* K_OPEN's */
	bool nofollow;
	char path[PATH_MAX];
};

enum { GOES, REFUSED };

/* The reader's answer for a call: the verdict alone when it goes
 * (offsetof(struct judge_out, path) bytes), the refused operand's paths
 * and the command line too when refused. */
struct judge_out {
	int verdict;
	int oflags;         /* the open flags worked out (K_OPEN) */
	char path[PATH_MAX]; /* as passed */
	char abs[PATH_MAX];
	char canon[PATH_MAX];
	uint32_t cmdline_len;
	char cmdline[4096];
};

/* The job's input: the call (calls[call]) and its arguments. */
struct call_in {
	uint32_t call;
	__u64 args[6];
};

static void fd_path(int fd, char *buf, size_t size)
{
	char link[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, buf, size - 1);
	buf[n < 0 ? 0 : n] = '\0';
}

static bool on_readonly_mount(int fd)
{
	struct statvfs st;

	return fstatvfs(fd, &st) == 0 && (st.f_flag & ST_RDONLY);
}

/* The directory a relative path starts from, as the command sees it:
 * its cwd or the directory of dirfd (readlink of /proc/PID/cwd gives
 * the path in the command's own view). */
static bool absolute_path(pid_t pid, const struct judge_in *in, char *abs)
{
	char link[64], base[PATH_MAX];
	ssize_t n;

	if (in->path[0] == '/')
		return snprintf(abs, PATH_MAX, "%s", in->path) < PATH_MAX;
	if (in->dirfd == AT_FDCWD)
		snprintf(link, sizeof(link), "/proc/%d/cwd", (int)pid);
	else
		snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)pid,
			 in->dirfd);
	n = readlink(link, base, sizeof(base) - 1);
	if (n <= 0 || base[0] != '/')
		return false;
	base[n] = '\0';
	return snprintf(abs, PATH_MAX, "%s%s%s", base,
			n > 1 ? "/" : "", in->path) < PATH_MAX;
}

/* /proc/self and /proc/thread-self name the command, not us: our own
 * /proc's entry of it (magic links followed, as for the command). */
static bool proc_self_path(pid_t pid, const char *abs, char *out)
{
	static const char *const selves[] = { "/proc/self/",
					      "/proc/thread-self/" };

	for (size_t i = 0; i < 2; i++) {
		size_t len = strlen(selves[i]);

		if (strncmp(abs, selves[i], len) == 0)
			return snprintf(out, PATH_MAX, "/proc/%d/%s", (int)pid,
					abs + len) < PATH_MAX;
	}
	return false;
}

/* path from root (the command's /proc/PID/root), as the command's
 * lookup goes (RESOLVE_IN_ROOT); root -1: our own lookup (for the
 * command's /proc/PID links). */
static int lookup(int root, const char *path, bool follow, bool dir)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW) |
			 (dir ? O_DIRECTORY : 0),
		.resolve = root >= 0 ? RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS
				     : 0,
	};

	return (int)syscall(SYS_openat2, root >= 0 ? root : AT_FDCWD, path,
			    &how, sizeof(how));
}

/* The fd whose mount decides whether the view refuses in's call (its
 * parent or its target, -1 for the target when it does not exist), or
 * -1 when the kernel fails the call before any mount counts: a device,
 * a pipe or a socket opens on a read-only mount, a directory fails with
 * EISDIR, an existing O_EXCL file with EEXIST, a name made that exists
 * with EEXIST, one removed that does not with ENOENT. */
static int deciding_fd(const struct judge_in *in, int parent, int target)
{
	struct stat st;

	switch (in->kind) {
	case K_OPEN:
		if (target < 0)
			return in->oflags & O_CREAT ? parent : -1;
		if (fstat(target, &st) < 0 || !S_ISREG(st.st_mode) ||
		    ((in->oflags & O_CREAT) && (in->oflags & O_EXCL)))
			return -1;
		return target;
	case K_CREATE:
		return target < 0 ? parent : -1;
	case K_REMOVE:
		return target >= 0 ? parent : -1;
	case K_MODIFY:
	case K_FD:
		return target;
	}
	return -1;
}

/* The mount id of fd (/proc/self/fdinfo: any kernel, any libc), -1. */
static int mount_id(int fd)
{
	char name[32], info[1024], *at;

	snprintf(name, sizeof(name), "%d", fd);
	if (read_file_at("/proc/self/fdinfo", name, info, sizeof(info)) < 0 ||
	    !(at = strstr(info, "mnt_id:")))
		return -1;
	return atoi(at + 7);
}

/* Whether a call that the view lets go on, decided on fd (writable),
 * is on the mount of an ancestor widened for grants of paths not made
 * yet (sandbox-grants.h) and canon, its canonical path, below none of
 * those grants: then refused as the view would have. */
static bool outside_grants(pid_t pid, int fd, const char *canon)
{
	char root_link[64];
	_cleanup_close_ int root = -1;
	const char *ancestor, *prefix;
	bool on_one = false;
	int mnt = -2;

	for (size_t i = 0; i < SANDBOX_PARTIAL_MAX; i++) {
		_cleanup_close_ int anc = -1;

		if (!sandbox_partial(i, &ancestor, &prefix))
			continue;
		if (mnt == -2) {
			snprintf(root_link, sizeof(root_link), "/proc/%d/root",
				 (int)pid);
			root = open(root_link, O_PATH | O_DIRECTORY | O_CLOEXEC);
			mnt = mount_id(fd);
		}
		if (root < 0 || mnt < 0)
			return false; /* the kernel decides */
		if ((anc = lookup(root, ancestor, true, true)) < 0 ||
		    mount_id(anc) != mnt)
			continue;
		if (sandbox_covers(prefix, strlen(prefix), canon))
			return false;
		on_one = true;
	}
	return on_one;
}

/* The canonical path of a call on abs: the target's (tfd) when it
 * exists, else its parent's (pfd) with the last name. */
static void canonical(int pfd, int tfd, const char *last, char *canon)
{
	size_t len;

	if (tfd >= 0) {
		fd_path(tfd, canon, PATH_MAX);
		return;
	}
	fd_path(pfd, canon, PATH_MAX - NAME_MAX - 2);
	len = strlen(canon);
	if (len > 1)
		canon[len++] = '/';
	snprintf(canon + len, NAME_MAX + 1, "%.*s", (int)strcspn(last, "/"),
		 last);
}

/* The verdict on a call decided on fd (deciding_fd; -1: it goes), its
 * canonical path into out when refused (last: the name below pfd when
 * the target tfd does not exist; NULL: fd is the target). */
static int judge_on(pid_t pid, int fd, int pfd, int tfd, const char *last,
		    struct judge_out *out)
{
	bool refused;

	if (fd < 0)
		return GOES;
	refused = on_readonly_mount(fd);
	if (!refused && !sandbox_partial_any())
		return GOES;
	if (last)
		canonical(pfd, tfd, last, out->canon);
	else
		fd_path(tfd, out->canon, sizeof(out->canon));
	if (!refused && !outside_grants(pid, fd, out->canon))
		return GOES;
	if (!last)
		memcpy(out->abs, out->canon, sizeof(out->abs));
	return REFUSED;
}

/* In the reader: whether the view refuses in's call; when it does, the
 * path made absolute and canonical in out (else out->abs only may be
 * written). Whatever cannot be worked out goes on (the kernel decides:
 * nothing is widened by it, only left unreported): -errno. */
static int judge_path(pid_t pid, const struct judge_in *in,
		      struct judge_out *out)
{
	char root_link[64], parent[PATH_MAX], own[PATH_MAX], *slash;
	_cleanup_close_ int root = -1, pfd = -1, tfd = -1;
	const char *abs = out->abs, *last;
	bool follow = !in->nofollow && in->kind != K_CREATE &&
		      in->kind != K_REMOVE;

	if (in->kind == K_OPEN && (in->oflags & O_NOFOLLOW))
		follow = false;
	if (in->kind == K_FD) {
		snprintf(own, sizeof(own), "/proc/%d/fd/%d", (int)pid,
			 in->dirfd);
		if ((tfd = open(own, O_PATH | O_CLOEXEC)) < 0)
			return -errno;
		return judge_on(pid, tfd, -1, tfd, NULL, out);
	}
	if (!absolute_path(pid, in, out->abs))
		return -ENOENT;
	if (proc_self_path(pid, out->abs, own)) {
		abs = own; /* ours: looked up without a root */
	} else {
		snprintf(root_link, sizeof(root_link), "/proc/%d/root",
			 (int)pid);
		if ((root = open(root_link, O_PATH | O_DIRECTORY | O_CLOEXEC)) <
		    0)
			return -errno;
	}
	memcpy(parent, abs, strlen(abs) + 1);
	while ((slash = strrchr(parent, '/')) && slash[1] == '\0' &&
	       slash != parent)
		*slash = '\0'; /* "a/b/" is "a/b" */
	slash = strrchr(parent, '/');
	last = abs + (slash - parent) + 1;
	if (!slash || !*last || strcmp(last, ".") == 0 ||
	    strcmp(last, "..") == 0)
		return -EINVAL; /* "/", "x/.", "x/..": EEXIST, EBUSY... */
	slash[slash == parent ? 1 : 0] = '\0';
	if ((pfd = lookup(root, parent, true, true)) < 0)
		return -errno; /* ENOENT, ENOTDIR: the kernel says so */
	tfd = lookup(root, abs, follow, false);
	return judge_on(pid, deciding_fd(in, pfd, tfd), pfd, tfd, last, out);
}

/* /proc/PID/stat's fields from arg_start on (48..51: arg_start,
 * arg_end, env_start, env_end): reading it does not touch the
 * process's memory. */
static bool mem_areas(pid_t pid, unsigned long long area[4])
{
	char path[64], buf[4096], *p;
	_cleanup_close_ int fd = -1;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 ||
	    (n = read(fd, buf, sizeof(buf) - 1)) <= 0)
		return false;
	buf[n] = '\0';
	if (!(p = strrchr(buf, ')')))
		return false;
	/* after ")" comes field 3 */
	for (int field = 2; field < 48 && p; field++)
		p = strchr(p + 1, ' ');
	return p && sscanf(p, " %llu %llu %llu %llu", &area[0], &area[1],
			   &area[2], &area[3]) == 4;
}

/* The job: the command line, NUL-separated, at most out_size bytes. */
static ssize_t cmdline_job(pid_t pid, const void *in, size_t in_len,
			   void *out, size_t out_size)
{
	unsigned long long area[4];
	size_t len;

	(void)in;
	(void)in_len;
	if (!mem_areas(pid, area) || area[1] <= area[0])
		return -ENOENT;
	len = area[1] - area[0];
	return memread_bytes(pid, area[0], out,
			     len < out_size ? len : out_size);
}

/* The job: "SANDBOX_WRITE=...\0SANDBOX_PREDICT=...\0" (those present)
 * from the environment the process started with (what portage's
 * addwrite exports reaches the processes started after it). */
static ssize_t env_job(pid_t pid, const void *in, size_t in_len, void *vout,
		       size_t out_size)
{
	static const char *const names[] = { "SANDBOX_WRITE=",
					     "SANDBOX_PREDICT=" };
	unsigned long long area[4];
	_cleanup_free_ char *env = NULL;
	size_t len, got = 0, made = 0;
	char *out = vout;

	(void)in;
	(void)in_len;
	if (!mem_areas(pid, area) || area[3] <= area[2] ||
	    (len = area[3] - area[2]) > (64u << 20) ||
	    !(env = malloc(len + 1)))
		return -ENOENT;
	while (got < len) {
		size_t want = len - got < MEMREAD_JOB_OUT ? len - got
							  : MEMREAD_JOB_OUT;
		ssize_t n = memread_bytes(pid, area[2] + got, env + got, want);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	env[got] = '\0';
	for (char *v = env; v < env + got; v += strlen(v) + 1)
		for (size_t i = 0; i < 2; i++) {
			size_t vlen = strlen(v) + 1;

			if (strncmp(v, names[i], strlen(names[i])) != 0 ||
			    made + vlen > out_size)
				continue;
			memcpy(out + made, v, vlen);
			made += vlen;
		}
	return (ssize_t)made;
}

/* The NUL-terminated string at addr in pid into buf (PATH_MAX bytes
 * with the NUL): whether it was read. */
static bool read_path(pid_t pid, uint64_t addr, char *buf)
{
	ssize_t n = memread_bytes(pid, addr, buf, PATH_MAX);

	return n > 0 && memchr(buf, '\0', (size_t)n) != NULL;
}

/* open's flags: an argument, or openat2's struct open_how (its first
 * field) from pid's memory; creat's are fixed. -1: unread. */
static long open_flags(const struct watched_call *c, pid_t pid,
		       const __u64 *args)
{
	uint64_t how_flags;

	if (strcmp(c->name, "creat") == 0)
		return O_CREAT | O_WRONLY | O_TRUNC;
	if (c->flags != NONE)
		return (long)(uint32_t)args[(int)c->flags];
	if (memread_bytes(pid, args[2], &how_flags, sizeof(how_flags)) !=
	    sizeof(how_flags))
		return -1;
	return (long)(uint32_t)how_flags;
}

/* The job: whether the view refuses the call in (struct call_in) of
 * pid, all of it in one go: its flags and paths read from pid's memory,
 * each operand judged. Out: the verdict alone when the call goes (or
 * cannot be worked out: the kernel decides); the refused operand's
 * paths and pid's command line when refused. */
static ssize_t judge_job(pid_t pid, const void *vin, size_t in_len,
			 void *vout, size_t out_size)
{
	const struct call_in *ci = vin;
	struct judge_out *out = vout;
	const struct watched_call *c;
	struct judge_in in;
	const ssize_t goes = offsetof(struct judge_out, path);
	long oflags = 0;
	ssize_t n;

	if (in_len != sizeof(*ci) || out_size < sizeof(*out) ||
	    ci->call >= N_CALLS)
		return -EINVAL;
	c = &calls[ci->call];
	out->verdict = GOES;
	if (c->kind[0] == K_OPEN &&
	    ((oflags = open_flags(c, pid, ci->args)) < 0 ||
	     !(oflags & WRITE_FLAGS) || (oflags & O_PATH)))
		return goes;
	out->oflags = (int)oflags;
	for (int op = 0; op < 2 && c->path[op] != NONE; op++) {
		in.kind = c->kind[op];
		in.oflags = (int)oflags;
		in.nofollow = c->nofollow;
		in.dirfd = c->dirfd[op] == AT_CWD_ARG
				   ? AT_FDCWD
				   : (int)(int32_t)ci->args[(int)c->dirfd[op]];
		if (c->kind[op] == K_FD)
			in.path[0] = '\0';
		else if (!read_path(pid, ci->args[(int)c->path[op]], in.path))
			return goes; /* unread: the kernel decides, unreported */
		else if (!in.path[0] && strcmp(c->name, "utimensat") == 0)
			in.kind = K_FD; /* utimensat(fd, NULL, ...) */
		if (judge_path(pid, &in, out) != REFUSED)
			continue;
		out->verdict = REFUSED;
		memcpy(out->path, in.path, strlen(in.path) + 1);
		n = cmdline_job(pid, NULL, 0, out->cmdline,
				sizeof(out->cmdline));
		out->cmdline_len = n > 0 ? (uint32_t)n : 0;
		return (ssize_t)(offsetof(struct judge_out, cmdline) +
				 out->cmdline_len);
	}
	return goes;
}

/* ---- in the monitor ------------------------------------------------ */

static bool list_covers(const struct strv *list, const char *path)
{
	for (size_t i = 0; i < list->n; i++)
		if (sandbox_covers(list->v[i], strlen(list->v[i]), path))
			return true;
	return false;
}

/* The entry of a colon-separated variable's value that covers path, into
 * buf, or false. */
static bool var_covers(const char *value, const char *path, char *buf,
		       size_t size)
{
	for (const char *p = value; *p;) {
		size_t len = strcspn(p, ":");

		if (sandbox_covers(p, len, path) && len < size) {
			memcpy(buf, p, len);
			buf[len] = '\0';
			return true;
		}
		p += len + (p[len] == ':');
	}
	return false;
}

static const char log_header[] =
	"VERSION 1.0\n"
	"FORMAT: F - Function called\n"
	"FORMAT: S - Access Status\n"
	"FORMAT: P - Path as passed to function\n"
	"FORMAT: A - Absolute Path (not canonical)\n"
	"FORMAT: R - Canonical Path\n"
	"FORMAT: C - Command Line\n";

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The record of v as Gentoo's sandbox writes it: into fd; the command
 * line's NULs as spaces when readable (the summary on a terminal). */
static int write_record(int fd, const struct sandbox_violation *v,
			bool readable)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int r;

	if (!f)
		return -ENOMEM;
	fprintf(f, "\nF: %s\nS: deny\nP: %s\nA: %s\nR: %s\nC: ", v->op,
		v->path, v->abs, v->canon);
	for (size_t i = 0; i < v->cmdline_len; i++)
		fputc(readable && !v->cmdline[i] ? ' ' : v->cmdline[i], f);
	fputc('\n', f);
	if (fclose(f) != 0) {
		free(text);
		return -ENOMEM;
	}
	r = write_all(fd, text, len);
	free(text);
	return r;
}

/* The log, opened on the first violation: appended to, never followed
 * through a link or into anything but a regular file (the command may
 * write where it lies: a FIFO there would hold the monitor). */
static int log_violation(struct sandbox *sb, const struct sandbox_violation *v)
{
	struct stat st;

	if (!sb->spec->sandbox_log)
		return 0;
	if (sb->log_fd < 0) {
		sb->log_fd = open(sb->spec->sandbox_log,
				  O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW |
					  O_NONBLOCK | O_CLOEXEC,
				  0644);
		if (sb->log_fd < 0)
			return -errno;
		if (fstat(sb->log_fd, &st) < 0 || !S_ISREG(st.st_mode)) {
			cleanup_closep(&sb->log_fd);
			return -EINVAL;
		}
		if (st.st_size == 0 &&
		    write_all(sb->log_fd, log_header, sizeof(log_header) - 1) <
			    0)
			return -errno;
	}
	return write_record(sb->log_fd, v, false);
}

static const char *op_name(const struct watched_call *c, int oflags)
{
	if (c->op)
		return c->op;
	if (c->kind[0] != K_OPEN)
		return c->name;
	if (oflags & O_CREAT)
		return oflags & (O_WRONLY | O_RDWR) ? "open_wr_creat"
						    : "open_rd_creat";
	return "open_wr";
}

static char *dup_or_empty(const char *s)
{
	char *d = strdup(s ? s : "");

	return d;
}

/* A refused call's record, its log entry. */
static void note_violation(struct sandbox *sb, const char *op, pid_t pid,
			   const struct judge_out *j,
			   struct sandbox_report *rep)
{
	struct sandbox_violation v = { .pid = pid };
	int r;

	snprintf(v.op, sizeof(v.op), "%s", op);
	v.path = (char *)j->path;
	v.abs = (char *)j->abs;
	v.canon = (char *)j->canon;
	v.cmdline = (char *)j->cmdline;
	v.cmdline_len = j->cmdline_len;
	rep->violation_count++;
	if ((r = log_violation(sb, &v)) < 0 && !rep->log_errno)
		rep->log_errno = -r;
	if (rep->n_violations == SANDBOX_LIST_MAX)
		return;
	v.path = dup_or_empty(j->path);
	v.abs = dup_or_empty(j->abs);
	v.canon = dup_or_empty(j->canon);
	v.cmdline = malloc(v.cmdline_len + 1);
	if (!v.path || !v.abs || !v.canon || !v.cmdline) {
		free(v.path);
		free(v.abs);
		free(v.canon);
		free(v.cmdline);
		return;
	}
	memcpy(v.cmdline, j->cmdline, v.cmdline_len);
	rep->violations[rep->n_violations++] = v;
}

static void note_grant(bool predict, const char *prefix, const char *canon,
		       pid_t pid, struct sandbox_report *rep)
{
	struct sandbox_grant *g = &rep->grants[rep->n_grants];

	rep->grant_count++;
	if (rep->n_grants == SANDBOX_LIST_MAX)
		return;
	g->predict = predict;
	g->pid = pid;
	g->prefix = strdup(prefix);
	g->path = strdup(canon);
	if (!g->prefix || !g->path) {
		free(g->prefix);
		free(g->path);
		return;
	}
	rep->n_grants++;
}

/* A call the view refuses: 0 when a grant of the calling process's
 * environment lets it go on (the view widened), else EACCES: silent
 * when predicted (here or by the process's SANDBOX_PREDICT). */
static int refused(struct sandbox *sb, struct memreader *reader,
		   const char *op, pid_t pid, const struct judge_out *j,
		   struct sandbox_report *rep)
{
	_cleanup_free_ char *env = NULL;
	char prefix[PATH_MAX];
	struct sh_err err = { 0 };
	ssize_t n = 0;

	if (list_covers(&sb->spec->sandbox_predict, j->canon)) {
		rep->predicted++;
		return EACCES;
	}
	if (sb->spec->sandbox_grants && (env = malloc(MEMREAD_JOB_OUT + 1)))
		n = memread_run(reader, env_job, pid, NULL, 0, env,
				MEMREAD_JOB_OUT, &err);
	for (char *v = env; n > 0 && v < env + n; v += strlen(v) + 1) {
		bool write = strncmp(v, "SANDBOX_WRITE=", 14) == 0;
		const char *value = strchr(v, '=') + 1;

		env[n] = '\0';
		if (!var_covers(value, j->canon, prefix, sizeof(prefix)))
			continue;
		if (write && (sb->root_view ||
			      !sandbox_widen_for(sb, prefix, j->canon)))
			continue; /* not granted: reported below */
		note_grant(!write, prefix, j->canon, pid, rep);
		if (!write)
			rep->predicted++;
		return write ? 0 : EACCES;
	}
	note_violation(sb, op, pid, j, rep);
	return EACCES;
}

int sandbox_answer(struct sandbox *sb, struct memreader *reader,
		   const char *name, pid_t pid, const __u64 *args,
		   struct sandbox_report *rep)
{
	/* the monitor is one thread: a call's buffers are had once */
	static struct judge_out out;
	const struct watched_call *c = find_call(name);
	struct call_in in = { 0 };
	struct sh_err err = { 0 };
	ssize_t n;

	if (!c)
		return 0;
	in.call = (uint32_t)(c - calls);
	memcpy(in.args, args, sizeof(in.args));
	n = memread_run(reader, judge_job, pid, &in, sizeof(in), &out,
			sizeof(out), &err);
	if (n < (ssize_t)offsetof(struct judge_out, cmdline) ||
	    out.verdict != REFUSED)
		return 0; /* goes, or unread: the kernel decides */
	return refused(sb, reader, op_name(c, out.oflags), pid, &out, rep);
}

bool sandbox_goes(const char *name, pid_t pid, const __u64 *args)
{
	/* the reader is one thread too */
	static struct judge_out out;
	const struct watched_call *c = find_call(name);
	struct call_in in = { 0 };

	if (!c)
		return false;
	in.call = (uint32_t)(c - calls);
	memcpy(in.args, args, sizeof(in.args));
	return judge_job(pid, &in, sizeof(in), &out, sizeof(out)) > 0 &&
	       out.verdict == GOES;
}

void sandbox_summary(const struct sandbox *sb,
		     const struct sandbox_report *rep)
{
	const char *log = sb->spec->sandbox_log;

	if (!rep->violation_count)
		return;
	dprintf(2, "--------------------------- SANDBOX ACCESS VIOLATION "
		   "SUMMARY ---------------------------\n");
	dprintf(2, "LOG FILE: \"%s\"\n", log ? log : "(none: no --sandbox-log)");
	for (size_t i = 0; i < rep->n_violations; i++)
		write_record(2, &rep->violations[i], true);
	if (rep->violation_count > rep->n_violations)
		dprintf(2, "\n(%lu more, not listed)\n",
			rep->violation_count - rep->n_violations);
	dprintf(2, "-------------------------------------------------------"
		   "-------------------------\n");
}

void sandbox_report_clear(struct sandbox_report *rep)
{
	for (size_t i = 0; i < rep->n_violations; i++) {
		free(rep->violations[i].path);
		free(rep->violations[i].abs);
		free(rep->violations[i].canon);
		free(rep->violations[i].cmdline);
	}
	for (size_t i = 0; i < rep->n_grants; i++) {
		free(rep->grants[i].prefix);
		free(rep->grants[i].path);
	}
	*rep = (struct sandbox_report){ .on = rep->on,
					.reported = rep->reported };
}

void sandbox_close(struct sandbox *sb)
{
	cleanup_closep(&sb->log_fd);
	sandbox_grants_close();
}
