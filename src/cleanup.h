/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The one cleanup idiom: variables marked _cleanup_*_ are released when
 * they leave scope; take_fd()/take_ptr() hand ownership on. The helpers
 * keep errno intact so an error path can still report it. */
#pragma once

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

static inline void cleanup_freep(void *p)
{
	int saved = errno;

	free(*(void **)p);
	errno = saved;
}

static inline void cleanup_closep(int *fd)
{
	int saved = errno;

	/* close is never retried on EINTR: the fd is gone either way. */
	if (*fd >= 0)
		close(*fd);
	errno = saved;
}

static inline void cleanup_closedirp(DIR **dir)
{
	int saved = errno;

	if (*dir)
		closedir(*dir);
	errno = saved;
}

#define _cleanup_free_ __attribute__((cleanup(cleanup_freep)))
#define _cleanup_closedir_ __attribute__((cleanup(cleanup_closedirp)))
#define _cleanup_close_ __attribute__((cleanup(cleanup_closep)))

static inline int take_fd(int *fd)
{
	int ret = *fd;

	*fd = -1;
	return ret;
}

#define take_ptr(p)                                                            \
	({                                                                     \
		__typeof__(p) taken_ = (p);                                    \
		(p) = NULL;                                                    \
		taken_;                                                        \
	})

#define DEFINE_CLEANUP_FUNC(type, func)                                        \
	static inline void func##p(type *p)                                    \
	{                                                                      \
		int saved = errno;                                             \
		if (*p)                                                        \
			func(*p);                                              \
		errno = saved;                                                 \
	}
