/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests of the option table and the spec language: the table's
 * invariants, spec_parse on good and bad specs, --spec-fd, the status fd
 * scan, the emit/parse round trip and --help. */
#include "config.h"

#include <check.h>
#include "check-run.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "caps.h"
#include "mounts.h"
#include "net.h"
#include "ns.h"
#include "options.h"
#include "rlimits.h"
#include "spec.h"
#include "status.h"
#include "strv.h"

#define TIMEOUT 30
#define MAX_TOKENS 24

/* Hostnames of 64 (the most there is room for) and 65 characters. */
#define CHARS16 "abcdefghij-lmnop"
#define HOST64 CHARS16 CHARS16 CHARS16 CHARS16
#define HOST65 HOST64 "q"

/* The namespaces of --unshare-all, spelt out rather than taken from
 * SPEC_UNSHARE_ALL. */
#define ALL_NS                                                                 \
	(NS_BIT(NS_NET) | NS_BIT(NS_IPC) | NS_BIT(NS_MOUNT) | NS_BIT(NS_PID) | \
	 NS_BIT(NS_UTS) | NS_BIT(NS_CGROUP))

/* A NULL-terminated token list in a table. */
struct toks {
	const char *t[MAX_TOKENS];
};

static size_t toks_len(const struct toks *tk)
{
	size_t n = 0;

	while (n < MAX_TOKENS && tk->t[n])
		n++;
	return n;
}

static int parse_toks(struct spec *spec, const struct toks *tk, bool from_cli,
		      enum cli_action *action, struct sh_err *err)
{
	return spec_parse(spec, (char *const *)tk->t, toks_len(tk), from_cli,
			  action, err);
}

/* "a|b|c" for messages and for comparing against an expected list. */
static char *join(const struct strv *sv)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	for (size_t i = 0; i < sv->n; i++)
		fprintf(f, "%s%s", i ? "|" : "", sv->v[i]);
	fclose(f);
	return buf;
}

/* An address as the spec holds it, against its text. */
static void assert_addr(const struct net_addr *a, const char *text)
{
	struct net_addr expected;

	ck_assert_int_eq(net_parse_addr(text, &expected), 0);
	ck_assert(net_same_addr(a, &expected));
	ck_assert_uint_eq(a->prefix, expected.prefix);
}

static void assert_emit(const struct spec *spec, const char *expected)
{
	_cleanup_strv_ struct strv out = { 0 };
	_cleanup_free_ char *got = NULL;

	ck_assert_int_eq(spec_emit(spec, &out), 0);
	got = join(&out);
	ck_assert_str_eq(got, expected);
}

static void assert_spec_error(int r, const struct sh_err *err, int errnum,
			      const char *needle)
{
	ck_assert_msg(r == -errnum, "returned %d (`%s`), expected -%s", r,
		      r < 0 ? err->message : "", err_name(errnum));
	ck_assert_int_eq(err->errnum, errnum);
	ck_assert_str_eq(err->stage, "spec");
	ck_assert_msg(strstr(err->message, needle) != NULL,
		      "message `%s` does not name `%s`", err->message, needle);
}

/* ---- the option table ---- */

START_TEST(test_table_entry)
{
	const struct option_def *opt = &option_table[_i];

	ck_assert_ptr_nonnull(opt->name);
	ck_assert_uint_gt(strlen(opt->name), 0);
	/* parse_one copies the name into a 64-byte buffer */
	ck_assert_uint_lt(strlen(opt->name), 64);
	ck_assert_msg(opt->name[0] != '-' && !strchr(opt->name, '='),
		      "bad option name `%s`", opt->name);
	ck_assert_msg(opt->help && *opt->help, "--%s has no help", opt->name);
	ck_assert_msg(opt->parse != NULL, "--%s has no parse fn", opt->name);
	if (opt->flags & OPT_VALUE)
		ck_assert_msg(opt->metavar && *opt->metavar,
			      "--%s takes a value but has no metavar",
			      opt->name);
	else
		ck_assert_msg(opt->metavar == NULL,
			      "--%s is a flag but has a metavar", opt->name);
	if (opt->flags & OPT_CLI_ONLY)
		ck_assert_msg(opt->emit == NULL,
			      "CLI-only --%s must not be emitted into a spec",
			      opt->name);
	else
		ck_assert_msg(opt->emit != NULL, "--%s has no emit fn",
			      opt->name);
	if (opt->choices && strchr(opt->metavar, '|')) {
		/* a keyword option's metavar lists its words */
		char words[128] = "";

		for (size_t k = 0; opt->choices[k]; k++)
			snprintf(words + strlen(words),
				 sizeof(words) - strlen(words), "%s%s",
				 k ? "|" : "", opt->choices[k]);
		ck_assert_pstr_eq(opt->metavar, words);
	} else if (opt->choices) {
		/* or its metavar is a NAME and its help tells the words */
		for (size_t k = 0; opt->choices[k]; k++)
			ck_assert_msg(strstr(opt->help, opt->choices[k]),
				      "--%s: the help lacks `%s`", opt->name,
				      opt->choices[k]);
	}
	ck_assert_int_ge((int)opt->group, 0);
	ck_assert_int_lt((int)opt->group, GROUP_COUNT);
	ck_assert_ptr_nonnull(option_group_title(opt->group));
	ck_assert_ptr_eq(option_find(opt->name), opt);
	for (size_t j = 0; j < option_count; j++)
		if (j != (size_t)_i)
			ck_assert_msg(strcmp(option_table[j].name, opt->name),
				      "--%s is in the table twice", opt->name);
}
END_TEST

START_TEST(test_table_find)
{
	ck_assert_uint_ge(option_count, 1);
	ck_assert_ptr_null(option_find("no-such-option"));
	ck_assert_ptr_null(option_find(""));
	ck_assert_ptr_null(option_find("--fd"));
	ck_assert_ptr_null(option_find("f"));
	ck_assert_ptr_nonnull(option_find("fd"));
	/* the CLI-only options the brief and main rely on */
	ck_assert_uint_eq(option_find("help")->flags & OPT_CLI_ONLY,
			  OPT_CLI_ONLY);
	ck_assert_uint_eq(option_find("version")->flags & OPT_CLI_ONLY,
			  OPT_CLI_ONLY);
	ck_assert_uint_eq(option_find("spec-fd")->flags &
				  (OPT_CLI_ONLY | OPT_VALUE),
			  OPT_CLI_ONLY | OPT_VALUE);
	for (int g = 0; g < GROUP_COUNT; g++)
		ck_assert_ptr_nonnull(option_group_title((enum opt_group)g));
}
END_TEST

/* ---- good specs ---- */

struct good_case {
	struct toks in;
	const char *emit; /* the canonical tokens, '|'-separated */
};

static const struct good_case good_cases[] = {
	{ { { "true" } }, "--|true" },
	{ { { "--", "true" } }, "--|true" },
	{ { { "--status-fd", "5", "true" } }, "--status-fd|5|--|true" },
	{ { { "--status-fd=5", "true" } }, "--status-fd|5|--|true" },
	{ { { "--status-fd", "007", "true" } }, "--status-fd|7|--|true" },
	{ { { "--fd", "1=2", "--fd", "0=0", "--", "cat", "-n" } },
	  "--fd|1=2|--fd|0=0|--|cat|-n" },
	{ { { "--fd=3=4", "x" } }, "--fd|3=4|--|x" },
	{ { { "--fd", "10=2147483647", "x" } }, "--fd|10=2147483647|--|x" },
	{ { { "--chdir", "/tmp", "x" } }, "--chdir|/tmp|--|x" },
	{ { { "--chdir=/a=b", "x" } }, "--chdir|/a=b|--|x" },
	{ { { "--clearenv", "x" } }, "--clearenv|--|x" },
	{ { { "--setenv", "A=1", "--setenv", "B=", "--setenv=C==x", "x" } },
	  "--setenv|A=1|--setenv|B=|--setenv|C==x|--|x" },
	{ { { "--setenv", "A=b c", "--", "x" } }, "--setenv|A=b c|--|x" },
	{ { { "--unsetenv", "A", "--unsetenv=B", "x" } },
	  "--unsetenv|A|--unsetenv|B|--|x" },
	{ { { "--setenv", "A=1", "--unsetenv", "AB", "x" } },
	  "--setenv|A=1|--unsetenv|AB|--|x" },
	{ { { "--argv0", "foo", "x" } }, "--argv0|foo|--|x" },
	{ { { "--argv0", "", "x" } }, "--argv0||--|x" },
	{ { { "--argv0=", "x" } }, "--argv0||--|x" },
	{ { { "--umask", "0", "x" } }, "--umask|0000|--|x" },
	{ { { "--umask", "22", "x" } }, "--umask|0022|--|x" },
	{ { { "--umask=0777", "x" } }, "--umask|0777|--|x" },
	{ { { "--umask", "00007", "x" } }, "--umask|0007|--|x" },
	{ { { "--new-session", "x" } }, "--new-session|--|x" },
	{ { { "--die-with-parent", "x" } }, "--die-with-parent|--|x" },
	{ { { "--uid", "nobody", "--gid", "65534", "--groups", "", "x" } },
	  "--uid|nobody|--gid|65534|--groups||--|x" },
	{ { { "--groups", "1,2,wheel", "x" } }, "--groups|1,2,wheel|--|x" },
	/* emitted in table order whatever the input order */
	{ { { "--groups", "1", "--clearenv", "--status-fd", "2", "x" } },
	  "--status-fd|2|--clearenv|--groups|1|--|x" },
	/* the first non-option ends the options */
	{ { { "--clearenv", "make", "--fd", "1=1", "--bogus" } },
	  "--clearenv|--|make|--fd|1=1|--bogus" },
	{ { { "--", "-x", "--clearenv" } }, "--|-x|--clearenv" },
	/* "--" ends the options, a second one is the command */
	{ { { "--", "--clearenv", "x" } }, "--|--clearenv|x" },
	{ { { "--clearenv", "--", "--", "x" } }, "--clearenv|--|--|x" },
	{ { { "--", "x", "" } }, "--|x|" },
	/* a value is taken as is, even when it looks like an option */
	{ { { "--chdir", "--fd", "x" } }, "--chdir|--fd|--|x" },
	{ { { "--argv0", "--", "x" } }, "--argv0|--|--|x" },
	/* --parent-pid */
	{ { { "--die-with-parent", "--parent-pid", "1", "x" } },
	  "--die-with-parent|--parent-pid|1|--|x" },
	{ { { "--parent-pid=007", "--die-with-parent", "x" } },
	  "--die-with-parent|--parent-pid|7|--|x" },
	{ { { "--die-with-parent", "--parent-pid", "2147483647", "x" } },
	  "--die-with-parent|--parent-pid|2147483647|--|x" },
	/* namespaces, emitted in table order */
	{ { { "--unshare-time", "--unshare-cgroup", "--unshare-pid",
	      "--unshare-uts", "--unshare-ipc", "--unshare-net",
	      "--unshare-mount", "--unshare-user", "x" } },
	  "--unshare-user|--unshare-mount|--unshare-net|--unshare-ipc|"
	  "--unshare-uts|--unshare-pid|--unshare-cgroup|--unshare-time|--|x" },
	{ { { "--unshare-all", "x" } }, "--unshare-all|--|x" },
	{ { { "--unshare-all", "--unshare-net", "--unshare-user", "x" } },
	  "--unshare-user|--unshare-net|--unshare-all|--|x" },
	{ { { "--join-ns", "net=/proc/1/ns/net", "--join-ns=user=/u", "x" } },
	  "--join-ns|net=/proc/1/ns/net|--join-ns|user=/u|--|x" },
	{ { { "--join-ns", "mount=relative=path", "x" } },
	  "--join-ns|mount=relative=path|--|x" },
	{ { { "--join-ns", "user=/a", "--join-ns", "mount=/a", "--join-ns",
	      "net=/a", "--join-ns", "ipc=/a", "--join-ns", "uts=/a",
	      "--join-ns", "pid=/a", "--join-ns", "cgroup=/a", "--join-ns",
	      "time=/a", "x" } },
	  "--join-ns|user=/a|--join-ns|mount=/a|--join-ns|net=/a|--join-ns|"
	  "ipc=/a|--join-ns|uts=/a|--join-ns|pid=/a|--join-ns|cgroup=/a|"
	  "--join-ns|time=/a|--|x" },
	/* joining one namespace and making another */
	{ { { "--unshare-net", "--join-ns", "mount=/m", "--join-ns",
	      "user=/u", "x" } },
	  "--unshare-net|--join-ns|mount=/m|--join-ns|user=/u|--|x" },
	{ { { "--unshare-uts", "--join-ns", "net=/n", "x" } },
	  "--unshare-uts|--join-ns|net=/n|--|x" },
	{ { { "--unshare-all", "--join-ns", "user=/u", "--join-ns",
	      "time=/t", "x" } },
	  "--unshare-all|--join-ns|user=/u|--join-ns|time=/t|--|x" },
	{ { { "--ns-fallback", "drop", "x" } }, "--ns-fallback|drop|--|x" },
	{ { { "--ns-fallback=strict", "x" } }, "--ns-fallback|strict|--|x" },
	{ { { "--map-root", "--unshare-user", "x" } },
	  "--unshare-user|--map-root|--|x" },
	{ { { "--gid-map", "0 1000 1", "--uid-map",
	      "0 1000 1,1 100000 65536", "x" } },
	  "--uid-map|0 1000 1,1 100000 65536|--gid-map|0 1000 1|--|x" },
	/* INNER+COUNT and OUTER+COUNT may reach 4294967295, no further */
	{ { { "--uid-map", "4294967294 0 1", "x" } },
	  "--uid-map|4294967294 0 1|--|x" },
	{ { { "--gid-map", "0 4294967294 1,1 0 4294967294", "x" } },
	  "--gid-map|0 4294967294 1,1 0 4294967294|--|x" },
	{ { { "--uid-map", "0 0 4294967295", "x" } },
	  "--uid-map|0 0 4294967295|--|x" },
	{ { { "--uid-map", " 0  1000\t1 , 1 2 3 ", "x" } },
	  "--uid-map| 0  1000\t1 , 1 2 3 |--|x" },
	/* network */
	{ { { "--hostname", "h", "--unshare-uts", "x" } },
	  "--unshare-uts|--hostname|h|--|x" },
	{ { { "--unshare-uts", "--hostname", HOST64, "x" } },
	  "--unshare-uts|--hostname|" HOST64 "|--|x" },
	/* net implies uts */
	{ { { "--hostname", "box", "--unshare-net", "x" } },
	  "--unshare-net|--hostname|box|--|x" },
	{ { { "--unshare-all", "--hostname=box", "x" } },
	  "--unshare-all|--hostname|box|--|x" },
	{ { { "--loopback-addr", "fd00::1/8", "--unshare-net", "x" } },
	  "--unshare-net|--loopback-addr|fd00::1/8|--|x" },
	{ { { "--unshare-net", "--loopback-addr", "10.0.0.1/32",
	      "--loopback-addr=::2/128", "--loopback-addr", "10.1.2.3/1",
	      "x" } },
	  "--unshare-net|--loopback-addr|10.0.0.1/32|--loopback-addr|::2/128|"
	  "--loopback-addr|10.1.2.3/1|--|x" },
	/* lo has 127.0.0.1 and ::1 only: other 127.x addresses are new */
	{ { { "--unshare-net", "--loopback-addr", "127.0.0.2/8",
	      "--loopback-addr", "127.1.0.1/16", "x" } },
	  "--unshare-net|--loopback-addr|127.0.0.2/8|--loopback-addr|"
	  "127.1.0.1/16|--|x" },
	/* neighbours are not the same address */
	{ { { "--unshare-net", "--loopback-addr", "10.0.0.1/8",
	      "--loopback-addr", "10.0.0.2/8", "--loopback-addr",
	      "fd00::1/64", "--loopback-addr", "fd00::1:0/64", "x" } },
	  "--unshare-net|--loopback-addr|10.0.0.1/8|--loopback-addr|10.0.0.2/8|"
	  "--loopback-addr|fd00::1/64|--loopback-addr|fd00::1:0/64|--|x" },
	{ { { "--unshare-all", "--loopback-addr", "192.168.7.7/24", "x" } },
	  "--unshare-all|--loopback-addr|192.168.7.7/24|--|x" },
	/* mounts */
	{ { { "--bind", "/x", "x" } }, "--bind|/x|--|x" },
	{ { { "--bind=/a:/b", "x" } }, "--bind|/a:/b|--|x" },
	{ { { "--bind", "rel:/b", "x" } }, "--bind|rel:/b|--|x" },
	{ { { "--bind", "/a:/b:c", "x" } }, "--bind|/a:/b:c|--|x" },
	{ { { "--tmpfs", "/t", "--ro-bind", "/c:/d", "--bind", "/a:/b", "x" } },
	  "--bind|/a:/b|--ro-bind|/c:/d|--tmpfs|/t|--|x" },
	{ { { "--ro-bind", "/usr", "--ro-bind", "/etc:/etc2", "--tmpfs",
	      "/tmp", "--tmpfs", "/run", "x" } },
	  "--ro-bind|/usr|--ro-bind|/etc:/etc2|--tmpfs|/tmp|--tmpfs|/run|--|x" },
	/* one source on two destinations is fine */
	{ { { "--bind", "/s:/d1", "--ro-bind", "/s:/d2", "x" } },
	  "--bind|/s:/d1|--ro-bind|/s:/d2|--|x" },
	{ { { "--chroot", "/r", "--bind", "/a:/a", "x" } },
	  "--bind|/a:/a|--chroot|/r|--|x" },
	/* paths compared as the kernel resolves them: a prefix, or a slash
	 * moved, makes another destination */
	{ { { "--bind", "/x", "--tmpfs", "/x/y", "--tmpfs", "/xy", "--tmpfs",
	      "//x//z/", "x" } },
	  "--bind|/x|--tmpfs|/x/y|--tmpfs|/xy|--tmpfs|//x//z/|--|x" },
	{ { { "--ro-bind", "/s:/a/bc", "--tmpfs", "/ab/c", "--tmpfs", "/",
	      "x" } },
	  "--ro-bind|/s:/a/bc|--tmpfs|/ab/c|--tmpfs|/|--|x" },
	/* limits, emitted as seconds with 3 decimals */
	{ { { "--timeout", "0.5", "x" } }, "--timeout|0.500|--|x" },
	{ { { "--timeout", "10", "x" } }, "--timeout|10.000|--|x" },
	{ { { "--timeout=1.05", "x" } }, "--timeout|1.050|--|x" },
	{ { { "--timeout", "0.001", "x" } }, "--timeout|0.001|--|x" },
	{ { { "--timeout", "007.010", "x" } }, "--timeout|7.010|--|x" },
	{ { { "--timeout", "100000000", "x" } },
	  "--timeout|100000000.000|--|x" },
	{ { { "--timeout", "1", "--kill-after", "0", "x" } },
	  "--timeout|1.000|--kill-after|0.000|--|x" },
	{ { { "--kill-after", "2.5", "--timeout", "1", "x" } },
	  "--timeout|1.000|--kill-after|2.500|--|x" },
	{ { { "--timeout", "0.999", "--kill-after=0.0", "x" } },
	  "--timeout|0.999|--kill-after|0.000|--|x" },
	/* cgroups: sizes are emitted in bytes, CPUs with 3 decimals */
	{ { { "--cgroup", "/sys/fs/cgroup/x", "x" } },
	  "--cgroup|/sys/fs/cgroup/x|--|x" },
	{ { { "--memory-max", "1K", "--cgroup-parent", "/p", "x" } },
	  "--cgroup-parent|/p|--memory-max|1024|--|x" },
	{ { { "--cgroup-parent", "/p", "--memory-max", "3M", "--pids-max",
	      "064", "--cpu-max", "1.5", "x" } },
	  "--cgroup-parent|/p|--memory-max|3145728|--pids-max|64|--cpu-max|"
	  "1.500|--|x" },
	{ { { "--cgroup-parent", "/p", "--memory-max", "104857600", "x" } },
	  "--cgroup-parent|/p|--memory-max|104857600|--|x" },
	{ { { "--cgroup-parent", "/p", "--memory-max", "2T", "x" } },
	  "--cgroup-parent|/p|--memory-max|2199023255552|--|x" },
	/* hardening: first in the table, so first in the emit */
	{ { { "--status-fd", "3", "--cap-keep", "chown", "x" } },
	  "--cap-keep|chown|--status-fd|3|--|x" },
	{ { { "--cap-keep=CAP_NET_ADMIN,cap_sys_chroot,Kill", "x" } },
	  "--cap-keep|CAP_NET_ADMIN,cap_sys_chroot,Kill|--|x" },
	{ { { "--cap-keep", "CHOWN,chown", "x" } }, "--cap-keep|CHOWN,chown|--|x" },
	{ { { "--allow-new-privs", "x" } }, "--allow-new-privs|--|x" },
	{ { { "--seccomp-profile", "build", "x" } },
	  "--seccomp-profile|build|--|x" },
	{ { { "--seccomp-profile=strict", "x" } },
	  "--seccomp-profile|strict|--|x" },
	{ { { "--seccomp-profile", "none", "x" } },
	  "--seccomp-profile|none|--|x" },
	{ { { "--seccomp-policy", "/etc/p", "--seccomp-profile", "none",
	      "x" } },
	  "--seccomp-profile|none|--seccomp-policy|/etc/p|--|x" },
	{ { { "--seccomp-policy=rel=a b", "x" } },
	  "--seccomp-policy|rel=a b|--|x" },
	{ { { "--seccomp-bpf", "0", "x" } }, "--seccomp-bpf|0|--|x" },
	{ { { "--seccomp-bpf=0010", "x" } }, "--seccomp-bpf|10|--|x" },
	{ { { "--seccomp-bpf", "2147483647", "x" } },
	  "--seccomp-bpf|2147483647|--|x" },
	{ { { "--landlock-read", "/usr", "--landlock-write", "/tmp",
	      "--landlock-read=/etc", "x" } },
	  "--landlock-write|/tmp|--landlock-read|/usr|--landlock-read|/etc|"
	  "--|x" },
	/* the same path in both lists, or twice, is for Landlock to merge */
	{ { { "--landlock-write", "rel", "--landlock-write", "rel",
	      "--landlock-read", "rel", "x" } },
	  "--landlock-write|rel|--landlock-write|rel|--landlock-read|rel|--|x" },
	{ { { "--landlock-mode", "best-effort", "--landlock-read", "/", "x" } },
	  "--landlock-read|/|--landlock-mode|best-effort|--|x" },
	{ { { "--landlock-write", "/w", "--landlock-mode=strict", "x" } },
	  "--landlock-write|/w|--landlock-mode|strict|--|x" },
	/* --landlock-mode applies to --sandbox-read's layer too */
	{ { { "--sandbox-read", "/r", "--landlock-mode", "best-effort", "x" } },
	  "--landlock-mode|best-effort|--sandbox-read|/r|--|x" },
	{ { { "--sandbox-deny", "/a/b", "x" } }, "--sandbox-deny|/a/b|--|x" },
	{ { { "--rlimit", "nofile=1024:4096", "--rlimit=core=0", "--rlimit",
	      "as=unlimited", "--rlimit", "stack=8388608:infinity", "x" } },
	  "--rlimit|nofile=1024:4096|--rlimit|core=0|--rlimit|as=unlimited|"
	  "--rlimit|stack=8388608:infinity|--|x" },
	{ { { "--rlimit", "cpu=unlimited:infinity", "--rlimit", "nproc=010",
	      "x" } },
	  "--rlimit|cpu=unlimited:infinity|--rlimit|nproc=010|--|x" },
	{ { { "--rlimit", "fsize=18446744073709551614", "x" } },
	  "--rlimit|fsize=18446744073709551614|--|x" },
	{ { { "--rlimit", "memlock=5:5", "--rlimit", "rttime=0:0", "x" } },
	  "--rlimit|memlock=5:5|--rlimit|rttime=0:0|--|x" },
	/* every one at once, in table order */
	{ { { "--rlimit", "core=0", "--landlock-mode", "strict",
	      "--landlock-read", "/r", "--landlock-write", "/w",
	      "--seccomp-bpf", "4", "--seccomp-policy", "/p",
	      "--seccomp-profile", "strict", "--allow-new-privs",
	      "--cap-keep", "kill", "x" } },
	  "--cap-keep|kill|--allow-new-privs|--seccomp-profile|strict|"
	  "--seccomp-policy|/p|--seccomp-bpf|4|--landlock-write|/w|"
	  "--landlock-read|/r|--landlock-mode|strict|--rlimit|core=0|--|x" },
};

