/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_addr.h>
#include <net/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cleanup.h"
#include "clock.h"

struct nl_request {
	struct nlmsghdr hdr;
	union {
		struct ifinfomsg link;
		struct ifaddrmsg addr;
		struct rtmsg route;
	} body;
	char attrs[64];
};

static void nl_add_attr(struct nl_request *req, unsigned short type,
			const void *data, size_t len)
{
	struct rtattr *rta =
		(struct rtattr *)((char *)req + NLMSG_ALIGN(req->hdr.nlmsg_len));

	rta->rta_type = type;
	rta->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(rta), data, len);
	req->hdr.nlmsg_len = NLMSG_ALIGN(req->hdr.nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

/* Send one request and receive the kernel's reply to it into buf: its
 * length, or -errno. Replies are matched by sequence number, so that one
 * left unread by an earlier failed receive is skipped, not taken for
 * this one's. */
static ssize_t nl_exchange(int fd, struct nl_request *req, char *buf,
			   size_t size)
{
	static unsigned int seq;
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	const struct nlmsghdr *reply = (const struct nlmsghdr *)buf;
	ssize_t n;

	req->hdr.nlmsg_flags |= NLM_F_REQUEST;
	req->hdr.nlmsg_seq = ++seq;
	if (sendto(fd, req, req->hdr.nlmsg_len, 0, (struct sockaddr *)&kernel,
		   sizeof(kernel)) < 0)
		return -errno;
	for (;;) {
		n = recv(fd, buf, size, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (!NLMSG_OK(reply, (size_t)n))
			return -EPROTO;
		if (reply->nlmsg_seq == req->hdr.nlmsg_seq)
			return n;
	}
}

/* Send one request and return the kernel's answer: 0 or -errno. */
static int nl_transact(int fd, struct nl_request *req)
{
	char buf[1024];
	const struct nlmsghdr *reply = (const struct nlmsghdr *)buf;
	ssize_t n;

	req->hdr.nlmsg_flags |= NLM_F_ACK;
	n = nl_exchange(fd, req, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	if (reply->nlmsg_type != NLMSG_ERROR)
		return -EPROTO;
	return ((const struct nlmsgerr *)NLMSG_DATA(reply))->error;
}

static int link_up(int fd, int ifindex)
{
	struct nl_request req = { 0 };

	req.hdr.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
	req.hdr.nlmsg_type = RTM_NEWLINK;
	req.body.link.ifi_family = AF_UNSPEC;
	req.body.link.ifi_index = ifindex;
	req.body.link.ifi_flags = IFF_UP;
	req.body.link.ifi_change = IFF_UP;
	return nl_transact(fd, &req);
}

static int add_address(int fd, int ifindex, const struct net_addr *a)
{
	size_t len = a->family == AF_INET ? sizeof(a->addr.v4)
					  : sizeof(a->addr.v6);
	struct nl_request req = { 0 };

	req.hdr.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg));
	req.hdr.nlmsg_type = RTM_NEWADDR;
	req.hdr.nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	req.body.addr.ifa_family = (unsigned char)a->family;
	req.body.addr.ifa_prefixlen = a->prefix;
	/* no duplicate address detection: usable at once, never tentative */
	req.body.addr.ifa_flags = a->family == AF_INET6 ? IFA_F_NODAD : 0;
	req.body.addr.ifa_scope = RT_SCOPE_UNIVERSE;
	req.body.addr.ifa_index = (unsigned)ifindex;
	nl_add_attr(&req, IFA_LOCAL, &a->addr, len);
	nl_add_attr(&req, IFA_ADDRESS, &a->addr, len);
	return nl_transact(fd, &req);
}

/* IPv6 works when a socket can bind ::1 (portage's has_ipv6 asks the
 * host and answers true even when it cannot). probe is an AF_INET6
 * socket of the sandbox's network namespace, or -1 when none could be
 * made there. */
static bool ipv6_works(int probe)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6,
				   .sin6_addr = IN6ADDR_LOOPBACK_INIT };

	return probe >= 0 && bind(probe, (struct sockaddr *)&sa, sizeof(sa)) == 0;
}

/* Whether the kernel routes addr as local yet (RTM_GETROUTE answers a
 * route of type RTN_LOCAL). */
static bool routed_locally(int fd, const struct in6_addr *addr)
{
	struct nl_request req = { 0 };
	char buf[1024];
	const struct nlmsghdr *reply = (const struct nlmsghdr *)buf;

	req.hdr.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
	req.hdr.nlmsg_type = RTM_GETROUTE;
	req.body.route.rtm_family = AF_INET6;
	req.body.route.rtm_dst_len = 128;
	nl_add_attr(&req, RTA_DST, addr, sizeof(*addr));
	return nl_exchange(fd, &req, buf, sizeof(buf)) > 0 &&
	       reply->nlmsg_type == RTM_NEWROUTE &&
	       ((const struct rtmsg *)NLMSG_DATA(reply))->rtm_type == RTN_LOCAL;
}

