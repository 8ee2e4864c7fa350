/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "landlock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"

/* The UAPI, spelt out: Debian 12's headers stop at ABI 2. */
#define LL_CREATE_RULESET_VERSION (1U << 0)
#define LL_RULE_PATH_BENEATH 1
#define LL_FS_EXECUTE (1ULL << 0)
#define LL_FS_WRITE_FILE (1ULL << 1)
#define LL_FS_READ_FILE (1ULL << 2)
#define LL_FS_READ_DIR (1ULL << 3)
#define LL_FS_ABI1 ((1ULL << 13) - 1) /* execute .. make_sym */
#define LL_FS_REFER (1ULL << 13)
#define LL_FS_TRUNCATE (1ULL << 14)
#define LL_FS_IOCTL_DEV (1ULL << 15)
#define LL_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#define LL_SCOPE_SIGNAL (1ULL << 1)

#define LL_FS_READ (LL_FS_EXECUTE | LL_FS_READ_FILE | LL_FS_READ_DIR)
#define LL_FS_FILE                                                             \
	(LL_FS_EXECUTE | LL_FS_WRITE_FILE | LL_FS_READ_FILE | LL_FS_TRUNCATE | \
	 LL_FS_IOCTL_DEV)

struct ll_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net; /* ABI 4 */
	uint64_t scoped;             /* ABI 6 */
};

struct ll_path_beneath {
	uint64_t allowed_access;
	int32_t parent_fd;
} __attribute__((packed));

/* Written to whatever the write paths are: every build needs them. */
static const char *const device_paths[] = {
	"/dev/null", "/dev/zero", "/dev/full", "/dev/tty",
	"/dev/ptmx", "/dev/pts",  "/dev/shm",
};

const char *landlock_feature_name(unsigned bit)
{
	switch (bit) {
	case LL_FEATURE_REFER:
		return "refer";
	case LL_FEATURE_TRUNCATE:
		return "truncate";
	case LL_FEATURE_IOCTL_DEV:
		return "ioctl-dev";
	case LL_FEATURE_SCOPE_SIGNAL:
		return "scope-signal";
	case LL_FEATURE_SCOPE_ABSTRACT_UNIX:
		return "scope-abstract-unix-socket";
	}
	return "?";
}

int landlock_abi(void)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
			   LL_CREATE_RULESET_VERSION);

	return abi < 0 ? -errno : (int)abi;
}

static uint64_t fs_rights(int abi)
{
	return LL_FS_ABI1 | (abi >= 2 ? LL_FS_REFER : 0) |
	       (abi >= 3 ? LL_FS_TRUNCATE : 0) |
	       (abi >= 5 ? LL_FS_IOCTL_DEV : 0);
}

static unsigned missing_features(int abi)
{
	return (abi < 2 ? LL_FEATURE_REFER : 0) |
	       (abi < 3 ? LL_FEATURE_TRUNCATE : 0) |
	       (abi < 5 ? LL_FEATURE_IOCTL_DEV : 0) |
	       (abi < 6 ? LL_FEATURE_SCOPE_SIGNAL |
				  LL_FEATURE_SCOPE_ABSTRACT_UNIX
			: 0);
}

/* A path the command may use with allowed (files get file rights only).
 * An optional path that cannot be opened here is left out (less access,
 * not more): the device paths, and portage's lists, which name paths
 * that need not exist. */
static int allow_path(int ruleset, const char *option, const char *path,
		      bool optional, uint64_t allowed, struct sh_err *err)
{
	_cleanup_close_ int fd = open(path, O_PATH | O_CLOEXEC);
	struct ll_path_beneath rule;
	struct stat st;

	if (fd < 0 && optional)
		return 0;
	if (fd < 0 || fstat(fd, &st) < 0)
		return err_sys(err, STAGE_LANDLOCK, errno, "%s `%s`", option,
			       path);
	rule.allowed_access = S_ISDIR(st.st_mode) ? allowed
						  : allowed & LL_FS_FILE;
	rule.parent_fd = fd;
	if (syscall(SYS_landlock_add_rule, ruleset, LL_RULE_PATH_BENEATH,
		    &rule, 0) < 0)
		return err_sys(err, STAGE_LANDLOCK, errno,
			       "add a rule for `%s`",
			       path);
	return 0;
}

static int allow_paths(int ruleset, const char *option,
		       const struct strv *paths, bool optional,
		       uint64_t allowed, struct sh_err *err)
{
	int r;

	for (size_t i = 0; i < paths->n; i++)
		if ((r = allow_path(ruleset, option, paths->v[i], optional,
				    allowed, err)) < 0)
			return r;
	return 0;
}

static int allow_devices(int ruleset, uint64_t allowed, struct sh_err *err)
{
	int r;

	for (size_t i = 0; i < sizeof(device_paths) / sizeof(device_paths[0]);
	     i++)
		if ((r = allow_path(ruleset, "device path", device_paths[i],
				    true, allowed, err)) < 0)
			return r;
	return 0;
}

