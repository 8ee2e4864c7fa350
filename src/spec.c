/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "spec.h"

#include "options.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

void spec_init(struct spec *spec)
{
	memset(spec, 0, sizeof(*spec));
	spec->status_fd = -1;
	/* unset: SPEC_DEFAULT_KILL_AFTER_MS */
	spec->kill_after_ms = option_find("kill-after")->unset;
	spec->seccomp_bpf_fd = -1;
}

bool spec_sandbox_on(const struct spec *spec)
{
	return spec->sandbox_write.n || spec->sandbox_predict.n ||
	       spec->sandbox_deny.n || spec->sandbox_read.n ||
	       spec->sandbox_log || spec->sandbox_grants ||
	       spec->sandbox_report != SANDBOX_REPORT_UNSET;
}

bool spec_sandbox_reads_restricted(const struct spec *spec)
{
	for (size_t i = 0; i < spec->sandbox_read.n; i++)
		if (mount_path_is_root(spec->sandbox_read.v[i]))
			return false;
	return spec->sandbox_read.n > 0;
}

void spec_clear(struct spec *spec)
{
	strv_clear(&spec->command);
	strv_clear(&spec->setenv);
	strv_clear(&spec->unsetenv);
	free(spec->argv0);
	free(spec->chdir);
	free(spec->fds);
	free(spec->caller_fds);
	free(spec->uid);
	free(spec->gid);
	free(spec->groups);
	join_list_clear(&spec->join_ns);
	id_map_spec_free(spec->uid_map);
	id_map_spec_free(spec->gid_map);
	free(spec->hostname);
	free(spec->cap_keep_text);
	bind_list_clear(&spec->binds);
	bind_list_clear(&spec->ro_binds);
	strv_clear(&spec->tmpfs);
	strv_clear(&spec->writable);
	free(spec->chroot);
	free(spec->cgroup);
	free(spec->cgroup_parent);
	free(spec->seccomp_policy);
	free(spec->selinux_exec_context);
	strv_clear(&spec->sandbox_write);
	strv_clear(&spec->sandbox_predict);
	strv_clear(&spec->sandbox_deny);
	strv_clear(&spec->sandbox_read);
	free(spec->sandbox_log);
	strv_clear(&spec->landlock_read);
	strv_clear(&spec->landlock_write);
	rlimit_list_clear(&spec->rlimits);
	free(spec->buf); /* last: the strings above may point into it */
	spec_init(spec);
}

int spec_split(const char *buf, size_t len, struct strv *tokens,
	       struct sh_err *err)
{
	size_t start = 0;

	if (len == 0)
		return err_set(err, STAGE_SPEC, EINVAL, "the spec is empty");
	if (buf[len - 1] != '\0')
		return err_set(err, STAGE_SPEC, EINVAL,
			       "the spec's last token is not NUL-terminated");
	for (size_t i = 0; i < len; i++) {
		if (buf[i] != '\0')
			continue;
		if (strv_push_ref(tokens, buf + start) < 0)
			return err_set(err, STAGE_SPEC, ENOMEM,
				       "out of memory");
		start = i + 1;
	}
	return 0;
}

bool spec_holds(const struct spec *spec, const char *s)
{
	uintptr_t p = (uintptr_t)s, start = (uintptr_t)spec->buf;

	return spec->buf && p >= start && p < start + spec->buf_len;
}

int spec_read_fd(int fd, struct spec *spec, struct strv *tokens,
		 struct sh_err *err)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, cap;
	struct stat st;
	int r;

	/* a memfd or a file: one buffer of its size (and a last read of 0);
	 * a pipe: 64 KiB, doubled as needed */
	cap = 65536;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    st.st_size <= SPEC_MAX_BYTES)
		cap = (size_t)st.st_size + 1;
	if (!(buf = malloc(cap)))
		return err_set(err, STAGE_SPEC, ENOMEM,
			       "out of memory reading the spec");
	for (;;) {
		ssize_t n;

		if (len == cap) {
			char *grown;

			cap = cap * 2 > SPEC_MAX_BYTES + 1 ? SPEC_MAX_BYTES + 1
							   : cap * 2;
			grown = realloc(buf, cap);
			if (!grown)
				return err_set(err, STAGE_SPEC, ENOMEM,
					       "out of memory reading the spec");
			buf = grown;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return err_sys(err, STAGE_SPEC, errno,
				       "--spec-fd %d: read", fd);
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > SPEC_MAX_BYTES)
			return err_set(err, STAGE_SPEC, E2BIG,
				       "--spec-fd %d: the spec is larger than "
				       "%u bytes",
				       fd, SPEC_MAX_BYTES);
	}
	r = spec_split(buf, len, tokens, err);
	if (r < 0)
		return r;
	spec->buf = take_ptr(buf);
	spec->buf_len = len;
	return 0;
}

