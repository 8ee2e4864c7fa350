/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The network sandbox: inside a new network namespace, bring lo up and
 * give it addresses beyond the loopback ones, so that getaddrinfo with
 * AI_ADDRCONFIG (which ignores 127/8 and ::1) resolves "localhost" for
 * each family that works. */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "spec-types.h"

/* What the network stage did, for the status record. */
struct net_result {
	bool ipv6;   /* the IPv6 probe succeeded */
	struct net_addr added[NET_MAX_ADDRS];
	size_t n_added;
	/* IPv6 addresses (::1 among them) the kernel had not routed locally
	 * after NET_ROUTE_WAIT_MS */
	struct net_addr unrouted[NET_MAX_ADDRS + 1];
	size_t n_unrouted;
};

/* How long the monitor waits, in all, for the kernel to route lo's IPv6
 * addresses (it does so from a work queue, which takes RTNL: a host busy
 * tearing down network namespaces can hold that for long). */
#define NET_ROUTE_WAIT_MS 1000

/* The sockets the loopback is configured through, made inside the
 * sandbox's network namespace by its first process and passed to the
 * monitor, which configures lo while the sandbox goes on (netlink checks
 * CAP_NET_ADMIN over the namespace's user namespace, which the monitor,
 * root or that namespace's owner, holds). */
struct net_sockets {
	int route;  /* NETLINK_ROUTE requests */
	int events; /* RTMGRP_IPV6_ROUTE announcements, or -1 */
	int probe;  /* an AF_INET6 datagram socket for the IPv6 probe, or -1 */
};

/* Open the sockets in the calling process's network namespace: only the
 * netlink one must open (-errno otherwise, stage net). */
int net_open(struct net_sockets *s, struct sh_err *err);
/* Close those that are open, and mark all closed (-1). */
void net_close(struct net_sockets *s);

/* Bring lo up, probe IPv6, add the addresses (IPv6 ones only when the
 * probe succeeded), through the sockets of s. A netlink failure reports
 * the kernel's own errno (stage net). */
int net_setup_loopback(const struct net_sockets *s,
		       const struct net_addr *addrs, size_t n,
		       struct net_result *result, struct sh_err *err);

/* portage's defaults are 10.0.0.1/8 and fd::1/8; ours keep the IPv4 one and
 * use a real unique-local address (fd::1 is 00fd::1, not in fc00::/7). */
#define NET_DEFAULT_ADDR4 "10.0.0.1/8"
#define NET_DEFAULT_ADDR6 "fd00::1/8"
