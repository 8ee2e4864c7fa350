/* Linked statically (no LD_PRELOAD library can wrap it, as Gentoo's
 * sandbox would): writes where it is told, through libc, and prints
 * each call's result as "CALL PATH: ERRNAME" (or "ok").
 * Usage: static-write create FILE | mkdir DIR | rename FROM TO */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *result(int r)
{
	if (r >= 0)
		return "ok";
	switch (errno) {
	case EACCES:
		return "EACCES";
	case EROFS:
		return "EROFS";
	case EPERM:
		return "EPERM";
	case ENOENT:
		return "ENOENT";
	default:
		return strerror(errno);
	}
}

int main(int argc, char **argv)
{
	for (int i = 1; i + 1 < argc; i += 2) {
		int r = -1;

		if (strcmp(argv[i], "create") == 0) {
			r = open(argv[i + 1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
			if (r >= 0)
				close(r);
		} else if (strcmp(argv[i], "mkdir") == 0) {
			r = mkdir(argv[i + 1], 0755);
		} else if (strcmp(argv[i], "rename") == 0 && i + 2 < argc) {
			r = rename(argv[i + 1], argv[i + 2]);
			printf("rename %s: %s\n", argv[i + 2], result(r));
			i++;
			continue;
		}
		printf("%s %s: %s\n", argv[i], argv[i + 1], result(r));
	}
	return 0;
}
