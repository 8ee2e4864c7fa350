/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "signals.h"

#include <errno.h>
#include <sys/syscall.h>
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
