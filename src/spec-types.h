/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The spec's typed values, each parsed once where the option is read
 * and formatted back by the spec's emitter: namespace kinds, id maps,
 * loopback addresses, capability sets, resource limits, bind mounts.
 * Nothing here touches the running system. */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>

/* In the order they are joined: the user namespace first, since it gives
 * the rights to join the others. */
enum ns_kind {
	NS_USER,
	NS_MOUNT,
	NS_NET,
	NS_IPC,
	NS_UTS,
	NS_PID,
	NS_CGROUP,
	NS_TIME,
	NS_COUNT,
};

#define NS_BIT(kind) (1u << (kind))
#define NS_ALL_BUT_USER ((NS_BIT(NS_COUNT) - 1) & ~NS_BIT(NS_USER))

struct ns_info {
	const char *name;      /* as in --unshare-NAME and --join-ns NAME=... */
	const char *proc_name; /* /proc/PID/ns/NAME */
	unsigned long flag;    /* CLONE_NEW* */
};

extern const struct ns_info ns_table[NS_COUNT];

/* The kind named NAME, or -1. */
int ns_kind_by_name(const char *name, size_t len);

/* One uid_map/gid_map: records "INNER OUTER COUNT", one per line. */
struct id_map {
	char text[256];
};

/* pyspaces' comma-separated records ("0 1000 1,1 100000 65536"). */
int id_map_parse(const char *value, struct id_map *map);
void id_map_single(struct id_map *map, unsigned inner, unsigned outer);

struct net_addr {
	int family; /* AF_INET or AF_INET6 */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} addr;
	unsigned char prefix;
};

#define NET_MAX_ADDRS 16

/* Parse "ADDR/PREFIX" (IPv4 or IPv6). -EINVAL when malformed. */
int net_parse_addr(const char *text, struct net_addr *out);
/* The same address (the prefix aside). */
bool net_same_addr(const struct net_addr *a, const struct net_addr *b);
/* 127.0.0.1 or ::1, which lo gets by itself. */
bool net_is_loopback(const struct net_addr *a);

/* "ADDR/PREFIX" back, for the status record and the spec's emitter. */
void net_format_addr(const struct net_addr *a, char *buf, size_t size);

struct rlimit_setting {
	int resource;
	struct rlimit value;
	const char *text; /* as the caller gave it, for messages */
};

/* "nofile=1024:4096", "core=0", "as=unlimited". -EINVAL when malformed;
 * *bad says which part. */
int rlimit_parse(const char *text, struct rlimit_setting *out,
		 const char **bad);

/* The rlimit's name ("nofile"), for messages. */
const char *rlimit_name(int resource);

/* "CAP_NET_ADMIN,chown,..." (capsh's names, CAP_ optional) to a mask;
 * -EINVAL with the unknown name in bad. */
int caps_parse(const char *list, uint64_t *mask, char *bad, size_t bad_size);

/* --uid-map, --gid-map: the map, and the value as given, which the
 * spec's emitter writes back (blanks and all). */
struct id_map_spec {
	struct id_map map;
	char *text;
};

/* A new id_map_spec of value: 0, -EINVAL when malformed, -ENOMEM. */
int id_map_spec_parse(const char *value, struct id_map_spec **out);
void id_map_spec_free(struct id_map_spec *s);

/* --loopback-addr, in the order given (at most NET_MAX_ADDRS). */
struct addr_list {
	struct net_addr v[NET_MAX_ADDRS];
	size_t n;
};

/* --join-ns TYPE=PATH, in the order given: the kind, the path, and the
 * value as given, which messages quote. */
struct join_spec {
	int kind;
	char *path;
	char *text;
};

struct join_list {
	struct join_spec *v;
	size_t n;
};

/* 0, -EINVAL when value is no TYPE=PATH with a known TYPE, -ENOMEM. */
int join_spec_parse(const char *value, struct join_spec *out);
/* Append, taking the strings of s: 0 or -ENOMEM (s untouched then). */
int join_list_push(struct join_list *list, struct join_spec *s);
void join_list_clear(struct join_list *list);

/* --bind, --ro-bind SRC:DEST (PATH alone: PATH:PATH), in the order given,
 * with the value as given for messages. */
struct bind_spec {
	char *source;
	char *dest;
	char *text;
};

struct bind_list {
	struct bind_spec *v;
	size_t n;
};

/* 0, -EINVAL when the source is empty or the destination not absolute,
 * -ENOMEM. */
int bind_spec_parse(const char *value, struct bind_spec *out);
int bind_list_push(struct bind_list *list, struct bind_spec *s);
void bind_list_clear(struct bind_list *list);

/* --rlimit: at most one setting of each resource, in the order given;
 * each text is the list's copy of the value as given. */
struct rlimit_list {
	struct rlimit_setting v[RLIMIT_NLIMITS];
	size_t n;
	uint32_t given; /* 1 << resource of each setting */
};

/* The resource the first len bytes of name name ("nofile"), or -1. */
int rlimit_by_name(const char *name, size_t len);
/* Append a copy of s: 0, -EEXIST when its resource is there already,
 * -ENOMEM. */
int rlimit_list_add(struct rlimit_list *list,
		    const struct rlimit_setting *s);
/* Take resource's setting out (the last one fills its place), its text
 * now the caller's: true when it was there. */
bool rlimit_list_take(struct rlimit_list *list, int resource,
		      struct rlimit_setting *out);
/* Append s as it is, its text the list's again. */
void rlimit_list_put(struct rlimit_list *list,
		     const struct rlimit_setting *s);
void rlimit_list_clear(struct rlimit_list *list);

/* Whether path names / ("/", "//", "/.", "/a/.."): a mount there stacks
 * on the root without becoming the root the process sees. */
bool mount_path_is_root(const char *path);

/* A word's place in a NULL-terminated list of choices, counted from 1
 * (as keyword options store it), or 0 when it is not there. */
int choice_index(const char *const *choices, const char *word);
/* The choices in words for a message: "a or b", "a, b or c". */
void choices_text(const char *const *choices, char *buf, size_t size);

/* --seccomp-profile's words: the built-in profiles, and "none" */
extern const char *const seccomp_profile_choices[];
