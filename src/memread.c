/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "memread.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
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
	/* aligned: jobs read and write their structs in place */
	unsigned char in[MEMREAD_JOB_IN] __attribute__((aligned(16)));
};

struct reply {
	int32_t n; /* bytes in out, or -errno */
	unsigned char out[MEMREAD_JOB_OUT] __attribute__((aligned(16)));
};

/* A serving reader's states. It moves IDLE -> RECV (about to receive),
 * RECV -> BUSY (on req, received at since), BUSY -> IDLE (answered or
 * handed over); the monitor moves IDLE or BUSY -> CLAIMED before it
 * kills the reader, never RECV (the reader may hold a notification it
 * has not written down yet), and answers a BUSY one's req itself. A
 * reader whose move fails was claimed: it exits, receiving nothing
 * more. So no notification is lost with a killed reader. */
enum { PAGE_IDLE, PAGE_RECV, PAGE_BUSY, PAGE_CLAIMED };

struct memread_page {
	_Atomic int state;
	_Atomic long long since; /* usec, monotonic */
	struct seccomp_notif req;
};

/* The watchdog looks this often (ms) while a reader serves: a stalled
 * notification is answered within 1.5 bounds. */
#define WATCH_MS (MEMREAD_BOUND_MS / 2)

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

/* In the reader: one job, its reply. false when the monitor is gone
 * (or out of step). */
static bool do_job(void)
{
	static struct request req;
	static struct reply rep;
	ssize_t n = recv(0, &req, sizeof(req), MSG_DONTWAIT);

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n < (ssize_t)offsetof(struct request, in))
		return false;
	if (req.in_len > MEMREAD_JOB_IN ||
	    (size_t)n != offsetof(struct request, in) + req.in_len)
		return false;
	rep.n = (int32_t)req.job(req.pid, req.in, req.in_len, rep.out,
				 req.out_size < MEMREAD_JOB_OUT
					 ? req.out_size
					 : MEMREAD_JOB_OUT);
	return send(0, &rep,
		    offsetof(struct reply, out) +
			    (size_t)(rep.n > 0 ? rep.n : 0),
		    MSG_NOSIGNAL) >= 0;
}

/* A move of the page's state; the reader exits when the monitor claimed
 * it meanwhile. */
static void move(struct memread_page *page, int from, int to)
{
	int expected = from;

	if (!atomic_compare_exchange_strong(&page->state, &expected, to))
		_exit(0);
}

/* In a serving reader: one notification from the listener (fd 1),
 * answered by serve or handed over (fd 2). false: the listener has no
 * more (every filtered process is gone). */
static bool serve_one(const struct memreader *r, struct seccomp_notif *req,
		      size_t req_size)
{
	struct memread_page *page = r->page;

	move(page, PAGE_IDLE, PAGE_RECV);
	memset(req, 0, req_size);
	if (ioctl(1, SECCOMP_IOCTL_NOTIF_RECV, req) < 0) {
		int e = errno;

		move(page, PAGE_RECV, PAGE_IDLE);
		/* ENOENT: its caller died after the poll */
		return e == ENOENT || e == EINTR;
	}
	page->req = *req;
	atomic_store(&page->since, now_usec());
	atomic_store(&page->state, PAGE_BUSY);
	if (!r->serve(r->serve_ctx, 1, req) &&
	    send(2, req, sizeof(*req), MSG_NOSIGNAL) < 0)
		_exit(0); /* the monitor is gone */
	move(page, PAGE_BUSY, PAGE_IDLE);
	return true;
}

/* The reader: jobs (one request, one reply) and, serving, the
 * listener's notifications, until the monitor closes its end or dies
 * (PDEATHSIG: it never outlives the monitor unless a fault holds it in
 * the kernel, and then only until the fault ends). */
__attribute__((noreturn)) static void reader_main(const struct memreader *r,
						  pid_t monitor)
{
	struct seccomp_notif_sizes sizes;
	struct seccomp_notif *req = NULL;
	size_t req_size = 0;
	bool serving = r->page != NULL;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != monitor)
		_exit(1);
	prctl(PR_SET_NAME, "sh-memread");
	if (serving) {
		req_size = sizeof(*req);
		if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) ==
			    0 &&
		    sizes.seccomp_notif > req_size)
			req_size = sizes.seccomp_notif;
		if (!(req = malloc(req_size)))
			_exit(1);
	}
	for (;;) {
		struct pollfd p[2] = { { 0, POLLIN, 0 }, { 1, POLLIN, 0 } };
		int n = poll(p, serving ? 2 : 1, -1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			_exit(1);
		if (p[0].revents && !do_job())
			_exit(0);
		if (serving && (p[1].revents & POLLIN))
			serving = serve_one(r, req, req_size);
		else if (serving && p[1].revents)
			serving = false;
	}
}

