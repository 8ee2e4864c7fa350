#include "config.h"

#include "json.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
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

