/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The cgroup file systems as both backends read them: mounts, paths,
 * controller names, files holding a number. */
#include "config.h"

#include "cgroup-backend.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"

static const struct cg_backend *const backends[] = { &cg_v1, &cg_v2 };

#define N_BACKENDS (sizeof(backends) / sizeof(backends[0]))

const struct cg_backend *cg_backend_by_fstype(const char *fstype)
{
	for (size_t i = 0; i < N_BACKENDS; i++)
		if (strcmp(fstype, backends[i]->fstype) == 0)
			return backends[i];
	return NULL;
}

const struct cg_backend *cg_backend_by_magic(long magic)
{
	for (size_t i = 0; i < N_BACKENDS; i++)
		if (magic == backends[i]->magic)
			return backends[i];
	return NULL;
}

static const struct {
	unsigned bit;
	const char *name;
} controller_names[] = {
	{ CG_MEMORY, "memory" }, { CG_PIDS, "pids" },
	{ CG_CPU, "cpu" },       { CG_CPUACCT, "cpuacct" },
	{ CG_FREEZER, "freezer" },
};

#define N_CONTROLLERS (sizeof(controller_names) / sizeof(controller_names[0]))

unsigned cg_parse_controllers(const char *list)
{
	unsigned bits = 0;
	char copy[256], *item, *save = NULL;

	snprintf(copy, sizeof(copy), "%s", list);
	for (item = strtok_r(copy, ",", &save); item;
	     item = strtok_r(NULL, ",", &save))
		for (size_t i = 0; i < N_CONTROLLERS; i++)
			if (strcmp(item, controller_names[i].name) == 0)
				bits |= controller_names[i].bit;
	return bits;
}

const char *cg_controller_name(unsigned bit)
{
	for (size_t i = 0; i < N_CONTROLLERS; i++)
		if (controller_names[i].bit == bit)
			return controller_names[i].name;
	return "?";
}

int cg_find_mounts(struct cg_mount *mounts, size_t max)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096];
	int n = 0;

	if (!f)
		return -errno;
	while ((size_t)n < max && fgets(line, sizeof(line), f)) {
		char mnt[PATH_MAX], fstype[64], super[256];
		const char *dash = strstr(line, " - ");

		if (!dash || sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1 ||
		    sscanf(dash + 3, "%63s %*s %255s", fstype, super) != 2)
			continue;
		mounts[n].backend = cg_backend_by_fstype(fstype);
		if (!mounts[n].backend)
			continue;
		snprintf(mounts[n].path, sizeof(mounts[n].path), "%s", mnt);
		mounts[n].controllers =
			mounts[n].backend->mount_controllers(super);
		n++;
	}
	if (ferror(f))
		n = -(errno ? errno : EIO);
	fclose(f);
	return n;
}

const char *cg_relative_path(const char *parent, const struct cg_mount *mounts,
			     size_t n, const struct cg_backend *backend,
			     size_t *own)
{
	size_t best = 0;

	*own = n;
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(mounts[i].path);

		if ((!backend || mounts[i].backend == backend) &&
		    strncmp(parent, mounts[i].path, len) == 0 &&
		    (parent[len] == '/' || !parent[len]) && len > best) {
			*own = i;
			best = len;
		}
	}
	return *own == n ? NULL : parent + best;
}

int cg_add_dir(struct cgroup_set *set, const char *path,
	       const struct cg_backend *backend, unsigned controllers)
{
	struct cg_dir *d;

	if (set->n >= CG_MAX_DIRS)
		return -E2BIG;
	d = &set->dirs[set->n++];
	snprintf(d->path, sizeof(d->path), "%s", path);
	d->backend = backend;
	d->controllers = controllers;
	d->created = false;
	d->lock_fd = -1;
	return 0;
}

bool cg_join_path(char *buf, size_t size, const char *dir, const char *suffix)
{
	int n = snprintf(buf, size, "%s%s", dir, suffix);

	return n >= 0 && (size_t)n < size;
}

long long cg_read_key(const char *dir, const char *name, const char *key)
{
	char buf[4096], *line, *save = NULL;
	size_t len = strlen(key);

	if (read_file_at(dir, name, buf, sizeof(buf)) < 0)
		return -1;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		if (strncmp(line, key, len) == 0 && line[len] == ' ')
			return atoll(line + len + 1);
	return -1;
}

long long cg_read_number(const char *dir, const char *name)
{
	char buf[64];

	if (read_file_at(dir, name, buf, sizeof(buf)) < 0 || !isdigit(*buf))
		return -1;
	return atoll(buf);
}

int cg_set_limit(const struct cg_dir *d, unsigned controller, const char *file,
		 long long value, struct sh_err *err)
{
	char text[32];
	int r;

	if (!(d->controllers & controller))
		return 0;
	snprintf(text, sizeof(text), "%lld", value);
	r = write_file_at(d->path, file, text);
	if (r < 0)
		return err_sys(err, STAGE_CGROUP, -r, "write %s=%s in `%s`",
			       file,
			       text, d->path);
	return 0;
}
