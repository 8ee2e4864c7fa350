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

/* Parse "SRC:DEST" (or "PATH" for SRC=DEST) of --bind/--ro-bind. The
 * returned strings point into a copy owned by the caller (*storage). */
int mount_parse_bind(const char *value, char **storage, const char **source,
		     const char **dest);

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
