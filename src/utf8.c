/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "utf8.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <wchar.h>

size_t utf8_valid(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned char lo = 0x80, hi = 0xbf; /* the second byte's range */
	size_t need;

	if (!len)
		return 0;
	if (u[0] < 0x80)
		return 1;
	/* a continuation byte, an overlong two-byte form, past U+10FFFF */
	if (u[0] < 0xc2 || u[0] > 0xf4)
		return 0;
	need = u[0] < 0xe0 ? 2 : u[0] < 0xf0 ? 3 : 4;
	if (u[0] == 0xe0)
		lo = 0xa0; /* overlong */
	else if (u[0] == 0xed)
		hi = 0x9f; /* a surrogate */
	else if (u[0] == 0xf0)
		lo = 0x90; /* overlong */
	else if (u[0] == 0xf4)
		hi = 0x8f; /* past U+10FFFF */
	if (len < need || u[1] < lo || u[1] > hi)
		return 0;
	for (size_t i = 2; i < need; i++)
		if ((u[i] & 0xc0) != 0x80)
			return 0;
	return need;
}

size_t utf8_cut(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	/* a character that holds byte max starts at most 3 bytes before
	 * it; a valid one never starts on a byte inside another, so the
	 * first valid start met going back settles it */
	for (size_t back = 1; back <= 3 && back <= max; back++) {
		size_t n = utf8_valid(s + max - back, len - (max - back));

		if (n > back)
			return max - back;
		if (n)
			break;
	}
	return max;
}

/* The text being formatted: once a piece had to be cut, nothing more
 * is added, so the text ends where it was cut. */
struct out {
	char *buf;
	size_t size, len;
	bool full;
};

static void put(struct out *o, const char *s, size_t len)
{
	size_t room = o->size - 1 - o->len;

	if (o->full)
		return;
	if (len > room) {
		len = utf8_cut(s, len, room);
		o->full = true;
	}
	memcpy(o->buf + o->len, s, len);
	o->len += len;
	o->buf[o->len] = '\0';
}

static void put_spaces(struct out *o, size_t n)
{
	while (n--)
		put(o, " ", 1);
}

/* One conversion specification, its '*' arguments already taken. */
struct conv {
	char flags[8];
	int width;	   /* -1: none */
	int prec;	   /* -1: none */
	bool prec_written; /* a number in the format, not '*' */
	char length[3];
	char type;
};

static int number(const char **f)
{
	char *end;
	long n = strtol(*f, &end, 10);

	*f = end;
	return n > INT_MAX ? INT_MAX : (int)n;
}

static const char *parse_conv(const char *f, struct conv *c, va_list *ap)
{
	size_t n = 0;

	*c = (struct conv){.width = -1, .prec = -1};
	for (f++; *f && strchr("-+ #0'", *f); f++)
		if (n + 1 < sizeof(c->flags))
			c->flags[n++] = *f;
	if (*f == '*') {
		c->width = va_arg(*ap, int);
		f++;
	} else if (*f >= '1' && *f <= '9')
		c->width = number(&f);
	if (c->width < -1 && n + 1 < sizeof(c->flags)) {
		c->flags[n++] = '-'; /* a negative '*' width: left-justified */
		c->width = c->width == INT_MIN ? -1 : -c->width;
	}
	if (*f == '.') {
		f++;
		if (*f == '*') {
			c->prec = va_arg(*ap, int);
			c->prec = c->prec < 0 ? -1 : c->prec;
			f++;
		} else {
			c->prec = number(&f);
			c->prec_written = true;
		}
	}
	for (n = 0; *f && strchr("hljztL", *f) && n < 2; f++)
		c->length[n++] = *f;
	c->type = *f;
	return *f ? f + 1 : f;
}

static void put_string(struct out *o, const struct conv *c, const char *s)
{
	size_t len, pad;

	if (!s)
		s = "(null)";
	if (c->prec < 0)
		len = strlen(s);
	else if (c->prec_written)
		len = utf8_cut(s, strnlen(s, (size_t)c->prec + 4),
			       (size_t)c->prec);
	else
		len = strnlen(s, (size_t)c->prec);
	pad = c->width > 0 && (size_t)c->width > len ? c->width - len : 0;
	if (!strchr(c->flags, '-'))
		put_spaces(o, pad);
	put(o, s, len);
	if (strchr(c->flags, '-'))
		put_spaces(o, pad);
}

#pragma GCC diagnostic push
/* spec is rebuilt from a format the compiler checked at the call site */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