START_TEST(test_parse_good)
{
	const struct good_case *c = &good_cases[_i];
	_cleanup_spec_ struct spec spec;
	struct sh_err err = { 0 };
	enum cli_action action = CLI_HELP;
	int r;

	spec_init(&spec);
	r = parse_toks(&spec, &c->in, false, &action, &err);
	ck_assert_msg(r == 0, "case %d: %d %s: %s", _i, r, err.stage,
		      err.message);
	ck_assert_int_eq(action, CLI_RUN);
	assert_emit(&spec, c->emit);
}
END_TEST

START_TEST(test_parse_fields)
{
	struct toks in = { {
		"--status-fd", "9", "--fd", "1=2", "--fd=0=7", "--chdir", "/d",
		"--clearenv", "--setenv", "A=1=2", "--unsetenv", "B",
		"--argv0=zz", "--umask", "0", "--new-session",
	} };
	struct toks in2 = { {
		"--die-with-parent", "--uid", "u", "--gid", "g", "--groups",
		"", "--", "cmd", "arg 1", "", "--",
	} };
	_cleanup_spec_ struct spec spec;
	struct sh_err err = { 0 };
	enum cli_action action;
	char *all[2 * MAX_TOKENS];
	size_t n = 0;

	for (size_t i = 0; i < toks_len(&in); i++)
		all[n++] = (char *)in.t[i];
	for (size_t i = 0; i < toks_len(&in2); i++)
		all[n++] = (char *)in2.t[i];
	spec_init(&spec);
	ck_assert_int_eq(spec_parse(&spec, all, n, false, &action, &err), 0);
	ck_assert_int_eq(spec.status_fd, 9);
	ck_assert_uint_eq(spec.n_fds, 2);
	ck_assert_int_eq(spec.fds[0].child, 1);
	ck_assert_int_eq(spec.fds[0].parent, 2);
	ck_assert_int_eq(spec.fds[1].child, 0);
	ck_assert_int_eq(spec.fds[1].parent, 7);
	ck_assert_str_eq(spec.chdir, "/d");
	ck_assert(spec.clearenv);
	ck_assert_uint_eq(spec.setenv.n, 1);
	ck_assert_str_eq(spec.setenv.v[0], "A=1=2");
	ck_assert_uint_eq(spec.unsetenv.n, 1);
	ck_assert_str_eq(spec.unsetenv.v[0], "B");
	ck_assert_str_eq(spec.argv0, "zz");
	ck_assert(spec.has_umask);
	ck_assert_uint_eq(spec.umask, 0);
	ck_assert(spec.new_session);
	ck_assert(spec.die_with_parent);
	ck_assert_str_eq(spec.uid, "u");
	ck_assert_str_eq(spec.gid, "g");
	ck_assert_str_eq(spec.groups, "");
	ck_assert_uint_eq(spec.command.n, 4);
	ck_assert_str_eq(spec.command.v[0], "cmd");
	ck_assert_str_eq(spec.command.v[1], "arg 1");
	ck_assert_str_eq(spec.command.v[2], "");
	ck_assert_str_eq(spec.command.v[3], "--");
	ck_assert_ptr_null(spec.command.v[4]);
}
END_TEST

START_TEST(test_parse_defaults)
{
	struct toks in = { { "x" } };
	_cleanup_spec_ struct spec spec;
	struct sh_err err = { 0 };
	enum cli_action action;

	spec_init(&spec);
	ck_assert_int_eq(parse_toks(&spec, &in, false, &action, &err), 0);
	ck_assert_int_eq(spec.status_fd, -1);
	ck_assert_uint_eq(spec.n_fds, 0);
	ck_assert(!spec.has_umask);
	ck_assert(!spec.clearenv && !spec.new_session &&
		  !spec.die_with_parent);
	ck_assert_ptr_null(spec.chdir);
	ck_assert_ptr_null(spec.argv0);
	ck_assert_ptr_null(spec.uid);
	ck_assert_ptr_null(spec.gid);
	ck_assert_ptr_null(spec.groups);
	ck_assert_uint_eq(spec.setenv.n + spec.unsetenv.n, 0);
	ck_assert_uint_eq(spec.command.n, 1);
	/* isolation and limits: nothing asked */
	ck_assert_int_eq(spec.parent_pid, 0);
	ck_assert_uint_eq(spec.unshare, 0);
	ck_assert(!spec.unshare_all && !spec.map_root);
	ck_assert_uint_eq(spec.join_ns.n, 0);
	ck_assert_int_eq(spec.ns_fallback, NS_FALLBACK_UNSET);
	ck_assert_ptr_null(spec.uid_map);
	ck_assert_ptr_null(spec.gid_map);
	ck_assert_ptr_null(spec.hostname);
	ck_assert_uint_eq(spec.loopback_addrs.n, 0);
	ck_assert_uint_eq(spec.binds.n + spec.ro_binds.n + spec.tmpfs.n, 0);
	ck_assert_ptr_null(spec.chroot);
	ck_assert_int_eq(spec.timeout_ms, 0);
	ck_assert_int_eq(spec.kill_after_ms, -1);
	ck_assert_ptr_null(spec.cgroup);
	ck_assert_ptr_null(spec.cgroup_parent);
	ck_assert_int_eq(spec.memory_max + spec.pids_max + spec.cpu_max_milli,
			 0);
	ck_assert_uint_eq(spec_namespaces(&spec), 0);
	/* hardening: the defaults (build profile, no_new_privs) */
	ck_assert_ptr_null(spec.cap_keep_text);
	ck_assert_uint_eq(spec.cap_keep, 0);
	ck_assert(!spec.allow_new_privs);
	ck_assert_int_eq(spec.seccomp_profile, SECCOMP_PROFILE_UNSET);
	ck_assert_ptr_null(spec.seccomp_policy);
	ck_assert_int_eq(spec.seccomp_bpf_fd, -1);
	ck_assert_uint_eq(spec.landlock_read.n + spec.landlock_write.n, 0);
	ck_assert_int_eq(spec.landlock_mode, LANDLOCK_MODE_UNSET);
	ck_assert_uint_eq(spec.rlimits.n, 0);
	assert_emit(&spec, "--|x");
}
END_TEST

/* Parse the concatenation of several token lists. */
static int parse_toks_n(struct spec *spec, const struct toks *tks, size_t n,
			struct sh_err *err)
{
	char *all[4 * MAX_TOKENS];
	enum cli_action action;
	size_t len = 0;

	ck_assert_uint_le(n, 4);
	for (size_t k = 0; k < n; k++)
		for (size_t i = 0; i < toks_len(&tks[k]); i++)
			all[len++] = (char *)tks[k].t[i];
	return spec_parse(spec, all, len, false, &action, err);
}

START_TEST(test_parse_isolation_fields)
{
	static const struct toks in[] = {
		{ {
			"--die-with-parent", "--parent-pid", "77",
			"--unshare-user", "--unshare-time", "--join-ns",
			"net=/proc/9/ns/net", "--join-ns=ipc=/i",
			"--ns-fallback", "drop", "--uid-map", "0 1000 1",
			"--gid-map", "0 100 1,1 200 10",
		} },
		{ {
			"--unshare-uts", "--hostname", "box",
			"--bind", "/usr", "--bind", "/src:/dst", "--ro-bind",
			"/etc:/e", "--tmpfs", "/tmp", "--chroot", "/root",
			"--timeout", "1.25", "--kill-after", "0.5",
		} },
		{ { "--", "cmd", "arg" } },
	};
	_cleanup_spec_ struct spec spec;
	struct sh_err err = { 0 };
	int r;

	spec_init(&spec);
	r = parse_toks_n(&spec, in, 3, &err);
	ck_assert_msg(r == 0, "%d: %s", r, err.message);
	ck_assert(spec.die_with_parent);
	ck_assert_int_eq(spec.parent_pid, 77);
	ck_assert_uint_eq(spec.unshare, NS_BIT(NS_USER) | NS_BIT(NS_TIME) |
						NS_BIT(NS_UTS));
	ck_assert(!spec.unshare_all);
	ck_assert_uint_eq(spec.join_ns.n, 2);
	ck_assert_int_eq(spec.join_ns.v[0].kind, NS_NET);
	ck_assert_str_eq(spec.join_ns.v[0].path, "/proc/9/ns/net");
	ck_assert_str_eq(spec.join_ns.v[0].text, "net=/proc/9/ns/net");
	ck_assert_int_eq(spec.join_ns.v[1].kind, NS_IPC);
	ck_assert_str_eq(spec.join_ns.v[1].path, "/i");
	ck_assert_int_eq(spec.ns_fallback, NS_FALLBACK_DROP);
	ck_assert(!spec.map_root);
	ck_assert_str_eq(spec.uid_map->map.text, "0 1000 1\n");
	ck_assert_str_eq(spec.uid_map->text, "0 1000 1");
	ck_assert_str_eq(spec.gid_map->map.text, "0 100 1\n1 200 10\n");
	ck_assert_str_eq(spec.hostname, "box");
	ck_assert_uint_eq(spec.loopback_addrs.n, 0);
	ck_assert_uint_eq(spec.binds.n, 2);
	ck_assert_str_eq(spec.binds.v[0].source, "/usr");
	ck_assert_str_eq(spec.binds.v[0].dest, "/usr");
	ck_assert_str_eq(spec.binds.v[0].text, "/usr");
	ck_assert_str_eq(spec.binds.v[1].source, "/src");
	ck_assert_str_eq(spec.binds.v[1].dest, "/dst");
	ck_assert_uint_eq(spec.ro_binds.n, 1);
	ck_assert_str_eq(spec.ro_binds.v[0].text, "/etc:/e");
	ck_assert_uint_eq(spec.tmpfs.n, 1);
	ck_assert_str_eq(spec.tmpfs.v[0], "/tmp");
	ck_assert_str_eq(spec.chroot, "/root");
	ck_assert_int_eq(spec.timeout_ms, 1250);
	ck_assert_int_eq(spec.kill_after_ms, 500);
	ck_assert_uint_eq(spec_namespaces(&spec), NS_BIT(NS_USER) |
							  NS_BIT(NS_TIME) |
							  NS_BIT(NS_UTS) |
							  NS_BIT(NS_MOUNT));
	ck_assert_uint_eq(spec.command.n, 2);
	ck_assert_str_eq(spec.command.v[1], "arg");
}
END_TEST

START_TEST(test_parse_network_fields)
{
	static const struct toks in = { {
		"--map-root", "--unshare-net", "--loopback-addr",
		"10.0.0.2/8", "--loopback-addr", "fd00::2/64",
		"--ns-fallback=strict", "--timeout", "0.5", "x",
	} };
	_cleanup_spec_ struct spec spec;
	struct sh_err err = { 0 };
	enum cli_action action;
	int r;

	spec_init(&spec);
	r = parse_toks(&spec, &in, false, &action, &err);
	ck_assert_msg(r == 0, "%d: %s", r, err.message);
	ck_assert(spec.map_root);
	ck_assert_ptr_null(spec.uid_map);
	ck_assert_uint_eq(spec.unshare, NS_BIT(NS_NET));
	ck_assert_uint_eq(spec.loopback_addrs.n, 2);
	assert_addr(&spec.loopback_addrs.v[0], "10.0.0.2/8");
	assert_addr(&spec.loopback_addrs.v[1], "fd00::2/64");
	ck_assert_int_eq(spec.ns_fallback, NS_FALLBACK_STRICT);
	ck_assert_ptr_null(spec.hostname);
	/* the brief's example: 0.5 s is 500 ms, and no --kill-after */
	ck_assert_int_eq(spec.timeout_ms, 500);
	ck_assert_int_eq(spec.kill_after_ms, -1);
	ck_assert_uint_eq(spec_namespaces(&spec),
			  NS_BIT(NS_NET) | NS_BIT(NS_UTS));
}
END_TEST

START_TEST(test_parse_hardening_fields)
{
	static const struct toks in = { {
		"--landlock-mode=best-effort", "--rlimit", "nofile=1:2",
		"--cap-keep", "chown,CAP_KILL", "--landlock-read", "/r1",
		"--seccomp-bpf", "007", "--allow-new-privs", "--landlock-write",
		"/w", "--seccomp-policy", "/pol", "--landlock-read=/r2",
		"--seccomp-profile", "strict", "--rlimit=core=unlimited", "x",
	} };
	_cleanup_spec_ struct spec spec;
	struct sh_err err = { 0 };
	enum cli_action action;
	int r;

	spec_init(&spec);
	r = parse_toks(&spec, &in, false, &action, &err);
	ck_assert_msg(r == 0, "%d: %s", r, err.message);
	ck_assert_str_eq(spec.cap_keep_text, "chown,CAP_KILL");
	ck_assert_uint_eq(spec.cap_keep, (UINT64_C(1) << CAP_CHOWN) |
						 (UINT64_C(1) << CAP_KILL));
	ck_assert(spec.allow_new_privs);
	ck_assert_int_eq(spec.seccomp_profile, SECCOMP_PROFILE_STRICT);
	ck_assert_str_eq(spec.seccomp_policy, "/pol");
	ck_assert_int_eq(spec.seccomp_bpf_fd, 7);
	ck_assert_uint_eq(spec.landlock_write.n, 1);
	ck_assert_str_eq(spec.landlock_write.v[0], "/w");
	ck_assert_uint_eq(spec.landlock_read.n, 2);
	ck_assert_str_eq(spec.landlock_read.v[0], "/r1");
	ck_assert_str_eq(spec.landlock_read.v[1], "/r2");
	ck_assert_int_eq(spec.landlock_mode, LANDLOCK_MODE_BEST_EFFORT);
	ck_assert_uint_eq(spec.rlimits.n, 2);
	ck_assert_str_eq(spec.rlimits.v[0].text, "nofile=1:2");
	ck_assert_int_eq(spec.rlimits.v[0].resource, RLIMIT_NOFILE);
	ck_assert_uint_eq(spec.rlimits.v[0].value.rlim_max, 2);
	ck_assert_str_eq(spec.rlimits.v[1].text, "core=unlimited");
	ck_assert_uint_eq(spec.rlimits.given, (1u << RLIMIT_NOFILE) |
						      (1u << RLIMIT_CORE));
	/* hardening makes no namespace */
	ck_assert_uint_eq(spec_namespaces(&spec), 0);
}
END_TEST

/* What --cap-keep's list means: caps_parse, as the launch uses it. */
struct caps_case {
	const char *list;
	uint64_t mask;   /* when bad is NULL */
	const char *bad; /* the name caps_parse refuses */
};

#define CAP(c) (UINT64_C(1) << CAP_##c)

static const struct caps_case caps_cases[] = {
	{ "chown", CAP(CHOWN), NULL },
	{ "CHOWN", CAP(CHOWN), NULL },
	{ "cap_chown", CAP(CHOWN), NULL },
	{ "CAP_CHOWN", CAP(CHOWN), NULL },
	{ "Cap_Chown", CAP(CHOWN), NULL },
	{ "kill,net_admin,sys_chroot",
	  CAP(KILL) | CAP(NET_ADMIN) | CAP(SYS_CHROOT), NULL },
	{ "setuid,CAP_SETGID,setuid", CAP(SETUID) | CAP(SETGID), NULL },
	{ "net_bind_service", CAP(NET_BIND_SERVICE), NULL },
	{ "sys_admin,dac_override,fowner",
	  CAP(SYS_ADMIN) | CAP(DAC_OVERRIDE) | CAP(FOWNER), NULL },
	{ "audit_write,mknod,setfcap,syslog",
	  CAP(AUDIT_WRITE) | CAP(MKNOD) | CAP(SETFCAP) | CAP(SYSLOG), NULL },
	{ "bogus", 0, "bogus" },
	{ "chown,bogus,kill", 0, "bogus" },
	{ "cap_", 0, "cap_" },
	{ "cap_cap_chown", 0, "cap_cap_chown" },
	{ " chown", 0, " chown" },
	{ "chown ", 0, "chown " },
	/* a name and something after it is no name */
	{ "chown;kill", 0, "chown;kill" },
	{ "chown+kill", 0, "chown+kill" },
	{ "kill!", 0, "kill!" },
	{ "sys_admin123", 0, "sys_admin123" },
	{ "net_admin=ep", 0, "net_admin=ep" },
	{ "net-admin", 0, "net-admin" },
	/* numbers are not names */
	{ "0", 0, "0" },
	{ "5", 0, "5" },
	{ "64", 0, "64" },
	{ "all", 0, "all" },
};

#undef CAP

START_TEST(test_caps_parse)
{
	const struct caps_case *c = &caps_cases[_i];
	uint64_t mask = 0xdeadbeef;
	char bad[64] = "";
	int r = caps_parse(c->list, &mask, bad, sizeof(bad));

	if (c->bad) {
		ck_assert_msg(r == -EINVAL, "`%s`: %d, expected -EINVAL",
			      c->list, r);
		ck_assert_str_eq(bad, c->bad);
		return;
	}
	ck_assert_msg(r == 0, "`%s`: %d (`%s`)", c->list, r, bad);
	ck_assert_msg(mask == c->mask, "`%s`: mask %#llx, expected %#llx",
		      c->list, (unsigned long long)mask,
		      (unsigned long long)c->mask);
}
END_TEST

/* A mount on / stacks on the root the command keeps (issue 12): the
 * paths that name / are refused without --chroot. */
static const struct {
	const char *path;
	bool root;
} root_cases[] = {
	{ "/", true },          { "//", true },        { "/.", true },
	{ "/./", true },        { "/..", true },       { "/tmp/..", true },
	{ "/a/b/../..", true }, { "/tmp", false },     { "/tmp/.", false },
	{ "/..a", false },      { "/.a", false },      { "/a/../b", false },
	{ "/a/b/..", false },   { "//tmp//", false },  { "/...", false },
};

START_TEST(test_mount_path_is_root)
{
	ck_assert_msg(mount_path_is_root(root_cases[_i].path) ==
			      root_cases[_i].root,
		      "`%s`", root_cases[_i].path);
}
END_TEST

/* The records' signal names, the same under every C library. */
static const struct {
	int sig;
	const char *name;
} signal_name_cases[] = {
	{ SIGTERM, "SIGTERM" },     { SIGKILL, "SIGKILL" },
	{ 32, "SIG32" },            { 33, "SIG33" },
	{ 34, "SIGRTMIN" },         { 35, "SIGRTMIN+1" },
	{ 40, "SIGRTMIN+6" },       { 64, "SIGRTMIN+30" },
	{ 65, "SIG65" },
};

START_TEST(test_signal_name)
{
	char name[32];

	status_signal_name(signal_name_cases[_i].sig, name, sizeof(name));
	ck_assert_str_eq(name, signal_name_cases[_i].name);
}
END_TEST

/* What --rlimit's value means: rlimit_parse, as the launch uses it. */
struct rlimit_case {
	const char *text;
	int resource;
	rlim_t soft, hard;
	const char *bad; /* NULL: valid */
};

#define INF RLIM_INFINITY

static const struct rlimit_case rlimit_cases[] = {
	{ "nofile=1024", RLIMIT_NOFILE, 1024, 1024, NULL },
	{ "nofile=1024:4096", RLIMIT_NOFILE, 1024, 4096, NULL },
	{ "core=0", RLIMIT_CORE, 0, 0, NULL },
	{ "as=unlimited", RLIMIT_AS, INF, INF, NULL },
	{ "cpu=infinity", RLIMIT_CPU, INF, INF, NULL },
	{ "stack=8388608:unlimited", RLIMIT_STACK, 8388608, INF, NULL },
	{ "data=unlimited:infinity", RLIMIT_DATA, INF, INF, NULL },
	{ "fsize=010", RLIMIT_FSIZE, 10, 10, NULL },
	{ "nproc=5:5", RLIMIT_NPROC, 5, 5, NULL },
	{ "fsize=18446744073709551614", RLIMIT_FSIZE, INF - 1, INF - 1,
	  NULL },
	{ "locks=1", RLIMIT_LOCKS, 1, 1, NULL },
	{ "memlock=2", RLIMIT_MEMLOCK, 2, 2, NULL },
	{ "msgqueue=3", RLIMIT_MSGQUEUE, 3, 3, NULL },
	{ "nice=4", RLIMIT_NICE, 4, 4, NULL },
	{ "rss=5", RLIMIT_RSS, 5, 5, NULL },
	{ "rtprio=6", RLIMIT_RTPRIO, 6, 6, NULL },
	{ "rttime=7", RLIMIT_RTTIME, 7, 7, NULL },
	{ "sigpending=8", RLIMIT_SIGPENDING, 8, 8, NULL },
	{ "bogus=1", 0, 0, 0, "NAME" },
	{ "NOFILE=1", 0, 0, 0, "NAME" },
	{ "nofile", 0, 0, 0, "form" },
	{ "=1", 0, 0, 0, "NAME" },
	{ "", 0, 0, 0, "form" },
	{ "nofil=1", 0, 0, 0, "NAME" },
	{ "nofilex=1", 0, 0, 0, "NAME" },
	{ "nofile=", 0, 0, 0, "SOFT" },
	{ "nofile=:1", 0, 0, 0, "SOFT" },
	{ "nofile=-1", 0, 0, 0, "SOFT" },
	{ "nofile=+1", 0, 0, 0, "SOFT" },
	{ "nofile= 1", 0, 0, 0, "SOFT" },
	{ "nofile=1 ", 0, 0, 0, "SOFT" },
	{ "nofile=1x", 0, 0, 0, "SOFT" },
	{ "nofile=0x10", 0, 0, 0, "SOFT" },
	{ "nofile==1", 0, 0, 0, "SOFT" },
	{ "nofile=Unlimited", 0, 0, 0, "SOFT" },
	{ "nofile=unlimited ", 0, 0, 0, "SOFT" },
	{ "nofile=inf", 0, 0, 0, "SOFT" },
	/* the number that means infinity is said with a word only */
	{ "nofile=18446744073709551615", 0, 0, 0, "SOFT" },
	{ "nofile=18446744073709551616", 0, 0, 0, "SOFT" },
	{ "nofile=1:", 0, 0, 0, "HARD" },
	{ "nofile=1:2:3", 0, 0, 0, "HARD" },
	{ "nofile=1:-2", 0, 0, 0, "HARD" },
	{ "nofile=1:x", 0, 0, 0, "HARD" },
	{ "nofile=1:18446744073709551615", 0, 0, 0, "HARD" },
	{ "nofile=2:1", 0, 0, 0, "SOFT above HARD" },
	{ "nofile=unlimited:5", 0, 0, 0, "SOFT above HARD" },
	{ "core=1:0", 0, 0, 0, "SOFT above HARD" },
};

#undef INF

