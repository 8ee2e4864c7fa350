/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "spec-types.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cap-names.h"
#include "utf8.h"

const struct ns_info ns_table[NS_COUNT] = {
	[NS_USER] = { "user", "user", CLONE_NEWUSER },
	[NS_MOUNT] = { "mount", "mnt", CLONE_NEWNS },
	[NS_NET] = { "net", "net", CLONE_NEWNET },
	[NS_IPC] = { "ipc", "ipc", CLONE_NEWIPC },
	[NS_UTS] = { "uts", "uts", CLONE_NEWUTS },
	[NS_PID] = { "pid", "pid", CLONE_NEWPID },
	[NS_CGROUP] = { "cgroup", "cgroup", CLONE_NEWCGROUP },
	[NS_TIME] = { "time", "time", CLONE_NEWTIME },
};

int ns_kind_by_name(const char *name, size_t len)
{
	for (int k = 0; k < NS_COUNT; k++)
		if (strlen(ns_table[k].name) == len &&
		    strncmp(ns_table[k].name, name, len) == 0)
			return k;
	return -1;
}

int id_map_parse(const char *value, struct id_map *map)
{
	size_t len = 0;
	const char *p = value;

	memset(map, 0, sizeof(*map));
	while (*p) {
		unsigned long inner, outer, count;
		int used = 0;

		/* digits and blanks only: sscanf would take signs */
		if (strspn(p, "0123456789 \t") < strcspn(p, ",") ||
		    sscanf(p, " %lu %lu %lu %n", &inner, &outer, &count,
			   &used) != 3 ||
		    count == 0 || count > UINT32_MAX ||
		    inner > UINT32_MAX - count || outer > UINT32_MAX - count ||
		    (p[used] != ',' && p[used] != '\0'))
			return -EINVAL;
		len += (size_t)snprintf(map->text + len,
					len < sizeof(map->text)
						? sizeof(map->text) - len
						: 0,
					"%lu %lu %lu\n", inner, outer, count);
		if (len >= sizeof(map->text))
			return -E2BIG;
		if (p[used] == ',' && !p[used + 1])
			return -EINVAL; /* a trailing comma: a record missing */
		p += used + (p[used] == ',');
	}
	return len ? 0 : -EINVAL;
}

void id_map_single(struct id_map *map, unsigned inner, unsigned outer)
{
	snprintf(map->text, sizeof(map->text), "%u %u 1\n", inner, outer);
}

int net_parse_addr(const char *text, struct net_addr *out)
{
	char addr[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(text, '/');
	size_t len = slash ? (size_t)(slash - text) : 0;
	char *end;
	long prefix;

	if (!slash || len == 0 || len >= sizeof(addr) || !slash[1])
		return -EINVAL;
	memcpy(addr, text, len);
	addr[len] = '\0';
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, addr, &out->addr.v4) == 1)
		out->family = AF_INET;
	else if (inet_pton(AF_INET6, addr, &out->addr.v6) == 1)
		out->family = AF_INET6;
	else
		return -EINVAL;
	errno = 0;
	prefix = strtol(slash + 1, &end, 10);
	if (errno || *end || slash[1] < '0' || slash[1] > '9' || prefix < 1 ||
	    prefix > (out->family == AF_INET ? 32 : 128))
		return -EINVAL;
	out->prefix = (unsigned char)prefix;
	return 0;
}

bool net_same_addr(const struct net_addr *a, const struct net_addr *b)
{
	if (a->family != b->family)
		return false;
	return a->family == AF_INET
		       ? a->addr.v4.s_addr == b->addr.v4.s_addr
		       : memcmp(&a->addr.v6, &b->addr.v6, sizeof(a->addr.v6)) == 0;
}

bool net_is_loopback(const struct net_addr *a)
{
	return a->family == AF_INET
		       ? a->addr.v4.s_addr == htonl(INADDR_LOOPBACK)
		       : IN6_IS_ADDR_LOOPBACK(&a->addr.v6);
}

void net_format_addr(const struct net_addr *a, char *buf, size_t size)
{
	char addr[INET6_ADDRSTRLEN];

	inet_ntop(a->family, &a->addr, addr, sizeof(addr));
	snprintf(buf, size, "%s/%u", addr, a->prefix);
}