int spec_caller_fd(const struct spec *spec, int fd)
{
	for (size_t i = 0; i < spec->n_caller_fds; i++)
		if (spec->caller_fds[i].helper == fd)
			return spec->caller_fds[i].caller;
	return fd;
}

static int check_parent_fd(const struct spec *spec,
			   const struct fd_mapping *m, struct sh_err *err)
{
	if (fcntl(m->parent, F_GETFD) < 0)
		return err_sys(err, STAGE_SPEC, errno,
			       "--fd %d=%d: fd %d is not open", m->child,
			       spec_caller_fd(spec, m->parent),
			       spec_caller_fd(spec, m->parent));
	return 0;
}

int spec_check_fds(const struct spec *spec, struct sh_err *err)
{
	struct rlimit nofile;
	int flags;

	if (getrlimit(RLIMIT_NOFILE, &nofile) < 0)
		return err_sys(err, STAGE_SPEC, errno, "getrlimit NOFILE");
	for (size_t i = 0; i < spec->n_fds; i++) {
		int r = check_parent_fd(spec, &spec->fds[i], err);

		if (r < 0)
			return r;
		if ((rlim_t)spec->fds[i].child >= nofile.rlim_cur)
			return err_set(err, STAGE_SPEC, EBADF,
				       "--fd %d=%d: fd %d is not below the "
				       "open-files limit %llu",
				       spec->fds[i].child,
				       spec_caller_fd(spec, spec->fds[i].parent),
				       spec->fds[i].child,
				       (unsigned long long)nofile.rlim_cur);
	}
	if (spec->status_fd < 0)
		return 0;
	flags = fcntl(spec->status_fd, F_GETFL);
	if (flags < 0)
		return err_sys(err, STAGE_SPEC, errno,
			       "--status-fd %d is not open",
			       spec->status_fd);
	if ((flags & O_ACCMODE) == O_RDONLY)
		return err_set(err, STAGE_SPEC, EBADF,
			       "--status-fd %d is open read-only",
			       spec->status_fd);
	return 0;
}

int spec_effective_fds(const struct spec *spec, struct fd_mapping **out,
		       size_t *n_out)
{
	struct fd_mapping *map;
	size_t n = 0;

	if (spec->n_fds) {
		map = calloc(spec->n_fds, sizeof(*map));
		if (!map)
			return -ENOMEM;
		memcpy(map, spec->fds, spec->n_fds * sizeof(*map));
		*out = map;
		*n_out = spec->n_fds;
		return 0;
	}
	map = calloc(3, sizeof(*map));
	if (!map)
		return -ENOMEM;
	for (int fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			map[n++] = (struct fd_mapping){ fd, fd };
	*out = map;
	*n_out = n;
	return 0;
}

unsigned spec_namespaces(const struct spec *spec)
{
	unsigned mask = spec->unshare | (spec->unshare_all ? SPEC_UNSHARE_ALL : 0);

	if (spec->binds.n || spec->ro_binds.n || spec->tmpfs.n || spec->chroot)
		mask |= NS_BIT(NS_MOUNT);
	/* a transient cgroup's command sees the cgroup file systems
	 * read-only, in a mount namespace of its own */
	if (spec->cgroup_parent)
		mask |= NS_BIT(NS_MOUNT);
	if (mask & (NS_BIT(NS_PID) | NS_BIT(NS_IPC)))
		mask |= NS_BIT(NS_MOUNT);
	if (mask & NS_BIT(NS_NET))
		mask |= NS_BIT(NS_UTS);
	return mask;
}
