/* Replays the fuzz corpus (and every crash turned regression case) through
 * the harness without libFuzzer, as a TAP test of make check. */
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

int main(void)
{
	const char *srcdir = getenv("SH_TESTS_SRCDIR");
	char dir[4096], path[8192];
	struct dirent *de;
	int n = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/fuzz/corpus-spec",
		 srcdir ? srcdir : "tests");
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
