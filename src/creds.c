/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "creds.h"

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "names.h"

/* The kernel's limit (NGROUPS_MAX of <linux/limits.h>, since Linux
 * 2.6.4). Not sysconf(_SC_NGROUPS_MAX): musl answers its own 32. */
#define KERNEL_NGROUPS_MAX 65536

/* A value that is neither a name nor an id the set*id calls take
 * ("-1", "4294967295": (uid_t)-1 means "unchanged" to them) is refused
 * as such, before any lookup fails on it for another reason. */
static int check_id_text(const char *option, const char *value,
			 struct sh_err *err)
{
	unsigned long id;
	bool digits = strspn(value, "0123456789") == strlen(value);

	if (value[0] == '-' || value[0] == '+' ||
	    (digits && !names_parse_id(value, &id)))
		return err_set(err, STAGE_SPEC, EINVAL,
			       "%s `%s`: neither a name nor an id from 0 to "
			       "%u",
			       option, value, UINT_MAX - 1);
	return 0;
}

static int resolve_uid(const struct spec *spec, struct creds *creds,
		       gid_t *user_gid, bool *has_user_gid, struct sh_err *err)
{
	_cleanup_free_ char *buf = NULL;
	struct passwd pw;
	unsigned long id;
	bool found;
	int r = check_id_text("--uid", spec->uid, err);

	if (r < 0)
		return r;
	r = names_user(spec->uid, &pw, &buf, &found);
	if (r < 0)
		return err_sys(err, STAGE_SPEC, -r, "--uid `%s`: user lookup",
			       spec->uid);
	if (found) {
		creds->uid = pw.pw_uid;
		*user_gid = pw.pw_gid;
		*has_user_gid = true;
	} else if (names_parse_id(spec->uid, &id)) {
		creds->uid = (uid_t)id;
	} else {
		return err_set(err, STAGE_SPEC, ENOENT,
			       "--uid `%s`: no such user",
			       spec->uid);
	}
	creds->set_uid = true;
	return 0;
}

static int resolve_group(const char *option, const char *name, gid_t *gid,
			 struct sh_err *err)
{
	_cleanup_free_ char *buf = NULL;
	struct group gr;
	unsigned long id;
	bool found;
	int r = check_id_text(option, name, err);

	if (r < 0)
		return r;
	if (names_parse_id(name, &id)) {
		*gid = (gid_t)id; /* a number need not have a group entry */
		return 0;
	}
	r = names_group(name, &gr, &buf, &found);
	if (r < 0)
		return err_sys(err, STAGE_SPEC, -r, "%s `%s`: group lookup",
			       option,
			       name);
	if (!found)
		return err_set(err, STAGE_SPEC, ENOENT,
			       "%s `%s`: no such group",
			       option, name);
	*gid = gr.gr_gid;
	return 0;
}

static int resolve_groups(const char *list, struct creds *creds,
			  struct sh_err *err)
{
	_cleanup_free_ char *copy = strdup(list);
	char *save = NULL, *item;
	size_t cap = 1;

	if (!copy)
		return err_set(err, STAGE_SPEC, ENOMEM, "out of memory");
	for (const char *c = list; *c; c++)
		cap += *c == ',';
	creds->groups = calloc(cap, sizeof(gid_t));
	if (!creds->groups)
		return err_set(err, STAGE_SPEC, ENOMEM, "out of memory");
	creds->set_groups = true;
	if (!*list)
		return 0;
	if (list[strlen(list) - 1] == ',' || *list == ',' || strstr(list, ",,"))
		return err_set(err, STAGE_SPEC, EINVAL,
			       "--groups `%s`: an empty name in the list",
			       list);
	for (item = strtok_r(copy, ",", &save); item;
	     item = strtok_r(NULL, ",", &save)) {
		int r = resolve_group("--groups", item,
				      &creds->groups[creds->n_groups++], err);

		if (r < 0)
			return r;
	}
	if (creds->n_groups > KERNEL_NGROUPS_MAX)
		return err_set(err, STAGE_SPEC, EINVAL,
			       "--groups: %zu groups, the kernel allows %d",
			       creds->n_groups, KERNEL_NGROUPS_MAX);
	return 0;
}

