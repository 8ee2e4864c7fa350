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

/* The conversation, one SOCK_SEQPACKET message each way: a job (the
 * reader is the monitor's fork: the function's address is the same in
 * both) and its input; its output, or -errno. */
struct request {
	memread_job job;
	pid_t pid;
	uint32_t out_size;
	uint32_t in_len;
	unsigned char in[MEMREAD_JOB_IN];
};

struct reply {
	int32_t n; /* bytes in out, or -errno */
	unsigned char out[MEMREAD_JOB_OUT];
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
ssize_t memread_bytes(pid_t pid, uint64_t addr, void *buf, size_t size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	struct iovec local = { buf, size };
	struct iovec remote[MEMREAD_JOB_OUT / 4096 + 2];
	size_t n_remote = 0, done = 0;
	ssize_t n;

	/* a piece a page: the kernel stops at the first piece it cannot
	 * read, and keeps what came before */
	while (done < size && n_remote < sizeof(remote) / sizeof(remote[0])) {
		size_t left = page - (size_t)((addr + done) % page);

		if (left > size - done)
			left = size - done;
		remote[n_remote++] = (struct iovec){
			(void *)(uintptr_t)(addr + done), left
		};
		done += left;
	}
	local.iov_len = done;
	n = process_vm_readv(pid, &local, 1, remote, n_remote, 0);
	return n < 0 ? -errno : n;
}

/* The job of memread_string: in is the address. */
static ssize_t read_string_job(pid_t pid, const void *in, size_t in_len,
			       void *out, size_t out_size)
{
	uint64_t addr;

	if (in_len != sizeof(addr))
		return -EINVAL;
	memcpy(&addr, in, sizeof(addr));
	return memread_bytes(pid, addr, out, out_size);
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
	static struct request req;
	static struct reply rep;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != monitor ||
	    keep_only(sock) < 0)
		_exit(1);
	prctl(PR_SET_NAME, "sh-memread");
	for (;;) {
		ssize_t n = recv(0, &req, sizeof(req), 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < (ssize_t)offsetof(struct request, in))
			_exit(0);
		if (req.in_len > MEMREAD_JOB_IN ||
		    (size_t)n != offsetof(struct request, in) + req.in_len)
			_exit(0);
		rep.n = (int32_t)req.job(req.pid, req.in, req.in_len, rep.out,
					 req.out_size < MEMREAD_JOB_OUT
						 ? req.out_size
						 : MEMREAD_JOB_OUT);
		if (send(0, &rep,
			 offsetof(struct reply, out) +
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

ssize_t memread_run(struct memreader *r, memread_job job, pid_t pid,
		    const void *in, size_t in_len, void *out, size_t out_size,
		    struct sh_err *err)
{
	/* the monitor is one thread: its buffers are had once, not
	 * mapped and unmapped (their size) at every call */
	static struct request req_buf;
	static struct reply rep_buf;
	struct request *req = &req_buf;
	struct reply *rep = &rep_buf;
	long long deadline = now_usec() + MEMREAD_BOUND_MS * 1000LL;
	ssize_t n;
	int ret;

	if (in_len > MEMREAD_JOB_IN || out_size > MEMREAD_JOB_OUT)
		return 0;
	/* one reader at most: while a killed one is held in a fault, the
	 * command gets no second one to hold (a reader that died on its
	 * own fails the send below, and is dropped so) */
	if (r->killed)
		memread_reap(r);
	if (r->killed)
		return 0;
	if (!r->proc.pid && (ret = start_reader(r, err)) < 0)
		return ret;
	req->job = job;
	req->pid = pid;
	req->out_size = (uint32_t)out_size;
	req->in_len = (uint32_t)in_len;
	memcpy(req->in, in, in_len);
	if (send(r->sock, req, offsetof(struct request, in) + in_len,
		 MSG_DONTWAIT | MSG_NOSIGNAL) !=
		    (ssize_t)(offsetof(struct request, in) + in_len) ||
	    !ready_by(r->sock, POLLIN, deadline) ||
	    (n = recv(r->sock, rep, sizeof(*rep), MSG_DONTWAIT)) <
		    (ssize_t)offsetof(struct reply, out)) {
		drop_reader(r);
		return 0;
	}
	if (rep->n <= 0 || (size_t)rep->n > out_size ||
	    (size_t)n != offsetof(struct reply, out) + (size_t)rep->n)
		return 0;
	memcpy(out, rep->out, (size_t)rep->n);
	return rep->n;
}

int memread_string(struct memreader *r, pid_t pid, uint64_t addr, char *buf,
		   size_t size, struct sh_err *err)
{
	ssize_t n = memread_run(r, read_string_job, pid, &addr, sizeof(addr),
				buf, size, err);

	if (n < 0)
		return (int)n;
	return n > 0 && memchr(buf, '\0', (size_t)n) != NULL;
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
