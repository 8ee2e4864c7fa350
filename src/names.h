/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* User and group lookups for --uid, --gid and --groups.
 *
 * A dynamically linked helper asks glibc's NSS as /etc/nsswitch.conf
 * says. A static helper (the default build, see configure.ac) cannot load
 * NSS modules into its static C library, and must not try: the module
 * would bring a second libc (a name that fell through to nss-systemd
 * crashed it). So it reads /etc/passwd and /etc/group first (glibc's
 * built-in "files" source; musl reads them, then asks nscd), and for
 * what they lack runs getent(1), a dynamic program that asks every
 * source. Only names or ids missing from the files pay for that exec. */
#pragma once

#include <grp.h>
#include <pwd.h>
#include <stdbool.h>

/* Whether s is a decimal id a uid_t or gid_t can hold, in *out. */
bool names_parse_id(const char *s, unsigned long *out);

/* From main() of a static helper, before any lookup. */
void names_files_then_getent(void);

/* The passwd entry of key, a name or a decimal id. 0 with *found false
 * when there is none; -errno when the lookup fails. *buf is malloc'd,
 * also on failure: the caller frees it. The entry's strings live there,
 * or, when getent(1) found it, in the C library's fgetpwent buffer until
 * the next lookup: callers keep the ids only. */
int names_user(const char *key, struct passwd *pw, char **buf, bool *found);

/* The group entry of name, likewise. */
int names_group(const char *name, struct group *gr, char **buf, bool *found);