START_TEST(test_rlimit_parse)
{
	const struct rlimit_case *c = &rlimit_cases[_i];
	struct rlimit_setting setting = { 0 };
	const char *bad = NULL;
	int r = rlimit_parse(c->text, &setting, &bad);

	if (c->bad) {
		ck_assert_msg(r == -EINVAL, "`%s`: %d, expected -EINVAL",
			      c->text, r);
		ck_assert_pstr_eq(bad, c->bad);
		return;
	}
	ck_assert_msg(r == 0, "`%s`: %d (bad %s)", c->text, r, bad);
	ck_assert_int_eq(setting.resource, c->resource);
	ck_assert_msg(setting.value.rlim_cur == c->soft &&
			      setting.value.rlim_max == c->hard,
		      "`%s`: %llu:%llu, expected %llu:%llu", c->text,
		      (unsigned long long)setting.value.rlim_cur,
		      (unsigned long long)setting.value.rlim_max,
		      (unsigned long long)c->soft,
		      (unsigned long long)c->hard);
	/* and the name back, for messages */
	ck_assert_int_eq(strncmp(c->text, rlimit_name(c->resource),
				 strcspn(c->text, "=")),
			 0);
	ck_assert_uint_eq(strlen(rlimit_name(c->resource)),
			  strcspn(c->text, "="));
}
END_TEST

/* spec_namespaces: the --unshare-TYPE options with what they imply. */
struct ns_case {
	struct toks in;
	unsigned unshare; /* spec.unshare */
	bool all;         /* spec.unshare_all */
	unsigned mask;    /* spec_namespaces() */
};

#define B(k) NS_BIT(NS_##k)

static const struct ns_case ns_cases[] = {
	{ { { "x" } }, 0, false, 0 },
	{ { { "--unshare-user", "x" } }, B(USER), false, B(USER) },
	{ { { "--unshare-mount", "x" } }, B(MOUNT), false, B(MOUNT) },
	{ { { "--unshare-uts", "x" } }, B(UTS), false, B(UTS) },
	{ { { "--unshare-cgroup", "x" } }, B(CGROUP), false, B(CGROUP) },
	{ { { "--unshare-time", "x" } }, B(TIME), false, B(TIME) },
	/* pid and ipc imply mount, net implies uts */
	{ { { "--unshare-pid", "x" } }, B(PID), false, B(PID) | B(MOUNT) },
	{ { { "--unshare-ipc", "x" } }, B(IPC), false, B(IPC) | B(MOUNT) },
	{ { { "--unshare-net", "x" } }, B(NET), false, B(NET) | B(UTS) },
	/* any mount option implies mount */
	{ { { "--bind", "/x", "x" } }, 0, false, B(MOUNT) },
	{ { { "--ro-bind", "/a:/b", "x" } }, 0, false, B(MOUNT) },
	{ { { "--tmpfs", "/t", "x" } }, 0, false, B(MOUNT) },
	{ { { "--chroot", "/r", "x" } }, 0, false, B(MOUNT) },
	/* a transient cgroup: its command sees cgroup mounts read-only */
	{ { { "--cgroup-parent", "/p", "x" } }, 0, false, B(MOUNT) },
	{ { { "--bind", "/x", "--unshare-net", "x" } }, B(NET), false,
	  B(NET) | B(UTS) | B(MOUNT) },
	/* --unshare-all: everything but user and time */
	{ { { "--unshare-all", "x" } }, 0, true, ALL_NS },
	{ { { "--unshare-all", "--unshare-user", "--unshare-time", "x" } },
	  B(USER) | B(TIME), true, ALL_NS | B(USER) | B(TIME) },
	{ { { "--unshare-all", "--unshare-pid", "x" } }, B(PID), true,
	  ALL_NS },
	/* joining a namespace makes none */
	{ { { "--join-ns", "net=/n", "--join-ns", "mount=/m", "x" } }, 0,
	  false, 0 },
	{ { { "--hostname", "h", "--unshare-uts", "--unshare-pid", "x" } },
	  B(UTS) | B(PID), false, B(UTS) | B(PID) | B(MOUNT) },
	/* other options make none */
	{ { { "--map-root", "--ns-fallback", "drop", "--die-with-parent",
	      "--timeout", "1", "x" } },
	  0, false, 0 },
	{ { { "--uid-map", "0 0 1", "--gid-map", "0 0 1", "x" } }, 0, false,
	  0 },
};

#undef B

START_TEST(test_spec_namespaces)
{
	const struct ns_case *c = &ns_cases[_i];
	_cleanup_spec_ struct spec spec;
	struct sh_err err = { 0 };
	enum cli_action action;
	int r;

	spec_init(&spec);
	r = parse_toks(&spec, &c->in, false, &action, &err);
	ck_assert_msg(r == 0, "case %d: %d %s", _i, r, err.message);
	ck_assert_msg(spec.unshare == c->unshare,
		      "case %d: unshare %#x, expected %#x", _i, spec.unshare,
		      c->unshare);
	ck_assert_int_eq(spec.unshare_all, c->all);
	ck_assert_msg(spec_namespaces(&spec) == c->mask,
		      "case %d: spec_namespaces %#x, expected %#x", _i,
		      spec_namespaces(&spec), c->mask);
}
END_TEST

START_TEST(test_unshare_all_mask)
{
	ck_assert_uint_eq(SPEC_UNSHARE_ALL, ALL_NS);
	ck_assert_uint_eq(SPEC_UNSHARE_ALL & (NS_BIT(NS_USER) |
					      NS_BIT(NS_TIME)),
			  0);
	ck_assert_int_eq(SPEC_DEFAULT_KILL_AFTER_MS, 5000);
	ck_assert_int_eq(NET_MAX_ADDRS, 16);
}
END_TEST

START_TEST(test_parse_cli_actions)
{
	struct toks help = { { "--help" } }, version = { { "--version" } };
	struct toks help_late = { { "--clearenv", "--help", "--bogus" } };
	_cleanup_spec_ struct spec spec;
	struct sh_err err = { 0 };
	enum cli_action action;

	spec_init(&spec);
	ck_assert_int_eq(parse_toks(&spec, &help, true, &action, &err), 0);
	ck_assert_int_eq(action, CLI_HELP);
	spec_clear(&spec);
	ck_assert_int_eq(parse_toks(&spec, &version, true, &action, &err), 0);
	ck_assert_int_eq(action, CLI_VERSION);
	spec_clear(&spec);
	ck_assert_int_eq(parse_toks(&spec, &help_late, true, &action, &err),
			 0);
	ck_assert_int_eq(action, CLI_HELP);
}
END_TEST

/* ---- bad specs ---- */

struct bad_case {
	struct toks in;
	bool from_cli;
	int errnum;
	const char *needle; /* must appear in the message */
};