/* Whether msg announces a local IPv6 route to addr. */
static bool announces_local(const struct nlmsghdr *msg,
			    const struct in6_addr *addr)
{
	const struct rtmsg *rt = NLMSG_DATA(msg);
	int len = (int)RTM_PAYLOAD(msg);

	if (msg->nlmsg_type != RTM_NEWROUTE || rt->rtm_family != AF_INET6 ||
	    rt->rtm_type != RTN_LOCAL)
		return false;
	for (const struct rtattr *a = RTM_RTA(rt); RTA_OK(a, len);
	     a = RTA_NEXT(a, len))
		if (a->rta_type == RTA_DST &&
		    RTA_PAYLOAD(a) == sizeof(*addr) &&
		    memcmp(RTA_DATA(a), addr, sizeof(*addr)) == 0)
			return true;
	return false;
}

/* An IPv6 address is there at once (no DAD), but the kernel adds its
 * local route from a work queue: until then a connect() to it waits for
 * neighbour discovery and fails with ENETUNREACH. The route's
 * announcement comes on the events socket, subscribed before the
 * addresses were added; wait for it until deadline (now_usec),
 * asking the kernel first in case it came already, and again whenever
 * the events say nothing for 50 ms (every 50 ms when they cannot be
 * read). Whether the route came. */
static bool wait_local_route(int fd, int events, const struct in6_addr *addr,
			     long long deadline)
{
	char buf[8192];

	if (routed_locally(fd, addr))
		return true;
	for (long long left; (left = (deadline - now_usec()) / 1000) > 0;) {
		struct pollfd pfd = { events, POLLIN, 0 };
		ssize_t n = -1;

		if (poll(&pfd, 1, left < 50 ? (int)left : 50) > 0) {
			n = recv(events, buf, sizeof(buf), MSG_DONTWAIT);
			/* announcements lost (ENOBUFS): ask every 50 ms */
			if (n < 0 && errno != EAGAIN && errno != EINTR)
				events = -1;
		}
		if (n <= 0) {
			if (routed_locally(fd, addr))
				return true;
			continue;
		}
		for (struct nlmsghdr *m = (struct nlmsghdr *)buf;
		     NLMSG_OK(m, (size_t)n); m = NLMSG_NEXT(m, n))
			if (announces_local(m, addr))
				return true;
	}
	return routed_locally(fd, addr);
}

static int open_route_events(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK,
				  .nl_groups = RTMGRP_IPV6_ROUTE };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

	if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int net_open(struct net_sockets *s, struct sh_err *err)
{
	s->route = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (s->route < 0)
		return err_sys(err, STAGE_NET, errno, "netlink socket");
	/* subscribed before anything changes, so no announcement is lost */
	s->events = open_route_events();
	s->probe = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	return 0;
}

void net_close(struct net_sockets *s)
{
	cleanup_closep(&s->route);
	cleanup_closep(&s->events);
	cleanup_closep(&s->probe);
	s->route = s->events = s->probe = -1;
}

/* Wait for a's local route; one the kernel has not added by the deadline
 * goes into result->unrouted (the command starts anyway, and the status
 * record says so). */
static void note_route(const struct net_sockets *s, const struct net_addr *a,
		       long long deadline, struct net_result *result)
{
	if (!wait_local_route(s->route, s->events, &a->addr.v6, deadline) &&
	    result->n_unrouted < NET_MAX_ADDRS + 1)
		result->unrouted[result->n_unrouted++] = *a;
}

int net_setup_loopback(const struct net_sockets *s,
		       const struct net_addr *addrs, size_t n,
		       struct net_result *result, struct sh_err *err)
{
	/* lo is the first interface of every network namespace */
	const int ifindex = 1;
	const struct net_addr loopback6 = { .family = AF_INET6,
					    .addr.v6 = IN6ADDR_LOOPBACK_INIT,
					    .prefix = 128 };
	long long deadline;
	char text[64];
	int r;

	memset(result, 0, sizeof(*result));
	r = link_up(s->route, ifindex);
	if (r < 0)
		return err_sys(err, STAGE_NET, -r, "netlink: set `lo` up");
	result->ipv6 = ipv6_works(s->probe);
	deadline = now_usec() + NET_ROUTE_WAIT_MS * 1000LL;
	for (size_t i = 0; i < n && result->n_added < NET_MAX_ADDRS; i++) {
		if (addrs[i].family == AF_INET6 && !result->ipv6)
			continue;
		r = add_address(s->route, ifindex, &addrs[i]);
		net_format_addr(&addrs[i], text, sizeof(text));
		if (r < 0)
			return err_sys(err, STAGE_NET, -r,
				       "netlink: add address %s to `lo`", text);
		result->added[result->n_added++] = addrs[i];
	}
	if (result->ipv6)
		note_route(s, &loopback6, deadline, result);
	for (size_t i = 0; i < result->n_added; i++)
		if (result->added[i].family == AF_INET6)
			note_route(s, &result->added[i], deadline, result);
	return 0;
}
