/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "json.h"

#include "utf8.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* What a record needs after its longest string: the keys, numbers and
 * brackets that close it. */
#define JSON_RESERVE 1024

void json_raw(struct json *j, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (j->len >= sizeof(j->buf))
		return;
	va_start(ap, fmt);
	n = vsnprintf(j->buf + j->len, sizeof(j->buf) - j->len, fmt, ap);
	va_end(ap);
	j->len = n < 0 ? sizeof(j->buf) : j->len + (size_t)n;
}

void json_key(struct json *j, const char *key)
{
	json_raw(j, "%s\"%s\":", j->first ? "" : ",", key);
	j->first = false;
}

void json_open(struct json *j, const char *key)
{
	if (key)
		json_key(j, key);
	else if (!j->first)
		json_raw(j, ","); /* the next object of an array */
	json_raw(j, "{");
	j->first = true;
}

void json_close(struct json *j)
{
	json_raw(j, "}");
	j->first = false;
}

void json_int(struct json *j, const char *key, long long value)
{
	json_key(j, key);
	json_raw(j, "%lld", value);
}

void json_bool(struct json *j, const char *key, bool value)
{
	json_key(j, key);
	json_raw(j, "%s", value ? "true" : "false");
}

/* One character of a string as JSON, into unit; how many bytes of s it
 * takes. A byte that starts no valid UTF-8 character is "\udcXX", the
 * lone surrogate Python's surrogateescape maps it to (spawn-helper(1)). */
static size_t escape_char(const char *s, char unit[static 8], size_t *n)
{
	unsigned char c = (unsigned char)*s;
	size_t valid;

	if (c == '"' || c == '\\')
		*n = (size_t)snprintf(unit, 8, "\\%c", c);
	else if (c < 0x20 || c == 0x7f)
		*n = (size_t)snprintf(unit, 8, "\\u%04x", c);
	else if ((valid = utf8_valid(s, strnlen(s, 4))) > 0) {
		memcpy(unit, s, valid);
		*n = valid;
		return valid;
	} else
		*n = (size_t)snprintf(unit, 8, "\\udc%02x", c);
	return 1;
}

static void json_quoted(struct json *j, const char *value)
{
	json_raw(j, "\"");
	for (const char *c = value; *c;) {
		char unit[8];
		size_t n, used = escape_char(c, unit, &n);

		/* a value too long for the line is cut between characters,
		 * leaving room for the rest of the record */
		if (j->len + n + JSON_RESERVE > sizeof(j->buf))
			break;
		memcpy(j->buf + j->len, unit, n);
		j->len += n;
		c += used;
	}
	json_raw(j, "\"");
}

void json_string(struct json *j, const char *key, const char *value)
{
	json_key(j, key);
	json_quoted(j, value);
}

void json_array_open(struct json *j, const char *key)
{
	json_key(j, key);
	json_raw(j, "[");
	j->first = true;
}

void json_array_item(struct json *j, const char *value)
{
	json_raw(j, "%s", j->first ? "" : ",");
	json_quoted(j, value);
	j->first = false;
}

