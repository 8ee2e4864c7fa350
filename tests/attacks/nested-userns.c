/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nested-userns: run as the sandboxed command, tries to make namespaces
 * of its own and, in a user namespace, to leave a setgid directory or
 * file on the host through an overlay copy-up, which the kernel does with
 * the mode of the lower file while seccomp sees no chmod. Each step prints
 * one line, "STEP: ok" when it worked or "STEP: ERRNAME" when the kernel
 * (or the filter) refused it; the suite passes a case when the step it
 * asked about was refused.
 *
 * Usage: nested-userns [--overlay LOWER UPPER WORK MERGED] STEP...
 *   unshare-KIND    unshare(CLONE_NEWKIND) in a child
 *   clone-KIND      clone(CLONE_NEWKIND | SIGCHLD), the raw syscall
 *   clone3-KIND     clone3 with CLONE_NEWKIND in its flags
 *   x32-unshare-KIND, x32-clone-KIND     the same as x32 calls
 *   i386-unshare-KIND, i386-clone-KIND   the same by int 0x80 (i386)
 * KIND is user, mount, net, ipc, uts, pid or cgroup. An i386 step where
 * int 0x80 does not work prints "STEP: unsupported".
 *
 * With --overlay, a step that made a user namespace goes on in it:
 *   "STEP maps: ..."     setgroups deny, uid and gid maps "0 ID 1"
 *   "STEP overlay: ..."  a mount namespace and an overlay of LOWER (which
 *                        holds a setgid directory `sgid` and a setgid
 *                        file `sgid-file`) with UPPER and WORK on MERGED
 *   "STEP copy-up: ..."  a file created in MERGED/sgid and the times of
 *                        MERGED/sgid-file set: both copied up into UPPER,
 *                        on the host, whose modes it prints ("2777 2755")
 *
 * No dependencies beyond libc. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_clone3
#define SYS_clone3 435
#endif

static const struct {
	const char *name;
	unsigned long flag;
} kinds[] = {
	{ "user", CLONE_NEWUSER }, { "mount", CLONE_NEWNS },
	{ "net", CLONE_NEWNET },   { "ipc", CLONE_NEWIPC },
	{ "uts", CLONE_NEWUTS },   { "pid", CLONE_NEWPID },
	{ "cgroup", CLONE_NEWCGROUP },
};

#define X32_BIT 0x40000000L
#define I386_CLONE 120
#define I386_UNSHARE 310

/* struct clone_args of <linux/sched.h>, version 0 */
struct clone_args_v0 {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack,
		stack_size, tls;
};

static const char *lower, *upper, *work, *merged;

static void report(const char *step, const char *what, int r)
{
	printf("%s%s%s: %s\n", step, *what ? " " : "", what,
	       r == 0 ? "ok" : strerrorname_np(errno));
	fflush(stdout);
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), r;

	if (fd < 0)
		return -1;
	r = write(fd, text, strlen(text)) == (ssize_t)strlen(text) ? 0 : -1;
	close(fd);
	return r;
}

/* In a new user namespace: map ourselves to 0 (the ids we had), then
 * the overlay and its copy-ups. */
static int maps(uid_t uid, gid_t gid)
{
	char map[64];

	if (write_file("/proc/self/setgroups", "deny") < 0 && errno != ENOENT)
		return -1;
	snprintf(map, sizeof(map), "0 %u 1", (unsigned)uid);
	if (write_file("/proc/self/uid_map", map) < 0)
		return -1;
	snprintf(map, sizeof(map), "0 %u 1", (unsigned)gid);
	return write_file("/proc/self/gid_map", map);
}

static int overlay(void)
{
	char options[4096];

	if (unshare(CLONE_NEWNS) < 0 ||
	    mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return -1;
	snprintf(options, sizeof(options),
		 "lowerdir=%s,upperdir=%s,workdir=%s,userxattr", lower, upper,
		 work);
	return mount("overlay", merged, "overlay", 0, options);
}

static void copy_up(const char *step)
{
	char path[4096];
	struct stat dir, file;
	int fd;

	snprintf(path, sizeof(path), "%s/sgid/new", merged);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0)
		close(fd);
	snprintf(path, sizeof(path), "%s/sgid-file", merged);
	if (fd < 0 || utimes(path, NULL) < 0) {
		report(step, "copy-up", -1);
		return;
	}
	snprintf(path, sizeof(path), "%s/sgid", upper);
	if (stat(path, &dir) < 0) {
		report(step, "copy-up", -1);
		return;
	}
	snprintf(path, sizeof(path), "%s/sgid-file", upper);
	if (stat(path, &file) < 0) {
		report(step, "copy-up", -1);
		return;
	}
	printf("%s copy-up: %o %o\n", step, (unsigned)(dir.st_mode & 07777),
	       (unsigned)(file.st_mode & 07777));
	fflush(stdout);
}

/* The child's part, in its new namespace(s). */
static int in_child(const char *step, unsigned long flag, uid_t uid,
		    gid_t gid)
{
	if (!(flag & CLONE_NEWUSER) || !lower)
		return 0;
	report(step, "maps", maps(uid, gid));
	report(step, "overlay", overlay());
	copy_up(step);
	return 0;
}