static const struct bad_case bad_cases[] = {
	{ { { "--bogus", "x" } }, false, EINVAL, "--bogus" },
	/* a command that begins with '-' comes after "--" (issue 16) */
	{ { { "-x", "--clearenv" } }, false, EINVAL,
	  "the command `-x` begins with '-'" },
	{ { { "--clearenv", "-", "x" } }, true, EINVAL, "`-` begins with" },
	{ { { "-h" } }, false, EINVAL, "-h is not allowed inside a spec" },
	{ { { "--bogus=1", "x" } }, true, EINVAL, "--bogus" },
	{ { { "--=x", "y" } }, false, EINVAL, "unknown option" },
	{ { { "--fd-", "y" } }, false, EINVAL, "--fd-" },
	{ { { "--aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	      "aaaaaaaaaaaa",
	      "x" } },
	  false, EINVAL, "unknown option" },
	/* missing values */
	{ { { "--fd" } }, false, EINVAL, "--fd" },
	{ { { "--chdir" } }, false, EINVAL, "--chdir" },
	{ { { "--status-fd" } }, true, EINVAL, "--status-fd" },
	/* malformed values */
	{ { { "--fd", "1", "x" } }, false, EINVAL, "--fd" },
	{ { { "--fd", "a=1", "x" } }, false, EINVAL, "--fd" },
	{ { { "--fd", "1=-2", "x" } }, false, EINVAL, "--fd" },
	{ { { "--fd", "1=", "x" } }, false, EINVAL, "--fd" },
	{ { { "--fd", "=1", "x" } }, false, EINVAL, "--fd" },
	{ { { "--fd", "1=2=3", "x" } }, false, EINVAL, "--fd" },
	{ { { "--fd", "+1=2", "x" } }, false, EINVAL, "--fd" },
	{ { { "--fd", " 1=2", "x" } }, false, EINVAL, "--fd" },
	{ { { "--fd", "1= 2", "x" } }, false, EINVAL, "--fd" },
	{ { { "--fd", "1=\t2", "x" } }, false, EINVAL, "--fd" },
	{ { { "--fd", "2147483648=1", "x" } }, false, EINVAL, "--fd" },
	{ { { "--fd", "", "x" } }, false, EINVAL, "--fd" },
	{ { { "--umask", "8", "x" } }, false, EINVAL, "--umask" },
	{ { { "--umask", "01000", "x" } }, false, EINVAL, "--umask" },
	{ { { "--umask", "", "x" } }, false, EINVAL, "--umask" },
	{ { { "--umask", "-1", "x" } }, false, EINVAL, "--umask" },
	{ { { "--umask", "0x1", "x" } }, false, EINVAL, "--umask" },
	{ { { "--status-fd", "x", "x" } }, false, EINVAL, "--status-fd" },
	{ { { "--status-fd", "-1", "x" } }, false, EINVAL, "--status-fd" },
	{ { { "--status-fd", "1x", "x" } }, false, EINVAL, "--status-fd" },
	{ { { "--status-fd=", "x" } }, false, EINVAL, "--status-fd" },
	{ { { "--chdir", "", "x" } }, false, EINVAL, "--chdir" },
	{ { { "--uid", "", "x" } }, false, EINVAL, "--uid" },
	{ { { "--gid=", "x" } }, false, EINVAL, "--gid" },
	/* flags take no value */
	{ { { "--clearenv=1", "x" } }, false, EINVAL, "--clearenv" },
	{ { { "--new-session=", "x" } }, false, EINVAL, "--new-session" },
	/* once-only options given twice */
	{ { { "--chdir", "a", "--chdir", "b", "x" } }, false, EINVAL,
	  "--chdir given twice" },
	{ { { "--clearenv", "--clearenv", "x" } }, false, EINVAL,
	  "--clearenv given twice" },
	{ { { "--status-fd", "1", "--status-fd=1", "x" } }, false, EINVAL,
	  "--status-fd given twice" },
	{ { { "--umask", "0", "--umask", "0", "x" } }, false, EINVAL,
	  "--umask given twice" },
	{ { { "--groups", "", "--groups", "", "x" } }, false, EINVAL,
	  "--groups given twice" },
	/* no command, empty command */
	{ { { NULL } }, false, EINVAL, "no command" },
	{ { { "--clearenv" } }, false, EINVAL, "no command" },
	{ { { "--clearenv", "--" } }, true, EINVAL, "no command" },
	{ { { "" } }, false, ENOENT, "command is empty" },
	{ { { "--", "", "x" } }, false, ENOENT, "command is empty" },
	/* environment */
	{ { { "--setenv", "A", "x" } }, false, EINVAL, "--setenv" },
	{ { { "--setenv", "=1", "x" } }, false, EINVAL, "--setenv" },
	{ { { "--setenv", "", "x" } }, false, EINVAL, "--setenv" },
	{ { { "--unsetenv", "", "x" } }, false, EINVAL, "--unsetenv" },
	{ { { "--unsetenv", "A=1", "x" } }, false, EINVAL, "--unsetenv" },
	{ { { "--setenv", "A=1", "--unsetenv", "A", "x" } }, false, EINVAL,
	  "`A`" },
	{ { { "--unsetenv", "A", "--setenv", "A=", "x" } }, false, EINVAL,
	  "--setenv/--unsetenv" },
	{ { { "--setenv", "A=1", "--setenv", "A=2", "x" } }, false, EINVAL,
	  "--setenv" },
	{ { { "--unsetenv", "B", "--setenv", "A=1", "--unsetenv", "C",
	      "--setenv", "B=2", "x" } },
	  false, EINVAL, "`B`" },
	{ { { "--unsetenv", "A", "--unsetenv", "A", "x" } }, false, EINVAL,
	  "`A`" },
	/* the fd map */
	{ { { "--fd", "1=1", "--fd", "1=2", "x" } }, false, EINVAL,
	  "--fd 1=2" },
	{ { { "--fd", "0=0", "--fd", "2=0", "--fd=0=5", "x" } }, false,
	  EINVAL, "--fd 0=5" },
	/* CLI-only options inside a spec */
	{ { { "--help", "x" } }, false, EINVAL, "--help" },
	{ { { "--version" } }, false, EINVAL, "--version" },
	{ { { "--spec-fd", "3" } }, false, EINVAL, "--spec-fd" },
	{ { { "--spec-fd=3" } }, false, EINVAL, "--spec-fd" },
	{ { { "--clearenv", "--help" } }, false, EINVAL, "--help" },
	/* --spec-fd not alone on the command line */
	{ { { "--clearenv", "--spec-fd", "3" } }, true, EINVAL, "--spec-fd" },
	{ { { "--status-fd=2", "--spec-fd=3" } }, true, EINVAL, "--spec-fd" },
	{ { { "--help=1" } }, true, EINVAL, "--help" },
	/* --parent-pid */
	{ { { "--die-with-parent", "--parent-pid", "0", "x" } }, false, EINVAL,
	  "--parent-pid" },
	{ { { "--die-with-parent", "--parent-pid", "-1", "x" } }, false,
	  EINVAL, "--parent-pid" },
	{ { { "--die-with-parent", "--parent-pid", "x", "x" } }, false, EINVAL,
	  "--parent-pid" },
	{ { { "--die-with-parent", "--parent-pid=", "x" } }, false, EINVAL,
	  "--parent-pid" },
	{ { { "--die-with-parent", "--parent-pid", "2147483648", "x" } }, false,
	  EINVAL, "--parent-pid" },
	{ { { "--die-with-parent", "--parent-pid", " 5", "x" } }, false,
	  EINVAL, "--parent-pid" },
	{ { { "--parent-pid", "5", "x" } }, false, EINVAL,
	  "--parent-pid needs --die-with-parent" },
	{ { { "--die-with-parent", "--parent-pid", "5", "--parent-pid", "5",
	      "x" } },
	  false, EINVAL, "--parent-pid given twice" },
	/* namespace flags */
	{ { { "--unshare-net=1", "x" } }, false, EINVAL, "--unshare-net" },
	{ { { "--unshare-all=", "x" } }, false, EINVAL, "--unshare-all" },
	{ { { "--map-root=0", "x" } }, false, EINVAL, "--map-root" },
	{ { { "--unshare-pid", "--unshare-pid", "x" } }, false, EINVAL,
	  "--unshare-pid given twice" },
	{ { { "--unshare-all", "--unshare-all", "x" } }, false, EINVAL,
	  "--unshare-all given twice" },
	{ { { "--unshare-bogus", "x" } }, false, EINVAL, "--unshare-bogus" },
	{ { { "--unshare-", "x" } }, false, EINVAL, "--unshare-" },
	/* --join-ns */
	{ { { "--join-ns", "bogus=/x", "x" } }, false, EINVAL, "--join-ns" },
	{ { { "--join-ns", "net", "x" } }, false, EINVAL, "--join-ns" },
	{ { { "--join-ns", "net=", "x" } }, false, EINVAL, "--join-ns" },
	{ { { "--join-ns", "=/x", "x" } }, false, EINVAL, "--join-ns" },
	{ { { "--join-ns", "", "x" } }, false, EINVAL, "--join-ns" },
	{ { { "--join-ns=Net=/x", "x" } }, false, EINVAL, "--join-ns" },
	{ { { "--join-ns", "mnt=/proc/1/ns/mnt", "x" } }, false, EINVAL,
	  "--join-ns" },
	{ { { "--join-ns", "net=/a", "--join-ns", "net=/a", "x" } }, false,
	  EINVAL, "`net` given twice" },
	{ { { "--join-ns", "net=/a", "--join-ns", "user=/u", "--join-ns=net=/b",
	      "x" } },
	  false, EINVAL, "--join-ns" },
	{ { { "--join-ns", "time" } }, false, EINVAL, "--join-ns" },
	/* --join-ns TYPE and a new TYPE namespace, implied ones included */
	{ { { "--unshare-net", "--join-ns", "net=/n", "x" } }, false, EINVAL,
	  "--join-ns net" },
	{ { { "--join-ns", "net=/n", "--unshare-net", "x" } }, false, EINVAL,
	  "--join-ns net" },
	{ { { "--unshare-user", "--join-ns", "user=/u", "x" } }, false, EINVAL,
	  "--join-ns user" },
	{ { { "--unshare-time", "--join-ns", "time=/t", "x" } }, false, EINVAL,
	  "--join-ns time" },
	{ { { "--unshare-pid", "--join-ns", "mount=/m", "x" } }, false, EINVAL,
	  "--join-ns mount" },
	{ { { "--unshare-ipc", "--join-ns", "mount=/m", "x" } }, false, EINVAL,
	  "--join-ns mount" },
	{ { { "--unshare-net", "--join-ns", "uts=/u", "x" } }, false, EINVAL,
	  "--join-ns uts" },
	{ { { "--unshare-all", "--join-ns", "cgroup=/c", "x" } }, false,
	  EINVAL, "--join-ns cgroup" },
	{ { { "--unshare-all", "--join-ns", "pid=/p", "x" } }, false, EINVAL,
	  "--join-ns pid" },
	{ { { "--bind", "/x", "--join-ns", "mount=/m", "x" } }, false, EINVAL,
	  "--join-ns mount" },
	{ { { "--join-ns", "mount=/m", "--ro-bind", "/a:/b", "x" } }, false,
	  EINVAL, "--join-ns mount" },
	{ { { "--tmpfs", "/t", "--join-ns=mount=/m", "x" } }, false, EINVAL,
	  "--join-ns mount" },
	{ { { "--chroot", "/r", "--join-ns", "mount=/m", "x" } }, false,
	  EINVAL, "--join-ns mount" },
	/* --ns-fallback */
	{ { { "--ns-fallback", "maybe", "x" } }, false, EINVAL,
	  "--ns-fallback" },
	{ { { "--ns-fallback", "", "x" } }, false, EINVAL, "--ns-fallback" },
	{ { { "--ns-fallback", "Strict", "x" } }, false, EINVAL,
	  "--ns-fallback" },
	{ { { "--ns-fallback", "drop ", "x" } }, false, EINVAL,
	  "--ns-fallback" },
	{ { { "--ns-fallback", "strict", "--ns-fallback", "drop", "x" } },
	  false, EINVAL, "--ns-fallback given twice" },
	{ { { "--ns-fallback" } }, false, EINVAL, "--ns-fallback" },
	/* id maps */
	{ { { "--uid-map", "0 1000", "x" } }, false, EINVAL, "--uid-map" },
	{ { { "--uid-map", "0 1000 0", "x" } }, false, EINVAL, "--uid-map" },
	{ { { "--uid-map", "0 1000 1,", "x" } }, false, EINVAL, "--uid-map" },
	{ { { "--uid-map", "0 1000 1,,1 2 3", "x" } }, false, EINVAL,
	  "--uid-map" },
	{ { { "--uid-map", ",0 1000 1", "x" } }, false, EINVAL, "--uid-map" },
	{ { { "--uid-map", "", "x" } }, false, EINVAL, "--uid-map" },
	{ { { "--uid-map", " ", "x" } }, false, EINVAL, "--uid-map" },
	{ { { "--uid-map", "0 1000 1 5", "x" } }, false, EINVAL, "--uid-map" },
	{ { { "--uid-map", "0 1000 1;1 2 3", "x" } }, false, EINVAL,
	  "--uid-map" },
	{ { { "--uid-map", "a b c", "x" } }, false, EINVAL, "--uid-map" },
	{ { { "--uid-map", "0 1000 1x", "x" } }, false, EINVAL, "--uid-map" },
	{ { { "--uid-map", "-1 1000 1", "x" } }, false, EINVAL, "--uid-map" },
	{ { { "--uid-map", "4294967295 0 1", "x" } }, false, EINVAL,
	  "--uid-map" },
	{ { { "--uid-map", "0 4294967295 1", "x" } }, false, EINVAL,
	  "--uid-map" },
	{ { { "--uid-map", "0 0 4294967296", "x" } }, false, EINVAL,
	  "--uid-map" },
	/* INNER+COUNT or OUTER+COUNT past 4294967295, in any record */
	{ { { "--uid-map", "4294967294 4294967294 4294967295", "x" } }, false,
	  EINVAL, "--uid-map `4294967294 4294967294 4294967295`" },
	{ { { "--uid-map", "4294967294 0 2", "x" } }, false, EINVAL,
	  "--uid-map `4294967294 0 2`" },
	{ { { "--uid-map", "0 4294967294 2", "x" } }, false, EINVAL,
	  "--uid-map `0 4294967294 2`" },
	{ { { "--uid-map", "1 0 4294967295", "x" } }, false, EINVAL,
	  "--uid-map `1 0 4294967295`" },
	{ { { "--gid-map", "0 1 4294967295", "x" } }, false, EINVAL,
	  "--gid-map `0 1 4294967295`" },
	{ { { "--gid-map", "0 0 1,2147483648 0 2147483648", "x" } }, false,
	  EINVAL, "--gid-map `0 0 1,2147483648 0 2147483648`" },
	/* digits and blanks only: no signs, no other white space */
	{ { { "--uid-map", "+0 0 1", "x" } }, false, EINVAL,
	  "--uid-map `+0 0 1`" },
	{ { { "--uid-map", "0 -0 1", "x" } }, false, EINVAL,
	  "--uid-map `0 -0 1`" },
	{ { { "--uid-map", "0 0 +1", "x" } }, false, EINVAL,
	  "--uid-map `0 0 +1`" },
	{ { { "--gid-map", "0 0 1,-0 1 1", "x" } }, false, EINVAL,
	  "--gid-map `0 0 1,-0 1 1`" },
	{ { { "--uid-map", "0 0\n1", "x" } }, false, EINVAL, "--uid-map" },
	{ { { "--uid-map", "0\v0 1", "x" } }, false, EINVAL, "--uid-map" },
	/* a trailing comma, blanks after it or not */
	{ { { "--gid-map", "0 0 1,", "x" } }, false, EINVAL,
	  "--gid-map `0 0 1,`" },
	{ { { "--uid-map", "0 0 1 ,", "x" } }, false, EINVAL,
	  "--uid-map `0 0 1 ,`" },
	{ { { "--uid-map", "0 0 1,1 1 1,\t", "x" } }, false, EINVAL,
	  "--uid-map" },
	{ { { "--gid-map", "0 1000", "x" } }, false, EINVAL, "--gid-map" },
	{ { { "--gid-map=0 1000 0", "x" } }, false, EINVAL, "--gid-map" },
	{ { { "--uid-map", "0 0 1", "--uid-map", "0 0 1", "x" } }, false,
	  EINVAL, "--uid-map given twice" },
	{ { { "--map-root", "--uid-map", "0 1000 1", "x" } }, false, EINVAL,
	  "--map-root and --uid-map" },
	{ { { "--gid-map", "0 1000 1", "--map-root", "x" } }, false, EINVAL,
	  "--map-root" },
	{ { { "--uid-map", "0 0 1", "--map-root", "--gid-map", "0 0 1",
	      "x" } },
	  false, EINVAL, "--map-root" },
	/* --hostname */
	{ { { "--unshare-uts", "--hostname", "", "x" } }, false, EINVAL,
	  "--hostname" },
	{ { { "--unshare-uts", "--hostname=", "x" } }, false, EINVAL,
	  "--hostname" },
	{ { { "--unshare-uts", "--hostname", HOST65, "x" } }, false, EINVAL,
	  "--hostname" },
	/* a hostname is letters, digits, dots, hyphens, underscores */
	{ { { "--unshare-uts", "--hostname", "a b", "x" } }, false, EINVAL,
	  "--hostname `a b`: expected 1 to 64 letters" },
	{ { { "--unshare-uts", "--hostname", "a/b", "x" } }, false, EINVAL,
	  "--hostname `a/b`" },
	{ { { "--unshare-uts", "--hostname", "h\xc3\xa9", "x" } }, false,
	  EINVAL, "--hostname" },
	{ { { "--hostname", "h", "x" } }, false, EINVAL,
	  "--hostname needs --unshare-uts" },
	{ { { "--unshare-user", "--unshare-mount", "--hostname", "h", "x" } },
	  false, EINVAL, "--hostname needs" },
	{ { { "--join-ns", "uts=/u", "--hostname", "h", "x" } }, false, EINVAL,
	  "--hostname needs" },
	{ { { "--unshare-uts", "--hostname", "a", "--hostname", "b", "x" } },
	  false, EINVAL, "--hostname given twice" },
	/* --loopback-addr */
	{ { { "--unshare-net", "--loopback-addr", "10.0.0.1", "x" } }, false,
	  EINVAL, "--loopback-addr" },
	{ { { "--unshare-net", "--loopback-addr", "10.0.0.1/33", "x" } }, false,
	  EINVAL, "--loopback-addr" },
	{ { { "--unshare-net", "--loopback-addr", "::1/129", "x" } }, false,
	  EINVAL, "--loopback-addr" },
	{ { { "--unshare-net", "--loopback-addr", "10.0.0.1/0", "x" } }, false,
	  EINVAL, "--loopback-addr" },
	{ { { "--unshare-net", "--loopback-addr", "10.0.0.1/", "x" } }, false,
	  EINVAL, "--loopback-addr" },
	{ { { "--unshare-net", "--loopback-addr", "/8", "x" } }, false, EINVAL,
	  "--loopback-addr" },
	{ { { "--unshare-net", "--loopback-addr", "", "x" } }, false, EINVAL,
	  "--loopback-addr" },
	{ { { "--unshare-net", "--loopback-addr", "10.0.0.256/8", "x" } },
	  false, EINVAL, "--loopback-addr" },
	{ { { "--unshare-net", "--loopback-addr", "10.0.0.1/+8", "x" } },
	  false, EINVAL, "--loopback-addr" },
	{ { { "--unshare-net", "--loopback-addr", "10.0.0.1/-8", "x" } },
	  false, EINVAL, "--loopback-addr" },
	{ { { "--unshare-net", "--loopback-addr", "10.0.0.1/ 8", "x" } },
	  false, EINVAL, "--loopback-addr" },
	{ { { "--unshare-net", "--loopback-addr", "10.0.0.1/8x", "x" } },
	  false, EINVAL, "--loopback-addr" },
	{ { { "--unshare-net", "--loopback-addr", "10.0.0.1/8/8", "x" } },
	  false, EINVAL, "--loopback-addr" },
	{ { { "--unshare-net", "--loopback-addr", "localhost/8", "x" } },
	  false, EINVAL, "--loopback-addr" },
	{ { { "--unshare-net", "--loopback-addr", "fd00::1", "x" } }, false,
	  EINVAL, "--loopback-addr" },
	{ { { "--loopback-addr", "fd00::1/8", "x" } }, false, EINVAL,
	  "--loopback-addr needs --unshare-net" },
	{ { { "--unshare-uts", "--loopback-addr", "10.0.0.1/8", "x" } }, false,
	  EINVAL, "--loopback-addr needs --unshare-net" },
	{ { { "--join-ns", "net=/n", "--loopback-addr", "10.0.0.1/8", "x" } },
	  false, EINVAL, "--loopback-addr needs --unshare-net" },
	/* what lo has by itself, whatever the prefix and spelling */
	{ { { "--unshare-net", "--loopback-addr", "127.0.0.1/8", "x" } }, false,
	  EEXIST, "--loopback-addr 127.0.0.1/8: lo has it already" },
	{ { { "--unshare-net", "--loopback-addr", "127.0.0.1/32", "x" } },
	  false, EEXIST, "lo has it already" },
	{ { { "--unshare-net", "--loopback-addr", "127.0.0.1/1", "x" } }, false,
	  EEXIST, "lo has it already" },
	{ { { "--unshare-net", "--loopback-addr", "::1/128", "x" } }, false,
	  EEXIST, "--loopback-addr ::1/128: lo has it already" },
	{ { { "--unshare-net", "--loopback-addr", "::1/64", "x" } }, false,
	  EEXIST, "lo has it already" },
	{ { { "--unshare-net", "--loopback-addr", "0:0:0:0:0:0:0:1/1", "x" } },
	  false, EEXIST, "lo has it already" },
	{ { { "--unshare-all", "--loopback-addr", "10.0.0.1/8",
	      "--loopback-addr=127.0.0.1/8", "x" } },
	  false, EEXIST, "--loopback-addr 127.0.0.1/8: lo has it already" },
	/* one address twice: the prefix aside, compared as addresses */
	{ { { "--unshare-net", "--loopback-addr", "10.0.0.1/8",
	      "--loopback-addr", "10.0.0.1/8", "x" } },
	  false, EEXIST, "--loopback-addr 10.0.0.1/8: given twice" },
	{ { { "--unshare-net", "--loopback-addr", "10.0.0.1/8",
	      "--loopback-addr", "10.0.0.1/16", "x" } },
	  false, EEXIST, "--loopback-addr 10.0.0.1/16: given twice" },
	{ { { "--unshare-net", "--loopback-addr", "fd00::1/8",
	      "--loopback-addr", "fd00:0::1/64", "x" } },
	  false, EEXIST, "--loopback-addr fd00:0::1/64: given twice" },
	{ { { "--unshare-net", "--loopback-addr", "fd00:0:0:0:0:0:0:1/64",
	      "--loopback-addr", "fd00::2/64", "--loopback-addr=FD00::1/128",
	      "x" } },
	  false, EEXIST, "--loopback-addr FD00::1/128: given twice" },
	{ { { "--unshare-net", "--loopback-addr", "127.0.0.2/8",
	      "--loopback-addr", "10.0.0.1/8", "--loopback-addr",
	      "127.0.0.2/32", "x" } },
	  false, EEXIST, "--loopback-addr 127.0.0.2/32: given twice" },
	/* mounts */
	{ { { "--bind", "a:b", "x" } }, false, EINVAL, "--bind" },
	{ { { "--bind", "/a:b", "x" } }, false, EINVAL, "--bind" },
	{ { { "--bind", "", "x" } }, false, EINVAL, "--bind" },
	{ { { "--bind", "a", "x" } }, false, EINVAL, "--bind" },
	{ { { "--bind", ":/x", "x" } }, false, EINVAL, "--bind" },
	{ { { "--bind", "/x:", "x" } }, false, EINVAL, "--bind" },
	{ { { "--bind=", "x" } }, false, EINVAL, "--bind" },
	{ { { "--bind" } }, false, EINVAL, "--bind" },
	{ { { "--ro-bind", "a:b", "x" } }, false, EINVAL, "--ro-bind" },
	{ { { "--ro-bind", "", "x" } }, false, EINVAL, "--ro-bind" },
	{ { { "--tmpfs", "a", "x" } }, false, EINVAL, "--tmpfs" },
	{ { { "--tmpfs", "", "x" } }, false, EINVAL, "--tmpfs" },
	{ { { "--tmpfs", "./t", "x" } }, false, EINVAL, "--tmpfs" },
	{ { { "--chroot", "", "x" } }, false, EINVAL, "--chroot" },
	{ { { "--chroot", "/a", "--chroot", "/b", "x" } }, false, EINVAL,
	  "--chroot given twice" },
	/* two mounts on one destination */
	{ { { "--bind", "/a:/d", "--bind", "/b:/d", "x" } }, false, EINVAL,
	  "--bind and --bind" },
	{ { { "--bind", "/d", "--bind", "/d", "x" } }, false, EINVAL, "`/d`" },
	{ { { "--bind", "/d", "--ro-bind", "/e:/d", "x" } }, false, EINVAL,
	  "--bind and --ro-bind" },
	{ { { "--ro-bind", "/e:/d", "--bind", "/d", "x" } }, false, EINVAL,
	  "--bind and --ro-bind" },
	{ { { "--tmpfs", "/d", "--bind", "/s:/d", "x" } }, false, EINVAL,
	  "--bind and --tmpfs" },
	{ { { "--ro-bind", "/x", "--tmpfs", "/x", "x" } }, false, EINVAL,
	  "--ro-bind and --tmpfs" },
	{ { { "--ro-bind", "/a:/x", "--ro-bind", "/b:/x", "x" } }, false,
	  EINVAL, "--ro-bind and --ro-bind" },
	{ { { "--tmpfs", "/t", "--tmpfs", "/t", "x" } }, false, EINVAL,
	  "--tmpfs and --tmpfs" },
	{ { { "--bind", "/a:/x:y", "--tmpfs", "/x:y", "x" } }, false, EINVAL,
	  "`/x:y`" },
	{ { { "--bind", "/1:/a", "--ro-bind", "/2:/b", "--tmpfs", "/c",
	      "--tmpfs", "/b", "x" } },
	  false, EINVAL, "two mounts on `/b`" },
	/* repeated and trailing slashes make no other destination */
	{ { { "--bind", "/x", "--tmpfs", "/x/", "x" } }, false, EINVAL,
	  "--bind and --tmpfs: two mounts on `/x`" },
	{ { { "--tmpfs", "//x", "--tmpfs", "/x", "x" } }, false, EINVAL,
	  "--tmpfs and --tmpfs: two mounts on `//x`" },
	{ { { "--tmpfs", "/x", "--tmpfs", "//x", "x" } }, false, EINVAL,
	  "--tmpfs and --tmpfs: two mounts on `/x`" },
	{ { { "--ro-bind", "/s:/a//b///c", "--bind", "/t:/a/b/c//", "x" } },
	  false, EINVAL, "--bind and --ro-bind: two mounts on `/a/b/c//`" },
	{ { { "--bind", "/a/b/", "--ro-bind", "/s://a/b", "x" } }, false,
	  EINVAL, "--bind and --ro-bind: two mounts on `/a/b/`" },
	{ { { "--tmpfs", "/", "--bind", "/s://", "x" } }, false, EINVAL,
	  "--bind and --tmpfs: two mounts on `//`" },
	{ { { "--bind", "/a:/x:y/", "--tmpfs", "/x:y", "x" } }, false, EINVAL,
	  "two mounts on `/x:y/`" },
	/* --timeout */
	{ { { "--timeout", "0", "x" } }, false, EINVAL, "--timeout" },
	{ { { "--timeout", "0.000", "x" } }, false, EINVAL, "--timeout" },
	{ { { "--timeout", "-1", "x" } }, false, EINVAL, "--timeout" },
	{ { { "--timeout", "1.2345", "x" } }, false, EINVAL, "--timeout" },
	{ { { "--timeout", "1.", "x" } }, false, EINVAL, "--timeout" },
	{ { { "--timeout", ".5", "x" } }, false, EINVAL, "--timeout" },
	{ { { "--timeout", "abc", "x" } }, false, EINVAL, "--timeout" },
	{ { { "--timeout", "", "x" } }, false, EINVAL, "--timeout" },
	{ { { "--timeout", "1e3", "x" } }, false, EINVAL, "--timeout" },
	{ { { "--timeout", " 1", "x" } }, false, EINVAL, "--timeout" },
	{ { { "--timeout", "+1", "x" } }, false, EINVAL, "--timeout" },
	{ { { "--timeout", "1.-5", "x" } }, false, EINVAL, "--timeout" },
	{ { { "--timeout", "1.+5", "x" } }, false, EINVAL, "--timeout" },
	{ { { "--timeout", "1.5.5", "x" } }, false, EINVAL, "--timeout" },
	{ { { "--timeout", "1.5s", "x" } }, false, EINVAL, "--timeout" },
	{ { { "--timeout", "0x10", "x" } }, false, EINVAL, "--timeout" },
	{ { { "--timeout", "100000001", "x" } }, false, EINVAL, "--timeout" },
	{ { { "--timeout", "1", "--timeout", "2", "x" } }, false, EINVAL,
	  "--timeout given twice" },
	/* --kill-after */
	{ { { "--kill-after", "1", "x" } }, false, EINVAL,
	  "--kill-after needs --timeout" },
	{ { { "--kill-after", "0", "x" } }, false, EINVAL,
	  "--kill-after needs --timeout" },
	{ { { "--timeout", "1", "--kill-after", "-1", "x" } }, false, EINVAL,
	  "--kill-after" },
	{ { { "--timeout", "1", "--kill-after", "abc", "x" } }, false, EINVAL,
	  "--kill-after" },
	{ { { "--timeout", "1", "--kill-after", "0.0001", "x" } }, false,
	  EINVAL, "--kill-after" },
	{ { { "--timeout", "1", "--kill-after", "", "x" } }, false, EINVAL,
	  "--kill-after" },
	/* cgroups */
	{ { { "--cgroup", "rel", "x" } }, false, EINVAL, "--cgroup" },
	{ { { "--cgroup", "", "x" } }, false, EINVAL, "--cgroup" },
	{ { { "--cgroup-parent", "rel", "x" } }, false, EINVAL,
	  "--cgroup-parent" },
	{ { { "--cgroup", "/a", "--cgroup-parent", "/b", "x" } }, false, EINVAL,
	  "--cgroup and --cgroup-parent" },
	{ { { "--cgroup-parent", "/p", "--join-ns", "mount=/m", "x" } }, false,
	  EINVAL, "--cgroup-parent and --join-ns mount" },
	{ { { "--memory-max", "1M", "x" } }, false, EINVAL,
	  "--memory-max, --pids-max or --cpu-max needs --cgroup-parent (a "
	  "cgroup of the spawn's own)" },
	{ { { "--cgroup", "/a", "--pids-max", "5", "x" } }, false, EINVAL,
	  "--cpu-max needs --cgroup-parent" },
	{ { { "--cpu-max", "1", "x" } }, false, EINVAL,
	  "--cpu-max needs --cgroup-parent" },
	{ { { "--cgroup-parent", "/p", "--memory-max", "0", "x" } }, false,
	  EINVAL, "--memory-max" },
	{ { { "--cgroup-parent", "/p", "--memory-max", "", "x" } }, false,
	  EINVAL, "--memory-max" },
	{ { { "--cgroup-parent", "/p", "--memory-max", "K", "x" } }, false,
	  EINVAL, "--memory-max" },
	{ { { "--cgroup-parent", "/p", "--memory-max", "1k", "x" } }, false,
	  EINVAL, "--memory-max" },
	{ { { "--cgroup-parent", "/p", "--memory-max", "1X", "x" } }, false,
	  EINVAL, "--memory-max" },
	{ { { "--cgroup-parent", "/p", "--memory-max", "1.5G", "x" } }, false,
	  EINVAL, "--memory-max" },
	{ { { "--cgroup-parent", "/p", "--memory-max", "-1", "x" } }, false,
	  EINVAL, "--memory-max" },
	{ { { "--cgroup-parent", "/p", "--pids-max", "0", "x" } }, false,
	  EINVAL, "--pids-max" },
	{ { { "--cgroup-parent", "/p", "--pids-max", "2147483648", "x" } },
	  false, EINVAL, "--pids-max" },
	{ { { "--cgroup-parent", "/p", "--cpu-max", "0", "x" } }, false,
	  EINVAL, "--cpu-max" },
	{ { { "--cgroup-parent", "/p", "--cpu-max", "1.2345", "x" } }, false,
	  EINVAL, "--cpu-max" },
	{ { { "--cgroup-parent", "/p", "--cpu-max", "abc", "x" } }, false,
	  EINVAL, "--cpu-max" },
	/* --cap-keep: the unknown name itself is named */
	{ { { "--cap-keep", "bogus", "x" } }, false, EINVAL,
	  "--cap-keep `bogus`: unknown capability `bogus`" },
	{ { { "--cap-keep", "chown,bogus,kill", "x" } }, false, EINVAL,
	  "--cap-keep `chown,bogus,kill`: unknown capability `bogus`" },
	{ { { "--cap-keep", "", "x" } }, false, EINVAL,
	  "--cap-keep ``: unknown capability ``" },
	{ { { "--cap-keep=", "x" } }, false, EINVAL, "unknown capability ``" },
	{ { { "--cap-keep", "cap_", "x" } }, false, EINVAL,
	  "unknown capability `cap_`" },
	{ { { "--cap-keep", "12", "x" } }, false, EINVAL,
	  "unknown capability `12`" },
	{ { { "--cap-keep", "net-admin", "x" } }, false, EINVAL,
	  "unknown capability `net-admin`" },
	{ { { "--cap-keep", " chown", "x" } }, false, EINVAL,
	  "unknown capability ` chown`" },
	{ { { "--cap-keep", "all", "x" } }, false, EINVAL,
	  "unknown capability `all`" },
	{ { { "--cap-keep", "chown+kill", "x" } }, false, EINVAL,
	  "--cap-keep `chown+kill`: unknown capability `chown+kill`" },
	{ { { "--cap-keep", "kill,sys_admin123", "x" } }, false, EINVAL,
	  "unknown capability `sys_admin123`" },
	/* a list of empty names is as empty as "" */
	{ { { "--cap-keep", ",", "x" } }, false, EINVAL, "--cap-keep `,`" },
	{ { { "--cap-keep", "chown,,kill", "x" } }, false, EINVAL,
	  "--cap-keep `chown,,kill`" },
	{ { { "--cap-keep", "chown,", "x" } }, false, EINVAL,
	  "--cap-keep `chown,`" },
	{ { { "--cap-keep", "chown", "--cap-keep", "kill", "x" } }, false,
	  EINVAL, "--cap-keep given twice" },
	{ { { "--cap-keep" } }, false, EINVAL, "--cap-keep needs a value" },
	/* --allow-new-privs */
	{ { { "--allow-new-privs=1", "x" } }, false, EINVAL,
	  "--allow-new-privs takes no value" },
	{ { { "--allow-new-privs", "--allow-new-privs", "x" } }, false, EINVAL,
	  "--allow-new-privs given twice" },
	/* --allow-nested-userns: not with the strict profile */
	{ { { "--allow-nested-userns=1", "x" } }, false, EINVAL,
	  "--allow-nested-userns takes no value" },
	{ { { "--allow-nested-userns", "--seccomp-profile", "strict", "x" } },
	  false, EINVAL,
	  "--allow-nested-userns and --seccomp-profile strict: the strict "
	  "profile refuses every namespace (use the build profile)" },
	{ { { "--seccomp-profile=strict", "--allow-nested-userns", "x" } },
	  false, EINVAL, "--allow-nested-userns and --seccomp-profile strict" },
	/* --seccomp-profile */
	{ { { "--seccomp-profile", "bogus", "x" } }, false, EINVAL,
	  "--seccomp-profile `bogus`: expected build, install, strict or none" },
	{ { { "--seccomp-profile", "", "x" } }, false, EINVAL,
	  "--seccomp-profile ``: expected build, install, strict or none" },
	{ { { "--seccomp-profile", "Build", "x" } }, false, EINVAL,
	  "--seccomp-profile `Build`" },
	{ { { "--seccomp-profile", "strict ", "x" } }, false, EINVAL,
	  "--seccomp-profile `strict `" },
	{ { { "--seccomp-profile", "default", "x" } }, false, EINVAL,
	  "--seccomp-profile `default`" },
	{ { { "--seccomp-profile", "none", "--seccomp-profile", "none",
	      "x" } },
	  false, EINVAL, "--seccomp-profile given twice" },
	/* --seccomp-policy */
	{ { { "--seccomp-policy", "", "x" } }, false, EINVAL,
	  "--seccomp-policy: the value is empty" },
	{ { { "--seccomp-policy=", "x" } }, false, EINVAL,
	  "--seccomp-policy: the value is empty" },
	{ { { "--seccomp-policy", "/a", "--seccomp-policy", "/b", "x" } },
	  false, EINVAL, "--seccomp-policy given twice" },
	{ { { "--seccomp-policy" } }, false, EINVAL,
	  "--seccomp-policy needs a value (FILE)" },
	/* --seccomp-bpf: an fd number */
	{ { { "--seccomp-bpf", "-1", "x" } }, false, EINVAL,
	  "--seccomp-bpf `-1`: expected an fd number" },
	{ { { "--seccomp-bpf", "", "x" } }, false, EINVAL,
	  "--seccomp-bpf ``: expected an fd number" },
	{ { { "--seccomp-bpf", "x", "x" } }, false, EINVAL,
	  "--seccomp-bpf `x`: expected an fd number" },
	{ { { "--seccomp-bpf", "3x", "x" } }, false, EINVAL,
	  "--seccomp-bpf `3x`" },
	{ { { "--seccomp-bpf", "0x3", "x" } }, false, EINVAL,
	  "--seccomp-bpf `0x3`" },
	{ { { "--seccomp-bpf", " 3", "x" } }, false, EINVAL,
	  "--seccomp-bpf ` 3`" },
	{ { { "--seccomp-bpf", "+3", "x" } }, false, EINVAL,
	  "--seccomp-bpf `+3`" },
	{ { { "--seccomp-bpf", "2147483648", "x" } }, false, EINVAL,
	  "--seccomp-bpf `2147483648`" },
	{ { { "--seccomp-bpf=99999999999999999999", "x" } }, false, EINVAL,
	  "--seccomp-bpf `99999999999999999999`" },
	{ { { "--seccomp-bpf", "3", "--seccomp-bpf", "4", "x" } }, false,
	  EINVAL, "--seccomp-bpf given twice" },
	/* --landlock-write, --landlock-read: any path but an empty one */
	{ { { "--landlock-write", "", "x" } }, false, EINVAL,
	  "--landlock-write: the path is empty" },
	{ { { "--landlock-read=", "x" } }, false, EINVAL,
	  "--landlock-read: the path is empty" },
	{ { { "--landlock-read", "/a", "--landlock-read", "", "x" } }, false,
	  EINVAL, "--landlock-read: the path is empty" },
	{ { { "--landlock-write" } }, false, EINVAL,
	  "--landlock-write needs a value (PATH)" },
	/* --landlock-mode */
	{ { { "--landlock-mode", "strict", "x" } }, false, EINVAL,
	  "--landlock-mode needs --landlock-write or --landlock-read" },
	{ { { "--landlock-mode", "best-effort", "--bind", "/x", "x" } }, false,
	  EINVAL, "--landlock-mode needs --landlock-write or --landlock-read" },
	/* --sandbox-deny: not / under any spelling */
	{ { { "--sandbox-deny", "/", "x" } }, false, EINVAL,
	  "--sandbox-deny `/`: denying / leaves nothing to run" },
	{ { { "--sandbox-deny", "/a/..", "x" } }, false, EINVAL,
	  "--sandbox-deny `/a/..`: denying /" },
	{ { { "--landlock-write", "/w", "--landlock-mode", "Strict", "x" } },
	  false, EINVAL,
	  "--landlock-mode `Strict`: expected strict or best-effort" },
	{ { { "--landlock-write", "/w", "--landlock-mode", "", "x" } }, false,
	  EINVAL, "--landlock-mode ``: expected strict or best-effort" },
	{ { { "--landlock-read", "/r", "--landlock-mode", "best_effort",
	      "x" } },
	  false, EINVAL, "--landlock-mode `best_effort`" },
	{ { { "--landlock-read", "/r", "--landlock-mode", "drop", "x" } },
	  false, EINVAL, "--landlock-mode `drop`" },
	{ { { "--landlock-read", "/r", "--landlock-mode", "strict",
	      "--landlock-mode", "strict", "x" } },
	  false, EINVAL, "--landlock-mode given twice" },
	/* --rlimit: which part is bad */
	{ { { "--rlimit", "bogus=1", "x" } }, false, EINVAL,
	  "--rlimit `bogus=1`: bad NAME (NAME=SOFT[:HARD], a number or "
	  "unlimited)" },
	{ { { "--rlimit", "NOFILE=1", "x" } }, false, EINVAL,
	  "--rlimit `NOFILE=1`: bad NAME" },
	{ { { "--rlimit", "nofile", "x" } }, false, EINVAL,
	  "--rlimit `nofile`: bad form" },
	{ { { "--rlimit", "", "x" } }, false, EINVAL, "--rlimit ``: bad form" },
	{ { { "--rlimit", "=5", "x" } }, false, EINVAL,
	  "--rlimit `=5`: bad NAME" },
	{ { { "--rlimit", "nofile=", "x" } }, false, EINVAL,
	  "--rlimit `nofile=`: bad SOFT" },
	{ { { "--rlimit", "nofile=-1", "x" } }, false, EINVAL,
	  "--rlimit `nofile=-1`: bad SOFT" },
	{ { { "--rlimit", "nofile=1k", "x" } }, false, EINVAL,
	  "--rlimit `nofile=1k`: bad SOFT" },
	{ { { "--rlimit", "nofile=Unlimited", "x" } }, false, EINVAL,
	  "--rlimit `nofile=Unlimited`: bad SOFT" },
	{ { { "--rlimit", "nofile=18446744073709551615", "x" } }, false,
	  EINVAL, "--rlimit `nofile=18446744073709551615`: bad SOFT" },
	{ { { "--rlimit", "nofile=99999999999999999999", "x" } }, false,
	  EINVAL, "--rlimit `nofile=99999999999999999999`: bad SOFT" },
	{ { { "--rlimit", "nofile=1:", "x" } }, false, EINVAL,
	  "--rlimit `nofile=1:`: bad HARD" },
	{ { { "--rlimit", "nofile=1:2:3", "x" } }, false, EINVAL,
	  "--rlimit `nofile=1:2:3`: bad HARD" },
	{ { { "--rlimit", "core=0:infinite", "x" } }, false, EINVAL,
	  "--rlimit `core=0:infinite`: bad HARD" },
	{ { { "--rlimit", "nofile=4096:1024", "x" } }, false, EINVAL,
	  "--rlimit `nofile=4096:1024`: bad SOFT above HARD" },
	{ { { "--rlimit", "as=unlimited:1", "x" } }, false, EINVAL,
	  "--rlimit `as=unlimited:1`: bad SOFT above HARD" },
	{ { { "--rlimit", "as=infinity:18446744073709551614", "x" } }, false,
	  EINVAL, "bad SOFT above HARD" },
	/* each NAME once, whatever the values */
	{ { { "--rlimit", "nofile=1", "--rlimit", "nofile=1", "x" } }, false,
	  EINVAL, "--rlimit nofile given twice" },
	{ { { "--rlimit", "nofile=1", "--rlimit", "core=0", "--rlimit=nofile=2",
	      "x" } },
	  false, EINVAL, "--rlimit nofile given twice" },
	{ { { "--rlimit", "as=unlimited", "--rlimit", "as=1:2", "x" } }, false,
	  EINVAL, "--rlimit as given twice" },
	{ { { "--rlimit" } }, false, EINVAL,
	  "--rlimit needs a value (NAME=SOFT[:HARD])" },
};