void json_array_close(struct json *j)
{
	json_raw(j, "]");
	j->first = false;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1; /* the caller decides what is lost */
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int json_send(struct json *j, int fd)
{
	if (j->len >= sizeof(j->buf) - 1)
		j->len = sizeof(j->buf) - 2; /* cannot happen: bounded fields */
	j->buf[j->len++] = '\n';
	return write_all(fd, j->buf, j->len);
}


/* A recursive-descent reader for the records we write ourselves and the
 * probe's output: small, bounded, never trusting the input. */
struct reader {
	const char *p, *end;
	json_visit_fn visit;
	void *data;
	char path[256];
	int depth;
};

static void skip_space(struct reader *r)
{
	while (r->p < r->end &&
	       (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
		r->p++;
}

/* A string being read into a fixed buffer: one that does not fit is cut
 * between characters (whole units, each added or not at all). */
struct text {
	char *buf;
	size_t size, len;
	bool full;
};

static void text_put(struct text *t, const char *s, size_t n)
{
	if (t->full || t->len + n >= t->size) {
		t->full = true;
		return;
	}
	memcpy(t->buf + t->len, s, n);
	t->len += n;
}

static void text_put_utf8(struct text *t, unsigned cp)
{
	static const unsigned char lead[] = { 0, 0xc0, 0xe0, 0xf0 };
	size_t n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
	char u[4];

	for (size_t i = n - 1; i > 0; i--, cp >>= 6)
		u[i] = (char)(0x80 | (cp & 0x3f));
	u[0] = (char)(lead[n - 1] | cp);
	text_put(t, u, n);
}

/* "\uXXXX" at p: its code unit, or -1. */
static long hex4(const char *p, const char *end)
{
	long value = 0;

	if (end - p < 6 || p[0] != '\\' || p[1] != 'u')
		return -1;
	for (int i = 2; i < 6; i++) {
		int d = p[i] >= '0' && p[i] <= '9'   ? p[i] - '0'
			: p[i] >= 'a' && p[i] <= 'f' ? p[i] - 'a' + 10
			: p[i] >= 'A' && p[i] <= 'F' ? p[i] - 'A' + 10
						     : -1;

		if (d < 0)
			return -1;
		value = value * 16 + d;
	}
	return value;
}

/* A \u escape at r->p (its backslash), two for a surrogate pair. A lone
 * \udc80..\udcff is the byte the writer escaped (escape_char); another
 * lone surrogate becomes U+FFFD; \u0000 is refused, as no C string holds
 * it. */
static int read_u_escape(struct reader *r, struct text *t)
{
	long cp = hex4(r->p, r->end), low;

	if (cp <= 0)
		return -EINVAL;
	r->p += 6;
	if (cp >= 0xd800 && cp < 0xdc00 &&
	    (low = hex4(r->p, r->end)) >= 0xdc00 && low < 0xe000) {
		cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
		r->p += 6;
	} else if (cp >= 0xdc80 && cp <= 0xdcff) {
		text_put(t, (char[]){ (char)(cp & 0xff) }, 1);
		return 0;
	} else if (cp >= 0xd800 && cp < 0xe000)
		cp = 0xfffd;
	text_put_utf8(t, (unsigned)cp);
	return 0;
}

static int read_escape(struct reader *r, struct text *t)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *c;

	if (r->end - r->p < 2)
		return -EINVAL;
	if (r->p[1] == 'u')
		return read_u_escape(r, t);
	c = r->p[1] ? strchr(from, r->p[1]) : NULL;
	if (!c)
		return -EINVAL;
	text_put(t, &to[c - from], 1);
	r->p += 2;
	return 0;
}

/* A string into out[size] (cut at size - 1 bytes). Raw bytes that are not
 * UTF-8 are taken as they are, as older helpers wrote them. */
static int read_string(struct reader *r, char *out, size_t size)
{
	struct text t = { .buf = out, .size = size };

	if (r->p >= r->end || *r->p != '"')
		return -EINVAL;
	r->p++;
	while (r->p < r->end && *r->p != '"') {
		size_t n;

		if (*r->p == '\\') {
			if (read_escape(r, &t) < 0)
				return -EINVAL;
			continue;
		}
		if ((unsigned char)*r->p < 0x20)
			return -EINVAL; /* JSON has them escaped */
		n = utf8_valid(r->p, (size_t)(r->end - r->p));
		n = n ? n : 1;
		text_put(&t, r->p, n);
		r->p += n;
	}
	if (r->p >= r->end)
		return -EINVAL;
	r->p++;
	out[t.len] = '\0';
	return 0;
}

static int read_value(struct reader *r);

static int with_path(struct reader *r, const char *suffix, bool dot)
{
	size_t len = strlen(r->path);
	int ret;

	snprintf(r->path + len, sizeof(r->path) - len, "%s%s",
		 dot && len ? "." : "", suffix);
	ret = read_value(r);
	r->path[len] = '\0';
	return ret;
}

static int read_object(struct reader *r)
{
	char key[1024];

	r->p++;
	skip_space(r);
	if (r->p < r->end && *r->p == '}') {
		r->p++;
		return 0;
	}
	for (;;) {
		skip_space(r);
		if (read_string(r, key, sizeof(key)) < 0)
			return -EINVAL;
		skip_space(r);
		if (r->p >= r->end || *r->p++ != ':')
			return -EINVAL;
		if (with_path(r, key, true) < 0)
			return -EINVAL;
		skip_space(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		if (r->p < r->end && *r->p == '}') {
			r->p++;
			return 0;
		}
		return -EINVAL;
	}
}

static int read_array(struct reader *r)
{
	r->p++;
	skip_space(r);
	if (r->p < r->end && *r->p == ']') {
		r->p++;
		return 0;
	}
	for (;;) {
		if (with_path(r, "[]", false) < 0)
			return -EINVAL;
		skip_space(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		if (r->p < r->end && *r->p == ']') {
			r->p++;
			return 0;
		}
		return -EINVAL;
	}
}

static int read_scalar(struct reader *r)
{
	char text[1024];
	size_t n = 0;

	while (r->p < r->end && !strchr(",}] \t\r\n", *r->p)) {
		if (n + 1 < sizeof(text))
			text[n++] = *r->p;
		r->p++;
	}
	text[n] = '\0';
	if (!n || !strchr("-0123456789tfn", text[0]))
		return -EINVAL;
	r->visit(r->data, r->path, text, false);
	return 0;
}

static int read_value(struct reader *r)
{
	char text[1024];
	int ret;

	skip_space(r);
	if (r->p >= r->end || r->depth > 16)
		return -EINVAL;
	r->depth++;
	if (*r->p == '{')
		ret = read_object(r);
	else if (*r->p == '[')
		ret = read_array(r);
	else if (*r->p == '"') {
		ret = read_string(r, text, sizeof(text));
		if (ret == 0)
			r->visit(r->data, r->path, text, true);
	} else
		ret = read_scalar(r);
	r->depth--;
	return ret;
}

int json_walk(const char *text, size_t len, json_visit_fn visit, void *data)
{
	struct reader r = { .p = text, .end = text + len, .visit = visit,
			    .data = data };

	if (read_value(&r) < 0)
		return -EINVAL;
	skip_space(&r);
	return r.p == r.end ? 0 : -EINVAL;
}
