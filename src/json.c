#include "config.h"

#include "json.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

static void json_quoted(struct json *j, const char *value)
{
	json_raw(j, "\"");
	for (const unsigned char *c = (const unsigned char *)value; *c; c++) {
		if (*c == '"' || *c == '\\')
			json_raw(j, "\\%c", *c);
		else if (*c < 0x20 || *c == 0x7f)
			json_raw(j, "\\u%04x", *c);
		else
			json_raw(j, "%c", *c);
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

static int read_string(struct reader *r, char *out, size_t size)
{
	size_t n = 0;

	if (r->p >= r->end || *r->p != '"')
		return -EINVAL;
	for (r->p++; r->p < r->end && *r->p != '"'; r->p++) {
		char c = *r->p;

		if (c == '\\') {
			if (++r->p >= r->end)
				return -EINVAL;
			switch (*r->p) {
			case 'n':
				c = '\n';
				break;
			case 't':
				c = '\t';
				break;
			case 'u': /* our writer escapes only control bytes */
				if (r->end - r->p < 5)
					return -EINVAL;
				c = (char)strtol((char[]){ r->p[3], r->p[4], 0 },
						 NULL, 16);
				r->p += 4;
				break;
			default:
				c = *r->p;
			}
		}
		if (n + 1 < size)
			out[n++] = c;
	}
	if (r->p >= r->end)
		return -EINVAL;
	r->p++;
	out[n] = '\0';
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
