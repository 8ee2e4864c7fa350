/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests of the status records' JSON: whatever bytes a string
 * carries, the writer's line is valid JSON by a strict validator (RFC
 * 8259 and RFC 3629 UTF-8, written here independently of src/) and the
 * reader gives the bytes back; the reader takes every escape; messages
 * are cut between characters. */
#include "config.h"

#include <check.h>
#include "check-run.h"
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "err.h"
#include "json.h"
#include "utf8.h"

#define TIMEOUT 120

/* ---- a strict JSON validator ---- */

struct scan {
	const unsigned char *p, *end;
};

static bool scan_value(struct scan *s, int depth);

static void scan_space(struct scan *s)
{
	while (s->p < s->end && strchr(" \t\r\n", *s->p) && *s->p)
		s->p++;
}

static bool scan_lit(struct scan *s, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(s->end - s->p) < n || memcmp(s->p, lit, n) != 0)
		return false;
	s->p += n;
	return true;
}

/* One raw character of a string: the code point of a valid UTF-8
 * sequence, or -1. */
static long scan_utf8(struct scan *s)
{
	unsigned c = *s->p++;
	int more = c < 0x80		   ? 0
		   : c >= 0xc0 && c < 0xe0 ? 1
		   : c >= 0xe0 && c < 0xf0 ? 2
		   : c >= 0xf0 && c < 0xf8 ? 3
					   : -1;
	long cp = more == 0   ? c
		  : more == 1 ? c & 0x1f
		  : more == 2 ? c & 0x0f
			      : c & 0x07;
	static const long min[] = {0, 0x80, 0x800, 0x10000};

	if (more < 0)
		return -1;
	for (int i = 0; i < more; i++) {
		if (s->p >= s->end || (*s->p & 0xc0) != 0x80)
			return -1;
		cp = cp << 6 | (*s->p++ & 0x3f);
	}
	if (cp < min[more] || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000))
		return -1;
	return cp;
}

static bool scan_string(struct scan *s)
{
	if (!scan_lit(s, "\""))
		return false;
	while (s->p < s->end && *s->p != '"') {
		if (*s->p == '\\') {
			s->p++;
			if (s->p >= s->end)
				return false;
			if (*s->p == 'u') {
				for (int i = 1; i <= 4; i++)
					if (s->p + i >= s->end ||
					    !strchr("0123456789abcdefABCDEF",
						    s->p[i]) ||
					    !s->p[i])
						return false;
				s->p += 5;
			} else if (*s->p && strchr("\"\\/bfnrt", *s->p))
				s->p++;
			else
				return false;
		} else if (*s->p < 0x20 || scan_utf8(s) < 0)
			return false;
	}
	return scan_lit(s, "\"");
}

static bool scan_number(struct scan *s)
{
	const unsigned char *start;

	scan_lit(s, "-");
	if (scan_lit(s, "0"))
		;
	else if (s->p < s->end && *s->p >= '1' && *s->p <= '9')
		while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
			s->p++;
	else
		return false;
	if (scan_lit(s, ".")) {
		for (start = s->p;
		     s->p < s->end && *s->p >= '0' && *s->p <= '9';)
			s->p++;
		if (s->p == start)
			return false;
	}
	if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
		s->p++;
		if (!scan_lit(s, "+"))
			scan_lit(s, "-");
		for (start = s->p;
		     s->p < s->end && *s->p >= '0' && *s->p <= '9';)
			s->p++;
		if (s->p == start)
			return false;
	}
	return true;
}

/* "{...}" or "[...]": members (a key and a value) or values. */
static bool scan_members(struct scan *s, int depth, bool keys, char close)
{
	s->p++;
	scan_space(s);
	if (s->p < s->end && *s->p == close) {
		s->p++;
		return true;
	}
	for (;;) {
		scan_space(s);
		if (keys) {
			if (!scan_string(s))
				return false;
			scan_space(s);
			if (!scan_lit(s, ":"))
				return false;
		}
		if (!scan_value(s, depth + 1))
			return false;
		scan_space(s);
		if (scan_lit(s, ","))
			continue;
		return s->p < s->end && *s->p++ == close;
	}
}