static int add_rules(int ruleset, const struct strv *read,
		     const struct strv *write, uint64_t handled,
		     struct sh_err *err)
{
	int r;

	if ((r = allow_paths(ruleset, "--landlock-read", read, false,
			     handled & LL_FS_READ, err)) < 0 ||
	    (r = allow_paths(ruleset, "--landlock-write", write, false,
			     handled, err)) < 0)
		return r;
	return allow_devices(ruleset, handled, err);
}

static int unavailable(int abi, const char *what, bool strict,
		       struct landlock_report *report, struct sh_err *err)
{
	report->abi = 0;
	if (strict)
		return err_sys(err, STAGE_LANDLOCK, -abi,
			       "%s: Landlock is not available "
			       "(--landlock-mode best-effort runs without it)",
			       what);
	return 0;
}

static int create_ruleset(int abi, uint64_t handled, uint64_t scoped,
			  int *out, struct sh_err *err)
{
	struct ll_ruleset_attr attr = { .handled_access_fs = handled,
					.scoped = scoped };

	*out = (int)syscall(SYS_landlock_create_ruleset, &attr,
			    abi >= 6   ? sizeof(attr)
			    : abi >= 4 ? 2 * sizeof(uint64_t)
				       : sizeof(uint64_t),
			    0);
	if (*out < 0)
		return err_sys(err, STAGE_LANDLOCK, errno, "create a ruleset");
	return 0;
}

static int restrict_self(int ruleset, struct landlock_report *report,
			 struct sh_err *err)
{
	if (syscall(SYS_landlock_restrict_self, ruleset, 0) < 0)
		return err_sys(err, STAGE_LANDLOCK, errno,
			       "restrict the command (needs no_new_privs or "
			       "CAP_SYS_ADMIN)");
	report->enforced = true;
	return 0;
}

int landlock_apply(const struct strv *read, const struct strv *write,
		   bool strict, struct landlock_report *report,
		   struct sh_err *err)
{
	_cleanup_close_ int ruleset = -1;
	uint64_t handled;
	unsigned fs_missing;
	int abi, r;

	memset(report, 0, sizeof(*report));
	if (!read->n && !write->n)
		return 0;
	abi = landlock_abi();
	if (abi <= 0)
		return unavailable(abi, "--landlock-read/--landlock-write",
				   strict, report, err);
	report->abi = abi;
	report->missing = missing_features(abi);
	/* only a file system right fails strict: scoping (ABI 6) is applied
	 * where the kernel has it and reported where not, else strict would
	 * refuse every kernel before 6.12 for what nobody asked for */
	fs_missing = report->missing & LL_FEATURE_FS;
	if (strict && fs_missing)
		return err_set(err, STAGE_LANDLOCK, EOPNOTSUPP,
			       "Landlock ABI %d cannot enforce `%s`: "
			       "--landlock-mode best-effort runs confined "
			       "without that right (listed in the record)",
			       abi, landlock_feature_name(fs_missing & -fs_missing));
	handled = fs_rights(abi) & ~(read->n ? 0 : LL_FS_READ);
	if ((r = create_ruleset(abi, handled,
				abi >= 6 ? LL_SCOPE_ABSTRACT_UNIX_SOCKET |
						   LL_SCOPE_SIGNAL
					 : 0,
				&ruleset, err)) < 0 ||
	    (r = add_rules(ruleset, read, write, handled, err)) < 0)
		return r;
	return restrict_self(ruleset, report, err);
}

int landlock_scope_abstract_unix(struct landlock_report *report,
				 struct sh_err *err)
{
	int abi = landlock_abi();
	_cleanup_close_ int ruleset = -1;
	int r;

	memset(report, 0, sizeof(*report));
	report->abi = abi > 0 ? abi : 0;
	if (abi < 6) {
		report->missing = LL_FEATURE_SCOPE_ABSTRACT_UNIX;
		return 0;
	}
	if ((r = create_ruleset(abi, 0, LL_SCOPE_ABSTRACT_UNIX_SOCKET,
				&ruleset, err)) < 0)
		return r;
	return restrict_self(ruleset, report, err);
}

int landlock_restrict_reads(const struct strv *read,
			    const struct strv *write, bool strict,
			    struct landlock_report *report, struct sh_err *err)
{
	int abi = landlock_abi();
	_cleanup_close_ int ruleset = -1;
	int r;

	memset(report, 0, sizeof(*report));
	if (abi <= 0)
		return unavailable(abi, "--sandbox-read", strict, report, err);
	report->abi = abi;
	if ((r = create_ruleset(abi, LL_FS_READ, 0, &ruleset, err)) < 0 ||
	    (r = allow_paths(ruleset, "--sandbox-read", read, true,
			     LL_FS_READ, err)) < 0 ||
	    (r = allow_paths(ruleset, "--sandbox-write", write, true,
			     LL_FS_READ, err)) < 0 ||
	    (r = allow_devices(ruleset, LL_FS_READ, err)) < 0)
		return r;
	return restrict_self(ruleset, report, err);
}
