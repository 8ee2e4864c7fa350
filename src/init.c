/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "init.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static const int forwarded_signals[] = { SIGTERM, SIGINT,  SIGHUP,
					 SIGQUIT, SIGUSR1, SIGUSR2 };

void forwarded_sigset(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGCHLD);
	for (size_t i = 0;
	     i < sizeof(forwarded_signals) / sizeof(forwarded_signals[0]); i++)
		sigaddset(set, forwarded_signals[i]);
}

/* The kernel's struct for rt_sigaction, as x86-64 (and most ABIs) has
 * it, with its 64-signal set; no restorer is needed for SIG_DFL. */
struct kernel_sigaction {
	void (*handler)(int);
	unsigned long flags;
	void (*restorer)(void);
	uint64_t mask;
};

int signal_default_raw(int sig)
{
	const struct kernel_sigaction dfl = { .handler = SIG_DFL };

	return syscall(SYS_rt_sigaction, sig, &dfl, NULL, sizeof(dfl.mask)) < 0
		       ? -errno
		       : 0;
}

void signal_default_all(void)
{
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal_default_raw(sig);
}

int signal_unblock_raw(uint64_t mask)
{
	return syscall(SYS_rt_sigprocmask, SIG_UNBLOCK, &mask, NULL,
		       sizeof(mask)) < 0
		       ? -errno
		       : 0;
}

bool should_forward(int si_code, bool own_session)
{
	return si_code != SI_KERNEL || own_session;
}

static int send_message(int fd, const struct init_message *msg,
			const struct ucred *cred)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr align;
	} control;
	struct iovec iov = { (void *)msg, sizeof(*msg) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	if (cred) {
		struct cmsghdr *cm;

		memset(&control, 0, sizeof(control));
		mh.msg_control = control.buf;
		mh.msg_controllen = sizeof(control.buf);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_CREDENTIALS;
		cm->cmsg_len = CMSG_LEN(sizeof(*cred));
		memcpy(CMSG_DATA(cm), cred, sizeof(*cred));
	}
	do
		n = sendmsg(fd, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : 0;
}

int init_report_started(int report_fd, pid_t command, pid_t ns_pid,
			bool in_monitor_pid_ns)
{
	struct init_message msg = { .kind = INIT_STARTED, .ns_pid = ns_pid };
	struct ucred cred = { command, getuid(), getgid() };

	/* without a new pid namespace (one joined: only the command entered
	 * it) we are in the monitor's, and command is its pid there */
	if (in_monitor_pid_ns) {
		msg.monitor_pid = command;
		return send_message(report_fd, &msg, NULL);
	}
	/* naming another process's pid needs CAP_SYS_ADMIN over our pid
	 * namespace; without it the monitor learns only the inner pid */
	if (send_message(report_fd, &msg, &cred) == 0)
		return 0;
	msg.monitor_pid = -1;
	return send_message(report_fd, &msg, NULL);
}

void init_supervise(const struct proc *command, int report_fd,
		    bool own_session)
{
	struct init_message msg = { .kind = INIT_EXITED,
				    .ns_pid = command->pid };
	sigset_t set;

	forwarded_sigset(&set);
	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(&set, &si), status;
		pid_t pid;

		if (sig < 0)
			continue; /* EINTR: nothing else can fail here */
		if (sig != SIGCHLD) {
			/* the terminal's own (SI_KERNEL) reached the monitor
			 * too, which leaves passing it on to us */
			if (should_forward(si.si_code, own_session))
				proc_signal(command, sig);
			continue;
		}
		/* pid 1 inherits every orphan of the namespace: reap them */
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			if (pid != command->pid)
				continue;
			msg.wait_status = status;
			send_message(report_fd, &msg, NULL);
			/* what a shell would show, should the message be lost */
			_exit(WIFSIGNALED(status) ? 128 + WTERMSIG(status)
						  : WEXITSTATUS(status));
		}
	}
}