static bool scan_value(struct scan *s, int depth)
{
	scan_space(s);
	if (s->p >= s->end || depth > 64)
		return false;
	switch (*s->p) {
	case '{':
		return scan_members(s, depth, true, '}');
	case '[':
		return scan_members(s, depth, false, ']');
	case '"':
		return scan_string(s);
	case 't':
		return scan_lit(s, "true");
	case 'f':
		return scan_lit(s, "false");
	case 'n':
		return scan_lit(s, "null");
	}
	return scan_number(s);
}

static bool strict_json(const char *text, size_t len)
{
	struct scan s = {(const unsigned char *)text,
			 (const unsigned char *)text + len};

	if (!scan_value(&s, 0))
		return false;
	scan_space(&s);
	return s.p == s.end;
}

/* ---- writing and reading back ---- */

struct found {
	const char *path;
	char value[1024];
	int seen;
};

static void find(void *data, const char *path, const char *value,
		 bool is_string)
{
	struct found *f = data;

	if (strcmp(path, f->path) == 0 && is_string) {
		snprintf(f->value, sizeof(f->value), "%s", value);
		f->seen++;
	}
}

/* A record holding value as "s" and a number after it: its line (what
 * json_send writes, without the newline). */
static const char *write_record(const char *value, size_t *len)
{
	static struct json j;

	j = (struct json)JSON_INIT;
	json_open(&j, NULL);
	json_string(&j, "s", value);
	json_int(&j, "after", 7);
	json_close(&j);
	ck_assert_int_lt(j.len, sizeof(j.buf));
	j.buf[j.len] = '\0';
	*len = j.len;
	return j.buf;
}

/* value (no NUL, under 1 KiB) through the writer: strict JSON, and the
 * reader gives back every byte. */
static void check_round_trip(const char *value)
{
	struct found f = {.path = "s"};
	size_t len;
	const char *line = write_record(value, &len);

	if (!strict_json(line, len))
		ck_abort_msg("not strict JSON: %s", line);
	ck_assert_int_eq(json_walk(line, len, find, &f), 0);
	ck_assert_int_eq(f.seen, 1);
	ck_assert_str_eq(f.value, value);
}

START_TEST(test_every_byte)
{
	char s[8];

	/* each byte alone, before and after ASCII, doubled, and before
	 * every second byte */
	for (int b = 1; b < 256; b++) {
		snprintf(s, sizeof(s), "%c", b);
		check_round_trip(s);
		snprintf(s, sizeof(s), "a%cb", b);
		check_round_trip(s);
		for (int c = 1; c < 256; c++) {
			snprintf(s, sizeof(s), "%c%c", b, c);
			check_round_trip(s);
		}
	}
}
END_TEST

/* xorshift: the same strings on every run */
static uint32_t next_random(uint32_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 17;
	*state ^= *state << 5;
	return *state;
}

