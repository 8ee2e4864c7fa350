/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A small JSON writer into a fixed buffer, one object per line: what the
 * status records and --probe --json print. Every byte string becomes
 * valid JSON: UTF-8 as it is, control characters as \u00XX, each byte
 * that is not part of a valid UTF-8 character as \udcXX (Python's
 * surrogateescape). Values are bounded (a path, a message), so a line
 * fits the buffer; a string that would not is cut between characters,
 * never the line. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct json {
	char buf[32768]; /* a 4 KiB path of escaped bytes, and the rest */
	size_t len;
	bool first; /* no member written yet at this level */
};

#define JSON_INIT { .first = true }

void json_raw(struct json *j, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void json_key(struct json *j, const char *key);
/* An object, as a member named key, or at the top with key NULL. */
void json_open(struct json *j, const char *key);
void json_close(struct json *j);
void json_int(struct json *j, const char *key, long long value);
void json_bool(struct json *j, const char *key, bool value);
void json_string(struct json *j, const char *key, const char *value);
/* An array of strings: json_array_open, json_array_item..., json_array_close. */
void json_array_open(struct json *j, const char *key);
void json_array_item(struct json *j, const char *value);
void json_array_close(struct json *j);
/* End the line and write it to fd; -1 when it could not be written. */
int json_send(struct json *j, int fd);

/* Reading: walk one JSON text and call visit for every scalar with its
 * path ("error.stage", "usage.wall-usec", "namespaces[]" for each item
 * of an array) and its value as text (a string unescaped, true, false,
 * null or a number). Every escape is read: a surrogate pair as its
 * 4-byte UTF-8, a lone \udc80..\udcff as the byte it stands for (the
 * writer's escape), any other lone surrogate as U+FFFD. Returns 0, or
 * -EINVAL for malformed JSON, which includes a string with \u0000 (no
 * C string can hold it) or a raw control character. Keys and strings
 * longer than 1 KiB are cut between characters. */
typedef void (*json_visit_fn)(void *data, const char *path,
			      const char *value, bool is_string);
int json_walk(const char *text, size_t len, json_visit_fn visit, void *data);
