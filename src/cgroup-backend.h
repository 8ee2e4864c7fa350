/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What differs between cgroup v1 and v2, behind one table per version
 * (cgroup-v1.c, cgroup-v2.c), and the file helpers both share
 * (cgroup-fs.c). cgroup.c handles the set of directories and asks each
 * directory's backend, so no code tests a version number. A hybrid
 * machine mixes both in one set: each directory has its own backend. */
#pragma once

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "cgroup.h"
#include "err.h"
#include "spec.h"

struct cg_backend {
	const char *fstype;  /* in /proc/self/mountinfo */
	long magic;          /* statfs's f_type */
	/* The controllers of a mount of this type, from its super options:
	 * what a directory found there can limit or measure until it says
	 * more itself. */
	unsigned (*mount_controllers)(const char *options);
	/* The directories of --cgroup-parent (parent is in a file system of
	 * this type) added to the set, before the leaves are made. */
	int (*add_parents)(const char *parent, unsigned required,
			   struct cgroup_set *set, struct sh_err *err);
	/* The controllers a leaf needs made available in its parent d. */
	int (*enable_controllers)(struct cg_dir *d, unsigned required,
				  struct sh_err *err);
	/* d's controllers, read again once d is the leaf just made. */
	int (*leaf_controllers)(struct cg_dir *d, struct sh_err *err);
	const char *memory_max_file;
	int (*set_cpu_max)(const struct cg_dir *d, long long quota_usec,
			   long long period_usec, struct sh_err *err);
	/* Every process in d killed at once; false where it cannot be. */
	bool (*kill_fast)(const struct cg_dir *d);
	/* 0 or -errno; d has CG_FREEZER. */
	int (*freeze)(const struct cg_dir *d, bool frozen);
	/* What d measured, into the fields it knows. */
	void (*usage)(const struct cg_dir *d, struct cgroup_usage *u);
};

extern const struct cg_backend cg_v1, cg_v2;

/* The backend of a file system type or statfs magic; NULL for neither. */
const struct cg_backend *cg_backend_by_fstype(const char *fstype);
const struct cg_backend *cg_backend_by_magic(long magic);

/* cgroup-fs.c */

/* The cgroup hierarchies of the machine: mount point, backend and
 * controllers. */
struct cg_mount {
	char path[PATH_MAX];
	const struct cg_backend *backend;
	unsigned controllers;
};

#define CG_MAX_MOUNTS 32

/* The number of cgroup mounts (v1 and v2) found, or -errno. */
int cg_find_mounts(struct cg_mount *mounts, size_t max);
/* parent's path relative to the mount (of the backend, NULL for either)
 * it is in, the deepest; that mount's index in *own. NULL for none. */
const char *cg_relative_path(const char *parent, const struct cg_mount *mounts,
			     size_t n, const struct cg_backend *backend,
			     size_t *own);
int cg_add_dir(struct cgroup_set *set, const char *path,
	       const struct cg_backend *backend, unsigned controllers);
/* dir + suffix into buf; false when it does not fit. */
bool cg_join_path(char *buf, size_t size, const char *dir, const char *suffix);

/* Controller bits of a list "memory,pids,..." (unknown names ignored). */
unsigned cg_parse_controllers(const char *list);
const char *cg_controller_name(unsigned bit);
/* The number after KEY (a line "KEY VALUE") in dir/name, or -1. */
long long cg_read_key(const char *dir, const char *name, const char *key);
/* The number dir/name holds, or -1. */
long long cg_read_number(const char *dir, const char *name);
/* value into d/file when d has the controller; 0 or -errno with err. */
int cg_set_limit(const struct cg_dir *d, unsigned controller, const char *file,
		 long long value, struct sh_err *err);
