/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* stall-xattr: run as the sandboxed command, tries to stall the monitor.
 * It calls setxattr with the name on a page whose every read blocks:
 * the build profile sends setxattr to the monitor, which reads the name
 * from our memory, and a monitor that waits for that read forwards no
 * signal and enforces no timeout any more.
 *
 * Usage: stall-xattr SOURCE [PATH]
 *        stall-xattr --open SOURCE [SECOND]
 *        stall-xattr --grant FILE TARGET
 *   uffd    an anonymous page registered with a userfaultfd opened
 *           through /dev/userfaultfd (USERFAULTFD_IOC_NEW: kernel-mode
 *           faults too, so process_vm_readv waits), whose faults are
 *           never served
 *   FILE    the first page of FILE, mapped (a FUSE file whose reads the
 *           server never answers)
 * PATH is the file whose xattr is set ("/" by default). With --open,
 * the page is the path of an open(O_WRONLY | O_CREAT) instead: a call
 * the kernel-enforced sandbox (--sandbox-write) sends to the monitor's
 * reader, which reads the path to judge it (and then the kernel's own
 * read of it blocks this thread: "open: ..." never comes). With SECOND,
 * a child of ours opens SECOND so half a second later, while the first
 * call is (or was) being judged, and prints "second: ok" (or "second:
 * ERRNAME") once its call returns: whatever holds the first call must
 * not hold the others.
 *
 * With --grant FILE TARGET, the page is mapped over our environment
 * from the page after our SANDBOX_WRITE on (the environment must go on
 * past it: a long variable after it) and TARGET opened, a write the
 * view refuses: a sandbox that accepts run-time grants reads our
 * environment for SANDBOX_WRITE, and with FUSE's page that read stalls.
 * Prints "open: ok" or "open: ERRNAME" and exits 0 (no pause).
 *
 * Prints "armed" once the page is mapped, then "setxattr: ok" or
 * "setxattr: ERRNAME" (or "open: ...") once the call returns, then waits for a signal
 * (the suite checks the timeout and the forwarding with it). A SOURCE it
 * cannot set up prints "SOURCE: ERRNAME" and exits 2.
 *
 * No dependencies beyond libc and the kernel's headers. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/xattr.h>
#include <unistd.h>

#ifndef USERFAULTFD_IOC_NEW
#define USERFAULTFD_IOC_NEW _IO(0xAA, 0x00)
#endif

static void *fail(const char *what)
{
	printf("%s: %s\n", what, strerrorname_np(errno));
	fflush(stdout);
	return NULL;
}

/* A page whose faults wait on a userfaultfd nobody reads. */
static void *uffd_page(size_t page)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	int dev = open("/dev/userfaultfd", O_RDWR | O_CLOEXEC), uffd;
	void *p;

	if (dev < 0)
		return fail("open /dev/userfaultfd");
	uffd = ioctl(dev, USERFAULTFD_IOC_NEW, O_CLOEXEC);
	close(dev);
	if (uffd < 0)
		return fail("USERFAULTFD_IOC_NEW");
	if (ioctl(uffd, UFFDIO_API, &api) < 0)
		return fail("UFFDIO_API");
	p = mmap(NULL, page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return fail("mmap");
	reg.range.start = (unsigned long)p;
	reg.range.len = page;
	if (ioctl(uffd, UFFDIO_REGISTER, &reg) < 0)
		return fail("UFFDIO_REGISTER");
	return p; /* uffd stays open: closing it would wake the faults */
}

static void *file_page(const char *path, size_t page)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	void *p;

	if (fd < 0)
		return fail(path);
	p = mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	return p == MAP_FAILED ? fail("mmap") : p;
}

/* --grant FILE TARGET: FILE's page over our environment from the page
 * after our SANDBOX_WRITE on (the variable stays readable: a FILE that
 * reads, a regular one, leaves the grant to be had), then TARGET
 * opened. */
static int grant_call(const char *source, const char *target, size_t page)
{
	extern char **environ;
	char *path = strdup(target);
	uintptr_t at = 0;
	int fd = open(source, O_RDONLY | O_CLOEXEC);

	for (char **e = environ; *e; e++)
		if (strncmp(*e, "SANDBOX_WRITE=", 14) == 0)
			at = ((uintptr_t)*e + strlen(*e) + page) & ~(page - 1);
	if (!path || fd < 0 || !at ||
	    mmap((void *)at, page, PROT_READ, MAP_SHARED | MAP_FIXED, fd, 0) ==
		    MAP_FAILED) {
		fail("arm");
		return 2;
	}
	close(fd);
	printf("armed\n");
	fflush(stdout);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	printf("open: %s\n", fd >= 0 ? "ok" : strerrorname_np(errno));
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	bool open_call = argc > 2 && strcmp(argv[1], "--open") == 0;
	const char *path, *name, *source;
	int fd;

	if (argc == 4 && strcmp(argv[1], "--grant") == 0)
		return grant_call(argv[2], argv[3], page);
	if (argc < 2 || (open_call && argc > 4)) {
		fprintf(stderr, "usage: stall-xattr uffd|FILE [PATH]\n"
				"       stall-xattr --open uffd|FILE [SECOND]\n");
		return 2;
	}
	source = argv[open_call ? 2 : 1];
	path = !open_call && argc > 2 ? argv[2] : "/";
	name = strcmp(source, "uffd") == 0 ? uffd_page(page)
					   : file_page(source, page);
	if (!name)
		return 2;
	printf("armed\n");
	fflush(stdout);
	if (open_call && argc > 3 && fork() == 0) {
		usleep(500000);
		fd = open(argv[3], O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		printf("second: %s\n", fd >= 0 ? "ok" : strerrorname_np(errno));
		fflush(stdout);
		_exit(0);
	}
	if (open_call) {
		fd = open(name, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		printf("open: %s\n", fd >= 0 ? "ok" : strerrorname_np(errno));
	} else if (setxattr(path, name, "x", 1, 0) == 0) {
		printf("setxattr: ok\n");
	} else {
		printf("setxattr: %s\n", strerrorname_np(errno));
	}
	fflush(stdout);
	for (;;)
		pause();
}