START_TEST(test_random_bytes)
{
	/* pieces a string is made of: valid characters of every length,
	 * their edges, overlongs, encoded surrogates, cut sequences, and
	 * any byte */
	static const char *const pieces[] = {
	    "a",
	    "\"",
	    "\\",
	    "\x7f",
	    "\x1f",
	    "\xc3\xa9",
	    "\xe2\x82\xac",
	    "\xf0\x9f\x98\x80",
	    "\xc2\x80",
	    "\xdf\xbf",
	    "\xe0\xa0\x80",
	    "\xef\xbf\xbf",
	    "\xf4\x8f\xbf\xbf",
	    "\xc0\xaf",
	    "\xc1\xbf",
	    "\xe0\x80\xaf",
	    "\xf0\x80\x80\xaf",
	    "\xed\xa0\x80",
	    "\xed\xbf\xbf",
	    "\xed\xb2\x80",
	    "\xf4\x90\x80\x80",
	    "\xf5",
	    "\xff",
	    "\xfe",
	    "\xc3",
	    "\xe2\x82",
	    "\xf0\x9f\x98",
	    "\x80",
	    "\xbf",
	};
	uint32_t state = 2463534242u;
	char s[128];

	for (int i = 0; i < 50000; i++) {
		size_t len = 0, pieces_n = next_random(&state) % 12;

		for (size_t k = 0; k < pieces_n; k++) {
			uint32_t r = next_random(&state);
			const char *p =
			    pieces[r % (sizeof(pieces) / sizeof(*pieces))];
			char any[2] = {(char)(r >> 8 | 1), 0};

			if ((r >> 16) % 4 == 0)
				p = any;
			memcpy(s + len, p, strlen(p));
			len += strlen(p);
		}
		s[len] = '\0';
		check_round_trip(s);
	}
}
END_TEST

/* A string longer than the line holds is cut between characters, and
 * the record still closes. */
START_TEST(test_too_long_value)
{
	static const char *const units[] = {"\xc3\xa9", "\xff", "\x01",
					    "\xf0\x9f\x98\x80"};
	static char value[40001];

	for (size_t u = 0; u < sizeof(units) / sizeof(*units); u++) {
		size_t n = strlen(units[u]), len;
		struct found after = {.path = "after"};
		const char *line, *s;

		for (size_t i = 0; i + n < sizeof(value); i += n)
			memcpy(value + i, units[u], n);
		value[sizeof(value) - 1 - (sizeof(value) - 1) % n] = '\0';
		line = write_record(value, &len);
		ck_assert_msg(strict_json(line, len), "unit %zu", u);
		ck_assert_ptr_nonnull(strstr(line, "\"after\":7}"));
		s = strstr(line, "\"s\":\"") + 5;
		ck_assert_int_gt(strstr(s, "\"") - s, 8000);
		ck_assert_int_eq(json_walk(line, len, find, &after), 0);
	}
}
END_TEST

/* ---- reading ---- */

static const struct {
	const char *json, *bytes; /* bytes NULL: refused */
} reads[] = {
    {"\"\\u0041\\u00e9\\u00E9\"", "A\xc3\xa9\xc3\xa9"},
    {"\"\\u0001\\u001f\\u007f\\u0080\"", "\x01\x1f\x7f\xc2\x80"},
    {"\"\\u07ff\\u0800\\u20ac\\uffff\"",
     "\xdf\xbf\xe0\xa0\x80\xe2\x82\xac\xef\xbf\xbf"},
    {"\"\\ud83d\\ude00\"", "\xf0\x9f\x98\x80"},
    {"\"\\ud800\\udc00\\udbff\\udfff\"", "\xf0\x90\x80\x80\xf4\x8f\xbf\xbf"},
    {"\"\\ud800\\udc80\"", "\xf0\x90\x82\x80"},	   /* a pair first */
    {"\"\\udc80\\udcff\\udcC3\"", "\x80\xff\xc3"}, /* escaped bytes */
    {"\"\\udced\\udcb2\\udc80\"", "\xed\xb2\x80"},
    {"\"\\udc7f\\udc00\"", "\xef\xbf\xbd\xef\xbf\xbd"},
    {"\"\\ud800\"", "\xef\xbf\xbd"},
    {"\"\\ud800x\"", "\xef\xbf\xbdx"},
    {"\"\\ud800\\u0041\"", "\xef\xbf\xbd"
			   "A"},
    {"\"\\ud800\\ud800\\udc00\"", "\xef\xbf\xbd\xf0\x90\x80\x80"},
    {"\"\\ude00\\udfff\"", "\xef\xbf\xbd\xef\xbf\xbd"},
    {"\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\/\b\f\n\r\t"},
    {"\"\xc3\xa9\xff\x7f\"", "\xc3\xa9\xff\x7f"}, /* raw, as it is */
    {"\"\\u0000\"", NULL},
    {"\"a\\u0000b\"", NULL},
    {"\"\\u00\"", NULL},
    {"\"\\u00e\"", NULL},
    {"\"\\uzzzz\"", NULL},
    {"\"\\u+123\"", NULL},
    {"\"\\x41\"", NULL},
    {"\"\\", NULL},
    {"\"\\u", NULL},
    {"\"\x01\"", NULL},
    {"\"a\nb\"", NULL},
    {"\"abc", NULL},
};