/* An i386 call from this 64-bit process, as syscall() returns. */
static long int80(long nr, long a, long b)
{
#if defined(__x86_64__)
	long r;

	__asm__ volatile("int $0x80"
			 : "=a"(r)
			 : "a"(nr), "b"(a), "c"(b), "d"(0L), "S"(0L), "D"(0L)
			 : "memory", "r8", "r9", "r10", "r11");
	if (r < 0 && r > -4096) {
		errno = (int)-r;
		return -1;
	}
	return r;
#else
	(void)nr, (void)a, (void)b;
	errno = ENOSYS;
	return -1;
#endif
}

/* Whether int 0x80 works here at all (a kernel without i386 emulation
 * answers it with SIGSEGV): tried once, in a child. */
static bool int80_works(void)
{
	static int works = -1;
	int status;
	pid_t pid;

	if (works >= 0)
		return works;
	pid = fork();
	if (pid == 0)
		_exit(int80(20 /* getpid */, 0, 0) > 0 ? 0 : 1);
	works = pid > 0 && waitpid(pid, &status, 0) == pid &&
		WIFEXITED(status) && WEXITSTATUS(status) == 0;
	return works;
}

/* unshare(flag) as an x32 or i386 call, in a child. */
static pid_t unshare_abi(const char *step, const char *abi,
			 unsigned long flag)
{
	pid_t pid = fork();
	long r;

	if (pid != 0)
		return pid;
	r = strcmp(abi, "x32") == 0
		    ? syscall(X32_BIT | SYS_unshare, flag)
		    : int80(I386_UNSHARE, (long)flag, 0);
	if (r < 0) {
		report(step, "", -1);
		_exit(0);
	}
	return 0;
}

/* The same for clone, whose child goes on on a copy of our stack. */
static pid_t clone_abi(const char *abi, unsigned long flag)
{
	if (strcmp(abi, "x32") == 0)
		return (pid_t)syscall(X32_BIT | SYS_clone, flag | SIGCHLD,
				      NULL, NULL, NULL, 0UL);
	return (pid_t)int80(I386_CLONE, (long)(flag | SIGCHLD), 0);
}

/* A child in the namespace: 0 in the child, its pid in the parent, -1
 * (errno) when refused, -2 when the ABI does not work here (said so). */
static pid_t make(const char *step, const char *how, unsigned long flag)
{
	pid_t pid;

	if (strncmp(how, "x32-", 4) == 0 || strncmp(how, "i386-", 5) == 0) {
		char abi[8];

		snprintf(abi, sizeof(abi), "%.*s", (int)strcspn(how, "-"),
			 how);
		how += strlen(abi) + 1;
		if (strcmp(abi, "i386") == 0 && !int80_works()) {
			printf("%s: unsupported\n", step);
			return -2;
		}
		return strcmp(how, "unshare") == 0
			       ? unshare_abi(step, abi, flag)
			       : clone_abi(abi, flag);
	}
	if (strcmp(how, "unshare") == 0) {
		pid = fork();
		if (pid == 0 && unshare((int)flag) < 0) {
			report(step, "", -1);
			_exit(0);
		}
		return pid;
	}
	if (strcmp(how, "clone") == 0)
		/* x86: flags, stack, parent_tid, child_tid, tls; a NULL
		 * stack: the child goes on on a copy of ours, as fork */
		return (pid_t)syscall(SYS_clone, flag | SIGCHLD, NULL, NULL,
				      NULL, 0UL);
	/* the flags in a struct, which seccomp cannot read */
	return (pid_t)syscall(SYS_clone3,
			      &(struct clone_args_v0){ .flags = flag,
						       .exit_signal = SIGCHLD },
			      sizeof(struct clone_args_v0));
}

static int run_step(const char *step)
{
	const char *dash = strrchr(step, '-');
	char how[32];
	uid_t uid = geteuid();
	gid_t gid = getegid();
	int status;
	pid_t pid;

	if (!dash || (size_t)(dash - step) >= sizeof(how))
		return -1;
	memcpy(how, step, (size_t)(dash - step));
	how[dash - step] = '\0';
	if (strcmp(how, "unshare") && strcmp(how, "clone") &&
	    strcmp(how, "clone3") && strcmp(how, "x32-unshare") &&
	    strcmp(how, "x32-clone") && strcmp(how, "i386-unshare") &&
	    strcmp(how, "i386-clone"))
		return -1;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (strcmp(kinds[i].name, dash + 1) != 0)
			continue;
		fflush(stdout);
		pid = make(step, how, kinds[i].flag);
		if (pid == 0) {
			report(step, "", 0);
			_exit(in_child(step, kinds[i].flag, uid, gid));
		}
		if (pid == -2)
			return 0;
		if (pid < 0)
			report(step, "", -1);
		else
			waitpid(pid, &status, 0);
		return 0;
	}
	return -1;
}

int main(int argc, char **argv)
{
	int i = 1;

	if (argc > 5 && strcmp(argv[1], "--overlay") == 0) {
		lower = argv[2];
		upper = argv[3];
		work = argv[4];
		merged = argv[5];
		i = 6;
	}
	for (; i < argc; i++)
		if (run_step(argv[i]) < 0) {
			fprintf(stderr, "nested-userns: unknown step `%s`\n",
				argv[i]);
			return 2;
		}
	return 0;
}
