/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "caps.h"

#include <errno.h>
#include <linux/securebits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "cleanup.h"
#include "utf8.h"

static void cap_freep(cap_t *caps)
{
	if (*caps)
		cap_free(*caps);
}
#define _cleanup_cap_ __attribute__((cleanup(cap_freep)))

static bool in_mask(uint64_t mask, cap_value_t cap)
{
	return cap < 64 && (mask >> cap) & 1;
}

/* A kept capability must be one we have: nothing is gained here. */
static int check_kept(uint64_t keep, struct sh_err *err)
{
	_cleanup_cap_ cap_t have = cap_get_proc();

	if (!have)
		return err_sys(err, STAGE_CAPS, errno, "cap_get_proc");
	for (cap_value_t cap = 0; cap < 64; cap++) {
		cap_flag_value_t v = CAP_CLEAR;

		if (!in_mask(keep, cap))
			continue;
		if (cap_get_flag(have, cap, CAP_PERMITTED, &v) < 0 ||
		    v != CAP_SET || prctl(PR_CAPBSET_READ, cap) != 1) {
			/* libcap's strings go back through cap_free() */
			char *name = cap_to_name(cap);
			int r = err_set(err, STAGE_CAPS, EPERM,
					"--cap-keep %s: the caller does not "
					"have it",
					name ? name : "?");

			cap_free(name);
			return r;
		}
	}
	return 0;
}

int caps_before_creds(uint64_t keep, struct sh_err *err)
{
	int last = (int)cap_max_bits();
	int r = check_kept(keep, err);

	if (r < 0)
		return r;
	/* dropping a capability already gone is no error: no need to read
	 * the set first */
	for (cap_value_t cap = 0; cap < last; cap++) {
		if (in_mask(keep, cap))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap) < 0)
			return err_sys(err, STAGE_CAPS, errno,
				       "drop capability %d from the bounding "
				       "set (needs CAP_SETPCAP)",
				       cap);
	}
	/* uid 0 gets no capabilities from execve or setuid, and changing
	 * the uid keeps exactly what we set afterwards. KEEP_CAPS stays
	 * unlocked: NO_SETUID_FIXUP makes it moot, and programs with file
	 * capabilities (ping) set it before dropping root and fail on
	 * EPERM */
	if (prctl(PR_SET_SECUREBITS,
		  SECBIT_NOROOT | SECBIT_NOROOT_LOCKED |
			  SECBIT_NO_SETUID_FIXUP |
			  SECBIT_NO_SETUID_FIXUP_LOCKED) < 0)
		return err_sys(err, STAGE_CAPS, errno, "set securebits");
	return 0;
}

int caps_after_creds(uint64_t keep, struct sh_err *err)
{
	_cleanup_cap_ cap_t caps = cap_init();
	cap_flag_t flags[] = { CAP_PERMITTED, CAP_EFFECTIVE, CAP_INHERITABLE };

	if (!caps)
		return err_sys(err, STAGE_CAPS, errno, "cap_init");
	for (cap_value_t cap = 0; cap < 64; cap++)
		if (in_mask(keep, cap))
			for (size_t i = 0; i < 3; i++)
				if (cap_set_flag(caps, flags[i], 1, &cap,
						 CAP_SET) < 0)
					return err_sys(err, STAGE_CAPS, errno,
						       "cap_set_flag");
	if (cap_set_proc(caps) < 0)
		return err_sys(err, STAGE_CAPS, errno, "set capabilities");
	/* one call; libcap's cap_reset_ambient asks about every capability
	 * first. EINVAL: a kernel without ambient capabilities */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 &&
	    errno != EINVAL)
		return err_sys(err, STAGE_CAPS, errno, "clear the ambient set");
	for (cap_value_t cap = 0; cap < 64; cap++)
		if (in_mask(keep, cap) && cap_set_ambient(cap, CAP_SET) < 0)
			return err_sys(err, STAGE_CAPS, errno,
				       "raise capability %d in the ambient set",
				       cap);
	return 0;
}

int caps_effective(int cap)
{
	cap_t caps = cap_get_proc();
	cap_flag_value_t value = CAP_CLEAR;
	int r;

	if (!caps)
		return -errno;
	r = cap_get_flag(caps, (cap_value_t)cap, CAP_EFFECTIVE, &value);
	cap_free(caps);
	if (r < 0)
		return -EINVAL;
	return value == CAP_SET;
}

int caps_of_file(const char *path, char *buf, size_t size)
{
	_cleanup_cap_ cap_t caps = cap_get_file(path);
	char *text;

	if (!caps)
		return 0;
	text = cap_to_text(caps, NULL);
	if (!text)
		return 0;
	snprintf(buf, size, "%s", text);
	cap_free(text);
	return 1;
}