START_TEST(test_parse_bad)
{
	const struct bad_case *c = &bad_cases[_i];
	_cleanup_spec_ struct spec spec;
	struct sh_err err = { 0 };
	enum cli_action action;
	int r;

	spec_init(&spec);
	r = parse_toks(&spec, &c->in, c->from_cli, &action, &err);
	if (r != -c->errnum) {
		_cleanup_strv_ struct strv in = { 0 };
		_cleanup_free_ char *s = NULL;

		for (size_t i = 0; i < toks_len(&c->in); i++)
			ck_assert_int_eq(strv_push(&in, c->in.t[i]), 0);
		s = join(&in);
		ck_abort_msg("bad case %d `%s`: returned %d (%s), expected -%s",
			     _i, s, r, r < 0 ? err.message : "no error",
			     err_name(c->errnum));
	}
	assert_spec_error(r, &err, c->errnum, c->needle);
}
END_TEST

/* At most 16 --loopback-addr: the 17th is refused, wherever it is. */
START_TEST(test_loopback_limit)
{
	_cleanup_strv_ struct strv in = { 0 };
	_cleanup_spec_ struct spec spec;
	struct sh_err err = { 0 };
	enum cli_action action;
	int r;

	ck_assert_int_eq(strv_push(&in, "--unshare-net"), 0);
	for (unsigned i = 0; i < 16; i++) {
		ck_assert_int_eq(strv_push(&in, "--loopback-addr"), 0);
		ck_assert_int_eq(strv_pushf(&in, i % 2 ? "10.0.0.%u/8"
						     : "fd00::%u/64",
					    i + 1),
				 0);
	}
	ck_assert_int_eq(strv_push(&in, "x"), 0);
	spec_init(&spec);
	r = spec_parse(&spec, in.v, in.n, false, &action, &err);
	ck_assert_msg(r == 0, "16 addresses: %d %s", r, err.message);
	ck_assert_uint_eq(spec.loopback_addrs.n, 16);
	assert_addr(&spec.loopback_addrs.v[15], "10.0.0.16/8");
	spec_clear(&spec);

	/* the 17th, before the command */
	strv_clear(&in);
	ck_assert_int_eq(strv_push(&in, "--unshare-net"), 0);
	for (unsigned i = 0; i < 17; i++)
		ck_assert_int_eq(strv_pushf(&in, "--loopback-addr=10.0.%u.1/24",
					    i),
				 0);
	ck_assert_int_eq(strv_push(&in, "x"), 0);
	r = spec_parse(&spec, in.v, in.n, false, &action, &err);
	assert_spec_error(r, &err, E2BIG, "--loopback-addr");
	ck_assert_msg(strstr(err.message, "16"),
		      "message `%s` does not give the limit", err.message);
}
END_TEST

/* ---- spec_parse_cli ---- */

struct cli_case {
	struct toks argv; /* without argv[0] */
	int errnum;       /* 0: success */
	enum cli_action action;
	const char *needle;
};

static const struct cli_case cli_cases[] = {
	{ { { "--help" } }, 0, CLI_HELP, NULL },
	{ { { "--version" } }, 0, CLI_VERSION, NULL },
	{ { { "--clearenv", "--", "true" } }, 0, CLI_RUN, NULL },
	{ { { "true" } }, 0, CLI_RUN, NULL },
	{ { { NULL } }, EINVAL, CLI_RUN, "no command" },
	{ { { "--spec-fd" } }, EINVAL, CLI_RUN, "--spec-fd" },
	{ { { "--spec-fd", "0", "x" } }, EINVAL, CLI_RUN, "--spec-fd" },
	{ { { "--spec-fd=0", "x" } }, EINVAL, CLI_RUN, "--spec-fd" },
	{ { { "--spec-fd", "x" } }, EINVAL, CLI_RUN, "--spec-fd" },
	{ { { "--spec-fd=" } }, EINVAL, CLI_RUN, "--spec-fd" },
	{ { { "--spec-fd", "-1" } }, EINVAL, CLI_RUN, "--spec-fd" },
	{ { { "--clearenv", "--spec-fd", "0" } }, EINVAL, CLI_RUN,
	  "--spec-fd" },
	{ { { "true", "--spec-fd", "0" } }, 0, CLI_RUN, NULL },
	{ { { "--spec-fd", "987654" } }, EBADF, CLI_RUN, "--spec-fd" },
	{ { { "--spec-fd=987654" } }, EBADF, CLI_RUN, "--spec-fd 987654" },
};

START_TEST(test_parse_cli)
{
	const struct cli_case *c = &cli_cases[_i];
	_cleanup_spec_ struct spec spec;
	struct sh_err err = { 0 };
	enum cli_action action = CLI_RUN;
	char *argv[MAX_TOKENS + 2];
	int argc = 0, r;

	argv[argc++] = "spawn-helper";
	for (size_t i = 0; i < toks_len(&c->argv); i++)
		argv[argc++] = (char *)c->argv.t[i];
	argv[argc] = NULL;
	spec_init(&spec);
	r = spec_parse_cli(&spec, argc, argv, &action, &err);
	if (c->errnum) {
		assert_spec_error(r, &err, c->errnum, c->needle);
		return;
	}
	ck_assert_msg(r == 0, "%d: %s", r, err.message);
	ck_assert_int_eq(action, c->action);
}
END_TEST

/* A pipe whose read end delivers len bytes of buf from a forked writer. */
static int spec_pipe(const char *buf, size_t len, pid_t *writer)
{
	int p[2];

	ck_assert_int_eq(pipe(p), 0);
	*writer = fork();
	ck_assert_int_ge(*writer, 0);
	if (*writer == 0) {
		signal(SIGPIPE, SIG_IGN);
		close(p[0]);
		while (len > 0) {
			ssize_t n = write(p[1], buf, len);

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				_exit(1);
			buf += n;
			len -= (size_t)n;
		}
		_exit(0);
	}
	close(p[1]);
	return p[0];
}

static void reap_writer(pid_t writer)
{
	int status;

	ck_assert_int_eq(waitpid(writer, &status, 0), writer);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "the spec writer failed: %#x", status);
}

/* Run spec_parse_cli on "--spec-fd N" (or "--spec-fd=N") reading buf. */
static int parse_spec_fd(struct spec *spec, const char *buf, size_t len,
			 bool inline_form, enum cli_action *action,
			 struct sh_err *err)
{
	char fdbuf[32], optbuf[48];
	char *argv[4];
	pid_t writer;
	int fd = spec_pipe(buf, len, &writer), r;

	snprintf(fdbuf, sizeof(fdbuf), "%d", fd);
	snprintf(optbuf, sizeof(optbuf), "--spec-fd=%d", fd);
	argv[0] = "spawn-helper";
	if (inline_form) {
		argv[1] = optbuf;
		argv[2] = NULL;
		r = spec_parse_cli(spec, 2, argv, action, err);
	} else {
		argv[1] = "--spec-fd";
		argv[2] = fdbuf;
		argv[3] = NULL;
		r = spec_parse_cli(spec, 3, argv, action, err);
	}
	/* spec_parse_cli may or may not close the fd; leave none behind */
	if (fcntl(fd, F_GETFD) >= 0)
		close(fd);
	reap_writer(writer);
	return r;
}

START_TEST(test_spec_fd_good)
{
	static const char buf[] = "--clearenv\0--fd\0001=1\0--setenv=A=\0"
				  "--\0make\0-j2\0";
	_cleanup_spec_ struct spec spec;
	struct sh_err err = { 0 };
	enum cli_action action = CLI_HELP;
	int r;

	spec_init(&spec);
	r = parse_spec_fd(&spec, buf, sizeof(buf) - 1, _i, &action, &err);
	ck_assert_msg(r == 0, "%d: %s", r, err.message);
	ck_assert_int_eq(action, CLI_RUN);
	ck_assert(spec.clearenv);
	ck_assert_uint_eq(spec.n_fds, 1);
	ck_assert_int_eq(spec.fds[0].child, 1);
	ck_assert_int_eq(spec.fds[0].parent, 1);
	ck_assert_uint_eq(spec.setenv.n, 1);
	ck_assert_str_eq(spec.setenv.v[0], "A=");
	assert_emit(&spec, "--fd|1=1|--clearenv|--setenv|A=|--|make|-j2");
}
END_TEST

struct spec_fd_bad_case {
	const char *buf;
	size_t len;
	int errnum;
	const char *needle;
};

#define BUF(s) s, sizeof(s) - 1

static const struct spec_fd_bad_case spec_fd_bad_cases[] = {
	{ "", 0, EINVAL, "empty" },
	{ BUF("--\0true"), EINVAL, "NUL" },
	{ BUF("true"), EINVAL, "NUL" },
	{ BUF("--help\0"), EINVAL, "--help" },
	{ BUF("--version\0--\0x\0"), EINVAL, "--version" },
	{ BUF("--spec-fd\0003\0"), EINVAL, "--spec-fd" },
	{ BUF("--clearenv\0"), EINVAL, "no command" },
	{ BUF("\0"), ENOENT, "empty" },
	{ BUF("--fd\0001\0x\0"), EINVAL, "--fd" },
};

START_TEST(test_spec_fd_bad)
{
	const struct spec_fd_bad_case *c = &spec_fd_bad_cases[_i];
	_cleanup_spec_ struct spec spec;
	struct sh_err err = { 0 };
	enum cli_action action;
	int r;

	spec_init(&spec);
	r = parse_spec_fd(&spec, c->buf, c->len, false, &action, &err);
	assert_spec_error(r, &err, c->errnum, c->needle);
}
END_TEST

/* "--setenv\0A=xxx...\0--\0true\0", exactly len bytes. */
static char *big_spec(size_t len)
{
	static const char head[] = "--setenv\0A=";
	static const char tail[] = "\0--\0true\0";
	size_t hl = sizeof(head) - 1, tl = sizeof(tail) - 1;
	char *buf = malloc(len);

	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_gt(len, hl + tl);
	memcpy(buf, head, hl);
	memset(buf + hl, 'x', len - hl - tl);
	memcpy(buf + len - tl, tail, tl);
	return buf;
}

START_TEST(test_spec_fd_max)
{
	size_t len = SPEC_MAX_BYTES;
	_cleanup_free_ char *buf = big_spec(len);
	_cleanup_spec_ struct spec spec;
	struct sh_err err = { 0 };
	enum cli_action action;
	int r;

	spec_init(&spec);
	r = parse_spec_fd(&spec, buf, len, false, &action, &err);
	ck_assert_msg(r == 0, "%d: %s", r, err.message);
	ck_assert_uint_eq(spec.setenv.n, 1);
	/* "--setenv\0" 9 bytes, "\0--\0true\0" 9 bytes */
	ck_assert_uint_eq(strlen(spec.setenv.v[0]), len - 9 - 9);
	ck_assert_uint_eq(spec.command.n, 1);
	ck_assert_str_eq(spec.command.v[0], "true");
}
END_TEST

START_TEST(test_spec_fd_oversize)
{
	size_t len = (size_t)SPEC_MAX_BYTES + 1;
	_cleanup_free_ char *buf = big_spec(len);
	_cleanup_spec_ struct spec spec;
	struct sh_err err = { 0 };
	enum cli_action action;
	int r;

	spec_init(&spec);
	r = parse_spec_fd(&spec, buf, len, _i, &action, &err);
	assert_spec_error(r, &err, E2BIG, "--spec-fd");
	ck_assert_msg(strstr(err.message, "16777216"),
		      "message `%s` does not give the limit", err.message);
	ck_assert_uint_eq(spec.command.n, 0);
}
END_TEST

START_TEST(test_spec_split)
{
	_cleanup_strv_ struct strv tokens = { 0 };
	struct sh_err err = { 0 };

	ck_assert_int_eq(spec_split("a\0\0b\0", 5, &tokens, &err), 0);
	ck_assert_uint_eq(tokens.n, 3);
	ck_assert_str_eq(tokens.v[0], "a");
	ck_assert_str_eq(tokens.v[1], "");
	ck_assert_str_eq(tokens.v[2], "b");
	ck_assert_ptr_null(tokens.v[3]);
	assert_spec_error(spec_split("a", 1, &tokens, &err), &err, EINVAL,
			  "NUL");
	assert_spec_error(spec_split("", 0, &tokens, &err), &err, EINVAL,
			  "empty");
}
END_TEST

/* A spec in a memfd (as libspawnhelper sends it): read in one buffer of
 * its size, which the spec keeps; the --setenv words point into it. */
START_TEST(test_spec_fd_memfd)
{
	static const char buf[] = "--setenv\0A=1\0--setenv=B=2\0--\0env\0";
	_cleanup_spec_ struct spec spec;
	_cleanup_strv_ struct strv tokens = { 0 };
	_cleanup_close_ int fd = memfd_create("spec", MFD_CLOEXEC);
	struct sh_err err = { 0 };
	enum cli_action action = CLI_HELP;

	spec_init(&spec);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, buf, sizeof(buf) - 1),
			 (ssize_t)sizeof(buf) - 1);
	ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
	ck_assert_int_eq(spec_read_fd(fd, &spec, &tokens, &err), 0);
	ck_assert_uint_eq(spec.buf_len, sizeof(buf) - 1);
	ck_assert_uint_eq(tokens.n, 5);
	ck_assert(tokens.borrowed);
	ck_assert_int_eq(spec_parse(&spec, tokens.v, tokens.n, false, &action,
				    &err),
			 0);
	ck_assert_uint_eq(spec.setenv.n, 2);
	ck_assert_str_eq(spec.setenv.v[0], "A=1");
	ck_assert_str_eq(spec.setenv.v[1], "B=2");
	ck_assert(spec_holds(&spec, spec.setenv.v[0]));
	ck_assert(spec_holds(&spec, spec.setenv.v[1]));
	ck_assert(!spec_holds(&spec, spec.command.v[0]));
}
END_TEST

/* A vector holds owned or borrowed strings, never both. */
START_TEST(test_strv_push_ref)
{
	_cleanup_strv_ struct strv owned = { 0 }, borrowed = { 0 };

	ck_assert_int_eq(strv_push(&owned, "a"), 0);
	ck_assert_int_eq(strv_push_ref(&owned, "b"), -EINVAL);
	ck_assert_int_eq(strv_push_ref(&borrowed, "a"), 0);
	ck_assert_int_eq(strv_push(&borrowed, "b"), -EINVAL);
	ck_assert_uint_eq(owned.n, 1);
	ck_assert_uint_eq(borrowed.n, 1);
	ck_assert_ptr_null(borrowed.v[1]);
	strv_clear(&borrowed);
	ck_assert_int_eq(strv_push(&borrowed, "c"), 0); /* cleared: owned */
}
END_TEST

/* ---- the status fd of a bad spec ---- */

struct scan_case {
	struct toks in;
	int fd;
};

static const struct scan_case scan_cases[] = {
	{ { { "--status-fd", "5", "x" } }, 5 },
	{ { { "--status-fd=7", "x" } }, 7 },
	{ { { "--bogus", "--status-fd", "5" } }, 5 },
	{ { { "--fd", "1", "--status-fd=12", "x" } }, 12 },
	{ { { "--status-fd", "x", "--status-fd", "3" } }, 3 },
	{ { { "--", "--status-fd", "5" } }, -1 },
	{ { { "--status-fd", "x" } }, -1 },
	{ { { "--status-fd", "-1" } }, -1 },
	{ { { "--status-fd" } }, -1 },
	{ { { "--status-fd=" } }, -1 },
	{ { { NULL } }, -1 },
	/* the command's own arguments name no status fd */
	{ { { "--clearenv", "prog", "--status-fd", "4" } }, -1 },
	/* nor does the value of another option */
	{ { { "--argv0", "--status-fd", "9", "prog" } }, -1 },
	{ { { "--hostname", "--status-fd", "9", "prog" } }, -1 },
	{ { { "--bind=/a", "--join-ns", "--status-fd", "--status-fd=4" } },
	  4 },
	{ { { "--seccomp-bpf", "--status-fd", "9", "prog" } }, -1 },
	{ { { "--landlock-read", "--status-fd", "--status-fd", "3" } }, 3 },
	/* flags take no value */
	{ { { "--unshare-net", "--status-fd", "8", "x" } }, 8 },
	{ { { "--allow-new-privs", "--status-fd", "8", "x" } }, 8 },
};

START_TEST(test_scan_status_fd)
{
	const struct scan_case *c = &scan_cases[_i];

	int fd = spec_scan_status_fd((char *const *)c->in.t, toks_len(&c->in));

	ck_assert_msg(fd == c->fd, "scan case %d (`%s` ...): %d, expected %d",
		      _i, c->in.t[0] ? c->in.t[0] : "", fd, c->fd);
}
END_TEST

static const struct scan_case bad_status_cases[] = {
	{ { { "--status-fd", "5", "--bogus", "x" } }, 5 },
	{ { { "--bogus", "--status-fd", "5", "x" } }, 5 },
	{ { { "--status-fd=6", "--fd", "1", "x" } }, 6 },
	{ { { "--fd", "1", "--status-fd=6", "x" } }, 6 },
	{ { { "--umask", "8", "--status-fd", "2", "x" } }, 2 },
	{ { { "--setenv", "A=1", "--status-fd", "3", "--unsetenv", "A",
	      "x" } },
	  3 },
	{ { { "--status-fd", "3", "--clearenv" } }, 3 },
	{ { { "--help", "--status-fd", "4", "x" } }, 4 },
	/* isolation errors are spec errors too */
	{ { { "--timeout", "0", "--status-fd", "3", "x" } }, 3 },
	{ { { "--status-fd=5", "--hostname", "h", "x" } }, 5 },
	{ { { "--unshare-net", "--join-ns", "net=/n", "--status-fd", "6",
	      "x" } },
	  6 },
	{ { { "--bind", "/d", "--tmpfs", "/d", "--status-fd", "7", "x" } }, 7 },
	{ { { "--kill-after", "1", "--status-fd", "1", "x" } }, 1 },
	/* and hardening ones */
	{ { { "--rlimit", "bogus=1", "--status-fd", "4", "x" } }, 4 },
	{ { { "--status-fd=5", "--landlock-mode", "strict", "x" } }, 5 },
	{ { { "--rlimit", "core=0", "--status-fd", "6", "--rlimit", "core=1",
	      "x" } },
	  6 },
	{ { { "--cap-keep", "bogus", "--status-fd", "7", "x" } }, 7 },
};

START_TEST(test_bad_spec_status_fd)
{
	const struct scan_case *c = &bad_status_cases[_i];
	_cleanup_spec_ struct spec spec;
	struct sh_err err = { 0 };
	enum cli_action action;

	spec_init(&spec);
	ck_assert_int_eq(parse_toks(&spec, &c->in, false, &action, &err),
			 -EINVAL);
	ck_assert_str_eq(err.stage, "spec");
	ck_assert_msg(spec.status_fd == c->fd,
		      "status fd %d after `%s`, expected %d", spec.status_fd,
		      err.message, c->fd);
}
END_TEST

START_TEST(test_bad_spec_fd_status_fd)
{
	static const char buf[] = "--bogus\0--status-fd\0007\0x\0";
	_cleanup_spec_ struct spec spec;
	struct sh_err err = { 0 };
	enum cli_action action;
	int r;

	spec_init(&spec);
	r = parse_spec_fd(&spec, buf, sizeof(buf) - 1, false, &action, &err);
	assert_spec_error(r, &err, EINVAL, "--bogus");
	ck_assert_int_eq(spec.status_fd, 7);
}
END_TEST

/* ---- round trips ---- */

/* Canonical sample values of each option taking one (as spec_emit
 * writes them), so parse -> emit gives the input back. */
struct sample {
	const char *name;
	const char *values[3];
};