/* In the reader: only the socket (fd 0) stays open and, serving, the
 * listener (1) and the hand-over socket's end (2). A reader held in a
 * fault must hold nothing else of the monitor's: a copy of the status
 * fd or of the caller's pipes would keep the caller from their EOF. */
static int keep_only(int sock, int listener, int handoff)
{
	const int keep[] = { 0, 1, 2 };
	int from[3] = { sock, listener, handoff }, n = listener >= 0 ? 3 : 1;

	/* above 2 first: none is overwritten before it is moved */
	for (int i = 0; i < n; i++)
		if ((from[i] = fcntl(from[i], F_DUPFD, 3)) < 0)
			return -1;
	for (int i = 0; i < n; i++)
		if (dup2(from[i], i) < 0)
			return -1;
	return close_all_but(keep, (size_t)n);
}

static int start_reader(struct memreader *r, struct sh_err *err)
{
	pid_t monitor = getpid(), pid;
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return err_sys(err, STAGE_MONITOR, errno,
			       "socketpair for the memory reader");
	if (r->page)
		atomic_store(&r->page->state, PAGE_IDLE);
	/* with a pidfd from birth: the reader is killed at its deadline */
	pid = proc_clone(0, &r->proc);
	if (pid == 0) {
		if (keep_only(sv[1], r->page ? r->listener : -1,
			      r->handoff_peer) < 0)
			_exit(1);
		reader_main(r, monitor);
	}
	close(sv[1]);
	if (pid < 0) {
		close(sv[0]);
		return err_sys(err, STAGE_MONITOR, -pid,
			       "fork the memory reader");
	}
	r->sock = sv[0];
	return 0;
}

/* The reader's fields back to none; memread_serve's stay. */
static void forget_reader(struct memreader *r)
{
	proc_forget(&r->proc);
	cleanup_closep(&r->sock);
	r->proc = (struct proc)PROC_NONE;
	r->sock = -1;
	r->killed = false;
}

/* A serving reader is gone: a notification it was on (it died on its
 * own) is the monitor's to answer. */
static void left_behind(struct memreader *r)
{
	if (r->page && atomic_load(&r->page->state) == PAGE_BUSY) {
		r->orphan = true;
		r->orphan_req = r->page->req;
	}
}

void memread_reap(struct memreader *r)
{
	if (r->proc.pid <= 0 ||
	    waitpid(r->proc.pid, NULL, WNOHANG) != r->proc.pid)
		return;
	left_behind(r);
	forget_reader(r);
}

/* A serving reader claimed (memread_page's states): it receives nothing
 * more, and the notification it was on, if any, is the monitor's. One
 * in RECV is waited for (it moves on in microseconds: the poll said a
 * notification waits, and only it receives). */
static void claim(struct memreader *r)
{
	long long deadline = now_usec() + MEMREAD_BOUND_MS * 1000LL;

	for (;;) {
		int state = atomic_load(&r->page->state);
		struct timespec wait = { 0, 20000 };

		if (state == PAGE_CLAIMED)
			return;
		/* (a reader stopped there for a whole bound is not moving
		 * on: claimed all the same) */
		if (state == PAGE_RECV && now_usec() < deadline) {
			nanosleep(&wait, NULL);
			continue;
		}
		if (!atomic_compare_exchange_strong(&r->page->state, &state,
						    PAGE_CLAIMED))
			continue;
		if (state == PAGE_BUSY) {
			r->orphan = true;
			r->orphan_req = r->page->req;
		}
		return;
	}
}

/* A reader past its deadline, or out of step: killed, reaped later (its
 * end stays open until then: memread_stop learns from it when the
 * reader is gone). */
static void drop_reader(struct memreader *r)
{
	if (r->page)
		claim(r);
	proc_signal(&r->proc, SIGKILL);
	r->killed = true;
	if (r->proc.pid > 0 &&
	    waitpid(r->proc.pid, NULL, WNOHANG) == r->proc.pid)
		forget_reader(r);
}

/* Whether the reader is runnable (state R in /proc/PID/stat): waiting
 * for a CPU, not held in a fault. Unknown counts as not. */
