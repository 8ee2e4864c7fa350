/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sys-names.h"
#include "utf8.h"

static int set_stage(struct sh_err *err, enum stage stage, int errnum)
{
	snprintf(err->stage, sizeof(err->stage), "%s", stage_name(stage));
	err->errnum = errnum ? errnum : EINVAL;
	return -err->errnum;
}

int err_set(struct sh_err *err, enum stage stage, int errnum,
	    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	utf8_vformat(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return set_stage(err, stage, errnum);
}

int err_sys(struct sh_err *err, enum stage stage, int errnum,
	    const char *fmt, ...)
{
	char text[SH_ERR_MESSAGE_MAX];
	va_list ap;

	va_start(ap, fmt);
	utf8_vformat(text, sizeof(text), fmt, ap);
	va_end(ap);
	utf8_format(err->message, sizeof(err->message), "%s: %s", text,
		    err_description(errnum));
	return set_stage(err, stage, errnum);
}

void err_restage(struct sh_err *err, enum stage stage)
{
	snprintf(err->stage, sizeof(err->stage), "%s", stage_name(stage));
}

void err_prefix(struct sh_err *err, const char *fmt, ...)
{
	char old[SH_ERR_MESSAGE_MAX], prefix[SH_ERR_MESSAGE_MAX];
	va_list ap;

	memcpy(old, err->message, sizeof(old));
	va_start(ap, fmt);
	utf8_vformat(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	utf8_format(err->message, sizeof(err->message), "%s%s", prefix, old);
}

const char *err_name(int errnum)
{
	const char *name = errnum > 0 && errnum < n_errno_names
				   ? errno_names[errnum]
				   : NULL;

	return name ? name : "E?";
}

const char *err_description(int errnum)
{
	const char *text = errnum >= 0 && errnum < n_errno_names
				   ? errno_descriptions[errnum]
				   : NULL;

	return text ? text : "unknown error";
}

int err_number(const char *name, size_t len)
{
	for (int e = 1; e < n_errno_names; e++)
		if (errno_names[e] && strlen(errno_names[e]) == len &&
		    strncmp(errno_names[e], name, len) == 0)
			return e;
	return -1;
}

const char *err_signal_abbrev(int sig)
{
	return sig > 0 && sig < n_signal_abbrevs ? signal_abbrevs[sig] : NULL;
}