static const struct sample samples[] = {
	{ "status-fd", { "0", "17" } },
	{ "fd", { "0=0", "5=1", "2=2147483647" } },
	{ "caller-fd", { "3=0", "4=200", "5=2147483647" } },
	{ "chdir", { "/", "a dir=x" } },
	{ "setenv", { "A=1", "B=", "C===" } },
	{ "unsetenv", { "A", "B-C", "D.E" } },
	{ "argv0", { "", "--fd" } },
	{ "umask", { "0000", "0777", "0022" } },
	{ "uid", { "0", "nobody" } },
	{ "gid", { "65534", "-" } },
	{ "groups", { "", "1,2,3" } },
	{ "parent-pid", { "1", "4242", "2147483647" } },
	/* three types: --join-ns takes each once */
	{ "join-ns", { "net=/proc/1/ns/net", "user=/run/ns/user", "time=a b" } },
	{ "ns-fallback", { "strict", "drop" } },
	{ "uid-map", { "0 1000 1", "0 1000 1,1 100000 65536" } },
	{ "gid-map", { "0 100 1", " 5 6 7 ,8 9 10" } },
	{ "hostname", { "localhost", "a", HOST64 } },
	{ "loopback-addr", { "10.0.0.1/8", "fd00::1/8", "192.168.1.2/32" } },
	/* three destinations: one mount on each */
	{ "bind", { "/src:/dst", "/same", "rel src:/a:b" } },
	{ "ro-bind", { "/usr:/usr", "/etc", "/x:/y" } },
	{ "tmpfs", { "/tmp", "/run/a b", "/var/tmp" } },
	{ "writable", { "/var/tmp/portage", "/w", "/a b" } },
	{ "chroot", { "/srv/root", "rel" } },
	{ "cgroup", { "/sys/fs/cgroup/a", "/b c" } },
	{ "cgroup-parent", { "/sys/fs/cgroup/user.slice", "/p" } },
	{ "memory-max", { "1", "8388607", "1073741824" } },
	{ "pids-max", { "1", "2147483647" } },
	{ "cpu-max", { "0.001", "1.500", "64.000" } },
	{ "timeout", { "0.001", "1.500", "100000000.000" } },
	{ "kill-after", { "0.000", "5.000", "0.250" } },
	{ "cap-keep", { "chown", "CAP_NET_ADMIN,cap_sys_chroot", "Kill" } },
	{ "seccomp-profile", { "build", "strict", "none" } },
	{ "seccomp-policy", { "/etc/spawn.policy", "rel policy", "-" } },
	{ "seccomp-bpf", { "0", "3", "2147483647" } },
	{ "selinux-exec-context",
	  { "system_u:system_r:portage_sandbox_t:s0", "a b", "-" } },
	{ "landlock-write", { "/tmp", "/var/tmp/a b", "rel" } },
	{ "landlock-read", { "/", "/usr", "--x" } },
	{ "landlock-mode", { "strict", "best-effort" } },
	{ "sandbox-write", { "/var/tmp/portage", "/a b", "/" } },
	{ "sandbox-predict", { "/var/cache", "/a b", "/" } },
	{ "sandbox-deny", { "/etc/shadow", "/a b", "/-" } },
	{ "sandbox-read", { "/", "/usr", "/a b" } },
	{ "sandbox-log", { "/var/log/sandbox.log", "/a b" } },
	{ "sandbox-report", { "yes", "no" } },
	/* three names: --rlimit takes each once */
	{ "rlimit", { "nofile=1024:4096", "core=0", "as=unlimited:infinity" } },
};

/* What an option needs beside it to be valid, as canonical tokens that
 * spec_emit writes before it. */
struct prereq {
	const char *name;
	const char *tokens[3];
};

static const struct prereq prereqs[] = {
	{ "parent-pid", { "--die-with-parent" } },
	{ "hostname", { "--unshare-uts" } },
	{ "loopback-addr", { "--unshare-net" } },
	{ "kill-after", { "--timeout", "1.000" } },
	{ "timeout-exit-124", { "--timeout", "1.000" } },
	{ "memory-max", { "--cgroup-parent", "/cg" } },
	{ "pids-max", { "--cgroup-parent", "/cg" } },
	{ "cpu-max", { "--cgroup-parent", "/cg" } },
	{ "landlock-mode", { "--landlock-write", "/w" } },
};

static void push_prereq(struct strv *sv, const char *name)
{
	for (size_t i = 0; i < sizeof(prereqs) / sizeof(prereqs[0]); i++) {
		if (strcmp(prereqs[i].name, name) != 0)
			continue;
		for (size_t j = 0; j < 3 && prereqs[i].tokens[j]; j++)
			ck_assert_int_eq(strv_push(sv, prereqs[i].tokens[j]),
					 0);
	}
}

/* Without its prerequisite the option is refused. */
START_TEST(test_prereq_needed)
{
	const struct prereq *p = &prereqs[_i];
	const struct sample *s = NULL;
	_cleanup_spec_ struct spec spec;
	_cleanup_free_ char *token = NULL;
	struct sh_err err = { 0 };
	enum cli_action action;
	char *in[2];
	int r;

	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++)
		if (strcmp(samples[i].name, p->name) == 0)
			s = &samples[i];
	/* a flag alone, an option with its first sample */
	ck_assert(s || !(option_find(p->name)->flags & OPT_VALUE));
	ck_assert_int_ge(s ? asprintf(&token, "--%s=%s", p->name, s->values[0])
			   : asprintf(&token, "--%s", p->name),
			 0);
	in[0] = token;
	in[1] = "x";
	spec_init(&spec);
	r = spec_parse(&spec, in, 2, false, &action, &err);
	assert_spec_error(r, &err, EINVAL, p->name);
	ck_assert_ptr_nonnull(strstr(err.message, " need"));
}
END_TEST

static const struct sample *find_sample(const char *name)
{
	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++)
		if (strcmp(samples[i].name, name) == 0)
			return &samples[i];
	return NULL;
}

/* parse -> emit -> parse -> emit; the two emits must be equal. */
static void assert_fixed_point(const struct strv *in, bool from_cli,
			       struct strv *first)
{
	_cleanup_spec_ struct spec a, b;
	_cleanup_strv_ struct strv second = { 0 };
	_cleanup_free_ char *s1 = NULL, *s2 = NULL, *sin = NULL;
	struct sh_err err = { 0 };
	enum cli_action action;
	int r;

	spec_init(&a);
	spec_init(&b);
	sin = join(in);
	r = spec_parse(&a, in->v, in->n, from_cli, &action, &err);
	ck_assert_msg(r == 0, "`%s`: %s", sin, err.message);
	ck_assert_int_eq(action, CLI_RUN);
	ck_assert_int_eq(spec_emit(&a, first), 0);
	r = spec_parse(&b, first->v, first->n, false, &action, &err);
	s1 = join(first);
	ck_assert_msg(r == 0, "`%s` -> `%s`: %s", sin, s1, err.message);
	ck_assert_int_eq(spec_emit(&b, &second), 0);
	s2 = join(&second);
	ck_assert_msg(strv_equal(first, &second), "`%s` -> `%s` -> `%s`", sin,
		      s1, s2);
}

START_TEST(test_roundtrip_option)
{
	const struct option_def *opt = &option_table[_i];
	const struct sample *s = find_sample(opt->name);
	_cleanup_strv_ struct strv in = { 0 }, out = { 0 };
	_cleanup_free_ char *sin = NULL, *sout = NULL;
	size_t uses;

	if (opt->flags & OPT_CLI_ONLY)
		return; /* refused inside a spec: see test_parse_bad */
	push_prereq(&in, opt->name);
	if (opt->flags & OPT_VALUE) {
		ck_assert_msg(s != NULL, "no round-trip sample for --%s",
			      opt->name);
		uses = (opt->flags & OPT_REPEAT) ? 3 : 1;
		for (size_t i = 0; i < uses && s->values[i]; i++) {
			ck_assert_int_eq(strv_pushf(&in, "--%s", opt->name), 0);
			ck_assert_int_eq(strv_push(&in, s->values[i]), 0);
		}
	} else {
		ck_assert_int_eq(strv_pushf(&in, "--%s", opt->name), 0);
	}
	ck_assert_int_eq(strv_push(&in, "--"), 0);
	ck_assert_int_eq(strv_push(&in, "cmd"), 0);
	ck_assert_int_eq(strv_push(&in, "--arg"), 0);
	assert_fixed_point(&in, false, &out);
	sin = join(&in);
	sout = join(&out);
	ck_assert_str_eq(sout, sin);
}
END_TEST

/* Same for every single sample value in the --name=VALUE form, one per
 * spec, so a non-repeatable option sees all its samples. */
START_TEST(test_roundtrip_samples)
{
	const struct sample *s = &samples[_i];
	const struct option_def *opt = option_find(s->name);

	ck_assert_msg(opt != NULL, "sample for unknown --%s", s->name);
	for (size_t i = 0; i < 3 && s->values[i]; i++) {
		_cleanup_strv_ struct strv in = { 0 }, out = { 0 },
					   pre = { 0 };
		_cleanup_free_ char *sout = NULL, *expected = NULL;
		_cleanup_free_ char *spre = NULL;

		push_prereq(&pre, opt->name);
		spre = join(&pre);
		for (size_t j = 0; j < pre.n; j++)
			ck_assert_int_eq(strv_push(&in, pre.v[j]), 0);
		ck_assert_int_eq(
			strv_pushf(&in, "--%s=%s", opt->name, s->values[i]), 0);
		ck_assert_int_eq(strv_push(&in, "x"), 0);
		assert_fixed_point(&in, true, &out);
		sout = join(&out);
		ck_assert_int_ge(asprintf(&expected, "%s%s--%s|%s|--|x", spre,
					  pre.n ? "|" : "", opt->name,
					  s->values[i]),
				 0);
		ck_assert_str_eq(sout, expected);
	}
}
END_TEST

/* The fuzz: random valid specs built from the table, with a model of
 * what the parser must make of them. */

static uint64_t rng_state;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

static uint32_t rnd(uint32_t n)
{
	return rng() % n;
}

static char *random_string(bool nonempty)
{
	static const char *const pieces[] = {
		"a", "Z", "0", "9", "=", "-", "--", " ", "/", ",", ".", "\t",
		"\xc3\xa9", "'", "\"", "$", "x=y", "--fd",
	};
	size_t n = rnd(6) + (nonempty ? 1 : 0);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	for (size_t i = 0; i < n; i++)
		fputs(pieces[rnd(sizeof(pieces) / sizeof(pieces[0]))], f);
	fclose(f);
	return buf;
}

/* An environment name, unique within one spec (the index makes it so). */
static char *random_env_name(unsigned index)
{
	static const char *const stems[] = { "PATH", "a", "X-Y", "_", "é",
					     "A B" };
	char *s;

	ck_assert_int_ge(asprintf(&s, "%s%u", stems[rnd(6)], index), 0);
	return s;
}

struct fuzz_item {
	const struct option_def *opt;
	char *value; /* NULL for a flag */
};

/* The items and, for the options whose validity depends on others, what
 * the spec holds so far. */
struct fuzz_spec {
	struct fuzz_item items[128];
	size_t n;
	unsigned env_index;
	bool used_child[64];
	bool die_with_parent, map_root, timeout, mounts;
	bool cgroup, cgroup_parent;
	bool nested_userns; /* --allow-nested-userns: no strict profile */
	bool new_session, share_session, share_pids; /* each refuses the
							 other of its pair */
	unsigned unshare; /* --unshare-TYPE */
	bool unshare_all;
	unsigned joined; /* --join-ns types */
	unsigned mount_index;
	unsigned addr_index;
	bool landlock_paths; /* a --landlock-write, --landlock-read or
				--sandbox-read */
	unsigned rlimits;    /* the resources given, 1u << k */
};

/* The capability names and numbers of capabilities(7), apart from
 * libcap's. */
static const struct {
	const char *name;
	unsigned bit;
} cap_model[] = {
	{ "chown", 0 },	     { "dac_override", 1 }, { "fowner", 3 },
	{ "fsetid", 4 },     { "kill", 5 },	    { "setgid", 6 },
	{ "setuid", 7 },     { "setpcap", 8 },	    { "net_bind_service", 10 },
	{ "net_admin", 12 }, { "net_raw", 13 },	    { "sys_chroot", 18 },
	{ "sys_ptrace", 19 }, { "sys_admin", 21 },  { "mknod", 27 },
	{ "audit_write", 29 }, { "setfcap", 31 },   { "syslog", 34 },
};

#define N_CAP_MODEL (sizeof(cap_model) / sizeof(cap_model[0]))

/* The resources of setrlimit(2), named by src's table (rlimit_name);
 * test_rlimit_parse checks each name against its resource. */
#define N_RLIMIT_MODEL RLIM_NLIMITS
#define ALL_RLIMITS ((1u << N_RLIMIT_MODEL) - 1)

/* The names of --unshare-TYPE and --join-ns TYPE=, by enum ns_kind. */
static const char *const ns_names[NS_COUNT] = {
	[NS_USER] = "user", [NS_MOUNT] = "mount",   [NS_NET] = "net",
	[NS_IPC] = "ipc",   [NS_UTS] = "uts",       [NS_PID] = "pid",
	[NS_CGROUP] = "cgroup", [NS_TIME] = "time",
};

/* The namespaces the spec makes, as documented: --unshare-all's six, pid
 * and ipc imply mount, net implies uts, any mount option and
 * --cgroup-parent imply mount. */
static unsigned fuzz_namespaces(const struct fuzz_spec *fs)
{
	unsigned mask = fs->unshare | (fs->unshare_all ? ALL_NS : 0);

	if (fs->mounts || fs->cgroup_parent)
		mask |= NS_BIT(NS_MOUNT);
	if (mask & (NS_BIT(NS_PID) | NS_BIT(NS_IPC)))
		mask |= NS_BIT(NS_MOUNT);
	if (mask & NS_BIT(NS_NET))
		mask |= NS_BIT(NS_UTS);
	return mask;
}

static bool is_mount_option(const char *name)
{
	return strcmp(name, "bind") == 0 || strcmp(name, "ro-bind") == 0 ||
	       strcmp(name, "tmpfs") == 0 || strcmp(name, "chroot") == 0;
}

static bool is_cgroup_limit(const char *name)
{
	return strcmp(name, "memory-max") == 0 ||
	       strcmp(name, "pids-max") == 0 || strcmp(name, "cpu-max") == 0;
}

/* The --join-ns types still free: not joined and not made new. */
static unsigned fuzz_joinable(const struct fuzz_spec *fs)
{
	return (NS_BIT(NS_COUNT) - 1) & ~fs->joined & ~fuzz_namespaces(fs);
}

/* Whether opt may be added now without a conflict. */
static bool fuzz_allowed(const struct fuzz_spec *fs,
			 const struct option_def *opt)
{
	const char *name = opt->name;

	if (strcmp(name, "parent-pid") == 0)
		return fs->die_with_parent;
	if (strcmp(name, "uid-map") == 0 || strcmp(name, "gid-map") == 0)
		return !fs->map_root;
	if (strcmp(name, "hostname") == 0)
		return fuzz_namespaces(fs) & NS_BIT(NS_UTS);
	if (strcmp(name, "loopback-addr") == 0)
		return fuzz_namespaces(fs) & NS_BIT(NS_NET);
	if (strcmp(name, "join-ns") == 0)
		return fuzz_joinable(fs) != 0;
	if (is_mount_option(name))
		return !(fs->joined & NS_BIT(NS_MOUNT));
	if (strcmp(name, "kill-after") == 0 ||
	    strcmp(name, "timeout-exit-124") == 0)
		return fs->timeout;
	if (strcmp(name, "unsafe-share-session") == 0)
		return !fs->new_session;
	if (strcmp(name, "new-session") == 0)
		return !fs->share_session;
	if (strcmp(name, "unsafe-share-pids") == 0)
		return !(fuzz_namespaces(fs) & NS_BIT(NS_PID));
	if (strcmp(name, "unshare-pid") == 0 || strcmp(name, "unshare-all") == 0)
		return !fs->share_pids;
	if (strcmp(name, "cgroup") == 0)
		return !fs->cgroup_parent;
	if (strcmp(name, "cgroup-parent") == 0)
		return !fs->cgroup && !(fs->joined & NS_BIT(NS_MOUNT));
	if (is_cgroup_limit(name))
		return fs->cgroup_parent;
	if (strcmp(name, "landlock-mode") == 0)
		return fs->landlock_paths;
	/* only beside a --landlock-* path (which the table puts first), so
	 * that specs without any, which test_fuzz_conflicts breaks with a
	 * lone --landlock-mode, stay as frequent */
	if (strcmp(name, "sandbox-read") == 0)
		return fs->landlock_paths;
	if (strcmp(name, "rlimit") == 0)
		return fs->rlimits != ALL_RLIMITS;
	return true;
}

/* Record what an added flag or value changes. */
static void fuzz_note(struct fuzz_spec *fs, const struct option_def *opt)
{
	const char *name = opt->name;

	if (strcmp(name, "die-with-parent") == 0)
		fs->die_with_parent = true;
	else if (strcmp(name, "map-root") == 0)
		fs->map_root = true;
	else if (strcmp(name, "timeout") == 0)
		fs->timeout = true;
	else if (strcmp(name, "unshare-all") == 0)
		fs->unshare_all = true;
	else if (strcmp(name, "cgroup") == 0)
		fs->cgroup = true;
	else if (strcmp(name, "cgroup-parent") == 0)
		fs->cgroup_parent = true;
	else if (strcmp(name, "allow-nested-userns") == 0)
		fs->nested_userns = true;
	else if (strcmp(name, "new-session") == 0)
		fs->new_session = true;
	else if (strcmp(name, "unsafe-share-session") == 0)
		fs->share_session = true;
	else if (strcmp(name, "unsafe-share-pids") == 0)
		fs->share_pids = true;
	else if (is_mount_option(name))
		fs->mounts = true;
	else if ((strncmp(name, "landlock-", 9) == 0 &&
		  strcmp(name, "landlock-mode") != 0) ||
		 strcmp(name, "sandbox-read") == 0)
		fs->landlock_paths = true;
	else if (strncmp(name, "unshare-", 8) == 0) {
		for (int k = 0; k < NS_COUNT; k++)
			if (strcmp(name + 8, ns_names[k]) == 0)
				fs->unshare |= NS_BIT(k);
	}
}

static void fuzz_add(struct fuzz_spec *fs, const struct option_def *opt,
		     char *value)
{
	ck_assert_uint_lt(fs->n, sizeof(fs->items) / sizeof(fs->items[0]));
	fs->items[fs->n++] = (struct fuzz_item){ opt, value };
	fuzz_note(fs, opt);
}

/* Seconds as --timeout takes them: "7", "007", "0.5", "1.25", "3.000";
 * more than 0 unless zero_ok. */
static char *random_seconds(bool zero_ok)
{
	static const unsigned scale[] = { 1, 10, 100, 1000 };
	unsigned whole = rnd(4) ? rnd(100) : rng() % 100000001u;
	unsigned digits = rnd(4), frac = rnd(scale[digits]);
	char *s;
	int r;

	if (!zero_ok && whole == 0 && frac == 0)
		whole = 1 + rnd(5);
	if (digits == 0)
		r = asprintf(&s, "%s%u", rnd(4) ? "" : "0", whole);
	else
		r = asprintf(&s, "%u.%0*u", whole, (int)digits, frac);
	ck_assert_int_ge(r, 0);
	return s;
}

/* Milliseconds of such a value, computed apart from the parser. */
static long long seconds_ms(const char *v)
{
	const char *dot = strchr(v, '.');
	long long ms = strtoll(v, NULL, 10) * 1000;
	long long unit = 100;

	if (dot)
		for (const char *p = dot + 1; *p; p++, unit /= 10)
			ms += (*p - '0') * unit;
	return ms;
}

/* A start of a range of count ids that ends by 4294967295: small, large
 * or the last there is room for. */
static uint32_t random_id_start(uint32_t count)
{
	uint32_t room = UINT32_MAX - count; /* the largest start */
	uint32_t small = rnd(70000);

	switch (rnd(4)) {
	case 0:
		return (uint32_t)(rng() % ((uint64_t)room + 1));
	case 1:
		return room;
	default:
		return small <= room ? small : room;
	}
}

/* "INNER OUTER COUNT" records, with the blanks id_map_parse allows, each
 * range within 0..4294967295. */
static char *random_id_map(void)
{
	static const char *const blanks[] = { "", " ", "  ", "\t" };
	static const char *const seps[] = { " ", "  ", "\t", " \t " };
	size_t records = rnd(3) + 1;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	for (size_t i = 0; i < records; i++) {
		uint32_t count = rnd(3) ? 1 + rnd(65536)
					: (rnd(8) ? rng() | 1 : UINT32_MAX);
		uint32_t inner = random_id_start(count);
		uint32_t outer = random_id_start(count);

		fprintf(f, "%s%s%u%s%u%s%u%s", i ? "," : "",
			blanks[rnd(4)], inner, seps[rnd(4)], outer,
			seps[rnd(4)], count, blanks[rnd(4)]);
	}
	fclose(f);
	return buf;
}

/* An address lo does not have, unique within one spec: the index is in
 * each form at a place that tells the forms apart (the second byte of an
 * IPv4 address is never 0, so no 127.0.0.x but 127.0.0.2 and up). */
static char *random_addr(struct fuzz_spec *fs)
{
	unsigned index = fs->addr_index++;
	char *s;
	int r;

	ck_assert_uint_lt(index, 250);
	switch (rnd(5)) {
	case 0:
		r = asprintf(&s, "%u.%u.%u.%u/%u", rnd(256), 1 + index,
			     rnd(256), rnd(256), 1 + rnd(32));
		break;
	case 1:
		r = asprintf(&s, "fd00:%x::%x/%u", index, rnd(65536),
			     1 + rnd(128));
		break;
	case 2:
		r = asprintf(&s, "2001:db8:%x::%x:%x/%u", index, rnd(65536),
			     rnd(65536), 1 + rnd(128));
		break;
	case 3:
		r = asprintf(&s, "::%x/%u", 2 + index, 1 + rnd(128));
		break;
	default:
		r = asprintf(&s, "127.0.0.%u/%u", 2 + index, 1 + rnd(32));
		break;
	}
	ck_assert_int_ge(r, 0);
	return s;
}

/* An absolute mount destination, unique within one spec (the index
 * ends at a '/', a ':' or the end, so no other index is its prefix). */
static char *random_dest(struct fuzz_spec *fs, bool colon_ok)
{
	static const char *const tails[] = { "", "/a", "/b c", "/\xc3\xa9",
					     "/x=y", "/.", "/-", ":c" };
	unsigned n = colon_ok ? 8 : 7;
	char *s;

	ck_assert_int_ge(asprintf(&s, "/%sm%u%s", rnd(2) ? "" : "d/",
				  fs->mount_index++, tails[rnd(n)]),
			 0);
	return s;
}

/* 1 to 3 capability names from the model, each spelt in any case, with
 * or without "cap_"; names may repeat. */
static char *random_caps(void)
{
	static const char *const prefixes[] = { "", "", "cap_", "CAP_",
						"Cap_" };
	size_t n = 1 + rnd(3);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	for (size_t i = 0; i < n; i++) {
		const char *name = cap_model[rnd(N_CAP_MODEL)].name;
		bool upper = rnd(3) == 0;

		fprintf(f, "%s%s", i ? "," : "", prefixes[rnd(5)]);
		for (const char *p = name; *p; p++)
			fputc(upper && *p >= 'a' && *p <= 'z' ? *p - 'a' + 'A'
							      : *p,
			      f);
	}
	fclose(f);
	return buf;
}

/* An rlimit value: a number (maybe with leading zeros), "unlimited" or
 * "infinity". */
static char *random_rlim(uint64_t *value)
{
	static const char *const words[] = { "unlimited", "infinity" };
	char *s;

	if (rnd(4) == 0) {
		*value = RLIM_INFINITY;
		return strdup(words[rnd(2)]);
	}
	switch (rnd(3)) {
	case 0:
		*value = rnd(2);
		break;
	case 1:
		*value = rnd(1 << 20);
		break;
	default:
		*value = ((uint64_t)rng() << 32 | rng()) % RLIM_INFINITY;
		break;
	}
	ck_assert_int_ge(asprintf(&s, "%s%llu", rnd(5) ? "" : "00",
				  (unsigned long long)*value),
			 0);
	return s;
}