static const struct {
	const char *name;
	int resource;
} rlimit_names[] = {
	{ "as", RLIMIT_AS },
	{ "core", RLIMIT_CORE },
	{ "cpu", RLIMIT_CPU },
	{ "data", RLIMIT_DATA },
	{ "fsize", RLIMIT_FSIZE },
	{ "locks", RLIMIT_LOCKS },
	{ "memlock", RLIMIT_MEMLOCK },
	{ "msgqueue", RLIMIT_MSGQUEUE },
	{ "nice", RLIMIT_NICE },
	{ "nofile", RLIMIT_NOFILE },
	{ "nproc", RLIMIT_NPROC },
	{ "rss", RLIMIT_RSS },
	{ "rtprio", RLIMIT_RTPRIO },
	{ "rttime", RLIMIT_RTTIME },
	{ "sigpending", RLIMIT_SIGPENDING },
	{ "stack", RLIMIT_STACK },
};

const char *rlimit_name(int resource)
{
	for (size_t i = 0; i < sizeof(rlimit_names) / sizeof(rlimit_names[0]);
	     i++)
		if (rlimit_names[i].resource == resource)
			return rlimit_names[i].name;
	return "?";
}

static int parse_value(const char *s, size_t len, rlim_t *out)
{
	char buf[32];
	char *end;

	if (len == 0 || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (strcmp(buf, "unlimited") == 0 || strcmp(buf, "infinity") == 0) {
		*out = RLIM_INFINITY;
		return 0;
	}
	if (!isdigit((unsigned char)buf[0]))
		return -EINVAL;
	errno = 0;
	*out = strtoull(buf, &end, 10);
	return errno || *end || *out == RLIM_INFINITY ? -EINVAL : 0;
}

int rlimit_by_name(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(rlimit_names) / sizeof(rlimit_names[0]);
	     i++)
		if (strlen(rlimit_names[i].name) == len &&
		    strncmp(rlimit_names[i].name, name, len) == 0)
			return rlimit_names[i].resource;
	return -1;
}

int rlimit_parse(const char *text, struct rlimit_setting *out,
		 const char **bad)
{
	size_t name_len = strcspn(text, "=");
	const char *soft = text + name_len + 1, *colon;
	int resource = rlimit_by_name(text, name_len);

	*bad = strchr(text, '=') ? "NAME" : "form";
	if (resource < 0 || !text[name_len])
		return -EINVAL;
	out->resource = resource;
	colon = strchr(soft, ':');
	*bad = "SOFT";
	if (parse_value(soft, colon ? (size_t)(colon - soft) : strlen(soft),
			&out->value.rlim_cur) < 0)
		return -EINVAL;
	out->value.rlim_max = out->value.rlim_cur;
	*bad = "HARD";
	if (colon && parse_value(colon + 1, strlen(colon + 1),
				 &out->value.rlim_max) < 0)
		return -EINVAL;
	*bad = "SOFT above HARD";
	if (out->value.rlim_cur > out->value.rlim_max)
		return -EINVAL;
	return 0;
}

/* The number of the capability called name ("cap_chown", any case), or
 * -1: only an exact name is one. */
static int cap_by_name(const char *name)
{
	for (int cap = 0; cap < CAP_NAMES_MAX; cap++)
		if (cap_names[cap] && strcasecmp(cap_names[cap], name) == 0)
			return cap;
	return -1;
}

int caps_parse(const char *list, uint64_t *mask, char *bad, size_t bad_size)
{
	const char *p = list;

	*mask = 0;
	for (;;) {
		size_t len = strcspn(p, ",");
		int cap = -1;
		char name[64];

		if (len > 0 && len < 48) {
			snprintf(name, sizeof(name), "%s%.*s",
				 strncasecmp(p, "cap_", 4) == 0 ? "" : "cap_",
				 (int)len, p);
			cap = cap_by_name(name);
		}
		if (cap < 0) {
			snprintf(bad, bad_size, "%.*s",
				 (int)utf8_cut(p, len, bad_size - 1), p);
			return -EINVAL;
		}
		*mask |= UINT64_C(1) << cap;
		if (!p[len])
			return 0;
		p += len + 1;
	}
}

int id_map_spec_parse(const char *value, struct id_map_spec **out)
{
	struct id_map map;
	int r = id_map_parse(value, &map);

	if (r < 0)
		return -EINVAL;
	*out = malloc(sizeof(**out));
	if (!*out)
		return -ENOMEM;
	(*out)->map = map;
	(*out)->text = strdup(value);
	if (!(*out)->text) {
		free(*out);
		*out = NULL;
		return -ENOMEM;
	}
	return 0;
}

void id_map_spec_free(struct id_map_spec *s)
{
	if (s)
		free(s->text);
	free(s);
}

static void join_spec_clear(struct join_spec *s)
{
	free(s->path);
	free(s->text);
}

