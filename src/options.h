/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The option table: the single source of truth for the command line, the
 * NUL-separated spec, --help, and (later) the library's serializer, the man
 * page and bash completion. */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "spec.h"

enum opt_flags {
	OPT_VALUE = 1 << 0,    /* takes one value: --name VALUE or --name=VALUE */
	OPT_REPEAT = 1 << 1,   /* may be given more than once */
	OPT_CLI_ONLY = 1 << 2, /* only on the command line, never in a spec */
};

enum opt_group {
	GROUP_GENERAL,
	GROUP_PROCESS,
	GROUP_CREDENTIALS,
	GROUP_NAMESPACES,
	GROUP_NETWORK,
	GROUP_MOUNTS,
	GROUP_LIMITS,
	GROUP_HARDENING,
	GROUP_REPORTING,
	GROUP_SANDBOX,
	GROUP_COUNT,
};

struct option_def;

typedef int (*opt_parse_fn)(struct spec *spec, const struct option_def *opt,
			    const char *value, struct sh_err *err);
/* Append this option's tokens for spec to out (none when it is unset). */
typedef int (*opt_emit_fn)(const struct spec *spec,
			   const struct option_def *opt, struct strv *out);

struct option_def {
	const char *name; /* without the leading "--" */
	unsigned flags;
	enum opt_group group;
	const char *metavar;
	const char *help;
	opt_parse_fn parse;
	opt_emit_fn emit;
	size_t offset; /* the spec field of the generic parse/emit functions */
	/* keyword options: the words, NULL-terminated (parse_keyword
	 * stores the index plus one, 0 being unset; the metavar lists them
	 * joined by '|', or is a NAME whose help tells them) */
	const char *const *choices;
	/* durations: the field's value when the option is not given (not
	 * emitted), and the least value accepted, in ms */
	long long unset;
	long long min;
};

/* A short name (-h) in an option's flags, and back (0: none). */
#define OPT_SHORT(c) ((unsigned)(unsigned char)(c) << 8)
#define OPTION_SHORT_NAME(opt) ((char)(((opt)->flags >> 8) & 0xff))

/* The table's size is below this (a compile-time check says so). */
#define OPTION_MAX 128

extern const struct option_def option_table[];
extern const size_t option_count;

const struct option_def *option_find(const char *name);
/* The option of a short name (-h), or NULL. */
const struct option_def *option_find_short(char c);

/* Strict decimal (or octal with base 8) in [min, max]; -EINVAL else. */
int option_parse_number(const char *s, int base, long min, long max,
			long *out);
const char *option_group_title(enum opt_group group);

/* What the command line asked the helper to do. */
enum cli_action {
	CLI_RUN,
	CLI_HELP,
	CLI_VERSION,
	CLI_PROBE,      /* --probe: what this machine supports, as text */
	CLI_PROBE_JSON, /* --probe --json */
};

/* Parse a spec's tokens ("--opt", "value", ..., "--", "cmd", "arg"). With
 * from_cli the CLI-only options are allowed. */
int spec_parse(struct spec *spec, char *const *tokens, size_t n,
	       bool from_cli, enum cli_action *action, struct sh_err *err);

/* Parse the helper's own argv: either options and a command, or
 * --spec-fd N alone, whose spec is then read and parsed. */
int spec_parse_cli(struct spec *spec, int argc, char *const *argv,
		   enum cli_action *action, struct sh_err *err);

/* What a parsed spec must also satisfy: a command, no contradictions.
 * spec_parse checks it; a spec built option by option checks it last. */
int spec_validate(const struct spec *spec, struct sh_err *err);

/* Give one option to spec through its parser (value NULL for a flag), as
 * the library's typed setters do. A once-only option set again replaces
 * its value. */
int spec_set_option(struct spec *spec, const char *name, const char *value,
		    struct sh_err *err);

/* The status fd named by the tokens, found before a full parse so that even
 * a spec error can be reported there. -1 when none or malformed. */
int spec_scan_status_fd(char *const *tokens, size_t n);

/* The canonical tokens of a spec: parse(emit(s)) describes s again. */
int spec_emit(const struct spec *spec, struct strv *out);

void options_print_help(FILE *out, const char *progname);