START_TEST(test_read_escape)
{
	char json[128];
	struct found f = {.path = "s"};
	int r;

	snprintf(json, sizeof(json), "{\"s\":%s}", reads[_i].json);
	r = json_walk(json, strlen(json), find, &f);
	if (!reads[_i].bytes) {
		ck_assert_msg(r == -EINVAL, "accepted %s", reads[_i].json);
		return;
	}
	ck_assert_msg(r == 0, "refused %s", reads[_i].json);
	ck_assert_int_eq(f.seen, 1);
	ck_assert_str_eq(f.value, reads[_i].bytes);
}
END_TEST

/* Strings beyond 1 KiB are cut between characters. */
START_TEST(test_read_cut)
{
	static const char *const units[] = {"\xc3\xa9", "\\u00e9",
					    "\\ud83d\\ude00", "\\udcff"};
	static const size_t bytes[] = {2, 2, 4, 1};
	char json[16384];

	for (size_t u = 0; u < sizeof(units) / sizeof(*units); u++) {
		struct found f = {.path = "s"};
		size_t len = (size_t)snprintf(json, sizeof(json), "{\"s\":\"");

		for (int i = 0; i < 1100; i++)
			len += (size_t)snprintf(json + len, sizeof(json) - len,
						"%s", units[u]);
		len += (size_t)snprintf(json + len, sizeof(json) - len, "\"}");
		ck_assert_int_eq(json_walk(json, len, find, &f), 0);
		ck_assert_int_eq(strlen(f.value) % bytes[u], 0);
		ck_assert_int_gt(strlen(f.value), 1023 - bytes[u]);
	}
}
END_TEST

/* ---- messages ---- */

static bool valid_utf8(const char *s)
{
	struct scan sc = {(const unsigned char *)s,
			  (const unsigned char *)s + strlen(s)};

	while (sc.p < sc.end)
		if (scan_utf8(&sc) < 0)
			return false;
	return true;
}

/* A message past SH_ERR_MESSAGE_MAX, and a value quoted with "%.64s",
 * cut in the middle of a 2-, 3- or 4-byte character at every offset. */
START_TEST(test_message_cut)
{
	static const char *const units[] = {"\xc3\xa9", "\xe2\x82\xac",
					    "\xf0\x9f\x98\x80"};
	char value[2048];

	for (size_t u = 0; u < sizeof(units) / sizeof(*units); u++)
		for (int offset = 0; offset < 4; offset++) {
			struct sh_err err;
			size_t len = (size_t)offset;

			memset(value, 'b', (size_t)offset);
			while (len + 4 < sizeof(value)) {
				memcpy(value + len, units[u], strlen(units[u]));
				len += strlen(units[u]);
			}
			value[len] = '\0';
			err_set(&err, STAGE_SPEC, EINVAL, "--setenv `%.64s`: x",
				value);
			ck_assert(valid_utf8(err.message));
			ck_assert_int_ge(strlen(err.message), 64 - 3 + 13);
			err_set(&err, STAGE_EXEC, ENOENT, "execve `%s`", value);
			ck_assert(valid_utf8(err.message));
			ck_assert_int_ge(strlen(err.message),
					 SH_ERR_MESSAGE_MAX - 4);
			err_sys(&err, STAGE_EXEC, ENOENT, "execve `%s`", value);
			ck_assert(valid_utf8(err.message));
			err_set(&err, STAGE_EXEC, ENOENT, "x");
			err_prefix(&err, "%s", value);
			ck_assert(valid_utf8(err.message));
		}
}
END_TEST

