/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzz harness for the spec parser: any byte string either is refused with
 * a stage-"spec" error and a message, or parses into a spec whose canonical
 * tokens parse again to the same tokens. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_refusal(const struct sh_err *err)
{
	if (strcmp(err->stage,
		   stage_name(STAGE_SPEC)) != 0 || !err->message[0] ||
	    err->errnum <= 0)
		abort();
}

static void check_round_trip(const struct spec *parsed)
{
	_cleanup_strv_ struct strv first = { 0 }, second = { 0 };
	_cleanup_spec_ struct spec again;
	enum cli_action action;
	struct sh_err err = { 0 };

	spec_init(&again);
	if (spec_emit(parsed, &first) < 0)
		abort();
	if (spec_parse(&again, first.v, first.n, false, &action, &err) < 0)
		abort();
	if (spec_emit(&again, &second) < 0 || !strv_equal(&first, &second))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_strv_ struct strv tokens = { 0 };
	_cleanup_spec_ struct spec spec;
	enum cli_action action;
	struct sh_err err = { 0 };

	spec_init(&spec);
	if (spec_split((const char *)data, size, &tokens, &err) < 0) {
		check_refusal(&err);
		return 0;
	}
	if (spec_parse(&spec, tokens.v, tokens.n, false, &action, &err) < 0)
		check_refusal(&err);
	else
		check_round_trip(&spec);
	return 0;
}
