/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "machine-probe.h"

#include <errno.h>
#include <linux/landlock.h>
#include <netinet/in.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "caps.h"
#include "cleanup.h"
#include "err.h"
#include "json.h"
#include "ns.h"

#define CGROUP2_MAGIC 0x63677270

struct probe {
	bool privileged;
	int ns_errno[NS_COUNT];
	long max_namespaces[NS_COUNT];
	const char *userns_restricted; /* the sysctl, or NULL */
	char userns_sysctl[96];
	const char *cgroup_layout;
	char cgroup_v2[256];     /* the v2 mount, "" when none */
	char own_cgroup[4096];   /* our v2 cgroup's directory */
	bool may_create_cgroups; /* we can write our v2 cgroup's directory */
	bool ipv6;
	int landlock_abi; /* > 0, or -errno */
	bool seccomp;
	char arch[sizeof(((struct utsname *)0)->machine)];
};

static long read_long(const char *path)
{
	char buf[64];
	FILE *f = fopen(path, "re");
	long v = -1;

	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f))
		v = strtol(buf, NULL, 10);
	fclose(f);
	return v;
}

static void probe_namespaces(struct probe *p)
{
	unsigned all = NS_BIT(NS_COUNT) - 1, refused;
	char path[128];

	p->privileged = caps_effective(CAP_SYS_ADMIN) > 0;
	ns_diagnose(all, !p->privileged, &refused, p->ns_errno);
	for (int k = 0; k < NS_COUNT; k++) {
		snprintf(path, sizeof(path), "/proc/sys/user/max_%s_namespaces",
			 k == NS_MOUNT ? "mnt" : ns_table[k].name);
		p->max_namespaces[k] = read_long(path);
	}
	/* for an unprivileged caller: max_user_namespaces and Debian's and
	 * Ubuntu's switches */
	p->userns_restricted = ns_refused_by_sysctl(
		NS_USER, true, p->userns_sysctl, sizeof(p->userns_sysctl));
}

static bool is_cgroup2(const char *path)
{
	struct statfs st;

	return statfs(path, &st) == 0 && st.f_type == CGROUP2_MAGIC;
}

static void own_v2_cgroup(struct probe *p)
{
	char line[4096];
	FILE *f = fopen("/proc/self/cgroup", "re");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "0::", 3) == 0) {
			line[strcspn(line, "\n")] = '\0';
			/* the mount itself for "/", without a trailing slash;
			 * a path cut short would name another cgroup: none */
			int n = snprintf(p->own_cgroup, sizeof(p->own_cgroup),
					 "%s%s", p->cgroup_v2,
					 strcmp(line + 3, "/") ? line + 3 : "");

			if (n < 0 || (size_t)n >= sizeof(p->own_cgroup))
				p->own_cgroup[0] = '\0';
		}
	fclose(f);
	p->may_create_cgroups =
		p->own_cgroup[0] && access(p->own_cgroup, W_OK) == 0;
}

static void probe_cgroups(struct probe *p)
{
	struct stat st;
	bool v1 = stat("/sys/fs/cgroup/memory", &st) == 0 ||
		  stat("/sys/fs/cgroup/pids", &st) == 0;

	if (is_cgroup2("/sys/fs/cgroup")) {
		p->cgroup_layout = "unified";
		snprintf(p->cgroup_v2, sizeof(p->cgroup_v2), "/sys/fs/cgroup");
	} else if (is_cgroup2("/sys/fs/cgroup/unified")) {
		p->cgroup_layout = "hybrid";
		snprintf(p->cgroup_v2, sizeof(p->cgroup_v2),
			 "/sys/fs/cgroup/unified");
	} else {
		p->cgroup_layout = v1 ? "legacy" : "none";
	}
	if (p->cgroup_v2[0])
		own_v2_cgroup(p);
}

static bool probe_ipv6(void)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6,
				   .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	_cleanup_close_ int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	return fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
}

static void probe_hardening(struct probe *p)
{
	struct utsname u;
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
			   LANDLOCK_CREATE_RULESET_VERSION);

	p->landlock_abi = abi < 0 ? -errno : (int)abi;
	p->seccomp = prctl(PR_GET_SECCOMP) >= 0;
	snprintf(p->arch, sizeof(p->arch), "%s",
		 uname(&u) == 0 ? u.machine : "?");
}