static int integer(char *out, size_t room, const char *spec,
		   const struct conv *c, va_list *ap)
{
	const char *l = c->length;
	bool sign = c->type == 'd' || c->type == 'i';

	if (strcmp(l, "ll") == 0)
		return sign ? snprintf(out, room, spec, va_arg(*ap, long long))
			    : snprintf(out, room, spec,
				       va_arg(*ap, unsigned long long));
	if (strcmp(l, "l") == 0)
		return sign ? snprintf(out, room, spec, va_arg(*ap, long))
			    : snprintf(out, room, spec,
				       va_arg(*ap, unsigned long));
	if (strcmp(l, "j") == 0)
		return sign ? snprintf(out, room, spec, va_arg(*ap, intmax_t))
			    : snprintf(out, room, spec, va_arg(*ap, uintmax_t));
	if (strcmp(l, "z") == 0)
		return sign ? snprintf(out, room, spec, va_arg(*ap, ssize_t))
			    : snprintf(out, room, spec, va_arg(*ap, size_t));
	if (strcmp(l, "t") == 0)
		return snprintf(out, room, spec, va_arg(*ap, ptrdiff_t));
	return sign ? snprintf(out, room, spec, va_arg(*ap, int))
		    : snprintf(out, room, spec, va_arg(*ap, unsigned));
}

/* Any other conversion, by snprintf: its output is ASCII (numbers, %m
 * in the C locale) or a single byte (%c), cut anywhere. -1 for one
 * that is not known. */
static int other(char *out, size_t room, const char *spec, const struct conv *c,
		 va_list *ap, int saved_errno)
{
	bool wide = c->length[0] == 'l';

	switch (c->type) {
	case 'd':
	case 'i':
	case 'o':
	case 'u':
	case 'x':
	case 'X':
		return integer(out, room, spec, c, ap);
	case 'e':
	case 'E':
	case 'f':
	case 'F':
	case 'g':
	case 'G':
	case 'a':
	case 'A':
		return c->length[0] == 'L'
			   ? snprintf(out, room, spec, va_arg(*ap, long double))
			   : snprintf(out, room, spec, va_arg(*ap, double));
	case 'c':
		return wide ? snprintf(out, room, spec, va_arg(*ap, wint_t))
			    : snprintf(out, room, spec, va_arg(*ap, int));
	case 's': /* only %ls comes here */
		return snprintf(out, room, spec, va_arg(*ap, const wchar_t *));
	case 'p':
		return snprintf(out, room, spec, va_arg(*ap, void *));
	case 'm':
		errno = saved_errno;
		return snprintf(out, room, spec, 0);
	case 'n':
		(void)va_arg(*ap, void *); /* never written: nothing counts */
		return 0;
	}
	return -1;
}

#pragma GCC diagnostic pop

static const char *put_conv(struct out *o, const char *f, va_list *ap,
			    int saved_errno)
{
	struct conv c;
	char spec[64];
	size_t room = o->size - o->len;
	int n;

	f = parse_conv(f, &c, ap);
	if (c.type == '%') {
		put(o, "%", 1);
		return f;
	}
	if (c.type == 's' && !c.length[0]) {
		put_string(o, &c, va_arg(*ap, const char *));
		return f;
	}
	snprintf(spec, sizeof(spec), "%%%s", c.flags);
	if (c.width >= 0)
		snprintf(spec + strlen(spec), sizeof(spec) - strlen(spec), "%d",
			 c.width);
	if (c.prec >= 0)
		snprintf(spec + strlen(spec), sizeof(spec) - strlen(spec),
			 ".%d", c.prec);
	snprintf(spec + strlen(spec), sizeof(spec) - strlen(spec), "%s%c",
		 c.length, c.type);
	n = other(o->buf + o->len, room, spec, &c, ap, saved_errno);
	if (n < 0) {
		/* an unknown conversion: the arguments after it cannot be
		 * told apart */
		o->buf[o->len] = '\0';
		o->full = true;
	} else if ((size_t)n >= room) {
		o->len = o->size - 1; /* cut: ASCII, or a single byte */
		o->full = true;
	} else
		o->len += (size_t)n;
	return f;
}

void utf8_vformat(char *out, size_t size, const char *fmt, va_list ap)
{
	struct out o = {.buf = out, .size = size};
	int saved_errno = errno;
	va_list args;

	out[0] = '\0';
	va_copy(args, ap);
	while (*fmt && !o.full) {
		size_t run = strcspn(fmt, "%");

		put(&o, fmt, run);
		fmt += run;
		if (*fmt == '%' && !o.full)
			fmt = put_conv(&o, fmt, &args, saved_errno);
	}
	va_end(args);
	errno = saved_errno;
}

void utf8_format(char *out, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	utf8_vformat(out, size, fmt, ap);
	va_end(ap);
}