static bool reader_runnable(const struct memreader *r)
{
	char dir[32], stat[512];
	const char *end;

	snprintf(dir, sizeof(dir), "/proc/%d", (int)r->proc.pid);
	if (r->proc.pid <= 0 || read_file_at(dir, "stat", stat, sizeof(stat)) < 0)
		return false;
	/* "pid (comm) S ...": comm may hold anything, ')' included */
	end = strrchr(stat, ')');
	return end && end[1] == ' ' && end[2] == 'R';
}

/* Whether a read that began at start is past its bound: past
 * MEMREAD_BOUND_MS with the reader not runnable (MEMREAD_BOUND_MS's
 * comment), or past MEMREAD_SLOW_MS. */
static bool past_bound(const struct memreader *r, long long start)
{
	long long took = now_usec() - start;

	return took > MEMREAD_SLOW_MS * 1000LL ||
	       (took > MEMREAD_BOUND_MS * 1000LL && !reader_runnable(r));
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

/* Whether the reader's reply to a job sent at start waits on its socket
 * before the read is past its bound (past_bound). */
static bool reply_in_time(const struct memreader *r, long long start)
{
	long long deadline = start + MEMREAD_BOUND_MS * 1000LL;

	while (!ready_by(r->sock, POLLIN, deadline)) {
		if (past_bound(r, start))
			return false;
		deadline = now_usec() + MEMREAD_BOUND_MS * 1000LL;
	}
	return true;
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
	long long start = now_usec();
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
	if (in_len)
		memcpy(req->in, in, in_len); /* in may be NULL then */
	if (send(r->sock, req, offsetof(struct request, in) + in_len,
		 MSG_DONTWAIT | MSG_NOSIGNAL) !=
		    (ssize_t)(offsetof(struct request, in) + in_len) ||
	    !reply_in_time(r, start) ||
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

int memread_serve(struct memreader *r, int listener, memread_serve_fn serve,
		  void *ctx, struct sh_err *err)
{
	void *page;
	int sv[2];

	if (r->page)
		return 0;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return err_sys(err, STAGE_MONITOR, errno,
			       "socketpair for the memory reader");
	page = mmap(NULL, sizeof(struct memread_page), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED) {
		close(sv[0]);
		close(sv[1]);
		return err_sys(err, STAGE_MONITOR, errno,
			       "mmap the memory reader's page");
	}
	/* a reader that reads jobs only is replaced by a serving one */
	memread_stop(r);
	r->page = page;
	r->handoff = sv[0];
	r->handoff_peer = sv[1];
	r->listener = listener;
	r->serve = serve;
	r->serve_ctx = ctx;
	return 0;
}

int memread_serving(struct memreader *r)
{
	struct sh_err err = { 0 };

	if (!r->page)
		return -1;
	if (r->killed)
		memread_reap(r);
	if (r->killed)
		return -1; /* held in a fault: the monitor receives */
	if (!r->proc.pid && start_reader(r, &err) < 0)
		return -1;
	return r->handoff;
}

int memread_take(struct memreader *r, struct seccomp_notif *req)
{
	ssize_t n;

	if (r->handoff < 0)
		return 0;
	do
		n = recv(r->handoff, req, sizeof(*req), MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)sizeof(*req);
}

int memread_watch(struct memreader *r)
{
	long long since;

	if (!r->page || r->proc.pid <= 0 || r->killed)
		return -1;
	since = atomic_load(&r->page->since);
	if (atomic_load(&r->page->state) == PAGE_BUSY &&
	    past_bound(r, since) && atomic_load(&r->page->since) == since)
		drop_reader(r);
	return WATCH_MS;
}

int memread_orphan(struct memreader *r, struct seccomp_notif *req)
{
	if (!r->orphan)
		return 0;
	r->orphan = false;
	*req = r->orphan_req;
	return 1;
}

void memread_stop(struct memreader *r)
{
	if (r->proc.pid > 0) {
		if (r->page)
			atomic_store(&r->page->state, PAGE_CLAIMED);
		proc_signal(&r->proc, SIGKILL);
		/* its end closes when it exits, past any wait on memory */
		if (ready_by(r->sock, 0,
			     now_usec() + MEMREAD_BOUND_MS * 1000LL))
			while (waitpid(r->proc.pid, NULL, 0) < 0 &&
			       errno == EINTR)
				;
	}
	forget_reader(r);
	cleanup_closep(&r->handoff);
	cleanup_closep(&r->handoff_peer);
	if (r->page)
		munmap(r->page, sizeof(struct memread_page));
	*r = (struct memreader)MEMREAD_INIT;
}
