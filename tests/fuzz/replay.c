/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Replays a fuzz corpus (and every crash turned regression case) through
 * the harness without libFuzzer, as a TAP test of make check. One runner
 * per harness, linked with it: tests/fuzz/fuzz-NAME-replay replays
 * tests/fuzz/corpus-NAME, the name taken from the program's own. */
#include "config.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	FILE *f = fopen(path, "re");

	if (!f)
		return -1;
	buf = malloc(1 << 20);
	if (buf)
		len = fread(buf, 1, 1 << 20, f);
	fclose(f);
	if (!buf)
		return -1;
	LLVMFuzzerTestOneInput((const uint8_t *)buf, len);
	return 0;
}

/* "fuzz-NAME-replay" (maybe as libtool's "lt-fuzz-NAME-replay") to
 * "NAME"; NULL when argv0 is not named so. */
static char *corpus_name(const char *argv0)
{
	const char *base = strrchr(argv0, '/');
	size_t len;

	base = base ? base + 1 : argv0;
	if (strncmp(base, "lt-", 3) == 0)
		base += 3;
	len = strlen(base);
	if (strncmp(base, "fuzz-", 5) != 0 || len <= 5 + 7 ||
	    strcmp(base + len - 7, "-replay") != 0)
		return NULL;
	return strndup(base + 5, len - 5 - 7);
}

int main(int argc, char **argv)
{
	const char *srcdir = getenv("SH_TESTS_SRCDIR");
	_cleanup_free_ char *name = argc ? corpus_name(argv[0]) : NULL;
	char dir[4096], path[8192];
	struct dirent *de;
	int n = 0;
	DIR *d;

	if (!name) {
		printf("Bail out! cannot tell the corpus from `%s`: run as "
		       "fuzz-NAME-replay\n",
		       argc ? argv[0] : "");
		return 1;
	}
	snprintf(dir, sizeof(dir), "%s/fuzz/corpus-%s",
		 srcdir ? srcdir : "tests", name);
	d = opendir(dir);
	if (!d) {
		printf("1..0 # SKIP no corpus at %s\n", dir);
		return 0;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		/* a crash aborts the runner: the TAP driver reports it */
		printf("%s %d - %s\n", replay_file(path) ? "not ok" : "ok", ++n,
		       de->d_name);
	}
	closedir(d);
	printf("1..%d\n", n);
	return 0;
}
