/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Strings the helper reports (arguments, paths, environment values,
 * messages) are bytes, UTF-8 most of the time but not always. Where the
 * helper cuts one it cuts between characters, and the JSON writer
 * escapes the bytes that are not UTF-8 (json.c). A character is a valid
 * UTF-8 sequence (RFC 3629: no overlong form, no surrogate, nothing above
 * U+10FFFF) or, failing that, one byte on its own. */
#pragma once

#include <stdarg.h>
#include <stddef.h>

/* The length of the valid UTF-8 sequence that starts s (1 to 4, within
 * len bytes), or 0 when none does. */
size_t utf8_valid(const char *s, size_t len);

/* The length of the longest prefix of s[0..len) that is at most max
 * bytes and does not split a character. */
size_t utf8_cut(const char *s, size_t len, size_t max);

/* vsnprintf into out[size] (size > 0), cut between characters: the
 * text as a whole, and a string whose precision is written in the
 * format ("%.64s", which takes a NUL-terminated string). A precision
 * given as an argument ("%.*s") is an exact span the caller chose. */
void utf8_vformat(char *out, size_t size, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
void utf8_format(char *out, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
