#include "config.h"

#include "memread.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "clock.h"
#include "fileio.h"

/* The conversation, one SOCK_SEQPACKET message each way. */
struct request {
	pid_t pid;
	uint32_t size;
	uint64_t addr;
};

struct reply {
	int32_t n; /* bytes in text, or -errno */
	char text[MEMREAD_MAX];
};

/* In the reader: the bytes at addr in pid, up to size. By pid with
 * process_vm_readv, whose fault waits SIGKILL ends (a read of
 * /proc/PID/mem waits on a FUSE page unkillably). The reader is the
 * command's sibling, not its ancestor, and Yama's ptrace_scope 1 still
 * lets it read: as root by CAP_SYS_PTRACE, as an ordinary user because
 * the command is in a user namespace of the helper's, where the
 * reader's uid, its owner, has CAP_SYS_PTRACE. In two pieces
 * split at the page boundary: the kernel stops at the first piece it
 * cannot read, so a short string at the end of the last mapped page
 * still reads. */
static int32_t read_pieces(pid_t pid, uint64_t addr, char *buf, size_t size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t first = page - (size_t)(addr % page);
	struct iovec local = { buf, size };
	struct iovec remote[2] = {
		{ (void *)(uintptr_t)addr, first < size ? first : size },
		{ (void *)(uintptr_t)(addr + first),
		  first < size ? size - first : 0 },
	};
	ssize_t n = process_vm_readv(pid, &local, 1, remote,
				     first < size ? 2 : 1, 0);

	return n < 0 ? -errno : (int32_t)n;
}

/* In the reader: only sock stays open, as fd 0. A reader held in a
 * fault must hold nothing of the monitor's: a copy of the status fd or
 * of the caller's pipes would keep the caller from their EOF. */
static int keep_only(int sock)
{
	const int zero = 0;

	if (dup2(sock, 0) < 0)
		return -1;
	return close_all_but(&zero, 1);
}

/* The reader: one request, one reply, until the monitor closes its end
 * or dies (PDEATHSIG: it never outlives the monitor unless a fault holds
 * it in the kernel, and then only until the fault ends). */
__attribute__((noreturn)) static void reader_main(int sock, pid_t monitor)
{
	struct request req;
	struct reply rep;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != monitor ||
	    keep_only(sock) < 0)
		_exit(1);
	prctl(PR_SET_NAME, "sh-memread");
	for (;;) {
		ssize_t n = recv(0, &req, sizeof(req), 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n != sizeof(req))
			_exit(0);
		rep.n = read_pieces(req.pid, req.addr, rep.text,
				    req.size < MEMREAD_MAX ? req.size
							   : MEMREAD_MAX);
		if (send(0, &rep,
			 offsetof(struct reply, text) +
				 (size_t)(rep.n > 0 ? rep.n : 0),
			 MSG_NOSIGNAL) < 0)
			_exit(0);
	}
}

static int start_reader(struct memreader *r, struct sh_err *err)
{
	pid_t monitor = getpid(), pid;
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return err_sys(err, "monitor", errno,
			       "socketpair for the memory reader");
	/* with a pidfd from birth: the reader is killed at its deadline */
	pid = proc_clone(0, &r->proc);
	if (pid == 0) {
		close(sv[0]);
		reader_main(sv[1], monitor);
	}
	close(sv[1]);
	if (pid < 0) {
		close(sv[0]);
		return err_sys(err, "monitor", -pid,
			       "fork the memory reader");
	}
	r->sock = sv[0];
	return 0;
}

void memread_reap(struct memreader *r)
{
	if (r->proc.pid <= 0 ||
	    waitpid(r->proc.pid, NULL, WNOHANG) != r->proc.pid)
		return;
	proc_forget(&r->proc);
	cleanup_closep(&r->sock);
	*r = (struct memreader)MEMREAD_INIT;
}

/* A reader past its deadline, or out of step: killed, reaped later (its
 * end stays open until then: memread_stop learns from it when the
 * reader is gone). */
static void drop_reader(struct memreader *r)
{
	proc_signal(&r->proc, SIGKILL);
	r->killed = true;
	memread_reap(r);
}

/* Whether sock has events among want (POLLHUP: always) before the
 * deadline (usec). */
static bool ready_by(int sock, short want, long long deadline)
{
	struct pollfd p = { sock, want, 0 };

	for (;;) {
		long long left = deadline - now_usec();
		int n;

		if (left <= 0)
			return false;
		n = poll(&p, 1, (int)((left + 999) / 1000));
		if (n > 0)
			return true;
		if (n < 0 && errno != EINTR)
			return false;
	}
}

int memread_string(struct memreader *r, pid_t pid, uint64_t addr, char *buf,
		   size_t size, struct sh_err *err)
{
	long long deadline = now_usec() + MEMREAD_BOUND_MS * 1000LL;
	struct request req = { pid, (uint32_t)size, addr };
	struct reply rep;
	ssize_t n;
	int ret;

	memread_reap(r);
	/* one reader at most: while a killed one is held in a fault, the
	 * command gets no second one to hold */
	if (r->killed)
		return 0;
	if (!r->proc.pid && (ret = start_reader(r, err)) < 0)
		return ret;
	if (send(r->sock, &req, sizeof(req), MSG_DONTWAIT | MSG_NOSIGNAL) !=
		    (ssize_t)sizeof(req) ||
	    !ready_by(r->sock, POLLIN, deadline) ||
	    (n = recv(r->sock, &rep, sizeof(rep), MSG_DONTWAIT)) <
		    (ssize_t)offsetof(struct reply, text)) {
		drop_reader(r);
		return 0;
	}
	if (rep.n <= 0 || (size_t)rep.n > size ||
	    (size_t)n != offsetof(struct reply, text) + (size_t)rep.n)
		return 0;
	memcpy(buf, rep.text, (size_t)rep.n);
	return memchr(buf, '\0', (size_t)rep.n) != NULL;
}

void memread_stop(struct memreader *r)
{
	if (r->proc.pid <= 0)
		return;
	proc_signal(&r->proc, SIGKILL);
	/* its end closes when it exits, past any wait on memory */
	if (ready_by(r->sock, 0, now_usec() + MEMREAD_BOUND_MS * 1000LL))
		while (waitpid(r->proc.pid, NULL, 0) < 0 && errno == EINTR)
			;
	proc_forget(&r->proc);
	cleanup_closep(&r->sock);
	*r = (struct memreader)MEMREAD_INIT;
}