/* NAME=SOFT[:HARD] for the resource k, SOFT not above HARD. */
static char *random_rlimit_of(unsigned k)
{
	_cleanup_free_ char *a = NULL, *b = NULL;
	uint64_t va, vb;
	char *s;
	int r;

	a = random_rlim(&va);
	if (rnd(2))
		return (r = asprintf(&s, "%s=%s", rlimit_name((int)k), a)) < 0
			       ? NULL
			       : s;
	b = random_rlim(&vb);
	r = asprintf(&s, "%s=%s:%s", rlimit_name((int)k),
		     va <= vb ? a : b, va <= vb ? b : a);
	return r < 0 ? NULL : s;
}

/* Such a value with a NAME not given yet. */
static char *random_rlimit(struct fuzz_spec *fs)
{
	unsigned k;

	do
		k = rnd(N_RLIMIT_MODEL);
	while (fs->rlimits & (1u << k));
	fs->rlimits |= 1u << k;
	return random_rlimit_of(k);
}

/* A random valid value for opt; NULL for a flag. */
static char *random_value(struct fuzz_spec *fs, const struct option_def *opt)
{
	const char *name = opt->name;
	char *s = NULL;
	int r = 0;

	if (!(opt->flags & OPT_VALUE))
		return NULL;
	if (strcmp(name, "fd") == 0) {
		unsigned child;

		do
			child = rnd(64);
		while (fs->used_child[child]);
		fs->used_child[child] = true;
		r = asprintf(&s, "%s%u=%u", rnd(4) ? "" : "0", child,
			     rnd(4) ? rnd(10) : rng() % 2147483647u);
	} else if (strcmp(name, "caller-fd") == 0) {
		r = asprintf(&s, "%u=%u", rnd(64), rng() % 2147483647u);
	} else if (strcmp(name, "status-fd") == 0) {
		r = asprintf(&s, rnd(3) ? "%u" : "00%u", rnd(1000));
	} else if (strcmp(name, "umask") == 0) {
		static const char *const zeros[] = { "", "0", "000" };
		unsigned mask = rnd(01000);

		if (rnd(4))
			r = asprintf(&s, "%s%o", zeros[rnd(3)], mask);
		else
			r = asprintf(&s, "%04o", mask);
	} else if (strcmp(name, "setenv") == 0) {
		_cleanup_free_ char *n = random_env_name(fs->env_index++);
		_cleanup_free_ char *v = random_string(false);

		r = asprintf(&s, "%s=%s", n, v);
	} else if (strcmp(name, "unsetenv") == 0) {
		s = random_env_name(fs->env_index++);
	} else if (strcmp(name, "chdir") == 0 || strcmp(name, "uid") == 0 ||
		   strcmp(name, "gid") == 0 || strcmp(name, "chroot") == 0) {
		s = random_string(true);
	} else if (strcmp(name, "argv0") == 0 || strcmp(name, "groups") == 0) {
		s = random_string(false);
	} else if (strcmp(name, "parent-pid") == 0) {
		r = asprintf(&s, "%s%u", rnd(4) ? "" : "0",
			     rnd(2) ? 1 + rnd(100000)
				    : 1 + rng() % 2147483647u);
	} else if (strcmp(name, "join-ns") == 0) {
		unsigned free_types = fuzz_joinable(fs);
		_cleanup_free_ char *path = random_string(true);
		int k;

		do
			k = (int)rnd(NS_COUNT);
		while (!(free_types & NS_BIT(k)));
		fs->joined |= NS_BIT(k);
		r = asprintf(&s, "%s=%s%s", ns_names[k],
			     rnd(2) ? "/proc/1/ns/" : "", path);
	} else if (strcmp(name, "ns-fallback") == 0) {
		s = strdup(rnd(2) ? "strict" : "drop");
	} else if (strcmp(name, "uid-map") == 0 ||
		   strcmp(name, "gid-map") == 0) {
		s = random_id_map();
	} else if (strcmp(name, "hostname") == 0) {
		static const char host_chars[] =
			"abcxyzABCXYZ0189.-_";
		size_t len = 1 + rnd(rnd(8) ? 16 : 64);

		s = calloc(1, len + 1);
		for (size_t k = 0; s && k < len; k++)
			s[k] = host_chars[rnd(sizeof(host_chars) - 1)];
	} else if (strcmp(name, "loopback-addr") == 0) {
		s = random_addr(fs);
	} else if (strcmp(name, "bind") == 0 || strcmp(name, "ro-bind") == 0) {
		bool same = rnd(3) == 0;
		_cleanup_free_ char *dest = random_dest(fs, !same);
		_cleanup_free_ char *src = random_string(true);

		/* random_string makes no ':', so the first one splits */
		if (same)
			s = strdup(dest);
		else
			r = asprintf(&s, "%s:%s", src, dest);
	} else if (strcmp(name, "tmpfs") == 0 ||
		   strcmp(name, "writable") == 0) {
		s = random_dest(fs, true);
	} else if (strcmp(name, "timeout") == 0) {
		s = random_seconds(false);
	} else if (strcmp(name, "kill-after") == 0) {
		s = random_seconds(true);
	} else if (strcmp(name, "cgroup") == 0 ||
		   strcmp(name, "cgroup-parent") == 0) {
		_cleanup_free_ char *path = random_string(false);

		r = asprintf(&s, "/%s", path);
	} else if (strcmp(name, "memory-max") == 0) {
		static const char *const units[] = { "", "K", "M", "G", "T" };

		r = asprintf(&s, "%u%s", 1 + (rnd(2) ? rnd(4096) : rnd(8388607)),
			     units[rnd(5)]);
	} else if (strcmp(name, "pids-max") == 0) {
		r = asprintf(&s, "%s%u", rnd(4) ? "" : "0",
			     rnd(2) ? 1 + rnd(4096) : 1 + rng() % 2147483647u);
	} else if (strcmp(name, "cpu-max") == 0) {
		s = random_seconds(false);
	} else if (strcmp(name, "cap-keep") == 0) {
		s = random_caps();
	} else if (strcmp(name, "seccomp-profile") == 0) {
		static const char *const profiles[] = { "build", "none",
							"strict" };

		/* strict refuses --allow-nested-userns */
		s = strdup(profiles[rnd(fs->nested_userns ? 2 : 3)]);
	} else if (strcmp(name, "seccomp-policy") == 0 ||
		   strcmp(name, "selinux-exec-context") == 0 ||
		   strcmp(name, "landlock-write") == 0 ||
		   strcmp(name, "landlock-read") == 0) {
		s = random_string(true);
	} else if (strcmp(name, "seccomp-bpf") == 0) {
		r = asprintf(&s, "%s%u", rnd(4) ? "" : "0",
			     rnd(2) ? rnd(100) : rng() % 2147483648u);
	} else if (strcmp(name, "landlock-mode") == 0) {
		s = strdup(rnd(2) ? "strict" : "best-effort");
	} else if (strncmp(name, "sandbox-", 8) == 0 &&
		   strcmp(name, "sandbox-report") != 0) {
		/* absolute, never / (which --sandbox-deny refuses) */
		s = random_dest(fs, true);
	} else if (strcmp(name, "sandbox-report") == 0) {
		s = strdup(rnd(2) ? "yes" : "no");
	} else if (strcmp(name, "rlimit") == 0) {
		s = random_rlimit(fs);
	} else {
		ck_abort_msg("no random values for --%s: teach the fuzz",
			     name);
	}
	ck_assert_int_ge(r, 0);
	ck_assert_ptr_nonnull(s);
	return s;
}

/* A random valid spec: the flags first (others depend on them), then the
 * options with values in table order, each only when it is valid with
 * what is there already; then shuffled. */
static void fuzz_build(struct fuzz_spec *fs)
{
	memset(fs, 0, sizeof(*fs));
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < option_count; i++) {
			const struct option_def *opt = &option_table[i];
			unsigned times;

			if ((opt->flags & OPT_CLI_ONLY) ||
			    !(opt->flags & OPT_VALUE) != (pass == 0))
				continue;
			times = (opt->flags & OPT_REPEAT) ? rnd(4) : rnd(2);
			for (unsigned k = 0; k < times; k++) {
				if (!fuzz_allowed(fs, opt))
					break;
				fuzz_add(fs, opt, random_value(fs, opt));
			}
		}
	}
	for (size_t i = fs->n; i > 1; i--) {
		size_t j = rnd((uint32_t)i);
		struct fuzz_item t = fs->items[i - 1];

		fs->items[i - 1] = fs->items[j];
		fs->items[j] = t;
	}
}

static void fuzz_free(struct fuzz_spec *fs)
{
	for (size_t i = 0; i < fs->n; i++)
		free(fs->items[i].value);
}

static void fuzz_tokens(const struct fuzz_spec *fs, struct strv *tokens,
			struct strv *command)
{
	size_t words = rnd(3) + 1;

	for (size_t i = 0; i < fs->n; i++) {
		const struct fuzz_item *it = &fs->items[i];

		if (!it->value) {
			ck_assert_int_eq(strv_pushf(tokens, "--%s",
						    it->opt->name),
					 0);
		} else if (rnd(2)) {
			ck_assert_int_eq(strv_pushf(tokens, "--%s=%s",
						    it->opt->name, it->value),
					 0);
		} else {
			ck_assert_int_eq(strv_pushf(tokens, "--%s",
						    it->opt->name),
					 0);
			ck_assert_int_eq(strv_push(tokens, it->value), 0);
		}
	}
	for (size_t i = 0; i < words; i++) {
		_cleanup_free_ char *w = random_string(i == 0);

		ck_assert_int_eq(strv_push(command, w), 0);
	}
	/* a command that begins with '-' needs "--" before it */
	if (command->v[0][0] == '-' || rnd(2))
		ck_assert_int_eq(strv_push(tokens, "--"), 0);
	for (size_t i = 0; i < command->n; i++)
		ck_assert_int_eq(strv_push(tokens, command->v[i]), 0);
}

static long parse_long(const char *s, int base)
{
	char *end;
	long v = strtol(s, &end, base);

	ck_assert_msg(*s && !*end, "bad number `%s`", s);
	return v;
}

/* The next entry of a list field must be v. */
static void check_next(const struct strv *list, size_t *n, const char *v,
		       const char *name)
{
	ck_assert_msg(*n < list->n, "--%s `%s` is missing", name, v);
	ck_assert_str_eq(list->v[(*n)++], v);
}

/* A --bind or --ro-bind value, kept as given and split at its colon. */
static void check_next_bind(const struct bind_list *list, size_t *n,
			    const char *v, const char *name)
{
	const char *colon = strchr(v, ':');
	const struct bind_spec *b;

	ck_assert_msg(*n < list->n, "--%s `%s` is missing", name, v);
	b = &list->v[(*n)++];
	ck_assert_str_eq(b->text, v);
	ck_assert_str_eq(b->dest, colon ? colon + 1 : v);
	ck_assert_uint_eq(strlen(b->source),
			  colon ? (size_t)(colon - v) : strlen(v));
}

/* An id map as the spec holds it: the records of v, one a line. */
static void check_id_map(const struct id_map_spec *map, const char *v)
{
	struct id_map expected;

	ck_assert_ptr_nonnull(map);
	ck_assert_str_eq(map->text, v);
	ck_assert_int_eq(id_map_parse(v, &expected), 0);
	ck_assert_str_eq(map->map.text, expected.text);
}

/* The mask of a --cap-keep list the fuzz made, from the model. */
static uint64_t model_caps(const char *list)
{
	uint64_t mask = 0;

	while (*list) {
		size_t len = strcspn(list, ","), i;
		char name[64];

		ck_assert_uint_lt(len, sizeof(name));
		for (i = 0; i < len; i++)
			name[i] = (char)(list[i] >= 'A' && list[i] <= 'Z'
						 ? list[i] - 'A' + 'a'
						 : list[i]);
		name[len] = '\0';
		for (i = 0; i < N_CAP_MODEL; i++)
			if (strcmp(cap_model[i].name, name) == 0 ||
			    (strncmp(name, "cap_", 4) == 0 &&
			     strcmp(cap_model[i].name, name + 4) == 0))
				break;
		ck_assert_msg(i < N_CAP_MODEL, "no capability `%s`", name);
		mask |= UINT64_C(1) << cap_model[i].bit;
		list += len + (list[len] == ',');
	}
	return mask;
}

static uint64_t model_rlim(const char *s, size_t len)
{
	if ((len == 9 && strncmp(s, "unlimited", 9) == 0) ||
	    (len == 8 && strncmp(s, "infinity", 8) == 0))
		return RLIM_INFINITY;
	return strtoull(s, NULL, 10);
}

/* What the launch makes of a --rlimit value the fuzz made. */
static void check_rlimit(const char *v)
{
	size_t name_len = strcspn(v, "=");
	const char *soft = v + name_len + 1, *colon = strchr(soft, ':');
	struct rlimit_setting setting;
	const char *bad = NULL;
	int resource = -1;

	for (int i = 0; i < N_RLIMIT_MODEL; i++)
		if (strlen(rlimit_name(i)) == name_len &&
		    strncmp(rlimit_name(i), v, name_len) == 0)
			resource = i;
	ck_assert_int_ge(resource, 0);
	ck_assert_msg(rlimit_parse(v, &setting, &bad) == 0, "`%s`: bad %s", v,
		      bad);
	ck_assert_int_eq(setting.resource, resource);
	ck_assert_uint_eq(setting.value.rlim_cur,
			  model_rlim(soft, colon ? (size_t)(colon - soft)
						 : strlen(soft)));
	ck_assert_uint_eq(setting.value.rlim_max,
			  colon ? model_rlim(colon + 1, strlen(colon + 1))
				: setting.value.rlim_cur);
}

/* The --sandbox-* items: true when name is one of them (its value
 * checked, the path lists counted in n[4]). */
static bool fuzz_check_sandbox(const struct spec *spec, const char *name,
			       const char *v, size_t n[4])
{
	const struct strv *lists[] = { &spec->sandbox_write,
				       &spec->sandbox_predict,
				       &spec->sandbox_deny,
				       &spec->sandbox_read };
	const char *names[] = { "sandbox-write", "sandbox-predict",
				"sandbox-deny", "sandbox-read" };

	for (size_t k = 0; k < 4; k++)
		if (strcmp(name, names[k]) == 0) {
			check_next(lists[k], &n[k], v, name);
			return true;
		}
	if (strcmp(name, "sandbox-log") == 0)
		ck_assert_pstr_eq(spec->sandbox_log, v);
	else if (strcmp(name, "sandbox-grants") == 0)
		ck_assert(spec->sandbox_grants);
	else if (strcmp(name, "sandbox-report") == 0)
		ck_assert_int_eq(spec->sandbox_report,
				 strcmp(v, "yes") == 0 ? SANDBOX_REPORT_YES
						       : SANDBOX_REPORT_NO);
	else
		return false;
	return true;
}

/* The parsed spec must hold exactly what the items say. */
static void fuzz_check(const struct fuzz_spec *fs, const struct strv *command,
		       const struct spec *spec)
{
	size_t n_fds = 0, n_set = 0, n_unset = 0, n_join = 0, n_addr = 0;
	size_t n_bind = 0, n_ro = 0, n_tmpfs = 0, n_writable = 0;
	size_t n_lw = 0, n_lr = 0, n_rlim = 0, n_alias = 0;
	size_t n_sandbox[4] = { 0 };
	unsigned unshare = 0;
	bool seen[128] = { false };

	ck_assert(strv_equal(&spec->command, command));
	ck_assert_uint_le(option_count, 128);
	for (size_t i = 0; i < fs->n; i++) {
		const struct fuzz_item *it = &fs->items[i];
		const char *name = it->opt->name, *v = it->value;

		seen[it->opt - option_table] = true;
		if (strcmp(name, "fd") == 0) {
			char *eq;
			long child = strtol(v, &eq, 10);

			ck_assert_int_eq(*eq, '=');
			ck_assert_uint_lt(n_fds, spec->n_fds);
			ck_assert_int_eq(spec->fds[n_fds].child, child);
			ck_assert_int_eq(spec->fds[n_fds].parent,
					 parse_long(eq + 1, 10));
			n_fds++;
		} else if (strcmp(name, "caller-fd") == 0) {
			char *eq;
			long helper = strtol(v, &eq, 10);

			ck_assert_uint_lt(n_alias, spec->n_caller_fds);
			ck_assert_int_eq(spec->caller_fds[n_alias].helper,
					 helper);
			ck_assert_int_eq(spec->caller_fds[n_alias].caller,
					 parse_long(eq + 1, 10));
			n_alias++;
		} else if (strcmp(name, "status-fd") == 0) {
			ck_assert_int_eq(spec->status_fd, parse_long(v, 10));
		} else if (strcmp(name, "umask") == 0) {
			ck_assert(spec->has_umask);
			ck_assert_int_eq(spec->umask, parse_long(v, 8));
		} else if (strcmp(name, "setenv") == 0) {
			check_next(&spec->setenv, &n_set, v, name);
		} else if (strcmp(name, "unsetenv") == 0) {
			check_next(&spec->unsetenv, &n_unset, v, name);
		} else if (strcmp(name, "chdir") == 0) {
			ck_assert_pstr_eq(spec->chdir, v);
		} else if (strcmp(name, "uid") == 0) {
			ck_assert_pstr_eq(spec->uid, v);
		} else if (strcmp(name, "gid") == 0) {
			ck_assert_pstr_eq(spec->gid, v);
		} else if (strcmp(name, "groups") == 0) {
			ck_assert_pstr_eq(spec->groups, v);
		} else if (strcmp(name, "argv0") == 0) {
			ck_assert_pstr_eq(spec->argv0, v);
		} else if (strcmp(name, "clearenv") == 0) {
			ck_assert(spec->clearenv);
		} else if (strcmp(name, "new-session") == 0) {
			ck_assert(spec->new_session);
		} else if (strcmp(name, "die-with-parent") == 0) {
			ck_assert(spec->die_with_parent);
		} else if (strcmp(name, "timeout-exit-124") == 0) {
			ck_assert(spec->timeout_exit_124);
		} else if (strcmp(name, "report-e2big") == 0) {
			ck_assert(spec->report_e2big);
		} else if (strcmp(name, "parent-pid") == 0) {
			ck_assert_int_eq(spec->parent_pid, parse_long(v, 10));
		} else if (strcmp(name, "unshare-all") == 0) {
			ck_assert(spec->unshare_all);
		} else if (strncmp(name, "unshare-", 8) == 0) {
			int kind = -1;

			for (int k = 0; k < NS_COUNT; k++)
				if (strcmp(name + 8, ns_names[k]) == 0)
					kind = k;
			ck_assert_msg(kind >= 0, "no namespace for --%s",
				      name);
			unshare |= NS_BIT(kind);
		} else if (strcmp(name, "join-ns") == 0) {
			ck_assert_msg(n_join < spec->join_ns.n,
				      "--%s `%s` is missing", name, v);
			ck_assert_str_eq(spec->join_ns.v[n_join++].text, v);
		} else if (strcmp(name, "ns-fallback") == 0) {
			ck_assert_int_eq(spec->ns_fallback,
					 strcmp(v, "drop") == 0
						 ? NS_FALLBACK_DROP
						 : NS_FALLBACK_STRICT);
		} else if (strcmp(name, "map-root") == 0) {
			ck_assert(spec->map_root);
		} else if (strcmp(name, "uid-map") == 0) {
			check_id_map(spec->uid_map, v);
		} else if (strcmp(name, "gid-map") == 0) {
			check_id_map(spec->gid_map, v);
		} else if (strcmp(name, "hostname") == 0) {
			ck_assert_pstr_eq(spec->hostname, v);
		} else if (strcmp(name, "loopback-addr") == 0) {
			ck_assert_msg(n_addr < spec->loopback_addrs.n,
				      "--%s `%s` is missing", name, v);
			assert_addr(&spec->loopback_addrs.v[n_addr++], v);
		} else if (strcmp(name, "bind") == 0) {
			check_next_bind(&spec->binds, &n_bind, v, name);
		} else if (strcmp(name, "ro-bind") == 0) {
			check_next_bind(&spec->ro_binds, &n_ro, v, name);
		} else if (strcmp(name, "tmpfs") == 0) {
			check_next(&spec->tmpfs, &n_tmpfs, v, name);
		} else if (strcmp(name, "writable") == 0) {
			check_next(&spec->writable, &n_writable, v, name);
		} else if (strcmp(name, "unsafe-writable-host") == 0) {
			ck_assert(spec->unsafe_writable_host);
		} else if (strcmp(name, "unsafe-share-pids") == 0) {
			ck_assert(spec->unsafe_share_pids);
		} else if (strcmp(name, "unsafe-share-session") == 0) {
			ck_assert(spec->unsafe_share_session);
		} else if (strcmp(name, "unsafe-host-ipc") == 0) {
			ck_assert(spec->unsafe_host_ipc);
		} else if (strcmp(name, "chroot") == 0) {
			ck_assert_pstr_eq(spec->chroot, v);
		} else if (strcmp(name, "timeout") == 0) {
			ck_assert_int_eq(spec->timeout_ms, seconds_ms(v));
		} else if (strcmp(name, "kill-after") == 0) {
			ck_assert_int_eq(spec->kill_after_ms, seconds_ms(v));
		} else if (strcmp(name, "cgroup") == 0) {
			ck_assert_pstr_eq(spec->cgroup, v);
		} else if (strcmp(name, "cgroup-parent") == 0) {
			ck_assert_pstr_eq(spec->cgroup_parent, v);
		} else if (strcmp(name, "memory-max") == 0) {
			char *unit;
			long long bytes = strtoll(v, &unit, 10);

			if (*unit)
				bytes <<= 10 * (strchr("KMGT", *unit) -
						"KMGT" + 1);
			ck_assert_int_eq(spec->memory_max, bytes);
		} else if (strcmp(name, "pids-max") == 0) {
			ck_assert_int_eq(spec->pids_max, parse_long(v, 10));
		} else if (strcmp(name, "cpu-max") == 0) {
			ck_assert_int_eq(spec->cpu_max_milli, seconds_ms(v));
		} else if (strcmp(name, "cap-keep") == 0) {
			ck_assert_pstr_eq(spec->cap_keep_text, v);
			ck_assert_uint_eq(spec->cap_keep, model_caps(v));
		} else if (strcmp(name, "allow-new-privs") == 0) {
			ck_assert(spec->allow_new_privs);
		} else if (strcmp(name, "allow-nested-userns") == 0) {
			ck_assert(spec->allow_nested_userns);
		} else if (strcmp(name, "seccomp-profile") == 0) {
			ck_assert_int_eq(spec->seccomp_profile,
					 choice_index(seccomp_profile_choices,
						      v));
		} else if (strcmp(name, "seccomp-policy") == 0) {
			ck_assert_pstr_eq(spec->seccomp_policy, v);
		} else if (strcmp(name, "selinux-exec-context") == 0) {
			ck_assert_pstr_eq(spec->selinux_exec_context, v);
		} else if (strcmp(name, "seccomp-bpf") == 0) {
			ck_assert_int_eq(spec->seccomp_bpf_fd,
					 parse_long(v, 10));
		} else if (strcmp(name, "landlock-write") == 0) {
			check_next(&spec->landlock_write, &n_lw, v, name);
		} else if (strcmp(name, "landlock-read") == 0) {
			check_next(&spec->landlock_read, &n_lr, v, name);
		} else if (strcmp(name, "landlock-mode") == 0) {
			ck_assert_int_eq(spec->landlock_mode,
					 strcmp(v, "strict") == 0
						 ? LANDLOCK_MODE_STRICT
						 : LANDLOCK_MODE_BEST_EFFORT);
		} else if (strcmp(name, "rlimit") == 0) {
			ck_assert_msg(n_rlim < spec->rlimits.n,
				      "--%s `%s` is missing", name, v);
			ck_assert_str_eq(spec->rlimits.v[n_rlim++].text, v);
			check_rlimit(v);
		} else if (!fuzz_check_sandbox(spec, name, v, n_sandbox)) {
			ck_abort_msg("no model for --%s: teach the fuzz", name);
		}
	}
	ck_assert_uint_eq(spec->sandbox_write.n, n_sandbox[0]);
	ck_assert_uint_eq(spec->sandbox_predict.n, n_sandbox[1]);
	ck_assert_uint_eq(spec->sandbox_deny.n, n_sandbox[2]);
	ck_assert_uint_eq(spec->sandbox_read.n, n_sandbox[3]);
	ck_assert_uint_eq(spec->n_fds, n_fds);
	ck_assert_uint_eq(spec->n_caller_fds, n_alias);
	ck_assert_uint_eq(spec->setenv.n, n_set);
	ck_assert_uint_eq(spec->unsetenv.n, n_unset);
	ck_assert_uint_eq(spec->join_ns.n, n_join);
	ck_assert_uint_eq(spec->loopback_addrs.n, n_addr);
	ck_assert_uint_eq(spec->binds.n, n_bind);
	ck_assert_uint_eq(spec->ro_binds.n, n_ro);
	ck_assert_uint_eq(spec->tmpfs.n, n_tmpfs);
	ck_assert_uint_eq(spec->writable.n, n_writable);
	ck_assert_uint_eq(spec->landlock_write.n, n_lw);
	ck_assert_uint_eq(spec->landlock_read.n, n_lr);
	ck_assert_uint_eq(spec->rlimits.n, n_rlim);
	ck_assert_uint_eq(spec->unshare, unshare);
	ck_assert_uint_eq(spec->unshare, fs->unshare);
	ck_assert_int_eq(spec->unshare_all, fs->unshare_all);
	ck_assert_uint_eq(spec_namespaces(spec), fuzz_namespaces(fs));
	/* what no item asked keeps its default */
	if (!seen[option_find("status-fd") - option_table])
		ck_assert_int_eq(spec->status_fd, -1);
	if (!seen[option_find("umask") - option_table])
		ck_assert(!spec->has_umask);
	if (!seen[option_find("die-with-parent") - option_table])
		ck_assert(!spec->die_with_parent);
	if (!seen[option_find("report-e2big") - option_table])
		ck_assert(!spec->report_e2big);
	if (!seen[option_find("parent-pid") - option_table])
		ck_assert_int_eq(spec->parent_pid, 0);
	if (!seen[option_find("ns-fallback") - option_table])
		ck_assert_int_eq(spec->ns_fallback, NS_FALLBACK_UNSET);
	if (!seen[option_find("map-root") - option_table])
		ck_assert(!spec->map_root);
	if (!seen[option_find("uid-map") - option_table])
		ck_assert_ptr_null(spec->uid_map);
	if (!seen[option_find("gid-map") - option_table])
		ck_assert_ptr_null(spec->gid_map);
	if (!seen[option_find("hostname") - option_table])
		ck_assert_ptr_null(spec->hostname);
	if (!seen[option_find("chroot") - option_table])
		ck_assert_ptr_null(spec->chroot);
	if (!seen[option_find("timeout") - option_table])
		ck_assert_int_eq(spec->timeout_ms, 0);
	if (!seen[option_find("kill-after") - option_table])
		ck_assert_int_eq(spec->kill_after_ms, -1);
	if (!seen[option_find("cgroup") - option_table])
		ck_assert_ptr_null(spec->cgroup);
	if (!seen[option_find("cgroup-parent") - option_table])
		ck_assert_ptr_null(spec->cgroup_parent);
	if (!seen[option_find("memory-max") - option_table])
		ck_assert_int_eq(spec->memory_max, 0);
	if (!seen[option_find("pids-max") - option_table])
		ck_assert_int_eq(spec->pids_max, 0);
	if (!seen[option_find("cpu-max") - option_table])
		ck_assert_int_eq(spec->cpu_max_milli, 0);
	if (!seen[option_find("cap-keep") - option_table])
		ck_assert_ptr_null(spec->cap_keep_text);
	if (!seen[option_find("allow-new-privs") - option_table])
		ck_assert(!spec->allow_new_privs);
	if (!seen[option_find("allow-nested-userns") - option_table])
		ck_assert(!spec->allow_nested_userns);
	if (!seen[option_find("unsafe-writable-host") - option_table])
		ck_assert(!spec->unsafe_writable_host);
	if (!seen[option_find("unsafe-share-pids") - option_table])
		ck_assert(!spec->unsafe_share_pids);
	if (!seen[option_find("unsafe-host-ipc") - option_table])
		ck_assert(!spec->unsafe_host_ipc);
	if (!seen[option_find("unsafe-share-session") - option_table])
		ck_assert(!spec->unsafe_share_session);
	if (!seen[option_find("seccomp-profile") - option_table])
		ck_assert_int_eq(spec->seccomp_profile,
				 SECCOMP_PROFILE_UNSET);
	if (!seen[option_find("seccomp-policy") - option_table])
		ck_assert_ptr_null(spec->seccomp_policy);
	if (!seen[option_find("selinux-exec-context") - option_table])
		ck_assert_ptr_null(spec->selinux_exec_context);
	if (!seen[option_find("seccomp-bpf") - option_table])
		ck_assert_int_eq(spec->seccomp_bpf_fd, -1);
	if (!seen[option_find("landlock-mode") - option_table])
		ck_assert_int_eq(spec->landlock_mode, LANDLOCK_MODE_UNSET);
}

