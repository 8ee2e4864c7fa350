/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The spec parser's observable behaviour, one line per input, for a
 * differential between two trees (issue 15 point 3: parse once, with no
 * change of behaviour). It uses only spec_split, spec_parse and spec_emit,
 * the API every tree since the option table has, so the same file builds
 * against the old code and the new:
 *
 *   spec-dump FILE...        each FILE's bytes as a NUL-separated spec
 *   spec-dump -l FILE...     each line of FILE a spec, tokens separated by
 *                            tabs (lines starting with # skipped)
 *
 * A line is: the input's name, then "ok" and the canonical tokens, or
 * "refused", the stage, the errno's name and the message. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "options.h"

/* Bytes as C escapes, so that every line is one line. */
static void put_escaped(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\\' || c == '|')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\x%02x", c);
		else
			putchar(c);
	}
}

static void put_string(const char *s)
{
	put_escaped(s, strlen(s));
}

static void dump_refusal(const char *name, const struct sh_err *err)
{
	put_string(name);
	printf(" | refused | %s | %s | ", err->stage, err_name(err->errnum));
	put_string(err->message);
	putchar('\n');
}

static void dump_tokens(const char *name, char *const *v, size_t n)
{
	_cleanup_spec_ struct spec spec;
	_cleanup_strv_ struct strv canonical = { 0 };
	enum cli_action action;
	struct sh_err err = { 0 };

	spec_init(&spec);
	if (spec_parse(&spec, v, n, false, &action, &err) < 0) {
		dump_refusal(name, &err);
		return;
	}
	put_string(name);
	if (spec_emit(&spec, &canonical) < 0) {
		printf(" | emit failed\n");
		return;
	}
	printf(" | ok |");
	for (size_t i = 0; i < canonical.n; i++) {
		putchar(' ');
		put_string(canonical.v[i]);
	}
	putchar('\n');
}

static void dump_bytes(const char *name, const char *buf, size_t len)
{
	_cleanup_strv_ struct strv tokens = { 0 };
	struct sh_err err = { 0 };

	if (spec_split(buf, len, &tokens, &err) < 0) {
		dump_refusal(name, &err);
		return;
	}
	dump_tokens(name, tokens.v, tokens.n);
}

static int read_file(const char *path, char **buf, size_t *len)
{
	FILE *f = fopen(path, "re");
	size_t cap = 1 << 20;

	if (!f)
		return -errno;
	*buf = malloc(cap);
	*len = *buf ? fread(*buf, 1, cap, f) : 0;
	fclose(f);
	return *buf ? 0 : -ENOMEM;
}

/* -l: "NAME:LINE" names each spec of the file. */
static int dump_lines(const char *path)
{
	_cleanup_free_ char *line = NULL;
	size_t size = 0;
	unsigned number = 0;
	FILE *f = fopen(path, "re");

	if (!f)
		return -errno;
	while (getline(&line, &size, f) >= 0) {
		_cleanup_strv_ struct strv tokens = { 0 };
		char name[4200];
		char *rest = line;

		number++;
		line[strcspn(line, "\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		while (rest)
			if (strv_push(&tokens, strsep(&rest, "\t")) < 0)
				abort();
		snprintf(name, sizeof(name), "%s:%u", path, number);
		dump_tokens(name, tokens.v, tokens.n);
	}
	fclose(f);
	return 0;
}

int main(int argc, char **argv)
{
	bool lines = argc > 1 && strcmp(argv[1], "-l") == 0;
	int status = 0;

	for (int i = lines ? 2 : 1; i < argc; i++) {
		_cleanup_free_ char *buf = NULL;
		size_t len = 0;
		int r = lines ? dump_lines(argv[i])
			      : read_file(argv[i], &buf, &len);

		if (r < 0) {
			fprintf(stderr, "spec-dump: %s: %s\n", argv[i],
				strerror(-r));
			status = 1;
			continue;
		}
		if (!lines)
			dump_bytes(argv[i], buf, len);
	}
	return status;
}