int creds_resolve(const struct spec *spec, struct creds *creds,
		  struct sh_err *err)
{
	bool has_user_gid = false;
	gid_t user_gid = 0;
	int r;

	memset(creds, 0, sizeof(*creds));
	if (spec->uid) {
		r = resolve_uid(spec, creds, &user_gid, &has_user_gid, err);
		if (r < 0)
			return r;
	}
	if (spec->gid) {
		r = resolve_group("--gid", spec->gid, &creds->gid, err);
		if (r < 0)
			return r;
		creds->set_gid = true;
	} else if (spec->uid && has_user_gid) {
		creds->gid = user_gid;
		creds->set_gid = true;
	} else if (spec->uid) {
		return err_set(err, STAGE_SPEC, EINVAL,
			       "--uid %s has no passwd entry to take a group "
			       "from: give --gid",
			       spec->uid);
	}
	if (spec->groups)
		return resolve_groups(spec->groups, creds, err);
	/* Changing identity without naming groups: none, never root's. */
	if (creds->set_uid || creds->set_gid) {
		creds->groups = calloc(1, sizeof(gid_t));
		creds->set_groups = creds->groups != NULL;
		if (!creds->groups)
			return err_set(err, STAGE_SPEC, ENOMEM,
				       "out of memory");
	}
	return 0;
}

void creds_clear(struct creds *creds)
{
	free(creds->groups);
	memset(creds, 0, sizeof(*creds));
}

static int compare_gids(const void *a, const void *b)
{
	gid_t x = *(const gid_t *)a, y = *(const gid_t *)b;

	return (x > y) - (x < y);
}

static bool groups_already(const gid_t *want, size_t n)
{
	int n_have = getgroups(0, NULL);
	_cleanup_free_ gid_t *have = NULL, *sorted = NULL;

	if (n_have < 0 || (size_t)n_have != n)
		return false;
	if (n == 0)
		return true;
	have = calloc(n, sizeof(gid_t));
	sorted = calloc(n, sizeof(gid_t));
	if (!have || !sorted || getgroups((int)n, have) != (int)n)
		return false;
	memcpy(sorted, want, n * sizeof(gid_t));
	qsort(sorted, n, sizeof(gid_t), compare_gids);
	qsort(have, n, sizeof(gid_t), compare_gids);
	return memcmp(sorted, have, n * sizeof(gid_t)) == 0;
}

static bool ids_already(bool is_uid, unsigned id)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;

	if (is_uid)
		return getresuid(&ru, &eu, &su) == 0 && ru == id && eu == id &&
		       su == id;
	return getresgid(&rg, &eg, &sg) == 0 && rg == id && eg == id &&
	       sg == id;
}

/* EINVAL: the id has no mapping in our user namespace; EPERM: we lack
 * the capability. */
static int id_error(struct sh_err *err, const char *call, unsigned id,
		    const char *cap, const char *map_option)
{
	if (errno == EINVAL)
		return err_sys(err, STAGE_CREDS, errno,
			       "%s %u (%u is not mapped in the user namespace: "
			       "see --map-root and %s)",
			       call, id, id, map_option);
	return err_sys(err, STAGE_CREDS, errno, "%s %u (needs %s)", call, id,
		       cap);
}

int creds_apply(const struct creds *creds, struct sh_err *err)
{
	if (creds->set_groups && !groups_already(creds->groups, creds->n_groups) &&
	    setgroups(creds->n_groups, creds->groups) < 0)
		return err_sys(err, STAGE_CREDS, errno,
			       "setgroups (%zu groups; needs CAP_SETGID)",
			       creds->n_groups);
	if (creds->set_gid && !ids_already(false, creds->gid) &&
	    setresgid(creds->gid, creds->gid, creds->gid) < 0)
		return id_error(err, "setresgid", creds->gid, "CAP_SETGID",
				"--gid-map");
	if (creds->set_uid && !ids_already(true, creds->uid) &&
	    setresuid(creds->uid, creds->uid, creds->uid) < 0)
		return id_error(err, "setresuid", creds->uid, "CAP_SETUID",
				"--uid-map");
	return 0;
}
