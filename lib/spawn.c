/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Starting the helper with posix_spawn (never fork in the caller: safe in
 * a threaded process) and waiting for it. */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "signals.h"
#include "libspawnhelper.h"
#include "options.h"

extern char **environ;

const char *helper_path(void)
{
	const char *path = secure_getenv("SPAWNHELPER_PATH");

	return path && *path ? path : BINDIR "/spawn-helper";
}

/* Seal the written spec: nobody holding the memfd can write, grow or
 * shrink it after us, so the helper reads what was written. Sealing is
 * hardening, not a condition: where the kernel refuses it, the spec goes
 * unsealed. */
static void seal_spec(int memfd)
{
	(void)fcntl(memfd, F_ADD_SEALS,
		    F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
}

/* The spec's tokens, NUL-terminated, in a sealed memfd the helper reads
 * as --spec-fd: no pipe to fill, however large the environment. */
static int write_spec(const struct spec *spec, int *fd)
{
	_cleanup_strv_ struct strv tokens = { 0 };
	_cleanup_close_ int memfd = memfd_create(
		"spawnhelper-spec", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	int r;

	/* a kernel or a filter that knows no sealing */
	if (memfd < 0 && errno == EINVAL)
		memfd = memfd_create("spawnhelper-spec", MFD_CLOEXEC);
	if (memfd < 0)
		return -errno;
	if ((r = spec_emit(spec, &tokens)) < 0)
		return r;
	/* the helper reads no more: refuse here, where the caller hears it,
	 * not in a helper that has no status fd yet */
	for (size_t i = 0, size = 0; i < tokens.n; i++)
		if ((size += strlen(tokens.v[i]) + 1) > SPEC_MAX_BYTES)
			return -E2BIG;
	for (size_t i = 0; i < tokens.n; i++) {
		size_t len = strlen(tokens.v[i]) + 1;
		const char *p = tokens.v[i];

		while (len) {
			ssize_t n = write(memfd, p, len);

			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return -errno;
			p += n;
			len -= (size_t)n;
		}
	}
	seal_spec(memfd);
	if (lseek(memfd, 0, SEEK_SET) < 0)
		return -errno;
	*fd = take_fd(&memfd);
	return 0;
}

/* The fds the helper gets, in order: 3 the spec, 4 the status pipe,
 * then the --seccomp-bpf program's and each distinct parent fd of the
 * map. */
struct handoff {
	int *sources;
	size_t n;
};

static int handoff_add(struct handoff *h, int fd)
{
	for (size_t i = 0; i < h->n; i++)
		if (h->sources[i] == fd)
			return (int)(3 + i);
	h->sources[h->n++] = fd;
	return (int)(3 + h->n - 1);
}

/* A source numbered like one of the helper's fds (3 to 3+n-1) would be
 * overwritten by an earlier move: copy each such source above them all
 * first, in the caller (close-on-exec; the copies go in moved, -1
 * elsewhere, for the caller to close after the spawn). */
static int move_out_of_targets(struct handoff *h, int *moved)
{
	const int end = 3 + (int)h->n;

	/* all of them first: a failed copy returns with the rest unset */
	for (size_t i = 0; i < h->n; i++)
		moved[i] = -1;
	for (size_t i = 0; i < h->n; i++) {
		if (h->sources[i] < 3 || h->sources[i] >= end)
			continue;
		moved[i] = fcntl(h->sources[i], F_DUPFD_CLOEXEC, end);
		if (moved[i] < 0)
			return -errno;
	}
	for (size_t i = 0; i < h->n; i++)
		if (moved[i] >= 0)
			h->sources[i] = moved[i];
	return 0;
}

/* Move the sources to 3, 4, 5... in the helper and close the rest; no
 * source is one of those numbers (move_out_of_targets), so no move
 * overwrites a source not yet moved. */
static int plan_file_actions(const struct handoff *h,
			     posix_spawn_file_actions_t *fa)
{
	int r = 0;

	for (size_t i = 0; r == 0 && i < h->n; i++)
		r = posix_spawn_file_actions_adddup2(fa, h->sources[i],
						     3 + (int)i);
	if (r == 0)
		r = posix_spawn_file_actions_addclosefrom_np(fa,
							     3 + (int)h->n);
	return -r;
}

/* The helper's messages name the caller's fds by the caller's numbers
 * (--caller-fd), not by those it got. */
static int rename_fd(struct handoff *h, int fd, struct fd_alias *aliases,
		     size_t *n_aliases)
{
	int helper_fd = handoff_add(h, fd);

	aliases[(*n_aliases)++] = (struct fd_alias){ helper_fd, fd };
	return helper_fd;
}

/* The spec the helper reads: the caller's, with every fd it names (the
 * status fd, the BPF program's, the map's parent fds) renamed to the
 * helper's numbers: the helper gets no other fd of ours. Its own arrays
 * are freed by helper_spec_free. */
static int helper_spec(const sh_spec *caller, struct handoff *h,
		       int status_fd, struct spec *out,
		       struct fd_mapping **renamed, struct fd_alias **aliases)
{
	const struct spec *spec = &caller->spec;

	*out = *spec; /* shares the caller's strings: never cleared */
	out->setenv = out->unsetenv = (struct strv){ 0 };
	out->status_fd = handoff_add(h, status_fd);
	*renamed = calloc(spec->n_fds + 1, sizeof(**renamed));
	*aliases = calloc(spec->n_fds + 1, sizeof(**aliases));
	if (!*renamed || !*aliases)
		return -ENOMEM;
	out->n_caller_fds = 0;
	if (spec->seccomp_bpf_fd >= 0)
		out->seccomp_bpf_fd = rename_fd(h, spec->seccomp_bpf_fd,
						*aliases, &out->n_caller_fds);
	/* we are the parent: the helper checks we are still there, with no
	 * window before its main */
	if (spec->die_with_parent && !spec->parent_pid)
		out->parent_pid = getpid();
	for (size_t i = 0; i < spec->n_fds; i++) {
		(*renamed)[i].child = spec->fds[i].child;
		(*renamed)[i].parent = rename_fd(h, spec->fds[i].parent,
						 *aliases, &out->n_caller_fds);
	}
	out->fds = *renamed;
	out->caller_fds = *aliases;
	return env_view(&caller->env, &out->setenv, &out->unsetenv);
}

static void helper_spec_free(struct spec *copy)
{
	free(copy->setenv.v);
	free(copy->unsetenv.v);
}

int helper_run(char *const *argv, const posix_spawn_file_actions_t *fa,
	       pid_t *pid)
{
	posix_spawnattr_t attr;
	sigset_t none, all;
	int r;

	if ((r = posix_spawnattr_init(&attr)))
		return -r;
	/* the helper starts clean whatever the calling thread blocks or
	 * ignores */
	sigemptyset(&none);
	sigfillset(&all);
	r = posix_spawnattr_setsigmask(&attr, &none);
	if (!r)
		r = posix_spawnattr_setsigdefault(&attr, &all);
	if (!r)
		r = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK |
							    POSIX_SPAWN_SETSIGDEF);
	if (!r)
		r = posix_spawn(pid, helper_path(), fa, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	return -r;
}

static int spawn_helper(const struct handoff *h, pid_t *pid)
{
	char *argv[] = { (char *)"spawn-helper", (char *)"--spec-fd",
			 (char *)"3", NULL };
	posix_spawn_file_actions_t fa;
	int r;

	if ((r = posix_spawn_file_actions_init(&fa)))
		return -r;
	r = plan_file_actions(h, &fa);
	if (!r)
		r = helper_run(argv, &fa, pid);
	posix_spawn_file_actions_destroy(&fa);
	return r;
}

SH_EXPORT int sh_spawn(const sh_spec *spec, sh_process **process)
{
	_cleanup_close_ int spec_fd = -1, status_read = -1,
			    status_write = -1;
	_cleanup_free_ struct fd_mapping *renamed = NULL;
	_cleanup_free_ struct fd_alias *aliases = NULL;
	_cleanup_free_ int *sources = NULL, *moved = NULL;
	struct handoff h = { 0 };
	struct spec copy __attribute__((cleanup(helper_spec_free))) = { 0 };
	sh_process *p;
	int fds[2], r;

	if (!spec || !process)
		return -EINVAL;
	/* before this function opens anything that could take the number
	 * of a parent fd the caller closed */
	for (size_t i = 0; i < spec->spec.n_fds; i++)
		if (fcntl(spec->spec.fds[i].parent, F_GETFD) < 0)
			return -EBADF;
	if (spec->spec.seccomp_bpf_fd >= 0 &&
	    fcntl(spec->spec.seccomp_bpf_fd, F_GETFD) < 0)
		return -EBADF;
	/* the spec, the status pipe, the BPF program, the map */
	sources = calloc(spec->spec.n_fds + 3, sizeof(int));
	if (!sources)
		return -ENOMEM;
	/* slot 0 is the spec's, filled once the spec is written */
	h.sources = sources;
	h.sources[h.n++] = -1;
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	status_read = fds[0];
	status_write = fds[1];
	/* the caller's event loop and SH_WAIT_NOHANG read what is there
	 * without blocking (the helper's end stays blocking) */
	if (fcntl(status_read, F_SETFL, O_NONBLOCK) < 0)
		return -errno;
	if ((r = helper_spec(spec, &h, status_write, &copy, &renamed,
			     &aliases)) < 0 ||
	    (r = write_spec(&copy, &spec_fd)) < 0)
		return r;
	h.sources[0] = spec_fd;
	moved = calloc(h.n, sizeof(int));
	if (!moved)
		return -ENOMEM;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	r = move_out_of_targets(&h, moved);
	if (r == 0)
		r = spawn_helper(&h, &p->pid);
	for (size_t i = 0; i < h.n; i++)
		if (moved[i] >= 0)
			close(moved[i]);
	if (r < 0) {
		free(p);
		return r;
	}
	p->status_fd = take_fd(&status_read);
	/* to learn that the helper is gone even while another process
	 * (forked by the caller, not exec'd) holds the status pipe open;
	 * -1 before Linux 5.3: sh_wait waits for EOF instead */
	p->pidfd = (int)syscall(SYS_pidfd_open, p->pid, 0);
	*process = p;
	return 0;
}

SH_EXPORT pid_t sh_process_pid(const sh_process *process)
{
	if (!process)
		return -EINVAL;
	return process->pid;
}

SH_EXPORT int sh_process_status_fd(const sh_process *process)
{
	if (!process)
		return -EINVAL;
	return process->status_fd;
}

SH_EXPORT int sh_process_kill(sh_process *process, int sig)
{
	if (!process)
		return -EINVAL;
	if (process->reaped)
		return -ESRCH;
	/* SIGKILL would end the helper alone, and leave its cgroup and its
	 * outcome undone: the helper's own request kills the whole sandbox
	 * first, then the helper dies of the command's SIGKILL */
	if (sig == SIGKILL)
		sig = SIGNAL_KILL_SANDBOX;
	return kill(process->pid, sig) < 0 ? -errno : 0;
}

/* Everything the helper wrote so far; 0 at EOF, -EAGAIN for more,
 * -EMSGSIZE past SH_RECORDS_MAX: a helper that writes without end does
 * not take the caller's memory with it. */
static int read_records(sh_process *p, bool block)
{
	for (;;) {
		size_t room;
		ssize_t n;

		if (p->len > SH_RECORDS_MAX)
			return -EMSGSIZE;
		if (p->len + 4096 > p->cap) {
			size_t cap = p->cap ? p->cap * 2 : 8192;
			char *grown = realloc(p->records, cap);

			if (!grown)
				return -ENOMEM;
			p->records = grown;
			p->cap = cap;
		}
		/* one byte past the bound tells that there was more */
		room = p->cap - p->len - 1;
		if (room > SH_RECORDS_MAX + 1 - p->len)
			room = SH_RECORDS_MAX + 1 - p->len;
		n = read(p->status_fd, p->records + p->len, room);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN && block) {
			struct pollfd pfd = { p->status_fd, POLLIN, 0 };

			poll(&pfd, 1, -1);
			continue;
		}
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		p->len += (size_t)n;
	}
}

/* Blocking: read the records until EOF or until the helper has exited
 * (its pidfd readable), then what is left in the pipe: everything it
 * wrote is there, whoever else still holds the write end. */
static int read_until_exit(sh_process *p)
{
	for (;;) {
		struct pollfd pfds[2] = { { p->status_fd, POLLIN, 0 },
					  { p->pidfd, POLLIN, 0 } };
		int r = read_records(p, false);

		if (r != -EAGAIN)
			return r;
		if (poll(pfds, 2, -1) < 0 && errno != EINTR)
			return -errno;
		if (pfds[1].revents) {
			r = read_records(p, false);
			return r == -EAGAIN ? 0 : r;
		}
	}
}

/* The result, from the helper's wait status, or, when the caller's
 * SIGCHLD disposition took that (ignored, or reaped by a handler), from
 * its last record: -ECHILD when there is none. A helper that exited
 * writes its last record first (the error or the outcome, both with
 * "exit-code"): without one, whatever ran was no helper, or broke, and
 * its exit status says nothing reliable (-EPROTO, result filled all the
 * same); one killed by a signal had no chance to write it. -EBADMSG for
 * a record that is not JSON: the result would not be the helper's word. */
static int fill_result(const sh_process *p, struct sh_result *result)
{
	bool last_record;
	int r;

	memset(result, 0, sizeof(*result));
	result->cgroup_cpu_usec = result->memory_peak = result->oom_kills = -1;
	result->exit_code = -1;
	if ((r = result_from_records(result, p->records, p->len)) < 0)
		return r;
	last_record = result->exit_code >= 0;
	if (!p->status_known)
		return last_record ? 0 : -ECHILD;
	if (WIFSIGNALED(p->wait_status)) {
		result->signal = WTERMSIG(p->wait_status);
		/* sh_process_kill(SIGKILL)'s request, on a helper that had
		 * no handler for it yet (its default action ends it): what
		 * the caller asked for happened */
		if (result->signal == SIGNAL_KILL_SANDBOX)
			result->signal = SIGKILL;
		result->exit_code = 128 + result->signal;
		return 0;
	}
	result->signal = 0;
	result->exit_code = WEXITSTATUS(p->wait_status);
	return last_record ? 0 : -EPROTO;
}

/* A helper whose records cannot be taken is not waited for: it is
 * killed (its sandbox with it) and reaped, and every later sh_wait
 * returns the same error. */
static int give_up(sh_process *p, int error)
{
	pid_t got;

	if (!p->reaped) {
		(void)sh_process_kill(p, SIGKILL);
		while ((got = waitpid(p->pid, &p->wait_status, 0)) < 0 &&
		       errno == EINTR)
			;
		p->reaped = true;
		p->status_known = got > 0;
	}
	p->broken = error;
	return error;
}

/* the first release's struct: the smallest a caller may pass */
#define RESULT_SIZE_0 (offsetof(struct sh_result, oom_kills) + sizeof(long long))

SH_EXPORT size_t sh_result_size(void)
{
	return sizeof(struct sh_result);
}

/* The result into the caller's struct of size bytes: the fields both
 * know, the caller's newer ones (a library older than its header)
 * zero, and size says which were filled. */
static int fill_sized(const sh_process *p, struct sh_result *result,
		      size_t size)
{
	struct sh_result full;
	int r = fill_result(p, &full);

	full.size = size < sizeof(full) ? size : sizeof(full);
	memcpy(result, &full, full.size);
	if (size > full.size)
		memset((char *)result + full.size, 0, size - full.size);
	return r;
}

SH_EXPORT int sh_wait_result(sh_process *p, struct sh_result *result,
			     size_t size, int flags)
{
	bool nohang = flags & SH_WAIT_NOHANG;
	int r;

	if (!p || !result || size < RESULT_SIZE_0 ||
	    (flags & ~SH_WAIT_NOHANG))
		return -EINVAL;
	if (p->broken)
		return p->broken;
	if (!p->reaped) {
		pid_t got;

		/* blocking: until the helper is gone; with NOHANG: what has
		 * come, so that the status fd is quiet until the next
		 * record */
		if (!nohang && p->pidfd >= 0)
			r = read_until_exit(p);
		else
			r = read_records(p, !nohang);
		if (r == -EMSGSIZE)
			return give_up(p, r);
		if (r < 0 && r != -EAGAIN)
			return r;
		do
			got = waitpid(p->pid, &p->wait_status,
				      nohang ? WNOHANG : 0);
		while (got < 0 && errno == EINTR);
		if (got < 0 && errno != ECHILD)
			return -errno;
		if (got == 0)
			return -EAGAIN;
		p->reaped = true;
		p->status_known = got > 0;
	}
	/* the helper is gone: what it wrote is all there is */
	r = read_records(p, false);
	if (r == -EMSGSIZE)
		return give_up(p, r);
	if (r < 0 && r != -EAGAIN)
		return r;
	return fill_sized(p, result, size);
}

SH_EXPORT void sh_process_free(sh_process *process)
{
	if (!process)
		return;
	if (process->status_fd >= 0)
		close(process->status_fd);
	if (process->pidfd >= 0)
		close(process->pidfd);
	free(process->records);
	free(process);
}

SH_EXPORT const char *sh_strerror(int error)
{
	/* -INT_MIN does not exist; it is no errno either */
	return err_description(error < 0 && error != INT_MIN ? -error : error);
}