START_TEST(test_roundtrip_fuzz)
{
	rng_state = 0x9e3779b97f4a7c15ull + (uint64_t)_i;
	for (int iter = 0; iter < 1000; iter++) {
		_cleanup_strv_ struct strv tokens = { 0 }, command = { 0 },
					   first = { 0 };
		_cleanup_spec_ struct spec again;
		struct sh_err err = { 0 };
		enum cli_action action;
		struct fuzz_spec fs;

		fuzz_build(&fs);
		fuzz_tokens(&fs, &tokens, &command);
		assert_fixed_point(&tokens, rnd(2), &first);
		spec_init(&again);
		ck_assert_int_eq(spec_parse(&again, tokens.v, tokens.n, false,
					    &action, &err),
				 0);
		fuzz_check(&fs, &command, &again);
		spec_clear(&again);
		ck_assert_int_eq(spec_parse(&again, first.v, first.n, false,
					    &action, &err),
				 0);
		fuzz_check(&fs, &command, &again);
		fuzz_free(&fs);
	}
}
END_TEST

/* Whether the spec has an item of the option called name. */
static const struct fuzz_item *fuzz_find(const struct fuzz_spec *fs,
					 const char *name)
{
	for (size_t i = 0; i < fs->n; i++)
		if (strcmp(fs->items[i].opt->name, name) == 0)
			return &fs->items[i];
	return NULL;
}

/* The destination of a --bind, --ro-bind or --tmpfs item. */
static const char *fuzz_dest(const struct fuzz_item *it)
{
	const char *colon = strchr(it->value, ':');

	if (strcmp(it->opt->name, "tmpfs") == 0 || !colon)
		return it->value;
	return colon + 1;
}

/* Where the parser looks at mounts: --bind, then --ro-bind, then --tmpfs. */
static int mount_rank(const struct fuzz_item *it)
{
	if (strcmp(it->opt->name, "bind") == 0)
		return 0;
	return strcmp(it->opt->name, "ro-bind") == 0 ? 1 : 2;
}

/* The path as the kernel sees it too, with slashes doubled here and there
 * and maybe one more at the end. */
static char *more_slashes(const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	for (const char *p = path; *p; p++) {
		fputc(*p, f);
		if (*p == '/' && rnd(3) == 0)
			fputs(rnd(2) ? "/" : "//", f);
	}
	if (rnd(2))
		fputc('/', f);
	fclose(f);
	return buf;
}

/* Add to a valid spec one item that conflicts with it, at a random place,
 * and say what the error must name. The errno of the error, or 0 when no
 * conflict applies. */
static int fuzz_break(struct fuzz_spec *fs, char *needle, size_t size)
{
	unsigned mask = fuzz_namespaces(fs), made = mask & ~fs->joined;
	const char *name = NULL;
	char *value = NULL;
	int choices[17], n = 0, r = 0, errnum = EINVAL;
	size_t mount = fs->n, addr = fs->n, twin = 0, j, once = 0, n_once = 0;
	bool has_twin = false; /* twin: the item the new one repeats */

	for (size_t i = 0; i < fs->n && mount == fs->n; i++)
		if (is_mount_option(fs->items[i].opt->name) &&
		    strcmp(fs->items[i].opt->name, "chroot") != 0)
			mount = i;
	for (size_t i = 0; i < fs->n && addr == fs->n; i++)
		if (strcmp(fs->items[i].opt->name, "loopback-addr") == 0)
			addr = i;
	/* a once-only hardening option there is, picked at random */
	for (size_t i = 0; i < fs->n; i++)
		if (fs->items[i].opt->group == GROUP_HARDENING &&
		    !(fs->items[i].opt->flags & OPT_REPEAT) &&
		    rnd((uint32_t)++n_once) == 0)
			once = i;
	if (!fs->die_with_parent)
		choices[n++] = 0;
	if (!fs->map_root &&
	    (fuzz_find(fs, "uid-map") || fuzz_find(fs, "gid-map")))
		choices[n++] = 1;
	if (fs->map_root)
		choices[n++] = 2;
	if (made)
		choices[n++] = 3;
	if (!fs->timeout)
		choices[n++] = 4;
	if (!fs->timeout)
		choices[n++] = 16;
	if (!(mask & NS_BIT(NS_UTS)))
		choices[n++] = 5;
	if (!(mask & NS_BIT(NS_NET)))
		choices[n++] = 6;
	if (mount < fs->n)
		choices[n++] = 7;
	if (fs->joined & NS_BIT(NS_MOUNT))
		choices[n++] = 8;
	if (fs->cgroup != fs->cgroup_parent)
		choices[n++] = 9;
	if (!fs->cgroup_parent)
		choices[n++] = 10;
	if (mask & NS_BIT(NS_NET))
		choices[n++] = 11;
	if (addr < fs->n)
		choices[n++] = 12;
	if (!fs->landlock_paths)
		choices[n++] = 13;
	if (fs->rlimits)
		choices[n++] = 14;
	if (n_once)
		choices[n++] = 15;
	if (n == 0)
		return 0;
	switch (choices[rnd((uint32_t)n)]) {
	case 0:
		name = "parent-pid";
		value = strdup("1");
		snprintf(needle, size, "--parent-pid needs --die-with-parent");
		break;
	case 1:
		name = "map-root";
		snprintf(needle, size, "--map-root and --uid-map/--gid-map");
		break;
	case 2:
		name = rnd(2) ? "uid-map" : "gid-map";
		value = random_id_map();
		snprintf(needle, size, "--map-root and --uid-map/--gid-map");
		break;
	case 3: {
		int k;

		do
			k = (int)rnd(NS_COUNT);
		while (!(made & NS_BIT(k)));
		name = "join-ns";
		r = asprintf(&value, "%s=/n", ns_names[k]);
		if (k == NS_MOUNT && fs->cgroup_parent)
			snprintf(needle, size,
				 "--cgroup-parent and --join-ns mount");
		else
			snprintf(needle, size,
				 "--join-ns %s and a new %s namespace",
				 ns_names[k], ns_names[k]);
		break;
	}
	case 4:
		name = "kill-after";
		value = random_seconds(true);
		snprintf(needle, size, "--kill-after needs --timeout");
		break;
	case 5:
		name = "hostname";
		value = strdup("h");
		snprintf(needle, size, "--hostname needs --unshare-uts");
		break;
	case 6:
		name = "loopback-addr";
		value = random_addr(fs);
		snprintf(needle, size, "--loopback-addr needs --unshare-net");
		break;
	case 7: {
		/* the same destination, spelt with other slashes maybe */
		_cleanup_free_ char *dest =
			more_slashes(fuzz_dest(&fs->items[mount]));

		name = rnd(2) ? "tmpfs" : "ro-bind";
		r = asprintf(&value, "%s%s", name[0] == 't' ? "" : "/s:",
			     dest);
		twin = mount;
		has_twin = true;
		break;
	}
	case 8:
		name = "tmpfs";
		value = random_dest(fs, true);
		snprintf(needle, size, "--join-ns mount and a new mount");
		break;
	case 9:
		name = fs->cgroup ? "cgroup-parent" : "cgroup";
		value = strdup("/other");
		snprintf(needle, size, "--cgroup and --cgroup-parent");
		break;
	case 10: {
		static const char *const limits[] = { "memory-max", "pids-max",
						      "cpu-max" };

		name = limits[rnd(3)];
		value = strdup("1");
		snprintf(needle, size,
			 "--memory-max, --pids-max or --cpu-max needs "
			 "--cgroup-parent");
		break;
	}
	case 11: {
		static const char *const lo[] = { "127.0.0.1", "::1",
						  "0:0:0:0:0:0:0:1" };
		unsigned k = rnd(3);

		name = "loopback-addr";
		r = asprintf(&value, "%s/%u", lo[k], 1 + rnd(k ? 128 : 32));
		if (r >= 0)
			snprintf(needle, size,
				 "--loopback-addr %s: lo has it already",
				 value);
		errnum = EEXIST;
		break;
	}
	case 13:
		name = "landlock-mode";
		value = strdup(rnd(2) ? "strict" : "best-effort");
		snprintf(needle, size,
			 "--landlock-mode needs --landlock-write or "
			 "--landlock-read");
		break;
	case 14: {
		/* a NAME given already, any value */
		unsigned k;

		do
			k = rnd(N_RLIMIT_MODEL);
		while (!(fs->rlimits & (1u << k)));
		name = "rlimit";
		value = random_rlimit_of(k);
		snprintf(needle, size, "--rlimit %s given twice",
			 rlimit_name((int)k));
		break;
	}
	case 15:
		name = fs->items[once].opt->name;
		value = random_value(fs, fs->items[once].opt);
		snprintf(needle, size, "--%s given twice", name);
		break;
	case 16:
		name = "timeout-exit-124";
		snprintf(needle, size, "--timeout-exit-124 needs --timeout");
		break;
	default: {
		/* an address there is already, with another prefix maybe */
		const char *v = fs->items[addr].value;

		name = "loopback-addr";
		r = asprintf(&value, "%.*s/%u", (int)strcspn(v, "/"), v,
			     1 + rnd(32));
		twin = addr;
		has_twin = true;
		errnum = EEXIST;
		break;
	}
	}
	ck_assert_int_ge(r, 0);
	fuzz_add(fs, option_find(name), value);
	j = rnd((uint32_t)fs->n);
	if (j != fs->n - 1) {
		struct fuzz_item t = fs->items[fs->n - 1];

		fs->items[fs->n - 1] = fs->items[j];
		fs->items[j] = t;
		if (twin == j)
			twin = fs->n - 1;
	}
	if (has_twin && errnum == EEXIST) {
		/* the one that comes second is given twice */
		snprintf(needle, size, "--loopback-addr %s: given twice",
			 fs->items[twin < j ? j : twin].value);
	} else if (has_twin) {
		/* the parser checks --bind, --ro-bind then --tmpfs, each in
		 * order, and names the first of the two */
		const struct fuzz_item *t = &fs->items[twin];
		const struct fuzz_item *a = &fs->items[j];
		bool twin_first = mount_rank(t) != mount_rank(a)
					  ? mount_rank(t) < mount_rank(a)
					  : twin < j;

		snprintf(needle, size, "two mounts on `%s`",
			 fuzz_dest(twin_first ? t : a));
	}
	return errnum;
}

/* A valid random spec with one conflict added is refused for it. */
START_TEST(test_fuzz_conflicts)
{
	unsigned broken = 0, eexist = 0, landlock = 0, rlimit = 0, twice = 0;

	rng_state = 0x2545f4914f6cdd1dull + (uint64_t)_i;
	for (int iter = 0; iter < 1000; iter++) {
		_cleanup_strv_ struct strv tokens = { 0 }, command = { 0 };
		_cleanup_spec_ struct spec spec;
		_cleanup_free_ char *sin = NULL;
		struct sh_err err = { 0 };
		enum cli_action action;
		struct fuzz_spec fs;
		char needle[256];
		int errnum, r;

		fuzz_build(&fs);
		errnum = fuzz_break(&fs, needle, sizeof(needle));
		if (!errnum) {
			fuzz_free(&fs);
			continue;
		}
		broken++;
		eexist += errnum == EEXIST;
		landlock += strstr(needle, "--landlock-mode needs") != NULL;
		rlimit += strstr(needle, "--rlimit ") != NULL;
		twice += strstr(needle, " given twice") != NULL;
		fuzz_tokens(&fs, &tokens, &command);
		spec_init(&spec);
		r = spec_parse(&spec, tokens.v, tokens.n, rnd(2), &action,
			       &err);
		sin = join(&tokens);
		ck_assert_msg(r == -errnum, "`%s`: returned %d (%s), expected "
			      "-%s naming `%s`",
			      sin, r, r < 0 ? err.message : "no error",
			      err_name(errnum), needle);
		ck_assert_int_eq(err.errnum, errnum);
		ck_assert_str_eq(err.stage, "spec");
		ck_assert_msg(strstr(err.message, needle),
			      "`%s`: message `%s` does not name `%s`", sin,
			      err.message, needle);
		fuzz_free(&fs);
	}
	ck_assert_uint_gt(broken, 900);
	/* lo's own addresses and repeated ones come up too */
	ck_assert_uint_gt(eexist, 50);
	/* and the hardening conflicts */
	ck_assert_uint_gt(landlock, 2);
	ck_assert_uint_gt(rlimit, 20);
	ck_assert_uint_gt(twice - rlimit, 20);
}
END_TEST

/* ---- --help ---- */

/* Every run of spaces and newlines as one space. */
static char *squeeze(const char *s, size_t len)
{
	char *out = malloc(len + 1), *o = out;

	ck_assert_ptr_nonnull(out);
	for (size_t i = 0; i < len; i++) {
		bool blank = s[i] == ' ' || s[i] == '\n';

		if (!blank)
			*o++ = s[i];
		else if (o == out || o[-1] != ' ')
			*o++ = ' ';
	}
	*o = '\0';
	return out;
}

/* The entry of --name in the help: from its line to the next line that
 * is not an indented continuation. */
static char *help_entry(const char *buf, const struct option_def *opt)
{
	char left[128], short_name[8] = "";
	const char *p = buf, *end;
	size_t ll;

	if (OPTION_SHORT_NAME(opt))
		snprintf(short_name, sizeof(short_name), "-%c, ",
			 OPTION_SHORT_NAME(opt));
	ll = (size_t)snprintf(left, sizeof(left), "\n  %s--%s%s%s", short_name,
			      opt->name,
			      opt->metavar ? " " : "",
			      opt->metavar ? opt->metavar : "");
	while ((p = strstr(p, left)) && p[ll] != ' ' && p[ll] != '\n')
		p += ll;
	ck_assert_msg(p != NULL, "--help lacks `%s`", left + 1);
	p++;
	end = p;
	while ((end = strchr(end, '\n')) && strncmp(end + 1, "    ", 4) == 0)
		end++;
	ck_assert_ptr_nonnull(end);
	return squeeze(p, (size_t)(end - p));
}

START_TEST(test_help)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	const char *line;

	ck_assert_ptr_nonnull(f);
	options_print_help(f, "prog");
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_uint_eq(strlen(buf), len);
	ck_assert_ptr_nonnull(strstr(buf, "Usage: prog "));
	ck_assert_ptr_nonnull(strstr(buf, "prog --spec-fd FD"));
	for (line = buf; *line;) {
		size_t l = strcspn(line, "\n");

		ck_assert_msg(l <= 80, "--help line longer than 80: `%.*s`",
			      (int)l, line);
		line += l + (line[l] == '\n');
	}
	for (int g = 0; g < GROUP_COUNT; g++) {
		char title[64];

		snprintf(title, sizeof(title), "\n%s:\n",
			 option_group_title((enum opt_group)g));
		ck_assert_msg(strstr(buf, title), "no group `%s`",
			      option_group_title((enum opt_group)g));
	}
	for (size_t i = 0; i < option_count; i++) {
		const struct option_def *opt = &option_table[i];
		_cleanup_free_ char *entry = help_entry(buf, opt);
		_cleanup_free_ char *help = squeeze(opt->help,
						    strlen(opt->help));

		ck_assert_msg(strstr(entry, help),
			      "--%s's help text is not in `%s`", opt->name,
			      entry);
		ck_assert_int_eq(strstr(entry, "(repeatable)") != NULL,
				 (opt->flags & OPT_REPEAT) != 0);
	}
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *make_options_suite(void)
{
	Suite *s = suite_create("options");
	TCase *tc;

	tc = tcase_create("table");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_loop_test(tc, test_table_entry, 0, (int)option_count);
	tcase_add_test(tc, test_table_find);
	tcase_add_test(tc, test_help);
	suite_add_tcase(s, tc);

	tc = tcase_create("parse");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_loop_test(tc, test_parse_good, 0, N(good_cases));
	tcase_add_test(tc, test_parse_fields);
	tcase_add_test(tc, test_parse_defaults);
	tcase_add_test(tc, test_parse_cli_actions);
	tcase_add_loop_test(tc, test_parse_bad, 0, N(bad_cases));
	tcase_add_test(tc, test_parse_isolation_fields);
	tcase_add_test(tc, test_parse_network_fields);
	tcase_add_test(tc, test_parse_hardening_fields);
	tcase_add_loop_test(tc, test_caps_parse, 0, N(caps_cases));
	tcase_add_loop_test(tc, test_rlimit_parse, 0, N(rlimit_cases));
	tcase_add_loop_test(tc, test_mount_path_is_root, 0, N(root_cases));
	tcase_add_loop_test(tc, test_signal_name, 0, N(signal_name_cases));
	tcase_add_loop_test(tc, test_spec_namespaces, 0, N(ns_cases));
	tcase_add_test(tc, test_unshare_all_mask);
	tcase_add_test(tc, test_loopback_limit);
	suite_add_tcase(s, tc);

	tc = tcase_create("cli");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_loop_test(tc, test_parse_cli, 0, N(cli_cases));
	tcase_add_loop_test(tc, test_spec_fd_good, 0, 2);
	tcase_add_loop_test(tc, test_spec_fd_bad, 0, N(spec_fd_bad_cases));
	tcase_add_test(tc, test_spec_fd_max);
	tcase_add_loop_test(tc, test_spec_fd_oversize, 0, 2);
	tcase_add_test(tc, test_spec_split);
	tcase_add_test(tc, test_spec_fd_memfd);
	tcase_add_test(tc, test_strv_push_ref);
	suite_add_tcase(s, tc);

	tc = tcase_create("status-fd");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_loop_test(tc, test_scan_status_fd, 0, N(scan_cases));
	tcase_add_loop_test(tc, test_bad_spec_status_fd, 0,
			    N(bad_status_cases));
	tcase_add_test(tc, test_bad_spec_fd_status_fd);
	suite_add_tcase(s, tc);

	tc = tcase_create("roundtrip");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_loop_test(tc, test_roundtrip_option, 0, (int)option_count);
	tcase_add_loop_test(tc, test_roundtrip_samples, 0, N(samples));
	tcase_add_loop_test(tc, test_prereq_needed, 0, N(prereqs));
	tcase_add_loop_test(tc, test_roundtrip_fuzz, 0, 4);
	tcase_add_loop_test(tc, test_fuzz_conflicts, 0, 4);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(make_options_suite());
}