static void print_text(FILE *out, const struct probe *p)
{
	const struct scmp_version *v = seccomp_version();

	fprintf(out, "privileged (CAP_SYS_ADMIN): %s\n",
		p->privileged ? "yes" : "no, a user namespace is made");
	for (int k = 0; k < NS_COUNT; k++) {
		char hint[160];

		fprintf(out, "namespace %-7s %s%s%s%s (max %ld)\n",
			ns_table[k].name, p->ns_errno[k] ? "refused: " : "yes",
			k != NS_USER && p->ns_errno[k] && !p->privileged
				? "no user namespace to make it in: "
				: "",
			p->ns_errno[k] ? err_description(p->ns_errno[k]) : "",
			ns_refusal_hint(k, p->ns_errno[k], hint, sizeof(hint)),
			p->max_namespaces[k]);
	}
	fprintf(out, "user namespaces restricted by a sysctl: %s%s\n",
		p->userns_restricted ? "yes, " : "no",
		p->userns_restricted ? p->userns_restricted : "");
	fprintf(out, "cgroup layout: %s%s%s\n", p->cgroup_layout,
		p->cgroup_v2[0] ? ", v2 at " : "", p->cgroup_v2);
	fprintf(out, "own cgroup: %s (may create cgroups there: %s)\n",
		p->own_cgroup[0] ? p->own_cgroup : "?",
		p->may_create_cgroups ? "yes" : "no");
	if (!p->may_create_cgroups && geteuid() != 0 && p->cgroup_v2[0])
		fprintf(out,
			"  for --cgroup-parent, a delegated cgroup: run under "
			"systemd-run --user --scope -p Delegate=yes, or have "
			"root make a cgroup directory under %s and chown it to "
			"you (then --cgroup-parent that directory)\n",
			p->cgroup_v2);
	fprintf(out, "IPv6: %s\n", p->ipv6 ? "yes" : "no");
	if (p->landlock_abi > 0)
		fprintf(out, "Landlock: ABI %d\n", p->landlock_abi);
	else
		fprintf(out, "Landlock: no (%s)\n", err_description(-p->landlock_abi));
	fprintf(out, "seccomp: %s, libseccomp %u.%u.%u, arch %s\n",
		p->seccomp ? "yes" : "no", v->major, v->minor, v->micro,
		p->arch);
}

static void print_json(FILE *out, const struct probe *p)
{
	const struct scmp_version *v = seccomp_version();
	struct json j = JSON_INIT;
	char version[32];

	json_open(&j, NULL);
	json_bool(&j, "privileged", p->privileged);
	json_open(&j, "namespaces");
	for (int k = 0; k < NS_COUNT; k++) {
		json_open(&j, ns_table[k].name);
		json_bool(&j, "available", !p->ns_errno[k]);
		if (p->ns_errno[k]) {
			json_int(&j, "errno", p->ns_errno[k]);
			json_string(&j, "errname", err_name(p->ns_errno[k]));
		}
		json_int(&j, "max", p->max_namespaces[k]);
		json_close(&j);
	}
	json_close(&j);
	json_bool(&j, "userns-restricted", p->userns_restricted != NULL);
	if (p->userns_restricted)
		json_string(&j, "userns-restricted-by", p->userns_restricted);
	json_open(&j, "cgroup");
	json_string(&j, "layout", p->cgroup_layout);
	json_string(&j, "v2-mount", p->cgroup_v2);
	json_string(&j, "own", p->own_cgroup);
	json_bool(&j, "may-create", p->may_create_cgroups);
	json_close(&j);
	json_bool(&j, "ipv6", p->ipv6);
	json_int(&j, "landlock-abi", p->landlock_abi > 0 ? p->landlock_abi : 0);
	json_open(&j, "seccomp");
	json_bool(&j, "available", p->seccomp);
	snprintf(version, sizeof(version), "%u.%u.%u", v->major, v->minor,
		 v->micro);
	json_string(&j, "libseccomp", version);
	json_string(&j, "arch", p->arch);
	json_close(&j);
	json_close(&j);
	fflush(out);
	json_send(&j, fileno(out));
}

int probe_print(FILE *out, bool json)
{
	struct probe p = { 0 };

	probe_namespaces(&p);
	probe_cgroups(&p);
	p.ipv6 = probe_ipv6();
	probe_hardening(&p);
	if (json)
		print_json(out, &p);
	else
		print_text(out, &p);
	return 0;
}
