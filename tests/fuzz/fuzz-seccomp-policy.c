/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzz harness for the seccomp rule language: any byte string either is
 * refused with a stage-"seccomp" error naming the line ("WHERE:LINE: ..."),
 * or parses into rules whose every field is in range. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seccomp-policy.h"

#define WHERE "fuzz"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Lines of the input as the parser counts them. */
static unsigned count_lines(const uint8_t *data, size_t size)
{
	unsigned lines = size ? 1 : 0;

	for (size_t i = 0; i + 1 < size; i++)
		lines += data[i] == '\n';
	return lines;
}

static void check_refusal(const struct sh_err *err, unsigned lines)
{
	char prefix[32];
	unsigned line;
	int used = 0;

	if (strcmp(err->stage,
		   stage_name(STAGE_SECCOMP)) != 0 || err->errnum != EINVAL)
		abort();
	/* "fuzz:LINE: why", LINE one of the input's */
	if (sscanf(err->message, WHERE ":%u: %n", &line, &used) != 1 ||
	    used == 0 || !err->message[used])
		abort();
	snprintf(prefix, sizeof(prefix), WHERE ":%u:", line);
	if (strncmp(err->message, prefix, strlen(prefix)) != 0 || line < 1 ||
	    line > lines)
		abort();
}

static void check_rule(const struct seccomp_rule *rule, unsigned lines,
		       unsigned previous)
{
	size_t len = strnlen(rule->name, sizeof(rule->name));

	if (len == 0 || len >= sizeof(rule->name) ||
	    strpbrk(rule->name, " \t\n#"))
		abort();
	if (rule->action == SC_ACT_ERRNO) {
		if (rule->errnum < 1 || rule->errnum > 4095)
			abort();
	} else if (rule->action != SC_ACT_KILL) {
		abort();
	}
	if (rule->n_conds > SECCOMP_MAX_CONDS)
		abort();
	for (unsigned i = 0; i < rule->n_conds; i++) {
		const struct seccomp_cond *c = &rule->conds[i];

		if (c->arg > 5 || (unsigned)c->op > SC_OP_STR_NE)
			abort();
		/* a string condition's text ends inside its buffer */
		if (seccomp_cond_on_string(c) &&
		    strnlen(c->text, sizeof(c->text)) >= sizeof(c->text))
			abort();
	}
	if (!rule->source || strcmp(rule->source, WHERE) != 0 ||
	    rule->line <= previous || rule->line > lines)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seccomp_policy policy = { 0 };
	struct sh_err err = { 0 };
	unsigned lines = count_lines(data, size), previous = 0;

	if (seccomp_policy_parse(&policy, (const char *)data, size, WHERE,
				 &err) < 0) {
		check_refusal(&err, lines);
	} else {
		for (size_t i = 0; i < policy.n; i++) {
			check_rule(&policy.rules[i], lines, previous);
			previous = policy.rules[i].line;
		}
	}
	seccomp_policy_clear(&policy);
	return 0;
}