int join_spec_parse(const char *value, struct join_spec *out)
{
	size_t len = strcspn(value, "=");

	out->kind = ns_kind_by_name(value, len);
	if (out->kind < 0 || !value[len] || !value[len + 1])
		return -EINVAL;
	out->path = strdup(value + len + 1);
	out->text = strdup(value);
	if (!out->path || !out->text) {
		join_spec_clear(out);
		return -ENOMEM;
	}
	return 0;
}

/* Room for one more item of size bytes after n in *v: 0 or -ENOMEM. */
static int grow(void **v, size_t n, size_t size)
{
	void *grown = realloc(*v, (n + 1) * size);

	if (!grown)
		return -ENOMEM;
	*v = grown;
	return 0;
}

int join_list_push(struct join_list *list, struct join_spec *s)
{
	if (grow((void **)&list->v, list->n, sizeof(*s)) < 0)
		return -ENOMEM;
	list->v[list->n++] = *s;
	return 0;
}

void join_list_clear(struct join_list *list)
{
	for (size_t i = 0; i < list->n; i++)
		join_spec_clear(&list->v[i]);
	free(list->v);
	*list = (struct join_list){ 0 };
}

static void bind_spec_clear(struct bind_spec *s)
{
	free(s->source);
	free(s->dest);
	free(s->text);
}

int bind_spec_parse(const char *value, struct bind_spec *out)
{
	const char *colon = strchr(value, ':');
	size_t source_len = colon ? (size_t)(colon - value) : strlen(value);
	const char *dest = colon ? colon + 1 : value;

	if (source_len == 0 || dest[0] != '/')
		return -EINVAL;
	out->source = strndup(value, source_len);
	out->dest = strdup(dest);
	out->text = strdup(value);
	if (!out->source || !out->dest || !out->text) {
		bind_spec_clear(out);
		return -ENOMEM;
	}
	return 0;
}

int bind_list_push(struct bind_list *list, struct bind_spec *s)
{
	if (grow((void **)&list->v, list->n, sizeof(*s)) < 0)
		return -ENOMEM;
	list->v[list->n++] = *s;
	return 0;
}

void bind_list_clear(struct bind_list *list)
{
	for (size_t i = 0; i < list->n; i++)
		bind_spec_clear(&list->v[i]);
	free(list->v);
	*list = (struct bind_list){ 0 };
}

int rlimit_list_add(struct rlimit_list *list, const struct rlimit_setting *s)
{
	struct rlimit_setting copy = *s;

	if (list->given & (UINT32_C(1) << s->resource))
		return -EEXIST;
	copy.text = strdup(s->text);
	if (!copy.text)
		return -ENOMEM;
	rlimit_list_put(list, &copy);
	return 0;
}

bool rlimit_list_take(struct rlimit_list *list, int resource,
		      struct rlimit_setting *out)
{
	for (size_t i = 0; i < list->n; i++)
		if (list->v[i].resource == resource) {
			*out = list->v[i];
			list->v[i] = list->v[--list->n];
			list->given &= ~(UINT32_C(1) << resource);
			return true;
		}
	return false;
}

void rlimit_list_put(struct rlimit_list *list, const struct rlimit_setting *s)
{
	list->v[list->n++] = *s;
	list->given |= UINT32_C(1) << s->resource;
}

void rlimit_list_clear(struct rlimit_list *list)
{
	for (size_t i = 0; i < list->n; i++)
		free((char *)list->v[i].text);
	*list = (struct rlimit_list){ 0 };
}

bool mount_path_is_root(const char *path)
{
	size_t depth = 0;

	while (*path) {
		size_t len = strcspn(path, "/");

		if (len == 2 && strncmp(path, "..", 2) == 0)
			depth -= depth > 0;
		else if (len && !(len == 1 && *path == '.'))
			depth++;
		path += len + (path[len] == '/');
	}
	return depth == 0;
}

int choice_index(const char *const *choices, const char *word)
{
	for (int n = 0; choices[n]; n++)
		if (strcmp(word, choices[n]) == 0)
			return n + 1;
	return 0;
}

void choices_text(const char *const *choices, char *buf, size_t size)
{
	size_t n = 0, len = 0;

	while (choices[n])
		n++;
	*buf = '\0';
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, len < size ? size - len : 0,
					"%s%s",
					i == 0	       ? ""
					: i == n - 1 ? " or "
						     : ", ",
					choices[i]);
}

const char *const seccomp_profile_choices[] = { "build", "install", "strict",
						"none", NULL };
