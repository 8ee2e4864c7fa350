/* The network sandbox: inside a new network namespace, bring lo up and
 * give it addresses beyond the loopback ones, so that getaddrinfo with
 * AI_ADDRCONFIG (which ignores 127/8 and ::1) resolves "localhost" for
 * each family that works. */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#include "err.h"

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

/* What the network stage did, for the status record. */
struct net_result {
	bool ipv6;   /* the IPv6 probe succeeded */
	struct net_addr added[NET_MAX_ADDRS];
	size_t n_added;
};

/* Bring lo up, probe IPv6, add the addresses (IPv6 ones only when the
 * probe succeeded). A netlink failure reports the kernel's own errno. */
int net_setup_loopback(const struct net_addr *addrs, size_t n,
		       struct net_result *result, struct sh_err *err);

/* portage's defaults are 10.0.0.1/8 and fd::1/8; ours keep the IPv4 one and
 * use a real unique-local address (fd::1 is 00fd::1, not in fc00::/7). */
#define NET_DEFAULT_ADDR4 "10.0.0.1/8"
#define NET_DEFAULT_ADDR6 "fd00::1/8"