/* The example: 63 bytes and a 2-byte character, quoted with
 * "%.64s", then the record read by the strict validator. */
START_TEST(test_message_record)
{
	struct sh_err err;
	const char *line;
	char value[80];
	size_t len;

	memset(value, 'b', 63);
	snprintf(value + 63, sizeof(value) - 63, "\xc3\xa9");
	err_set(&err, STAGE_SPEC, EINVAL,
		"--setenv `%.64s`: expected NAME=VALUE",
		value);
	ck_assert_str_eq(err.message + 10 + 63, "`: expected NAME=VALUE");
	line = write_record(err.message, &len);
	ck_assert(strict_json(line, len));
}
END_TEST

/* utf8_vformat is vsnprintf, but for where it cuts. */
static void check_format(const char *expected, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void check_format(const char *expected, const char *fmt, ...)
{
	char out[64];
	va_list ap;

	va_start(ap, fmt);
	utf8_vformat(out, sizeof(out), fmt, ap);
	va_end(ap);
	ck_assert_str_eq(out, expected);
}

#define B10 "bbbbbbbbbb"

START_TEST(test_format)
{
	char b62[63], b63[64];

	errno = ENOENT;
	check_format("1 -2 3 ff FF 17 x", "%d %i %u %x %X %o %c", 1, -2, 3u,
		     255u, 255u, 15u, 'x');
	check_format("-5 6 7 8 9 10", "%ld %lld %zu %zd %jd %td", -5L, 6LL,
		     (size_t)7, (ssize_t)8, (intmax_t)9, (ptrdiff_t)10);
	check_format("[  ab][ab  ][0042][  -3]", "[%4s][%-4s][%04d][%*d]", "ab",
		     "ab", 42, 4, -3);
	check_format("[ab  ][abc][2.50]", "[%*s][%.*s][%.2f]", -4, "ab", 3,
		     "abcdef", 2.5);
	check_format("100%", "100%%");
	check_format("No such file or directory", "%m");
	ck_assert_int_eq(errno, ENOENT);
	/* a written precision cuts between characters, "%.*s" exactly */
	check_format("b", "%.2s", "b\xc3\xa9");
	check_format("b\xc3", "%.*s", 2, "b\xc3\xa9");
	check_format("\xff\xfe", "%.2s", "\xff\xfe\xfd");
	check_format("b\xc3\xa9", "%.3s", "b\xc3\xa9\xc3\xa9");
	check_format("\xe2\x82\xac", "%.5s", "\xe2\x82\xac\xe2\x82\xac");
	/* the whole text: 63 bytes at most */
	memset(b62, 'b', 62);
	b62[62] = '\0';
	snprintf(b63, sizeof(b63), "%sb", b62);
	check_format(b63, "%s%s", b63, "bbbbbb");
	check_format(b62, "%s%s", b62, "\xc3\xa9 and more");
	check_format(b62, B10 B10 B10 B10 B10 B10 "bb\xc3\xa9%d", 1);
}
END_TEST

static Suite *make_json_suite(void)
{
	Suite *s = suite_create("json");
	TCase *tc = tcase_create("write");

	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_test(tc, test_every_byte);
	tcase_add_test(tc, test_random_bytes);
	tcase_add_test(tc, test_too_long_value);
	suite_add_tcase(s, tc);
	tc = tcase_create("read");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_loop_test(tc, test_read_escape, 0,
			    (int)(sizeof(reads) / sizeof(*reads)));
	tcase_add_test(tc, test_read_cut);
	suite_add_tcase(s, tc);
	tc = tcase_create("messages");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_test(tc, test_message_cut);
	tcase_add_test(tc, test_message_record);
	tcase_add_test(tc, test_format);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(make_json_suite());
}
